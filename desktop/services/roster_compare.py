"""A checked roster compared with the workers on file: what each row does (new / updated /
unchanged / refused), the warnings that need the store, and the staged rows' tuples.

Split from :mod:`desktop.services.rosters`; both the preview and the commit classify.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from desktop.core.pinyin_order import person_sort_key
from desktop.core.roster import NO_CHANGES, Field, HeaderLayout, RosterRow, RowProblem, SheetCheck
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store.rosters import StoredWorker



def _cross_check(
    ws: Workspace, enterprise_id: int, layout: HeaderLayout, valid: list[RosterRow], stored: dict[str, StoredWorker]
) -> None:
    """Warnings that need the store: the person works elsewhere, or is on file under another name."""
    others = roster_store.other_employers(ws.store, enterprise_id, (r.id_number for r in valid))
    if not others and not stored:
        return  # an enterprise's first roster in a new office: nobody to compare with
    column = layout.columns.get(Field.ID_NUMBER)
    for row in valid:
        names = others.get(row.id_number)
        if names:
            row.add_problems(RowProblem(row.sheet_row, column, Field.ID_NUMBER, "worker_at_other_enterprise",
                                        {"enterprises": "、".join(f"“{n}”" for n in names)}))
        old = stored.get(row.id_number)
        if old is not None and old.name != row.name and row.name:
            row.add_problems(RowProblem(row.sheet_row, layout.columns.get(Field.NAME), Field.NAME,
                                        "name_differs_from_stored",
                                        {"stored": old.name, "name": row.name}))


def _same(before: object, after: object) -> bool:
    if isinstance(before, (int, float)) and isinstance(after, (int, float)):
        return abs(float(before) - float(after)) < 0.005
    return before == after


def _classify_row(row: RosterRow, stored: dict[str, StoredWorker], fields: Sequence[str]) -> None:
    """Set the row's action (new / updated / unchanged / refused) and what changed."""
    if row.status != "valid":
        row.action, row.changes = "refused", NO_CHANGES
        return
    old = stored.get(row.id_number)
    if old is None:
        row.action, row.changes = "new", NO_CHANGES
        return
    changes: dict[str, tuple[object, object]] = {}
    if row.name and old.name != row.name:
        changes["name"] = (old.name, row.name)
    if not old.active:
        changes["active"] = (0, 1)
    for name in fields:
        before, after = old.values.get(name), getattr(row, name)
        if not _same(before, after):
            changes[name] = (before, after)
    row.action, row.changes = ("updated", changes) if changes else ("unchanged", NO_CHANGES)


class Tally:
    """The counts of checked rows, added up block by block (a big import hands most rows on)."""

    def __init__(self, stored: dict[str, StoredWorker]) -> None:
        self.counts = {"rows": 0, "valid": 0, "invalid": 0, "duplicate": 0, "warnings": 0}
        self.actions: Counter[str] = Counter()
        self.seen: set[str] | None = set() if stored else None  # refused rows too: not "absent"

    def add(self, rows: Sequence[RosterRow]) -> None:
        counts = self.counts
        counts["rows"] += len(rows)
        for row in rows:
            counts[row.status] += 1
            if row.status == "valid" and row.problems:
                counts["warnings"] += 1
        self.actions.update(row.action for row in rows)
        if self.seen is not None:
            self.seen.update(row.id_number for row in rows if len(row.id_number) == 18)

    def result(self, stored: dict[str, StoredWorker], skipped: dict[str, list[int]]) -> tuple[dict[str, int], list[str]]:
        """The counts of the rows' statuses and actions, and the active workers on file the roster leaves out."""
        counts = dict(self.counts)
        counts.update({key: self.actions.get(key, 0) for key in ("new", "updated", "unchanged", "refused")})
        seen = self.seen or set()
        absent = sorted(n for n, w in stored.items() if w.active and n not in seen) if stored else []
        counts["absent"] = len(absent)
        counts["skipped_blank"] = len(skipped["blank"])
        counts["skipped_closing"] = len(skipped["closing"]) + len(skipped["header"])
        return counts, absent


def _counts(checked: SheetCheck, stored: dict[str, StoredWorker]) -> tuple[dict[str, int], list[str]]:
    tally = Tally(stored)
    tally.add(checked.rows)
    return tally.result(stored, checked.skipped)


def _classify(checked: SheetCheck, stored: dict[str, StoredWorker], fields: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    _classify_rows(checked.rows, stored, fields)
    return _counts(checked, stored)


def _classify_rows(rows: Sequence[RosterRow], stored: dict[str, StoredWorker], fields: Sequence[str]) -> None:
    known = stored.get
    for row in rows:
        if row.status == "valid" and known(row.id_number) is None:
            # The usual row of a big roster, a worker not on file: nothing to compare
            # (what _classify_row says, without a call and a new dict per row).
            row.action = "new"
            if row.changes:
                row.changes = NO_CHANGES
        else:
            _classify_row(row, stored, fields)


def _stage_tuple(r: RosterRow) -> tuple[object, ...]:
    """STAGE_COLUMNS: the person, the sheet row, then what _values() gives (spelt out: 100,000 calls)."""
    return (
        r.id_number, r.name, person_sort_key(r.name), r.sex, r.birth_date, r.sheet_row, r.hukou_text, r.hukou_code, r.contract_type,
        r.contract_start, r.contract_end, r.hire_date, r.job, r.monthly_wage,
        None if r.paid_months is None else json.dumps(r.paid_months), r.social_insurance, r.phone, r.priority_claim,
    )
