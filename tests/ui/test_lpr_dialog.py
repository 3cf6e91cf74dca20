"""LPR 利率表 from the settings page: an admin adds a newly published rate and removes an office typo,
each after confirming; the shipped rates cannot be removed; a clerk only looks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop.services import lpr as lpr_service
from desktop.services.eligibility import current_rules
from desktop.services.workspace import Workspace
from desktop.ui.lpr_dialog import LprDialog
from tests.ui.test_main_window import open_window

pytestmark = pytest.mark.gui


def open_from_settings(qtbot: QtBot, ws: Workspace) -> LprDialog:
    window = open_window(qtbot, ws)
    window.navList.setCurrentRow(window.pages.indexOf(window.settingsPage))
    assert window.settings.lprButton.isEnabled()  # everyone may look
    qtbot.mouseClick(window.settings.lprButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(LprDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def rows(dialog: LprDialog) -> list[list[str]]:
    table = dialog.table
    return [[cell.text() if (cell := table.item(r, c)) else "" for c in range(4)] for r in range(table.rowCount())]


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return button
    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_add_and_remove_a_rate(qtbot: QtBot, admin_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_from_settings(qtbot, admin_ws)
    shipped = len(lpr_service.shipped_lpr().rates)
    assert len(rows(dialog)) == shipped and rows(dialog)[0] == ["2025-05-20", "3.00", "3.50", "随程序发布"]
    assert not dialog.addButton.isEnabled() and "1年期" in dialog.addButton.toolTip()
    assert not dialog.removeButton.isEnabled() and dialog.removeButton.toolTip()
    dialog.table.selectRow(0)  # a shipped rate
    assert not dialog.removeButton.isEnabled() and "不能删除" in dialog.removeButton.toolTip()

    dialog.dayEdit.setDate(QDate(2026, 6, 22))
    dialog.oneYearEdit.setText("2.90")
    dialog.fiveYearEdit.setText("3.40")
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "2026-06-22" in asked[0] and len(rows(dialog)) == shipped  # declined: nothing
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert rows(dialog)[0] == ["2026-06-22", "2.90", "3.40", f"本单位添加（{admin_ws.actor.shown_name}）"]
    assert current_rules(admin_ws).lpr.on(date(2026, 6, 22)).one_year == Decimal("2.90")  # type: ignore[union-attr]

    # the same date again: refused, said in the dialog
    dialog.oneYearEdit.setText("2.80")
    dialog.fiveYearEdit.setText("3.30")
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert "不能重复添加" in dialog.problemLabel.text() and len(rows(dialog)) == shipped + 1
    dialog.dayEdit.setDate(QDate(2026, 7, 22))
    dialog.oneYearEdit.setText("29")
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert "不合常理" in dialog.problemLabel.text() and len(rows(dialog)) == shipped + 1

    dialog.table.selectRow(0)  # the office's rate
    assert dialog.removeButton.isEnabled()
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(dialog.removeButton, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and len(rows(dialog)) == shipped + 1
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.removeButton, Qt.MouseButton.LeftButton)
    assert len(rows(dialog)) == shipped and rows(dialog)[0][0] == "2025-05-20"
    assert dialog.problemLabel.text() == ""


def test_a_clerk_sees_the_table_read_only(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = open_from_settings(qtbot, workspace)
    assert len(rows(dialog)) == len(lpr_service.shipped_lpr().rates)
    for widget in (dialog.addButton, dialog.removeButton):
        assert not widget.isEnabled() and "无权修改本单位设置" in widget.toolTip()
    assert dialog.add_rate() is False
