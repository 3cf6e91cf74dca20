"""Phones masked in the list; shown in full row by row for a permitted user, and logged."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.enterprise_model import Column
from desktop.ui.main_window import MainWindow
from desktop.ui.masking import UnmaskedRows

pytestmark = pytest.mark.gui

OpenWindow = Callable[[Workspace], MainWindow]


def phones(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.PHONE).data() for r in range(window.model.rowCount())]


def phone_action(window: MainWindow, row: int) -> Any:
    menu = window.table_menu(row)
    [action] = [a for a in menu.actions() if a.text() == "显示完整电话"]
    return menu, action


def test_an_approver_sees_one_full_phone_and_it_is_logged(
    qtbot: QtBot, open_window: OpenWindow, approver_ws: Workspace, enterprises: list[Any]
) -> None:
    window = open_window(approver_ws)
    assert phones(window) == ["139****5678"] * 4
    row = window.model.row_of(enterprises[2].id)
    assert row is not None
    menu, action = phone_action(window, row)
    assert action.isEnabled() and action.toolTip() == "查看会记入操作日志"
    action.trigger()
    shown = phones(window)
    assert shown[row] == "13912345678" and shown.count("139****5678") == 3
    entry = approver_ws.store.audit_entries(1)[0]
    assert (entry["action"], entry["entity"], entry["entity_id"]) == ("pii.unmask", "enterprise",
                                                                     str(enterprises[2].id))
    assert json.loads(entry["detail"]) == {"purpose": "查看联系电话", "count": 1}
    assert "13912345678" not in entry["detail"]  # the log records who saw which row, not the number
    assert not phone_action(window, row)[1].isEnabled()  # already shown

    window.model.set_search("延吉")  # a new query: masked again
    assert phones(window) == ["139****5678"] * 4
    menu.deleteLater()


def test_a_clerk_is_offered_the_action_disabled_and_saying_why(
    open_window: OpenWindow, workspace: Workspace, enterprises: list[Any]
) -> None:
    window = open_window(workspace)
    _menu, action = phone_action(window, 0)
    assert not action.isEnabled()
    assert action.toolTip() == "当前用户（经办人）无权查看完整身份证号码和电话"
    with pytest.raises(ServiceError) as refused:  # the service refuses anyway
        window.model.show_full_phone(0)
    assert refused.value.code == "forbidden"
    assert phones(window) == ["139****5678"] * 4
    assert workspace.store.audit_entries(1)[0]["action"] != "pii.unmask"


def test_a_row_without_a_phone_has_nothing_to_show(
    open_window: OpenWindow, approver_ws: Workspace, workspace: Workspace, make_draft: Any
) -> None:
    from desktop.services.enterprises import add_enterprise

    add_enterprise(workspace, make_draft(9, contact_phone=""))
    window = open_window(approver_ws)
    _menu, action = phone_action(window, 0)
    assert not action.isEnabled() and action.toolTip() == "没有登记联系电话"


def test_unmasked_rows_is_reusable_for_other_tables(approver_ws: Workspace) -> None:
    rows = UnmaskedRows("person")
    mask = lambda number: number[:6] + "********" + number[-4:]  # noqa: E731
    assert rows.text(7, "222401199001011234", mask) == "222401********1234"
    rows.reveal(approver_ws, [7, 7], "核对名册")
    assert 7 in rows and len(rows) == 1
    assert rows.text(7, "222401199001011234", mask) == "222401199001011234"
    assert rows.text(8, "", mask) == ""
    entry = approver_ws.store.audit_entries(1)[0]
    assert (entry["entity"], entry["entity_id"]) == ("person", "7")
    rows.clear()
    assert 7 not in rows
