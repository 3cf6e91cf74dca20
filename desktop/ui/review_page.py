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
"""

from __future__ import annotations

import html
from datetime import date
from enum import IntEnum
from typing import Final

from PySide6.QtCore import QDate, QTimer, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.decision import Decision, DuplicateChoice, Result, percent_text
from desktop.core.enterprise import Enterprise
from desktop.core.permissions import Permission
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize
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
    contract_text,
    counts_text,
    explanation_html,
    final_html,
    label,
    local_time,
    override_text,
    pass_by_text,
    priority_text,
    result_detail,
    result_color,
    result_html,
    result_word,
    share_text,
    standard_text,
)
from desktop.ui.application_dialog import ApplicationDialog
from desktop.ui.enterprise_picker import EnterprisePicker
from desktop.ui.events import Change, announce, is_echo
from desktop.ui.forms import FormError, load_form
from desktop.ui.override_dialog import OverrideDialog
from desktop.ui.paired_areas_dialog import PairedAreasDialog
from desktop.ui.screen import split_above
from desktop.ui.tasks import TaskRunner
from desktop.ui.text import error_text, not_allowed_text, size_label
from desktop.ui.widgets import offer
from desktop.ui.workflow_box import WorkflowBox

WHAT_IF_SIZES: Final = (EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM, EnterpriseSize.LARGE)
NOTE_COLOR: Final = "#8a5300"  # the what-if's warning that nothing is recorded


class DuplicateColumn(IntEnum):
    NAME = 0
    ID = 1
    ELSEWHERE = 2
    CONTRACT = 3
    CHOICE = 4


class ReviewPage(QWidget):
    data_changed = Signal(str, int)  # (Change, enterprise id): the window's DataEvents passes it to every page
    # From forms/review_page.ui (load_form sets them).
    reviewSplitter: QSplitter
    pickerPane: QWidget
    pickerCaption: QLabel
    enterpriseSearchEdit: QLineEdit
    enterpriseList: QListView
    enterpriseCountLabel: QLabel
    decisionPane: QWidget
    applicationCaption: QLabel
    applicationCombo: QComboBox
    reviewDateCaption: QLabel
    reviewDateEdit: QDateEdit
    pairedAreasButton: QPushButton
    applicationHintLabel: QLabel
    newApplicationButton: QPushButton
    formButton: QPushButton
    conclusionGroup: QGroupBox
    resultLabel: QLabel
    resultDetailLabel: QLabel
    overrideLabel: QLabel
    sourceLabel: QLabel
    liveButton: QPushButton
    countsCaption: QLabel
    countsValue: QLabel
    standardCaption: QLabel
    standardValue: QLabel
    priorityCaption: QLabel
    priorityValue: QLabel
    rulesetCaption: QLabel
    rulesetValue: QLabel
    whatIfGroup: QGroupBox
    whatIfStaffCaption: QLabel
    whatIfStaffSpin: QSpinBox
    whatIfSizeCaption: QLabel
    whatIfSizeCombo: QComboBox
    whatIfResultLabel: QLabel
    whatIfNoteLabel: QLabel
    whatIfResetButton: QPushButton
    detailTabs: QTabWidget
    workersTab: QWidget
    workerFilterCaption: QLabel
    workerFilterCombo: QComboBox
    workerCountLabel: QLabel
    workerTable: QTableView
    explanationTab: QWidget
    explanationText: QTextBrowser
    duplicatesTab: QWidget
    duplicatesNote: QLabel
    duplicateTable: QTableWidget
    historyTab: QWidget
    historyNote: QLabel
    historyList: QListWidget
    recordButton: QPushButton
    overrideButton: QPushButton
    actionStatusLabel: QLabel

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
        self._set_up()
        self.workflow = WorkflowBox(workspace, lambda: self.review_date, self.decisionPane, tasks)
        decision_layout = self.decisionPane.layout()
        assert isinstance(decision_layout, QVBoxLayout)  # forms/review_page.ui: decisionLayout
        decision_layout.insertWidget(decision_layout.indexOf(self.detailTabs), self.workflow)
        summary = next(i for i in range(decision_layout.count())
                       if (item := decision_layout.itemAt(i)) is not None and (row := item.layout()) is not None
                       and row.objectName() == "summaryRow")
        # At 768 px the conclusion left the worker table two rows: a handle lets the clerk trade one for the other.
        self.detailSplitter = split_above(decision_layout, summary, self.workflow, self.detailTabs)
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

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Coming back to the page: enterprises or rosters may have changed meanwhile."""
        super().showEvent(event)
        if not self.picker.refresh() and self._shown_entry is None and self._enterprise is not None:
            self.recompute()

    # -- enterprises and applications -----------------------------------------------------
    @property
    def enterprise(self) -> Enterprise | None:
        return self._enterprise

    def select_enterprise(self, enterprise_id: int) -> bool:
        """Select an enterprise in the list (fetching further pages if needed)."""
        return self.picker.select(enterprise_id)

    def _enterprise_changed(self, enterprise: Enterprise | None) -> None:
        if enterprise is None:
            return  # no longer listed: the decision shown stays until another is chosen
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

    # -- actions -----------------------------------------------------------------------------------------
    def _update_tabs(self) -> None:
        d = self._shown
        tabs = self.detailTabs
        tabs.setTabText(tabs.indexOf(self.workersTab),
                        self.tr("人员名单（{n}）").format(n=len(d.workers)) if d else self.tr("人员名单"))
        duplicates = sum(1 for w in d.workers if w.facts.other_claims) if d else 0
        if d is not None and d.pending_choices:
            text = self.tr("重复人员（{n}，待决定 {p}）").format(n=duplicates, p=d.pending_choices)
        else:
            text = self.tr("重复人员（{n}）").format(n=duplicates)
        tabs.setTabText(tabs.indexOf(self.duplicatesTab), text)
        tabs.setTabText(tabs.indexOf(self.historyTab), self.tr("认定记录（{n}）").format(n=len(self._history)))

    def _update_actions(self) -> None:
        actor = self._ws.actor
        has_application = self.application_id is not None
        if not self._can_record:
            offer(self.recordButton, False, not_allowed_text(actor, Permission.SUBMIT_REVIEW))
        elif not has_application:
            offer(self.recordButton, False, self.tr("该企业尚未登记贷款申请，不能记录认定结论：请先点“登记贷款申请…”"))
        elif (app := self._current_application()) is not None and app.status not in ("draft", "returned"):
            offer(self.recordButton, False, self.tr("贷款申请{status}，数据已锁定，不能再记录认定结论").format(
                status=label("review", review_service.STATUS_LABELS.get(app.status, app.status))))
        else:
            offer(self.recordButton, self._live is not None, self.tr("当前无法计算认定结论"))
        if not self._can_override:
            offer(self.overrideButton, False, not_allowed_text(actor, Permission.APPROVE_REVIEW))
        elif not self._history:
            offer(self.overrideButton, False, self.tr("请先记录认定结论，再由审核人改变"))
        else:
            offer(self.overrideButton, True, "")
            target = self._override_target()
            if target is not None:
                self.overrideButton.setToolTip(self.tr("改变第 {id} 号认定结论").format(id=target.stored.id))

    def _override_target(self) -> HistoryEntry | None:
        """The recorded decision shown, else the latest one."""
        if self._shown_entry is not None:
            return self._shown_entry
        return self._history[-1] if self._history else None

    def record_decision(self) -> None:
        app_id = self.application_id
        if app_id is None:
            return
        try:
            stored = eligibility_service.record_decision(self._ws, app_id, self.review_date, choices=self._choices)
        except (ServiceError, StoreError) as exc:
            self._status(error_text(exc), error=True)
            return
        self._choices.clear()
        self._refresh_application_label()
        self.recompute()
        self.show_recorded(stored.id)
        self._announce()
        self._status(self.tr("已记录第 {id} 号认定结论：{result}").format(
            id=stored.id, result=result_word(stored.decision.final_result)))

    def open_override_dialog(self) -> OverrideDialog | None:
        target = self._override_target()
        if target is None or not self._can_override:
            return None
        decision_id = target.stored.id

        def save(final: Result, reason: str) -> eligibility_service.StoredDecision:
            return eligibility_service.override_decision(self._ws, decision_id, final, reason)

        dialog = OverrideDialog(target.stored.decision, self._ws.actor.shown_name, save, self)
        dialog.accepted.connect(lambda: self._overridden(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _overridden(self, dialog: OverrideDialog) -> None:
        saved = dialog.saved
        if saved is None:
            return
        self._refresh_application_label()
        self.recompute()
        self.show_recorded(saved.id)
        self._announce()
        d = saved.decision
        self._status(self.tr("已改变结论，另存为第 {id} 号：最终结论{final}，计算结论{computed}").format(
            id=saved.id, final=result_word(d.final_result), computed=result_word(d.computed_result)))

    def open_paired_areas(self) -> PairedAreasDialog:
        dialog = PairedAreasDialog(self._ws, self)
        dialog.accepted.connect(lambda: self._paired_areas_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _paired_areas_saved(self, dialog: PairedAreasDialog) -> None:
        saved = dialog.saved
        self.recompute()
        if saved is not None:
            self._announce(every_enterprise=True)
            self._status(self.tr("对口地区名单已保存（版本 {version}），已按新名单重新计算。").format(version=saved.version))

    def _workflow_changed(self, _application_id: int) -> None:
        """A step or an evidence tick was saved in the 审核流程 box."""
        self._refresh_application_label()
        self.recompute()
        self._announce()

    # -- changes made elsewhere -------------------------------------------------------------------
    def _announce(self, *, every_enterprise: bool = False) -> None:
        eid = None if every_enterprise or self._enterprise is None else self._enterprise.id
        announce(self, Change.APPLICATION, eid)

    def on_data_changed(self, kind: str, enterprise_id: int) -> None:
        """Another page (or another step here) changed the data: show the new state."""
        if is_echo(self):
            return  # this page made the change and already shows it
        if kind in (Change.ENTERPRISE.value, Change.EVERYTHING.value):
            self.picker.reload()
        current = self._enterprise
        if current is None or enterprise_id not in (0, current.id) or kind in (Change.BATCH.value, Change.KEY.value):
            return
        app_id = self.application_id
        self._enterprise_changed(current)
        if app_id is not None and self.applicationCombo.findData(app_id) >= 0:
            self.applicationCombo.setCurrentIndex(self.applicationCombo.findData(app_id))

    def _refresh_application_label(self) -> None:
        if self._enterprise is None:
            return
        self._applications = review_service.applications_of(self._ws, self._enterprise.id)
        app = self._current_application()
        if app is not None:
            self.applicationCombo.setItemText(self.applicationCombo.currentIndex(), self._application_text(app))
        self._update_application_actions()

    def _status(self, text: str, *, error: bool = False) -> None:
        self.actionStatusLabel.setStyleSheet(f"color: {FAIL_COLOR};" if error else "")
        self.actionStatusLabel.setText(text)
