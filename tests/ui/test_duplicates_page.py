"""重复人员 on a large province (20,000 employments, ~3,000 pairs, 500 identity conflicts): both lists
come a page at a time as the officer scrolls; the ruling filter, the county filter and a click on a
column's header query the database again; a ruling and a settled identity keep the officer where
they were and the counts right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.services.accounts import sign_in
from desktop.store import Store
from desktop.store import province as sp
from desktop.ui import duplicates_model
from tests.batches import factory
from tests.batches.factory import PASSWORD
from tests.services import province_big

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> province_big.Big:
    path = factory.province_db(tmp_path_factory.mktemp("big") / "province.sqlite3")
    return province_big.build(path, employments=20_000, twice=30, conflicts=500)


@pytest.fixture
def big(big_file: province_big.Big, tmp_path: Path) -> province_big.Big:
    """A copy for each test: the tests rule and settle."""
    path = tmp_path / "province.sqlite3"
    with Store.open(big_file.path, create=False) as source:
        source.conn.execute("VACUUM INTO ?", (str(path),))
    return province_big.Big(path, big_file.employments, big_file.pairs, big_file.ruled, big_file.conflicts)


def click_header(qtbot: QtBot, page: Any, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_the_lists_come_a_page_at_a_time(qtbot: QtBot, big: province_big.Big,
                                         open_window: Callable[[Any], Any]) -> None:
    window = open_window(sign_in(big.path, "approver", PASSWORD))
    window.resize(1024, 768)
    window.navList.setCurrentRow(window.pages.indexOf(window.duplicates_page))
    page = window.duplicates_page
    model, conflicts = page.model, page.conflict_model
    assert model.rowCount() == duplicates_model.PAGE and model.total == big.pairs and model.canFetchMore()
    assert conflicts.rowCount() == duplicates_model.PAGE and conflicts.total == big.conflicts
    label = page.summaryLabel.text()
    assert f"{big.pairs} 人次" in label and f"未裁定 {big.pairs - big.ruled}" in label and f"{big.conflicts} 人" in label
    assert page.noticeButton.isEnabled()
    page.table.scrollToBottom()  # the view asks for the next page as it reaches the end
    qtbot.waitUntil(lambda: model.rowCount() >= 2 * duplicates_model.PAGE)
    with Store.open(big.path, create=False) as store:
        whole = [d.key for d in sp.duplicates(store)]
    assert [model.row(r).key for r in range(model.rowCount())] == whole[:model.rowCount()]

    page.stateCombo.setCurrentIndex(page.stateCombo.findData("open"))
    assert model.total == big.pairs - big.ruled and model.rowCount() == duplicates_model.PAGE
    assert all(model.index(r, 2).data() == "未裁定" for r in range(model.rowCount()))
    assert "筛选出" in page.summaryLabel.text()

    click_header(qtbot, page, 0)  # 姓名: ordered by the database, over every page
    assert model.query.sort == "name" and not model.query.descending
    click_header(qtbot, page, 0)
    assert model.query.descending
    with Store.open(big.path, create=False) as store:
        expected = [d.key for d in sp.duplicates(store, sp.DuplicateQuery(state="open", sort="name",
                                                                          descending=True), limit=5)]
    assert [model.row(r).key for r in range(5)] == expected
    click_header(qtbot, page, 5)  # 甲：合同 cannot be ordered: the order in force stays
    assert model.query.sort == "name" and page.table.horizontalHeader().sortIndicatorSection() == 0

    page.countyCombo.setCurrentIndex(page.countyCombo.findData("222403"))
    assert 0 < model.total < big.pairs - big.ruled
    assert all("222403" in (model.row(r).a.county_code, model.row(r).b.county_code) for r in range(model.rowCount()))


def test_a_ruling_and_a_settled_identity_keep_the_officer_where_they_were(
        qtbot: QtBot, big: province_big.Big, open_window: Callable[[Any], Any]) -> None:
    window = open_window(sign_in(big.path, "approver", PASSWORD))
    window.resize(1024, 768)
    window.navList.setCurrentRow(window.pages.indexOf(window.duplicates_page))
    page = window.duplicates_page
    model = page.model
    page.stateCombo.setCurrentIndex(page.stateCombo.findData("open"))
    model.fetchMore()
    row = duplicates_model.PAGE + 10  # on the second page
    chosen, following = model.row(row), model.row(row + 1)
    page.table.selectRow(row)
    dialog = page.open_ruling_dialog()
    assert dialog is not None
    dialog.reasonEdit.setPlainText("经核实，乙企业的合同晚于甲企业")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    # ruled, it leaves the 未裁定 list; the rows around it stay as they were
    assert model.rowCount() == 2 * duplicates_model.PAGE - 1 and model.row(row).key == following.key
    assert model.total == big.pairs - big.ruled - 1
    assert f"未裁定 {big.pairs - big.ruled - 1}" in page.summaryLabel.text()
    model.fetchMore()  # the next page starts where the query now has it: nothing skipped, nothing twice
    with Store.open(big.path, create=False) as store:
        expected = [d.key for d in sp.duplicates(store, sp.DuplicateQuery(state="open"))][:model.rowCount()]
        assert sp.duplicates(store, key=chosen.key)[0].ruling is not None
    assert [model.row(r).key for r in range(model.rowCount())] == expected

    page.stateCombo.setCurrentIndex(page.stateCombo.findData(""))
    model.fetchMore()
    ruled_row = next(r for r in range(model.rowCount()) if model.row(r).key == chosen.key)
    page.table.selectRow(ruled_row)
    dialog = page.open_ruling_dialog()
    assert dialog is not None
    dialog.rulingCombo.setCurrentIndex(dialog.rulingCombo.findData("not_duplicate"))
    dialog.reasonEdit.setPlainText("两家企业轮班，均足额发放工资")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert model.row(ruled_row).key == chosen.key and model.index(ruled_row, 2).data().startswith("不属于重复")

    conflicts = page.conflict_model
    conflicts.fetchMore()
    settled, after = conflicts.row(250), conflicts.row(251)
    page.conflicts.selectRow(250)
    assert page.settleButton.isEnabled()
    page.settle(settled, "金成哲", "与两县电话核对")
    assert conflicts.row(250).id == after.id and conflicts.total == big.conflicts - 1
    assert f"身份不一致 {big.conflicts - 1} 人" in page.summaryLabel.text()
    while conflicts.canFetchMore():
        conflicts.fetchMore()
    with Store.open(big.path, create=False) as store:
        open_ids = [c.id for c in sp.identity_conflicts(store)]
    assert [conflicts.row(r).id for r in range(conflicts.rowCount())] == open_ids and settled.id not in open_ids


def test_settling_with_no_answer_asks_again_and_keeps_the_choice(
        qtbot: QtBot, big: province_big.Big, open_window: Callable[[Any], Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """核实身份: an empty 如何核实的 is asked again (the name chosen kept), not refused with a message
    after which the officer selects the row and starts over; 取消 there settles nothing."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    window = open_window(sign_in(big.path, "approver", PASSWORD))
    window.navList.setCurrentRow(window.pages.indexOf(window.duplicates_page))
    page = window.duplicates_page
    conflicts = page.conflict_model
    answers = iter([("", True), ("  ", True), ("与两县电话核对", True)])
    asked: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("金成哲", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda _p, _t, label, *a, **k: (asked.append(label), next(answers))[1])
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: errors.append(text))
    first = conflicts.row(0)
    page.conflicts.selectRow(0)
    page.settleButton.click()
    assert errors == [] and len(asked) == 3 and "不能为空" in asked[1]
    assert conflicts.total == big.conflicts - 1 and conflicts.row(0).id != first.id
    with Store.open(big.path, create=False) as store:
        [settled] = sp.identity_conflicts(store, open_only=False, conflict_id=first.id)
    assert (settled.settled_name, settled.settled_reason) == ("金成哲", "与两县电话核对")

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))  # 取消
    page.conflicts.selectRow(0)
    page.settleButton.click()
    assert errors == [] and conflicts.total == big.conflicts - 1
