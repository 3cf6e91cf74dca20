"""Loans and their checks in batches (laoxie.batch/2; SQL only here).

County side: the loans, checks and approvers' answers to checks (确认不达标 /
退回) still to send (those no batch carried yet, or — when asked — none a
receipt confirmed), for applications the province has or gets in the same
batch, and the record of which batch carried them. Province side: a county's
loans (by the county's id, ``batch_tracking_refs``; sent again, the row is
updated), checks and answers (kept once: neither is ever changed).
Writes run inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop.core.batch import CHECKS, CONFIRMATIONS, LOANS, TABLE_COLUMNS, Table
from desktop.store.store import Store

LOAN = "loan"
CHECK = "tracking_check"
ANSWER = "tracking_confirmation"

_LOAN_COLUMNS = (
    "bank_branch", "contract_number", "amount_wan", "start_date", "term_months", "end_date", "rate",
    "preferential_end", "lpr_effective_from", "lpr_tenor", "lpr_value", "lpr_source", "warnings",
)
_CHECK_COLUMNS = (
    "check_date", "verdict", "needs_attention", "qualifying", "staff_total", "latest_period", "ruleset_version",
    "payload",
)


class UnknownApplication(Exception):
    """A loan names an application of the county the province never received."""

    def __init__(self, contract_number: str) -> None:
        self.contract_number = contract_number
        super().__init__(contract_number)


class LoanTaken(Exception):
    """A loan whose bank contract the province already has, in another county's (or enterprise's) record."""

    def __init__(self, bank_branch: str, contract_number: str, office: str, enterprise: str) -> None:
        self.bank_branch, self.contract_number, self.office, self.enterprise = (
            bank_branch, contract_number, office, enterprise)
        super().__init__(contract_number)


class UnknownCheck(Exception):
    """An approver's answer names a check of the county the province never received."""


@dataclass
class TrackingRows:
    """The loans, checks and answers of one batch in the format's column order, and the users they name."""

    loans: list[tuple[Any, ...]]
    checks: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]
    user_ids: set[int]


def _ids(values: Iterable[int]) -> str:
    return json.dumps(sorted({int(v) for v in values}))


def rows_to_send(store: Store, office_id: int, application_ids: Sequence[int], *,
                 include_unreceived: bool = False) -> TrackingRows:
    """The office's checks not sent yet with their loans, and the loans not sent yet, of applications
    the province has (sent in a batch not refused) or that this batch carries."""
    conn = store.conn
    sent_if = ("b.status = 'received'" if include_unreceived else "1")
    unsent = (f"NOT EXISTS (SELECT 1 FROM batch_tracking_refs r JOIN batches b ON b.id = r.batch_id"
              f" WHERE r.office_id = :office AND r.entity = :entity AND r.source_id = {{id}} AND {sent_if})")
    at_province = ("(l.application_id IN (SELECT value FROM json_each(:chosen)) OR l.application_id IN"
                   " (SELECT bi.application_id FROM batch_items bi JOIN batches b ON b.id = bi.batch_id"
                   "  WHERE b.direction = 'outgoing' AND b.office_id = :office AND b.status <> 'refused'))")
    params = {"office": office_id, "chosen": _ids(application_ids)}
    check_ids = [int(r[0]) for r in conn.execute(
        "SELECT c.id FROM tracking_checks c JOIN loans l ON l.id = c.loan_id JOIN applications a"
        " ON a.id = l.application_id JOIN enterprises e ON e.id = a.enterprise_id"
        f" WHERE e.office_id = :office AND {at_province} AND {unsent.format(id='c.id')}",
        {**params, "entity": CHECK})]
    loan_ids = {int(r[0]) for r in conn.execute(
        "SELECT l.id FROM loans l JOIN applications a ON a.id = l.application_id JOIN enterprises e"
        f" ON e.id = a.enterprise_id WHERE e.office_id = :office AND {at_province} AND {unsent.format(id='l.id')}",
        {**params, "entity": LOAN})}
    loan_ids |= {int(r[0]) for r in conn.execute(
        "SELECT DISTINCT loan_id FROM tracking_checks WHERE id IN (SELECT value FROM json_each(?))",
        (_ids(check_ids),))}
    # an answer goes once its check has gone (in an earlier batch) or goes now
    answer_ids = [int(r[0]) for r in conn.execute(
        "SELECT a.id FROM tracking_confirmations a JOIN tracking_checks c ON c.id = a.check_id JOIN loans l"
        " ON l.id = c.loan_id JOIN applications p ON p.id = l.application_id JOIN enterprises e"
        " ON e.id = p.enterprise_id WHERE e.office_id = :office"
        " AND (c.id IN (SELECT value FROM json_each(:checks)) OR EXISTS (SELECT 1 FROM batch_tracking_refs r"
        "  WHERE r.office_id = :office AND r.entity = 'tracking_check' AND r.source_id = c.id))"
        f" AND {unsent.format(id='a.id')}", {**params, "entity": ANSWER, "checks": _ids(check_ids)})]
    factory = conn.row_factory
    conn.row_factory = None
    try:
        loans = conn.execute(
            f"SELECT id, application_id, {', '.join(_LOAN_COLUMNS[:-1])}, warnings, acknowledged_by, created_by,"
            " created_at FROM loans WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            (_ids(loan_ids),)).fetchall()
        checks = conn.execute(
            f"SELECT id, loan_id, {', '.join(_CHECK_COLUMNS)}, created_by, created_at FROM tracking_checks"
            " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (_ids(check_ids),)).fetchall()
        answers = conn.execute(
            "SELECT id, check_id, outcome, reason, answered_by, answered_at FROM tracking_confirmations"
            " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (_ids(answer_ids),)).fetchall()
    finally:
        conn.row_factory = factory
    loan_at = {c: i for i, c in enumerate(TABLE_COLUMNS[LOANS])}
    check_at = {c: i for i, c in enumerate(TABLE_COLUMNS[CHECKS])}
    users = {r[loan_at[c]] for r in loans for c in ("acknowledged_by_ref", "created_by_ref")}
    users |= {r[check_at["created_by_ref"]] for r in checks}
    users |= {r[TABLE_COLUMNS[CONFIRMATIONS].index("answered_by_ref")] for r in answers}
    return TrackingRows(loans, checks, answers, {int(u) for u in users if u is not None})


def mark_sent(store: Store, office_id: int, batch_id: int, rows: TrackingRows) -> None:
    """The county's record that ``batch_id`` carried these loans and checks."""
    store.conn.executemany(
        "INSERT INTO batch_tracking_refs (office_id, entity, source_id, local_id, batch_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (office_id, entity, source_id) DO UPDATE SET batch_id = excluded.batch_id",
        [(office_id, LOAN, int(r[0]), int(r[0]), batch_id) for r in rows.loans]
        + [(office_id, CHECK, int(r[0]), int(r[0]), batch_id) for r in rows.checks]
        + [(office_id, ANSWER, int(r[0]), int(r[0]), batch_id) for r in rows.answers])


# --------------------------------------------------------------------------
# Province


def _refs(store: Store, office_id: int, entity: str) -> dict[int, int]:
    return {int(r[0]): int(r[1]) for r in store.conn.execute(
        "SELECT source_id, local_id FROM batch_tracking_refs WHERE office_id = ? AND entity = ?",
        (office_id, entity))}


def _keep(store: Store, office_id: int, entity: str, source_id: int, local_id: int, batch_id: int) -> None:
    store.conn.execute(
        "INSERT INTO batch_tracking_refs (office_id, entity, source_id, local_id, batch_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (office_id, entity, source_id) DO UPDATE SET local_id = excluded.local_id,"
        " batch_id = excluded.batch_id", (office_id, entity, source_id, local_id, batch_id))


def _mapped(mapping: Mapping[int, int], ref: int | None) -> int | None:
    return mapping[ref] if ref is not None else None


def store_tracking(store: Store, office_id: int, batch_id: int, tables: Mapping[str, Table],
                   applications: Mapping[int, int], users: Mapping[int, int]) -> dict[str, int]:
    """Keep a county's loans and checks: (rows written: loans, new checks). ``applications`` and
    ``users`` map the county's ids to the rows here (this batch's and earlier ones')."""
    if LOANS not in tables:  # an older format's batch
        return {}
    loans = _refs(store, office_id, LOAN)
    for r in tables[LOANS].records():
        application = applications.get(r["application_ref"])
        if application is None:
            raise UnknownApplication(str(r["contract_number"]))
        values = (application, *(r[c] for c in _LOAN_COLUMNS), _mapped(users, r["acknowledged_by_ref"]),
                  _mapped(users, r["created_by_ref"]), r["created_at"])
        columns = ("application_id", *_LOAN_COLUMNS, "acknowledged_by", "created_by", "created_at")
        existing = loans.get(r["ref"])
        taken = store.conn.execute(
            "SELECT o.name, e.name FROM loans n JOIN applications a ON a.id = n.application_id"
            " JOIN enterprises e ON e.id = a.enterprise_id JOIN offices o ON o.id = e.office_id"
            " WHERE n.bank_branch = ? AND n.contract_number = ? AND n.id IS NOT ?",
            (r["bank_branch"], r["contract_number"], existing)).fetchone()
        if taken is not None:  # the table's UNIQUE would refuse it in SQLite's words
            raise LoanTaken(str(r["bank_branch"]), str(r["contract_number"]), str(taken[0]), str(taken[1]))
        if existing is not None:
            store.conn.execute(f"UPDATE loans SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                               (*values, existing))
        else:
            cur = store.conn.execute(f"INSERT INTO loans ({', '.join(columns)})"
                                     f" VALUES ({', '.join('?' for _ in columns)})", values)
            existing = loans[r["ref"]] = int(cur.lastrowid or 0)
        _keep(store, office_id, LOAN, int(r["ref"]), existing, batch_id)
    checks = _refs(store, office_id, CHECK)
    new = 0
    for r in tables[CHECKS].records():
        if r["ref"] in checks:
            continue  # a check is kept as it was made: the one here is the same
        cur = store.conn.execute(
            f"INSERT INTO tracking_checks (loan_id, {', '.join(_CHECK_COLUMNS)}, created_by, created_at)"
            f" VALUES ({', '.join('?' for _ in range(len(_CHECK_COLUMNS) + 3))})",
            (loans[r["loan_ref"]], *(r[c] for c in _CHECK_COLUMNS), _mapped(users, r["created_by_ref"]),
             r["created_at"]))
        checks[r["ref"]] = int(cur.lastrowid or 0)
        _keep(store, office_id, CHECK, int(r["ref"]), checks[r["ref"]], batch_id)
        new += 1
    answers = _refs(store, office_id, ANSWER)
    new_answers = 0
    for r in tables[CONFIRMATIONS].records():
        if r["ref"] in answers:
            continue  # an answer is kept as it was given
        check = checks.get(r["check_ref"])
        if check is None:
            raise UnknownCheck(str(r["answered_at"]))
        cur = store.conn.execute(
            "INSERT INTO tracking_confirmations (check_id, outcome, reason, answered_by, answered_at)"
            " VALUES (?, ?, ?, ?, ?)", (check, r["outcome"], r["reason"], users[r["answered_by_ref"]],
                                        r["answered_at"]))
        _keep(store, office_id, ANSWER, int(r["ref"]), int(cur.lastrowid or 0), batch_id)
        new_answers += 1
    return {"loans": len(tables[LOANS].rows), "checks": new, "confirmations": new_answers}
