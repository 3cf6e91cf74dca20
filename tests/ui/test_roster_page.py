"""The 名册 page: pick an enterprise, filter and sort its roster in the database, unmask, mark priority groups."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, get_type_hints

import openpyxl
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.core.identifiers import id_check_char
from desktop.core.office import Role
from desktop.core.workers import PriorityGroup
from desktop.resources import form_path
from desktop.services import reviews
from desktop.services.accounts import set_user
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.ui import roster_model
from desktop.ui.app import use_cjk_font
from desktop.ui.main_window import MainWindow
from desktop.ui.priority_dialog import PriorityDialog
from desktop.ui.roster_model import RosterColumn, RosterModel
from desktop.ui.roster_page import RosterPage
from desktop.ui.screen import ScreenFit
from desktop.ui.tasks import TaskRunner
from tests.letters.cases import add_case
from tests.roster_factory import store_roster
from tests.ui.conftest import MessageBoxes, draft

pytestmark = pytest.mark.gui

Typist = Callable[[QWidget, str], None]

# name, 户籍地 as written, resolved code (None: not resolved), contract type, group, evidence, wage, active
WORKERS: list[tuple[str, str, str | None, str, str | None, str, float, bool]] = [
    ("王明", "延吉市", "222401", "fixed", None, "", 3200.0, True),
    ("李芳", "吉林省延边州敦化市", "222403", "open_ended", "employment_difficulty", "延就困认〔2026〕7号", 2800.0, True),
    ("张伟", "长春市南关区", "220102", "fixed", "poverty_alleviated", "南关区证明 12", 4100.0, True),
    ("刘洋", "火星基地", None, "task", None, "", 2500.0, True),
    ("陈静", "大安市", "220882", "fixed", None, "", 3650.5, True),
    ("金哲", "汪清县", "222424", "fixed", None, "", 3000.0, False),
    ("朴成浩", "延吉市", "222401", "fixed", None, "", 4200.0, True),
]


def person_id_number(code: str, n: int) -> str:
    first17 = f"{code or '222401'}1990{1 + n % 12:02d}{1 + n % 28:02d}{(n * 37) % 1000:03d}"
    return first17 + id_check_char(first17)


@dataclass
class Roster:
    enterprise_id: int
    other_id: int  # a second enterprise, to see that one roster does not leak into the other
    id_numbers: dict[str, str]  # name -> ID number


def add_roster(ws: Workspace, enterprise_id: int, workers: list[tuple[str, str, str | None, str, str | None, str,
                                                                       float, bool]], *, first: int = 0,
               file_name: str = "名册.xlsx") -> dict[str, str]:
    """Workers written as an import writes them (through the roster store), with the import's history row."""
    store = ws.store
    numbers: dict[str, str] = {}
    rows = []
    persons = []
    for i, (name, hukou, code, contract, group, _evidence, wage, _active) in enumerate(workers):
        number = person_id_number(code or "222401", first + i)
        numbers[name] = number
        persons.append((number, name, "M" if int(number[16]) % 2 else "F", f"1990-{1 + (first + i) % 12:02d}-01"))
        end = None if contract != "fixed" else "2027-12-31"
        rows.append((number, i + 3, hukou, code, contract, "2026-01-01", end, "2026-01-01", "操作工", wage, None, 1,
                     f"1384331{first + i:04d}", group))
    with store.transaction():
        import_id = roster_store.insert_roster_import(
            store, enterprise_id=enterprise_id, file_name=file_name, sha256="ab" * 32, sheet="名册",
            counts={"rows": len(rows), "new": len(rows), "updated": 0, "unchanged": 0, "refused": 1},
            imported_by=ws.actor.user_id)
        roster_store.insert_persons(store, persons)
        roster_store.insert_employments(store, enterprise_id, import_id, rows)
        for name, *_rest, evidence, _wage, active in workers:
            number = numbers[name]
            store.conn.execute(
                # a group with evidence is one the clerk verified; without, the enterprise's claim
                "UPDATE employments SET priority_evidence = ?1, priority_group = CASE WHEN ?1 <> ''"
                " THEN priority_claim END, active = ?2 WHERE person_id ="
                " (SELECT id FROM persons WHERE id_number = ?3) AND enterprise_id = ?4",
                (evidence, int(active), number, enterprise_id))
    return numbers


@pytest.fixture
def roster(workspace: Workspace) -> Roster:
    first = add_enterprise(workspace, draft(1, name="延吉市长白山食品有限公司"))
    other = add_enterprise(workspace, draft(2, name="延吉市图们江物流有限公司"))
    numbers = add_roster(workspace, first.id, WORKERS)
    add_roster(workspace, other.id, [("外企甲", "延吉市", "222401", "fixed", None, "", 3000.0, True)], first=50,
               file_name="物流名册.xlsx")
    return Roster(first.id, other.id, numbers)


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner(dialog_delay_ms=60_000)
    yield runner
    runner.shutdown()


def open_page(qtbot: QtBot, ws: Workspace, tasks: TaskRunner, enterprise_id: int | None = None) -> RosterPage:
    page = RosterPage(ws, tasks)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    if enterprise_id is not None:
        assert page.select_enterprise(enterprise_id)
    return page


def column(page: RosterPage, which: RosterColumn) -> list[str]:
    model = page.roster
    return [model.index(r, which).data() for r in range(model.rowCount())]


def row_named(page: RosterPage, name: str) -> int:
    return column(page, RosterColumn.NAME).index(name)


def audit(ws: Workspace, action: str) -> list[dict[str, Any]]:
    return [e for e in ws.store.audit_entries(50) if e["action"] == action]


# -- the form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "form"), [(RosterPage, "roster_page"), (PriorityDialog, "priority_dialog")])
def test_declared_widgets_match_the_form(cls: type, form: str) -> None:
    widgets = {w.get("name", ""): w.get("class", "") for w in ET.parse(form_path(form + ".ui")).getroot().iter("widget")}
    hints = get_type_hints(cls)
    for name in cls.__annotations__:
        if name in hints and isinstance(hints[name], type) and issubclass(hints[name], QWidget):
            assert widgets.get(name) == hints[name].__name__, f"{cls.__name__}.{name}"


# -- the model ------------------------------------------------------------------------------------


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester, workspace: Workspace, roster: Roster) -> None:
    model = RosterModel(workspace)
    qtmodeltester.check(model)  # no enterprise yet: empty
    model.set_query(roster_model.RosterQuery(roster.enterprise_id))
    qtmodeltester.check(model)
    model.sort(RosterColumn.NAME, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_columns_show_the_roster_masked(qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    model = page.roster
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in RosterColumn] == [
        "行号", "姓名", "公民身份号码", "性别", "户籍地", "重点群体", "证明材料", "合同类型", "合同起止", "月工资", "在职"]
    assert page.enterpriseLabel.text().startswith("延吉市长白山食品有限公司")
    assert column(page, RosterColumn.NAME) == ["王明", "李芳", "张伟", "刘洋", "陈静", "朴成浩"]  # roster order, active
    li = row_named(page, "李芳")
    number = roster.id_numbers["李芳"]
    row = [model.index(li, c).data() for c in RosterColumn]
    assert row == ["4", "李芳", f"{number[:6]}********{number[-4:]}", "男" if int(number[16]) % 2 else "女",
                   "吉林省延边州敦化市", "就业困难人员", "延就困认〔2026〕7号", "无固定期限", "2026-01-01起", "2,800", "是"]
    assert number not in {model.index(r, RosterColumn.ID).data() for r in range(model.rowCount())}
    assert model.index(row_named(page, "王明"), RosterColumn.CONTRACT).data() == "2026-01-01至2027-12-31"
    assert model.index(row_named(page, "陈静"), RosterColumn.WAGE).data() == "3,650.50"
    assert model.index(row_named(page, "刘洋"), RosterColumn.CONTRACT_TYPE).data() == "以完成一定工作任务为期限"
    unresolved = model.index(row_named(page, "刘洋"), RosterColumn.HUKOU)
    assert unresolved.data(Qt.ItemDataRole.ToolTipRole) == "户籍地未能识别为吉林省的县（市、区）"
    assert model.index(li, RosterColumn.HUKOU).data(Qt.ItemDataRole.ToolTipRole) == "延边朝鲜族自治州敦化市（222403）"
    assert page.countLabel.text() == "共 6 人"
    assert page.historyLabel.text().startswith("最近导入：名册.xlsx（")
    assert "新增 7 人，更新 0 人，未变 0 人，未导入 1 行" in page.historyLabel.text()


def test_an_enterprise_is_picked_by_searching_the_list(
    qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner, typist: Typist
) -> None:
    page = open_page(qtbot, workspace, tasks)
    assert page.enterpriseLabel.text() == "请在左侧选择企业"
    assert not page.rosterTable.isEnabled() and not page.markButton.isEnabled()
    assert page.enterpriseCountLabel.text() == "共 2 家企业"
    typist(page.enterpriseSearchEdit, "图们江")
    qtbot.waitUntil(lambda: page.enterpriseCountLabel.text() == "找到 1 家企业")
    page.enterpriseList.setCurrentIndex(page.enterprises.index(0, 0))
    assert column(page, RosterColumn.NAME) == ["外企甲"]
    # select_enterprise clears a search that hides the enterprise.
    assert page.select_enterprise(roster.enterprise_id)
    assert page.enterpriseSearchEdit.text() == "" and page.countLabel.text() == "共 6 人"
    assert not page.select_enterprise(987654)


# -- filtering -------------------------------------------------------------------------------------


def choose(combo: Any, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_typing_filters_by_name_or_id_digits_after_a_pause(
    qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner, typist: Typist
) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    typist(page.searchEdit, "朴成")
    assert page.roster.rowCount() == 6  # not yet: typing is debounced
    qtbot.waitUntil(lambda: page.roster.rowCount() == 1)
    assert column(page, RosterColumn.NAME) == ["朴成浩"]
    assert page.countLabel.text() == "找到 1 人"
    page.searchEdit.clear()
    typist(page.searchEdit, roster.id_numbers["陈静"][-4:])  # the last four digits of an ID number
    qtbot.waitUntil(lambda: page.roster.query is not None and page.roster.query.text.isdigit())
    assert column(page, RosterColumn.NAME) == ["陈静"]


@pytest.mark.parametrize("user", ["clerk", "approver"])
def test_the_search_box_tells_a_masked_digit_only_to_a_permitted_user(
    qtbot: QtBot, workspace: Workspace, approver_ws: Workspace, roster: Roster, tasks: TaskRunner, user: str
) -> None:
    ws = workspace if user == "clerk" else approver_ws
    page = open_page(qtbot, ws, tasks, roster.enterprise_id)
    number = roster.id_numbers["陈静"]
    page.searchEdit.setText(number[6:12])  # birth year and month: hidden in 220882********xxxx
    page.apply_filter()
    assert column(page, RosterColumn.NAME) == ([] if user == "clerk" else ["陈静"])
    assert len(audit(ws, "pii.unmask")) == (user == "approver")  # a search on hidden digits is logged
    page.searchEdit.setText(number[:6] + number[6])  # the visible prefix and one hidden digit
    page.apply_filter()
    assert ("陈静" in column(page, RosterColumn.NAME)) == (user == "approver")
    page.searchEdit.setText(number)
    page.apply_filter()
    assert column(page, RosterColumn.NAME) == ["陈静"]
    assert all("*" in i for i in column(page, RosterColumn.ID))  # found, still masked


def test_each_filter_control_asks_the_database(qtbot: QtBot, workspace: Workspace, roster: Roster,
                                               tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    choose(page.hukouCombo, "paired")  # 延吉, 敦化, 大安 are paired; 长春 is not
    assert page.hukouCombo.currentText() == "对口地区"
    assert column(page, RosterColumn.NAME) == ["王明", "李芳", "陈静", "朴成浩"]
    assert page.countLabel.text() == "找到 4 人"
    choose(page.hukouCombo, "unresolved")
    assert column(page, RosterColumn.NAME) == ["刘洋"]
    choose(page.hukouCombo, "2224")  # a prefecture: 延边
    assert page.hukouCombo.currentText() == "延边朝鲜族自治州"
    assert column(page, RosterColumn.NAME) == ["王明", "李芳", "朴成浩"]
    assert page.rosterTable.isColumnHidden(RosterColumn.ACTIVE)  # every row shown is 在职
    page.inactiveCheck.setChecked(True)  # 含离职: 金哲 of 汪清 has left
    assert not page.rosterTable.isColumnHidden(RosterColumn.ACTIVE)
    assert column(page, RosterColumn.NAME) == ["王明", "李芳", "金哲", "朴成浩"]
    assert column(page, RosterColumn.ACTIVE) == ["是", "是", "否", "是"]
    assert page.countLabel.text() == "找到 4 人（含离职）"
    page.inactiveCheck.setChecked(False)
    choose(page.hukouCombo, "")

    choose(page.groupCombo, "any")
    assert column(page, RosterColumn.NAME) == ["李芳", "张伟"]
    choose(page.groupCombo, "none")
    assert column(page, RosterColumn.NAME) == ["王明", "刘洋", "陈静", "朴成浩"]
    choose(page.groupCombo, PriorityGroup.POVERTY_ALLEVIATED.value)
    assert page.groupCombo.currentText() == "脱贫人口"
    assert column(page, RosterColumn.NAME) == ["张伟"]
    choose(page.groupCombo, "")

    choose(page.contractCombo, "open_ended")
    assert page.contractCombo.currentText() == "无固定期限"
    assert column(page, RosterColumn.NAME) == ["李芳"]
    choose(page.contractCombo, "")
    assert page.countLabel.text() == "共 6 人"


# -- sorting ---------------------------------------------------------------------------------------


def click_header(qtbot: QtBot, page: RosterPage, which: RosterColumn) -> None:
    header = page.rosterTable.horizontalHeader()
    x = header.sectionViewportPosition(which) + header.sectionSize(which) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_clicking_a_header_sorts_in_the_database(qtbot: QtBot, workspace: Workspace, roster: Roster,
                                                 tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    header = page.rosterTable.horizontalHeader()
    click_header(qtbot, page, RosterColumn.WAGE)
    query = page.roster.query
    assert query is not None and (query.sort, query.descending) == ("monthly_wage", False)
    assert column(page, RosterColumn.NAME) == ["刘洋", "李芳", "王明", "陈静", "张伟", "朴成浩"]
    click_header(qtbot, page, RosterColumn.WAGE)
    assert column(page, RosterColumn.NAME) == ["朴成浩", "张伟", "陈静", "王明", "李芳", "刘洋"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    page.sort_by(RosterColumn.NAME)
    assert column(page, RosterColumn.NAME) == ["陈静", "李芳", "刘洋", "朴成浩", "王明", "张伟"]  # by pinyin
    choose(page.groupCombo, "none")  # a new filter keeps the order
    assert column(page, RosterColumn.NAME) == ["陈静", "刘洋", "朴成浩", "王明"]

    click_header(qtbot, page, RosterColumn.SEX)  # the database does not order by 性别
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (RosterColumn.NAME, Qt.SortOrder.AscendingOrder)
    assert page.roster.query is not None and page.roster.query.sort == "name"
    assert page.statusLabel.text() == "“性别”列不能排序"
    assert page.roster.headerData(RosterColumn.SEX, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "此列不能排序"


# -- unmasking -------------------------------------------------------------------------------------


def reveal_action(page: RosterPage) -> Any:
    menu = page.table_menu()
    [action] = [a for a in menu.actions() if a.text() == "显示完整身份证号"]
    menu.deleteLater()
    return action


def test_an_approver_unmasks_selected_ids_and_it_is_logged(
    qtbot: QtBot, approver_ws: Workspace, roster: Roster, tasks: TaskRunner
) -> None:
    page = open_page(qtbot, approver_ws, tasks, roster.enterprise_id)
    rows = [row_named(page, "王明"), row_named(page, "陈静")]
    page.select_rows(rows)
    assert page.countLabel.text() == "共 6 人；已选 2 人"
    action = reveal_action(page)
    assert action.isEnabled() and action.toolTip() == "查看会记入操作日志"
    action.trigger()
    ids = column(page, RosterColumn.ID)
    assert ids[rows[0]] == roster.id_numbers["王明"] and ids[rows[1]] == roster.id_numbers["陈静"]
    assert sum("*" in i for i in ids) == 4  # the others stay masked
    [entry] = audit(approver_ws, "pii.unmask")
    shown = [page.roster.record(r).person_id for r in rows]
    assert entry["entity"] == "person" and entry["entity_id"] == ",".join(str(p) for p in sorted(shown))
    assert json.loads(entry["detail"]) == {"purpose": "查看完整身份证号码", "count": 2}
    assert roster.id_numbers["王明"] not in entry["detail"]
    assert page.statusLabel.text() == "已显示 2 人的完整身份证号码，并记入操作日志"
    assert not reveal_action(page).isEnabled()  # already shown

    choose(page.groupCombo, "none")  # a new query starts masked again
    assert all("*" in i for i in column(page, RosterColumn.ID))


def test_a_clerk_may_not_unmask(qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner,
                                message_boxes: MessageBoxes) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    page.select_rows([0])
    action = reveal_action(page)
    assert not action.isEnabled()
    assert action.toolTip() == "当前用户（经办人）无权查看完整身份证号码和电话"
    assert page.show_full_ids() == 0  # the service refuses anyway, and says why
    assert message_boxes.shown and "无权" in message_boxes.shown[0][1]
    assert audit(workspace, "pii.unmask") == []


# -- marking priority groups --------------------------------------------------------------------------


def fill_dialog(qtbot: QtBot, dialog: PriorityDialog, group: PriorityGroup, evidence: str, typist: Typist) -> None:
    dialog.set_group(group)
    dialog.evidenceEdit.clear()
    assert not dialog.ok_button.isEnabled()  # no evidence yet
    typist(dialog.evidenceEdit, evidence)
    assert dialog.ok_button.isEnabled()


def test_mark_one_worker_with_evidence(qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner,
                                      typist: Typist) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    assert not page.markButton.isEnabled() and "请先在表中选择人员" in page.markButton.toolTip()
    row = row_named(page, "王明")
    page.select_rows([row])
    assert page.markButton.isEnabled()
    assert not page.unmarkButton.isEnabled() and page.unmarkButton.toolTip() == "选中的人员都没有重点群体标记"
    qtbot.mouseClick(page.markButton, Qt.MouseButton.LeftButton)
    dialog = page.findChild(PriorityDialog)
    assert dialog is not None and dialog.isVisible()
    number = roster.id_numbers["王明"]
    assert dialog.workersLabel.text() == f"人员：王明　{number[:6]}********{number[-4:]}"
    assert dialog.group is None and not dialog.ok_button.isEnabled()
    assert [dialog.groupCombo.itemText(i) for i in range(dialog.groupCombo.count())] == [
        "脱贫人口", "就业困难人员", "登记失业人员", "离校未就业高校毕业生"]
    dialog.set_group(PriorityGroup.REGISTERED_UNEMPLOYED)
    assert dialog.evidenceEdit.placeholderText() == "如：失业登记证编号"
    dialog.set_group(PriorityGroup.EMPLOYMENT_DIFFICULTY)
    assert dialog.evidenceEdit.placeholderText() == "如：就业困难人员认定编号"
    typist(dialog.evidenceEdit, "   ")
    assert not dialog.ok_button.isEnabled()  # blanks are not evidence
    dialog.evidenceEdit.clear()
    typist(dialog.evidenceEdit, "延就困认 2026 第 031 号")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert page.roster.index(row, RosterColumn.GROUP).data() == "就业困难人员"
    assert page.roster.index(row, RosterColumn.EVIDENCE).data() == "延就困认 2026 第 031 号"
    assert page.selected_rows() == [row]  # marked in place: the clerk's place and selection are kept
    assert page.statusLabel.text() == "已将 1 人标记为“就业困难人员”，并记入操作日志"
    [entry] = audit(workspace, "roster.mark_priority")
    detail = json.loads(entry["detail"])
    assert (entry["entity"], entry["entity_id"]) == ("enterprise", str(roster.enterprise_id))
    assert (detail["group"], detail["evidence"], detail["count"]) == ("employment_difficulty", "延就困认 2026 第 031 号", 1)
    assert page.unmarkButton.isEnabled()


def test_mark_a_selection_then_unmark_it(qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner,
                                         typist: Typist, message_boxes: MessageBoxes) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    rows = [row_named(page, n) for n in ("王明", "李芳", "陈静")]
    page.select_rows(rows)
    dialog = page.open_priority_dialog()
    assert dialog is not None
    assert dialog.workersLabel.text() == "将标记选中的 3 名人员"
    assert dialog.noteLabel.text() == "其中 1 人已有标记，将改为这里所选的类别和证明材料。"
    fill_dialog(qtbot, dialog, PriorityGroup.REGISTERED_UNEMPLOYED, "延失登 0042", typist)
    with qtbot.waitSignal(dialog.accepted):
        dialog.ok_button.click()
    # 李芳's roster claims 就业困难人员: the clerk's verified group is shown, the claim beside it
    assert [column(page, RosterColumn.GROUP)[r] for r in rows] == [
        "登记失业人员", "登记失业人员（已核实；企业申报为就业困难人员）", "登记失业人员"]
    assert [column(page, RosterColumn.EVIDENCE)[r] for r in rows] == ["延失登 0042"] * 3
    assert column(page, RosterColumn.GROUP)[row_named(page, "张伟")] == "脱贫人口"  # untouched
    [entry] = audit(workspace, "roster.mark_priority")
    assert json.loads(entry["detail"])["count"] == 3
    assert page.statusLabel.text() == "已将 3 人标记为“登记失业人员”，并记入操作日志"

    page.select_rows(rows[:2])
    assert page.unmarkButton.isEnabled()
    qtbot.mouseClick(page.unmarkButton, Qt.MouseButton.LeftButton)
    assert message_boxes.asked and "取消 2 人的重点群体标记" in message_boxes.asked[0][1]
    assert [column(page, RosterColumn.GROUP)[r] for r in rows] == ["", "就业困难人员（企业申报，未核实）", "登记失业人员"]
    assert [column(page, RosterColumn.EVIDENCE)[r] for r in rows] == ["", "", "延失登 0042"]
    [cleared] = audit(workspace, "roster.unmark_priority")
    assert json.loads(cleared["detail"])["count"] == 2
    assert page.statusLabel.text() == "已取消 2 人的重点群体标记，并记入操作日志"

    message_boxes.answer = message_boxes.answer.No  # the clerk thinks again: nothing changes
    page.select_rows(rows[2:])
    assert page.unmark_selected() == 0
    assert column(page, RosterColumn.GROUP)[rows[2]] == "登记失业人员"


def test_the_marking_dialog_shows_its_whole_explanation(qtbot: QtBot, qapp: QApplication, workspace: Workspace,
                                                        roster: Roster, tasks: TaskRunner) -> None:
    """The first paragraph is what makes a roster's group a claim: at 1024×768, with the window's fitting and
    the Chinese font as the program has them, none of its lines is cut off (it opened at the form's 200 px,
    the top and bottom lines half hidden)."""
    font = qapp.font()
    use_cjk_font(qapp)
    fitter = ScreenFit(area=QRect(0, 0, 1024, 728))
    qapp.installEventFilter(fitter)
    try:
        page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
        page.select_rows([row_named(page, n) for n in ("王明", "陈静")])
        qtbot.mouseClick(page.markButton, Qt.MouseButton.LeftButton)
        dialog = page.findChild(PriorityDialog)
        assert dialog is not None and dialog.isVisible()
        QApplication.processEvents()
        for text in (dialog.introLabel, dialog.workersLabel):
            assert text.height() >= text.heightForWidth(text.width()), f"{text.objectName()} is cut off"
        assert dialog.buttonBox.geometry().top() >= dialog.introLabel.geometry().bottom()
        dialog.reject()
    finally:
        qapp.removeEventFilter(fitter)
        qapp.setFont(font)


def test_editing_one_workers_mark_starts_from_it(qtbot: QtBot, workspace: Workspace, roster: Roster,
                                                 tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    page.select_rows([row_named(page, "李芳")])
    dialog = page.open_priority_dialog()
    assert dialog is not None
    assert dialog.group is PriorityGroup.EMPLOYMENT_DIFFICULTY
    assert dialog.evidenceEdit.text() == "延就困认〔2026〕7号"
    assert dialog.noteLabel.text() == "现有标记：就业困难人员，证明材料：延就困认〔2026〕7号"
    dialog.reject()


def test_marking_is_refused_without_the_right(qtbot: QtBot, workspace: Workspace, admin_ws: Workspace,
                                              roster: Roster, tasks: TaskRunner, typist: Typist,
                                              message_boxes: MessageBoxes) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    page.select_rows([0])
    dialog = page.open_priority_dialog()
    assert dialog is not None
    set_user(admin_ws, "clerk", active=False)  # meanwhile the administrator disables the account
    fill_dialog(qtbot, dialog, PriorityGroup.POVERTY_ALLEVIATED, "证明 1", typist)
    dialog.ok_button.click()
    assert message_boxes.shown and "无权标记重点群体" in message_boxes.shown[0][1]
    assert dialog.isVisible()  # the clerk can cancel
    dialog.reject()
    assert column(page, RosterColumn.GROUP)[0] == ""
    assert audit(workspace, "roster.mark_priority") == []

    # A page opened by a user without the right offers the buttons disabled and says why.
    assert workspace.actor.role is None
    other = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    other.select_rows([0])
    assert not other.markButton.isEnabled() and not other.unmarkButton.isEnabled()
    assert other.markButton.toolTip() == "当前用户（未登录）无权标记重点群体"
    assert other.open_priority_dialog() is None


def test_a_submitted_case_keeps_its_roster(qtbot: QtBot, workspace: Workspace, approver_ws: Workspace,
                                          tasks: TaskRunner, message_boxes: MessageBoxes) -> None:
    case = add_case(workspace, workers=4, priority=0)
    page = open_page(qtbot, workspace, tasks, case.enterprise_id)
    page.select_rows([0])
    assert page.markButton.isEnabled() and page.importButton.isEnabled()
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    # The page learned nothing yet: the service refuses and the page explains.
    assert page.unmark_selected() == 0 and not message_boxes.asked  # nothing marked: nothing to ask
    dialog = page.open_priority_dialog()
    assert dialog is not None
    dialog.set_group(PriorityGroup.POVERTY_ALLEVIATED)
    dialog.evidenceEdit.setText("证明 1")
    dialog.ok_button.click()
    assert message_boxes.shown and "已提交" in message_boxes.shown[0][1]
    dialog.reject()
    # Coming back to the page (or reloading) finds the case locked: the buttons say why.
    page.reload()
    page.select_rows([0])
    assert not page.markButton.isEnabled() and "已提交" in page.markButton.toolTip()
    assert not page.importButton.isEnabled() and page.importButton.toolTip() == page.markButton.toolTip()
    reviews.return_for_changes(approver_ws, case.application_id, "补充重点群体证明")
    page.hide()
    page.show()  # showEvent reads the case again
    page.select_rows([0])
    assert page.markButton.isEnabled()


# -- import, template, history --------------------------------------------------------------------


def test_import_asks_the_window_for_the_wizard(qtbot: QtBot, workspace: Workspace, roster: Roster,
                                               tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks)
    assert not page.importButton.isEnabled()  # no enterprise yet
    page.select_enterprise(roster.other_id)
    assert page.importButton.isEnabled()
    with qtbot.waitSignal(page.import_requested) as blocker:
        qtbot.mouseClick(page.importButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [roster.other_id]


def test_reload_shows_a_new_import(qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks, roster.other_id)
    choose(page.hukouCombo, "paired")
    add_roster(workspace, roster.other_id, [("外企乙", "敦化市", "222403", "fixed", None, "", 3000.0, True)],
               first=60, file_name="物流名册（补）.xlsx")
    page.reload()
    assert page.enterprise is not None and page.enterprise.id == roster.other_id
    assert page.hukouCombo.currentData() == "paired"  # the filter is kept
    assert column(page, RosterColumn.NAME) == ["外企甲", "外企乙"]
    assert page.historyLabel.text().startswith("最近导入：物流名册（补）.xlsx")
    assert page.historyLabel.text().endswith("；共导入 2 次")


def test_template_is_written_where_the_clerk_chooses(
    qtbot: QtBot, workspace: Workspace, tasks: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def choose_file(_parent: object, caption: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "给企业的名册模板"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose_file)
    page = open_page(qtbot, workspace, tasks)
    assert page.templateButton.isEnabled()  # no enterprise needed
    qtbot.mouseClick(page.templateButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_template is not None, timeout=10_000)
    written = tmp_path / "给企业的名册模板.xlsx"
    assert page.last_template == written and asked[0].endswith("劳务协作地区就业人员名册（模板）.xlsx")
    book = openpyxl.load_workbook(written)
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows(max_row=6) for c in row if c.value}
    book.close()
    assert {"姓名", "公民身份号码"} <= cells
    assert page.statusLabel.text() == f"名册模板已保存：{written}"


def test_a_template_that_cannot_be_written_is_explained(
    qtbot: QtBot, workspace: Workspace, tasks: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes
) -> None:
    blocker = tmp_path / "U盘"
    blocker.write_text("a file where the clerk's folder should be", encoding="utf-8")
    target = blocker / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), ""))
    page = open_page(qtbot, workspace, tasks)
    task = page.save_template()
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert message_boxes.shown and "无法读写" in message_boxes.shown[0][1]
    assert page.last_template is None

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))  # cancelled: nothing happens
    assert page.save_template() is None


# -- the window ---------------------------------------------------------------------------------------


def test_the_window_shows_an_enterprises_roster_from_the_enterprise_list(
    qtbot: QtBot, open_window: Callable[[Workspace], MainWindow], workspace: Workspace, roster: Roster
) -> None:
    window = open_window(workspace)
    assert window.roster.parentWidget() is window.rosterPage
    row = window.model.row_of(roster.other_id)
    assert row is not None
    menu = window.table_menu(row)
    [action] = [a for a in menu.actions() if a.text() == "查看名册"]
    action.trigger()
    menu.deleteLater()
    assert window.pages.currentWidget() is window.rosterPage
    assert window.navList.currentItem().text() == "名册"
    assert window.roster.enterprise is not None and window.roster.enterprise.id == roster.other_id
    assert column(window.roster, RosterColumn.NAME) == ["外企甲"]


# -- 100,000 workers ---------------------------------------------------------------------------------


def build_big_roster(ws: Workspace, enterprise_id: int, count: int) -> None:
    """As bench/bench_roster_filter.py does: one executemany through the roster store."""
    places = [("222401", "延吉市"), ("222403", "敦化市"), ("220102", "长春市南关区"), ("220882", "大安市")]
    groups = [None, None, None, "poverty_alleviated", "employment_difficulty"]
    store = ws.store
    persons, rows = [], []
    for i in range(count):
        code, place = places[i % len(places)]
        born = date(1965, 1, 1) + timedelta(days=i // 1000 * 3 % 12000)
        first17 = f"{code}{born:%Y%m%d}{i % 1000:03d}"
        number = first17 + id_check_char(first17)
        persons.append((number, f"工人{i:06d}", "M" if int(number[16]) % 2 else "F", born.isoformat()))
        rows.append((number, i + 2, place, code, "fixed", "2025-01-01", "2027-12-31", None, "操作工",
                     2500.0 + i % 2000, None, 1, "", groups[i % len(groups)]))
    store_roster(store, enterprise_id, persons, rows)


def test_scrolling_on_after_a_worker_leaves_skips_no_one(qtbot: QtBot, workspace: Workspace,
                                                         tasks: TaskRunner) -> None:
    """A page starts after the last row shown: a worker on the first page marked as gone (an import
    elsewhere) while the clerk scrolls does not shift the next page past a worker not yet seen, as
    counting rows (OFFSET 200) did."""
    big = add_enterprise(workspace, draft(9, name="延吉市大型制造有限公司", staff_total=1000))
    build_big_roster(workspace, big.id, 450)
    page = open_page(qtbot, workspace, tasks, big.id)
    assert page.roster.rowCount() == 200
    gone = page.roster.record(5).employment_id
    with workspace.store.transaction():
        roster_store.deactivate_employments(workspace.store, [gone])
    page.roster.fetchMore()
    page.roster.fetchMore()
    names = column(page, RosterColumn.NAME)
    assert names[:202] == [f"工人{i:06d}" for i in range(202)]  # row 200 was the first the clerk had not seen
    assert len(names) == len(set(names)) == 450  # the one gone stays shown until the filter runs again


def test_a_roster_of_100000_filters_fast_and_reads_only_what_is_shown(
    qtbot: QtBot, workspace: Workspace, tasks: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = add_enterprise(workspace, draft(9, name="延吉市大型制造有限公司", staff_total=120_000))
    build_big_roster(workspace, big.id, 100_000)
    fetched: list[int] = []
    real_page, real_filter = roster_model.next_roster_page, roster_model.filter_roster

    def counting_page(ws: Workspace, query: Any, *, after: int, offset: int, limit: int = 200) -> Any:
        rows = real_page(ws, query, after=after, offset=offset, limit=limit)
        fetched.append(len(rows))
        return rows

    def counting_filter(ws: Workspace, query: Any, *, first: int = 200) -> Any:
        window = real_filter(ws, query, first=first)
        fetched.append(len(window.first_rows))
        return window

    monkeypatch.setattr(roster_model, "next_roster_page", counting_page)
    monkeypatch.setattr(roster_model, "filter_roster", counting_filter)
    page = open_page(qtbot, workspace, tasks)

    started = time.perf_counter()
    assert page.select_enterprise(big.id)
    assert time.perf_counter() - started < 1.0
    assert page.countLabel.text() == "共 200+ 人，正在计数"  # a full first page: counted in the background
    qtbot.waitUntil(lambda: page.roster.counted)
    assert page.roster.total == 100_000
    assert page.countLabel.text() == "共 100000 人，已显示 200 人，向下滚动显示更多"

    bar = page.rosterTable.verticalScrollBar()
    for expected in (400, 600, 800):  # the clerk scrolls to the end three times: a page each time

        def scrolled(expected: int = expected) -> bool:
            bar.setValue(bar.maximum())
            return page.roster.rowCount() == expected

        qtbot.waitUntil(scrolled)
    assert sum(fetched) == page.roster.rowCount() == 800  # never more records than rows shown
    assert column(page, RosterColumn.NAME)[799] == "工人000799"

    for change in (lambda: choose(page.groupCombo, "claimed"), lambda: page.sort_by(RosterColumn.NAME,
                                                                                 Qt.SortOrder.DescendingOrder),
                   lambda: choose(page.hukouCombo, "paired")):
        fetched.clear()
        started = time.perf_counter()
        change()
        assert time.perf_counter() - started < 1.0
        assert sum(fetched) <= 400  # the first page (and at most one more to fill the view)
    qtbot.waitUntil(lambda: page.roster.counted)
    assert page.roster.total == 30_000  # claimed a priority group on the roster (2 in 5) and from 延吉, 敦化 or 大安 (3 in 4)
    assert column(page, RosterColumn.NAME)[0] > column(page, RosterColumn.NAME)[1]  # by name, descending
    page.select_rows([0])
    assert page.markButton.isEnabled()


def test_the_clerk_records_the_hukou_check_from_the_menu(qtbot: QtBot, workspace: Workspace, roster: Roster,
                                                        tasks: TaskRunner) -> None:
    page = open_page(qtbot, workspace, tasks, roster.enterprise_id)
    page.select_rows([row_named(page, "王明")])
    menu = page.table_menu()
    texts = [a.text() for a in menu.actions()]
    assert "已核对户口簿" in texts and "不计入（身份证地区与户籍地不同）" in texts and "撤销户口簿核对结果" in texts
    checked = next(a for a in menu.actions() if a.text() == "已核对户口簿")
    assert checked.isEnabled()
    checked.trigger()
    number = roster.id_numbers["王明"]
    stored = workspace.store.conn.execute(
        "SELECT m.hukou_check FROM employments m JOIN persons p ON p.id = m.person_id WHERE p.id_number = ?",
        (number,)).fetchone()[0]
    assert stored == "checked" and "已核对户口簿" in page.statusLabel.text()
    assert page.record_hukou("excluded") == 1 and page.record_hukou(None) == 1
    assert len(audit(workspace, "roster.hukou_check")) == 3


def test_an_import_that_cannot_be_undone_is_refused_before_the_clerk_is_asked(
        qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner, message_boxes: MessageBoxes,
        tmp_path: Path) -> None:
    """Marked after the import, the roster cannot go back: 撤销上次导入 says so at once. It asked 撤销…？
    first and gave the refusal as the answer to the clerk's 是."""
    from desktop.services import roster_commit
    from desktop.services import rosters as roster_service
    from desktop.services.priority import mark_priority
    from tests.roster_factory import RosterSpec, build, write_xlsx

    write_xlsx(tmp_path / "物流名册（三人）.xlsx", build(RosterSpec(workers=3, seed=11)).grid)
    preview = roster_service.prepare_import(workspace, roster.other_id, tmp_path / "物流名册（三人）.xlsx")
    roster_commit.commit_import(workspace, preview)
    page = open_page(qtbot, workspace, tasks, roster.other_id)
    page.select_rows([0])
    mark_priority(workspace, roster.other_id, [r.employment_id for r in page.roster.records([0])],
                  PriorityGroup.POVERTY_ALLEVIATED, "核对县脱贫人口名单")
    assert page.undoImportButton.isEnabled()
    qtbot.mouseClick(page.undoImportButton, Qt.MouseButton.LeftButton)
    assert message_boxes.asked == []
    [(_title, said)] = message_boxes.shown
    assert "之后已有其他操作" in said and "标记重点群体" in said, said
    assert not audit(workspace, "roster.undo") and len(column(page, RosterColumn.NAME)) == 4


def test_the_clerk_undoes_the_last_import(qtbot: QtBot, workspace: Workspace, roster: Roster, tasks: TaskRunner,
                                          message_boxes: MessageBoxes, tmp_path: Path) -> None:
    from desktop.services import roster_commit
    from desktop.services import rosters as roster_service
    from tests.roster_factory import RosterSpec, build, write_xlsx

    page = open_page(qtbot, workspace, tasks, roster.other_id)
    assert not page.undoImportButton.isEnabled()  # written before imports kept their undo record
    assert page.undoImportButton.toolTip() == "没有可撤销的名册导入"
    write_xlsx(tmp_path / "物流名册（三人）.xlsx", build(RosterSpec(workers=3, seed=11)).grid)
    preview = roster_service.prepare_import(workspace, roster.other_id, tmp_path / "物流名册（三人）.xlsx")
    roster_commit.commit_import(workspace, preview)
    page.reload()
    assert len(column(page, RosterColumn.NAME)) == 4
    assert page.undoImportButton.isEnabled()
    assert page.undoImportButton.toolTip() == "把名册恢复到导入“物流名册（三人）.xlsx”之前"

    message_boxes.answer = message_boxes.answer.No  # the clerk thinks again: nothing changes
    qtbot.mouseClick(page.undoImportButton, Qt.MouseButton.LeftButton)
    assert "撤销“物流名册（三人）.xlsx”" in message_boxes.asked[0][1]
    assert len(column(page, RosterColumn.NAME)) == 4 and not audit(workspace, "roster.undo")

    message_boxes.answer = message_boxes.answer.Yes
    qtbot.mouseClick(page.undoImportButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.statusLabel.text().startswith("已撤销"))  # on the database worker
    assert column(page, RosterColumn.NAME) == ["外企甲"]
    [entry] = audit(workspace, "roster.undo")
    assert json.loads(entry["detail"])["counts"]["removed"] == 3
    assert page.statusLabel.text() == "已撤销“物流名册（三人）.xlsx”的导入：删除新增 3 人，恢复 0 人，并记入操作日志"
    assert not page.undoImportButton.isEnabled() and not message_boxes.shown
    # the line above the table tells the roster's import, not the one undone (it still said 最近导入：物流名册（三人）…)
    history = page.historyLabel.text()
    assert history.startswith("最近导入：物流名册.xlsx") and "新增 1 人" in history, history
    assert "“物流名册（三人）.xlsx”（" in history and "的导入已于" in history and history.endswith("撤销")


def test_the_undo_runs_in_the_background_with_progress_and_a_cancel_that_undoes_nothing(
        qtbot: QtBot, workspace: Workspace, roster: Roster, message_boxes: MessageBoxes, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """撤销上次导入 ran on the window's thread: a 100,000-row import's undo froze the window for seconds.
    It runs on the database worker with the progress dialog; 取消 before its COMMIT undoes nothing."""
    import threading

    from desktop.services import roster_commit
    from desktop.services import rosters as roster_service
    from desktop.store import roster_undo as undo_store
    from desktop.ui.tasks import ProgressDialog
    from tests.roster_factory import RosterSpec, build, write_xlsx

    write_xlsx(tmp_path / "物流名册（三人）.xlsx", build(RosterSpec(workers=3, seed=11)).grid)
    preview = roster_service.prepare_import(workspace, roster.other_id, tmp_path / "物流名册（三人）.xlsx")
    roster_commit.commit_import(workspace, preview)
    real, threads, go = undo_store.undo, [], threading.Event()

    def slow_undo(*args: Any, **kwargs: Any) -> dict[str, int]:  # a big import's undo takes seconds
        threads.append(threading.current_thread())
        go.wait(5)
        return real(*args, **kwargs)

    monkeypatch.setattr(undo_store, "undo", slow_undo)
    runner = TaskRunner(dialog_delay_ms=0)
    try:
        page = open_page(qtbot, workspace, runner, roster.other_id)
        qtbot.mouseClick(page.undoImportButton, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.findChild(ProgressDialog) is not None, timeout=2000)
        dialog = page.findChild(ProgressDialog)
        assert dialog.taskLabel.text() == "正在撤销“物流名册（三人）.xlsx”的导入…"
        assert dialog.cancel_button.isVisible() and not page.undoImportButton.isEnabled()
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        go.set()
        qtbot.waitUntil(lambda: page.statusLabel.text() == "已取消撤销，名册没有改动。")
        assert threads and threads[0] is not threading.main_thread()
        assert len(column(page, RosterColumn.NAME)) == 4 and not audit(workspace, "roster.undo")
        assert page.undoImportButton.isEnabled() and not message_boxes.shown

        qtbot.mouseClick(page.undoImportButton, Qt.MouseButton.LeftButton)  # this time to its end
        qtbot.waitUntil(lambda: page.statusLabel.text().startswith("已撤销"))
        assert column(page, RosterColumn.NAME) == ["外企甲"] and len(audit(workspace, "roster.undo")) == 1
    finally:
        go.set()
        runner.shutdown()
