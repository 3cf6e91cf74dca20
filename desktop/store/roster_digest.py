"""What cutting an unchanged re-import short reads and writes (see desktop.services.roster_digest)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.store.store import Store

# The tables a roster preview reads: the enterprise's employments and their persons, and the other
# employers' names (the "works elsewhere" warning).  The app's connections log every change to them
# in row_log (desktop.store.seals); a change since an import's mark means its result may be stale.
DEPENDS_ON = ("employments", "persons", "enterprises")


@dataclass(frozen=True)
class LastImport:
    id: int
    file_name: str
    imported_at: str
    imported_by: str  # the user's display name (or user name); "" when unknown
    reimport: str | None


def last_import(store: Store, enterprise_id: int) -> LastImport | None:
    """The enterprise's newest import not undone, with its re-import record."""
    row = store.conn.execute(
        "SELECT r.id, r.file_name, r.imported_at, coalesce(nullif(u.display_name, ''), u.username, ''), r.reimport"
        " FROM roster_imports r LEFT JOIN users u ON u.id = r.imported_by"
        " WHERE r.enterprise_id = ? AND r.undone_at IS NULL ORDER BY r.id DESC LIMIT 1",
        (enterprise_id,),
    ).fetchone()
    return None if row is None else LastImport(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4])


def log_mark(store: Store) -> int:
    """The newest row_log id: the rows written so far."""
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM row_log").fetchone()[0])


def changed_since(store: Store, mark: int) -> bool:
    """Whether the app changed a row a roster preview reads after ``mark`` (a range scan of the log's key)."""
    marks = ", ".join("?" for _ in DEPENDS_ON)
    return store.conn.execute(
        f"SELECT 1 FROM row_log WHERE id > ? AND tbl IN ({marks}) LIMIT 1", (mark, *DEPENDS_ON),
    ).fetchone() is not None


def save(store: Store, import_id: int, record: str) -> None:
    store.conn.execute("UPDATE roster_imports SET reimport = ? WHERE id = ?", (record, import_id))
