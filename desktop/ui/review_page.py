"""The 审核 page: pick an enterprise and its application, see the decision and why, record it.

What is shown is either the decision as it would be now (computed, not
recorded: the clerk's duplicate choices and the review date apply) or a
recorded one picked from the history. 记录认定结论 keeps the computed
decision (with the clerk's choices); an approver may change a recorded
conclusion "原则上" with a reason, which keeps a new decision next to it.

The what-if panel recomputes the shown decision with another staff total or
size on the worker facts already loaded (``services.review.what_if``): it
writes nothing and says so.

Checks are quick (a roster of a few hundred rows takes milliseconds), so they
run on the GUI thread.

The page is built in parts: its widgets and shared state (``ui.review_form``), the
tabs and the what-if (``ui.review_details``), the actions (``ui.review_actions``);
this module picks the enterprise and application and shows the decision.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Final

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.decision import Decision, DuplicateChoice
from desktop.core.enterprise import Enterprise
from desktop.core.permissions import Permission
from desktop.core.policy import RuleSet
from desktop.services import eligibility as eligibility_service
from desktop.services import review as review_service
from desktop.services.errors import ServiceError
from desktop.services.review import ApplicationSummary, HistoryEntry
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.decision_view import (
    FAIL_COLOR,
    FILTER_LABELS,
    MUTED_COLOR,
    WorkerColumn,
    WorkerFilter,
    WorkerModel,
    counts_text,
    explanation_html,
    final_html,
    label,
    local_time,
    override_text,
    priority_text,
    result_detail,
    result_color,
    standard_text,
)
from desktop.ui.application_dialog import ApplicationDialog
from desktop.ui.approval_queue import ApprovalQueue
from desktop.ui.enterprise_picker import EnterprisePicker
from desktop.ui.forms import FormError, load_form
from desktop.ui.review_actions import ReviewActions
from desktop.ui.review_details import DuplicateColumn
from desktop.ui.screen import split_above
from desktop.ui.tasks import TaskRunner
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import offer
from desktop.ui.workflow_box import WorkflowBox

NOTE_COLOR: Final = "#8a5300"  # the what-if's warning that nothing is recorded


# Rows of the worker table shown without dragging a handle, even at 1024×768.
WORKER_ROWS: Final = 8


class ReviewPage(ReviewActions):
    data_changed = Signal(str, int)  # (Change, enterprise id): the window's DataEvents passes it to every page

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        load_form("review_page", self)
        self._ws = workspace
        self._tasks = tasks
        self.workers = WorkerModel(self)
        self.application_dialog: ApplicationDialog | None = None

        self._enterprise: Enterprise | None = None
        self._applications: list[ApplicationSummary] = []
        self._choices: dict[str, DuplicateChoice] = {}
        self._rules: RuleSet | None = None
        self._live: Decision | None = None  # as it would be now
        self._shown: Decision | None = None  # the live one or a recorded one
        self._shown_entry: HistoryEntry | None = None  # set when a recorded one is shown
        self._history: list[HistoryEntry] = []
        self.what_if_decision: Decision | None = None
        self._dialogs: list[QWidget] = []

        self.picker = EnterprisePicker(workspace, self.enterpriseSearchEdit, self.enterpriseList,
                                       self.enterpriseCountLabel)
        self.enterprises = self.picker.model
        self.awaitingButton = QPushButton(self)
        column = self.enterpriseSearchEdit.parentWidget()
        picker_layout = column.layout() if column is not None else None
        assert isinstance(picker_layout, QVBoxLayout)  # forms/review_page.ui: the picker's column
        picker_layout.insertWidget(picker_layout.indexOf(self.enterpriseSearchEdit), self.awaitingButton)
        self.approvals = ApprovalQueue(workspace, self.awaitingButton)
        self._set_up()
        self.workflow = WorkflowBox(workspace, lambda: self.review_date, self.decisionPane, tasks)
        decision_layout = self.decisionPane.layout()
        assert isinstance(decision_layout, QVBoxLayout)  # forms/review_page.ui: decisionLayout
        decision_layout.insertWidget(decision_layout.indexOf(self.detailTabs), self.workflow)
        summary = next(i for i in range(decision_layout.count())
                       if (item := decision_layout.itemAt(i)) is not None and (row := item.layout()) is not None
                       and row.objectName() == "summaryRow")
        # At 768 px the conclusion left the worker table under two rows: it keeps WORKER_ROWS rows and the
        # conclusion above scrolls; a handle lets the clerk trade one for the other.
        self.detailSplitter = split_above(decision_layout, summary, self.workflow, self.detailTabs,
                                          self.workerTable, WORKER_ROWS)
        self._connect()
        self._show_nothing(self.tr("请在左侧选择企业"))
        self._update_application_actions()

    @classmethod
    def install(cls, pages: QStackedWidget, workspace: Workspace, tasks: TaskRunner | None = None) -> ReviewPage:
        """Put the page where the main window's form has its placeholder label (``reviewPlaceholder``)."""
        placeholder = pages.findChild(QLabel, "reviewPlaceholder")
        holder = placeholder.parentWidget() if placeholder is not None else None
        layout = holder.layout() if holder is not None else None
        if placeholder is None or holder is None or layout is None:
            raise FormError("forms/main_window.ui has no reviewPlaceholder in a laid-out page")
        page = cls(workspace, holder, tasks)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.replaceWidget(placeholder, page)
        placeholder.hide()
        placeholder.deleteLater()
        return page

    # -- setting up ------------------------------------------------------------------
    def _set_up(self) -> None:
        self.reviewSplitter.setStretchFactor(0, 0)
        self.reviewSplitter.setStretchFactor(1, 1)
        self.reviewSplitter.setSizes([230, 800])
        self.reviewDateEdit.setDate(QDate.currentDate())
        font = self.rulesetValue.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        self.rulesetValue.setFont(font)
        self.rulesetValue.setStyleSheet(f"color: {MUTED_COLOR};")
        self.whatIfNoteLabel.setStyleSheet(f"color: {NOTE_COLOR};")
        self.whatIfGroup.setStyleSheet(
            "QGroupBox#whatIfGroup { border: 1px dashed %s; border-radius: 4px; margin-top: 1.2em; }"
            " QGroupBox#whatIfGroup::title { subcontrol-origin: margin; left: 8px; padding: 0 3px; color: %s; }"
            % (NOTE_COLOR, NOTE_COLOR)
        )
        self.actionStatusLabel.setTextFormat(Qt.TextFormat.PlainText)

        for which in WorkerFilter:
            self.workerFilterCombo.addItem(label("DecisionView", FILTER_LABELS[which]), int(which))
        table = self.workerTable
        table.setModel(self.workers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WorkerColumn.REASON, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(200)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)

        dup = self.duplicateTable
        dup.setColumnCount(5)
        dup.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("身份证号"), self.tr("也列在"), self.tr("本企业合同"),
                                       self.tr("是否在本企业计入")])
        dup.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        dup.horizontalHeader().setSectionResizeMode(DuplicateColumn.ELSEWHERE, QHeaderView.ResizeMode.Stretch)

        self.whatIfStaffSpin.setMinimum(0)
        actor = self._ws.actor
        self._can_record = self._ws.can(Permission.SUBMIT_REVIEW)
        self._can_override = self._ws.can(Permission.APPROVE_REVIEW)
        offer(self.recordButton, False, not_allowed_text(actor, Permission.SUBMIT_REVIEW))
        offer(self.overrideButton, False, not_allowed_text(actor, Permission.APPROVE_REVIEW))
        self.liveButton.hide()

    def _connect(self) -> None:
        self.picker.chosen.connect(self._enterprise_changed)
        self.applicationCombo.currentIndexChanged.connect(self._application_changed)
        self.reviewDateEdit.dateChanged.connect(lambda _d: self.recompute())
        self.pairedAreasButton.clicked.connect(self.open_paired_areas)
        self.newApplicationButton.clicked.connect(lambda: self.open_application_dialog(new=True))
        self.formButton.clicked.connect(lambda: self.open_application_dialog(new=False))
        self.liveButton.clicked.connect(self.show_live)
        self.workerFilterCombo.currentIndexChanged.connect(self._filter_changed)
        self.whatIfStaffSpin.valueChanged.connect(lambda _v: self._update_what_if())
        self.whatIfSizeCombo.currentIndexChanged.connect(lambda _i: self._update_what_if())
        self.whatIfResetButton.clicked.connect(self.reset_what_if)
        self.historyList.currentRowChanged.connect(self._history_selected)
        self.recordButton.clicked.connect(self.record_decision)
        self.overrideButton.clicked.connect(self.open_override_dialog)
        self.workflow.changed.connect(self._workflow_changed)
        self.workflow.changed.connect(lambda _id: self.approvals.refresh())
        self.awaitingButton.clicked.connect(lambda: self.approvals.open_next(self.application_id))
        self.approvals.wanted.connect(self.open_case)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Coming back to the page: enterprises or rosters may have changed meanwhile."""
        super().showEvent(event)
        self.approvals.refresh()
        if not self.picker.refresh() and self._shown_entry is None and self._enterprise is not None:
            self.recompute()

    # -- enterprises and applications -----------------------------------------------------
    @property
    def enterprise(self) -> Enterprise | None:
        return self._enterprise

    def select_enterprise(self, enterprise_id: int) -> bool:
        """Select an enterprise in the list (fetching further pages if needed)."""
        return self.picker.select(enterprise_id)

    def open_case(self, enterprise_id: int, application_id: int) -> bool:
        """Show this enterprise with this application chosen (False if it is not listed)."""
        if not self.select_enterprise(enterprise_id):
            return False
        index = self.applicationCombo.findData(application_id)
        if index >= 0:
            self.applicationCombo.setCurrentIndex(index)
        return index >= 0

    def _enterprise_changed(self, enterprise: Enterprise | None) -> None:
        if enterprise is None:
            return  # no longer listed: the decision shown stays until another is chosen
        if self._enterprise is None or enterprise.id != self._enterprise.id:
            self._status("")  # what was done for the enterprise before is not said over this one
        self._enterprise = enterprise
        self._choices.clear()
        self._applications = review_service.applications_of(self._ws, enterprise.id)
        combo = self.applicationCombo
        combo.blockSignals(True)
        combo.clear()
        for app in self._applications:
            combo.addItem(self._application_text(app), app.id)
        if not self._applications:
            combo.addItem(self.tr("（该企业尚未登记贷款申请）"), None)
        combo.setCurrentIndex(0)
        combo.setEnabled(bool(self._applications))
        combo.blockSignals(False)
        self._application_changed()

    def _application_text(self, app: ApplicationSummary) -> str:
        parts = [self.tr("第 {id} 号").format(id=app.id),
                 label("review", review_service.LOAN_TYPE_LABELS.get(app.loan_type, app.loan_type))]
        if app.amount_wan is not None:
            parts.append(self.tr("{amount} 万元").format(amount=f"{app.amount_wan:g}"))
        if app.applied_on:
            parts.append(self.tr("{day} 申请").format(day=app.applied_on))
        parts.append(label("review", review_service.STATUS_LABELS.get(app.status, app.status)))
        if app.decisions:
            parts.append(self.tr("已记录 {n} 次").format(n=app.decisions))
        return "　".join(parts)

    @property
    def application_id(self) -> int | None:
        data = self.applicationCombo.currentData()
        return int(data) if data is not None else None

    def _application_changed(self) -> None:
        self._choices.clear()
        app = self._current_application()
        if app is not None and app.review_date:
            self.reviewDateEdit.blockSignals(True)
            self.reviewDateEdit.setDate(QDate.fromString(app.review_date, "yyyy-MM-dd"))
            self.reviewDateEdit.blockSignals(False)
        self.workflow.set_application(self.application_id)
        self._update_application_actions()
        self.recompute()

    def _update_application_actions(self) -> None:
        """What the clerk can do with the enterprise's loan application, and what to do next."""
        app = self._current_application()
        in_progress = next((a for a in self._applications if a.status not in ("issued", "withdrawn")), None)
        hint = ""
        if self._enterprise is None:
            offer(self.newApplicationButton, False, self.tr("请先在左侧选择企业"))
        elif not self._can_record:
            offer(self.newApplicationButton, False, not_allowed_text(self._ws.actor, Permission.SUBMIT_REVIEW))
        elif in_progress is not None:
            offer(self.newApplicationButton, False, self.tr("该企业已有进行中的贷款申请（第 {id} 号）").format(
                id=in_progress.id))
        else:
            offer(self.newApplicationButton, True, "")
        if self._enterprise is not None and not self._applications:
            hint = self.tr("该企业尚未登记贷款申请：下面按名册试算，不能记录。请点“登记贷款申请…”。")
        elif app is not None and app.status in ("draft", "returned"):
            hint = self.tr("下一步：填好申请表，核对名册和结论，记录认定结论，勾选材料后提交审核。")
        offer(self.formButton, app is not None,
              self.tr("请先在左侧选择企业") if self._enterprise is None else self.tr("该企业尚未登记贷款申请"))
        if app is not None:
            self.formButton.setToolTip(self.tr("填写、预览、打印贷款申请表（附件1、附件2）"))
        self.applicationHintLabel.setText(hint)

    def open_application_dialog(self, *, new: bool) -> ApplicationDialog | None:
        """登记贷款申请… (new) or 申请表… (the application chosen): window-modal, not blocking."""
        if self._enterprise is None or (not new and self.application_id is None):
            return None
        dialog = ApplicationDialog(self._ws, self._enterprise, None if new else self.application_id, self,
                                   self._tasks)
        dialog.saved.connect(self._application_saved)
        dialog.finished.connect(dialog.deleteLater)
        self.application_dialog = dialog
        dialog.open()
        return dialog

    def _application_saved(self, application_id: int) -> None:
        if self._enterprise is None:
            return
        self._enterprise_changed(self._enterprise)
        index = self.applicationCombo.findData(application_id)
        if index >= 0 and index != self.applicationCombo.currentIndex():
            self.applicationCombo.setCurrentIndex(index)
        self._status(self.tr("贷款申请第 {id} 号已保存").format(id=application_id))
        self._announce()

    def _current_application(self) -> ApplicationSummary | None:
        app_id = self.application_id
        return next((a for a in self._applications if a.id == app_id), None)

    @property
    def review_date(self) -> date:
        day = self.reviewDateEdit.date()
        return date(day.year(), day.month(), day.day())

    # -- computing ------------------------------------------------------------------------------
    def recompute(self) -> None:
        """The decision as it would be now, shown; the history reloaded."""
        if self._enterprise is None:
            return
        self._rules = None
        app_id = self.application_id
        try:
            self._rules = eligibility_service.current_rules(self._ws)
            if app_id is None:
                decision = eligibility_service.check_enterprise(self._ws, self._enterprise.uscc, self.review_date)
            else:
                decision = eligibility_service.check_application(
                    self._ws, app_id, self.review_date, choices=self._choices, rules=self._rules)
            self._history = review_service.decision_authors(
                self._ws, eligibility_service.decision_history(self._ws, app_id)) if app_id is not None else []
        except (ServiceError, StoreError) as exc:
            self._live = None
            self._history = []
            self._fill_history()
            self._show_nothing(error_text(exc), error=True)
            return
        self._live = decision
        self._fill_history()
        self._show(decision, None)

    def show_live(self) -> None:
        if self._live is not None:
            self._show(self._live, None)

    def _show_nothing(self, message: str, *, error: bool = False) -> None:
        self._shown = self._shown_entry = None
        self.what_if_decision = None
        color = FAIL_COLOR if error else MUTED_COLOR
        self.resultLabel.setText(f'<span style="color:{color}">{html.escape(message)}</span>')
        self.resultLabel.setWordWrap(True)
        self.overrideLabel.hide()
        self.resultDetailLabel.show()
        for widget in (self.resultDetailLabel, self.sourceLabel, self.countsValue, self.standardValue,
                       self.priorityValue, self.rulesetValue, self.whatIfResultLabel, self.workerCountLabel):
            widget.setText("")
        self.liveButton.hide()
        self.explanationText.clear()
        self.workers.set_decision(None)
        self.duplicateTable.setRowCount(0)
        offer(self.whatIfGroup, False, self.tr("请先选择企业：按它的名册试算"))
        self._update_tabs()
        self._update_actions()

    def _show(self, decision: Decision, entry: HistoryEntry | None) -> None:
        self._shown, self._shown_entry = decision, entry
        self.resultLabel.setWordWrap(False)
        self.resultLabel.setText(final_html(decision))
        overridden = decision.override is not None
        # Overridden, the header is long: the computed detail goes on the line with the approver's reason.
        self.resultDetailLabel.setText("" if overridden else result_detail(decision))
        self.resultDetailLabel.setVisible(not overridden)
        if overridden:
            self.overrideLabel.setText(
                f'<span style="color:{MUTED_COLOR}">{html.escape(self.tr("计算：{detail}").format(detail=result_detail(decision)))}</span>'
                f'<br><span style="color:{result_color(decision.final_result)}">{html.escape(override_text(decision))}</span>')
        self.overrideLabel.setVisible(overridden)
        if entry is None:
            source = self.tr("当前计算结果（审核日期 {day}），尚未记录").format(day=decision.review_date.isoformat())
            same = self._history[-1] if self._history else None
            if same is not None and same.stored.decision.to_dict() == decision.to_dict():
                source = self.tr("当前计算结果（审核日期 {day}），与第 {id} 号认定记录相同").format(
                    day=decision.review_date.isoformat(), id=same.stored.id)
            if self.application_id is None:
                source = self.tr("按名册试算（审核日期 {day}）：该企业尚未登记贷款申请，不能记录").format(
                    day=decision.review_date.isoformat())
            if decision.pending_choices:
                source += self.tr("；有 {n} 人待决定是否在本企业计入").format(n=decision.pending_choices)
        else:
            source = self.tr("已记录的认定结论：第 {id} 号，{at}，{by}，审核日期 {day}").format(
                id=entry.stored.id, at=local_time(entry.stored.created_at), by=entry.author or "—",
                day=decision.review_date.isoformat())
            if self._rules is not None and decision.ruleset_version != self._rules.version:
                source += self.tr("（按当时的规则版本认定，与现行版本不同）")
        self.sourceLabel.setText(source)
        self.liveButton.setVisible(entry is not None and self._live is not None)
        self.countsValue.setText(counts_text(decision))
        self.standardValue.setText(standard_text(decision))
        self.priorityValue.setText(priority_text(decision))
        # Break the long version after each "+" so it wraps instead of widening the page.
        self.rulesetValue.setText(decision.ruleset_version.replace("+", "+\u200b"))
        self.rulesetValue.setToolTip(decision.ruleset_version)
        self.explanationText.setHtml(explanation_html(decision))
        self.workers.set_decision(decision)
        self._update_worker_count()
        self._fill_duplicates(decision, editable=entry is None and self.application_id is not None)
        self._reset_what_if_inputs(decision)
        self._update_tabs()
        self._update_actions()
