"""What the 确认书 page lists: approved cases waiting for a letter, and the letters of a year.

Read-only; the steps themselves are in :mod:`desktop.services.letters`.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.review import Status
from desktop.services.errors import ServiceError
from desktop.services.letters import content_of
from desktop.services.workspace import Workspace
from desktop.store import letters as store_letters
from desktop.store import reviews as store_reviews


@dataclass(frozen=True)
class Waiting:
    """An approved application without a letter in force."""

    application_id: int
    enterprise_name: str
    uscc: str
    version: int
    approved_at: str


@dataclass(frozen=True)
class IssuedLetter:
    id: int
    application_id: int
    number: str
    enterprise_name: str  # from the letter's own content ("" when it fails its digest)
    issued_at: str
    voided: bool
    void_reason: str
    print_count: int
    verification_code: str
    content_ok: bool
    issued_on: str = ""  # the date the letter bears, YYYY-MM-DD (it may precede issued_at, when it was recorded)


def awaiting_letter(ws: Workspace) -> list[Waiting]:
    found = []
    for row in store_reviews.cases_in_status(ws.store, ws.office.id, (Status.APPROVED.value,)):
        enterprise = ws.store.enterprise(row.enterprise_id)
        found.append(Waiting(row.id, enterprise.name, enterprise.uscc, row.version, row.approved_at or ""))
    return found


def letters_of_year(ws: Workspace, year: int) -> list[IssuedLetter]:
    found = []
    for letter in store_letters.of_year(ws.store, ws.office.id, year):
        try:
            content = content_of(letter)
            name, ok, dated = content.enterprise_name, True, content.issued_on.isoformat()
        except ServiceError:
            name, ok, dated = "", False, ""
        found.append(IssuedLetter(
            letter.id, letter.application_id, letter.number, name, letter.issued_at, letter.voided,
            letter.void_reason, letter.print_count, letter.verification_code, ok, dated,
        ))
    return found


def letter_years(ws: Workspace, around: int) -> list[int]:
    """Years with letters (newest first), always including ``around`` (this year)."""
    years = {around}
    for year in range(around - 10, around + 2):
        if year != around and store_letters.of_year(ws.store, ws.office.id, year):
            years.add(year)
    return sorted(years, reverse=True)
