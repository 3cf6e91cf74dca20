"""The audit log: append-only, each entry chained to the one before by SHA-256.

Editing or deleting a row outside the app breaks the chain, and
`verify_chain` says where.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from desktop.core.office import Actor
from desktop.store.db import now_iso

GENESIS = "0" * 64


def canonical_detail(detail: dict[str, object] | None) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str, at: str, office_id: int | None, user_id: int | None, username: str,
    action: str, entity: str, entity_id: str, detail: str,
) -> str:
    fields = [prev_hash, at, str(office_id or ""), str(user_id or ""), username, action, entity, entity_id, detail]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def chain_head(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS


def append(
    conn: sqlite3.Connection,
    actor: Actor,
    action: str,
    *,
    office_id: int | None,
    entity: str = "",
    entity_id: object = "",
    detail: dict[str, object] | None = None,
) -> str:
    """Record one action; call inside the transaction that makes the change."""
    if not conn.in_transaction:
        raise RuntimeError("audit entries are written in the transaction of the change they record")
    at = now_iso()
    body = canonical_detail(detail)
    prev = chain_head(conn)
    digest = entry_hash(prev, at, office_id, actor.user_id, actor.username, action, entity, str(entity_id), body)
    conn.execute(
        "INSERT INTO audit_log (at, office_id, user_id, username, action, entity, entity_id, detail, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (at, office_id, actor.user_id, actor.username, action, entity, str(entity_id), body, prev, digest),
    )
    return digest


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str  # "prev_hash" (a row missing or reordered) or "hash" (a row changed)


def verify_chain(conn: sqlite3.Connection) -> list[ChainBreak]:
    breaks: list[ChainBreak] = []
    prev = GENESIS
    rows = conn.execute(
        "SELECT id, at, office_id, user_id, username, action, entity, entity_id, detail, prev_hash, hash"
        " FROM audit_log ORDER BY id"
    )
    for row in rows:
        if row["prev_hash"] != prev:
            breaks.append(ChainBreak(row["id"], "prev_hash"))
        expected = entry_hash(
            row["prev_hash"], row["at"], row["office_id"], row["user_id"], row["username"],
            row["action"], row["entity"], row["entity_id"], row["detail"],
        )
        if expected != row["hash"]:
            breaks.append(ChainBreak(row["id"], "hash"))
        prev = row["hash"]
    return breaks
