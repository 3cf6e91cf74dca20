"""Backups, restore and the database check from the window (all through the background runner)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services import backups
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.ui.backup_dialogs import CheckDialog, RestoreDialog, last_backup, size_text
from desktop.ui.main_window import MainWindow
from tests.ui.conftest import draft

pytestmark = pytest.mark.gui

OpenWindow = Callable[[Workspace], MainWindow]


def test_status_bar_says_when_there_is_no_backup_yet(open_window: OpenWindow, workspace: Workspace) -> None:
    window = open_window(workspace)
    assert window.backup_label.text() == "尚未备份"
    assert "#b3261e" in window.backup_label.styleSheet()
    assert window.settings.lastBackupValue.text() == "尚未备份"
    assert "#b3261e" in window.settings.lastBackupValue.styleSheet()


def test_backup_now_makes_a_verified_file_and_updates_the_status_bar(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)  # a clerk may back up
    assert window.settings.backupNowButton.isEnabled()
    qtbot.mouseClick(window.settings.backupNowButton, Qt.MouseButton.LeftButton)
    assert not window.settings.backupNowButton.isEnabled()  # until this one is done
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("上次备份："))
    qtbot.waitUntil(window.settings.backupNowButton.isEnabled)
    [made] = backups.list_backups(backups.backup_folder(workspace))
    assert made.reason == "manual" and made.path.stat().st_size > 0
    assert window.backup_label.text() == f"上次备份：{made.taken_at:%m-%d %H:%M}"
    assert window.backup_label.styleSheet() == ""
    assert str(made.path) in window.backup_label.toolTip()
    assert window.settings.lastBackupValue.text() == (
        f"{made.taken_at:%m-%d %H:%M}　{made.path}（{size_text(made.size)}，已校验）")
    assert window.statusbar.currentMessage().startswith("已备份并校验：")


def test_the_timer_backs_up_automatically_only_when_due(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace
) -> None:
    window = open_window(workspace)
    task = window.check_backup_due()  # never backed up: due
    assert task is not None and task.label is None  # quiet: no progress dialog for the automatic one
    with qtbot.waitSignal(task.finished):
        pass
    assert [b.reason for b in backups.list_backups(backups.backup_folder(workspace))] == ["auto"]
    assert window.backup_label.text().startswith("上次备份：")
    assert window.check_backup_due() is None  # nothing changed since


def test_an_automatic_backup_that_fails_says_so_in_the_status_bar(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, message_boxes: Any, tmp_path: Path
) -> None:
    window = open_window(workspace)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be", encoding="utf-8")
    with workspace.store.transaction():  # as an admin would have set it
        workspace.store.set_setting("backup.folder", str(blocked))
    task = window.start_backup("auto")
    with qtbot.waitSignal(task.finished):
        pass
    assert task.error is not None
    assert window.backup_label.text() == "尚未备份（自动备份失败）"
    assert window.backup_label.toolTip().startswith("备份到")
    assert f"{blocked} 不是可用的文件夹" in window.backup_label.toolTip()
    assert message_boxes.shown == []  # no box every few minutes, and no bug report


def test_backup_folders_are_chosen_by_an_admin_and_a_missing_stick_is_noticed(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, stick = tmp_path / "backups", tmp_path / "usb"
    folder.mkdir()
    stick.mkdir()
    window = open_window(admin_ws)
    settings = window.settings
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(folder))
    qtbot.mouseClick(settings.backupFolderButton, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(stick))
    qtbot.mouseClick(settings.secondFolderButton, Qt.MouseButton.LeftButton)
    assert (settings.backupFolderEdit.text(), settings.secondFolderEdit.text()) == (str(folder), str(stick))
    assert (backups.backup_folder(admin_ws), backups.second_folder(admin_ws)) == (folder, stick)

    task = window.start_backup("manual")
    with qtbot.waitSignal(task.succeeded):
        pass
    made = task.result
    assert made.path.parent == folder and (stick / made.path.name).exists()
    assert "不可用" not in window.backup_label.text()

    shutil.rmtree(stick)  # the stick was pulled out
    task = window.start_backup("before-export")
    with qtbot.waitSignal(task.succeeded):
        pass
    assert window.backup_label.text().endswith("（第二备份文件夹不可用）")
    assert "U 盘" in window.backup_label.toolTip()

    qtbot.mouseClick(settings.clearSecondButton, Qt.MouseButton.LeftButton)
    assert backups.second_folder(admin_ws) is None and settings.secondFolderEdit.text() == ""


def test_a_clerk_may_not_restore_nor_choose_folders(open_window: OpenWindow, workspace: Workspace) -> None:
    settings = open_window(workspace).settings
    assert not settings.restoreButton.isEnabled()
    assert settings.restoreButton.toolTip() == "当前用户（经办人）无权从备份恢复数据库"
    for button in (settings.backupFolderButton, settings.secondFolderButton, settings.idleSpin):
        assert not button.isEnabled()
        assert button.toolTip() == "当前用户（经办人）无权修改本单位设置"
    assert settings.backupNowButton.isEnabled() and settings.checkButton.isEnabled()


def test_restore_lists_backups_newest_first_and_brings_back_the_old_data(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, message_boxes: Any
) -> None:
    made = backups.make_backup(admin_ws, "manual")  # before any enterprise
    older = made.path.with_name(made.path.name.replace(f"{made.taken_at:%Y%m%d-%H%M%S}-manual",
                                                       "20250101-080000-before-import"))
    shutil.copyfile(made.path, older)
    add_enterprise(admin_ws, draft(1))
    window = open_window(admin_ws)
    assert window.model.total == 1

    qtbot.mouseClick(window.settings.restoreButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(RestoreDialog)
    assert dialog is not None and dialog.isVisible()
    table = dialog.backupTable
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert [r[1] for r in rows] == ["手动", "导入前"]  # newest first, reasons in Chinese
    assert rows[0][0] == f"{made.taken_at:%Y-%m-%d %H:%M:%S}" and rows[1][0] == "2025-01-01 08:00:00"
    assert rows[0][2].endswith("KB") or rows[0][2].endswith("MB")
    assert dialog.selected() == dialog.backups[0]

    with qtbot.waitSignal(window.settings.restored):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [(_title, question)] = message_boxes.asked
    assert "恢复之前会先把现在的数据另存为一份“恢复前”备份" in question
    assert window.model.total == 0 and window.model.rowCount() == 0  # the window queried again
    assert window.enterpriseCountLabel.text() == "共 0 家企业"
    reasons = [b.reason for b in backups.list_backups(backups.backup_folder(admin_ws))]
    assert "before-restore" in reasons
    assert admin_ws.store.audit_entries(1)[0]["action"] == "db.restore"
    done = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert len(done) == 1 and "恢复之前的数据另存为" in done[0].text()
    # What came back and that the accounts came back with it (a password changed since no longer works).
    assert str(made.path) in done[0].text() and "用户和密码" in done[0].text()
    done[0].close()


def test_declining_the_confirmation_changes_nothing(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, message_boxes: Any
) -> None:
    backups.make_backup(admin_ws, "manual")
    add_enterprise(admin_ws, draft(1))
    window = open_window(admin_ws)
    dialog = window.settings.open_restore_dialog()
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    dialog.accept()
    assert dialog.isVisible() and dialog.chosen is None  # still choosing
    dialog.reject()
    assert window.model.total == 1 and window.tasks.pending == 0


def test_restore_from_another_file(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, message_boxes: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    made = backups.make_backup(admin_ws, "manual", to=stick)
    add_enterprise(admin_ws, draft(1))
    window = open_window(admin_ws)
    dialog = window.settings.open_restore_dialog()
    assert dialog.backupTable.rowCount() == 0 and dialog.emptyLabel.isVisible()
    assert not dialog.ok_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(made.path), ""))
    with qtbot.waitSignal(window.settings.restored):
        qtbot.mouseClick(dialog.otherFileButton, Qt.MouseButton.LeftButton)
    assert str(made.path) in message_boxes.asked[0][1]
    assert window.model.total == 0
    for box in window.findChildren(QMessageBox):
        box.close()


def test_check_database_finds_nothing_then_finds_a_changed_log_entry(
    qtbot: QtBot, open_window: OpenWindow, workspace: Workspace, office_db: Path,
    enterprises: list[Any],
) -> None:
    window = open_window(workspace)
    task = window.settings.check_database()
    assert task.label == "正在检查数据库…"
    with qtbot.waitSignal(task.finished):
        pass
    dialog = window.findChild(CheckDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.summaryLabel.text() == "未发现问题" and "#1e7d32" in dialog.summaryLabel.styleSheet()
    assert "操作日志逐条核对" in dialog.checkedLabel.text() and "数据库文件的完整性" in dialog.checkedLabel.text()
    assert dialog.findings() == [] and dialog.findingsList.isHidden()
    tip = workspace.store.audit_chain_tip()  # the fingerprint to write down: newest entry, start of its hash
    assert f"{tip[0]}:{tip[1][:4]}-{tip[1][4:8]}-{tip[1][8:12]}" in dialog.fingerprintLabel.text()
    dialog.close()

    raw = sqlite3.connect(office_db)
    raw.execute("DROP TRIGGER audit_log_no_update")
    entry = raw.execute("SELECT id FROM audit_log WHERE action = 'enterprise.create' ORDER BY id").fetchone()[0]
    raw.execute("UPDATE audit_log SET username = 'mallory' WHERE id = ?", (entry,))
    raw.commit()
    raw.close()

    qtbot.mouseClick(window.settings.checkButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(CheckDialog)))
    [dialog] = [d for d in window.findChildren(CheckDialog) if d.isVisible()]
    assert dialog.summaryLabel.text() == "发现 2 个问题" and "#b3261e" in dialog.summaryLabel.styleSheet()
    assert dialog.findings() == [f"操作日志第 {entry} 条在程序之外被改动过", "保护数据的触发器 audit_log_no_update 被删除了"]
    assert dialog.adviceLabel.text()
    dialog.close()


def test_the_last_backup_as_people_read_it() -> None:
    from datetime import datetime

    now = datetime(2026, 11, 24, 20, 0)
    never = last_backup(None, now)
    assert (never.ok, never.status_text) == (False, "尚未备份")
    last = last_backup({"at": "2026-11-24T19:30:05", "path": "/b/x.sqlite3", "size": 2_500_000}, now)
    assert (last.ok, last.status_text, last.when) == (True, "上次备份：11-24 19:30", "11-24 19:30")
    assert last.detail == "/b/x.sqlite3（2.4 MB，已校验）"
    assert last_backup({"at": "2025-12-31T08:00:00", "path": "", "size": 10}, now).status_text == (
        "上次备份：2025-12-31 08:00")


def test_restoring_a_backup_older_than_ones_own_account_asks_to_sign_in_again(
    qtbot: QtBot, open_window: OpenWindow, admin_ws: Workspace, office_db: Path, message_boxes: Any
) -> None:
    """Walked: a second admin restored a backup made before his account; the window went on as 'Boss（管理员）'
    with every right, though the restored file has no such user (he could add users, disable others…)."""
    from desktop.core.office import Role
    from desktop.services.accounts import add_user, sign_in
    from tests.conftest import PASSWORD

    made = backups.make_backup(admin_ws, "manual")  # before boss existed
    add_user(admin_ws, "boss", Role.ADMIN, PASSWORD, "Boss", temporary=False)
    boss = sign_in(office_db, "boss", PASSWORD)
    try:
        window = open_window(boss)
        with qtbot.waitSignal(window.settings.restored):
            window.settings.restore(made.path)
        [box] = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert "boss" in box.text() and "重新登录" in box.text()
        with qtbot.waitSignal(window.signed_out):  # once the message is read, the sign-in comes back
            box.accept()
    finally:
        boss.close()
