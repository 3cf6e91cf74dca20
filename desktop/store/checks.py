"""Raw facts for 检查数据库: what SQLite and the audit chain say about the file."""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any

from desktop.store import seals
from desktop.store.audit import ChainBreak, chain_tip, verify_chain
from desktop.store.db import available_migrations, register_functions


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:  # so damaged that the check itself stops
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def integrity_problems_apart(path: Path) -> list[str]:
    """:func:`integrity_problems` on a read-only connection of its own, so that SQLite's page-by-page
    walk (C, the interpreter lock let go) can run on a thread beside the checks in Python."""
    if not Path(path).is_file():  # never let connect() make an empty file in its place
        return [f"{path}: file not found"]
    # The path as the store opened it, not a file: URI: on Windows a URI of a path over 260
    # characters failed (errno 22, seen under Wine) where the plain path opens.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        return integrity_problems(conn)
    finally:
        conn.close()


def foreign_key_problems(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [
        {"table": r[0], "rowid": r[1], "parent": r[2]} for r in conn.execute("PRAGMA foreign_key_check")
    ]


def audit_chain_breaks(conn: sqlite3.Connection) -> list[ChainBreak]:
    return verify_chain(conn)


def rows(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sql, params)]


def invariant_queries() -> dict[str, str]:
    """Domain rules the schema cannot state, as queries that return offending rows."""
    return {
        "local_office": "SELECT count(*) AS n FROM offices WHERE is_local = 1 HAVING n <> 1",
        "no_admin": (
            "SELECT o.id FROM offices o WHERE o.is_local = 1 AND NOT EXISTS"
            " (SELECT 1 FROM users u WHERE u.office_id = o.id AND u.role = 'admin' AND u.active = 1)"
        ),
        # Only this office's own numbers: a province keeps the counties' letters it received.
        "letter_gaps": (
            "SELECT office_id, year, count(*) AS n, max(seq) AS top FROM letters"
            " WHERE office_id IN (SELECT id FROM offices WHERE is_local = 1)"
            " GROUP BY office_id, year HAVING n <> top"
        ),
        "self_approved": (
            "SELECT id FROM applications WHERE status IN ('approved', 'issued')"
            " AND (approved_by IS NULL OR approved_by = prepared_by)"
        ),
        "override_without_reason": (
            "SELECT id FROM decisions WHERE final_result <> computed_result AND trim(override_reason) = ''"
        ),
    }


def all_uscc(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in conn.execute("SELECT id, uscc FROM enterprises")]


def all_id_numbers(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in conn.execute("SELECT id, id_number FROM persons")]


def row_changes(conn: sqlite3.Connection) -> list[seals.RowChange]:
    return list(seals.compare_rows(conn))


@lru_cache(maxsize=1)
def expected_triggers() -> dict[str, str]:
    """The triggers the migrations create (name -> SQL): an empty schema built from db/ in memory."""
    scratch = sqlite3.connect(":memory:")
    register_functions(scratch)
    try:
        for migration in available_migrations():
            scratch.executescript(migration.sql())
        return {str(r[0]): str(r[1]) for r in scratch.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        scratch.close()


def trigger_problems(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return seals.trigger_differences(conn, expected_triggers())


def entry_hashes(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """The hash of each of these audit entries that is still in the log."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update({int(r[0]): str(r[1]) for r in conn.execute(
            f"SELECT id, hash FROM audit_log WHERE id IN ({marks})", chunk)})
    return found


def audit_tip(conn: sqlite3.Connection) -> tuple[int, str]:
    return chain_tip(conn)
