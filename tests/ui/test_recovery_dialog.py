"""从备份恢复 at sign-in: a damaged, unreadable or foreign file is not a dead end (issue 11, item 2)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services.accounts import sign_in
from desktop.ui.app import run_gui
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.recovery_dialog import RecoveryDialog
from tests.conftest import PASSWORD
from tests.services.test_recovery import damaged_office, garbage_header, table_pages_overwritten

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _quit_after_first_paint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAOXIE_EXIT_AFTER_PAINT", "1")
    monkeypatch.delenv("LAOXIE_USER", raising=False)
    monkeypatch.delenv("LAOXIE_PASSWORD", raising=False)


@pytest.fixture
def informed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, _title, text, *_a: said.append(text) or QMessageBox.StandardButton.Ok)
    return said


def _with_an_older_backup(backup: Path) -> Path:
    older = backup.parent / "office-20200105-093000-auto.sqlite3"
    shutil.copyfile(backup, older)  # a closed backup file, no connection open on it
    return older


def test_a_damaged_file_offers_the_backups_and_restores_after_confirmation(
    office_db: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, message_boxes, informed: list[str]
) -> None:
    backup, db = damaged_office(office_db)
    older = _with_an_older_backup(backup)
    garbage_header(db)
    damaged_bytes = db.read_bytes()
    seen: dict[str, object] = {}

    def restore_as_admin(dialog: RecoveryDialog) -> int:
        qtbot.addWidget(dialog)
        table = dialog.backupTable
        seen["rows"] = [table.item(r, 0).toolTip() for r in range(table.rowCount())]
        seen["contents"] = table.item(0, 3).text()
        seen["chain"] = table.item(0, 4).text()
        assert not dialog.ok_button.isEnabled()  # no admin given yet
        qtbot.keyClicks(dialog.usernameEdit, "admin")
        qtbot.keyClicks(dialog.passwordEdit, "wrong-password")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen["wrong"] = dialog.resultLabel.text()
        assert dialog.result() != QDialog.DialogCode.Accepted and db.read_bytes() == damaged_bytes
        qtbot.keyClicks(dialog.passwordEdit, PASSWORD)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(RecoveryDialog, "exec", restore_as_admin)
    assert run_gui(db) == 0  # the window opened on the restored file
    assert seen["rows"] == [str(backup), str(older)]  # newest first
    assert seen["contents"] == "企业 3 家，职工 0 人次，申请 0 件，确认书 0 份"
    assert str(seen["chain"]).endswith("…") and "条，末条" in str(seen["chain"])
    assert seen["wrong"] == "用户名或密码不对。"
    assert len(message_boxes.asked) == 2  # each attempt is confirmed first
    assert all("不会删除" in question and str(db) in question for _title, question in message_boxes.asked)
    [summary] = informed
    kept = [p for p in db.parent.iterdir() if p.name.startswith("office.sqlite3.damaged-") and "-wal" not in p.name
            and "-shm" not in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes and str(kept[0]) in summary
    with sign_in(db, "admin", PASSWORD) as ws:
        assert ws.store.count_enterprises(ws.office.id) == 3
        assert ws.store.audit_entries(5)[1]["action"] == "db.restore"  # then the window's sign-in


def test_declining_the_confirmation_changes_nothing(
    office_db: Path, qtbot: QtBot, message_boxes
) -> None:
    backup, db = damaged_office(office_db)
    garbage_header(db)
    before = sorted(p.name for p in db.parent.iterdir())
    message_boxes.answer = QMessageBox.StandardButton.Cancel
    from desktop.store import StoreError

    dialog = RecoveryDialog(db, StoreError("not_a_database", path=db), username="admin")
    qtbot.addWidget(dialog)
    assert dialog.usernameEdit.text() == "admin" and [b.path for b in dialog.backups] == [backup]
    qtbot.keyClicks(dialog.passwordEdit, PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.recovered is None and len(message_boxes.asked) == 1
    assert sorted(p.name for p in db.parent.iterdir()) == before


def test_a_file_that_breaks_at_sign_in_offers_recovery_from_the_sign_in_dialog(
    office_db: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, message_boxes, informed: list[str]
) -> None:
    backup, db = damaged_office(office_db)
    table_pages_overwritten(db, "audit_log")  # opens, but signing in reads the log

    def sign_in_as_clerk(dialog: LoginDialog) -> int:
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.usernameEdit, "admin")
        qtbot.keyClicks(dialog.passwordEdit, PASSWORD)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    def restore(dialog: RecoveryDialog) -> int:
        qtbot.addWidget(dialog)
        assert dialog.usernameEdit.text() == ""  # the sign-in dialog's name is not assumed to be an admin's
        assert "不是劳协数据库，或已损坏" in dialog.problemLabel.text()
        qtbot.keyClicks(dialog.usernameEdit, "admin")
        qtbot.keyClicks(dialog.passwordEdit, PASSWORD)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", sign_in_as_clerk)
    monkeypatch.setattr(RecoveryDialog, "exec", restore)
    assert run_gui(db) == 0
    # The tables are named as the office knows them, not by their names in the file.
    [unread] = [line for line in informed[0].splitlines() if line.startswith("未能完整读出的表：")]
    assert "操作日志" in unread and not re.search(r"[A-Za-z]", unread)
    with sign_in(db, "admin", PASSWORD) as ws:
        assert ws.store.count_enterprises(ws.office.id) == 3
