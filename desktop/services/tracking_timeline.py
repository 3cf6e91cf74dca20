"""The 跟踪 page's chart (issue 14, 4): for one loan, month by month, the workers counted against the number
required.

Each month of the loan up to the date (at most its end) is one point. A month with a list is re-verified
at its last day (the date, for the date's own month) with the lists up to it, by the same
:func:`desktop.core.tracking.reverify` as a check: the workers counted then, how many of them had been
employed the minimum continuous span (``continuous_min_months``), the fewest workers that meet the
standard at that month's staff total (:func:`desktop.services.tracking.workers_required`) and the
result, and how many of those workers had their insurance paid that month. A month without a list is
a gap (no evidence, continuity breaks there). Nothing is saved.

:func:`worker_months` gives each worker's months employed (on a list) and insured (paid, by a
social-insurance payment list — every month it covers — or 参加社会保险 on a roster list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.core.eligibility_rows import add_months
from desktop.core.tracking import Verdict, month_end, month_of
from desktop.services.loans import tracking_rules
from desktop.services.tracking import loan_basis, reverify_basis, reverify_loan, workers_required
from desktop.services.workspace import Workspace
from desktop.store import tracking as tracking_store
from desktop.store.loans import LoanRow


@dataclass(frozen=True)
class TimelineMonth:
    month: date  # its first day
    has_list: bool
    counted: int = 0  # workers counted (still employed from the approval, and new paired-area workers)
    established: int = 0  # of them, employed at least the minimum continuous span
    required: int = 0  # the fewest workers meeting the standard at this month's staff total
    staff_total: int = 0
    verdict: Verdict | None = None
    insured: int = 0  # of the workers counted, those whose insurance was paid this month
    in_progress: bool = False  # the month of the date: its list comes once it is over (no list is no break yet)


@dataclass(frozen=True)
class WorkerMonths:
    id_number: str
    name: str
    employed: tuple[str, ...]  # YYYY-MM, on a list
    insured: tuple[str, ...]  # YYYY-MM, insurance paid


def insured_by_month(ws: Workspace, enterprise_id: int) -> dict[str, set[str]]:
    """YYYY-MM -> the ID numbers insured that month: every month a payment list pays for, and the
    roster lists' workers marked 参加社会保险 in their month."""
    stored = tracking_store.current_lists(ws.store, enterprise_id)
    found: dict[str, set[str]] = {}
    for number, months in tracking_store.insured_months(ws.store, [s.id for s in stored]).items():
        for month in months:
            found.setdefault(month, set()).add(number)
    rows = tracking_store.list_rows(ws.store, [s.id for s in stored if s.kind == "roster"])
    for s in stored:
        found.setdefault(s.period, set()).update(r.id_number for r in rows.get(s.id, []) if r.social_insurance)
    return found


def worker_months(ws: Workspace, loan: LoanRow, on: date) -> list[WorkerMonths]:
    """Every worker on the loan's lists up to ``on`` (the counted ones first), with months employed and insured."""
    basis = loan_basis(ws, loan, on)
    since = month_of(date.fromisoformat(loan.start_date))
    lists = [m for m in basis.lists if m.month >= since]
    insured = insured_by_month(ws, loan.enterprise_id)
    last = f"{month_of(on):%Y-%m}"
    names = {w.id_number: w.name for w in basis.counted}
    for m in lists:
        for number, listed in m.workers.items():
            names.setdefault(number, listed.name)
    found = []
    for number, name in names.items():
        employed = tuple(f"{m.month:%Y-%m}" for m in lists if number in m.workers)
        paid = tuple(sorted(k for k, ids in insured.items() if number in ids and f"{since:%Y-%m}" <= k <= last))
        found.append(WorkerMonths(number, name, employed, paid))
    return found


def timeline(ws: Workspace, loan: LoanRow, on: date) -> list[TimelineMonth]:
    """The loan's months from its start to ``on`` (at most its end), oldest first."""
    start = month_of(date.fromisoformat(loan.start_date))
    last = min(month_of(on), month_of(date.fromisoformat(loan.end_date)))
    if last < start:
        return []
    basis = loan_basis(ws, loan, min(on, date.fromisoformat(loan.end_date)))
    have = {m.month for m in basis.lists}
    insured = insured_by_month(ws, loan.enterprise_id)
    found: list[TimelineMonth] = []
    month = start
    while month <= last:
        if month not in have:
            found.append(TimelineMonth(month, False, in_progress=month == month_of(on)))
        else:
            result = reverify_basis(basis, loan, min(month_end(month), on))
            standard = result.standard
            now = (*result.still_employed, *result.new_paired)
            established = sum(1 for n in now if result.spans[n].reaches)
            paid = insured.get(f"{month:%Y-%m}", set())
            found.append(TimelineMonth(
                month, True, counted=result.qualifying, established=established,
                required=workers_required(standard.count_required, standard.share_required, result.staff_total),
                staff_total=result.staff_total, verdict=result.verdict, insured=sum(1 for n in now if n in paid)))
        month = add_months(month, 1)[0]
    return found


@dataclass(frozen=True)
class WorkerRow:
    """One worker of the 人员时间线: their months and the rule's continuous span (:func:`reverify`)."""

    months: WorkerMonths
    span: str  # e.g. 3个月0天; "" when not on a list up to the date, or not counting
    reaches: bool  # the span reaches ``continuous_min_months``
    counts: bool = True  # counted at approval or a paired-area worker: False, no span is reckoned


@dataclass(frozen=True)
class WorkerTimeline:
    months: tuple[str, ...]  # YYYY-MM, the loan's months from its start to the date (at most its end)
    listed: frozenset[str]  # of them, the months with a list
    workers: tuple[WorkerRow, ...]
    minimum: int  # continuous_min_months
    in_progress: str = ""  # YYYY-MM: the month of the date (its list comes once it is over), when it is in the loan


def worker_timeline(ws: Workspace, loan: LoanRow, on: date) -> WorkerTimeline:
    """Each worker's months employed and insured (:func:`worker_months`) with the continuous span a check at
    ``on`` finds (:func:`desktop.services.tracking.reverify_loan`), for the 跟踪 page's 人员时间线."""
    start = month_of(date.fromisoformat(loan.start_date))
    current = f"{month_of(on):%Y-%m}"
    on = min(on, date.fromisoformat(loan.end_date))
    months: list[str] = []
    month = start
    while month <= month_of(on):
        months.append(f"{month:%Y-%m}")
        month = add_months(month, 1)[0]
    minimum = tracking_rules(ws).continuous_min_months
    found = worker_months(ws, loan, on) if months else []
    listed = frozenset(m for w in found for m in w.employed)
    spans = reverify_loan(ws, loan, on).spans if listed else {}
    rows = []
    for w in found:
        span = spans.get(w.id_number)
        rows.append(WorkerRow(w, span.text if span else "", bool(span and span.reaches), span is not None))
    return WorkerTimeline(tuple(months), listed, tuple(rows), minimum, current if current in months else "")
