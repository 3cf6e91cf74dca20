"""Personal data stays private on disk, and backups go where they should (issue 11, items 4 and 6)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.services import backups
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError
from desktop.services.offices import initialise_office
from desktop.store import StoreError
from desktop.store.lock import InstanceLock
from tests.conftest import PASSWORD

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what would make new files readable by everyone
    yield
    os.umask(old)


@posix_only
def test_the_database_its_journal_and_backups_are_the_owners_alone(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "new" / "office" / "office.sqlite3"
    initialise_office(db, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    stick = tmp_path / "stick"
    stick.mkdir()
    with sign_in(db, "admin", PASSWORD) as ws:
        assert {mode(p) for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"))} == {"0o600"}
        backups.set_folders(ws, folder=None, second=stick)
        made = backups.make_backup(ws, "manual")
    assert mode(db.parent) == mode(db.parent.parent) == "0o700"
    assert mode(made.path.parent) == "0o700" and mode(made.path) == "0o600"
    assert mode(stick / made.path.name) == "0o600"


def test_a_backup_folder_that_is_not_there_is_refused_not_made(admin_ws: object, tmp_path: Path) -> None:
    gone = tmp_path / "usb-stick" / "laoxie"  # the stick was pulled out
    with pytest.raises(StoreError) as caught:
        backups.make_backup(admin_ws, "manual", to=gone)  # type: ignore[arg-type]
    assert caught.value.code == "backup_folder_missing" and "不存在" in str(caught.value)
    backups.set_folders(admin_ws, folder=gone, second=None)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        backups.make_backup(admin_ws, "auto")  # type: ignore[arg-type]
    assert not (tmp_path / "usb-stick").exists()


def test_backup_to_a_folder_of_ones_choosing_is_for_the_admin(
    office_db: Path, workspace: object, admin_ws: object, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(ServiceError) as caught:
        backups.make_backup(workspace, "manual", to=elsewhere)  # type: ignore[arg-type]
    assert caught.value.code == "backup_to_not_allowed" and list(elsewhere.iterdir()) == []
    assert backups.make_backup(admin_ws, "manual", to=elsewhere).path.parent == elsewhere  # type: ignore[arg-type]
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.set_folders(admin_ws, folder=None, second=stick)  # type: ignore[arg-type]
    made = backups.make_backup(workspace, "manual", to=stick)  # type: ignore[arg-type]
    assert made.path.parent == stick  # a configured folder is the clerk's to use


def test_a_failed_copy_to_the_second_folder_is_in_the_commands_output(
    office_db: Path, admin_ws: object, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    backups.set_folders(admin_ws, folder=None, second=stick)  # type: ignore[arg-type]
    shutil.rmtree(stick)  # pulled out
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    code = main(["--db", str(office_db), "--user", "clerk", "db", "backup"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "已备份并校验" in out and "复制到第二备份文件夹失败" in out and str(stick) in out
    assert not stick.exists()
    code = main(["--db", str(office_db), "--user", "clerk", "db", "backup", "--to", str(tmp_path)])
    assert code == EXIT_FAILED and "须由管理员操作" in capsys.readouterr().err


@posix_only
def test_the_lock_file_beside_the_database_is_the_owners_alone(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "new" / "office.sqlite3"
    with InstanceLock(db) as lock:
        assert mode(lock.path) == "0o600" and mode(db.parent) == "0o700"
    older = tmp_path / "older.sqlite3"
    Path(f"{older}.lock").write_bytes(b"123")  # left readable by everyone by an earlier version
    with InstanceLock(older) as lock:
        assert mode(lock.path) == "0o600" and lock.path.read_bytes() == str(os.getpid()).encode("ascii")
