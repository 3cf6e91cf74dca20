"""Lists and re-verifications during the loan (issue 14 step 3), through the services and the command line.

A small enterprise (30 staff; standard 10 workers or 15%) approved with its paired-area workers
counted, a loan from 2026-07-01; lists for July–October: everyone in July and August, only two of
them in September, all back in October with one new hire.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.core.identifiers import id_check_char
from desktop.core.loans import LoanDraft
from desktop.core.tracking import Verdict
from desktop.services import loans as loan_service
from desktop.services import tracking
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import eligibility as eligibility_store
from desktop.store import reviews as review_store
from tests.batches import factory
from tests.roster_factory import write_csv

HEADER = ["序号", "姓名", "身份证号", "户籍地", "合同始期", "合同终期", "入职日期"]
NEW = ("222424" + "19950505" + "123")
NEW_ID = NEW + id_check_char(NEW)


@pytest.fixture
def loan(workspace: Workspace) -> tuple[str, list[tuple[str, str, str]]]:
    [app_id] = factory.approved_applications(workspace, 1, 10)
    uscc = factory.uscc(0, workspace.office.code)
    loan_service.add_loan(workspace, uscc, LoanDraft(
        bank_branch="国家开发银行吉林省分行", contract_number="T-1", amount_wan=Decimal(300),
        start_date=date(2026, 7, 1), term_months=24, rate=Decimal("3.00")))
    case = review_store.case(workspace.store, app_id)
    assert case.approved_decision_id is not None
    decision = eligibility_store.decision(workspace.store, case.approved_decision_id).decision
    counted = [(o.id_number, o.facts.name, o.facts.hukou_code or "") for o in decision.workers if o.counted]
    assert len(counted) >= 8 and decision.final_result.value == "pass"
    return uscc, counted


def _write(path: Path, people: list[tuple[str, str, str]], hired: str = "2026-01-01") -> Path:
    rows: list[list[object]] = [HEADER]
    rows += [[i + 1, name, number, code, "2026-01-01", "2027-12-31", hired] for i, (number, name, code) in
             enumerate(people)]
    return write_csv(path, rows, encoding="utf-8-sig")


def _import_year(ws: Workspace, tmp_path: Path, uscc: str, counted: list[tuple[str, str, str]]) -> None:
    for period, people in (("2026-07", counted), ("2026-08", counted), ("2026-09", counted[:2]),
                           ("2026-10", [*counted, (NEW_ID, "新职工", "222424")])):
        done = tracking.import_list(ws, uscc, _write(tmp_path / f"{period}.csv", people), period=period)
        assert (done.period, done.rows, done.refused, done.staff_total) == (period, len(people), 0, 30)


def test_a_roster_layout_list_names_its_refused_rows(workspace: Workspace, tmp_path: Path,
                                                     loan: tuple[str, list[tuple[str, str, str]]]) -> None:
    """Each refused row of a roster-layout list is named by file, row and column (the preview used to say
    only how many rows were refused); no ID number in full."""
    uscc, counted = loan
    wrong = counted[0][0][:17] + ("0" if counted[0][0][17] != "0" else "1")  # the check character off
    people = [*counted, (wrong, "错号码", "222424"), (counted[1][0], counted[1][1], counted[1][2]), ("", "无号码", "222424")]
    path = _write(tmp_path / "2026-07.csv", people)
    preview = tracking.preview_list(workspace, uscc, path, period="2026-07")
    done = tracking.import_list(workspace, uscc, path, period="2026-07")
    first = len(counted) + 2  # the sheet row of the first bad line (the header is row 1)
    expected = [f"文件“2026-07.csv”第{first}行C列（身份证号）：身份证号码校验位错误",
                f"文件“2026-07.csv”第{first + 1}行C列（身份证号）：与第 3 行是同一个人",
                f"文件“2026-07.csv”第{first + 2}行C列（身份证号）：身份证号码为空"]
    for got in (preview.problems, done.problems):
        assert (len(got), done.refused, done.rows) == (3, 3, len(counted))
        assert all(p.startswith(e) for p, e in zip(got, expected)), got
        assert wrong not in "".join(got)
    only_bad = _write(tmp_path / "2026-08.csv", [people[-3], people[-1]])
    with pytest.raises(ServiceError) as refused:  # nothing valid: the error names the rows too
        tracking.preview_list(workspace, uscc, only_bad, period="2026-08")
    assert refused.value.code == "track_no_valid_rows"
    assert "文件“2026-08.csv”第2行C列（身份证号）：身份证号码校验位错误" in str(refused.value)


def test_checks_over_four_months(workspace: Workspace, tmp_path: Path,
                                 loan: tuple[str, list[tuple[str, str, str]]]) -> None:
    uscc, counted = loan
    _import_year(workspace, tmp_path, uscc, counted)
    august = tracking.check(workspace, uscc, date(2026, 8, 31)).result
    assert august.verdict is Verdict.MET and august.qualifying == len(counted)
    assert all(s.start == date(2026, 1, 1) and s.reaches for s in august.spans.values())

    september = tracking.check(workspace, uscc, date(2026, 9, 30)).result
    assert september.verdict is Verdict.NOT_MET and september.needs_attention  # 2 < 10 and 2/30 < 15%
    assert len(september.left) == len(counted) - 2

    october = tracking.check(workspace, uscc, date(2026, 10, 31))
    result = october.result
    assert result.new_paired == (NEW_ID,) and result.qualifying == len(counted) + 1
    back = result.spans[counted[-1][0]]
    assert (back.start, back.reaches) == (date(2026, 10, 1), False)  # after the gap its run starts again
    assert result.verdict is Verdict.AT_RISK  # 2 workers with 3 months: met only thanks to the short ones
    assert "需关注" not in "".join(p.text() for p in result.steps)

    stored = tracking.checks(workspace, uscc)
    assert [(c.check_date, c.verdict, c.needs_attention) for c in stored] == [
        ("2026-08-31", "met", False), ("2026-09-30", "not_met", True), ("2026-10-31", "at_risk", False)]
    assert stored[1].payload["steps"][-1].startswith("结论：不达标")
    assert "tracking-2022@1" in stored[1].ruleset_version  # the loan-period parameters are in the version
    again = tracking.check(workspace, uscc, date(2026, 9, 30))  # a check again is a new record
    assert again.check_id != stored[1].id and len(tracking.checks(workspace, uscc)) == 4
    with pytest.raises(sqlite3.DatabaseError):
        workspace.store.conn.execute("UPDATE tracking_checks SET verdict = 'met' WHERE id = ?", (stored[1].id,))
    actions = [r[0] for r in workspace.store.conn.execute(
        "SELECT action FROM audit_log WHERE action LIKE 'track.%' ORDER BY id")]
    assert actions == ["track.import"] * 4 + ["track.check"] * 4


def test_a_period_imported_again_replaces_it_for_the_checks(
    workspace: Workspace, tmp_path: Path, loan: tuple[str, list[tuple[str, str, str]]],
) -> None:
    uscc, counted = loan
    tracking.import_list(workspace, uscc, _write(tmp_path / "a.csv", counted[:2]), period="2026-07")
    assert tracking.check(workspace, uscc, date(2026, 7, 31)).result.verdict is Verdict.NOT_MET
    tracking.import_list(workspace, uscc, _write(tmp_path / "b.csv", counted), period="2026-07", staff_total=40)
    result = tracking.check(workspace, uscc, date(2026, 7, 31)).result
    assert (result.verdict, result.staff_total) == (Verdict.MET, 40)
    assert workspace.store.conn.execute("SELECT count(*) FROM tracking_lists").fetchone()[0] == 2


@pytest.mark.parametrize(("period", "code"), [
    ("2026-13", "track_bad_period"), ("2026/07", "track_bad_period"),
    ("2026-06", "track_period_outside"), ("2028-07", "track_period_outside"),
])
def test_a_period_is_a_month_of_the_loan(workspace: Workspace, tmp_path: Path,
                                         loan: tuple[str, list[tuple[str, str, str]]], period: str,
                                         code: str) -> None:
    uscc, counted = loan
    with pytest.raises(ServiceError) as refused:
        tracking.import_list(workspace, uscc, _write(tmp_path / "x.csv", counted), period=period)
    assert refused.value.code == code


def test_no_list_no_loan_no_check(workspace: Workspace, loan: tuple[str, list[tuple[str, str, str]]]) -> None:
    uscc, _ = loan
    with pytest.raises(ServiceError) as refused:
        tracking.check(workspace, uscc, date(2026, 7, 31))
    assert refused.value.code == "track_refused" and "没有导入任何名单" in str(refused.value)
    with pytest.raises(ServiceError) as refused:
        tracking.check(workspace, uscc, date(2026, 6, 30))
    assert refused.value.code == "track_check_before_loan"


def test_checks_fall_due_every_quarter(workspace: Workspace, tmp_path: Path,
                                       loan: tuple[str, list[tuple[str, str, str]]]) -> None:
    uscc, counted = loan
    assert tracking.due(workspace, date(2026, 8, 31)) == []  # first due 2026-10-01, beyond 30 days
    [soon] = tracking.due(workspace, date(2026, 9, 1))
    assert (soon.due_on, soon.overdue, soon.last) == (date(2026, 10, 1), False, None)
    [late] = tracking.due(workspace, date(2026, 10, 2), within_days=0)
    assert late.overdue
    _import_year(workspace, tmp_path, uscc, counted)
    tracking.check(workspace, uscc, date(2026, 10, 1))
    assert tracking.due(workspace, date(2026, 10, 2)) == []
    [next_one] = tracking.due(workspace, date(2027, 1, 1), within_days=0)
    assert next_one.due_on == date(2027, 1, 1) and next_one.last is not None
    assert next_one.last.verdict == "at_risk"


def test_the_command_line(office_db: Path, workspace: Workspace, tmp_path: Path, cli_env: None,
                          loan: tuple[str, list[tuple[str, str, str]]], capsys: pytest.CaptureFixture[str]) -> None:
    uscc, counted = loan
    workspace.close()
    db = ["--db", str(office_db)]
    august = _write(tmp_path / "08.csv", counted)
    assert main([*db, "track", "import", str(august), "--enterprise", uscc, "--period", "2026-08", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["list"]["rows"] == len(counted)
    september = _write(tmp_path / "09.csv", counted[:1])
    assert main([*db, "track", "import", str(september), "--enterprise", uscc, "--period", "2026-09"]) == EXIT_OK
    assert "已导入 2026-09 的名单：1 人" in capsys.readouterr().out
    october = _write(tmp_path / "10.csv", [*counted, (counted[0][0][:17] + "Y", "错号码", "222424")])
    assert main([*db, "track", "import", str(october), "--enterprise", uscc, "--period", "2026-10"]) == EXIT_OK
    said = capsys.readouterr().out  # the refused row named on the console, as a payment list's are
    assert "1 行有错未收：" in said and f"文件“10.csv”第{len(counted) + 2}行C列（身份证号）：" in said
    assert main([*db, "track", "check", uscc, "--date", "2026-09-30"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "不达标  【不达标，待审核人确认（laoxie track confirm" in out and "结论：不达标" in out
    assert main([*db, "track", "check", uscc, "--date", "2026-08-31", "--json"]) == EXIT_OK
    check = json.loads(capsys.readouterr().out)["check"]
    assert check["verdict"] == "met" and "*" in check["workers"][0]["id_number"]
    assert main([*db, "track", "due", "--date", "2026-10-05", "--json"]) == EXIT_OK
    [due] = json.loads(capsys.readouterr().out)["due"]
    assert due["due_on"] == "2026-10-01" and due["overdue"] and due["last_check"]["date"] == "2026-09-30"
    assert main([*db, "track", "check", uscc, "--date", "2026-13-01"]) != EXIT_OK
    assert main([*db, "track", "import", str(august), "--enterprise", uscc, "--period", "2026-6", "--json"]) == EXIT_FAILED
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "track_bad_period"


def test_the_timeline_month_by_month(workspace: Workspace, tmp_path: Path,
                                     loan: tuple[str, list[tuple[str, str, str]]]) -> None:
    from desktop.services.tracking_timeline import timeline

    uscc, counted = loan
    _import_year(workspace, tmp_path, uscc, counted)
    months = timeline(workspace, tracking.enterprise_loan(workspace, uscc), date(2026, 11, 15))
    assert [m.month for m in months] == [date(2026, m, 1) for m in (7, 8, 9, 10, 11)]
    july, august, september, october, november = months
    n = len(counted)
    # small enterprise, 30 staff: 10 workers or 15% (5 of 30): at least 5
    assert (july.counted, july.established, july.required, july.verdict) == (n, n, 5, Verdict.MET)
    assert (august.counted, august.established) == (n, n)
    assert (september.counted, september.established, september.verdict) == (2, 2, Verdict.NOT_MET)
    # back after the gap, and the new hire, start again in October: not yet 3 months
    assert (october.counted, october.established, october.verdict) == (n + 1, 2, Verdict.AT_RISK)
    assert not november.has_list and november.verdict is None
    assert timeline(workspace, tracking.enterprise_loan(workspace, uscc), date(2026, 6, 30)) == []
    assert workspace.store.conn.execute("SELECT count(*) FROM tracking_checks").fetchone()[0] == 0  # nothing kept


def test_a_check_reads_the_earlier_lists_only_where_it_needs_them(
        workspace: Workspace, tmp_path: Path, loan: tuple[str, list[tuple[str, str, str]]]) -> None:
    """A check reads the latest list in full and an earlier one only for workers not counting later:
    the result is that of reading every month (which the timeline does)."""
    from desktop.services.tracking import loan_basis, reverify_basis

    uscc, counted = loan
    late = (NEW[:-3] + "125", "后来走的", "222424")
    late = (late[0][:17] + id_check_char(late[0][:17]), late[1], late[2])
    for period, people in (("2026-07", counted), ("2026-08", [*counted, late]), ("2026-09", counted[:2]),
                           ("2026-10", [*counted, (NEW_ID, "新职工", "222424")])):
        tracking.import_list(workspace, uscc, _write(tmp_path / f"{period}.csv", people), period=period)
    row = tracking.enterprise_loan(workspace, uscc)
    for on in (date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31), date(2026, 12, 1)):
        quick = reverify_basis(loan_basis(workspace, row, on, every_month=False), row, on)
        full = reverify_basis(loan_basis(workspace, row, on), row, on)
        assert quick == full
    assert late[0] in full.spans and not full.spans[late[0]].employed  # left after August: still explained
