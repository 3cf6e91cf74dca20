"""Signing in: who is at the keyboard decides what the window lets them do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

from desktop.services.errors import ServiceError
from desktop.services.recovery import needs_recovery
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.forms import load_form
from desktop.ui.text import error_text
from desktop.ui.user_dialogs import PasswordDialog
from desktop.ui.widgets import offer

# Takes user name and password; returns the signed-in workspace or raises ServiceError.
SignIn = Callable[[str, str], Workspace]
# Offered when the file turns out damaged: (this dialog, the error) -> the restored file's workspace or None.
Recover = Callable[[QWidget, Exception], "Workspace | None"]


class LoginDialog(QDialog):
    # From forms/login_dialog.ui (load_form sets them).
    officeLabel: QLabel
    usernameEdit: QLineEdit
    passwordEdit: QLineEdit
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, office_name: str, sign_in: SignIn, *, username: str = "", problem: str = "",
                 recover: Recover | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("login_dialog", self)
        self._sign_in = sign_in
        self._recover = recover
        self.workspace: Workspace | None = None  # set once signed in
        self.password_dialog: PasswordDialog | None = None  # open while a first password is being changed
        self.officeLabel.setText(office_name)
        self.usernameEdit.setText(username)
        self.problemLabel.setText(problem)
        (self.passwordEdit if username else self.usernameEdit).setFocus()
        self.usernameEdit.textChanged.connect(self._refresh)
        self.passwordEdit.textChanged.connect(self._refresh)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._refresh()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def _refresh(self) -> None:
        offer(self.ok_button, bool(self.usernameEdit.text().strip() and self.passwordEdit.text()),
              self.tr("请输入用户名和密码"))

    def accept(self) -> None:
        password = self.passwordEdit.text()
        try:
            workspace = self._sign_in(self.usernameEdit.text().strip(), password)
        except (ServiceError, StoreError) as exc:
            if self._recover is not None and needs_recovery(exc):
                self._offer_recovery(exc)
                return
            self.problemLabel.setText(error_text(exc))
            self.passwordEdit.clear()
            self.passwordEdit.setFocus()
            return
        if workspace.must_change_password:  # a first or reset password: the user's own one first
            self.password_dialog = PasswordDialog(workspace, self, current_password=password)
            self.password_dialog.accepted.connect(lambda: self._signed_in(workspace))
            self.password_dialog.rejected.connect(lambda: self._not_changed(workspace))
            self.password_dialog.finished.connect(self.password_dialog.deleteLater)
            self.password_dialog.open()
            return
        self._signed_in(workspace)

    def _signed_in(self, workspace: Workspace) -> None:
        self.workspace = workspace
        super().accept()

    def _offer_recovery(self, problem: Exception) -> None:
        """The file broke between opening and signing in: 从备份恢复 instead of a dead end."""
        assert self._recover is not None
        workspace = self._recover(self, problem)
        if workspace is None:
            self.problemLabel.setText(error_text(problem))
            return
        self._signed_in(workspace)

    def _not_changed(self, workspace: Workspace) -> None:
        workspace.close()
        self.problemLabel.setText(self.tr("须先设置自己的密码才能登录。"))
        self.passwordEdit.clear()
        self.passwordEdit.setFocus()
