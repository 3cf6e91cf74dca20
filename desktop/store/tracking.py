"""The periodic lists of the loan period and the re-verifications made from them (SQL only here).

Writes run inside the caller's transaction (the service adds the audit entry in the same one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.tracking_confirm import Confirmation, state_of
from desktop.store import db
from desktop.store.store import Store


@dataclass(frozen=True)
class ListRow:
    id_number: str
    name: str
    hukou_text: str
    hukou_code: str | None
    contract_type: str
    contract_start: str | None
    contract_end: str | None
    hire_date: str | None
    social_insurance: int | None


@dataclass(frozen=True)
class StoredList:
    id: int
    enterprise_id: int
    period: str
    staff_total: int
    file_name: str
    sha256: str
    rows: int
    imported_at: str
    kind: str = "roster"  # or "insurance": a social-insurance payment list


@dataclass(frozen=True)
class StoredCheck:
    id: int
    loan_id: int
    check_date: str
    verdict: str
    needs_attention: bool
    qualifying: int
    staff_total: int
    latest_period: str
    ruleset_version: str
    payload: dict[str, Any]
    created_by: int | None
    created_at: str
    answer: Answer | None = None  # the approver's answer (不达标 only)

    @property
    def confirmation(self) -> Confirmation:
        """待确认 until the approver answers a 不达标 check; 需关注 once confirmed."""
        return state_of(self.verdict, self.answer.outcome if self.answer else None)


@dataclass(frozen=True)
class Answer:
    outcome: str  # 'confirmed' | 'returned'
    reason: str
    answered_by: int
    answered_by_name: str
    answered_at: str


def insert_list(store: Store, enterprise_id: int, *, period: str, staff_total: int, file_name: str, sha256: str,
                rows: Sequence[ListRow], user_id: int | None, kind: str = "roster",
                insured: Mapping[str, Iterable[str]] | None = None) -> int:
    """A period's list; ``insured`` (a payment list's): each ID number's months paid, YYYY-MM."""
    cur = store.conn.execute(
        "INSERT INTO tracking_lists (enterprise_id, period, staff_total, file_name, sha256, rows, imported_by,"
        " imported_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (enterprise_id, period, staff_total, file_name, sha256, len(rows), user_id, db.now_iso(), kind))
    list_id = int(cur.lastrowid or 0)
    if insured:
        store.conn.executemany(  # one row a person (a payment list repeats a person month after month)
            "INSERT INTO tracking_insured (list_id, id_number, months) VALUES (?, ?, ?)",
            ((list_id, number, json.dumps(sorted(set(months)))) for number, months in insured.items()))
    store.conn.executemany(
        "INSERT INTO tracking_list_rows (list_id, id_number, name, hukou_text, hukou_code, contract_type,"
        " contract_start, contract_end, hire_date, social_insurance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((list_id, r.id_number, r.name, r.hukou_text, r.hukou_code, r.contract_type, r.contract_start,
          r.contract_end, r.hire_date, r.social_insurance) for r in rows))
    return list_id


def _list(row: Sequence[Any]) -> StoredList:
    return StoredList(int(row[0]), int(row[1]), str(row[2]), int(row[3]), str(row[4]), str(row[5]), int(row[6]),
                      str(row[7]), str(row[8]))


def current_lists(store: Store, enterprise_id: int) -> list[StoredList]:
    """The enterprise's newest list of each period, by period."""
    return [_list(r) for r in store.conn.execute(
        "SELECT id, enterprise_id, period, staff_total, file_name, sha256, rows, imported_at, kind FROM tracking_lists"
        " WHERE id IN (SELECT max(id) FROM tracking_lists WHERE enterprise_id = ? GROUP BY period)"
        " ORDER BY period", (enterprise_id,))]


def list_rows(store: Store, list_ids: Iterable[int]) -> dict[int, list[ListRow]]:
    found: dict[int, list[ListRow]] = {}
    for r in store.conn.execute(
        "SELECT list_id, id_number, name, hukou_text, hukou_code, contract_type, contract_start, contract_end,"
        " hire_date, social_insurance FROM tracking_list_rows WHERE list_id IN (SELECT value FROM json_each(?))"
        " ORDER BY list_id, id", (json.dumps([int(i) for i in list_ids]),)):
        found.setdefault(int(r[0]), []).append(ListRow(*r[1:]))
    return found


def insured_months(store: Store, list_ids: Iterable[int]) -> dict[str, set[str]]:
    """The months paid (YYYY-MM) by ID number that these lists' payment files give."""
    found: dict[str, set[str]] = {}
    for number, months in store.conn.execute(
            "SELECT id_number, months FROM tracking_insured WHERE list_id IN (SELECT value FROM json_each(?))",
            (json.dumps([int(i) for i in list_ids]),)):
        found.setdefault(str(number), set()).update(str(m) for m in json.loads(months))
    return found


def insert_check(store: Store, loan_id: int, *, check_date: str, verdict: str, needs_attention: bool,
                 qualifying: int, staff_total: int, latest_period: str, ruleset_version: str,
                 payload: dict[str, Any], user_id: int | None) -> int:
    cur = store.conn.execute(
        "INSERT INTO tracking_checks (loan_id, check_date, verdict, needs_attention, qualifying, staff_total,"
        " latest_period, ruleset_version, payload, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (loan_id, check_date, verdict, int(needs_attention), qualifying, staff_total, latest_period,
         ruleset_version, json.dumps(payload, ensure_ascii=False), user_id, db.now_iso()))
    return int(cur.lastrowid or 0)


def _check(row: Sequence[Any]) -> StoredCheck:
    answer = None if row[12] is None else Answer(str(row[12]), str(row[13]), int(row[14]), str(row[15] or ""),
                                                 str(row[16]))
    return StoredCheck(int(row[0]), int(row[1]), str(row[2]), str(row[3]), bool(row[4]), int(row[5]), int(row[6]),
                       str(row[7]), str(row[8]), json.loads(row[9]), int(row[10]) if row[10] is not None else None,
                       str(row[11]), answer)


# a check with its answer, if any (c: tracking_checks, a: tracking_confirmations, u: who answered)
_CHECK_COLUMNS = ("c.id, c.loan_id, c.check_date, c.verdict, c.needs_attention, c.qualifying, c.staff_total,"
                  " c.latest_period, c.ruleset_version, c.payload, c.created_by, c.created_at,"
                  " a.outcome, a.reason, a.answered_by, coalesce(nullif(u.display_name, ''), u.username),"
                  " a.answered_at FROM tracking_checks c LEFT JOIN tracking_confirmations a ON a.check_id = c.id"
                  " LEFT JOIN users u ON u.id = a.answered_by")


def checks(store: Store, loan_id: int) -> list[StoredCheck]:
    """Every re-verification of the loan, in the order they were made."""
    return [_check(r) for r in store.conn.execute(
        f"SELECT {_CHECK_COLUMNS} WHERE c.loan_id = ? ORDER BY c.id", (loan_id,))]


def last_checks(store: Store, loan_ids: Iterable[int]) -> dict[int, StoredCheck]:
    """The latest check (by check date, then id) of each of these loans that has one."""
    return {c.loan_id: c for c in (_check(r) for r in store.conn.execute(
        f"SELECT {_CHECK_COLUMNS} WHERE c.loan_id IN (SELECT value FROM json_each(?))"
        " ORDER BY c.check_date, c.id", (json.dumps([int(i) for i in loan_ids]),)))}


def check_by_id(store: Store, check_id: int) -> StoredCheck | None:
    row = store.conn.execute(f"SELECT {_CHECK_COLUMNS} WHERE c.id = ?", (check_id,)).fetchone()
    return None if row is None else _check(row)


def insert_answer(store: Store, check_id: int, *, outcome: str, reason: str, user_id: int) -> int:
    cur = store.conn.execute(
        "INSERT INTO tracking_confirmations (check_id, outcome, reason, answered_by, answered_at)"
        " VALUES (?, ?, ?, ?, ?)", (check_id, outcome, reason, user_id, db.now_iso()))
    return int(cur.lastrowid or 0)


def check_counts(store: Store, loan_ids: Iterable[int]) -> dict[int, int]:
    """How many checks each of these loans has (those with none are left out)."""
    return {int(r[0]): int(r[1]) for r in store.conn.execute(
        "SELECT loan_id, count(*) FROM tracking_checks WHERE loan_id IN (SELECT value FROM json_each(?))"
        " GROUP BY loan_id", (json.dumps([int(i) for i in loan_ids]),))}
