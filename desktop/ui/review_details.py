"""The 审核 page's details under the conclusion: the worker list and its filter, the people
another enterprise also lists (the clerk's choice for each), the recorded decisions, and the
what-if (试算) that records nothing. Part of :class:`desktop.ui.review_page.ReviewPage`."""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QComboBox, QListWidgetItem, QTableWidgetItem

from desktop.core.decision import Decision, DuplicateChoice, percent_text
from desktop.core.size import EnterpriseSize
from desktop.services import review as review_service
from desktop.services.errors import ServiceError
from desktop.store import StoreError
from desktop.ui.decision_view import (
    WorkerFilter,
    contract_text,
    label,
    local_time,
    pass_by_text,
    result_html,
    result_word,
    share_text,
)
from desktop.ui.review_form import ReviewForm
from desktop.ui.text import error_text, size_label
from desktop.ui.widgets import offer

WHAT_IF_SIZES: Final = (EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM, EnterpriseSize.LARGE)


class DuplicateColumn(IntEnum):
    NAME = 0
    ID = 1
    ELSEWHERE = 2
    CONTRACT = 3
    CHOICE = 4



class ReviewDetails(ReviewForm):
    # -- workers -------------------------------------------------------------------------------
    def _filter_changed(self) -> None:
        self.workers.set_filter(WorkerFilter(self.workerFilterCombo.currentData()))
        self._update_worker_count()

    def set_worker_filter(self, which: WorkerFilter) -> None:
        self.workerFilterCombo.setCurrentIndex(self.workerFilterCombo.findData(int(which)))

    def _update_worker_count(self) -> None:
        d = self._shown
        if d is None:
            self.workerCountLabel.setText("")
            return
        self.workerCountLabel.setText(self.tr("名册 {total} 条：计入 {counted} 人，未计入 {excluded} 条；显示 {shown} 条").format(
            total=len(d.workers), counted=d.qualifying_count, excluded=len(d.workers) - d.qualifying_count,
            shown=self.workers.rowCount()))

    # -- duplicates --------------------------------------------------------------------------------
    def _fill_duplicates(self, decision: Decision, *, editable: bool) -> None:
        rows = [w for w in decision.workers if w.facts.other_claims]
        table = self.duplicateTable
        table.setRowCount(len(rows))
        for row, outcome in enumerate(rows):
            facts = outcome.facts
            elsewhere = "；".join(
                self.tr("{enterprise}（{office}，{period}）").format(
                    enterprise=c.enterprise_name, office=c.office_name,
                    period=f"{c.contract_start or '?'}至{c.contract_end or ''}")
                for c in facts.other_claims
            )
            for column, text in ((DuplicateColumn.NAME, facts.name), (DuplicateColumn.ID, outcome.masked_id),
                                 (DuplicateColumn.ELSEWHERE, elsewhere),
                                 (DuplicateColumn.CONTRACT, contract_text(outcome))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
            combo = QComboBox(table)
            combo.setPlaceholderText(self.tr("请选择…"))
            combo.addItem(label("eligibility", DuplicateChoice.COUNT_HERE.label), DuplicateChoice.COUNT_HERE.value)
            combo.addItem(label("eligibility", DuplicateChoice.EXCLUDE_HERE.label),
                          DuplicateChoice.EXCLUDE_HERE.value)
            choice = facts.duplicate_choice
            combo.setCurrentIndex(combo.findData(choice.value) if choice else -1)
            combo.setEnabled(editable)
            if not editable:
                combo.setToolTip(self.tr("只能在当前计算结果中选择"))
            number = outcome.id_number
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, n=number: self.choose_duplicate(n, DuplicateChoice(c.currentData())))
            table.setCellWidget(row, DuplicateColumn.CHOICE, combo)

    def choose_duplicate(self, id_number: str, choice: DuplicateChoice) -> None:
        """The clerk's choice for a person another enterprise also lists; kept when the decision is recorded."""
        self._choices[id_number] = choice
        tab = self.detailTabs.currentIndex()
        # Recompute after the combo's signal has returned: filling the table again replaces the combo.
        QTimer.singleShot(0, self, lambda: self._recompute_keeping_tab(tab))
        self.actionStatusLabel.setText(self.tr("已选择，结论已重新计算；点击“记录认定结论”后保存。"))

    def _recompute_keeping_tab(self, tab: int) -> None:
        self.recompute()
        self.detailTabs.setCurrentIndex(tab)

    # -- history -------------------------------------------------------------------------------------
    def _fill_history(self) -> None:
        widget = self.historyList
        widget.blockSignals(True)
        widget.clear()
        for entry in reversed(self._history):  # newest first
            d = entry.stored.decision
            text = self.tr("第 {id} 号　{at}　{by}　{final}").format(
                id=entry.stored.id, at=local_time(entry.stored.created_at), by=entry.author or "—",
                final=result_word(d.final_result))
            if d.override is not None:
                text += self.tr("（计算结论：{computed}；{by}改定）").format(
                    computed=result_word(d.computed_result), by=d.override.by)
            text += self.tr("　审核日期 {day}　规则版本 …{hash}").format(
                day=d.review_date.isoformat(), hash=d.ruleset_version.rsplit("#", 1)[-1])
            item = QListWidgetItem(text, widget)
            item.setData(Qt.ItemDataRole.UserRole, entry.stored.id)
            item.setToolTip(d.ruleset_version)
        widget.setCurrentRow(-1)
        widget.blockSignals(False)

    def _history_selected(self, row: int) -> None:
        if row < 0:
            return
        stored_id = self.historyList.item(row).data(Qt.ItemDataRole.UserRole)
        entry = next((e for e in self._history if e.stored.id == stored_id), None)
        if entry is not None:
            self._show(entry.stored.decision, entry)

    def show_recorded(self, decision_id: int) -> None:
        for row in range(self.historyList.count()):
            if self.historyList.item(row).data(Qt.ItemDataRole.UserRole) == decision_id:
                self.historyList.setCurrentRow(row)
                return

    # -- what-if -----------------------------------------------------------------------------------------
    def _reset_what_if_inputs(self, decision: Decision) -> None:
        offer(self.whatIfGroup, True, "")
        for widget in (self.whatIfStaffSpin, self.whatIfSizeCombo):
            widget.blockSignals(True)
        self.whatIfStaffSpin.setValue(decision.staff_total)
        combo = self.whatIfSizeCombo
        combo.clear()
        combo.addItem(self.tr("按登记（{size}）").format(size=size_label(decision.size)), None)
        for size in WHAT_IF_SIZES:
            combo.addItem(size_label(size), size.value)
        combo.setCurrentIndex(0)
        for widget in (self.whatIfStaffSpin, self.whatIfSizeCombo):
            widget.blockSignals(False)
        self._update_what_if()

    def reset_what_if(self) -> None:
        if self._shown is not None:
            self._reset_what_if_inputs(self._shown)

    def set_what_if(self, *, staff_total: int | None = None, size: EnterpriseSize | None = None) -> None:
        """As the clerk would: set the spin box and the size combo (None: leave as is)."""
        if staff_total is not None:
            self.whatIfStaffSpin.setValue(staff_total)
        if size is not None:
            self.whatIfSizeCombo.setCurrentIndex(self.whatIfSizeCombo.findData(size.value))

    def _update_what_if(self) -> None:
        decision = self._shown
        if decision is None:
            return
        size_value = self.whatIfSizeCombo.currentData()
        size = EnterpriseSize(size_value) if size_value else None
        staff = self.whatIfStaffSpin.value()
        try:
            simulated = review_service.what_if(self._ws, decision, staff_total=staff, size=size, rules=self._rules)
        except (ServiceError, StoreError) as exc:
            self.what_if_decision = None
            self.whatIfResultLabel.setText(error_text(exc))
            return
        self.what_if_decision = simulated
        s = simulated.standard
        same_inputs = staff == decision.staff_total and size is None
        if same_inputs:
            headline = self.tr("改变上面的数字即可试算。按登记数据：{result}").format(
                result=result_html(simulated.computed_result, point_size=12))
        else:
            headline = self.tr("模拟结果：{result}").format(result=result_html(simulated.computed_result, point_size=12))
            if simulated.computed_result is not decision.computed_result:
                headline += self.tr("（与计算结论不同）")
            else:
                headline += self.tr("（与计算结论相同）")
        detail = self.tr("合格 {counted} 人，职工 {staff} 人，占 {share}；{kind}：{size}企业 ≥{count} 人或 ≥{share_required}；{how}").format(
            counted=simulated.qualifying_count, staff=simulated.staff_total, share=share_text(simulated),
            kind=label("eligibility", s.kind.label), size=size_label(simulated.size), count=s.count_required,
            share_required=percent_text(s.share_required), how=pass_by_text(simulated))
        self.whatIfResultLabel.setText(f"{headline}<br>{detail}")
