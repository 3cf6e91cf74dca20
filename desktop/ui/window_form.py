"""The main window's widgets as forms/main_window.ui names them, and the state its parts share:
:class:`desktop.ui.main_window.MainWindow` is built on :class:`WindowForm` through
:class:`~desktop.ui.window_enterprises.WindowEnterprises` (the 企业 page and the enterprise the
clerk follows from page to page) and :class:`~desktop.ui.window_session.WindowSession` (backups,
the idle lock, switching user, changes made beside the window)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QTableView,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer

    from desktop.services.workspace import Workspace
    from desktop.ui.enterprise_model import EnterpriseModel
    from desktop.ui.events import DataEvents
    from desktop.ui.letters_page import LettersPage
    from desktop.ui.lock import IdleWatcher, LockScreen
    from desktop.ui.review_page import ReviewPage
    from desktop.ui.roster_page import RosterPage
    from desktop.ui.settings_page import SettingsPage
    from desktop.ui.tasks import TaskRunner
    from desktop.ui.user_menu import UserActions


class WindowForm(QMainWindow):
    # From forms/main_window.ui (load_form sets them).
    navList: QListWidget
    pages: QStackedWidget
    enterprisePage: QWidget
    rosterPage: QWidget
    reviewPage: QWidget
    letterPage: QWidget
    batchPage: QWidget
    settingsPage: QWidget
    searchEdit: QLineEdit
    addButton: QPushButton
    editButton: QPushButton
    enterpriseTable: QTableView
    enterpriseCountLabel: QLabel
    statusbar: QStatusBar

    if TYPE_CHECKING:
        # The window's state (set by MainWindow.__init__); only for the type checker, so that the
        # annotations seen at run time are the form's widgets alone (tests/ui/test_forms.py).
        _ws: Workspace
        tasks: TaskRunner
        events: DataEvents
        current_enterprise_id: int | None
        model: EnterpriseModel
        settings: SettingsPage
        roster: RosterPage
        review: ReviewPage
        letters: LettersPage
        _seen_data_version: int
        _search_timer: QTimer
        backup_label: QLabel
        _mirror_missing: str
        _auto_backup_error: str
        lock_screen: LockScreen
        _central: QStackedWidget
        is_locked: bool
        _hidden_windows: list[QWidget]
        idle: IdleWatcher
        _can_edit: bool
        user_actions: UserActions

        # The window's own methods, which its parts call.
        def _show_office(self) -> None: ...

        def refresh_backup_status(self) -> None: ...
