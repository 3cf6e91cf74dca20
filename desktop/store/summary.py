"""The rows 统计分析 counts (desktop/core/summary.py): applications with the decision they were
approved on, and the counted workers of decisions grouped by source county and priority group.

``local``: True for the office's own applications (a county), False for the counties' received
ones (the province). The period only narrows what is read; the core decides what counts where.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from desktop.core.summary import CaseRow, WorkerRow
from desktop.store.store import Store

_CHUNK = 900  # under SQLite's default limit of bound parameters


def case_rows(store: Store, *, local: bool, county: str | None = None, period_from: str | None = None,
              period_to: str | None = None) -> list[CaseRow]:
    """Every application of the offices (one county's when ``county``) applied or approved in the period."""
    where = ["o.is_local = ?"]
    params: list[Any] = [1 if local else 0]
    if county:
        where.append("o.code = ?")
        params.append(county)
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


def worker_rows(store: Store, decision_ids: Sequence[int]) -> list[WorkerRow]:
    """The counted workers of these decisions, grouped by (source county, verified group, claimed group),
    read from each decision's list of workers (what the approval rests on)."""
    found: list[WorkerRow] = []
    ids = sorted(set(decision_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        # One json_extract with four paths parses each worker once (SQLite 3.40 has no parse cache).
        rows = store.conn.execute(
            "SELECT d.id, json_extract(w.value, '$.counted', '$.hukou_code', '$.priority_group',"
            " '$.priority_claim') AS k, count(*) FROM decisions d, json_each(d.payload, '$.workers') w"
            f" WHERE d.id IN ({', '.join('?' for _ in chunk)}) GROUP BY d.id, k", chunk).fetchall()
        for decision_id, key, n in rows:
            counted, source, group, claim = json.loads(key)
            if counted:
                found.append(WorkerRow(int(decision_id), source, group, claim, int(n)))
    return found


def offices(store: Store, *, local: bool) -> list[tuple[str, str]]:
    """(code, name) of the offices counted: the local one, or the counties received (by code)."""
    return [(str(r[0]), str(r[1])) for r in store.conn.execute(
        "SELECT code, name FROM offices WHERE is_local = ? AND kind = 'county' ORDER BY code", (1 if local else 0,))]
