"""Reading what the eligibility engine needs, and keeping its decisions (SQL only here).

Functions take a :class:`~desktop.store.Store`; writes run inside the
caller's transaction (the service adds the audit entry in the same one).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from desktop.core.decision import Decision
from desktop.core.decision import OtherClaim, WorkerFacts
from desktop.core.eligibility_claims import ClaimRow
from desktop.core.enterprise import Enterprise
from desktop.core.workers import ContractType, PriorityGroup
from desktop.store import db
from desktop.store.errors import StoreError
from desktop.store.store import Store

_CHUNK = 900  # SQLite's limit on bound variables is 999


@dataclass(frozen=True)
class ApplicationRecord:
    id: int
    version: int
    status: str
    enterprise: Enterprise
    review_date: date | None
    evidence_contracts: bool
    evidence_wages: bool


@dataclass(frozen=True)
class StoredDecision:
    id: int
    application_id: int
    created_by: int | None
    created_at: str
    decision: Decision


def _application(store: Store, row: sqlite3.Row) -> ApplicationRecord:
    return ApplicationRecord(
        id=int(row["id"]), version=int(row["version"]), status=str(row["status"]),
        enterprise=store.enterprise(int(row["enterprise_id"])),
        review_date=date.fromisoformat(row["review_date"]) if row["review_date"] else None,
        evidence_contracts=bool(row["evidence_contracts"]), evidence_wages=bool(row["evidence_wages"]),
    )


_APPLICATION_COLUMNS = "id, version, status, enterprise_id, review_date, evidence_contracts, evidence_wages"


def application(store: Store, application_id: int) -> ApplicationRecord:
    row = store.conn.execute(
        f"SELECT {_APPLICATION_COLUMNS} FROM applications WHERE id = ?", (application_id,)
    ).fetchone()
    if row is None:
        raise StoreError("not_found", what="贷款申请", value=application_id)
    return _application(store, row)


def latest_application(store: Store, enterprise_id: int) -> ApplicationRecord | None:
    """The enterprise's newest application that is not withdrawn, if any."""
    row = store.conn.execute(
        f"SELECT {_APPLICATION_COLUMNS} FROM applications WHERE enterprise_id = ? AND status <> 'withdrawn'"
        " ORDER BY id DESC LIMIT 1",
        (enterprise_id,),
    ).fetchone()
    return _application(store, row) if row else None


_ROSTER_SQL = (
    "SELECT m.enterprise_id, m.id, p.id_number, p.name, m.hukou_text, m.hukou_code, m.contract_type,"
    " m.contract_start, m.contract_end, m.paid_months, m.priority_group, m.monthly_wage, m.priority_claim, m.social_insurance,"
    " m.hukou_check"
    " FROM employments m JOIN persons p ON p.id = m.person_id"
)


# A roster of a million rows repeats the same few thousand days, places and paid-month lists: each
# is made once and shared (dates, strings and tuples do not change), not held a million times.
@lru_cache(maxsize=8192)
def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=8192)
def _paid_months(text: str) -> tuple[str, ...]:
    return tuple(sys.intern(str(m)) for m in json.loads(text))


_CONTRACT_TYPES = {t.value: t for t in ContractType}  # a look-up, not an Enum call, a million times
_GROUPS = {g.value: g for g in PriorityGroup}


def _worker(row: tuple[Any, ...]) -> WorkerFacts:
    _, ref, number, name, hukou_text, hukou_code, kind, start, end, paid, group, wage, claim, insured, checked = row
    return WorkerFacts(
        id_number=str(number), name=str(name),
        hukou_code=sys.intern(str(hukou_code)) if hukou_code else None,
        contract_type=_CONTRACT_TYPES[kind], contract_start=_day(start),
        contract_end=_day(end), hukou_text=sys.intern(str(hukou_text)),
        paid_months=_paid_months(paid) if paid is not None else None,
        priority_group=_GROUPS[group] if group else None,
        priority_claim=_GROUPS[claim] if claim else None,
        social_insurance=None if insured is None else bool(insured),
        hukou_check=str(checked) if checked else None,
        monthly_wage=float(wage) if wage is not None else None,
        ref=int(ref),
    )


_ROSTER_ORDER = " ORDER BY m.enterprise_id, m.source_row IS NULL, m.source_row, m.id"
_BLOCK = 5000  # rows fetched at a time when a roster is read in passes


def roster_ids(store: Store, enterprise_id: int) -> Iterator[tuple[int, str]]:
    """(employment id, ID number) of the enterprise's active employments, in roster order, a block at a time."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    cursor.execute("SELECT m.id, p.id_number FROM employments m JOIN persons p ON p.id = m.person_id"
                   " WHERE m.active = 1 AND m.enterprise_id = ?" + _ROSTER_ORDER, (enterprise_id,))
    while block := cursor.fetchmany(_BLOCK):
        yield from block


def roster_rows(store: Store, enterprise_id: int) -> Iterator[WorkerFacts]:
    """:func:`roster` a block at a time (a million rows are read, never held)."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    cursor.execute(f"{_ROSTER_SQL} WHERE m.active = 1 AND m.enterprise_id = ?" + _ROSTER_ORDER, (enterprise_id,))
    while block := cursor.fetchmany(_BLOCK):
        yield from map(_worker, block)


def roster_rows_by_ref(store: Store, refs: Sequence[int]) -> list[WorkerFacts]:
    """The roster rows of these employments (any order)."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    found: list[WorkerFacts] = []
    for start in range(0, len(refs), _CHUNK):
        chunk = refs[start:start + _CHUNK]
        cursor.execute(f"{_ROSTER_SQL} WHERE m.id IN ({', '.join('?' for _ in chunk)})", chunk)
        found.extend(map(_worker, cursor.fetchall()))
    return found


@contextmanager
def reading(store: Store) -> Iterator[int]:
    """One view of the file for several reads (a roster read in passes), other writers not held up;
    gives the file's data version, which changes when another connection commits (PRAGMA data_version)."""
    conn = store.conn
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT 1 FROM employments LIMIT 1").fetchall()  # the view starts with the first read
        yield int(conn.execute("PRAGMA data_version").fetchone()[0])
    finally:
        conn.execute("COMMIT")


def roster(store: Store, enterprise_id: int) -> list[WorkerFacts]:
    """The enterprise's active employments joined to their persons, in roster order."""
    return rosters(store, [enterprise_id])[enterprise_id]


def rosters(store: Store, enterprise_ids: Iterable[int]) -> dict[int, list[WorkerFacts]]:
    """Several enterprises' rosters at once (the batch and the benchmark)."""
    ids = list(dict.fromkeys(enterprise_ids))
    found: dict[int, list[WorkerFacts]] = {i: [] for i in ids}
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None  # plain tuples: 200,000 rows load markedly faster
    try:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            rows = conn.execute(
                f"{_ROSTER_SQL} WHERE m.active = 1 AND m.enterprise_id IN ({marks})" + _ROSTER_ORDER,
                chunk,
            )
            for row in rows:
                found[int(row[0])].append(_worker(row))
    finally:
        conn.row_factory = factory
    return found


def other_claims(store: Store, enterprise_id: int) -> list[ClaimRow]:
    """Other enterprises' active rows (any office in the file) for the persons this one employs."""
    return other_claims_many(store, [enterprise_id])[enterprise_id]


def other_claims_many(store: Store, enterprise_ids: Iterable[int]) -> dict[int, list[ClaimRow]]:
    """:func:`other_claims` of several enterprises at once."""
    ids = list(dict.fromkeys(enterprise_ids))
    found: dict[int, list[ClaimRow]] = {i: [] for i in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        rows = store.conn.execute(
            "SELECT m.enterprise_id, p.id_number, e.name, e.uscc, o.name, m2.contract_type, m2.contract_start,"
            " m2.contract_end"
            " FROM employments m"
            " JOIN employments m2 ON m2.person_id = m.person_id AND m2.enterprise_id <> m.enterprise_id"
            "  AND m2.active = 1"
            " JOIN enterprises e ON e.id = m2.enterprise_id"
            " JOIN offices o ON o.id = e.office_id"
            " JOIN persons p ON p.id = m.person_id"
            f" WHERE m.active = 1 AND m.enterprise_id IN ({marks})"
            " ORDER BY m.enterprise_id, m2.enterprise_id, m2.id",
            chunk,
        )
        for r in rows:
            found[int(r[0])].append(ClaimRow(str(r[1]), OtherClaim(
                enterprise_name=str(r[2]), uscc=str(r[3]), office_name=str(r[4]),
                contract_type=ContractType(r[5]), contract_start=_day(r[6]), contract_end=_day(r[7]),
            )))
    return found


# -- decisions ----------------------------------------------------------------


def insert_decision(
    store: Store, decision: Decision, *, application_id: int, application_version: int,
    created_by: int | None,
) -> int:
    """Keep a decision (with its whole explanation as JSON); call inside a transaction."""
    override = decision.override
    payload = json.dumps(decision.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    cur = store.conn.execute(
        "INSERT INTO decisions (application_id, application_version, review_date, ruleset_version, standard,"
        " qualifying_count, staff_total, computed_result, final_result, override_reason, override_by, payload,"
        " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            application_id, application_version, decision.review_date.isoformat(), decision.ruleset_version,
            decision.standard.kind.value, decision.qualifying_count, decision.staff_total,
            decision.computed_result.value, decision.final_result.value,
            override.reason if override else "", override.by_user_id if override else None,
            payload, created_by, db.now_iso(),
        ),
    )
    return int(cur.lastrowid or 0)


_DECISION_COLUMNS = "id, application_id, created_by, created_at, payload"


def _stored(row: sqlite3.Row) -> StoredDecision:
    return StoredDecision(
        id=int(row["id"]), application_id=int(row["application_id"]),
        created_by=int(row["created_by"]) if row["created_by"] is not None else None,
        created_at=str(row["created_at"]), decision=Decision.from_dict(json.loads(row["payload"])),
    )


def decision(store: Store, decision_id: int) -> StoredDecision:
    row = store.conn.execute(
        f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE id = ?", (decision_id,)
    ).fetchone()
    if row is None:
        raise StoreError("not_found", what="认定结果", value=decision_id)
    return _stored(row)


def decisions(store: Store, application_id: int) -> list[StoredDecision]:
    """Every decision of the application, oldest first."""
    rows = store.conn.execute(
        f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE application_id = ? ORDER BY id", (application_id,)
    )
    return [_stored(r) for r in rows]


def latest_decision(store: Store, application_id: int) -> StoredDecision | None:
    row = store.conn.execute(
        f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE application_id = ? ORDER BY id DESC LIMIT 1",
        (application_id,),
    ).fetchone()
    return _stored(row) if row else None


def decision_payload(store: Store, decision_id: int) -> str:
    """The JSON exactly as stored (to show that an old decision is never rewritten)."""
    row = store.conn.execute("SELECT payload FROM decisions WHERE id = ?", (decision_id,)).fetchone()
    if row is None:
        raise StoreError("not_found", what="认定结果", value=decision_id)
    return str(row[0])
