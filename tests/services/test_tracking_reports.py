"""Reports of the loan period (issue 14 item 5): one loan's tracking report as a PDF in the letter's
style, and every loan's status as a workbook for the province and the bank.

The loan of tests/services/test_tracking.py (a small enterprise, 30 staff, standard 10 workers or
15%; lists for July–October) checked at the end of August (达标), September (不达标, two workers
left on the list) and October (有风险).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import EXIT_OK, EXIT_USAGE, main
from desktop.letters.tracking_report import chinese_number
from desktop.services import tracking, tracking_reports
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from tests.services.test_tracking import _import_year, loan  # noqa: F401 - the fixture

Loan = tuple[str, list[tuple[str, str, str]]]


@pytest.fixture
def checked(workspace: Workspace, tmp_path: Path, loan: Loan) -> Loan:  # noqa: F811 - the fixture
    uscc, counted = loan
    _import_year(workspace, tmp_path, uscc, counted)
    for day in (date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)):
        tracking.check(workspace, uscc, day)
    return loan


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_report_lists_the_loan_and_every_check(workspace: Workspace, checked: Loan) -> None:
    uscc, counted = checked
    report = tracking_reports.report(workspace, uscc, on=date(2026, 11, 5))
    assert [(c.check_date, c.verdict, c.needs_attention) for c in report.checks] == [
        ("2026-08-31", "met", False), ("2026-09-30", "not_met", True), ("2026-10-31", "at_risk", False)]
    # 30 staff: 10 workers, or 15% of 30 = 4.5 → 5 workers: the share is met sooner
    assert [c.required for c in report.checks] == [5, 5, 5]
    assert [c.qualifying for c in report.checks] == [len(counted), 2, len(counted) + 1]
    assert report.checks[1].conclusion == "不达标（待确认）"  # until an approver confirms it
    assert report.next_due == "2027-01-01"
    rows = dict(report.loan_rows)
    assert rows["借款合同编号"] == "T-1" and rows["年利率"] == "3%" and rows["起始日期"] == "2026-07-01"
    assert f"计入对口地区人员{len(counted)}人" in report.approval
    summary = report.summary()
    assert "共核实3次" in summary and "有风险" in summary and "1次未达到认定标准" in summary
    assert report.table()[1] == ("2", "2026-09-30", "2026-09", "30", "2", "5", "不达标（待确认）")


def test_the_required_number_is_the_smaller_of_count_and_share() -> None:
    from fractions import Fraction

    assert tracking.workers_required(10, Fraction(15, 100), 30) == 5  # 4.5 rounds up
    assert tracking.workers_required(10, Fraction(15, 100), 100) == 10  # 15 > 10
    assert tracking.workers_required(10, Fraction(15, 100), 60) == 9  # exactly 9.0
    assert tracking.workers_required(10, Fraction(15, 100), 0) == 10  # no staff: only the count


def test_the_report_pdf(workspace: Workspace, approver_ws: Workspace, checked: Loan, tmp_path: Path) -> None:
    uscc, _ = checked
    september = tracking.checks(workspace, uscc)[1]
    tracking.confirm_check(approver_ws, september.id)  # 不达标 confirmed: 需关注
    report = tracking_reports.report(workspace, uscc)
    assert report.checks[1].conclusion == "不达标（需关注）" and report.checks[1].answer.startswith("确认不达标：")
    out = tracking_reports.save_report_pdf(workspace, uscc, tmp_path / "report.pdf", on=date(2026, 11, 5))
    assert out.read_bytes().startswith(b"%PDF")
    entry = workspace.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'track.report'").fetchone()
    assert json.loads(entry[0]) == {"checks": 3, "report_date": "2026-11-05"}
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = _pdf_text(out)
    for expected in ("劳务协作贷款跟踪评估报告", "一、贷款情况", "二、核实记录", "三、各次核实说明",
                     "2026-09-30", "不达标（需关注）", "结论：有风险", "审核人确认不达标：", workspace.office.name,
                     "2026年11月5日"):
        assert expected in text, expected


def test_a_loan_never_checked_says_so(workspace: Workspace, loan: Loan, tmp_path: Path) -> None:  # noqa: F811
    uscc, _ = loan
    report = tracking_reports.report(workspace, uscc, on=date(2026, 7, 5))
    assert report.checks == () and "尚未核实" in report.summary() and "2026-10-01" in report.summary()
    assert tracking_reports.report_pdf(workspace, uscc).startswith(b"%PDF")


def test_no_loan_no_report(workspace: Workspace) -> None:
    from tests.batches import factory

    factory.approved_applications(workspace, 1, 10)
    with pytest.raises(ServiceError) as refused:
        tracking_reports.report(workspace, factory.uscc(0, workspace.office.code))
    assert refused.value.code == "track_no_loan"


def test_the_workbook_lists_every_loan(workspace: Workspace, checked: Loan, tmp_path: Path) -> None:
    uscc, counted = checked
    out = tracking_reports.save_loans_workbook(workspace, tmp_path / "loans.xlsx", date(2027, 1, 5))
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header == [name for name, _ in tracking_reports.WORKBOOK_COLUMNS]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["统一社会信用代码"] == uscc and sheet.cell(2, 3).data_type == "s"
    assert row["借款合同编号"] == "T-1" and sheet.cell(2, 5).number_format == "@"
    assert row["县（市、区）"] == f"{workspace.office.name}（{workspace.office.code}）"
    assert (row["核实次数"], row["最近核实日期"], row["最近核实结论"], row["确认状态"]) == (3, "2026-10-31", "有风险", None)
    assert (row["计入人数"], row["达标所需人数"], row["职工总数"]) == (len(counted) + 1, 5, 30)
    assert (row["下次核实"], row["核实状态"]) == ("2027-01-01", "已逾期")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:V2"
    assert sheet.max_row == 2


def test_the_command_line(office_db: Path, workspace: Workspace, checked: Loan, tmp_path: Path, cli_env: None,
                          capsys: pytest.CaptureFixture[str]) -> None:
    uscc, _ = checked
    workspace.close()
    db = ["--db", str(office_db)]
    pdf = tmp_path / "r.pdf"
    assert main([*db, "track", "report", uscc, "--out", str(pdf), "--date", "2026-11-05", "--json"]) == EXIT_OK
    done = json.loads(capsys.readouterr().out)
    assert done["report"] == str(pdf) and [c["verdict"] for c in done["checks"]] == ["met", "not_met", "at_risk"]
    assert pdf.read_bytes().startswith(b"%PDF")
    book = tmp_path / "all.xlsx"
    assert main([*db, "track", "report", "--all", "--out", str(book), "--date", "2027-01-05"]) == EXIT_OK
    assert "1 笔贷款" in capsys.readouterr().out and book.exists()
    assert main([*db, "track", "report", "--out", str(book)]) == EXIT_USAGE
    assert main([*db, "track", "report", uscc, "--all", "--out", str(book)]) == EXIT_USAGE


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"),
                                         (35, "三十五"), (99, "九十九"), (100, "100")])
def test_subheadings_are_numbered_in_chinese(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_a_long_loan_s_report_repeats_the_table_header_and_thins_the_chart_s_dates(tmp_path: Path) -> None:
    from desktop.core.tracking_report import CheckLine, TrackingReport
    from desktop.letters.fonts import fontset
    from desktop.letters.tracking_report import render_tracking_report

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    days = [date(2026 + m // 12, m % 12 + 1, 28).isoformat() for m in range(24)]  # two years, monthly
    checks = tuple(CheckLine(d, d[:7], "met", "达标", False, 9, 30, 5, ("结论：达标。",), "金经办", "x") for d in days)
    report = TrackingReport("延吉市就业服务局", "测试企业", "912224010000000005", (("贷款银行", "国家开发银行"),),
                            "审核。", (), checks, "", date(2028, 1, 5), "金经办")
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_tracking_report(report, fontset()))
    text = _pdf_text(pdf)
    assert text.count("核实日期") == 2  # the header again on the table's second page
    axis = next(line for line in text.splitlines() if line.strip().startswith(days[0]) and days[3] in line)
    assert axis.split() == days[::3]  # every third date under the chart: 24 would overlap


@pytest.mark.parametrize(("on", "state"), [
    (date(2026, 11, 5), "未到期"),  # checked 2026-10-31; the next check (2027-01-01) is months away
    (date(2026, 12, 1), "未到期"),  # 31 days away
    (date(2026, 12, 2), "待核实"),  # 30 days: due soon
    (date(2027, 1, 1), "待核实"),  # the day it is due
    (date(2027, 1, 2), "已逾期"),
])
def test_the_workbook_s_state_is_the_page_s(workspace: Workspace, checked: Loan, on: date, state: str) -> None:
    """The 贷款状态表 sent to the province and the bank said 待核实 of a loan checked the day before whose next
    check was months away; the page says 未到期 until the check is due within 30 days. One rule for both."""
    [status] = tracking_reports.loan_statuses(workspace, on)
    assert status.due_on == date(2027, 1, 1)
    assert status.state == state == tracking.due_state(status.due_on, on)
