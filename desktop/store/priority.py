"""Priority-group marks on employments (SQL only here).

A mark is the group and the evidence reference the clerk saw (e.g. a
就业困难人员认定 number); it lives on the employment, beside what the roster
said, and a later import with an empty 重点群体 cell does not undo it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.store import db
from desktop.store.store import Store


@dataclass(frozen=True)
class PriorityMark:
    employment_id: int
    person_id: int
    group: str | None
    evidence: str
    active: bool
    claim: str | None = None  # the group the enterprise's roster claims


def marks(store: Store, enterprise_id: int, employment_ids: Sequence[int]) -> dict[int, PriorityMark]:
    """The current marks of these employments that belong to the enterprise (others are left out)."""
    found: dict[int, PriorityMark] = {}
    for row in store.conn.execute(
        "SELECT m.id, m.person_id, m.priority_group, m.priority_evidence, m.active, m.priority_claim"
        " FROM json_each(?) AS j JOIN employments m ON m.id = j.value WHERE m.enterprise_id = ?",
        (json.dumps([int(i) for i in employment_ids]), enterprise_id),
    ):
        found[int(row[0])] = PriorityMark(int(row[0]), int(row[1]), row[2], str(row[3] or ""), bool(row[4]), row[5])
    return found


def employments_of(store: Store, enterprise_id: int, id_numbers: Sequence[str]) -> dict[str, int]:
    """ID number -> employment id, for those of these people the enterprise has on file (one query)."""
    return {str(number): int(employment) for number, employment in store.conn.execute(
        "SELECT p.id_number, m.id FROM json_each(?) AS j JOIN persons p ON p.id_number = j.value"
        " JOIN employments m ON m.person_id = p.id AND m.enterprise_id = ?",
        (json.dumps(list(id_numbers)), enterprise_id),
    )}


def hukou_checks(store: Store, enterprise_id: int, employment_ids: Sequence[int]) -> dict[int, str | None]:
    """The clerk's 户口簿 answer of these employments of the enterprise (others are left out)."""
    return {int(i): check for i, check in store.conn.execute(
        "SELECT m.id, m.hukou_check FROM json_each(?) AS j JOIN employments m ON m.id = j.value"
        " WHERE m.enterprise_id = ?", (json.dumps([int(i) for i in employment_ids]), enterprise_id))}


def set_hukou_check(store: Store, employment_ids: Sequence[int], check: str | None) -> int:
    cur = store.conn.execute(
        "UPDATE employments SET hukou_check = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))",
        (check, db.now_iso(), json.dumps([int(i) for i in employment_ids])),
    )
    return max(cur.rowcount, 0)


def verify_claims(store: Store, employment_ids: Sequence[int], evidence: str) -> int:
    """Each of these employments' claimed group becomes its verified group, with this evidence reference."""
    cur = store.conn.execute(
        "UPDATE employments SET priority_group = priority_claim, priority_evidence = ?, updated_at = ?"
        " WHERE priority_claim IS NOT NULL AND id IN (SELECT value FROM json_each(?))",
        (evidence, db.now_iso(), json.dumps([int(i) for i in employment_ids])),
    )
    return max(cur.rowcount, 0)


def set_marks(store: Store, employment_ids: Sequence[int], group: str | None, evidence: str) -> int:
    """Set the group and evidence of these employments (group None clears both); returns the rows written."""
    cur = store.conn.execute(
        "UPDATE employments SET priority_group = ?, priority_evidence = ?, updated_at = ?"
        " WHERE id IN (SELECT value FROM json_each(?))",
        (group, evidence if group else "", db.now_iso(), json.dumps([int(i) for i in employment_ids])),
    )
    return max(cur.rowcount, 0)
