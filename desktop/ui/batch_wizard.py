"""The county's export wizard: choose the applications, the folder and the passphrase, export with progress.

A standalone widget (forms/batch_export_wizard.ui): the window opens it with
its workspace and task runner, ``BatchExportWizard(ws, tasks, parent)``. The
export runs on the database worker (``desktop.services.batch_export.export_batch``)
and cannot be cancelled half-way: the file on the stick is written whole or
not at all. After a failure (a wrong passphrase, a stick pulled out) the clerk
goes back a page and tries again; after success there is no way back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QTableWidget,
    QTableWidgetItem, QWidget, QWizard, QWizardPage,
)

from desktop.services import batch_export, batches
from desktop.services.errors import ServiceError
from desktop.services.keys import province_key
from desktop.services.review import STATUS_LABELS
from desktop.services.workspace import Workspace
from desktop.ui.errors import failure_text
from desktop.ui.forms import load_form
from desktop.ui.tasks import TaskRunner, TaskState, opener
from desktop.ui.text import error_text, translated
from desktop.ui.file_places import choose_folder

APPLICATION_ROLE: Final = Qt.ItemDataRole.UserRole + 1
CHOOSE_PAGE, TARGET_PAGE, EXPORT_PAGE = 0, 1, 2
PAINT_FIRST_MS: Final = 100
_RESULTS: Final = {"pass": "符合", "fail": "不符合"}


def _export(ws: Workspace, state: TaskState, folder: Path, passphrase: str, application_ids: list[int],
            include_unreceived: bool, with_pdfs: bool) -> batch_export.ExportResult:
    """On the database worker: the export, its steps reported as progress."""
    return batch_export.export_batch(
        ws, folder, passphrase, application_ids=application_ids, include_unreceived=include_unreceived,
        letter_pdfs=with_pdfs, progress=lambda text, step, steps: state.progress(step, steps, text), folder=True,
    )


class BatchExportWizard(QWizard):
    """选择申请 → 目标文件夹和口令 → 导出（进度、结果）."""

    # From forms/batch_export_wizard.ui (load_form sets them).
    choosePage: QWizardPage
    includeUnreceivedCheck: QCheckBox
    applicationTable: QTableWidget
    selectionLabel: QLabel
    targetPage: QWizardPage
    folderEdit: QLineEdit
    browseButton: QPushButton
    passphraseEdit: QLineEdit
    pdfCheck: QCheckBox
    recipientLabel: QLabel
    exportPage: QWizardPage
    progressBar: QProgressBar
    statusLabel: QLabel
    resultLabel: QLabel
    exportedEdit: QLineEdit

    def __init__(self, ws: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("batch_export_wizard", self)
        self._ws = ws
        self._tasks = tasks
        self.result_: batch_export.ExportResult | None = None
        self.error: BaseException | None = None
        self._running = False
        self.tracking = batches.TrackingToSend(0, 0, 0)
        self.applicationTable.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.includeUnreceivedCheck.toggled.connect(self.reload)
        self.applicationTable.itemChanged.connect(self._update_selection)
        self.browseButton.clicked.connect(self._browse)
        # Finish stays off until the file is written: a mandatory field the export fills in
        self.exportPage.registerField("exportedFile*", self.exportedEdit)
        self.reload()
        self._show_recipient()

    # -- page 1: the applications ---------------------------------------------------
    def reload(self) -> None:
        table = self.applicationTable
        table.blockSignals(True)
        found = batches.candidates(self._ws, include_unreceived=self.includeUnreceivedCheck.isChecked())
        table.setRowCount(len(found))
        for row, c in enumerate(found):
            name = QTableWidgetItem(c.enterprise_name)
            name.setFlags(name.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            # sent and unchanged: ticked by the clerk who lost the batch; changed since: goes again
            name.setCheckState(Qt.CheckState.Unchecked if c.sent_in and not c.changed else Qt.CheckState.Checked)
            name.setData(APPLICATION_ROLE, c.application_id)
            status = STATUS_LABELS.get(c.status, c.status)
            cells = [name, QTableWidgetItem(c.uscc), QTableWidgetItem(translated("review", status)),
                     QTableWidgetItem("" if c.qualifying_count is None else str(c.qualifying_count)),
                     QTableWidgetItem(self.tr(_RESULTS.get(c.final_result or "", ""))),
                     QTableWidgetItem((self.tr("此后有变动，再次报送；") if c.changed else "") + "、".join(c.sent_in))]
            for column, item in enumerate(cells):
                table.setItem(row, column, item)
        table.blockSignals(False)
        self._update_selection()

    def chosen(self) -> list[int]:
        items = [self.applicationTable.item(r, 0) for r in range(self.applicationTable.rowCount())]
        return [int(item.data(APPLICATION_ROLE)) for item in items
                if item is not None and item.checkState() == Qt.CheckState.Checked]

    def _update_selection(self, *_: Any) -> None:
        total = self.applicationTable.rowCount()
        self.tracking = batches.tracking_to_send(self._ws, self.chosen(),
                                                 include_unreceived=self.includeUnreceivedCheck.isChecked())
        if total == 0:
            text = self.tr("没有待报送的申请：已批准的申请都已报送过。")
        else:
            text = self.tr("共 {total} 件，已选 {chosen} 件").format(total=total, chosen=len(self.chosen()))
        if self.tracking:
            text += self.tr("；随本批报送贷款 {loans} 笔、贷款期内核实 {checks} 次、审核人确认 {answers} 条").format(
                loans=self.tracking.loans, checks=self.tracking.checks, answers=self.tracking.confirmations)
        self.selectionLabel.setText(text)

    # -- page 2: where, and the passphrase ----------------------------------------------
    def _browse(self) -> None:
        folder = choose_folder(self, "batch", self.tr("选择目标文件夹"), start=self.folderEdit.text())
        if folder:
            self.folderEdit.setText(folder)

    def _show_recipient(self) -> None:
        try:
            info, _ = province_key(self._ws)
        except ServiceError as exc:
            self.recipientLabel.setText(error_text(exc))
            return
        self.recipientLabel.setText(self.tr("加密给：{name}（{code}），公钥指纹 {digits}").format(
            name=info.office_name, code=info.office_code, digits=info.fingerprint.digits))

    # -- moving on ---------------------------------------------------------------------
    def validateCurrentPage(self) -> bool:  # noqa: N802 - Qt's name
        page = self.currentId()
        if page == CHOOSE_PAGE and not self.chosen() and not self.tracking:
            self.selectionLabel.setText(self.tr("请至少选择一件申请。"))
            return False
        if page == TARGET_PAGE:
            folder = Path(self.folderEdit.text().strip())
            if not self.folderEdit.text().strip() or not folder.is_dir():
                self.recipientLabel.setText(self.tr("请选择一个已有的文件夹（U 盘是否已插好？）。"))
                return False
            if not self.passphraseEdit.text():
                self.recipientLabel.setText(self.tr("请输入签名密钥的口令。"))
                return False
        if page == EXPORT_PAGE:
            return self.result_ is not None
        return True

    def initializePage(self, page_id: int) -> None:  # noqa: N802 - Qt's name
        super().initializePage(page_id)
        if page_id == EXPORT_PAGE:
            self._start()

    def _start(self) -> None:
        self.result_, self.error, self._running = None, None, True
        self.exportedEdit.clear()
        self.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        QTimer.singleShot(0, self._hold_back)  # after the wizard has set its buttons for the new page
        self.statusLabel.setText(self.tr("正在导出：解锁签名密钥…"))
        self.progressBar.setRange(0, 0)  # busy until the first step is reported
        self.resultLabel.clear()
        passphrase = self.passphraseEdit.text()
        self.passphraseEdit.clear()
        args = (Path(self.folderEdit.text().strip()), passphrase, self.chosen(), self.includeUnreceivedCheck.isChecked(),
                self.pdfCheck.isChecked())
        # Unlocking the key (scrypt in pyrage) holds Python's lock for about a second: let this page
        # paint first, so the clerk sees what is under way instead of the previous page frozen.
        QTimer.singleShot(PAINT_FIRST_MS, lambda: self._run(args))

    def _run(self, args: tuple[Any, ...]) -> None:
        task = self._tasks.run(_export, *args, ws_factory=opener(self._ws))
        task.progressed.connect(self._progress)
        task.success(self._done).failure(self._failed)

    def _hold_back(self) -> None:
        if self._running or self.result_ is not None:
            self.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def _progress(self, done: object, total: object, text: str) -> None:
        steps, step = int(str(total or 0)), int(str(done or 0))
        self.progressBar.setRange(0, steps)
        self.progressBar.setValue(max(0, step - 1))  # the step under way is not done yet
        if text:
            self.statusLabel.setText(self.tr("第 {step}/{steps} 步：{text}…").format(step=step, steps=steps, text=text))

    def _done(self, result: batch_export.ExportResult) -> None:
        self._running = False
        self.result_ = result
        c = result.counts
        self.progressBar.setMaximum(1)
        self.progressBar.setValue(1)
        self.statusLabel.setText(self.tr("已导出第 {seq} 批。请把文件交给省里，收到回执后在“报送批次”中导入回执。").format(
            seq=result.seq))
        self.resultLabel.setText(self.tr(
            "文件：{path}\n企业 {e} 家、申请 {a} 件、职工 {w} 人、确认书 {l} 份、贷款 {loans} 笔、"
            "贷款期内核实 {checks} 次；{size} KB\nSHA-256：{sha}"
        ).format(path=result.path, e=c["enterprises"], a=c["applications"], w=c["workers"], l=c["letters"],
                 loans=c.get("loans", 0), checks=c.get("checks", 0), size=max(1, result.size // 1024),
                 sha=result.file_sha256))
        self.exportedEdit.setText(str(result.path))
        self.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        self._hold_back()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        self.error = error
        self.progressBar.setMaximum(1)
        self.progressBar.setValue(0)
        text = failure_text(error)
        self.statusLabel.setText(self.tr("没有导出：{reason}\n可返回上一步改正后再试。").format(reason=text))
        self.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)

    def reject(self) -> None:
        if self._running:  # the file is being written: it finishes whole (or not at all) first
            return
        super().reject()
