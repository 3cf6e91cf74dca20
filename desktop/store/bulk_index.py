"""Indexes built once after a large insert into a (nearly) empty table, rather than row by row.

Adding a row updates every index of its table: for an ID number, a name or a phone's last
digits that is a walk down the B-tree to a random place.  SQLite's CREATE INDEX instead sorts the
keys it reads and writes the tree in one pass, about twice as quick per row.  So when an insert
adds more rows than the table holds, its plain indexes are dropped before and built again after,
inside the caller's transaction: a rollback brings back the indexes as they were, and the
indexes after a commit are those the schema declares (the same SQL text), only built differently.
A table that already holds more rows than are added (an office with years of rosters) keeps the
ordinary way, whose cost does not grow with what the table holds.

Only indexes created by name and not UNIQUE are rebuilt: the constraints' own indexes (PRIMARY
KEY, UNIQUE) stay, so a duplicate is refused by the INSERT as always.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

# An insert of fewer rows than this changes no schema: a clerk's few corrections, and every small
# roster, take the ordinary way (rebuilding pays only for many rows).
MIN_ROWS: Final = 5_000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def built_after(conn: sqlite3.Connection, tables: Sequence[str], adding: int) -> Iterator[None]:
    """Around statements that add about ``adding`` rows to ``tables`` inside the caller's transaction:
    each table holding fewer rows than that has its plain indexes built after them instead of as
    each row goes in (see the module's text).  The indexes are built again even when the block fails."""
    if not conn.in_transaction:
        raise RuntimeError("indexes are rebuilt inside the caller's transaction")
    dropped: list[tuple[str, str, str]] = []  # (table, index, its SQL)
    if adding >= MIN_ROWS:
        for table in tables:
            # max(rowid): the rows held or more (a deleted row leaves a gap), read from the tree's edge
            held = int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{_quote(table)}").fetchone()[0])
            if held >= adding:
                continue
            dropped += [(table, str(name), str(sql)) for name, sql in conn.execute(
                "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
                " ORDER BY name", (table,)).fetchall() if not str(sql).lstrip().upper().startswith("CREATE UNIQUE")]
    stats = _stats(conn, [name for _, name, _ in dropped])
    for _, name, _ in dropped:
        conn.execute(f"DROP INDEX main.{_quote(name)}")
    try:
        yield
    finally:
        for _, _, sql in dropped:
            conn.execute(sql)
        if stats:  # DROP INDEX forgets what ANALYZE learnt of it: kept as it was
            conn.executemany("INSERT INTO main.sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", stats)


def _stats(conn: sqlite3.Connection, names: list[str]) -> list[tuple[object, ...]]:
    if not names or conn.execute(
            "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'").fetchone() is None:
        return []
    marks = ", ".join("?" for _ in names)
    return [tuple(r) for r in conn.execute(f"SELECT tbl, idx, stat FROM main.sqlite_stat1 WHERE idx IN ({marks})",
                                           names).fetchall()]
