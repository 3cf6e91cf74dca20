"""The audit log is append-only and its hash chain finds rows changed outside the app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.core.office import Actor
from desktop.store import Store
from desktop.store.audit import GENESIS, verify_chain

CLERK = Actor(username="clerk", user_id=None)


def _store_with_entries(path: Path, n: int = 3) -> Store:
    store = Store.open(path)
    for i in range(n):
        with store.transaction():
            store.audit(CLERK, "test.action", office_id=None, entity="thing", entity_id=i, detail={"i": i, "名": "张三"})
    return store


def test_chain_links_every_entry(db_path: Path) -> None:
    store = _store_with_entries(db_path)
    try:
        rows = store.conn.execute("SELECT prev_hash, hash FROM audit_log ORDER BY id").fetchall()
        assert rows[0][0] == GENESIS
        assert all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))
        assert verify_chain(store.conn) == []
        assert store.audit_chain_head() == rows[-1][1]
    finally:
        store.close()


def test_update_and_delete_are_refused_by_the_database(db_path: Path) -> None:
    store = _store_with_entries(db_path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute("UPDATE audit_log SET username = 'x'")
        with pytest.raises(sqlite3.IntegrityError):
            store.conn.execute("DELETE FROM audit_log")
    finally:
        store.close()


def test_a_row_edited_outside_the_app_is_detected(db_path: Path) -> None:
    _store_with_entries(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET detail = '{\"i\":99}' WHERE id = 2")
    raw.commit()
    raw.close()
    store = Store.open(db_path)
    try:
        breaks = verify_chain(store.conn)
        assert [(b.entry_id, b.reason) for b in breaks] == [(2, "hash")]
    finally:
        store.close()


def test_a_deleted_row_is_detected(db_path: Path) -> None:
    _store_with_entries(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE id = 2")
    raw.commit()
    raw.close()
    store = Store.open(db_path)
    try:
        assert [(b.entry_id, b.reason) for b in verify_chain(store.conn)] == [(3, "prev_hash")]
    finally:
        store.close()


def test_audit_outside_a_transaction_is_a_bug(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        with pytest.raises(RuntimeError):
            store.audit(CLERK, "x", office_id=None)
    finally:
        store.close()
