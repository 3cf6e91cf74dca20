"""The suite's own check for sqlite3 connections dropped without close() (tests/conftest.py): Python 3.13,
the Windows build's, warns of them, and on Windows such a connection keeps its file open."""

from __future__ import annotations

import gc
import sqlite3
import sys


def test_a_connection_dropped_unclosed_is_named_with_where_it_was_opened() -> None:
    conn = sqlite3.connect(":memory:")
    tracker = sys.modules[type(conn).__module__]  # the conftest that made connect() track
    conn.execute("SELECT 1").fetchone()
    del conn
    gc.collect()
    try:
        [where] = [place for place in tracker.UNCLOSED if __file__ in place]
        assert "test_a_connection_dropped_unclosed" in where and "sqlite3.connect" in where
    finally:
        # This one was on purpose: the run must not fail for it (any other stays to be reported).
        tracker.UNCLOSED[:] = [place for place in tracker.UNCLOSED if __file__ not in place]


def test_a_closed_connection_is_not_named() -> None:
    conn = sqlite3.connect(":memory:")
    tracker = sys.modules[type(conn).__module__]
    conn.close()
    del conn
    gc.collect()
    assert not [place for place in tracker.UNCLOSED if __file__ in place]
