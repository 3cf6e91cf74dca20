"""统计分析: applications, approvals, results and workers by county and month (issue 16, 6).

Plain Python over rows the store gives (:class:`CaseRow`, one an application; :class:`WorkerRow`,
the counted workers of a decision grouped by source county and priority group). The same function
serves the province (every county's received applications) and a county (its own office).

How each figure is read (each is dated by its own event, so one application can appear in two
months: applied in May, approved in June):

* **申请** (applications): applications dated in the month by the application date
  (``applied_on``; the day the case was opened when none was written), whatever their status.
* **批准** (approvals): applications approved (``approved`` or ``issued``) in the month, by the
  approval date, each with the decision the approver approved; **符合 / 不符合** split them by that
  decision's final result, so 符合 + 不符合 = 批准.
* **认定人数** (workers counted): the counted workers (``qualifying_count``) of the approvals found
  符合; the priority groups and the source counties are those same workers, as the decision lists
  them (the decision is what the approval rests on; a later roster changes nothing here).
* **重点群体** by group, two figures as the decision keeps them (三（二）, DOMAIN.md 3.3):
  **核实** the clerk verified the group (with an evidence reference); **申报** the enterprise wrote
  the group on its roster. A worker claimed and verified is in both; only verified groups count
  toward the reduced standard unless the rule set says claims count.
* **来源地** (source county): the counted workers by the county of their 户籍地 (``hukou_code``).
* **贷款 / 贷款金额** (loans, 万元): loans recorded on the applications, by the loan's start date
  (the day it was granted, ``start_date``), whatever became of them later.
* **核实** (re-verification checks) by the check's date, split by verdict: **达标 / 有风险 / 不达标**
  (达标 + 有风险 + 不达标 = 核实); **需关注**: the 不达标 ones the approver confirmed (one not yet
  answered, or returned, is not counted there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from desktop.core.areas import AreaTable
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.workers import PriorityGroup

__all__ = [
    "APPROVED_STATUSES", "COLUMNS", "GROUPS", "LOAN_COLUMNS", "CaseRow", "Cell", "CheckRow", "LoanRow", "SourceCell",
    "Summary", "WorkerRow", "group_headers",
    "cell_row", "loan_figures", "month_of", "months_between", "source_name", "summarize", "table_rows",
]

APPROVED_STATUSES: Final = ("approved", "issued")
GROUPS: Final = tuple(PriorityGroup)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

#: The table's columns in order: (key, Chinese header). The window, the CLI, the workbook and the
#: PDF all use these; the group columns follow as "<group>（核实）" / "<group>（申报）".
COLUMNS: Final = (
    ("county", QT_TRANSLATE_NOOP("summary", "县（市、区）")),
    ("month", QT_TRANSLATE_NOOP("summary", "月份")),
    ("applications", QT_TRANSLATE_NOOP("summary", "申请")),
    ("approvals", QT_TRANSLATE_NOOP("summary", "批准")),
    ("passed", QT_TRANSLATE_NOOP("summary", "符合")),
    ("failed", QT_TRANSLATE_NOOP("summary", "不符合")),
    ("workers", QT_TRANSLATE_NOOP("summary", "认定人数")),
    ("priority_verified", QT_TRANSLATE_NOOP("summary", "重点群体（核实）")),
    ("priority_claimed", QT_TRANSLATE_NOOP("summary", "重点群体（申报）")),
)
#: The loans' and checks' columns, after the groups' (key, Chinese header).
LOAN_COLUMNS: Final = (
    ("loans", QT_TRANSLATE_NOOP("summary", "贷款笔数")),
    ("loan_amount", QT_TRANSLATE_NOOP("summary", "贷款金额（万元）")),
    ("checks", QT_TRANSLATE_NOOP("summary", "核实次数")),
    ("met", QT_TRANSLATE_NOOP("summary", "达标")),
    ("at_risk", QT_TRANSLATE_NOOP("summary", "有风险")),
    ("not_met", QT_TRANSLATE_NOOP("summary", "不达标")),
    ("attention", QT_TRANSLATE_NOOP("summary", "需关注")),
)
VERDICTS: Final = ("met", "at_risk", "not_met")
VERIFIED_SUFFIX: Final = QT_TRANSLATE_NOOP("summary", "（核实）")
CLAIMED_SUFFIX: Final = QT_TRANSLATE_NOOP("summary", "（申报）")
TOTAL_LABEL: Final = QT_TRANSLATE_NOOP("summary", "合计")
UNKNOWN_SOURCE: Final = QT_TRANSLATE_NOOP("summary", "户籍地未确定")


@dataclass(frozen=True)
class CaseRow:
    """One application as the store gives it."""

    application_id: int
    county_code: str
    county_name: str
    applied_on: str | None  # ISO date (or date-time) of the application
    status: str
    approved_at: str | None  # ISO date-time of the approval
    decision_id: int | None  # the decision approved (None when not approved)
    result: str | None  # "pass" / "fail": that decision's final result
    counted: int  # that decision's qualifying count


@dataclass(frozen=True)
class WorkerRow:
    """Counted workers of one decision with the same source county, verified group and claimed group."""

    decision_id: int
    source_code: str | None
    group: str | None  # verified by the clerk
    claim: str | None  # written by the enterprise
    workers: int


@dataclass(frozen=True)
class LoanRow:
    """One loan as the store gives it."""

    county_code: str
    county_name: str
    start_date: str  # ISO date
    amount_wan: Decimal


@dataclass(frozen=True)
class CheckRow:
    """One re-verification of a loan as the store gives it."""

    county_code: str
    county_name: str
    check_date: str  # ISO date
    verdict: str  # "met" / "at_risk" / "not_met"
    confirmed: bool  # a 不达标 the approver confirmed (需关注)


@dataclass
class Cell:
    """The figures of one county in one month (or a total: county or month empty)."""

    county_code: str
    county_name: str
    month: str
    applications: int = 0
    approvals: int = 0
    passed: int = 0
    failed: int = 0
    workers: int = 0
    verified: dict[str, int] = field(default_factory=dict)  # group -> counted workers verified in it
    claimed: dict[str, int] = field(default_factory=dict)  # group -> counted workers claimed in it
    loans: int = 0
    loan_amount: Decimal = Decimal(0)  # 万元
    met: int = 0
    at_risk: int = 0
    not_met: int = 0
    attention: int = 0

    @property
    def checks(self) -> int:
        return self.met + self.at_risk + self.not_met

    @property
    def priority_verified(self) -> int:
        return sum(self.verified.values())

    @property
    def priority_claimed(self) -> int:
        return sum(self.claimed.values())

    def add(self, other: Cell) -> None:
        self.applications += other.applications
        self.approvals += other.approvals
        self.passed += other.passed
        self.failed += other.failed
        self.workers += other.workers
        self.loans += other.loans
        self.loan_amount += other.loan_amount
        self.met += other.met
        self.at_risk += other.at_risk
        self.not_met += other.not_met
        self.attention += other.attention
        for mine, theirs in ((self.verified, other.verified), (self.claimed, other.claimed)):
            for group, n in theirs.items():
                mine[group] = mine.get(group, 0) + n

    def as_dict(self) -> dict[str, object]:
        return {
            "county_code": self.county_code, "county_name": self.county_name, "month": self.month,
            "applications": self.applications, "approvals": self.approvals, "passed": self.passed,
            "failed": self.failed, "workers": self.workers,
            "priority_verified": {g.value: self.verified.get(g.value, 0) for g in GROUPS},
            "priority_claimed": {g.value: self.claimed.get(g.value, 0) for g in GROUPS},
            "loans": self.loans, "loan_amount_wan": str(self.loan_amount), "checks": self.checks,
            "met": self.met, "at_risk": self.at_risk, "not_met": self.not_met, "attention": self.attention,
        }


@dataclass(frozen=True)
class SourceCell:
    county_code: str
    month: str
    source_code: str  # "" when not resolved
    workers: int


@dataclass(frozen=True)
class Summary:
    period_from: str
    period_to: str
    months: tuple[str, ...]  # every month of the period, in order ("" … "" when there is no data)
    counties: tuple[tuple[str, str], ...]  # (code, name) with any figure, by code
    cells: tuple[Cell, ...]  # county × month with any figure, by county then month
    sources: tuple[SourceCell, ...]  # by county, month, source

    def total(self) -> Cell:
        total = Cell("", TOTAL_LABEL, "")
        for cell in self.cells:
            total.add(cell)
        return total

    def by_month(self) -> list[Cell]:
        """One cell per month of the period, all counties together (the charts' series)."""
        months = {m: Cell("", TOTAL_LABEL, m) for m in self.months}
        for cell in self.cells:
            months[cell.month].add(cell)
        return list(months.values())

    def by_county(self) -> list[Cell]:
        """One cell per county over the whole period."""
        counties = {code: Cell(code, name, "") for code, name in self.counties}
        for cell in self.cells:
            counties[cell.county_code].add(cell)
        return list(counties.values())

    def by_source(self) -> list[tuple[str, int]]:
        """(source county code, counted workers) over the period and the counties, most first."""
        found: dict[str, int] = {}
        for s in self.sources:
            found[s.source_code] = found.get(s.source_code, 0) + s.workers
        return sorted(found.items(), key=lambda item: (-item[1], item[0]))

    def as_dict(self) -> dict[str, object]:
        return {
            "period": {"from": self.period_from, "to": self.period_to},
            "rows": [c.as_dict() for c in self.cells],
            "by_month": [c.as_dict() for c in self.by_month()],
            "by_county": [c.as_dict() for c in self.by_county()],
            "total": self.total().as_dict(),
            "sources": [{"county_code": s.county_code, "month": s.month, "source_code": s.source_code,
                         "source_name": source_name(s.source_code), "workers": s.workers} for s in self.sources],
            "by_source": [{"source_code": code, "source_name": source_name(code), "workers": n}
                          for code, n in self.by_source()],
        }


def month_of(value: str | None) -> str | None:
    """YYYY-MM of an ISO date or date-time (None for none or a value that is not one)."""
    if not value or len(value) < 7 or not _MONTH.match(value[:7]):
        return None
    return value[:7]


def months_between(first: str, last: str) -> tuple[str, ...]:
    """Every month from ``first`` to ``last`` (YYYY-MM), both included; empty when first > last."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    found = []
    while (year, month) <= end:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(found)


def source_name(code: str, areas: AreaTable | None = None) -> str:
    """The county's name for a source code ("户籍地未确定" for none; the code when not in the table)."""
    if not code:
        return UNKNOWN_SOURCE
    area = (areas or AreaTable.default()).by_code(code)
    return area.full_name if area is not None else code


def summarize(cases: Iterable[CaseRow], workers: Iterable[WorkerRow], *, period_from: str | None = None,
              period_to: str | None = None, county: str | None = None, loans: Iterable[LoanRow] = (),
              checks: Iterable[CheckRow] = ()) -> Summary:
    """The figures by county and month within the period (YYYY-MM, both ends included; open when None).

    ``workers`` may hold rows of any decision: only those of the approvals counted here are used.
    """
    cells: dict[tuple[str, str], Cell] = {}
    names: dict[str, str] = {}
    passed_at: dict[int, tuple[str, str]] = {}  # decision id -> (county, month) of an approval found 符合

    def inside(month: str) -> bool:
        return (period_from is None or month >= period_from) and (period_to is None or month <= period_to)

    def cell(row: CaseRow | LoanRow | CheckRow, month: str) -> Cell:
        key = (row.county_code, month)
        found = cells.get(key)
        if found is None:
            found = cells[key] = Cell(row.county_code, row.county_name, month)
            names.setdefault(row.county_code, row.county_name)
        return found

    for row in cases:
        if county and row.county_code != county:
            continue
        applied = month_of(row.applied_on)
        if applied is not None and inside(applied):
            cell(row, applied).applications += 1
        approved = month_of(row.approved_at)
        if (row.status in APPROVED_STATUSES and row.decision_id is not None and approved is not None
                and inside(approved)):
            target = cell(row, approved)
            target.approvals += 1
            if row.result == "pass":
                target.passed += 1
                target.workers += row.counted
                passed_at[row.decision_id] = (row.county_code, approved)
            else:
                target.failed += 1

    for loan in loans:
        started = month_of(loan.start_date)
        if (county and loan.county_code != county) or started is None or not inside(started):
            continue
        target = cell(loan, started)
        target.loans += 1
        target.loan_amount += loan.amount_wan
    for check in checks:
        checked = month_of(check.check_date)
        if ((county and check.county_code != county) or checked is None or not inside(checked)
                or check.verdict not in VERDICTS):
            continue
        target = cell(check, checked)
        setattr(target, check.verdict, getattr(target, check.verdict) + 1)
        target.attention += int(check.verdict == "not_met" and check.confirmed)

    sources: dict[tuple[str, str, str], int] = {}
    for w in workers:
        where = passed_at.get(w.decision_id)
        if where is None or w.workers <= 0:
            continue
        target = cells[where]
        if w.group:
            target.verified[w.group] = target.verified.get(w.group, 0) + w.workers
        if w.claim:
            target.claimed[w.claim] = target.claimed.get(w.claim, 0) + w.workers
        key = (*where, w.source_code or "")
        sources[key] = sources.get(key, 0) + w.workers

    present = sorted({month for _, month in cells})
    first = period_from or (present[0] if present else "")
    last = period_to or (present[-1] if present else "")
    months = months_between(first, last) if first and last else ()
    return Summary(
        period_from=first, period_to=last, months=months,
        counties=tuple(sorted(names.items())),
        cells=tuple(cells[k] for k in sorted(cells)),
        sources=tuple(SourceCell(c, m, s, n) for (c, m, s), n in sorted(sources.items())),
    )


def loan_figures(c: Cell) -> list[object]:
    """A cell's loans and checks, in the order of :data:`LOAN_COLUMNS`."""
    return [c.loans, c.loan_amount, c.checks, c.met, c.at_risk, c.not_met, c.attention]


def group_headers() -> list[tuple[str, str, str]]:
    """(group value, "<label>（核实）", "<label>（申报）") for each priority group, in the policy's order."""
    return [(g.value, g.label + VERIFIED_SUFFIX, g.label + CLAIMED_SUFFIX) for g in GROUPS]


def table_rows(summary: Summary, *, with_total: bool = True) -> list[list[object]]:
    """The table every output shows: one row per county and month, then 合计; the columns are
    :data:`COLUMNS`, the groups' verified and claimed figures (:func:`group_headers`), then
    :data:`LOAN_COLUMNS`."""
    rows: list[list[object]] = []
    cells: Sequence[Cell] = summary.cells
    for c in cells:
        rows.append(cell_row(f"{c.county_name}（{c.county_code}）", c.month, c))
    if with_total:
        span = f"{summary.period_from}～{summary.period_to}" if summary.months else ""
        rows.append(cell_row(TOTAL_LABEL, span, summary.total()))
    return rows


def cell_row(county: str, month: str, c: Cell) -> list[object]:
    """One row of the table (see :func:`table_rows`)."""
    row: list[object] = [county, month, c.applications, c.approvals, c.passed, c.failed, c.workers,
                         c.priority_verified, c.priority_claimed]
    for g in GROUPS:
        row += [c.verified.get(g.value, 0), c.claimed.get(g.value, 0)]
    return row + loan_figures(c)
