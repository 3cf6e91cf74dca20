"""劳务协作协议 from the settings page: record and end an agreement, and see which counties count on a day."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from desktop.services import agreements as agreement_service
from desktop.services.workspace import Workspace
from desktop.ui.agreements_dialog import AgreementsDialog
from desktop.ui.widgets import select_data
from tests.ui.test_main_window import open_window

pytestmark = pytest.mark.gui


def row_of(dialog: AgreementsDialog, county_label: str) -> list[str]:
    table = dialog.table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == county_label:
            return [table.item(row, c).text() for c in range(table.columnCount())]
    raise AssertionError(f"{county_label} not in the table")


def open_from_settings(qtbot: QtBot, ws: Workspace) -> AgreementsDialog:
    window = open_window(qtbot, ws)
    window.navList.setCurrentRow(window.pages.indexOf(window.settingsPage))
    assert window.settings.agreementsButton.isEnabled()  # everyone may look
    qtbot.mouseClick(window.settings.agreementsButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(AgreementsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_record_and_end_an_agreement(qtbot: QtBot, admin_ws: Workspace) -> None:
    dialog = open_from_settings(qtbot, admin_ws)
    assert row_of(dialog, "汪清县（222424）") == ["汪清县（222424）", "（省厅名单，未登记协议）", "", "按省厅名单计入"]
    assert row_of(dialog, "延吉市（222401）")[3] == "本地，不计入"
    assert not dialog.addButton.isEnabled()

    select_data(dialog.countyCombo, "222424")
    dialog.referenceEdit.setText("延吉—汪清劳务协作协议〔2026〕1号")
    dialog.startsEdit.setDate(QDate(2026, 3, 1))
    dialog.endsEdit.setDate(QDate(2026, 6, 30))
    dialog.dayEdit.setDate(QDate(2026, 6, 30))  # the last day: in force
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert row_of(dialog, "汪清县（222424）") == [
        "汪清县（222424）", "延吉—汪清劳务协作协议〔2026〕1号", "2026-03-01至2026-06-30", "协议有效，计入"]
    dialog.dayEdit.setDate(QDate(2026, 7, 1))  # one day after
    assert row_of(dialog, "汪清县（222424）")[3] == "协议已到期，不计入"

    dialog.codeEdit.setText("231084")  # outside Jilin, open-ended
    dialog.referenceEdit.setText("宁安协议")
    dialog.openEndCheck.setChecked(True)
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert row_of(dialog, "黑龙江省牡丹江市宁安市（231084）")[2:] == ["2026-03-01至长期", "协议有效，计入"]

    dialog.referenceEdit.setText("重叠的协议")  # 宁安 again, from 2026-03-01: overlaps
    dialog.codeEdit.setText("231084")
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert "期限重叠" in dialog.problemLabel.text()

    table = dialog.table
    table.selectRow(next(r for r in range(table.rowCount()) if table.item(r, 0).text().endswith("（231084）")))
    dialog.lastDayEdit.setDate(QDate(2026, 6, 30))
    assert dialog.endButton.isEnabled()
    qtbot.mouseClick(dialog.endButton, Qt.MouseButton.LeftButton)
    assert dialog.problemLabel.text() == ""
    assert row_of(dialog, "黑龙江省牡丹江市宁安市（231084）")[2:] == ["2026-03-01至2026-06-30", "协议已到期，不计入"]
    ends = [(r.county_code, r.ends) for r in agreement_service.list_agreements(admin_ws)]
    assert ends == [("222424", "2026-06-30"), ("231084", "2026-06-30")]
    assert admin_ws.store.audit_entries(1)[0]["action"] == "agreement.end"


def test_a_clerk_sees_the_table_read_only(qtbot: QtBot, workspace: Workspace, admin_ws: Workspace) -> None:
    agreement_service.add_agreement(admin_ws, "222424", "协议", date(2026, 1, 1))
    dialog = open_from_settings(qtbot, workspace)
    assert not dialog.addGroup.isEnabled() and not dialog.endGroup.isEnabled()
    assert dialog.addGroup.toolTip() == "当前用户（经办人）无权修改本单位设置"
    assert row_of(dialog, "汪清县（222424）")[1] == "协议"
