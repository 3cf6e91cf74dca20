"""Every window of the program fits a 1024×768 screen (and so a 1366×768 one) with its taskbar.

The dialogs are found, not listed: every QDialog, QWizard and QMainWindow
subclass in ``desktop.ui`` is opened, its constructor's arguments made from
their annotations (:data:`SAMPLES`). A new dialog is covered as it is written;
one whose arguments cannot be made fails here, naming what to add.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QTableView, QToolTip, QWidget
from pytestqt.qtbot import QtBot

import desktop.ui
from desktop.core.areas import AreaTable
from desktop.core.batch import Fingerprint
from desktop.services.accounts import sign_in
from desktop.services.dbcheck import check_database
from desktop.services.demo import build_demo
from desktop.services.enterprises import list_enterprises
from desktop.services.keys import PublicKeyFile
from desktop.services.roster_view import roster_page
from desktop.services.tracking_timeline import WorkerMonths, WorkerRow, WorkerTimeline
from desktop.store.roster_query import RosterQuery
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.province import Duplicate, Side
from desktop.ui.app import use_cjk_font
from desktop.ui.main_window import MainWindow
from desktop.ui.screen import FRAME, ScreenFit, fit_window, fits, needed_size
from desktop.ui.tasks import Task, TaskRunner
from tests.letters.cases import sample_decision

pytestmark = pytest.mark.gui

DEMO_PASSWORD = "laoxie-demo-1"
# 1024×768 and 1366×768 screens less a 40 px taskbar.
SCREENS = {"1024x768": QRect(0, 0, 1024, 728), "1366x768": QRect(0, 0, 1366, 728)}
LONG_TEXT = "延吉市长白山国际旅游度假区食品加工与冷链物流有限责任公司第二分公司"


def _side(n: int) -> Side:
    return Side(n, "222401", "延吉市", n, LONG_TEXT, f"9122240100000000{n}X", "2025-01-01", None,
                f"延吉人社劳协确〔2026〕{n}号", "C4W9Z-CDS3E")


def window_classes() -> list[type[QWidget]]:
    """Every dialog, wizard and main window class defined in desktop.ui."""
    for module in pkgutil.iter_modules(desktop.ui.__path__):
        importlib.import_module(f"desktop.ui.{module.name}")
    found: list[type[QWidget]] = []

    def walk(base: type) -> None:
        for cls in base.__subclasses__():
            if cls.__module__.startswith("desktop.ui.") and cls not in found:
                found.append(cls)
            walk(cls)

    walk(QDialog)
    walk(QMainWindow)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    build_demo(path, password=DEMO_PASSWORD)
    return path


@pytest.fixture
def demo_ws(demo_db: Path) -> Iterator[Workspace]:
    ws = sign_in(demo_db, "admin", DEMO_PASSWORD)
    yield ws
    ws.close()


@pytest.fixture
def screen_fit(qapp: QApplication) -> Iterator[Callable[[QRect], ScreenFit]]:
    """``screen_fit(area)``: the application's fitter, as create_app installs it, for a screen of ``area``;
    the application's font as create_app sets it (the Chinese font's widths decide what fits)."""
    installed: list[ScreenFit] = []
    font = qapp.font()
    use_cjk_font(qapp)

    def install(area: QRect) -> ScreenFit:
        fitter = ScreenFit(area=area)
        qapp.installEventFilter(fitter)
        installed.append(fitter)
        return fitter

    yield install
    for fitter in installed:
        qapp.removeEventFilter(fitter)
    qapp.setFont(font)


def _worker_timeline() -> WorkerTimeline:
    """Two years of months for 60 workers: the table scrolls inside the dialog."""
    months = tuple(f"{2026 + m // 12}-{m % 12 + 1:02d}" for m in range(24))
    rows = tuple(WorkerRow(WorkerMonths(f"22240119900101{n:04d}", LONG_TEXT[:12], months[::2], months[1::2]),
                           "11个月30天", n % 2 == 0) for n in range(60))
    return WorkerTimeline(months, frozenset(months[:-1]), rows, 3)


class Samples:
    """Constructor arguments by annotation: what a window needs, from the demo office."""

    def __init__(self, ws: Workspace, tmp_path: Path, runner: TaskRunner, letter_pdf: bytes) -> None:
        enterprise = list_enterprises(ws)[0]
        workers = roster_page(ws, RosterQuery(enterprise.id), limit=5)
        self.by_annotation: dict[str, Callable[[], Any]] = {
            "Workspace": lambda: ws,
            "TaskRunner": lambda: runner,
            "Task": lambda: Task(LONG_TEXT, None, True, lambda *_: None),
            "Decision": lambda: sample_decision(40),
            "Sequence[RosterRecord]": lambda: workers,
            "AreaTable": AreaTable.default,
            "CheckReport": lambda: check_database(ws.store),
            "list[Backup]": list,
            "Path": lambda: tmp_path,
            "bytes": lambda: letter_pdf,
            "str": lambda: LONG_TEXT,
            "int": lambda: enterprise.id,
            "Enterprise": lambda: enterprise,
            "bool": lambda: True,
            "Exception": lambda: StoreError("not_a_database", path=tmp_path / "office.sqlite3"),
            "province.Duplicate": lambda: Duplicate(1, "222401199001011234", "朴成浩", _side(1), _side(2), None),
            "PublicKeyFile": lambda: PublicKeyFile("encryption", "age1" + "q" * 58, Fingerprint.of(b"k" * 32),
                                                   "220000", LONG_TEXT),
            "Callable[[str, str, str], KeyInfo]": lambda: lambda *_a: None,
            "SaveOverride": lambda: lambda *_a, **_k: None,
            "SavePriority": lambda: lambda *_a, **_k: None,
            "SaveOffice": lambda: lambda *_a, **_k: None,
            "SignIn": lambda: lambda *_a, **_k: None,
            "WorkerTimeline": _worker_timeline,
        }

    def arguments(self, cls: type) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for name, param in list(inspect.signature(cls.__init__).parameters.items())[1:]:
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or param.default is not param.empty:
                continue
            annotation = str(param.annotation).removesuffix(" | None")
            if name == "parent":
                value: Any = None
            elif annotation in self.by_annotation:
                value = self.by_annotation[annotation]()
            else:
                pytest.fail(f"{cls.__name__}: no sample for {name}: {annotation}; add one to Samples in {__file__}")
            if param.kind == param.KEYWORD_ONLY:
                kwargs[name] = value
            else:
                args.append(value)
        return args, kwargs


@pytest.fixture
def samples(demo_ws: Workspace, tmp_path: Path, qtbot: QtBot) -> Iterator[Samples]:
    from desktop.letters import LetterPrint, fontset, render_letter
    from tests.letters.cases import sample_content

    content = sample_content(40)
    pdf = render_letter(LetterPrint(content, content.verification_code(), content.qr_payload()), fontset()).pdf
    runner = TaskRunner()
    yield Samples(demo_ws, tmp_path, runner, pdf)
    runner.shutdown()


def client_fits(window: QWidget, area: QRect) -> None:
    frame = QRect(window.pos(), window.size() + FRAME)
    assert area.contains(frame), f"{type(window).__name__} opens at {frame}, outside the screen {area}"


@pytest.mark.parametrize("cls", window_classes(), ids=lambda cls: cls.__name__)
def test_every_dialog_fits_a_1024_by_768_screen(cls: type[QWidget], samples: Samples, qtbot: QtBot,
                                                 screen_fit: Callable[[QRect], ScreenFit]) -> None:
    area = SCREENS["1024x768"]
    screen_fit(area)
    args, kwargs = samples.arguments(cls)
    window = cls(*args, **kwargs)
    qtbot.addWidget(window)
    window.show()
    needed = needed_size(window)
    assert fits(needed, area), f"{cls.__name__} needs {needed.width()}×{needed.height()} px"
    if not isinstance(window, QMainWindow):
        client_fits(window, area)


def test_the_discovery_finds_the_known_windows() -> None:
    names = {cls.__name__ for cls in window_classes()}
    assert {"MainWindow", "ImportWizard", "BatchExportWizard", "LetterPreviewDialog", "AuditDialog",
            "EnterpriseDialog", "ProgressDialog"} <= names


@pytest.mark.parametrize("user", ["clerk", "approver", "admin"])
def test_every_page_of_the_main_window_fits(user: str, demo_db: Path, qtbot: QtBot,
                                            screen_fit: Callable[[QRect], ScreenFit]) -> None:
    screen_fit(SCREENS["1024x768"])
    ws = sign_in(demo_db, user, DEMO_PASSWORD)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    try:
        for row in range(window.navList.count()):
            window.navList.setCurrentRow(row)
            QApplication.processEvents()
            needed = needed_size(window)
            assert fits(needed, SCREENS["1024x768"]), \
                f"page {window.navList.item(row).text()} needs a window of {needed.width()}×{needed.height()} px"
    finally:
        window.close()
        ws.close()


def test_every_page_of_the_provinces_window_fits(tmp_path: Path, qtbot: QtBot,
                                                 screen_fit: Callable[[QRect], ScreenFit]) -> None:
    from desktop.services.offices import initialise_office

    path = tmp_path / "province.sqlite3"
    initialise_office(path, county_code="220000", name="吉林省就业服务局", letter_prefix="吉人社劳协确", kind="province",
                      admin_username="admin", admin_password=DEMO_PASSWORD)
    screen_fit(SCREENS["1024x768"])
    ws = sign_in(path, "admin", DEMO_PASSWORD)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    try:
        for row in range(window.navList.count()):
            window.navList.setCurrentRow(row)
            QApplication.processEvents()
            needed = needed_size(window)
            assert fits(needed, SCREENS["1024x768"]), \
                f"page {window.navList.item(row).text()} needs a window of {needed.width()}×{needed.height()} px"
    finally:
        window.close()
        ws.close()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_main_window_opens_within_the_screen(screen: str, demo_ws: Workspace, qtbot: QtBot) -> None:
    area = SCREENS[screen]
    window = MainWindow(demo_ws)
    qtbot.addWidget(window)
    assert window.size() == QSize(1180, 720)  # the form's size: too big for either screen with its frame
    fit_window(window, area)
    assert window.isMaximized()  # the window manager gives it the whole screen, frame and all
    assert window.width() <= area.width() and window.height() <= area.height()


def test_a_dialog_too_big_for_the_screen_shrinks_and_moves_inside(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setMinimumSize(300, 200)
    dialog.resize(1040, 900)
    dialog.move(500, 400)
    area = SCREENS["1024x768"]
    fit_window(dialog, area)
    assert dialog.size() == QSize(1024 - FRAME.width(), 728 - FRAME.height())
    client_fits(dialog, area)
    small = QDialog()
    qtbot.addWidget(small)
    small.resize(400, 300)
    small.move(900, 600)
    fit_window(small, area)
    assert small.size() == QSize(400, 300)  # never grown
    client_fits(small, area)


def test_a_dialog_opens_over_its_window_even_from_a_hidden_page(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QStackedWidget

    owner = QMainWindow()
    qtbot.addWidget(owner)
    pages = QStackedWidget(owner)
    owner.setCentralWidget(pages)
    shown, hidden = QWidget(), QWidget()
    pages.addWidget(shown)
    pages.addWidget(hidden)
    owner.setGeometry(100, 50, 800, 600)
    owner.show()
    dialog = QDialog(hidden)  # e.g. the keys dialog of the 报送批次 page, opened from elsewhere
    qtbot.addWidget(dialog)
    dialog.resize(400, 300)
    fit_window(dialog, SCREENS["1366x768"])
    center = QRect(dialog.pos(), dialog.size() + FRAME).center()
    assert abs(center.x() - owner.frameGeometry().center().x()) <= 1
    assert abs(center.y() - owner.frameGeometry().center().y()) <= 1


def test_a_cut_off_cell_shows_its_whole_text_in_a_tooltip(qtbot: QtBot, screen_fit: Callable[[QRect], ScreenFit],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent, QStandardItem, QStandardItemModel

    screen_fit(SCREENS["1024x768"])
    model = QStandardItemModel(2, 1)
    model.setItem(0, 0, QStandardItem(LONG_TEXT))
    model.setItem(1, 0, QStandardItem("延吉"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setColumnWidth(0, 120)
    view.show()
    assert not view.wordWrap()  # one line a row, elided
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))

    def hover(row: int) -> None:
        pos = view.visualRect(model.index(row, 0)).center()
        QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))

    hover(1)
    assert shown == []  # it fits: no tooltip
    hover(0)
    assert shown == [LONG_TEXT]
    model.item(0, 0).setToolTip("名称和地址")
    shown.clear()
    hover(0)
    assert shown == []  # the model's own tooltip wins (Qt shows it)


def test_the_part_above_a_table_shows_whole_then_gives_way_to_a_drag(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

    from desktop.ui.screen import split_above

    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    conclusion = QLabel("认定结论\n" * 12)
    layout.addWidget(conclusion)
    buttons = QPushButton("提交审核")
    layout.addWidget(buttons)
    table = QTableView()
    table.setMinimumHeight(120)
    layout.addWidget(table)
    splitter = split_above(layout, 0, buttons, table)
    page.resize(600, 700)
    page.show()
    qtbot.waitUntil(lambda: splitter.sizes()[0] >= conclusion.sizeHint().height())  # whole while there is room
    page.resize(600, 300)
    qtbot.waitUntil(lambda: table.height() >= 120 and splitter.sizes()[0] < conclusion.sizeHint().height())
    assert buttons.isVisible()
    assert buttons.mapTo(page, buttons.rect().bottomLeft()).y() < table.mapTo(page, table.rect().topLeft()).y()
    splitter.setSizes([40, 260])
    splitter.splitterMoved.emit(40, 1)  # as the clerk's drag says
    page.resize(600, 320)
    QApplication.processEvents()
    QApplication.processEvents()
    assert splitter.sizes()[0] < conclusion.sizeHint().height() / 2  # near where the clerk put it, not whole again
