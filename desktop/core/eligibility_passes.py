""":func:`decide_in_passes`: the decision for a roster too large to hold, read in passes.

The same checks as :func:`~desktop.core.eligibility.decide` (its helpers are
shared), so the same decision and outcomes for the same rows.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from desktop.core.areas import AreaTable
from desktop.core.decision import Decision, WorkerFacts, WorkerOutcome
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, _conclude, _context
from desktop.core.eligibility_rows import _check_worker, _outcome, _Tally, person_key
from desktop.core.policy import RuleSet
from desktop.core.roster_repeats import duplicate_marks, repeated_rows

__all__ = ["HELD_ROWS", "RosterCheck", "RosterSource", "decide_in_passes"]


class RosterSource(Protocol):
    """A roster :func:`decide_in_passes` reads more than once, always in the same (roster) order."""

    def ids(self) -> Iterable[tuple[int, str]]:
        """(employment ref, ID number as stored) of every row."""

    def rows(self) -> Iterable[WorkerFacts]:
        """Every row, with the other enterprises' claims and the clerk's choices attached."""

    def rows_by_ref(self, refs: Sequence[int]) -> Iterable[WorkerFacts]:
        """Just these rows, in any order (their claims are not needed)."""


@dataclass(frozen=True)
class RosterCheck:
    """A decision whose workers are gone through once more when they are wanted, not held."""

    decision: Decision  # its ``workers`` empty unless it was made in memory
    listed: int  # the roster's rows
    again: Callable[[], Iterator[WorkerOutcome]]
    reread: bool = True  # going through the outcomes reads the roster again (else they are held)

    def outcomes(self) -> Iterator[WorkerOutcome]:
        """Every row's outcome, in roster order."""
        return self.again()

    @classmethod
    def held(cls, decision: Decision) -> RosterCheck:
        """A decision made in memory by :func:`decide`, gone through the same way."""
        return cls(decision, len(decision.workers), lambda: iter(decision.workers), reread=False)


# Rows whose outcomes the check in passes keeps rather than reads again: every real roster (a few
# hundred to a few thousand rows) is read and checked once; about 0.5 KB a row, 25 MB at most.
HELD_ROWS: Final = 50_000


def decide_in_passes(
    rules: RuleSet,
    enterprise: EnterpriseFacts,
    application: ApplicationFacts,
    roster: RosterSource,
    *,
    areas: AreaTable | None = None,
    hold_up_to: int | None = None,
) -> RosterCheck:
    """:func:`decide` for a roster too large to hold (a million rows), reading it in passes.

    First the ID numbers alone: the rows that name the same person, and those
    rows read again to see which one is kept. Then every row is checked and
    counted for the steps, and dropped. The outcomes are checked once more, a
    row at a time, when the caller goes through them. The same checks as
    :func:`decide`, so the same decision and outcomes for the same rows.
    A roster of at most ``hold_up_to`` rows (default :data:`HELD_ROWS`) keeps
    its outcomes from the counting pass instead, and is not read again.
    """
    ctx = _context(rules, enterprise, application.review_date, areas)
    refs = array("q")

    def numbers() -> Iterator[str]:
        for ref, number in roster.ids():
            refs.append(ref)
            yield number

    groups = repeated_rows(numbers(), lambda number: person_key(number, ctx.review), compact=True)
    wanted = sorted({refs[i] for rows in groups for i in rows})
    counts = {facts.ref: not _check_worker(facts, ctx)[3] for facts in roster.rows_by_ref(wanted)}
    marks = duplicate_marks(groups, lambda i: counts[refs[i]])
    listed = len(refs)
    del groups, counts

    def outcomes(tally: _Tally) -> Iterator[WorkerOutcome]:
        for index, facts in enumerate(roster.rows()):
            checked = _check_worker(facts, ctx)
            mark = marks.get(index)
            if mark is not None:
                checked[3].append(mark)
            yield _outcome(facts, checked, ctx, tally)

    tally = _Tally(repeats=len(marks))
    if listed <= (HELD_ROWS if hold_up_to is None else hold_up_to):
        kept = tuple(outcomes(tally))
        decision = _conclude(rules, enterprise, application, ctx, tally, listed, ())
        return RosterCheck(decision, listed, lambda: iter(kept), reread=False)
    deque(outcomes(tally), maxlen=0)
    decision = _conclude(rules, enterprise, application, ctx, tally, listed, ())
    return RosterCheck(decision, listed, lambda: outcomes(_Tally()))
