"""Rosters in the database (SQL only here): the workers an enterprise has on
file and writing an import (the roster view's queries are in
:mod:`desktop.store.roster_view`).

Functions take a :class:`~desktop.store.Store`; writes run inside the
caller's transaction, which also holds the audit entry.  Nothing here runs
one statement per row: 100,000 workers are read in one query and written
with ``executemany``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from desktop.store import db, seals
from desktop.store.store import Store

_CHUNK: Final = 900  # SQLite allows 999 bound variables per statement

# Employment columns a roster can set, in this order everywhere below.
VALUE_COLUMNS: Final = (
    "hukou_text", "hukou_code", "contract_type", "contract_start", "contract_end", "hire_date", "job",
    "monthly_wage", "paid_months", "social_insurance", "phone", "priority_claim",
)


@dataclass(frozen=True)
class StoredWorker:
    """An employment of the enterprise as stored, with its person."""

    employment_id: int
    person_id: int
    id_number: str
    name: str
    active: bool
    priority_evidence: str
    values: dict[str, object]  # VALUE_COLUMNS -> stored value (paid_months as a tuple or None)


def _months(text: object) -> tuple[str, ...] | None:
    if text is None:
        return None
    try:
        found = json.loads(str(text))
    except ValueError:
        return None
    return tuple(str(m) for m in found) if isinstance(found, list) else None


def months_json(months: Sequence[str] | None) -> str | None:
    """paid_months as stored: a JSON list of "YYYY-MM", or NULL when the roster had no such column."""
    return None if months is None else json.dumps(list(months))


def stored_workers(store: Store, enterprise_id: int) -> dict[str, StoredWorker]:
    """Every employment of the enterprise (active or not), by ID number."""
    columns = ", ".join(f"m.{c}" for c in VALUE_COLUMNS)
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None
    try:
        rows = conn.execute(
            f"SELECT m.id, p.id, p.id_number, p.name, m.active, m.priority_evidence, {columns}"
            " FROM employments m JOIN persons p ON p.id = m.person_id WHERE m.enterprise_id = ?",
            (enterprise_id,),
        ).fetchall()
    finally:
        conn.row_factory = factory
    found: dict[str, StoredWorker] = {}
    months_at = 6 + VALUE_COLUMNS.index("paid_months")
    for row in rows:
        values = dict(zip(VALUE_COLUMNS, row[6:]))
        values["paid_months"] = _months(row[months_at])
        found[str(row[2])] = StoredWorker(
            int(row[0]), int(row[1]), str(row[2]), str(row[3]), bool(row[4]), str(row[5] or ""), values
        )
    return found


def other_employers(store: Store, enterprise_id: int, id_numbers: Iterable[str]) -> dict[str, list[str]]:
    """ID number -> names of the *other* enterprises that employ the person now (active rows)."""
    found: dict[str, list[str]] = {}
    if not store.conn.execute("SELECT 1 FROM employments WHERE enterprise_id <> ? LIMIT 1",
                              (enterprise_id,)).fetchone():
        return found  # a new office: nothing to look up
    # In key order, the probes walk the persons' ID-number index forward, a page after the one
    # before, rather than at random: 0.13 s of processor time instead of 0.20 s for 100,000 IDs
    # in an office of 500,000 persons.  One statement for any number of IDs: SQLite reads the
    # list from JSON itself.
    numbers = sorted(set(id_numbers))
    for number, name in store.conn.execute(
        "SELECT p.id_number, e.name FROM json_each(?) AS j CROSS JOIN persons p ON p.id_number = j.value"
        " JOIN employments m ON m.person_id = p.id AND m.active = 1 AND m.enterprise_id <> ?"
        " JOIN enterprises e ON e.id = m.enterprise_id ORDER BY e.name_key",
        (json.dumps(numbers), enterprise_id),
    ):
        found.setdefault(str(number), []).append(str(name))
    return found


def insert_roster_import(
    store: Store, *, enterprise_id: int, file_name: str, sha256: str, sheet: str, counts: dict[str, int],
    imported_by: int | None,
) -> int:
    cur = store.conn.execute(
        "INSERT INTO roster_imports (enterprise_id, file_name, sha256, sheet, counts, imported_by, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (enterprise_id, file_name, sha256, sheet, json.dumps(counts, ensure_ascii=False, sort_keys=True),
         imported_by, db.now_iso()),
    )
    return int(cur.lastrowid or 0)


def insert_persons(store: Store, persons: Iterable[tuple[str, str, str | None, str | None]]) -> None:
    """(id_number, name, sex, birth_date) of people not yet in the table; a known number updates the name."""
    now = db.now_iso()
    store.conn.executemany(
        "INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, person_sort_key(?2)) ON CONFLICT (id_number) DO UPDATE SET"
        " name = excluded.name, name_key = excluded.name_key, updated_at = excluded.updated_at"
        " WHERE name <> excluded.name",
        ((number, name, sex, birth, now, now) for number, name, sex, birth in persons),
    )


def insert_employments(
    store: Store, enterprise_id: int, roster_import_id: int, rows: Iterable[tuple[object, ...]]
) -> None:
    """New employments: each row is (id_number, source_row, *VALUE_COLUMNS values).

    The person is found by ID number inside SQLite (insert_persons first),
    which is much faster than fetching 100,000 ids into Python.
    """
    now = db.now_iso()
    columns = ", ".join(VALUE_COLUMNS)
    marks = ", ".join("?" for _ in VALUE_COLUMNS)
    store.conn.executemany(
        "INSERT INTO employments (enterprise_id, roster_import_id, created_at, updated_at, person_id, source_row,"
        f" {columns}) VALUES (?, ?, ?, ?, (SELECT id FROM persons WHERE id_number = ?), ?, {marks})",
        ((enterprise_id, roster_import_id, now, now, *row) for row in rows),
    )


# -- staging: the rows a previewed import would add, held in a TEMP table ------
#
# A TEMP table belongs to this connection alone and lives outside the office
# file (SQLite deletes it with the connection), so holding the preview's new
# rows there writes nothing the office can see.  Committing then copies them
# with two INSERT … SELECT statements, about three times faster than binding
# 100,000 rows into the real tables one by one.  One staging table per
# connection: a newer preview replaces an older one, whose commit then takes
# the ordinary path.

# name_key: the name's pinyin sort key, worked out in Python as the rows are staged; as a function
# inside the INSERT … SELECT, SQLite would take the interpreter lock back for each of 100,000 calls.
STAGE_COLUMNS: Final = ("id_number", "name", "name_key", "sex", "birth_date", "source_row", *VALUE_COLUMNS)
_STAGE_PREFIX: Final = "roster_stage_"


def _stage_name(token: str) -> str:
    if not token.isalnum():
        raise ValueError(f"bad staging token {token!r}")
    return _STAGE_PREFIX + token


def drop_stages(store: Store) -> None:
    for (name,) in store.conn.execute(
        "SELECT name FROM sqlite_temp_master WHERE type = 'table' AND name LIKE ?", (_STAGE_PREFIX + "%",)
    ).fetchall():
        store.conn.execute(f'DROP TABLE temp."{name}"')


def stage_rows(store: Store, token: str, rows: Iterable[tuple[object, ...]]) -> None:
    """Hold rows (STAGE_COLUMNS order) for a later :func:`insert_staged`; replaces any earlier staging."""
    open_stage(store, token)
    stage_more(store, token, rows)


def open_stage(store: Store, token: str) -> None:
    """An empty staging table for ``token`` (any earlier one dropped), filled by :func:`stage_more`."""
    if store.conn.in_transaction:
        raise RuntimeError("staging runs outside a transaction")
    drop_stages(store)
    store.conn.execute(f'CREATE TEMP TABLE "{_stage_name(token)}" ({", ".join(STAGE_COLUMNS)})')


def stage_more(store: Store, token: str, rows: Iterable[tuple[object, ...]], *, drop: bool = True) -> None:
    """Add rows (STAGE_COLUMNS order) to the staging table; on a failure, none of them, and no staging
    at all unless ``drop`` is False (the rows staged before are kept)."""
    marks = ", ".join("?" for _ in STAGE_COLUMNS)
    store.conn.execute("BEGIN")
    try:
        store.conn.executemany(f'INSERT INTO temp."{_stage_name(token)}" VALUES ({marks})', rows)
    except BaseException:
        store.conn.execute("ROLLBACK")
        if drop:
            drop_stages(store)
        raise
    store.conn.execute("COMMIT")


def staged_rows(store: Store, token: str) -> Iterator[tuple[Any, ...]]:
    """The staged rows in the order staged (STAGE_COLUMNS), read a block at a time."""
    cursor = store.conn.cursor()
    cursor.row_factory = None
    cursor.execute(f'SELECT {", ".join(STAGE_COLUMNS)} FROM temp."{_stage_name(token)}" ORDER BY rowid')
    while block := cursor.fetchmany(2048):
        yield from block


def staged_id_numbers(store: Store, token: str) -> Iterator[str]:
    cursor = store.conn.cursor()
    cursor.row_factory = None
    for (number,) in cursor.execute(f'SELECT id_number FROM temp."{_stage_name(token)}" ORDER BY rowid'):
        yield number


def is_staged(store: Store, token: str) -> bool:
    return store.conn.execute(
        "SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = ?", (_stage_name(token),)
    ).fetchone() is not None


def insert_staged(store: Store, token: str, enterprise_id: int, roster_import_id: int) -> int:
    """Persons and employments from the staging table, inside the caller's transaction; returns rows added."""
    name = _stage_name(token)
    now = db.now_iso()
    conn = store.conn
    # The new rows sealed by one statement per table after these two, not row by row (seals.py).
    # Their indexes are kept row by row, even into a new office: building them after (bulk_index.py,
    # as a province's first batch does) would pay only on an office's first big roster, a path a
    # county's real imports hardly take, and would make a new office's import unlike every other.
    with seals.sealed_in_bulk(conn, ("persons", "employments")):
        conn.execute(
            "INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
            f' SELECT id_number, name, sex, birth_date, ?, ?, name_key FROM temp."{name}" WHERE true'
            " ON CONFLICT (id_number) DO UPDATE SET"
            " name = excluded.name, name_key = excluded.name_key, updated_at = excluded.updated_at"
            " WHERE name <> excluded.name",
            (now, now),
        )
        columns = ", ".join(VALUE_COLUMNS)
        picked = ", ".join(f"s.{c}" for c in VALUE_COLUMNS)
        cur = conn.execute(
            "INSERT INTO employments (enterprise_id, roster_import_id, created_at, updated_at, person_id, source_row,"
            f" {columns}) SELECT ?, ?, ?, ?, p.id, s.source_row, {picked}"
            f' FROM temp."{name}" s JOIN persons p ON p.id_number = s.id_number ORDER BY s.rowid',
            (enterprise_id, roster_import_id, now, now),
        )
    return max(cur.rowcount, 0)


def update_employments(
    store: Store, roster_import_id: int, columns: Sequence[str], rows: Iterable[tuple[object, ...]]
) -> None:
    """Changed employments: each row is (employment_id, source_row, *values of ``columns``); made active."""
    unknown = set(columns) - set(VALUE_COLUMNS)
    if unknown:
        raise ValueError(f"not a roster column: {sorted(unknown)}")
    assignments = "".join(f", {c} = ?" for c in columns)
    now = db.now_iso()
    store.conn.executemany(
        f"UPDATE employments SET active = 1, roster_import_id = ?, updated_at = ?, source_row = ?{assignments}"
        " WHERE id = ?",
        ((roster_import_id, now, row[1], *row[2:], row[0]) for row in rows),
    )


def rename_persons(store: Store, names: Iterable[tuple[int, str]]) -> None:
    """(person_id, name): the name on the newest roster."""
    store.conn.executemany(
        "UPDATE persons SET name = ?1, name_key = person_sort_key(?1), updated_at = ?2 WHERE id = ?3",
        ((name, db.now_iso(), person) for person, name in names),
    )


def deactivate_employments(store: Store, employment_ids: Iterable[int]) -> int:
    """Workers no longer on the roster: kept, marked inactive."""
    now = db.now_iso()
    cur = store.conn.executemany(
        "UPDATE employments SET active = 0, updated_at = ? WHERE id = ? AND active = 1",
        ((now, e) for e in employment_ids),
    )
    return max(cur.rowcount, 0)


def roster_imports(store: Store, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's imports, newest first."""
    rows = store.conn.execute(
        "SELECT id, file_name, sha256, sheet, counts, imported_by, imported_at, undone_at FROM roster_imports"
        " WHERE enterprise_id = ? ORDER BY id DESC",
        (enterprise_id,),
    )
    return [{**dict(r), "counts": json.loads(r["counts"])} for r in rows]
