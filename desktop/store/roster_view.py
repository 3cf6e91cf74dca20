"""The roster view in the database (SQL only here): one enterprise's workers,
filtered and sorted, read a page at a time.

The import side (writing a roster) is in :mod:`desktop.store.rosters`; the query, its
records and its WHERE clause in :mod:`desktop.store.roster_query`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from desktop.core.identifiers import ID_SHOWN_HEAD, ID_SHOWN_TAIL
from desktop.store.roster_query import (
    _DIGITS_OF_PHONE, _RECORD_SQL, SORT_COLUMNS, RosterQuery, RosterRecord, _like, _record, _where, searches_numbers,
)
from desktop.store.rosters import _CHUNK
from desktop.store.store import Store


# A filter that an index narrows to fewer rows than this is read through that index
# and sorted; a wider one is read in the view's order until the page is full.
FEW: Final = 10_000


@dataclass(frozen=True)
class _Order:
    column: str  # SQL of the sort value
    tie: str  # the id that breaks ties: the person's for a person's column (one employment per person here)
    descending: bool

    @property
    def by_person(self) -> bool:
        return self.column.startswith("p.")

    def sql(self) -> str:
        direction = "DESC" if self.descending else "ASC"
        return f"{self.column} {direction}, {self.tie} {direction}"


def _order(q: RosterQuery) -> _Order:
    column = SORT_COLUMNS.get(q.sort)
    if column is None:
        raise ValueError(f"cannot sort the roster by {q.sort!r}")
    return _Order(column, "p.id" if column.startswith("p.") else "m.id", q.descending)


def _narrowing(store: Store, q: RosterQuery) -> tuple[str, list[object]] | None:
    """A query of employment ids, served by an index, that holds every row the filter keeps and
    fewer than :data:`FEW` rows in all; None when no filter narrows the roster that far.

    SQLite's statistics cannot tell that ``priority_group IS NOT NULL`` or an unresolved 户籍地
    is rare in this enterprise, so the store asks the index how many rows it holds (at most
    FEW of them are read) and, when they are few, reads them and sorts; otherwise the rows are
    common and the view's order finds a page of them soon.
    """
    e = q.enterprise_id
    base = "SELECT id FROM employments WHERE enterprise_id = ?"
    options: list[tuple[str, list[object]]] = []
    named = _named(q.text.strip()) if not searches_numbers(q) else None
    if searches_numbers(q):
        text = q.text.strip().upper()
        digits = _whole_id_candidates(text, e) if q.hidden_digits else _digit_candidates(store, text, e)
        if digits is not None:
            options.append(digits)
    if named is not None:
        sql, params = named
        options.append((f"SELECT m.id FROM ({sql}) n CROSS JOIN employments m ON m.person_id = n.id"
                        " AND m.enterprise_id = ?", [*params, e]))
    if q.hukou_codes:
        codes = list(dict.fromkeys(q.hukou_codes))
        options.append((f"{base} AND hukou_code IN ({', '.join('?' for _ in codes)})", [e, *codes]))
    if q.prefecture:
        options.append((f"{base} AND hukou_code >= ? AND hukou_code < ?", [e, q.prefecture, q.prefecture + "\uffff"]))
    if q.unresolved:
        options.append((f"{base} AND hukou_code IS NULL", [e]))
    if q.priority_group == "any":
        options.append((f"{base} AND priority_group IS NOT NULL", [e]))
    elif q.priority_group == "claimed":
        options.append((f"{base} AND priority_claim IS NOT NULL AND priority_group IS NULL", [e]))
    elif q.priority_group and q.priority_group != "none":
        options.append((f"{base} AND priority_group = ? UNION ALL {base} AND priority_claim = ?"
                        " AND priority_group IS NULL", [e, q.priority_group, e, q.priority_group]))
    for sql, params in options:
        held = store.conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {FEW})", params).fetchone()[0]
        if held < FEW:
            return sql, params
    return None


def _after_prefix(text: str) -> str:
    """The least string above every string that starts with ``text`` (SQLite compares UTF-8
    bytes, which order as code points): its last character one higher."""
    last = ord(text[-1]) + 1
    if 0xD800 <= last < 0xE000:  # surrogates are not characters
        last = 0xE000
    return text[:-1] + chr(last) if last <= 0x10FFFF else text + "\U0010ffff"


def _named(text: str) -> tuple[str, list[object]] | None:
    """The persons whose name contains ``text`` (two characters or more), through one index on
    ``substr(name, 2)`` (migration 0028): a name of up to three characters contains it from its
    second character (a prefix range) or from its first (the range of the text's rest, then the
    first character compared); longer names are few and read apart (a partial index holds only
    them).  None for one character (often common: the view's order finds a page of it soon; a
    rare one is read through every row) and for text a range cannot find as LIKE does (Latin
    letters, whose case LIKE ignores)."""
    if len(text) < 2 or any("a" <= ch.lower() <= "z" for ch in text):
        return None
    rest = text[1:]
    return (
        "SELECT id FROM persons WHERE substr(name, 2) >= ? AND substr(name, 2) < ? AND substr(name, 1, 1) = ?"
        " UNION SELECT id FROM persons WHERE substr(name, 2) >= ? AND substr(name, 2) < ?"
        " UNION SELECT id FROM persons INDEXED BY persons_name_long WHERE length(name) > 3"
        " AND name LIKE ? ESCAPE '\\'",
        [rest, _after_prefix(rest), text[0], text, _after_prefix(text), _like(text)],
    )


# An office holds persons from this many areas (an ID number's first six digits) at most, for
# the search by digits to list them; more, and a search of four to six digits walks the roster.
_HEADS_LISTED: Final = 2_000


def _id_heads(store: Store) -> list[str] | None:
    """The distinct first six digits of the persons' ID numbers, one seek in the unique index
    each (skipping every number of a head at once); None when there are more than
    :data:`_HEADS_LISTED`."""
    heads: list[str] = []
    after = ""
    while len(heads) <= _HEADS_LISTED:
        row = store.conn.execute("SELECT substr(id_number, 1, ?) FROM persons WHERE id_number >= ?"
                                 " ORDER BY id_number LIMIT 1", (ID_SHOWN_HEAD, after)).fetchone()
        if row is None:
            return heads
        heads.append(row[0])
        after = _after_prefix(row[0])
    return None


def _digit_candidates(store: Store, text: str, enterprise_id: int) -> tuple[str, list[object]] | None:
    """Employment ids, through indexes, among which are all rows a search by digits finds
    without the right to see full numbers (:data:`_SHOWN_MATCH`, checked on each after), or None
    when the text is shorter than the last four digits (many rows match: the roster order finds
    a page soon) or the candidates are not few.

    A text of four digits or more lies in a number's shown parts only as its whole number
    (the persons' unique index), its last four (``persons_id_tail``, ``employments_phone_tail``,
    migration 0029: the whole phone ends with the text too, and a phone's last four characters
    equal to the text hold no '-' so they are its digits' last four) or within an ID number's
    first six (prefix ranges of the areas whose code holds it)."""
    if len(text) < ID_SHOWN_TAIL:
        return None
    persons = ["SELECT id FROM persons WHERE id_number = ?"]
    params: list[object] = [text]
    if len(text) == ID_SHOWN_TAIL:
        persons.append("SELECT id FROM persons INDEXED BY persons_id_tail WHERE substr(id_number, -4) = ?")
        params.append(text)
    if len(text) <= ID_SHOWN_HEAD:
        heads = _id_heads(store)
        if heads is None:
            return None
        for head in heads:
            if text in head:
                persons.append("SELECT id FROM persons WHERE id_number >= ? AND id_number < ?")
                params += [head, _after_prefix(head)]
    phone = ("SELECT id FROM employments INDEXED BY employments_phone_tail WHERE enterprise_id = ?"
             f" AND substr({_DIGITS_OF_PHONE.replace('m.', '')}, -4) = ?")
    found = (f"SELECT m.id FROM ({' UNION ALL '.join(persons)}) n CROSS JOIN employments m"
             f" ON m.person_id = n.id AND m.enterprise_id = ?")
    all_params = [*params, enterprise_id, enterprise_id, text[-ID_SHOWN_TAIL:]]
    # Counted with UNION ALL, which stops after FEW rows (a common area code has many more).
    held = store.conn.execute(f"SELECT count(*) FROM ({found} UNION ALL {phone} LIMIT {FEW})",
                              all_params).fetchone()[0]
    if held >= FEW:
        return None
    return f"{found} UNION {phone}", all_params


_ID_LENGTH: Final = 18  # persons.id_number's CHECK


def _whole_id_candidates(text: str, enterprise_id: int) -> tuple[str, list[object]] | None:
    """With the right to see every digit a text matches anywhere in the ID number or the phone:
    a whole ID number (18 characters) is that person's, or lies in one of the few phones that
    long (a partial index, migration 0030); any shorter text can lie anywhere, so None."""
    if len(text) != _ID_LENGTH:
        return None
    return ("SELECT m.id FROM persons p CROSS JOIN employments m ON m.person_id = p.id AND m.enterprise_id = ?"
            " WHERE p.id_number = ? UNION SELECT id FROM employments INDEXED BY employments_long_phone"
            f" WHERE enterprise_id = ? AND length(phone) >= {_ID_LENGTH}", [enterprise_id, text, enterprise_id])


def _persons_first(store: Store, q: RosterQuery) -> bool:
    """Whether to walk the persons in the sort's order (name, ID number) and look up each one's
    employment here, rather than read the enterprise's rows and sort them: when the enterprise
    holds a large share of the office's persons (a twentieth or more), a page needs few steps."""
    persons = store.conn.execute("SELECT max(id) FROM persons").fetchone()[0] or 0
    enough = max(FEW, persons // 20)
    active = " AND active = 1" if q.active_only else ""
    held = store.conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM employments WHERE enterprise_id = ?{active} LIMIT {enough})",
        (q.enterprise_id,)).fetchone()[0]
    return bool(held >= enough)


@dataclass(frozen=True)
class _Plan:
    source: str
    where: str
    params: list[object]
    order: _Order
    narrowed: bool


def _plan(store: Store, q: RosterQuery) -> _Plan:
    """Where the rows come from: an index that narrows the filter, the persons in the sort's order,
    or the enterprise's rows (in the roster's order, index 0024, when that is the sort)."""
    where, params, persons = _where(q)
    order = _order(q)
    join = persons or order.by_person
    narrowing = _narrowing(store, q)
    if narrowing is not None:
        # CROSS JOIN keeps each outer loop as written: SQLite's own choice of walking every person
        # in name order, or the whole roster index, reads far more than the few rows narrowed to.
        sql, extra = narrowing
        source = f"({sql}) c CROSS JOIN employments m ON m.id = c.id"
        if join:
            source += " CROSS JOIN persons p ON p.id = m.person_id"
        return _Plan(source, where, [*extra, *params], order, True)
    if order.by_person and _persons_first(store, q):
        return _Plan("persons p CROSS JOIN employments m ON m.person_id = p.id", where, params, order, False)
    source = f"employments m INDEXED BY {_walk_index(q)}"
    if join:
        source += " CROSS JOIN persons p ON p.id = m.person_id"
    return _Plan(source, where, params, order, False)


# The index that walks an enterprise's rows in each sort's order (the others sort the rows).
# Named, not left to SQLite: without statistics (office files have none) it reads a
# prefecture's rows through the 户籍地 index and sorts 400,000 of them for one page; with
# them, it still cannot tell which filter keeps few rows (see _narrowing).
_WALK_INDEXES: Final = {"hukou_code": "employments_hukou", "priority_group": "employments_group"}
_ACTIVE_WALK_INDEXES: Final = {"source_row": "employments_roster", "contract_end": "employments_contract_end"}


def _walk_index(q: RosterQuery) -> str:
    if q.active_only and q.sort in _ACTIVE_WALK_INDEXES:
        return _ACTIVE_WALK_INDEXES[q.sort]
    return _WALK_INDEXES.get(q.sort, "employments_roster")


def count_roster(store: Store, q: RosterQuery) -> int:
    """How many rows the filter keeps (every one is walked: a view runs it off the window's thread)."""
    where, params, persons = _where(q)
    source = "employments m CROSS JOIN persons p ON p.id = m.person_id" if persons else "employments m"
    return int(store.conn.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0])


def _run_ids(store: Store, sql: str, params: Sequence[object]) -> list[int]:
    conn = store.conn
    factory = conn.row_factory
    conn.row_factory = None
    try:
        return [r[0] for r in conn.execute(sql, params)]
    finally:
        conn.row_factory = factory


def _cursor(store: Store, order: _Order, after: int) -> tuple[object, int] | None:
    """The sort value and tie id of the row ``after`` (an employment id), or None if it is gone."""
    row = store.conn.execute(
        f"SELECT {order.column}, {order.tie} FROM employments m JOIN persons p ON p.id = m.person_id"
        " WHERE m.id = ?", (after,)).fetchone()
    return None if row is None else (row[0], int(row[1]))


def _page_ids(store: Store, plan: _Plan, limit: int | None, after: tuple[object, int] | None) -> list[int]:
    """Ids of the rows that follow ``after`` (a sort value and tie id) in the plan's order.

    Keyset paging: a page starts after the last row shown, by its sort value, not at a count
    of rows, so a row that leaves the filter meanwhile (a worker marked as gone) does not shift
    the next page past a row the clerk has not seen.  SQLite sorts NULL before every value, so
    the order is two runs (NULLs first ascending, last descending), the values read with a
    row-value comparison an index can seek.
    """
    order = plan.order
    col, tie = order.column, order.tie
    cmp = "<" if order.descending else ">"
    conditions: list[tuple[str, list[object]]]
    if after is None:
        conditions = [("1", [])]
    elif after[0] is None:  # within the NULLs: first when ascending, last when descending
        conditions = [(f"{col} IS NULL AND {tie} {cmp} ?", [after[1]])]
        if not order.descending:
            conditions.append((f"{col} IS NOT NULL", []))
    else:  # a row-value comparison leaves out the NULLs, which follow when descending
        conditions = [(f"({col}, {tie}) {cmp} (?, ?)", [after[0], after[1]])]
        if order.descending:
            conditions.append((f"{col} IS NULL", []))
    ids: list[int] = []
    for condition, extra in conditions:
        left = None if limit is None else limit - len(ids)
        if left is not None and left <= 0:
            break
        tail = "" if left is None else f" LIMIT {int(left)}"
        ids += _run_ids(store, f"SELECT m.id FROM {plan.source} WHERE {plan.where} AND {condition}"
                               f" ORDER BY {order.sql()}{tail}", [*plan.params, *extra])
    return ids


@dataclass(frozen=True)
class RosterWindow:
    """What the roster view shows after filtering: the first page, and how many rows match (None:
    the page is full and the rest are not counted yet; :func:`count_roster` counts them)."""

    total: int | None
    first_rows: list[RosterRecord]


def filter_roster(store: Store, q: RosterQuery, *, first: int = 200) -> RosterWindow:
    """The first page of the filtered, sorted roster and, when it costs little, the number of matches.

    Only the page is read: through an index that narrows the filter to few rows (then those are
    counted too), or in the view's order until the page is full.  A full page over a wide filter
    leaves the count to :func:`count_roster`, which walks every match: a view runs it in the
    background and shows "200+" meanwhile, so a filter costs the same at a million rows as at a
    thousand.  Further pages: :func:`roster_page` after the last row shown.
    """
    plan = _plan(store, q)
    rows = roster_records(store, _page_ids(store, plan, first, None))
    if len(rows) < first:
        return RosterWindow(len(rows), rows)
    if plan.narrowed:
        total = store.conn.execute(f"SELECT count(*) FROM {plan.source} WHERE {plan.where}", plan.params)
        return RosterWindow(int(total.fetchone()[0]), rows)
    return RosterWindow(None, rows)


def roster_page(store: Store, q: RosterQuery, *, limit: int = 200, offset: int = 0,
                after: int | None = None) -> list[RosterRecord]:
    """One page of the filtered, sorted roster: the rows after the employment ``after`` (the last
    row shown; keyset paging), or from ``offset`` (a command's --offset; the first page)."""
    plan = _plan(store, q)
    cursor = None if after is None else _cursor(store, plan.order, after)
    if after is not None and cursor is not None:
        return roster_records(store, _page_ids(store, plan, limit, cursor))
    if offset == 0:
        return roster_records(store, _page_ids(store, plan, limit, None))
    ids = _page_ids(store, plan, offset + limit, None)  # an offset (or the row asked after is gone)
    return roster_records(store, ids[offset:])


def roster_ids(store: Store, q: RosterQuery) -> list[int]:
    """Employment ids of every matching row, in order."""
    return _page_ids(store, _plan(store, q), None, None)


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
