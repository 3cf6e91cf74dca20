"""The 用户 menu and toolbar (issue 12 item 3): 切换用户, 退出登录, 锁定 (Ctrl+L), 修改密码; the admin's
重设密码 gives a temporary password, and a first sign-in with one forces the change (issue 11 item 5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.office import Role
from desktop.services.accounts import add_user, list_users, sign_in
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui import app as app_module
from desktop.ui.app import Session
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.user_dialogs import PasswordDialog, UsersDialog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui

OpenWindow = Callable[[Workspace], MainWindow]
OWN_PASSWORD = "hailan-river-7"


def click(qtbot: QtBot, window: MainWindow, action: QAction) -> None:
    """Click the action's button in the toolbar, as a clerk does."""
    button = window.user_actions.toolbar.widgetForAction(action)
    assert button is not None and button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def menu_texts(window: MainWindow) -> list[tuple[str, str]]:
    menu = window.user_actions.menu
    return [(a.text(), a.shortcut().toString()) for a in menu.actions() if not a.isSeparator()]


def actions(ws: Workspace, n: int) -> list[str]:
    return [e["action"] for e in ws.store.audit_entries(n)][::-1]


def sign_in_through(qtbot: QtBot, dialog: LoginDialog, user: str, password: str) -> None:
    dialog.usernameEdit.setText(user)
    dialog.passwordEdit.setText(password)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_the_menu_and_the_toolbar_offer_the_user_actions(open_window: OpenWindow, workspace: Workspace) -> None:
    window = open_window(workspace)
    assert window.user_actions.menu.title() == "用户(&U)"
    assert menu_texts(window) == [("修改密码…", ""), ("锁定", "Ctrl+L"), ("切换用户…", ""), ("退出登录", "")]
    toolbar = window.user_actions.toolbar
    assert [a.text() for a in toolbar.actions()] == ["锁定", "切换用户…", "退出登录"]
    assert window.user_actions.lock.toolTip().endswith("（Ctrl+L）")


def test_lock_from_the_toolbar_disables_the_menu_until_unlocked(
        qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> None:
    window = open_window(workspace)
    click(qtbot, window, window.user_actions.lock)
    assert window.is_locked and "已手动锁定" in window.lock_screen.lockInfo.text()
    assert not window.menuBar().isEnabled() and not window.user_actions.toolbar.isEnabled()
    assert not window.user_actions.change_password.isEnabled()  # nothing but the lock screen acts
    qtbot.keyClicks(window.lock_screen.passwordEdit, PASSWORD)
    qtbot.mouseClick(window.lock_screen.unlockButton, Qt.MouseButton.LeftButton)
    assert not window.is_locked and window.menuBar().isEnabled() and window.user_actions.lock.isEnabled()


def test_switch_user_from_the_toolbar(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> None:
    window = open_window(workspace)
    switched: list[Workspace] = []
    window.user_switched.connect(switched.append)
    click(qtbot, window, window.user_actions.switch_user)
    dialog = window.findChild(LoginDialog)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "切换用户"
    sign_in_through(qtbot, dialog, "approver", PASSWORD)
    [other] = switched
    try:
        assert other.actor.username == "approver"
    finally:
        other.close()


def test_sign_out_returns_to_the_sign_in_and_the_next_user_gets_a_window(qtbot: QtBot, office_db: Path) -> None:
    session = Session(sign_in(office_db, "clerk", PASSWORD))
    first = session.window
    assert first is not None
    first.show()
    try:
        click(qtbot, first, first.user_actions.sign_out)
        assert session.window is None and not first.isVisible()
        login = session.login
        assert login is not None and login.isVisible() and login.usernameEdit.text() == ""
        sign_in_through(qtbot, login, "approver", PASSWORD)
        assert session.window is not None and session.window.isVisible()
        assert session.workspace is not None and session.workspace.actor.username == "approver"
        entries = [e for e in session.workspace.store.audit_entries(10) if e["action"].startswith("user.")]
        assert [(e["action"], e["username"]) for e in entries[:2]] == [("user.login", "approver"),
                                                                       ("user.logout", "clerk")]
    finally:
        session.close()


def test_cancelling_the_sign_in_after_sign_out_ends_the_session(qtbot: QtBot, office_db: Path) -> None:
    session = Session(sign_in(office_db, "clerk", PASSWORD))
    assert session.window is not None
    session.window.show()
    try:
        session.window.user_actions.sign_out.trigger()
        assert session.login is not None
        with qtbot.waitSignal(session.ended):
            session.login.reject()
        assert session.window is None and session.workspace is None
    finally:
        session.close()


def test_change_password_from_the_menu(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace,
                                       office_db: Path) -> None:
    window = open_window(workspace)
    window.user_actions.change_password.trigger()
    dialog = window.findChild(PasswordDialog)
    assert dialog is not None and dialog.isVisible() and not dialog.oldPasswordEdit.isHidden()
    dialog.oldPasswordEdit.setText(PASSWORD)
    dialog.newPasswordEdit.setText(OWN_PASSWORD)
    dialog.newPasswordAgainEdit.setText(OWN_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.statusbar.currentMessage() == "密码已修改"
    assert actions(workspace, 1) == ["user.password"]
    sign_in(office_db, "clerk", OWN_PASSWORD).close()


def generate_button(dialog: QDialog) -> QWidget:
    [button] = [b for b in dialog.buttonBox.buttons() if b.text() == "生成临时密码"]  # type: ignore[attr-defined]
    return button


def test_admin_resets_a_password_and_the_first_sign_in_forces_a_change(
        qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, office_db: Path) -> None:
    window = open_window(admin_ws)
    qtbot.mouseClick(window.settings.usersButton, Qt.MouseButton.LeftButton)
    users = window.findChild(UsersDialog)
    assert users is not None
    users.select("clerk")
    qtbot.mouseClick(users.resetPasswordButton, Qt.MouseButton.LeftButton)
    reset = users.findChild(PasswordDialog)
    assert reset is not None and reset.windowTitle() == "重设密码" and "下次登录时须改" in reset.introLabel.text()
    qtbot.mouseClick(generate_button(reset), Qt.MouseButton.LeftButton)
    temporary = reset.newPasswordEdit.text()
    assert len(temporary) == 14 and reset.newPasswordAgainEdit.text() == temporary
    assert reset.newPasswordEdit.echoMode() == QLineEdit.EchoMode.Normal  # to read it out
    with qtbot.waitSignal(reset.accepted):
        qtbot.mouseClick(reset.ok_button, Qt.MouseButton.LeftButton)
    row = users.usernames().index("clerk")
    assert users.userTable.item(row, 3).text() == "在用（待改密码）"
    assert actions(admin_ws, 1) == ["user.password_reset"]
    users.reject()

    login = LoginDialog("延吉市就业服务局", lambda name, secret: sign_in(office_db, name, secret))
    qtbot.addWidget(login)
    login.show()
    sign_in_through(qtbot, login, "clerk", temporary)
    forced = login.password_dialog
    assert forced is not None and forced.isVisible() and login.isVisible()
    assert forced.windowTitle() == "请设置自己的密码" and forced.oldPasswordEdit.isHidden()
    forced.reject()  # not now: not signed in
    assert login.workspace is None and login.problemLabel.text() == "须先设置自己的密码才能登录。"

    sign_in_through(qtbot, login, "clerk", temporary)
    forced = login.password_dialog
    assert forced is not None
    forced.newPasswordEdit.setText(temporary)
    forced.newPasswordAgainEdit.setText(temporary)
    qtbot.mouseClick(forced.ok_button, Qt.MouseButton.LeftButton)
    assert forced.problemLabel.text() == "新密码不能与原密码相同" and login.workspace is None
    forced.newPasswordEdit.setText(OWN_PASSWORD)
    forced.newPasswordAgainEdit.setText(OWN_PASSWORD)
    with qtbot.waitSignal(login.accepted):
        qtbot.mouseClick(forced.ok_button, Qt.MouseButton.LeftButton)
    ws = login.workspace
    assert ws is not None
    try:
        assert ws.actor.username == "clerk" and not ws.must_change_password
    finally:
        ws.close()
    with pytest.raises(ServiceError):
        sign_in(office_db, "clerk", temporary).close()
    assert not next(u for u in list_users(admin_ws) if u.username == "clerk").must_change_password


def test_a_new_users_first_sign_in_from_the_environment_asks_in_the_dialog(
        admin_ws: Workspace, office_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add_user(admin_ws, "newbie", Role.CLERK, "first pw 2026")
    monkeypatch.setenv("LAOXIE_USER", "newbie")
    monkeypatch.setenv("LAOXIE_PASSWORD", "first pw 2026")
    shown: list[str] = []

    def refuse(dialog: LoginDialog) -> int:
        shown.append(dialog.problemLabel.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(LoginDialog, "exec", refuse)
    assert app_module.run_gui(office_db) == 0
    assert shown == ["请登录并设置自己的密码。"]
