"""The social-insurance payment list (社保缴费明细, issue 14, 2): the second layout, recognised by its header,
imported as a period's list with each person's months paid; bad rows named by file, row and column.

The crafted files are tests/data/insurance_*.xlsx (written by openpyxl, tests/data/make_insurance_lists.py).
"""

from __future__ import annotations

import datetime
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import EXIT_OK, main
from desktop.core.insurance_list import find_insurance_header, parse_month, parse_months
from desktop.core.roster import RosterError
from desktop.core.tracking import Verdict
from desktop.services import rosters as roster_service
from desktop.services import tracking
from desktop.services.enterprises import find_enterprise
from desktop.services.errors import ServiceError
from desktop.services.tracking_insurance import write_template
from desktop.services.tracking_timeline import timeline, worker_months
from desktop.services.workspace import Workspace
from desktop.store import tracking as tracking_store
from tests.services.test_tracking import NEW_ID, loan  # noqa: F401 - the fixture

DATA = Path(__file__).resolve().parents[1] / "data"
A, B, C = "222424199001011235", "222406199202020020", "222424198505050014"
Loan = tuple[str, list[tuple[str, str, str]]]


def _insured(ws: Workspace, list_id: int) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in tracking_store.insured_months(ws.store, [list_id]).items()}


def test_one_row_a_month_with_bad_rows_named(workspace: Workspace, loan: Loan) -> None:
    uscc, _ = loan
    done = tracking.import_list(workspace, uscc, DATA / "insurance_monthly.xlsx", period="2026-11")
    assert (done.kind, done.rows, done.refused) == ("insurance", 3, 6)  # paid for November: 金明, 朴丽, 崔勇
    prefix = "文件“insurance_monthly.xlsx”"
    where = ["第10行B列（姓名）：姓名为空", "第11行C列（身份证号）：身份证号“222424********1236”有误",
             "第12行D列（缴费月份）：“2026-13”不是月份", "第13行E列（单位）：单位“别的公司”不是本企业",
             "第14行B列（姓名）：同一身份证号在第4行的姓名是“金明”，这里是“金敏”", "第15行D列（缴费月份）：缴费月份为空"]
    assert len(done.problems) == len(where)
    assert all(p.startswith(prefix + w) for p, w in zip(done.problems, where)), done.problems
    assert _insured(workspace, done.list_id) == {A: ["2026-09", "2026-10", "2026-11"], B: ["2026-11"],
                                                 C: ["2026-11"]}
    [stored] = tracking_store.current_lists(workspace.store, find_enterprise(workspace, uscc).id)
    assert (stored.kind, stored.rows) == ("insurance", 3)
    detail = json.loads(workspace.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'track.import'").fetchone()[0])
    assert detail["list_kind"] == "insurance" and detail["refused_rows"] == 6


def test_spans_in_one_cell(workspace: Workspace, loan: Loan) -> None:
    uscc, _ = loan
    done = tracking.import_list(workspace, uscc, DATA / "insurance_spans.xlsx", period="2026-10")
    assert (done.rows, done.refused) == (2, 2)  # 朴丽's 单位 is the credit code: hers
    assert [p.split("”", 1)[1] for p in done.problems] == [
        "第4行C列（缴费起止月份）：终止月份2026-01早于起始月份2026-11",
        "第5行C列（缴费起止月份）：“从九月起”不是起止月份：请写成 2026-01至2026-11（或只写一个月份）"]
    insured = _insured(workspace, done.list_id)
    assert insured[A] == [f"2026-{m:02d}" for m in range(1, 12)] and insured[B] == ["2026-09", "2026-10", "2026-11"]


def test_start_and_end_columns(workspace: Workspace, loan: Loan) -> None:
    uscc, _ = loan
    done = tracking.import_list(workspace, uscc, DATA / "insurance_start_end.xlsx", period="2026-11")
    assert (done.rows, done.refused) == (2, 1)
    assert "第4行D列（终止月份）：“两个月”不是月份" in done.problems[0]
    assert _insured(workspace, done.list_id) == {A: ["2026-10", "2026-11"], B: ["2026-11"]}
    with pytest.raises(ServiceError) as refused:  # nobody paid for July
        tracking.import_list(workspace, uscc, DATA / "insurance_start_end.xlsx", period="2026-07")
    assert refused.value.code == "track_insurance_no_rows" and "2026-07" in str(refused.value)


def test_the_roster_importer_recognises_a_payment_list(workspace: Workspace, loan: Loan) -> None:
    uscc, _ = loan
    enterprise_id = find_enterprise(workspace, uscc).id
    with pytest.raises(RosterError) as refused:
        roster_service.inspect_roster(workspace, enterprise_id, DATA / "insurance_monthly.xlsx")
    assert refused.value.code == "roster_is_insurance_list" and "第3行" in str(refused.value)


def test_months_in_every_form() -> None:
    assert {parse_month(v) for v in ("2026-11", "202611", "2026年11月", "2026.11", "2026/11", 202611, 202611.0,
                                     datetime.datetime(2026, 11, 30))} == {date(2026, 11, 1)}
    assert [parse_month(v) for v in ("2026-13", "2026.1x", 2026.1, "11月", "", True)] == [None] * 6
    assert parse_months("2026-01至2026-11") == parse_months("202601-202611") == (date(2026, 1, 1), date(2026, 11, 1))
    assert parse_months("2026年1月～2026年3月") == (date(2026, 1, 1), date(2026, 3, 1))
    assert parse_months("2026-01至") is None
    # a roster's header (with 户籍地) is not a payment list, even with a month column
    assert find_insurance_header([["姓名", "身份证号", "户籍地", "缴费月份"]]) is None
    assert find_insurance_header([["姓名", "身份证号", "单位"]]) is None  # no month column


def _paid(path: Path, people: list[tuple[str, str, str]], month: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "费款所属期", "缴费单位"])
    for number, name, _ in people:
        sheet.append([name, number, month, "测试企业0000有限公司"])
    book.save(path)
    return path


def test_a_loan_followed_by_payment_lists(workspace: Workspace, tmp_path: Path, loan: Loan) -> None:
    """The counted workers' 户籍地 comes from the roster on file; a new person it does not know is not counted."""
    uscc, counted = loan
    for period, people in (("2026-07", counted), ("2026-08", counted), ("2026-09", counted[:2]),
                           ("2026-10", [*counted, (NEW_ID, "新职工", "222424")])):
        tracking.import_list(workspace, uscc, _paid(tmp_path / f"{period}.xlsx", people, period), period=period)
    assert tracking.check(workspace, uscc, date(2026, 8, 31)).result.verdict is Verdict.MET
    assert tracking.check(workspace, uscc, date(2026, 9, 30)).result.verdict is Verdict.NOT_MET
    october = tracking.check(workspace, uscc, date(2026, 10, 31)).result
    assert october.new_paired == () and october.qualifying == len(counted)  # 新职工: no 户籍地 on file
    loan_row = tracking.enterprise_loan(workspace, uscc)
    months = {m.month.month: m for m in timeline(workspace, loan_row, date(2026, 10, 31))}
    assert (months[9].counted, months[9].insured) == (2, 2) and months[10].insured == len(counted)
    workers = {w.id_number: w for w in worker_months(workspace, loan_row, date(2026, 10, 31))}
    left = workers[counted[-1][0]]
    assert left.employed == ("2026-07", "2026-08", "2026-10") and left.insured == left.employed
    assert workers[NEW_ID].employed == ("2026-10",)


def test_a_payment_list_knows_a_new_worker_from_an_earlier_roster_layout_list(workspace: Workspace, tmp_path: Path,
                                                                            loan: Loan) -> None:
    """A worker hired during the loan is on no roster on file, only on the roster-layout list the enterprise
    sent for October (with their 户籍地 and contract); November's payment list pays for them. They still
    count in November, as they did in October: the payment list proves employment, the October list the
    户籍地. (They dropped out, and the enterprise looked below the standard because it sent a payment list.)"""
    from tests.services.test_tracking import _write

    uscc, counted = loan
    new = (NEW_ID, "新职工", "222424")
    tracking.import_list(workspace, uscc, _write(tmp_path / "10.csv", [*counted, new]), period="2026-10")
    october = tracking.check(workspace, uscc, date(2026, 10, 31)).result
    assert october.new_paired == (NEW_ID,) and october.qualifying == len(counted) + 1
    done = tracking.import_list(workspace, uscc, _paid(tmp_path / "11.xlsx", [*counted, new], "2026-11"),
                                period="2026-11")
    assert done.kind == "insurance" and done.rows == len(counted) + 1
    rows = tracking_store.list_rows(workspace.store, [done.list_id])[done.list_id]
    row = next(r for r in rows if r.id_number == NEW_ID)
    assert (row.hukou_code, row.contract_start, row.contract_end, row.social_insurance) == (
        "222424", "2026-01-01", "2027-12-31", 1)
    november = tracking.check(workspace, uscc, date(2026, 11, 30)).result
    assert november.new_paired == (NEW_ID,) and november.qualifying == len(counted) + 1
    # a roster-layout list of a later month does not reach back: September's payment list is read as before
    done = tracking.import_list(workspace, uscc, _paid(tmp_path / "09.xlsx", [*counted, new], "2026-09"),
                                period="2026-09")
    rows = tracking_store.list_rows(workspace.store, [done.list_id])[done.list_id]
    assert next(r for r in rows if r.id_number == NEW_ID).hukou_code is None


def test_the_template_is_recognised_and_the_command_line(office_db: Path, workspace: Workspace, tmp_path: Path,
                                                         cli_env: None, loan: Loan,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    uscc, counted = loan
    workspace.close()
    db = ["--db", str(office_db)]
    assert main([*db, "track", "template", str(tmp_path / "模板")]) == EXIT_OK
    written = tmp_path / "模板.xlsx"
    assert "社保缴费明细模板已写入" in capsys.readouterr().out and written.exists()
    book = openpyxl.load_workbook(written)
    sheet = book["缴费明细"]
    for i, (number, name, _) in enumerate(counted):
        sheet.cell(4 + i, 2, name)
        sheet.cell(4 + i, 3, number)
        sheet.cell(4 + i, 4, "2026-08")
    sheet.cell(4 + len(counted), 2, "错号")
    sheet.cell(4 + len(counted), 3, "12345")
    sheet.cell(4 + len(counted), 4, "2026-08")
    book.save(written)
    assert main([*db, "track", "import", str(written), "--enterprise", uscc, "--period", "2026-08"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"已导入 2026-08 的社保缴费明细：{len(counted)} 人" in out and "1 行有错未收" in out
    assert f"第{4 + len(counted)}行C列（身份证号）" in out
    assert main([*db, "track", "check", uscc, "--date", "2026-08-31", "--json"]) == EXIT_OK
    workers = json.loads(capsys.readouterr().out)["check"]["workers"]
    assert all(w["months_insured"] == ["2026-08"] and w["months_employed"] == ["2026-08"] for w in workers)


def test_months_kept_one_row_a_month_are_folded_into_one_row_a_person(tmp_path: Path) -> None:
    """db/0023: a file that stored a payment list under 0020 (one row a person and month) keeps its months."""
    from desktop.store.db import available_migrations, open_connection

    path = tmp_path / "old.sqlite3"
    before = [m for m in available_migrations() if m.version < 23]
    conn = open_connection(path, migrations=before)
    conn.executescript(
        "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
        " VALUES ('222401', '延吉市就业服务局', 'county', '延吉人社劳协确', 1, 'now', 'now');"
        "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at, updated_at)"
        " VALUES (1, '91110000600037341L', '甲公司', '222401', 'other', 30, 'now', 'now');"
        "INSERT INTO tracking_lists (enterprise_id, period, staff_total, file_name, sha256, rows, imported_at, kind)"
        " VALUES (1, '2026-11', 30, 'a.xlsx', 'x', 2, 'now', 'insurance');"
        f"INSERT INTO tracking_insured_months (list_id, id_number, month) VALUES (1, '{A}', '2026-11'),"
        f" (1, '{A}', '2026-09'), (1, '{B}', '2026-11');")
    conn.close()
    conn = open_connection(path)
    try:
        rows = conn.execute("SELECT id_number, months FROM tracking_insured ORDER BY id_number").fetchall()
        assert {r[0]: json.loads(r[1]) for r in rows} == {A: ["2026-09", "2026-11"], B: ["2026-11"]}
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tracking_insured_months'"
                            ).fetchone()[0] == 0
    finally:
        conn.close()


def test_a_list_whose_header_is_not_found_is_told_in_the_tracking_import_s_words(workspace: Workspace, loan: Loan,
                                                                                 tmp_path: Path) -> None:
    """A payment list headed 月份 (not one of the month headers) fell through to the roster reading, whose
    message asked for 户籍地 and sent the clerk to the import wizard's manual header choice, which
    导入跟踪名单 does not have. The message names both layouts and the templates."""
    uscc, _ = loan
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "身份证号", "月份", "缴费基数"])
    sheet.append(["金明", A, "2026-11", 3000])
    book.save(tmp_path / "明细.xlsx")
    for call in (tracking.preview_list, tracking.import_list):
        with pytest.raises(ServiceError) as refused:
            call(workspace, uscc, tmp_path / "明细.xlsx", period="2026-11")
        text = str(refused.value)
        assert refused.value.code == "track_header_not_found"
        assert "明细.xlsx" in text and "工作表“Sheet”" in text and "缴费月份" in text and "户籍地" in text
        assert "导入向导" not in text and "社保明细模板" in text
