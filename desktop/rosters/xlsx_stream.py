"""A big .xlsx sheet read as its XML streams by, one row at a time, in the values python-calamine gives.

python-calamine has no lazy reader: it builds every cell of a sheet before the
first row (about 850 MB for a 1,000,000-row roster).  For a sheet whose XML is
too big for that (:data:`STREAM_BYTES` uncompressed), the rows come from the
zip member in blocks of whole rows, each row's cells picked out by one regular
expression (XML references, line ends and ``_xHHHH_`` escapes resolved as an
XML parser and calamine do), so memory holds the shared strings and a block.  Small sheets keep
calamine's speed (desktop.rosters.reader chooses).

The values follow calamine's rules (tests/rosters/test_xlsx_stream.py reads the
same files both ways): numbers as float; a number in a date format (built-in
14-22, 45, 47 or a custom format with d/m/y/h/s outside quotes and brackets)
as a date when whole, a time below 1, a datetime otherwise; an elapsed format
([h], [mm], [ss]) as a timedelta; 1900's false leap day as Excel counts it;
milliseconds rounded; ``_xHHHH_`` escapes decoded; errors as ''.  Every row
runs from column A to the sheet's last column, from sheet row 1 to the last
row with a value, found by a first pass over the XML (:func:`scan`).
"""

from __future__ import annotations

import datetime
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Final
from xml.etree.ElementTree import iterparse

STREAM_BYTES: Final = 256 * 1024 * 1024  # a sheet's XML above this streams (100,000 roster rows: ~70 MB)

_MERGE: Final = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_NAMED_ROW: Final = re.compile(rb'<row [^>]*?\br="')
_ESCAPE: Final = re.compile(r"_x([0-9A-Fa-f]{4})_")
# A cell: its column letters and row, its other attributes ('/' last when self-closing), and its value
# when plain: <v> text, <is><t> text, and the closing tag right after.
_CELL: Final = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>]*)>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>)?(</c>)?')
_IS: Final = re.compile(r"<is>(.*?)</is>", re.S)
_SI: Final = re.compile(r"<si>(.*?)</si>", re.S)
_T: Final = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_PHONETIC: Final = re.compile(r"<rPh\b.*?</rPh>", re.S)
_DATE, _ELAPSED = 1, 2
_EPOCH: Final = datetime.datetime(1899, 12, 30)
_EARLY_EPOCH: Final = datetime.datetime(1899, 12, 31)  # before 1900-03-01: Excel counts a 29 February 1900


@dataclass
class Extent:
    """What a first pass over a sheet's XML found: the last row and column with a value, merged ranges."""

    rows: int = 0
    columns: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    complete: bool = True  # every cell named its place (r="B7"); else the sheet cannot be streamed


def column_number(letters: bytes | str) -> int:
    """1-based: A -> 1, AA -> 27."""
    number = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        number = number * 26 + ch - 64
    return number


def scan(handle: IO[bytes], block: int = 1 << 22) -> Extent:
    """The extent of the sheet whose XML ``handle`` reads: its last row and column with a value (a cell
    that is not self-closing), found from the last such cell of each row (rows and their cells come
    in order, as every writer saves them); plain byte searches, about 1 s per 100 MB."""
    found = Extent()
    tail = b""
    widest = b""
    for chunk in iter(lambda: handle.read(block), b""):
        text = tail + chunk
        cut = text.rfind(b"</row>")
        if cut < 0:
            tail = text
            continue
        text, tail = text[:cut], text[cut:]
        if (text.count(b'<c r="') != text.count(b"<c ") + text.count(b"<c>") or b':c r="' in text
                or len(_NAMED_ROW.findall(text)) != text.count(b"<row ") + text.count(b"<row>")):
            found.complete = False  # a cell without its place named, or prefixed tags: calamine reads it
        for row in text.split(b"</row>"):
            ref = _last_valued(row)
            if ref is not None:
                letters, number = ref
                found.rows = max(found.rows, number)
                if (len(letters), letters) > (len(widest), widest):
                    widest = letters
        if b"mergeCell" in text:
            found.merged.extend(_merged(text))
    if b"mergeCell" in tail:
        found.merged.extend(_merged(tail))
    found.columns = column_number(widest) if widest else 0
    return found


def _last_valued(row: bytes) -> tuple[bytes, int] | None:
    """(column letters, row number) of a row's last cell with a value."""
    at = row.rfind(b'<c r="')
    while at >= 0:
        end = row.find(b">", at)
        if row[end - 1] != 0x2F:  # not "/>"
            quote = row.find(b'"', at + 6)
            ref = row[at + 6:quote]
            digits = len(ref.rstrip(b"0123456789"))
            return ref[:digits], int(ref[digits:])
        at = row.rfind(b'<c r="', 0, at)
    return None


def _merged(text: bytes) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    found = []
    for a, r0, b, r1 in _MERGE.findall(text):
        first = (int(r0) - 1, column_number(a) - 1)
        found.append((first, (int(r1) - 1, column_number(b) - 1) if b else first))
    return found


def date_formats(styles: bytes) -> list[int]:
    """For each cell style (cellXfs), _DATE, _ELAPSED or 0, from its number format."""
    custom: dict[str, str] = {}
    kinds: list[int] = []
    if not styles:
        return kinds
    depth_xfs = False
    for event, element in iterparse(_Bytes(styles), events=("start", "end")):
        name = element.tag.rpartition("}")[2]
        if event == "start":
            if name == "cellXfs":
                depth_xfs = True
            continue
        if name == "numFmt":
            custom[element.get("numFmtId", "")] = element.get("formatCode", "")
        elif name == "xf" and depth_xfs:
            number = element.get("numFmtId", "0")
            kinds.append(format_kind(custom[number]) if number in custom else _builtin_kind(number))
        elif name == "cellXfs":
            depth_xfs = False
    return kinds


def _builtin_kind(number: str) -> int:
    if number in ("14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "47"):
        return _DATE
    return _ELAPSED if number == "46" else 0


def format_kind(code: str) -> int:
    """A number format code's kind: a date (d, m, y, h, s outside quotes and brackets), elapsed time
    ([h], [mm], [ss]) or neither; only the first section (before ';') counts, as in calamine."""
    literal = quoted = elapsed = after_a = False
    brackets = 0
    before = " "
    for ch in code:
        if literal:
            literal = False
        elif ch in "_\\*":
            literal = True  # the next character is shown (or fills), never a token
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return 0
        elif ch == "[":
            brackets += 1
        elif ch == "]":
            if brackets == 1 and elapsed:
                return _ELAPSED
            brackets = max(brackets - 1, 0)
        elif brackets == 0 and not after_a and ch in "aA":
            after_a = True
        elif brackets == 0 and after_a and ch in "pm/PM":
            return _DATE
        elif brackets == 0 and not after_a and ch in "dmhysDMHYS":
            return _DATE
        elif not (elapsed and ch.lower() == before.lower()):
            elapsed = before == "[" and ch in "mhsMHS"
        before = ch
    return 0


def excel_date(value: float, kind: int, is_1904: bool) -> object:
    """A number in a date format as calamine gives it: date, time (below 1), datetime or timedelta."""
    if kind == _ELAPSED:
        return datetime.timedelta(milliseconds=round(value * 86_400_000))
    days = value + 1462 if is_1904 else value
    try:
        moment = (_EPOCH if days >= 60 else _EARLY_EPOCH) + datetime.timedelta(milliseconds=round(days * 86_400_000))
    except OverflowError:
        return value
    if 0 <= value < 1:
        return moment.time()
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date()
    return moment


def _unescape(text: str) -> str:
    """Character data as an XML parser gives it (line ends normalised, references resolved), then
    Excel's ``_xHHHH_`` escapes decoded."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in text:
        text = html.unescape(text)
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text(inner: str) -> str:
    """The text of an <si> or <is>: its <t>, or its runs' <t> (phonetic runs left out)."""
    if "<rPh" in inner:
        inner = _PHONETIC.sub("", inner)
    if inner.startswith("<t>") and inner.endswith("</t>") and inner.count("<t") == 1:
        return _unescape(inner[3:-4])
    return _unescape("".join(_T.findall(inner)))


def shared_strings(handle: IO[bytes] | None) -> list[str]:
    if handle is None:
        return []
    return [_text(inner) for text in _blocks(handle, b"</si>") for inner in _SI.findall(text)]


def _blocks(handle: IO[bytes], end: bytes, size: int = 1 << 22) -> Iterator[str]:
    """The XML in blocks of whole elements (each cut after an ``end`` tag), decoded."""
    tail = b""
    for chunk in iter(lambda: handle.read(size), b""):
        text = tail + chunk
        cut = text.rfind(end)
        if cut < 0:
            tail = text
            continue
        cut += len(end)
        yield text[:cut].decode("utf-8")
        tail = text[cut:]
    if tail:
        yield tail.decode("utf-8")


def _iso_date(text: str) -> object:
    try:
        moment = datetime.datetime.fromisoformat(text.rstrip("Z"))
    except ValueError:
        return text
    return moment.date() if len(text) <= 10 else moment


def rows(handle: IO[bytes], extent: Extent, strings: list[str], styles: list[int], is_1904: bool) -> Iterator[list[object]]:
    """Every row from sheet row 1 to the last with a value, each from column A to the last column.

    One regular expression picks out each cell (``<c r="`` starts one and never occurs inside text,
    where '<' is escaped) with its value when the value is plain (<v>…</v> or <is><t>…</t></is>);
    anything else (a formula, rich text) is read from the cell's own XML. A cell's place names its
    row, so row elements need no reading (:func:`scan` made sure every cell names its place)."""
    width, height = extent.columns, extent.rows
    index = 0  # the next sheet row (0-based) to give
    cells: list[object] = []
    number = ""  # the sheet row of ``cells``, as written
    columns: dict[str, int] = {}
    kinds: dict[str, str | int] = {}  # a cell's other attributes -> its type, or a number format's kind
    for text in _blocks(handle, b"</row>"):
        for match in _CELL.finditer(text):
            letters, row, attributes, v, t, closed = match.groups()
            if row != number:
                if number:
                    yield cells
                    index = int(number)
                at = int(row) - 1
                if at >= height:
                    return
                while index < at:
                    yield [""] * width
                    index += 1
                number, cells = row, [""] * width
            if attributes.endswith("/"):
                continue  # <c r="B2" s="3"/>: a styled empty cell
            column = columns.get(letters)
            if column is None:
                column = columns[letters] = column_number(letters) - 1
            if column >= width:
                continue
            kind = kinds.get(attributes)
            if kind is None:
                kind = kinds[attributes] = _kind(attributes, styles)
            if closed is None:  # not a plain value: read the cell's XML
                end = match.end()
                inner = text[end:text.find("</c>", end)]
                if inner:
                    cells[column] = _value(kind, inner, strings, is_1904)
            elif t is not None and kind == "inlineStr":
                cells[column] = _unescape(t) if "&" in t or "_x" in t or "\r" in t else t
            elif v:
                cells[column] = _plain(kind, v, strings, is_1904)
    if number:
        yield cells
        index = int(number)
    while index < height:
        yield [""] * width
        index += 1


def _attribute(attributes: str, name: str) -> str | None:
    at = attributes.find(name)
    if at < 0:
        return None
    at += len(name)
    return attributes[at:attributes.index('"', at)]


def _kind(attributes: str, styles: list[int]) -> str | int:
    """A cell's type (t), or for a number the kind of its style's format (0: a plain number)."""
    kind = _attribute(attributes, ' t="') or "n"
    if kind != "n":
        return kind
    style = _attribute(attributes, ' s="')
    s = int(style) if style else 0
    return styles[s] if s < len(styles) else 0


def _value(kind: str | int, inner: str, strings: list[str], is_1904: bool) -> object:
    if kind == "inlineStr":
        found = _IS.search(inner)
        return "" if found is None else _text(found.group(1))
    start = inner.find("<v>")
    text = "" if start < 0 else inner[start + 3:inner.index("</v>", start)]
    return _plain(kind, text, strings, is_1904) if text else ""


def _plain(kind: str | int, text: str, strings: list[str], is_1904: bool) -> object:
    """A cell's <v> text as its type (``kind``) makes it."""
    if isinstance(kind, int):
        number = float(text)
        return excel_date(number, kind, is_1904) if kind else number
    if kind == "s":
        return strings[int(text)]
    if kind == "str":
        return _unescape(text)
    if kind == "b":
        return text == "1"
    if kind == "d":
        return _iso_date(text)
    return ""  # an error (#DIV/0!, #N/A …): calamine gives it as an empty cell


class _Bytes:
    """A bytes object as the file iterparse reads."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at:end], end
        return chunk


def is_1904(archive: zipfile.ZipFile) -> bool:
    text = archive.read("xl/workbook.xml")
    found = re.search(rb'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(\w+)"', text)
    return bool(found) and found.group(1).lower() in (b"1", b"true")  # type: ignore[union-attr]
