"""Accounts: an admin's 用户管理 (add, role, disable, reset password) and everyone's 修改我的密码.

The dialogs offer only what the signed-in user may do; the services check again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.messages import Problem
from desktop.core.office import Role
from desktop.core.permissions import Permission
from desktop.services.accounts import (
    UserInfo,
    add_user,
    change_password,
    list_users,
    new_temporary_password,
    reset_password,
    set_user,
)
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.forms import load_form
from desktop.ui.text import error_text, not_allowed_text, problem_text, role_label
from desktop.ui.widgets import mark_problem, offer

ROLES_OFFERED = (Role.CLERK, Role.APPROVER, Role.ADMIN)


def _offer_generated(box: QDialogButtonBox, edits: tuple[QLineEdit, QLineEdit]) -> QPushButton:
    """A 生成 button that fills both password fields with a new temporary password, shown to read out."""
    button = box.addButton(QCoreApplication.translate("user_dialogs", "生成临时密码"),
                           QDialogButtonBox.ButtonRole.ActionRole)
    button.setToolTip(QCoreApplication.translate(
        "user_dialogs", "生成一个不易认错的密码并显示出来，请当面告诉本人；他登录时须改成自己的"))

    def fill() -> None:
        password = new_temporary_password()
        for edit in edits:
            edit.setText(password)
        edits[0].setEchoMode(QLineEdit.EchoMode.Normal)  # to read it out once

    button.clicked.connect(fill)
    return button


def _show_problems(label: QLabel, fields: dict[str, QWidget], problems: list[Problem]) -> None:
    named = {str(p.params.get("field", "")) for p in problems}
    for field, widget in fields.items():
        mark_problem(widget, field in named)
    label.setText("\n".join(problem_text(p) for p in problems))
    first = next((w for f, w in fields.items() if f in named), None)
    if first is not None:
        first.setFocus()


class UsersDialog(QDialog):
    # From forms/users_dialog.ui (load_form sets them).
    introLabel: QLabel
    userTable: QTableWidget
    addButton: QPushButton
    roleButton: QPushButton
    activeButton: QPushButton
    resetPasswordButton: QPushButton
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("users_dialog", self)
        self._ws = workspace
        self._users: list[UserInfo] = []
        self.role_menu = QMenu(self)
        for role in ROLES_OFFERED:
            action = self.role_menu.addAction(self.tr("设为{role}").format(role=role_label(role)))
            action.setData(role.value)
            action.triggered.connect(lambda _checked=False, r=role: self.set_role(r))
        self.roleButton.setMenu(self.role_menu)
        header = self.userTable.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.userTable.verticalHeader().setDefaultSectionSize(self.userTable.fontMetrics().height() + 10)
        self.userTable.itemSelectionChanged.connect(self._refresh)
        self.addButton.clicked.connect(self.open_add_dialog)
        self.activeButton.clicked.connect(self.toggle_active)
        self.resetPasswordButton.clicked.connect(self.open_reset_dialog)
        self.buttonBox.rejected.connect(self.reject)
        offer(self.addButton, workspace.can(Permission.MANAGE_USERS),
              not_allowed_text(workspace.actor, Permission.MANAGE_USERS))
        self.reload()

    # -- the list ----------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        current = self.selected()
        select = select or (current.username if current else None)
        self._users = list_users(self._ws)
        table = self.userTable
        table.setRowCount(len(self._users))
        for row, user in enumerate(self._users):
            state = self.tr("在用") if user.active else self.tr("已停用")
            if user.must_change_password:
                state += self.tr("（待改密码）")
            for column, text in enumerate((user.username, user.display_name, role_label(user.role), state)):
                item = QTableWidgetItem(text)
                if not user.active:
                    item.setForeground(Qt.GlobalColor.gray)
                table.setItem(row, column, item)
        rows = [r for r, u in enumerate(self._users) if u.username == select]
        table.selectRow(rows[0] if rows else 0)
        self._refresh()

    def usernames(self) -> list[str]:
        return [u.username for u in self._users]

    def user(self, username: str) -> UserInfo:
        return next(u for u in self._users if u.username == username)

    def select(self, username: str) -> None:
        self.userTable.selectRow(self.usernames().index(username))

    def selected(self) -> UserInfo | None:
        rows = self.userTable.selectionModel().selectedRows() if self._users else []
        return self._users[rows[0].row()] if rows else None

    def _refresh(self) -> None:
        user = self.selected()
        may = self._ws.can(Permission.MANAGE_USERS)
        why = not_allowed_text(self._ws.actor, Permission.MANAGE_USERS)
        is_me = user is not None and user.username == self._ws.actor.username
        if may and is_me:
            why, may_change = self.tr("不能修改自己的角色或停用自己：请另一位管理员操作"), False
        else:
            may_change = may
        offer(self.roleButton, user is not None and may_change, why)
        offer(self.activeButton, user is not None and may_change, why)
        offer(self.resetPasswordButton, user is not None and may,
              not_allowed_text(self._ws.actor, Permission.MANAGE_USERS))
        self.activeButton.setText(self.tr("启用") if user is not None and not user.active else self.tr("停用"))
        for action in self.role_menu.actions():
            action.setEnabled(user is not None and action.data() != user.role.value)

    # -- changes -----------------------------------------------------------------------
    def _change(self, username: str, **changes: object) -> None:
        try:
            set_user(self._ws, username, **changes)  # type: ignore[arg-type]
        except (ServiceError, StoreError) as exc:
            self.problemLabel.setText(error_text(exc))
            return
        self.problemLabel.setText("")
        self.reload(select=username)

    def set_role(self, role: Role) -> None:
        user = self.selected()
        if user is not None:
            self._change(user.username, role=role)

    def toggle_active(self) -> None:
        user = self.selected()
        if user is not None:
            self._change(user.username, active=not user.active)

    def open_add_dialog(self) -> UserDialog:
        dialog = UserDialog(self._ws, self)
        dialog.accepted.connect(lambda: self._added(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _added(self, dialog: UserDialog) -> None:
        self.problemLabel.setText("")
        self.reload(select=dialog.user.username if dialog.user else None)

    def open_reset_dialog(self) -> PasswordDialog | None:
        user = self.selected()
        if user is None:
            return None
        dialog = PasswordDialog(self._ws, self, username=user.username)
        dialog.accepted.connect(lambda: self.reload(select=user.username))  # 待改密码
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


class UserDialog(QDialog):
    """添加用户: name, display name, role and the first password (typed twice)."""

    # From forms/user_dialog.ui (load_form sets them).
    usernameEdit: QLineEdit
    displayNameEdit: QLineEdit
    roleCombo: QComboBox
    passwordEdit: QLineEdit
    passwordAgainEdit: QLineEdit
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("user_dialog", self)
        self._ws = workspace
        self.user: UserInfo | None = None  # set once added
        for role in ROLES_OFFERED:
            self.roleCombo.addItem(role_label(role), role.value)
        self._fields: dict[str, QWidget] = {"username": self.usernameEdit, "password": self.passwordEdit}
        self.passwordEdit.setToolTip(self.tr("初始密码：新用户首次登录时须改成自己的密码"))
        self.generate_button = _offer_generated(self.buttonBox, (self.passwordEdit, self.passwordAgainEdit))
        for edit in (self.usernameEdit, self.passwordEdit, self.passwordAgainEdit):
            edit.textChanged.connect(self._refresh)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._refresh()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def _refresh(self) -> None:
        self.ok_button.setEnabled(bool(self.usernameEdit.text().strip() and self.passwordEdit.text()
                                       and self.passwordAgainEdit.text()))

    def accept(self) -> None:
        if self.passwordEdit.text() != self.passwordAgainEdit.text():
            _show_problems(self.problemLabel, self._fields, [Problem("password_mismatch", {"field": "password"})])
            return
        try:
            self.user = add_user(self._ws, self.usernameEdit.text().strip(), Role(self.roleCombo.currentData()),
                                 self.passwordEdit.text(), self.displayNameEdit.text().strip())
        except ValidationError as exc:
            _show_problems(self.problemLabel, self._fields, exc.problems)
            return
        except (ServiceError, StoreError) as exc:
            _show_problems(self.problemLabel, self._fields, [])
            self.problemLabel.setText(error_text(exc))
            return
        super().accept()


class PasswordDialog(QDialog):
    """修改我的密码 (old, new twice); the same right after signing in with a first or reset password
    (the old one is not asked again); or, for an admin, 重设密码 of another user (new twice)."""

    # From forms/password_dialog.ui (load_form sets them).
    introLabel: QLabel
    oldPasswordCaption: QLabel
    oldPasswordEdit: QLineEdit
    newPasswordEdit: QLineEdit
    newPasswordAgainEdit: QLineEdit
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, *, username: str | None = None,
                 current_password: str | None = None) -> None:
        """``username``: reset that user's password; None: change the signed-in user's own.
        ``current_password``: the one just signed in with, when it must be changed before going on."""
        super().__init__(parent)
        load_form("password_dialog", self)
        self._ws = workspace
        self._username = username
        self._current = current_password
        if username is not None:
            self.setWindowTitle(self.tr("重设密码"))
            self.introLabel.setText(self.tr(
                "为用户“{user}”设一个临时密码，并当面告诉他；他下次登录时须改成自己的密码。").format(user=username))
            _offer_generated(self.buttonBox, (self.newPasswordEdit, self.newPasswordAgainEdit))
        elif current_password is not None:
            self.setWindowTitle(self.tr("请设置自己的密码"))
            self.introLabel.setText(self.tr(
                "{user}，您用的是初始密码或管理员重设的临时密码。请设一个只有您自己知道的新密码，然后继续。").format(
                user=workspace.actor.shown_name))
        else:
            self.introLabel.setText(self.tr("修改 {user} 的登录密码。").format(user=workspace.actor.shown_name))
        if username is not None or current_password is not None:
            self.oldPasswordCaption.hide()
            self.oldPasswordEdit.hide()
        self._fields: dict[str, QWidget] = {"password": self.newPasswordEdit}
        for edit in (self.oldPasswordEdit, self.newPasswordEdit, self.newPasswordAgainEdit):
            edit.textChanged.connect(self._refresh)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._refresh()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Ok)

    def _refresh(self) -> None:
        old_ok = self._username is not None or self._current is not None or bool(self.oldPasswordEdit.text())
        self.ok_button.setEnabled(old_ok and bool(self.newPasswordEdit.text() and self.newPasswordAgainEdit.text()))

    def accept(self) -> None:
        new = self.newPasswordEdit.text()
        if new != self.newPasswordAgainEdit.text():
            _show_problems(self.problemLabel, self._fields, [Problem("password_mismatch", {"field": "password"})])
            return
        try:
            if self._username is None:
                old = self._current if self._current is not None else self.oldPasswordEdit.text()
                change_password(self._ws, old, new)
            else:
                reset_password(self._ws, self._username, new)
        except ValidationError as exc:
            _show_problems(self.problemLabel, self._fields, exc.problems)
            return
        except (ServiceError, StoreError) as exc:
            _show_problems(self.problemLabel, self._fields, [])
            self.problemLabel.setText(error_text(exc))
            if getattr(exc, "code", "") == "wrong_password":
                self.oldPasswordEdit.clear()
                self.oldPasswordEdit.setFocus()
            return
        super().accept()
