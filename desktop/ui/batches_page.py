"""The 报送批次 page: export a batch for the province, import its receipt, import batches (province), keys.

A county exports batches (the wizard), writes a batch chosen in the list once more (再次导出…: the
same file, when the stick was lost or the export's last step failed) and reads the province's receipts; the
province imports the counties' batches (the import dialog). Both see the
batches sent or received. 密钥… opens the keys dialog (``desktop.ui.keys_dialog``):
making this office's key, exporting its public key, registering the other
side's key after the fingerprint check on the phone.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QStackedWidget, QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget,
)

from desktop.core.permissions import Permission
from desktop.services import batch_export, batch_receipts, batches, keys
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.batch_import_dialog import BatchImportDialog
from desktop.ui.batch_wizard import BatchExportWizard
from desktop.ui.errors import failure_text, show_exception
from desktop.ui.events import Change, announce, is_echo
from desktop.ui.keys_dialog import KeysDialog
from desktop.ui.letters_page import _install
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import offer
from desktop.ui.file_places import choose_folder, open_file

FAIL_COLOR: Final = "#b3261e"
_STATUS: Final = {
    "written": "已导出，待回执", "received": "省级已接收", "refused": "省级已拒收",
    "accepted": "已接收", "quarantined": "已隔离",
}
_DIRECTION: Final = {"outgoing": "报出", "incoming": "收到"}


class BatchColumn(IntEnum):
    DIRECTION = 0
    SEQ = 1
    FILE = 2
    STATUS = 3
    CREATED = 4
    RECEIVED = 5


def _import_receipt(ws: Workspace, state: TaskState, path: Path) -> batch_receipts.ReceiptOutcome:
    return batch_receipts.import_receipt(ws, path)


def _export_again(ws: Workspace, state: TaskState, batch_id: int, folder: Path) -> Path:
    return batch_export.export_again(ws, batch_id, folder, folder=True)


def _time(text: str | None) -> str:
    return (text or "")[:16].replace("T", " ")


class BatchesPage(QWidget):
    data_changed = Signal(str, int)  # (Change, enterprise id) for the window's DataEvents
    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._tasks = tasks
        self.wizard: BatchExportWizard | None = None
        self.import_dialog: BatchImportDialog | None = None
        self.keys_dialog: KeysDialog | None = None
        self.rows: list[batches.BatchRow] = []

        self.exportButton = QPushButton(self.tr("导出报送批次…"), self)
        self.againButton = QPushButton(self.tr("再次导出…"), self)
        self.receiptButton = QPushButton(self.tr("导入回执…"), self)
        self.importButton = QPushButton(self.tr("导入批次…"), self)
        self.keysButton = QPushButton(self.tr("密钥…"), self)
        self.caption = QLabel(self)
        self.table = QTableWidget(0, len(BatchColumn), self)
        # At the province every batch is one received: the first column names the county it came from.
        first = self.tr("县（市、区）") if self.is_province else self.tr("方向")
        self.table.setHorizontalHeaderLabels([first, self.tr("序号"), self.tr("文件"), self.tr("状态"),
                                              self.tr("导出/收到时间"), self.tr("省级接收时间")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BatchColumn.FILE, QHeaderView.ResizeMode.Stretch)
        self.statusLabel = QLabel(self)
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setWordWrap(True)

        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        for button in (self.exportButton, self.againButton, self.receiptButton, self.importButton):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.keysButton)
        layout.addLayout(bar)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.statusLabel)

        self.exportButton.clicked.connect(self.open_export_wizard)
        self.againButton.clicked.connect(self._choose_again_folder)
        self.table.itemSelectionChanged.connect(self._offer_again)
        self.receiptButton.clicked.connect(self._choose_receipt)
        self.importButton.clicked.connect(self.open_import_dialog)
        self.keysButton.clicked.connect(self.open_keys_dialog)
        self._apply_permissions()
        self.reload()

    @classmethod
    def install(cls, pages: QStackedWidget, workspace: Workspace, tasks: TaskRunner) -> BatchesPage:
        """Put the page where the main window's form has ``batchPlaceholder``."""
        return _install(cls(workspace, tasks), pages, "batchPlaceholder")  # type: ignore[return-value]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.reload()

    @property
    def is_province(self) -> bool:
        return self._ws.office.kind == "province"

    def _apply_permissions(self) -> None:
        can = self._ws.can(Permission.EXPORT_BATCHES)
        denied = not_allowed_text(self._ws.actor, Permission.EXPORT_BATCHES)
        county_only = self.tr("只有县级单位导出报送批次、导入回执")
        if not can:
            for button in (self.exportButton, self.receiptButton, self.importButton):
                offer(button, False, denied)
        else:
            missing = "" if self.is_province else self._keys_missing()
            offer(self.exportButton, not self.is_province and not missing, county_only if self.is_province else missing)
            offer(self.receiptButton, not self.is_province, county_only)
            offer(self.importButton, self.is_province, self.tr("只有省级单位导入各县的报送批次"))
        self.exportButton.setVisible(not self.is_province)
        self.againButton.setVisible(not self.is_province)
        self._offer_again()
        self.receiptButton.setVisible(not self.is_province)
        self.importButton.setVisible(self.is_province)

    def _keys_missing(self) -> str:
        """Why a county cannot export yet ("" when its key and the province's are there)."""
        if keys.own_key(self._ws) is None:
            return self.tr("还没有签名密钥：请先点“密钥…”生成密钥，并导入省级公钥")
        if not keys.peer_keys(self._ws):
            return self.tr("还没有导入省级公钥：请先点“密钥…”导入，并与省里电话核对指纹")
        return ""

    def reload(self) -> None:
        self._apply_permissions()
        try:
            rows = batches.incoming_batches(self._ws) if self.is_province else batches.outgoing_batches(self._ws)
        except (ServiceError, StoreError) as exc:
            self._say(error_text(exc), error=True)
            return
        self.rows = list(rows)
        table = self.table
        table.setRowCount(len(self.rows))
        for row, b in enumerate(self.rows):
            values = {
                BatchColumn.DIRECTION: self.tr("{name}（{code}）").format(name=b.office_name, code=b.office_code)
                if self.is_province else self.tr(_DIRECTION.get(b.direction, b.direction)),
                BatchColumn.SEQ: str(b.seq),
                BatchColumn.FILE: b.file_name,
                BatchColumn.STATUS: self.tr(_STATUS.get(b.status, b.status)),
                BatchColumn.CREATED: _time(b.created_at),
                BatchColumn.RECEIVED: _time(b.received_at),
            }
            for column, text in values.items():
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        self._offer_again()
        what = self.tr("收到的批次") if self.is_province else self.tr("报出的批次")
        self.caption.setText(self.tr("{what}：{n} 个").format(what=what, n=len(self.rows)))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.statusLabel.setStyleSheet(f"color: {FAIL_COLOR};" if error else "")
        self.statusLabel.setText(text)

    # -- actions ---------------------------------------------------------------------------------
    def open_export_wizard(self) -> BatchExportWizard | None:
        try:
            wizard = BatchExportWizard(self._ws, self._tasks, self)
        except (ServiceError, StoreError) as exc:
            self._say(error_text(exc), error=True)
            return None
        wizard.finished.connect(lambda _r: self._batch_done(wizard.result_ is not None))
        wizard.finished.connect(wizard.deleteLater)
        self.wizard = wizard
        wizard.open()
        return wizard

    def selected_batch(self) -> batches.BatchRow | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1 or next(iter(rows)) >= len(self.rows):
            return None
        return self.rows[next(iter(rows))]

    def _offer_again(self) -> None:
        if not self._ws.can(Permission.EXPORT_BATCHES):
            offer(self.againButton, False, not_allowed_text(self._ws.actor, Permission.EXPORT_BATCHES))
            return
        chosen = self.selected_batch()
        if chosen is not None and chosen.direction == "outgoing" and chosen.status != "written":
            offer(self.againButton, False, self.tr("第 {seq} 批{status}，不必再次导出").format(
                seq=chosen.seq, status=self.tr(_STATUS.get(chosen.status, chosen.status))))
            return
        offer(self.againButton, chosen is not None and chosen.direction == "outgoing",
              self.tr("先在表中选中一个报出的批次：把同一文件再写到 U 盘（原文件丢失或写入失败时）"))

    def _choose_again_folder(self) -> None:
        chosen = self.selected_batch()
        if chosen is None:
            return
        folder = choose_folder(self, "batch", self.tr("把第 {seq} 批再次写到哪个文件夹（如 U 盘）").format(seq=chosen.seq))
        if folder:
            self.export_again(chosen, Path(folder))

    def export_again(self, chosen: batches.BatchRow, folder: Path) -> Task:
        task = self._tasks.run(_export_again, chosen.id, folder, ws_factory=opener(self._ws),
                               label=self.tr("正在写出批次…"), parent=self)
        task.success(lambda path: self._say(self.tr("已再次写入第 {seq} 批：{path}（与原文件逐字节相同，是同一批次）").format(
            seq=chosen.seq, path=path)))
        task.failure(lambda error: self._say(self.tr("第 {seq} 批没有写出：{reason}").format(
            seq=chosen.seq, reason=failure_text(error)), error=True))
        return task

    def open_import_dialog(self) -> BatchImportDialog:
        dialog = BatchImportDialog(self._ws, self._tasks, self)
        dialog.finished.connect(lambda _r: self._batch_done(True))
        dialog.finished.connect(dialog.deleteLater)
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def open_keys_dialog(self) -> KeysDialog:
        dialog = KeysDialog(self._ws, self._tasks, self)
        dialog.changed.connect(lambda: self._batch_done(False))  # the export may be offered now
        dialog.changed.connect(lambda: announce(self, Change.KEY))
        dialog.finished.connect(dialog.deleteLater)
        self.keys_dialog = dialog
        dialog.open()
        return dialog

    def _choose_receipt(self) -> None:
        path = open_file(self, "batch", self.tr("选择省级回执文件"), self.tr("回执 (*.json *.receipt);;所有文件 (*)"))
        if path:
            self.import_receipt(Path(path))

    def import_receipt(self, path: Path) -> Task:
        task = self._tasks.run(_import_receipt, path, ws_factory=opener(self._ws), label=self.tr("正在导入回执…"),
                               parent=self)
        task.success(self._receipt_imported)
        task.failure(self._receipt_failed)
        return task

    def _batch_done(self, changed: bool) -> None:
        self.reload()
        if changed:
            announce(self, Change.BATCH)

    def on_data_changed(self, kind: str, _enterprise_id: int) -> None:
        if not is_echo(self) and kind not in (Change.ROSTER.value, Change.KEY.value):
            self.reload()

    def _receipt_imported(self, outcome: batch_receipts.ReceiptOutcome) -> None:
        self._batch_done(outcome.changed)
        b = outcome.batch
        if not outcome.changed:
            self._say(self.tr("第 {seq} 批（{file}）此前已标记为“{status}”，未改动").format(
                seq=b.seq, file=b.file_name, status=self.tr(_STATUS.get(b.status, b.status))))
        else:
            self._say(self.tr("已导入回执：第 {seq} 批（{file}）{status}").format(
                seq=b.seq, file=b.file_name, status=self.tr(_STATUS.get(b.status, b.status))),
                error=b.status == "refused")

    def _receipt_failed(self, error: BaseException) -> None:
        self._say(self.tr("回执没有导入"), error=True)
        show_exception(self, error)
