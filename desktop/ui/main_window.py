"""The main window: navigation on the left, one page per task.

It also keeps the office's data safe while it is open: automatic backups on
a timer (in the background), the last good backup in the status bar, and the
idle lock that covers everything until the user's password is typed again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import shiboken6
from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QTableView,
    QWidget,
)

from desktop.core.permissions import Permission
from desktop.services import accounts, backups
from desktop.services.accounts import idle_lock_minutes, sign_in, verify_current_user
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.backup_dialogs import last_backup
from desktop.ui.batches_page import BatchesPage
from desktop.ui.enterprise_dialog import EnterpriseDialog
from desktop.ui.enterprise_model import Column, EnterpriseModel
from desktop.ui.import_wizard import ImportWizard
from desktop.ui.events import Change, DataEvents, DataPage
from desktop.ui.errors import environment_text, is_environment_error, show_error, show_exception
from desktop.ui.forms import load_form
from desktop.ui.letters_page import LettersPage
from desktop.ui.lock import IdleWatcher, LockScreen
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.bank_page import BankListPage
from desktop.ui.province_pages import DuplicatesPage, ProvincePage, QuarantinePanel, RegisterPage
from desktop.ui.review_page import ReviewPage
from desktop.ui.roster_page import RosterPage
from desktop.ui.settings_page import Restored, SettingsPage
from desktop.ui.summary_page import SummaryPage
from desktop.ui.tracking_page import TrackingPage
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text, user_text
from desktop.ui.user_menu import UserActions
from desktop.ui.widgets import DisabledReasons, inform, offer

SEARCH_DELAY_MS: Final = 200
BACKUP_CHECK_MS: Final = 5 * 60_000  # how often to ask whether an automatic backup is due
PROBLEM_STYLE: Final = "color: #b3261e;"
WARNING_STYLE: Final = "color: #9a6700;"

# Columns that fit their text; the name takes what is left.
_FIT_COLUMNS: Final = (Column.USCC, Column.COUNTY, Column.INDUSTRY, Column.STAFF, Column.SIZE,
                       Column.CONTACT, Column.PHONE)


def _make_backup(ws: Workspace, state: TaskState, reason: str) -> backups.Backup:
    return backups.make_backup(ws, reason)


class MainWindow(QMainWindow):
    user_switched = Signal(object)  # the Workspace of whoever signed in through 切换用户
    signed_out = Signal()  # 退出登录: the application asks who is next

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

    # -- enterprises -------------------------------------------------------------------
    def _apply_search(self) -> None:
        self.model.set_search(self.searchEdit.text())

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.rowCount()
        if self.model.search:
            text = self.tr("找到 {total} 家企业").format(total=total)
        else:
            text = self.tr("共 {total} 家企业").format(total=total)
        if shown < total:
            text += self.tr("（已显示 {shown} 家，向下滚动显示更多）").format(shown=shown)
        self.enterpriseCountLabel.setText(text)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.enterpriseTable.selectionModel().selectedRows()
        if not self._can_edit:
            offer(self.editButton, False, not_allowed_text(self._ws.actor, Permission.EDIT_ENTERPRISES))
        else:
            offer(self.editButton, bool(rows), self.tr("请先在表中选择企业"))
        if rows:
            self._enterprise_chosen(self.model.enterprise(rows[0].row()))

    # -- the current enterprise and the change signal ------------------------------------------
    def _enterprise_chosen(self, enterprise: object) -> None:
        enterprise_id = getattr(enterprise, "id", None)
        if enterprise_id is not None:
            self.current_enterprise_id = enterprise_id

    def follow_enterprise(self, enterprise_id: int | None) -> None:
        """Make this the current enterprise (a new window after 切换用户 keeps the one handed over)."""
        if enterprise_id is not None:
            self.current_enterprise_id = enterprise_id
            self._follow_enterprise(self.navList.currentRow())

    def _follow_enterprise(self, _row: int) -> None:
        """The page just shown selects the enterprise the clerk was working on."""
        wanted = self.current_enterprise_id
        if wanted is None:
            return
        page = self.pages.currentWidget()
        if page is self.rosterPage and (self.roster.enterprise is None or self.roster.enterprise.id != wanted):
            self.roster.select_enterprise(wanted)
        elif page is self.reviewPage and (self.review.enterprise is None or self.review.enterprise.id != wanted):
            self.review.select_enterprise(wanted)
        elif page is self.letterPage and self.letters.selected_application() is None:
            row = self.model.row_of(wanted)
            if row is not None:
                self.letters.select_enterprise(self.model.enterprise(row).uscc)
        elif page is self.enterprisePage:
            row = self.model.row_of(wanted)
            selected = self.enterpriseTable.selectionModel().selectedRows()
            if row is not None and (not selected or selected[0].row() != row):
                self.enterpriseTable.selectRow(row)

    def _data_changed(self, kind: str, _enterprise_id: int) -> None:
        """What the window itself shows: the enterprise list, and the last backup (approvals,
        imports and exports take one first)."""
        if kind in (Change.ENTERPRISE.value, Change.EVERYTHING.value):
            self.model.reload()
        self.refresh_backup_status()

    def _edit_selected(self) -> None:
        rows = self.enterpriseTable.selectionModel().selectedRows()
        if rows:
            self._edit_row(rows[0])

    def _edit_row(self, index: QModelIndex) -> None:
        if index.isValid() and self._can_edit:
            self.open_enterprise_dialog(self.model.enterprise(index.row()).id)

    def open_enterprise_dialog(self, enterprise_id: int | None) -> EnterpriseDialog:
        """Open the dialog (window-modal, not blocking) to add or edit an enterprise."""
        enterprise = None
        if enterprise_id is not None:
            row = self.model.row_of(enterprise_id)
            enterprise = self.model.enterprise(row) if row is not None else None
        dialog = EnterpriseDialog(self._ws, enterprise, self)
        dialog.accepted.connect(lambda: self._enterprise_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _enterprise_saved(self, dialog: EnterpriseDialog) -> None:
        saved = dialog.enterprise
        if saved is None:
            self.model.reload()
            return
        self.current_enterprise_id = saved.id
        self.events.tell(Change.ENTERPRISE, saved.id)  # reloads the list here and the pickers of the pages
        row = self.model.row_of(saved.id)
        if row is None and self.model.search:
            # A new name that the current search hides: show everything instead.
            self._search_timer.stop()
            self.searchEdit.blockSignals(True)
            self.searchEdit.clear()
            self.searchEdit.blockSignals(False)
            self.model.set_search("")
            row = self.model.row_of(saved.id)
        if row is not None:
            self.enterpriseTable.selectRow(row)
            self.enterpriseTable.scrollTo(self.model.index(row, Column.NAME))
        self.statusbar.showMessage(self.tr("已保存：{name}").format(name=saved.name), 5000)

    def table_menu(self, row: int) -> QMenu:
        """The context menu of one enterprise row (built here, shown by the caller)."""
        enterprise = self.model.enterprise(row)
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        edit = menu.addAction(self.tr("编辑…"))
        edit.setEnabled(self._can_edit)
        edit.triggered.connect(lambda: self.open_enterprise_dialog(enterprise.id))
        roster = menu.addAction(self.tr("查看名册"))
        roster.triggered.connect(lambda: self.show_roster(enterprise.id))
        phone = menu.addAction(self.tr("显示完整电话"))
        if not self._ws.can(Permission.UNMASK_PERSONAL_DATA):
            phone.setEnabled(False)
            phone.setToolTip(not_allowed_text(self._ws.actor, Permission.UNMASK_PERSONAL_DATA))
        elif not enterprise.contact_phone:
            phone.setEnabled(False)
            phone.setToolTip(self.tr("没有登记联系电话"))
        elif enterprise.id in self.model.unmasked:
            phone.setEnabled(False)
            phone.setToolTip(self.tr("已显示完整电话"))
        else:
            phone.setToolTip(self.tr("查看会记入操作日志"))
        phone.triggered.connect(lambda: self.show_full_phone(enterprise.id))
        return menu

    def _show_table_menu(self, pos: QPoint) -> None:
        index = self.enterpriseTable.indexAt(pos)
        if not index.isValid():
            return
        menu = self.table_menu(index.row())
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.enterpriseTable.viewport().mapToGlobal(pos))

    def show_roster(self, enterprise_id: int) -> None:
        """The 名册 page with this enterprise's roster."""
        self.navList.setCurrentRow(self.pages.indexOf(self.rosterPage))
        self.roster.select_enterprise(enterprise_id)

    def open_import_wizard(self, enterprise_id: int, path: str | None = None) -> ImportWizard:
        """导入名册…: the wizard (window-modal, not blocking); the roster and the review follow the import."""
        wizard = ImportWizard(self._ws, self.tasks, enterprise_id, self, path=path)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._roster_imported)
        wizard.open()
        return wizard

    def _roster_imported(self, _result: object) -> None:
        enterprise = self.roster.enterprise
        self.events.tell(Change.ROSTER, enterprise.id if enterprise else None)  # the import backed up first
        self.statusbar.showMessage(self.tr("名册已导入"), 5000)

    def show_full_phone(self, enterprise_id: int) -> None:
        row = self.model.row_of(enterprise_id)
        if row is None:
            return
        try:
            self.model.show_full_phone(row)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return
        self.statusbar.showMessage(self.tr("已显示完整电话，并记入操作日志"), 5000)

    # -- office --------------------------------------------------------------------------
    def _show_office(self) -> None:
        office = self._ws.office
        self.setWindowTitle(self.tr("劳协 — {office}").format(office=office.name))
        self._office_label.setText(self.tr("{office}（{code}）").format(office=office.name, code=office.code))

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
        inform(self, self.tr("从备份恢复"),
               self.tr("已从备份恢复。恢复之前的数据另存为：\n{path}").format(path=result.safety_copy.path))

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

    # -- closing -------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.disabled_reasons)
        self.idle.uninstall()
        self._backup_timer.stop()
        self.tasks.shutdown()  # waits for a backup or restore under way: the file is never left half-done
        super().closeEvent(event)
