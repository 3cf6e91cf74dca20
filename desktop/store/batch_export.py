"""What a county's batch carries, read from its database (SQL only here).

The approved applications not yet sent, and the rows a batch carries in the column order of
:data:`desktop.core.batch.TABLE_COLUMNS`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.batch import (
    APPLICATIONS, CHECKS, CONFIRMATIONS, DECISIONS, ENTERPRISES, LETTERS, LOANS, TABLE_COLUMNS, USERS, WORKERS,
)
from desktop.store.batch_tracking import TrackingRows
from desktop.store.batches import plain_rows
from desktop.store.store import Store

EXPORTABLE_STATUSES = ("approved", "issued")


# --------------------------------------------------------------------------
# County: what can be sent


@dataclass(frozen=True)
class ExportCandidate:
    application_id: int
    enterprise_id: int
    enterprise_name: str
    uscc: str
    status: str
    version: int
    decision_id: int | None  # the latest decision of the application's version
    final_result: str | None
    qualifying_count: int | None
    sent_in: tuple[str, ...]  # file names of outgoing batches already carrying it
    received: bool  # one of those batches was confirmed by a receipt
    changed: bool = False  # sent, and changed since (a letter voided or issued, approved again)


def export_candidates(store: Store, office_id: int, *, include_unreceived: bool = False) -> list[ExportCandidate]:
    """Approved applications of the office never sent, those changed since the newest batch that carried
    them, and, if asked, those sent in batches not yet received.

    Changed: its row was written after that batch's (a letter voided or issued, a case reopened and
    approved again: each moves its status), read from ``row_log``'s order (desktop.store.seals) rather
    than clocks. The province updates what it holds from the later batch (docs/province.md)."""
    rows = store.conn.execute(
        "SELECT a.id, a.enterprise_id, e.name, e.uscc, a.status, a.version, d.id AS decision_id, d.final_result,"
        " d.qualifying_count"
        " FROM applications a JOIN enterprises e ON e.id = a.enterprise_id"
        " LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2 WHERE d2.application_id = a.id"
        "  AND d2.application_version = a.version)"
        f" WHERE e.office_id = ? AND a.status IN ({', '.join('?' for _ in EXPORTABLE_STATUSES)})"
        " ORDER BY e.name_key, a.id",
        (office_id, *EXPORTABLE_STATUSES),
    ).fetchall()
    sent: dict[int, list[tuple[str, str]]] = {}
    newest: dict[int, int] = {}  # application id -> the newest batch carrying it
    for r in store.conn.execute(
        "SELECT bi.application_id, b.file_name, b.status, b.id FROM batch_items bi JOIN batches b ON b.id = bi.batch_id"
        " WHERE b.direction = 'outgoing' AND b.office_id = ? ORDER BY b.seq", (office_id,)
    ):
        sent.setdefault(int(r[0]), []).append((str(r[1]), str(r[2])))
        newest[int(r[0])] = int(r[3])
    found: list[ExportCandidate] = []
    marks: dict[int, int | None] = {}
    for r in rows:
        batches = sent.get(int(r["id"]), [])
        received = any(status == "received" for _, status in batches)
        changed = bool(batches) and _changed_since(store, int(r["id"]), newest[int(r["id"])], marks)
        if batches and not changed and (received or not include_unreceived):
            continue
        found.append(ExportCandidate(
            application_id=int(r["id"]), enterprise_id=int(r["enterprise_id"]), enterprise_name=str(r["name"]),
            uscc=str(r["uscc"]), status=str(r["status"]), version=int(r["version"]),
            decision_id=int(r["decision_id"]) if r["decision_id"] is not None else None,
            final_result=r["final_result"], qualifying_count=r["qualifying_count"],
            sent_in=tuple(name for name, _ in batches), received=received, changed=changed,
        ))
    return found


def _changed_since(store: Store, application_id: int, batch_id: int, marks: dict[int, int | None]) -> bool:
    """Whether the application's row was written after the batch's row was first (None: a batch
    that was never logged, from before the rows were sealed: taken as unchanged)."""
    if batch_id not in marks:
        marks[batch_id] = store.conn.execute(
            "SELECT min(id) FROM row_log WHERE tbl = 'batches' AND rid = ?", (batch_id,)).fetchone()[0]
    mark = marks[batch_id]
    if mark is None:
        return False
    return store.conn.execute(
        "SELECT 1 FROM row_log WHERE tbl = 'applications' AND rid = ? AND id > ? LIMIT 1",
        (application_id, mark)).fetchone() is not None


@dataclass
class ExportRows:
    """The rows of one batch, keyed by data file name, each a tuple in the format's column order."""

    tables: dict[str, list[tuple[Any, ...]]]
    ruleset_versions: list[str]


def export_rows(store: Store, application_ids: Sequence[int], letter_rows: Sequence[tuple[Any, ...]] = (),
                tracking: TrackingRows | None = None) -> ExportRows:
    """Applications with their enterprises, decisions (the latest of each application's version,
    and those its letters were issued on), the workers they count and the people named.

    ``letter_rows`` (in the LETTERS column order) and ``tracking`` (the loans and
    checks to send) are given by the caller, so that the user ids they name are
    exported too.
    """
    ids = list(dict.fromkeys(application_ids))
    applications = plain_rows(store, (
        "SELECT id, enterprise_id, loan_type, amount_wan, applied_on, review_date, status, version,"
        " evidence_contracts, evidence_wages, form_data, prepared_by, approved_by, return_reason, submitted_at,"
        " approved_at, approved_decision_id, created_at, updated_at FROM applications WHERE id IN ({marks})"
        " ORDER BY id"), ids)
    approved = [int(a[16]) for a in applications if a[16] is not None]
    enterprise_ids = sorted({int(a[1]) for a in applications})
    enterprises = plain_rows(store, (
        "SELECT id, uscc, name, county_code, industry, staff_total, revenue_wan, assets_wan, size_override,"
        " size_reason, contact_name, contact_phone, address, created_at, updated_at FROM enterprises"
        " WHERE id IN ({marks}) ORDER BY id"), enterprise_ids)
    latest = [int(r[0]) for r in plain_rows(store, (
        "SELECT max(d.id) FROM decisions d JOIN applications a ON a.id = d.application_id"
        " WHERE d.application_id IN ({marks}) AND d.application_version = a.version GROUP BY d.application_id"), ids)]
    letter_columns = TABLE_COLUMNS[LETTERS]
    on_letters = [int(r[letter_columns.index("decision_ref")]) for r in letter_rows]
    decisions = plain_rows(store, (
        "SELECT id, application_id, application_version, review_date, ruleset_version, standard, qualifying_count,"
        " staff_total, computed_result, final_result, override_reason, override_by, created_by, created_at, payload"
        " FROM decisions WHERE id IN ({marks}) ORDER BY id"), sorted(set(latest) | set(on_letters) | set(approved)))
    counted: set[int] = set()
    for decision in decisions:
        for worker in json.loads(decision[-1])["workers"]:
            if worker["counted"] and worker["ref"] is not None:
                counted.add(int(worker["ref"]))
    workers = plain_rows(store, (
        "SELECT m.enterprise_id, p.id_number, p.name, p.sex, p.birth_date, m.hukou_text, m.hukou_code,"
        " m.contract_type, m.contract_start, m.contract_end, m.hire_date, m.job, m.monthly_wage, m.paid_months,"
        " m.social_insurance, m.phone, m.priority_group, m.priority_evidence, m.active, m.source_row,"
        " m.created_at, m.updated_at, m.priority_claim, m.hukou_check"
        " FROM employments m JOIN persons p ON p.id = m.person_id"
        " WHERE m.id IN ({marks}) ORDER BY m.enterprise_id, m.source_row IS NULL, m.source_row, m.id"),
        sorted(counted))
    user_ids: set[int] = set()
    for row in applications:
        user_ids.update(u for u in (row[11], row[12]) if u is not None)
    for row in decisions:
        user_ids.update(u for u in (row[11], row[12]) if u is not None)
    for row in letter_rows:
        for column in ("issued_by_ref", "voided_by_ref"):
            value = row[letter_columns.index(column)]
            if value is not None:
                user_ids.add(int(value))
    if tracking is not None:
        user_ids |= tracking.user_ids
    users = plain_rows(store, "SELECT id, username, display_name, role FROM users WHERE id IN ({marks}) ORDER BY id",
                        sorted(user_ids))
    versions = sorted({str(d[4]) for d in decisions})
    return ExportRows({
        ENTERPRISES: enterprises, USERS: users, APPLICATIONS: applications, DECISIONS: decisions,
        WORKERS: workers, LETTERS: list(letter_rows),
        LOANS: list(tracking.loans) if tracking else [], CHECKS: list(tracking.checks) if tracking else [],
        CONFIRMATIONS: list(tracking.answers) if tracking else [],
    }, versions)


def letter_rows(store: Store, application_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The letters of these applications (voided ones too: the province should know), oldest first."""
    rows = store.conn.execute(
        "SELECT * FROM letters WHERE application_id IN ({}) ORDER BY id".format(
            ", ".join("?" for _ in application_ids) or "NULL"), list(application_ids),
    )
    return [dict(r) for r in rows]
