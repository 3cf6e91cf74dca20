"""What the whole window shares: the enterprise the clerk works on, and one change signal for every page."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.enterprise import Enterprise
from desktop.services import reviews
from desktop.services.workspace import Workspace
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def show_page(window: MainWindow, page: Any) -> None:
    window.navList.setCurrentRow(window.pages.indexOf(page))


def test_the_selected_enterprise_follows_from_page_to_page(qtbot: QtBot, open_window: Any, workspace: Workspace,
                                                           enterprises: list[Enterprise]) -> None:
    window: MainWindow = open_window(workspace)
    second = enterprises[1]
    window.enterpriseTable.selectRow(window.model.row_of(second.id))
    show_page(window, window.rosterPage)
    assert window.roster.enterprise is not None and window.roster.enterprise.id == second.id
    show_page(window, window.reviewPage)
    assert window.review.enterprise is not None and window.review.enterprise.id == second.id

    third = enterprises[2]
    assert window.review.select_enterprise(third.id)  # chosen on the 审核 page
    show_page(window, window.rosterPage)
    assert window.roster.enterprise is not None and window.roster.enterprise.id == third.id
    show_page(window, window.enterprisePage)
    rows = window.enterpriseTable.selectionModel().selectedRows()
    assert rows and window.model.enterprise(rows[0].row()).id == third.id


def test_a_change_on_one_page_shows_on_the_others(qtbot: QtBot, open_window: Any, workspace: Workspace,
                                                  enterprises: list[Enterprise]) -> None:
    window: MainWindow = open_window(workspace)
    first = enterprises[0]
    show_page(window, window.rosterPage)
    assert window.roster.select_enterprise(first.id)
    show_page(window, window.reviewPage)
    assert window.review.application_id is None
    with qtbot.waitSignal(window.events.changed, timeout=5_000) as blocker:
        dialog = window.review.open_application_dialog(new=True)
        assert dialog is not None
        for key, text in {"legal_representative": "金明", "amount_wan": "80", "term_months": "12",
                          "purpose": "周转", "guarantee": "信用"}.items():
            dialog.set_value(key, text)
        assert dialog.save()
    assert blocker.args == ["application", first.id]
    dialog.close()
    app_id = window.review.application_id
    assert app_id is not None

    # A change the 审核 page did not make (another page, a task) reaches it through the window.
    reviews.set_evidence(workspace, app_id, contracts=True, wages=False)
    window.events.changed.emit("application", first.id)
    assert window.review.workflow.contractsCheck.isChecked()


def test_a_disabled_button_says_why_in_the_status_line(qtbot: QtBot, open_window: Any, workspace: Workspace,
                                                       enterprises: list[Enterprise]) -> None:
    window: MainWindow = open_window(workspace)
    show_page(window, window.reviewPage)
    assert window.review.select_enterprise(enterprises[0].id)
    button = window.review.formButton
    assert not button.isEnabled() and button.toolTip() == "该企业尚未登记贷款申请"
    QApplication.sendEvent(button, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))
    assert window.statusbar.currentMessage() == "该企业尚未登记贷款申请"
    QApplication.sendEvent(button, QEvent(QEvent.Type.Leave))
    assert window.statusbar.currentMessage() == ""


def said_why(widget: QWidget) -> bool:
    """A tooltip on the widget or, as Qt shows it, on the nearest parent that has one."""
    while widget is not None:
        if widget.toolTip():
            return True
        widget = widget.parentWidget()
    return False


def test_every_disabled_button_on_every_page_says_why(qtbot: QtBot, open_window: Any, workspace: Workspace,
                                                      enterprises: list[Enterprise]) -> None:
    window: MainWindow = open_window(workspace)
    silent: list[str] = []
    for row in range(window.navList.count()):
        window.navList.setCurrentRow(row)
        page = window.pages.currentWidget()
        for button in page.findChildren(QAbstractButton):
            if button.isVisibleTo(window) and not button.isEnabled() and not said_why(button) \
                    and not isinstance(button.parent(), QTabBar):
                silent.append(f"{window.navList.item(row).text()}: {button.text() or button.objectName()}")
    assert not silent, silent
