"""The confirmation letter set line by line before it is drawn (``desktop.letters.pdf``): its text
as rows of the 22-line grid, paginated so headings stay with what follows and the seal never sits
on a page without text, and the annex table's rows with their type sizes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.letter import LetterContent
from desktop.core.letter_words import Paragraph, Run, letter_text
from desktop.letters.layout import SetLine, Typesetter
from desktop.letters.page import (
    BLOCK_RIGHT, BLOCK_W, BODY_SIZE, CHAR_PITCH, KEEP_BEFORE_SEAL, LEFT_MARGIN, LINES, MM, ROLES, SIGNATURE_GAP,
    SPACING, TABLE_LEADING, TABLE_MIN_ROW, TABLE_PAD, TABLE_SHRINK, TABLE_SIZE, TABLE_WIDTHS_MM, TITLE_SIZE,
)


@dataclass
class Row:
    kind: str
    pieces: list[tuple[float, SetLine]]  # (x of the line start, the set line)
    size: float = BODY_SIZE
    keep_next: bool = False

    @property
    def blank(self) -> bool:
        return not self.pieces


def blank() -> Row:
    return Row("blank", [])


class LetterSetter:
    def __init__(self, ts: Typesetter) -> None:
        self.ts = ts

    def centred(self, kind: str, text: str, role: str, size: float, *, spacing: float = 0.0,
                breaks: Sequence[int] = ()) -> list[Row]:
        lines = self.title_lines(text, role, size, spacing, breaks)
        return [Row(kind, [(LEFT_MARGIN + (BLOCK_W - line.width) / 2, line)], size, keep_next=True)
                for line in lines]

    def title_lines(self, text: str, role: str, size: float, spacing: float, breaks: Sequence[int]) -> list[SetLine]:
        """One line if it fits; else broken at a preferred place, else into lines of even length."""
        whole = self.ts.set_text(text, role, size, spacing, BLOCK_W)
        if len(whole) == 1:
            return whole
        for at in breaks:
            parts = [text[:at], text[at:]]
            lines = [self.ts.set_text(p, role, size, spacing, BLOCK_W) for p in parts]
            if all(len(ls) == 1 for ls in lines):
                return [ls[0] for ls in lines]
        count = len(whole)
        per = math.ceil(len(text) / count)
        return [line for i in range(0, len(text), per)
                for line in self.ts.set_text(text[i:i + per], role, size, spacing, BLOCK_W)]

    def paragraph(self, kind: str, p: Paragraph, *, keep_next: bool = False) -> list[Row]:
        first = BLOCK_W - p.indent * CHAR_PITCH
        rest = BLOCK_W - p.hanging * CHAR_PITCH
        lines = self.ts.set_runs(p.runs, ROLES, BODY_SIZE, SPACING, first, rest)
        rows = []
        for i, line in enumerate(lines):
            x = LEFT_MARGIN + (p.indent if i == 0 else p.hanging) * CHAR_PITCH
            rows.append(Row(kind, [(x, line)], BODY_SIZE, keep_next and i == len(lines) - 1))
        return rows


def letter_rows(content: LetterContent, ts: Typesetter) -> tuple[list[Row], int]:
    """The rows of the letter's text, and where the signature block starts."""
    text = letter_text(content)
    s = LetterSetter(ts)
    rows: list[Row] = []
    # 版头 (GB/T 9704 7.2.4): the 发文字号 centred, then the office's red separator line if it has one
    rows += s.centred("number", text.number, "fangsong", BODY_SIZE, spacing=SPACING)
    rows.append(Row("red_rule", []) if text.red_line else blank())
    rows.append(blank())
    rows += s.centred("title", text.title, "xiaobiaosong", TITLE_SIZE)
    rows.append(blank())
    rows += s.paragraph("addressee", Paragraph((Run("body", text.addressee),), 0))
    for p in text.paragraphs:
        is_heading = p.runs[0].style == "heading" and len(p.runs) == 1
        rows += s.paragraph("heading" if is_heading else "body", p, keep_next=is_heading)
    rows.append(blank())
    rows += s.paragraph("annex_note", text.annex_note)
    signature_at = len(rows)
    rows += [blank() for _ in range(SIGNATURE_GAP)]
    date = ts.set_text(text.date, "fangsong", BODY_SIZE, SPACING, BLOCK_W)[0]
    date_x = BLOCK_RIGHT - 4 * CHAR_PITCH - date.width
    name = ts.set_text(text.signature, "fangsong", BODY_SIZE, SPACING, BLOCK_W)[0]
    name_x = min(date_x + (date.width - name.width) / 2, BLOCK_RIGHT - name.width)
    rows.append(Row("signature", [(max(LEFT_MARGIN, name_x), name)], keep_next=True))
    rows.append(Row("date", [(date_x, date)]))
    return rows, signature_at


def paginate(rows: list[Row], signature_at: int) -> list[list[Row]]:
    """Rows into pages of 22 lines: headings stay with what follows, and the
    signature block stays with the annex note and the last lines of text above
    them (the seal never sits on a page without text)."""
    note = next((i for i, r in enumerate(rows) if r.kind == "annex_note"), signature_at)
    tail = note
    seen = 0
    while tail > 0 and seen < KEEP_BEFORE_SEAL:
        tail -= 1
        if not rows[tail].blank:
            seen += 1
    pages: list[list[Row]] = [[]]
    i = 0
    while i < len(rows):
        page = pages[-1]
        room = LINES - len(page)
        row = rows[i]
        if row.blank and not page:  # a page never starts with an empty line
            i += 1
            continue
        if i == tail:
            group = rows[tail:]
            if len(group) > room and page:
                pages.append([])
                continue
            page.extend(group)
            break
        if row.keep_next and room == 1 and page:
            pages.append([])
            continue
        page.append(row)
        i += 1
        if len(page) == LINES:
            pages.append([])
    return [p for p in pages if p]


# --------------------------------------------------------------------------
# The annex table


@dataclass
class TableRow:
    cells: list[list[SetLine]]
    height: float
    header: bool = False
    span: bool = False  # one cell across the table (the total)


class TableSetter:
    def __init__(self, ts: Typesetter) -> None:
        self.ts = ts
        self.widths = [w * MM for w in TABLE_WIDTHS_MM]

    def cell(self, text: str, role: str, width: float, size: float = TABLE_SIZE) -> list[SetLine]:
        if not text:
            return []
        return self.ts.set_text(text, role, size, 0.0, width - 2 * TABLE_PAD)

    def row(self, values: Sequence[str], role: str, *, header: bool = False,
            sizes: dict[int, float] | None = None) -> TableRow:
        cells = [self.cell(v, role, w, (sizes or {}).get(i, TABLE_SIZE) if not header else TABLE_SIZE)
                 for i, (v, w) in enumerate(zip(values, self.widths, strict=True))]
        lines = max((len(c) for c in cells), default=1)
        height = max(TABLE_MIN_ROW, lines * TABLE_LEADING + 2 * TABLE_PAD)
        return TableRow(cells, height, header)

    def column_sizes(self, rows: Sequence[Sequence[str]]) -> dict[int, float]:
        """The type size of each shrinking column: the widest cell fits on one line, down to a floor."""
        sizes = {}
        for column, floor in TABLE_SHRINK.items():
            inner = self.widths[column] - 2 * TABLE_PAD
            widest = max((self.ts.text_width(r[column], "fangsong", TABLE_SIZE) for r in rows), default=0.0)
            sizes[column] = TABLE_SIZE if widest <= inner else max(floor, TABLE_SIZE * inner / widest * 0.995)
        return sizes

    def total(self, count: int) -> TableRow:
        line = self.cell(f"合计：共{count}人", "heiti", BLOCK_W)
        return TableRow([line], max(TABLE_MIN_ROW, len(line) * TABLE_LEADING + 2 * TABLE_PAD), span=True)
