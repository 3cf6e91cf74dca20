"""Loans recorded for approved applications (SQL only here).

Writes run inside the caller's transaction (the service adds the audit entry
in the same one).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.store import db
from desktop.store.store import Store


@dataclass(frozen=True)
class LoanRow:
    id: int
    application_id: int
    enterprise_id: int
    enterprise_name: str
    uscc: str
    bank_branch: str
    contract_number: str
    amount_wan: str
    start_date: str
    term_months: int
    end_date: str
    rate: str
    preferential_end: str | None
    lpr_effective_from: str
    lpr_tenor: str
    lpr_value: str
    lpr_source: str
    warnings: tuple[dict[str, str], ...]
    acknowledged_by: int | None
    created_by: int | None
    created_at: str
    county_code: str = ""  # the office the enterprise belongs to (a county's loans at the province)
    county_name: str = ""


_SELECT = (
    "SELECT l.*, a.enterprise_id, e.name AS enterprise_name, e.uscc, o.code AS county_code,"
    " o.name AS county_name FROM loans l"
    " JOIN applications a ON a.id = l.application_id JOIN enterprises e ON e.id = a.enterprise_id"
    " JOIN offices o ON o.id = e.office_id"
)


def _loan(row: sqlite3.Row) -> LoanRow:
    return LoanRow(
        id=int(row["id"]), application_id=int(row["application_id"]), enterprise_id=int(row["enterprise_id"]),
        enterprise_name=str(row["enterprise_name"]), uscc=str(row["uscc"]), bank_branch=str(row["bank_branch"]),
        contract_number=str(row["contract_number"]), amount_wan=str(row["amount_wan"]),
        start_date=str(row["start_date"]), term_months=int(row["term_months"]), end_date=str(row["end_date"]),
        rate=str(row["rate"]), preferential_end=row["preferential_end"],
        lpr_effective_from=str(row["lpr_effective_from"]), lpr_tenor=str(row["lpr_tenor"]),
        lpr_value=str(row["lpr_value"]), lpr_source=str(row["lpr_source"]),
        warnings=tuple(json.loads(row["warnings"])),
        acknowledged_by=int(row["acknowledged_by"]) if row["acknowledged_by"] is not None else None,
        created_by=int(row["created_by"]) if row["created_by"] is not None else None,
        created_at=str(row["created_at"]), county_code=str(row["county_code"]),
        county_name=str(row["county_name"]),
    )


def insert_loan(store: Store, application_id: int, values: dict[str, Any],
                warnings: Sequence[dict[str, str]], *, user_id: int | None) -> int:
    """A new loan row; ``values`` holds the columns from bank_branch to lpr_source."""
    columns = ("bank_branch", "contract_number", "amount_wan", "start_date", "term_months", "end_date", "rate",
               "preferential_end", "lpr_effective_from", "lpr_tenor", "lpr_value", "lpr_source")
    cur = store.conn.execute(
        f"INSERT INTO loans (application_id, {', '.join(columns)}, warnings, acknowledged_by, created_by, created_at)"
        f" VALUES (?, {', '.join('?' for _ in columns)}, ?, ?, ?, ?)",
        (application_id, *(values[c] for c in columns), json.dumps(list(warnings), ensure_ascii=False),
         user_id if warnings else None, user_id, db.now_iso()),
    )
    return int(cur.lastrowid or 0)


def loan(store: Store, loan_id: int) -> LoanRow | None:
    row = store.conn.execute(f"{_SELECT} WHERE l.id = ?", (loan_id,)).fetchone()
    return _loan(row) if row else None


def loan_by_contract(store: Store, bank_branch: str, contract_number: str) -> LoanRow | None:
    row = store.conn.execute(f"{_SELECT} WHERE l.bank_branch = ? AND l.contract_number = ?",
                             (bank_branch, contract_number)).fetchone()
    return _loan(row) if row else None


def loans(store: Store, office_id: int | None, enterprise_id: int | None = None) -> list[LoanRow]:
    """The office's loans (every office's: None; of one enterprise when given), by start date then id."""
    sql = f"{_SELECT} WHERE (? IS NULL OR e.office_id = ?)"
    params: list[object] = [office_id, office_id]
    if enterprise_id is not None:
        sql += " AND e.id = ?"
        params.append(enterprise_id)
    order = " ORDER BY l.start_date, l.id" if office_id is not None else " ORDER BY o.code, e.name_key, l.start_date, l.id"
    return [_loan(r) for r in store.conn.execute(sql + order, params)]
