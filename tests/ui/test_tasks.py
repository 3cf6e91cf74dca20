"""The one way to run work in the background: results on the GUI thread, one database worker,
progress that does not flash, cancel, and the two kinds of failure."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.services.enterprises import count_enterprises
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.tasks import DIALOG_DELAY_MS, Cancelled, Outcome, ProgressDialog, TaskRunner, TaskState, opener

pytestmark = pytest.mark.gui

WAIT_S = 10  # the longest a worker in these tests waits for the test to let it go


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    widget.resize(400, 300)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_database_task_opens_its_own_connection_and_answers_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner, workspace: Workspace, enterprises: list[Any]
) -> None:
    seen: dict[str, Any] = {}

    def count(ws: Workspace, state: TaskState) -> int:
        seen["thread"] = threading.current_thread().name
        seen["ws"] = ws
        return count_enterprises(ws)

    results: list[tuple[int, str]] = []
    task = runner.run(count, ws_factory=opener(workspace))
    task.success(lambda n: results.append((n, threading.current_thread().name)))
    with qtbot.waitSignal(task.finished):
        pass
    assert results == [(4, threading.main_thread().name)]
    assert task.outcome is Outcome.SUCCEEDED and task.result == 4
    assert seen["thread"].startswith("laoxie-db")
    assert seen["ws"] is not workspace and seen["ws"].actor == workspace.actor
    with pytest.raises(sqlite3.ProgrammingError):  # closed by the runner once the task returned
        seen["ws"].store.conn.execute("SELECT 1")
    assert runner.pending == 0


def test_database_tasks_run_one_at_a_time_in_order(
    qtbot: QtBot, runner: TaskRunner, workspace: Workspace
) -> None:
    gate, started = threading.Event(), threading.Event()
    log: list[tuple[str, str]] = []

    def first(ws: Workspace, state: TaskState) -> None:
        log.append(("first starts", threading.current_thread().name))
        started.set()
        gate.wait(WAIT_S)
        log.append(("first ends", threading.current_thread().name))

    def second(ws: Workspace, state: TaskState) -> None:
        log.append(("second", threading.current_thread().name))

    runner.run(first, ws_factory=opener(workspace))
    later = runner.run(second, ws_factory=opener(workspace))
    assert started.wait(WAIT_S)
    assert runner.database_busy()
    assert [event for event, _ in log] == ["first starts"]  # the second waits its turn
    gate.set()
    with qtbot.waitSignal(later.finished):
        pass
    assert [event for event, _ in log] == ["first starts", "first ends", "second"]
    assert len({thread for _, thread in log}) == 1
    assert not runner.database_busy()


def test_other_work_does_not_wait_for_the_database(
    qtbot: QtBot, runner: TaskRunner, workspace: Workspace
) -> None:
    gate = threading.Event()
    blocker = runner.run(lambda ws, state: gate.wait(WAIT_S), ws_factory=opener(workspace))
    quick = runner.run(lambda state, text: text * 2, "延吉")
    with qtbot.waitSignal(quick.succeeded) as blocker_signal:
        pass
    assert blocker_signal.args == ["延吉延吉"]
    assert not blocker.done
    gate.set()
    with qtbot.waitSignal(blocker.finished):
        pass


def test_a_quick_task_shows_no_dialog(qtbot: QtBot, runner: TaskRunner, window: QWidget) -> None:
    task = runner.run(lambda state: "好了", label="正在检查…", parent=window)
    assert task.dialog_timer.isActive() and task.dialog_timer.interval() == DIALOG_DELAY_MS
    with qtbot.waitSignal(task.succeeded):
        pass
    assert task.dialog is None
    assert not task.dialog_timer.isActive()  # nothing left that could still show it
    assert not window.findChildren(ProgressDialog)


def test_a_long_task_shows_progress_and_stops_when_cancelled(
    qtbot: QtBot, runner: TaskRunner, window: QWidget
) -> None:
    tick = threading.Event()  # never set: each wait is a slice of pretend work
    rows_done: list[int] = []

    def import_rows(state: TaskState, total: int) -> int:
        for row in range(total):
            state.check()
            state.progress(row, total, f"第 {row + 1} 行")
            rows_done.append(row)
            tick.wait(0.002)
        return total

    cancelled: list[bool] = []
    task = runner.run(import_rows, 100_000, label="正在导入名册…", parent=window, cancellable=True)
    task.success(lambda _n: pytest.fail("the import should have been cancelled"))
    task.on_cancel(lambda: cancelled.append(True))
    with qtbot.waitSignal(task.progressed):
        pass
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5000)
    dialog = task.dialog
    assert dialog is not None
    assert dialog.taskLabel.text() == "正在导入名册…"
    assert dialog.isModal() and dialog.parentWidget() is window
    assert dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.progressBar.maximum() > 0)
    assert dialog.detailLabel.text().startswith("第 ")
    with qtbot.waitSignal(task.cancelled):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert cancelled == [True]
    assert task.outcome is Outcome.CANCELLED
    assert len(rows_done) < 100_000
    qtbot.waitUntil(lambda: not window.findChildren(ProgressDialog))


def test_escape_on_the_dialog_asks_to_cancel_and_never_hides_it(
    qtbot: QtBot, runner: TaskRunner, window: QWidget
) -> None:
    gate = threading.Event()
    task = runner.run(lambda state: gate.wait(WAIT_S), label="正在备份…", parent=window)  # not cancellable
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5000)
    dialog = task.dialog
    assert dialog is not None and not dialog.cancel_button.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and not task.state.cancelled
    gate.set()
    with qtbot.waitSignal(task.succeeded):
        pass
    assert not dialog.isVisible()


def test_progress_is_throttled() -> None:
    now = [0.0]
    reports: list[tuple[int, int, str]] = []
    state = TaskState(lambda *args: reports.append(args), interval=0.1, clock=lambda: now[0])
    for row in range(1, 1001):
        now[0] = row * 0.001  # a thousand rows in one second
        state.progress(row, 1000, "")
    assert len(reports) == 11  # the first, one per 0.1 s, and the last
    assert reports[0][0] == 1 and reports[-1][0] == 1000


def test_a_task_that_ignores_cancel_still_reports_its_result(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    gate = threading.Event()
    task = runner.run(lambda state: gate.wait(WAIT_S) and "已备份")
    qtbot.waitUntil(lambda: task.outcome is Outcome.RUNNING)
    task.cancel()
    gate.set()
    with qtbot.waitSignal(task.succeeded):
        pass
    assert task.result == "已备份"


def test_a_queued_task_that_is_cancelled_never_runs(
    qtbot: QtBot, runner: TaskRunner, workspace: Workspace
) -> None:
    gate = threading.Event()
    ran: list[str] = []
    first = runner.run(lambda ws, state: gate.wait(WAIT_S), ws_factory=opener(workspace))
    queued = runner.run(lambda ws, state: ran.append("queued"), ws_factory=opener(workspace))
    with qtbot.waitSignal(queued.cancelled):
        queued.cancel()
    gate.set()
    with qtbot.waitSignal(first.finished):
        pass
    assert ran == []


def test_a_service_error_comes_back_to_the_failure_callback(qtbot: QtBot, runner: TaskRunner) -> None:
    def refuse(state: TaskState) -> None:
        raise ServiceError("wrong_password")

    errors: list[BaseException] = []
    task = runner.run(refuse).failure(errors.append)
    with qtbot.waitSignal(task.failed):
        pass
    [error] = errors
    assert isinstance(error, ServiceError) and error.code == "wrong_password"
    assert task.outcome is Outcome.FAILED


def test_an_unhandled_service_error_shows_its_chinese_message(
    qtbot: QtBot, runner: TaskRunner, window: QWidget, message_boxes: Any
) -> None:
    def refuse(state: TaskState) -> None:
        raise ServiceError("wrong_password")

    task = runner.run(refuse, parent=window)
    with qtbot.waitSignal(task.finished):
        pass
    assert message_boxes.shown == [("劳协", "原密码不对，密码未修改。")]


def test_an_unhandled_bug_is_reported_to_a_file_and_a_dialog(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path, message_boxes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop.crash.log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(sys, "stderr", sys.stdout)

    def broken(state: TaskState) -> None:
        raise ZeroDivisionError("division by zero")

    task = runner.run(broken)
    with qtbot.waitSignal(task.finished):
        pass
    [report] = (tmp_path / "logs").glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "ZeroDivisionError" in text and "broken" in text  # the worker's traceback
    [(title, message)] = message_boxes.shown
    assert title == "程序错误" and str(report) in message


def test_a_connection_that_cannot_be_opened_is_a_failure(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    missing = tmp_path / "gone.sqlite3"
    errors: list[BaseException] = []
    task = runner.run(lambda ws, state: None, ws_factory=lambda: Workspace.open(missing)).failure(errors.append)
    with qtbot.waitSignal(task.finished):
        pass
    assert [getattr(e, "code", "") for e in errors] == ["missing"]


def test_held_results_wait_until_released(qtbot: QtBot, runner: TaskRunner) -> None:
    ran = threading.Event()
    results: list[str] = []
    runner.hold_results(True)
    task = runner.run(lambda state: ran.set() or "备份完成").success(results.append)
    assert ran.wait(WAIT_S)
    qtbot.waitUntil(lambda: runner.held == 1)
    assert results == [] and not task.done
    runner.hold_results(False)
    assert results == ["备份完成"] and task.done


def test_shutdown_stops_running_work_and_drops_queued_work(
    runner: TaskRunner, workspace: Workspace
) -> None:
    started = threading.Event()
    ran: list[str] = []

    def until_cancelled(ws: Workspace, state: TaskState) -> None:
        started.set()
        while not state.cancelled:
            threading.Event().wait(0.005)
        raise Cancelled

    runner.run(until_cancelled, ws_factory=opener(workspace))
    runner.run(lambda ws, state: ran.append("never"), ws_factory=opener(workspace))
    assert started.wait(WAIT_S)
    runner.shutdown()  # returns once the running task has stopped
    assert ran == [] and runner.pending == 0
    with pytest.raises(RuntimeError):
        runner.run(lambda state: None)
    QApplication.processEvents()


def test_a_kept_workspace_is_shared_by_its_tasks_until_released(qtbot: QtBot, runner: TaskRunner,
                                                                 workspace: Workspace) -> None:
    """An import's preview and commit need one connection (the staged rows live in it)."""
    kept = runner.keep_workspace(workspace)
    seen: list[int] = []

    def note(ws: Workspace, _state: TaskState) -> int:
        ws.store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS t (x)")
        ws.store.conn.execute("INSERT INTO t VALUES (1)")
        return int(ws.store.conn.execute("SELECT count(*) FROM t").fetchone()[0])

    for _ in range(3):
        with qtbot.waitSignal(runner.run(note, ws_factory=kept).finished, timeout=5000):
            pass
    runner.run(note, ws_factory=kept).success(seen.append)
    qtbot.waitUntil(lambda: seen == [4])  # one connection: its TEMP table kept growing
    assert kept.is_open
    runner.release(kept)
    qtbot.waitUntil(lambda: not kept.is_open)
    # Tasks with an ordinary opener still get a fresh connection each.
    fresh: list[int] = []
    for _ in range(2):
        runner.run(note, ws_factory=opener(workspace)).success(fresh.append)
    qtbot.waitUntil(lambda: fresh == [1, 1])


def test_shutdown_closes_a_kept_workspace(qtbot: QtBot, workspace: Workspace) -> None:
    runner = TaskRunner()
    kept = runner.keep_workspace(workspace)
    done: list[object] = []
    runner.run(lambda ws, _state: ws.office.code, ws_factory=kept).success(done.append)
    qtbot.waitUntil(lambda: bool(done))
    assert kept.is_open
    runner.shutdown()
    assert not kept.is_open
    runner.deleteLater()


def test_a_native_panic_in_a_task_becomes_a_chinese_message(
    qtbot: QtBot, runner: TaskRunner, window: QWidget, tmp_path: Path, message_boxes: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """python-calamine panics (pyo3 PanicException, a BaseException) on a date cell of -1e12."""
    import python_calamine

    from tests.roster_factory import panicking_xlsx

    monkeypatch.setattr("desktop.crash.log_dir", lambda: tmp_path / "logs")
    path = panicking_xlsx(tmp_path / "negative-date.xlsx")

    def read_raw(state: TaskState) -> list[Any]:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return list(book.get_sheet_by_index(0).iter_rows())

    task = runner.run(read_raw, parent=window)
    with qtbot.waitSignal(task.finished, timeout=WAIT_S * 1000):
        pass
    assert task.outcome is Outcome.FAILED
    assert not isinstance(task.error, Exception)  # it really was a panic, not an ordinary error
    [(title, message)] = message_boxes.shown
    assert title == "劳协" and "无法识别" in message and "Panic" not in message
    assert list((tmp_path / "logs").glob("crash-*.txt"))  # the original kept for the maintainers


def test_a_failure_shown_in_a_dialog_of_its_own_carries_no_library_english(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.ui.errors import failure_text

    monkeypatch.setattr("desktop.crash.log_dir", lambda: tmp_path / "logs")
    text = failure_text(ZeroDivisionError("division by zero"))
    [report] = (tmp_path / "logs").glob("crash-*.txt")
    assert "division by zero" not in text and str(report) in text
    assert "division by zero" in report.read_text(encoding="utf-8")  # the original, for the maintainers
    text = failure_text(FileNotFoundError(2, "No such file or directory", "/media/stick/x.age"))
    assert "No such file" not in text and "文件或文件夹不存在" in text and "/media/stick/x.age" in text
