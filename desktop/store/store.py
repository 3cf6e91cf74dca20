"""The office's database: the only code that speaks SQL.

`Store` owns one connection.  Callers group writes with
``with store.transaction():`` so that a change and its audit entry land
together or not at all.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.office import Actor, Office
from desktop.core.pinyin_order import enterprise_sort_key
from desktop.core.size import EnterpriseSize
from desktop.store import audit, db
from desktop.store.errors import StoreError

_ENTERPRISE_FIELDS = [f.name for f in fields(EnterpriseDraft)]
_EMPLOYMENT_DEFAULTS: dict[str, object] = {
    "hukou_text": "", "job": "", "phone": "", "priority_evidence": "", "contract_type": "fixed",
}


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.closed = False
        self._checkpoint: threading.Thread | None = None

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Store:
        path = Path(path)
        return cls(db.open_connection(path, create=create), path)

    def close(self) -> None:
        self.wait_for_checkpoint()
        self.conn.close()
        self.closed = True

    @contextmanager
    def bulk_write(self, megabytes: int | None = None) -> Iterator[None]:
        """Around one large transaction (an import's 100,000 rows): a larger page cache, and the
        WAL copied into the file after it rather than inside its COMMIT.

        With SQLite's default 2 MB cache the rows and their indexes spill to the WAL mid-transaction
        and take twice as long.  The cache is 64 MB for the new rows and their indexes, plus room for
        the persons' indexes already in the office (:meth:`_persons_index_megabytes`), unless
        ``megabytes`` says otherwise.  SQLite checkpoints inside the COMMIT that leaves the WAL over
        1,000 pages: for an import, tens of MB copied and the file synced before the clerk sees it
        done.  The transaction is durable once its WAL is synced (synchronous=FULL), so here the
        checkpoint runs next, on a connection and thread of its own, while the clerk reads the
        result; :meth:`close` waits for it."""
        conn = self.conn
        if megabytes is None:
            megabytes = 64 + self._persons_index_megabytes()
        cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
        pages = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        conn.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size = {cache}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {pages}")
        if pages > 0 and not conn.in_transaction:
            self.wait_for_checkpoint()
            self._checkpoint = threading.Thread(target=db.checkpoint, args=(self.path,), name="laoxie-checkpoint",
                                                daemon=True)
            self._checkpoint.start()

    def _persons_index_megabytes(self) -> int:
        """The persons' indexes an office has, in MB, at most 192: room in a bulk write's cache.

        The persons are the whole office's (an enterprise's rows are only its employments), and new
        people go into their indexes (ID number, name key, name search, ID tail) at random places:
        100,000 of them touch nearly every page of those indexes once the office holds hundreds of
        thousands.  Without room for those pages a 100,000-row import's cache spilled 62 MB to the
        WAL mid-transaction at 500,000 persons (8 MB in a new office), and the import took longer
        the bigger the office.  The indexes take 94 bytes a person (46 MB at 500,000) and the pages
        split as the new entries go in: 128 bytes a person spill no more than a new office does.
        The largest id stands for the count (no scan).  A new office adds nothing: its first
        import's peak memory is unchanged."""
        top = self.conn.execute("SELECT max(id) FROM persons").fetchone()[0]
        return min(192, int(top or 0) * 128 // 1_000_000)

    def wait_for_checkpoint(self) -> None:
        if self._checkpoint is not None:
            self._checkpoint.join()
            self._checkpoint = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            with db.transaction(self.conn) as conn:
                yield conn
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:  # full disk, locked, read-only, I/O: say so, lose nothing
            raise db.translate_error(exc, self.path) from exc

    @contextmanager
    def errors_translated(self) -> Iterator[None]:
        """Reads outside a transaction: a damaged page becomes StoreError (not_a_database), not a traceback."""
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as exc:
            raise db.translate_error(exc, self.path) from exc

    def data_version(self) -> int:
        """Changes when another connection (a `laoxie` command, the window's worker) commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def schema_version(self) -> int:
        return db.schema_version(self.conn)

    # -- audit -------------------------------------------------------------
    def audit(
        self, actor: Actor, action: str, *, office_id: int | None, entity: str = "",
        entity_id: object = "", detail: dict[str, object] | None = None,
    ) -> str:
        return audit.append(
            self.conn, actor, action, office_id=office_id, entity=entity, entity_id=entity_id, detail=detail
        )

    def audit_chain_head(self) -> str:
        try:
            return audit.chain_head(self.conn)
        except sqlite3.DatabaseError as exc:  # a damaged file
            raise db.translate_error(exc, self.path) from exc

    def audit_chain_tip(self) -> tuple[int, str]:
        """(id, hash) of the newest audit entry."""
        return audit.chain_tip(self.conn)

    def audit_entries(self, limit: int = 200) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def search_audit(
        self, *, username: str | None = None, action_prefix: str | None = None, since: str | None = None,
        until: str | None = None, text: str | None = None, limit: int = 500, offset: int = 0,
        action: str | None = None,
    ) -> tuple[int, list[dict[str, Any]]]:
        """(total matching, one page newest first); `since`/`until` are ISO dates, inclusive."""
        where, params = ["1 = 1"], []  # type: ignore[var-annotated]
        if username:
            where.append("username = ? COLLATE NOCASE")
            params.append(username)
        if action:
            where.append("action = ?")
            params.append(action)
        if action_prefix:
            where.append("action LIKE ? ESCAPE '\\'")
            params.append(_like(action_prefix)[1:])
        if since:
            where.append("substr(at, 1, 10) >= ?")
            params.append(since)
        if until:
            where.append("substr(at, 1, 10) <= ?")
            params.append(until)
        if text:
            where.append("(entity_id LIKE ? ESCAPE '\\' OR detail LIKE ? ESCAPE '\\')")
            params += [_like(text), _like(text)]
        clause = " AND ".join(where)
        total = int(self.conn.execute(f"SELECT count(*) FROM audit_log WHERE {clause}", params).fetchone()[0])
        rows = self.conn.execute(
            f"SELECT id, at, username, action, entity, entity_id, detail FROM audit_log WHERE {clause}"
            " ORDER BY id DESC LIMIT ? OFFSET ?", (*params, limit, offset),
        )
        return total, [dict(r) for r in rows]

    def audit_actions(self) -> list[str]:
        return [str(r[0]) for r in self.conn.execute("SELECT DISTINCT action FROM audit_log ORDER BY action")]

    # -- settings ----------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- offices -----------------------------------------------------------
    def local_office(self) -> Office | None:
        row = self.conn.execute(
            "SELECT id, code, name, kind, letter_prefix FROM offices WHERE is_local = 1"
        ).fetchone()
        return Office(**dict(row)) if row else None

    def insert_local_office(self, code: str, name: str, letter_prefix: str, kind: str = "county") -> Office:
        now = db.now_iso()
        cur = self.conn.execute(
            "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 1, ?, ?)",
            (code, name, kind, letter_prefix, now, now),
        )
        return Office(int(cur.lastrowid or 0), code, name, kind, letter_prefix)

    def update_office(self, office_id: int, *, code: str, name: str, letter_prefix: str) -> None:
        self.conn.execute(
            "UPDATE offices SET code = ?, name = ?, letter_prefix = ?, updated_at = ? WHERE id = ?",
            (code, name, letter_prefix, db.now_iso(), office_id),
        )

    # -- users -------------------------------------------------------------
    def insert_user(self, office_id: int, username: str, role: str, password_hash: str,
                    display_name: str = "", *, must_change_password: bool = False) -> int:
        now = db.now_iso()
        try:
            cur = self.conn.execute(
                "INSERT INTO users (office_id, username, display_name, role, password_hash, must_change_password,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (office_id, username, display_name, role, password_hash, int(must_change_password), now, now),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise StoreError("duplicate", what="用户名", value=username) from exc
            raise
        return int(cur.lastrowid or 0)

    def user_by_name(self, username: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return dict(row) if row else None

    def users(self, office_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, username, display_name, role, active, must_change_password, created_at, updated_at FROM users"
            " WHERE office_id = ? ORDER BY username", (office_id,)
        )
        return [dict(r) for r in rows]

    def count_users(self, office_id: int, role: str | None = None, active_only: bool = True) -> int:
        sql = "SELECT count(*) FROM users WHERE office_id = ?"
        params: list[object] = [office_id]
        if role:
            sql += " AND role = ?"
            params.append(role)
        if active_only:
            sql += " AND active = 1"
        return int(self.conn.execute(sql, params).fetchone()[0])

    def update_user(self, user_id: int, **changes: object) -> None:
        allowed = {"password_hash", "role", "active", "display_name", "must_change_password"}
        if not changes or set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
        assignments = ", ".join(f"{k} = ?" for k in changes)
        self.conn.execute(
            f"UPDATE users SET {assignments}, updated_at = ? WHERE id = ?",
            (*changes.values(), db.now_iso(), user_id),
        )

    # -- enterprises -------------------------------------------------------
    def insert_enterprise(self, office_id: int, draft: EnterpriseDraft) -> int:
        values = _enterprise_values(draft)
        now = db.now_iso()
        columns = ", ".join(_ENTERPRISE_FIELDS)
        marks = ", ".join("?" for _ in _ENTERPRISE_FIELDS)
        try:
            cur = self.conn.execute(
                f"INSERT INTO enterprises (office_id, {columns}, name_key, created_at, updated_at)"
                f" VALUES (?, {marks}, ?, ?, ?)",
                (office_id, *values, enterprise_sort_key(draft.name), now, now),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise self._uscc_taken(office_id, draft.uscc) from exc
            raise
        return int(cur.lastrowid or 0)

    def update_enterprise(self, enterprise_id: int, draft: EnterpriseDraft) -> None:
        assignments = ", ".join(f"{name} = ?" for name in _ENTERPRISE_FIELDS)
        try:
            cur = self.conn.execute(
                f"UPDATE enterprises SET {assignments}, name_key = ?, updated_at = ? WHERE id = ?",
                (*_enterprise_values(draft), enterprise_sort_key(draft.name), db.now_iso(), enterprise_id),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                office = self.conn.execute("SELECT office_id FROM enterprises WHERE id = ?", (enterprise_id,)).fetchone()
                raise self._uscc_taken(int(office[0]) if office else 0, draft.uscc) from exc
            raise
        if cur.rowcount != 1:
            raise StoreError("not_found", what="企业", value=enterprise_id)

    def _uscc_taken(self, office_id: int, uscc: str) -> StoreError:
        """The duplicate credit code, with the enterprise that has it (the clerk looks for that one)."""
        holder = self.conn.execute(
            "SELECT name FROM enterprises WHERE office_id = ? AND uscc = ?", (office_id, uscc)).fetchone()
        shown = f"{uscc}（已登记为“{holder[0]}”）" if holder else uscc
        return StoreError("duplicate", what="统一社会信用代码", value=shown)

    def enterprise(self, enterprise_id: int) -> Enterprise:
        row = self.conn.execute("SELECT * FROM enterprises WHERE id = ?", (enterprise_id,)).fetchone()
        if row is None:
            raise StoreError("not_found", what="企业", value=enterprise_id)
        return _enterprise_from_row(row)

    def enterprise_by_uscc(self, office_id: int, uscc: str) -> Enterprise | None:
        row = self.conn.execute(
            "SELECT * FROM enterprises WHERE office_id = ? AND uscc = ?", (office_id, uscc)
        ).fetchone()
        return _enterprise_from_row(row) if row else None

    def search_enterprises(
        self, office_id: int, text: str = "", *, limit: int = 1000, offset: int = 0
    ) -> list[Enterprise]:
        where, params = _enterprise_filter(office_id, text)
        rows = self.conn.execute(
            f"SELECT * FROM enterprises WHERE {where} ORDER BY name_key, id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [_enterprise_from_row(r) for r in rows]

    def count_enterprises(self, office_id: int, text: str = "") -> int:
        where, params = _enterprise_filter(office_id, text)
        return int(self.conn.execute(f"SELECT count(*) FROM enterprises WHERE {where}", params).fetchone()[0])

    def enterprise_worker_counts(self, office_id: int) -> dict[int, int]:
        rows = self.conn.execute(
            "SELECT e.id, count(m.id) FROM enterprises e LEFT JOIN employments m"
            " ON m.enterprise_id = e.id AND m.active = 1 WHERE e.office_id = ? GROUP BY e.id",
            (office_id,),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    # -- persons and employments ---------------------------------------------
    def upsert_persons(self, persons: list[tuple[str, str, str, str]]) -> dict[str, int]:
        """(id_number, name, sex, birth_date) rows; returns id_number -> person id."""
        now = db.now_iso()
        self.conn.executemany(
            "INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, person_sort_key(?2)) ON CONFLICT (id_number) DO UPDATE SET"
            " name = excluded.name, name_key = excluded.name_key, updated_at = excluded.updated_at"
            " WHERE name <> excluded.name",
            [(*p, now, now) for p in persons],
        )
        ids: dict[str, int] = {}
        numbers = [p[0] for p in persons]
        for start in range(0, len(numbers), 900):
            chunk = numbers[start:start + 900]
            marks = ", ".join("?" for _ in chunk)
            for row in self.conn.execute(
                f"SELECT id_number, id FROM persons WHERE id_number IN ({marks})", chunk
            ):
                ids[str(row[0])] = int(row[1])
        return ids

    def person_contact(self, person_id: int) -> tuple[str, str]:
        """(ID number, the newest phone on any roster) of one person."""
        row = self.conn.execute(
            "SELECT p.id_number, coalesce((SELECT m.phone FROM employments m WHERE m.person_id = p.id"
            " ORDER BY m.updated_at DESC LIMIT 1), '') FROM persons p WHERE p.id = ?", (person_id,)
        ).fetchone()
        if row is None:
            raise StoreError("not_found", what="人员", value=person_id)
        return str(row[0]), str(row[1])

    EMPLOYMENT_COLUMNS = (
        "enterprise_id", "person_id", "hukou_text", "hukou_code", "contract_type", "contract_start",
        "contract_end", "hire_date", "job", "monthly_wage", "paid_months", "social_insurance", "phone",
        "priority_group", "priority_evidence", "priority_claim", "roster_import_id", "source_row",
    )

    def insert_employments(self, rows: list[dict[str, object]]) -> None:
        columns = self.EMPLOYMENT_COLUMNS
        now = db.now_iso()
        self.conn.executemany(
            f"INSERT INTO employments ({', '.join(columns)}, created_at, updated_at)"
            f" VALUES ({', '.join('?' for _ in columns)}, ?, ?)",
            [tuple(r.get(c, _EMPLOYMENT_DEFAULTS.get(c)) for c in columns) + (now, now) for r in rows],
        )

    def count_employments(self, enterprise_id: int) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM employments WHERE enterprise_id = ? AND active = 1", (enterprise_id,)
        ).fetchone()[0])

    # -- applications ----------------------------------------------------------
    def insert_application(
        self, enterprise_id: int, *, loan_type: str, amount_wan: float | None, applied_on: str | None,
        prepared_by: int | None = None,
    ) -> int:
        now = db.now_iso()
        cur = self.conn.execute(
            "INSERT INTO applications (enterprise_id, loan_type, amount_wan, applied_on, prepared_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (enterprise_id, loan_type, amount_wan, applied_on, prepared_by, now, now),
        )
        return int(cur.lastrowid or 0)

    # -- counts for the status bar, self-test and checks ---------------------
    def table_counts(self) -> dict[str, int]:
        names = [
            r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {n: int(self.conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _enterprise_filter(office_id: int, text: str) -> tuple[str, tuple[object, ...]]:
    text = text.strip()
    if not text:
        return "office_id = ?", (office_id,)
    pattern = _like(text)
    return (
        "office_id = ? AND (name LIKE ? ESCAPE '\\' OR uscc LIKE ? ESCAPE '\\'"
        " OR contact_name LIKE ? ESCAPE '\\')",
        (office_id, pattern, pattern.upper(), pattern),
    )


def _enterprise_values(draft: EnterpriseDraft) -> list[object]:
    values: list[object] = []
    for name in _ENTERPRISE_FIELDS:
        value = getattr(draft, name)
        if isinstance(value, EnterpriseSize):
            value = value.value
        values.append(value)
    return values


def _enterprise_from_row(row: sqlite3.Row) -> Enterprise:
    data = dict(row)
    data.pop("name_key", None)  # how the list sorts, not a fact of the enterprise
    size = data.get("size_override")
    data["size_override"] = EnterpriseSize(size) if size else None
    return Enterprise(**data)
