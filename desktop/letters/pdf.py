"""The confirmation letter as a PDF, laid out after GB/T 9704-2012 (党政机关公文格式).

Page geometry (GB/T 9704 5.2, ``desktop.letters.page``): A4, top margin 37 mm,
left margin 28 mm, a text block of 156 × 225 mm holding 22 lines of 28 characters. Body text is
3号仿宋 (16 pt) with 28 characters to the line (a pitch of 156/28 mm) and 22
lines to the page (a pitch of 225/22 mm); the title is 2号小标宋 (22 pt,
黑体 where 小标宋 is not installed), centred; 一、 headings are 黑体 and
（一） headings 楷体. The office's name is centred above the date, the date
set with its right edge four characters in from the margin, and the lines
before them are kept on the same page so the red seal, stamped by hand over
name and date, never sits on a page without text. Page numbers are 4号
"— 1 —" 7 mm under the text block, odd pages right, even pages left. The
annex starts on a new page: "附件" top left, its title on the third line, then
the table of counted workers (masked ID numbers) with its header repeated on
every page. The QR code and verification code sit in the bottom margin of the
first page, left of the page number.

The text is set into rows of the grid and paginated first (``desktop.letters.letter_rows``).
Every string placed is also recorded (:class:`LetterLayout`), so the tests
measure margins and pitches from what was drawn; ``pdftotext -bbox`` checks
the same from the file.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop import __version__
from desktop.core.letter import ANNEX_COLUMNS, LetterContent, format_code
from desktop.core.letter_words import letter_text
from desktop.letters import qr
from desktop.letters.fonts import FontSet
from desktop.letters.layout import Piece, SetLine, typesetter
from desktop.letters.letter_rows import LetterSetter, TableRow, TableSetter, letter_rows, paginate
from desktop.letters.page import (
    ASCENT, BLOCK_BOTTOM, BLOCK_RIGHT, BLOCK_TOP, BLOCK_W, BODY_SIZE, CHAR_PITCH, LEFT_MARGIN, LINE_PITCH, MM,
    PAGE_H, PAGE_NUMBER_SIZE, PAGE_W, QR_SIZE, RED, SPACING, TABLE_LEADING, TABLE_PAD, TABLE_SIZE, TITLE_SIZE,
    row_baseline,
)


class Mark(str, Enum):
    ORIGINAL = "original"
    COPY = "copy"  # 副本: printed again
    DRAFT = "draft"  # 样稿: not issued, no number
    VOID = "void"  # 作废


@dataclass(frozen=True)
class LetterPrint:
    """One letter to print, and how to mark it."""

    content: LetterContent
    verification_code: str = ""
    qr_payload: str = ""
    mark: Mark = Mark.ORIGINAL
    note: str = ""  # shown in the top margin with a copy or void mark


@dataclass(frozen=True)
class Placed:
    """A string as drawn: x of its left edge and y of its baseline, in points from the page's lower left."""

    kind: str
    text: str
    x: float
    y: float
    font: str
    size: float
    char_space: float
    width: float


@dataclass
class PageLayout:
    number: int  # within its letter, from 1
    items: list[Placed] = field(default_factory=list)
    table_rows: list[float] = field(default_factory=list)  # y of each horizontal rule
    qr: tuple[float, float, float] | None = None  # x, y, size
    rows_used: int = 0  # grid lines used by the letter's text
    rules: list[tuple[str, float]] = field(default_factory=list)  # ("red" / "record", y) of lines drawn


@dataclass
class LetterLayout:
    number: str
    pages: list[PageLayout]
    body_pages: int  # pages before the annex


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    layouts: tuple[LetterLayout, ...]
    fonts: dict[str, str]


# --------------------------------------------------------------------------
# Drawing


class _PageText:
    """The text of one page as one PDF text object.

    ``canvas.drawString`` opens a text object per string and formats every
    number through reportlab's pure-Python routine: for the 300 strings of a
    letter with its annex that was most of the time spent. Here a page's
    strings share one text object, each placed with an absolute text matrix.
    (``_textOut`` is reportlab's own formatter for TrueType subsets; the
    layout tests read the result back with pdftotext.)
    """

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.obj = canvas.beginText()
        self.font: tuple[str, float] | None = None
        self.char_space = 0.0

    def add(self, x: float, y: float, piece: Piece) -> None:
        obj = self.obj
        if self.font != (piece.font, piece.size):
            obj.setFont(piece.font, piece.size)
            self.font = (piece.font, piece.size)
        if piece.char_space != self.char_space:
            obj._code.append(f"{piece.char_space:.4f} Tc")
            self.char_space = piece.char_space
        obj._code.append(f"1 0 0 1 {x:.3f} {y:.3f} Tm")
        obj._textOut(piece.text)

    def flush(self) -> None:
        self.canvas.drawText(self.obj)


class _Drawer:
    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        self.c = canvas
        self.fonts = fonts
        self.ts = typesetter(fonts)
        self._page_text: _PageText | None = None

    def text(self, page: PageLayout, kind: str, x: float, y: float, line: SetLine, *, now: bool = False) -> None:
        """Place a line (``now``: drawn at once in the current colour, else with the page's text)."""
        if now:
            for piece in line.pieces:
                self.c.setFont(piece.font, piece.size)
                self.c.drawString(x + piece.x, y, piece.text, charSpace=piece.char_space)
        else:
            if self._page_text is None:
                self._page_text = _PageText(self.c)
            for piece in line.pieces:
                self._page_text.add(x + piece.x, y, piece)
        page.items.append(Placed(kind, line.text, x, y, line.pieces[0].font if line.pieces else "",
                                 line.pieces[0].size if line.pieces else 0.0,
                                 line.pieces[0].char_space if line.pieces else 0.0, line.width))

    def show_page(self) -> None:
        if self._page_text is not None:
            self._page_text.flush()
            self._page_text = None
        self.c.showPage()

    # -- page furniture ------------------------------------------------------
    def page_number(self, page: PageLayout) -> None:
        text = f"— {page.number} —"
        line = self.ts.set_text(text, "songti", PAGE_NUMBER_SIZE, 0.0, BLOCK_W)[0]
        # the dashes' line 7 mm under the text block; an em dash sits about 0.3 em above the baseline
        y = BLOCK_BOTTOM - 7 * MM - 0.3 * PAGE_NUMBER_SIZE
        if page.number % 2:
            x = BLOCK_RIGHT - CHAR_PITCH - line.width
        else:
            x = LEFT_MARGIN + CHAR_PITCH
        self.text(page, "page_number", x, y, line)

    def verification(self, page: PageLayout, letter: LetterPrint) -> None:
        if not letter.qr_payload:
            return
        x, y = LEFT_MARGIN, BLOCK_BOTTOM - 6 * MM - QR_SIZE
        qr.draw(self.c, letter.qr_payload, x, y, QR_SIZE)
        page.qr = (x, y, QR_SIZE)
        label = self.ts.set_text(f"校验码：{format_code(letter.verification_code)}", "heiti", 9.0, 0.0, BLOCK_W)[0]
        self.text(page, "code", x + QR_SIZE + 2 * MM, y + QR_SIZE - 9.0, label)
        hint = self.ts.set_text("扫描二维码或凭校验码与报送记录核对", "fangsong", 8.0, 0.0, BLOCK_W)[0]
        self.text(page, "code_hint", x + QR_SIZE + 2 * MM, y + QR_SIZE - 21.0, hint)

    def mark(self, page: PageLayout, letter: LetterPrint) -> None:
        if letter.mark is Mark.ORIGINAL:
            return
        label = {Mark.COPY: "副本", Mark.DRAFT: "样稿", Mark.VOID: "作废"}[letter.mark]
        line = self.ts.set_text(label, "heiti", 18.0, 2.0, BLOCK_W)[0]
        box_w, box_h = line.width + 6 * MM, 10 * MM
        bx, by = BLOCK_RIGHT - box_w, PAGE_H - 12 * MM - box_h
        self.c.saveState()
        self.c.setStrokeColorRGB(*RED)
        self.c.setFillColorRGB(*RED)
        self.c.setLineWidth(1.2)
        self.c.rect(bx, by, box_w, box_h, stroke=1, fill=0)
        self.text(page, "mark", bx + 3 * MM, by + (box_h - 18.0) / 2 + 0.12 * 18.0, line, now=True)
        if letter.note:
            note = self.ts.set_text(letter.note, "fangsong", 10.0, 0.0, BLOCK_W - box_w - 4 * MM)
            for i, n in enumerate(note[:2]):
                self.text(page, "mark_note", LEFT_MARGIN, by + box_h - 10.0 - i * 13.0, n, now=True)
        if letter.mark in (Mark.DRAFT, Mark.VOID):
            self.c.setFillColorRGB(0.75, 0.75, 0.75)
            self.c.translate(PAGE_W / 2, PAGE_H / 2)
            self.c.rotate(35)
            big = self.ts.set_text(label, "heiti", 120.0, 20.0, PAGE_W)[0]
            self.c.setFillAlpha(0.35)
            for piece in big.pieces:
                self.c.setFont(piece.font, piece.size)
                self.c.drawString(-big.width / 2 + piece.x, -40, piece.text, charSpace=piece.char_space)
        self.c.restoreState()

    # -- the letter ------------------------------------------------------------
    def letter(self, letter: LetterPrint) -> LetterLayout:
        content = letter.content
        rows, signature_at = letter_rows(content, self.ts)
        pages = paginate(rows, signature_at)
        layouts: list[PageLayout] = []
        for n, page_rows in enumerate(pages, start=1):
            page = PageLayout(n, rows_used=len(page_rows))
            for r, row in enumerate(page_rows):
                for x, line in row.pieces:
                    self.text(page, row.kind, x, row_baseline(r, row.size), line)
                if row.kind == "red_rule":
                    self.red_rule(page, row_baseline(r - 1))
            if n == 1:
                self.verification(page, letter)
            self.page_number(page)
            self.mark(page, letter)
            layouts.append(page)
            self.show_page()
        body_pages = len(layouts)
        layouts += self.annex(letter, len(layouts) + 1)
        record = letter_text(content).record
        if record is not None:
            layouts.append(self.record_page(letter, len(layouts) + 1, record))
        return LetterLayout(content.number, layouts, body_pages)

    def red_rule(self, page: PageLayout, number_baseline: float) -> None:
        """The red separator line as wide as the text block, 4 mm under the 发文字号 (GB/T 9704 7.2.5)."""
        y = number_baseline - 0.12 * BODY_SIZE - 4 * MM
        self.c.saveState()
        self.c.setStrokeColorRGB(*RED)
        self.c.setLineWidth(1.0)
        self.c.line(LEFT_MARGIN, y, BLOCK_RIGHT, y)
        self.c.restoreState()
        page.rules.append(("red", y))

    def record_page(self, letter: LetterPrint, number: int, record: tuple[str, str, str]) -> PageLayout:
        """The 版记 on the last page, after the annex (GB/T 9704 8): 抄送, then 印发机关 and 印发日期,
        4号仿宋 between full-width lines (the first and last thicker), at the foot of the text block."""
        copy_to, printer, printed = record
        page = PageLayout(number, rows_used=0)
        size = PAGE_NUMBER_SIZE  # 4号
        pitch = size * 1.9
        y = BLOCK_BOTTOM + 2.0
        widths = [0.8]  # the last line: thicker
        lines = [y]
        issue_line = self.ts.set_text(printer, "fangsong", size, 0.0, BLOCK_W)[0]
        date_line = self.ts.set_text(printed, "fangsong", size, 0.0, BLOCK_W)[0]
        base = y + (pitch - size) / 2 + 0.12 * size
        self.text(page, "record_printer", LEFT_MARGIN + CHAR_PITCH, base, issue_line)
        self.text(page, "record_date", BLOCK_RIGHT - CHAR_PITCH - date_line.width, base, date_line)
        y += pitch
        if copy_to:
            widths.append(0.5)
            lines.append(y)
            cc = self.ts.set_text(copy_to, "fangsong", size, 0.0, BLOCK_W - 2 * CHAR_PITCH)
            for i, line in enumerate(reversed(cc)):
                self.text(page, "record_copy_to", LEFT_MARGIN + CHAR_PITCH, y + (pitch - size) / 2 + 0.12 * size
                          + i * size * 1.3, line)
            y += pitch + (len(cc) - 1) * size * 1.3
        widths.append(0.8)  # the first line: thicker
        lines.append(y)
        self.c.saveState()
        for width, at in zip(widths, lines, strict=True):
            self.c.setLineWidth(width)
            self.c.line(LEFT_MARGIN, at, BLOCK_RIGHT, at)
            page.rules.append(("record", at))
        self.c.restoreState()
        self.page_number(page)
        self.mark(page, letter)
        self.show_page()
        return page

    def annex(self, letter: LetterPrint, first_number: int) -> list[PageLayout]:
        content = letter.content
        t = TableSetter(self.ts)
        header = t.row(ANNEX_COLUMNS, "heiti", header=True)
        values = [(str(r.index), r.name, r.masked_id, r.hukou, r.group, r.contract) for r in content.annex]
        sizes = t.column_sizes(values)
        body = [t.row(v, "fangsong", sizes=sizes) for v in values]
        body.append(t.total(len(content.annex)))
        pages: list[PageLayout] = []
        number = first_number
        page = PageLayout(number)
        head = self.ts.set_text("附件", "heiti", BODY_SIZE, SPACING, BLOCK_W)[0]
        self.text(page, "annex_label", LEFT_MARGIN, row_baseline(0), head)
        title_rows = LetterSetter(self.ts).centred("annex_title", content.annex_title, "xiaobiaosong", TITLE_SIZE)
        for i, title_row in enumerate(title_rows):
            for x, line in title_row.pieces:
                self.text(page, "annex_title", x, row_baseline(2 + i, TITLE_SIZE), line)
        sub_row = 2 + len(title_rows)
        baseline = row_baseline(sub_row, 12.0)
        for text in content.annex_subtitle:
            for line in self.ts.set_text(text, "fangsong", 12.0, 0.0, BLOCK_W):
                self.text(page, "annex_subtitle", LEFT_MARGIN + (BLOCK_W - line.width) / 2, baseline, line)
                baseline -= 16.0
        y = min(BLOCK_TOP - (sub_row + 1) * LINE_PITCH, baseline + 16.0 - 6 * MM)
        y = self.table_row(page, header, y, t)
        for row in body:
            if y - row.height < BLOCK_BOTTOM - 0.01:
                self.finish_annex_page(page, letter)
                pages.append(page)
                number += 1
                page = PageLayout(number)
                y = self.table_row(page, header, BLOCK_TOP, t)
            y = self.table_row(page, row, y, t)
        self.finish_annex_page(page, letter)
        pages.append(page)
        return pages

    def finish_annex_page(self, page: PageLayout, letter: LetterPrint) -> None:
        self.page_number(page)
        self.mark(page, letter)
        self.show_page()

    def table_row(self, page: PageLayout, row: TableRow, top: float, t: TableSetter) -> float:
        bottom = top - row.height
        segments: list[tuple[float, float, float, float]] = []
        if not page.table_rows or abs(page.table_rows[-1] - top) > 0.01:
            segments.append((LEFT_MARGIN, top, BLOCK_RIGHT, top))
            page.table_rows.append(top)
        segments.append((LEFT_MARGIN, bottom, BLOCK_RIGHT, bottom))
        page.table_rows.append(bottom)
        x = LEFT_MARGIN
        widths = [BLOCK_W] if row.span else t.widths
        for width in widths:
            segments.append((x, top, x, bottom))
            x += width
        segments.append((BLOCK_RIGHT, top, BLOCK_RIGHT, bottom))
        _rules(self.c, segments)
        x = LEFT_MARGIN
        for cell, width in zip(row.cells, widths, strict=True):
            if cell:
                size = cell[0].pieces[0].size if cell[0].pieces else TABLE_SIZE
                block = len(cell) * TABLE_LEADING
                first = top - (row.height - block) / 2 - (TABLE_LEADING - size) / 2 - ASCENT * size
                for i, line in enumerate(cell):
                    lx = x + TABLE_PAD if row.span else x + (width - line.width) / 2
                    self.text(page, "table_header" if row.header else "table", lx, first - i * TABLE_LEADING, line)
            x += width
        return bottom


def _rules(canvas: Canvas, segments: Sequence[tuple[float, float, float, float]], width: float = 0.6) -> None:
    """Straight 0.6 pt rules as one path (reportlab's own number formatting is slow without its C part)."""
    path = canvas.beginPath()
    fast = hasattr(path, "_code_append")
    for x1, y1, x2, y2 in segments:
        if fast:
            path._code_append(f"{x1:.2f} {y1:.2f} m")
            path._code_append(f"{x2:.2f} {y2:.2f} l")
        else:
            path.moveTo(x1, y1)
            path.lineTo(x2, y2)
    canvas.setLineWidth(width)
    canvas.drawPath(path, stroke=1, fill=0)


# --------------------------------------------------------------------------


def render_letters(
    letters: Sequence[LetterPrint], fonts: FontSet, *, title: str = "", author: str = "",
    progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
) -> Rendered:
    """One PDF with these letters (page numbers start again with each letter)."""
    buffer = io.BytesIO()
    # the body font from the start: no unembedded Helvetica declared in the file
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=fonts.primary("fangsong").name,
                    initialFontSize=BODY_SIZE, lang="zh-CN")
    drawer = _Drawer(canvas, fonts)
    layouts: list[LetterLayout] = []
    for i, letter in enumerate(letters):
        if cancelled is not None and cancelled():
            break
        layouts.append(drawer.letter(letter))
        if progress is not None:
            progress(i + 1, len(letters))
    used = fonts.summary()
    first = letters[0] if letters else None
    canvas.setTitle(title or (f"{first.content.number} {letter_text(first.content).title}" if first else "确认书"))
    canvas.setAuthor(author or (first.content.office_name if first else ""))
    canvas.setSubject("劳务协作贷款企业吸纳就业情况确认书（吉人社联〔2022〕19号）")
    keywords = [f"校验码 {format_code(x.verification_code)}" for x in letters[:20] if x.verification_code]
    keywords.append("字体：" + "；".join(f"{role}={face}" for role, face in used.items()))
    canvas.setKeywords(keywords)
    canvas.setCreator(f"laoxie {__version__} {datetime.now().astimezone().isoformat(timespec='seconds')}")
    canvas.save()
    pages = sum(len(layout.pages) for layout in layouts)
    return Rendered(buffer.getvalue(), pages, tuple(layouts), used)


def render_letter(letter: LetterPrint, fonts: FontSet) -> Rendered:
    return render_letters([letter], fonts)
