"""Loans, their re-verifications, the approver's answers to them, priority claims and 户口簿 answers
travel to the province (laoxie.batch/2, issues 14 item 5 and 17), and the province still reads a
laoxie.batch/1 batch.

The county of tests/services/test_batches.py (three approved applications) records a loan for the
first, hands in lists for July–September and checks at the end of August (达标) and September
(不达标: two workers left on the list); one counted worker's 户口簿 was checked, another claimed
脱贫人口. The batch carries them; the province shows them in its register (September 待确认); a later
batch carries only what came since: the approver's confirmation of September and October's check.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from desktop.cli import EXIT_OK, main
from desktop.core.batch import FORMAT, FORMAT_V1, MANIFEST_NAME, Manifest
from desktop.core.loans import LoanDraft
from desktop.services import batch_export, batch_import
from desktop.services import keys
from desktop.services import loans as loan_service
from desktop.services import province, tracking, tracking_reports
from desktop.services import summary as summary_service
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import eligibility as eligibility_store
from desktop.store import reviews as review_store
from tests.batches import factory
from tests.batches.crafted import open_members
from tests.batches.factory import PASSPHRASE, PASSWORD
from tests.services.test_batches import Exchange, _unlock_once, exchange  # noqa: F401 - the fixtures
from tests.services.test_tracking import _write

V1 = Path(__file__).parent.parent / "data" / "batch_v1"

LOAN_SQL = (
    "SELECT e.uscc, l.bank_branch, l.contract_number, l.amount_wan, l.start_date, l.term_months, l.end_date, l.rate,"
    " l.preferential_end, l.lpr_effective_from, l.lpr_tenor, l.lpr_value, l.lpr_source, l.warnings, l.created_at,"
    " cu.display_name FROM loans l JOIN applications a ON a.id = l.application_id JOIN enterprises e"
    " ON e.id = a.enterprise_id LEFT JOIN users cu ON cu.id = l.created_by ORDER BY l.contract_number")
CHECK_SQL = (
    "SELECT l.contract_number, c.check_date, c.verdict, c.needs_attention, c.qualifying, c.staff_total,"
    " c.latest_period, c.ruleset_version, c.payload, c.created_at, cu.display_name FROM tracking_checks c"
    " JOIN loans l ON l.id = c.loan_id LEFT JOIN users cu ON cu.id = c.created_by ORDER BY c.check_date, c.id")
CONFIRMATION_SQL = (
    "SELECT c.check_date, t.outcome, t.reason, t.answered_at, u.display_name FROM tracking_confirmations t"
    " JOIN tracking_checks c ON c.id = t.check_id JOIN users u ON u.id = t.answered_by ORDER BY c.check_date")
ANSWER_SQL = (
    "SELECT e.uscc, p.id_number, m.priority_claim, m.priority_group, m.hukou_check FROM employments m"
    " JOIN persons p ON p.id = m.person_id JOIN enterprises e ON e.id = m.enterprise_id"
    " WHERE m.priority_claim IS NOT NULL OR m.hukou_check IS NOT NULL ORDER BY e.uscc, p.id_number")


def _counted(ex: Exchange) -> list[tuple[str, str, str]]:
    with ex.county_ws() as ws:
        case = review_store.case(ws.store, ex.applications[0])
        assert case.approved_decision_id is not None
        decision = eligibility_store.decision(ws.store, case.approved_decision_id).decision
        return [(o.id_number, o.facts.name, o.facts.hukou_code or "") for o in decision.workers if o.counted]


def _loan_with_checks(ex: Exchange) -> str:
    """The first enterprise's loan, lists for July–September, checks at August's and September's end;
    a 户口簿 answer and a priority claim on two of its counted workers."""
    uscc = factory.uscc(0, "222401")
    counted = _counted(ex)
    with ex.county_ws() as ws:
        loan_service.add_loan(ws, uscc, LoanDraft(
            bank_branch="国家开发银行吉林省分行", contract_number="JL-2026-7", amount_wan=Decimal(300),
            start_date=date(2026, 7, 1), term_months=24, rate=Decimal("3.00")))
        for period, people in (("2026-07", counted), ("2026-08", counted), ("2026-09", counted[:2])):
            tracking.import_list(ws, uscc, _write(ex.tmp / f"{period}.csv", people), period=period)
        tracking.check(ws, uscc, date(2026, 8, 31))
        tracking.check(ws, uscc, date(2026, 9, 30))
        enterprise_id = ws.store.enterprise_by_uscc(ws.office.id, uscc).id  # type: ignore[union-attr]
        first, second = [int(r[0]) for r in ws.store.conn.execute(
            "SELECT m.id FROM employments m JOIN persons p ON p.id = m.person_id WHERE m.enterprise_id = ?"
            " AND p.id_number IN (?, ?) ORDER BY p.id_number", (enterprise_id, counted[0][0], counted[1][0]))]
        # given while reviewing (the case is locked now): written the factory's way
        with ws.store.transaction():
            ws.store.conn.execute("UPDATE employments SET hukou_check = 'checked' WHERE id = ?", (first,))
            ws.store.conn.execute("UPDATE employments SET priority_claim = 'poverty_alleviated' WHERE id = ?",
                                  (second,))
            ws.audit("test.factory", entity="enterprise", entity_id=enterprise_id)
    return uscc


def test_loans_checks_and_answers_reach_the_province(exchange: Exchange) -> None:  # noqa: F811
    ex = exchange
    uscc = _loan_with_checks(ex)
    result = ex.export()
    assert (result.counts["applications"], result.counts["loans"], result.counts["checks"],
            result.counts["confirmations"]) == (3, 1, 2, 0)
    manifest = Manifest.from_bytes(open_members(result.path.read_bytes())[MANIFEST_NAME])
    assert manifest.format == FORMAT == "laoxie.batch/2"
    [outcome] = ex.import_(result.path)
    assert outcome.accepted, outcome.message

    for sql in (LOAN_SQL, CHECK_SQL, ANSWER_SQL):
        mine = factory.table_rows(ex.county, sql)
        assert mine and mine == factory.table_rows(ex.province, sql), sql[:30]
    assert [r[3] for r in factory.table_rows(ex.province, ANSWER_SQL)] == [None, None]  # claims stay claims

    with ex.province_ws() as ws:
        [row] = [r for r in province.register(ws) if r.uscc == uscc]
        assert (row.loans, row.last_check_date, row.last_verdict, row.needs_attention, row.last_answer) == (
            1, "2026-09-30", "not_met", True, None)  # 待确认: the approver has not answered yet
        [(loan, checks)] = province.loans_of(ws, row)
        assert loan.contract_number == "JL-2026-7" and [c.verdict for c in checks] == ["met", "not_met"]
        answers = province.answers(ws, row)
        assert (answers.hukou_checked, answers.hukou_excluded) == (1, 0)
        others = [r for r in province.register(ws) if r.uscc != uscc]
        assert others and all(r.loans == 0 and r.last_verdict is None for r in others)
        # every county's loan in the province's status workbook
        [status] = tracking_reports.loan_statuses(ws, date(2026, 10, 5))
        assert (status.loan.county_code, status.checks, status.last.verdict if status.last else None) == (
            "222401", 2, "not_met")

    # what came since goes in the next batch, alone: the approver's answer to September's check (sent
    # before) and October's check; the application and the loan are there already
    counted = _counted(ex)
    with sign_in(ex.county, "approver", PASSWORD) as ws:
        september = tracking.checks(ws, uscc)[1]
        tracking.confirm_check(ws, september.id)
    with ex.county_ws() as ws:
        tracking.import_list(ws, uscc, _write(ex.tmp / "10.csv", counted), period="2026-10")
        tracking.check(ws, uscc, date(2026, 10, 31))
    second = ex.export()
    assert (second.counts["applications"], second.counts["loans"], second.counts["checks"],
            second.counts["confirmations"]) == (0, 1, 1, 1)
    [outcome] = ex.import_(second.path)
    assert outcome.accepted, outcome.message
    for sql in (CHECK_SQL, CONFIRMATION_SQL):
        mine = factory.table_rows(ex.county, sql)
        assert mine and mine == factory.table_rows(ex.province, sql), sql[:30]
    assert len(factory.table_rows(ex.province, LOAN_SQL)) == 1
    with ex.province_ws() as ws:
        [row] = [r for r in province.register(ws) if r.uscc == uscc]
        assert (row.last_check_date, row.needs_attention) == ("2026-10-31", False)
        [(_, checks)] = province.loans_of(ws, row)
        assert [c.confirmation.value for c in checks] == ["not_needed", "confirmed", "not_needed"]
    with ex.county_ws() as ws, pytest.raises(ServiceError) as nothing:
        batch_export.export_batch(ws, ex.stick, PASSPHRASE)
    assert nothing.value.code == "batch_nothing_to_send"


def _loan_figures(ws: Workspace) -> dict[str, tuple[object, ...]]:
    s = summary_service.summary(ws, county="222401")
    return {c.month: (c.loans, c.loan_amount, c.checks, c.met, c.at_risk, c.not_met, c.attention)
            for c in s.cells if c.loans or c.checks}


def test_the_province_s_summary_counts_the_counties_loans_and_checks(
        exchange: Exchange, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    ex = exchange
    uscc = _loan_with_checks(ex)
    [outcome] = ex.import_(ex.export().path)
    assert outcome.accepted, outcome.message
    # the loan started in July (300 万元); August's check 达标, September's 不达标 not yet confirmed
    expected = {"2026-07": (1, Decimal(300), 0, 0, 0, 0, 0), "2026-08": (0, Decimal(0), 1, 1, 0, 0, 0),
                "2026-09": (0, Decimal(0), 1, 0, 0, 1, 0)}
    with ex.county_ws() as ws:
        assert _loan_figures(ws) == expected
        mine = summary_service.summary(ws)
    with ex.province_ws() as ws:
        assert _loan_figures(ws) == expected
        received = summary_service.summary(ws)
    assert [c.as_dict() for c in mine.cells] == [c.as_dict() for c in received.cells]

    with sign_in(ex.county, "approver", PASSWORD) as ws:
        tracking.confirm_check(ws, tracking.checks(ws, uscc)[1].id)
    [outcome] = ex.import_(ex.export().path)
    assert outcome.accepted, outcome.message
    expected["2026-09"] = (0, Decimal(0), 1, 0, 0, 1, 1)  # confirmed: 需关注
    for opened in (ex.county_ws, ex.province_ws):
        with opened() as ws:
            assert _loan_figures(ws) == expected
            assert summary_service.summary(ws, period_from="2026-08", period_to="2026-08").total().loans == 0

    # the province's --json and workbook say the same
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    out = ex.tmp / "summary.xlsx"
    assert main(["--db", str(ex.province), "--user", "clerk", "--json", "province", "summary", "--county", "222401",
                 "--out", str(out)]) == EXIT_OK
    total = json.loads(capsys.readouterr().out)["summary"]["total"]
    assert {k: total[k] for k in ("loans", "loan_amount_wan", "checks", "met", "at_risk", "not_met", "attention")} == {
        "loans": 1, "loan_amount_wan": "300", "checks": 2, "met": 1, "at_risk": 0, "not_met": 1, "attention": 1}
    assert main(["--db", str(ex.province), "--user", "clerk", "province", "summary", "--from", "2026-09"]) == EXIT_OK
    header, september, total_line = capsys.readouterr().out.splitlines()[:3]
    assert header.split("\t")[-7:] == ["贷款笔数", "贷款金额（万元）", "核实次数", "达标", "有风险", "不达标", "需关注"]
    assert "重点群体（核实）" in header and "脱贫人口（核实）" not in header  # not the groups' columns
    assert september.split("\t")[1:2] + september.split("\t")[-7:] == ["2026-09", "0", "0", "1", "0", "0", "1", "1"]
    assert total_line.split("\t")[-7:] == ["0", "0", "1", "0", "0", "1", "1"]
    sheet = openpyxl.load_workbook(out)["按县按月"]
    last = [c.value for c in sheet[sheet.max_row - 2]]  # the total, then a blank row and the note
    assert last[0] == "合计" and last[-7:] == [1, 300, 2, 1, 0, 1, 1]
    # and the PDF: the loans in a table of their own, the months with any and the total
    with ex.province_ws() as ws:
        pdf = summary_service.export(ws, summary_service.summary(ws), ex.tmp / "summary.pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    after = text[text.index("贷款与跟踪核实（按县按月）"):]
    lines = [line.split() for line in after.splitlines() if "（222401）" in line or line.strip().startswith("合计")]
    assert [line[-8:] for line in lines[:-1]] == [
        ["2026-07", "1", "300", "0", "0", "0", "0", "0"], ["2026-08", "0", "0", "1", "1", "0", "0", "0"],
        ["2026-09", "0", "0", "1", "0", "0", "1", "1"]]
    assert lines[-1][-7:] == ["1", "300", "2", "1", "0", "1", "1"]


def test_a_loan_of_an_application_the_province_never_received_is_refused(exchange: Exchange) -> None:  # noqa: F811
    ex = exchange
    ex.export()  # the applications: lost on the way
    _loan_with_checks(ex)
    alone = ex.export()
    assert (alone.counts["applications"], alone.counts["loans"]) == (0, 1)
    [outcome] = ex.import_(alone.path)
    assert not outcome.accepted and outcome.reason_codes == ("data_invalid",)
    assert "JL-2026-7" in outcome.message and "省里尚未收到" in outcome.message
    assert factory.table_rows(ex.province, "SELECT count(*) FROM loans") == [(0,)]


def test_the_province_still_reads_a_batch_of_the_older_format(tmp_path: Path) -> None:
    [batch] = V1.glob("*.laoxie-batch.age")
    province_db = factory.province_db(tmp_path / "province.sqlite3")
    key = tmp_path / "province-key.age"
    shutil.copyfile(V1 / "province-key.age", key)
    with sign_in(province_db, "admin", PASSWORD) as ws:
        keys.restore_private_key(ws, key, PASSPHRASE)
        keys.register_county_key(ws, (V1 / "county.pub").read_text(encoding="utf-8"))
    copy = tmp_path / batch.name
    shutil.copyfile(batch, copy)
    with sign_in(province_db, "clerk", PASSWORD) as ws:
        [outcome] = batch_import.import_batches(ws, [copy], PASSPHRASE)
        assert outcome.accepted, outcome.message
        assert outcome.counts == {"enterprises": 2, "applications": 2, "decisions": 2, "workers": 20, "letters": 0}
        assert [r.uscc for r in province.register(ws)] and province.loans_of(ws, province.register(ws)[0]) == []
        rows = province.register(ws)
        assert len(rows) == 2 and all(r.loans == 0 and r.last_verdict is None for r in rows)
        assert province.loans_of(ws, rows[0]) == []
    receipt = json.loads((tmp_path / batch.name.replace(".laoxie-batch.age", ".receipt.json")).read_text("utf-8"))
    assert receipt["counts"] == outcome.counts  # the older batch's own counts, as its county reads them
    assert factory.table_rows(province_db, "SELECT count(*) FROM employments WHERE hukou_check IS NOT NULL") == [(0,)]
    [(manifest,)] = factory.table_rows(province_db, "SELECT manifest FROM batches")
    assert json.loads(manifest)["format"] == FORMAT_V1


def test_an_answer_to_a_check_the_province_never_received_is_refused(exchange: Exchange) -> None:  # noqa: F811
    ex = exchange
    _loan_with_checks(ex)
    ex.export()  # the applications, the loan and its checks: lost on the way
    with sign_in(ex.county, "approver", PASSWORD) as ws:
        tracking.confirm_check(ws, tracking.checks(ws, factory.uscc(0, "222401"))[1].id)
    alone = ex.export()
    assert (alone.counts["applications"], alone.counts["checks"], alone.counts["confirmations"]) == (0, 0, 1)
    [outcome] = ex.import_(alone.path)
    assert not outcome.accepted and outcome.reason_codes == ("data_invalid",)
    assert "核实记录省里尚未收到" in outcome.message


def test_a_loan_another_county_already_sent_is_refused_naming_it(exchange: Exchange) -> None:  # noqa: F811
    """Two counties cannot both have the bank's contract JL-2026-7: the batch is quarantined with a
    message that names the contract and whose it is at the province, in Chinese (SQLite's table and
    column names stay in the log)."""
    ex = exchange
    [first] = ex.import_(ex.export().path)
    assert first.accepted
    with ex.province_ws("admin") as ws, ws.store.transaction():  # another county's loan, as its batch left it
        other = ws.store.conn.execute(
            "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
            " VALUES ('222402', '图们市就业服务局', 'county', '', 0, '2026-11-01', '2026-11-01')").lastrowid
        enterprise = ws.store.conn.execute(
            "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
            " updated_at) VALUES (?, ?, '图们市长白织造有限公司', '222402', '工业', 48, '2026-11-01', '2026-11-01')",
            (other, factory.uscc(5, "222402"))).lastrowid
        application = ws.store.conn.execute(
            "INSERT INTO applications (enterprise_id, loan_type, amount_wan, status, version, created_at, updated_at)"
            " VALUES (?, 'working_capital', 300, 'approved', 1, '2026-11-01', '2026-11-01')", (enterprise,)).lastrowid
        ws.store.conn.execute(
            "INSERT INTO loans (application_id, bank_branch, contract_number, amount_wan, start_date, term_months,"
            " end_date, rate, lpr_effective_from, lpr_tenor, lpr_value, lpr_source, created_at) VALUES (?,"
            " '国家开发银行吉林省分行', 'JL-2026-7', '300', '2026-07-01', 24, '2028-06-30', '3.00', '2026-06-20',"
            " 'one_year', '3.00', 'test', '2026-11-01')",
            (application,))
        ws.audit("test.factory", entity="office", entity_id="222402")
    _loan_with_checks(ex)
    [outcome] = ex.import_(ex.export().path)
    assert not outcome.accepted and outcome.reason_codes == ("data_invalid",)
    message = outcome.reasons[0].text()
    assert "JL-2026-7" in message and "图们市就业服务局" in message and "图们市长白织造有限公司" in message, message
    assert "loans" not in message and "contract_number" not in message, message
