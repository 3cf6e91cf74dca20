"""Batches in the database (SQL only here): the ``batches`` rows both sides keep, the quarantine.

County side: the outgoing ``batches`` rows and their receipts; what a batch carries is read in
:mod:`desktop.store.batch_export`. Province side: the batches accepted from each county (for
replay and sequence checks) and the quarantine; storing a county's records under its office
(``offices.is_local = 0``) is :mod:`desktop.store.batch_import`. Writes run inside the caller's
transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from desktop.core.batch_checks import AcceptedBatch
from desktop.store import db
from desktop.store.store import Store

_CHUNK = 900
_Key = TypeVar("_Key", int, str)  # a row id or an ID number


def chunks(ids: Sequence[_Key]) -> Iterable[tuple[Sequence[_Key], str]]:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        yield chunk, ", ".join("?" for _ in chunk)


def plain_rows(store: Store, sql: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (with ``{marks}`` for the id list) as plain tuples, in chunks."""
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None
    try:
        out: list[tuple[Any, ...]] = []
        for chunk, marks in chunks(list(ids)):
            out.extend(conn.execute(sql.format(marks=marks), chunk).fetchall())
        return out
    finally:
        conn.row_factory = factory


# --------------------------------------------------------------------------
# County: the batches it sent


@dataclass(frozen=True)
class BatchRow:
    id: int
    office_id: int
    direction: str
    batch_uuid: str
    seq: int
    status: str
    file_name: str
    file_sha256: str
    manifest: str
    report: str
    created_at: str
    received_at: str | None
    office_code: str = ""  # the office the batch is of (read by batches(): a province's lists name the county)
    office_name: str = ""


def _batch(row: sqlite3.Row) -> BatchRow:
    return BatchRow(**dict(row))


def next_outgoing_seq(store: Store, office_id: int) -> int:
    row = store.conn.execute(
        "SELECT max(seq) FROM batches WHERE direction = 'outgoing' AND office_id = ?", (office_id,)
    ).fetchone()
    return int(row[0] or 0) + 1


def insert_batch(store: Store, *, office_id: int, direction: str, batch_uuid: str, seq: int, status: str,
                 file_name: str, file_sha256: str, manifest: str, report: str, created_at: str,
                 received_at: str | None, application_ids: Sequence[int]) -> int:
    cur = store.conn.execute(
        "INSERT INTO batches (office_id, direction, batch_uuid, seq, status, file_name, file_sha256, manifest,"
        " report, created_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (office_id, direction, batch_uuid, seq, status, file_name, file_sha256, manifest, report, created_at,
         received_at),
    )
    batch_id = int(cur.lastrowid or 0)
    store.conn.executemany("INSERT INTO batch_items (batch_id, application_id) VALUES (?, ?)",
                           [(batch_id, a) for a in dict.fromkeys(application_ids)])
    return batch_id


def batches(store: Store, direction: str, office_id: int | None = None) -> list[BatchRow]:
    """The batches of one direction (and office), each with its office's code and name."""
    sql = ("SELECT b.*, o.code AS office_code, o.name AS office_name FROM batches b"
           " JOIN offices o ON o.id = b.office_id WHERE b.direction = ?")
    params: list[object] = [direction]
    if office_id is not None:
        sql += " AND b.office_id = ?"
        params.append(office_id)
    return [_batch(r) for r in store.conn.execute(sql + " ORDER BY b.office_id, b.seq, b.id", params)]


def batch(store: Store, batch_id: int) -> BatchRow | None:
    row = store.conn.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
    return _batch(row) if row else None


def outgoing_by_uuid(store: Store, office_id: int, batch_uuid: str) -> BatchRow | None:
    row = store.conn.execute(
        "SELECT * FROM batches WHERE direction = 'outgoing' AND office_id = ? AND batch_uuid = ?",
        (office_id, batch_uuid),
    ).fetchone()
    return _batch(row) if row else None


def outgoing_by_file(store: Store, office_id: int, file_sha256: str, file_name: str = "") -> BatchRow | None:
    """By the file's SHA-256, else (a damaged copy) by its name."""
    for column, value in (("file_sha256", file_sha256), ("file_name", file_name)):
        row = store.conn.execute(
            f"SELECT * FROM batches WHERE direction = 'outgoing' AND office_id = ? AND {column} = ?"
            " ORDER BY id DESC LIMIT 1", (office_id, value),
        ).fetchone()
        if row is not None:
            return _batch(row)
    return None


def set_batch_status(store: Store, batch_id: int, *, status: str, report: str, received_at: str | None) -> None:
    store.conn.execute("UPDATE batches SET status = ?, report = ?, received_at = ? WHERE id = ?",
                       (status, report, received_at, batch_id))


def batch_application_ids(store: Store, batch_id: int) -> list[int]:
    return [int(r[0]) for r in store.conn.execute(
        "SELECT application_id FROM batch_items WHERE batch_id = ? ORDER BY application_id", (batch_id,))]


# --------------------------------------------------------------------------
# Province: checks, storing a county's records, quarantine


def county_office_id(store: Store, code: str) -> int | None:
    row = store.conn.execute(
        "SELECT id FROM offices WHERE code = ? AND is_local = 0 AND kind = 'county' ORDER BY id LIMIT 1", (code,)
    ).fetchone()
    return int(row[0]) if row else None


def accepted_batches(store: Store, office_code: str) -> list[AcceptedBatch]:
    """The batches accepted from the county with this code (by any name it had)."""
    rows = store.conn.execute(
        "SELECT b.batch_uuid, b.seq, b.received_at FROM batches b JOIN offices o ON o.id = b.office_id"
        " WHERE b.direction = 'incoming' AND b.status = 'accepted' AND o.code = ? AND o.is_local = 0 ORDER BY b.seq",
        (office_code,),
    )
    return [AcceptedBatch(str(r[0]), int(r[1]), str(r[2] or "")) for r in rows]


@dataclass(frozen=True)
class QuarantineRow:
    id: int
    file_name: str
    file_sha256: str
    file_size: int
    stored_as: str
    reason: str
    report: str
    office_code: str | None
    batch_uuid: str | None
    seq: int | None
    quarantined_at: str
    quarantined_by: int | None


def insert_quarantine(store: Store, *, file_name: str, file_sha256: str, file_size: int, stored_as: str,
                      reason: str, report: str, office_code: str | None, batch_uuid: str | None, seq: int | None,
                      quarantined_by: int | None) -> int:
    cur = store.conn.execute(
        "INSERT INTO batch_quarantine (file_name, file_sha256, file_size, stored_as, reason, report, office_code,"
        " batch_uuid, seq, quarantined_at, quarantined_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (file_name, file_sha256, file_size, stored_as, reason, report, office_code, batch_uuid, seq, db.now_iso(),
         quarantined_by),
    )
    return int(cur.lastrowid or 0)


def quarantine(store: Store) -> list[QuarantineRow]:
    return [QuarantineRow(**dict(r)) for r in store.conn.execute("SELECT * FROM batch_quarantine ORDER BY id")]


def incoming_by_file(store: Store, file_sha256: str) -> BatchRow | None:
    row = store.conn.execute(
        "SELECT * FROM batches WHERE direction = 'incoming' AND file_sha256 = ? ORDER BY id DESC LIMIT 1",
        (file_sha256,),
    ).fetchone()
    return _batch(row) if row else None
