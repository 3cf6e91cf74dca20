"""人员时间线… on the 跟踪 page (issue 14, 2): one row per worker, one column per month, marks from the service."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.identifiers import mask_id
from desktop.services import tracking
from desktop.services.tracking_timeline import worker_timeline
from desktop.services.workspace import Workspace
from desktop.ui.tasks import TaskRunner
from desktop.ui.worker_months import FIXED_COLUMNS
from tests.services.test_tracking import NEW_ID, _write, loan  # noqa: F401 - the fixture
from tests.services.test_tracking_insurance import _paid
from tests.ui.test_tracking_page import _page, runner  # noqa: F401 - the fixture

pytestmark = pytest.mark.gui
Loan = tuple[str, list[tuple[str, str, str]]]


def test_the_workers_months_employed_and_insured(qtbot: QtBot, workspace: Workspace, tmp_path: Path, loan: Loan,
                                                 runner: TaskRunner) -> None:
    uscc, counted = loan
    # July a roster without 参加社会保险 (employed only); then payment lists, 2 people paid in September
    tracking.import_list(workspace, uscc, _write(tmp_path / "07.csv", counted), period="2026-07")
    for period, people in (("2026-08", counted), ("2026-09", counted[:2]),
                           ("2026-10", [*counted, (NEW_ID, "新职工", "222424")])):
        tracking.import_list(workspace, uscc, _paid(tmp_path / f"{period}.xlsx", people, period), period=period)
    today = date(2026, 11, 15)
    page = _page(qtbot, workspace, today, runner)
    page.table.clearSelection()
    assert not page.workersButton.isEnabled() and page.workersButton.toolTip() == "请先在表中选一笔贷款"
    page.table.selectRow(0)
    assert page.workersButton.isEnabled()
    dialog = page.open_worker_months()
    assert dialog is not None
    qtbot.addWidget(dialog)
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    # November, the month in progress, has no list yet: 未报, not 缺 (its list comes once it is over)
    assert headers[FIXED_COLUMNS:] == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11未报"]
    data = worker_timeline(workspace, tracking.enterprise_loan(workspace, uscc), today)
    assert table.rowCount() == len(data.workers) == len(counted) + 1
    rows = {table.item(r, 1).text(): r for r in range(table.rowCount())}
    first, last = rows[mask_id(counted[0][0])], rows[mask_id(counted[-1][0])]
    assert counted[0][0] not in rows and table.item(first, 0).text() == counted[0][1]
    july, aug, sep, oct_, nov = range(FIXED_COLUMNS, FIXED_COLUMNS + 5)
    assert [table.item(first, c).text() for c in (july, aug, sep, oct_, nov)] == ["在", "在保", "在保", "在保", ""]
    assert [table.item(last, c).text() for c in (july, sep, oct_)] == ["在", "", "在保"]
    # the span is the check's: the counted worker on every list since July reaches 3 months, the one who
    # missed September does not (back in October only)
    spans = tracking.reverify_loan(workspace, tracking.enterprise_loan(workspace, uscc), today).spans
    assert table.item(first, 2).text() == spans[counted[0][0]].text and table.item(first, 3).text() == "是"
    assert spans[counted[-1][0]].reaches is False and table.item(last, 3).text() == "否"
    new = rows[mask_id(NEW_ID)]
    assert table.item(new, oct_).text() == "在保"  # no 户籍地 on file: does not count
    assert (table.item(new, 2).text(), table.item(new, 3).text()) == ("不计入", "—")


def test_a_worker_who_does_not_count_is_not_shown_without_employment(qtbot: QtBot, workspace: Workspace,
                                                                     tmp_path: Path, loan: Loan,
                                                                     runner: TaskRunner) -> None:
    """A local worker (the office's own county, not a paired area) on every list has no continuous span
    because they do not count, not because they were not employed: the row said 连续就业 “无”, 满3个月
    “否” in red beside 在 in every month. It says 不计入; a counted worker never on a list still says 无."""
    from tests.batches import factory

    uscc, counted = loan
    local = (factory.id_number(77, workspace.office.code), "本地职工", workspace.office.code)
    for period in ("2026-07", "2026-08", "2026-09", "2026-10"):
        tracking.import_list(workspace, uscc, _write(tmp_path / f"{period}.csv", [*counted[1:], local]),
                             period=period)
    page = _page(qtbot, workspace, date(2026, 10, 31), runner)
    page.table.selectRow(0)
    dialog = page.open_worker_months()
    assert dialog is not None
    qtbot.addWidget(dialog)
    table = dialog.table
    rows = {table.item(r, 1).text(): r for r in range(table.rowCount())}
    here, absent = rows[mask_id(local[0])], rows[mask_id(counted[0][0])]
    assert [table.item(here, c).text() for c in range(FIXED_COLUMNS, FIXED_COLUMNS + 4)] == ["在"] * 4
    assert table.item(here, 2).text() == "不计入" and table.item(here, 3).text() == "—"
    assert "对口地区" in table.item(here, 2).toolTip()
    assert table.item(absent, 2).text() == "无" and table.item(absent, 3).text() == "否"  # counted, on no list
    assert table.item(rows[mask_id(counted[1][0])], 3).text() == "是"
