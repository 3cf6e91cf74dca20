"""The idle lock: input anywhere keeps the window open; idle time covers it until the password is typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.services.accounts import idle_lock_minutes, sign_in
from desktop.services.workspace import Workspace
from desktop.ui.app import Session
from desktop.ui.enterprise_dialog import EnterpriseDialog
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui

OpenWindow = Callable[[Workspace], MainWindow]
Typist = Callable[[QWidget, str], None]


def idle_until_locked(qtbot: QtBot, window: MainWindow) -> None:
    window.idle.set_interval_ms(30)
    with qtbot.waitSignal(window.idle.idle, timeout=5000):
        pass
    window.idle.set_minutes(10)  # once unlocked, not again during the test


def unlock_with(qtbot: QtBot, window: MainWindow, password: str) -> None:
    screen = window.lock_screen
    qtbot.keyClicks(screen.passwordEdit, password)
    qtbot.mouseClick(screen.unlockButton, Qt.MouseButton.LeftButton)


def last_actions(ws: Workspace, n: int) -> list[str]:
    return [e["action"] for e in ws.store.audit_entries(n)][::-1]


def test_the_default_is_ten_minutes(open_window: OpenWindow, workspace: Workspace) -> None:
    window = open_window(workspace)
    assert idle_lock_minutes(workspace) == 10
    assert window.idle.interval_ms == 10 * 60_000 and window.idle.active


def test_typing_and_clicking_anywhere_count_as_activity(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, typist: Typist
) -> None:
    window = open_window(workspace)
    before = window.idle.last_input
    qtbot.keyClicks(window.searchEdit, "91")
    assert window.idle.last_input > before
    before = window.idle.last_input
    typist(window.searchEdit, "长白山")  # Chinese arrives through the input method, not as key presses
    assert window.idle.last_input > before
    before = window.idle.last_input
    qtbot.mouseClick(window.navList.viewport(), Qt.MouseButton.LeftButton)
    assert window.idle.last_input > before


def test_idle_time_hides_the_content_and_only_the_right_password_brings_it_back(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, enterprises: list[Any]
) -> None:
    window = open_window(workspace)
    dialog = window.open_enterprise_dialog(enterprises[0].id)  # personal data on screen
    assert dialog.isVisible()
    idle_until_locked(qtbot, window)

    assert window.is_locked
    assert not window.enterpriseTable.isVisible() and not window.navList.isVisible()
    assert not dialog.isVisible()
    screen = window.lock_screen
    assert screen.isVisible()
    assert "金经办（经办人）" in screen.lockInfo.text() and "没有操作" in screen.lockInfo.text()
    assert not window.idle.active

    unlock_with(qtbot, window, "not-the-password")
    assert window.is_locked and not window.enterpriseTable.isVisible()
    assert screen.problemLabel.text() == "密码不对，请重新输入。"
    assert screen.passwordEdit.text() == ""

    unlock_with(qtbot, window, PASSWORD)
    assert not window.is_locked
    assert window.enterpriseTable.isVisible() and dialog.isVisible()
    assert window.idle.active
    assert last_actions(workspace, 2) == ["user.unlock_failed", "user.unlock"]
    dialog.reject()


def test_a_dialog_closed_while_locked_is_not_shown_again(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)
    dialog = window.open_enterprise_dialog(None)
    window.lock("已手动锁定")
    dialog.reject()
    unlock_with(qtbot, window, PASSWORD)
    assert not window.is_locked and not dialog.isVisible()


def test_control_l_locks_at_once(qtbot: QtBot, open_window: OpenWindow, workspace: Workspace) -> None:
    window = open_window(workspace)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window.searchEdit, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    assert "已手动锁定" in window.lock_screen.lockInfo.text()
    unlock_with(qtbot, window, PASSWORD)


def test_switch_user_from_the_lock_screen_signs_in_someone_else(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)
    window.lock()
    switched: list[Workspace] = []
    window.user_switched.connect(switched.append)
    qtbot.mouseClick(window.lock_screen.switchUserButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(LoginDialog)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "切换用户"
    dialog.usernameEdit.setText("approver")
    dialog.passwordEdit.setText(PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [other] = switched
    try:
        assert other.actor.username == "approver" and other is not workspace
    finally:
        other.close()


def test_the_session_reopens_the_window_for_the_new_user(qtbot: QtBot, office_db: Path) -> None:
    session = Session(sign_in(office_db, "clerk", PASSWORD))
    first = session.window
    first.show()
    first.lock()
    try:
        first.user_switched.emit(sign_in(office_db, "approver", PASSWORD))
        assert session.window is not first and session.window.isVisible()
        assert not first.isVisible()
        assert session.workspace.actor.username == "approver"
        assert not session.window.is_locked
        assert session.window.settings.currentUserValue.text() == "朴科长（审核人）"
    finally:
        session.close()


def test_quit_from_the_lock_screen_closes_the_window(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)
    window.lock()
    qtbot.mouseClick(window.lock_screen.quitButton, Qt.MouseButton.LeftButton)
    assert not window.isVisible()


def test_background_results_wait_for_the_unlock(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)
    window.lock()
    task = window.start_backup("manual")
    qtbot.waitUntil(lambda: window.tasks.held == 1)
    assert window.backup_label.text() == "尚未备份"  # nothing changes behind the lock screen
    unlock_with(qtbot, window, PASSWORD)
    assert task.done and window.backup_label.text().startswith("上次备份：")


def test_an_admin_sets_the_minutes(qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace) -> None:
    window = open_window(admin_ws)
    window.settings.idleSpin.setValue(5)
    qtbot.waitUntil(lambda: idle_lock_minutes(admin_ws) == 5)
    assert window.idle.interval_ms == 5 * 60_000
    assert admin_ws.store.audit_entries(1)[0]["action"] == "settings.idle_lock"


def test_a_dialog_of_another_window_is_left_alone(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    window.lock()
    assert other.isVisible()
    unlock_with(qtbot, window, PASSWORD)


def test_enterprise_dialog_is_a_window_of_its_own(open_window: OpenWindow, workspace: Workspace) -> None:
    """What the lock hides: dialogs are separate top-level windows owned by the main window."""
    window = open_window(workspace)
    dialog = window.open_enterprise_dialog(None)
    assert isinstance(dialog, EnterpriseDialog) and dialog.isWindow() and dialog.parentWidget() is window
    dialog.reject()
