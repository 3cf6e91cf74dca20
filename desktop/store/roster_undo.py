"""What undoing a roster import needs: the rows an import changed, as they were, and the ids it added.

An import (``desktop.services.roster_commit.commit_import``) calls :func:`begin`
inside its transaction before it writes, tells which existing rows it is
about to change, and :func:`finish` stores the record in its
``roster_imports`` row.  :func:`undo` puts everything back in one statement
per kind of row, inside the caller's transaction.

Both are single transactions with statements that run for seconds on 100,000
rows (an ``INSERT ... SELECT`` of the staged rows, a ``DELETE`` of an import's
employments): :func:`stopping_on` lets a cancel stop such a statement midway.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from desktop.core.roster import CancelFn, ProgressFn, RosterError
from desktop.store import db
from desktop.store.store import Store

_CHUNK = 500  # ids per IN (...): well under SQLite's limit of bound parameters


def _rows(store: Store, table: str, column: str, keys: Sequence[object]) -> tuple[list[str], list[list[Any]]]:
    """Every column of the rows of ``table`` whose ``column`` is one of ``keys`` (table and column are ours)."""
    names = [str(r[1]) for r in store.conn.execute(f"SELECT * FROM pragma_table_info('{table}')")]
    found: list[list[Any]] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = list(keys[start:start + _CHUNK])
        marks = ", ".join("?" for _ in chunk)
        found.extend(list(r) for r in store.conn.execute(
            f"SELECT {', '.join(names)} FROM {table} WHERE {column} IN ({marks}) ORDER BY id", chunk))
    return names, found


_STEPS_BETWEEN_LOOKS = 20_000  # SQLite VM steps between two looks at the cancel flag (well under 10 ms)


@contextmanager
def stopping_on(store: Store, cancel: CancelFn | None) -> Iterator[None]:
    """Inside the caller's transaction, before its COMMIT: a statement running when ``cancel()``
    turns true stops there (SQLite's progress handler interrupts it) and the transaction rolls
    back; raised as ``RosterError("roster_cancelled")``.  Checks between statements alone missed
    a cancel during the one long statement that writes an import's staged rows."""
    if cancel is None:
        yield
        return
    conn = store.conn
    conn.set_progress_handler(lambda: 1 if cancel() else 0, _STEPS_BETWEEN_LOOKS)
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc).lower() and cancel():
            raise RosterError("roster_cancelled") from exc
        raise
    finally:
        conn.set_progress_handler(None, _STEPS_BETWEEN_LOOKS)


@dataclass
class UndoRecord:
    """What one import changed; kept as JSON in ``roster_imports.undo``."""

    persons_above: int  # persons with a greater id were added by the import
    employments_above: int
    persons_upto: int = 0  # the greatest ids once the import has written
    employments_upto: int = 0
    employments: dict[str, Any] = field(default_factory=dict)  # {"columns": [...], "rows": [[...], ...]}
    persons: dict[str, Any] = field(default_factory=dict)
    mapping: str | None = None  # the column mapping setting the import replaced

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> UndoRecord:
        return cls(**json.loads(text))


def _max_id(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])


def begin(store: Store, *, employment_ids: Iterable[int], person_ids: Iterable[int], id_numbers: Iterable[str],
          mapping: str | None) -> UndoRecord:
    """Note the rows an import is about to change: employments by id, persons by id or ID number."""
    record = UndoRecord(_max_id(store, "persons"), _max_id(store, "employments"), mapping=mapping)
    columns, rows = _rows(store, "employments", "id", sorted(set(employment_ids)))
    record.employments = {"columns": columns, "rows": rows}
    columns, by_id = _rows(store, "persons", "id", sorted(set(person_ids)))
    # persons on file elsewhere that the new rows rename; none in an office's first roster (100,000
    # numbers looked up 500 at a time for nothing: 0.05 s)
    on_file = store.conn.execute("SELECT 1 FROM persons LIMIT 1").fetchone() is not None
    _, by_number = _rows(store, "persons", "id_number", sorted(set(id_numbers)) if on_file else [])
    unique = {r[0]: r for r in [*by_id, *by_number]}  # a person both renamed and on the new rows: once
    record.persons = {"columns": columns, "rows": [unique[k] for k in sorted(unique)]}
    return record


def finish(store: Store, import_id: int, record: UndoRecord) -> None:
    record.persons_upto = _max_id(store, "persons")
    record.employments_upto = _max_id(store, "employments")
    store.conn.execute("UPDATE roster_imports SET undo = ? WHERE id = ?", (record.to_json(), import_id))


@dataclass(frozen=True)
class ImportRow:
    id: int
    enterprise_id: int
    file_name: str
    imported_at: str
    undo: str | None
    undone_at: str | None


def import_row(store: Store, import_id: int) -> ImportRow | None:
    row = store.conn.execute(
        "SELECT id, enterprise_id, file_name, imported_at, undo, undone_at FROM roster_imports WHERE id = ?",
        (import_id,),
    ).fetchone()
    return None if row is None else ImportRow(*row)


def last_import(store: Store, enterprise_id: int) -> ImportRow | None:
    """The enterprise's newest import not undone."""
    row = store.conn.execute(
        "SELECT id FROM roster_imports WHERE enterprise_id = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        (enterprise_id,),
    ).fetchone()
    return None if row is None else import_row(store, int(row[0]))


_READ_ONLY = ("roster.problems_export", "roster.import_unchanged", "pii.unmask", "pii.export")  # change no row


def changes_since(store: Store, import_id: int, enterprise_id: int) -> list[str]:
    """Audit actions after the import's own entry that may have changed what it wrote: anything on the
    enterprise but reading, and any roster or batch import or undo in the office (they touch shared
    persons); an import undone since, and its undo, cancel out."""
    entry = store.conn.execute(
        "SELECT max(id) FROM audit_log WHERE action = 'roster.import' AND entity = 'enterprise' AND entity_id = ?"
        " AND json_extract(detail, '$.roster_import_id') = ?", (str(enterprise_id), import_id),
    ).fetchone()[0]
    if entry is None:
        return ["roster.import"]
    marks = ", ".join("?" for _ in _READ_ONLY)
    return [str(r[0]) for r in store.conn.execute(
        "SELECT DISTINCT a.action FROM audit_log a WHERE a.id > ?"
        " AND ((a.entity = 'enterprise' AND a.entity_id = ?)"
        "      OR a.action IN ('roster.import', 'roster.undo', 'batch.import') OR a.action LIKE 'province.%')"
        f" AND a.action NOT IN ({marks})"
        " AND NOT (a.action IN ('roster.import', 'roster.undo') AND EXISTS (SELECT 1 FROM roster_imports r"
        "          WHERE r.id = json_extract(a.detail, '$.roster_import_id') AND r.undone_at IS NOT NULL))"
        " ORDER BY a.action", (entry, str(enterprise_id), *_READ_ONLY),
    )]


def _restore(store: Store, table: str, saved: dict[str, Any]) -> int:
    columns: list[str] = saved.get("columns", [])
    rows: list[list[Any]] = saved.get("rows", [])
    if not rows:
        return 0
    current = {str(r[1]) for r in store.conn.execute(f"SELECT * FROM pragma_table_info('{table}')")}
    keep = [i for i, c in enumerate(columns) if c in current and c != "id"]
    sets = ", ".join(f"{columns[i]} = ?" for i in keep)
    store.conn.executemany(f"UPDATE {table} SET {sets} WHERE id = ?",
                           ([*(row[i] for i in keep), row[columns.index("id")]] for row in rows))
    return len(rows)


class UndoBlocked(Exception):
    """A row the import added is referenced from elsewhere since (a foreign key refused the delete)."""


UNDO_STEPS = 4  # the statements of :func:`undo`, for a progress bar


def undo(store: Store, row: ImportRow, record: UndoRecord, progress: ProgressFn | None = None) -> dict[str, int]:
    """Put back what the import changed (inside the caller's transaction); the counts of rows.
    ``progress("undo", step, UNDO_STEPS)`` after each of its statements."""
    try:
        return _undo(store, row, record, progress or (lambda _stage, _done, _total: None))
    except sqlite3.IntegrityError as exc:
        raise UndoBlocked(str(exc)) from exc


def _undo(store: Store, row: ImportRow, record: UndoRecord, progress: ProgressFn) -> dict[str, int]:
    conn = store.conn
    removed = conn.execute(
        "DELETE FROM employments WHERE roster_import_id = ? AND id > ? AND id <= ?",
        (row.id, record.employments_above, record.employments_upto),
    ).rowcount
    progress("undo", 1, UNDO_STEPS)
    restored = _restore(store, "employments", record.employments)
    progress("undo", 2, UNDO_STEPS)
    renamed = _restore(store, "persons", record.persons)
    progress("undo", 3, UNDO_STEPS)
    persons_removed = conn.execute(
        "DELETE FROM persons WHERE id > ? AND id <= ?"
        " AND NOT EXISTS (SELECT 1 FROM employments e WHERE e.person_id = persons.id)",
        (record.persons_above, record.persons_upto),
    ).rowcount
    conn.execute("UPDATE roster_imports SET undone_at = ? WHERE id = ?", (db.now_iso(), row.id))
    progress("undo", UNDO_STEPS, UNDO_STEPS)
    return {"removed": max(removed, 0), "restored": restored, "persons_restored": renamed,
            "persons_removed": max(persons_removed, 0)}
