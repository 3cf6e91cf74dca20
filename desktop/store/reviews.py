"""The review workflow's rows: an application's status, evidence and form (SQL only here).

Writes run inside the caller's transaction (the service adds the audit entry
in the same one). :func:`change_status` updates only when the row is still in
the status and version the caller read, so two windows cannot both approve.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.store import db
from desktop.store.errors import STORE_MESSAGES, StoreError
from desktop.store.store import Store

STORE_MESSAGES.update({
    "changed_meanwhile": QT_TRANSLATE_NOOP("store", "{what}已被他人修改（现为“{status}”），请刷新后重试。"),
})


@dataclass(frozen=True)
class CaseRow:
    """One application as the workflow sees it."""

    id: int
    enterprise_id: int
    loan_type: str
    amount_wan: float | None
    applied_on: str | None
    review_date: str | None
    status: str
    version: int
    evidence_contracts: bool
    evidence_wages: bool
    form_data: str
    prepared_by: int | None
    approved_by: int | None
    approved_decision_id: int | None
    return_reason: str
    submitted_at: str | None
    approved_at: str | None
    created_at: str
    updated_at: str


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _case(row: sqlite3.Row) -> CaseRow:
    return CaseRow(
        id=int(row["id"]), enterprise_id=int(row["enterprise_id"]), loan_type=str(row["loan_type"]),
        amount_wan=float(row["amount_wan"]) if row["amount_wan"] is not None else None,
        applied_on=row["applied_on"], review_date=row["review_date"], status=str(row["status"]),
        version=int(row["version"]), evidence_contracts=bool(row["evidence_contracts"]),
        evidence_wages=bool(row["evidence_wages"]), form_data=str(row["form_data"]),
        prepared_by=_int(row["prepared_by"]), approved_by=_int(row["approved_by"]),
        approved_decision_id=_int(row["approved_decision_id"]), return_reason=str(row["return_reason"]),
        submitted_at=row["submitted_at"], approved_at=row["approved_at"], created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
    )


def case(store: Store, application_id: int) -> CaseRow:
    row = store.conn.execute("SELECT * FROM applications WHERE id = ?", (application_id,)).fetchone()
    if row is None:
        raise StoreError("not_found", what="贷款申请", value=application_id)
    return _case(row)


def current_case(store: Store, enterprise_id: int) -> CaseRow | None:
    """The enterprise's newest application that is not withdrawn."""
    row = store.conn.execute(
        "SELECT * FROM applications WHERE enterprise_id = ? AND status <> 'withdrawn' ORDER BY id DESC LIMIT 1",
        (enterprise_id,),
    ).fetchone()
    return _case(row) if row else None


def cases_in_status(store: Store, office_id: int, statuses: tuple[str, ...]) -> list[CaseRow]:
    """The office's applications in these statuses, oldest first."""
    marks = ", ".join("?" for _ in statuses)
    rows = store.conn.execute(
        f"SELECT a.* FROM applications a JOIN enterprises e ON e.id = a.enterprise_id"
        f" WHERE e.office_id = ? AND a.status IN ({marks}) ORDER BY a.id",
        (office_id, *statuses),
    )
    return [_case(r) for r in rows]


def newest_case(store: Store, office_id: int) -> CaseRow | None:
    """The office's most recently registered application, whatever its status."""
    row = store.conn.execute(
        "SELECT a.* FROM applications a JOIN enterprises e ON e.id = a.enterprise_id"
        " WHERE e.office_id = ? ORDER BY a.id DESC LIMIT 1", (office_id,)).fetchone()
    return None if row is None else _case(row)


def change_status(
    store: Store, application_id: int, *, expected_status: str, expected_version: int, status: str,
    **changes: object,
) -> None:
    """Move the case to ``status`` (and set ``changes``) if nobody moved it since it was read."""
    allowed = {"version", "prepared_by", "approved_by", "approved_decision_id", "return_reason", "submitted_at",
               "approved_at"}
    if set(changes) - allowed:
        raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
    assignments = "".join(f", {k} = ?" for k in changes)
    cur = store.conn.execute(
        f"UPDATE applications SET status = ?{assignments}, updated_at = ?"
        " WHERE id = ? AND status = ? AND version = ?",
        (status, *changes.values(), db.now_iso(), application_id, expected_status, expected_version),
    )
    if cur.rowcount != 1:
        now = case(store, application_id)
        raise StoreError("changed_meanwhile", what="贷款申请", status=now.status)


def set_evidence(store: Store, application_id: int, *, contracts: bool, wages: bool) -> None:
    store.conn.execute(
        "UPDATE applications SET evidence_contracts = ?, evidence_wages = ?, updated_at = ? WHERE id = ?",
        (int(contracts), int(wages), db.now_iso(), application_id),
    )


def set_form(store: Store, application_id: int, *, loan_type: str, form: dict[str, Any],
             amount_wan: float | None) -> None:
    store.conn.execute(
        "UPDATE applications SET loan_type = ?, form_data = ?, amount_wan = ?, updated_at = ? WHERE id = ?",
        (loan_type, json.dumps(form, ensure_ascii=False, sort_keys=True), amount_wan, db.now_iso(),
         application_id),
    )


def decision_for_version(store: Store, application_id: int, version: int) -> tuple[int, int] | None:
    """(decision id, pending choices) of the newest decision recorded for this version."""
    row = store.conn.execute(
        "SELECT id, json_extract(payload, '$.pending_choices') FROM decisions"
        " WHERE application_id = ? AND application_version = ? ORDER BY id DESC LIMIT 1",
        (application_id, version),
    ).fetchone()
    return (int(row[0]), int(row[1] or 0)) if row else None


def user_names(store: Store, user_ids: list[int | None]) -> dict[int, str]:
    """Display names (else user names) of these users."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = store.conn.execute(f"SELECT id, display_name, username FROM users WHERE id IN ({marks})", ids)
    return {int(r[0]): str(r[1] or r[2]) for r in rows}


def history(store: Store, application_id: int) -> list[dict[str, Any]]:
    """The audit entries of the case, oldest first."""
    rows = store.conn.execute(
        "SELECT id, at, username, action, detail FROM audit_log WHERE entity = 'application' AND entity_id = ?"
        " ORDER BY id", (str(application_id),),
    )
    return [{**dict(r), "detail": json.loads(r["detail"])} for r in rows]
