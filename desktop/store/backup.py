"""Verified copies of the database file, and putting one back.

A copy is written with ``VACUUM INTO`` to a ``.part`` file, checked with
``PRAGMA integrity_check`` (and for being ours, of a version we can read),
flushed to disk, and only then renamed: a half-written or bad copy never
looks like a backup.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop.private_files import PRIVATE_FILE, new_private_file
from desktop.store.db import APPLICATION_ID, available_migrations, sqlite_reason
from desktop.store.errors import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedCopy:
    path: Path
    size: int
    schema_version: int


def _fsync(path: Path) -> None:
    # Opened for writing: on Windows os.fsync is FlushFileBuffers, which refuses
    # a read-only handle ("access denied"), so every backup failed there.
    with path.open("r+b") as handle:
        os.fsync(handle.fileno())


def verify_copy(path: Path) -> VerifiedCopy:
    """Open a copy read-only and check it through; StoreError when it is not a good backup."""
    if not path.is_file():
        raise StoreError("backup_bad", path=path, detail="文件不存在")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        log.warning("verify %s: %s", path, exc)
        raise StoreError("backup_bad", path=path, detail=sqlite_reason(str(exc))) from exc
    if app_id != APPLICATION_ID:
        raise StoreError("backup_bad", path=path, detail="不是劳协数据库")
    if result != ["ok"]:
        raise StoreError("backup_bad", path=path, detail="；".join(result[:5]))
    supported = available_migrations()[-1].version
    if version > supported:
        raise StoreError("backup_bad", path=path, detail=f"由更新版本写入（第 {version} 版）")
    return VerifiedCopy(path, path.stat().st_size, version)


def ensure_free_space(folder: Path, needed: int) -> None:
    """Enough room in `folder`, which must exist: a backup folder that is not there (a USB stick
    pulled out, a share not mounted) is never created on the local disk in its place."""
    if folder.exists() and not folder.is_dir():
        raise StoreError("backup_failed", path=folder, detail=f"{folder} 不是可用的文件夹（同名的文件挡住了它）")
    if not folder.is_dir():
        raise StoreError("backup_folder_missing", path=folder)
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise StoreError("disk_low", path=folder, free_mb=free // 2**20, needed_mb=max(1, needed // 2**20))


def write_copy(conn: sqlite3.Connection, source_size: int, target: Path) -> VerifiedCopy:
    """A checked copy of the open database at `target` (never half-written)."""
    ensure_free_space(target.parent, source_size * 2 + 16 * 2**20)
    partial = target.with_name(target.name + ".part")
    try:
        new_private_file(partial)  # empty and the owner's alone: VACUUM INTO fills an empty file
        conn.execute("VACUUM INTO ?", (str(partial),))
        _fsync(partial)
        copy = verify_copy(partial)
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        text = str(exc).lower()
        if "full" in text:
            raise StoreError("disk_full", path=target) from exc
        log.warning("backup to %s: %s", target, exc)
        raise StoreError("backup_failed", path=target, detail=sqlite_reason(str(exc))) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return VerifiedCopy(target, copy.size, copy.schema_version)


def copy_file_safely(source: Path, target: Path) -> Path:
    """Copy to a second place (a USB stick): temp name, flush, rename."""
    ensure_free_space(target.parent, source.stat().st_size + 4 * 2**20)
    partial = target.with_name(target.name + ".part")
    try:
        shutil.copyfile(source, new_private_file(partial))  # copyfile keeps the mode of a file it overwrites
        _fsync(partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def restore_into(conn: sqlite3.Connection, backup: Path) -> None:
    """Replace the open database's content with the backup's (SQLite's backup API, atomic)."""
    verify_copy(backup)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(conn)
    finally:
        source.close()


def office_of_copy(path: Path) -> str | None:
    """The code of the office a backup belongs to (None when it has none)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT code FROM offices WHERE is_local = 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


# -- anchors: the audit chain's head, kept outside the database ---------------------------------
@dataclass(frozen=True)
class Anchor:
    """An audit entry's hash (or the start of it) recorded where an editor of the file cannot reach."""

    entry: int
    head: str  # the full hash, or a prefix written down by hand
    source: str  # the backup's file name, or the fingerprint as written
    kind: str = "backup"  # "backup", "restore" (later records only count from here) or "noted"


def anchor_ledger(folder: Path, stem: str) -> Path:
    return folder / f"{stem}-anchors.jsonl"


def append_anchor(folder: Path, stem: str, anchor: Anchor, at: str) -> None:
    """One JSON line in the folder's ledger, flushed to disk (a line that fails to parse is skipped)."""
    line = json.dumps({"kind": anchor.kind, "entry": anchor.entry, "head": anchor.head,
                       "source": anchor.source, "at": at}, ensure_ascii=False)
    fd = os.open(anchor_ledger(folder, stem), os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_anchors(folder: Path, stem: str) -> list[Anchor]:
    """The ledger's records in order; unreadable lines (a crash mid-write) are left out."""
    path = anchor_ledger(folder, stem)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        try:
            record = json.loads(line)
            found.append(Anchor(int(record["entry"]), str(record["head"]), str(record["source"]),
                                str(record.get("kind", "backup"))))
        except (ValueError, KeyError, TypeError):
            continue
    return found
