"""The rows 统计分析 counts (desktop/core/summary.py): applications with the decision they were
approved on, the counted workers of decisions grouped by source county and priority group, and the
loans on the applications with their re-verification checks (a province keeps the counties' own in
the same tables, received in batches).

``local``: True for the office's own applications (a county), False for the counties' received
ones (the province). The period only narrows what is read; the core decides what counts where.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from desktop.core.summary import CaseRow, CheckRow, LoanRow, WorkerRow
from desktop.store.store import Store

_CHUNK = 900  # under SQLite's default limit of bound parameters


def _office_filter(local: bool, county: str | None) -> tuple[list[str], list[Any]]:
    where = ["o.is_local = ?"]
    params: list[Any] = [1 if local else 0]
    if county:
        where.append("o.code = ?")
        params.append(county)
    return where, params


def case_rows(store: Store, *, local: bool, county: str | None = None, period_from: str | None = None,
              period_to: str | None = None) -> list[CaseRow]:
    """Every application of the offices (one county's when ``county``) applied or approved in the period."""
    where, params = _office_filter(local, county)
    low, high = period_from or "0000-00", period_to or "9999-99"
    where.append("(substr(coalesce(a.applied_on, a.created_at), 1, 7) BETWEEN ? AND ?"
                 " OR substr(a.approved_at, 1, 7) BETWEEN ? AND ?)")
    params += [low, high, low, high]
    sql = ("SELECT a.id, o.code, o.name, coalesce(a.applied_on, a.created_at), a.status, a.approved_at,"
           " d.id, d.final_result, d.qualifying_count"
           " FROM applications a JOIN enterprises e ON e.id = a.enterprise_id JOIN offices o ON o.id = e.office_id"
           " LEFT JOIN decisions d ON d.id = a.approved_decision_id"
           f" WHERE {' AND '.join(where)}")
    return [CaseRow(int(r[0]), str(r[1]), str(r[2]), r[3], str(r[4]), r[5], r[6], r[7], int(r[8] or 0))
            for r in store.conn.execute(sql, params)]


_LOAN_FROM = (" FROM loans l JOIN applications a ON a.id = l.application_id JOIN enterprises e ON e.id = a.enterprise_id"
              " JOIN offices o ON o.id = e.office_id")


def loan_rows(store: Store, *, local: bool, county: str | None = None, period_from: str | None = None,
              period_to: str | None = None) -> list[LoanRow]:
    """Every loan on the offices' applications (one county's when ``county``) started in the period."""
    where, params = _office_filter(local, county)
    where.append("substr(l.start_date, 1, 7) BETWEEN ? AND ?")
    params += [period_from or "0000-00", period_to or "9999-99"]
    sql = f"SELECT o.code, o.name, l.start_date, l.amount_wan{_LOAN_FROM} WHERE {' AND '.join(where)}"
    return [LoanRow(str(r[0]), str(r[1]), str(r[2]), Decimal(r[3])) for r in store.conn.execute(sql, params)]


def check_rows(store: Store, *, local: bool, county: str | None = None, period_from: str | None = None,
               period_to: str | None = None) -> list[CheckRow]:
    """Every re-verification of those loans made in the period, with whether an approver confirmed it."""
    where, params = _office_filter(local, county)
    where.append("substr(c.check_date, 1, 7) BETWEEN ? AND ?")
    params += [period_from or "0000-00", period_to or "9999-99"]
    sql = ("SELECT o.code, o.name, c.check_date, c.verdict, coalesce(t.outcome = 'confirmed', 0)"
           f"{_LOAN_FROM} JOIN tracking_checks c ON c.loan_id = l.id"
           " LEFT JOIN tracking_confirmations t ON t.check_id = c.id"
           f" WHERE {' AND '.join(where)}")
    return [CheckRow(str(r[0]), str(r[1]), str(r[2]), str(r[3]), bool(r[4])) for r in store.conn.execute(sql, params)]


def worker_rows(store: Store, decision_ids: Sequence[int]) -> list[WorkerRow]:
    """The counted workers of these decisions, grouped by (source county, verified group, claimed group),
    read from each decision's list of workers (what the approval rests on).

    Python's json module reads the payloads: at 100,000 workers it took 0.70-0.87 s where SQLite's
    json_each with one json_extract of the four fields per worker took 0.97-1.02 s (SQLite 3.40
    re-serialises each worker object for json_each's value and parses it again; bench/bench_summary.py).
    """
    found: Counter[tuple[int, str | None, str | None, str | None]] = Counter()
    ids = sorted(set(decision_ids))
    loads = json.loads
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        for decision_id, payload in store.conn.execute(
                f"SELECT id, payload FROM decisions WHERE id IN ({', '.join('?' for _ in chunk)})", chunk):
            for w in loads(payload).get("workers", ()):
                if w.get("counted"):
                    found[(int(decision_id), w.get("hukou_code"), w.get("priority_group"), w.get("priority_claim"))] += 1
    return [WorkerRow(d, source, group, claim, n) for (d, source, group, claim), n in found.items()]


def offices(store: Store, *, local: bool) -> list[tuple[str, str]]:
    """(code, name) of the offices counted: the local one, or the counties received (by code)."""
    return [(str(r[0]), str(r[1])) for r in store.conn.execute(
        "SELECT code, name FROM offices WHERE is_local = ? AND kind = 'county' ORDER BY code", (1 if local else 0,))]
