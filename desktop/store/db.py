"""Open the office's SQLite file and bring its schema up to date.

Migrations are the numbered ``db/NNNN_name.sql`` files, applied in order,
each in its own transaction together with ``PRAGMA user_version``.  Before
an existing file is migrated, a consistent copy is taken with SQLite's
backup API.  A file written by a newer version is refused untouched.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop import __version__
from desktop.core.pinyin_order import enterprise_sort_key, person_sort_key
from desktop.private_files import make_private, new_private_file, private_folder
from desktop.resources import migrations_dir
from desktop.store import seals
from desktop.store.errors import NewerSchemaError, StoreError

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
APPLICATION_ID = 0x4C58_4945  # "LXIE": marks the file as ours (PRAGMA application_id)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def available_migrations(folder: Path | None = None) -> list[Migration]:
    folder = folder or migrations_dir()
    found: list[Migration] = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name not understood: {path}")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps: {versions}")
    return found


def now_iso() -> str:
    """Local time with its offset, to the second: what the audit log and rows record."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def translate_error(exc: sqlite3.Error, path: Path | str, *, opening: bool = False) -> StoreError:
    """Turn SQLite's environment errors into messages a clerk can act on."""
    text = str(exc).lower()
    if "database is locked" in text or "database table is locked" in text:
        return StoreError("locked", path=path)
    if "readonly" in text or "read-only" in text:
        return StoreError("read_only", path=path)
    if "disk is full" in text:
        return StoreError("disk_full", path=path)
    if "file is not a database" in text or "malformed" in text:
        return StoreError("not_a_database", path=path)
    log.warning("SQLite error on %s: %s", path, exc)
    detail = sqlite_reason(text)
    if opening:
        return StoreError("cannot_open", path=path, detail=detail)
    return StoreError("write_failed", path=path, detail=detail)


def sqlite_reason(text: str) -> str:
    """A Chinese phrase for SQLite's (English) error text; the text itself goes to the log."""
    text = text.lower()
    for needle, reason in (("unable to open", "文件无法打开（文件夹不存在或没有权限）"),
                           ("disk i/o", "磁盘读写出错（U 盘或网络盘可能已断开）"),
                           ("no such table", "数据库缺少应有的表（不是本程序的数据库，或已损坏）"),
                           ("constraint", "数据不符合数据库的规则"), ("interrupt", "操作被中断"),
                           ("out of memory", "内存不足"), ("too big", "数据过大")):
        if needle in text:
            return reason
    return "数据库出错（详细原因已写入日志）"


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=5.0, check_same_thread=False,
        detect_types=0,
    )
    conn.row_factory = sqlite3.Row
    register_functions(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def register_functions(conn: sqlite3.Connection) -> None:
    """The functions the schema's SQL and the store's triggers call, on every connection we open."""
    # Names sort by pinyin through a key column the store writes with these (migration 0008 uses them too).
    conn.create_function("person_sort_key", 1, person_sort_key, deterministic=True)
    conn.create_function("enterprise_sort_key", 1, enterprise_sort_key, deterministic=True)
    seals.register(conn)  # the row digests of the TEMP triggers (desktop/store/seals.py)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_copy(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the open database (SQLite's online backup API)."""
    partial = new_private_file(target.with_name(target.name + ".part"))
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise StoreError("cannot_open", path=target, detail=f"integrity_check: {ok}")
    finally:
        dest.close()
    partial.replace(target)
    return target


def migrate(conn: sqlite3.Connection, path: Path, migrations: list[Migration] | None = None) -> list[int]:
    """Apply the migrations this file lacks; return the versions applied."""
    migrations = available_migrations() if migrations is None else migrations
    supported = migrations[-1].version if migrations else 0
    current = schema_version(conn)
    if current > supported:
        raise NewerSchemaError(path, current, supported)
    pending = [m for m in migrations if m.version > current]
    if not pending:
        return []
    backup: Path | None = None
    if current > 0 and str(path) != ":memory:":
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = backup_copy(conn, path.with_name(f"{path.name}.v{current}-{stamp}.bak"))
    applied: list[int] = []
    for migration in pending:
        seals.install_triggers(conn)  # a migration's own changes to rows are logged like the app's
        try:
            conn.executescript("BEGIN IMMEDIATE;\n" + migration.sql())
            if migration.name == SEALING_MIGRATION:
                _seal_existing(conn)
            conn.execute(
                "INSERT INTO schema_history (version, name, app_version, applied_at) VALUES (?, ?, ?, ?)",
                (migration.version, migration.name, __version__, now_iso()))
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(
                "migration_failed", path=path, version=migration.version,
                detail=sqlite_reason(str(exc)), backup=backup or "-",
            ) from exc
        applied.append(migration.version)
    seals.install_triggers(conn)  # the last migration may have changed the tables (or made the log)
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise StoreError("cannot_open", path=path, detail=f"foreign_key_check: {len(problems)} rows")
    return applied


SEALING_MIGRATION = "row_seals"  # by name: its number is whichever was free when it landed


def _seal_existing(conn: sqlite3.Connection) -> None:
    """Bring the rows already in the file under the row log, bound by an audit entry."""
    from desktop.core.office import Actor
    from desktop.store import audit

    counts = seals.seal_existing(conn)
    if counts:
        audit.append(conn, Actor(username="system"), "db.seal", office_id=None, detail={"rows": counts})


def open_connection(
    path: Path | str, *, create: bool = True, migrations: list[Migration] | None = None
) -> sqlite3.Connection:
    """Open (and if needed create and migrate) the office's database file."""
    path = Path(path)
    migrations = available_migrations() if migrations is None else migrations
    supported = migrations[-1].version if migrations else 0
    new = not path.exists()
    if new:
        if not create:
            raise StoreError("missing", path=path)
        private_folder(path.parent)
    try:
        conn = _connect(path)
        try:
            if new and str(path) != ":memory:":  # SQLite made it just now, empty: the owner's alone before a byte (and -wal, -shm) is written
                make_private(path)
            # The first read checks the header: a file that is not SQLite fails here
            # ("file is not a database") and is left untouched.  Never sniff the file
            # with open(): closing any other handle on it drops ALL of this process's
            # POSIX locks, and another process then deletes the WAL under our other
            # connections (sqlite.org/howtocorrupt.html, 2.2).
            app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            if app_id not in (0, APPLICATION_ID):
                raise StoreError("not_a_database", path=path)
            found = schema_version(conn)
            if found > supported:  # refuse before touching the file
                raise NewerSchemaError(path, found, supported)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError("cannot_open", path=path, detail=f"journal_mode={mode}")
            # FULL: a power cut never loses a transaction the clerk saw succeed.
            conn.execute("PRAGMA synchronous = FULL")
            if app_id == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrate(conn, path, migrations)
            seals.install_triggers(conn)
        except BaseException:
            conn.close()
            raise
    except sqlite3.Error as exc:
        raise translate_error(exc, path, opening=True) from exc
    return conn


def checkpoint(path: Path) -> None:
    """Copy what the WAL holds into the database file, on a connection of its own (any thread).
    PASSIVE: it never waits for or blocks the app's connection; what it leaves, SQLite's next
    automatic checkpoint copies."""
    if str(path) == ":memory:":
        return
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=rw", uri=True, timeout=5.0)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
    except sqlite3.Error:  # busy, gone, read-only: only a copy SQLite also makes later
        pass


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All or nothing: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error."""
    if conn.in_transaction:
        raise RuntimeError("nested transaction")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after e.g. SQLITE_FULL
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
