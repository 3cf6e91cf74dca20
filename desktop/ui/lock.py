"""The idle lock: after some minutes without keyboard or mouse the window's
content is covered, and only the same user's password (or a full sign-in as
someone else) brings it back.  Rosters hold thousands of people's ID numbers;
an office PC is often left on while the clerk is away."""

from __future__ import annotations

import time
from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QPushButton, QWidget

from desktop.ui.forms import load_form
from desktop.ui.widgets import offer

MINUTE_MS: Final = 60_000
# Restarting a timer on every mouse move is wasted work: once a second is enough.
_RESTART_EVERY_S: Final = 1.0
_INPUT_EVENTS: Final = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.HoverMove, QEvent.Type.Wheel,
    QEvent.Type.InputMethod,  # Chinese typed through an input method arrives as this, not as key presses
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without input anywhere in the application."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(minutes * MINUTE_MS)
        self._timer.timeout.connect(self.idle)
        self._installed = False
        self._restarted = 0.0
        self.last_input = time.monotonic()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(minutes * MINUTE_MS)

    def set_interval_ms(self, interval_ms: int) -> None:
        was_active = self._timer.isActive()
        self._timer.setInterval(interval_ms)
        if was_active:
            self._timer.start()

    def start(self) -> None:
        """Watch the whole application's input (again), counting from now."""
        app = QCoreApplication.instance()
        if not self._installed and app is not None:
            app.installEventFilter(self)
            self._installed = True
        self._restarted = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        """While locked: nothing to count."""
        self._timer.stop()

    def uninstall(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
        self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            now = time.monotonic()
            self.last_input = now
            if now - self._restarted >= _RESTART_EVERY_S:
                self._restarted = now
                self._timer.start()
        return False


class LockScreen(QWidget):
    """What the window shows instead of its content while locked."""

    # From forms/lock_screen.ui (load_form sets them).
    lockPanel: QFrame
    lockTitle: QLabel
    lockInfo: QLabel
    passwordEdit: QLineEdit
    unlockButton: QPushButton
    problemLabel: QLabel
    switchUserButton: QPushButton
    quitButton: QPushButton

    unlock_requested = Signal(str)  # the password typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("lock_screen", self)
        self.unlockButton.clicked.connect(self._unlock)
        self.passwordEdit.returnPressed.connect(self._unlock)
        why = self.tr("请先输入密码")
        self.passwordEdit.textChanged.connect(lambda text: offer(self.unlockButton, bool(text), why))
        offer(self.unlockButton, False, why)

    def prepare(self, office: str, user: str, why: str) -> None:
        """``why``: "已有 10 分钟没有操作" or "已手动锁定"."""
        self.lockInfo.setText(
            self.tr("{office}\n当前用户：{user}\n{why}。为保护个人信息，窗口内容已隐藏。\n请输入密码继续，或换一位用户登录。").format(
                office=office, user=user, why=why
            )
        )
        self.problemLabel.setText("")
        self.passwordEdit.clear()
        self.passwordEdit.setFocus()

    def refuse(self, text: str) -> None:
        self.problemLabel.setText(text)
        self.passwordEdit.clear()
        self.passwordEdit.setFocus()

    def _unlock(self) -> None:
        if self.passwordEdit.text():
            self.unlock_requested.emit(self.passwordEdit.text())
