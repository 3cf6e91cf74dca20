"""The audit log: append-only, each entry chained to the one before by SHA-256.

Editing or deleting a row outside the app breaks the chain, and
`verify_chain` says where.  Since db/0006 each entry also binds the row log
(desktop/store/seals.py) written since the entry before: `rows_to` (the last
log row) and `rows_hash` (SHA-256 of the log rows) are part of its hash.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from desktop.core.office import Actor
from desktop.store.db import now_iso
from desktop.store.seals import has_log, log_rows_digest

GENESIS = "0" * 64


def canonical_detail(detail: dict[str, object] | None) -> str:
    return json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str, at: str, office_id: int | None, user_id: int | None, username: str,
    action: str, entity: str, entity_id: str, detail: str, rows_to: int | None = None, rows_hash: str = "",
) -> str:
    fields = [prev_hash, at, str(office_id or ""), str(user_id or ""), username, action, entity, entity_id, detail]
    if rows_hash:  # entries written before db/0006 hash as they always did
        fields += [str(rows_to), rows_hash]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def chain_head(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS


def chain_tip(conn: sqlite3.Connection) -> tuple[int, str]:
    """(id, hash) of the newest entry; (0, GENESIS) for an empty log."""
    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def fingerprint(entry: int, head: str) -> str:
    """What an office writes down: the entry and the start of its hash, e.g. 1234:3f9a-77c2-01bd."""
    return f"{entry}:{head[0:4]}-{head[4:8]}-{head[8:12]}"


def _binding(conn: sqlite3.Connection) -> tuple[int | None, str]:
    """(rows_to, rows_hash) for a new entry: every log row written since the entry before."""
    if not has_log(conn):
        return None, ""
    last = conn.execute("SELECT rows_to FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    after = int(last[0]) if last and last[0] is not None else 0
    top = conn.execute("SELECT max(id) FROM row_log").fetchone()[0]
    upto = max(after, int(top or 0))
    return upto, log_rows_digest(conn, after, upto)


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
    rows_to, rows_hash = _binding(conn)
    digest = entry_hash(prev, at, office_id, actor.user_id, actor.username, action, entity, str(entity_id), body,
                        rows_to, rows_hash)
    if rows_hash:
        conn.execute(
            "INSERT INTO audit_log (at, office_id, user_id, username, action, entity, entity_id, detail,"
            " prev_hash, hash, rows_to, rows_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (at, office_id, actor.user_id, actor.username, action, entity, str(entity_id), body, prev, digest,
             rows_to, rows_hash),
        )
    else:
        conn.execute(
            "INSERT INTO audit_log (at, office_id, user_id, username, action, entity, entity_id, detail,"
            " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (at, office_id, actor.user_id, actor.username, action, entity, str(entity_id), body, prev, digest),
        )
    return digest


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    # "prev_hash" (a row missing or reordered), "hash" (a row changed), "rows" (the row log it
    # binds was changed), "unrecorded" (row changes after the entry that no entry binds: the
    # tail of the log was cut off, or rows were logged outside the app)
    reason: str
    count: int = 0


def verify_chain(conn: sqlite3.Connection) -> list[ChainBreak]:
    breaks: list[ChainBreak] = []
    prev, bound = GENESIS, 0
    logged = has_log(conn)
    columns = ", rows_to, rows_hash" if logged else ""
    rows = conn.execute(
        "SELECT id, at, office_id, user_id, username, action, entity, entity_id, detail, prev_hash, hash"
        f"{columns} FROM audit_log ORDER BY id"
    )
    last_id = 0
    for row in rows:
        last_id = row["id"]
        if row["prev_hash"] != prev:
            breaks.append(ChainBreak(row["id"], "prev_hash"))
        rows_to, rows_hash = (row["rows_to"], row["rows_hash"]) if logged else (None, "")
        expected = entry_hash(
            row["prev_hash"], row["at"], row["office_id"], row["user_id"], row["username"],
            row["action"], row["entity"], row["entity_id"], row["detail"], rows_to, rows_hash,
        )
        if expected != row["hash"]:
            breaks.append(ChainBreak(row["id"], "hash"))
        if rows_hash:
            upto = int(rows_to or 0)
            if upto < bound or log_rows_digest(conn, bound, upto) != rows_hash:
                breaks.append(ChainBreak(row["id"], "rows"))
            bound = max(bound, upto)
        prev = row["hash"]
    if logged:
        pending = int(conn.execute("SELECT count(*) FROM row_log WHERE id > ?", (bound,)).fetchone()[0])
        if pending:
            breaks.append(ChainBreak(last_id, "unrecorded", pending))
    return breaks
