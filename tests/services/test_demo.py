"""The demo database: realistic, valid, reproducible."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.identifiers import parse_id_number
from desktop.core.size import EnterpriseSize
from desktop.services.demo import build_demo
from desktop.services.enterprises import enterprise_size, list_enterprises
from desktop.services.errors import ServiceError
from desktop.services.accounts import sign_in
from tests.conftest import PASSWORD
from desktop.store.audit import verify_chain


def test_demo_has_every_size_and_valid_workers(db_path: Path) -> None:
    summary = build_demo(db_path, password=PASSWORD)
    assert summary.enterprises >= 20 and 200 <= summary.workers <= 1000 and summary.priority_workers > 10
    with sign_in(db_path, "clerk", PASSWORD) as ws:
        sizes = {enterprise_size(ws, e).size for e in list_enterprises(ws)}  # type: ignore[union-attr]
        assert sizes == set(EnterpriseSize)
        numbers = [r[0] for r in ws.store.conn.execute("SELECT id_number FROM persons")]
        assert len(numbers) == summary.workers
        for number in numbers:
            parse_id_number(number)
        hukou = {r[0] for r in ws.store.conn.execute("SELECT hukou_code FROM employments")}
        assert all(ws.areas.by_code(code) is not None for code in hukou)
        assert verify_chain(ws.store.conn) == []
        assert ws.store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_demo_is_reproducible(tmp_path: Path) -> None:
    a, b = build_demo(tmp_path / "a.sqlite3", password=PASSWORD), build_demo(tmp_path / "b.sqlite3", password=PASSWORD)
    with sign_in(a.path, "admin", PASSWORD) as wa, sign_in(b.path, "admin", PASSWORD) as wb:
        assert [e.uscc for e in list_enterprises(wa)] == [e.uscc for e in list_enterprises(wb)]


def test_demo_never_overwrites(office_db: Path) -> None:
    with pytest.raises(ServiceError) as caught:
        build_demo(office_db, password=PASSWORD)
    assert caught.value.code == "demo_exists"
