"""The 跟踪 page: loans with their next check and latest result, coloured by the result."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.core.loans import LoanDraft
from desktop.services import loans as loan_service
from desktop.services import tracking
from desktop.services.workspace import Workspace
from desktop.ui.tasks import TaskRunner
from desktop.ui.tracking_page import OVERDUE_COLOUR, VERDICT_COLOURS, TrackingColumn, TrackingPage
from tests.batches import factory
from tests.services.test_tracking import _write, loan  # noqa: F401 - the fixture

pytestmark = pytest.mark.gui


@pytest.fixture
def two_loans(workspace: Workspace, tmp_path: Path) -> list[str]:
    return make_two_loans(workspace, tmp_path)


def make_two_loans(workspace: Workspace, tmp_path: Path) -> list[str]:
    """Two enterprises with loans: the first checked (below the standard in September), the second never."""
    factory.approved_applications(workspace, 2, 10)
    usccs = [factory.uscc(e, workspace.office.code) for e in range(2)]
    for n, (uscc, start) in enumerate(zip(usccs, (date(2026, 6, 1), date(2026, 7, 1)))):
        loan_service.add_loan(workspace, uscc, LoanDraft(
            bank_branch="国家开发银行吉林省分行", contract_number=f"T-{n}", amount_wan=Decimal(300),
            start_date=start, term_months=24, rate=Decimal("3.00")))
    one = [r for r in workspace.store.conn.execute(
        "SELECT p.id_number, p.name, m.hukou_code FROM employments m JOIN persons p ON p.id = m.person_id"
        " JOIN enterprises e ON e.id = m.enterprise_id WHERE e.uscc = ? AND m.hukou_code <> '220102'"
        " ORDER BY m.id LIMIT 2", (usccs[0],))]
    tracking.import_list(workspace, usccs[0], _write(tmp_path / "09.csv", [tuple(r) for r in one]), period="2026-09")
    tracking.check(workspace, usccs[0], date(2026, 9, 30))
    return usccs


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


def _fill_loan(dialog: Any, contract: str, amount: str = "100") -> None:
    """The 登记贷款 form with a loan at the LPR (no warning)."""
    dialog.bankEdit.setText("国家开发银行吉林省分行")
    dialog.contractEdit.setText(contract)
    dialog.amountEdit.setText(amount)
    dialog.rateEdit.setText("3.0")


def _page(qtbot: QtBot, ws: Workspace, today: date, runner: TaskRunner) -> TrackingPage:
    page = TrackingPage(ws, runner)
    qtbot.addWidget(page)
    page.today = today
    page.resize(1100, 600)
    page.show()
    page.reload()
    return page


def test_overdue_first_coloured_by_the_latest_result(qtbot: QtBot, workspace: Workspace,
                                                     two_loans: list[str], runner: TaskRunner) -> None:
    page = _page(qtbot, workspace, date(2026, 10, 15), runner)
    table = page.table
    assert table.rowCount() == 2
    # the second loan (from 2026-07-01) is due 2026-10-01 and was never checked: overdue, first
    assert table.item(0, TrackingColumn.USCC).text() == two_loans[1]
    assert table.item(0, TrackingColumn.STATE).text() == "已逾期"
    assert table.item(0, TrackingColumn.STATE).foreground().color() == OVERDUE_COLOUR
    assert table.item(0, TrackingColumn.LAST).text() == "尚未核实"
    # the first (from 2026-06-01), checked 2026-09-30: next due 2026-12-01, 不达标 in red
    assert table.item(1, TrackingColumn.DUE).text() == "2026-12-01"
    assert table.item(1, TrackingColumn.STATE).text() == "未到期"
    assert table.item(1, TrackingColumn.VERDICT).text() == "不达标（待确认）"
    assert table.item(1, TrackingColumn.NAME).background().color() == VERDICT_COLOURS["not_met"]
    assert "逾期未核实 1 笔；需关注 0 家；不达标待审核人确认 1 笔" in page.countLabel.text()
    table.selectRow(1)
    text = page.detail.toPlainText()
    assert "最近一次核实（2026-09-30，编号" in text and "结论：不达标" in text
    assert "待审核人确认" in text
    assert not page.confirmButton.isEnabled() and "审核" in page.confirmButton.toolTip()  # a clerk


def test_the_approver_confirms_or_returns_on_the_page(qtbot: QtBot, workspace: Workspace, approver_ws: Workspace,
                                                      tmp_path: Path, runner: TaskRunner,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    usccs = make_two_loans(workspace, tmp_path)  # the clerk checked the first loan: 不达标
    page = _page(qtbot, approver_ws, date(2026, 10, 15), runner)
    page.table.selectRow(0)  # never checked: nothing to confirm
    assert not page.confirmButton.isEnabled() and not page.returnButton.isEnabled()
    page.table.selectRow(1)
    assert page.confirmButton.isEnabled() and page.returnButton.isEnabled()
    assert page.return_selected("  ") is False and "须写明理由" in page.countLabel.text()
    assert page.confirm_selected()
    row = [r for r in range(page.table.rowCount()) if page.table.item(r, TrackingColumn.USCC).text() == usccs[0]][0]
    assert page.table.item(row, TrackingColumn.VERDICT).text() == "不达标（需关注）"
    assert "需关注 1 家；不达标待审核人确认 0 笔" in page.countLabel.text()
    page.table.selectRow(row)
    assert not page.confirmButton.isEnabled()
    assert "审核人朴科长于" in page.detail.toPlainText() and "确认不达标" in page.detail.toPlainText()


def test_the_approver_who_checked_cannot_confirm_on_the_page(qtbot: QtBot, approver_ws: Workspace, tmp_path: Path,
                                                             runner: TaskRunner) -> None:
    make_two_loans(approver_ws, tmp_path)
    page = _page(qtbot, approver_ws, date(2026, 10, 15), runner)
    page.table.selectRow(1)
    assert not page.confirmButton.isEnabled() and "另一位审核人" in page.confirmButton.toolTip()
    assert page.confirm_selected() is False and "另一位审核人" in page.countLabel.text()


def test_checking_the_selected_loan_keeps_a_new_record(qtbot: QtBot, workspace: Workspace,
                                                       two_loans: list[str], runner: TaskRunner) -> None:
    page = _page(qtbot, workspace, date(2026, 9, 30), runner)
    page.table.selectRow(1)  # the first loan, with its September list
    assert page.selected() is not None and page.selected().loan.uscc == two_loans[0]  # type: ignore[union-attr]
    assert page.checkButton.isEnabled()
    task = page.check_selected()
    assert task is not None and not page.checkButton.isEnabled()
    qtbot.waitUntil(lambda: page.checking is None, timeout=10_000)
    assert "已核实 测试企业0000有限公司：不达标" in page.countLabel.text()
    assert len(tracking.checks(workspace, two_loans[0])) == 2
    page.table.selectRow(0)  # the second loan has no list: refused with the reason
    page.check_selected()
    qtbot.waitUntil(lambda: page.checking is None, timeout=10_000)
    assert "没有导入任何名单" in page.countLabel.text() and page.checkButton.isEnabled()


def test_the_window_has_the_page(open_window: Callable[[Workspace], Any], workspace: Workspace) -> None:
    window = open_window(workspace)
    labels = [window.navList.item(i).text() for i in range(window.navList.count())]
    assert "跟踪" in labels and labels.index("跟踪") == labels.index("设置") - 1
    window.navList.setCurrentRow(labels.index("跟踪"))
    assert window.pages.currentWidget() is window.tracking
    assert "共 0 笔贷款" in window.tracking.countLabel.text()


def test_a_clerk_records_a_loan_in_the_window_confirming_its_warning(
        qtbot: QtBot, workspace: Workspace, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    factory.approved_applications(workspace, 1, 10)
    uscc = factory.uscc(0, workspace.office.code)
    page = _page(qtbot, workspace, date(2026, 12, 1), runner)
    page.reload()
    assert "登记贷款…" in page.detail.toPlainText() and "命令行" not in page.detail.toPlainText()
    dialog = page.open_loan_dialog()
    dialog.enterpriseCombo.setCurrentIndex(dialog.enterpriseCombo.findData(uscc))
    dialog.bankEdit.setText("国家开发银行吉林省分行")  # keyClicks types Latin keys only
    qtbot.keyClicks(dialog.contractEdit, "JL-2026-001")
    dialog.amountEdit.setText("三百")
    dialog.startEdit.setDate(dialog.startEdit.date().fromString("2026-11-20", "yyyy-MM-dd"))
    qtbot.keyClicks(dialog.rateEdit, "9.5")  # far above the LPR: a warning the clerk must confirm
    dialog.ok_button.click()
    assert dialog.isVisible() and "贷款金额请写数字" in dialog.messageLabel.text()
    assert loan_service.list_loans(workspace) == []

    dialog.amountEdit.setText("300")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: (
        asked.append(text), QMessageBox.StandardButton.No)[1])
    dialog.ok_button.click()
    assert asked and "LPR" in asked[0] and dialog.isVisible()
    assert loan_service.list_loans(workspace) == []  # declined: nothing recorded

    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    [loan] = loan_service.list_loans(workspace)
    assert (loan.uscc, loan.contract_number, loan.warnings[0]["text"]) == (uscc, "JL-2026-001", asked[0].split("\n")[1][2:])
    assert page.table.rowCount() == 1 and page.table.item(0, TrackingColumn.USCC).text() == uscc


def test_the_dialog_offers_only_enterprises_with_an_approved_application(
        qtbot: QtBot, workspace: Workspace, runner: TaskRunner) -> None:
    """The enterprise list held every enterprise of the office, the first (by name) chosen: the clerk
    filled in the contract, confirmed its warnings and only then learned that this enterprise had no
    approved application. It offers those a loan can be recorded for; with none, it says so."""
    import random

    page = _page(qtbot, workspace, date(2026, 12, 1), runner)
    dialog = page.open_loan_dialog()
    assert dialog.enterpriseCombo.count() == 0 and not dialog.ok_button.isEnabled()
    assert "还没有审核已批准" in dialog.messageLabel.text()
    dialog.reject()
    factory.enterprise_with_roster(workspace, 0, 10, random.Random(1))  # registered, never approved
    factory.approved_applications(workspace, 1, 10, first=1)
    dialog = page.open_loan_dialog()
    assert [dialog.enterpriseCombo.itemData(i) for i in range(dialog.enterpriseCombo.count())] == [
        factory.uscc(1, workspace.office.code)]
    assert dialog.ok_button.isEnabled() and dialog.messageLabel.text() == ""
    _fill_loan(dialog, "X-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    [recorded] = loan_service.list_loans(workspace)
    assert recorded.uscc == factory.uscc(1, workspace.office.code)


def test_the_report_and_the_workbook_are_written_from_the_page(
        qtbot: QtBot, workspace: Workspace, two_loans: list[str], runner: TaskRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page = _page(qtbot, workspace, date(2026, 10, 15), runner)
    assert page.workbookButton.isEnabled()
    page.table.clearSelection()
    assert not page.reportButton.isEnabled()
    page.table.selectRow(1)  # the loan checked in September
    assert page.reportButton.isEnabled()
    task = page.save_report(tmp_path / "报告")  # the suffix is added
    assert task is not None and not page.reportButton.isEnabled() and not page.workbookButton.isEnabled()
    qtbot.waitUntil(lambda: page.saving is None, timeout=20_000)
    assert page.written == tmp_path / "报告.pdf" and page.written.read_bytes().startswith(b"%PDF")
    assert "已保存" in page.countLabel.text()
    page.save_workbook(tmp_path / "状态表.xlsx")
    qtbot.waitUntil(lambda: page.saving is None, timeout=20_000)
    sheet = load_workbook(tmp_path / "状态表.xlsx").active
    assert sheet is not None and sheet.max_row == 3
    assert {sheet.cell(r, 3).value for r in (2, 3)} == set(two_loans)
    page.save_workbook(tmp_path / "no-such-folder" / "x.xlsx")
    qtbot.waitUntil(lambda: page.saving is None, timeout=20_000)
    assert "无法写出文件" in page.countLabel.text() and page.workbookButton.isEnabled()


def _colours_in(widget: Any) -> set[str]:
    """The colours drawn below the legend."""
    image = widget.grab().toImage()
    return {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(48, image.height(), 2)}


def test_the_chart_shows_the_selected_loans_months(qtbot: QtBot, workspace: Workspace, two_loans: list[str],
                                                   runner: TaskRunner) -> None:
    from desktop.ui.timeline_chart import ESTABLISHED, REQUIRED, RESULT_COLOURS

    page = _page(qtbot, workspace, date(2026, 10, 15), runner)
    page.table.selectRow(1)  # the first loan: from 2026-06, a list for September only (2 workers)
    months = page.chart.months
    assert [(m.month.month, m.has_list) for m in months] == [(6, False), (7, False), (8, False), (9, True),
                                                            (10, False)]
    september = months[3]
    assert (september.counted, september.required) == (2, 5) and september.verdict is not None
    description = page.chart.accessibleDescription()
    assert "2026年9月：计入2人" in description and "达标至少需5人" in description and "2026年6月：没有名单" in description
    colours = _colours_in(page.chart)
    assert {ESTABLISHED.name(), REQUIRED.name(), RESULT_COLOURS["not_met"].name()} <= colours
    assert page.chart.column_at(page.chart.width() - 12) == 4
    page.table.selectRow(0)  # never a list: nothing drawn but the gaps
    assert page.chart.months and not any(m.has_list for m in page.chart.months)
    assert ESTABLISHED.name() not in _colours_in(page.chart)


def test_the_payment_list_template_is_saved_from_the_page(qtbot: QtBot, workspace: Workspace, runner: TaskRunner,
                                                          tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from desktop.core.insurance_list import InsuranceColumn, find_insurance_header

    page = _page(qtbot, workspace, date(2026, 12, 1), runner)
    assert page.paidTemplateButton.isEnabled() and "缴费明细" in page.paidTemplateButton.toolTip()
    task = page.save_paid_template(tmp_path / "社保模板")
    assert task is not None and not page.paidTemplateButton.isEnabled()
    qtbot.waitUntil(lambda: page.saving is None, timeout=20_000)
    written = tmp_path / "社保模板.xlsx"
    assert page.written == written and "已保存" in page.countLabel.text()
    rows = [list(r) for r in load_workbook(written).active.iter_rows(max_row=5, values_only=True)]
    layout = find_insurance_header(rows)
    assert layout is not None and layout.header_row == 2
    assert {InsuranceColumn.NAME, InsuranceColumn.ID_NUMBER, InsuranceColumn.MONTH, InsuranceColumn.START,
            InsuranceColumn.END, InsuranceColumn.EMPLOYER} <= set(layout.columns)
    (tmp_path / "满了.xlsx").mkdir()
    page.save_paid_template(tmp_path / "满了.xlsx")  # a folder by that name: cannot be written, said in Chinese
    qtbot.waitUntil(lambda: page.saving is None, timeout=20_000)
    assert "无法写入文件" in page.countLabel.text()


DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_periods_list_is_previewed_then_imported_from_the_page(
        qtbot: QtBot, workspace: Workspace, loan: tuple[str, list[tuple[str, str, str]]], runner: TaskRunner,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from desktop.services.enterprises import find_enterprise
    from desktop.store import tracking as tracking_store

    uscc, counted = loan
    enterprise_id = find_enterprise(workspace, uscc).id
    page = _page(qtbot, workspace, date(2026, 11, 20), runner)
    page.table.clearSelection()
    assert not page.importButton.isEnabled() and "选一笔贷款" in page.importButton.toolTip()
    page.table.selectRow(0)
    assert page.importButton.isEnabled()
    asked: dict[str, Any] = {}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(DATA / "insurance_monthly.xlsx"), ""))

    def month(_parent: Any, _title: str, _label: str, items: list[str], current: int, _editable: bool) -> Any:
        asked["months"], asked["current"] = items, current
        return "2026-11", True
    monkeypatch.setattr(QInputDialog, "getItem", month)
    monkeypatch.setattr(QInputDialog, "getInt", lambda _p, _t, _l, value, *_a: (value, True))
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Yes]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: (shown.append(text), answers.pop(0))[1])

    page.importButton.click()  # declined after the preview: nothing stored
    qtbot.waitUntil(lambda: len(shown) == 1 and not page.importer.running, timeout=20_000)
    assert asked["months"][0] == "2026-07" and len(asked["months"]) == 24
    assert asked["months"][asked["current"]] == "2026-07"  # no list yet: the loan's first month by default
    assert "识别为社保缴费明细，2026-11 的名单" in shown[0] and "将保存 3 人" in shown[0]
    assert "6 行有错" in shown[0] and "第10行B列（姓名）：姓名为空" in shown[0]
    assert tracking_store.current_lists(workspace.store, enterprise_id) == []
    assert "未导入" in page.countLabel.text()

    page.importButton.click()  # agreed: kept, and the page says so
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20_000)
    qtbot.waitUntil(lambda: not page.importer.running, timeout=20_000)
    [stored] = tracking_store.current_lists(workspace.store, enterprise_id)
    assert (stored.kind, stored.rows, stored.period) == ("insurance", 3, "2026-11")
    assert "已导入 2026-11 的社保缴费明细：3 人（6 行有错未收）" in page.countLabel.text()
    assert page.importButton.isEnabled()

    # the roster layout, for October: the counted workers
    page.table.selectRow(0)
    roster = _write(tmp_path / "10.csv", counted)
    page.preview_list(roster, "2026-10")
    qtbot.waitUntil(lambda: len(shown) == 3 and not page.importer.running, timeout=20_000)
    assert "识别为花名册，2026-10 的名单" in shown[2] and f"将保存 {len(counted)} 人" in shown[2]
    periods = sorted(s.period for s in tracking_store.current_lists(workspace.store, enterprise_id))
    assert periods == ["2026-10", "2026-11"]

    page.preview_list(roster, "2029-01")  # outside the loan: said in Chinese, nothing asked
    qtbot.waitUntil(lambda: not page.importer.running, timeout=20_000)
    assert len(shown) == 3 and "2029-01" in page.countLabel.text()



def test_a_list_changed_after_its_preview_is_not_stored(
        qtbot: QtBot, workspace: Workspace, loan: tuple[str, list[tuple[str, str, str]]], runner: TaskRunner,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.services.enterprises import find_enterprise
    from desktop.store import tracking as tracking_store

    uscc, counted = loan
    roster = _write(tmp_path / "12.csv", counted)
    page = _page(qtbot, workspace, date(2026, 12, 10), runner)
    page.table.selectRow(0)
    shown: list[str] = []

    def edit_then_agree(_p: Any, _t: str, text: str, *_a: Any) -> QMessageBox.StandardButton:
        shown.append(text)
        _write(roster, counted[:1])  # someone saves the file again while the preview is open
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", edit_then_agree)
    page.preview_list(roster, "2026-12")
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: not page.importer.running, timeout=20_000)
    assert f"将保存 {len(counted)} 人" in shown[0]
    assert "在预览之后被改过" in page.countLabel.text() and "12.csv" in page.countLabel.text()
    assert tracking_store.current_lists(workspace.store, find_enterprise(workspace, uscc).id) == []


def test_the_checked_loan_stays_selected_when_its_row_moves(qtbot: QtBot, workspace: Workspace, two_loans: list[str],
                                                            tmp_path: Path, runner: TaskRunner) -> None:
    """A check makes an overdue loan due later, so its row moves down: the page still shows that loan,
    not the one that took its row (the clerk read another enterprise's explanation under the check's message)."""
    people = [tuple(r) for r in workspace.store.conn.execute(
        "SELECT p.id_number, p.name, m.hukou_code FROM employments m JOIN persons p ON p.id = m.person_id"
        " JOIN enterprises e ON e.id = m.enterprise_id WHERE e.uscc = ? AND m.hukou_code <> '220102'"
        " ORDER BY m.id", (two_loans[1],))]
    tracking.import_list(workspace, two_loans[1], _write(tmp_path / "11.csv", people), period="2026-11")
    page = _page(qtbot, workspace, date(2026, 12, 5), runner)
    # both overdue: the second loan (due 2026-10-01) first, the first (due 2026-12-01) second
    assert [page.table.item(r, TrackingColumn.USCC).text() for r in range(2)] == [two_loans[1], two_loans[0]]
    page.table.selectRow(0)
    qtbot.mouseClick(page.checkButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.checking is None, timeout=10_000)
    # checked today: due 2027-01-01, no longer overdue, so its row is now the second
    assert page.table.item(1, TrackingColumn.USCC).text() == two_loans[1]
    selected = page.selected()
    assert selected is not None and selected.loan.uscc == two_loans[1]
    assert selected.last is not None and selected.last.check_date == "2026-12-05"
    assert "最近一次核实（2026-12-05" in page.detail.toPlainText()
    assert page.countLabel.text().startswith("已核实 测试企业0001有限公司")


def test_the_clerk_gives_the_months_staff_total_when_importing_a_list(
        qtbot: QtBot, workspace: Workspace, loan: tuple[str, list[tuple[str, str, str]]], runner: TaskRunner,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The share of the standard is counted on the month's staff total: the window asks for it (as
    ``track import --staff`` takes it), offering the previous list's, instead of always taking the
    total the enterprise registered at its application."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from desktop.services.enterprises import find_enterprise
    from desktop.store import tracking as tracking_store

    uscc, counted = loan
    enterprise = find_enterprise(workspace, uscc)
    tracking.import_list(workspace, uscc, _write(tmp_path / "10.csv", counted), period="2026-10", staff_total=35)
    assert enterprise.staff_total != 35
    page = _page(qtbot, workspace, date(2026, 11, 20), runner)
    page.table.selectRow(0)
    roster = _write(tmp_path / "11.csv", counted)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(roster), ""))
    monkeypatch.setattr(QInputDialog, "getItem", lambda _p, _t, _l, items, current, _e: (items[current], True))
    offered: list[tuple[str, int]] = []

    def staff(_parent: Any, _title: str, label: str, value: int, *_a: Any) -> tuple[int, bool]:
        offered.append((label, value))
        return 45, True
    monkeypatch.setattr(QInputDialog, "getInt", staff)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a: (shown.append(text), QMessageBox.StandardButton.Yes)[1])
    qtbot.mouseClick(page.importButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: not page.importer.running, timeout=20_000)
    [(label, value)] = offered
    assert value == 35 and "2026-11 的职工总数" in label  # October's list's, not the registered total
    assert "职工总数按 45 人计" in shown[0]
    stored = {s.period: s.staff_total for s in tracking_store.current_lists(workspace.store, enterprise.id)}
    assert stored == {"2026-10": 35, "2026-11": 45}
    assert tracking.staff_default(workspace, uscc, "2026-09") == enterprise.staff_total  # no list before: registered
    assert tracking.staff_default(workspace, uscc, "2026-12") == 45


def test_the_navigation_says_what_waits_on_the_page(open_window: Callable[[Workspace], Any], workspace: Workspace,
                                                     approver_ws: Workspace, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Signed in, the window opens on 企业: nothing said that a check was overdue or that a 不达标 waited
    for the approver's answer until one opened 跟踪. Its entry in the list on the left says how many."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.ui.events import Change

    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)

    make_two_loans(workspace, tmp_path)  # the clerk checked the first loan on 2026-09-30: 不达标, 待确认
    window = open_window(approver_ws)
    row = window.pages.indexOf(window.tracking)
    item = window.navList.item(row)
    window.tracking.today = date(2026, 10, 15)  # the second loan's first check (2026-10-01) is overdue
    window.events.tell(Change.APPLICATION, 0)  # any change: the entry is read again, the page not shown
    assert window.pages.currentWidget() is not window.tracking
    assert item.text() == "跟踪（2）"
    assert item.toolTip() == "逾期未核实 1 笔；不达标待您确认 1 笔"
    window.navList.setCurrentRow(row)
    assert window.tracking.confirm_selected() is False  # the overdue loan is selected: nothing to confirm
    window.tracking.table.selectRow(1)
    assert window.tracking.confirm_selected()
    assert item.text() == "跟踪（1）" and item.toolTip() == "逾期未核实 1 笔"


def test_the_clerk_is_not_told_of_a_confirmation_only_an_approver_gives(
        open_window: Callable[[Workspace], Any], workspace: Workspace, tmp_path: Path) -> None:
    from desktop.ui.events import Change

    make_two_loans(workspace, tmp_path)
    window = open_window(workspace)
    item = window.navList.item(window.pages.indexOf(window.tracking))
    window.tracking.today = date(2026, 9, 30)  # nothing overdue yet
    window.events.tell(Change.APPLICATION, 0)
    assert (item.text(), item.toolTip()) == ("跟踪", "")
    window.tracking.today = date(2026, 12, 2)  # both overdue (2026-10-01, 2026-12-01)
    window.events.tell(Change.APPLICATION, 0)
    assert (item.text(), item.toolTip()) == ("跟踪（2）", "逾期未核实 2 笔")


def test_the_approver_is_asked_before_a_not_met_is_confirmed(qtbot: QtBot, workspace: Workspace,
                                                             approver_ws: Workspace, tmp_path: Path,
                                                             runner: TaskRunner,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """确认不达标 is kept for good (one answer per check, never changed) and travels to the province:
    a click on it recorded the answer at once. The approver is asked first, with the enterprise and
    the check named; 否 records nothing."""
    from PySide6.QtWidgets import QMessageBox

    usccs = make_two_loans(workspace, tmp_path)
    page = _page(qtbot, approver_ws, date(2026, 10, 15), runner)
    page.table.selectRow(1)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: (asked.append(text), answer[0])[1])
    qtbot.mouseClick(page.confirmButton, Qt.MouseButton.LeftButton)
    [check] = tracking.checks(workspace, usccs[0])
    assert check.answer is None and page.confirmButton.isEnabled()
    assert "测试企业0000有限公司" in asked[0] and "2026-09-30" in asked[0] and "需关注" in asked[0]
    answer[0] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(page.confirmButton, Qt.MouseButton.LeftButton)
    [check] = tracking.checks(workspace, usccs[0])
    assert check.answer is not None and check.answer.outcome == "confirmed" and len(asked) == 2


def test_the_contract_cut_at_1024_pixels_is_in_its_tooltip_and_the_detail(
        open_window: Callable[[Workspace], Any], workspace: Workspace, two_loans: list[str]) -> None:
    """At 1024×768 the 借款合同 column (the one that stretches) showed “国家…”: the contract number was
    nowhere on the page, and the cell had no tooltip though the code said so."""
    window = open_window(workspace)
    window.resize(1024, 768)
    window.navList.setCurrentRow(window.pages.indexOf(window.tracking))
    page = window.tracking
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, TrackingColumn.USCC).text() == two_loans[0])
    cell = page.table.item(row, TrackingColumn.CONTRACT)
    shown = page.table.fontMetrics().horizontalAdvance(cell.text())
    assert page.table.columnWidth(TrackingColumn.CONTRACT) < shown  # cut, as a clerk sees it
    assert cell.toolTip() == "国家开发银行吉林省分行 借款合同 T-0"
    page.table.selectRow(row)
    assert "国家开发银行吉林省分行 借款合同 T-0" in page.detail.toPlainText()


def test_a_refusal_s_reason_goes_once_the_dialog_is_corrected(qtbot: QtBot, workspace: Workspace, runner: TaskRunner,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The reason a loan was refused stayed under the form after the clerk corrected it: the question about
    the warning (and, declined, the form) still showed an error that was no longer true."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QMessageBox

    factory.approved_applications(workspace, 1, 10)
    page = _page(qtbot, workspace, date(2026, 12, 1), runner)
    dialog = page.open_loan_dialog()
    _fill_loan(dialog, "X-1")
    dialog.startEdit.setDate(QDate(2026, 12, 5))
    dialog.termSpin.setValue(48)
    dialog.preferentialCheck.setChecked(True)
    dialog.preferentialEdit.setDate(QDate(2031, 1, 1))  # after the loan's end (2030-12-04)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "晚于贷款到期日2030-12-04" in dialog.messageLabel.text()
    dialog.preferentialEdit.setDate(QDate(2030, 1, 1))  # within the loan, over 3 years: a warning only
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: (
        shown.append(dialog.messageLabel.text()), QMessageBox.StandardButton.No)[1])
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert shown == [""] and dialog.messageLabel.text() == "" and dialog.isVisible()
    assert loan_service.list_loans(workspace) == []


@pytest.mark.parametrize(("today", "periods", "offered"), [
    (date(2026, 12, 5), ["2026-07", "2026-08", "2026-09"], "2026-10"),  # the month after the latest list
    (date(2026, 12, 5), ["2026-07", "2026-11"], "2026-12"),  # after the latest, not the gap (chosen by hand)
    (date(2026, 12, 5), [], "2026-07"),  # no list yet: the loan's first month
    (date(2026, 10, 5), ["2026-07", "2026-08", "2026-09", "2026-10"], "2026-10"),  # never after this month
])
def test_the_month_offered_for_a_list_is_the_one_after_the_latest(
        qtbot: QtBot, workspace: Workspace, loan: tuple[str, list[tuple[str, str, str]]], runner: TaskRunner,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: date, periods: list[str], offered: str) -> None:
    """A month's list comes after the month: on 5 December the enterprise brings November's. The window
    offered this month, so a clerk who accepted it kept November's list as December's (and November had
    none: the continuity of every worker broke there). It offers the month after the latest list."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    uscc, counted = loan
    for period in periods:
        tracking.import_list(workspace, uscc, _write(tmp_path / f"{period}.csv", counted), period=period)
    page = _page(qtbot, workspace, today, runner)
    page.table.selectRow(0)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(tmp_path / "x.csv"), ""))
    asked: list[str] = []

    def month(_parent: Any, _title: str, _label: str, items: list[str], current: int, _editable: bool) -> Any:
        asked.append(items[current])
        return "", False  # cancelled: nothing read
    monkeypatch.setattr(QInputDialog, "getItem", month)
    qtbot.mouseClick(page.importButton, Qt.MouseButton.LeftButton)
    assert asked == [offered] and not page.importer.running


def test_a_window_left_open_past_midnight_checks_at_the_new_date(
        qtbot: QtBot, workspace: Workspace, two_loans: list[str], runner: TaskRunner,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The page read the date once, when the window opened: a window left open (locked) overnight recorded
    the next day's 核实所选贷款（按今天） with the day before's date and counted what was due from it."""
    from desktop.ui import tracking_page

    day = [date(2027, 3, 1)]
    monkeypatch.setattr(tracking_page, "_today", lambda: day[0], raising=False)
    page = TrackingPage(workspace, runner)
    qtbot.addWidget(page)
    page.show()
    assert "截至 2027-03-01" in page.titleLabel.text()
    day[0] = date(2027, 3, 2)  # the next morning
    page.reload()
    assert "截至 2027-03-02" in page.titleLabel.text()
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, TrackingColumn.USCC).text() == two_loans[0])
    page.table.selectRow(row)
    qtbot.mouseClick(page.checkButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.checking is None, timeout=10_000)
    assert tracking.checks(workspace, two_loans[0])[-1].check_date == "2027-03-02"


def test_a_returned_check_is_in_the_navigation_for_whoever_checks(
        open_window: Callable[[Workspace], Any], workspace: Workspace, approver_ws: Workspace, tmp_path: Path) -> None:
    """The approver returned a 不达标 (the lists are to be looked at again and a new check made): that waits
    for the clerk as an overdue check does, and goes once the loan is checked again."""
    from desktop.ui.events import Change

    usccs = make_two_loans(workspace, tmp_path)
    [check] = tracking.checks(workspace, usccs[0])
    tracking.return_check(approver_ws, check.id, "九月名单少了两人，请与企业核对")
    window = open_window(workspace)
    item = window.navList.item(window.pages.indexOf(window.tracking))
    window.tracking.today = date(2026, 9, 30)  # nothing overdue
    window.events.tell(Change.APPLICATION, 0)
    assert (item.text(), item.toolTip()) == ("跟踪（1）", "退回待重新核实 1 笔")
    tracking.check(workspace, usccs[0], date(2026, 9, 30))
    window.events.tell(Change.APPLICATION, 0)
    assert (item.text(), item.toolTip()) == ("跟踪", "")


def test_the_month_in_progress_is_not_called_a_break(qtbot: QtBot, workspace: Workspace, two_loans: list[str],
                                                     runner: TaskRunner) -> None:
    """This month's list comes after the month: the chart marked it 缺 and said “没有名单（连续就业在此中断）”,
    which the check does not say (it reads up to last month's list). A month gone by without a list is
    still a break."""
    page = _page(qtbot, workspace, date(2026, 10, 15), runner)
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, TrackingColumn.USCC).text() == two_loans[0])
    page.table.selectRow(row)  # from 2026-06, a list for September only
    months = page.chart.months
    assert [m.month.month for m in months] == [6, 7, 8, 9, 10]
    october = page.chart.month_text(months[-1])
    assert "2026年10月" in october and "中断" not in october and "尚未报来" in october
    assert "2026年8月：没有名单（连续就业在此中断）" in page.chart.accessibleDescription()


def test_the_preview_says_when_the_month_already_has_a_list(
        qtbot: QtBot, workspace: Workspace, loan: tuple[str, list[tuple[str, str, str]]], runner: TaskRunner,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving a month's list again puts the new one in place of the one kept (the earlier stays on file,
    unused): the preview said nothing of it, so a month chosen by mistake silently replaced its list."""
    from PySide6.QtWidgets import QMessageBox

    uscc, counted = loan
    tracking.import_list(workspace, uscc, _write(tmp_path / "十月.csv", counted), period="2026-10")
    page = _page(qtbot, workspace, date(2026, 11, 20), runner)
    page.table.selectRow(0)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a: (shown.append(text), QMessageBox.StandardButton.No)[1])
    again = _write(tmp_path / "十一月.csv", counted[:3])
    page.preview_list(again, "2026-10")
    qtbot.waitUntil(lambda: len(shown) == 1 and not page.importer.running, timeout=20_000)
    assert f"2026-10 已有名单（十月.csv，{len(counted)} 人" in shown[0] and "保存后以这份为准" in shown[0]
    page.preview_list(again, "2026-11")
    qtbot.waitUntil(lambda: len(shown) == 2 and not page.importer.running, timeout=20_000)
    assert "已有名单" not in shown[1]


def test_the_loan_just_recorded_is_selected(qtbot: QtBot, workspace: Workspace, two_loans: list[str],
                                            runner: TaskRunner) -> None:
    """After 登记贷款 the selection stayed on the loan chosen before, so the next 导入跟踪名单… or 核实 went
    to that loan's enterprise unless the clerk noticed and picked the new row."""
    page = _page(qtbot, workspace, date(2026, 10, 15), runner)
    page.table.selectRow(0)
    before = page.selected()
    assert before is not None and before.loan.uscc == two_loans[1]
    dialog = page.open_loan_dialog()
    dialog.enterpriseCombo.setCurrentIndex(dialog.enterpriseCombo.findData(two_loans[0]))
    _fill_loan(dialog, "T-9", "50")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.recorded is not None and page.table.rowCount() == 3
    selected = page.selected()
    assert selected is not None and selected.loan.id == dialog.recorded.loan.id
    assert "借款合同 T-9" in page.detail.toPlainText()
