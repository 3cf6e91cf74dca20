"""The office's labor-cooperation agreements (SQL only here; db/0019).

Writes run inside the caller's transaction (the service adds the audit entry
in the same one).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from desktop.store import db
from desktop.store.store import Store


@dataclass(frozen=True)
class AgreementRow:
    id: int
    county_code: str
    reference: str
    starts: str
    ends: str | None
    note: str
    created_by: str  # the user's name as shown ("" when unknown)
    created_at: str
    ended_by: str
    ended_at: str | None


_SELECT = (
    "SELECT a.*, coalesce(nullif(c.display_name, ''), c.username, '') AS creator,"
    " coalesce(nullif(x.display_name, ''), x.username, '') AS ender FROM agreements a"
    " LEFT JOIN users c ON c.id = a.created_by LEFT JOIN users x ON x.id = a.ended_by"
)


def _row(row: sqlite3.Row) -> AgreementRow:
    return AgreementRow(
        id=int(row["id"]), county_code=str(row["county_code"]), reference=str(row["reference"]),
        starts=str(row["starts"]), ends=row["ends"], note=str(row["note"]), created_by=str(row["creator"]),
        created_at=str(row["created_at"]), ended_by=str(row["ender"]), ended_at=row["ended_at"],
    )


def agreements(store: Store) -> list[AgreementRow]:
    """Every agreement, by county and first day."""
    return [_row(r) for r in store.conn.execute(_SELECT + " ORDER BY a.county_code, a.starts, a.id")]


def agreement(store: Store, agreement_id: int) -> AgreementRow | None:
    row = store.conn.execute(_SELECT + " WHERE a.id = ?", (agreement_id,)).fetchone()
    return None if row is None else _row(row)


def insert_agreement(store: Store, county_code: str, reference: str, starts: str, ends: str | None, note: str,
                     *, user_id: int | None) -> int:
    cur = store.conn.execute(
        "INSERT INTO agreements (county_code, reference, starts, ends, note, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", (county_code, reference, starts, ends, note, user_id, db.now_iso()))
    return int(cur.lastrowid or 0)


def end_agreement(store: Store, agreement_id: int, ends: str, *, user_id: int | None) -> None:
    store.conn.execute("UPDATE agreements SET ends = ?, ended_by = ?, ended_at = ? WHERE id = ?",
                       (ends, user_id, db.now_iso(), agreement_id))
