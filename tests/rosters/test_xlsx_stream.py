"""The streaming .xlsx reader (for sheets too big for python-calamine's whole-sheet load) gives the
rows calamine gives: the same values, types, extent and merged ranges, on the sample files, on
generated quirky rosters and on cells crafted for each rule (dates near 1900, times, elapsed
times, errors, ISO date cells, escapes, rich text, shared strings)."""

from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from desktop.rosters import xlsx_stream
from desktop.rosters.reader import RosterFile
from tests.conftest import DATA
from tests.roster_factory import RosterSpec, build, write_big_xlsx, write_xlsx


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sheet of ``path`` read by calamine and by the stream: the same rows, size and merged cells."""
    monkeypatch.setattr(xlsx_stream, "STREAM_BYTES", 1 << 40)
    whole = RosterFile.open(path)
    loaded = [whole.sheet(info.name) for info in whole.sheets()]  # sheets load when first asked for
    monkeypatch.setattr(xlsx_stream, "STREAM_BYTES", 0)
    streamed = RosterFile.open(path)
    for a in loaded:
        b = streamed.sheet(a.name)
        assert a._stream is None and b._stream is not None
        assert (b.height, b.width, b.merged) == (a.height, a.width, a.merged)
        rows_a, rows_b = list(a.rows()), list(b.rows())
        assert len(rows_b) == len(rows_a)
        for number, (x, y) in enumerate(zip(rows_a, rows_b, strict=True), start=1):
            assert [type(v) for v in y] == [type(v) for v in x], f"row {number}"
            assert y == x, f"row {number}"
        assert b.head(3) == a.head(3)


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.xlsx")))
def test_the_sample_files_read_the_same(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    both_ways(DATA / name, monkeypatch)


SPECS = [
    RosterSpec(workers=60, seed=3, headers="messy", title=True, blank_every=7, closing=True, date_style="mixed",
               wage_text=True, quirks={3: "numeric_id", 5: "lower_x", 9: "bad_date", 11: "duplicate", 20: "no_name"}),
    RosterSpec(workers=40, seed=5, date_style="serial", quirks={2: "id_length", 4: "future_birth"}),
    RosterSpec(workers=40, seed=8, headers="messy", title=True, date_style="chinese"),
    RosterSpec(workers=30, seed=9, date_style="iso", blank_every=3),
]


@pytest.mark.parametrize("writer", [write_xlsx, write_big_xlsx], ids=["shared-strings", "inline-strings"])
@pytest.mark.parametrize("spec", SPECS, ids=[f"spec{i}" for i in range(len(SPECS))])
def test_generated_quirky_rosters_read_the_same(spec: RosterSpec, writer: object, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = writer(tmp_path / "roster.xlsx", build(spec))  # type: ignore[operator]
    both_ways(path, monkeypatch)


CRAFTED = (
    '<row r="2"><c r="B2" s="1"><v>0</v></c><c r="C2" s="1"><v>1.5</v></c><c r="D2" s="1"><v>59.5</v></c>'
    '<c r="E2" s="1"><v>60</v></c><c r="F2" s="1"><v>61.25</v></c><c r="G2" s="1"><v>45351.999999</v></c>'
    '<c r="H2" s="3"><v>0.0000123</v></c><c r="I2" s="3"><v>-1.5</v></c><c r="J2" s="2"><v>1.75</v></c>'
    '<c r="N2"><f>1+1</f><v>2</v></c><c r="O2" t="str"><f>A1</f><v>x&amp;y</v></c><c r="P2" s="1"><f>B2</f><v>45000</v></c></row>'
    '<row r="3"><c r="A3" t="e"><v>#DIV/0!</v></c><c r="B3" t="str"><v>abc</v></c>'
    '<c r="C3" t="d"><v>2024-02-29T10:00:00</v></c><c r="D3" t="d"><v>2024-02-29</v></c>'
    '<c r="E3" t="inlineStr"><is><t>x_x000D_y</t></is></c><c r="F3" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c>'
    '<c r="G3" t="b"><v>0</v></c><c r="H3" t="b"><v>1</v></c><c r="I3" t="inlineStr"><is><t></t></is></c>'
    '<c r="J3" s="4"><v>45000.5</v></c><c r="K3" s="5"><v>3</v></c><c r="L3" s="6"/></row>'
    '<row r="5"><c r="M5" t="inlineStr"><is><t xml:space="preserve"> 空格 </t></is></c></row>'
    '<row r="6"><c r="C6" t="str"><v></v></c></row><row r="12"></row>'
)


@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_crafted_cells_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, date1904: bool) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    formats = ["yyyy-mm-dd", "h:mm", "[h]:mm:ss", '[$-F800]dddd, mmmm dd, yyyy', '0.00"d"', "0%"]
    for column, number_format in enumerate(formats, start=1):  # styles 1..6 in that order
        cell = sheet.cell(1, column, column)
        cell.number_format = number_format
    sheet.merge_cells("A7:C8")
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(crafted, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                end = text.index("</row>") + len("</row>")  # after row 1, before the merged rows 7-8
                text = text[:end] + CRAFTED + text[end:]
                data = text.encode()
            elif info.filename == "xl/workbook.xml" and date1904:
                data = re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', data)
                assert b'date1904="1"' in data
            out.writestr(info, data)
    both_ways(crafted, monkeypatch)
    rows = list(RosterFile.open(crafted).sheet().rows())
    if not date1904:
        assert rows[1][1] == datetime.time(0, 0) and rows[1][4] == datetime.date(1900, 2, 28)  # what calamine gives


def test_only_a_big_sheet_streams(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", build(RosterSpec(workers=20)))
    size = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    monkeypatch.setattr(xlsx_stream, "STREAM_BYTES", size)
    assert RosterFile.open(path).sheet()._stream is None
    monkeypatch.setattr(xlsx_stream, "STREAM_BYTES", size - 1)
    assert RosterFile.open(path).sheet()._stream is not None


@pytest.mark.parametrize(("code", "kind"), [
    ("yyyy-mm-dd", xlsx_stream._DATE), ("yyyy年m月d日", xlsx_stream._DATE), ("h:mm AM/PM", xlsx_stream._DATE),
    ("[h]:mm:ss", xlsx_stream._ELAPSED), ("[mm]", xlsx_stream._ELAPSED), ("0.00", 0), ('0"天"', 0),
    ('"d"0', 0), ("\\d0", 0), ("[Red]0.00", 0), ("0;[Red]yyyy", 0), ("General", 0), ("#,##0*y", 0),
])
def test_format_kinds(code: str, kind: int) -> None:
    assert xlsx_stream.format_kind(code) == kind
