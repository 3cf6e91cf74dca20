"""The 跟踪 page's chart (issue 14, 4): for one loan, month by month, the workers counted against the number
required.

Each month of the loan up to the date (at most its end) is one point. A month with a list is re-verified
at its last day (the date, for the date's own month) with the lists up to it, by the same
:func:`desktop.core.tracking.reverify` as a check: the workers counted then, how many of them had been
employed the minimum continuous span (``continuous_min_months``), the fewest workers that meet the
standard at that month's staff total (:func:`desktop.services.tracking.workers_required`) and the
result. A month without a list is a gap (no evidence, continuity breaks there). Nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.core.eligibility import add_months
from desktop.core.tracking import Verdict, month_end, month_of
from desktop.services.tracking import loan_basis, reverify_basis, workers_required
from desktop.services.workspace import Workspace
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


def timeline(ws: Workspace, loan: LoanRow, on: date) -> list[TimelineMonth]:
    """The loan's months from its start to ``on`` (at most its end), oldest first."""
    start = month_of(date.fromisoformat(loan.start_date))
    last = min(month_of(on), month_of(date.fromisoformat(loan.end_date)))
    if last < start:
        return []
    basis = loan_basis(ws, loan, min(on, date.fromisoformat(loan.end_date)))
    have = {m.month for m in basis.lists}
    found: list[TimelineMonth] = []
    month = start
    while month <= last:
        if month not in have:
            found.append(TimelineMonth(month, False))
        else:
            result = reverify_basis(basis, loan, min(month_end(month), on))
            standard = result.standard
            established = sum(1 for n in (*result.still_employed, *result.new_paired) if result.spans[n].reaches)
            found.append(TimelineMonth(
                month, True, counted=result.qualifying, established=established,
                required=workers_required(standard.count_required, standard.share_required, result.staff_total),
                staff_total=result.staff_total, verdict=result.verdict))
        month = add_months(month, 1)[0]
    return found
