"""Start-up time as the clerk feels it: from the process starting to the first paint.

With LAOXIE_EXIT_AFTER_PAINT=1 the window prints ``first-paint <seconds>``
right after it has painted once, then quits (the start-up bench and the
bundle's self-test use it).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Final

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

EXIT_AFTER_PAINT: Final = "LAOXIE_EXIT_AFTER_PAINT"

# Fallback where the operating system cannot say when the process started.
_IMPORTED_AT: Final = time.time()


def seconds_since_process_start() -> float:
    """Wall-clock seconds since the operating system started this process."""
    try:
        if sys.platform.startswith("linux"):
            return _linux_process_age()
        if sys.platform == "win32":
            return _windows_process_age()
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    return time.time() - _IMPORTED_AT


def _linux_process_age() -> float:
    stat = Path("/proc/self/stat").read_text()
    # Field 22 is the start time in clock ticks after boot; the command name
    # (field 2, in parentheses) may contain spaces, so count after it.
    start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def _windows_process_age() -> float:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    created, exited, kernel, user, now = (wintypes.FILETIME() for _ in range(5))
    if not kernel32.GetProcessTimes(kernel32.GetCurrentProcess(), ctypes.byref(created),
                                    ctypes.byref(exited), ctypes.byref(kernel), ctypes.byref(user)):
        raise OSError("GetProcessTimes failed")
    kernel32.GetSystemTimeAsFileTime(ctypes.byref(now))

    def ticks(value: wintypes.FILETIME) -> int:  # 100 ns units
        return (value.dwHighDateTime << 32) | value.dwLowDateTime

    return (ticks(now) - ticks(created)) / 1e7


class _QuitAfterFirstPaint(QObject):
    """Prints "first-paint <seconds>" once the window has painted, then quits."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        print(f"first-paint {seconds_since_process_start():.3f}", flush=True)
        QApplication.quit()


def quit_after_first_paint(window: QWidget) -> None:
    window.installEventFilter(_QuitAfterFirstPaint(window))
