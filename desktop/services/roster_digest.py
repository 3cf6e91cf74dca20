"""An unchanged re-import cut short (issue 15 item 1).

A clerk often imports the same roster file twice (to look again, or not
sure it went in).  Reading and checking 100,000 rows to find that nothing
changed costs as much as the first import, so each import records what its
result depended on and what a second import of the same file would show:

* the digests of its inputs: the file's SHA-256; the sheet, header row and
  columns asked for; the column mapping remembered for the enterprise; the
  rule set, the area table, the program's version and the enterprise's
  county; the check date (an age, a contract's end and the minimum wage
  depend on it).  Two digests when the import changes the remembered
  mapping and the mapping it leaves behind reads the file the same way
  (checked on the header rows already in memory), so the very next import
  of the file matches;
* the last ``row_log`` id once it had written: the app logs every change to
  employments, persons and enterprises there (desktop.store.seals), so a
  row written since (a roster changed by hand, another import, an undo, an
  enterprise renamed) means the comparison may differ;
* the outcome a re-import would have: every valid row unchanged, the same
  refused rows and warnings (less "the name differs from the one on file":
  the import renamed them), the workers on file it left out (none if it
  marked them as left), and the rows with problems themselves.

:func:`unchanged_preview` answers ``prepare_import`` from that record when
the enterprise's newest import (not undone) has the same inputs and nothing
it read has changed since; any difference takes the full path.  Committing
such a preview writes only an audit entry (``roster.import_unchanged``), and
the column mapping if it was forgotten since (the file is read the same way
with none remembered when the import was the enterprise's first);
marking the absent workers as left, or a change since the preview, takes
the full path then.  Changes made with another tool than the app are not in
``row_log``: the seal check (``laoxie db check``) finds those, as for the
preview's ``store_state`` that ``commit_import`` already trusts.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from desktop import __version__
from desktop.core.enterprise import Enterprise
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.roster import (
    CancelFn, Field, HeaderLayout, ProgressFn, RosterError, RosterRow, RowProblem, SheetCheck, learned_aliases,
)
from desktop.rosters.reader import RosterFile
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.roster_commit import ImportResult, commit_import
from desktop.services.roster_mapping import MAPPING_KEY, mapping_text, parse_mapping
from desktop.services.rosters import ReadSheet, RosterPreview, prepare_import, resolve_layout
from desktop.services.workspace import Workspace
from desktop.store import roster_digest as digest_store

__all__ = ["SAME_FILE_TEXT", "Request", "SameAs", "commit_unchanged", "keys_for", "record", "unchanged_preview"]

FORMAT = 1
# A warning that compares the row with the worker on file before the import: the import renamed them.
STALE_AFTER_IMPORT = frozenset({"name_differs_from_stored"})
_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(RosterRow) if f.name not in ("problems", "action", "changes"))

SAME_FILE_TEXT = QT_TRANSLATE_NOOP(
    "roster_digest",
    "与 {year} 年 {month} 月 {day} 日{by}导入的文件（导入 {id}）相同，名册此后未改动：没有要导入的变化。")
SAME_FILE_DONE = QT_TRANSLATE_NOOP(
    "roster_digest", "没有写入任何变化（与导入 {id} 相同），已记入操作日志。")


@dataclass(frozen=True)
class Request:
    """What the clerk asked ``prepare_import`` for, with the file's hash."""

    sha256: str
    sheet: str | None
    columns: Mapping[Field, int | None] | None
    header_row: int | None  # 1-based
    today: datetime.date

    def key(self, ws: Workspace, enterprise: Enterprise, mapping: str | None) -> str:
        """The digest of everything a preview of this request reads apart from the office's rows."""
        from desktop.core.policy import RuleSet

        inputs = {
            "format": FORMAT, "file": self.sha256, "sheet": self.sheet, "header_row": self.header_row,
            "columns": sorted([f.value, c] for f, c in (self.columns or {}).items()),
            "mapping": parse_mapping(mapping), "rules": RuleSet.load().version,
            "areas": [ws.areas.source, str(ws.areas.as_of)], "program": __version__,
            "county": enterprise.county_code, "today": self.today.isoformat(),
        }
        return hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SameAs:
    """The import a preview repeats, and what checking that nothing changed since needs."""

    import_id: int
    file_name: str
    imported_at: str  # ISO, local time with offset
    imported_by: str
    mark: int  # the row_log id after that import wrote
    request: Request

    def params(self) -> dict[str, object]:
        """SAME_FILE_TEXT's parameters."""
        day = datetime.datetime.fromisoformat(self.imported_at)
        return {"year": day.year, "month": day.month, "day": day.day, "id": self.import_id,
                "by": f" {self.imported_by} " if self.imported_by else ""}

    def text(self) -> str:
        """The sentence the preview shows (untranslated template, formatted)."""
        return SAME_FILE_TEXT.format(**self.params())

    def record(self) -> dict[str, object]:
        """For `laoxie import --json`."""
        return {"roster_import_id": self.import_id, "file": self.file_name, "imported_at": self.imported_at,
                "imported_by": self.imported_by, "message": self.text()}


# --------------------------------------------------------------------------
# Recorded with an import


def _mapping(ws: Workspace, enterprise: Enterprise) -> str | None:
    return ws.store.setting(MAPPING_KEY.format(enterprise_id=enterprise.id))


def keys_for(ws: Workspace, enterprise: Enterprise, rf: RosterFile, request: Request, read: ReadSheet) -> tuple[str, ...]:
    """The input digests an import of the sheet ``read`` records: called while its header rows are in memory."""
    mapping = _mapping(ws, enterprise)
    keys = [request.key(ws, enterprise, mapping)]
    layout, unmapped = read.check.layout, read.unmapped
    after = mapping_text(layout, unmapped)
    if parse_mapping(after) != parse_mapping(mapping):
        # The import will remember this mapping: would a second import read the file the same way with it?
        try:
            found = resolve_layout(rf, parse_mapping(after), sheet=request.sheet, columns=request.columns,
                                   header_row=request.header_row)
        except RosterError:
            pass
        else:
            if (found[0], found[1], found[3]) == (read.check.sheet, layout, unmapped):
                keys.append(request.key(ws, enterprise, after))
    return tuple(keys)


def _problem(p: RowProblem) -> list[object]:
    return [p.row, p.column, p.field.value if p.field else None, p.code, dict(p.params)]


def _row(r: RosterRow, problems: list[RowProblem]) -> list[object]:
    values: list[object] = [getattr(r, name) for name in _ROW_FIELDS]
    return [*(list(v) if isinstance(v, tuple) else v for v in values), [_problem(p) for p in problems]]


def record(ws: Workspace, preview: RosterPreview, import_id: int, counts: Mapping[str, int], absent: list[str],
           *, deactivated: bool) -> None:
    """Store with import ``import_id`` (inside its transaction, after its writes) what a re-import needs."""
    rows: list[list[object]] = []
    warnings = 0
    for r in preview.shown_rows:  # every row with a problem
        problems = [p for p in r.problems if p.code not in STALE_AFTER_IMPORT]
        if problems:
            rows.append(_row(r, problems))
            warnings += r.status == "valid"
    again = {k: v for k, v in counts.items() if k != "deactivated"}
    left = [] if deactivated else list(absent)
    again.update(new=0, updated=0, unchanged=counts["valid"], refused=counts["rows"] - counts["valid"],
                 warnings=warnings, absent=len(left))
    layout = preview.layout
    outcome = {
        "format": FORMAT, "keys": list(preview.reimport_keys), "mark": digest_store.log_mark(ws.store),
        "row_fields": list(_ROW_FIELDS), "sheet": preview.sheet, "fields": list(preview.fields),
        "layout": {"header_row": layout.header_row, "first_data_row": layout.first_data_row,
                   "texts": list(layout.texts), "columns": {f.value: c for f, c in layout.columns.items()},
                   "month_columns": {str(c): m for c, m in layout.month_columns.items()}},
        "unmapped": preview.unmapped, "minimum_wage": preview.minimum_wage, "counts": again, "absent": left,
        "skipped": preview.check.skipped, "rows": rows,
    }
    text = json.dumps(outcome, ensure_ascii=False, separators=(",", ":"))
    if json.loads(text)["rows"] != rows:
        return  # a value that JSON does not give back as it was (a date in a message, say): no shortcut
    digest_store.save(ws.store, import_id, text)


# --------------------------------------------------------------------------
# A re-import


def _layout(data: Mapping[str, Any]) -> HeaderLayout:
    return HeaderLayout(
        header_row=int(data["header_row"]), first_data_row=int(data["first_data_row"]), texts=tuple(data["texts"]),
        columns={Field(f): int(c) for f, c in data["columns"].items()},
        month_columns={int(c): str(m) for c, m in data["month_columns"].items()},
    )


def _roster_row(values: list[Any]) -> RosterRow:
    *fields, problems = values
    named: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in zip(_ROW_FIELDS, fields)}
    row = RosterRow(**named, problems=[RowProblem(row, column, Field(f) if f else None, code, params)
                                       for row, column, f, code, params in problems])
    row.action = "unchanged" if row.status == "valid" else "refused"
    return row


def unchanged_preview(ws: Workspace, enterprise: Enterprise, rf: RosterFile, request: Request) -> RosterPreview | None:
    """The preview of the enterprise's last import again, if ``request`` repeats it and nothing it read changed."""
    mapping = _mapping(ws, enterprise)
    last = digest_store.last_import(ws.store, enterprise.id)
    if last is None or not last.reimport:
        return None
    try:
        data = json.loads(last.reimport)
    except ValueError:
        return None
    if (not isinstance(data, dict) or data.get("format") != FORMAT or data.get("row_fields") != list(_ROW_FIELDS)
            or request.key(ws, enterprise, mapping) not in data.get("keys", ())):
        return None
    mark = int(data["mark"])
    if digest_store.changed_since(ws.store, mark):
        return None
    layout = _layout(data["layout"])
    check = SheetCheck(data["sheet"], layout, [_roster_row(r) for r in data["rows"]],
                       {k: list(v) for k, v in data["skipped"].items()})
    remembered = parse_mapping(mapping)
    return RosterPreview(
        enterprise=enterprise, file=rf, sheets=rf.sheets(), check=check, fields=list(data["fields"]),
        counts=dict(data["counts"]), absent=list(data["absent"]), today=request.today,
        minimum_wage=data["minimum_wage"], remembered=bool(learned_aliases(remembered["fields"]) or remembered["ignored"]),
        unmapped=dict(data["unmapped"]), store_state=ws.store.audit_chain_head(), _store=ws.store,
        unchanged_since=SameAs(last.id, last.file_name, last.imported_at, last.imported_by, mark, request),
    )


def commit_unchanged(ws: Workspace, preview: RosterPreview, *, deactivate_absent: bool = False,
                     progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> ImportResult:
    """Record that the clerk imported the last import's file again; nothing else is written.

    Marking the absent workers as left, or a change since the preview, takes the full path.
    """
    same: SameAs = preview.unchanged_since
    enterprise_id = preview.enterprise.id
    ensure_enterprise_editable(ws, enterprise_id)
    store = ws.store
    if not (deactivate_absent and preview.absent):
        with store.transaction():
            last = digest_store.last_import(store, enterprise_id)
            if last is not None and last.id == same.import_id and not digest_store.changed_since(store, same.mark):
                counts = {**preview.counts, "deactivated": 0}
                key, mapping = MAPPING_KEY.format(enterprise_id=enterprise_id), preview.mapping_text()
                if parse_mapping(store.setting(key)) != parse_mapping(mapping):
                    store.set_setting(key, mapping)  # forgotten since: remembered again, as an import does
                ws.audit("roster.import_unchanged", entity="enterprise", entity_id=enterprise_id, detail={
                    "file": preview.file.name, "sha256": preview.file.sha256, "sheet": preview.sheet,
                    "roster_import_id": same.import_id, "counts": counts,
                })
                preview.close()
                return ImportResult(same.import_id, counts, preview)
    request = same.request
    full = prepare_import(ws, enterprise_id, preview.file, sheet=request.sheet, columns=request.columns,
                          header_row=request.header_row, today=request.today, progress=progress, cancel=cancel,
                          shortcut=False)
    return commit_import(ws, full, deactivate_absent=deactivate_absent, progress=progress, cancel=cancel)
