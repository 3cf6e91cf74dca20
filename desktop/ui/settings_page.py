"""设置: the office, backups (folders, now, restore, check) and accounts (password, users, log, idle lock).

Long work (backup, restore, the check) goes through the window's TaskRunner;
quick writes (a folder, a password) go straight to the services.  What a role
may not do is offered disabled with the reason as its tooltip.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.core.office import Actor, Office
from desktop.core.permissions import Permission
from desktop.services import backups
from desktop.services.accounts import IDLE_LOCK_MAX, IDLE_LOCK_MIN, idle_lock_minutes, set_idle_lock_minutes
from desktop.services.dbcheck import CheckReport, check_workspace
from desktop.services.errors import ServiceError
from desktop.services.offices import update_office
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.agreements_dialog import AgreementsDialog
from desktop.ui.audit_dialog import AuditDialog
from desktop.ui.backup_dialogs import CheckDialog, RestoreDialog
from desktop.ui.errors import show_error
from desktop.ui.letter_page_dialog import LetterPageDialog
from desktop.ui.lpr_dialog import LprDialog
from desktop.ui.forms import load_form
from desktop.ui.setup_dialog import SetupDialog, SetupValues
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import not_allowed_text, user_text
from desktop.ui.user_dialogs import PasswordDialog, UsersDialog
from desktop.ui.widgets import offer
from desktop.ui.file_places import choose_folder

IDLE_SAVE_DELAY_MS: Final = 800  # arrow clicks on the minutes box save once, not once per click


_PolicyDialog = TypeVar("_PolicyDialog", AgreementsDialog, LprDialog)


@dataclass(frozen=True)
class Restored:
    """What a restore hands back to the window (plain data from the worker's workspace)."""

    safety_copy: backups.Backup
    office: Office
    actor: Actor
    backup: Path  # the file put back


def _restore(ws: Workspace, state: TaskState, backup: Path) -> Restored:
    safety = backups.restore(ws, backup)
    return Restored(safety, ws.office, ws.actor, backup)


def _check(ws: Workspace, state: TaskState) -> CheckReport:
    return check_workspace(ws)


class SettingsPage(QWidget):
    office_changed = Signal()
    policy_changed = Signal()  # an agreement or LPR rate changed: decisions and loans read the rules again
    backup_requested = Signal()  # 立即备份: the window runs it (and the automatic ones)
    restored = Signal(object)  # Restored: the window queries everything again
    idle_minutes_changed = Signal(int)
    message = Signal(str)  # for the status bar

    # From forms/settings_page.ui (load_form sets them).
    officeGroup: QGroupBox
    countyCaption: QLabel
    countyValue: QLabel
    officeNameCaption: QLabel
    officeNameValue: QLabel
    prefixCaption: QLabel
    prefixValue: QLabel
    dbPathCaption: QLabel
    dbPathValue: QLabel
    editOfficeButton: QPushButton
    agreementsButton: QPushButton
    lprButton: QPushButton
    letterPageButton: QPushButton
    backupGroup: QGroupBox
    backupFolderCaption: QLabel
    backupFolderEdit: QLineEdit
    backupFolderButton: QPushButton
    secondFolderCaption: QLabel
    secondFolderEdit: QLineEdit
    secondFolderButton: QPushButton
    clearSecondButton: QPushButton
    lastBackupCaption: QLabel
    lastBackupValue: QLabel
    backupNowButton: QPushButton
    restoreButton: QPushButton
    checkButton: QPushButton
    backupNote: QLabel
    securityGroup: QGroupBox
    currentUserCaption: QLabel
    currentUserValue: QLabel
    changePasswordButton: QPushButton
    idleCaption: QLabel
    idleSpin: QSpinBox
    idleNote: QLabel
    usersButton: QPushButton
    auditButton: QPushButton

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("settings_page", self)
        self._ws = workspace
        self._tasks = tasks
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(IDLE_SAVE_DELAY_MS)
        self.idleSpin.setRange(IDLE_LOCK_MIN, IDLE_LOCK_MAX)
        self.idleSpin.setValue(idle_lock_minutes(workspace))
        self._align_captions()
        self._apply_permissions()
        self._connect()
        self.show_office()
        self.show_folders()
        self.currentUserValue.setText(user_text(workspace.actor))

    # -- setting up ------------------------------------------------------------------------
    def _align_captions(self) -> None:
        """The three groups have their own layouts: one caption width lines their fields up."""
        captions = [self.countyCaption, self.officeNameCaption, self.prefixCaption, self.dbPathCaption,
                    self.backupFolderCaption, self.secondFolderCaption, self.lastBackupCaption,
                    self.currentUserCaption, self.idleCaption]
        width = max(label.sizeHint().width() for label in captions)
        for label in captions:
            label.setMinimumWidth(width)

    def _apply_permissions(self) -> None:
        actor = self._ws.actor

        def offer_for(permission: Permission, *widgets: QWidget) -> None:
            for widget in widgets:
                offer(widget, self._ws.can(permission), not_allowed_text(actor, permission))

        offer_for(Permission.OFFICE_SETTINGS, self.editOfficeButton, self.backupFolderButton,
                  self.secondFolderButton, self.clearSecondButton, self.idleSpin)
        offer_for(Permission.BACKUP, self.backupNowButton)
        offer_for(Permission.RESTORE, self.restoreButton)
        offer_for(Permission.MANAGE_USERS, self.usersButton)
        offer_for(Permission.VIEW_AUDIT, self.auditButton)

    def _connect(self) -> None:
        self.editOfficeButton.clicked.connect(self.open_office_dialog)
        self.agreementsButton.clicked.connect(self.open_agreements)
        self.lprButton.clicked.connect(self.open_lpr)
        self.letterPageButton.clicked.connect(self.open_letter_page)
        self.backupFolderButton.clicked.connect(self.choose_backup_folder)
        self.secondFolderButton.clicked.connect(self.choose_second_folder)
        self.clearSecondButton.clicked.connect(lambda: self.save_folders(self.backup_folder(), None))
        self.backupNowButton.clicked.connect(self.backup_requested)
        self.restoreButton.clicked.connect(self.open_restore_dialog)
        self.checkButton.clicked.connect(self.check_database)
        self.changePasswordButton.clicked.connect(self.open_password_dialog)
        self.usersButton.clicked.connect(self.open_users_dialog)
        self.auditButton.clicked.connect(self.open_audit_dialog)
        self.idleSpin.valueChanged.connect(self._idle_timer.start)
        self.idleSpin.editingFinished.connect(self.save_idle_minutes)
        self._idle_timer.timeout.connect(self.save_idle_minutes)

    # -- the office --------------------------------------------------------------------------
    def show_office(self) -> None:
        office = self._ws.office
        area = self._ws.areas.by_code(office.code)
        county = area.full_name if area else ""
        self.countyValue.setText(self.tr("{county}（{code}）").format(county=county, code=office.code))
        self.officeNameValue.setText(office.name)
        self.prefixValue.setText(
            self.tr("{prefix}（文号如 {example}）").format(
                prefix=office.letter_prefix, example=office.letter_number(datetime.date.today().year, 1)
            )
        )
        self.dbPathValue.setText(str(self._ws.store.path))

    def open_office_dialog(self) -> SetupDialog:
        def save(values: SetupValues) -> Office:
            return update_office(self._ws, county_code=values.county_code, name=values.name,
                                 letter_prefix=values.letter_prefix)

        dialog = SetupDialog(self._ws.areas, self._ws.store.path, save, office=self._ws.office, parent=self)
        dialog.accepted.connect(self._office_saved)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_agreements(self) -> AgreementsDialog:
        return self._open_policy(AgreementsDialog(self._ws, self))

    def open_lpr(self) -> LprDialog:
        return self._open_policy(LprDialog(self._ws, self))

    def _open_policy(self, dialog: _PolicyDialog) -> _PolicyDialog:
        """A dialog whose changes give the rules a new version: the pages read them again."""
        dialog.changed.connect(self.policy_changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_letter_page(self) -> LetterPageDialog:
        dialog = LetterPageDialog(self._ws, self, self._tasks)
        dialog.accepted.connect(lambda: self.message.emit(self.tr("确认书版式已保存，此后出具的确认书按新版式排版。")))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _office_saved(self) -> None:
        self.show_office()
        self.office_changed.emit()

    # -- backups -----------------------------------------------------------------------------
    def backup_folder(self) -> Path:
        return backups.backup_folder(self._ws)

    def show_folders(self) -> None:
        self.backupFolderEdit.setText(str(self.backup_folder()))
        second = backups.second_folder(self._ws)
        self.secondFolderEdit.setText(str(second) if second else "")
        self.clearSecondButton.setVisible(second is not None)

    def show_last_backup(self, text: str, tip: str, style: str) -> None:
        """Told by the window, which also says it in the status bar."""
        self.lastBackupValue.setText(text)
        self.lastBackupValue.setToolTip(tip)
        self.lastBackupValue.setStyleSheet(style)

    def choose_backup_folder(self) -> None:
        chosen = choose_folder(self, "backup_folder", self.tr("选择备份文件夹"), start=self.backup_folder())
        if chosen:
            self.save_folders(Path(chosen), backups.second_folder(self._ws))

    def choose_second_folder(self) -> None:
        start = backups.second_folder(self._ws) or self.backup_folder()
        chosen = choose_folder(self, "backup_folder", self.tr("选择第二备份文件夹（如 U 盘）"), start=start)
        if chosen:
            self.save_folders(self.backup_folder(), Path(chosen))

    def save_folders(self, folder: Path, second: Path | None) -> None:
        if second is not None and second.resolve() == folder.resolve():
            QMessageBox.warning(self, self.tr("备份文件夹"),
                                self.tr("第二备份文件夹要和第一个不同，最好在另一块磁盘或 U 盘上。"))
            return
        try:
            backups.set_folders(self._ws, folder=folder, second=second)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return
        self.show_folders()
        self.message.emit(self.tr("备份文件夹已保存"))

    def open_restore_dialog(self) -> RestoreDialog:
        folder = self.backup_folder()
        dialog = RestoreDialog(folder, backups.list_backups(folder), self)
        dialog.accepted.connect(lambda: self.restore(dialog.chosen) if dialog.chosen else None)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @staticmethod
    def busy_while(button: QPushButton, task: Task) -> Task:
        """A second click while the first is still at work would only queue the same work again."""
        button.setEnabled(False)
        task.finished.connect(lambda: button.setEnabled(True))
        return task

    def restore(self, backup: Path) -> Task:
        """Put ``backup`` back (already confirmed); the window reloads when it is done."""
        task = self._tasks.run(_restore, backup, ws_factory=opener(self._ws), label=self.tr("正在从备份恢复…"),
                               parent=self.window())
        task.success(self._restored)
        return self.busy_while(self.restoreButton, task)

    def _restored(self, result: Restored) -> None:
        # The worker's workspace followed the file; the window's follows it here.
        self._ws.office = result.office
        self._ws.actor = result.actor
        self.show_office()
        self.show_folders()
        minutes = idle_lock_minutes(self._ws)  # the settings came back with the data
        self.idleSpin.blockSignals(True)
        self.idleSpin.setValue(minutes)
        self.idleSpin.blockSignals(False)
        self.idle_minutes_changed.emit(minutes)
        self.restored.emit(result)

    def check_database(self) -> Task:
        task = self._tasks.run(_check, ws_factory=opener(self._ws), label=self.tr("正在检查数据库…"),
                               parent=self.window())
        task.success(self._show_report)
        return self.busy_while(self.checkButton, task)

    def _show_report(self, report: CheckReport) -> None:
        dialog = CheckDialog(report, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # -- accounts --------------------------------------------------------------------------
    def open_password_dialog(self) -> PasswordDialog:
        dialog = PasswordDialog(self._ws, self)
        dialog.accepted.connect(lambda: self.message.emit(self.tr("密码已修改")))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_users_dialog(self) -> UsersDialog:
        dialog = UsersDialog(self._ws, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_audit_dialog(self) -> AuditDialog:
        dialog = AuditDialog(self._ws, self._tasks, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def save_idle_minutes(self) -> None:
        self._idle_timer.stop()
        minutes = self.idleSpin.value()
        if not self._ws.can(Permission.OFFICE_SETTINGS) or minutes == idle_lock_minutes(self._ws):
            return
        try:
            set_idle_lock_minutes(self._ws, minutes)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return
        self.idle_minutes_changed.emit(minutes)
        self.message.emit(self.tr("无人操作 {minutes} 分钟后锁定窗口").format(minutes=minutes))
