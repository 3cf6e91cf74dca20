"""企业汇总 at the province shows a county's loans and their checks, and the clerk's answers for the
workers (issue 14 item 5, issue 17), as a laoxie.batch/2 batch brought them; 统计分析 counts them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.ui.province_pages import RegisterPage
from desktop.ui.summary_page import SummaryPage
from desktop.ui.tasks import TaskRunner
from tests.services.test_batch_tracking import _loan_with_checks
from tests.services.test_batches import Exchange, _unlock_once, exchange  # noqa: F401 - the fixtures
from tests.ui.test_tracking_page import runner  # noqa: F401 - the fixture

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("LAOXIE_SHOTS")


def test_the_register_shows_loans_checks_and_answers(qtbot: QtBot, exchange: Exchange,  # noqa: F811
                                                     runner: TaskRunner) -> None:  # noqa: F811
    uscc = _loan_with_checks(exchange)
    [outcome] = exchange.import_(exchange.export().path)
    assert outcome.accepted, outcome.message
    with exchange.province_ws() as ws:
        page = RegisterPage(ws, runner)
        qtbot.addWidget(page)
        page.resize(1280, 760)
        page.show()
        page.reload()
        column = page.HEADERS.index("贷款期内核实")
        rows = range(page.model.rowCount())

        def cell(row: int, col: int) -> str:
            return str(page.model.index(row, col).data())

        texts = {cell(r, 2): cell(r, column) for r in rows}
        assert texts.pop(uscc) == "2026-09-30 不达标（待确认）"  # the approver has not answered
        assert set(texts.values()) == {""}  # the other enterprises have no loan
        page.table.selectRow([r for r in rows if cell(r, 2) == uscc][0])
        detail = page.detail.toPlainText()
        for expected in ("贷款 国家开发银行吉林省分行 合同 JL-2026-7", "2026-08-31 核实：达标",
                         "2026-09-30 核实：不达标（待确认），计入 2 人", "已核对户口簿 1 人，不计入 0 人"):
            assert expected in detail, expected
        if SHOTS:
            page.grab().save(str(Path(SHOTS) / "province-register-tracking.png"))
        # 贷款状态表…: every county's loans for the bank, written in the background
        assert page.save_workbook(exchange.tmp / "状态表") is not None and not page.workbookButton.isEnabled()
        qtbot.waitUntil(lambda: page.saving is None, timeout=20_000)
        assert page.written == exchange.tmp / "状态表.xlsx" and "已保存" in page.countLabel.text()
        sheet = load_workbook(page.written).active
        assert sheet is not None and sheet.max_row == 2
        assert (sheet.cell(2, 1).value, sheet.cell(2, 3).value) == ("延吉市就业服务局（222401）", uscc)


def test_the_summary_page_counts_the_loans_and_checks(qtbot: QtBot, exchange: Exchange,  # noqa: F811
                                                      runner: TaskRunner) -> None:  # noqa: F811
    _loan_with_checks(exchange)
    [outcome] = exchange.import_(exchange.export().path)
    assert outcome.accepted, outcome.message
    with exchange.province_ws() as ws:
        page = SummaryPage(ws, runner)
        qtbot.addWidget(page)
        page.resize(1024, 700)
        with qtbot.waitSignal(page.computed, timeout=10_000):
            page.show()
            page.reload()
        headers = [page.table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(page.table.columnCount())]
        loans = headers.index("贷款笔数")

        def text(row: int, col: int) -> str:
            return str(page.table.model().index(row, col).data())

        rows = {text(r, 1): [text(r, c) for c in range(loans, len(headers))] for r in range(page.table.rowCount())}
        # July: the loan (300 万元); August: 达标; September: 不达标, not yet confirmed (需关注 0)
        assert rows["2026-07"] == ["1", "300", "0", "0", "0", "0", "0"]
        assert rows["2026-08"] == ["0", "0", "1", "1", "0", "0", "0"]
        assert rows["2026-09"] == ["0", "0", "1", "0", "0", "1", "0"]
        assert "贷款 1 笔 300 万元；跟踪核实 2 次（达标 1，有风险 0，不达标 1，其中需关注 0）" in page.resultLabel.text()
        if SHOTS:
            page.table.horizontalScrollBar().setValue(page.table.horizontalScrollBar().maximum())
            page.grab().save(str(Path(SHOTS) / "summary-loans.png"))
