"""The 审核 page's widgets as forms/review_page.ui names them, and the state its parts share:
:class:`desktop.ui.review_page.ReviewPage` is built on :class:`ReviewForm` through
:class:`~desktop.ui.review_details.ReviewDetails` (the tabs and the what-if) and
:class:`~desktop.ui.review_actions.ReviewActions` (recording, overriding, changes elsewhere)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

if TYPE_CHECKING:
    from datetime import date

    from desktop.core.decision import Decision, DuplicateChoice
    from desktop.core.enterprise import Enterprise
    from desktop.core.policy import RuleSet
    from desktop.services.review import ApplicationSummary, HistoryEntry
    from desktop.services.workspace import Workspace
    from desktop.ui.decision_view import WorkerModel
    from desktop.ui.approval_queue import ApprovalQueue
    from desktop.ui.enterprise_picker import EnterprisePicker


class ReviewForm(QWidget):
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

    if TYPE_CHECKING:
        # The page's state (set by ReviewPage.__init__); only for the type checker, so that the
        # annotations seen at run time are the form's widgets alone (tests/ui/test_forms.py).
        _ws: Workspace
        workers: WorkerModel
        picker: EnterprisePicker
        approvals: ApprovalQueue  # 待批准 N 件：下一件, over the enterprise list
        _enterprise: Enterprise | None
        _applications: list[ApplicationSummary]
        _choices: dict[str, DuplicateChoice]
        _rules: RuleSet | None
        _live: Decision | None  # as it would be now
        _shown: Decision | None  # the live one or a recorded one
        _shown_entry: HistoryEntry | None  # set when a recorded one is shown
        _history: list[HistoryEntry]
        what_if_decision: Decision | None
        _can_record: bool
        _can_override: bool

        # The page's own methods, which its parts call.
        @property
        def application_id(self) -> int | None: raise NotImplementedError

        @property
        def review_date(self) -> date: raise NotImplementedError

        def recompute(self) -> None: ...

        def _show(self, decision: Decision, entry: HistoryEntry | None) -> None: ...

        def _enterprise_changed(self, enterprise: Enterprise | None) -> None: ...

        def _application_text(self, app: ApplicationSummary) -> str: raise NotImplementedError

        def _current_application(self) -> ApplicationSummary | None: raise NotImplementedError

        def _update_application_actions(self) -> None: ...
