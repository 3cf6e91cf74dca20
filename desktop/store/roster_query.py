"""A roster view's query and its records in the database (SQL only here): what the filter
controls ask for (:class:`RosterQuery`), the record a row reads as, and the WHERE clause a
query gives, with the search by digits a masked number shows.

Split from :mod:`desktop.store.roster_view`, which plans and reads the pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from desktop.core.identifiers import ID_SHOWN_HEAD, ID_SHOWN_TAIL, PHONE_SHOWN_HEAD, PHONE_SHOWN_TAIL
from desktop.store.rosters import _months


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
