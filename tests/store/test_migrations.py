"""The schema: fresh files, upgrades from the previous version, refusal of newer files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.store import NewerSchemaError, Store, StoreError
from desktop.store.db import APPLICATION_ID, Migration, available_migrations, open_connection

EXPECTED_TABLES = {
    "schema_history", "offices", "settings", "users", "enterprises", "audit_log", "applications",
    "persons", "roster_imports", "employments", "decisions", "letters", "batches", "batch_items", "letter_files",
}


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migrations_are_numbered_without_gaps() -> None:
    migrations = available_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert len(migrations) >= 2


def test_fresh_database_has_every_table_wal_and_foreign_keys(db_path: Path) -> None:
    conn = open_connection(db_path)
    try:
        assert EXPECTED_TABLES <= tables(conn)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == available_migrations()[-1].version
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        history = conn.execute("SELECT version FROM schema_history ORDER BY version").fetchall()
        assert [r[0] for r in history] == [m.version for m in available_migrations()]
    finally:
        conn.close()
    # A fresh file is not "migrated from" anything: no backup copy.
    assert not list(db_path.parent.glob("*.bak"))


def test_upgrade_from_previous_schema_keeps_data_and_takes_a_copy(db_path: Path) -> None:
    migrations = available_migrations()
    previous = migrations[:-1]
    conn = open_connection(db_path, migrations=previous)
    conn.execute(
        "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
        " VALUES ('222401', '延吉市就业服务局', 'county', '延吉人社劳协确', 1, 'now', 'now')"
    )
    conn.execute(
        "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at, updated_at)"
        " VALUES (1, '91110000600037341L', '甲公司', '222401', 'other', 30, 'now', 'now')"
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == previous[-1].version
    conn.close()

    store = Store.open(db_path)
    try:
        assert store.schema_version() == migrations[-1].version
        assert EXPECTED_TABLES <= tables(store.conn)
        office = store.local_office()
        assert office is not None and office.name == "延吉市就业服务局"
        assert store.enterprise_by_uscc(office.id, "91110000600037341L") is not None
    finally:
        store.close()
    backups = list(db_path.parent.glob(f"{db_path.name}.v{previous[-1].version}-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    try:
        assert old.execute("PRAGMA user_version").fetchone()[0] == previous[-1].version
        assert old.execute("SELECT count(*) FROM enterprises").fetchone()[0] == 1
    finally:
        old.close()


def test_newer_database_is_refused_untouched(db_path: Path) -> None:
    open_connection(db_path).close()
    newer = available_migrations()[-1].version + 1
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {newer}")
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerSchemaError) as caught:
        Store.open(db_path)
    assert caught.value.found == newer
    assert "更新版本" in str(caught.value)
    assert db_path.read_bytes() == before


def test_failed_migration_rolls_back_and_reports(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for m in available_migrations():
        shutil.copy(m.path, folder / m.path.name)
    good = available_migrations(folder)
    open_connection(db_path, migrations=good).close()
    broken = folder / f"{len(good) + 1:04d}_broken.sql"
    broken.write_text("CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;\n", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        open_connection(db_path, migrations=available_migrations(folder))
    assert caught.value.code == "migration_failed"
    conn = sqlite3.connect(db_path)
    try:
        assert "half_done" not in tables(conn)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == good[-1].version
    finally:
        conn.close()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04 not sqlite at all" * 10)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.code == "not_a_database"
    assert path.read_bytes() == b"PK\x03\x04 not sqlite at all" * 10


def test_another_applications_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA application_id = 12345")
    raw.execute("CREATE TABLE t (x)")
    raw.close()
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert caught.value.code == "not_a_database"


def test_migration_names_must_match_the_pattern(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("", encoding="utf-8")
    with pytest.raises(RuntimeError):
        available_migrations(tmp_path)


def test_migration_is_a_value() -> None:
    m = available_migrations()[0]
    assert isinstance(m, Migration) and m.sql().strip()


def test_migration_8_fills_the_pinyin_sort_keys_of_existing_names(db_path: Path) -> None:
    from desktop.core.pinyin_order import enterprise_sort_key, person_sort_key

    version = next(m.version for m in available_migrations() if m.name == "name_sort_keys")
    conn = open_connection(db_path, migrations=available_migrations()[:version - 1])
    conn.execute(
        "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
        " VALUES ('222401', '延吉市就业服务局', 'county', '延吉人社劳协确', 1, 'now', 'now')"
    )
    for n, name in enumerate(["延吉市长白山食品有限公司", "延吉市北山冷面餐饮有限公司"]):
        conn.execute(
            "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
            f" updated_at) VALUES (1, '9122240100000000{n}X', ?, '222401', 'other', 30, 'now', 'now')", (name,))
    conn.execute("INSERT INTO persons (id_number, name, created_at, updated_at)"
                 " VALUES ('222401199001011234', '单田芳', 'now', 'now')")
    conn.close()

    conn = open_connection(db_path)
    try:
        keys = dict(conn.execute("SELECT name, name_key FROM enterprises").fetchall())
        assert keys == {name: enterprise_sort_key(name) for name in keys}
        assert [r[0] for r in conn.execute("SELECT name FROM enterprises ORDER BY name_key")] == [
            "延吉市北山冷面餐饮有限公司", "延吉市长白山食品有限公司"]
        assert conn.execute("SELECT name_key FROM persons").fetchone()[0] == person_sort_key("单田芳")
    finally:
        conn.close()


def test_a_salvage_from_a_file_before_migration_8_gets_its_sort_keys(db_path: Path, tmp_path: Path) -> None:
    from desktop.core.pinyin_order import person_sort_key
    from desktop.store.recovery import salvage

    version = next(m.version for m in available_migrations() if m.name == "name_sort_keys")
    conn = open_connection(db_path, migrations=available_migrations()[:version - 1])
    conn.execute("INSERT INTO persons (id_number, name, created_at, updated_at)"
                 " VALUES ('222401199001011234', '曾敏', 'now', 'now')")
    conn.close()
    report = salvage(db_path, tmp_path / "salvaged.sqlite3")
    conn = sqlite3.connect(report.path)
    try:
        assert conn.execute("SELECT name_key FROM persons").fetchone()[0] == person_sort_key("曾敏")
    finally:
        conn.close()
