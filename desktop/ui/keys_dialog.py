"""密钥: this office's key and the other side's public keys, all in the window.

A county makes its signing key (the passphrase typed twice, its strength
shown; protecting the key with scrypt takes seconds, so it runs on the
database worker), exports the public key to a file for the USB stick, and
imports the province's public key after checking its fingerprint over the
phone: the clerk types the six groups of digits the province reads out, and
the key is registered only when all of them match. The province registers
each county's key the same way. Fingerprints are shown as six groups of
four digits. The services (``desktop.services.keys``) do the work and keep
the audit entries; this module only asks and shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QFont, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QGroupBox, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QWidget,
)

from desktop.core.passwords import FAIR, STRONG, passphrase_strength
from desktop.core.permissions import Permission
from desktop.services import keys
from desktop.services.errors import ServiceError
from desktop.services.keys import KeyInfo, PublicKeyFile
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.decision_view import local_time
from desktop.ui.forms import load_form
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import mark_problem, offer, reserve_lines
from desktop.ui.file_places import open_file, save_file

FAIL_COLOR: Final = "#b3261e"
OK_COLOR: Final = "#1b7f3b"
MUTED_COLOR: Final = "#666666"
GROUP_SEPARATOR: Final = "\u3000"  # a full-width space between the groups of four digits


def spaced(digits: str) -> str:
    """"1234 5678 …" with wide gaps, as read out on the phone."""
    return GROUP_SEPARATOR.join(digits.split())


def _create(ws: Workspace, _state: TaskState, passphrase: str, replace: bool) -> KeyInfo:
    return keys.create_key(ws, passphrase, replace=replace)


class KeyCreateDialog(QDialog):
    """The new key's passphrase, twice, with its strength; refused passphrases keep the dialog open."""

    # From forms/key_create_dialog.ui.
    introLabel: QLabel
    passphraseEdit: QLineEdit
    againEdit: QLineEdit
    strengthLabel: QLabel
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, what: str, replacing: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("key_create_dialog", self)
        self.passphrase = ""
        intro = self.tr("生成本单位的{what}。口令保护私钥：每次导出报送批次都要输入，请记牢并妥善保管（忘记口令只能重新生成密钥）。"
                        ).format(what=what)
        if replacing:
            self.setWindowTitle(self.tr("更换密钥"))
            intro += "\n" + self.tr("注意：换用新密钥后，旧密钥停用，对方须重新登记新公钥并电话核对指纹。")
        self.introLabel.setText(intro)
        self.problemLabel.setStyleSheet(f"color: {FAIL_COLOR};")
        reserve_lines(self.problemLabel, 2)
        self.ok_button.setText(self.tr("更换密钥") if replacing else self.tr("生成密钥"))
        self.passphraseEdit.textChanged.connect(self._update)
        self.againEdit.textChanged.connect(self._update)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def _update(self) -> None:
        text = self.passphraseEdit.text()
        if not text:
            self.strengthLabel.setText(self.tr("至少 8 个字符；12 个以上、混合字母数字符号或汉字更好"))
            self.strengthLabel.setStyleSheet(f"color: {MUTED_COLOR};")
        else:
            strength = passphrase_strength(text)
            word, color = ((self.tr("强"), OK_COLOR) if strength == STRONG else
                           (self.tr("中"), "#9a6700") if strength == FAIR else
                           (self.tr("弱：太容易猜，不能使用"), FAIL_COLOR))
            self.strengthLabel.setText(word)
            self.strengthLabel.setStyleSheet(f"color: {color};")
        filled = bool(text and self.againEdit.text())
        offer(self.ok_button, filled, self.tr("请把口令输入两次"))

    def accept(self) -> None:
        try:
            keys.check_passphrase(self.passphraseEdit.text(), self.againEdit.text())
        except ServiceError as exc:
            self.problemLabel.setText(error_text(exc))
            return
        self.passphrase = self.passphraseEdit.text()
        super().accept()


class KeyConfirmDialog(QDialog):
    """The other side's public key: who it is, and its fingerprint typed as it is read out on the phone."""

    # From forms/key_confirm_dialog.ui.
    introLabel: QLabel
    fileValue: QLabel
    codeEdit: QLineEdit
    nameEdit: QLineEdit
    phoneLabel: QLabel
    group1Edit: QLineEdit
    group2Edit: QLineEdit
    group3Edit: QLineEdit
    group4Edit: QLineEdit
    group5Edit: QLineEdit
    group6Edit: QLineEdit
    matchLabel: QLabel
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, found: PublicKeyFile, path: Path, register: Callable[[str, str, str], KeyInfo],
                 province: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("key_confirm_dialog", self)
        self._found = found
        self._register = register
        self.registered: KeyInfo | None = None
        self.groups = [self.group1Edit, self.group2Edit, self.group3Edit, self.group4Edit, self.group5Edit,
                       self.group6Edit]
        self._expected = found.fingerprint.digits.split()
        self.fileValue.setText(str(path))
        if province:  # the province registers a county's key
            self.setWindowTitle(self.tr("登记县级签名公钥"))
            self.introLabel.setText(self.tr("这是县级单位的签名公钥。登记后，本单位才接收该县的报送批次。"))
            self.phoneLabel.setText(self.tr("请打电话给该县，请对方在“密钥”窗口读出本单位（县）的指纹，把 6 组数字逐组输入："))
        else:
            self.setWindowTitle(self.tr("导入省级加密公钥"))
            self.introLabel.setText(self.tr("这是省级加密公钥：报送批次将加密给它，只有省里能打开。"))
            self.phoneLabel.setText(self.tr("请打电话给省就业服务局，请对方读出其公钥指纹，把 6 组数字逐组输入："))
        self.phoneLabel.setWordWrap(True)
        code = found.office_code or ("" if province else keys.PROVINCE_CODE)
        name = found.office_name or ("" if province else keys.PROVINCE_NAME)
        self.codeEdit.setText(code)
        self.nameEdit.setText(name)
        validator = QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() + 3)
        for index, edit in enumerate(self.groups):
            edit.setValidator(validator)
            edit.setFont(font)
            edit.setPlaceholderText(self.tr("第{n}组").format(n=index + 1))
            edit.textEdited.connect(lambda _t, i=index: self._typed(i))
        self.problemLabel.setStyleSheet(f"color: {FAIL_COLOR};")
        reserve_lines(self.problemLabel, 2)
        reserve_lines(self.matchLabel, 2)
        self.ok_button.setText(self.tr("指纹一致，登记公钥") if province else self.tr("指纹一致，导入公钥"))
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._update()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.group1Edit.setFocus()  # the office is read from the file; the digits are what the clerk types

    def typed(self) -> str:
        return " ".join(edit.text() for edit in self.groups)

    def type_digits(self, digits: str) -> None:
        """Fill the groups as a clerk does, group after group (tests use it)."""
        for edit, group in zip(self.groups, digits.split(), strict=False):
            edit.setText(group)
        self._update()

    def _typed(self, index: int) -> None:
        if len(self.groups[index].text()) == 4 and index + 1 < len(self.groups):
            self.groups[index + 1].setFocus()
        self._update()

    def _update(self) -> None:
        wrong = [i + 1 for i, (edit, want) in enumerate(zip(self.groups, self._expected, strict=True))
                 if len(edit.text()) == 4 and edit.text() != want]
        for i, edit in enumerate(self.groups):
            mark_problem(edit, i + 1 in wrong)
        complete = all(len(edit.text()) == 4 for edit in self.groups)
        if wrong:
            self.matchLabel.setText(self.tr("第 {groups} 组与公钥文件不一致：请对方再读一遍；仍不一致时不要导入，文件可能被换过。").format(
                groups="、".join(str(n) for n in wrong)))
            self.matchLabel.setStyleSheet(f"color: {FAIL_COLOR};")
        elif complete:
            self.matchLabel.setText(self.tr("6 组数字全部一致。"))
            self.matchLabel.setStyleSheet(f"color: {OK_COLOR};")
        else:
            done = sum(1 for edit in self.groups if len(edit.text()) == 4)
            self.matchLabel.setText(self.tr("已输入 {done} 组，共 6 组。").format(done=done))
            self.matchLabel.setStyleSheet(f"color: {MUTED_COLOR};")
        offer(self.ok_button, complete and not wrong,
              self.tr("6 组数字都输入且一致后才能登记") if not wrong else self.tr("指纹不一致，不能登记"))

    def accept(self) -> None:
        try:
            self.registered = self._register(self.codeEdit.text().strip(), self.nameEdit.text().strip(),
                                             self.typed())
        except (ServiceError, StoreError) as exc:
            self.problemLabel.setText(error_text(exc))
            return
        super().accept()


class KeysDialog(QDialog):
    """This office's key and the other side's public keys (the 密钥… button of the 报送批次 page)."""

    changed = Signal()  # a key was made or registered

    # From forms/keys_dialog.ui.
    ownGroup: QGroupBox
    ownLabel: QLabel
    ownFingerprintLabel: QLabel
    createButton: QPushButton
    exportPublicButton: QPushButton
    backupPrivateButton: QPushButton
    peerGroup: QGroupBox
    peerTable: QTableWidget
    importPeerButton: QPushButton
    statusLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, ws: Workspace, tasks: TaskRunner | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("keys_dialog", self)
        self._ws = ws
        self._tasks = tasks
        self.create_dialog: KeyCreateDialog | None = None
        self.confirm_dialog: KeyConfirmDialog | None = None
        self.creating: Task | None = None
        self.own: KeyInfo | None = None
        self.is_province = ws.office.kind == "province"
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() + 4)
        font.setBold(True)
        self.ownFingerprintLabel.setFont(font)
        table = self.peerTable
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels([self.tr("单位"), self.tr("代码"), self.tr("指纹（电话核对）"), self.tr("登记时间")])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if self.is_province:
            self.peerGroup.setTitle(self.tr("已登记的县级签名公钥"))
            self.importPeerButton.setText(self.tr("登记县级公钥…"))
        else:
            self.peerGroup.setTitle(self.tr("省级加密公钥"))
            self.importPeerButton.setText(self.tr("导入省级公钥…"))
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.createButton.clicked.connect(self.open_create_dialog)
        self.exportPublicButton.clicked.connect(self._choose_public_target)
        self.backupPrivateButton.clicked.connect(self._choose_private_target)
        self.importPeerButton.clicked.connect(self._choose_peer_file)
        self.buttonBox.rejected.connect(self.reject)
        self.refresh()

    @property
    def what(self) -> str:
        return self.tr("加密密钥") if self.is_province else self.tr("签名密钥")

    # -- showing -----------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            self.own = keys.own_key(self._ws)
            peers = keys.peer_keys(self._ws)
        except (ServiceError, StoreError) as exc:
            self._say(error_text(exc), error=True)
            return
        allowed = self._ws.can(Permission.OFFICE_SETTINGS)
        denied = not_allowed_text(self._ws.actor, Permission.OFFICE_SETTINGS)
        if self.own is None:
            self.ownLabel.setText(self.tr("尚未生成{what}。先生成密钥，再把公钥导出到 U 盘交给{other}，并电话核对指纹。").format(
                what=self.what, other=self.tr("各县") if self.is_province else self.tr("省里")))
            self.ownFingerprintLabel.clear()
            self.ownFingerprintLabel.hide()
            self.createButton.setText(self.tr("生成密钥…"))
        else:
            self.ownLabel.setText(self.tr("{what}（{since} 起使用）。电话核对时读出下面 6 组数字：").format(
                what=self.what, since=local_time(self.own.since)))
            self.ownFingerprintLabel.setText(spaced(self.own.fingerprint.digits))
            self.ownFingerprintLabel.show()
            self.ownFingerprintLabel.setToolTip(self.own.fingerprint.sha256)
            self.createButton.setText(self.tr("更换密钥…"))
        offer(self.createButton, allowed and self.creating is None, denied if not allowed else self.tr("正在生成密钥"))
        no_key = self.tr("请先生成密钥")
        for button in (self.exportPublicButton, self.backupPrivateButton):
            offer(button, allowed and self.own is not None, denied if not allowed else no_key)
        offer(self.importPeerButton, allowed, denied)
        table = self.peerTable
        table.setRowCount(len(peers))
        for row, info in enumerate(peers):
            what = self._peer_label(info)
            for column, text in enumerate((f"{info.office_name}（{what}）", info.office_code,
                                           spaced(info.fingerprint.digits),
                                           local_time(info.since))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        if not peers and not self.statusLabel.text():
            self._say(self.tr("尚未登记任何县的公钥：各县的报送批次收到后无法核验") if self.is_province
                      else self.tr("尚未导入省级公钥：导入前不能导出报送批次"))

    def _peer_label(self, info: KeyInfo) -> str:
        if self.is_province:
            return self.tr("签名公钥")
        # A county holds the province's encryption key and the key its receipts are signed with.
        return self.tr("加密公钥") if info.purpose == keys.ENCRYPTION else self.tr("回执签名公钥")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.statusLabel.setStyleSheet(f"color: {FAIL_COLOR};" if error else "")
        self.statusLabel.setText(text)

    # -- own key -------------------------------------------------------------------------
    def open_create_dialog(self) -> KeyCreateDialog:
        dialog = KeyCreateDialog(self.what, self.own is not None, self)
        dialog.accepted.connect(lambda: self.create_key(dialog.passphrase))
        dialog.finished.connect(dialog.deleteLater)
        self.create_dialog = dialog
        dialog.open()
        return dialog

    def create_key(self, passphrase: str) -> Task | None:
        """Make the key on the database worker (scrypt protects it: seconds, not a blink)."""
        if self._tasks is None or self.creating is not None:
            return None
        replace = self.own is not None
        task = self._tasks.run(_create, passphrase, replace, ws_factory=opener(self._ws),
                               label=self.tr("正在生成密钥并用口令加密…"), parent=self)
        self.creating = task
        self._say(self.tr("正在生成密钥…"))
        task.success(self._created)
        task.failure(lambda exc: self._say(error_text(exc), error=True))
        task.finished.connect(self._create_ended)
        self.refresh()
        return task

    def _create_ended(self) -> None:
        self.creating = None
        self.refresh()

    def _created(self, info: KeyInfo) -> None:
        self.creating = None
        self.refresh()
        self._say(self.tr("已生成{what}。下一步：点“导出公钥…”存到 U 盘交给{other}，再用“备份私钥…”留一份备份。").format(
            what=info.label, other=self.tr("各县") if self.is_province else self.tr("省里")))
        self.changed.emit()

    def _choose_public_target(self) -> None:
        self._save_as(self.tr("导出公钥到…"), f"{self._ws.office.code}_{self._ws.office.name}_公钥.pub",
                      self.tr("公钥文件 (*.pub);;所有文件 (*)"), self.export_public)

    def export_public(self, target: Path) -> Path | None:
        return self._write(keys.export_public_key, target, self.tr(
            "公钥已写入 {path}。交给对方后，请对方导入并电话核对指纹：{digits}"))

    def _choose_private_target(self) -> None:
        self._save_as(self.tr("备份私钥到…"), f"{self._ws.office.code}_私钥备份.age",
                      self.tr("私钥备份 (*.age);;所有文件 (*)"), self.backup_private)

    def _save_as(self, title: str, name: str, file_filter: str, write: Callable[[Path], Path | None]) -> None:
        """Ask where to save (``name`` proposed), then ``write`` there; nothing when the clerk cancels."""
        path = save_file(self, "keys", title, name, file_filter)
        if path:
            write(Path(path))

    def backup_private(self, target: Path) -> Path | None:
        return self._write(keys.export_private_key, target, self.tr(
            "私钥（用口令加密）已备份到 {path}。请与口令分开保管。"))

    def _write(self, export: Callable[[Workspace, Path], Path], target: Path, done: str) -> Path | None:
        try:
            written = export(self._ws, target)
        except (ServiceError, StoreError, OSError) as exc:
            self._say(error_text(exc), error=True)
            return None
        self._say(done.format(path=written, digits=self.own.fingerprint.digits if self.own else ""))
        return written

    # -- the other side's key ---------------------------------------------------------------
    def _choose_peer_file(self) -> None:
        path = open_file(self, "keys", self.importPeerButton.text().rstrip("…"),
                         self.tr("公钥文件 (*.pub *.txt);;所有文件 (*)"))
        if path:
            self.open_confirm_dialog(Path(path))

    def open_confirm_dialog(self, path: Path) -> KeyConfirmDialog | None:
        """Read the file; then the phone check, which registers the key when the digits match."""
        try:
            found = keys.read_public_key(path.read_text(encoding="utf-8", errors="replace"))
        except (ServiceError, OSError) as exc:
            self._say(self.tr("无法读取公钥文件 {path}：{error}").format(path=path, error=error_text(exc)), error=True)
            return None
        register = keys.register_county_key if self.is_province else keys.import_province_key
        text = path.read_text(encoding="utf-8", errors="replace")

        def save(code: str, name: str, digits: str) -> KeyInfo:
            return register(self._ws, text, office_code=code or None, office_name=name or None, confirm=digits)

        dialog = KeyConfirmDialog(found, path, save, self.is_province, self)
        dialog.accepted.connect(lambda: self._registered(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.confirm_dialog = dialog
        dialog.open()
        return dialog

    def _registered(self, dialog: KeyConfirmDialog) -> None:
        info = dialog.registered
        self.refresh()
        if info is not None:
            self._say(self.tr("已登记 {name}（{code}）的公钥，指纹经电话核对一致。").format(
                name=info.office_name, code=info.office_code))
        self.changed.emit()
