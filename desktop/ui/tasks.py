"""Work off the GUI thread, one way (after Anki's QueryOp/CollectionOp and Orange's TaskState).

::

    self.tasks.run(import_roster, path, ws_factory=opener(self._ws), label=self.tr("正在导入名册…"),
                   parent=self, cancellable=True).success(self._imported).failure(self._not_imported)

A task is a plain function that never touches a widget.  Given ``ws_factory``
it is called as ``fn(ws, state, *args)`` with a Workspace that the worker
opened itself (an SQLite connection must not cross threads) and closes when
the function returns; without one, as ``fn(state, *args)``.  Database tasks
run one after another on a single worker thread, so their writes never race;
other tasks (reading a file, drawing a letter) run on a small pool.

The function reports through ``state.progress(done, total, text)`` (sent on
at most every 0.1 s) and looks at ``state.cancelled`` now and then, or calls
``state.check()``, which raises :class:`Cancelled`.  A task that returns after
a cancel was asked for has still done its work, and that is what is reported.

Its result, its exception or its cancellation arrive on the GUI thread as
signals of the :class:`Task`, where the callbacks given to ``.success()``,
``.failure()`` and ``.on_cancel()`` run.  Callbacks attached right after
``run()`` are always in time: results go through the GUI's event loop.  A
failure without a callback is shown: StoreError/ServiceError as their Chinese
message, anything else as a bug (report file and dialog).

Tasks that must share one connection (an import's preview stages its rows
in a TEMP table that the commit then copies) take ``ws_factory=kept``, where
``kept = runner.keep_workspace(ws)``: the worker opens that Workspace once and
keeps it for each such task until ``runner.release(kept)`` closes it there.

A task with a ``label`` gets a window-modal dialog (the label, a bar, 取消 when
it is cancellable) only if it is still running after 600 ms: quick work shows
nothing (Anki's ProgressManager).  Tasks without a label run quietly.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from enum import Enum
from typing import Any, Final

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QPushButton, QWidget

from desktop.services.workspace import Workspace
from desktop.ui.errors import show_exception
from desktop.ui.forms import load_form

DIALOG_DELAY_MS: Final = 600
PROGRESS_INTERVAL_S: Final = 0.1
OTHER_WORKERS: Final = 2

WorkspaceFactory = Callable[[], Workspace]


def _alive(callback: Callable[..., Any]) -> bool:
    """False for a method of a widget that is gone (a dialog closed before its task ended)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class Cancelled(Exception):
    """Raised inside a task (or by ``state.check()``) to stop early; reported as cancelled, not failed."""


class Outcome(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class KeptWorkspace:
    """A worker-side Workspace opened on first use and kept across tasks (see the module's docstring)."""

    def __init__(self, factory: WorkspaceFactory) -> None:
        self._factory = factory
        self._ws: Workspace | None = None
        self.released = False

    @property
    def is_open(self) -> bool:
        return self._ws is not None

    def __call__(self) -> Workspace:
        if self._ws is None:
            self._ws = self._factory()
        return self._ws

    def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.close()


def opener(ws: Workspace) -> WorkspaceFactory:
    """A factory for the worker: the same file, as the same (already signed-in) user, a new connection.

    Read on the GUI thread when the task is submitted, so a later change of
    user cannot leak into a task that was already asked for.
    """
    path, actor = ws.store.path, ws.actor
    return lambda: Workspace.open(path, actor)


class TaskState:
    """What a running task sees: the cancel flag and a throttled progress report."""

    def __init__(self, report: Callable[[int, int, str], None], interval: float = PROGRESS_INTERVAL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._cancel = threading.Event()
        self._report = report
        self._interval = interval
        self._clock = clock
        self._last: float | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Stop here (raise Cancelled) when the clerk has asked to cancel."""
        if self._cancel.is_set():
            raise Cancelled

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        """``done`` of ``total`` (0: unknown), with what is being done; sent on at most every 0.1 s and at the end."""
        now = self._clock()
        if self._last is not None and now - self._last < self._interval and not (total and done >= total):
            return
        self._last = now
        self._report(done, total, text)


class _Relay(QObject):
    """Signals the worker threads emit; received on the GUI thread (queued)."""

    started = Signal(int)
    progressed = Signal(int, object, object, str)
    finished = Signal(int, str, object)


class Task(QObject):
    """One piece of background work, as the GUI thread sees it."""

    progressed = Signal(object, object, str)  # done, total, text (throttled)
    succeeded = Signal(object)  # the function's result
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # after any of the three, once the callbacks have run

    def __init__(self, label: str | None, parent_widget: QWidget | None, cancellable: bool,
                 report: Callable[[int, int, str], None]) -> None:
        super().__init__()  # no Qt parent: the runner (and whoever asked) hold it
        self.label = label
        self.parent_widget = parent_widget
        self.cancellable = cancellable
        self.state = TaskState(report)
        self.outcome = Outcome.QUEUED
        self.result: Any = None
        self.error: BaseException | None = None
        self.dialog: ProgressDialog | None = None
        self.progress_seen: tuple[int, int, str] = (0, 0, "")
        self.uses_database = False
        self._on_success: list[Callable[[Any], None]] = []
        self._on_failure: list[Callable[[BaseException], None]] = []
        self._on_cancel: list[Callable[[], None]] = []
        self._future: Future[None] | None = None
        self.dialog_timer = QTimer(self)
        self.dialog_timer.setSingleShot(True)

    # -- what the caller attaches ------------------------------------------------
    def success(self, callback: Callable[[Any], None]) -> Task:
        self._on_success.append(callback)
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Task:
        """Handle the error yourself (else it is shown: message or bug report)."""
        self._on_failure.append(callback)
        return self

    def on_cancel(self, callback: Callable[[], None]) -> Task:
        self._on_cancel.append(callback)
        return self

    @property
    def done(self) -> bool:
        return self.outcome in (Outcome.SUCCEEDED, Outcome.FAILED, Outcome.CANCELLED)

    def cancel(self) -> None:
        """Ask the task to stop; one that has not started yet never will."""
        if self.done:
            return
        self.state.cancel()
        if self._future is not None and self._future.cancel():  # still in the queue
            self._finish(Outcome.CANCELLED, None)
        elif self.dialog is not None:
            self.dialog.cancelling()

    # -- called by the runner on the GUI thread ------------------------------------
    def _finish(self, outcome: Outcome, payload: Any) -> None:
        if self.done:
            return
        self.dialog_timer.stop()
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog = None
        self.outcome = outcome
        if outcome is Outcome.SUCCEEDED:
            self.result = payload
            for callback in self._on_success:
                if _alive(callback):
                    callback(payload)
            self.succeeded.emit(payload)
        elif outcome is Outcome.FAILED:
            self.error = payload
            if self._on_failure:
                for on_failure in self._on_failure:
                    if _alive(on_failure):
                        on_failure(payload)
            else:
                parent = self.parent_widget
                show_exception(parent if parent is not None and shiboken6.isValid(parent) else None, payload)
            self.failed.emit(payload)
        else:
            for on_cancel in self._on_cancel:
                if _alive(on_cancel):
                    on_cancel()
            self.cancelled.emit()
        self.finished.emit()


def _execute(relay: _Relay, task_id: int, state: TaskState, fn: Callable[..., Any], args: tuple[Any, ...],
             ws_factory: WorkspaceFactory | None) -> None:
    """Runs on a worker thread: touches no widget and no connection of the GUI thread."""
    outcome, payload = Outcome.SUCCEEDED, None
    try:
        if state.cancelled:
            raise Cancelled
        relay.started.emit(task_id)
        if ws_factory is None:
            payload = fn(state, *args)
        else:
            ws = ws_factory()
            try:
                payload = fn(ws, state, *args)
            finally:
                if not isinstance(ws_factory, KeptWorkspace):
                    ws.close()
    except Cancelled:
        outcome, payload = Outcome.CANCELLED, None
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread, a native panic too
        outcome, payload = Outcome.FAILED, exc
    try:
        relay.finished.emit(task_id, outcome.value, payload)
    except RuntimeError:  # the window is gone (shutdown waits, so only in a broken teardown)
        pass


class TaskRunner(QObject):
    """Runs tasks for one window; see the module's docstring."""

    def __init__(self, parent: QObject | None = None, *, dialog_delay_ms: int = DIALOG_DELAY_MS) -> None:
        super().__init__(parent)
        self.dialog_delay_ms = dialog_delay_ms
        self._relay = _Relay(self)
        self._relay.started.connect(self._started)
        self._relay.progressed.connect(self._progressed)
        self._relay.finished.connect(self._finished)
        # One thread for the database: its tasks queue and never overlap.
        self._database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="laoxie-db")
        self._other = ThreadPoolExecutor(max_workers=OTHER_WORKERS, thread_name_prefix="laoxie-task")
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}
        self._held: list[tuple[int, Outcome, Any]] | None = None
        self._kept: list[KeptWorkspace] = []
        self._closed = False

    def run(
        self, fn: Callable[..., Any], *args: Any, ws_factory: WorkspaceFactory | None = None,
        label: str | None = None, parent: QWidget | None = None, cancellable: bool = False,
    ) -> Task:
        """Queue ``fn`` (see the module's docstring); the Task to attach callbacks to."""
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        task_id = next(self._ids)
        relay = self._relay

        def report(done: int, total: int, text: str) -> None:
            relay.progressed.emit(task_id, done, total, text)

        task = Task(label, parent, cancellable, report)
        task.uses_database = ws_factory is not None
        self._tasks[task_id] = task
        task.finished.connect(lambda: self._tasks.pop(task_id, None))
        if label is not None:
            task.dialog_timer.setInterval(self.dialog_delay_ms)
            task.dialog_timer.timeout.connect(lambda: self._show_dialog(task))
            task.dialog_timer.start()
        executor = self._database if ws_factory is not None else self._other
        task._future = executor.submit(_execute, relay, task_id, task.state, fn, args, ws_factory)  # noqa: SLF001
        return task

    def keep_workspace(self, ws: Workspace) -> KeptWorkspace:
        """A ``ws_factory`` whose Workspace (same file, same user) stays open for its tasks until :meth:`release`."""
        kept = KeptWorkspace(opener(ws))
        self._kept = [k for k in self._kept if not k.released or k.is_open]  # forget those closed already
        self._kept.append(kept)
        return kept

    def release(self, kept: KeptWorkspace) -> None:
        """Close a kept Workspace on the database worker, after the tasks queued before."""
        kept.released = True  # shutdown() closes it should the worker not get to it
        if self._closed:
            kept.close()
        else:
            self._database.submit(kept.close)

    # -- state --------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Tasks asked for whose result has not been delivered yet."""
        return len(self._tasks)

    @property
    def held(self) -> int:
        """Finished tasks waiting for hold_results(False)."""
        return len(self._held or [])

    def database_busy(self) -> bool:
        """A database task is queued or running (the automatic backup waits for its next turn)."""
        return any(t.uses_database and not t.done for t in self._tasks.values())

    # -- the idle lock: keep results (and new dialogs) until the user is back ----------
    def hold_results(self, hold: bool) -> None:
        """While held, finished tasks wait with their callbacks, and no new dialog appears."""
        if hold:
            if self._held is None:
                self._held = []
            return
        held, self._held = self._held or [], None
        for task_id, outcome, payload in held:
            self._deliver(task_id, outcome, payload)
        for task in list(self._tasks.values()):
            if task.label is not None and not task.done and task.dialog is None and not task.dialog_timer.isActive():
                self._show_dialog(task)

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()

    def shutdown(self) -> None:
        """Cancel what is queued, ask running tasks to stop, and wait for them (the window is closing)."""
        if self._closed:
            return
        self._closed = True
        self.cancel_all()
        self._database.shutdown(wait=True, cancel_futures=True)
        self._other.shutdown(wait=True, cancel_futures=True)
        for kept in self._kept:  # the worker has stopped: close them here
            kept.close()
        self._kept.clear()
        for task in list(self._tasks.values()):
            task.dialog_timer.stop()
            if task.dialog is not None:
                task.dialog.finish()
                task.dialog = None
        self._tasks.clear()

    # -- from the workers (queued onto the GUI thread) ------------------------------------
    @Slot(int)
    def _started(self, task_id: int) -> None:
        task = self._tasks.get(task_id)
        if task is not None and task.outcome is Outcome.QUEUED:
            task.outcome = Outcome.RUNNING

    @Slot(int, object, object, str)
    def _progressed(self, task_id: int, done: int, total: int, text: str) -> None:
        task = self._tasks.get(task_id)
        if task is None or task.done:
            return
        task.progress_seen = (done, total, text)
        if task.dialog is not None:
            task.dialog.show_progress(done, total, text)
        task.progressed.emit(done, total, text)

    @Slot(int, str, object)
    def _finished(self, task_id: int, outcome: str, payload: object) -> None:
        if self._held is not None:
            self._held.append((task_id, Outcome(outcome), payload))
            return
        self._deliver(task_id, Outcome(outcome), payload)

    def _deliver(self, task_id: int, outcome: Outcome, payload: Any) -> None:
        task = self._tasks.get(task_id)
        if task is not None:
            task._finish(outcome, payload)  # noqa: SLF001

    def _show_dialog(self, task: Task) -> None:
        if task.done or task.dialog is not None or self._held is not None or self._closed:
            return
        parent = task.parent_widget
        dialog = ProgressDialog(task, parent if parent is not None and shiboken6.isValid(parent) else None)
        task.dialog = dialog
        dialog.show_progress(*task.progress_seen)
        dialog.open()


class ProgressDialog(QDialog):
    """Shown for a task that is still running after the delay; closes itself when it ends."""

    # From forms/progress_dialog.ui (load_form sets them).
    taskLabel: QLabel
    progressBar: QProgressBar
    detailLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, task: Task, parent: QWidget | None) -> None:
        super().__init__(parent)
        load_form("progress_dialog", self)
        self._task = task
        self._finished = False
        self.taskLabel.setText(task.label or "")
        self.detailLabel.setText("")
        self.progressBar.setRange(0, 0)  # busy until a total is known
        self.cancel_button.setVisible(task.cancellable)
        self.buttonBox.rejected.connect(self._task.cancel)
        if task.state.cancelled:
            self.cancelling()

    @property
    def cancel_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Cancel)

    def show_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            # QProgressBar counts in int: scale totals past 2**31 down.
            scale = max(1, total // 1_000_000)
            self.progressBar.setRange(0, total // scale)
            self.progressBar.setValue(min(done, total) // scale)
        if text:
            self.detailLabel.setText(text)

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("正在取消…"))

    def finish(self) -> None:
        self._finished = True
        self.done(QDialog.DialogCode.Accepted)
        self.deleteLater()

    def reject(self) -> None:
        """Esc or the window's close button: a request to cancel, never a way to hide a running task."""
        if self._finished:
            super().reject()
        elif self._task.cancellable:
            self._task.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._finished:
            super().closeEvent(event)
            return
        event.ignore()
        self.reject()
