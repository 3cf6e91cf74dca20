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

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QSpinBox, QSplitter,
    QTableView, QTableWidget, QTabWidget, QTreeWidget, QTreeWidgetItem, QWidget, QWizard,
    QWizardPage,
)

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
from desktop.ui.errors import show_exception
from desktop.ui.forms import load_form
from desktop.ui.import_wizard_models import ChangeColumn, ChangeModel, HeadModel, ProblemColumn, ProblemModel
from desktop.ui.import_wizard_pages import CODE_ROLE, READY, ColumnMapping, file_status, fill_group_tree, say
from desktop.ui.tasks import DIALOG_DELAY_MS, Task, TaskRunner
from desktop.ui.text import error_text, not_allowed_text

FILE_PAGE, MAPPING_PAGE, PREVIEW_PAGE, RESULT_PAGE = 0, 1, 2, 3
HEAD_COLUMN_MAX = 240  # pixels: a long title cell must not make column A a screen wide


class ImportWizard(QWizard):
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

    # -- background work ----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return any(not t.done for t in self._running)

    def _start(self, kind: str, fn: Any, *args: Any) -> Task:
        task = self._tasks.run(fn, *args, ws_factory=self._kept, cancellable=True, parent=self)
        self.task = task
        self._running.append(task)
        self._pending[kind] += 1
        task.progressed.connect(self._progress)
        task.finished.connect(self._task_finished)
        return task

    def _latest(self, kind: str) -> bool:
        """A result of ``kind`` came back: True when it is the newest asked for and the wizard is open."""
        self._pending[kind] -= 1
        return self._pending[kind] == 0 and not self._closing

    def _task_finished(self) -> None:
        self._running = [t for t in self._running if not t.done]
        if not self._running:
            self._hide_progress()
            if self._closing:
                self._dispose()

    def _show_progress(self, text: str) -> None:
        self.progressLabel.setText(text)
        self.progressBar.setRange(0, 0)  # busy until a total is known
        self.stopButton.setEnabled(True)
        self.stopButton.setText(self.tr("取消"))
        self._progress_timer.start()

    def _hide_progress(self) -> None:
        self._progress_timer.stop()
        self.progressPane.hide()

    def _progress(self, done: object, total: object, stage: str) -> None:
        if stage in work.STAGES:
            self.progressLabel.setText(QCoreApplication.translate("ImportWizard", work.STAGES[stage]))
        total_, done_ = int(str(total or 0)), int(str(done or 0))
        if total_ > 0:
            scale = max(1, total_ // 1_000_000)
            self.progressBar.setRange(0, total_ // scale)
            self.progressBar.setValue(min(done_, total_) // scale)

    def _stop(self) -> None:
        if self.task is not None and not self.task.done:
            self.task.cancel()
            self.stopButton.setEnabled(False)
            self.stopButton.setText(self.tr("正在取消…"))

    def _failure_text(self, error: BaseException) -> str:
        text = work.reason_text(error)
        if text is None:  # a bug: the report dialog, and a line on the page
            show_exception(self, error)
            text = self.tr("程序错误（{kind}），操作没有完成；已经保存的数据不受影响。").format(kind=type(error).__name__)
        return text

    # -- page 1: the file ----------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择企业报送的名册"), self.fileEdit.text().strip(),
            self.tr("名册 (*.xlsx *.xlsm *.xls *.et *.csv);;所有文件 (*)"))
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

    # -- page 3: the preview ---------------------------------------------------------------
    def _prepare(self) -> None:
        self._close_preview()
        found = self.inspection
        assert found is not None and found.layout is not None
        say(self.summaryLabel, self.tr("正在核对名册…"))
        say(self.previewStatusLabel, "")
        self.previewTabs.setEnabled(False)  # empty until the check is done
        self._show_progress(self.tr("正在核对名册…"))
        task = self._start("prepare", work.prepare, self.enterprise_id, found.file, found.sheet, self.columns(),
                           found.layout.header_row + 1)
        task.success(self._prepared).failure(self._prepare_failed).on_cancel(self._prepare_cancelled)

    def _prepared(self, preview: RosterPreview) -> None:
        if not self._latest("prepare") or self.currentId() != PREVIEW_PAGE:
            self._let_go(preview)
            return
        self.preview = preview
        c = preview.counts
        self.previewTabs.setEnabled(True)
        self.summaryLabel.setText(work.summary_html(preview))
        self.summaryLabel.setStyleSheet("")
        fill_group_tree(self.groupTree, preview.groups())
        self.problem_model.show_kind(None)
        self.problem_model.set_problems(preview.rows, preview.layout)
        self.problemView.setSortingEnabled(True)
        self.problemView.sortByColumn(ProblemColumn.ROW, Qt.SortOrder.AscendingOrder)
        self.change_model.set_rows(preview.rows)
        problems = self.problem_model.rowCount()
        self.previewTabs.setTabText(0, self.tr("问题（{n}）").format(n=problems))
        self.previewTabs.setTabText(1, self.tr("更新的人员（{n}）").format(n=c["updated"]))
        self.previewTabs.setCurrentIndex(0 if problems or not c["updated"] else 1)
        self.deactivateCheck.setChecked(False)
        self.deactivateCheck.setVisible(c.get("absent", 0) > 0)
        self.deactivateCheck.setText(work.absent_text(c.get("absent", 0)))
        self.problemsCopyButton.setEnabled(problems > 0)
        if c["rows"] == c["refused"]:
            say(self.previewStatusLabel, self.tr("所有行都有错误，导入后不会增加任何人员。请把问题清单发回企业改正。"), error=True)
        self.previewReadyEdit.setText(READY)

    def _group_chosen(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        code = item.data(0, CODE_ROLE) if item is not None else None
        self.problem_model.show_kind(str(code) if code else None)

    def _prepare_failed(self, error: BaseException) -> None:
        if not self._latest("prepare"):
            return
        self.summaryLabel.clear()
        say(self.previewStatusLabel, self._failure_text(error), error=True)

    def _prepare_cancelled(self) -> None:
        if not self._latest("prepare"):
            return
        self.summaryLabel.clear()
        say(self.previewStatusLabel, self.tr("已取消核对，没有写入任何数据。点“上一步”可重新开始。"))

    def _let_go(self, preview: RosterPreview) -> None:
        """Close a preview on the GUI thread; its staged rows stay for the worker to drop
        while a task of ours may be using the kept connection (the next staging or the
        connection's end removes them)."""
        if self.busy or self._closing:
            preview.stage_token = ""
        preview.close()

    def _close_preview(self) -> None:
        if self.preview is not None:
            self._let_go(self.preview)
            self.preview = None
        self.previewReadyEdit.clear()
        self.problem_model.clear()
        self.change_model.clear()
        self.groupTree.clear()
        self.summaryLabel.clear()
        self.previewStatusLabel.clear()
        self.deactivateCheck.hide()
        self.problemsCopyButton.setEnabled(False)
        self.previewTabs.setTabText(0, self.tr("问题"))
        self.previewTabs.setTabText(1, self.tr("更新的人员"))

    def _write_problems_copy(self) -> None:
        preview = self.preview
        if preview is None or self.busy:
            return
        suggested = preview.file.path.with_name(self.tr("{stem}-问题清单.xlsx").format(stem=preview.file.path.stem))
        out, _ = QFileDialog.getSaveFileName(self, self.tr("把问题清单发回企业"), str(suggested),
                                             self.tr("Excel 工作簿 (*.xlsx)"))
        if not out:
            return
        target = Path(out) if out.lower().endswith(".xlsx") else Path(out + ".xlsx")
        say(self.previewStatusLabel, self.tr("正在写入问题清单…"))
        self.problemsCopyButton.setEnabled(False)
        task = self._start("copy", work.write_problems_copy, preview, target)
        task.success(self._copy_written).failure(self._copy_failed).on_cancel(self._copy_failed_quietly)

    def _copy_written(self, path: Path) -> None:
        if not self._latest("copy"):
            return
        self.problemsCopyButton.setEnabled(True)
        say(self.previewStatusLabel, self.tr("问题清单已写入 {path}：有问题的单元格已标红并加批注，另附“问题清单”工作表。这份副本含完整的身份证号码，请只交给该企业。").format(path=path))  # noqa: E501 - one literal for lupdate

    def _copy_failed(self, error: BaseException) -> None:
        if not self._latest("copy"):
            return
        self.problemsCopyButton.setEnabled(True)
        say(self.previewStatusLabel, self.tr("问题清单没有写成：{reason}").format(
            reason=self._failure_text(error)), error=True)

    def _copy_failed_quietly(self) -> None:
        if self._latest("copy"):
            self.problemsCopyButton.setEnabled(True)
            self.previewStatusLabel.clear()

    # -- page 3 → 4: the import ------------------------------------------------------------
    def _commit(self) -> None:
        preview = self.preview
        assert preview is not None
        self.previewReadyEdit.clear()  # no second 导入 while this one runs
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.deactivateCheck.setEnabled(False)
        self.problemsCopyButton.setEnabled(False)
        say(self.previewStatusLabel, self.tr("正在导入…"))
        self._show_progress(self.tr("正在导入…"))
        task = self._start("commit", work.commit, preview, self.deactivateCheck.isChecked())
        task.success(self._committed).failure(self._commit_failed).on_cancel(self._commit_cancelled)

    def _after_commit(self) -> None:
        self._pending["commit"] -= 1
        self.deactivateCheck.setEnabled(True)
        self.problemsCopyButton.setEnabled(self.problem_model.rowCount() > 0)

    def _committed(self, result: ImportResult) -> None:
        self._after_commit()
        self.result_ = result
        self.preview = None  # commit_import closed it
        self.resultLabel.setText(work.result_html(result))
        if result.preview.unchanged_since is not None:  # the last import's file again: nothing was written
            self.resultPage.setTitle(self.tr("没有变化"))
            self.resultPage.setSubTitle(self.tr("这份名册与上次导入的相同，数据库中的名册没有改动。"))
        self._close_when_done = False  # written before the cancel arrived: the clerk must see that it was
        self.imported.emit(result)
        self.next()

    def _commit_failed(self, error: BaseException) -> None:
        self._after_commit()
        say(self.previewStatusLabel, self.tr("没有导入：{reason}\n数据库没有任何改动。").format(
            reason=self._failure_text(error)), error=True)
        self._commit_ended()

    def _commit_cancelled(self) -> None:
        self._after_commit()
        say(self.previewStatusLabel, self.tr("已取消导入，数据库没有任何改动。"))
        self._commit_ended()

    def _commit_ended(self) -> None:
        if self._close_when_done:
            self._close_when_done = False
            super().reject()
            return
        self.previewReadyEdit.setText(READY)  # the same preview may be imported again

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
