"""Other enterprises' rows for the same person in an overlapping contract period (DOMAIN.md 3.2).

A worker so listed is not counted by :func:`~desktop.core.eligibility.decide`
until the clerk chooses (count here / exclude here); the store finds the
candidate rows, these functions keep the overlapping ones and attach them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from desktop.core.decision import DuplicateChoice, OtherClaim, WorkerFacts

__all__ = ["ClaimRow", "claims_attacher", "with_other_claims"]


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """Another enterprise's roster row for a person (what the store finds)."""

    id_number: str
    claim: OtherClaim


def _overlap(a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None) -> bool:
    # An unknown start is read as "always", an unknown or open end as "never ends".
    return (a_start or date.min) <= (b_end or date.max) and (b_start or date.min) <= (a_end or date.max)


def with_other_claims(
    workers: Sequence[WorkerFacts],
    candidates: Iterable[ClaimRow],
    choices: Mapping[str, DuplicateChoice] | None = None,
) -> list[WorkerFacts]:
    """The workers with the other enterprises' overlapping claims and the clerk's choices attached.

    ``candidates`` are other enterprises' rows for the same ID numbers (any
    contract period); only those whose contract period overlaps the worker's
    are kept. ``choices`` maps an ID number to the clerk's choice; a choice for
    a worker without a claim is dropped.
    """
    return list(map(claims_attacher(candidates, choices), workers))


def claims_attacher(
    candidates: Iterable[ClaimRow], choices: Mapping[str, DuplicateChoice] | None = None,
) -> Callable[[WorkerFacts], WorkerFacts]:
    """:func:`with_other_claims` one worker at a time (a roster read in blocks)."""
    by_id: dict[str, list[OtherClaim]] = {}
    for row in candidates:
        by_id.setdefault(row.id_number, []).append(row.claim)
    chosen = choices or {}

    def attach(worker: WorkerFacts) -> WorkerFacts:
        listed = by_id.get(worker.id_number)
        found = () if listed is None else tuple(
            claim for claim in listed
            if _overlap(worker.contract_start, worker.contract_end, claim.contract_start, claim.contract_end)
        )
        choice = chosen.get(worker.id_number) if found else None
        if found or worker.other_claims or worker.duplicate_choice:
            worker = replace(worker, other_claims=found, duplicate_choice=choice)
        return worker

    return attach
