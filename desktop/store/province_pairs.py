"""The province's findings on people (SQL only here): identity conflicts (the same ID number
arriving with another name or birth date) and workers counted by two enterprises in overlapping
contract periods, with the province's rulings; each list read whole or a page at a time in the
order the 重复人员 page asks for.

Writes run inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.store import db
from desktop.store.store import Store


# --------------------------------------------------------------------------
# Identity conflicts


@dataclass(frozen=True)
class IdentitySource:
    name: str
    birth_date: str | None
    county_code: str
    county_name: str


@dataclass(frozen=True)
class IdentityConflict:
    id: int
    person_id: int
    id_number: str
    known: IdentitySource
    arriving: IdentitySource
    batch_file: str
    found_at: str
    settled_name: str | None
    settled_reason: str | None
    settled_at: str | None


_CONFLICT_FROM = (" FROM identity_conflicts c JOIN persons p ON p.id = c.person_id"
                  " LEFT JOIN offices ko ON ko.id = c.known_office_id JOIN offices ao ON ao.id = c.arriving_office_id"
                  " JOIN batches b ON b.id = c.batch_id")


def _conflict_where(open_only: bool, conflict_id: int | None) -> tuple[str, list[Any]]:
    where, params = ["1"], []
    if open_only:
        where.append("c.settled_at IS NULL")
    if conflict_id is not None:
        where.append("c.id = ?")
        params.append(conflict_id)
    return " WHERE " + " AND ".join(where), params


def identity_conflicts(store: Store, *, open_only: bool = True, limit: int | None = None, offset: int = 0,
                       conflict_id: int | None = None) -> list[IdentityConflict]:
    """The conflicts in the order they were found (a page: ``limit``, ``offset``; one: ``conflict_id``)."""
    where, params = _conflict_where(open_only, conflict_id)
    rows = store.conn.execute(
        "SELECT c.id, c.person_id, p.id_number, c.known_name, c.known_birth_date, coalesce(ko.code, ''),"
        " coalesce(ko.name, ''), c.arriving_name, c.arriving_birth_date, ao.code, ao.name, b.file_name, c.found_at,"
        " c.settled_name, c.settled_reason, c.settled_at" + _CONFLICT_FROM + where + " ORDER BY c.id LIMIT ? OFFSET ?",
        [*params, -1 if limit is None else limit, offset]).fetchall()
    return [IdentityConflict(
        int(r[0]), int(r[1]), str(r[2]), IdentitySource(r[3], r[4], r[5], r[6]), IdentitySource(r[7], r[8], r[9], r[10]),
        str(r[11]), str(r[12]), r[13], r[14], r[15],
    ) for r in rows]


def identity_conflict_count(store: Store, *, open_only: bool = True, batch_id: int | None = None) -> int:
    """The conflicts (open ones: ``open_only``; those a batch brought: ``batch_id``)."""
    where, params = _conflict_where(open_only, None)
    if batch_id is not None:
        where, params = where + " AND c.batch_id = ?", [*params, batch_id]
    return int(store.conn.execute("SELECT count(*) FROM identity_conflicts c" + where, params).fetchone()[0])


def settle_identity(store: Store, conflict_id: int, *, name: str, reason: str, user_id: int | None) -> int:
    """Settle the conflict: the person's name becomes ``name``. Returns the person id."""
    person_id = int(store.conn.execute("SELECT person_id FROM identity_conflicts WHERE id = ?",
                                       (conflict_id,)).fetchone()[0])
    now = db.now_iso()
    store.conn.execute("UPDATE persons SET name = ?1, name_key = person_sort_key(?1), updated_at = ?2 WHERE id = ?3",
                       (name, now, person_id))
    store.conn.execute(
        "UPDATE identity_conflicts SET settled_name = ?, settled_reason = ?, settled_by = ?, settled_at = ?"
        " WHERE id = ?", (name, reason, user_id, now, conflict_id))
    return person_id


# --------------------------------------------------------------------------
# Workers counted twice


@dataclass(frozen=True)
class Side:
    employment_id: int
    county_code: str
    county_name: str
    enterprise_id: int
    enterprise_name: str
    uscc: str
    contract_start: str | None
    contract_end: str | None
    letter_number: str
    verification_code: str


@dataclass(frozen=True)
class Ruling:
    id: int
    ruling: str  # not_duplicate / a_only / b_only
    reason: str
    ruled_by: str
    ruled_at: str


@dataclass(frozen=True)
class Duplicate:
    person_id: int
    id_number: str
    name: str
    a: Side
    b: Side
    ruling: Ruling | None

    @property
    def key(self) -> tuple[int, int]:
        return (self.a.employment_id, self.b.employment_id)

    @property
    def overlap_start(self) -> str:
        return max(self.a.contract_start or "", self.b.contract_start or "")

    @property
    def overlap_end(self) -> str:
        ends = [e for e in (self.a.contract_end, self.b.contract_end) if e]
        return min(ends) if ends else ""


_SIDE = ("m{x}.id, o{x}.code, o{x}.name, e{x}.id, e{x}.name, e{x}.uscc, m{x}.contract_start, m{x}.contract_end,"
         " coalesce(l{x}.number, ''), coalesce(l{x}.verification_code, '')")

# The pairs: a person counted by two enterprises whose contracts overlap, with the current ruling.
_PAIRS_FROM = (
    " FROM province_counted ca JOIN province_counted cb ON cb.person_id = ca.person_id"
    "  AND cb.enterprise_id <> ca.enterprise_id"
    " JOIN employments ma ON ma.person_id = ca.person_id AND ma.enterprise_id = ca.enterprise_id"
    " JOIN employments mb ON mb.person_id = ca.person_id AND mb.enterprise_id = cb.enterprise_id AND mb.id > ma.id"
    " LEFT JOIN duplicate_rulings r ON r.employment_a = ma.id AND r.employment_b = mb.id AND r.superseded_at IS NULL"
)
_OVERLAP = ("coalesce(ma.contract_start, '0000') <= coalesce(mb.contract_end, '9999')"
            " AND coalesce(mb.contract_start, '0000') <= coalesce(ma.contract_end, '9999')")
_COUNTY_ENTERPRISES = "(SELECT e.id FROM enterprises e JOIN offices o ON o.id = e.office_id WHERE o.code = ?)"
# What the list can be ordered by (the pair's employment ids break ties).
DUPLICATE_SORTS = {
    "name": "(SELECT name_key FROM persons WHERE id = ca.person_id)",
    "id_number": "(SELECT id_number FROM persons WHERE id = ca.person_id)",
    "ruling": "r.ruling",
    "a_county": "(SELECT o.code FROM enterprises e JOIN offices o ON o.id = e.office_id WHERE e.id = ma.enterprise_id)",
    "a_enterprise": "(SELECT name_key FROM enterprises WHERE id = ma.enterprise_id)",
    "b_county": "(SELECT o.code FROM enterprises e JOIN offices o ON o.id = e.office_id WHERE e.id = mb.enterprise_id)",
    "b_enterprise": "(SELECT name_key FROM enterprises WHERE id = mb.enterprise_id)",
}
DUPLICATE_STATES = ("", "open", "ruled")  # every pair, those not ruled yet, those ruled


@dataclass(frozen=True)
class DuplicateQuery:
    """Which pairs, in which order: ``state`` one of :data:`DUPLICATE_STATES`; ``county`` a county code
    on either side; ``sort`` a key of :data:`DUPLICATE_SORTS`."""

    state: str = ""
    county: str | None = None
    sort: str = "id_number"
    descending: bool = False


def _pairs_where(q: DuplicateQuery, key: tuple[int, int] | None) -> tuple[str, list[Any]]:
    where: list[str] = [_OVERLAP]
    params: list[Any] = []
    if q.state == "open":
        where.append("r.id IS NULL")
    elif q.state == "ruled":
        where.append("r.id IS NOT NULL")
    elif q.state:
        raise ValueError(f"no duplicate state {q.state!r}")
    if q.county:
        where.append(f"(ma.enterprise_id IN {_COUNTY_ENTERPRISES} OR mb.enterprise_id IN {_COUNTY_ENTERPRISES})")
        params += [q.county, q.county]
    if key is not None:
        where.append("ma.id = ? AND mb.id = ?")
        params += list(key)
    return " WHERE " + " AND ".join(where), params


def duplicates(store: Store, query: DuplicateQuery = DuplicateQuery(), *, limit: int | None = None, offset: int = 0,
               key: tuple[int, int] | None = None) -> list[Duplicate]:
    """Pairs of counted employments of one person in two enterprises whose contract periods overlap,
    in the query's order (a page: ``limit``, ``offset``; one pair: ``key``). The page's pairs are
    chosen first on the bare pairs, so the sides' enterprises, counties and letters are read for
    that page only."""
    order = DUPLICATE_SORTS[query.sort]
    direction = "DESC" if query.descending else "ASC"
    where, params = _pairs_where(query, key)
    sql = (
        f"WITH k AS (SELECT ma.id AS a, mb.id AS b, {order} AS s {_PAIRS_FROM}{where}"
        f"  ORDER BY s {direction}, ma.id {direction}, mb.id {direction} LIMIT ? OFFSET ?)"
        " SELECT p.id, p.id_number, p.name, " + _SIDE.format(x="a") + ", " + _SIDE.format(x="b") +
        ", r.id, r.ruling, r.reason, coalesce(u.display_name, u.username, ''), r.ruled_at"
        " FROM k JOIN employments ma ON ma.id = k.a JOIN employments mb ON mb.id = k.b"
        " JOIN persons p ON p.id = ma.person_id"
        " JOIN province_counted ca ON ca.enterprise_id = ma.enterprise_id AND ca.person_id = ma.person_id"
        " JOIN province_counted cb ON cb.enterprise_id = mb.enterprise_id AND cb.person_id = mb.person_id"
        " JOIN enterprises ea ON ea.id = ma.enterprise_id JOIN offices oa ON oa.id = ea.office_id"
        " JOIN enterprises eb ON eb.id = mb.enterprise_id JOIN offices ob ON ob.id = eb.office_id"
        " LEFT JOIN letters la ON la.id = ca.letter_id LEFT JOIN letters lb ON lb.id = cb.letter_id"
        " LEFT JOIN duplicate_rulings r ON r.employment_a = ma.id AND r.employment_b = mb.id"
        "  AND r.superseded_at IS NULL LEFT JOIN users u ON u.id = r.ruled_by"
        f" ORDER BY k.s {direction}, k.a {direction}, k.b {direction}"
    )
    found = []
    for r in store.conn.execute(sql, [*params, -1 if limit is None else limit, offset]).fetchall():
        a, b = Side(*r[3:13]), Side(*r[13:23])
        ruling = Ruling(int(r[23]), str(r[24]), str(r[25]), str(r[26]), str(r[27])) if r[23] is not None else None
        found.append(Duplicate(int(r[0]), str(r[1]), str(r[2]), a, b, ruling))
    return found


def duplicate_counts(store: Store, query: DuplicateQuery = DuplicateQuery()) -> tuple[int, int]:
    """(pairs, of them not ruled) the query's state and county match."""
    where, params = _pairs_where(query, None)
    row = store.conn.execute(f"SELECT count(*), coalesce(sum(r.id IS NULL), 0) {_PAIRS_FROM}{where}",
                             params).fetchone()
    return int(row[0]), int(row[1])


def record_ruling(store: Store, person_id: int, key: tuple[int, int], ruling: str, reason: str,
                  user_id: int | None) -> int:
    """A new ruling on the pair; the one it replaces stays, marked superseded."""
    now = db.now_iso()
    store.conn.execute("UPDATE duplicate_rulings SET superseded_at = ? WHERE employment_a = ? AND employment_b = ?"
                       " AND superseded_at IS NULL", (now, *key))
    cur = store.conn.execute(
        "INSERT INTO duplicate_rulings (person_id, employment_a, employment_b, ruling, reason, ruled_by, ruled_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", (person_id, *key, ruling, reason, user_id, now))
    return int(cur.lastrowid or 0)
