"""The province's pages: 企业汇总 (every county's enterprises, decisions and letters) and the
quarantine under 收到的批次; 重复人员 (workers counted by two enterprises, identity conflicts,
rulings) is in :mod:`desktop.ui.duplicates_page`, 报送省开行 in :mod:`desktop.ui.bank_page`.

The widgets are built here rather than in Designer forms: each page is a filter row, a table and a
detail pane, the same three parts. The lists are queries read on the GUI thread a page at a time
(:mod:`desktop.ui.register_model`, :mod:`desktop.ui.duplicates_model`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableView, QTableWidget, QTableWidgetItem,
    QTextBrowser, QVBoxLayout, QWidget,
)

from desktop.core.identifiers import mask_phone
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.core.tracking import Verdict
from desktop.core.tracking_confirm import Confirmation, Outcome
from desktop.services import province, tracking_reports
from desktop.services.batch_import import ImportOutcome
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.batch_import_dialog import explanation
from desktop.ui.errors import show_exception
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.register_model import RegisterModel
from desktop.ui.widgets import ReloadsWhenShown, inform, offer, readonly_table, readonly_view
from desktop.ui.file_places import save_file


def fill_table(table: QTableWidget, rows: Sequence[Sequence[object]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))


def _save_workbook(ws: Workspace, _state: TaskState, target: Path) -> Path:
    return tracking_reports.save_loans_workbook(ws, target)


class ProvincePage(ReloadsWhenShown):
    data_changed = Signal(str, int)  # as the other pages: (Change, enterprise id)

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws, self._tasks = workspace, tasks
        self.layout_ = QVBoxLayout(self)
        self.filters = QHBoxLayout()
        self.layout_.addLayout(self.filters)

    countyCombo: QComboBox  # a page with a county filter makes it

    def _fill_counties(self) -> None:
        """The county filter: every county that sent applications, the choice kept."""
        current = self.countyCombo.currentData()
        self.countyCombo.blockSignals(True)
        self.countyCombo.clear()
        self.countyCombo.addItem(self.tr("全部县（市、区）"), "")
        for code, name in province.register_counties(self._ws):
            self.countyCombo.addItem(f"{name}（{code}）", code)
        self.countyCombo.setCurrentIndex(max(self.countyCombo.findData(current), 0))
        self.countyCombo.blockSignals(False)


class RegisterPage(ProvincePage):
    """企业汇总: the counties' applications, filtered by county, status, period and a search."""

    HEADERS = RegisterModel.HEADERS

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(workspace, tasks, parent)
        self.countyCombo = QComboBox(self)
        self.statusCombo = QComboBox(self)
        self.statusCombo.addItem(self.tr("全部状态"), "")
        for code, label in (("approved", "已批准"), ("issued", "已出具确认书")):
            self.statusCombo.addItem(self.tr(label), code)
        self.periodEdit = QLineEdit(self)
        self.periodEdit.setPlaceholderText(self.tr("批准年月，如 2026-11"))
        self.searchEdit = QLineEdit(self)
        self.searchEdit.setPlaceholderText(self.tr("企业名称、信用代码、文号或核验码"))
        self.searchEdit.setClearButtonEnabled(True)
        for caption, widget in ((self.tr("县："), self.countyCombo), (self.tr("状态："), self.statusCombo),
                                (self.tr("期间："), self.periodEdit), (self.tr("查找："), self.searchEdit)):
            self.filters.addWidget(QLabel(caption, self))
            self.filters.addWidget(widget)
        self.workbookButton = QPushButton(self.tr("贷款状态表…"), self)
        self.workbookButton.setToolTip(self.tr("各县报送的全部贷款及其核实状态（Excel 表），报省开行"))
        self.workbookButton.clicked.connect(self._choose_workbook)
        self.filters.addWidget(self.workbookButton)
        self.model = RegisterModel(workspace, self)
        self.table = readonly_view(QTableView(self))
        self.table.setModel(self.model)
        self.layout_.addWidget(self.table, 3)
        self.countLabel = QLabel(self)
        self.layout_.addWidget(self.countLabel)
        self.detail = QTextBrowser(self)
        self.layout_.addWidget(self.detail, 1)
        self.saving: Task | None = None
        self.written: Path | None = None
        for combo in (self.countyCombo, self.statusCombo):
            combo.currentIndexChanged.connect(self.reload)
        self.periodEdit.editingFinished.connect(self.reload)
        self.searchEdit.textChanged.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)


    def reload(self) -> None:
        self._fill_counties()
        period = self.periodEdit.text().strip()
        try:
            period = province.check_period(period) if period else ""
        except ServiceError as exc:  # checked before the model resets: a page query never fails half-way
            self.countLabel.setText(error_text(exc))
            return
        self.model.set_filters(county=self.countyCombo.currentData() or None,
                               status=self.statusCombo.currentData() or None, period=period or None,
                               search=self.searchEdit.text())
        self.countLabel.setText(self.tr("{counties} 个县（市、区）的 {total} 件申请").format(
            counties=self.model.counties, total=self.model.total))

    def _choose_workbook(self) -> None:
        suggested = self.tr("贷款跟踪状态_{date}.xlsx").format(date=datetime.date.today().isoformat())
        path = save_file(self, "loan_workbook", self.tr("保存贷款状态表"), suggested,
                         self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.save_workbook(Path(path))

    def save_workbook(self, target: Path) -> Task | None:
        """贷款状态表…: every county's loans with their status (``laoxie track report --all``)."""
        if self.saving is not None:
            return None
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        task = self._tasks.run(_save_workbook, target, ws_factory=opener(self._ws),
                               label=self.tr("正在写出贷款状态表…"), parent=self)
        self.saving = task
        self.workbookButton.setEnabled(False)
        task.success(self._saved)
        task.failure(self._save_failed)
        return task

    def _saved(self, path: Path) -> None:
        self.saving, self.written = None, path
        self.workbookButton.setEnabled(True)
        self.countLabel.setText(self.tr("已保存：{path}").format(path=path))

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = None
        self.workbookButton.setEnabled(True)
        if isinstance(exc, ServiceError):
            self.countLabel.setText(error_text(exc))
        elif isinstance(exc, OSError):
            self.countLabel.setText(self.tr("无法写出文件：{reason}").format(reason=os_reason(exc)))
        else:
            show_exception(self, exc)

    def _tracking_html(self, r: province.RegisterRow) -> list[str]:
        """The county clerk's answers for the workers, then each loan with its checks."""
        html: list[str] = []
        answers = province.answers(self._ws, r)
        if answers.priority_claimed is not None:
            html.append(self.tr("重点群体：企业申报 {claimed} 人、已核实 {verified} 人（计入人员）").format(
                claimed=answers.priority_claimed, verified=answers.priority_verified or 0))
        if answers.hukou_checked or answers.hukou_excluded:
            html.append(self.tr("身份证地区与户籍地不同：已核对户口簿 {checked} 人，不计入 {excluded} 人").format(
                checked=answers.hukou_checked, excluded=answers.hukou_excluded))
        for loan, checks in province.loans_of(self._ws, r):
            html.append(f"<b>{self.tr('贷款')}</b> " + escape(self.tr(
                "{bank} 合同 {number}：{amount} 万元，{start} 至 {end}，利率 {rate}%（LPR {lpr}%）").format(
                bank=loan.bank_branch, number=loan.contract_number, amount=loan.amount_wan, start=loan.start_date,
                end=loan.end_date, rate=loan.rate, lpr=loan.lpr_value)))
            if not checks:
                html.append(self.tr("　尚未核实"))
            for check in checks:
                verdict = Verdict(check.verdict).label + (
                    f"（{check.confirmation.label}）" if check.confirmation is not Confirmation.NOT_NEEDED else "")
                html.append(escape(self.tr("　{date} 核实：{verdict}，计入 {n} 人，职工总数 {staff} 人").format(
                    date=check.check_date, verdict=verdict, n=check.qualifying, staff=check.staff_total)))
                if check.answer is not None:
                    html.append(escape(self.tr("　　审核人{outcome}：{name}，{date}{reason}").format(
                        outcome=Outcome(check.answer.outcome).label, name=check.answer.answered_by_name,
                        date=check.answer.answered_at[:10],
                        reason=f"，理由：{check.answer.reason}" if check.answer.reason else "")))
        return html

    def _show_detail(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            self.detail.clear()
            return
        r = self.model.row(selected[0].row())
        steps = province.explanation(self._ws, r.decision_id) if r.decision_id else []
        html = [f"<b>{r.enterprise_name}</b>（{r.uscc}），{r.county_name}；联系人 {r.contact_name} "
                f"{mask_phone(r.contact_phone)}"]
        if r.letter_number:
            html.append(self.tr("确认书 {number}，核验码 {code}").format(number=r.letter_number, code=r.verification_code))
        html += self._tracking_html(r)  # what happened since, before how the decision was reached
        html.append("<ol>" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>")
        changes = province.history(self._ws, r)
        if changes:
            html.append(self.tr("<b>后来的批次改动过：</b>"))
            html += [f"{c.recorded_at[:16].replace('T', ' ')} {c.batch_file}：" + "；".join(
                f"{column} {before} → {after}" for column, (before, after) in c.changes.items()) for c in changes]
        self.detail.setHtml("<br>".join(html))


def _recheck(ws: Workspace, state: TaskState, quarantine_id: int, passphrase: str) -> object:
    state.progress(0, 1, "正在重新核验…")
    return province.recheck_quarantined(ws, quarantine_id, passphrase)


class QuarantinePanel(QWidget):
    """Under 收到的批次: the batches refused, each with its reasons and report; 重新核验 once the
    reason is gone (the county's key registered)."""

    HEADERS = ("隔离时间", "文件", "县（市、区）", "序号", "原因")
    rechecked = Signal(object)  # the ImportOutcome

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws, self._tasks = workspace, tasks
        layout = QVBoxLayout(self)
        margin = self.style().pixelMetric(self.style().PixelMetric.PM_LayoutLeftMargin)
        layout.setContentsMargins(margin, 0, margin, margin)  # in line with the batch list above
        bar = QHBoxLayout()
        self.caption = QLabel(self)
        self.recheckButton = QPushButton(self.tr("重新核验…"), self)
        self.recheckButton.setToolTip(self.tr("登记了该县的公钥等原因消除后，再核验一次原文件"))
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.recheckButton)
        layout.addLayout(bar)
        self.table = readonly_table(self, [self.tr(h) for h in self.HEADERS])
        layout.addWidget(self.table, 1)
        self.report = QTextBrowser(self)
        layout.addWidget(self.report, 1)
        self.entries: list[province.QuarantineEntry] = []
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.recheckButton.clicked.connect(self._ask_passphrase)
        self.reload()

    def reload(self) -> None:
        """The list again, the batch chosen still chosen: the same row, or the row a refusal again
        made for the same file (the rows move: the newest is first); none when it was accepted."""
        chosen = self._selected()
        self.entries = province.quarantine(self._ws)
        self.table.blockSignals(True)
        self.table.clearSelection()
        fill_table(self.table, [(
            e.row.quarantined_at[:16].replace("T", " "), e.row.file_name, self._county(e), e.row.seq, "；".join(e.reasons),
        ) for e in self.entries])
        if chosen is not None:
            same = [i for i, e in enumerate(self.entries) if e.row.id == chosen.row.id] or [
                i for i, e in enumerate(self.entries) if e.row.file_sha256 == chosen.row.file_sha256]
            if same:
                self.table.selectRow(same[0])
        self.table.blockSignals(False)
        self.caption.setText(self.tr("隔离区：{n} 个批次未通过核验").format(n=len(self.entries)))
        self._selection_changed()

    def _county(self, entry: province.QuarantineEntry) -> str:
        """As the other province pages name a county: 名称（代码）."""
        code = entry.row.office_code
        if not code:
            return self.tr("（无法读出）")
        return f"{entry.county_name}（{code}）" if entry.county_name else code

    def _selected(self) -> province.QuarantineEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        entry = self._selected()
        if not self._ws.can(Permission.EXPORT_BATCHES):
            offer(self.recheckButton, False, not_allowed_text(self._ws.actor, Permission.EXPORT_BATCHES))
        else:
            offer(self.recheckButton, entry is not None, self.tr("请先在隔离区中选择一个批次"))
        if entry is None:
            self.report.clear()
            return
        lines = [self.tr("文件：{name}（{size} 字节）").format(name=entry.row.file_name, size=entry.row.file_size),
                 f"SHA-256：{entry.row.file_sha256}", self.tr("隔离副本：{path}").format(path=entry.row.stored_as)]
        lines += [self.tr("原因：{reason}").format(reason=r) for r in entry.reasons]
        self.report.setPlainText("\n".join(lines))

    def _ask_passphrase(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        passphrase, ok = QInputDialog.getText(self, self.tr("重新核验"), self.tr("本单位解密密钥的口令："),
                                              QLineEdit.EchoMode.Password)
        if ok and passphrase:
            self.recheck(passphrase)

    def recheck(self, passphrase: str) -> None:
        entry = self._selected()
        if entry is None:
            return
        task = self._tasks.run(_recheck, entry.row.id, passphrase, ws_factory=opener(self._ws),
                               label=self.tr("正在重新核验…"), parent=self)
        task.success(self._done)
        task.failure(lambda exc: show_exception(self, exc))

    def _done(self, outcome: ImportOutcome) -> None:
        self.reload()
        name = outcome.path.name
        if outcome.accepted:
            text = self.tr("{file} 重新核验通过，已接收（{office}第 {seq} 批）。").format(
                file=name, office=outcome.office_name or outcome.office_code or "", seq=outcome.seq)
        else:  # refused again: a new row in the quarantine, the reasons as the import dialog gives them
            text = self.tr("{file} 重新核验仍未通过，已再次隔离：\n{reasons}").format(
                file=name, reasons=explanation(outcome))
        inform(self, self.tr("重新核验"), text)
        self.rechecked.emit(outcome)


__all__ = ["ProvincePage", "fill_table", "QuarantinePanel", "RegisterPage"]
