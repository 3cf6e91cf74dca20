"""用户管理 and 修改我的密码: what each role is offered, and that the changes reach the accounts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.core.office import Role
from desktop.services.accounts import list_users, sign_in
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.main_window import MainWindow
from desktop.ui.user_dialogs import PasswordDialog, UserDialog, UsersDialog
from desktop.ui.widgets import PROBLEM_PROPERTY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui

OpenWindow = Callable[[Workspace], MainWindow]
Typist = Callable[[QWidget, str], None]
NEW_PASSWORD = "hailan-river-7"


def users_dialog(qtbot: QtBot, window: MainWindow) -> UsersDialog:
    qtbot.mouseClick(window.settings.usersButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(UsersDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_a_clerk_is_offered_neither_user_management_nor_the_log(
    open_window: OpenWindow, workspace: Workspace
) -> None:
    settings = open_window(workspace).settings
    assert not settings.usersButton.isEnabled()
    assert settings.usersButton.toolTip() == "当前用户（经办人）无权管理用户"
    assert not settings.auditButton.isEnabled()
    assert settings.auditButton.toolTip() == "当前用户（经办人）无权查看操作日志"
    assert settings.changePasswordButton.isEnabled()  # everyone changes their own
    assert settings.currentUserValue.text() == "金经办（经办人）"


def test_an_approver_reads_the_log_but_does_not_manage_users(
    open_window: OpenWindow, approver_ws: Workspace
) -> None:
    settings = open_window(approver_ws).settings
    assert settings.auditButton.isEnabled() and not settings.usersButton.isEnabled()
    assert not settings.restoreButton.isEnabled()


def test_admin_adds_a_user_who_can_then_sign_in(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, office_db: Path, typist: Typist
) -> None:
    window = open_window(admin_ws)
    dialog = users_dialog(qtbot, window)
    assert dialog.usernames() == ["admin", "approver", "clerk"]
    table = dialog.userTable
    assert [table.item(1, c).text() for c in range(4)] == ["approver", "朴科长", "审核人", "在用"]

    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    add = dialog.findChild(UserDialog)
    assert add is not None and add.isVisible()
    assert [add.roleCombo.itemText(i) for i in range(add.roleCombo.count())] == ["经办人", "审核人", "管理员"]
    typist(add.usernameEdit, "jinming")
    typist(add.displayNameEdit, "金明")
    add.roleCombo.setCurrentIndex(1)
    typist(add.passwordEdit, NEW_PASSWORD)
    typist(add.passwordAgainEdit, NEW_PASSWORD + "x")
    qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert add.isVisible() and add.problemLabel.text() == "两次输入的密码不一致"
    assert add.passwordEdit.property(PROBLEM_PROPERTY)

    add.passwordAgainEdit.clear()
    typist(add.passwordAgainEdit, NEW_PASSWORD)
    with qtbot.waitSignal(add.accepted):
        qtbot.mouseClick(add.ok_button, Qt.MouseButton.LeftButton)
    assert "jinming" in dialog.usernames()
    assert dialog.selected() is not None and dialog.selected().username == "jinming"
    with sign_in(office_db, "jinming", NEW_PASSWORD) as ws:
        assert ws.actor.role is Role.APPROVER and ws.actor.display_name == "金明"
    dialog.reject()


def test_a_refused_user_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace
) -> None:
    dialog = users_dialog(qtbot, open_window(admin_ws))
    add = dialog.open_add_dialog()
    add.usernameEdit.setText("clerk")  # taken
    add.passwordEdit.setText(NEW_PASSWORD)
    add.passwordAgainEdit.setText(NEW_PASSWORD)
    add.accept()
    assert add.isVisible() and add.problemLabel.text() == "用户名已存在：clerk"
    add.usernameEdit.setText("li")
    add.passwordEdit.setText("short")
    add.passwordAgainEdit.setText("short")
    add.accept()
    assert add.problemLabel.text() == "密码至少需要 8 个字符" and add.passwordEdit.property(PROBLEM_PROPERTY)
    add.reject()
    dialog.reject()


def test_admin_changes_a_role_disables_and_enables_a_user(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, office_db: Path
) -> None:
    dialog = users_dialog(qtbot, open_window(admin_ws))
    dialog.select("clerk")
    [to_approver] = [a for a in dialog.role_menu.actions() if a.text() == "设为审核人"]
    assert [a.isEnabled() for a in dialog.role_menu.actions()] == [False, True, True]  # already a clerk
    to_approver.trigger()
    assert dialog.user("clerk").role is Role.APPROVER

    assert dialog.activeButton.text() == "停用"
    qtbot.mouseClick(dialog.activeButton, Qt.MouseButton.LeftButton)
    assert not dialog.user("clerk").active and dialog.activeButton.text() == "启用"
    assert dialog.userTable.item(dialog.usernames().index("clerk"), 3).text() == "已停用"
    with pytest.raises(ServiceError) as refused:
        sign_in(office_db, "clerk", PASSWORD)
    assert refused.value.code == "account_disabled"
    qtbot.mouseClick(dialog.activeButton, Qt.MouseButton.LeftButton)
    sign_in(office_db, "clerk", PASSWORD).close()
    dialog.reject()


def test_admin_cannot_demote_or_disable_themselves(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace
) -> None:
    dialog = users_dialog(qtbot, open_window(admin_ws))
    dialog.select("admin")
    assert not dialog.roleButton.isEnabled() and not dialog.activeButton.isEnabled()
    assert "另一位管理员" in dialog.activeButton.toolTip()
    assert dialog.resetPasswordButton.isEnabled()
    dialog.reject()


def test_a_refusal_of_the_service_is_shown_in_the_dialog(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace
) -> None:
    dialog = users_dialog(qtbot, open_window(admin_ws))
    dialog.select("admin")
    dialog.set_role(Role.CLERK)  # the buttons are disabled; the service is the last word anyway
    assert dialog.problemLabel.text() == "不能停用或降级最后一位管理员。"
    assert dialog.user("admin").role is Role.ADMIN
    dialog.reject()


def test_admin_resets_a_password(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, office_db: Path
) -> None:
    dialog = users_dialog(qtbot, open_window(admin_ws))
    dialog.select("clerk")
    qtbot.mouseClick(dialog.resetPasswordButton, Qt.MouseButton.LeftButton)
    reset = dialog.findChild(PasswordDialog)
    assert reset is not None and reset.isVisible() and reset.windowTitle() == "重设密码"
    assert reset.oldPasswordEdit.isHidden() and "clerk" in reset.introLabel.text()
    reset.newPasswordEdit.setText(NEW_PASSWORD)
    reset.newPasswordAgainEdit.setText(NEW_PASSWORD)
    with qtbot.waitSignal(reset.accepted):
        qtbot.mouseClick(reset.ok_button, Qt.MouseButton.LeftButton)
    sign_in(office_db, "clerk", NEW_PASSWORD).close()
    dialog.reject()


def test_a_clerk_changes_their_own_password(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, office_db: Path
) -> None:
    window = open_window(workspace)
    qtbot.mouseClick(window.settings.changePasswordButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(PasswordDialog)
    assert dialog is not None and dialog.isVisible() and not dialog.oldPasswordEdit.isHidden()
    assert not dialog.ok_button.isEnabled()
    dialog.oldPasswordEdit.setText("not-my-password")
    dialog.newPasswordEdit.setText(NEW_PASSWORD)
    dialog.newPasswordAgainEdit.setText(NEW_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.problemLabel.text() == "原密码不对，密码未修改。"
    assert dialog.oldPasswordEdit.text() == ""
    dialog.oldPasswordEdit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.statusbar.currentMessage() == "密码已修改"
    sign_in(office_db, "clerk", NEW_PASSWORD).close()
    assert [u.username for u in list_users(workspace)] == ["admin", "approver", "clerk"]
