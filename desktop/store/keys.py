"""This installation's keys and the other offices' public keys (SQL only here).

Writes run inside the caller's transaction; the service adds the audit entry.
A new key retires the active one of the same purpose (it stays, dated).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from desktop.store import db
from desktop.store.store import Store


@dataclass(frozen=True)
class OwnKeyRow:
    id: int
    office_id: int
    purpose: str
    suite: str
    public_key: str
    fingerprint: str
    protected_private: str
    created_at: str
    created_by: int | None
    retired_at: str | None


@dataclass(frozen=True)
class PeerKeyRow:
    id: int
    office_code: str
    office_name: str
    purpose: str
    suite: str
    public_key: str
    fingerprint: str
    registered_at: str
    registered_by: int | None
    retired_at: str | None


def _own(row: sqlite3.Row) -> OwnKeyRow:
    return OwnKeyRow(**dict(row))


def _peer(row: sqlite3.Row) -> PeerKeyRow:
    return PeerKeyRow(**dict(row))


def active_own_key(store: Store, office_id: int, purpose: str) -> OwnKeyRow | None:
    row = store.conn.execute(
        "SELECT * FROM own_keys WHERE office_id = ? AND purpose = ? AND retired_at IS NULL", (office_id, purpose)
    ).fetchone()
    return _own(row) if row else None


def own_keys(store: Store, office_id: int) -> list[OwnKeyRow]:
    """Every key this office has had, the active ones first, newest first."""
    rows = store.conn.execute(
        "SELECT * FROM own_keys WHERE office_id = ? ORDER BY retired_at IS NOT NULL, id DESC", (office_id,)
    )
    return [_own(r) for r in rows]


def insert_own_key(store: Store, office_id: int, *, purpose: str, suite: str, public_key: str, fingerprint: str,
                   protected_private: str, created_by: int | None) -> int:
    now = db.now_iso()
    store.conn.execute(
        "UPDATE own_keys SET retired_at = ? WHERE office_id = ? AND purpose = ? AND retired_at IS NULL",
        (now, office_id, purpose),
    )
    cur = store.conn.execute(
        "INSERT INTO own_keys (office_id, purpose, suite, public_key, fingerprint, protected_private, created_at,"
        " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (office_id, purpose, suite, public_key, fingerprint, protected_private, now, created_by),
    )
    return int(cur.lastrowid or 0)


def active_peer_key(store: Store, office_code: str, purpose: str) -> PeerKeyRow | None:
    row = store.conn.execute(
        "SELECT * FROM peer_keys WHERE office_code = ? AND purpose = ? AND retired_at IS NULL",
        (office_code, purpose),
    ).fetchone()
    return _peer(row) if row else None


def peer_keys(store: Store, purpose: str | None = None, *, include_retired: bool = False) -> list[PeerKeyRow]:
    sql = "SELECT * FROM peer_keys WHERE 1 = 1"
    params: list[object] = []
    if purpose:
        sql += " AND purpose = ?"
        params.append(purpose)
    if not include_retired:
        sql += " AND retired_at IS NULL"
    rows = store.conn.execute(sql + " ORDER BY office_code, retired_at IS NOT NULL, id DESC", params)
    return [_peer(r) for r in rows]


def insert_peer_key(store: Store, *, office_code: str, office_name: str, purpose: str, suite: str,
                    public_key: str, fingerprint: str, registered_by: int | None) -> int:
    now = db.now_iso()
    store.conn.execute(
        "UPDATE peer_keys SET retired_at = ? WHERE office_code = ? AND purpose = ? AND retired_at IS NULL",
        (now, office_code, purpose),
    )
    cur = store.conn.execute(
        "INSERT INTO peer_keys (office_code, office_name, purpose, suite, public_key, fingerprint, registered_at,"
        " registered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (office_code, office_name, purpose, suite, public_key, fingerprint, now, registered_by),
    )
    return int(cur.lastrowid or 0)


def retire_peer_key(store: Store, key_id: int) -> bool:
    cur = store.conn.execute(
        "UPDATE peer_keys SET retired_at = ? WHERE id = ? AND retired_at IS NULL", (db.now_iso(), key_id)
    )
    return cur.rowcount == 1
