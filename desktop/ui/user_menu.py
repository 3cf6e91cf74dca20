"""The 用户 menu and toolbar of the main window: 切换用户, 退出登录, 锁定 (Ctrl+L) and 修改密码.

The window does the work (``lock``, ``open_switch_user_dialog``, ``sign_out``);
this module only offers it where a clerk looks for it, with the shortcut shown.
While the window is locked the menu and the toolbar are disabled: only the lock
screen's own buttons act.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar


if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class UserActions(QObject):
    """The actions, the 用户 menu and the toolbar; made once per window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.switch_user = QAction(self.tr("切换用户…"), window)
        self.switch_user.setStatusTip(self.tr("另一位用户登录，本窗口随之换成他的"))
        self.switch_user.triggered.connect(window.open_switch_user_dialog)
        self.sign_out = QAction(self.tr("退出登录"), window)
        self.sign_out.setStatusTip(self.tr("结束当前用户的工作，回到登录窗口"))
        self.sign_out.triggered.connect(window.sign_out)
        self.lock = QAction(self.tr("锁定"), window)
        self.lock.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_L))
        self.lock.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock.setStatusTip(self.tr("暂时离开：隐藏窗口内容，输入密码后继续"))
        self.lock.triggered.connect(lambda: window.lock(self.tr("已手动锁定")))
        self.change_password = QAction(self.tr("修改密码…"), window)
        self.change_password.setStatusTip(self.tr("修改当前用户自己的登录密码"))
        self.change_password.triggered.connect(window.settings.open_password_dialog)

        self.menu: QMenu = window.menuBar().addMenu(self.tr("用户(&U)"))
        self.menu.addAction(self.change_password)
        self.menu.addSeparator()
        self.menu.addActions([self.lock, self.switch_user, self.sign_out])
        self.toolbar: QToolBar = window.addToolBar(self.tr("用户"))
        self.toolbar.setObjectName("userToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.lock, self.switch_user, self.sign_out])
        for action in (self.lock, self.switch_user, self.sign_out):  # the shortcut in the toolbar's tooltip too
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.statusTip()}（{shortcut}）" if shortcut else action.statusTip())

    def set_locked(self, locked: bool) -> None:
        """Locked: nothing in the menu or the toolbar acts (the lock screen offers 切换用户 and 退出)."""
        self._window.menuBar().setEnabled(not locked)
        self.toolbar.setEnabled(not locked)
        for action in (self.switch_user, self.sign_out, self.lock, self.change_password):
            action.setEnabled(not locked)
