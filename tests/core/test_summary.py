"""统计分析 in the core: every figure of a crafted set of applications checked against values
worked out by hand (the comments say where each comes from)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from desktop.core.summary import (
    CaseRow, CheckRow, LoanRow, WorkerRow, month_of, months_between, source_name, summarize, table_rows,
)

A, A_NAME = "222401", "延吉市就业服务局"
B, B_NAME = "222402", "图们市就业服务局"
POOR, HARD, UNEMP, GRAD = "poverty_alleviated", "employment_difficulty", "registered_unemployed", "unemployed_graduate"


def case(app: int, county: str, applied: str | None, status: str = "submitted", approved: str | None = None,
         decision: int | None = None, result: str | None = None, counted: int = 0) -> CaseRow:
    return CaseRow(app, county, A_NAME if county == A else B_NAME, applied, status, approved, decision, result, counted)


CASES = [
    case(1, A, "2026-01-10", "issued", "2026-02-05T10:00:00+08:00", 11, "pass", 5),  # applied Jan, approved Feb
    case(2, A, "2026-01-20"),  # submitted, not approved
    case(3, A, "2026-02-03", "approved", "2026-02-28T23:59:59+08:00", 13, "fail", 2),  # approved, 不符合
    case(4, B, "2026-02-01", "issued", "2026-03-01T00:30:00+08:00", 14, "pass", 3),  # approved on the 1st of March
    case(5, B, "2025-12-31", "issued", "2026-01-02T09:00:00+08:00", 15, "pass", 4),  # applied before the period
    case(6, A, "2026-03-15", "withdrawn"),  # withdrawn: still an application
    case(7, B, "2026-04-01", "issued", "2026-04-02T09:00:00+08:00", 17, "pass", 9),  # after the period
    case(8, A, "2026-03-01T08:00:00+08:00", "returned", "2026-03-02T09:00:00+08:00", 18, "pass", 6),  # reopened
    case(9, A, "", "draft"),  # no date at all: counted nowhere
]
WORKERS = [
    WorkerRow(11, "222424", POOR, POOR, 2), WorkerRow(11, "222424", None, None, 2),
    WorkerRow(11, "222426", None, HARD, 1),
    WorkerRow(13, "222424", UNEMP, None, 2),  # a 不符合 decision: not counted anywhere
    WorkerRow(14, "222426", UNEMP, UNEMP, 1), WorkerRow(14, "222424", None, None, 2),
    WorkerRow(15, "222424", GRAD, None, 1), WorkerRow(15, None, None, None, 3),
    WorkerRow(17, "222424", POOR, None, 9),  # approved after the period
    WorkerRow(18, "222424", POOR, POOR, 6),  # its application is no longer approved
    WorkerRow(99, "222424", POOR, POOR, 50),  # a decision no approval rests on
]


def cells(summary: object) -> dict[tuple[str, str], dict[str, object]]:
    return {(c.county_code, c.month): c.as_dict() for c in summary.cells}  # type: ignore[attr-defined]


def figures(d: dict[str, object]) -> tuple[object, ...]:
    return tuple(d[k] for k in ("applications", "approvals", "passed", "failed", "workers"))


def groups(d: dict[str, object], key: str) -> dict[str, int]:
    return {g: n for g, n in d[key].items() if n}  # type: ignore[attr-defined]


def test_every_figure_by_county_and_month() -> None:
    s = summarize(CASES, WORKERS, period_from="2026-01", period_to="2026-03")
    got = cells(s)
    assert set(got) == {(A, "2026-01"), (A, "2026-02"), (A, "2026-03"), (B, "2026-01"), (B, "2026-02"),
                        (B, "2026-03")}
    # (applications, approvals, passed, failed, workers)
    assert figures(got[A, "2026-01"]) == (2, 0, 0, 0, 0)  # cases 1 and 2 applied
    assert figures(got[A, "2026-02"]) == (1, 2, 1, 1, 5)  # case 3 applied; 1 (符合, 5) and 3 (不符合) approved
    assert figures(got[A, "2026-03"]) == (2, 0, 0, 0, 0)  # 6 withdrawn and 8 returned: applications only
    assert figures(got[B, "2026-01"]) == (0, 1, 1, 0, 4)  # case 5 approved on 2 January
    assert figures(got[B, "2026-02"]) == (1, 0, 0, 0, 0)  # case 4 applied
    assert figures(got[B, "2026-03"]) == (0, 1, 1, 0, 3)  # case 4 approved at 00:30 on 1 March
    assert groups(got[A, "2026-02"], "priority_verified") == {POOR: 2}
    assert groups(got[A, "2026-02"], "priority_claimed") == {POOR: 2, HARD: 1}
    assert groups(got[B, "2026-01"], "priority_verified") == {GRAD: 1}
    assert groups(got[B, "2026-01"], "priority_claimed") == {}
    assert groups(got[B, "2026-03"], "priority_verified") == {UNEMP: 1}
    assert groups(got[B, "2026-03"], "priority_claimed") == {UNEMP: 1}
    assert s.months == ("2026-01", "2026-02", "2026-03")
    assert s.counties == ((A, A_NAME), (B, B_NAME))


def test_totals_by_month_by_county_and_by_source() -> None:
    s = summarize(CASES, WORKERS, period_from="2026-01", period_to="2026-03")
    total = s.total().as_dict()
    assert figures(total) == (6, 4, 3, 1, 12)
    assert groups(total, "priority_verified") == {POOR: 2, GRAD: 1, UNEMP: 1}
    assert groups(total, "priority_claimed") == {POOR: 2, HARD: 1, UNEMP: 1}
    assert [(c.month, c.applications, c.approvals, c.passed, c.failed, c.workers) for c in s.by_month()] == [
        ("2026-01", 2, 1, 1, 0, 4), ("2026-02", 2, 2, 1, 1, 5), ("2026-03", 2, 1, 1, 0, 3)]
    assert [(c.county_code, c.applications, c.approvals, c.passed, c.failed, c.workers) for c in s.by_county()] == [
        (A, 5, 2, 1, 1, 5), (B, 1, 2, 2, 0, 7)]
    assert [(x.county_code, x.month, x.source_code, x.workers) for x in s.sources] == [
        (A, "2026-02", "222424", 4), (A, "2026-02", "222426", 1),
        (B, "2026-01", "", 3), (B, "2026-01", "222424", 1),
        (B, "2026-03", "222424", 2), (B, "2026-03", "222426", 1)]
    assert s.by_source() == [("222424", 7), ("", 3), ("222426", 2)]
    # the verified and claimed figures are never more than the workers counted
    assert sum(total["priority_verified"].values()) <= total["workers"]  # type: ignore[attr-defined,operator]


def test_the_period_s_ends_are_included_and_nothing_outside_counts() -> None:
    s = summarize(CASES, WORKERS, period_from="2026-02", period_to="2026-02")
    got = cells(s)
    assert set(got) == {(A, "2026-02"), (B, "2026-02")}
    assert figures(s.total().as_dict()) == (2, 2, 1, 1, 5)
    # from March on: case 4's approval (1 March) and case 7 (April) count, case 5's (2 January) does not
    s = summarize(CASES, WORKERS, period_from="2026-03")
    assert s.months == ("2026-03", "2026-04")
    assert figures(cells(s)[B, "2026-04"]) == (1, 1, 1, 0, 9)
    assert figures(s.total().as_dict()) == (3, 2, 2, 0, 12)


def test_open_period_spans_the_data_and_county_filter() -> None:
    s = summarize(CASES, WORKERS)
    assert s.months == ("2025-12", "2026-01", "2026-02", "2026-03", "2026-04")
    assert figures(cells(s)[B, "2025-12"]) == (1, 0, 0, 0, 0)
    assert figures(s.total().as_dict()) == (8, 5, 4, 1, 21)  # case 9 has no date: nowhere
    only_b = summarize(CASES, WORKERS, county=B)
    assert {c.county_code for c in only_b.cells} == {B}
    assert figures(only_b.total().as_dict()) == (3, 3, 3, 0, 16)
    empty = summarize([], [])
    assert (empty.months, empty.cells, figures(empty.total().as_dict())) == ((), (), (0, 0, 0, 0, 0))


def test_table_rows_end_with_the_total() -> None:
    s = summarize(CASES, WORKERS, period_from="2026-01", period_to="2026-03")
    rows = table_rows(s)
    assert len(rows) == len(s.cells) + 1
    assert rows[0][:9] == [f"{A_NAME}（{A}）", "2026-01", 2, 0, 0, 0, 0, 0, 0]
    # total: 6 applications, 4 approvals, 3 符合, 1 不符合, 12 workers, 4 verified, 4 claimed, then
    # per group (verified, claimed): 脱贫 2/2, 就业困难 0/1, 登记失业 1/1, 高校毕业生 1/0
    # no loans given: the loan and check columns are all 0
    assert rows[-1] == ["合计", "2026-01～2026-03", 6, 4, 3, 1, 12, 4, 4, 2, 2, 0, 1, 1, 1, 1, 0,
                        0, Decimal(0), 0, 0, 0, 0, 0]


@pytest.mark.parametrize(("value", "month"), [
    ("2026-11-30", "2026-11"), ("2026-12-01T00:00:00+08:00", "2026-12"), ("", None), (None, None),
    ("2026-13-01", None), ("26-11", None),
])
def test_month_of(value: str | None, month: str | None) -> None:
    assert month_of(value) == month


def test_months_between_crosses_a_year_and_source_names() -> None:
    assert months_between("2025-11", "2026-02") == ("2025-11", "2025-12", "2026-01", "2026-02")
    assert months_between("2026-03", "2026-02") == ()
    assert source_name("222424") == "延边朝鲜族自治州汪清县"
    assert source_name("") == "户籍地未确定"
    assert source_name("999999") == "999999"


C, C_NAME = "222404", "珲春市就业服务局"
LOANS = [
    LoanRow(A, A_NAME, "2026-02-01", Decimal("300")),
    LoanRow(A, A_NAME, "2026-02-28", Decimal("150.5")),
    LoanRow(B, B_NAME, "2026-03-01", Decimal("200")),  # the period's last month, first day
    LoanRow(B, B_NAME, "2025-12-31", Decimal("99")),  # before the period
    LoanRow(C, C_NAME, "2026-03-10", Decimal("50")),  # a county with a loan and no application in the period
]
CHECKS = [
    CheckRow(A, A_NAME, "2026-02-28", "met", False),
    CheckRow(A, A_NAME, "2026-03-31", "at_risk", False),
    CheckRow(A, A_NAME, "2026-03-31", "not_met", True),  # confirmed by the approver: 需关注
    CheckRow(B, B_NAME, "2026-03-01", "not_met", False),  # not answered (or returned): not 需关注
    CheckRow(B, B_NAME, "2026-04-01", "met", False),  # after the period
]


def loan_figures_of(d: dict[str, object]) -> tuple[object, ...]:
    return tuple(d[k] for k in ("loans", "loan_amount_wan", "checks", "met", "at_risk", "not_met", "attention"))


def test_loans_and_checks_by_county_and_month() -> None:
    s = summarize(CASES, WORKERS, period_from="2026-01", period_to="2026-03", loans=LOANS, checks=CHECKS)
    got = cells(s)
    assert loan_figures_of(got[A, "2026-01"]) == (0, "0", 0, 0, 0, 0, 0)
    assert loan_figures_of(got[A, "2026-02"]) == (2, "450.5", 1, 1, 0, 0, 0)  # 300 + 150.5; one 达标
    assert loan_figures_of(got[A, "2026-03"]) == (0, "0", 2, 0, 1, 1, 1)  # 有风险, 不达标 confirmed
    assert loan_figures_of(got[B, "2026-03"]) == (1, "200", 1, 0, 0, 1, 0)  # 不达标 not confirmed
    assert loan_figures_of(got[C, "2026-03"]) == (1, "50", 0, 0, 0, 0, 0)
    assert figures(got[C, "2026-03"]) == (0, 0, 0, 0, 0)
    assert s.counties == ((A, A_NAME), (B, B_NAME), (C, C_NAME))
    # the applications' figures are those without loans
    assert figures(s.total().as_dict()) == (6, 4, 3, 1, 12)
    assert loan_figures_of(s.total().as_dict()) == (4, "700.5", 4, 1, 1, 2, 1)
    assert [(c.month, c.loans, c.checks) for c in s.by_month()] == [
        ("2026-01", 0, 0), ("2026-02", 2, 1), ("2026-03", 2, 3)]
    assert table_rows(s)[-1][-7:] == [4, Decimal("700.5"), 4, 1, 1, 2, 1]


def test_loans_and_checks_outside_the_period_or_county_do_not_count() -> None:
    s = summarize(CASES, WORKERS, county=B, loans=LOANS, checks=CHECKS)
    assert loan_figures_of(s.total().as_dict()) == (2, "299", 2, 1, 0, 1, 0)  # 200 + 99; March and April
    assert loan_figures_of(cells(s)[B, "2025-12"]) == (1, "99", 0, 0, 0, 0, 0)
    s = summarize(CASES, WORKERS, period_from="2026-04", loans=LOANS, checks=CHECKS)
    assert loan_figures_of(s.total().as_dict()) == (0, "0", 1, 1, 0, 0, 0)
    empty = summarize([], [], loans=[], checks=[CheckRow(A, A_NAME, "", "met", False)])  # no date: nowhere
    assert empty.cells == ()
