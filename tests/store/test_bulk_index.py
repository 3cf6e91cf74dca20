"""Indexes built after a large insert into a (nearly) empty table (desktop/store/bulk_index.py, a province's first batch):
the same indexes after, a rollback or a failure brings them back, a duplicate is still refused,
and a table holding more rows than are added keeps the ordinary way."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store import bulk_index

SCHEMA = """
CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT, phone TEXT);
CREATE INDEX t_name ON t (name);
CREATE INDEX t_tail ON t (substr(phone, -4));
CREATE INDEX t_long ON t (name) WHERE length(name) > 3;
CREATE UNIQUE INDEX t_phone ON t (phone);
"""


_OPENED: list[sqlite3.Connection] = []


@pytest.fixture(autouse=True)
def _closed_after() -> Iterator[None]:
    yield
    while _OPENED:
        _OPENED.pop().close()


def _conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    _OPENED.append(conn)  # closed after the test
    conn.executescript(SCHEMA)
    return conn


def _indexes(conn: sqlite3.Connection) -> list[tuple[str, str | None]]:
    return [tuple(r) for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")]


def _rows(n: int, start: int = 0) -> list[tuple[str, str, str]]:
    return [(f"c{i:06d}", f"名{i % 97}" * (1 + i % 3), f"1390000{i:05d}") for i in range(start, start + n)]


def _insert(conn: sqlite3.Connection, rows: list[tuple[str, str, str]]) -> None:
    conn.executemany("INSERT INTO t (code, name, phone) VALUES (?, ?, ?)", rows)


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_index, "MIN_ROWS", 10)


def test_the_plain_indexes_are_built_after_and_are_the_same(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.db")
    before = _indexes(conn)
    seen: list[list[str]] = []
    conn.execute("BEGIN")
    with bulk_index.built_after(conn, ["t"], 500):
        seen.append([name for name, _ in _indexes(conn)])
        _insert(conn, _rows(500))
    conn.execute("COMMIT")
    assert "t_name" not in seen[0] and "t_tail" not in seen[0] and "t_long" not in seen[0]
    assert "t_phone" in seen[0]  # UNIQUE: kept, so a duplicate is refused by the INSERT
    assert _indexes(conn) == before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM t INDEXED BY t_tail WHERE substr(phone, -4) = '0042'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM t INDEXED BY t_long WHERE length(name) > 3").fetchone()[0] == sum(
        1 for _, name, _ in _rows(500) if len(name) > 3)


def test_a_failure_inside_builds_them_again_and_a_rollback_keeps_them(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.db")
    before = _indexes(conn)
    conn.execute("BEGIN")
    with pytest.raises(sqlite3.IntegrityError):
        with bulk_index.built_after(conn, ["t"], 500):
            _insert(conn, _rows(300) + _rows(1))  # the UNIQUE code and phone refuse the repeated row
    assert _indexes(conn) == before
    conn.execute("ROLLBACK")
    assert _indexes(conn) == before and conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_a_table_holding_more_rows_than_are_added_keeps_the_ordinary_way(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.db")
    _insert(conn, _rows(600))
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("BEGIN")
    with bulk_index.built_after(conn, ["t"], 500):
        _insert(conn, _rows(500, start=600))
    with bulk_index.built_after(conn, ["t"], 9):  # and a small insert, into any table
        _insert(conn, _rows(9, start=1100))
    conn.execute("COMMIT")
    assert conn.execute("PRAGMA schema_version").fetchone()[0] == version
    with pytest.raises(RuntimeError):
        with bulk_index.built_after(conn, ["t"], 500):
            pass  # outside a transaction: refused


def test_what_analyze_learnt_is_kept(tmp_path: Path) -> None:
    conn = _conn(tmp_path / "a.db")
    _insert(conn, _rows(50))
    conn.execute("ANALYZE")
    stats = sorted(conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall())
    assert any(idx == "t_name" for _, idx, _ in stats)
    conn.execute("BEGIN")
    with bulk_index.built_after(conn, ["t"], 500):
        _insert(conn, _rows(500, start=50))
    conn.execute("COMMIT")
    assert sorted(conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()) == stats
