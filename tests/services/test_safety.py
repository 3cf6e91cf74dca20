"""The office's data survives: verified backups, thinning, restore, checks, locks, full disks."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.core.enterprise import EnterpriseDraft
from desktop.services import backups
from desktop.services.dbcheck import check_database
from desktop.services.enterprises import add_enterprise, count_enterprises
from desktop.services.errors import ServiceError
from desktop.services.privacy import reveal_person, unmask
from desktop.store import Store, StoreError
from desktop.store.backup import verify_copy
from desktop.store.lock import InstanceLock
from tests.conftest import PASSWORD

DRAFT = EnterpriseDraft(name="甲公司", uscc="91110000600037341L", county_code="222401", industry="other",
                        staff_total=30)


def test_backup_is_verified_and_recorded(workspace: Any) -> None:
    add_enterprise(workspace, DRAFT)
    made = backups.make_backup(workspace, "manual")
    assert made.path.exists() and not made.path.with_name(made.path.name + ".part").exists()
    assert verify_copy(made.path).schema_version == workspace.store.schema_version()
    with Store.open(made.path) as copy:
        assert copy.count_enterprises(workspace.office.id) == 1
    last = backups.last_good_backup(workspace)
    assert last is not None and last["path"] == str(made.path)
    assert workspace.store.audit_entries(1)[0]["action"] == "db.backup"
    assert backups.list_backups(backups.backup_folder(workspace))[0].path == made.path


def test_backup_mirrors_to_a_second_folder_and_survives_a_missing_stick(
    admin_ws: Any, tmp_path: Path
) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    backups.set_folders(admin_ws, folder=None, second=stick)
    made = backups.make_backup(admin_ws, "manual")
    assert (stick / made.path.name).exists()
    backups.set_folders(admin_ws, folder=None, second=Path("/nonexistent/usb/stick"))
    made = backups.make_backup(admin_ws, "before-import")  # the stick was pulled: still backed up
    assert made.path.exists()
    assert "failed" in json.loads(admin_ws.store.audit_entries(1)[0]["detail"])["mirror"]


def test_thinning_keeps_recent_daily_weekly_monthly(tmp_path: Path) -> None:
    now = datetime(2026, 11, 24, 12, 0, 0)
    for hours in range(0, 24 * 400, 6):  # a copy every 6 hours for 400 days
        taken = now - timedelta(hours=hours)
        (tmp_path / f"office-{taken:%Y%m%d-%H%M%S}-auto.sqlite3").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not ours", encoding="utf-8")
    backups.thin(tmp_path, now)
    kept = backups.list_backups(tmp_path)
    assert (tmp_path / "notes.txt").exists()
    assert kept[0].taken_at == now  # the newest survives
    days = {b.taken_at.date() for b in kept if now - b.taken_at <= timedelta(days=14)}
    assert len(days) >= 14
    months = {(b.taken_at.year, b.taken_at.month) for b in kept}
    assert len(months) >= 12
    assert len(kept) < 60  # of 1600


def test_restore_puts_the_backup_back_and_keeps_a_safety_copy(
    office_db: Path, admin_ws: Any, workspace: Any
) -> None:
    made = backups.make_backup(admin_ws, "manual")
    add_enterprise(workspace, DRAFT)
    assert count_enterprises(admin_ws) == 1
    safety = backups.restore(admin_ws, made.path)
    assert count_enterprises(admin_ws) == 0
    with Store.open(safety.path) as before:
        assert before.count_enterprises(admin_ws.office.id) == 1
    assert admin_ws.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert admin_ws.store.audit_entries(1)[0]["action"] == "db.restore"
    assert check_database(admin_ws.store).ok
    assert backups.last_good_backup(admin_ws)["path"] == str(safety.path)  # type: ignore[index]


def test_restore_needs_an_admin_and_a_good_file(workspace: Any, admin_ws: Any, tmp_path: Path) -> None:
    made = backups.make_backup(workspace, "manual")
    with pytest.raises(ServiceError) as caught:
        backups.restore(workspace, made.path)
    assert caught.value.code == "forbidden"
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(made.path.read_bytes()[: made.path.stat().st_size // 2])
    with pytest.raises(StoreError) as bad:
        backups.restore(admin_ws, broken)
    assert bad.value.code == "backup_bad"


def test_check_passes_on_a_healthy_database(workspace: Any) -> None:
    add_enterprise(workspace, DRAFT)
    report = check_database(workspace.store)
    assert report.ok, [f.text() for f in report.findings]
    assert {"integrity", "foreign_keys", "audit_chain", "invariants"} <= set(report.checked)


def test_a_row_changed_outside_the_app_is_reported(office_db: Path, workspace: Any) -> None:
    add_enterprise(workspace, DRAFT)
    raw = sqlite3.connect(office_db)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET username = 'mallory' WHERE action = 'enterprise.create'")
    raw.execute("UPDATE enterprises SET uscc = '91110000600037341A'")
    raw.commit()
    raw.close()
    report = check_database(workspace.store)
    assert {f.code for f in report.findings} == {"audit_hash", "bad_uscc", "row_changed", "trigger_missing"}
    assert all(f.text() for f in report.findings)


def test_cli_db_check_exits_non_zero_when_something_is_wrong(
    office_db: Path, capsys: pytest.CaptureFixture[str], cli_env: None
) -> None:
    assert main(["--db", str(office_db), "db", "check", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["check"]["ok"] is True
    raw = sqlite3.connect(office_db)
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE id = 2")
    raw.commit()
    raw.close()
    assert main(["--db", str(office_db), "db", "check"]) == EXIT_FAILED
    assert "被删除" in capsys.readouterr().out


def test_cli_backup_and_restore(office_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    (tmp_path / "u").mkdir()  # a folder of the admin's choosing (never created for them)
    assert main(["--db", str(office_db), "--user", "admin", "db", "backup", "--to", str(tmp_path / "u"),
                 "--json"]) == EXIT_OK
    made = json.loads(capsys.readouterr().out)["backup"]["path"]
    assert main(["--db", str(office_db), "--user", "admin", "db", "restore", made, "--json"]) == EXIT_OK


def test_only_a_permitted_user_unmasks_and_it_is_logged(workspace: Any, approver_ws: Any) -> None:
    ws = workspace
    with ws.store.transaction():
        ids = ws.store.upsert_persons([("11010519491231002X", "张三", "F", "1949-12-31")])
    with pytest.raises(ServiceError) as caught:
        reveal_person(ws, ids["11010519491231002X"])
    assert caught.value.code == "forbidden"
    number, _ = reveal_person(approver_ws, ids["11010519491231002X"], "核对原件")
    assert number == "11010519491231002X"
    entry = approver_ws.store.audit_entries(1)[0]
    assert entry["action"] == "pii.unmask" and "11010519491231002X" not in entry["detail"] + entry["entity_id"]
    with pytest.raises(ServiceError):
        unmask(ws, purpose="导出", subjects=["1"])


def test_every_person_shown_in_full_is_named_in_the_log(approver_ws: Any) -> None:
    """Who saw person X's number: the entry names every person shown, not the first twenty."""
    shown = [str(n) for n in range(101, 126)]  # 25 rows revealed at once
    unmask(approver_ws, purpose="查看完整身份证号码", subjects=shown)
    entry = approver_ws.store.audit_entries(1)[0]
    assert entry["entity_id"].split(",") == shown and json.loads(entry["detail"])["count"] == 25


def test_a_second_window_on_the_same_file_is_refused(db_path: Path) -> None:
    with InstanceLock(db_path):
        with pytest.raises(StoreError) as caught:
            InstanceLock(db_path).acquire()
        assert caught.value.code == "in_use" and "另一个劳协窗口" in str(caught.value)
    InstanceLock(db_path).acquire().release()  # free again once the first closes


def test_a_full_disk_loses_nothing(workspace: Any) -> None:
    add_enterprise(workspace, DRAFT)
    conn = workspace.store.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full now
    with pytest.raises(StoreError) as caught:
        for n in range(200):
            add_enterprise(workspace, replace(DRAFT, name=(f"乙{n}" * 100)[:100], uscc=_uscc(n)))
    assert caught.value.code == "disk_full" and "已有数据完好" in str(caught.value)
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert check_database(workspace.store).ok


def test_low_disk_space_stops_a_backup_cleanly(workspace: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=1024))
    with pytest.raises(StoreError) as caught:
        backups.make_backup(workspace, "manual")
    assert caught.value.code == "disk_low"
    assert backups.list_backups(backups.backup_folder(workspace)) == []


def test_a_locked_database_gets_a_clear_message(office_db: Path, workspace: Any) -> None:
    other = sqlite3.connect(office_db, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    workspace.store.conn.execute("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(StoreError) as caught:
            add_enterprise(workspace, DRAFT)
        assert caught.value.code == "locked"
    finally:
        other.rollback()
        other.close()


def test_a_read_only_database_gets_a_clear_message(office_db: Path) -> None:
    from desktop.store.db import translate_error

    conn = sqlite3.connect(f"{office_db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as raw:
            conn.execute("DELETE FROM settings")
        assert translate_error(raw.value, office_db).code == "read_only"
    finally:
        conn.close()


def _uscc(n: int) -> str:
    from desktop.core.identifiers import uscc_check_char

    first17 = f"91222401{n:09d}"
    return first17 + uscc_check_char(first17)


def test_an_unusable_backup_folder_is_a_clear_message(admin_ws: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        backups.make_backup(admin_ws, "manual", to=blocker / "sub")
    assert caught.value.code in {"backup_failed", "disk_low"} or "备份" in str(caught.value)
