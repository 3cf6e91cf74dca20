"""Starting the window: the Qt application, the first-run setup, the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop import __version__
from desktop.core.areas import AreaTable
from desktop.core.office import Office
from desktop.resources import resource_path
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError
from desktop.services.keys import key_work_apart
from desktop.services.offices import initialise_office
from desktop.services.recovery import needs_recovery
from desktop.services.workspace import APP_NAME, Workspace, window_lock
from desktop.store import StoreError
from desktop.ui.errors import excepthook_installed, show_error
from desktop.ui.first_paint import EXIT_AFTER_PAINT, quit_after_first_paint
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.qt_texts import QtGaps
from desktop.ui.recovery_dialog import RecoveryDialog
from desktop.ui.screen import ScreenFit
from desktop.ui.setup_dialog import SetupDialog, SetupValues
from desktop.ui.text import error_text

# Sign in without the dialog, as the command line does (scripts, the startup bench).
USER_ENV: Final = "LAOXIE_USER"
PASSWORD_ENV: Final = "LAOXIE_PASSWORD"
ICON: Final = ("icons", "laoxie.svg")
# Fonts with Chinese glyphs, best first: Windows, macOS, Linux.
CJK_FONTS: Final = (
    "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "SimSun",
)

_translators: list[QTranslator] = []  # kept alive as long as the application


def create_app(argv: Sequence[str]) -> QApplication:
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication(list(argv))
    if sys.platform.startswith("linux"):
        # The GTK file dialog speaks the desktop's language, English on most county machines;
        # Qt's own dialogs read Qt's Chinese translations (qtbase_zh_CN).
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    app.setWindowIcon(QIcon(str(resource_path(*ICON))))
    use_cjk_font(app)
    _install_translators(app)
    app.installEventFilter(ScreenFit(app))  # every window within a 1024×768 screen
    return app


def use_cjk_font(app: QApplication) -> None:
    """Keep the system font for Latin text, with a Chinese font behind it."""
    font = app.font()
    chinese = QFontDatabase.WritingSystem.SimplifiedChinese
    if chinese in QFontDatabase.writingSystems(font.family()):
        return
    available = QFontDatabase.families(chinese)
    choice = next((name for name in CJK_FONTS if name in available), available[0] if available else None)
    if choice is not None:
        font.setFamilies([font.family(), choice])
        app.setFont(font)


def _install_translators(app: QApplication) -> None:
    """Our texts are written in Chinese; a laoxie_<locale>.qm translates them.

    Qt's own texts (OK/Cancel, context menus) follow the language the window
    ends up in: the system's when we have a translation for it, else Chinese.
    """
    system = QLocale.system()
    ours = QTranslator(app)
    if ours.load(system, "laoxie", "_", str(resource_path("translations"))):
        app.installTranslator(ours)
        _translators.append(ours)
        language = system
    else:
        language = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    qt = QTranslator(app)
    if qt.load(language, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _translators.append(qt)
    if language.language() == QLocale.Language.Chinese:
        # Dates and names Qt formats through QLocale() (a date field's calendar) as the language reads
        # them. (The file dialog's 修改日期 follows the system's locale whatever we do.)
        QLocale.setDefault(language)
        gaps = QtGaps(app)  # what qtbase_zh_CN leaves in English (the file dialog's labels)
        app.installTranslator(gaps)
        _translators.append(gaps)


def _open_or_set_up(db_path: Path) -> Workspace | None:
    """The signed-in workspace; None when the clerk cancels set-up, sign-in or recovery."""
    office: Office | None = None
    if db_path.exists():
        try:
            with Workspace.open(db_path) as probe:  # refuses a newer or foreign file before asking anything
                office = probe.office
        except ServiceError as exc:
            if exc.code != "not_initialised":
                raise
        except StoreError as exc:
            if not needs_recovery(exc):
                raise
            return _recover(db_path, exc)
    if office is None:
        return _first_run(db_path)
    return _sign_in(db_path, office)


def _first_run(db_path: Path) -> Workspace | None:
    def save(values: SetupValues) -> Office:
        return initialise_office(
            db_path, county_code=values.county_code, name=values.name, letter_prefix=values.letter_prefix,
            admin_username=values.admin_username, admin_password=values.admin_password, kind=values.kind,
        )

    dialog = SetupDialog(AreaTable.default(), db_path, save)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        values = dialog.values()
    finally:
        dialog.deleteLater()
    return sign_in(db_path, values.admin_username, values.admin_password)


def _sign_in(db_path: Path, office: Office) -> Workspace | None:
    user = os.environ.get(USER_ENV, "")
    password = os.environ.get(PASSWORD_ENV, "")
    problem = ""
    if user and password:
        try:
            workspace = sign_in(db_path, user, password)
        except ServiceError as exc:  # a wrong or locked account: ask in the dialog instead
            problem = error_text(exc)
        except StoreError as exc:
            if not needs_recovery(exc):
                raise
            return _recover(db_path, exc, username=user)
        else:
            if not workspace.must_change_password:
                return workspace
            workspace.close()  # a first or reset password: the dialog asks for the user's own
            problem = QCoreApplication.translate("app", "请登录并设置自己的密码。")
    dialog = LoginDialog(office.name, lambda name, secret: sign_in(db_path, name, secret),
                         username=user, problem=problem,
                         recover=lambda parent, exc: _recover(db_path, exc, username=user, parent=parent))
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.workspace
    finally:
        dialog.deleteLater()


def _recover(db_path: Path, problem: Exception, *, username: str = "",
             parent: QWidget | None = None) -> Workspace | None:
    """从备份恢复: the workspace of the restored file, or None when the clerk cancels."""
    dialog = RecoveryDialog(db_path, problem, username=username, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.recovered is None:
            return None
        return dialog.recovered.workspace
    finally:
        dialog.deleteLater()


class Session(QObject):
    """The window of whoever is signed in; 切换用户 replaces both the window and the workspace,
    退出登录 closes them and asks who is next (cancelling that ends the application)."""

    ended = Signal()  # signed out and nobody signed in again

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace: Workspace | None = workspace
        self.window: MainWindow | None = self._open(workspace)
        self.login: LoginDialog | None = None  # after 退出登录, until someone signs in

    def _open(self, workspace: Workspace) -> MainWindow:
        window = MainWindow(workspace)
        window.user_switched.connect(self.switch)
        window.signed_out.connect(self.sign_out)
        return window

    def switch(self, workspace: Workspace) -> None:
        old_window, old_workspace = self.window, self.workspace
        self.workspace = workspace
        self.window = self._open(workspace)
        if old_window is not None:  # the enterprise the clerk handed over stays selected for the next person
            self.window.follow_enterprise(old_window.current_enterprise_id)
        self.window.show()  # before the old one closes, so the application does not quit in between
        self._close(old_window, old_workspace)

    def sign_out(self) -> None:
        old_window, old_workspace = self.window, self.workspace
        if old_workspace is None:
            return
        path, office = old_workspace.store.path, old_workspace.office.name
        self.login = LoginDialog(office, lambda name, secret: sign_in(path, name, secret))
        self.login.accepted.connect(self._signed_in_again)
        self.login.rejected.connect(self._ended)
        self.login.open()  # before the window closes, so the application does not quit in between
        self.window = self.workspace = None
        self._close(old_window, old_workspace)

    def _signed_in_again(self) -> None:
        assert self.login is not None and self.login.workspace is not None
        self.workspace = self.login.workspace
        self.window = self._open(self.workspace)
        self.window.show()
        self.login.deleteLater()
        self.login = None

    def _ended(self) -> None:
        if self.login is not None:
            self.login.deleteLater()
            self.login = None
        self.ended.emit()

    @staticmethod
    def _close(window: MainWindow | None, workspace: Workspace | None) -> None:
        if window is not None:
            window.close()
            window.deleteLater()
        if workspace is not None:
            workspace.close()

    def close(self) -> None:
        if self.login is not None:
            self.login.close()
        self._close(self.window, self.workspace)


def run_gui(db_path: Path) -> int:
    """Show the window for the office database at ``db_path``; the process exit code."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = create_app(sys.argv)
    with excepthook_installed():
        try:
            # One window per file, held until the application exits; a second one touches nothing.
            lock: Any = window_lock(db_path)
        except StoreError as exc:
            show_error(None, exc)
            return 1
        key_work_apart(True)  # unlocking a key must not freeze the window for seconds
        try:
            return _run(app, Path(db_path))
        finally:
            key_work_apart(False)
            lock.release()


def _run(app: QApplication, db_path: Path) -> int:
    try:
        workspace = _open_or_set_up(db_path)
    except (StoreError, ServiceError) as exc:
        show_error(None, exc)
        return 1
    if workspace is None:
        return 0
    session = Session(workspace)
    session.ended.connect(app.quit)
    window = session.window
    assert window is not None  # just opened
    try:
        if os.environ.get(EXIT_AFTER_PAINT) == "1":
            quit_after_first_paint(window)
        window.show()
        code = app.exec()
        # quit() also posts a Quit event; delivered later it would end every
        # event loop at once (a second window in this process, the tests).
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
        return code
    finally:
        session.close()
