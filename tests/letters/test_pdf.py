"""The letter PDF: its text, its GB/T 9704 geometry (as drawn and as measured in the file), pages, marks, QR."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core.letter import LetterContent, format_code
from desktop.letters import LetterPrint, Mark, fontset, render_letter, render_letters
from desktop.letters.fonts import FontSet
from desktop.letters.page import (
    BLOCK_BOTTOM, BLOCK_H, BLOCK_RIGHT, BLOCK_TOP, BLOCK_W, BODY_SIZE, CHAR_PITCH, LEFT_MARGIN, LINE_PITCH, LINES,
    MM, PAGE_H, SPACING, TITLE_SIZE,
)
from desktop.letters.pdf import LetterLayout, Placed, Rendered
from tests.letters.cases import id_number, sample_content

POPPLER = shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) is not installed")
BODY_KINDS = {"addressee", "body", "heading", "annex_note"}


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return fontset()


def printed(content: LetterContent, mark: Mark = Mark.ORIGINAL, note: str = "") -> LetterPrint:
    return LetterPrint(content, content.verification_code(), content.qr_payload(), mark, note)


@pytest.fixture(scope="module")
def letter40(fonts: FontSet) -> tuple[LetterContent, Rendered]:
    content = sample_content(40)
    return content, render_letter(printed(content), fonts)


def pdf_text(pdf: bytes, tmp_path: Path, *, first: int | None = None, last: int | None = None) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    pages = (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


# -- what the text says ---------------------------------------------------------------------


@needs_poppler
def test_pdftotext_holds_the_chinese_content(letter40: tuple[LetterContent, Rendered], tmp_path: Path) -> None:
    content, rendered = letter40
    text = pdf_text(rendered.pdf, tmp_path)
    flat = text.replace("\n", "")
    for expected in ("劳务协作贷款企业吸纳就业情况确认书", "延吉人社劳协确〔2026〕12号", "国家开发银行吉林省分行：",
                     content.enterprise_name, content.uscc, "该企业符合认定标准", "职工总数400人",
                     "劳务协作地区就业人员名册", "延吉市就业服务局", "2026年11月24日", "经办人：金经办；审核人：朴科长",
                     format_code(content.verification_code()), "合计：共40人", "身份证号码"):
        assert expected in flat, expected
    # the rule set as a reader names it; its technical id only in the verification data; no ≈ ≥ ÷
    assert "认定依据：吉人社联〔2022〕19号；对口地区名单2022年第1版" in flat
    assert content.ruleset_version not in flat and "labor-coop" not in flat
    assert not set("≈≥÷×") & set(flat)
    for heading in ("（一）劳动合同。", "（二）工资发放。", "（三）来源地区。", "（四）重点群体。", "（五）社会保险。"):
        assert heading in flat, heading
    for row in content.annex:
        assert row.masked_id in text and row.name in text
    for i in range(40):  # never a full ID number
        full = id_number(7, i, ("222401", "222402", "222424", "220623", "220882")[i % 5])
        assert full not in flat and full[6:14] not in flat
    assert id_number(7, 999, "220102") not in flat and "外地人" not in flat


@needs_poppler
def test_metadata_names_the_fonts(letter40: tuple[LetterContent, Rendered], tmp_path: Path) -> None:
    path = tmp_path / "l.pdf"
    path.write_bytes(letter40[1].pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Title:           延吉人社劳协确〔2026〕12号" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert "字体：仿宋=" in info and "小标宋=" in info
    fonts_used = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts_used.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows if "TrueType" in row)  # embedded subsets
    assert all("TrueType" in row for row in rows)  # no unembedded base-14 CJK fonts


# -- the geometry, as drawn ---------------------------------------------------------------------


def body_items(layout: LetterLayout, page: int) -> list[Placed]:
    return [i for i in layout.pages[page].items if i.kind in BODY_KINDS]


def grid_row(y: float, size: float = BODY_SIZE) -> int:
    row = (BLOCK_TOP - y - (LINE_PITCH - size) / 2 - 0.88 * size) / LINE_PITCH
    assert abs(row - round(row)) < 1e-6, f"baseline {y} is not on the grid"
    return round(row)


def test_the_constants_are_gb_t_9704() -> None:
    assert round(LEFT_MARGIN / MM, 6) == 28 and round((PAGE_H - BLOCK_TOP) / MM, 6) == 37
    assert round(BLOCK_W / MM, 6) == 156 and round(BLOCK_H / MM, 6) == 225
    assert LINES == 22 and round(CHAR_PITCH * 28 / MM, 6) == 156 and round(LINE_PITCH * 22 / MM, 6) == 225
    assert BODY_SIZE == 16 and TITLE_SIZE == 22 and SPACING < 0  # 28 characters of 16 pt in 156 mm


def test_every_line_sits_on_the_grid_inside_the_text_block(letter40: tuple[LetterContent, Rendered]) -> None:
    layout = letter40[1].layouts[0]
    assert layout.body_pages == 3
    for page in layout.pages[: layout.body_pages]:
        assert page.rows_used <= LINES
        rows = []
        for item in page.items:
            if item.kind in ("page_number", "code", "code_hint"):
                continue  # in the bottom margin by design
            rows.append(grid_row(item.y, item.size))
            assert LEFT_MARGIN - 0.01 <= item.x and item.x + item.width <= BLOCK_RIGHT + 0.01, item
        assert 0 <= min(rows) and max(rows) < LINES


def test_lines_are_28_characters_on_a_156_mm_measure(letter40: tuple[LetterContent, Rendered]) -> None:
    items = [i for p in letter40[1].layouts[0].pages for i in p.items if i.kind in BODY_KINDS]
    first_lines = [i for i in items if abs(i.x - (LEFT_MARGIN + 2 * CHAR_PITCH)) < 0.01]
    following = [i for i in items if abs(i.x - LEFT_MARGIN) < 0.01]
    assert len(first_lines) >= 8 and len(following) >= 10  # paragraphs indented two characters
    wide = [i for i in items if all(not c.isascii() for c in i.text)]  # Chinese only: one grid cell a character
    squeezed = [i for i in wide if len(i.text) == 29]
    assert all(i.text[-1] in "，。、；：）》”" and i.char_space < SPACING for i in squeezed)  # punctuation squeezed in
    assert wide and all(len(i.text) <= 28 for i in wide if i not in squeezed)
    full = [i for i in wide if len(i.text) == 28]
    assert full, "no line of 28 Chinese characters"
    for line in full:  # 28 characters at the grid pitch fill the measure exactly
        assert line.char_space == pytest.approx(SPACING, abs=1e-6)
        assert line.x + line.width == pytest.approx(BLOCK_RIGHT, abs=0.01)
    justified = [i for i in following if i.x + i.width > BLOCK_RIGHT - 0.01]
    assert len(justified) >= 5  # lines that are not a paragraph's last end on the right margin


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(letter40: tuple[LetterContent, Rendered]) -> None:
    items = [i for p in letter40[1].layouts[0].pages for i in p.items if i.kind in BODY_KINDS]
    assert not [i.text for i in items if i.text[0] in "，。、；：）》”〕"]
    assert not [i.text for i in items if i.text[-1] in "（《“〔"]


def test_title_number_and_signature_block(letter40: tuple[LetterContent, Rendered]) -> None:
    layout = letter40[1].layouts[0]
    first = layout.pages[0].items
    title = next(i for i in first if i.kind == "title")
    number = next(i for i in first if i.kind == "number")
    # 版头 first (GB/T 9704 7.2.4): the 发文字号 on the first line, the title on the fourth
    assert grid_row(number.y) == 0 and title.size == TITLE_SIZE and grid_row(title.y, TITLE_SIZE) == 3
    assert title.x + title.width / 2 == pytest.approx(LEFT_MARGIN + BLOCK_W / 2, abs=0.01)  # centred
    assert number.x + number.width / 2 == pytest.approx(LEFT_MARGIN + BLOCK_W / 2, abs=0.01)
    last = layout.pages[layout.body_pages - 1].items
    name = next(i for i in last if i.kind == "signature")
    date = next(i for i in last if i.kind == "date")
    assert date.text == "2026年11月24日" and name.text == "延吉市就业服务局"
    assert date.x + date.width == pytest.approx(BLOCK_RIGHT - 4 * CHAR_PITCH, abs=0.01)  # 右空四字
    assert name.x + name.width / 2 == pytest.approx(date.x + date.width / 2, abs=0.01)  # centred on the date
    assert grid_row(date.y) == grid_row(name.y) + 1
    text_rows = [grid_row(i.y) for i in last if i.kind in BODY_KINDS]
    assert len(text_rows) >= 2 and max(text_rows) < grid_row(name.y) - 2  # text above, room for the seal
    assert [i.kind for i in last if i.kind == "annex_note"], "the annex note goes with the signature"


def test_page_numbers(letter40: tuple[LetterContent, Rendered]) -> None:
    pages = letter40[1].layouts[0].pages
    for page in pages:
        number = next(i for i in page.items if i.kind == "page_number")
        assert number.text == f"— {page.number} —"
        if page.number % 2:
            assert number.x + number.width == pytest.approx(BLOCK_RIGHT - CHAR_PITCH, abs=0.01)
        else:
            assert number.x == pytest.approx(LEFT_MARGIN + CHAR_PITCH, abs=0.01)
        assert BLOCK_BOTTOM - number.y == pytest.approx(7 * MM + 0.3 * 14, abs=0.01)


def test_qr_code_in_the_bottom_margin_of_the_first_page(letter40: tuple[LetterContent, Rendered]) -> None:
    pages = letter40[1].layouts[0].pages
    assert pages[0].qr is not None and all(p.qr is None for p in pages[1:])
    x, y, size = pages[0].qr
    assert x == pytest.approx(LEFT_MARGIN) and y >= 5 * MM and y + size < BLOCK_BOTTOM
    code = next(i for i in pages[0].items if i.kind == "code")
    assert code.text == f"校验码：{format_code(letter40[0].verification_code())}"


# -- the geometry, as measured in the file ---------------------------------------------------------


def bbox_lines(pdf: bytes, tmp_path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(xml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    found = []
    for line in root.iterfind(".//h:line", ns):
        words = "".join(w.text or "" for w in line.iterfind("h:word", ns))
        found.append((float(line.get("xMin", 0)), float(line.get("yMin", 0)), float(line.get("xMax", 0)),
                      float(line.get("yMax", 0)), words))
    return found


@needs_poppler
def test_margins_and_line_pitch_measured_with_pdftotext(letter40: tuple[LetterContent, Rendered],
                                                        tmp_path: Path) -> None:
    lines = bbox_lines(letter40[1].pdf, tmp_path, 1)
    top, left, right, bottom = 37 * MM, 28 * MM, 184 * MM, (37 + 225) * MM  # from the page's top-left
    block = [line for line in lines if line[1] < bottom and "校验码" not in line[4]]
    assert len(block) <= 22
    assert min(line[1] for line in block) >= top  # nothing above the 37 mm top margin
    assert min(line[0] for line in block) == pytest.approx(left, abs=0.05)  # 28 mm left margin
    assert max(line[2] for line in block) <= right + 0.3 * MM  # 156 mm text block (the last glyph's ink)
    assert max(line[3] for line in block) <= bottom
    body = sorted(line for line in block if line[3] - line[1] == pytest.approx(BODY_SIZE, abs=0.01))
    tops = sorted({round(line[1], 3) for line in body})
    gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    assert min(gaps) == pytest.approx(LINE_PITCH, abs=0.01)  # 225/22 mm between lines
    assert all(abs(g / LINE_PITCH - round(g / LINE_PITCH)) < 0.001 for g in gaps)  # every line on the grid
    full = [line for line in block if len(line[4]) == 28]
    assert full and all(line[2] - line[0] == pytest.approx(BLOCK_W, abs=0.3 * MM) for line in full)
    margin = [line for line in lines if line[1] >= bottom]
    assert any(line[4] == "—1—" or line[4].replace(" ", "") == "—1—" for line in margin)


# -- pages -------------------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize(("workers", "annex_pages"), [(40, 2), (200, 9)])
def test_page_count_and_repeated_table_header(fonts: FontSet, tmp_path: Path, workers: int,
                                              annex_pages: int) -> None:
    content = sample_content(workers)
    rendered = render_letter(printed(content), fonts)
    layout = rendered.layouts[0]
    assert layout.body_pages == 3
    assert rendered.pages == layout.body_pages + annex_pages == len(layout.pages)
    for page in layout.pages[layout.body_pages:]:
        text = pdf_text(rendered.pdf, tmp_path, first=page.number, last=page.number)
        assert text.count("身份证号码") == 1 and f"— {page.number} —".replace(" ", "") in text.replace(" ", "")
        assert page.table_rows and min(page.table_rows) >= BLOCK_BOTTOM - 0.01
        assert max(page.table_rows) <= BLOCK_TOP + 0.01
    flat = pdf_text(rendered.pdf, tmp_path).replace("\n", "")
    assert f"合计：共{workers}人" in flat
    listed = [int(i.text) for p in layout.pages[layout.body_pages:] for i in p.items
              if i.kind == "table" and i.text.isdigit() and i.x < LEFT_MARGIN + 10 * MM]
    assert listed == list(range(1, workers + 1))  # each worker once, in order


def test_page_numbers_start_again_for_each_letter(fonts: FontSet) -> None:
    rendered = render_letters([printed(sample_content(3, seq=1)), printed(sample_content(3, seq=2))], fonts)
    assert [[p.number for p in layout.pages] for layout in rendered.layouts] == [[1, 2, 3, 4], [1, 2, 3, 4]]
    assert rendered.pages == 8


def test_a_short_letter_keeps_its_seal_with_text(fonts: FontSet) -> None:
    """Whatever the length, the signature page carries the annex note and text above it."""
    for workers in (1, 3, 9, 25):
        for extra in ("", "补充说明。" * 5, "补充说明。" * 14):
            base = sample_content(workers)
            content = replace(base, explanation=base.explanation + ((extra,) if extra else ()))
            layout = render_letter(printed(content), fonts).layouts[0]
            last = layout.pages[layout.body_pages - 1]
            kinds = [i.kind for i in last.items]
            assert "signature" in kinds and "date" in kinds and "annex_note" in kinds
            assert sum(k in ("body", "heading") for k in kinds) >= 1
            assert all(p.rows_used <= LINES for p in layout.pages[: layout.body_pages])


# -- marks and codes -------------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize(("mark", "word"), [(Mark.COPY, "副本"), (Mark.VOID, "作废"), (Mark.DRAFT, "样稿")])
def test_marks_on_every_page(fonts: FontSet, tmp_path: Path, mark: Mark, word: str) -> None:
    rendered = render_letter(printed(sample_content(30), mark, "第2次打印"), fonts)
    for page in range(1, rendered.pages + 1):
        assert word in pdf_text(rendered.pdf, tmp_path, first=page, last=page)
    original = render_letter(printed(sample_content(30)), fonts)
    assert word not in pdf_text(original.pdf, tmp_path)


@pytest.mark.skipif(shutil.which("zbarimg") is None or not POPPLER, reason="zbarimg (zbar-tools) is not installed")
def test_the_printed_qr_code_decodes_to_the_payload(letter40: tuple[LetterContent, Rendered], tmp_path: Path) -> None:
    content, rendered = letter40
    (tmp_path / "l.pdf").write_bytes(rendered.pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(tmp_path / "l.pdf"),
                    str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.png"))
    done = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == content.qr_payload()
    assert re.fullmatch(r"LX1\|延吉人社劳协确〔2026〕12号\|222401\|\w{18}\|40/400\|pass\|[0-9A-Z]{10}\|[0-9a-f]{16}",
                        done.stdout.strip())


def test_rendering_is_fast_enough_to_matter(fonts: FontSet) -> None:
    """Not the benchmark (bench/bench_letters.py): a guard against a 10× regression."""
    import time

    content = sample_content(40)
    render_letter(printed(content), fonts)
    started = time.perf_counter()
    for _ in range(5):
        render_letter(printed(replace(content, seq=content.seq + 1)), fonts)
    assert (time.perf_counter() - started) / 5 < 0.5


def test_the_offices_red_line_and_record_go_with_the_letter(fonts: FontSet, tmp_path: Path) -> None:
    """GB/T 9704: a red separator line 4 mm under the 发文字号, as wide as the text block, and the 版记
    (抄送, 印发机关 and date) on a last page after the annex, only where the office asked for them."""
    plain = render_letter(printed(sample_content(3)), fonts).layouts[0]
    assert all(not p.rules for p in plain.pages)
    content = replace(sample_content(3), red_line=True, copy_to="吉林省人力资源和社会保障厅",
                                  printer="延吉市就业服务局")
    rendered = render_letter(printed(content), fonts)
    layout = rendered.layouts[0]
    first = layout.pages[0]
    number = next(i for i in first.items if i.kind == "number")
    [(kind, y)] = first.rules
    assert kind == "red" and number.y - y == pytest.approx(0.12 * BODY_SIZE + 4 * MM)
    last = layout.pages[-1]
    assert len(layout.pages) == len(plain.pages) + 1 and [k for k, _ in last.rules] == ["record"] * 3
    assert {i.kind: i.text for i in last.items if i.kind.startswith("record")} == {
        "record_copy_to": "抄送：吉林省人力资源和社会保障厅。", "record_printer": "延吉市就业服务局",
        "record_date": "2026年11月24日印发"}
    assert min(y for _, y in last.rules) >= BLOCK_BOTTOM
