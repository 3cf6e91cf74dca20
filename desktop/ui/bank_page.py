"""报送省开行: the enterprises approved in a month, written in the background as one file for the bank:
an AES-256 ZIP whose passphrase is shown once (given by phone), or, when the bank registered an age
key, a ZIP encrypted with age to that key. An administrator registers the bank's key here (登记开行公钥…)."""

from __future__ import annotations

import datetime
import secrets
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QInputDialog, QLabel, QLineEdit, QPushButton, QWidget

from desktop.core.identifiers import mask_phone
from desktop.core.permissions import Permission
from desktop.services import bank_list
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.errors import show_exception
from desktop.ui.province_pages import ProvincePage, fill_table
from desktop.ui.tasks import TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import inform, offer, readonly_table
from desktop.ui.file_places import choose_folder


def _make_bank_list(ws: Workspace, state: TaskState, period: str, out: Path, passphrase: str | None,
                    age: bool) -> bank_list.BankListResult:
    state.progress(0, 1, "正在生成名单…")
    return bank_list.bank_list(ws, period, out, passphrase=passphrase,
                               age_recipient=bank_list.REGISTERED if age else None)


class BankListPage(ProvincePage):
    """报送省开行: the period's enterprises; 生成名单… writes the file, 登记开行公钥… takes the bank's age key."""

    HEADERS = ("企业名称", "统一社会信用代码", "县（市、区）", "联系人", "联系电话", "企业规模", "职工总数", "认定人数",
               "占比", "重点群体", "适用标准", "确认书文号", "核验码")

    finished = Signal(object)  # the BankListResult
    AES, AGE = 0, 1  # protectionCombo's items

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(workspace, tasks, parent)
        self.periodEdit = QLineEdit(self)
        self.periodEdit.setText(datetime.date.today().strftime("%Y-%m"))
        self.protectionCombo = QComboBox(self)
        self.protectionCombo.addItem(self.tr("加密压缩包（密码电话告知）"))
        self.protectionCombo.addItem(self.tr("age 加密（开行登记的公钥）"))
        self.keyButton = QPushButton(self.tr("登记开行公钥…"), self)
        self.makeButton = QPushButton(self.tr("生成名单…"), self)
        self.filters.addWidget(QLabel(self.tr("批准年月："), self))
        self.filters.addWidget(self.periodEdit)
        self.filters.addStretch(1)
        self.filters.addWidget(QLabel(self.tr("加密方式："), self))
        self.filters.addWidget(self.protectionCombo)
        self.filters.addWidget(self.keyButton)
        self.filters.addWidget(self.makeButton)
        self.table = readonly_table(self, [self.tr(h) for h in self.HEADERS])
        self.layout_.addWidget(self.table, 1)
        self.keyLabel = QLabel(self)
        self.keyLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.keyLabel)
        self.resultLabel = QLabel(self)
        self.resultLabel.setWordWrap(True)
        self.resultLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.resultLabel)
        self.rows: list[bank_list.RegisterRow] = []
        self.periodEdit.editingFinished.connect(self.reload)
        self.makeButton.clicked.connect(self._choose_folder)
        self.keyButton.clicked.connect(self._ask_key)

    def reload(self) -> None:
        try:
            self.rows = bank_list.bank_rows(self._ws, self.periodEdit.text())
        except ServiceError as exc:
            self.rows = []
            self.resultLabel.setText(error_text(exc))
        fill_table(self.table, [(
            r.enterprise_name, r.uscc, r.county_name, r.contact_name, mask_phone(r.contact_phone), r.size_label,
            r.staff_total, r.qualifying_count, r.share_percent, r.priority_workers, r.standard_label,
            r.letter_number, r.verification_code,
        ) for r in self.rows])
        registered = bank_list.recipient(self._ws)
        age_item = self.protectionCombo.model().item(self.AGE)  # type: ignore[attr-defined]
        age_item.setEnabled(registered is not None)
        if registered is None:
            self.protectionCombo.setCurrentIndex(self.AES)
            self.keyLabel.setText(self.tr("开行尚未登记 age 公钥：只能生成加密压缩包。"))
        else:
            self.keyLabel.setText(self.tr("开行公钥：{name}，指纹 {digits}（{who} 登记于 {when}）").format(
                name=registered.name, digits=registered.digits, who=registered.registered_by,
                when=registered.registered_at[:10]))
        if not self._ws.can(Permission.EXPORT_BATCHES):
            offer(self.makeButton, False, not_allowed_text(self._ws.actor, Permission.EXPORT_BATCHES))
        else:
            offer(self.makeButton, bool(self.rows), self.tr("该月没有批准且认定符合的企业"))
        if not self._ws.can(Permission.OFFICE_SETTINGS):
            offer(self.keyButton, False, not_allowed_text(self._ws.actor, Permission.OFFICE_SETTINGS))
        else:
            offer(self.keyButton, True, "")

    def _choose_folder(self) -> None:
        folder = choose_folder(self, "bank_list", self.tr("名单写到哪个文件夹"))
        if folder:
            self.make(Path(folder))

    def make(self, folder: Path) -> None:
        """Write the list in the background: with age to the bank's key when chosen, else an AES ZIP
        whose passphrase is shown once, to be given by phone."""
        age = self.protectionCombo.currentIndex() == self.AGE
        passphrase = None if age else "-".join(secrets.token_hex(2) for _ in range(4))
        task = self._tasks.run(_make_bank_list, self.periodEdit.text().strip(), folder, passphrase, age,
                               ws_factory=opener(self._ws), label=self.tr("正在生成报送省开行的名单…"), parent=self)
        task.success(lambda result: self._made(result, passphrase))
        task.failure(lambda exc: show_exception(self, exc))

    def _made(self, result: bank_list.BankListResult, passphrase: str | None) -> None:
        text = self.tr("已写出名单：企业 {rows} 家，确认书 {letters} 份。\n文件：{path}").format(
            path=result.path, rows=result.rows, letters=result.letters)
        if passphrase is None:
            text += self.tr("\n已用开行的 age 公钥加密（指纹 {fingerprint}），开行用自己的私钥解开。").format(
                fingerprint=result.recipient)
        else:
            text += self.tr("\n压缩包密码：{passphrase}（请电话告知开行经办人，不要与文件一同发送）").format(
                passphrase=passphrase)
        if result.missing_letters:
            text += self.tr("\n以下确认书没有 PDF 原件：{numbers}").format(numbers="、".join(result.missing_letters))
        self.resultLabel.setText(text)
        self.finished.emit(result)

    def _ask_key(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, self.tr("登记开行公钥"), self.tr(
            "粘贴开行提供的 age 公钥（以 age1 开头的一行）："))
        if not ok or not text.strip():
            return
        digits, ok = QInputDialog.getText(self, self.tr("登记开行公钥"), self.tr(
            "请电话请开行经办人读出公钥指纹的数字（6 组，每组 4 位），在此输入以核对："))
        if ok and digits.strip():
            self.register_key(text, digits)

    def register_key(self, text: str, digits: str) -> bool:
        """Register the bank's age key once its fingerprint digits match what the bank read out."""
        try:
            found = bank_list.register_recipient(self._ws, text, confirm=digits)
        except ServiceError as exc:
            show_exception(self, exc)
            return False
        self.reload()
        self.protectionCombo.setCurrentIndex(self.AGE)
        inform(self, self.tr("登记开行公钥"), self.tr("已登记开行公钥，指纹 {digits}。").format(digits=found.digits))
        return True


__all__ = ["BankListPage"]
