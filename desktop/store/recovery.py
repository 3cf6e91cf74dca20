"""What SQLite can still tell about a damaged file, and copies made through SQLite only.

Used when the office's file does not open (damaged, unreadable, not ours):
the backups' contents for choosing one, the backup folders the damaged file
still names, a fresh working copy of a backup, and a salvage of every row
that can still be read into a new file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from desktop.private_files import make_private, new_private_file
from desktop.store.audit import GENESIS
from desktop.store.db import open_connection

# The office's record, counted for each backup in the recovery list.
COUNTED = ("enterprises", "employments", "applications", "letters", "audit_log")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


@dataclass(frozen=True)
class CopyFacts:
    counts: dict[str, int]
    chain_head: str
    office_code: str | None


def copy_facts(path: Path) -> CopyFacts:
    """Counts, audit-chain head and office of a (verified) backup, read without changing it."""
    conn = _read_only(path)
    try:
        counts = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in COUNTED}  # noqa: S608
        head = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        office = conn.execute("SELECT code FROM offices WHERE is_local = 1").fetchone()
    finally:
        conn.close()
    return CopyFacts(counts, str(head[0]) if head else GENESIS, str(office[0]) if office else None)


def readable_settings(path: Path, keys: tuple[str, ...]) -> dict[str, str]:
    """Settings a damaged file still gives up (none when it gives up nothing)."""
    try:
        conn = _read_only(path)
    except sqlite3.Error:
        return {}
    try:
        marks = ",".join("?" * len(keys))
        rows = conn.execute(f"SELECT key, value FROM settings WHERE key IN ({marks})", keys).fetchall()  # noqa: S608
        return {str(k): str(v) for k, v in rows if v}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def copy_database(source: Path, target: Path) -> None:
    """A whole copy of `source` at `target` through SQLite's backup API (source read-only)."""
    src = _read_only(source)
    try:
        dest = sqlite3.connect(target)
        make_private(target)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def damaged(conn: sqlite3.Connection) -> bool:
    """SQLite's quick check finds the open file damaged (or cannot even run)."""
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]
    except sqlite3.DatabaseError:
        return True


def keep_pages(conn: sqlite3.Connection, target: Path) -> Path:
    """Every page of the open (damaged) database, as SQLite reads them, written to a new file.

    VACUUM INTO and the backup API stop at damage; serialising reads pages
    without walking the tables, so the file is kept as it is.
    """
    partial = target.with_name(target.name + ".part")
    new_private_file(partial).write_bytes(conn.serialize())
    partial.replace(target)
    return target


@dataclass
class SalvageReport:
    path: Path
    copied: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    unreadable: dict[str, str] = field(default_factory=dict)  # table -> what stopped the reading

    @property
    def complete(self) -> bool:
        return not self.unreadable


def salvage(damaged: Path, target: Path) -> SalvageReport:
    """Copy every row SQLite can still read from `damaged` into a new file with today's schema.

    Table by table, in rowid order; a table whose reading fails part-way keeps
    the rows read before the failure and is named in `unreadable` with the
    reason.  Foreign keys are not enforced while copying (a parent row may be
    among the lost ones); the new file is never the office's working file.
    """
    report = SalvageReport(target)
    conn = open_connection(target)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name != 'schema_history' ORDER BY name")]
        try:
            source = _read_only(damaged)
        except sqlite3.Error as exc:
            report.unreadable = {t: str(exc) for t in tables}
            return report
        try:
            source.execute("PRAGMA writable_schema = ON")  # skip what is broken in the schema's entries
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            # Closed now: on Windows a connection left to the collector keeps the damaged file open.
            source.close()
            report.unreadable = {t: str(exc) for t in tables}
            return report
        try:
            for table in tables:
                _salvage_table(source, conn, table, report)
        finally:
            source.close()
        # Rows from a file older than migration 0008 come without their pinyin sort keys.
        conn.execute("UPDATE enterprises SET name_key = enterprise_sort_key(name) WHERE name_key = ''")
        conn.execute("UPDATE persons SET name_key = person_sort_key(name) WHERE name_key = ''")
    finally:
        conn.close()
    return report


def _salvage_table(source: sqlite3.Connection, conn: sqlite3.Connection, table: str, report: SalvageReport) -> None:
    ours = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    try:
        theirs = {r[1] for r in source.execute(f"PRAGMA table_info({table})")}
    except sqlite3.Error as exc:
        report.unreadable[table] = str(exc)
        return
    if not theirs:
        return  # a table this (older) file never had
    columns = [c for c in ours if c in theirs]
    names = ", ".join(f'"{c}"' for c in columns)
    copied = 0
    conn.execute("BEGIN")
    try:
        rows = source.execute(f'SELECT {names} FROM "{table}"')  # noqa: S608 - names from the schema
        while True:
            chunk = rows.fetchmany(500)
            if not chunk:
                break
            conn.executemany(f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})',
                             chunk)
            copied += len(chunk)
    except sqlite3.DatabaseError as exc:
        report.unreadable[table] = str(exc)
    finally:
        conn.execute("COMMIT")
    report.copied[table] = copied
