"""Fixtures for the window tests: a filled office database, and a check
that every test closes the windows it opened."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.identifiers import uscc_check_char
from desktop.core.size import EnterpriseSize
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace


def make_uscc(serial: int, county: str = "222401") -> str:
    first17 = f"91{county}{serial:09d}"
    return first17 + uscc_check_char(first17)


def draft(serial: int, **changes: Any) -> EnterpriseDraft:
    """A valid enterprise (工业, small), changed by keyword."""
    values: dict[str, Any] = dict(
        name=f"延吉市测试企业{serial:03d}有限公司", uscc=make_uscc(serial), county_code="222401",
        industry="industry", staff_total=60, revenue_wan=1200.0, assets_wan=900.0,
        contact_name="金明", contact_phone="13912345678", address="延吉市河南街1号",
    )
    values.update(changes)
    return EnterpriseDraft(**values)


@pytest.fixture
def make_draft() -> Callable[..., EnterpriseDraft]:
    return draft


@pytest.fixture
def enterprises(workspace: Workspace) -> list[Enterprise]:
    """Four enterprises: two sized by the standard, two by hand (one without revenue and assets)."""
    return [
        add_enterprise(workspace, draft(1, name="延吉市长白山食品有限公司", contact_name="朴成浩")),
        add_enterprise(workspace, draft(2, name="延吉市图们江物流有限公司", industry="transport")),
        add_enterprise(workspace, draft(3, name="延吉市金达莱超市有限公司", industry="retail",
                                        size_override=EnterpriseSize.MEDIUM, size_reason="按省开行客户评级")),
        add_enterprise(workspace, draft(4, name="延吉市北山冷面餐饮有限公司", industry="hospitality",
                                        staff_total=12, revenue_wan=None, assets_wan=None,
                                        size_override=EnterpriseSize.MICRO, size_reason="个体转企")),
    ]


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type as a clerk does: ASCII as key presses, Chinese as an input method commits it.

    (QTest can only press keys for ASCII characters.)
    """
    for ascii_run, chars in groupby(text, key=str.isascii):
        run = "".join(chars)
        if ascii_run:
            qtbot.keyClicks(widget, run)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(run)
            QApplication.sendEvent(widget, event)


@pytest.fixture
def typist(qtbot: QtBot) -> Callable[[QWidget, str], None]:
    """``typist(widget, "延吉人社劳协确")`` types into the widget."""
    return lambda widget, text: type_text(qtbot, widget, text)


class MessageBoxes:
    """Records QMessageBox.critical / warning / question calls instead of showing them."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []  # critical
        self.warned: list[tuple[str, str]] = []
        self.asked: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes  # what question() answers

    def critical(self, _parent: object, title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    def warning(self, _parent: object, title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.warned.append((title, text))
        return QMessageBox.StandardButton.Ok

    def question(self, _parent: object, title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        self.asked.append((title, text))
        return self.answer


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()
    monkeypatch.setattr(QMessageBox, "critical", boxes.critical)
    monkeypatch.setattr(QMessageBox, "warning", boxes.warning)
    monkeypatch.setattr(QMessageBox, "question", boxes.question)
    return boxes


@pytest.fixture
def open_window(qtbot: QtBot) -> Callable[[Workspace], Any]:
    """``open_window(ws)``: the main window for ``ws``, shown, closed by qtbot after the test."""
    from desktop.ui.main_window import MainWindow

    def opened(workspace: Workspace) -> MainWindow:
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        window.show()
        return window

    return opened


@pytest.fixture(autouse=True)
def _no_leaked_windows(qapp: QApplication) -> Iterator[None]:
    """Set up before qtbot, so this runs after qtbot has closed its widgets."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    for widget in leaked:
        widget.close()
        widget.deleteLater()
    assert not leaked, f"windows left open: {[type(w).__name__ for w in leaked]}"
    # A closed window waits for its background work (TaskRunner.shutdown): no worker may outlive it.
    workers = [t.name for t in threading.enumerate() if t.name.startswith("laoxie-")]
    assert not workers, f"background workers left running: {workers}"
