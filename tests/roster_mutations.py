"""Mutated roster files for the fuzz test and bench: :func:`mutant` turns a seed into one file.

Kinds (by ``seed % len(KINDS)``): byte flips and cuts of a sound .xlsx, a part of its ZIP
replaced or removed or doubled, sheet XML with extreme values (a date cell of -1e12, 1e308,
an error, an out-of-range shared string), giant cells (a million characters, the last column
and row), weird dates in every date column, formulas (cached or not, errors), CSV in many
encodings and shapes, and random bytes under a roster's name. Deterministic: the same seed
gives the same bytes, so a failure can be made again with ``mutant(seed)``.
"""

from __future__ import annotations

import codecs
import functools
import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


from tests.roster_factory import RosterSpec, build, workbook_of


@dataclass(frozen=True)
class Mutant:
    seed: int
    kind: str
    suffix: str
    data: bytes


def _workbook_bytes(grid: list[list[object]], *, date_columns: tuple[int, ...] = ()) -> bytes:
    def style(cell: Any, row: int, value: object) -> None:
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "f"
        if cell.column - 1 in date_columns and row > 1:
            cell.number_format = "yyyy-mm-dd"

    buffer = io.BytesIO()
    workbook_of(grid, style).save(buffer)
    return buffer.getvalue()


@functools.cache
def _base_grid() -> tuple[tuple[object, ...], ...]:
    built = build(RosterSpec(workers=12, headers="messy", title=True, closing=True, seed=4,
                             quirks={2: "numeric_id", 5: "bad_check", 7: "bad_date"}))
    return tuple(tuple(row) for row in built.grid)


def _grid() -> list[list[object]]:
    return [list(row) for row in _base_grid()]


@functools.cache
def good_xlsx() -> bytes:
    return _workbook_bytes(_grid())


@functools.cache
def good_csv() -> bytes:
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _grid():
        writer.writerow(["" if v is None else str(v) for v in row])
    return buffer.getvalue().encode("gb18030")


def _header_row() -> int:
    return next(i for i, row in enumerate(_base_grid()) if "编号" in row or "序号" in row)


def _rewrite_zip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None
                 ) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a doubled part is the point
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                content = change(item.filename, source.read(item.filename))
                if content is not None:
                    target.writestr(item.filename, content)
            for name, content in (extra or {}).items():
                target.writestr(name, content)
    return out.getvalue()


# --------------------------------------------------------------------------
# The kinds


def _flip(rng: random.Random) -> tuple[str, bytes]:
    data = bytearray(good_xlsx())
    for _ in range(rng.randint(1, 40)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return ".xlsx", bytes(data)


def _cut(rng: random.Random) -> tuple[str, bytes]:
    data = good_xlsx()
    return rng.choice([".xlsx", ".xls", ".xlsm"]), data[:rng.randrange(len(data))]


_PARTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
          "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "_rels/.rels", "docProps/app.xml")


def _zip_part(rng: random.Random) -> tuple[str, bytes]:
    part = rng.choice(_PARTS)
    how = rng.choice(["half-junk", "empty", "random", "remove", "double", "not-xml", "deep", "entities"])
    junk = rng.randbytes(rng.randrange(400))

    def change(name: str, content: bytes) -> bytes | None:
        if name != part:
            return content
        return {
            "half-junk": content[: len(content) // 2] + junk, "empty": b"", "random": junk, "remove": None,
            "double": content, "not-xml": "不是 XML".encode(), "deep": b"<a>" * 50_000 + b"</a>" * 50_000,
            "entities": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
                        b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x>&c;&c;&c;</x>',
        }[how]
    extra = {part: b"<x/>"} if how == "double" else None
    return ".xlsx", _rewrite_zip(good_xlsx(), change, extra)


_EXTREME_VALUES = ("-1e12", "1e12", "-1", "0", "2958466", "2958465.99999", "1e308", "-1e308", "4e-320", "NaN", "inf",
                   "1e999", "", " ", "0x10", "１２", "60", "-0")


def _sheet_xml(rng: random.Random) -> tuple[str, bytes]:
    """Cells rewritten in the sheet XML: extreme numbers in date-formatted cells, errors, bad types."""
    header = _header_row()
    grid = _grid()
    date_columns = tuple(c for c, v in enumerate(grid[header]) if isinstance(v, str) and ("日期" in v or "期限" in v))
    data = _workbook_bytes(grid, date_columns=date_columns or (7,))

    def change(name: str, content: bytes) -> bytes | None:
        if name != "xl/worksheets/sheet1.xml":
            return content
        text = content.decode("utf-8")
        cells = list(re.finditer(r'<c r="([A-Z]+)(\d+)"([^>]*)>(.*?)</c>', text))
        chosen = [m for m in cells if int(m.group(2)) > header + 1]
        for match in rng.sample(chosen, min(len(chosen), rng.randint(1, 6)))[::-1]:
            kind = rng.choice(["n", "n", "n", "e", "b", "s", "d", "str", "inlineStr", "zz"])
            value = rng.choice(_EXTREME_VALUES) if kind in ("n", "b") else {
                "e": rng.choice(["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "bogus"]),
                "s": str(rng.choice([-1, 10**9, 2**40, 0])),
                "d": rng.choice(["2026-02-30", "-999999-01-01T00:00:00", "garbage", "9999-12-31T23:59:59"]),
                "str": "x" * rng.choice([0, 10, 40_000]), "inlineStr": "", "zz": "1"}[kind]
            style = ' s="1"' if kind == "n" else ""
            body = f"<is><t>{value}</t></is>" if kind == "inlineStr" else f"<v>{value}</v>"
            new = f'<c r="{match.group(1)}{match.group(2)}" t="{kind}"{style}>{body}</c>'
            text = text[:match.start()] + new + text[match.end():]
        return text.encode("utf-8")
    return ".xlsx", _rewrite_zip(data, change)


def _giant(rng: random.Random) -> tuple[str, bytes]:
    grid = _grid()
    header = _header_row()
    row = rng.randrange(header + 1, len(grid))
    column = rng.randrange(len(grid[row]))
    size = rng.choice([32_767, 100_000, 1_000_000])
    grid[row][column] = rng.choice(["张", "1", "延吉市", "a b "]) * (size // 2)
    if rng.random() < 0.3:
        grid.append([""] * 200 + ["far right"])  # a wide sheet
    data = _workbook_bytes(grid)
    if rng.random() < 0.3:  # a cell on the last row and column Excel has
        def change(name: str, content: bytes) -> bytes | None:
            if name != "xl/worksheets/sheet1.xml":
                return content
            return content.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>end'
                                   b"</t></is></c></row></sheetData>")
        data = _rewrite_zip(data, change)
    return ".xlsx", data


_WEIRD_DATES: tuple[object, ...] = (
    "2026-02-30", "0000-00-00", "99999-1-1", "２０２６年１月１日", "1/1/1", "2026.13.45-2027.1.1", "长期-2026",
    "2026年", "19000101", "20261301", "-1", "1e12", -1e12, 1e12, -1.0, 0.0, 2958466.0, 1e308, "至今", "2026-1-1至",
    "—", "2026/1/1 - 2025/1/1", "1899-12-31", "公元前1年", "\u200b2026-01-01", "2026-01-01T25:61:61",
)


def _weird_dates(rng: random.Random) -> tuple[str, bytes]:
    grid = _grid()
    header = _header_row()
    columns = [c for c, v in enumerate(grid[header]) if isinstance(v, str) and ("日期" in v or "期限" in v
                                                                                 or "起止" in v or "时间" in v)]
    for row in grid[header + 1:]:
        for column in columns:
            if column < len(row) and rng.random() < 0.5:
                row[column] = rng.choice(_WEIRD_DATES)
    numeric = tuple(columns)
    if rng.random() < 0.5:
        return ".xlsx", _workbook_bytes(grid, date_columns=numeric)
    return ".csv", _csv_bytes(grid, rng.choice(["utf-8", "gb18030", "utf-8-sig"]))


_FORMULAS = ("=1/0", "=A1", "=B2+C2", '=REPT("x",32767)', "=NOW()", "=1+", "=SUM(A:A)", '=HYPERLINK("x","y")',
             "=cmd|' /C calc'!A0", "=#REF!", "=INDIRECT(\"Z99999\")")


def _formulas(rng: random.Random) -> tuple[str, bytes]:
    grid = _grid()
    header = _header_row()
    for row in grid[header + 1:]:
        for column in range(len(row)):
            if rng.random() < 0.15:
                row[column] = rng.choice(_FORMULAS)
    data = _workbook_bytes(grid)
    if rng.random() < 0.5:  # cached values, some of them errors
        def change(name: str, content: bytes) -> bytes | None:
            if name != "xl/worksheets/sheet1.xml":
                return content
            return re.sub(rb"(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?",
                          lambda m: m.group(1) + rng.choice([b"<v>#DIV/0!</v>", b"<v>-1e12</v>", b"<v>1</v>", b""]),
                          content)
        data = _rewrite_zip(data, change)
    return ".xlsx", data


_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "big5",
              "shift_jis", "latin-1", "cp1252")


def _csv_bytes(grid: list[list[object]], encoding: str, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grid:
        writer.writerow(["" if v is None else str(v) for v in row])
    return buffer.getvalue().encode(encoding, errors="replace")


def _csv(rng: random.Random) -> tuple[str, bytes]:
    grid = _grid()
    shape = rng.choice(["plain", "nul", "quotes", "lines", "wide", "huge-field", "one-column", "bom-mix", "flips"])
    encoding = rng.choice(_ENCODINGS)
    if shape == "wide":
        grid = [row + [f"c{i}" for i in range(rng.choice([300, 5000]))] for row in grid]
    if shape == "huge-field":
        grid[rng.randrange(1, len(grid))][1] = "王" * rng.choice([10_000, 1_000_000])
    data = _csv_bytes(grid, encoding, rng.choice([",", "\t", ";", "|", "，"]))
    if shape == "nul":
        at = rng.randrange(len(data))
        data = data[:at] + b"\x00" * rng.randint(1, 10) + data[at:]
    elif shape == "quotes":
        data = data.replace(b",", b',"', rng.randint(1, 20))
    elif shape == "lines":
        data = data.replace(b"\r\n", rng.choice([b"\r", b"\n", b"\r\r\n", b"\n\r", b"\x85", "\u2028".encode()]))
    elif shape == "one-column":
        data = data.replace(b",", b"")
    elif shape == "bom-mix":
        data = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32]) + data
    elif shape == "flips":
        changed = bytearray(good_csv())
        for _ in range(rng.randint(1, 30)):
            changed[rng.randrange(len(changed))] = rng.randrange(256)
        data = bytes(changed)
    return rng.choice([".csv", ".csv", ".txt", ".tsv"]), data


_MAGIC = (b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"<html>", b"\xff\xfe", b"%PDF-1.4")


def _random_bytes(rng: random.Random) -> tuple[str, bytes]:
    suffix = rng.choice([".xlsx", ".xls", ".csv", ".ods", ".txt", ".et", ".xlsm"])
    return suffix, rng.choice(_MAGIC) + rng.randbytes(rng.randrange(6000))


KINDS: dict[str, Callable[[random.Random], tuple[str, bytes]]] = {
    "xlsx-flip": _flip, "xlsx-cut": _cut, "zip-part": _zip_part, "sheet-xml": _sheet_xml, "giant-cell": _giant,
    "weird-dates": _weird_dates, "formulas": _formulas, "csv": _csv, "random-bytes": _random_bytes,
}
_KIND_NAMES = tuple(KINDS)


def mutant(seed: int) -> Mutant:
    kind = _KIND_NAMES[seed % len(_KIND_NAMES)]
    suffix, data = KINDS[kind](random.Random(seed))
    return Mutant(seed, kind, suffix, data)


__all__ = ["KINDS", "Mutant", "good_csv", "good_xlsx", "mutant"]
