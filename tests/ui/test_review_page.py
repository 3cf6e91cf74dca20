"""The 审核 page on the demo office: pick, see the decision and why, simulate, record, override."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.decision import DuplicateChoice, Result
from desktop.core.size import EnterpriseSize
from desktop.services import eligibility as eligibility_service
from desktop.services import policy as policy_service
from desktop.services.accounts import sign_in
from desktop.services.demo import build_demo
from desktop.services.workspace import Workspace
from desktop.ui.decision_view import WorkerColumn, WorkerFilter
from desktop.ui.main_window import MainWindow
from desktop.ui.override_dialog import OverrideDialog
from desktop.ui.paired_areas_dialog import PairedAreasDialog
from desktop.ui.review_details import DuplicateColumn
from desktop.ui.review_page import ReviewPage
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui

REVIEW = date(2026, 6, 30)  # the demo is built around this day, so the results below stay fixed
# At REVIEW: small, 63 staff, 7 of 10 counted, 1 priority worker: passes the reduced standard (10×0.5=5).
LOGISTICS = "延吉市图们江物流有限公司"
# At REVIEW: micro, 15 staff, 3 counted: passes by share only (20% ≥ 15%).
GINSENG = "延吉市安图人参制品有限公司"
ENTERPRISES = 22  # 20 under review and the two the demo followed from their rosters to their loans
MASKED = re.compile(r"^[0-9]{6}\*{8}[0-9]{3}[0-9X]$")

Typist = Callable[[QWidget, str], None]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo office per module (built with a cheap password hash), copied for each test."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("desktop.core.passwords.N", 2**8)
        build_demo(path, password=PASSWORD, today=REVIEW)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.sqlite3"
    source, target = sqlite3.connect(demo_template), sqlite3.connect(copy)
    try:  # through SQLite: never copy a live file's -wal and -shm by hand
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


def _signed_in(path: Path, user: str) -> Iterator[Workspace]:
    ws = sign_in(path, user, PASSWORD)
    yield ws
    ws.close()


@pytest.fixture
def clerk(demo_db: Path) -> Iterator[Workspace]:
    yield from _signed_in(demo_db, "clerk")


@pytest.fixture
def approver(demo_db: Path) -> Iterator[Workspace]:
    yield from _signed_in(demo_db, "approver")


@pytest.fixture
def admin(demo_db: Path) -> Iterator[Workspace]:
    yield from _signed_in(demo_db, "admin")


def open_page(qtbot: QtBot, ws: Workspace, enterprise: str | None = LOGISTICS) -> ReviewPage:
    page = ReviewPage(ws)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    page.reviewDateEdit.setDate(QDate(REVIEW.year, REVIEW.month, REVIEW.day))
    if enterprise is not None:
        select(page, enterprise)
    return page


def select(page: ReviewPage, name: str) -> None:
    model = page.enterprises
    row = next(r for r in range(model.rowCount()) if model.enterprise(r).name == name)
    page.enterpriseList.setCurrentIndex(model.index(row, 0))
    assert page._enterprise is not None and page._enterprise.name == name  # noqa: SLF001


def decisions(ws: Workspace) -> int:
    return int(ws.store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0])


def shown_version(page: ReviewPage) -> str:
    return page.rulesetValue.text().replace("\u200b", "")


# -- seeing a decision ----------------------------------------------------------------------


def test_selecting_an_enterprise_shows_its_decision(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk)
    app_id = page.application_id
    assert app_id is not None and page.applicationCombo.currentText().startswith(f"第 {app_id} 号")
    expected = eligibility_service.check_application(clerk, app_id, REVIEW)
    assert (expected.computed_result, expected.qualifying_count, expected.staff_total) == (Result.PASS, 7, 63)

    assert "通过" in page.resultLabel.text() and "#1b7f3b" in page.resultLabel.text()  # green
    assert page.resultDetailLabel.text() == "符合认定标准：人数和占比均达标（降低标准）"
    assert page.sourceLabel.text().startswith("当前计算结果（审核日期 2026-06-30），尚未记录")
    assert page.countsValue.text().startswith("职工总数 63 人，对口地区合格人员 7 人，占 ≈11.11%")
    standard = page.standardValue.text()
    assert standard.startswith("已适用降低标准（小型企业；触发条件：计入人员中有经核实的重点群体人员）")
    assert "10×0.5=5人" in standard and "15%×0.5=7.5%" in standard
    assert standard.endswith("正常标准为不少于 10 人或 15%，未达到")  # both standards, the reduced one applied
    assert page.priorityValue.text().startswith("是（计入的重点群体人员 1 人")
    assert shown_version(page) == expected.ruleset_version == eligibility_service.current_rules(clerk).version

    explanation = page.explanationText.toPlainText()
    assert "名册共10条，计入对口地区合格人员7人" in explanation
    assert "结论：符合认定标准（人数和占比均达标，降低标准）。" in explanation
    assert "提醒" in explanation  # the evidence checklist is not ticked in the demo

    model = page.workers
    assert model.rowCount() == 10 and page.detailTabs.tabText(0) == "人员名单（10）"
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["姓名", "身份证号", "户籍地", "重点群体", "合同", "是否计入", "原因"]
    ids = [model.index(r, WorkerColumn.ID).data() for r in range(model.rowCount())]
    assert all(MASKED.match(text) for text in ids), ids
    for row in range(model.rowCount()):
        outcome = model.outcome(row)
        assert model.index(row, WorkerColumn.COUNTED).data() == ("计入" if outcome.counted else "不计入")
        reason = model.index(row, WorkerColumn.REASON).data()
        assert bool(reason) or outcome.counted


def test_a_failing_decision_is_red_and_says_why(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk, "延吉市一心仓储有限公司")
    assert "不通过" in page.resultLabel.text() and "#b3261e" in page.resultLabel.text()
    assert page.resultDetailLabel.text() == "不符合认定标准：人数和占比均未达标（正常标准）"
    assert page.priorityValue.text() == "否（计入人员中没有经核实的重点群体人员）"


def test_the_worker_filter(qtbot: QtBot, clerk: Workspace, qtmodeltester: Any) -> None:
    page = open_page(qtbot, clerk)
    model = page.workers
    qtmodeltester.check(model)
    assert [page.workerFilterCombo.itemText(i) for i in range(3)] == ["全部", "计入", "未计入"]
    page.set_worker_filter(WorkerFilter.COUNTED)
    assert model.rowCount() == 7 and all(model.outcome(r).counted for r in range(7))
    assert page.workerCountLabel.text() == "名册 10 条：计入 7 人，未计入 3 条；显示 7 条"
    page.set_worker_filter(WorkerFilter.EXCLUDED)
    assert model.rowCount() == 3 and not any(model.outcome(r).counted for r in range(3))
    assert all(model.index(r, WorkerColumn.REASON).data() for r in range(3))
    page.set_worker_filter(WorkerFilter.ALL)
    assert model.rowCount() == 10


def test_the_review_date_changes_the_decision(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk)
    page.reviewDateEdit.setDate(QDate(2029, 1, 1))  # every fixed-term contract of the demo has ended
    assert "不通过" in page.resultLabel.text()
    assert page.sourceLabel.text().startswith("当前计算结果（审核日期 2029-01-01）")
    page.reviewDateEdit.setDate(QDate(2021, 1, 1))  # before the notice: refused, said on the page
    assert "早于认定规则的施行日期" in page.resultLabel.text()
    assert page.workers.rowCount() == 0 and not page.recordButton.isEnabled()


def test_search_narrows_the_enterprise_list(qtbot: QtBot, clerk: Workspace, typist: Typist) -> None:
    page = open_page(qtbot, clerk, None)
    assert page.enterprises.rowCount() == ENTERPRISES and page.enterpriseCountLabel.text() == f"共 {ENTERPRISES} 家企业"
    assert page.resultLabel.text().endswith("请在左侧选择企业</span>")
    typist(page.enterpriseSearchEdit, "人参")
    qtbot.waitUntil(lambda: page.enterprises.rowCount() == 1)
    assert page.enterprises.rowCount() == 1 and page.enterpriseCountLabel.text() == "找到 1 家企业"


def test_an_enterprise_without_application_is_only_a_trial(qtbot: QtBot, clerk: Workspace) -> None:
    without = clerk.store.conn.execute(
        "SELECT name FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM applications a"
        " WHERE a.enterprise_id = e.id) ORDER BY name LIMIT 1").fetchone()[0]
    page = open_page(qtbot, clerk, without)
    assert page.application_id is None and not page.applicationCombo.isEnabled()
    assert "尚未登记贷款申请" in page.applicationCombo.currentText()
    assert "尚未登记贷款申请" in page.applicationHintLabel.text() and page.newApplicationButton.isEnabled()
    assert not page.formButton.isEnabled() and page.formButton.toolTip() == "该企业尚未登记贷款申请"
    assert page.sourceLabel.text().startswith("按名册试算")
    assert page.workers.rowCount() > 0
    assert not page.recordButton.isEnabled() and "尚未登记贷款申请" in page.recordButton.toolTip()


# -- the what-if -------------------------------------------------------------------------------


def test_what_if_changes_the_shown_result_without_writing(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk, GINSENG)
    before_rows, before_tables = decisions(clerk), clerk.store.table_counts()
    header = page.resultLabel.text()
    assert "通过" in header and page.whatIfStaffSpin.value() == 15
    assert page.whatIfSizeCombo.currentText() == "按登记（微型）"
    assert page.whatIfGroup.title() == "模拟试算（不记录）"
    assert page.whatIfNoteLabel.text() == "这是模拟，不会记录，也不改变企业登记的信息。"
    assert page.whatIfNoteLabel.isVisible()

    page.whatIfStaffSpin.selectAll()
    qtbot.keyClicks(page.whatIfStaffSpin, "100")  # 3 of 100 is 3%: below 15%, and 3 < 5
    assert page.whatIfStaffSpin.value() == 100
    simulated = page.what_if_decision
    assert simulated is not None and simulated.computed_result is Result.FAIL and simulated.staff_total == 100
    text = page.whatIfResultLabel.text()
    assert text.startswith("模拟结果：") and "不通过" in text and "（与计算结论不同）" in text
    assert "合格 3 人，职工 100 人，占 3%" in text

    page.set_what_if(size=EnterpriseSize.LARGE, staff_total=20)  # large needs 40 or 10%: 3/20 = 15%
    simulated = page.what_if_decision
    assert simulated is not None and simulated.size is EnterpriseSize.LARGE
    assert simulated.computed_result is Result.PASS and "大型企业 ≥40 人或 ≥10%" in page.whatIfResultLabel.text()

    # the real decision on the page and in the database are untouched
    assert page.resultLabel.text() == header and page.countsValue.text().startswith("职工总数 15 人")
    assert decisions(clerk) == before_rows and clerk.store.table_counts() == before_tables
    page.whatIfResetButton.click()
    assert page.whatIfStaffSpin.value() == 15 and page.whatIfSizeCombo.currentIndex() == 0
    assert page.whatIfResultLabel.text().startswith("改变上面的数字即可试算")


# -- recording and overriding ------------------------------------------------------------------------


def test_record_decision_writes_one(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk)
    app_id = page.application_id
    assert app_id is not None and page.recordButton.isEnabled() and page.historyList.count() == 0
    before = decisions(clerk)
    qtbot.mouseClick(page.recordButton, Qt.MouseButton.LeftButton)
    assert decisions(clerk) == before + 1
    history = eligibility_service.decision_history(clerk, app_id)
    assert len(history) == 1 and history[0].decision.review_date == REVIEW
    assert page.historyList.count() == 1 and page.detailTabs.tabText(3) == "认定记录（1）"
    assert page.sourceLabel.text().startswith(f"已记录的认定结论：第 {history[0].id} 号")
    assert "金经办" in page.sourceLabel.text()
    assert page.actionStatusLabel.text() == f"已记录第 {history[0].id} 号认定结论：通过"
    assert page.liveButton.isVisible()
    assert "已记录 1 次" in page.applicationCombo.currentText()
    page.liveButton.click()
    assert page.sourceLabel.text().startswith("当前计算结果")


def test_what_was_done_for_one_enterprise_is_not_said_over_the_next(qtbot: QtBot, clerk: Workspace) -> None:
    """The line beside 记录认定结论 said 已记录第 N 号认定结论 (or 贷款申请第 N 号已保存) for the enterprise
    before, over the next one the clerk clicked, whose case had nothing recorded or saved."""
    page = open_page(qtbot, clerk)
    qtbot.mouseClick(page.recordButton, Qt.MouseButton.LeftButton)
    assert page.actionStatusLabel.text().startswith("已记录第")
    model, view = page.enterprises, page.enterpriseList
    other = next(r for r in range(model.rowCount()) if model.enterprise(r).name != LOGISTICS)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(other, 0)).center())
    assert page._enterprise is not None and page._enterprise.name != LOGISTICS  # noqa: SLF001
    assert page.actionStatusLabel.text() == ""
    select(page, LOGISTICS)  # back: the decision is in its history, not in a stale line
    assert page.actionStatusLabel.text() == "" and page.historyList.count() == 1


def test_a_clerk_cannot_override(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk)
    page.recordButton.click()
    assert not page.overrideButton.isEnabled()
    assert page.overrideButton.toolTip() == "当前用户（经办人）无权审核批准"
    assert page.open_override_dialog() is None


def test_an_approver_overrides_with_a_reason_and_sees_both_results(
    qtbot: QtBot, approver: Workspace, typist: Typist
) -> None:
    page = open_page(qtbot, approver)
    assert not page.overrideButton.isEnabled() and "请先记录" in page.overrideButton.toolTip()
    page.recordButton.click()
    assert page.overrideButton.isEnabled()
    before = decisions(approver)

    qtbot.mouseClick(page.overrideButton, Qt.MouseButton.LeftButton)
    dialog = page.findChild(OverrideDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.passRadio.isEnabled() and dialog.failRadio.isChecked()  # only the other result
    assert not dialog.ok_button.isEnabled()  # no reason yet
    typist(dialog.reasonEdit, "   ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # even if forced, the service refuses a blank reason
    assert "理由" in dialog.problemLabel.text() and decisions(approver) == before
    dialog.reasonEdit.clear()
    typist(dialog.reasonEdit, "实地核查：名册中3人已离岗")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert decisions(approver) == before + 1
    latest = eligibility_service.decision_history(approver, page.application_id or 0)[-1]
    assert (latest.decision.computed_result, latest.decision.final_result) == (Result.PASS, Result.FAIL)
    header = page.resultLabel.text()
    assert "最终结论：" in header and "不通过" in header and "计算结论：" in header and "通过" in header
    assert page.overrideLabel.isVisible() and not page.resultDetailLabel.isVisible()
    shown = QTextDocumentFragment.fromHtml(page.overrideLabel.text()).toPlainText()
    assert shown == ("计算：符合认定标准：人数和占比均达标（降低标准）\n"
                     "审核人朴科长将结论定为“不符合认定标准”（计算结果为“符合认定标准”），理由：实地核查：名册中3人已离岗")
    assert "审核人朴科长将结论定为" in page.explanationText.toPlainText()
    assert page.historyList.count() == 2
    assert "（计算结论：通过；朴科长改定）" in page.historyList.item(0).text()
    assert page.actionStatusLabel.text().endswith("最终结论不通过，计算结论通过")


# -- duplicates across enterprises ---------------------------------------------------------------------------


def test_a_duplicate_awaits_the_clerks_choice_which_is_recorded(qtbot: QtBot, clerk: Workspace) -> None:
    app_id = clerk.store.conn.execute(
        "SELECT a.id FROM applications a JOIN enterprises e ON e.id = a.enterprise_id WHERE e.name = ?",
        (LOGISTICS,)).fetchone()[0]
    decision = eligibility_service.check_application(clerk, app_id, REVIEW)
    counted = next(w for w in decision.workers if w.counted)
    recorded = decisions(clerk)  # the demo's approved applications have theirs
    # The same person on another enterprise's roster, in an overlapping period.
    other = clerk.store.conn.execute("SELECT id FROM enterprises WHERE name = ?", (GINSENG,)).fetchone()[0]
    person = clerk.store.conn.execute("SELECT id FROM persons WHERE id_number = ?",
                                      (counted.id_number,)).fetchone()[0]
    with clerk.store.transaction():
        clerk.store.insert_employments([{
            "enterprise_id": other, "person_id": person, "hukou_text": "延吉市", "hukou_code": "222401",
            "contract_type": "fixed", "contract_start": "2026-01-01", "contract_end": "2026-12-31",
            "source_row": 99,
        }])

    page = open_page(qtbot, clerk)
    assert page.detailTabs.tabText(2) == "重复人员（1，待决定 1）"
    assert "有 1 人待决定" in page.sourceLabel.text()
    assert page._shown is not None and page._shown.qualifying_count == 6  # noqa: SLF001
    table = page.duplicateTable
    assert table.rowCount() == 1
    assert table.item(0, DuplicateColumn.ID).text() == counted.masked_id
    assert GINSENG in table.item(0, DuplicateColumn.ELSEWHERE).text()
    combo = table.cellWidget(0, DuplicateColumn.CHOICE)
    assert isinstance(combo, QComboBox) and combo.currentIndex() == -1
    assert [combo.itemText(i) for i in range(combo.count())] == ["在本企业计入", "不在本企业计入"]

    combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page._shown is not None and page._shown.qualifying_count == 7)  # noqa: SLF001
    assert page.detailTabs.tabText(2) == "重复人员（1）" and page.detailTabs.currentIndex() == 0
    assert decisions(clerk) == recorded  # choosing records nothing by itself
    page.recordButton.click()
    stored = eligibility_service.decision_history(clerk, app_id)[-1]
    choice = next(w for w in stored.decision.workers if w.id_number == counted.id_number).facts.duplicate_choice
    assert choice is DuplicateChoice.COUNT_HERE

    # a fresh page shows the recorded choice
    again = open_page(qtbot, clerk)
    combo = again.duplicateTable.cellWidget(0, DuplicateColumn.CHOICE)
    assert isinstance(combo, QComboBox) and combo.currentText() == "在本企业计入"


# -- the paired-area list ------------------------------------------------------------------------------------


def test_editing_paired_areas_changes_the_version_shown(qtbot: QtBot, admin: Workspace, typist: Typist) -> None:
    page = open_page(qtbot, admin)
    before = shown_version(page)
    assert "paired-areas@2022.1+" in before
    qtbot.mouseClick(page.pairedAreasButton, Qt.MouseButton.LeftButton)
    dialog = page.findChild(PairedAreasDialog)
    assert dialog is not None and dialog.isVisible() and dialog.editable
    typist(dialog.codeEdit, "220102")
    qtbot.mouseClick(dialog.addButton, Qt.MouseButton.LeftButton)
    assert "220102" in dialog.areas.counties
    # remove 图们市 from the 延边 group (it stays in the provincial group)
    top = dialog.areaTree.topLevelItem(0)
    item = next(top.child(i) for i in range(top.childCount()) if top.child(i).text(1) == "222402")
    dialog.areaTree.setCurrentItem(item)
    qtbot.mouseClick(dialog.removeButton, Qt.MouseButton.LeftButton)
    assert "222402" not in dialog.areas.groups[0].counties and "222402" in dialog.areas.counties
    assert not dialog.save_button.isEnabled()  # a reason first
    typist(dialog.reasonEdit, "与长春市南关区签署劳务协作协议")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    after = shown_version(page)
    assert after != before and "paired-areas@2022.1+office.1+" in after
    assert after == eligibility_service.current_rules(admin).version
    assert page.actionStatusLabel.text().startswith("对口地区名单已保存（版本 2022.1+office.1）")
    assert policy_service.paired_areas_state(admin).reason == "与长春市南关区签署劳务协作协议"


def test_a_clerk_sees_the_paired_areas_read_only(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk)
    assert page.pairedAreasButton.isEnabled()  # the list is there to read
    dialog = page.open_paired_areas()
    assert not dialog.editable and not dialog.editGroup.isEnabled() and not dialog.reasonEdit.isEnabled()
    assert dialog.editGroup.toolTip() == "当前用户（经办人）无权修改本单位设置"
    assert not dialog.save_button.isVisible()
    assert dialog.areaTree.topLevelItemCount() == 5
    dialog.reject()


# -- in the main window ------------------------------------------------------------------------------------------


def test_the_main_window_shows_the_page_under_review(qtbot: QtBot, clerk: Workspace) -> None:
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    window.show()
    window.navList.setCurrentRow(2)
    assert window.review.parentWidget() is window.pages.currentWidget()
    assert window.review.isVisible() and window.review.enterprises.rowCount() == ENTERPRISES


@pytest.mark.parametrize(("cls", "form"), [
    (ReviewPage, "review_page"), (PairedAreasDialog, "paired_areas_dialog"), (OverrideDialog, "override_dialog"),
])
def test_declared_widgets_match_the_form(cls: type, form: str) -> None:
    """The annotations a class declares for its form name real widgets of the right class."""
    import xml.etree.ElementTree as ET
    from typing import get_type_hints

    from desktop.resources import form_path

    widgets = {w.get("name", ""): w.get("class", "") for w in ET.parse(form_path(form + ".ui")).getroot().iter("widget")}
    hints = get_type_hints(cls)
    for name in cls.__annotations__:
        assert widgets.get(name) == hints[name].__name__, f"{cls.__name__}.{name}"


def test_the_worker_list_shows_eight_rows_at_1024_by_768(qtbot: QtBot, clerk: Workspace) -> None:
    """At 1024×768 the 人员名单 showed one and a half rows under the conclusion until the clerk found the
    small handle: now it keeps eight rows and the conclusion above scrolls (a drag still moves the handle:
    tests/ui/test_screen_fit.py)."""
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    window.resize(1024, 700)  # maximized on 1024×768: the title bar and taskbar take the rest
    window.show()
    window.navList.setCurrentRow(window.pages.indexOf(window.reviewPage))
    page = window.review
    select(page, LOGISTICS)
    table = page.workerTable
    assert page.detailTabs.currentWidget() is page.workersTab and table.model().rowCount() >= 8

    def rows_shown() -> int:
        return table.viewport().height() // table.verticalHeader().defaultSectionSize()

    qtbot.waitUntil(lambda: rows_shown() >= 8)
    assert page.workflow.isVisible() and page.detailSplitter.sizes()[0] > 0  # the conclusion is still there
