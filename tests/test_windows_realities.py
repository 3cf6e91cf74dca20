"""What Windows does differently, imitated on Linux (make windows-test tries the real thing under Wine)."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import pytest

from desktop.services import backups, keys
from desktop.store import backup as store_backup


def windows_fsync(fd: int) -> None:
    """os.fsync as on Windows: FlushFileBuffers refuses a handle opened for reading only."""
    import fcntl

    if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
        raise PermissionError(errno.EACCES, "Access is denied")
    real_fsync(fd)


real_fsync = os.fsync


def test_a_backup_and_its_second_copy_flush_through_a_handle_windows_accepts(
        workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.platform != "win32":  # on Windows (make windows-test) the real one answers
        monkeypatch.setattr(store_backup.os, "fsync", windows_fsync)
    stick = tmp_path / "U盘 备份"
    stick.mkdir()  # a plugged-in stick: a missing folder is refused, never made on the local disk
    made = backups.make_backup(workspace, "manual")
    assert made.path.is_file() and store_backup.verify_copy(made.path).size > 0
    second = store_backup.copy_file_safely(made.path, stick / made.path.name)
    assert second.read_bytes() == made.path.read_bytes()


@pytest.mark.parametrize("newline", ["\r\n", "\r\r\n", "\n\n"])
def test_a_saved_private_key_comes_back_whatever_happened_to_its_line_ends(
        admin_ws, tmp_path: Path, newline: str) -> None:
    """Windows writes "\r\n"; a text-mode copy of that on Windows has "\r\r\n" (was: invalid armor)."""
    from tests.batches import factory

    protected = factory.key_material("county").protected
    lines = [line for line in protected.splitlines() if line]
    path = tmp_path / "备份 密钥" / "county.key.age"
    path.parent.mkdir()
    path.write_bytes(newline.join(lines).encode("ascii") + newline.encode("ascii"))
    restored = keys.restore_private_key(admin_ws, path, factory.PASSPHRASE)
    assert restored.fingerprint == factory.signing_key("county").public.fingerprint


def pull_out_while_writing(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stick goes away after the copy is written and before it is flushed and checked."""
    real = store_backup._fsync

    def pulled(path: Path) -> None:
        if path.parent == stick:
            for left in stick.iterdir():
                left.unlink()
            stick.rmdir()
        real(path)

    monkeypatch.setattr(store_backup, "_fsync", pulled)


def test_a_stick_pulled_out_during_a_backup_says_so_and_leaves_the_database_whole(
        admin_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.services.dbcheck import check_database
    from desktop.store import StoreError

    stick = tmp_path / "U盘 备份"
    stick.mkdir()
    before = admin_ws.store.audit_entries(1)[0]["id"]
    pull_out_while_writing(stick, monkeypatch)
    with pytest.raises(StoreError) as caught:
        backups.make_backup(admin_ws, "manual", to=stick)
    assert caught.value.code == "backup_folder_gone"
    assert "U 盘被拔出" in str(caught.value) and "数据库本身完好" in str(caught.value)
    assert not stick.exists()  # not made again on the local disk
    assert admin_ws.store.audit_entries(1)[0]["id"] == before and backups.last_good_backup(admin_ws) is None
    assert check_database(admin_ws.store).ok


def test_a_second_copy_whose_stick_is_pulled_out_is_reported_and_the_backup_kept(
        admin_ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stick = tmp_path / "U盘 第二份"
    stick.mkdir()
    backups.set_folders(admin_ws, folder=None, second=stick)
    pull_out_while_writing(stick, monkeypatch)
    made = backups.make_backup(admin_ws, "manual")
    assert made.path.is_file() and "U 盘被拔出" in made.mirror_error
    assert not stick.exists()
