"""Importing an enterprise's roster: preview first, then commit in one transaction.

The import wizard (and ``laoxie import``) works in two steps:

1. :func:`prepare_import` reads the file, finds the header, maps the columns
   (guessed from the header names, corrected by what the clerk chose for
   this enterprise last time and by the clerk now), checks every row and
   compares it with the workers on file.  Nothing is written.  The
   :class:`RosterPreview` has the counts (new / updated / unchanged /
   refused), every problem with sheet, row and column, and the problems
   grouped by kind.
2. :func:`commit_import` writes the valid rows, the ``roster_imports`` row,
   the remembered column mapping and an audit entry naming the file and its
   SHA-256, all in one transaction: never half an import.

Both take ``progress(stage, done, total)`` and ``cancel()`` so the window can
run them on its worker thread with a bar and a cancel button.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.enterprise import Enterprise
from desktop.core.insurance_list import find_insurance_header
from desktop.core.permissions import Permission
from desktop.core.roster import (
    HEADER_SEARCH_ROWS, NO_CHANGES, CancelFn, Field, HeaderLayout, ProgressFn, RosterError, RosterRow, RowChecker,
    RowProblem, SheetCheck, check_cancel, check_sheet, column_letter, employment_fields_of, find_header,
    group_problems, header_key, learned_aliases,
)
from desktop.rosters.reader import RosterFile, SheetInfo
from desktop.services.backups import backup_due, make_backup
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.workspace import Workspace
from desktop.store import roster_undo as undo_store
from desktop.store import rosters as roster_store
from desktop.store.rosters import StoredWorker, months_json

__all__ = [
    "Field", "RosterInspection", "column_letter",
    "inspect_roster", "open_roster", "ImportResult", "RosterError", "RosterPreview", "commit_import",
    "forget_mapping", "import_roster", "parse_column", "prepare_import", "remembered_mapping",
    "write_problems_copy", "write_template",
]

MAPPING_KEY = "roster_mapping:{enterprise_id}"


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
    # An unchanged re-import (desktop.services.roster_digest): the digests of what this result depended
    # on, recorded with the import; and, on a preview cut short, the import it repeats.
    reimport_keys: tuple[str, ...] = ()
    unchanged_since: Any = None  # roster_digest.SameAs
    _store: Any = field(default=None, repr=False, compare=False)
    _stored: dict[str, StoredWorker] = field(default_factory=dict, repr=False, compare=False)

    def close(self) -> None:
        """Let go of the staged rows and the file (the wizard calls this when the clerk cancels)."""
        store = self._store
        if self.stage_token and store is not None and not store.closed:  # closed: the staging went with it
            if not store.conn.in_transaction and roster_store.is_staged(store, self.stage_token):
                roster_store.drop_stages(self._store)
        self.stage_token = ""
        self._stored = {}
        self.file.close()

    @property
    def sheet(self) -> str:
        return self.check.sheet

    @property
    def layout(self) -> HeaderLayout:
        return self.check.layout

    @property
    def rows(self) -> list[RosterRow]:
        """Every data row; only those with a problem when ``unchanged_since`` (the counts tell the rest)."""
        return self.check.rows

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


def mapping_text(layout: HeaderLayout, unmapped: Mapping[str, str]) -> str:
    """The remembered mapping setting's text for a roster read with ``layout`` and these columns ignored."""
    return json.dumps({"fields": layout.learned_names(), "ignored": dict(unmapped)}, ensure_ascii=False, sort_keys=True)


def problem_record(sheet: str, layout: HeaderLayout, p: RowProblem) -> dict[str, object]:
    return {
        "sheet": sheet, "row": p.row, "column": p.column_letter, "header": layout.header_of(p.column),
        "field": p.field.value if p.field else None, "code": p.code, "severity": p.severity,
        "message": p.text(),
    }


@dataclass
class ImportResult:
    import_id: int
    counts: dict[str, int]
    preview: RosterPreview
    backed_up: bool = False  # a regular verified backup was due and made before the import's writes


# --------------------------------------------------------------------------
# Column mapping remembered per enterprise


def remembered_mapping(ws: Workspace, enterprise_id: int) -> dict[str, dict[str, str]]:
    """{"fields": {field: header}, "ignored": {field: header}} last used for this enterprise."""
    return parse_mapping(ws.store.setting(MAPPING_KEY.format(enterprise_id=enterprise_id)))


def parse_mapping(text: str | None) -> dict[str, dict[str, str]]:
    """The remembered mapping setting's text read (anything unreadable: nothing remembered)."""
    if not text:
        return {"fields": {}, "ignored": {}}
    try:
        data = json.loads(text)
    except ValueError:
        return {"fields": {}, "ignored": {}}
    if not isinstance(data, dict):
        return {"fields": {}, "ignored": {}}
    return {
        key: {str(k): str(v) for k, v in dict(data.get(key) or {}).items()} for key in ("fields", "ignored")
    }


def forget_mapping(ws: Workspace, enterprise_id: int) -> None:
    ws.require(Permission.IMPORT_ROSTERS)
    with ws.store.transaction():
        ws.store.set_setting(MAPPING_KEY.format(enterprise_id=enterprise_id), "{}")
        ws.audit("roster.mapping_forget", entity="enterprise", entity_id=enterprise_id)


def parse_column(text: str | int | None) -> int | None:
    """A column as the clerk names it: "D", "d", 4 (1-based) or "4"; None / "" / "-" for none."""
    if text is None:
        return None
    if isinstance(text, int):
        if text < 1:
            raise RosterError("roster_mapping_invalid", detail=f"列号 {text}")
        return text - 1
    value = text.strip().upper()
    if value in ("", "-", "无", "NONE"):
        return None
    if value.isdigit():
        return parse_column(int(value))
    if value.isascii() and value.isalpha() and len(value) <= 3:
        index = 0
        for ch in value:
            index = index * 26 + ord(ch) - 64
        return index - 1
    raise RosterError("roster_mapping_invalid", detail=f"“{text}”不是列字母（如 D）或列号（如 4）")


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
) -> ReadSheet:
    """Find the header, map the columns (guessed, remembered for the enterprise, chosen now) and check
    every row: the reading both an import and a periodic list during the loan (跟踪评估) use."""
    remembered = remembered_mapping(ws, enterprise.id)
    name, layout, loaded, unmapped = resolve_layout(rf, remembered, sheet=sheet, columns=columns,
                                                    header_row=header_row, cancel=cancel)
    minimum = _minimum_wage(enterprise.county_code, today)
    checker = RowChecker(layout, ws.areas, today=today, minimum_wage=minimum)
    checked = check_sheet(name, loaded.rows(), layout, checker, merged=loaded.merged,
                          total_rows=loaded.height, progress=progress, cancel=cancel)
    if not checked.rows:
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
    read = read_sheet(ws, enterprise, rf, sheet=sheet, columns=columns, header_row=header_row, today=today,
                      progress=progress, cancel=cancel)
    checked, layout, minimum = read.check, read.check.layout, read.minimum_wage
    from desktop.services import roster_digest  # the input digests an import records, while the header is at hand

    keys = roster_digest.keys_for(ws, enterprise, rf, roster_digest.Request(rf.sha256, sheet, columns, header_row,
                                                                            today), read)
    # Every row is checked and kept: let go of python-calamine's copy of the sheet (every cell of
    # it, ~65 MB at 100,000 rows) before the store's work; the file's bytes stay, to reopen.
    sheets = rf.sheets()
    rf.close()
    fields = employment_fields_of(layout)
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
    token = ""
    if counts["new"] and not ws.store.conn.in_transaction:
        check_cancel(cancel)
        token = secrets.token_hex(8)
        try:
            roster_store.stage_rows(ws.store, token, (_stage_tuple(r) for r in checked.rows if r.action == "new"))
        except Exception:  # noqa: BLE001 - only a speed-up (a full temp folder, say): commit the ordinary way
            token = ""
    return RosterPreview(
        enterprise=enterprise, file=rf, sheets=sheets, check=checked, fields=fields, counts=counts,
        absent=absent, today=today, minimum_wage=minimum, remembered=read.remembered,
        unmapped=read.unmapped, store_state=store_state, stage_token=token, reimport_keys=keys, _store=ws.store,
        _stored=stored,
    )


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
            row.add_problems(RowProblem(row.sheet_row, column, Field.NAME, "name_differs_from_stored",
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


def _counts(checked: SheetCheck, stored: dict[str, StoredWorker]) -> tuple[dict[str, int], list[str]]:
    """The counts of the rows' statuses and actions, and the active workers on file the roster leaves out."""
    counts = checked.counts()
    actions = Counter(row.action for row in checked.rows)
    counts.update({key: actions.get(key, 0) for key in ("new", "updated", "unchanged", "refused")})
    absent: list[str] = []
    if stored:
        seen = {row.id_number for row in checked.rows if len(row.id_number) == 18}  # refused rows too: not "absent"
        absent = sorted(n for n, w in stored.items() if w.active and n not in seen)
    counts["absent"] = len(absent)
    counts["skipped_blank"] = len(checked.skipped["blank"])
    counts["skipped_closing"] = len(checked.skipped["closing"]) + len(checked.skipped["header"])
    return counts, absent


def _classify(checked: SheetCheck, stored: dict[str, StoredWorker], fields: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    known = stored.get
    for row in checked.rows:
        if row.status == "valid" and known(row.id_number) is None:
            # The usual row of a big roster, a worker not on file: nothing to compare
            # (what _classify_row says, without a call and a new dict per row).
            row.action = "new"
            if row.changes:
                row.changes = NO_CHANGES
        else:
            _classify_row(row, stored, fields)
    return _counts(checked, stored)


def _stage_tuple(r: RosterRow) -> tuple[object, ...]:
    """STAGE_COLUMNS: the person, the sheet row, then what _values() gives (spelt out: 100,000 calls)."""
    return (
        r.id_number, r.name, r.sex, r.birth_date, r.sheet_row, r.hukou_text, r.hukou_code, r.contract_type,
        r.contract_start, r.contract_end, r.hire_date, r.job, r.monthly_wage,
        None if r.paid_months is None else json.dumps(r.paid_months), r.social_insurance, r.phone, r.priority_claim,
    )


# --------------------------------------------------------------------------
# Commit


def _values(row: RosterRow) -> tuple[object, ...]:
    return (
        row.hukou_text, row.hukou_code, row.contract_type, row.contract_start, row.contract_end, row.hire_date,
        row.job, row.monthly_wage, months_json(row.paid_months), row.social_insurance, row.phone,
        row.priority_claim,
    )


def commit_import(
    ws: Workspace,
    preview: RosterPreview,
    *,
    deactivate_absent: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportResult:
    """Write the preview's valid rows in one transaction with its audit entry.

    The comparison with the workers on file is made again inside the
    transaction, so the counts recorded are what was really written.
    ``deactivate_absent`` marks workers the roster no longer lists inactive.
    """
    ws.require(Permission.IMPORT_ROSTERS)
    if preview.unchanged_since is not None:  # the last import's file again: recorded, nothing written
        from desktop.services import roster_digest

        return roster_digest.commit_unchanged(ws, preview, deactivate_absent=deactivate_absent,
                                              progress=progress, cancel=cancel)
    store = ws.store
    enterprise_id = preview.enterprise.id
    ensure_enterprise_editable(ws, enterprise_id)  # a submitted or approved case keeps its roster
    fresh = store.audit_chain_head() == preview.store_state  # nothing written since the preview
    backed_up = backup_due(ws)
    if backed_up:
        # The regular verified copy, when one is due; going back from a wrong import does
        # not need it (roster_undo: each import records what it changed), so an import no
        # longer copies the whole office every time (issue 15 item 2).
        make_backup(ws, "before-import")
    after_backup = store.audit_chain_head()
    rows = preview.rows
    total = len(rows)
    # The staged rows are in a TEMP table of the connection that prepared: usable only on that one.
    staged = bool(preview.stage_token) and preview._store is store and roster_store.is_staged(store, preview.stage_token)
    with roster_store.bulk_cache(store), store.transaction():
        check_cancel(cancel)
        if fresh and store.audit_chain_head() == after_backup:  # at most a backup's own entry since
            stored = preview._stored
            counts, absent = dict(preview.counts), list(preview.absent)
        else:
            stored = roster_store.stored_workers(store, enterprise_id)
            counts, absent = _classify(preview.check, stored, preview.fields)
            staged = False  # the staged rows were "new" then; now they may not be
        counts["deactivated"] = len(absent) if deactivate_absent else 0
        mapping_key = MAPPING_KEY.format(enterprise_id=enterprise_id)
        undo = undo_store.begin(
            store,
            employment_ids=[stored[r.id_number].employment_id for r in rows if r.action == "updated"]
            + ([stored[n].employment_id for n in absent] if deactivate_absent else []),
            person_ids=[stored[r.id_number].person_id for r in rows if r.action == "updated" and "name" in r.changes],
            id_numbers=[r.id_number for r in rows if r.action == "new"],  # persons on file elsewhere: renamed
            mapping=store.setting(mapping_key),
        )
        import_id = roster_store.insert_roster_import(
            store, enterprise_id=enterprise_id, file_name=preview.file.name, sha256=preview.file.sha256,
            sheet=preview.sheet, counts=counts, imported_by=ws.actor.user_id,
        )
        if progress:
            progress("write", 0, total)
        if staged:
            roster_store.insert_staged(store, preview.stage_token, enterprise_id, import_id)
        else:
            new = [r for r in rows if r.action == "new"]
            roster_store.insert_persons(store, ((r.id_number, r.name, r.sex, r.birth_date) for r in new))
            check_cancel(cancel)
            if progress:
                progress("write", total // 3, total)
            roster_store.insert_employments(
                store, enterprise_id, import_id, ((r.id_number, r.sheet_row, *_values(r)) for r in new)
            )
        check_cancel(cancel)
        if progress:
            progress("write", 2 * total // 3, total)

        updated = [r for r in rows if r.action == "updated"]
        update_fields = list(preview.fields)
        roster_store.update_employments(store, import_id, update_fields, (
            (stored[r.id_number].employment_id, r.sheet_row,
             *(_stored_value(f, r.changes[f][1]) if f in r.changes else _stored_value(f, stored[r.id_number].values[f])
               for f in update_fields))
            for r in updated
        ))
        roster_store.rename_persons(store, (
            (stored[r.id_number].person_id, r.name) for r in updated if "name" in r.changes
        ))
        if deactivate_absent and absent:
            roster_store.deactivate_employments(store, (stored[n].employment_id for n in absent))
        undo_store.finish(store, import_id, undo)
        store.set_setting(mapping_key, preview.mapping_text())
        if preview.reimport_keys and stored is preview._stored:  # compared as prepared: its warnings hold
            from desktop.services import roster_digest

            roster_digest.record(ws, preview, import_id, counts, absent, deactivated=deactivate_absent)
        changed_fields = Counter(f for r in updated for f in r.changes)
        ws.audit("roster.import", entity="enterprise", entity_id=enterprise_id, detail={
            "file": preview.file.name, "sha256": preview.file.sha256, "sheet": preview.sheet,
            "roster_import_id": import_id, "counts": counts, "changed_fields": dict(sorted(changed_fields.items())),
        })
        check_cancel(cancel)
    preview.close()
    if progress:
        progress("write", total, total)
    return ImportResult(import_id, counts, preview, backed_up)


def _stored_value(name: str, value: object) -> object:
    if name == "paid_months":
        return months_json(value)  # type: ignore[arg-type]
    return value


def import_roster(
    ws: Workspace, enterprise_id: int, path: Path | str, *, dry_run: bool = False, deactivate_absent: bool = False,
    **options: Any,
) -> tuple[RosterPreview, ImportResult | None]:
    """Prepare and (unless ``dry_run``) commit, as the command line does."""
    preview = prepare_import(ws, enterprise_id, path, **options)
    if dry_run:
        return preview, None
    return preview, commit_import(ws, preview, deactivate_absent=deactivate_absent)


# --------------------------------------------------------------------------
# Files for the enterprise


def write_problems_copy(ws: Workspace, preview: RosterPreview, out: Path | str) -> Path:
    """A copy of the enterprise's workbook with bad cells marked and commented, plus a 问题清单 sheet.

    The copy holds the workers' full ID numbers (it is the enterprise's own
    file), so writing it is recorded in the audit log.
    """
    from desktop.rosters.problems import write_problem_copy

    ws.require(Permission.IMPORT_ROSTERS)
    records = [problem_record(preview.sheet, preview.layout, p) | {"column_index": p.column}
               for p in preview.check.problems()]
    counts = preview.counts
    headline = (
        f"{preview.enterprise.name}　文件：{preview.file.name}　工作表：{preview.sheet}　"
        f"共 {counts['rows']} 人，{counts['refused']} 行有错误未导入，{counts['warnings']} 行有提醒"
        f"（核对日期 {preview.today.isoformat()}）"
    )
    written = write_problem_copy(preview.file, preview.sheet, preview.layout, records, Path(out),
                                 summary={"headline": headline, "groups": preview.groups()})
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
