"""Starting the window: first run, sign-in, and errors that must not become tracebacks."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from desktop.core.office import Role
from desktop.services.accounts import sign_in
from desktop.services.workspace import window_lock
from desktop.store import StoreError
from desktop.ui import app as app_module
from desktop.ui.app import run_gui
from desktop.ui.first_paint import seconds_since_process_start
from desktop.ui.compat import keep_none_alive
from desktop.ui.errors import excepthook
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.recovery_dialog import RecoveryDialog
from desktop.ui.setup_dialog import SetupDialog
from desktop.ui.widgets import select_data

pytestmark = pytest.mark.gui

PASSWORD = "yanji-2026!"  # tests/conftest.py's users
ADMIN_PASSWORD = "tumen-river-9"


@pytest.fixture(autouse=True)
def _quit_after_first_paint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAOXIE_EXIT_AFTER_PAINT", "1")
    monkeypatch.delenv("LAOXIE_USER", raising=False)
    monkeypatch.delenv("LAOXIE_PASSWORD", raising=False)


def refuse_dialog(monkeypatch: pytest.MonkeyPatch, dialog_class: type[QDialog]) -> None:
    monkeypatch.setattr(dialog_class, "exec", lambda self: pytest.fail(f"{dialog_class.__name__} shown"))


def test_a_newer_database_gives_a_message_not_a_crash(
    office_db: Path, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(office_db) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    refuse_dialog(monkeypatch, LoginDialog)
    assert run_gui(office_db) == 1
    [(title, text)] = message_boxes.shown
    assert title == "劳协"
    assert "更新版本" in text and "第 99 版" in text


def test_a_file_that_is_not_a_database_gives_a_message(
    tmp_path: Path, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.sqlite3"
    path.write_bytes(b"PK\x03\x04 not a database")
    refuse_dialog(monkeypatch, SetupDialog)
    offered: list[str] = []

    def cancel(dialog: RecoveryDialog) -> int:  # 从备份恢复 is offered; the clerk closes it
        offered.append(dialog.problemLabel.text())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(RecoveryDialog, "exec", cancel)
    assert run_gui(path) == 0
    assert len(offered) == 1 and "不是劳协数据库" in offered[0]
    assert path.read_bytes() == b"PK\x03\x04 not a database"


def test_cancelling_the_first_run_creates_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SetupDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert run_gui(db_path) == 0
    assert not db_path.exists()


def test_first_run_sets_up_then_opens_the_window_as_admin(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fill_and_accept(dialog: SetupDialog) -> int:
        select_data(dialog.countyCombo, "222403")
        dialog.officeNameEdit.setText("敦化市就业服务局")
        dialog.prefixEdit.setText("敦化人社劳协确")
        dialog.passwordEdit.setText(ADMIN_PASSWORD)
        dialog.passwordAgainEdit.setText(ADMIN_PASSWORD)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SetupDialog, "exec", fill_and_accept)
    assert run_gui(db_path) == 0
    assert capsys.readouterr().out.startswith("first-paint ")
    with sign_in(db_path, "admin", ADMIN_PASSWORD) as ws:
        assert (ws.office.code, ws.office.name) == ("222403", "敦化市就业服务局")
        assert ws.actor.role is Role.ADMIN


def test_sign_in_dialog_says_when_the_password_is_wrong(
    office_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    def two_attempts(dialog: LoginDialog) -> int:
        assert dialog.officeLabel.text() == "延吉市就业服务局"
        dialog.usernameEdit.setText("clerk")
        dialog.passwordEdit.setText("wrong-password")
        dialog.accept()
        seen.append(dialog.problemLabel.text())
        assert dialog.passwordEdit.text() == ""  # typed again, never kept
        dialog.passwordEdit.setText(PASSWORD)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(LoginDialog, "exec", two_attempts)
    assert run_gui(office_db) == 0
    assert seen == ["用户名或密码不对。"]
    assert "first-paint" in capsys.readouterr().out


def test_cancelling_sign_in_exits_quietly(office_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LoginDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert run_gui(office_db) == 0


def test_signs_in_from_the_environment_like_the_command_line(
    office_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LAOXIE_USER", "clerk")
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    refuse_dialog(monkeypatch, LoginDialog)
    assert run_gui(office_db) == 0
    seconds = float(capsys.readouterr().out.split()[1])
    assert 0 < seconds < 24 * 3600


def test_a_second_window_on_the_same_file_is_refused_without_touching_it(
    office_db: Path, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAOXIE_USER", "clerk")
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    refuse_dialog(monkeypatch, LoginDialog)
    first = window_lock(office_db)  # the window that is already open
    try:
        before = office_db.read_bytes()
        assert run_gui(office_db) == 1
        assert office_db.read_bytes() == before  # not even a sign-in was recorded
    finally:
        first.release()  # type: ignore[attr-defined]
    [(title, text)] = message_boxes.shown
    assert title == "劳协"
    assert text == f"数据库 {office_db} 已在另一个劳协窗口中打开（可能在本机或网络上的另一台电脑）。请使用已打开的窗口，或先关闭它。"


def test_the_window_holds_the_file_until_it_closes(
    office_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LAOXIE_USER", "clerk")
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    held: list[bool] = []

    def try_to_take(window: object) -> None:
        try:
            window_lock(office_db).release()  # type: ignore[attr-defined]
        except StoreError as exc:
            held.append(exc.code == "in_use")

    def quit_at_once(window: object) -> None:
        try_to_take(window)
        QTimer.singleShot(0, QApplication.quit)

    monkeypatch.setattr(app_module, "quit_after_first_paint", quit_at_once)
    assert run_gui(office_db) == 0
    assert held == [True]
    window_lock(office_db).release()  # type: ignore[attr-defined]  # free again once the window is gone


def test_a_bug_is_reported_to_a_file_and_a_dialog(
    qtbot: QtBot, tmp_path: Path, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.crash.log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(sys, "stderr", sys.stdout)  # the traceback is for developers; keep pytest quiet
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        excepthook(type(exc), exc, exc.__traceback__)
    [report] = (tmp_path / "logs").glob("crash-*.txt")
    assert "ZeroDivisionError" in report.read_text(encoding="utf-8")
    [(title, text)] = message_boxes.shown
    assert title == "程序错误"
    assert str(report) in text


def test_an_environment_error_in_a_slot_is_only_a_message(
    tmp_path: Path, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.crash.log_dir", lambda: tmp_path / "logs")
    error = StoreError("locked", path="office.sqlite3")
    excepthook(StoreError, error, None)
    assert message_boxes.shown == [("劳协", "数据库 office.sqlite3 正被另一个程序使用，请关闭另一个劳协窗口后重试。")]
    assert not (tmp_path / "logs").exists()


def test_process_age_is_measured_from_the_process_start() -> None:
    assert 0 < seconds_since_process_start() < 24 * 3600


def test_none_survives_qt_calls_that_return_it(qtbot: QtBot) -> None:
    keep_none_alive()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    before = sys.getrefcount(None)
    for _ in range(20_000):  # more than None's references at start-up on Python 3.11
        assert dialog.findChild(QDialog) is None
    assert sys.getrefcount(None) > 0 and before > 0


def test_true_survives_signals_emitted_from_python(qtbot: QtBot) -> None:
    keep_none_alive()
    dialog = QDialog()
    qtbot.addWidget(dialog)
    for _ in range(20_000):  # each emit() hands back True without a reference (PySide6 6.12)
        dialog.finished.emit(0)
    assert sys.getrefcount(True) > 0 and sys.getrefcount(False) > 0


def test_a_fresh_application_speaks_chinese() -> None:
    """create_app in its own process: Qt's own buttons are translated too."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop.ui.app import create_app\n"
        "app = create_app(sys.argv)\n"
        "from PySide6.QtCore import Qt\n"
        "print(app.applicationName(), app.windowIcon().isNull(),"
        " QCoreApplication.translate('QPlatformTheme', 'Cancel'),"
        " QCoreApplication.translate('QFileDialog', 'Look in:'),"
        " app.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs))\n"
        "from PySide6.QtWidgets import QFileDialog, QLabel\n"
        "dialog = QFileDialog(None, '选择名册文件')\n"
        "print(*[label.text() for label in dialog.findChildren(QLabel)],"
        " QCoreApplication.translate('QAbstractFileIconProvider', 'Folder'),"
        " QCoreApplication.translate('QFileDialog', '&Open'))\n"
        "from PySide6.QtCore import QDate, QLocale\n"
        "print(QLocale().toString(QDate(2026, 12, 4), QLocale.FormatType.ShortFormat))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8", timeout=60,
        cwd=Path(app_module.__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    # Qt's own file dialog (not GTK's, English on most machines) with Qt's Chinese texts
    native_off = str(sys.platform.startswith("linux"))
    first, second, date = done.stdout.splitlines()
    assert date == "2026/12/4"  # Qt's own dates in Chinese order too
    assert first.split() == ["laoxie", "False", "取消", "查找范围：", native_off]
    # its labels, which qtbase_zh_CN leaves in English, from our own texts (desktop/ui/qt_texts.py)
    assert second.split() == ["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)：", "文件夹", "打开(&O)"]
