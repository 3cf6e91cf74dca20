"""How a :class:`~desktop.core.decision.Decision` reads on screen: the worker table and the header texts.

Everything shown goes through Qt's translation (context ``DecisionView``, or
the context the core marked a label in); the core's problems are translated
by :func:`desktop.ui.text.problem_text`. ID numbers are always shown masked.
"""

from __future__ import annotations

import html
from datetime import datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop.core.decision import Decision, PassBy, Result, StandardKind, WorkerOutcome, override_step, percent_text
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.workers import ContractType
from desktop.ui.text import problem_text, size_label

_CONTEXT: Final = "DecisionView"
PASS_COLOR: Final = "#1b7f3b"
FAIL_COLOR: Final = "#b3261e"
MUTED_COLOR: Final = "#5f6368"
Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


# -- words --------------------------------------------------------------------------


def result_word(result: Result) -> str:
    """通过 / 不通过."""
    return _tr(_RESULT_WORDS[result])


_RESULT_WORDS: Final = {
    Result.PASS: QT_TRANSLATE_NOOP("DecisionView", "通过"),
    Result.FAIL: QT_TRANSLATE_NOOP("DecisionView", "不通过"),
}
_TRIGGERS: Final = {
    "any_qualifying_priority_worker": QT_TRANSLATE_NOOP("DecisionView", "计入人员中有经核实的重点群体人员"),
    "never": QT_TRANSLATE_NOOP("DecisionView", "现行规则未启用降低标准"),
}


def result_color(result: Result) -> str:
    return PASS_COLOR if result is Result.PASS else FAIL_COLOR


def result_html(result: Result, *, point_size: int = 20) -> str:
    """The word in its colour, large (the header of the page)."""
    return (f'<span style="color:{result_color(result)}; font-size:{point_size}pt; font-weight:600">'
            f"{html.escape(result_word(result))}</span>")


def label(context: str, text: str) -> str:
    """A label the core marked in ``context`` (eligibility, group, contract), translated."""
    return QCoreApplication.translate(context, text)


def trigger_text(trigger: str) -> str:
    return _tr(_TRIGGERS[trigger]) if trigger in _TRIGGERS else trigger


def pass_by_text(decision: Decision) -> str:
    if decision.pass_by is None:
        return _tr("人数和占比均未达标")
    return label("eligibility", decision.pass_by.label)


def share_text(decision: Decision) -> str:
    return percent_text(decision.share) if decision.share is not None else _tr("无法计算（职工总数为0）")


def result_detail(decision: Decision) -> str:
    """符合认定标准：按人数达标（降低标准）."""
    return _tr("{result}：{how}（{kind}）").format(
        result=label("eligibility", decision.computed_result.label), how=pass_by_text(decision),
        kind=label("eligibility", decision.standard.kind.label),
    )


def counts_text(decision: Decision) -> str:
    """职工总数 63 人；计入 7 人，占 11.11%（人数 7≥5 达到，占比 11.11%<15% 未达到）."""
    s = decision.standard
    count_sign = "≥" if decision.count_met else "<"
    share_sign = "≥" if decision.share_met else "<"
    # One literal: lupdate does not join implicitly concatenated strings.
    return _tr("职工总数 {staff} 人，对口地区合格人员 {counted} 人，占 {share}（人数 {counted}{count_sign}{count}，占比 {share}{share_sign}{share_required}）").format(  # noqa: E501
        staff=decision.staff_total, counted=decision.qualifying_count, share=share_text(decision),
        count_sign=count_sign, count=s.count_required, share_sign=share_sign,
        share_required=percent_text(s.share_required),
    )


def standard_text(decision: Decision) -> str:
    """Which standard was applied, why, and how its numbers were worked out."""
    s = decision.standard
    size = size_label(s.size)
    if s.kind is StandardKind.REDUCED:
        text = _tr("已适用降低标准（{size}企业；触发条件：{trigger}）：人数 {count_working}；占比 {share_working}。"
                   "正常标准为不少于 {count} 人或 {share}，未达到").format(
            size=size, trigger=trigger_text(s.trigger), count_working=s.count_working,
            share_working=s.share_working, count=s.base_count, share=percent_text(s.base_share),
        )
    else:
        text = _tr("正常标准（{size}企业）：合格人员不少于 {count} 人，或占职工总数不低于 {share}").format(
            size=size, count=s.base_count, share=percent_text(s.base_share),
        )
        if s.reduced_available:
            text += _tr("；有重点群体人员，但已达到正常标准，无须降低")
    if decision.size_manual:
        text += _tr("。企业规模由经办人手工设定，理由：{reason}").format(reason=decision.size_reason)
    return text


def priority_text(decision: Decision) -> str:
    groups = "、".join(
        _tr("{group}{n}人").format(group=label("group", group.label), n=n) for group, n in decision.priority_counts
    )
    if decision.priority_borrower:
        text = _tr("是（计入的重点群体人员 {n} 人：{groups}）").format(n=decision.priority_workers, groups=groups)
    elif decision.priority_workers:
        text = _tr("否（有重点群体人员 {n} 人，但未达到认定标准）").format(n=decision.priority_workers)
    elif decision.priority_claimed:
        text = _tr("否（企业申报的重点群体尚未核实）")
    else:
        text = _tr("否（计入人员中没有经核实的重点群体人员）")
    if decision.priority_claimed is not None and (decision.priority_claimed or decision.priority_verified):
        text += _tr("；计入人员中企业申报 {claimed} 人、已核实 {verified} 人").format(
            claimed=decision.priority_claimed, verified=decision.priority_verified)
    return text


def final_html(decision: Decision) -> str:
    """The header's conclusion: the final result, and the computed one beside it when they differ."""
    if decision.override is None:
        return result_html(decision.final_result)
    return _tr("{final}　<span style=\"color:{muted}\">计算结论：</span>{computed}").format(
        final=_tr("最终结论：") + result_html(decision.final_result),
        computed=result_html(decision.computed_result, point_size=13), muted=MUTED_COLOR,
    )


def local_time(iso: str) -> str:
    """2026-11-24 19:37 in the computer's time zone (the store keeps UTC)."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


def override_text(decision: Decision) -> str:
    """审核人朴科长将结论定为“不符合认定标准”（计算结果为“…”），理由：…."""
    return problem_text(override_step(decision)) if decision.override is not None else ""


def explanation_html(decision: Decision) -> str:
    """The steps as numbered sentences, the approver's decision last, then the reminders."""
    # Detail lines of the engine start with a full-width space: they belong to the step before.
    items: list[list[str]] = []
    for step in decision.steps:
        text = problem_text(step)
        if text.startswith("\u3000") and items:
            items[-1].append(text.strip())
        else:
            items.append([text.strip()])
    parts = ["<ol>"]
    for first, *details in items:
        lines = [html.escape(first)]
        lines += [f'<span style="color:{MUTED_COLOR}">{html.escape(d)}</span>' for d in details]
        parts.append(f"<li>{'<br>'.join(lines)}</li>")
    if decision.override is not None:
        parts.append(f'<li style="color:{result_color(decision.final_result)}">'
                     f"{html.escape(override_text(decision))}</li>")
    parts.append("</ol>")
    if decision.warnings:
        parts.append(f"<p><b>{html.escape(_tr('提醒'))}</b></p><ul>")
        parts += [f"<li>{html.escape(problem_text(p))}</li>" for p in decision.warnings]
        parts.append("</ul>")
    return "".join(parts)


def contract_text(outcome: WorkerOutcome) -> str:
    facts = outcome.facts
    start = facts.contract_start.isoformat() if facts.contract_start else "?"
    if facts.contract_end is not None:
        period = f"{start}至{facts.contract_end.isoformat()}"
    elif facts.contract_type is ContractType.FIXED:
        period = f"{start}至?"
    else:
        period = _tr("{start}起").format(start=start)
    return f"{label('contract', facts.contract_type.label)} {period}"


# -- the worker table -----------------------------------------------------------------------


class WorkerColumn(IntEnum):
    NAME = 0
    ID = 1
    HUKOU = 2
    GROUP = 3
    CONTRACT = 4
    COUNTED = 5
    REASON = 6


class WorkerFilter(IntEnum):
    ALL = 0
    COUNTED = 1
    EXCLUDED = 2


WORKER_HEADERS: Final = {
    WorkerColumn.NAME: QT_TRANSLATE_NOOP("DecisionView", "姓名"),
    WorkerColumn.ID: QT_TRANSLATE_NOOP("DecisionView", "身份证号"),
    WorkerColumn.HUKOU: QT_TRANSLATE_NOOP("DecisionView", "户籍地"),
    WorkerColumn.GROUP: QT_TRANSLATE_NOOP("DecisionView", "重点群体"),
    WorkerColumn.CONTRACT: QT_TRANSLATE_NOOP("DecisionView", "合同"),
    WorkerColumn.COUNTED: QT_TRANSLATE_NOOP("DecisionView", "是否计入"),
    WorkerColumn.REASON: QT_TRANSLATE_NOOP("DecisionView", "原因"),
}
FILTER_LABELS: Final = {
    WorkerFilter.ALL: QT_TRANSLATE_NOOP("DecisionView", "全部"),
    WorkerFilter.COUNTED: QT_TRANSLATE_NOOP("DecisionView", "计入"),
    WorkerFilter.EXCLUDED: QT_TRANSLATE_NOOP("DecisionView", "未计入"),
}
OUTCOME_ROLE: Final = Qt.ItemDataRole.UserRole + 1  # the WorkerOutcome of the row


class WorkerModel(QAbstractTableModel):
    """The workers of one decision (all in memory: a roster is at most a few thousand rows)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: tuple[WorkerOutcome, ...] = ()
        self._rows: list[WorkerOutcome] = []
        self._filter = WorkerFilter.ALL

    @property
    def filter(self) -> WorkerFilter:
        return self._filter

    @property
    def total(self) -> int:
        return len(self._all)

    def set_decision(self, decision: Decision | None) -> None:
        self._all = decision.workers if decision is not None else ()
        self._refill()

    def set_filter(self, which: WorkerFilter) -> None:
        if which is not self._filter:
            self._filter = WorkerFilter(which)
            self._refill()

    def _refill(self) -> None:
        self.beginResetModel()
        if self._filter is WorkerFilter.COUNTED:
            self._rows = [w for w in self._all if w.counted]
        elif self._filter is WorkerFilter.EXCLUDED:
            self._rows = [w for w in self._all if not w.counted]
        else:
            self._rows = list(self._all)
        self.endResetModel()

    def outcome(self, row: int) -> WorkerOutcome:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(WorkerColumn)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(WorkerColumn):
                return _tr(WORKER_HEADERS[WorkerColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        outcome = self._rows[index.row()]
        column = WorkerColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(outcome, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(outcome, column)
        if role == Qt.ItemDataRole.ForegroundRole and column is WorkerColumn.COUNTED:
            return QBrush(QColor(PASS_COLOR if outcome.counted else FAIL_COLOR))
        if role == OUTCOME_ROLE:
            return outcome
        return None

    def _text(self, outcome: WorkerOutcome, column: WorkerColumn) -> str:
        facts = outcome.facts
        if column is WorkerColumn.NAME:
            return facts.name
        if column is WorkerColumn.ID:
            return outcome.masked_id
        if column is WorkerColumn.HUKOU:
            return outcome.hukou_name
        if column is WorkerColumn.GROUP:
            if facts.priority_group:
                return label("group", facts.priority_group.label)
            if facts.priority_claim:
                return _tr("{claim}（申报，未核实）").format(claim=label("group", facts.priority_claim.label))
            return ""
        if column is WorkerColumn.CONTRACT:
            return contract_text(outcome)
        if column is WorkerColumn.COUNTED:
            return _tr("计入") if outcome.counted else _tr("不计入")
        return "；".join(problem_text(p) for p in (outcome.reasons or outcome.notes))

    def _tooltip(self, outcome: WorkerOutcome, column: WorkerColumn) -> str | None:
        facts = outcome.facts
        if column is WorkerColumn.HUKOU and facts.hukou_text and facts.hukou_text != outcome.hukou_name:
            return _tr("名册所写：{text}").format(text=facts.hukou_text)
        if column is WorkerColumn.REASON:
            lines = [problem_text(p) for p in outcome.reasons]
            lines += [_tr("注：{text}").format(text=problem_text(p)) for p in outcome.notes]
            return "\n".join(lines) or None
        if column is WorkerColumn.CONTRACT:
            return contract_text(outcome)
        return None


__all__ = [
    "FILTER_LABELS", "OUTCOME_ROLE", "PassBy", "WorkerColumn", "WorkerFilter", "WorkerModel", "counts_text",
    "explanation_html", "final_html", "priority_text", "result_detail", "result_word", "standard_text",
]
