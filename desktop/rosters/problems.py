"""Give the problems back to the enterprise: their workbook with every bad
cell coloured and commented, and a 问题清单 sheet listing them all.

An .xlsx is copied as it is (formatting kept) with openpyxl; an .xls, .ods
or .csv, which openpyxl cannot open, becomes an .xlsx holding the same
values at the same row and column, so the row numbers in the list match.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.oserrors import os_reason
from desktop.core.roster import Field, HeaderLayout, RosterError
from desktop.private_files import make_private
from desktop.rosters.reader import RosterFile

ERROR_FILL: Final = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL: Final = PatternFill("solid", fgColor="FFEB9C")
HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
THIN: Final = Side(style="thin", color="999999")
AUTHOR: Final = QT_TRANSLATE_NOOP("roster", "劳协名册审核")
SHEET_TITLE: Final = QT_TRANSLATE_NOOP("roster", "问题清单")
SEVERITY_LABEL: Final = {
    "error": QT_TRANSLATE_NOOP("roster", "错误（该行未导入）"),
    "warning": QT_TRANSLATE_NOOP("roster", "提醒（已导入，请核对）"),
}
COLUMNS: Final = (
    (QT_TRANSLATE_NOOP("roster", "工作表"), 14), (QT_TRANSLATE_NOOP("roster", "行号"), 7),
    (QT_TRANSLATE_NOOP("roster", "列"), 6), (QT_TRANSLATE_NOOP("roster", "列名"), 16),
    (QT_TRANSLATE_NOOP("roster", "类别"), 20), (QT_TRANSLATE_NOOP("roster", "问题说明"), 80),
    (QT_TRANSLATE_NOOP("roster", "代码"), 22),
)
_MAX_COMMENT: Final = 1500


def _load_copy(rf: RosterFile, sheet: str) -> tuple[Workbook, Worksheet]:
    """The enterprise's own workbook (an .xlsx), or the sheet's values in a new one."""
    if rf.kind == "xlsx":
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(rf.data), rich_text=True)
            if sheet in workbook.sheetnames:
                return workbook, workbook[sheet]
        except Exception:  # noqa: BLE001 - openpyxl is stricter than calamine: fall back to the values
            pass
    workbook = openpyxl.Workbook()
    target = workbook.active
    assert target is not None
    target.title = _safe_title(sheet)
    widths: dict[int, int] = {}
    for r, row in enumerate(rf.sheet(sheet).rows(), start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = target.cell(r, c, _cell_value(value))
            if isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, float) and abs(value) >= 1e11:
                cell.number_format = "0"
            widths[c] = max(widths.get(c, 6), min(40, len(str(value)) + 2))
    for c, width in widths.items():
        target.column_dimensions[get_column_letter(c)].width = width
    return workbook, target


def _cell_value(value: object) -> object:
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    return value


FORMULA_LEADS: Final = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may take for a formula


def keep_as_text(workbook: Workbook) -> None:
    """Every cell whose text starts like a formula is written as text, its content unchanged.

    Whatever the source (an .xlsx copied as it is, or an .xls, .ods or .csv
    whose values were copied into a new workbook), a value such as
    ``=HYPERLINK(…)`` or ``@SUM(…)`` (or a formula of the enterprise's own
    workbook) is shown as the characters it is and never calculated when the
    office or the enterprise opens the copy.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, ArrayFormula):  # {=…} of the enterprise's workbook: its text
                    value = cell.value = value.text
                if isinstance(value, str) and value.startswith(FORMULA_LEADS):
                    cell.data_type = "s"


def _safe_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "_")
    return name[:31] or "Sheet1"


def _unique_title(workbook: Workbook, title: str) -> str:
    found, n = title, 2
    while found in workbook.sheetnames:
        found, n = f"{title}{n}", n + 1
    return found


def _mark_cells(target: Worksheet, layout: HeaderLayout, problems: Sequence[Mapping[str, Any]]) -> None:
    by_cell: dict[tuple[int, int], list[Mapping[str, Any]]] = {}
    id_column = layout.columns.get(Field.ID_NUMBER, 0)
    for p in problems:
        column = p.get("column_index")
        column = id_column if column is None else int(column)
        by_cell.setdefault((int(p["row"]), column + 1), []).append(p)
    for (row, column), found in by_cell.items():
        cell = target.cell(row, column)
        if type(cell).__name__ == "MergedCell":
            continue
        has_error = any(p["severity"] == "error" for p in found)
        cell.fill = ERROR_FILL if has_error else WARNING_FILL
        lines = [f"{'✗' if p['severity'] == 'error' else '!'} {p['message']}" for p in found]
        text = "\n".join(lines)
        if cell.comment is not None and cell.comment.text:
            text = cell.comment.text.rstrip() + "\n—\n" + text
        if len(text) > _MAX_COMMENT:
            text = text[:_MAX_COMMENT - 1] + "…"
        comment = Comment(text, AUTHOR)
        comment.width = 360
        comment.height = min(400, 40 + 36 * len(lines))
        cell.comment = comment


def _problem_sheet(
    workbook: Workbook, sheet: str, problems: Sequence[Mapping[str, Any]], summary: Mapping[str, object]
) -> Worksheet:
    out = workbook.create_sheet(_unique_title(workbook, SHEET_TITLE))
    out.sheet_properties.tabColor = "C00000"
    bold = Font(bold=True)
    out.cell(1, 1, QT_TRANSLATE_NOOP("roster", "名册问题清单")).font = Font(bold=True, size=14)
    out.cell(2, 1, str(summary.get("headline", "")))
    out.cell(3, 1, QT_TRANSLATE_NOOP(
        "roster", "红色单元格是错误，该行没有导入，请改正后重新报送；黄色单元格是提醒，该行已导入，请核对。把鼠标停在单元格上可以看到批注，点行号可以跳到该单元格。"
    ))
    for index, (_, width) in enumerate(COLUMNS, start=1):
        out.column_dimensions[get_column_letter(index)].width = width
    row = 5
    groups = summary.get("groups") or []
    if groups:
        for column, text in ((1, QT_TRANSLATE_NOOP("roster", "问题汇总")), (3, QT_TRANSLATE_NOOP("roster", "个数")),
                             (5, QT_TRANSLATE_NOOP("roster", "类别")), (6, QT_TRANSLATE_NOOP("roster", "示例"))):
            out.cell(row, column, text).font = bold
        for group in groups:  # type: ignore[attr-defined]
            row += 1
            out.cell(row, 1, str(group["title"])).alignment = Alignment(vertical="top")
            out.cell(row, 3, int(group["count"])).alignment = Alignment(vertical="top")
            label = out.cell(row, 5, SEVERITY_LABEL[str(group["severity"])])
            label.alignment = Alignment(vertical="top")
            label.fill = ERROR_FILL if group["severity"] == "error" else WARNING_FILL
            _wrapped(out, row, 6, str(group["example"]))
        row += 2
    header_row = row
    for index, (name, _) in enumerate(COLUMNS, start=1):
        cell = out.cell(header_row, index, name)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
    top = Alignment(vertical="top")
    for p in problems:
        row += 1
        for index, value in enumerate((sheet, int(p["row"]), str(p["column"]), str(p["header"]),
                                       SEVERITY_LABEL[str(p["severity"])]), start=1):
            out.cell(row, index, value).alignment = top
        out.cell(row, 5).fill = ERROR_FILL if p["severity"] == "error" else WARNING_FILL
        _wrapped(out, row, 6, str(p["message"]))
        out.cell(row, 7, str(p["code"])).alignment = top
        if p["column"]:
            link = out.cell(row, 2)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{p['column']}{p['row']}")
            link.font = Font(color="0563C1", underline="single")
    if problems:
        out.auto_filter.ref = f"A{header_row}:{get_column_letter(len(COLUMNS))}{row}"
    out.freeze_panes = out.cell(header_row + 1, 1)
    out.page_setup.orientation = "landscape"
    out.page_setup.paperSize = out.PAPERSIZE_A4
    out.page_setup.fitToWidth = 1
    out.page_setup.fitToHeight = 0
    out.sheet_properties.pageSetUpPr.fitToPage = True
    out.print_title_rows = f"{header_row}:{header_row}"
    return out


def _wrapped(out: Worksheet, row: int, column: int, text: str) -> None:
    """A long message wraps in its cell; the row is made tall enough (no viewer does it for us)."""
    cell = out.cell(row, column, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    lines = wrapped_lines(text, out.column_dimensions[get_column_letter(column)].width or 80)
    if lines > 1:
        out.row_dimensions[row].height = max(out.row_dimensions[row].height or 15, 15 * lines)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide (a Chinese character is two)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(10, int(width) - 4)))


def write_problem_copy(
    rf: RosterFile,
    sheet: str,
    layout: HeaderLayout,
    problems: Sequence[Mapping[str, Any]],
    out: Path,
    *,
    summary: Mapping[str, object] | None = None,
) -> Path:
    """Write the marked copy to ``out`` (an .xlsx); returns the path written.

    ``problems`` are records with row (1-based), column_index (0-based or
    None), column (letter), header, severity, message and code.
    """
    workbook, target = _load_copy(rf, sheet)
    _mark_cells(target, layout, problems)
    listing = _problem_sheet(workbook, target.title, problems, summary or {})
    workbook.active = workbook.sheetnames.index(listing.title)
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = other is listing
    keep_as_text(workbook)
    out = out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx")
    partial = out.with_name(out.name + ".part")
    try:
        workbook.save(partial)
        make_private(partial)  # ID numbers and names: the owner's alone
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise RosterError("roster_file_unwritable", path=out, detail=os_reason(exc)) from exc
    return out
