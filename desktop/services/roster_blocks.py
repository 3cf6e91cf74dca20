"""A big roster's preview without a Python object per row: each checked block is compared with the
workers on file as it comes and its new rows are staged in SQLite (the TEMP staging table of
desktop.store.rosters); the preview keeps only the rows the screen shows (every row with a problem,
every row that is not new) and the counts.

A row object is ~400 bytes, ~415 MB at 1,000,000 rows; kept this way the preview of a new office's
1,000,000-row roster holds the counts and its problem rows.  The staged rows come back, rebuilt, for
whoever needs every row (``import --json``, a commit that must compare again).  Only a sheet taller
than :data:`LEAN_ROWS` is read this way: an everyday roster keeps every row, as before.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Sequence
from typing import Final

from desktop.core.roster import Field, HeaderLayout, RosterRow, employment_fields_of
from desktop.services.roster_compare import Tally, _classify_rows, _cross_check, _stage_tuple
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store.rosters import STAGE_COLUMNS, StoredWorker
from desktop.store.store import Store

LEAN_ROWS: Final = 200_000  # a sheet with more rows than this keeps only the rows the preview shows


class BlockCompare:
    """The sink :func:`desktop.core.roster.check_sheet` hands each checked block to."""

    def __init__(self, ws: Workspace, enterprise_id: int, stored: dict[str, StoredWorker], token: str) -> None:
        self.ws, self.enterprise_id, self.stored, self.token = ws, enterprise_id, stored, token
        self.tally = Tally(stored)
        self.layout: HeaderLayout | None = None
        self.fields: list[str] = []
        self.handed_on = 0  # rows staged and not kept
        self.failed = False  # staging failed part way: the rows staged before come back at the end

    def start(self, layout: HeaderLayout) -> BlockCompare:
        self.layout, self.fields = layout, employment_fields_of(layout)
        roster_store.open_stage(self.ws.store, self.token)
        return self

    def __call__(self, rows: list[RosterRow]) -> list[RosterRow]:
        assert self.layout is not None
        _cross_check(self.ws, self.enterprise_id, self.layout, [r for r in rows if r.status == "valid"], self.stored)
        _classify_rows(rows, self.stored, self.fields)
        self.tally.add(rows)
        if self.failed:
            return rows
        new = [r for r in rows if r.action == "new"]
        if not new:
            return rows
        try:
            roster_store.stage_more(self.ws.store, self.token, map(_stage_tuple, new), drop=False)
        except Exception:  # noqa: BLE001 - a full temp folder, say: keep every row from here on
            self.failed = True
            return rows
        kept = [r for r in rows if r.action != "new" or r.problems or r.converted_from_15]
        self.handed_on += len(rows) - len(kept)
        return kept


def staged_row(values: Sequence[object]) -> RosterRow:
    """A staged row as the check made it: valid, new, no problem (only such rows are handed on)."""
    v = dict(zip(STAGE_COLUMNS, values, strict=True))
    months = v["paid_months"]
    return RosterRow(
        sheet_row=v["source_row"], status="valid", id_number=str(v["id_number"]), name=str(v["name"]),  # type: ignore[arg-type]
        sex=v["sex"], birth_date=v["birth_date"], hukou_text=v["hukou_text"], hukou_code=v["hukou_code"],  # type: ignore[arg-type]
        contract_type=v["contract_type"], contract_start=v["contract_start"], contract_end=v["contract_end"],  # type: ignore[arg-type]
        hire_date=v["hire_date"], job=v["job"], monthly_wage=v["monthly_wage"],  # type: ignore[arg-type]
        paid_months=None if months is None else tuple(json.loads(str(months))),
        social_insurance=v["social_insurance"], phone=v["phone"], priority_claim=v["priority_claim"],  # type: ignore[arg-type]
        converted_from_15=False, problems=(), action="new",
    )


def every_row(store: Store, token: str, kept: Sequence[RosterRow]) -> Iterator[RosterRow]:
    """The kept rows and the rows handed on to the staging table, in sheet order."""
    kept_new = {r.sheet_row for r in kept if r.action == "new"}  # staged too, and kept: given once
    handed_on = (staged_row(t) for t in roster_store.staged_rows(store, token))
    return heapq.merge(kept, (r for r in handed_on if r.sheet_row not in kept_new), key=lambda r: r.sheet_row)


def lean(height: int, layout: HeaderLayout) -> bool:
    """Whether a sheet of ``height`` rows is read keeping only the rows the preview shows."""
    return height > LEAN_ROWS and Field.ID_NUMBER in layout.columns
