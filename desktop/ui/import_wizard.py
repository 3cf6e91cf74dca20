"""The roster import wizard: file → columns → preview → import, every step in the background.

``ImportWizard(ws, tasks, enterprise_id, parent, path=None)`` (forms/import_wizard.ui).
Reading, checking, importing and writing the problems copy run on the
database worker (``desktop.ui.import_wizard_work``); the pages show progress
with a cancel button and say in Chinese what is wrong and where, never a
traceback.  Nothing is written before the clerk presses 导入, and then all of
it in one transaction or nothing; ``imported`` carries the ImportResult.

Pages: the file (sheet, header row, the first rows with the header in blue);
the columns (one combo a column, pre-filled from the header names and what
this enterprise's last import taught); the preview (counts, problems by kind
and one by one, the workers whose facts change); the result.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget, QWizard

from desktop.core.permissions import Permission
from desktop.core.roster import Field
from desktop.services.enterprises import get_enterprise
from desktop.services.errors import ServiceError
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.roster_commit import ImportResult
from desktop.services.rosters import RosterInspection, RosterPreview
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui import import_wizard_work as work
from desktop.ui.forms import load_form
from desktop.ui.import_wizard_form import FILE_PAGE, MAPPING_PAGE, PREVIEW_PAGE
from desktop.ui.import_wizard_models import ChangeColumn, ChangeModel, HeadModel, ProblemColumn, ProblemModel
from desktop.ui.import_wizard_pages import READY, ColumnMapping, file_status, say
from desktop.ui.import_wizard_preview import ImportPreview
from desktop.ui.tasks import DIALOG_DELAY_MS, Task, TaskRunner
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.file_places import open_file

HEAD_COLUMN_MAX = 240  # pixels: a long title cell must not make column A a screen wide


class ImportWizard(ImportPreview):
    def __init__(self, workspace: Workspace, tasks: TaskRunner, enterprise_id: int, parent: QWidget | None = None,
                 path: str | None = None) -> None:
        super().__init__(parent)
        load_form("import_wizard", self)
        self._ws = workspace
        self._tasks = tasks
        # One worker-side connection for the wizard's tasks: the preview stages the
        # new rows in a TEMP table of it and the commit copies them from there.
        self._kept = tasks.keep_workspace(workspace)
        self.enterprise_id = enterprise_id
        self.inspection: RosterInspection | None = None
        self.preview: RosterPreview | None = None
        self.result_: ImportResult | None = None
        self.task: Task | None = None  # the latest task started
        self._running: list[Task] = []
        self._pending: Counter[str] = Counter()  # tasks of each kind whose result has not come back
        self._mapped_for: RosterInspection | None = None
        self._closing = False
        self._close_when_done = False
        self._requested_row: int | None = None

        self.head_model = HeadModel(self)
        self.headView.setModel(self.head_model)
        self.problem_model = ProblemModel(self)
        self.problemView.setModel(self.problem_model)
        self.change_model = ChangeModel(self)
        self.changeView.setModel(self.change_model)
        self.mapping = ColumnMapping(self.mappingTable, self.mappingIntroLabel, self.mappingStatusLabel,
                                     self.mappingReadyEdit)
        self._set_up_views()

        self.filePage.registerField("fileReady*", self.fileReadyEdit)
        self.mappingPage.registerField("mappingReady*", self.mappingReadyEdit)
        self.previewPage.registerField("previewReady*", self.previewReadyEdit)
        self.previewPage.setButtonText(QWizard.WizardButton.NextButton, self.tr("导入"))
        self.resultPage.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))

        self._header_timer = QTimer(self)  # the clerk types "12": read once, not for "1" then "12"
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(300)
        self._header_timer.timeout.connect(self._header_row_chosen)
        self._progress_timer = QTimer(self)  # quick work shows no bar (STYLE.md 3)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(DIALOG_DELAY_MS)
        self._progress_timer.timeout.connect(self.progressPane.show)
        self.progressPane.hide()
        self.deactivateCheck.hide()
        self.problemsCopyButton.setEnabled(False)

        self.browseButton.clicked.connect(self._browse)
        self.fileEdit.returnPressed.connect(lambda: self.open_file(self.fileEdit.text()))
        self.sheetCombo.activated.connect(self._sheet_chosen)
        self.headerRowSpin.valueChanged.connect(lambda _value: self._header_timer.start())
        self.stopButton.clicked.connect(self._stop)
        self.groupTree.currentItemChanged.connect(self._group_chosen)
        self.problemsCopyButton.clicked.connect(self._write_problems_copy)

        self.setWindowTitle(self.tr("导入名册 — {name}").format(name=self._enterprise_name()))
        refusal = self._refusal()
        if refusal:
            say(self.fileStatusLabel, refusal, error=True)
            for widget in (self.fileEdit, self.browseButton, self.sheetCombo, self.headerRowSpin):
                widget.setEnabled(False)
        elif path:
            self.open_file(path)

    def _set_up_views(self) -> None:
        self.headView.verticalHeader().setDefaultSectionSize(24)
        header = self.mappingTable.horizontalHeader()
        for column, mode in ((0, QHeaderView.ResizeMode.ResizeToContents), (1, QHeaderView.ResizeMode.Interactive),
                             (2, QHeaderView.ResizeMode.Interactive), (3, QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        header.resizeSection(1, 190)
        header.resizeSection(2, 200)
        # Fixed widths: measuring 100,000 rows to fit them would freeze the window.
        problems = self.problemView.horizontalHeader()
        for column, width in ((ProblemColumn.SEVERITY, 48), (ProblemColumn.ROW, 56), (ProblemColumn.COLUMN, 40),
                              (ProblemColumn.HEADER, 120), (ProblemColumn.NAME, 76)):
            problems.resizeSection(column, width)
        problems.setStretchLastSection(True)
        self.problemView.setSortingEnabled(False)  # no sort until there is something to sort
        self.problemView.verticalHeader().setDefaultSectionSize(22)
        changes = self.changeView.horizontalHeader()
        for column, width in ((ChangeColumn.ROW, 56), (ChangeColumn.ID, 170), (ChangeColumn.NAME, 80)):
            changes.resizeSection(column, width)
        changes.setStretchLastSection(True)
        self.changeView.verticalHeader().setDefaultSectionSize(22)
        tree = self.groupTree.header()
        tree.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        tree.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        tree.setStretchLastSection(True)
        self.problemSplitter.setSizes([150, 300])

    def _enterprise_name(self) -> str:
        try:
            return get_enterprise(self._ws, self.enterprise_id).name
        except StoreError:
            return str(self.enterprise_id)

    def _refusal(self) -> str:
        """Why this clerk cannot import a roster for this enterprise now ("" when they can)."""
        if not self._ws.can(Permission.IMPORT_ROSTERS):
            return not_allowed_text(self._ws.actor, Permission.IMPORT_ROSTERS)
        try:
            ensure_enterprise_editable(self._ws, self.enterprise_id)
        except (ServiceError, StoreError) as exc:
            return error_text(exc)
        return ""

    # -- page 1: the file ----------------------------------------------------------------
    def _browse(self) -> None:
        path = open_file(self, "roster", self.tr("选择企业报送的名册"),
                         self.tr("名册 (*.xlsx *.xlsm *.xls *.et *.csv);;所有文件 (*)"), start=self.fileEdit.text().strip())
        if path:
            self.open_file(path)

    def open_file(self, path: str) -> None:
        path = path.strip()
        if not path:
            return
        self.fileEdit.setText(path)
        self._mapped_for = None
        self._read(Path(path), None, None)

    def _read(self, source: Any, sheet: str | None, header_row: int | None) -> None:
        self._requested_row = header_row  # the newest read's is the one shown
        self.fileReadyEdit.clear()
        say(self.fileStatusLabel, self.tr("正在读取…"))
        task = self._start("read", work.inspect, self.enterprise_id, source, sheet, header_row)
        task.success(self._read_done).failure(self._read_failed).on_cancel(self._read_cancelled)

    def _sheet_chosen(self, index: int) -> None:
        name = self.sheetCombo.itemData(index)
        if self.inspection is not None and name and name != self.inspection.sheet:
            self._read(self.inspection.file, str(name), None)

    def _header_row_chosen(self) -> None:
        found = self.inspection
        if found is None:
            return
        row = self.headerRowSpin.value()
        if found.layout is not None and found.layout.header_row + 1 == row:
            return
        self._read(found.file, found.sheet, row)

    def _read_cancelled(self) -> None:
        self._latest("read")

    def _read_failed(self, error: BaseException) -> None:
        if not self._latest("read"):
            return
        self.inspection = None
        self.head_model.clear()
        self.sheetCombo.clear()
        say(self.fileStatusLabel, self._failure_text(error), error=True)

    def _read_done(self, found: RosterInspection) -> None:
        if not self._latest("read"):
            return
        self.inspection = found
        combo = self.sheetCombo
        combo.blockSignals(True)
        combo.clear()
        for info in found.sheets:
            combo.addItem(info.name if info.visible else self.tr("{name}（隐藏）").format(name=info.name), info.name)
        combo.setCurrentIndex(combo.findData(found.sheet))
        combo.blockSignals(False)
        layout = found.layout
        spin = self.headerRowSpin
        spin.blockSignals(True)
        spin.setMaximum(max(len(found.head), 1))
        if layout is not None:
            spin.setValue(layout.header_row + 1)
        spin.blockSignals(False)
        self.head_model.set_rows(found.head, layout)
        view = self.headView
        view.resizeColumnsToContents()  # at most 50 rows: cheap
        for column in range(self.head_model.columnCount()):
            view.setColumnWidth(column, min(max(view.columnWidth(column), 48), HEAD_COLUMN_MAX))
        if layout is not None:  # the rows above (title, 填报单位) stay in sight when they fit
            view.scrollTo(self.head_model.index(layout.header_row, 0), QTableView.ScrollHint.EnsureVisible)
            self.fileReadyEdit.setText(READY)
        say(self.fileStatusLabel, file_status(found, self._requested_row), error=layout is None)

    # -- page 2: the columns (desktop.ui.import_wizard_pages.ColumnMapping) -----------------
    def set_column(self, column: int, field: Field | None) -> None:
        """Choose what a column (0-based) is imported as (None: not imported), as the clerk does with its combo."""
        self.mapping.set_column(column, field)

    def columns(self) -> dict[Field, int | None]:
        return self.mapping.columns()

    # -- moving between pages ---------------------------------------------------------------
    def initializePage(self, page_id: int) -> None:  # noqa: N802 - Qt's name
        super().initializePage(page_id)
        if page_id == MAPPING_PAGE:
            if self.inspection is not self._mapped_for:
                self._mapped_for = self.inspection
                if self.inspection is not None:
                    self.mapping.build(self.inspection)
            self.mapping.check()
        elif page_id == PREVIEW_PAGE:
            self._prepare()

    def cleanupPage(self, page_id: int) -> None:  # noqa: N802 - Qt's name
        if page_id == PREVIEW_PAGE:  # back to the columns: this preview no longer holds
            if self.task is not None and not self.task.done:
                self.task.cancel()
            self._close_preview()
        super().cleanupPage(page_id)

    def validateCurrentPage(self) -> bool:  # noqa: N802 - Qt's name
        page = self.currentId()
        if page == FILE_PAGE:
            return self.inspection is not None and self.inspection.layout is not None and not self._pending["read"]
        if page == PREVIEW_PAGE:
            if self.result_ is not None:
                return True
            if self.preview is not None and not self.busy:
                self._commit()
            return False
        return super().validateCurrentPage()

    def reject(self) -> None:
        if self._pending["commit"]:  # all of it or nothing: let the transaction end, then close
            self._close_when_done = True
            self._stop()
            return
        super().reject()

    def done(self, result: int) -> None:
        self._closing = True
        for task in self._running:
            task.cancel()
        self._dispose()
        self._tasks.release(self._kept)  # on the worker, after our tasks
        super().done(result)

    def _dispose(self) -> None:
        """Let go of the file and the preview once no task uses them."""
        if self.busy:
            return  # _task_finished comes back here
        if self.preview is not None:
            self._let_go(self.preview)
            self.preview = None
        if self.inspection is not None:
            self.inspection.file.close()
