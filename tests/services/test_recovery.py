"""A file that does not open any more is brought back from a backup; nothing is deleted (issue 11, item 2)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import uscc_check_char
from desktop.services import backups, recovery
from desktop.services.accounts import sign_in
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.recovery import SalvageReport
from tests.conftest import PASSWORD

PAGE = 4096


def _uscc(n: int) -> str:
    first17 = f"92222401888{n:06d}"
    return first17 + uscc_check_char(first17)


def _add(ws: Workspace, n: int) -> None:
    add_enterprise(ws, EnterpriseDraft(name=f"企业{n}", uscc=_uscc(n), county_code="222401", industry="other",
                                       staff_total=30))


def truncated(path: Path) -> None:
    with path.open("r+b") as handle:  # no connection is open on it: the test damages a closed file
        handle.truncate(path.stat().st_size * 3 // 4)


def table_pages_overwritten(path: Path, table: str) -> None:
    """Garbage over the pages that hold `table`'s rows (found with SQLite's dbstat), its root kept."""
    conn = sqlite3.connect(path)
    try:
        pages = [r[0] for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
    finally:
        conn.close()
    assert pages, table
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * PAGE)
            handle.write(bytes((page * 37 + i) % 251 for i in range(PAGE)))


def garbage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"\x00not laoxie\x00" * 9)


def assert_salvage_told_truly(report: SalvageReport) -> None:
    """Every table is either copied whole (the count in the new file) or named as not (fully) read."""
    salvaged = sqlite3.connect(report.path)
    try:
        tables = {r[0] for r in salvaged.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")} - {"schema_history"}
        for table in tables:
            rows = salvaged.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert table in report.unreadable or rows >= report.copied[table], table
    finally:
        salvaged.close()


def damaged_office(office_db: Path) -> tuple[Path, Path]:
    """An office with a backup of 3 enterprises, then 40 more, closed; (the backup, the file)."""
    with sign_in(office_db, "admin", PASSWORD) as ws:
        for n in range(3):
            _add(ws, n)
        made = backups.make_backup(ws, "manual")
        for n in range(3, 43):
            _add(ws, n)
    return made.path, office_db


@pytest.mark.parametrize("how", ["truncated", "garbage_header", "audit_pages_overwritten"])
def test_a_file_that_does_not_open_is_restored_kept_aside_and_salvaged(office_db: Path, how: str) -> None:
    backup, db = damaged_office(office_db)
    if how == "audit_pages_overwritten":  # the file opens, but signing in reads the log
        table_pages_overwritten(db, "audit_log")
    else:
        {"truncated": truncated, "garbage_header": garbage_header}[how](db)
    damaged_bytes = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        sign_in(db, "admin", PASSWORD).close()
    assert recovery.needs_recovery(caught.value)

    [listed] = recovery.recovery_backups(db)
    assert listed.path == backup and listed.reason == "manual"
    assert listed.counts["enterprises"] == 3 and listed.counts["audit_log"] > 3
    assert len(listed.chain_head) == 64 and listed.office_code == "222401"

    done = recovery.restore_damaged(db, backup, "admin", PASSWORD)
    try:
        assert done.workspace.store.count_enterprises(done.workspace.office.id) == 3
        entry = done.workspace.store.audit_entries(1)[0]
        assert entry["action"] == "db.restore" and str(done.damaged_kept_as) in entry["detail"]
    finally:
        done.workspace.close()
    assert done.damaged_kept_as.read_bytes() == damaged_bytes  # kept aside, byte for byte
    assert done.damaged_kept_as.name.startswith("office.sqlite3.damaged-")
    report = done.salvage
    assert report is not None and report.path.exists()
    assert_salvage_told_truly(report)
    if how == "garbage_header":
        assert report.copied == {} and "enterprises" in report.unreadable  # nothing readable, and said so
    if how == "audit_pages_overwritten":  # everything but the log is saved, and the log is named
        assert report.copied["enterprises"] == 43 and report.copied["users"] == 3
        assert "audit_log" in report.unreadable and "enterprises" not in report.unreadable
    assert not [p for p in db.parent.iterdir() if ".restoring-" in p.name]


def test_only_an_admin_of_the_backup_restores_and_a_refusal_changes_nothing(office_db: Path) -> None:
    backup, db = damaged_office(office_db)
    garbage_header(db)
    before = db.read_bytes()
    with pytest.raises(ServiceError) as caught:
        recovery.restore_damaged(db, backup, "clerk", PASSWORD)
    assert caught.value.code == "forbidden"
    with pytest.raises(ServiceError) as caught:
        recovery.restore_damaged(db, backup, "admin", "wrong-password")
    assert caught.value.code == "login_failed"
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith("office.sqlite3")) == ["office.sqlite3"]


def test_a_bad_backup_is_not_listed(office_db: Path) -> None:
    backup, db = damaged_office(office_db)
    broken = backup.parent / "office-20991231-235959-auto.sqlite3"  # newer, but half a file
    broken.write_bytes(backup.read_bytes()[: os.path.getsize(backup) // 2])
    garbage_header(db)
    assert [b.path for b in recovery.recovery_backups(db)] == [backup]


def test_a_damaged_file_that_still_opens_is_restored_by_the_admin_and_kept(office_db: Path) -> None:
    from desktop.services.dbcheck import check_database

    backup, db = damaged_office(office_db)
    table_pages_overwritten(db, "enterprises")
    damaged_bytes = db.read_bytes()
    with sign_in(db, "admin", PASSWORD) as ws:  # users, offices and the log still read
        report = check_database(ws.store)  # the integrity check's findings alone: nothing else is trusted
        assert report.findings and report.checked == ["integrity"]
        assert {f.code for f in report.findings} == {"integrity"}
        kept = backups.restore(ws, backup)  # the usual restore: a "before-restore" backup would fail its check
        assert ws.store.count_enterprises(ws.office.id) == 3
        entry = ws.store.audit_entries(1)[0]
        assert entry["action"] == "db.restore" and str(kept.path) in entry["detail"]
        assert check_database(ws.store).ok
    assert kept.path.name.startswith("office.sqlite3.damaged-")
    assert kept.path.read_bytes()[:PAGE] == damaged_bytes[:PAGE]  # the pages as they were
    assert kept.path.stat().st_size == len(damaged_bytes)
    [salvaged] = db.parent.glob("office.salvaged-*.sqlite3")
    conn = sqlite3.connect(salvaged)
    try:
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        enterprises = conn.execute("SELECT count(*) FROM enterprises").fetchone()[0]
    finally:
        conn.close()
    assert users == 3 and enterprises < 43  # what the damage spared is there, and only that
    assert "salvaged" in entry["detail"] and "unreadable" in entry["detail"]


def test_db_restore_on_the_command_line_works_on_a_file_that_does_not_open(
    office_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.cli import EXIT_OK, main

    backup, db = damaged_office(office_db)
    garbage_header(db)
    damaged_bytes = db.read_bytes()
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    code = main(["--db", str(db), "--user", "admin", "db", "restore", str(backup), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert Path(out["damaged_kept_as"]).read_bytes() == damaged_bytes
    assert out["salvage"]["unreadable"] and out["salvage"]["copied"] == {}
    with sign_in(db, "admin", PASSWORD) as ws:
        assert ws.store.count_enterprises(ws.office.id) == 3


def test_the_check_reads_a_file_whose_folder_has_spaces_chinese_and_signs(tmp_path: Path) -> None:
    """The integrity check opens the file again by a URI of its own (checks.integrity_problems_apart)."""
    from desktop.services.dbcheck import check_database
    from desktop.services.offices import initialise_office

    db = tmp_path / "延吉 劳协 #1 %20 (副本)" / "office.sqlite3"
    db.parent.mkdir()
    initialise_office(db, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(db, "admin", PASSWORD) as ws:
        _add(ws, 1)
        report = check_database(ws.store)
    assert report.ok and report.checked[:2] == ["integrity", "foreign_keys"] and "identifiers" in report.checked


def test_every_table_has_a_chinese_name_for_the_salvage_summary(office_db: Path) -> None:
    """What could not be read is told by what it holds (操作日志), never by the file's table name."""
    from desktop.services.dbcheck import TABLE_LABELS

    conn = sqlite3.connect(office_db)
    try:
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")} - {"schema_history"}
    finally:
        conn.close()
    assert sorted(tables - TABLE_LABELS.keys()) == []
