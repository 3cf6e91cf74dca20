"""Bringing an office back when its file does not open: damaged, unreadable or not ours.

Nobody can sign in to a damaged file, so the person restoring signs in to the
*backup*: an administrator of the office as it was then.  The damaged file
(with its -wal and -shm) is renamed aside and never deleted; what SQLite can
still read of it is salvaged into a new file beside it; the chosen backup is
copied into place through SQLite and the restore is recorded in its audit log.

The caller holds the window lock (`window_lock`): nothing else may have the
file open while it is moved aside.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.core.permissions import Permission
from desktop.services import backups
from desktop.services.accounts import sign_in
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.backup import verify_copy
from desktop.store.recovery import SalvageReport, copy_database, copy_facts, readable_settings, salvage

# Why a file needs recovery (StoreError codes raised when it is opened or signed in to).
DAMAGED = ("not_a_database", "cannot_open", "missing")


@dataclass(frozen=True)
class RecoveryBackup:
    """One verified backup as the recovery list shows it."""

    path: Path
    taken_at: datetime
    reason: str
    size: int
    counts: dict[str, int]
    chain_head: str
    office_code: str | None


@dataclass(frozen=True)
class Recovered:
    workspace: Workspace  # signed in to the restored file
    backup: Path
    damaged_kept_as: Path
    salvage: SalvageReport | None


def needs_recovery(exc: BaseException) -> bool:
    return isinstance(exc, StoreError) and exc.code in DAMAGED


def backup_folders(db_path: Path) -> list[Path]:
    """Where this file's backups may be: the folders it still names, and the default beside it."""
    named = readable_settings(db_path, ("backup.folder", "backup.second_folder"))
    found = [Path(named[k]) for k in ("backup.folder", "backup.second_folder") if k in named]
    found.append(db_path.parent / f"{db_path.stem}-backups")
    unique: list[Path] = []
    for folder in found:
        if folder not in unique:
            unique.append(folder)
    return unique


def recovery_backups(db_path: Path) -> list[RecoveryBackup]:
    """The verified backups of this file, newest first (a bad or foreign-looking one is left out)."""
    seen: set[str] = set()
    found: list[RecoveryBackup] = []
    for folder in backup_folders(db_path):
        for b in backups.list_backups(folder):
            if b.path.name in seen:  # the same copy in the second folder
                continue
            try:
                verify_copy(b.path)
                facts = copy_facts(b.path)
            except (StoreError, OSError):
                continue
            seen.add(b.path.name)
            found.append(RecoveryBackup(b.path, b.taken_at, b.reason, b.size, facts.counts, facts.chain_head,
                                        facts.office_code))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def restore_damaged(db_path: Path, backup: Path, username: str, password: str, *,
                    keep_salvage: bool = True) -> Recovered:
    """Put `backup` in place of the damaged file at `db_path`, signed in as an admin of the backup."""
    verify_copy(backup)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    incoming = db_path.with_name(f"{db_path.name}.restoring-{stamp}")
    copy_database(backup, incoming)
    try:
        with sign_in(incoming, username, password) as trial:  # the backup's own accounts decide
            trial.require(Permission.RESTORE)
    except BaseException:
        _remove_with_journal(incoming)
        raise
    kept = _set_aside(db_path, stamp)
    os.replace(incoming, db_path)  # the office has a working file again before anything else is tried
    for suffix in ("-wal", "-shm"):  # a stale journal of the copy must not follow it
        Path(f"{incoming}{suffix}").unlink(missing_ok=True)
    report = None
    if keep_salvage and kept is not None:
        try:
            report = salvage(kept, db_path.with_name(f"{db_path.stem}.salvaged-{stamp}.sqlite3"))
        except (StoreError, OSError):  # best effort: the damaged file itself is kept in any case
            report = None
    ws = sign_in(db_path, username, password)
    try:
        with ws.store.transaction():
            ws.audit("db.restore", detail={
                "from": str(backup), "damaged_kept_as": str(kept or ""),
                "salvaged": str(report.path) if report else "",
                "unreadable": sorted(report.unreadable) if report else [],
            })
    except BaseException:
        ws.close()
        raise
    return Recovered(ws, backup, kept or db_path, report)


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    """Rename the damaged file (and its -wal, -shm) to `<name>.damaged-<stamp>`: kept, never deleted."""
    if not db_path.exists():
        return None
    kept = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = db_path.with_name(f"{db_path.name}.damaged-{stamp}-{n}")
    for suffix in ("-wal", "-shm"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            os.replace(side, f"{kept}{suffix}")
    os.replace(db_path, kept)
    return kept


def _remove_with_journal(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

