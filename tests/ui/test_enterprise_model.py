"""The enterprise table model: a paged window onto the database query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.pinyin_order import enterprise_sort_key
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.ui import enterprise_model
from desktop.ui.enterprise_model import ID_ROLE, Column, EnterpriseModel

pytestmark = pytest.mark.gui


def cell(model: EnterpriseModel, row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.data(model.index(row, column), role)


def test_passes_the_model_tester(
    qtmodeltester: ModelTester, workspace: Workspace, enterprises: list[Enterprise]
) -> None:
    model = EnterpriseModel(workspace)
    qtmodeltester.check(model)
    model.set_search("长白山")
    qtmodeltester.check(model)


def test_an_empty_office_passes_the_model_tester(qtmodeltester: ModelTester, workspace: Workspace) -> None:
    qtmodeltester.check(EnterpriseModel(workspace))


def test_columns_show_what_the_clerk_needs(workspace: Workspace, enterprises: list[Enterprise]) -> None:
    model = EnterpriseModel(workspace)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == ["企业名称", "统一社会信用代码", "所在地", "行业", "职工总数", "企业规模", "联系人", "联系电话"]
    rows = {cell(model, r, Column.NAME): r for r in range(model.rowCount())}
    food = rows["延吉市长白山食品有限公司"]
    assert cell(model, food, Column.USCC) == enterprises[0].uscc
    assert cell(model, food, Column.COUNTY) == "延吉市"
    assert cell(model, food, Column.INDUSTRY) == "工业"
    assert cell(model, food, Column.STAFF) == "60"
    assert cell(model, food, Column.SIZE) == "小型"
    assert "为小型企业" in cell(model, food, Column.SIZE, Qt.ItemDataRole.ToolTipRole)
    assert cell(model, food, Column.CONTACT) == "朴成浩"
    assert cell(model, food, Column.PHONE) == "139****5678"  # masked (个人信息保护法)
    assert cell(model, food, Column.NAME, ID_ROLE) == enterprises[0].id
    assert cell(model, rows["延吉市金达莱超市有限公司"], Column.SIZE) == "中型（手工）"
    assert cell(model, rows["延吉市北山冷面餐饮有限公司"], Column.SIZE) == "微型（手工）"


def test_unsized_when_the_standard_cannot_tell(
    workspace: Workspace, enterprises: list[Enterprise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enterprise_model, "enterprise_size", lambda ws, e: None)
    model = EnterpriseModel(workspace)
    assert {cell(model, r, Column.SIZE) for r in range(model.rowCount())} == {"未划型"}


def test_fetches_in_pages(
    workspace: Workspace, enterprises: list[Enterprise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enterprise_model, "PAGE_SIZE", 3)
    model = EnterpriseModel(workspace)
    assert (model.rowCount(), model.total) == (3, 4)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 4
    assert not model.canFetchMore(QModelIndex())


def test_row_of_fetches_until_found(
    workspace: Workspace, enterprises: list[Enterprise], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(enterprise_model, "PAGE_SIZE", 1)
    model = EnterpriseModel(workspace)
    last = max(enterprises, key=lambda e: enterprise_sort_key(e.name))  # the list is in pinyin order
    assert model.row_of(last.id) == 3
    assert model.row_of(10_000) is None


def test_search_is_a_query(
    workspace: Workspace, enterprises: list[Enterprise], make_draft: Callable[..., EnterpriseDraft],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for serial in range(10, 16):
        add_enterprise(workspace, make_draft(serial))
    monkeypatch.setattr(enterprise_model, "PAGE_SIZE", 2)
    model = EnterpriseModel(workspace)
    model.set_search("测试企业")
    assert model.total == 6  # counted in the database, not among the fetched rows
    assert model.rowCount() == 2
    model.set_search(enterprises[1].uscc[-6:].lower())
    assert [cell(model, r, Column.NAME) for r in range(model.rowCount())] == [enterprises[1].name]
