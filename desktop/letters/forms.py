"""The loan application forms (附件1 流动资金贷款申请表, 附件2 固定资产贷款申请表) filled in, as PDF.

Same page, fonts and typesetter as the letter. What the enterprise record
and the decision hold is printed from there; the form's own fields follow;
then the enterprise's undertaking with room for signature and seal, and the
county office's opinion with the letter number when one is in force.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from desktop import __version__
from desktop.core.decision import Decision, percent_text
from desktop.core.enterprise import Enterprise
from desktop.core.loan_form import Kind, LoanForm, fields_for
from desktop.core.office import Office
from desktop.core.size import SizeStandard
from desktop.letters.fonts import FontSet
from desktop.letters.layout import SetLine, typesetter
from desktop.letters.page import (
    ASCENT, BLOCK_BOTTOM, BLOCK_RIGHT, BLOCK_TOP, BLOCK_W, BODY_SIZE, LEFT_MARGIN, MM, PAGE_NUMBER_SIZE,
    SPACING, TITLE_SIZE, row_baseline,
)

SIZE = 10.5  # 五号
LEADING = SIZE * 1.45
PAD = 1.4 * MM
MIN_ROW = 7.5 * MM
LABEL_W = 33 * MM


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    span: bool = False  # the value takes the rest of the row
    min_lines: int = 1


def _money(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def form_cells(form: LoanForm, enterprise: Enterprise, decision: Decision | None,
               sizes: SizeStandard) -> list[list[Cell]]:
    """The rows of the form: pairs of short fields, long fields across the row."""
    industry = next((i.name for i in sizes.industries() if i.code == enterprise.industry), enterprise.industry)
    rows: list[list[Cell]] = [
        [Cell("企业名称", enterprise.name, span=True)],
        [Cell("统一社会信用代码", enterprise.uscc), Cell("所属行业", industry)],
        [Cell("企业规模", decision.size.label + "企业" if decision else
              (enterprise.size_override.label + "企业" if enterprise.size_override else "")),
         Cell("职工总数（人）", str(enterprise.staff_total))],
        [Cell("营业收入（万元）", _money(enterprise.revenue_wan)), Cell("资产总额（万元）", _money(enterprise.assets_wan))],
        [Cell("联系人", enterprise.contact_name), Cell("联系电话", enterprise.contact_phone)],
    ]
    if decision is not None:
        rows.append([
            Cell("吸纳对口地区劳动者（人）", str(decision.qualifying_count)),
            Cell("占职工总数比例", percent_text(decision.share) if decision.share is not None else "—"),
        ])
        rows.append([
            Cell("其中重点群体（人）", str(decision.priority_workers)),
            Cell("是否优先放贷支持对象", "是" if decision.priority_borrower else "否"),
        ])
    pending: list[Cell] = []
    for f in fields_for(form.loan_type):
        value = form.shown(f.key)
        if f.kind is Kind.LONG:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([Cell(f.label, value, span=True, min_lines=2)])
        elif f.kind is Kind.TEXT and f.max_length > 40:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([Cell(f.label, value, span=True)])
        else:
            pending.append(Cell(f.label, value))
            if len(pending) == 2:
                rows.append(pending)
                pending = []
    if pending:
        pending[-1] = Cell(pending[-1].label, pending[-1].value, span=True)
        rows.append(pending)
    return rows


class _FormDrawer:
    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        self.c = canvas
        self.ts = typesetter(fonts)
        self.page = 1

    def line(self, x: float, y: float, line: SetLine) -> None:
        for piece in line.pieces:
            self.c.setFont(piece.font, piece.size)
            self.c.drawString(x + piece.x, y, piece.text, charSpace=piece.char_space)

    def wrap(self, text: str, role: str, width: float, size: float = SIZE) -> list[SetLine]:
        return self.ts.set_text(text, role, size, 0.0, width - 2 * PAD) if text else []

    def page_number(self) -> None:
        line = self.ts.set_text(f"— {self.page} —", "songti", PAGE_NUMBER_SIZE, 0.0, BLOCK_W)[0]
        x = BLOCK_RIGHT - line.width - BLOCK_W / 28 if self.page % 2 else LEFT_MARGIN + BLOCK_W / 28
        self.line(x, BLOCK_BOTTOM - 7 * MM - 0.3 * PAGE_NUMBER_SIZE, line)

    def new_page(self) -> float:
        self.page_number()
        self.c.showPage()
        self.page += 1
        return BLOCK_TOP

    def cells(self, top: float, row: Sequence[Cell]) -> float:
        """Draw one row of label/value cells from ``top``; returns its bottom."""
        widths: list[tuple[float, float]] = []
        if len(row) == 1 or row[0].span:
            widths = [(LABEL_W, BLOCK_W - LABEL_W)]
            row = row[:1]
        else:
            half = BLOCK_W / 2
            widths = [(LABEL_W, half - LABEL_W), (LABEL_W, half - LABEL_W)]
            if row[-1].span:
                widths = [(LABEL_W, half - LABEL_W), (LABEL_W, half - LABEL_W)]
        texts = [(self.wrap(cell.label, "heiti", w_label), self.wrap(cell.value, "fangsong", w_value), cell)
                 for cell, (w_label, w_value) in zip(row, widths, strict=False)]
        lines = max(max(len(label), len(value), cell.min_lines) for label, value, cell in texts)
        height = max(MIN_ROW, lines * LEADING + 2 * PAD)
        if top - height < BLOCK_BOTTOM:
            top = self.new_page()
        bottom = top - height
        c = self.c
        c.setLineWidth(0.6)
        c.rect(LEFT_MARGIN, bottom, BLOCK_W, height, stroke=1, fill=0)
        x = LEFT_MARGIN
        for (label, value, cell), (w_label, w_value) in zip(texts, widths, strict=False):
            c.line(x + w_label, top, x + w_label, bottom)
            if x > LEFT_MARGIN:
                c.line(x, top, x, bottom)
            self._block(label, x, w_label, top, height, centre=True)
            self._block(value, x + w_label, w_value, top, height, centre=False, long=cell.min_lines > 1)
            x += w_label + w_value
        return bottom

    def _block(self, lines: list[SetLine], x: float, width: float, top: float, height: float, *,
               centre: bool, long: bool = False) -> None:
        if not lines:
            return
        block = len(lines) * LEADING
        first = (top - PAD - (LEADING - SIZE) / 2 - ASCENT * SIZE if long
                 else top - (height - block) / 2 - (LEADING - SIZE) / 2 - ASCENT * SIZE)
        for i, line in enumerate(lines):
            lx = x + (width - line.width) / 2 if centre else x + PAD
            self.line(lx, first - i * LEADING, line)

    def box(self, top: float, title: str, body: str, sign: Sequence[str]) -> float:
        """A full-width box: its title, a paragraph, and signature lines at the bottom right."""
        inner = BLOCK_W - 2 * PAD
        lines = self.ts.set_text(body, "fangsong", SIZE, 0.0, inner) if body else []
        height = max(30 * MM, (len(lines) + len(sign) + 3) * LEADING + 2 * PAD)
        if top - height < BLOCK_BOTTOM:
            top = self.new_page()
        bottom = top - height
        self.c.setLineWidth(0.6)
        self.c.rect(LEFT_MARGIN, bottom, BLOCK_W, height, stroke=1, fill=0)
        y = top - PAD - (LEADING - SIZE) / 2 - ASCENT * SIZE
        self.line(LEFT_MARGIN + PAD, y, self.ts.set_text(title, "heiti", SIZE, 0.0, inner)[0])
        for line in lines:
            y -= LEADING
            self.line(LEFT_MARGIN + PAD, y, line)
        y = bottom + PAD + (len(sign) - 1) * LEADING + 0.3 * SIZE
        for text in sign:
            line = self.ts.set_text(text, "fangsong", SIZE, 0.0, inner)[0]
            self.line(BLOCK_RIGHT - 8 * MM - line.width, y, line)
            y -= LEADING
        return bottom


def render_form(form: LoanForm, *, enterprise: Enterprise, decision: Decision | None, office: Office,
                letter_number: str, fonts: FontSet, sizes: SizeStandard) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=fonts.primary("fangsong").name,
                    initialFontSize=SIZE, lang="zh-CN")
    d = _FormDrawer(canvas, fonts)
    head = d.ts.set_text(f"附件{form.loan_type.annex_number}", "heiti", BODY_SIZE, SPACING, BLOCK_W)[0]
    d.line(LEFT_MARGIN, row_baseline(0), head)
    title = d.ts.set_text(form.loan_type.form_title, "xiaobiaosong", TITLE_SIZE, 0.0, BLOCK_W)[0]
    d.line(LEFT_MARGIN + (BLOCK_W - title.width) / 2, row_baseline(2, TITLE_SIZE), title)
    date_line = d.ts.set_text("填表日期：　　　　年　　月　　日", "fangsong", SIZE, 0.0, BLOCK_W)[0]
    d.line(BLOCK_RIGHT - date_line.width, row_baseline(3, SIZE), date_line)
    top = row_baseline(4) + ASCENT * BODY_SIZE
    for row in form_cells(form, enterprise, decision, sizes):
        top = d.cells(top, row)
    top = d.box(top, "企业承诺",
                "本企业承诺以上所填内容及提供的劳动者名册、劳动合同、工资发放证明等材料真实、完整、有效，"
                "如有不实，愿承担相应责任。",
                ["法定代表人（签字）：　　　　　　企业（盖章）", "年　　月　　日"])
    if decision is not None:
        opinion = (f"经审查，该企业吸纳劳务协作对口地区劳动者{decision.qualifying_count}人"
                   + (f"，占职工总数的{percent_text(decision.share)}" if decision.share is not None else "")
                   + f"，{decision.final_result.label}。")
        if letter_number:
            opinion += f"确认书文号：{letter_number}。"
    else:
        opinion = ""
    d.box(top, f"{office.name}审查意见", opinion, ["（盖章）", "年　　月　　日"])
    d.page_number()
    canvas.setTitle(f"{form.loan_type.form_title}：{enterprise.name}")
    canvas.setAuthor(enterprise.name)
    canvas.setSubject("吉人社联〔2022〕19号 附件" + str(form.loan_type.annex_number))
    canvas.setCreator(f"laoxie {__version__} {datetime.now().astimezone().isoformat(timespec='seconds')}")
    canvas.save()
    return buffer.getvalue()
