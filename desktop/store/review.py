"""What the review screen lists: an enterprise's applications, and who recorded a decision (SQL only here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.store.store import Store


@dataclass(frozen=True)
class ApplicationSummary:
    """One loan application as a picker shows it."""

    id: int
    enterprise_id: int
    version: int
    status: str
    loan_type: str
    amount_wan: float | None
    applied_on: str | None
    review_date: str | None
    decisions: int  # how many decisions are recorded for it
    latest_result: str | None  # the final result of the newest decision


def applications_of(store: Store, enterprise_id: int) -> list[ApplicationSummary]:
    """The enterprise's applications, newest first (withdrawn ones too: their history stays readable)."""
    rows = store.conn.execute(
        "SELECT a.id, a.enterprise_id, a.version, a.status, a.loan_type, a.amount_wan, a.applied_on,"
        " a.review_date,"
        " (SELECT count(*) FROM decisions d WHERE d.application_id = a.id),"
        " (SELECT d.final_result FROM decisions d WHERE d.application_id = a.id ORDER BY d.id DESC LIMIT 1)"
        " FROM applications a WHERE a.enterprise_id = ? ORDER BY a.id DESC",
        (enterprise_id,),
    )
    return [
        ApplicationSummary(
            id=int(r[0]), enterprise_id=int(r[1]), version=int(r[2]), status=str(r[3]), loan_type=str(r[4]),
            amount_wan=float(r[5]) if r[5] is not None else None, applied_on=r[6], review_date=r[7],
            decisions=int(r[8]), latest_result=r[9],
        )
        for r in rows
    ]


def user_names(store: Store, user_ids: Iterable[int]) -> dict[int, str]:
    """Display names (else user names) of the given users."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = store.conn.execute(
        f"SELECT id, display_name, username FROM users WHERE id IN ({marks})", ids
    )
    return {int(r[0]): str(r[1] or r[2]) for r in rows}
