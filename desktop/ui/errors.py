"""Two kinds of error, shown two ways.

Environment errors (a locked or newer database, a full disk) carry a
Chinese message that says what to do: they get a message box and nothing
else.  Anything else is a bug: the global excepthook writes a report to the
log folder and tells the clerk where it is, instead of a traceback.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.core.oserrors import os_reason
from desktop.crash import write_crash_report
from desktop.services.errors import ServiceError
from desktop.store import StoreError
from desktop.ui.text import error_text


def show_error(parent: QWidget | None, error: Exception) -> None:
    """A message box with what the clerk can do about an environment error."""
    QMessageBox.critical(parent, QCoreApplication.translate("errors", "劳协"), error_text(error))


def is_environment_error(error: BaseException) -> bool:
    """Errors of the world, not of the program: the clerk gets a message, not a bug report."""
    return isinstance(error, (StoreError, ServiceError, OSError))


def environment_text(error: BaseException) -> str:
    if isinstance(error, OSError) and not isinstance(error, (StoreError, ServiceError)):
        # A folder that cannot be written (a pulled USB stick, a network share, no permission).
        return QCoreApplication.translate("errors", "无法读写 {path}：{reason}。操作没有完成，已经保存的数据不受影响。").format(
            path=error.filename or "", reason=QCoreApplication.translate("problems", os_reason(error))
        )
    return error_text(error)  # type: ignore[arg-type]


def is_native_failure(error: BaseException) -> bool:
    """A native reader's panic (pyo3's PanicException) or another BaseException that is no Exception."""
    return not isinstance(error, (Exception, KeyboardInterrupt, SystemExit))


def native_failure_text() -> str:
    return QCoreApplication.translate(
        "errors", "文件中有无法识别的内容，读取它的组件出错，操作没有完成；已经保存的数据不受影响。请在 Excel 或 WPS 中打开该文件另存后重试。"
    )


def failure_text(error: BaseException) -> str:
    """One line about a failure handed back to a dialog that shows it itself: the Chinese message of an
    environment error, or for a bug its kind and where its report (with the original text) was saved."""
    if is_environment_error(error):
        return environment_text(error)
    report = write_crash_report(error)
    if is_native_failure(error):
        return native_failure_text()
    return QCoreApplication.translate("errors", "程序错误（{kind}），详细报告已保存到 {path}，请交给维护人员").format(
        kind=type(error).__name__, path=report)


def show_exception(parent: QWidget | None, error: BaseException) -> None:
    """An error handed back by background work: a message when the clerk can act on it, else a bug report."""
    if is_environment_error(error):
        QMessageBox.critical(parent, QCoreApplication.translate("errors", "劳协"), environment_text(error))
    elif is_native_failure(error):
        write_crash_report(error)  # the original, for the maintainers
        QMessageBox.critical(parent, QCoreApplication.translate("errors", "劳协"), native_failure_text())
    else:
        _report_bug(type(error), error, error.__traceback__, parent)


def _report_bug(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                parent: QWidget | None = None) -> None:
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    report = write_crash_report(exc)
    traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
    QMessageBox.critical(
        parent if parent is not None else QApplication.activeWindow(),
        QCoreApplication.translate("errors", "程序错误"),
        QCoreApplication.translate(
            "errors",
            # One literal: lupdate does not join implicitly concatenated strings.
            "劳协遇到了一个程序错误（{name}），刚才的操作可能没有完成；已经保存的数据不受影响。\n\n错误报告已保存到：\n{path}\n请把这个文件交给维护人员。",
        ).format(name=exc_type.__name__, path=report),
    )


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """For exceptions that escape a slot or event handler."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    try:
        if isinstance(exc, (StoreError, ServiceError)):
            show_error(QApplication.activeWindow(), exc)
        else:
            _report_bug(exc_type, exc, tb)
    except Exception:  # noqa: BLE001 - never let the hook itself fail silently
        sys.__excepthook__(exc_type, exc, tb)


@contextmanager
def excepthook_installed() -> Iterator[None]:
    """Use :func:`excepthook` while the window runs; put back the previous hook after."""
    previous = sys.excepthook
    sys.excepthook = excepthook
    try:
        yield
    finally:
        sys.excepthook = previous
