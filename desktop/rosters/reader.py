"""Open a roster file and hand its sheets over as rows of cell values.

python-calamine reads .xlsx, .xlsm, .xls and .ods (about ten times faster
than openpyxl); CSV is decoded as UTF-8 (with or without BOM), UTF-16 or
GB18030.  The file is read into memory once, so the SHA-256 recorded with an
import is the hash of exactly the bytes that were read.

Every failure is a :class:`desktop.core.roster.RosterError` with a Chinese
message: a missing or locked file, a password-protected workbook, a
truncated or corrupt one, an HTML page saved as ".xls", an unknown encoding.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import html
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final, Literal

import python_calamine

from desktop.core.oserrors import os_reason
from desktop.core.roster import Merged, RosterError
from desktop.rosters import xlsx_stream

FileKind = Literal["xlsx", "xls", "ods", "csv"]

_ZIP: Final = b"PK\x03\x04"
_CFB: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: .xls, or an encrypted .xlsx
_ENCRYPTED_STREAM: Final = "EncryptedPackage".encode("utf-16-le")
_SPREADSHEET_SUFFIXES: Final = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".et", ".ods"}
_TEXT_SUFFIXES: Final = {".csv", ".txt", ".tsv"}
MAX_FILE_BYTES: Final = 200 * 1024 * 1024

log = logging.getLogger(__name__)


def unreadable(exc: BaseException, path: object, *, sheet: str | None = None, row: int | None = None) -> RosterError:
    """The Chinese error for a file a reader could not read; the reader's own (English) words go to the log.

    Native readers fail with anything: python-calamine raises pyo3's
    ``PanicException`` (a BaseException) for, e.g., a date cell of -1e12.
    Only an interrupt, an exit, or a generator being closed passes through.
    """
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc
    log.warning("reading %s failed (sheet %s, row %s): %s: %s", path, sheet, row, type(exc).__name__, exc)
    if sheet is not None and row is not None:
        return RosterError("roster_cell_unreadable", path=path, sheet=sheet, row=row)
    return RosterError("roster_file_corrupt", path=path)


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool


@dataclass
class Sheet:
    """One worksheet: rows from sheet row 1 and column A, as python-calamine gives values.

    Cells are str ('' when empty), float, int, bool, datetime.date /
    datetime.datetime (real date cells), datetime.time or timedelta.
    """

    name: str
    height: int
    width: int
    merged: list[Merged] = field(default_factory=list)
    _calamine: Any = None
    _rows: list[list[object]] | None = None
    _col_offset: int = 0
    _row_offset: int = 0  # the sheet row (0-based) of the first row calamine gives
    path: object = None
    _stream: Callable[[], Iterator[list[object]]] | None = None  # a big .xlsx sheet read as it streams by

    def rows(self) -> Iterator[list[object]]:
        """Every row from sheet row 1 (index 0), each starting at column A."""
        if self._rows is not None:
            yield from self._rows
            return
        if self._stream is not None:
            try:
                yield from self._stream()
            except (RosterError, GeneratorExit):
                raise
            except BaseException as exc:  # noqa: BLE001 - a broken part deep in the file
                raise unreadable(exc, self.path or self.name) from exc
            return
        if self._calamine is None:
            return
        pad = [""] * self._col_offset
        index = self._row_offset
        try:
            for row in self._calamine.iter_rows():
                yield pad + row if pad else row
                index += 1
        except BaseException as exc:  # noqa: BLE001 - a broken cell deep in the file; pyo3 panics are BaseException
            raise unreadable(exc, self.path or self.name, sheet=self.name, row=index + 1) from exc

    def head(self, count: int) -> list[list[object]]:
        """The first ``count`` rows (for finding the header and for the wizard's preview)."""
        found: list[list[object]] = []
        for row in self.rows():
            if len(found) >= count:
                break
            found.append(row)
        return found


class RosterFile:
    """A roster file read into memory: its bytes, hash, kind and sheets."""

    def __init__(self, path: Path, data: bytes, kind: FileKind) -> None:
        self.path = path
        self.data = data
        self.kind = kind
        self.sha256 = hashlib.sha256(data).hexdigest()
        self._workbook: Any = None
        self._sheets: dict[str, Sheet] = {}
        self._infos: list[SheetInfo] | None = None
        self._csv_rows: list[list[object]] | None = None
        self.encoding = ""
        if kind == "csv":
            self._csv_rows, self.encoding = _read_csv(path, data)
        else:
            self._workbook = _calamine_workbook(path, data)

    @property
    def name(self) -> str:
        return self.path.name

    @classmethod
    def open(cls, path: Path | str) -> RosterFile:
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise RosterError("roster_file_format", path=path)
            data = path.read_bytes()
        except FileNotFoundError:
            raise RosterError("roster_file_missing", path=path) from None
        except IsADirectoryError:
            raise RosterError("roster_file_format", path=path) from None
        except OSError as exc:
            raise RosterError("roster_file_unreadable", path=path, detail=os_reason(exc)) from exc
        return cls(path, data, sniff_kind(path, data))

    # -- sheets -------------------------------------------------------------
    def sheets(self) -> list[SheetInfo]:
        """The worksheets, in workbook order (chart sheets left out)."""
        if self.kind == "csv":
            return [SheetInfo(self.path.stem or "CSV", True)]
        if self._infos is not None:
            return self._infos
        if self._workbook is None:
            self._workbook = _calamine_workbook(self.path, self.data)
        try:
            found = [
                SheetInfo(meta.name, meta.visible == python_calamine.SheetVisibleEnum.Visible)
                for meta in self._workbook.sheets_metadata
                if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
        except BaseException as exc:  # noqa: BLE001 - pyo3 panics are BaseException
            raise unreadable(exc, self.path) from exc
        if not found:
            raise RosterError("roster_no_sheets", path=self.path)
        self._infos = found
        return found

    def sheet(self, name: str | None = None) -> Sheet:
        """A sheet by name (None: the first visible one), loaded once."""
        infos = self.sheets()
        if name is None:
            visible = [s for s in infos if s.visible] or infos
            name = visible[0].name
        if name not in {s.name for s in infos}:
            raise RosterError("roster_sheet_not_found", sheet=name, sheets="、".join(s.name for s in infos))
        if name in self._sheets:
            return self._sheets[name]
        if self._csv_rows is not None:
            width = max((len(r) for r in self._csv_rows), default=0)
            sheet = Sheet(name, len(self._csv_rows), width, [], None, self._csv_rows)
        else:
            sheet = self._load(name)
        self._sheets[name] = sheet
        return sheet

    def _load(self, name: str) -> Sheet:
        if self.kind == "xlsx":
            streamed = self._streamed(name)
            if streamed is not None:
                # It reads our bytes itself: let go of calamine's copy of them (~100 MB for an 82 MB file).
                self._release_workbook()
                return streamed
        if self._workbook is None:  # closed: read again from the bytes we hold
            self._workbook = _calamine_workbook(self.path, self.data)
        if self.kind == "xlsx":
            extent = xlsx_extent(self.data, name)
            if extent is not None and extent[0] * extent[1] > MAX_CELLS:
                raise RosterError("roster_sheet_too_large", path=self.path, sheet=name, rows=extent[0],
                                  columns=extent[1])
        try:
            raw = self._workbook.get_sheet_by_name(name)
            start, end = raw.start, raw.end
            merged = _merged_ranges(raw)
        except BaseException as exc:  # noqa: BLE001 - pyo3 panics are BaseException
            raise unreadable(exc, self.path, sheet=name) from exc
        if start is None or end is None:
            return Sheet(name, 0, 0, merged)
        return Sheet(name, end[0] + 1, end[1] + 1, merged, raw, None, start[1], start[0], self.path)

    def _streamed(self, name: str) -> Sheet | None:
        """The sheet read row by row from its XML (xlsx_stream) when the XML is too big for calamine's
        whole-sheet load; None for the usual sheet (or one whose cells do not all name their place)."""
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                part = _sheet_part(archive, name)
                if part is None or archive.getinfo(part).file_size <= xlsx_stream.STREAM_BYTES:
                    return None
                with archive.open(part) as handle:
                    extent = xlsx_stream.scan(handle)
                names = set(archive.namelist())
                styles = xlsx_stream.date_formats(archive.read("xl/styles.xml") if "xl/styles.xml" in names else b"")
                is_1904 = xlsx_stream.is_1904(archive)
        except Exception:  # noqa: BLE001 - a damaged archive: calamine reports it in its own way
            return None
        if not extent.complete:
            return None
        if extent.rows * extent.columns > MAX_CELLS:
            raise RosterError("roster_sheet_too_large", path=self.path, sheet=name, rows=extent.rows,
                              columns=extent.columns)
        data = self.data

        def stream() -> Iterator[list[object]]:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                shared = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None
                with archive.open(shared) if shared else contextlib.nullcontext() as handle:
                    strings = xlsx_stream.shared_strings(handle)
                with archive.open(part) as handle:
                    yield from xlsx_stream.rows(handle, extent, strings, styles, is_1904)

        return Sheet(name, extent.rows, extent.columns, extent.merged, path=self.path, _stream=stream)

    def close(self) -> None:
        """Let go of the loaded sheets (a 100,000-row sheet holds ~100 MB); the bytes stay, to reopen."""
        self._release_workbook()
        self._sheets.clear()

    def _release_workbook(self) -> None:
        if self._workbook is not None:
            try:
                self._workbook.close()
            except Exception:  # noqa: BLE001, S110 - closing twice is harmless
                pass
            self._workbook = None


# python-calamine holds every cell of a sheet's extent (about 32 bytes each) and aborts the whole
# process when that cannot be allocated: one cell in XFD1048576 asks for 512 GiB.
MAX_CELLS: Final = 30_000_000
_ROW_REF: Final = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_WIDE_CELL_REF: Final = re.compile(rb'r="([A-Z]{2,3})\d')  # a cell in column AA or beyond (a quick pattern)
_SHEET_TAG: Final = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_RELATION_TAG: Final = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTRIBUTE: Final = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')


def xlsx_extent(data: bytes, sheet: str) -> tuple[int, int] | None:
    """(last row, last column) that a cell of ``sheet`` names, read from its XML as it streams by;
    None when the part is not found (the reader then says what is wrong with the file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return None
            rows = columns = 0
            tail = b""
            with archive.open(part) as handle:
                for block in _read_ahead(handle):
                    text = tail + block
                    found = _ROW_REF.findall(text)
                    if found:
                        rows = max(rows, max(map(int, found)))
                    for letters in _WIDE_CELL_REF.findall(text):
                        columns = max(columns, xlsx_stream.column_number(letters))
                    tail = text[-256:]
            return rows, max(columns, 26)
    except Exception:  # noqa: BLE001 - a damaged archive: calamine reports it in its own way
        return None


def _read_ahead(handle: IO[bytes], size: int = 1 << 22) -> Iterator[bytes]:
    """The blocks of a zip member, each inflated on a thread while the one before is scanned.

    zlib (inflating, and the CRC) lets go of the interpreter lock, so on a
    second core the inflating of a 67 MB sheet (~0.08 s at 100,000 rows) runs
    beside the regex scan (~0.08 s) instead of before it.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="xlsx-extent") as pool:
        pending = pool.submit(handle.read, size)
        while block := pending.result():
            pending = pool.submit(handle.read, size)
            yield block


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    relations = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    rid = None
    for match in _SHEET_TAG.finditer(workbook):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if html.unescape(attributes.get("name", "")) == sheet:
            rid = next((v for k, v in attributes.items() if k.endswith(":id")), None)
            break
    for match in _RELATION_TAG.finditer(relations):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if rid is not None and attributes.get("Id") == rid:
            target = attributes.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _merged_ranges(raw: Any) -> list[Merged]:
    try:
        ranges = raw.merged_cell_ranges
    except Exception:  # noqa: BLE001 - not every format knows merged cells
        return []
    if not ranges:
        return []
    return [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in ranges]


def sniff_kind(path: Path, data: bytes) -> FileKind:
    """The format by content first (a renamed file is common), the name second."""
    suffix = path.suffix.lower()
    if not data:
        raise RosterError("roster_file_empty", path=path)
    if data.startswith(_CFB):
        # Excel and WPS save a password-protected .xlsx as an OLE container
        # holding EncryptionInfo and EncryptedPackage streams; an old .xls is
        # an OLE container too (told apart by trying it, see _calamine_workbook).
        if _ENCRYPTED_STREAM in data:
            raise RosterError("roster_file_encrypted", path=path)
        return "xls"
    if data.startswith(_ZIP):
        return "ods" if suffix == ".ods" else "xlsx"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        raise RosterError("roster_file_html", path=path)
    if suffix in _TEXT_SUFFIXES:
        return "csv"
    if suffix in _SPREADSHEET_SUFFIXES:
        raise RosterError("roster_file_corrupt", path=path)
    raise RosterError("roster_file_format", path=path)


def _calamine_workbook(path: Path, data: bytes) -> Any:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        workbook.sheets_metadata  # noqa: B018 - fail here, not later, on a broken workbook
        return workbook
    except python_calamine.PasswordError as exc:
        raise RosterError("roster_file_encrypted", path=path) from exc
    except BaseException as exc:  # noqa: BLE001 - pyo3 panics are BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise RosterError("roster_file_encrypted", path=path) from exc
        if data.startswith(_CFB) and path.suffix.lower() in {".xlsx", ".xlsm", ".xltx", ".xltm"}:
            # An OLE container named .xlsx that is no readable .xls: how an
            # encrypted workbook looks when its stream names are not found.
            raise RosterError("roster_file_encrypted", path=path) from exc
        raise unreadable(exc, path) from exc


# --------------------------------------------------------------------------
# CSV

_ENCODINGS: Final = ("utf-8", "gb18030")


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM decides; else strict UTF-8, then GB18030."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise RosterError("roster_csv_encoding", path=path) from None
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise RosterError("roster_csv_encoding", path=path)


def _read_csv(path: Path, data: bytes) -> tuple[list[list[object]], str]:
    text, encoding = decode_text(path, data)
    if "\x00" in text:
        raise RosterError("roster_csv_encoding", path=path)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    try:
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise unreadable(exc, path) from exc
    return rows, encoding

