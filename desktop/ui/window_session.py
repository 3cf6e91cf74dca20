"""The main window keeps the office's data safe while it is open: automatic backups on a timer
(in the background) and the last good backup in the status bar, the idle lock that covers
everything until the user's password is typed again, switching user and signing out, and the
rows a `laoxie` command wrote beside the window. Part of :class:`desktop.ui.main_window.MainWindow`."""

from __future__ import annotations

from typing import Final

import shiboken6
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop.services import accounts, backups
from desktop.services.accounts import sign_in, verify_current_user
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.backup_dialogs import last_backup
from desktop.ui.errors import environment_text, is_environment_error, show_error, show_exception
from desktop.ui.events import Change
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.settings_page import Restored
from desktop.ui.tasks import Task, TaskState, opener
from desktop.ui.text import error_text, user_text
from desktop.ui.widgets import inform
from desktop.ui.window_enterprises import WindowEnterprises

PROBLEM_STYLE: Final = "color: #b3261e;"
WARNING_STYLE: Final = "color: #9a6700;"


def _make_backup(ws: Workspace, state: TaskState, reason: str) -> backups.Backup:
    return backups.make_backup(ws, reason)


class WindowSession(WindowEnterprises):
    user_switched = Signal(object)  # the Workspace of whoever signed in through 切换用户
    signed_out = Signal()  # 退出登录: the application asks who is next

    # -- backups -------------------------------------------------------------------------
    def check_backup_due(self) -> Task | None:
        """The timer's question: start an automatic backup when one is due and nothing else is running."""
        if self.tasks.database_busy():
            return None
        try:
            due = backups.backup_due(self._ws)
        except (StoreError, ServiceError):
            return None  # asked again at the next tick
        return self.start_backup("auto") if due else None

    def backup_now(self) -> Task:
        """立即备份: like the automatic one, with a progress dialog if it takes a while."""
        task = self.start_backup("manual", label=self.tr("正在备份数据库…"))
        return self.settings.busy_while(self.settings.backupNowButton, task)

    def start_backup(self, reason: str, *, label: str | None = None) -> Task:
        """A verified backup in the background; with a label a progress dialog may appear, without it runs quietly."""
        task = self.tasks.run(_make_backup, reason, ws_factory=opener(self._ws), label=label, parent=self)
        task.success(self._backup_made)
        if label is None:
            task.failure(self._auto_backup_failed)
        return task

    def _backup_made(self, made: backups.Backup) -> None:
        self._auto_backup_error = ""
        second = backups.second_folder(self._ws)
        self._mirror_missing = str(second) if second and not (second / made.path.name).exists() else ""
        self.refresh_backup_status()
        self.statusbar.showMessage(self.tr("已备份并校验：{path}").format(path=made.path), 5000)

    def _auto_backup_failed(self, error: BaseException) -> None:
        if not is_environment_error(error):
            show_exception(self, error)
            return
        self._auto_backup_error = environment_text(error)  # in the status bar, not a box every few minutes
        self.refresh_backup_status()

    def refresh_backup_status(self) -> None:
        last = last_backup(backups.last_good_backup(self._ws))
        status, long, tip = last.status_text, (f"{last.when}　{last.detail}" if last.ok else last.status_text), last.detail
        style = "" if last.ok else PROBLEM_STYLE
        warning = ""
        if self._auto_backup_error:
            warning, tip, style = self.tr("（自动备份失败）"), self._auto_backup_error, PROBLEM_STYLE
        elif last.ok and self._mirror_missing:
            warning, style = self.tr("（第二备份文件夹不可用）"), WARNING_STYLE
            tip += "\n" + self.tr("第二备份文件夹 {path} 找不到（U 盘没有插上？），这次只备份到了第一个文件夹。").format(
                path=self._mirror_missing)
        self.backup_label.setText(status + warning)
        self.backup_label.setToolTip(tip)
        self.backup_label.setStyleSheet(style)
        self.settings.show_last_backup(long + warning, tip, style)

    def _restored(self, result: Restored) -> None:
        self.events.tell(Change.EVERYTHING)
        self._show_office()
        box = inform(self, self.tr("从备份恢复"),
                     self.tr("已从备份 {backup} 恢复。全部数据回到备份时的样子，用户和密码也是：此后新加的用户、"
                             "改过的密码不再有效，请告诉同事。\n\n恢复之前的数据另存为：\n{path}").format(
                         backup=result.backup, path=result.safety_copy.path))
        if result.actor.user_id is None:  # the backup predates this account: nobody may go on as it
            box.setText(box.text() + "\n\n" + self.tr(
                "您的账号 {user} 不在这份备份里：请用备份里的管理员账号重新登录。").format(user=result.actor.username))
            box.finished.connect(self.signed_out)

    # -- the idle lock -----------------------------------------------------------------------
    def _idle(self) -> None:
        self.lock(self.tr("已有 {minutes} 分钟没有操作").format(minutes=self.idle.interval_ms // 60_000))

    def lock(self, why: str = "") -> None:
        """Cover the content (and hide this window's dialogs) until the password is typed again."""
        if self.is_locked:
            return
        self.is_locked = True
        self.user_actions.set_locked(True)
        self.idle.stop()
        self.tasks.hold_results(True)
        self._hidden_windows = [w for w in QApplication.topLevelWidgets()
                                if w is not self and w.isVisible() and self._owns(w)]
        for window in self._hidden_windows:
            if isinstance(window, QDialog):
                window.finished.connect(lambda _result, w=window: self._forget(w))
            window.hide()
        office = self._ws.office
        self.lock_screen.prepare(f"{office.name}（{office.code}）", user_text(self._ws.actor), why)
        self._central.setCurrentWidget(self.lock_screen)
        self.lock_screen.passwordEdit.setFocus()

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def _forget(self, widget: QWidget) -> None:
        if widget in self._hidden_windows:
            self._hidden_windows.remove(widget)

    def try_unlock(self, password: str) -> bool:
        try:
            ok = verify_current_user(self._ws, password)
        except (ServiceError, StoreError) as exc:
            self.lock_screen.refuse(error_text(exc))
            return False
        if not ok:
            self.lock_screen.refuse(self.tr("密码不对，请重新输入。"))
            return False
        self.unlock()
        return True

    def unlock(self) -> None:
        self._central.setCurrentIndex(0)
        self.is_locked = False
        self.user_actions.set_locked(False)
        self.lock_screen.passwordEdit.clear()
        self.tasks.hold_results(False)  # a dialog whose task ended meanwhile closes here
        self.show_changes_made_elsewhere()
        hidden, self._hidden_windows = self._hidden_windows, []
        for window in hidden:
            if shiboken6.isValid(window):
                window.show()
        self.idle.start()

    def open_switch_user_dialog(self) -> LoginDialog:
        """A full sign-in as someone else; the application then opens the window anew for that user."""
        path = self._ws.store.path
        dialog = LoginDialog(self._ws.office.name, lambda name, secret: sign_in(path, name, secret), parent=self)
        dialog.setWindowTitle(self.tr("切换用户"))
        dialog.accepted.connect(lambda: self.user_switched.emit(dialog.workspace))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def sign_out(self) -> None:
        """退出登录: recorded, then the application closes this window and shows the sign-in."""
        try:
            accounts.sign_out(self._ws)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)  # the file is gone or broken: still leave
        self.signed_out.emit()

    # -- changes made beside the window -----------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow() and not self._ws.store.closed:
            self.show_changes_made_elsewhere()  # (a window being replaced by 切换用户 has its file closed)

    def show_changes_made_elsewhere(self) -> bool:
        """Back from a terminal where a `laoxie` command wrote to the file: show its rows.  True if reloaded."""
        if self._ws.store.closed:  # signed out or switched user: this window is on its way out
            return False
        if self.is_locked:  # nothing changes behind the lock screen; unlocking looks again
            return False
        version = self._ws.store.data_version()
        if version == self._seen_data_version:
            return False
        self._seen_data_version = version
        self.model.reload()
        self.refresh_backup_status()
        return True
