"""Importing an enterprise's roster: preview first, then commit in one transaction.

The import wizard (and ``laoxie import``) works in two steps:

1. :func:`prepare_import` reads the file, finds the header, maps the columns
   (guessed from the header names, corrected by what the clerk chose for
   this enterprise last time and by the clerk now), checks every row and
   compares it with the workers on file.  Nothing is written.  The
   :class:`RosterPreview` has the counts (new / updated / unchanged /
   refused), every problem with sheet, row and column, and the problems
   grouped by kind.
2. :func:`desktop.services.roster_commit.commit_import` writes the valid rows, the ``roster_imports`` row,
   the remembered column mapping and an audit entry naming the file and its
   SHA-256, all in one transaction: never half an import.

Both take ``progress(stage, done, total)`` and ``cancel()`` so the window can
run them on its worker thread with a bar and a cancel button.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desktop.core.enterprise import Enterprise
from desktop.core.insurance_list import find_insurance_header
from desktop.core.messages import message
from desktop.core.permissions import Permission
from desktop.core.roster import (
    HEADER_SEARCH_ROWS, CancelFn, Field, HeaderLayout, ProgressFn, RosterError, RosterRow, RowChecker,
    RowProblem, SheetCheck, check_cancel, check_sheet, column_letter, employment_fields_of, find_header,
    group_problems, header_key, learned_aliases,
)
from desktop.rosters.reader import RosterFile, SheetInfo
from desktop.services import roster_blocks
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.roster_compare import _classify, _cross_check, _stage_tuple
from desktop.services.roster_mapping import mapping_text, remembered_mapping
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store.rosters import StoredWorker

__all__ = [
    "Field", "RosterInspection", "column_letter",
    "inspect_roster", "open_roster", "RosterError", "RosterPreview",
    "prepare_import", "write_problems_copy", "write_template",
]


# --------------------------------------------------------------------------
# The preview


@dataclass
class RosterPreview:
    """What an import would do; nothing has been written yet."""

    enterprise: Enterprise
    file: RosterFile
    sheets: list[SheetInfo]
    check: SheetCheck
    fields: list[str]  # employment columns this roster speaks about
    counts: dict[str, int]
    absent: list[str]  # ID numbers of active workers on file that the roster no longer lists
    today: datetime.date
    minimum_wage: float | None
    remembered: bool  # a column mapping remembered for this enterprise was applied
    unmapped: dict[str, str] = field(default_factory=dict)  # field -> header the clerk chose to ignore
    store_state: str = ""  # the audit chain head when compared: unchanged at commit, no need to compare again
    stage_token: str = ""  # the new rows are staged for a fast commit (see desktop.store.rosters)
    # A big sheet's clean new rows live only in the staging table, not in check.rows (roster_blocks).
    handed_on: int = 0
    # An unchanged re-import (desktop.services.roster_digest): the digests of what this result depended
    # on, recorded with the import; and, on a preview cut short, the import it repeats.
    reimport_keys: tuple[str, ...] = ()
    unchanged_since: Any = None  # roster_digest.SameAs
    _store: Any = field(default=None, repr=False, compare=False)
    _stored: dict[str, StoredWorker] = field(default_factory=dict, repr=False, compare=False)

    def close(self, *, keep_rows: bool = False) -> None:
        """Let go of the staged rows and the file (the wizard calls this when the clerk cancels).
        ``keep_rows``: a big sheet's staged rows stay (until the next preview or the connection
        closes) for :meth:`every_row`, as ``import --json`` lists them after the commit."""
        self._stored = {}
        self.file.close()
        if keep_rows and self.handed_on:
            return
        store = self._store
        if self.stage_token and store is not None and not store.closed:  # closed: the staging went with it
            if not store.conn.in_transaction and roster_store.is_staged(store, self.stage_token):
                roster_store.drop_stages(self._store)
        self.stage_token = ""

    @property
    def sheet(self) -> str:
        return self.check.sheet

    @property
    def layout(self) -> HeaderLayout:
        return self.check.layout

    @property
    def rows(self) -> list[RosterRow]:
        """Every data row; only those with a problem when ``unchanged_since`` (the counts tell the rest).
        A big sheet's rows are rebuilt from the staging table for this list: see :meth:`every_row`."""
        return list(self.every_row()) if self.handed_on else self.check.rows

    @property
    def row_count(self) -> int:
        """len(rows), without rebuilding a big sheet's rows."""
        return len(self.check.rows) + self.handed_on

    @property
    def shown_rows(self) -> list[RosterRow]:
        """The rows the preview shows: every row with a problem and every row that is not new (and
        every row, unless the sheet was big enough to hand its clean new rows on to the staging)."""
        return self.check.rows

    def every_row(self) -> Iterator[RosterRow]:
        """:attr:`rows` one at a time: a big sheet's rows handed on come back from the staging table."""
        if not self.handed_on:
            return iter(self.check.rows)
        if self._store is None or self._store.closed or not roster_store.is_staged(self._store, self.stage_token):
            raise RosterError("roster_preview_expired")
        return roster_blocks.every_row(self._store, self.stage_token, self.check.rows)

    def absent_workers(self, limit: int) -> list[tuple[str, str]]:
        """(name, ID number) of the first ``limit`` workers :attr:`absent` lists, as on file (the name ''
        when the workers on file are not at hand, after :meth:`close`)."""
        return [(worker.name if (worker := self._stored.get(number)) is not None else "", number)
                for number in self.absent[:limit]]

    def problems(self) -> list[RowProblem]:
        return list(self.check.problems())

    def groups(self) -> list[dict[str, object]]:
        """Problems of one kind with their count, errors first."""
        return group_problems(self.check.problems())

    def problem_records(self) -> list[dict[str, object]]:
        """Every problem as the wizard's table and the JSON show it."""
        return [problem_record(self.sheet, self.layout, p) for p in self.check.problems()]

    def mapping_text(self) -> str:
        """The column mapping an import of this preview remembers for the enterprise (its setting's text)."""
        return mapping_text(self.layout, self.unmapped)

    def mapping(self) -> dict[str, dict[str, object]]:
        """field -> {column letter, header text} as used."""
        layout = self.layout
        return {
            f.value: {"column": column_letter(c), "index": c, "header": layout.header_of(c)}
            for f, c in sorted(layout.columns.items(), key=lambda item: item[1])
        }


def problem_record(sheet: str, layout: HeaderLayout, p: RowProblem) -> dict[str, object]:
    return {
        "sheet": sheet, "row": p.row, "column": p.column_letter, "header": layout.header_of(p.column),
        "field": p.field.value if p.field else None, "code": p.code, "severity": p.severity,
        "message": p.text(),
    }


# --------------------------------------------------------------------------
# Prepare


def _minimum_wage(county_code: str, day: datetime.date) -> float | None:
    """The local monthly minimum in force (DOMAIN.md 3.6), from the policy tables."""
    from desktop.core.policy import RuleSet

    found = RuleSet.load().min_wage.on(day, county_code)
    return float(found[1].monthly) if found else None


def _choose_sheet(
    rf: RosterFile, sheet: str | None, learned: Mapping[str, Field], header_row: int | None,
    cancel: CancelFn | None,
) -> tuple[str, HeaderLayout, Any]:
    infos = rf.sheets()
    names = [sheet] if sheet is not None else [s.name for s in infos if s.visible] or [s.name for s in infos]
    first_nonempty: str | None = None
    for name in names:
        check_cancel(cancel)
        loaded = rf.sheet(name)
        head = loaded.head(HEADER_SEARCH_ROWS if header_row is None else header_row + 2)
        if not any(any(v not in ("", None) for v in row) for row in head):
            continue
        first_nonempty = first_nonempty or name
        layout = find_header(head, merged=loaded.merged, learned=learned, header_row=header_row)
        if layout is not None:
            return name, layout, loaded
        paid = find_insurance_header(head)
        if paid is not None:  # the second layout: not a roster (laoxie track import reads it)
            raise RosterError("roster_is_insurance_list", sheet=name, row=paid.header_row + 1)
    if first_nonempty is None:
        raise RosterError("roster_sheet_empty", sheet=names[0])
    raise RosterError("roster_header_not_found", sheet=first_nonempty, rows=HEADER_SEARCH_ROWS)


@dataclass
class RosterInspection:
    """The wizard's first page: the sheets, the first rows and the header found (None: not found)."""

    file: RosterFile
    sheets: list[SheetInfo]
    sheet: str
    head: list[list[object]]  # the first rows as read, from sheet row 1 and column A
    layout: HeaderLayout | None
    remembered: dict[str, dict[str, str]]

    def field_choices(self) -> list[tuple[str, str]]:
        """(field value, label) for the mapping combo boxes, in template order."""
        return [(f.value, f.label) for f in Field]


def open_roster(path: Path | str) -> RosterFile:
    """Read a roster file into memory (RosterError if it cannot be read); pass it on to avoid reading twice."""
    return RosterFile.open(path)


def inspect_roster(
    ws: Workspace, enterprise_id: int, source: Path | str | RosterFile, *, sheet: str | None = None,
    header_row: int | None = None, rows: int = HEADER_SEARCH_ROWS,
) -> RosterInspection:
    """What the wizard shows before the clerk confirms the columns: nothing is checked or written.

    With ``sheet`` None the first visible sheet that has a header is chosen
    (or the first visible one); ``header_row`` is 1-based.
    """
    ws.require(Permission.IMPORT_ROSTERS)
    rf = source if isinstance(source, RosterFile) else RosterFile.open(source)
    remembered = remembered_mapping(ws, enterprise_id)
    learned = learned_aliases(remembered["fields"])
    row = None if header_row is None else header_row - 1
    try:
        name, layout, loaded = _choose_sheet(rf, sheet, learned, row, None)
    except RosterError as exc:
        if exc.code not in ("roster_header_not_found", "roster_sheet_empty"):
            raise
        infos = rf.sheets()
        name = sheet or next((s.name for s in infos if s.visible), infos[0].name)
        loaded, layout = rf.sheet(name), None
    return RosterInspection(rf, rf.sheets(), name, loaded.head(rows), layout, remembered)


def prepare_import(
    ws: Workspace,
    enterprise_id: int,
    path: Path | str | RosterFile,
    *,
    sheet: str | None = None,
    columns: Mapping[Field, int | None] | None = None,
    header_row: int | None = None,
    today: datetime.date | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    shortcut: bool = True,
) -> RosterPreview:
    """Read and check a roster; nothing is written.

    ``sheet`` picks a worksheet (default: the first visible one with a
    header); ``header_row`` (1-based) overrides the header search;
    ``columns`` maps fields to 0-based columns (None: the roster has no such
    column), overriding the guess and the remembered mapping.  The file of
    the enterprise's last import again, read the same way with nothing
    changed since, gives that import's outcome without reading the rows
    (desktop.services.roster_digest), unless ``shortcut`` is False.
    """
    ws.require(Permission.IMPORT_ROSTERS)
    ensure_enterprise_editable(ws, enterprise_id)  # say so before the clerk reviews a preview
    enterprise = ws.store.enterprise(enterprise_id)
    today = today or datetime.date.today()
    if progress:
        progress("read", 0, 0)
    rf = path if isinstance(path, RosterFile) else RosterFile.open(path)
    try:
        from desktop.services import roster_digest

        request = roster_digest.Request(rf.sha256, sheet, columns, header_row, today)
        same = roster_digest.unchanged_preview(ws, enterprise, rf, request) if shortcut else None
        if same is not None:
            return same  # the file and all it was read with are those of the last import: nothing to do
        return _prepare(ws, enterprise, rf, sheet, columns, header_row, today, progress, cancel)
    except BaseException:
        rf.close()
        raise


@dataclass(frozen=True)
class ReadSheet:
    """A roster sheet read and checked row by row, not yet compared with anything on file."""

    check: SheetCheck
    unmapped: dict[str, str]  # field -> header the clerk chose to ignore
    remembered: bool  # a column mapping remembered for this enterprise was applied
    minimum_wage: float | None


def read_sheet(
    ws: Workspace, enterprise: Enterprise, rf: RosterFile, *, sheet: str | None = None,
    columns: Mapping[Field, int | None] | None = None, header_row: int | None = None,
    today: datetime.date, progress: ProgressFn | None = None, cancel: CancelFn | None = None,
    sink_for: Callable[[HeaderLayout, int], roster_blocks.BlockCompare | None] | None = None,
) -> ReadSheet:
    """Find the header, map the columns (guessed, remembered for the enterprise, chosen now) and check
    every row: the reading both an import and a periodic list during the loan (跟踪评估) use.
    ``sink_for(layout, sheet height)`` may give a sink for the checked blocks (roster_blocks)."""
    remembered = remembered_mapping(ws, enterprise.id)
    name, layout, loaded, unmapped = resolve_layout(rf, remembered, sheet=sheet, columns=columns,
                                                    header_row=header_row, cancel=cancel)
    minimum = _minimum_wage(enterprise.county_code, today)
    checker = RowChecker(layout, ws.areas, today=today, minimum_wage=minimum)
    sink = sink_for(layout, loaded.height) if sink_for is not None else None
    checked = check_sheet(name, loaded.rows(), layout, checker, merged=loaded.merged,
                          total_rows=loaded.height, progress=progress, cancel=cancel, sink=sink)
    if not checked.rows and not (sink is not None and sink.tally.counts["rows"]):
        raise RosterError("roster_no_rows", sheet=name, row=layout.header_row + 1)
    return ReadSheet(checked, unmapped, bool(learned_aliases(remembered["fields"]) or remembered["ignored"]), minimum)


def resolve_layout(
    rf: RosterFile, remembered: Mapping[str, Mapping[str, str]], *, sheet: str | None,
    columns: Mapping[Field, int | None] | None, header_row: int | None, cancel: CancelFn | None = None,
) -> tuple[str, HeaderLayout, Any, dict[str, str]]:
    """The sheet and the columns a roster is read with: (sheet, layout, the loaded sheet, field -> header
    the clerk chose to ignore), from the header found, the mapping remembered and the clerk's choice now."""
    learned = learned_aliases(remembered["fields"])
    name, layout, loaded = _choose_sheet(rf, sheet, learned, None if header_row is None else header_row - 1, cancel)

    overrides: dict[Field, int | None] = {}
    for field_name, text in remembered["ignored"].items():
        try:
            f = Field(field_name)
        except ValueError:
            continue
        column = layout.columns.get(f)
        if column is not None and header_key(layout.header_of(column)) == header_key(text):
            overrides[f] = None
    overrides.update(columns or {})
    unmapped = {f.value: layout.header_of(layout.columns.get(f)) for f, c in overrides.items()
                if c is None and f in layout.columns}
    layout = layout.with_columns(overrides)
    missing = layout.missing_required()
    if missing:
        raise RosterError("roster_header_missing", sheet=name, row=layout.header_row + 1,
                          fields="、".join(f.label for f in missing))
    return name, layout, loaded, unmapped


def _prepare(
    ws: Workspace, enterprise: Enterprise, rf: RosterFile, sheet: str | None,
    columns: Mapping[Field, int | None] | None, header_row: int | None, today: datetime.date,
    progress: ProgressFn | None, cancel: CancelFn | None,
) -> RosterPreview:
    enterprise_id = enterprise.id
    store_state = ws.store.audit_chain_head()
    stored = roster_store.stored_workers(ws.store, enterprise_id)
    token = secrets.token_hex(8)
    blocks: roster_blocks.BlockCompare | None = None

    def sink_for(layout: HeaderLayout, height: int) -> roster_blocks.BlockCompare | None:
        nonlocal blocks
        if ws.store.conn.in_transaction or not roster_blocks.lean(height, layout):
            return None
        try:
            blocks = roster_blocks.BlockCompare(ws, enterprise_id, stored, token).start(layout)
        except Exception:  # noqa: BLE001 - no staging (a full temp folder, say): every row kept, as for a small sheet
            blocks = None
        return blocks

    try:
        read = read_sheet(ws, enterprise, rf, sheet=sheet, columns=columns, header_row=header_row, today=today,
                          progress=progress, cancel=cancel, sink_for=sink_for)
    except BaseException:
        if blocks is not None and not ws.store.conn.in_transaction:
            roster_store.drop_stages(ws.store)
        raise
    checked, layout, minimum = read.check, read.check.layout, read.minimum_wage
    from desktop.services import roster_digest  # the input digests an import records, while the header is at hand

    keys = roster_digest.keys_for(ws, enterprise, rf, roster_digest.Request(rf.sha256, sheet, columns, header_row,
                                                                            today), read)
    # Every row is checked and kept: let go of python-calamine's copy of the sheet (every cell of
    # it, ~65 MB at 100,000 rows) before the store's work; the file's bytes stay, to reopen.
    sheets = rf.sheets()
    rf.close()
    fields = employment_fields_of(layout)
    handed_on = 0
    if blocks is not None:  # a big sheet: compared and staged block by block as it was checked
        if blocks.failed and blocks.handed_on:  # the rows staged before the staging failed come back
            checked.rows = list(roster_blocks.every_row(ws.store, token, checked.rows))
        counts, absent = blocks.tally.result(stored, checked.skipped)
        handed_on = 0 if blocks.failed else blocks.handed_on
        if blocks.failed or not counts["new"]:
            roster_store.drop_stages(ws.store)
            token = ""
    else:
        counts, absent, token = _compare_and_stage(ws, enterprise_id, checked, layout, fields, stored, token,
                                                   progress, cancel)
    return RosterPreview(
        enterprise=enterprise, file=rf, sheets=sheets, check=checked, fields=fields, counts=counts,
        absent=absent, today=today, minimum_wage=minimum, remembered=read.remembered,
        unmapped=read.unmapped, store_state=store_state, stage_token=token, handed_on=handed_on,
        reimport_keys=keys, _store=ws.store, _stored=stored,
    )


def _compare_and_stage(
    ws: Workspace, enterprise_id: int, checked: SheetCheck, layout: HeaderLayout, fields: list[str],
    stored: dict[str, StoredWorker], token: str, progress: ProgressFn | None, cancel: CancelFn | None,
) -> tuple[dict[str, int], list[str], str]:
    """An everyday sheet, every row kept: compared, then its new rows staged; (counts, absent, token)."""
    check_cancel(cancel)
    if progress:
        progress("compare", 0, len(checked.rows))
    _cross_check(ws, enterprise_id, layout, [r for r in checked.rows if r.status == "valid"], stored)
    counts, absent = _classify(checked, stored, fields)
    if progress:
        progress("compare", len(checked.rows), len(checked.rows))

    # The new rows wait in a TEMP table of this connection (outside the
    # office file, gone with the connection): the commit then copies them
    # with two INSERT … SELECT, far faster than binding 100,000 rows there.
    if not counts["new"] or ws.store.conn.in_transaction:
        return counts, absent, ""
    check_cancel(cancel)
    try:
        roster_store.stage_rows(ws.store, token, (_stage_tuple(r) for r in checked.rows if r.action == "new"))
    except Exception:  # noqa: BLE001 - only a speed-up (a full temp folder, say): commit the ordinary way
        return counts, absent, ""
    return counts, absent, token




# --------------------------------------------------------------------------
# Files for the enterprise


def _for_the_enterprise(p: RowProblem) -> RowProblem:
    """The problem as the enterprise's copy says it: that a worker is on file for another enterprise is
    said, not which one (whom else a person works for is not this enterprise's to learn; the clerk sees
    the names in the preview)."""
    if p.code == "worker_at_other_enterprise":
        return replace(p, params={**p.params, "enterprises": message("other_enterprises")})
    return p


def write_problems_copy(ws: Workspace, preview: RosterPreview, out: Path | str) -> Path:
    """A copy of the enterprise's workbook with bad cells marked and commented, plus a 问题清单 sheet.

    The copy holds the workers' full ID numbers (it is the enterprise's own
    file), so writing it is recorded in the audit log.
    """
    from desktop.rosters.problems import write_problem_copy

    ws.require(Permission.IMPORT_ROSTERS)
    problems = [_for_the_enterprise(p) for p in preview.check.problems()]
    records = [problem_record(preview.sheet, preview.layout, p) | {"column_index": p.column} for p in problems]
    counts = preview.counts
    headline = (
        f"{preview.enterprise.name}　文件：{preview.file.name}　工作表：{preview.sheet}　"
        f"共 {counts['rows']} 人，{counts['refused']} 行有错误未导入，{counts['warnings']} 行有提醒"
        f"（核对日期 {preview.today.isoformat()}）"
    )
    written = write_problem_copy(preview.file, preview.sheet, preview.layout, records, Path(out),
                                 summary={"headline": headline, "groups": group_problems(problems)})
    with ws.store.transaction():
        ws.audit("roster.problems_export", entity="enterprise", entity_id=preview.enterprise.id, detail={
            "file": preview.file.name, "sha256": preview.file.sha256, "written": written.name,
            "problems": len(records), "rows": counts["rows"],
        })
    return written


def write_template(out: Path | str, ws: Workspace | None = None) -> Path:
    """Our roster template (附件4) for enterprises to fill in."""
    from desktop.core.areas import AreaTable
    from desktop.rosters.template import write_roster_template

    return write_roster_template(Path(out), ws.areas if ws else AreaTable.default())
