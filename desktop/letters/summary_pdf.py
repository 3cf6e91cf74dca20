"""统计分析 on paper: a landscape A4 PDF with a bar chart by month, the table by county and month and,
when there are any, the loans and their re-verifications by county and month in a table of their own
(reportlab, in the letters' fonts: 黑体 for titles and headers, 宋体 for the figures).

Given the rows already in Chinese (desktop/services/summary.py builds them from the core); every
character is checked against the fonts first, so a missing glyph is an error naming it, never a box.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.lib.styles import ParagraphStyle

from desktop.letters.fonts import FontSet

#: The series' colours, shared with the window's chart (desktop/ui/summary_chart.py).
SERIES_COLOURS = ("#4472C4", "#ED7D31", "#70AD47", "#C00000")  # 申请 批准 符合 不符合


@dataclass(frozen=True)
class SummaryPrint:
    title: str  # e.g. 吉林省就业服务局 统计分析 2026-01～2026-12
    subtitle: str  # what the figures mean, one line
    headers: Sequence[str]
    rows: Sequence[Sequence[object]]  # the last one is the total (drawn bold)
    months: Sequence[str]  # the chart's categories
    series: Sequence[tuple[str, Sequence[int]]]  # (name, one value per month)
    footer: str  # made by whom and when
    chart_title: str = ""  # above the chart
    sources_title: str = ""  # above the table of source counties
    sources: Sequence[tuple[str, int]] = ()  # (source county, counted workers), most first
    loans_title: str = ""  # above the table of loans and checks
    loan_headers: Sequence[str] = ()  # county, month and the loans' and checks' figures
    loan_rows: Sequence[Sequence[object]] = ()  # like rows (the last the total); none: no such table


def render_summary(doc: SummaryPrint, fonts: FontSet) -> bytes:
    songti, heiti = fonts.primary("songti").name, fonts.primary("heiti").name
    for text in (doc.title, doc.subtitle, doc.footer, doc.chart_title, doc.loans_title, *doc.headers, *doc.loan_headers,
                 *(name for name, _ in doc.series), *doc.months):
        fonts.check(text, "heiti", "统计分析")
    for row in (*doc.rows, *doc.loan_rows, *doc.sources, (doc.sources_title,)):
        for value in row:
            fonts.check(str(value), "songti", "统计分析")
    buffer = io.BytesIO()
    page = landscape(A4)
    pdf = SimpleDocTemplate(buffer, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=doc.title, author="laoxie")
    width = page[0] - 24 * mm
    title = ParagraphStyle("title", fontName=heiti, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("small", fontName=songti, fontSize=9, leading=13)
    story = [Paragraph(doc.title, title), Spacer(1, 2 * mm), Paragraph(doc.subtitle, small), Spacer(1, 3 * mm)]
    if doc.months and any(any(values) for _, values in doc.series):
        story.append(_chart(doc, heiti, songti, width))
        story.append(Spacer(1, 4 * mm))
    story += [_figures(doc.headers, doc.rows, heiti, songti, width), Spacer(1, 4 * mm)]
    if doc.loan_rows:
        heading = ParagraphStyle("heading", fontName=heiti, fontSize=10, leading=14)
        # the county and month columns as wide as above, the figures wide enough for 万元 with decimals
        loans_width = 64 * mm + 22 * mm * (len(doc.loan_headers) - 2)
        story += [Paragraph(doc.loans_title, heading), Spacer(1, 1.5 * mm),
                  _figures(doc.loan_headers, doc.loan_rows, heiti, songti, loans_width), Spacer(1, 4 * mm)]
    if doc.sources:
        story.append(_sources(doc, heiti, songti))
        story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(doc.footer, small))
    pdf.build(story)
    return buffer.getvalue()


def _figures(headers: Sequence[str], rows: Sequence[Sequence[object]], heiti: str, songti: str,
             width: float) -> LongTable:
    """A table by county and month: the county and the month, then figures in equal columns; the
    last row (the total) bold."""
    header_style = ParagraphStyle("header", fontName=heiti, fontSize=7.5, leading=9, alignment=1)
    # "脱贫人口（核实）": the qualifier on its own line rather than a bracket cut in two
    data: list[list[object]] = [[Paragraph(h.replace("（", "<br/>（", 1) if i > 1 else h, header_style)
                                 for i, h in enumerate(headers)]]
    cell_style = ParagraphStyle("cell", fontName=songti, fontSize=8, leading=10)
    total_style = ParagraphStyle("total", fontName=heiti, fontSize=8, leading=10)
    for i, row in enumerate(rows):
        style_ = total_style if i == len(rows) - 1 else cell_style
        data.append([Paragraph(str(v), style_) for v in row[:2]] + ["" if v is None else str(v) for v in row[2:]])
    first, second = 47 * mm, 17 * mm
    rest = (width - first - second) / max(1, len(headers) - 2)
    table = LongTable(data, colWidths=[first, second] + [rest] * (len(headers) - 2), repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 1), (-1, -1), songti, 8),
        ("FONT", (0, -1), (-1, -1), heiti, 8),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, 0), 1.5), ("RIGHTPADDING", (0, 0), (-1, 0), 1.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
    ]
    table.setStyle(TableStyle(style))
    return table


def _chart(doc: SummaryPrint, heiti: str, songti: str, width: float) -> Drawing:
    height = 62 * mm
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 12 * mm
    chart.width, chart.height = width - 70 * mm, height - 20 * mm
    chart.data = [list(values) for _, values in doc.series]
    chart.categoryAxis.categoryNames = [m[2:] for m in doc.months]  # 26-01: fits under a bar group
    chart.categoryAxis.labels.fontName = songti
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = songti
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.barSpacing, chart.groupSpacing = 1, 6
    for i in range(len(doc.series)):
        chart.bars[i].fillColor = colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)])
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 52 * mm, height - 14 * mm
    legend.fontName, legend.fontSize = heiti, 8
    legend.alignment = "right"
    legend.columnMaximum = len(doc.series)
    legend.colorNamePairs = [(colors.HexColor(SERIES_COLOURS[i % len(SERIES_COLOURS)]), name)
                             for i, (name, _) in enumerate(doc.series)]
    drawing.add(legend)
    drawing.add(String(14 * mm, height - 6 * mm, doc.chart_title, fontName=heiti, fontSize=9))
    return drawing


def _sources(doc: SummaryPrint, heiti: str, songti: str) -> LongTable:
    """来源地: counted workers by the county of their 户籍地, four pairs a row."""
    name_style = ParagraphStyle("source", fontName=songti, fontSize=8, leading=10)
    pairs = [[Paragraph(name, name_style), str(n)] for name, n in doc.sources]
    per_row = 3
    data: list[list[object]] = [[doc.sources_title, *[""] * (per_row * 2 - 1)]]
    for start in range(0, len(pairs), per_row):
        row = [v for pair in pairs[start:start + per_row] for v in pair]
        data.append(row + [""] * (per_row * 2 - len(row)))
    table = LongTable(data, colWidths=[72 * mm, 16 * mm] * per_row, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), heiti, 9), ("FONT", (0, 1), (-1, -1), songti, 8),
        ("SPAN", (0, 0), (-1, 0)), ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        *[("ALIGN", (c, 1), (c, -1), "LEFT") for c in range(0, per_row * 2, 2)],
        ("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.grey),
    ]))
    return table
