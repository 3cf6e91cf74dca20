"""The row seals' fast paths give exactly what their plain definitions give (desktop/store/seals.py):
the log binding formatted inside SQLite, and the digests of a bulk write."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from desktop.store import Store, seals


def _reference(rows: list[tuple[object, ...]]) -> str:
    """The binding's definition, one line per log row, hashed line by line."""
    h = hashlib.sha256()
    for row_id, table, key, digest in rows:
        assert digest is None or isinstance(digest, bytes)
        h.update(f"{row_id}\x1f{table}\x1f{key!r}\x1f{digest.hex() if digest else '-'}\n".encode("utf-8"))
    return h.hexdigest()


def _log_with_every_kind_of_key(store: Store) -> None:
    conn = store.conn
    rows = [
        ("persons", 1, bytes(range(16))), ("persons", 2, None), ("employments", 10**12, b"\x00" * 16),
        ("employments", -3, b"\xff" * 16), ("settings", "office.name", b"\x01" * 16),
        ("settings", "it's \"quoted\"\n名", None), ("batch_items", "[1,\"a\"]", b"\x02" * 16),
        ("odd", 1.5, b"\x03" * 16), ("odd", b"\x00\x01", b"\x04" * 16), ("odd", 7, b""),
    ]
    rows[5:5] = [("employments", i, i.to_bytes(16, "big") if i % 7 else None) for i in range(100, 9100)]  # hashed in batches
    with store.transaction():
        conn.executemany("INSERT INTO row_log (tbl, rid, digest) VALUES (?, ?, ?)", rows)


def test_the_binding_formatted_by_sqlite_is_the_plain_one(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        _log_with_every_kind_of_key(store)
        conn = store.conn
        top = int(conn.execute("SELECT max(id) FROM row_log").fetchone()[0])
        for after, upto in ((0, top), (top - 10, top), (top - 4, top - 1), (top, top)):
            rows = [tuple(r) for r in conn.execute(
                "SELECT id, tbl, rid, digest FROM row_log WHERE id > ? AND id <= ? ORDER BY id", (after, upto))]
            assert seals.log_rows_digest(conn, after, upto) == seals.log_digest(rows) == _reference(rows)
        # and it sees every row: one changed byte changes the binding
        before = seals.log_rows_digest(conn, 0, top)
        conn.execute("DROP TRIGGER row_log_no_update")
        conn.execute("UPDATE row_log SET digest = X'00112233445566778899aabbccddeeff' WHERE id = ?", (top - 9,))
        assert seals.log_rows_digest(conn, 0, top) != before
    finally:
        store.close()


def test_the_binding_of_a_real_file_is_unchanged(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        with store.transaction():
            store.set_setting("a.key", "value")
        conn = store.conn
        assert isinstance(conn, sqlite3.Connection)
        top = int(conn.execute("SELECT max(id) FROM row_log").fetchone()[0])
        rows = [tuple(r) for r in conn.execute("SELECT id, tbl, rid, digest FROM row_log ORDER BY id")]
        assert seals.log_rows_digest(conn, 0, top) == _reference(rows)
    finally:
        store.close()


def test_a_bulk_write_is_copied_into_the_file_after_its_commit(db_path: Path) -> None:
    """Store.bulk_write: the COMMIT leaves the WAL (durable: synchronous=FULL) and a thread copies it
    into the file next; the connection's settings are put back."""
    store = Store.open(db_path)
    try:
        conn = store.conn
        before = (conn.execute("PRAGMA cache_size").fetchone()[0], conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        assert before[1] > 0
        size = db_path.stat().st_size
        with store.bulk_write():
            with store.transaction():
                conn.execute("CREATE TABLE filler (x)")
                conn.executemany("INSERT INTO filler VALUES (?)", ((b"\x00" * 3000,) for _ in range(2000)))
            assert db_path.stat().st_size == size  # committed to the WAL alone (6 MB, far past 1,000 pages)
        store.wait_for_checkpoint()
        assert db_path.stat().st_size > size + 6_000_000
        assert (conn.execute("PRAGMA cache_size").fetchone()[0], conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]) == before
        store.close()
        check = sqlite3.connect(db_path)
        assert check.execute("SELECT count(*) FROM filler").fetchone()[0] == 2000
        check.close()
    finally:
        store.close()
