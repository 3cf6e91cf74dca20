"""Backups after Anki's design: automatic, before risky operations, verified,
thinned to daily / weekly / monthly copies, optionally mirrored to a second
folder (a USB stick), and restorable from the window or the command line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.private_files import private_folder
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.backup import (
    Anchor, append_anchor, copy_file_safely, office_of_copy, read_anchors, restore_into, verify_copy, write_copy,
)
from desktop.store.recovery import damaged, keep_pages, salvage

REASONS = ("auto", "manual", "before-import", "before-approval", "before-restore", "before-batch-import",
           "before-export")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[a-z\-]+)\.sqlite3$")
KEEP_RECENT, KEEP_DAYS, KEEP_WEEKS, KEEP_MONTHS = 8, 14, 8, 12
AUTO_INTERVAL = timedelta(minutes=30)


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    size: int
    mirror_error: str = ""  # the copy to the second folder failed: why (the command and the window say it)


def backup_folder(ws: Workspace) -> Path:
    configured = ws.store.setting("backup.folder")
    return Path(configured) if configured else ws.store.path.parent / f"{ws.store.path.stem}-backups"


def second_folder(ws: Workspace) -> Path | None:
    configured = ws.store.setting("backup.second_folder")
    return Path(configured) if configured else None


def set_folders(ws: Workspace, *, folder: Path | None, second: Path | None) -> None:
    ws.require(Permission.OFFICE_SETTINGS)
    with ws.store.transaction():
        ws.store.set_setting("backup.folder", str(folder) if folder else "")
        ws.store.set_setting("backup.second_folder", str(second) if second else "")
        ws.audit("backup.settings", detail={"folder": str(folder or ""), "second": str(second or "")})


def list_backups(folder: Path) -> list[Backup]:
    """Our backups in `folder`, newest first (other files are left alone)."""
    found: list[Backup] = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        taken = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        found.append(Backup(path, taken, match["reason"], path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def backups_to_keep(backups: list[Backup], now: datetime) -> set[Path]:
    """The newest few, then the newest of each day, week and month within their windows."""
    keep = {b.path for b in backups[:KEEP_RECENT]}
    seen_days: set[object] = set()
    seen_weeks: set[object] = set()
    seen_months: set[object] = set()
    for b in backups:  # newest first: the first of each bucket is its newest
        age = now - b.taken_at
        day, week, month = b.taken_at.date(), b.taken_at.isocalendar()[:2], (b.taken_at.year, b.taken_at.month)
        if age <= timedelta(days=KEEP_DAYS) and day not in seen_days:
            keep.add(b.path)
        if age <= timedelta(weeks=KEEP_WEEKS) and week not in seen_weeks:
            keep.add(b.path)
        if age <= timedelta(days=31 * KEEP_MONTHS) and month not in seen_months:
            keep.add(b.path)
        seen_days.add(day)
        seen_weeks.add(week)
        seen_months.add(month)
    return keep


def thin(folder: Path, now: datetime | None = None) -> list[Path]:
    backups = list_backups(folder)
    keep = backups_to_keep(backups, now or datetime.now())
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def make_backup(ws: Workspace, reason: str = "manual", *, to: Path | None = None) -> Backup:
    """A verified copy now; `to` overrides the folder (for a one-off copy elsewhere).

    Only an administrator copies the office's data to a folder of their choosing; others may
    name the configured folders.  A folder that is not there is refused, never created, except
    the default one beside the database.
    """
    ws.require(Permission.BACKUP)
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason}")
    if to is not None and not ws.can(Permission.OFFICE_SETTINGS) and not _configured(ws, to):
        raise ServiceError("backup_to_not_allowed", user=ws.actor.username, path=to)
    folder = to or backup_folder(ws)
    if to is None and not ws.store.setting("backup.folder"):
        private_folder(folder)
    now = datetime.now()
    target = folder / f"{ws.store.path.stem}-{now:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    if target.exists():  # two in one second: keep the first
        return Backup(target, now.replace(microsecond=0), reason, target.stat().st_size)
    for stale in folder.glob(f"{ws.store.path.stem}-*.sqlite3.part"):  # left by a crash mid-backup
        stale.unlink(missing_ok=True)
    entry, head = ws.store.audit_chain_tip()  # the copy holds at least this entry
    was_there = folder.is_dir()
    try:
        copy = write_copy(ws.store.conn, _db_size(ws), target)
        _anchor(ws, folder, Anchor(entry, head, target.name))
    except (OSError, StoreError) as exc:  # a folder that is a file, no permission, an offline share
        if was_there and not folder.is_dir():
            raise StoreError("backup_folder_gone", path=folder) from exc
        if isinstance(exc, StoreError):
            raise
        raise StoreError("backup_failed", path=target, detail=_why(exc, folder)) from exc
    mirrored = mirror_error = ""
    mirror = second_folder(ws)
    if mirror is not None and to is None:
        was_there = mirror.is_dir()
        try:
            copy_file_safely(target, mirror / target.name)  # a stick pulled out: refused, never created
            _anchor(ws, mirror, Anchor(entry, head, target.name))
            thin(mirror, now)
            mirrored = str(mirror)
        except (OSError, StoreError) as exc:  # a stick that is not there must not stop the backup
            if was_there and not mirror.is_dir():  # pulled out while the copy was written
                exc = StoreError("backup_folder_gone", path=mirror)
            mirror_error = str(exc) if isinstance(exc, StoreError) else f"{mirror / target.name}：{_why(exc, mirror)}"
            mirrored = f"failed: {mirror_error}"
    if to is None:
        thin(folder, now)
    with ws.store.transaction():
        ws.store.set_setting("backup.last_good", json.dumps(
            {"path": str(target), "at": now.isoformat(timespec="seconds"), "size": copy.size}, ensure_ascii=False))
        ws.audit("db.backup", detail={"file": target.name, "reason": reason, "size": copy.size,
                                      "mirror": mirrored})
    return Backup(target, now.replace(microsecond=0), reason, copy.size, mirror_error)


def _configured(ws: Workspace, folder: Path) -> bool:
    chosen = [f for f in (backup_folder(ws), second_folder(ws)) if f is not None]
    return any(folder.resolve() == f.resolve() for f in chosen)


def _anchor(ws: Workspace, folder: Path, anchor: Anchor) -> None:
    """The chain's head beside the backups: an editor of the database cannot reach it (issue 11)."""
    append_anchor(folder, ws.store.path.stem, anchor, datetime.now().isoformat(timespec="seconds"))


def recorded_anchors(ws: Workspace) -> list[Anchor]:
    """The heads recorded beside this file's backups since its last restore (a restore starts over)."""
    found: list[Anchor] = []
    for folder in (backup_folder(ws), second_folder(ws)):
        if folder is None or not folder.is_dir():
            continue
        records = read_anchors(folder, ws.store.path.stem)
        starts = [i for i, a in enumerate(records) if a.kind == "restore"]
        found += records[starts[-1] if starts else 0:]
    return found


def _why(exc: OSError, folder: Path) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return f"{folder} 不是可用的文件夹（同名的文件挡住了它）"
    if isinstance(exc, PermissionError):
        return f"没有写入 {folder} 的权限"
    return os_reason(exc)


def _db_size(ws: Workspace) -> int:
    path = ws.store.path
    wal = Path(f"{path}-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def last_good_backup(ws: Workspace) -> dict[str, object] | None:
    raw = ws.store.setting("backup.last_good")
    return json.loads(raw) if raw else None


def backup_due(ws: Workspace, now: datetime | None = None) -> bool:
    """For the window's timer: something changed since the last backup, and it is older than the interval."""
    last = last_good_backup(ws)
    if last is None:
        return True
    taken = datetime.fromisoformat(str(last["at"]))
    if (now or datetime.now()) - taken < AUTO_INTERVAL:
        return False
    return ws.store.audit_entries(1)[0]["action"] != "db.backup"


def restore(ws: Workspace, backup: Path) -> Backup:
    """Put a backup back: verify it, back up the present state first, then replace atomically."""
    ws.require(Permission.RESTORE)
    verify_copy(backup)
    other = office_of_copy(backup)
    if other is not None and other != ws.office.code:
        raise StoreError("backup_bad", path=backup, detail=f"属于另一个单位（{other}），不是本单位（{ws.office.code}）的备份")
    kept_damaged, salvaged = False, {}
    try:
        safety = make_backup(ws, "before-restore")
    except StoreError:
        if not damaged(ws.store.conn):
            raise
        # A damaged file fails its own backup's check: keep its pages aside as they are instead.
        stamp = datetime.now()
        kept = keep_pages(ws.store.conn, ws.store.path.with_name(f"{ws.store.path.name}.damaged-{stamp:%Y%m%d-%H%M%S}"))
        safety, kept_damaged = Backup(kept, stamp.replace(microsecond=0), "before-restore", kept.stat().st_size), True
        try:  # best effort: the kept pages are the damaged file in any case
            report = salvage(kept, ws.store.path.with_name(f"{ws.store.path.stem}.salvaged-{stamp:%Y%m%d-%H%M%S}.sqlite3"))
            salvaged = {"salvaged": str(report.path), "unreadable": sorted(report.unreadable)}
        except (StoreError, OSError) as exc:
            salvaged = {"salvage_failed": str(exc) if isinstance(exc, StoreError) else os_reason(exc)}
    try:
        previous_head = ws.store.audit_chain_head()
    except StoreError:
        previous_head = ""
    restore_into(ws.store.conn, backup)
    from desktop.store.db import migrate

    migrate(ws.store.conn, ws.store.path)
    office = ws.store.local_office()
    if office is not None:
        ws.office = office
    user = ws.store.user_by_name(ws.actor.username)
    if user is None or user["id"] != ws.actor.user_id:  # the backup predates this account
        ws.actor = replace(ws.actor, user_id=None)
    with ws.store.transaction():
        if not kept_damaged:
            # The restored settings hold the backup's own "last good backup"; the
            # safety copy just made is the newest verified one.
            ws.store.set_setting("backup.last_good", json.dumps(
                {"path": str(safety.path), "at": safety.taken_at.isoformat(timespec="seconds"), "size": safety.size},
                ensure_ascii=False))
        ws.audit("db.restore", detail={"from": str(backup), "safety_copy": "" if kept_damaged else str(safety.path),
                                       "damaged_kept_as": str(safety.path) if kept_damaged else "",
                                       "replaced_chain_head": previous_head, **salvaged})
    entry, head = ws.store.audit_chain_tip()
    try:
        _anchor(ws, backup_folder(ws), Anchor(entry, head, backup.name, kind="restore"))
    except OSError:  # the data is back; the next backup records the head again
        pass
    return safety
