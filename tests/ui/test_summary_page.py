"""统计分析 in the window: the province's page (filters by period and county, the charts, the table
with its total, the exports) and the county's page for its own office."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop.services import summary as svc
from desktop.services.accounts import sign_in
from desktop.store import Store
from desktop.ui.summary_chart import COLOURS, nice_top
from tests import summary_factory
from tests.batches import factory
from tests.batches.factory import PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def province_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = factory.province_db(tmp_path_factory.mktemp("stats") / "province.sqlite3")
    with Store.open(path, create=False) as store:
        summary_factory.fill(store, enterprises=40, workers=30, counties=4)
    return path


def show_page(qtbot: QtBot, window: Any) -> Any:
    page = window.summary_page
    row = window.pages.indexOf(page)
    with qtbot.waitSignal(page.computed, timeout=10_000):
        rect = window.navList.visualItemRect(window.navList.item(row))
        qtbot.mouseClick(window.navList.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.pages.currentWidget() is page
    return page


def table_row(page: Any, row: int) -> list[str]:
    return [page.table.item(row, c).text() for c in range(page.table.columnCount())]


def bar_pixels(chart: Any, colour: str) -> int:
    image = chart.grab().toImage()
    wanted = QColor(colour).rgb()
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixel(x, y) == wanted)


def test_the_province_s_page(qtbot: QtBot, province_file: Path, open_window: Callable[[Any], Any],
                             tmp_path: Path) -> None:
    with sign_in(province_file, "clerk", PASSWORD) as ws:
        expected = svc.summary(ws)
        in_spring = svc.summary(ws, period_from="2026-03", period_to="2026-05", county="222402")
    window = open_window(sign_in(province_file, "clerk", PASSWORD))
    window.resize(1024, 768)
    page = show_page(qtbot, window)
    assert page.table.rowCount() == len(expected.cells) + 1
    total = expected.total()
    assert table_row(page, page.table.rowCount() - 1)[:7] == [
        "合计", f"{expected.period_from}～{expected.period_to}", str(total.applications), str(total.approvals),
        str(total.passed), str(total.failed), str(total.workers)]
    assert page.table.horizontalHeaderItem(9).text() == "脱贫人口（核实）"
    last = page.table.columnCount() - 1
    assert [page.table.horizontalHeaderItem(c).text() for c in (last - 6, last)] == ["贷款笔数", "需关注"]
    assert table_row(page, page.table.rowCount() - 1)[-7:] == [
        str(v) for v in (total.loans, total.loan_amount, total.checks, total.met, total.at_risk, total.not_met,
                         total.attention)]
    assert f"贷款 {total.loans} 笔" in page.resultLabel.text()
    assert page.monthChart.categories == [f"{int(m[5:])}月" for m in expected.months]  # all in 2026
    assert "2026年" in page.monthChart.title
    assert page.countyCombo.count() == 5  # 全部 and the four counties
    assert bar_pixels(page.monthChart, COLOURS[0]) > 20  # the bars are drawn
    assert f"批准 {total.approvals} 件" in page.resultLabel.text()

    page.fromEdit.setText("2026-03")
    page.toEdit.setText("2026-05")
    with qtbot.waitSignal(page.computed, timeout=10_000):
        page.countyCombo.setCurrentIndex(page.countyCombo.findData("222402"))
    assert page.summary.months == ("2026-03", "2026-04", "2026-05")
    assert [table_row(page, r)[:2] for r in range(page.table.rowCount() - 1)] == [
        [f"{c.county_name}（{c.county_code}）", c.month] for c in in_spring.cells]
    assert table_row(page, page.table.rowCount() - 1)[2:7] == [
        str(v) for v in (in_spring.total().applications, in_spring.total().approvals, in_spring.total().passed,
                         in_spring.total().failed, in_spring.total().workers)]
    groups = page.groupChart.series
    assert [name for name, _ in groups] == ["经办人核实", "企业申报"]
    assert sum(groups[0][1]) == in_spring.total().priority_verified

    with qtbot.waitSignal(page.exported, timeout=20_000) as blocker:
        page.export(tmp_path / "统计.xlsx")
    book = openpyxl.load_workbook(blocker.args[0])
    assert book["按县按月"].freeze_panes == "A2"
    assert book["按县按月"].max_row == len(in_spring.cells) + 2 + 2  # header, rows, 合计, a blank and the note
    with qtbot.waitSignal(page.exported, timeout=60_000) as blocker:
        page.export(tmp_path / "统计.pdf")
    assert Path(blocker.args[0]).read_bytes().startswith(b"%PDF")
    assert "已导出" in page.resultLabel.text()

    page.toEdit.setText("2026-13")
    qtbot.mouseClick(page.refreshButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2026-13" in page.resultLabel.text(), timeout=10_000)
    assert not page.xlsxButton.isEnabled() and not page.pdfButton.isEnabled()
    # the figures of 2026-03～2026-05 do not stay under the message as if they were the period's
    assert page.summary is None and page.table.rowCount() == 0
    for chart in (page.monthChart, page.groupChart, page.sourceChart):
        assert chart.categories == [] and chart.empty_text == "未能统计，原因见下方"
    assert bar_pixels(page.monthChart, COLOURS[0]) == 0


def test_the_county_s_page(qtbot: QtBot, tmp_path: Path, open_window: Callable[[Any], Any]) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3", "222402", "图们市就业服务局", "图们人社劳协确")
    with sign_in(county, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 2, 40, first=3)
        expected = svc.summary(ws)
    window = open_window(sign_in(county, "clerk", PASSWORD))
    labels = [window.navList.item(i).text() for i in range(window.navList.count())]
    assert labels.index("统计分析") == labels.index("报送批次") + 1
    page = show_page(qtbot, window)
    assert page.countyCombo.isHidden()
    assert [table_row(page, r)[:2] for r in range(page.table.rowCount())] == [
        ["图们市就业服务局（222402）", "2026-06"], ["合计", "2026-06～2026-06"]]
    assert table_row(page, 0)[2:7] == ["2", "2", str(expected.total().passed), str(expected.total().failed),
                                       str(expected.total().workers)]
    assert expected.total().workers > 0 and page.sourceChart.categories  # where the counted workers come from


@pytest.mark.parametrize(("value", "top"), [(0, (1.0, 1.0)), (1, (1.0, 1.0)), (7, (8.0, 2.0)), (40, (40.0, 10.0)),
                                            (41, (60.0, 20.0)), (99_000, (100_000.0, 50_000.0))])
def test_the_chart_s_axis_is_round(value: int, top: tuple[float, float]) -> None:
    assert nice_top(value) == top
