"""The province's import of a folder of batches, with progress and a report.

A standalone widget (forms/batch_import_dialog.ui): ``BatchImportDialog(ws,
tasks, parent)``. Every ``*.age`` file of the folder is imported on the
database worker (``desktop.services.batch_import.import_batches``); the table
then says, file by file, whether it was accepted or put in quarantine and
why, and where its receipt was written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QTableWidget,
    QTableWidgetItem, QWidget,
)

from desktop.services import batch_import, batches
from desktop.services.batch_import import ImportOutcome
from desktop.services.workspace import Workspace
from desktop.ui.forms import load_form
from desktop.ui.tasks import TaskRunner, TaskState, opener
from desktop.ui.errors import failure_text
from desktop.ui.text import problem_text
from desktop.ui.file_places import choose_folder

_STATUS: Final = {"accepted": "已接收", "quarantined": "已隔离", "unreadable": "无法读取"}
_COLORS: Final = {"accepted": "#1e7d32", "quarantined": "#b3261e", "unreadable": "#b3261e"}


def _import(ws: Workspace, state: TaskState, files: list[Path], passphrase: str) -> list[ImportOutcome]:
    return batch_import.import_batches(ws, files, passphrase,
                                       progress=lambda text, step, steps: state.progress(step, steps, text))


def explanation(outcome: ImportOutcome) -> str:
    """What the clerk reads in the 说明 column: every reason, every warning, in Chinese."""
    lines = [problem_text(r.problem) for r in outcome.reasons]
    lines += [problem_text(w) for w in outcome.warnings]
    if outcome.status == "unreadable":
        lines.append(outcome.message)
    if outcome.quarantined_as is not None:
        lines.append(QCoreApplication.translate("BatchImportDialog", "隔离副本：{path}").format(
            path=outcome.quarantined_as))
    return "\n".join(lines)


class BatchImportDialog(QDialog):
    """Folder and passphrase, 导入, then one report line a file."""

    # From forms/batch_import_dialog.ui (load_form sets them).
    introLabel: QLabel
    folderEdit: QLineEdit
    browseButton: QPushButton
    passphraseEdit: QLineEdit
    importButton: QPushButton
    progressBar: QProgressBar
    statusLabel: QLabel
    reportTable: QTableWidget
    buttonBox: QDialogButtonBox

    def __init__(self, ws: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("batch_import_dialog", self)
        self._ws = ws
        self._tasks = tasks
        self._running = False
        self.outcomes: list[ImportOutcome] = []
        self.reportTable.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.browseButton.clicked.connect(self._browse)
        self.importButton.clicked.connect(self.start)
        self.buttonBox.rejected.connect(self.reject)

    def _browse(self) -> None:
        folder = choose_folder(self, "batch", self.tr("选择批次所在的文件夹"), start=self.folderEdit.text())
        if folder:
            self.folderEdit.setText(folder)

    def start(self) -> None:
        folder = Path(self.folderEdit.text().strip())
        if not self.folderEdit.text().strip() or not folder.is_dir():
            self.statusLabel.setText(self.tr("请选择一个已有的文件夹（U 盘是否已插好？）。"))
            return
        files = batches.batch_files_in(folder)
        if not files:
            self.statusLabel.setText(self.tr("文件夹 {folder} 中没有批次文件（*.age）。").format(folder=folder))
            return
        if not self.passphraseEdit.text():
            self.statusLabel.setText(self.tr("请输入加密密钥的口令。"))
            return
        passphrase = self.passphraseEdit.text()
        self.passphraseEdit.clear()
        self._running = True
        self.importButton.setEnabled(False)
        self.buttonBox.setEnabled(False)
        self.reportTable.setRowCount(0)
        self.progressBar.setMaximum(len(files))
        self.progressBar.setValue(0)
        self.statusLabel.setText(self.tr("正在导入 {n} 个文件…").format(n=len(files)))
        task = self._tasks.run(_import, files, passphrase, ws_factory=opener(self._ws))
        task.progressed.connect(self._progress)
        task.success(self._done).failure(self._failed)

    def _progress(self, done: object, total: object, text: str) -> None:
        self.progressBar.setMaximum(int(str(total or 0)))
        self.progressBar.setValue(int(str(done or 0)))
        if text:
            self.statusLabel.setText(text)

    def _finish(self) -> None:
        self._running = False
        self.importButton.setEnabled(True)
        self.buttonBox.setEnabled(True)

    def _done(self, outcomes: list[ImportOutcome]) -> None:
        self._finish()
        self.outcomes = outcomes
        table = self.reportTable
        table.setRowCount(len(outcomes))
        for row, o in enumerate(outcomes):
            office = f"{o.office_name}（{o.office_code}）" if o.office_code else ""
            receipt = str(o.receipt) if o.receipt else (o.receipt_error and self.tr("未能写入：") + o.receipt_error)
            cells = [o.path.name, self.tr(_STATUS[o.status]), office, "" if o.seq is None else str(o.seq),
                     explanation(o), receipt or ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 1:
                    item.setForeground(QColor(_COLORS[o.status]))
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        accepted = sum(o.accepted for o in outcomes)
        self.progressBar.setValue(self.progressBar.maximum())
        self.statusLabel.setText(self.tr("共 {n} 个文件：接收 {accepted} 个，隔离或无法读取 {refused} 个。").format(
            n=len(outcomes), accepted=accepted, refused=len(outcomes) - accepted))

    def _failed(self, error: BaseException) -> None:
        self._finish()
        text = failure_text(error)
        self.statusLabel.setText(self.tr("没有导入：{reason}").format(reason=text))

    def reject(self) -> None:
        if self._running:  # a batch is being stored: all of it or nothing, so let it finish
            return
        super().reject()
