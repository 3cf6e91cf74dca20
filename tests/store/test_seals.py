"""The row seals' fast paths give exactly what their plain definitions give (desktop/store/seals.py):
the log binding formatted inside SQLite, and the digests of a bulk write."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

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


_THINGS = "CREATE TABLE things (id INTEGER PRIMARY KEY, a TEXT NOT NULL, b REAL, c BLOB, d INTEGER DEFAULT 5, e TEXT)"
# 300 new rows: REAL stored from integers, blobs, trailing values equal to their default or not
_NEW_THINGS = (
    "INSERT INTO things (a, b, c, d, e) SELECT 'row ' || value, value * 1000,"
    " CASE WHEN value % 3 = 0 THEN zeroblob(value % 7) END, CASE WHEN value % 2 = 0 THEN 5 ELSE value END,"
    " CASE WHEN value % 5 = 0 THEN '名' END"
    " FROM (WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 300) SELECT value FROM n)"
)
_CHANGE = "UPDATE things SET a = 'changed' WHERE id IN (1, 5)"  # a row from before, and a new one


def _log_of(conn: sqlite3.Connection, bulk: bool) -> list[tuple[object, ...]]:
    """What row_log gains from the writes (rolled back after)."""
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM row_log").fetchone()[0])
    conn.execute("BEGIN IMMEDIATE")
    try:
        if bulk:
            with seals.sealed_in_bulk(conn, ["things"]):
                conn.execute(_NEW_THINGS)
                conn.execute(_CHANGE)
        else:
            conn.execute(_NEW_THINGS)
            conn.execute(_CHANGE)
        assert list(seals.compare_rows(conn)) == []  # every row as logged
        return [tuple(r) for r in conn.execute("SELECT tbl, rid, digest FROM row_log WHERE id > ? ORDER BY id", (top,))]
    finally:
        conn.execute("ROLLBACK")


def test_rows_sealed_in_bulk_log_what_the_triggers_log(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        conn = store.conn
        with store.transaction():
            conn.execute(_THINGS)
        seals.install_triggers(conn)
        with store.transaction():
            conn.execute("INSERT INTO things (a, b) VALUES ('before', 1), ('kept', 2)")
        plain, bulk = _log_of(conn, False), _log_of(conn, True)
        assert len(plain) == len(bulk) == 302  # 300 new rows, 2 changed
        # row 5 is logged as added then changed by the triggers, as changed then with its final digest in bulk
        last = {r[1]: r for r in plain}
        assert {r[1]: r for r in bulk} == last
        assert set(plain) - set(bulk) == {next(r for r in plain if r[1] == 5)}
        # the INSERT trigger is back: a row added afterwards is logged
        with store.transaction():
            conn.execute("INSERT INTO things (a) VALUES ('after')")
        assert conn.execute("SELECT tbl FROM row_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "things"
        assert list(seals.compare_rows(conn)) == []
    finally:
        store.close()


def test_a_failed_bulk_write_leaves_the_triggers(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        conn = store.conn
        before = conn.execute("SELECT name, sql FROM sqlite_temp_master WHERE type = 'trigger' ORDER BY name").fetchall()
        with pytest.raises(sqlite3.IntegrityError), store.transaction():
            with seals.sealed_in_bulk(conn, ["persons"]):
                conn.execute("INSERT INTO persons (id_number, name, created_at, updated_at) VALUES ('1', 'x', '', '')")
        after = conn.execute("SELECT name, sql FROM sqlite_temp_master WHERE type = 'trigger' ORDER BY name").fetchall()
        assert [tuple(r) for r in after] == [tuple(r) for r in before]
        with pytest.raises(ValueError):
            with seals.sealed_in_bulk(conn, ["settings"]):  # keyed by a text: no "above" for new rows
                pass
    finally:
        store.close()
