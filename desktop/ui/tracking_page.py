"""The 跟踪 page (issue 14): every loan of the office, its next re-verification and its latest result.

Built in code like the province's pages (a row of controls, a table, a detail pane). The rows are
few (an office's loans, not workers), so they are read on the GUI thread. Colours: the latest
result 达标 green, 有风险 amber, 不达标 red (待确认 until an approver who did not run the check
confirms it, then 需关注; 确认不达标 / 退回… here, as `laoxie track confirm|return`); an overdue check
in red text. The colour is never the only sign: the words are in the cells.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout, QHeaderView, QInputDialog, QLabel, QMessageBox, QPushButton, QSplitter,
    QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget,
)

from desktop.core.permissions import Permission
from desktop.core.tracking import Verdict
from desktop.core.tracking_confirm import Confirmation, Outcome
from desktop.services import tracking
from desktop.services.errors import ServiceError
from desktop.services.tracking import CheckResult, DueCheck
from desktop.services.tracking_timeline import TimelineMonth, timeline, worker_timeline
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.errors import show_exception
from desktop.ui.loan_dialog import LoanDialog
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.timeline_chart import TimelineChart
from desktop.ui.tracking_import import ListImporter
from desktop.ui.tracking_output import ReportWriter
from desktop.ui.widgets import ReloadsWhenShown, offer, readonly_table
from desktop.ui.worker_months import WorkerMonthsDialog

VERDICT_COLOURS = {  # light backgrounds that keep black text readable
    Verdict.MET.value: QColor("#d9f2d9"),
    Verdict.AT_RISK.value: QColor("#fff0c2"),
    Verdict.NOT_MET.value: QColor("#f8d0d0"),
}
OVERDUE_COLOUR = QColor("#b00020")


def _check(ws: Workspace, _state: TaskState, uscc: str, on: datetime.date, loan_id: int) -> CheckResult:
    return tracking.check(ws, uscc, on, loan_id=loan_id)


def _today() -> datetime.date:
    return datetime.date.today()


class TrackingColumn:
    NAME, USCC, CONTRACT, PERIOD, RATE, DUE, STATE, LAST, VERDICT = range(9)


class TrackingPage(ReloadsWhenShown):
    # the window's 跟踪 entry and its tooltip: what waits on the page for this user (read on every change,
    # shown or not, so the entry says it before the page is opened)
    alert = Signal(str, str)

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws, self._tasks = workspace, tasks
        self.checking: Task | None = None
        self._fixed_day: datetime.date | None = None
        layout = QVBoxLayout(self)
        self.titleLabel = QLabel(self)  # a line of its own: the buttons need the width
        layout.addWidget(self.titleLabel)
        top = QHBoxLayout()
        self.addButton = QPushButton(self.tr("登记贷款…"), self)
        top.addWidget(self.addButton)
        self.importButton = QPushButton(self.tr("导入跟踪名单…"), self)
        top.addWidget(self.importButton)
        self.checkButton = QPushButton(self.tr("核实所选贷款（按今天）"), self)
        top.addWidget(self.checkButton)
        self.confirmButton = QPushButton(self.tr("确认不达标"), self)
        top.addWidget(self.confirmButton)
        self.returnButton = QPushButton(self.tr("退回…"), self)
        top.addWidget(self.returnButton)
        self.refreshButton = QPushButton(self.tr("刷新"), self)
        top.addWidget(self.refreshButton)
        top.addStretch(1)
        layout.addLayout(top)
        top = QHBoxLayout()  # what is written out, on a row of its own: one row would not fit 1024 px
        self.reportButton = QPushButton(self.tr("跟踪报告…"), self)
        self.reportButton.setToolTip(self.tr("所选贷款的跟踪评估报告（PDF）：贷款情况、每次核实的结论和说明"))
        top.addWidget(self.reportButton)
        self.workbookButton = QPushButton(self.tr("贷款状态表…"), self)
        self.workbookButton.setToolTip(self.tr("全部贷款的核实状态（Excel 表），报省级和开行"))
        top.addWidget(self.workbookButton)
        self.paidTemplateButton = QPushButton(self.tr("社保明细模板…"), self)
        self.paidTemplateButton.setToolTip(self.tr(
            "保存空白的社会保险缴费明细模板（名册模板的配套），交企业按月填写：姓名、身份证号、缴费月份、单位"))
        top.addWidget(self.paidTemplateButton)
        self.workersButton = QPushButton(self.tr("人员时间线…"), self)
        top.addWidget(self.workersButton)
        top.addStretch(1)
        layout.addLayout(top)
        headers = (self.tr("企业名称"), self.tr("统一社会信用代码"), self.tr("借款合同"), self.tr("贷款期"),
                   self.tr("利率 / LPR"), self.tr("下次核实"), self.tr("核实状态"), self.tr("最近核实"),
                   self.tr("核实结论"))
        self.table = readonly_table(self, headers)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TrackingColumn.NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TrackingColumn.CONTRACT, QHeaderView.ResizeMode.Stretch)  # a tooltip when cut
        layout.addWidget(self.table, 2)
        self.countLabel = QLabel(self)
        layout.addWidget(self.countLabel)
        bottom = QSplitter(Qt.Orientation.Horizontal, self)  # the explanation beside the chart
        self.detail = QTextBrowser(bottom)
        self.chart = TimelineChart(bottom)
        bottom.addWidget(self.detail)
        bottom.addWidget(self.chart)
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        bottom.setChildrenCollapsible(False)
        layout.addWidget(bottom, 3)
        self.rows: list[DueCheck] = []
        self.refreshButton.clicked.connect(self.reload)
        self.checkButton.clicked.connect(self.check_selected)
        self.addButton.clicked.connect(self.open_loan_dialog)
        self.confirmButton.clicked.connect(self.confirm_selected)
        self.importer = ListImporter(workspace, tasks, self)
        self.importer.busy.connect(self._enable)
        self.importer.said.connect(self.countLabel.setText)
        self.importer.stored.connect(self._list_stored)
        self.importButton.clicked.connect(self._choose_list)
        self.returnButton.clicked.connect(lambda: self.return_selected())
        self.writer = ReportWriter(workspace, tasks, self)
        self.writer.busy.connect(self._enable)
        self.writer.said.connect(self.countLabel.setText)
        self.reportButton.clicked.connect(self._choose_report)
        self.workbookButton.clicked.connect(lambda: self.writer.choose_workbook(self.today))
        self.paidTemplateButton.clicked.connect(self.writer.choose_paid_template)
        self.workersButton.clicked.connect(lambda: self.open_worker_months())
        self.table.itemSelectionChanged.connect(self._show_detail)

    @property
    def today(self) -> datetime.date:
        """The date the page counts from, read at each use: a window may stay open (locked) past midnight."""
        return self._fixed_day or _today()

    @today.setter
    def today(self, day: datetime.date) -> None:
        self._fixed_day = day

    def reload(self) -> None:
        self.titleLabel.setText(self.tr("贷款期内跟踪评估（截至 {date}，每 {n} 个月核实一次）").format(
            date=self.today.isoformat(), n=tracking.tracking_rules(self._ws).check_interval_months))
        try:
            rows = tracking.loan_overview(self._ws, self.today)
        except ServiceError as exc:
            self.countLabel.setText(error_text(exc))
            return
        kept = self.selected()  # a check or an import moves its loan's row: the same loan stays selected
        # the overdue first, then by the date due; loans with nothing due last
        self.rows = sorted(rows, key=lambda d: (not d.overdue, d.due_on or datetime.date.max, d.loan.id))
        self.table.setRowCount(len(self.rows))
        for r, d in enumerate(self.rows):
            self._fill_row(r, d)
        if kept is not None:
            self._select_loan(kept.loan.id)
        self.update_alert(self.rows)
        overdue = sum(1 for d in self.rows if d.overdue)
        states = [d.last.confirmation for d in self.rows if d.last is not None]
        self.countLabel.setText(self.tr("共 {n} 笔贷款；逾期未核实 {overdue} 笔；需关注 {attention} 家；"
                                        "不达标待审核人确认 {pending} 笔").format(
            n=len(self.rows), overdue=overdue, attention=states.count(Confirmation.CONFIRMED),
            pending=states.count(Confirmation.PENDING)))
        if self.rows and not self.table.selectedItems():
            self.table.selectRow(0)
        self._show_detail()

    def _select_loan(self, loan_id: int) -> None:
        self.table.clearSelection()
        for r, d in enumerate(self.rows):
            if d.loan.id == loan_id:
                self.table.selectRow(r)

    def on_data_changed(self, kind: str, enterprise_id: int) -> None:
        if self.isVisible():
            self.reload()  # which tells the window's entry too
        else:
            self.update_alert()

    def update_alert(self, rows: list[DueCheck] | None = None) -> None:
        """Tell the window's 跟踪 entry how many loans wait: overdue checks and checks the approver returned
        for whoever checks (a loan once), the 不达标 this user may confirm (one they did not run) for an approver."""
        if rows is None:
            try:
                rows = tracking.loan_overview(self._ws, self.today)
            except (ServiceError, StoreError):
                return  # the page says why when it is opened
        checks = self._ws.can(Permission.EDIT_ENTERPRISES)
        overdue = sum(1 for d in rows if d.overdue) if checks else 0
        returned = sum(1 for d in rows if d.last is not None and d.last.confirmation is Confirmation.RETURNED
                       and not d.overdue) if checks else 0  # the approver asked for a new check
        pending = sum(1 for d in rows if d.last is not None and d.last.confirmation is Confirmation.PENDING
                      and d.last.created_by != self._ws.actor.user_id) if self._ws.can(Permission.APPROVE_REVIEW) else 0
        parts = []
        if overdue:
            parts.append(self.tr("逾期未核实 {n} 笔").format(n=overdue))
        if returned:
            parts.append(self.tr("退回待重新核实 {n} 笔").format(n=returned))
        if pending:
            parts.append(self.tr("不达标待您确认 {n} 笔").format(n=pending))
        label = self.tr("跟踪（{n}）").format(n=overdue + returned + pending) if parts else self.tr("跟踪")
        self.alert.emit(label, "；".join(parts))

    def _fill_row(self, r: int, d: DueCheck) -> None:
        loan, last = d.loan, d.last
        verdict = "" if last is None else Verdict(last.verdict).label + (
            self.tr("（{state}）").format(state=last.confirmation.label) if last.needs_attention else "")
        values = (loan.enterprise_name, loan.uscc, f"{loan.bank_branch} {loan.contract_number}",
                  f"{loan.start_date} 至 {loan.end_date}", f"{loan.rate}% / {loan.lpr_value}%",
                  d.due_on.isoformat() if d.due_on else "", tracking.due_state(d.due_on, self.today),
                  last.check_date if last else self.tr("尚未核实"), verdict)
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, loan.id)
            if last is not None:
                item.setBackground(QBrush(VERDICT_COLOURS[last.verdict]))
            if d.overdue and c in (TrackingColumn.DUE, TrackingColumn.STATE):
                item.setForeground(QBrush(OVERDUE_COLOUR))
            if c == TrackingColumn.CONTRACT:  # the column that gives way at 1024 px: whole here and in the detail
                item.setToolTip(self._contract(d))
            self.table.setItem(r, c, item)

    def _contract(self, d: DueCheck) -> str:
        return self.tr("{bank} 借款合同 {number}").format(bank=d.loan.bank_branch, number=d.loan.contract_number)

    def _enable(self) -> None:
        allowed = self._ws.can(Permission.EDIT_ENTERPRISES)
        offer(self.addButton, allowed, "" if allowed else not_allowed_text(self._ws.actor, Permission.EDIT_ENTERPRISES))
        if not allowed:
            offer(self.checkButton, False, not_allowed_text(self._ws.actor, Permission.EDIT_ENTERPRISES))
        elif self.selected() is None:
            offer(self.checkButton, False, self.tr("请先在表中选一笔贷款"))
        else:
            offer(self.checkButton, self.checking is None, self.tr("正在核实…") if self.checking else "")
        if not self._ws.can(Permission.IMPORT_ROSTERS):
            offer(self.importButton, False, not_allowed_text(self._ws.actor, Permission.IMPORT_ROSTERS))
        elif self.selected() is None:
            offer(self.importButton, False, self.tr("请先在表中选一笔贷款"))
        else:
            offer(self.importButton, not self.importer.running, self.tr("正在读取名单…") if self.importer.running else self.tr(
                "导入所选贷款企业某个月的花名册或社保缴费明细，先预览将保存的人数和有错的行"))
        why = self._why_not_answer()
        for button in (self.confirmButton, self.returnButton):
            offer(button, not why, why)
        busy = self.tr("正在写出…") if self.saving else ""
        if self.selected() is None:
            offer(self.reportButton, False, self.tr("请先在表中选一笔贷款"))
        else:
            offer(self.reportButton, self.saving is None, busy)
        offer(self.workbookButton, self.saving is None and bool(self.rows),
              busy or ("" if self.rows else self.tr("还没有登记贷款")))
        self.paidTemplateButton.setEnabled(self.saving is None)  # keeps its tooltip
        offer(self.workersButton, self.selected() is not None, self.tr("请先在表中选一笔贷款"))
        if self.workersButton.isEnabled():
            self.workersButton.setToolTip(self.tr("所选贷款每名人员每月的在职、参保情况和连续就业时间"))

    def _why_not_answer(self) -> str:
        """Why the approver's buttons are off now ('' when they are on)."""
        if not self._ws.can(Permission.APPROVE_REVIEW):
            return not_allowed_text(self._ws.actor, Permission.APPROVE_REVIEW)
        d = self.selected()
        if d is None or d.last is None or d.last.confirmation is not Confirmation.PENDING:
            return self.tr("所选贷款最近一次核实没有待确认的“不达标”")
        if d.last.created_by is not None and d.last.created_by == self._ws.actor.user_id:
            return self.tr("这次核实是您做的：须由另一位审核人确认")
        return ""

    def confirm_selected(self) -> bool:
        """确认不达标: the enterprise is 需关注 (the service refuses the person who ran the check)."""
        d = self.selected()
        if d is None or d.last is None:
            return False
        last = d.last
        if not self._why_not_answer():  # else the service says why not, nothing to ask
            answer = QMessageBox.question(self, self.tr("确认不达标"), self.tr(
                "确认{name}{date}的核实结论“不达标”（编号 {id}）吗？\n确认后企业列为需关注，随报送批次报省级；"
                "确认记录不能更改。若名单需再看，请用“退回…”。").format(
                    name=d.loan.enterprise_name, date=last.check_date, id=last.id))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        return self._answer(lambda: tracking.confirm_check(self._ws, last.id))

    def return_selected(self, reason: str | None = None) -> bool:
        """退回… with a reason (asked for when not given): the clerk looks at the lists and checks again."""
        d = self.selected()
        if d is None or d.last is None:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(self, self.tr("退回核实"), self.tr("退回的理由（经办人将看到）："))
            if not ok:
                return False
        check_id = d.last.id
        return self._answer(lambda: tracking.return_check(self._ws, check_id, reason or ""))

    def _answer(self, step: Callable[[], object]) -> bool:
        try:
            step()
        except (ServiceError, StoreError) as exc:
            self.countLabel.setText(error_text(exc))
            return False
        self.reload()
        return True

    def open_loan_dialog(self) -> LoanDialog:
        """登记贷款…: the page shows the new loan once the dialog has recorded it."""
        dialog = LoanDialog(self._ws, self)
        dialog.accepted.connect(lambda: self._recorded(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _recorded(self, dialog: LoanDialog) -> None:
        """The new loan shown and selected: what the clerk does next (a list, a check) is for it."""
        self.reload()
        if dialog.recorded is not None:
            self._select_loan(dialog.recorded.loan.id)

    def check_selected(self) -> Task | None:
        """核实 the selected loan at today's date on the database worker; the result is a new record."""
        d = self.selected()
        if d is None or self.checking is not None:
            return None
        task = self._tasks.run(_check, d.loan.uscc, self.today, d.loan.id, ws_factory=opener(self._ws),
                               label=self.tr("正在核实…"), parent=self)
        self.checking = task
        self._enable()
        task.success(self._checked)
        task.failure(self._check_failed)
        return task

    def _checked(self, done: CheckResult) -> None:
        self.checking = None
        self.reload()
        result = done.result
        self.countLabel.setText(self.tr("已核实 {name}：{verdict}。").format(
            name=done.loan.enterprise_name, verdict=result.verdict.label) + self.countLabel.text())

    def _check_failed(self, exc: BaseException) -> None:
        self.checking = None
        self._enable()
        if isinstance(exc, (ServiceError, StoreError)):
            self.countLabel.setText(error_text(exc))
            return
        show_exception(self, exc)

    def _choose_list(self) -> None:
        d = self.selected()
        if d is not None:
            self.importer.choose(d.loan, self.today)

    def preview_list(self, path: Path, period: str, staff_total: int | None = None) -> Task | None:
        """导入跟踪名单… for the selected loan's enterprise (see ``ListImporter``)."""
        d = self.selected()
        return None if d is None else self.importer.preview(d.loan, path, period, staff_total)

    def _list_stored(self, message: str) -> None:
        self.reload()
        self.countLabel.setText(message + self.countLabel.text())

    @property
    def saving(self) -> Task | None:
        """The file being written out (see ``ReportWriter``), if any."""
        return self.writer.task

    @property
    def written(self) -> Path | None:
        return self.writer.written

    def _choose_report(self) -> None:
        d = self.selected()
        if d is not None:
            self.writer.choose_report(d.loan, self.today)

    def save_report(self, target: Path) -> Task | None:
        """跟踪报告…: the selected loan's report (``laoxie track report USCC``)."""
        d = self.selected()
        return None if d is None else self.writer.report(d.loan, target, self.today)

    def save_workbook(self, target: Path) -> Task | None:
        """贷款状态表…: every loan's status (``laoxie track report --all``)."""
        return self.writer.workbook(target, self.today)

    def save_paid_template(self, target: Path) -> Task | None:
        """社保明细模板…: the blank payment-list template (``laoxie track template``)."""
        return self.writer.paid_template(target)

    def selected(self) -> DueCheck | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def open_worker_months(self) -> WorkerMonthsDialog | None:
        """人员时间线… of the selected loan at today's date (read-only)."""
        d = self.selected()
        if d is None:
            return None
        try:
            data = worker_timeline(self._ws, d.loan, self.today)
        except (ServiceError, StoreError) as exc:
            show_exception(self, exc)
            return None
        dialog = WorkerMonthsDialog(data, d.loan.enterprise_name, self)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _show_chart(self, d: DueCheck | None) -> None:
        """The selected loan's months: workers counted against the number required."""
        rules = tracking.tracking_rules(self._ws)
        months: list[TimelineMonth] = []
        if d is not None:
            try:
                months = timeline(self._ws, d.loan, self.today)
            except (ServiceError, StoreError) as exc:
                self.countLabel.setText(error_text(exc))
        self.chart.set_months(months, rules.continuous_min_months)

    def _show_detail(self) -> None:
        self._enable()
        d = self.selected()
        self._show_chart(d)
        if d is None:
            self.detail.setHtml(html.escape(self.tr("还没有登记贷款：企业带借款合同来后，点“登记贷款…”登记。"))
                                if not self.rows else "")
            return
        loan, last = d.loan, d.last
        parts = [f"<b>{html.escape(loan.enterprise_name)}</b>（{html.escape(loan.uscc)}）",
                 html.escape(self._contract(d)),
                 html.escape(self.tr("贷款 {amount} 万元，{start} 至 {end}，利率 {rate}%；对照 {lpr_date} 的 LPR {lpr}%。").format(
                     amount=loan.amount_wan, start=loan.start_date, end=loan.end_date, rate=loan.rate,
                     lpr_date=loan.lpr_effective_from, lpr=loan.lpr_value))]
        parts.extend(html.escape(self.tr("经办人已确认：{text}").format(text=w["text"])) for w in loan.warnings)
        if last is None:
            parts.append(html.escape(self.tr("尚未核实。")))
        else:
            parts.append(html.escape(self.tr("最近一次核实（{date}，编号 {id}）：").format(
                date=last.check_date, id=last.id)))
            if last.answer is not None:
                parts.append(html.escape(self.tr("审核人{user}于{at}{outcome}{reason}。").format(
                    user=last.answer.answered_by_name, at=last.answer.answered_at[:16].replace("T", " "),
                    outcome=Outcome(last.answer.outcome).label,
                    reason=self.tr("，理由：{reason}").format(reason=last.answer.reason) if last.answer.reason else "")))
            elif last.confirmation is Confirmation.PENDING:
                parts.append(html.escape(self.tr("结论“不达标”待审核人确认（须由核实人以外的审核人）。")))
            parts.extend(html.escape(str(step)) for step in last.payload.get("steps", []))
        self.detail.setHtml("<br>".join(parts))
