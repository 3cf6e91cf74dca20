"""The roster import wizard, driven as a clerk would: file → columns → preview → import."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_type_hints

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard
from pytestqt.qtbot import QtBot

from desktop.core.enterprise import Enterprise
from desktop.core.roster import Field
from desktop.resources import form_path
from desktop.services import reviews
from desktop.services import roster_blocks
from desktop.services import roster_commit
from desktop.services import rosters as svc
from desktop.services import roster_view
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.ui.import_wizard import ImportWizard
from desktop.ui.import_wizard_form import FILE_PAGE, MAPPING_PAGE, PREVIEW_PAGE, RESULT_PAGE, ImportWizardForm
from desktop.ui.import_wizard_models import ERROR_COLOR, WARNING_COLOR, ProblemColumn
from desktop.ui.tasks import TaskRunner
from tests.conftest import DATA
from tests.letters.cases import add_case
from tests.roster_factory import RosterSpec, build, write_encrypted_xlsx, write_xlsx
from tests.ui.conftest import draft

pytestmark = pytest.mark.gui

SAMPLES = DATA
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
WAIT = 30_000


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


@pytest.fixture
def enterprise(workspace: Workspace) -> Enterprise:
    return add_enterprise(workspace, draft(1, name="延吉市长白山食品有限公司"))


@pytest.fixture
def open_wizard(qtbot: QtBot, workspace: Workspace, runner: TaskRunner,
                enterprise: Enterprise) -> Callable[..., ImportWizard]:
    def opened(path: Path | None = None, enterprise_id: int | None = None) -> ImportWizard:
        wizard = ImportWizard(workspace, runner, enterprise_id or enterprise.id,
                              path=str(path) if path is not None else None)
        qtbot.addWidget(wizard)
        wizard.show()
        return wizard

    return opened


def next_enabled(wizard: ImportWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def read(qtbot: QtBot, wizard: ImportWizard) -> None:
    """Wait until the file page has read the file (or said why it could not)."""
    qtbot.waitUntil(lambda: not wizard.busy and "正在读取" not in wizard.fileStatusLabel.text(), timeout=WAIT)


def to_preview(qtbot: QtBot, wizard: ImportWizard) -> None:
    read(qtbot, wizard)
    assert next_enabled(wizard), wizard.fileStatusLabel.text()
    wizard.next()
    assert wizard.currentId() == MAPPING_PAGE and next_enabled(wizard), wizard.mappingStatusLabel.text()
    wizard.next()
    assert wizard.currentId() == PREVIEW_PAGE
    qtbot.waitUntil(lambda: wizard.preview is not None or bool(wizard.previewStatusLabel.text()), timeout=WAIT)
    assert wizard.preview is not None, wizard.previewStatusLabel.text()


def import_now(qtbot: QtBot, wizard: ImportWizard) -> roster_commit.ImportResult:
    with qtbot.waitSignal(wizard.imported, timeout=WAIT) as blocker:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == RESULT_PAGE
    return blocker.args[0]  # type: ignore[no-any-return,index]


def snapshot(ws: Workspace) -> dict[str, int]:
    """Row counts, less the bookkeeping of the backup every commit takes first."""
    counts = ws.store.table_counts()
    conn = ws.store.conn
    counts["audit_log"] -= conn.execute("SELECT count(*) FROM audit_log WHERE action = 'db.backup'").fetchone()[0]
    counts["settings"] -= conn.execute("SELECT count(*) FROM settings WHERE key = 'backup.last_good'").fetchone()[0]
    if "row_log" in counts:  # the row log's entries for that setting are the same bookkeeping
        counts["row_log"] -= conn.execute(
            "SELECT count(*) FROM row_log WHERE tbl = 'settings' AND rid = 'backup.last_good'").fetchone()[0]
    return counts


def actions(ws: Workspace) -> list[str]:
    return [r[0] for r in ws.store.conn.execute("SELECT action FROM audit_log ORDER BY id")]


def strip(worker: Any) -> tuple[Any, ...]:
    return worker.id_number, worker.name, worker.active, worker.values


# --------------------------------------------------------------------------
# The whole way


def test_a_clean_roster_goes_from_file_to_database(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                                   workspace: Workspace, enterprise: Enterprise,
                                                   runner: TaskRunner, monkeypatch: pytest.MonkeyPatch,
                                                   sheet_size: str) -> None:
    copied: list[int] = []
    insert_staged = roster_store.insert_staged

    def spy(*args: Any) -> int:
        copied.append(insert_staged(*args))
        return copied[-1]

    monkeypatch.setattr(roster_store, "insert_staged", spy)
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx")
    assert "延吉市长白山食品有限公司" in wizard.windowTitle()
    read(qtbot, wizard)
    assert wizard.sheetCombo.currentData() == "名册" and wizard.headerRowSpin.value() == 1
    assert wizard.head_model.header_row == 0  # shown in blue
    assert "表头在第 1 行" in wizard.fileStatusLabel.text() and "公民身份号码" in wizard.fileStatusLabel.text()
    shown = wizard.head_model.index(1, 3).data()
    assert "*" in shown and len(shown) == 18  # ID numbers masked in the grid

    wizard.next()
    assert wizard.currentId() == MAPPING_PAGE
    assert wizard.columns()[Field.ID_NUMBER] == 3 and wizard.columns()[Field.NAME] == 1
    assert "自动对应" in wizard.mappingIntroLabel.text() and next_enabled(wizard)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=WAIT)
    counts = wizard.preview.counts  # type: ignore[union-attr]
    assert (counts["rows"], counts["new"], counts["refused"]) == (EXPECTED["clean"]["rows"], 30, 0)
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "导入"
    assert ">30</span><br/>新增" in wizard.summaryLabel.text()
    assert snapshot(workspace)["employments"] == 0  # the preview writes nothing

    result = import_now(qtbot, wizard)
    assert result.counts["new"] == 30 and ">30</span><br/>新增" in wizard.resultLabel.text()
    # It says a backup was made only when one was (a regular backup that was due), and how to go back.
    assert ("导入前已按计划备份数据库" in wizard.resultLabel.text()) == result.backed_up
    assert "撤销上次导入" in wizard.resultLabel.text()
    assert copied == [30]  # the preview's staged rows, on the connection the wizard's tasks share
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    assert actions(workspace)[-1] == "roster.import"
    entry = json.loads(workspace.store.audit_entries(1)[0]["detail"])
    assert entry["file"] == "roster_clean.xlsx" and entry["counts"]["new"] == 30

    # Exactly what the service writes when it prepares and commits on one connection (the staged path).
    by_wizard = roster_store.stored_workers(workspace.store, enterprise.id)
    other = add_enterprise(workspace, draft(2))
    preview = svc.prepare_import(workspace, other.id, SAMPLES / "roster_clean.xlsx")
    assert preview.stage_token
    assert result.backed_up  # the first import of a new office: its first backup was due
    assert not roster_commit.commit_import(workspace, preview).backed_up  # one minute later none is due
    by_service = roster_store.stored_workers(workspace.store, other.id)
    assert len(by_wizard) == 30 and sorted(map(strip, by_wizard.values())) == sorted(map(strip, by_service.values()))
    kept = runner._kept[-1]  # noqa: SLF001
    assert kept.is_open
    wizard.accept()
    qtbot.waitUntil(lambda: not kept.is_open)  # closed on the worker once the wizard is done


def test_a_corrected_column_is_used_and_remembered(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                                   workspace: Workspace, enterprise: Enterprise,
                                                   tmp_path: Path) -> None:
    built = build(RosterSpec(workers=6, seed=3))
    built.grid[0][3] = "证件"  # not a header the importer knows
    path = write_xlsx(tmp_path / "odd.xlsx", built)
    wizard = open_wizard(path)
    read(qtbot, wizard)
    wizard.next()
    assert wizard.columns()[Field.ID_NUMBER] is None
    assert "还缺少必需的列：公民身份号码" in wizard.mappingStatusLabel.text() and not next_enabled(wizard)
    wizard.set_column(3, Field.ID_NUMBER)
    wizard.set_column(12, None)  # 联系电话: the clerk leaves the phone numbers out
    assert next_enabled(wizard) and wizard.mappingStatusLabel.text() == "共导入 12 列。"
    wizard.set_column(4, Field.ID_NUMBER)  # by mistake: two columns for one field
    assert "“公民身份号码”同时选给了 D、E 列" in wizard.mappingStatusLabel.text() and not next_enabled(wizard)
    wizard.set_column(4, Field.HUKOU)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=WAIT)
    assert wizard.preview.counts["new"] == 6  # type: ignore[union-attr]
    assert wizard.preview.mapping()["id_number"]["column"] == "D"  # type: ignore[union-attr]
    import_now(qtbot, wizard)
    stored = roster_store.stored_workers(workspace.store, enterprise.id)
    assert sorted(stored) == sorted(r.id_number for r in built.expected if r.id_number)
    assert all(not w.values["phone"] for w in stored.values())
    wizard.accept()

    again = open_wizard(path)  # the enterprise's next roster: the columns are remembered
    read(qtbot, again)
    again.next()
    assert again.columns()[Field.ID_NUMBER] == 3 and again.columns()[Field.PHONE] is None
    assert "上次为本企业" in again.mappingIntroLabel.text() and "D、M" in again.mappingIntroLabel.text()
    assert again.mappingTable.item(3, 1).font().italic()
    assert next_enabled(again)
    again.reject()


def test_a_different_header_row_and_sheet_can_be_chosen(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                                        tmp_path: Path) -> None:
    wizard = open_wizard(SAMPLES / "roster_messy.xlsx")
    read(qtbot, wizard)
    assert wizard.headerRowSpin.value() == 3 and wizard.head_model.header_row == 2
    wizard.headerRowSpin.setValue(1)  # the title row
    qtbot.waitUntil(lambda: "第 1 行不像表头" in wizard.fileStatusLabel.text(), timeout=WAIT)
    assert not next_enabled(wizard) and wizard.head_model.header_row is None
    wizard.headerRowSpin.setValue(3)
    qtbot.waitUntil(lambda: next_enabled(wizard), timeout=WAIT)
    assert "表头在第 3 行" in wizard.fileStatusLabel.text()
    wizard.reject()


# --------------------------------------------------------------------------
# Problems


@pytest.fixture(params=["everyday", "big"])
def sheet_size(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The everyday preview, and a big sheet's (roster_blocks: clean new rows only in the staging table)."""
    if request.param == "big":
        monkeypatch.setattr(roster_blocks, "LEAN_ROWS", 0)
    return str(request.param)


def test_problems_are_grouped_and_listed_with_row_and_column(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                                             tmp_path: Path, sheet_size: str) -> None:
    spec = RosterSpec(workers=20, seed=4, quirks={2: "bad_check", 5: "numeric_id", 7: "duplicate", 9: "bad_check",
                                                  11: "sex_mismatch", 13: "low_wage"})
    built = build(spec)
    wizard = open_wizard(write_xlsx(tmp_path / "problems.xlsx", built))
    to_preview(qtbot, wizard)
    preview = wizard.preview
    assert preview is not None and preview.counts["refused"] == 4 and preview.counts["warnings"] >= 2
    assert (preview.handed_on > 0) == (sheet_size == "big")
    model = wizard.problem_model
    assert model.rowCount() == len(preview.problems()) and "问题（" in wizard.previewTabs.tabText(0)

    tree = wizard.groupTree
    groups = {tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1): tree.topLevelItem(i)
              for i in range(tree.topLevelItemCount())}
    assert groups[None].text(1) == str(model.rowCount())
    checksum = groups["id_checksum"]
    rows = sorted(r.sheet_row for r in built.expected if r.quirk == "bad_check")
    assert checksum.text(0) == "错误：身份证号码校验位错误" and checksum.text(1) == "2"
    assert checksum.text(2) == f"第 {rows[0]}、{rows[1]} 行"
    assert checksum.foreground(0).color() == ERROR_COLOR
    assert groups["sex_mismatch"].text(0).startswith("提醒：")

    tree.setCurrentItem(checksum)  # only this kind in the table
    assert model.rowCount() == 2
    cells = [model.index(0, c).data() for c in ProblemColumn]
    assert cells[:4] == ["错误", str(rows[0]), "D", "公民身份号码"] and "校验位" in cells[5]
    assert model.index(0, ProblemColumn.MESSAGE).data(Qt.ItemDataRole.ForegroundRole).color() == ERROR_COLOR
    tree.setCurrentItem(groups["wage_below_minimum"])
    assert model.rowCount() == 1 and model.index(0, ProblemColumn.COLUMN).data() == "K"
    assert model.index(0, ProblemColumn.SEVERITY).data(Qt.ItemDataRole.ForegroundRole).color() == WARNING_COLOR
    tree.setCurrentItem(groups[None])
    wizard.problemView.sortByColumn(ProblemColumn.ROW, Qt.SortOrder.DescendingOrder)
    assert int(model.index(0, ProblemColumn.ROW).data()) == max(p.row for p in preview.problems())
    tree.setCurrentItem(groups["id_stored_as_number"])
    number = str(next(p for p in preview.problems() if p.code == "id_stored_as_number").params["value"])
    message = model.index(0, ProblemColumn.MESSAGE).data()
    assert "被存成了数字" in message and number not in message and "*" in message  # the ID is masked
    wizard.reject()


def test_a_reimport_shows_what_changes_and_can_mark_absent_workers(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace, enterprise: Enterprise,
    tmp_path: Path, sheet_size: str,
) -> None:
    built = build(RosterSpec(workers=8, seed=5))
    roster_commit.commit_import(workspace, svc.prepare_import(workspace, enterprise.id, write_xlsx(tmp_path / "v1.xlsx", built)))
    grid = [list(r) for r in built.grid]
    grid[2][10] = 4100  # 月工资 of the worker on sheet row 3
    del grid[8]  # one worker left
    wizard = open_wizard(write_xlsx(tmp_path / "v2.xlsx", grid))
    to_preview(qtbot, wizard)
    assert wizard.previewTabs.tabText(1) == "更新的人员（1）"
    changes = wizard.change_model
    assert changes.rowCount() == 1 and changes.index(0, 0).data() == "3"
    assert "*" in changes.index(0, 1).data()
    assert changes.index(0, 3).data() == f"月工资（元）：{built.grid[2][10]} → 4100"
    assert wizard.deactivateCheck.isVisibleTo(wizard) and "1 人" in wizard.deactivateCheck.text()
    # who would be marked 离职, before the clerk ticks it: named in the text, masked ID in the tooltip
    gone_name, gone_id = str(built.grid[8][1]), str(built.grid[8][3])
    assert wizard.deactivateCheck.text().endswith(f"不在这份名册上：{gone_name}）"), wizard.deactivateCheck.text()
    assert f"{gone_name}　{gone_id[:6]}********{gone_id[-4:]}" in wizard.deactivateCheck.toolTip()
    assert gone_id not in wizard.deactivateCheck.toolTip()
    wizard.deactivateCheck.setChecked(True)
    result = import_now(qtbot, wizard)
    assert result.counts["deactivated"] == 1 and "标记为离职" in wizard.resultLabel.text()
    query = roster_view.RosterQuery(enterprise.id)
    assert roster_view.count_roster(workspace, query) == 7
    wizard.accept()


def test_the_last_import_s_file_again_says_so_and_writes_only_the_log_entry(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace,
) -> None:
    wizard = open_wizard(SAMPLES / "roster_messy.xlsx")
    to_preview(qtbot, wizard)
    first = import_now(qtbot, wizard)
    assert "没有写入任何变化" not in wizard.resultLabel.text() and wizard.resultPage.title() == "已导入"
    wizard.accept()
    before = snapshot(workspace)

    wizard = open_wizard(SAMPLES / "roster_messy.xlsx")  # the clerk is not sure it went in: again
    to_preview(qtbot, wizard)
    preview = wizard.preview
    assert preview is not None and preview.unchanged_since is not None
    assert "导入的文件（导入 {}）相同，名册此后未改动：没有要导入的变化".format(first.import_id) in wizard.summaryLabel.text()
    assert f">{first.counts['valid']}</span><br/>未变" in wizard.summaryLabel.text()
    assert ">0</span><br/>新增" in wizard.summaryLabel.text()
    assert wizard.problem_model.rowCount() == len(preview.problem_records()) > 0  # the same problem list
    assert wizard.previewTabs.tabText(1) == "更新的人员（0）"
    result = import_now(qtbot, wizard)
    assert result.import_id == first.import_id
    assert "没有写入任何变化（与导入 {}".format(first.import_id) in wizard.resultLabel.text()
    assert wizard.resultPage.title() == "没有变化" and "没有改动" in wizard.resultPage.subTitle()
    assert actions(workspace)[-1] == "roster.import_unchanged"
    after = snapshot(workspace)
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"audit_log": 1}
    wizard.accept()


@pytest.mark.parametrize(("make", "said"), [
    (lambda p: p.write_bytes(b"PK\x03\x04 half of a zip"), "已损坏或不完整"),
    (lambda p: write_encrypted_xlsx(p), "设置了打开密码"),
    (lambda p: p.write_bytes(b""), "是空的（0 字节）"),
    (lambda p: write_xlsx(p, [["劳务协作地区就业人员名册"], ["金明", "男"]]), "找不到表头行"),
])
def test_a_broken_file_says_what_is_wrong_and_writes_nothing(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace, tmp_path: Path,
    make: Callable[[Path], object], said: str,
) -> None:
    before = snapshot(workspace)
    path = tmp_path / "名册.xlsx"
    make(path)
    wizard = open_wizard(path)
    read(qtbot, wizard)
    text = wizard.fileStatusLabel.text()
    assert said in text and "Traceback" not in text
    assert "color: #b3261e" in wizard.fileStatusLabel.styleSheet()
    assert not next_enabled(wizard) and not wizard.validateCurrentPage()
    assert wizard.currentId() == FILE_PAGE
    wizard.open_file(str(SAMPLES / "roster_clean.xlsx"))  # the clerk picks the right file: on it goes
    read(qtbot, wizard)
    assert next_enabled(wizard)
    wizard.reject()
    assert snapshot(workspace) == before


def test_a_payment_list_tells_the_clerk_where_in_the_window_it_goes(
        qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace) -> None:
    """A 社保缴费明细 picked as a roster is refused, and the clerk in the window is sent to the 跟踪 page's
    button (the message named only the command, laoxie track import)."""
    before = snapshot(workspace)
    wizard = open_wizard()
    qtbot.keyClicks(wizard.fileEdit, str(DATA / "insurance_monthly.xlsx"))
    qtbot.keyClick(wizard.fileEdit, Qt.Key.Key_Return)
    read(qtbot, wizard)
    text = wizard.fileStatusLabel.text()
    assert "社保缴费明细" in text and "不是名册" in text and "第3行" in text
    assert "“跟踪”页" in text and "“导入跟踪名单…”" in text, text
    assert not next_enabled(wizard)
    wizard.reject()
    assert snapshot(workspace) == before


def test_a_locked_case_says_so(qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace) -> None:
    case = add_case(workspace, 7)
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx", case.enterprise_id)
    assert "已提交" in wizard.fileStatusLabel.text() and not wizard.browseButton.isEnabled()
    assert not wizard.busy and not next_enabled(wizard)
    wizard.reject()


# --------------------------------------------------------------------------
# Cancelling


class Gate:
    """Holds the database worker inside a service until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        original = getattr(owner, name)

        def held(*args: object, **kwargs: object) -> object:
            self.entered.set()
            self.release.wait(WAIT / 1000)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, held)


def test_cancel_while_checking_shows_nothing_and_writes_nothing(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = snapshot(workspace)
    gate = Gate(monkeypatch, svc, "check_sheet")
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx")
    read(qtbot, wizard)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(gate.entered.is_set, timeout=WAIT)
    qtbot.waitUntil(wizard.progressPane.isVisible, timeout=WAIT)  # after the delay, a bar and 取消
    qtbot.mouseClick(wizard.stopButton, Qt.MouseButton.LeftButton)
    assert wizard.stopButton.text() == "正在取消…"
    gate.release.set()
    qtbot.waitUntil(lambda: "已取消核对" in wizard.previewStatusLabel.text(), timeout=WAIT)
    assert wizard.preview is None and not next_enabled(wizard) and not wizard.progressPane.isVisible()
    assert snapshot(workspace) == before
    wizard.back()  # and again, to the end
    monkeypatch.undo()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=WAIT)
    assert import_now(qtbot, wizard).counts["new"] == 30
    wizard.accept()


@pytest.mark.parametrize("how", ["stop button", "closing the window"])
def test_cancel_while_importing_leaves_the_database_as_it_was(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace, enterprise: Enterprise,
    monkeypatch: pytest.MonkeyPatch, how: str,
) -> None:
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx")
    to_preview(qtbot, wizard)
    before = snapshot(workspace)
    gate = Gate(monkeypatch, roster_store, "insert_staged")  # inside the transaction, the import row written
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(gate.entered.is_set, timeout=WAIT)
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled() and not next_enabled(wizard)
    if how == "stop button":
        wizard.stopButton.click()
    else:
        wizard.reject()  # waits for the transaction to end
        assert wizard.isVisible()
    gate.release.set()
    if how == "stop button":
        qtbot.waitUntil(lambda: "已取消导入" in wizard.previewStatusLabel.text(), timeout=WAIT)
        assert next_enabled(wizard) and wizard.result_ is None
    else:
        qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    assert snapshot(workspace) == before and "roster.import" not in actions(workspace)
    assert roster_store.stored_workers(workspace.store, enterprise.id) == {}
    if how == "stop button":
        monkeypatch.undo()
        assert import_now(qtbot, wizard).counts["new"] == 30  # the same preview, imported after all
        wizard.accept()


def test_a_cancel_after_the_commit_says_the_import_was_done(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard], workspace: Workspace, enterprise: Enterprise,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """取消 clicked once the transaction had committed (its COMMIT of 100,000 rows takes a moment): the
    result page said 已导入 as if nothing had been asked; it says the cancel came too late."""
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx")
    to_preview(qtbot, wizard)
    committed, release = threading.Event(), threading.Event()
    real = roster_commit.commit_import

    def then_held(*args: Any, **kwargs: Any) -> roster_commit.ImportResult:
        result = real(*args, **kwargs)
        committed.set()
        release.wait(WAIT / 1000)
        return result

    monkeypatch.setattr(roster_commit, "commit_import", then_held)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(committed.is_set, timeout=WAIT)
    wizard.stopButton.click()
    assert wizard.stopButton.text() == "正在取消…"
    with qtbot.waitSignal(wizard.imported, timeout=WAIT):
        release.set()
    assert wizard.currentId() == RESULT_PAGE
    text = wizard.resultLabel.text()
    assert "取消时导入已完成" in text and "撤销上次导入" in text and "已导入“roster_clean.xlsx”" in text, text
    assert len(roster_store.stored_workers(workspace.store, enterprise.id)) == 30
    wizard.accept()


def test_an_import_not_cancelled_does_not_speak_of_a_cancel(
    qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
) -> None:
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx")
    to_preview(qtbot, wizard)
    import_now(qtbot, wizard)
    assert "取消" not in wizard.resultLabel.text()
    wizard.accept()


def test_closing_the_wizard_lets_go_of_the_preview(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[svc.RosterPreview] = []
    original = svc.RosterPreview.close
    monkeypatch.setattr(svc.RosterPreview, "close", lambda self: (closed.append(self), original(self)))
    wizard = open_wizard(SAMPLES / "roster_clean.xlsx")
    to_preview(qtbot, wizard)
    preview = wizard.preview
    wizard.back()  # the columns may change: this preview is over
    assert closed == [preview] and wizard.preview is None
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=WAIT)
    wizard.reject()
    assert closed[-1] is not preview and len(closed) == 2 and wizard.preview is None


# --------------------------------------------------------------------------
# The copy for the enterprise


def test_the_problems_copy_is_a_real_workbook(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                              workspace: Workspace, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def save_name(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "退回企业"), "Excel 工作簿 (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    wizard = open_wizard(SAMPLES / "roster_messy.xlsx")
    to_preview(qtbot, wizard)
    assert wizard.problemsCopyButton.isEnabled()
    qtbot.mouseClick(wizard.problemsCopyButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已写入" in wizard.previewStatusLabel.text(), timeout=WAIT)
    assert asked[0].endswith("roster_messy-问题清单.xlsx")
    written = tmp_path / "退回企业.xlsx"
    assert str(written) in wizard.previewStatusLabel.text()
    book = openpyxl.load_workbook(written)
    assert "问题清单" in book.sheetnames and len(book.sheetnames) >= 2
    assert actions(workspace)[-1] == "roster.problems_export"
    wizard.reject()


def test_the_open_dialog_picks_the_file(qtbot: QtBot, open_wizard: Callable[..., ImportWizard],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_args: (str(SAMPLES / "roster_gb18030.csv"), ""))
    wizard = open_wizard()
    assert wizard.fileStatusLabel.text() == "" and not next_enabled(wizard)
    qtbot.mouseClick(wizard.browseButton, Qt.MouseButton.LeftButton)
    read(qtbot, wizard)
    assert wizard.fileEdit.text().endswith("roster_gb18030.csv") and "GB18030" in wizard.fileStatusLabel.text()
    assert next_enabled(wizard)
    wizard.reject()


def test_declared_widgets_match_the_form() -> None:
    root = ET.parse(form_path("import_wizard.ui")).getroot()
    widgets = {w.get("name", ""): w.get("class", "") for w in root.iter("widget")}
    hints = get_type_hints(ImportWizardForm)
    declared = {name: hints[name] for name in ImportWizardForm.__annotations__ if not name.startswith("_")}
    assert declared
    for name, hint in declared.items():
        assert widgets.get(name) == hint.__name__, name


def test_the_open_dialog_starts_in_documents_then_where_the_last_roster_came_from(
        qtbot: QtBot, open_wizard: Callable[..., ImportWizard], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """Given no folder, Qt started in the working folder, on Windows the install folder where a clerk's
    files never are: the first time it is Documents, then the folder the last roster came from."""
    monkeypatch.setenv("HOME", str(tmp_path))
    documents = tmp_path / "Documents"
    documents.mkdir()
    stick = tmp_path / "U盘"
    stick.mkdir()
    roster = stick / "roster_gb18030.csv"
    roster.write_bytes((SAMPLES / "roster_gb18030.csv").read_bytes())
    started: list[str] = []

    def choose(_parent: object, _title: str, folder: str, _filter: str) -> tuple[str, str]:
        started.append(folder)
        return str(roster), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    wizard = open_wizard()
    qtbot.mouseClick(wizard.browseButton, Qt.MouseButton.LeftButton)
    read(qtbot, wizard)
    wizard.reject()
    again = open_wizard()  # another day, another enterprise's roster: where the last one was
    qtbot.mouseClick(again.browseButton, Qt.MouseButton.LeftButton)
    read(qtbot, again)
    again.reject()
    assert [Path(f) for f in started] == [documents, stick]
