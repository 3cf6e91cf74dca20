"""Rosters in the database (SQL only here): the workers an enterprise has on
file, writing an import, and the roster view's queries.

Functions take a :class:`~desktop.store.Store`; writes run inside the
caller's transaction, which also holds the audit entry.  Nothing here runs
one statement per row: 100,000 workers are read in one query and written
with ``executemany``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from desktop.core.identifiers import ID_SHOWN_HEAD, ID_SHOWN_TAIL, PHONE_SHOWN_HEAD, PHONE_SHOWN_TAIL
from desktop.store import db
from desktop.store.store import Store

_CHUNK: Final = 900  # SQLite allows 999 bound variables per statement

# Employment columns a roster can set, in this order everywhere below.
VALUE_COLUMNS: Final = (
    "hukou_text", "hukou_code", "contract_type", "contract_start", "contract_end", "hire_date", "job",
    "monthly_wage", "paid_months", "social_insurance", "phone", "priority_claim",
)


@dataclass(frozen=True)
class StoredWorker:
    """An employment of the enterprise as stored, with its person."""

    employment_id: int
    person_id: int
    id_number: str
    name: str
    active: bool
    priority_evidence: str
    values: dict[str, object]  # VALUE_COLUMNS -> stored value (paid_months as a tuple or None)


def _months(text: object) -> tuple[str, ...] | None:
    if text is None:
        return None
    try:
        found = json.loads(str(text))
    except ValueError:
        return None
    return tuple(str(m) for m in found) if isinstance(found, list) else None


def months_json(months: Sequence[str] | None) -> str | None:
    """paid_months as stored: a JSON list of "YYYY-MM", or NULL when the roster had no such column."""
    return None if months is None else json.dumps(list(months))


def stored_workers(store: Store, enterprise_id: int) -> dict[str, StoredWorker]:
    """Every employment of the enterprise (active or not), by ID number."""
    columns = ", ".join(f"m.{c}" for c in VALUE_COLUMNS)
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None
    try:
        rows = conn.execute(
            f"SELECT m.id, p.id, p.id_number, p.name, m.active, m.priority_evidence, {columns}"
            " FROM employments m JOIN persons p ON p.id = m.person_id WHERE m.enterprise_id = ?",
            (enterprise_id,),
        ).fetchall()
    finally:
        conn.row_factory = factory
    found: dict[str, StoredWorker] = {}
    months_at = 6 + VALUE_COLUMNS.index("paid_months")
    for row in rows:
        values = dict(zip(VALUE_COLUMNS, row[6:]))
        values["paid_months"] = _months(row[months_at])
        found[str(row[2])] = StoredWorker(
            int(row[0]), int(row[1]), str(row[2]), str(row[3]), bool(row[4]), str(row[5] or ""), values
        )
    return found


def other_employers(store: Store, enterprise_id: int, id_numbers: Iterable[str]) -> dict[str, list[str]]:
    """ID number -> names of the *other* enterprises that employ the person now (active rows)."""
    found: dict[str, list[str]] = {}
    if not store.conn.execute("SELECT 1 FROM employments WHERE enterprise_id <> ? LIMIT 1",
                              (enterprise_id,)).fetchone():
        return found  # a new office: nothing to look up
    numbers = list(dict.fromkeys(id_numbers))
    # One statement for any number of IDs: SQLite reads the list from JSON itself.
    for number, name in store.conn.execute(
        "SELECT p.id_number, e.name FROM json_each(?) AS j CROSS JOIN persons p ON p.id_number = j.value"
        " JOIN employments m ON m.person_id = p.id AND m.active = 1 AND m.enterprise_id <> ?"
        " JOIN enterprises e ON e.id = m.enterprise_id ORDER BY e.name_key",
        (json.dumps(numbers), enterprise_id),
    ):
        found.setdefault(str(number), []).append(str(name))
    return found


def insert_roster_import(
    store: Store, *, enterprise_id: int, file_name: str, sha256: str, sheet: str, counts: dict[str, int],
    imported_by: int | None,
) -> int:
    cur = store.conn.execute(
        "INSERT INTO roster_imports (enterprise_id, file_name, sha256, sheet, counts, imported_by, imported_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (enterprise_id, file_name, sha256, sheet, json.dumps(counts, ensure_ascii=False, sort_keys=True),
         imported_by, db.now_iso()),
    )
    return int(cur.lastrowid or 0)


def insert_persons(store: Store, persons: Iterable[tuple[str, str, str | None, str | None]]) -> None:
    """(id_number, name, sex, birth_date) of people not yet in the table; a known number updates the name."""
    now = db.now_iso()
    store.conn.executemany(
        "INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, person_sort_key(?2)) ON CONFLICT (id_number) DO UPDATE SET"
        " name = excluded.name, name_key = excluded.name_key, updated_at = excluded.updated_at"
        " WHERE name <> excluded.name",
        ((number, name, sex, birth, now, now) for number, name, sex, birth in persons),
    )


def insert_employments(
    store: Store, enterprise_id: int, roster_import_id: int, rows: Iterable[tuple[object, ...]]
) -> None:
    """New employments: each row is (id_number, source_row, *VALUE_COLUMNS values).

    The person is found by ID number inside SQLite (insert_persons first),
    which is much faster than fetching 100,000 ids into Python.
    """
    now = db.now_iso()
    columns = ", ".join(VALUE_COLUMNS)
    marks = ", ".join("?" for _ in VALUE_COLUMNS)
    store.conn.executemany(
        "INSERT INTO employments (enterprise_id, roster_import_id, created_at, updated_at, person_id, source_row,"
        f" {columns}) VALUES (?, ?, ?, ?, (SELECT id FROM persons WHERE id_number = ?), ?, {marks})",
        ((enterprise_id, roster_import_id, now, now, *row) for row in rows),
    )


# -- staging: the rows a previewed import would add, held in a TEMP table ------
#
# A TEMP table belongs to this connection alone and lives outside the office
# file (SQLite deletes it with the connection), so holding the preview's new
# rows there writes nothing the office can see.  Committing then copies them
# with two INSERT … SELECT statements, about three times faster than binding
# 100,000 rows into the real tables one by one.  One staging table per
# connection: a newer preview replaces an older one, whose commit then takes
# the ordinary path.

STAGE_COLUMNS: Final = ("id_number", "name", "sex", "birth_date", "source_row", *VALUE_COLUMNS)
_STAGE_PREFIX: Final = "roster_stage_"


def _stage_name(token: str) -> str:
    if not token.isalnum():
        raise ValueError(f"bad staging token {token!r}")
    return _STAGE_PREFIX + token


def drop_stages(store: Store) -> None:
    for (name,) in store.conn.execute(
        "SELECT name FROM sqlite_temp_master WHERE type = 'table' AND name LIKE ?", (_STAGE_PREFIX + "%",)
    ).fetchall():
        store.conn.execute(f'DROP TABLE temp."{name}"')


def stage_rows(store: Store, token: str, rows: Iterable[tuple[object, ...]]) -> None:
    """Hold rows (STAGE_COLUMNS order) for a later :func:`insert_staged`; replaces any earlier staging."""
    if store.conn.in_transaction:
        raise RuntimeError("staging runs outside a transaction")
    drop_stages(store)
    name = _stage_name(token)
    store.conn.execute(f'CREATE TEMP TABLE "{name}" ({", ".join(STAGE_COLUMNS)})')
    marks = ", ".join("?" for _ in STAGE_COLUMNS)
    store.conn.execute("BEGIN")
    try:
        store.conn.executemany(f'INSERT INTO temp."{name}" VALUES ({marks})', rows)
    except BaseException:
        store.conn.execute("ROLLBACK")
        drop_stages(store)
        raise
    store.conn.execute("COMMIT")


def is_staged(store: Store, token: str) -> bool:
    return store.conn.execute(
        "SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = ?", (_stage_name(token),)
    ).fetchone() is not None


def insert_staged(store: Store, token: str, enterprise_id: int, roster_import_id: int) -> int:
    """Persons and employments from the staging table, inside the caller's transaction; returns rows added."""
    name = _stage_name(token)
    now = db.now_iso()
    conn = store.conn
    conn.execute(
        "INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
        f' SELECT id_number, name, sex, birth_date, ?, ?, person_sort_key(name) FROM temp."{name}" WHERE true'
        " ON CONFLICT (id_number) DO UPDATE SET"
        " name = excluded.name, name_key = excluded.name_key, updated_at = excluded.updated_at"
        " WHERE name <> excluded.name",
        (now, now),
    )
    columns = ", ".join(VALUE_COLUMNS)
    picked = ", ".join(f"s.{c}" for c in VALUE_COLUMNS)
    cur = conn.execute(
        "INSERT INTO employments (enterprise_id, roster_import_id, created_at, updated_at, person_id, source_row,"
        f" {columns}) SELECT ?, ?, ?, ?, p.id, s.source_row, {picked}"
        f' FROM temp."{name}" s JOIN persons p ON p.id_number = s.id_number ORDER BY s.rowid',
        (enterprise_id, roster_import_id, now, now),
    )
    return max(cur.rowcount, 0)


@contextmanager
def bulk_cache(store: Store, megabytes: int = 64) -> Iterator[None]:
    """A larger page cache for one bulk write: with SQLite's default 2 MB, 100,000
    rows and their indexes spill to the WAL mid-transaction and take twice as long."""
    before = int(store.conn.execute("PRAGMA cache_size").fetchone()[0])
    store.conn.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {before}")


def update_employments(
    store: Store, roster_import_id: int, columns: Sequence[str], rows: Iterable[tuple[object, ...]]
) -> None:
    """Changed employments: each row is (employment_id, source_row, *values of ``columns``); made active."""
    unknown = set(columns) - set(VALUE_COLUMNS)
    if unknown:
        raise ValueError(f"not a roster column: {sorted(unknown)}")
    assignments = "".join(f", {c} = ?" for c in columns)
    now = db.now_iso()
    store.conn.executemany(
        f"UPDATE employments SET active = 1, roster_import_id = ?, updated_at = ?, source_row = ?{assignments}"
        " WHERE id = ?",
        ((roster_import_id, now, row[1], *row[2:], row[0]) for row in rows),
    )


def rename_persons(store: Store, names: Iterable[tuple[int, str]]) -> None:
    """(person_id, name): the name on the newest roster."""
    store.conn.executemany(
        "UPDATE persons SET name = ?1, name_key = person_sort_key(?1), updated_at = ?2 WHERE id = ?3",
        ((name, db.now_iso(), person) for person, name in names),
    )


def deactivate_employments(store: Store, employment_ids: Iterable[int]) -> int:
    """Workers no longer on the roster: kept, marked inactive."""
    now = db.now_iso()
    cur = store.conn.executemany(
        "UPDATE employments SET active = 0, updated_at = ? WHERE id = ? AND active = 1",
        ((now, e) for e in employment_ids),
    )
    return max(cur.rowcount, 0)


def roster_imports(store: Store, enterprise_id: int) -> list[dict[str, Any]]:
    """The enterprise's imports, newest first."""
    rows = store.conn.execute(
        "SELECT id, file_name, sha256, sheet, counts, imported_by, imported_at, undone_at FROM roster_imports"
        " WHERE enterprise_id = ? ORDER BY id DESC",
        (enterprise_id,),
    )
    return [{**dict(r), "counts": json.loads(r["counts"])} for r in rows]


# --------------------------------------------------------------------------
# The roster view: filtering and paging happen in the database.

SORT_COLUMNS: Final[dict[str, str]] = {
    "source_row": "m.source_row", "name": "p.name_key", "id_number": "p.id_number", "hukou_code": "m.hukou_code",
    "contract_start": "m.contract_start", "contract_end": "m.contract_end", "priority_group": "m.priority_group",
    "monthly_wage": "m.monthly_wage", "contract_type": "m.contract_type",
}


@dataclass(frozen=True)
class RosterQuery:
    """What the roster view shows: one enterprise's workers, filtered and sorted.

    ``text`` finds a name containing it, or an ID number or phone containing
    it (digits, e.g. the last four): only in the parts the masked number shows,
    or the whole number, unless ``hidden_digits`` (the services set it for a
    user with the right to see full numbers); ``hukou_codes`` keeps workers whose
    户籍地 resolved to one of these counties (e.g. the paired list);
    ``prefecture`` keeps a prefecture ("2224"); ``priority_group`` is a
    group value (verified as it, or claimed as it and not yet verified),
    "any" (a verified group), "claimed" (a claim not yet verified) or "none"
    (neither); ``unresolved`` keeps workers whose 户籍地
    did not resolve.
    """

    enterprise_id: int
    text: str = ""
    hukou_codes: tuple[str, ...] | None = None
    prefecture: str = ""
    priority_group: str = ""
    contract_type: str = ""
    unresolved: bool = False
    active_only: bool = True
    sort: str = "source_row"
    descending: bool = False
    hidden_digits: bool = False


@dataclass(frozen=True)
class RosterRecord:
    """One row of the roster view."""

    employment_id: int
    person_id: int
    id_number: str
    name: str
    sex: str | None
    birth_date: str | None
    hukou_text: str
    hukou_code: str | None
    contract_type: str
    contract_start: str | None
    contract_end: str | None
    hire_date: str | None
    job: str
    monthly_wage: float | None
    paid_months: tuple[str, ...] | None
    social_insurance: int | None
    phone: str
    priority_group: str | None
    priority_evidence: str
    active: bool
    source_row: int | None
    roster_import_id: int | None
    priority_claim: str | None = None  # what the enterprise's roster claims; priority_group is the verified one


_RECORD_SQL: Final = (
    "SELECT m.id, p.id, p.id_number, p.name, p.sex, p.birth_date, m.hukou_text, m.hukou_code, m.contract_type,"
    " m.contract_start, m.contract_end, m.hire_date, m.job, m.monthly_wage, m.paid_months, m.social_insurance,"
    " m.phone, m.priority_group, m.priority_evidence, m.active, m.source_row, m.roster_import_id, m.priority_claim"
    " FROM employments m JOIN persons p ON p.id = m.person_id"
)


def _record(row: Sequence[Any]) -> RosterRecord:
    values = list(row)
    values[14] = _months(values[14])
    values[19] = bool(values[19])
    return RosterRecord(*values)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_MOBILE: Final = "1" + "[0-9]" * 10  # GLOB: 11 digits starting with 1

# Digits a masked ID number or phone shows (desktop.core.identifiers.mask_id,
# mask_phone), or the whole number: what a search without the right to see full
# numbers may match, so that it never tells a masked digit.  Each ? is the text.
# Each part starts with a cheap necessary condition (the number contains the
# text), so the slicing runs only on the few rows that pass it: 100,000 rows
# are searched in the time of a plain LIKE.
_DIGITS_OF_PHONE: Final = "replace(m.phone, '-', '')"
_SHOWN_MATCH: Final = (
    "((instr(p.id_number, ?) > 0 AND (p.id_number = ?"
    f" OR instr(substr(p.id_number, 1, {ID_SHOWN_HEAD}), ?) > 0"
    f" OR instr(substr(p.id_number, -{ID_SHOWN_TAIL}), ?) > 0))"
    " OR ((instr(m.phone, ?) > 0 OR instr(m.phone, '-') > 0) AND"
    f" ({_DIGITS_OF_PHONE} = ?"
    f" OR CASE WHEN {_DIGITS_OF_PHONE} GLOB '{_MOBILE}'"
    f" THEN instr(substr({_DIGITS_OF_PHONE}, 1, {PHONE_SHOWN_HEAD}), ?) > 0"
    f" OR instr(substr({_DIGITS_OF_PHONE}, -{PHONE_SHOWN_TAIL}), ?) > 0"
    f" WHEN length(m.phone) <= {PHONE_SHOWN_TAIL} THEN instr(m.phone, ?) > 0"
    f" ELSE instr(substr(m.phone, -{PHONE_SHOWN_TAIL}), ?) > 0 END)))"
)


def searches_numbers(q: RosterQuery) -> bool:
    """Whether the search text is digits (an ID number or phone, or part of one) rather than a name."""
    text = q.text.strip().upper()
    return bool(text) and all(ch.isdigit() or ch == "X" for ch in text)


def _where(q: RosterQuery) -> tuple[str, list[object], bool]:
    """The WHERE clause, its parameters, and whether it needs the persons table."""
    clauses = ["m.enterprise_id = ?"]
    params: list[object] = [q.enterprise_id]
    persons = False
    if q.active_only:
        clauses.append("m.active = 1")
    text = q.text.strip()
    if text:
        upper = text.upper()
        if not searches_numbers(q):
            clauses.append("p.name LIKE ? ESCAPE '\\'")
            params.append(_like(text))
        elif q.hidden_digits:
            clauses.append("(p.id_number LIKE ? ESCAPE '\\' OR m.phone LIKE ? ESCAPE '\\')")
            params += [_like(upper), _like(upper)]
        else:
            clauses.append(_SHOWN_MATCH)
            params += [upper] * _SHOWN_MATCH.count("?")
        persons = True
    if q.hukou_codes is not None:
        codes = list(dict.fromkeys(q.hukou_codes))
        if not codes:
            clauses.append("0")
        else:
            clauses.append(f"m.hukou_code IN ({', '.join('?' for _ in codes)})")
            params += codes
    if q.prefecture:
        clauses.append("m.hukou_code >= ? AND m.hukou_code < ?")  # a range the hukou index can use
        params += [q.prefecture, q.prefecture + "\uffff"]
    if q.unresolved:
        clauses.append("m.hukou_code IS NULL")
    if q.priority_group == "any":
        clauses.append("m.priority_group IS NOT NULL")
    elif q.priority_group == "none":
        clauses.append("m.priority_group IS NULL AND m.priority_claim IS NULL")
    elif q.priority_group == "claimed":  # the enterprise claims a group the clerk has not verified
        clauses.append("m.priority_claim IS NOT NULL AND m.priority_group IS NULL")
    elif q.priority_group:  # verified as this group, or claimed as it and not yet verified
        clauses.append("(m.priority_group = ? OR (m.priority_group IS NULL AND m.priority_claim = ?))")
        params += [q.priority_group, q.priority_group]
    if q.contract_type:
        clauses.append("m.contract_type = ?")
        params.append(q.contract_type)
    return " AND ".join(clauses), params, persons


def _order(q: RosterQuery) -> tuple[str, bool]:
    column = SORT_COLUMNS.get(q.sort)
    if column is None:
        raise ValueError(f"cannot sort the roster by {q.sort!r}")
    direction = "DESC" if q.descending else "ASC"
    return f"{column} {direction}, m.id {direction}", column.startswith("p.")


def _source(persons: bool) -> str:
    # CROSS JOIN keeps the enterprise's employments as the outer loop: left to
    # itself, SQLite walks every person in name order to avoid a sort, which is
    # four times slower when one enterprise holds most of the office's workers.
    return "employments m CROSS JOIN persons p ON p.id = m.person_id" if persons else "employments m"


def count_roster(store: Store, q: RosterQuery) -> int:
    where, params, persons = _where(q)
    return int(store.conn.execute(f"SELECT count(*) FROM {_source(persons)} WHERE {where}", params).fetchone()[0])


def _ids(store: Store, q: RosterQuery, tail: str = "", extra: tuple[object, ...] = ()) -> list[int]:
    """Matching employment ids in order; the persons table is joined only when the filter or sort needs it."""
    where, params, persons = _where(q)
    order, by_person = _order(q)
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None
    try:
        return [r[0] for r in conn.execute(
            f"SELECT m.id FROM {_source(persons or by_person)} WHERE {where} ORDER BY {order}{tail}",
            (*params, *extra),
        )]
    finally:
        conn.row_factory = factory


@dataclass(frozen=True)
class RosterWindow:
    """What the roster view shows after filtering: how many rows match, and the first page of them."""

    total: int
    first_rows: list[RosterRecord]


def filter_roster(store: Store, q: RosterQuery, *, first: int = 200) -> RosterWindow:
    """The first page of the filtered, sorted roster and the number of matching rows.

    Only the page is read (an index in the roster's order serves it) and the rows
    are counted apart, only when the page is full: a view model fetches further
    pages with :func:`roster_page` as they scroll into sight (STYLE.md 4), so a
    filter costs the same at a million rows as at a thousand, but for the count.
    """
    rows = roster_page(store, q, limit=first)
    return RosterWindow(count_roster(store, q) if len(rows) >= first else len(rows), rows)


def roster_page(store: Store, q: RosterQuery, *, limit: int = 200, offset: int = 0) -> list[RosterRecord]:
    """One page of the filtered, sorted roster (the ids first, then only this page's rows)."""
    return roster_records(store, _ids(store, q, " LIMIT ? OFFSET ?", (limit, offset)))


def roster_ids(store: Store, q: RosterQuery) -> list[int]:
    """Employment ids of every matching row, in order: a view model keeps these and fetches rows lazily."""
    return _ids(store, q)


def roster_records(store: Store, employment_ids: Sequence[int]) -> list[RosterRecord]:
    """The rows with these ids, in the order given (ids no longer there are left out)."""
    found: dict[int, RosterRecord] = {}
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None
    try:
        for start in range(0, len(employment_ids), _CHUNK):
            chunk = list(employment_ids[start:start + _CHUNK])
            marks = ", ".join("?" for _ in chunk)
            for row in conn.execute(f"{_RECORD_SQL} WHERE m.id IN ({marks})", chunk):
                found[int(row[0])] = _record(row)
    finally:
        conn.row_factory = factory
    return [found[i] for i in employment_ids if i in found]
