"""The tracking report of one loan as a PDF, in the letter's style (GB/T 9704-2012 page and type).

Same page, fonts, typesetter, label/value cells and page numbers as the loan
application form (:mod:`desktop.letters.forms`): the title in 小标宋 2号, the
headings 黑体 3号 (一、二、三、) with 楷体 subheadings, the text 仿宋; the
loan as a two-column form; the checks as a table (header repeated on each
page); a small chart of the workers counted against those required at each
check; each check's explanation as it was kept; the office's name and the date
at the end, where the office stamps it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop import __version__
from desktop.core.letter_words import chinese_date
from desktop.core.tracking_report import CHECK_COLUMNS, TrackingReport
from desktop.letters.fonts import FontSet
from desktop.letters.forms import LEADING, MIN_ROW, PAD, SIZE, Cell, _FormDrawer
from desktop.letters.layout import SetLine
from desktop.letters.page import (
    ASCENT, BLOCK_BOTTOM, BLOCK_RIGHT, BLOCK_TOP, BLOCK_W, BODY_SIZE, CHAR_PITCH, LEFT_MARGIN, LINE_PITCH, MM,
    RED, SPACING, TITLE_SIZE, row_baseline,
)

TEXT_SIZE = 14.0  # 4号, the checks' explanations
TEXT_LEADING = TEXT_SIZE * 1.5
COLUMN_WIDTHS_MM = (12.0, 26.0, 22.0, 20.0, 20.0, 20.0, 36.0)  # CHECK_COLUMNS, 156 mm in all
CHART_H = 48 * MM
COUNTED_COLOUR = (0.1, 0.3, 0.7)


class _ReportDrawer(_FormDrawer):
    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        super().__init__(canvas, fonts)
        self.widths = [w * MM for w in COLUMN_WIDTHS_MM]

    def room(self, top: float, height: float) -> float:
        """``top``, or the top of a new page when ``height`` does not fit under it."""
        return self.new_page() if top - height < BLOCK_BOTTOM else top

    def heading(self, top: float, text: str, role: str = "heiti") -> float:
        top = self.room(top, 2 * LINE_PITCH)
        line = self.ts.set_text(text, role, BODY_SIZE, SPACING, BLOCK_W)[0]
        self.line(LEFT_MARGIN, top - (LINE_PITCH - BODY_SIZE) / 2 - ASCENT * BODY_SIZE, line)
        return top - LINE_PITCH

    def paragraph(self, top: float, text: str, *, size: float = TEXT_SIZE, leading: float = TEXT_LEADING,
                  indent: float = 2.0) -> float:
        first = self.ts.set_text(text, "fangsong", size, 0.0, BLOCK_W - indent * size)
        lines: list[tuple[float, SetLine]] = [(indent * size, first[0])]
        if len(first) > 1:
            rest = self.ts.set_text(text[len(first[0].text):], "fangsong", size, 0.0, BLOCK_W)
            lines += [(0.0, line) for line in rest]
        for dx, line in lines:
            top = self.room(top, leading)
            self.line(LEFT_MARGIN + dx, top - (leading - size) / 2 - ASCENT * size, line)
            top -= leading
        return top

    def table_row(self, top: float, values: Sequence[str], *, header: bool = False) -> float:
        role = "heiti" if header else "fangsong"
        cells = [self.wrap(v, role, w) for v, w in zip(values, self.widths, strict=True)]
        height = max(MIN_ROW, max(len(c) for c in cells) * LEADING + 2 * PAD)
        bottom = top - height
        c = self.c
        c.setLineWidth(0.6)
        c.rect(LEFT_MARGIN, bottom, BLOCK_W, height, stroke=1, fill=0)
        x = LEFT_MARGIN
        for cell, width in zip(cells, self.widths, strict=True):
            if x > LEFT_MARGIN:
                c.line(x, top, x, bottom)
            self._block(cell, x, width, top, height, centre=True)
            x += width
        return bottom

    def table(self, top: float, rows: Sequence[Sequence[str]]) -> float:
        top = self.room(top, 2 * MIN_ROW)
        top = self.table_row(top, CHECK_COLUMNS, header=True)
        for values in rows:
            if top - MIN_ROW < BLOCK_BOTTOM:
                top = self.table_row(self.new_page(), CHECK_COLUMNS, header=True)
            top = self.table_row(top, values)
        return top

    def chart(self, top: float, report: TrackingReport) -> float:
        """Counted (blue, solid) against required (red, dashed) at each check, on one scale from 0."""
        checks = report.checks
        top = self.room(top, CHART_H)
        c = self.c
        left, right = LEFT_MARGIN + 12 * MM, BLOCK_RIGHT - 4 * MM
        bottom = top - CHART_H + 10 * MM
        height = CHART_H - 16 * MM
        peak = max([1, *(k.qualifying for k in checks), *(k.required or 0 for k in checks)])
        step = max(1, -(-peak // 5))
        scale_top = step * 5 if step * 5 >= peak else step * 6

        def y_of(value: int) -> float:
            return bottom + height * value / scale_top

        def x_of(i: int) -> float:
            return left + (right - left) * (i + 0.5) / len(checks)

        c.saveState()
        c.setLineWidth(0.3)
        c.setStrokeColorRGB(0.6, 0.6, 0.6)
        for tick in range(0, scale_top + 1, step):
            c.line(left, y_of(tick), right, y_of(tick))
            label = self.ts.set_text(str(tick), "fangsong", 8.0, 0.0, 20 * MM)[0]
            self.line(left - 2 * MM - label.width, y_of(tick) - 3.0, label)
        c.setStrokeColorRGB(0, 0, 0)
        c.setLineWidth(0.6)
        c.line(left, bottom, right, bottom)
        c.line(left, bottom, left, bottom + height)
        every = max(1, -(-len(checks) * 48 // int(right - left)))  # dates about 48 pt apart at most
        for i, k in enumerate(checks):
            if i % every == 0:
                label = self.ts.set_text(k.check_date, "fangsong", 8.0, 0.0, 30 * MM)[0]
                self.line(x_of(i) - label.width / 2, bottom - 4 * MM, label)
        series = (
            ([k.qualifying for k in checks], COUNTED_COLOUR, ()),
            ([k.required for k in checks], RED, (3, 2)),
        )
        for values, colour, dash in series:
            points = [(x_of(i), y_of(v)) for i, v in enumerate(values) if v is not None]
            c.setStrokeColorRGB(*colour)
            c.setFillColorRGB(*colour)
            c.setLineWidth(1.2)
            c.setDash(*dash) if dash else c.setDash()
            for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
                c.line(x1, y1, x2, y2)
            c.setDash()
            for x, y in points:
                c.circle(x, y, 1.6, stroke=0, fill=1)
        c.restoreState()
        key_y = top - 4 * MM
        x = left
        for text, colour, dash in (("计入人数", COUNTED_COLOUR, ()), ("达标所需人数", RED, (3, 2))):
            c.saveState()
            c.setStrokeColorRGB(*colour)
            c.setLineWidth(1.2)
            c.setDash(*dash) if dash else c.setDash()
            c.line(x, key_y + 3, x + 10 * MM, key_y + 3)
            c.restoreState()
            label = self.ts.set_text(text, "fangsong", 9.0, 0.0, 40 * MM)[0]
            self.line(x + 12 * MM, key_y, label)
            x += 12 * MM + label.width + 8 * MM
        return top - CHART_H

    def signature(self, top: float, office: str, day: str) -> None:
        """The office's name over the date, right of centre, with room above for the seal."""
        top = self.room(top, 4 * LINE_PITCH)
        date_line = self.ts.set_text(day, "fangsong", BODY_SIZE, SPACING, BLOCK_W)[0]
        name_line = self.ts.set_text(office, "fangsong", BODY_SIZE, SPACING, BLOCK_W)[0]
        date_x = BLOCK_RIGHT - 4 * CHAR_PITCH - date_line.width
        name_x = min(date_x + (date_line.width - name_line.width) / 2, BLOCK_RIGHT - name_line.width)
        base = top - 2 * LINE_PITCH - (LINE_PITCH - BODY_SIZE) / 2 - ASCENT * BODY_SIZE
        self.line(max(LEFT_MARGIN, name_x), base, name_line)
        self.line(date_x, base - LINE_PITCH, date_line)


def render_tracking_report(report: TrackingReport, fonts: FontSet) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=fonts.primary("fangsong").name,
                    initialFontSize=SIZE, lang="zh-CN")
    d = _ReportDrawer(canvas, fonts)
    title = d.ts.set_text(report.title, "xiaobiaosong", TITLE_SIZE, 0.0, BLOCK_W)[0]
    d.line(LEFT_MARGIN + (BLOCK_W - title.width) / 2, row_baseline(0, TITLE_SIZE), title)
    sub = d.ts.set_text(f"{report.enterprise_name}（{report.uscc}）", "kaiti", BODY_SIZE, 0.0, BLOCK_W)
    for i, line in enumerate(sub):
        d.line(LEFT_MARGIN + (BLOCK_W - line.width) / 2, row_baseline(1 + i), line)
    top = BLOCK_TOP - (2 + len(sub)) * LINE_PITCH
    top = d.paragraph(top, report.summary(), size=BODY_SIZE, leading=LINE_PITCH)

    top = d.heading(top, "一、贷款情况")
    rows = list(report.loan_rows)
    for i in range(0, len(rows), 2):
        pair = rows[i:i + 2]
        cells = [Cell(label, value) for label, value in pair]
        if len(cells) == 1:
            cells = [Cell(cells[0].label, cells[0].value, span=True)]
        top = d.cells(top, cells)
    top = d.cells(top, [Cell("审核认定", report.approval, span=True)])
    for text in report.acknowledged:
        top = d.cells(top, [Cell("经办人已确认", text, span=True)])

    top = d.heading(top - LINE_PITCH / 2, "二、核实记录")
    if report.checks:
        top = d.table(top, report.table())
        top -= LINE_PITCH / 2
        top = d.chart(top, report)
    else:
        top = d.paragraph(top, "尚未核实。")

    if report.checks:
        top = d.heading(top, "三、各次核实说明")
        for i, check in enumerate(report.checks, start=1):
            top = d.heading(top, f"（{chinese_number(i)}）{check.check_date}　{check.conclusion}", "kaiti")
            for step in check.steps:
                top = d.paragraph(top, step.strip("　 "))
            top = d.paragraph(top, f"核实人：{check.made_by}；规则版本：{check.ruleset_version}。")
            if check.answer:
                top = d.paragraph(top, f"审核人{check.answer}")
    d.signature(top, report.office_name, chinese_date(report.made_on))
    d.page_number()
    canvas.setTitle(f"{report.title}：{report.enterprise_name}")
    canvas.setAuthor(report.office_name)
    canvas.setSubject("吉人社联〔2022〕19号 三（六） 贷款期内吸纳带动就业情况核实")
    canvas.setCreator(f"laoxie {__version__} {datetime.now().astimezone().isoformat(timespec='seconds')}")
    canvas.save()
    return buffer.getvalue()


_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 40 → 四十, 99 → 九十九 (the numbering of subheadings); 100 and above as digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")
