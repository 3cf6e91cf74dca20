"""The import wizard's widgets as forms/import_wizard.ui names them, and the state its parts share:
:class:`desktop.ui.import_wizard.ImportWizard` is built on :class:`ImportWizardForm` through
:class:`~desktop.ui.import_wizard_preview.ImportPreview` (the background work, the preview and the import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QSplitter, QTableView, QTableWidget,
    QTabWidget, QTreeWidget, QWidget, QWizard, QWizardPage,
)

if TYPE_CHECKING:
    from collections import Counter

    from PySide6.QtCore import QTimer

    from desktop.core.roster import Field
    from desktop.services.roster_commit import ImportResult
    from desktop.services.rosters import RosterInspection, RosterPreview
    from desktop.services.workspace import Workspace
    from desktop.ui.import_wizard_models import ChangeModel, ProblemModel
    from desktop.ui.tasks import KeptWorkspace, Task, TaskRunner


FILE_PAGE, MAPPING_PAGE, PREVIEW_PAGE, RESULT_PAGE = 0, 1, 2, 3


class ImportWizardForm(QWizard):
    """选择文件 → 核对各列 → 预览 → 导入."""

    imported = Signal(object)  # the ImportResult, after the commit

    # From forms/import_wizard.ui (load_form sets them).
    filePage: QWizardPage
    fileEdit: QLineEdit
    browseButton: QPushButton
    sheetCombo: QComboBox
    headerRowSpin: QSpinBox
    fileStatusLabel: QLabel
    headView: QTableView
    fileReadyEdit: QLineEdit
    mappingPage: QWizardPage
    mappingIntroLabel: QLabel
    mappingTable: QTableWidget
    mappingStatusLabel: QLabel
    mappingReadyEdit: QLineEdit
    previewPage: QWizardPage
    progressPane: QWidget
    progressLabel: QLabel
    progressBar: QProgressBar
    stopButton: QPushButton
    summaryLabel: QLabel
    previewTabs: QTabWidget
    groupTree: QTreeWidget
    problemSplitter: QSplitter
    problemView: QTableView
    changeView: QTableView
    deactivateCheck: QCheckBox
    problemsCopyButton: QPushButton
    previewStatusLabel: QLabel
    previewReadyEdit: QLineEdit
    resultPage: QWizardPage
    resultLabel: QLabel

    if TYPE_CHECKING:
        # The wizard's state (set by ImportWizard.__init__); only for the type checker, so that the
        # annotations seen at run time are the form's widgets alone.
        _ws: Workspace
        _tasks: TaskRunner
        _kept: KeptWorkspace
        enterprise_id: int
        inspection: RosterInspection | None
        preview: RosterPreview | None
        result_: ImportResult | None
        task: Task | None
        _running: list[Task]
        _pending: Counter[str]
        _closing: bool
        _close_when_done: bool
        problem_model: ProblemModel
        change_model: ChangeModel
        _progress_timer: QTimer

        # The wizard's own methods, which its parts call.
        def columns(self) -> dict[Field, int | None]: raise NotImplementedError

        def _dispose(self) -> None: ...
