"""统计分析 (issue 16, 6): the figures by county and month, for the province (every county's
received applications) and for a county (its own office), and their export as a workbook or a PDF.

The figures are computed by :func:`desktop.core.summary.summarize` (what each one means is in its
docstring) over the rows :mod:`desktop.store.summary` reads. `laoxie province summary`,
`laoxie stats` and the 统计分析 page call :func:`summary` and :func:`export`.
"""

from __future__ import annotations

import io
from pathlib import Path

from desktop.batches import files
from desktop.core.letter import LetterError
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.oserrors import os_reason
from desktop.core.summary import (
    COLUMNS, LOAN_COLUMNS, TOTAL_LABEL, Summary, cell_row, group_headers, source_name, summarize, table_rows,
)
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.province import check_period
from desktop.services.workspace import Workspace
from desktop.store import summary as store_summary
from desktop.store.db import now_iso

__all__ = ["EXPORT_SUFFIXES", "Summary", "counties", "export", "headers", "pdf_bytes", "summary", "workbook_bytes"]

EXPORT_SUFFIXES = (".xlsx", ".pdf")
SUBTITLE = QT_TRANSLATE_NOOP(
    "summary", "申请按申请日期、批准按批准日期计入当月；认定人数、重点群体、来源地为认定符合的企业计入的人员"
    "（以批准的认定结果为准）；核实为经办人核实，申报为企业申报；贷款按发放日期、跟踪核实按核实日期计入当月，"
    "需关注为审核人已确认的不达标。")
_CHART_TITLE = QT_TRANSLATE_NOOP("summary", "按月（所列县合计）")
_SOURCES_TITLE = QT_TRANSLATE_NOOP("summary", "认定人数按来源地（户籍地）")
_LOANS_TITLE = QT_TRANSLATE_NOOP("summary", "贷款与跟踪核实（按县按月）")
SERIES = (("applications", QT_TRANSLATE_NOOP("summary", "申请")), ("approvals", QT_TRANSLATE_NOOP("summary", "批准")),
          ("passed", QT_TRANSLATE_NOOP("summary", "符合")), ("failed", QT_TRANSLATE_NOOP("summary", "不符合")))

SERVICE_MESSAGES.update({
    "summary_period_order": QT_TRANSLATE_NOOP("service", "起始月份 {start} 晚于截止月份 {end}。"),
    "summary_export_kind": QT_TRANSLATE_NOOP("service", "只能导出为 .xlsx 或 .pdf 文件：{path}"),
    "summary_county_unknown": QT_TRANSLATE_NOOP("service", "本数据库中没有代码为 {county} 的县（市、区）。"),
})


def _local(ws: Workspace) -> bool:
    """A county counts its own applications; the province those the counties sent."""
    return not ws.office.is_province


def counties(ws: Workspace) -> list[tuple[str, str]]:
    """(code, name) of the offices whose applications the summary counts (the county itself on a county)."""
    return store_summary.offices(ws.store, local=_local(ws))


def summary(ws: Workspace, *, period_from: str | None = None, period_to: str | None = None,
            county: str | None = None) -> Summary:
    """The figures by county and month in the period (YYYY-MM, both included; open ends when None)."""
    start = check_period(period_from) if period_from else None
    end = check_period(period_to) if period_to else None
    if start and end and start > end:
        raise ServiceError("summary_period_order", start=start, end=end)
    if county and county not in {code for code, _ in counties(ws)}:
        raise ServiceError("summary_county_unknown", county=county)
    cases = store_summary.case_rows(ws.store, local=_local(ws), county=county, period_from=start, period_to=end)
    decisions = [c.decision_id for c in cases if c.decision_id is not None and c.result == "pass"]
    workers = store_summary.worker_rows(ws.store, decisions)
    local = _local(ws)
    loans = store_summary.loan_rows(ws.store, local=local, county=county, period_from=start, period_to=end)
    checks = store_summary.check_rows(ws.store, local=local, county=county, period_from=start, period_to=end)
    return summarize(cases, workers, period_from=start, period_to=end, county=county, loans=loans, checks=checks)


def headers() -> list[str]:
    """The table's Chinese column names (untranslated templates: the window passes them through tr)."""
    return ([label for _, label in COLUMNS] + [h for _, verified, claimed in group_headers() for h in (verified, claimed)]
            + [label for _, label in LOAN_COLUMNS])


def _title(ws: Workspace, s: Summary) -> str:
    span = f"{s.period_from}～{s.period_to}" if s.months else "（无数据）"
    return f"{ws.office.name} 统计分析 {span}"


def _footer(ws: Workspace) -> str:
    return f"{ws.actor.shown_name} 制表于 {now_iso()[:16].replace('T', ' ')}（劳协）"


def workbook_bytes(ws: Workspace, s: Summary) -> bytes:
    """Sheets 按县按月 (the table with 合计), 按月 (all counties) and 来源地 (counted workers by the
    county of their 户籍地): Chinese column names, the header frozen, filters on, codes as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    first = book.active
    assert first is not None
    names = headers()
    month_rows = [cell_row(TOTAL_LABEL, c.month, c)[1:] for c in s.by_month()]
    county_names = dict(s.counties)
    source_rows = [[f"{county_names[x.county_code]}（{x.county_code}）", x.month, source_name(x.source_code),
                    x.source_code, x.workers] for x in s.sources]
    sheets = (
        (first, "按县按月", names, table_rows(s)),
        (book.create_sheet(), "按月", names[1:], month_rows),
        (book.create_sheet(), "来源地", ["县（市、区）", "月份", "来源地（户籍地）", "来源地代码", "认定人数"], source_rows),
    )
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for sheet, title, columns, rows in sheets:
        sheet.title = title
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"  # months and codes stay text (2026-01 is not a date)
        for index, name in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, min(28, len(name) * 2 + 2))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    first.cell(row=len(table_rows(s)) + 3, column=1, value=SUBTITLE)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_bytes(ws: Workspace, s: Summary) -> bytes:
    """The table and a chart by month, landscape A4, in the office's letter fonts."""
    from desktop.letters.summary_pdf import SummaryPrint, render_summary
    from desktop.services import letter_settings

    months = s.by_month()
    # the loans' columns go in a table of their own, with the counties and months that have any
    names, rows, cut = headers(), table_rows(s), len(LOAN_COLUMNS)
    cells = [*s.cells, s.total()]
    loan_rows = [r[:2] + r[-cut:] for c, r in zip(cells, rows, strict=True) if c.loans or c.checks]
    doc = SummaryPrint(
        title=_title(ws, s), subtitle=SUBTITLE, headers=names[:-cut], rows=[r[:-cut] for r in rows],
        loans_title=_LOANS_TITLE, loan_headers=names[:2] + names[-cut:], loan_rows=loan_rows,
        months=[c.month for c in months],
        series=[(label, [int(getattr(c, key)) for c in months]) for key, label in SERIES],
        footer=_footer(ws), chart_title=_CHART_TITLE, sources_title=_SOURCES_TITLE,
        sources=[(f"{source_name(code)}（{code}）" if code else source_name(code), n) for code, n in s.by_source()],
    )
    try:
        return render_summary(doc, letter_settings.fonts(ws))
    except LetterError as exc:
        raise ServiceError(exc.code, **exc.params) from exc


def export(ws: Workspace, s: Summary, path: Path) -> Path:
    """Write the summary to ``path`` (.xlsx or .pdf, chosen by its suffix)."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise ServiceError("summary_export_kind", path=path)
    data = workbook_bytes(ws, s) if suffix == ".xlsx" else pdf_bytes(ws, s)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        files.write_verified(path, data)
    except OSError as exc:
        raise ServiceError("batch_write_failed", path=path, detail=os_reason(exc)) from exc
    return path
