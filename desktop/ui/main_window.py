"""The main window: navigation on the left, one page per task.

It also keeps the office's data safe while it is open: automatic backups on
a timer (in the background), the last good backup in the status bar, and the
idle lock that covers everything until the user's password is typed again.

The window is built in parts: its widgets and shared state (``ui.window_form``), the 企业
page and the enterprise followed from page to page (``ui.window_enterprises``), backups,
the lock and switching user (``ui.window_session``); this module sets the pages up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QCloseEvent
from PySide6.QtWidgets import QApplication, QHeaderView, QLabel, QStackedWidget, QWidget

from desktop.core.permissions import Permission
from desktop.services.accounts import idle_lock_minutes
from desktop.services.workspace import Workspace
from desktop.ui.batches_page import BatchesPage
from desktop.ui.enterprise_model import Column, EnterpriseModel
from desktop.ui.events import Change, DataEvents, DataPage
from desktop.ui.forms import load_form
from desktop.ui.letters_page import LettersPage
from desktop.ui.lock import IdleWatcher, LockScreen
from desktop.ui.bank_page import BankListPage
from desktop.ui.duplicates_page import DuplicatesPage
from desktop.ui.province_pages import ProvincePage, QuarantinePanel, RegisterPage
from desktop.ui.review_page import ReviewPage
from desktop.ui.roster_page import RosterPage
from desktop.ui.settings_page import SettingsPage
from desktop.ui.summary_page import SummaryPage
from desktop.ui.tracking_page import OVERDUE_COLOUR, TrackingPage
from desktop.ui.tasks import TaskRunner
from desktop.ui.text import not_allowed_text, user_text
from desktop.ui.user_menu import UserActions
from desktop.ui.widgets import DisabledReasons, offer
from desktop.ui.window_session import WindowSession

SEARCH_DELAY_MS: Final = 200
BACKUP_CHECK_MS: Final = 5 * 60_000  # how often to ask whether an automatic backup is due

# Columns that fit their text; the name takes what is left.
_FIT_COLUMNS: Final = (Column.USCC, Column.COUNTY, Column.INDUSTRY, Column.STAFF, Column.SIZE,
                       Column.CONTACT, Column.PHONE)


class MainWindow(WindowSession):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("main_window", self)
        self._ws = workspace
        self.tasks = TaskRunner(self)
        self.events = DataEvents(self)  # every change to the office's data, for every page
        self.current_enterprise_id: int | None = None  # follows the clerk from page to page
        self.model = EnterpriseModel(workspace, self)
        self._seen_data_version = workspace.store.data_version()  # see show_changes_made_elsewhere
        self.settings = SettingsPage(workspace, self.tasks, self.settingsPage)
        settings_layout = self.settingsPage.layout()
        assert settings_layout is not None  # forms/main_window.ui gives the page a layout
        settings_layout.addWidget(self.settings)
        self.roster = RosterPage.install(self.pages, workspace, self.tasks)
        self.review = ReviewPage.install(self.pages, workspace, self.tasks)
        self.letters = LettersPage.install(self.pages, workspace, self.tasks)
        self.batches = BatchesPage.install(self.pages, workspace, self.tasks)
        self.province_pages: list[DataPage] = []
        self.tracking: TrackingPage | None = None
        if workspace.office.is_province:
            self._show_province_pages()
        else:
            self._add_tracking_page()
            self._add_county_summary_page()
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_CHECK_MS)
        self._office_label = QLabel(self)
        self._user_label = QLabel(self)
        self.backup_label = QLabel(self)
        self._path_label = QLabel(self)
        self._mirror_missing = ""  # the second folder the last backup could not reach
        self._auto_backup_error = ""

        # The content and the lock screen share the central place; locked, only the lock screen is there.
        self.lock_screen = LockScreen(self)
        self._central = QStackedWidget(self)
        content = self.takeCentralWidget()
        assert content is not None  # the form's central widget
        self._central.addWidget(content)
        self._central.addWidget(self.lock_screen)
        self.setCentralWidget(self._central)
        self.is_locked = False
        self._hidden_windows: list[QWidget] = []
        self.idle = IdleWatcher(idle_lock_minutes(workspace), self)

        self.disabled_reasons = DisabledReasons(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.disabled_reasons)
        self._set_up_table()
        self._set_up_status_bar()
        self._apply_permissions()
        self._connect()
        self._show_office()
        self._update_count()
        self.refresh_backup_status()
        self.idle.start()
        self._backup_timer.start()

    # -- setting up ------------------------------------------------------------------
    def _show_province_pages(self) -> None:
        """The province does not enter enterprises, rosters or reviews: it receives the counties'
        batches and works on them. Those pages stay (hidden) so the window's code is one."""
        for page in (self.enterprisePage, self.rosterPage, self.reviewPage, self.letterPage):
            item = self.navList.item(self.pages.indexOf(page))
            item.setHidden(True)
        batches_row = self.pages.indexOf(self.batchPage)
        self.navList.item(batches_row).setText(self.tr("收到的批次"))
        self.quarantine = QuarantinePanel(self._ws, self.tasks, self.batchPage)
        batch_layout = self.batchPage.layout()
        assert batch_layout is not None  # forms/main_window.ui gives the page a layout
        batch_layout.addWidget(self.quarantine)
        self.quarantine.rechecked.connect(lambda _o: self.events.tell(Change.EVERYTHING, 0))
        self.events.changed.connect(lambda *_: self.quarantine.reload())
        self.register_page = RegisterPage(self._ws, self.tasks, self.pages)
        self.duplicates_page = DuplicatesPage(self._ws, self.tasks, self.pages)
        self.bank_page = BankListPage(self._ws, self.tasks, self.pages)
        self.summary_page = SummaryPage(self._ws, self.tasks, self.pages)
        settings_row = self.pages.indexOf(self.settingsPage)
        added: tuple[tuple[ProvincePage | SummaryPage, str], ...] = (
            (self.register_page, self.tr("企业汇总")), (self.duplicates_page, self.tr("重复人员")),
            (self.bank_page, self.tr("报送省开行")), (self.summary_page, self.tr("统计分析")))
        for offset, (page, label) in enumerate(added):
            self.pages.insertWidget(settings_row + offset, page)
            self.navList.insertItem(settings_row + offset, label)
            self.province_pages.append(page)
        self.navList.setCurrentRow(batches_row)
        self.pages.setCurrentIndex(batches_row)

    def _add_tracking_page(self) -> None:
        """跟踪 (issue 14): the loans and their re-verifications, before 设置."""
        self.tracking = TrackingPage(self._ws, self.tasks, self.pages)
        settings_row = self.pages.indexOf(self.settingsPage)
        self.pages.insertWidget(settings_row, self.tracking)
        self.navList.insertItem(settings_row, self.tr("跟踪"))
        self.events.changed.connect(self.tracking.on_data_changed)
        self.tracking.alert.connect(self._show_tracking_alert)
        self.tracking.update_alert()

    def _show_tracking_alert(self, label: str, why: str) -> None:
        """跟踪 with how many loans wait there (overdue, 不达标 to confirm), the words in its tooltip."""
        assert self.tracking is not None
        item = self.navList.item(self.pages.indexOf(self.tracking))
        item.setText(label)
        item.setToolTip(why)
        if why:
            item.setForeground(QBrush(OVERDUE_COLOUR))
        else:
            item.setData(Qt.ItemDataRole.ForegroundRole, None)

    def _add_county_summary_page(self) -> None:
        """统计分析 (issue 16, 6) for the county's own office, after 报送批次 (跟踪 stays just before 设置)."""
        self.summary_page = SummaryPage(self._ws, self.tasks, self.pages)
        row = self.pages.indexOf(self.batchPage) + 1
        self.pages.insertWidget(row, self.summary_page)
        self.navList.insertItem(row, self.tr("统计分析"))
        self.events.changed.connect(self.summary_page.on_data_changed)

    def _set_up_table(self) -> None:
        table = self.enterpriseTable
        table.setModel(self.model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in _FIT_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        # Fitting to contents must not read every row of a long list.
        header.setResizeContentsPrecision(200)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def _set_up_status_bar(self) -> None:
        bar = self.statusbar
        bar.addWidget(self._office_label)
        bar.addWidget(self._user_label)
        bar.addPermanentWidget(self.backup_label)
        bar.addPermanentWidget(self._path_label)
        self._user_label.setText(self.tr("当前用户：{user}").format(user=user_text(self._ws.actor)))
        # The file's name: its whole path ran off the right of a 1024 px screen (设置 and the tooltip show it).
        path = Path(self._ws.store.path)
        self._path_label.setText(self.tr("数据库：{name}").format(name=path.name))
        self._path_label.setToolTip(str(path))

    def _apply_permissions(self) -> None:
        """Offer only what the signed-in user may do (the services check again)."""
        self._can_edit = self._ws.can(Permission.EDIT_ENTERPRISES)
        denied = not_allowed_text(self._ws.actor, Permission.EDIT_ENTERPRISES)
        offer(self.addButton, self._can_edit, denied)
        offer(self.editButton, False, self.tr("请先在表中选择企业") if self._can_edit else denied)

    def _connect(self) -> None:
        self.navList.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.searchEdit.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._apply_search)
        self.addButton.clicked.connect(lambda: self.open_enterprise_dialog(None))
        self.editButton.clicked.connect(self._edit_selected)
        self.enterpriseTable.doubleClicked.connect(self._edit_row)
        self.enterpriseTable.selectionModel().selectionChanged.connect(self._selection_changed)
        self.enterpriseTable.customContextMenuRequested.connect(self._show_table_menu)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.roster.import_requested.connect(self.open_import_wizard)
        pages: list[DataPage] = [self.roster, self.review, self.letters, self.batches, *self.province_pages]
        for page in pages:
            page.data_changed.connect(self.events.changed)
            self.events.changed.connect(page.on_data_changed)
        self.events.changed.connect(self._data_changed)
        self.roster.picker.chosen.connect(self._enterprise_chosen)
        self.review.picker.chosen.connect(self._enterprise_chosen)
        self.navList.currentRowChanged.connect(self._follow_enterprise)
        self.settings.office_changed.connect(self._show_office)
        self.settings.policy_changed.connect(lambda: self.events.tell(Change.APPLICATION))
        self.settings.backup_requested.connect(self.backup_now)
        self.settings.restored.connect(self._restored)
        self.settings.idle_minutes_changed.connect(self.idle.set_minutes)
        self.settings.message.connect(lambda text: self.statusbar.showMessage(text, 5000))
        self._backup_timer.timeout.connect(self.check_backup_due)
        self.idle.idle.connect(self._idle)
        self.lock_screen.unlock_requested.connect(self.try_unlock)
        self.lock_screen.switchUserButton.clicked.connect(self.open_switch_user_dialog)
        self.lock_screen.quitButton.clicked.connect(self.close)
        self.user_actions = UserActions(self)  # 用户 menu and toolbar: 锁定 (Ctrl+L), 切换用户, 退出登录

    # -- office --------------------------------------------------------------------------
    def _show_office(self) -> None:
        office = self._ws.office
        self.setWindowTitle(self.tr("劳协 — {office}").format(office=office.name))
        self._office_label.setText(self.tr("{office}（{code}）").format(office=office.name, code=office.code))

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.disabled_reasons)
        self.idle.uninstall()
        self._backup_timer.stop()
        self.tasks.shutdown()  # waits for a backup or restore under way: the file is never left half-done
        super().closeEvent(event)
