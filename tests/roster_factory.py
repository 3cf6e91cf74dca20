"""Our own generator of rosters with chosen quirks, and what the importer must find in them.

A :class:`RosterSpec` says how many workers, which header style, whether a
title and a 填报单位 line sit above the header, blank and closing rows, the
date style, and per worker a quirk (an ID saved as a number, a wrong check
digit, a 15-digit number, …).  :func:`build` turns it into a grid of cell
values plus, for every data row, the sheet row, the status and the problem
codes expected; :func:`write_xlsx` / :func:`write_csv` write it out.

Everything is synthetic: valid check characters and real Jilin area codes,
names drawn from common characters, nobody on record.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import struct
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any, Literal

import openpyxl

from desktop.core.identifiers import id_check_char

TEMPLATE_HEADERS = ("序号", "姓名", "性别", "公民身份号码", "户籍地", "重点群体类别", "合同类型", "合同始期",
                    "合同终期", "岗位", "月工资（元）", "是否参加社会保险", "联系电话")
MESSY_HEADERS = ("编号", "职工姓名", "性别", "身份证号码", "户籍所在地", "人员类别", "合同起止日期", "岗位",
                 "月收入", "参保情况", "手机号码")

PAIRED = (("222401", "延吉市"), ("222403", "吉林省延边州敦化市"), ("222424", "汪清县"), ("220882", "大安市"),
          ("220821", "镇赉县"), ("220622", "靖宇县"), ("222426", "安图县"))
OTHER = (("220184", "公主岭市"), ("220102", "长春市南关区"), ("220322", "梨树县"))
GROUPS = ("", "", "", "脱贫人口", "就业困难人员", "登记失业人员", "离校未就业高校毕业生")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶金朴崔"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍鹏辉玲建国春梅海燕东雪红波宇浩然哲瑞成龙凤鑫博文颖"

Quirk = Literal[
    "ok", "numeric_id", "bad_check", "lower_x", "fullwidth", "id15", "future_birth", "duplicate", "no_name",
    "no_id", "unknown_hukou", "end_before_start", "open_ended", "sex_mismatch", "under_16", "low_wage",
    "bad_date", "id_length",
]
QUIRKS: tuple[Quirk, ...] = (
    "ok", "numeric_id", "bad_check", "lower_x", "fullwidth", "id15", "future_birth", "duplicate", "no_name",
    "no_id", "unknown_hukou", "end_before_start", "open_ended", "sex_mismatch", "under_16", "low_wage",
    "bad_date", "id_length",
)
# What each quirk must produce: the row's status and the problem codes (errors and warnings).
EXPECTED: dict[str, tuple[str, frozenset[str]]] = {
    "ok": ("valid", frozenset()),
    "numeric_id": ("invalid", frozenset({"id_stored_as_number"})),
    "bad_check": ("invalid", frozenset({"id_checksum"})),
    "lower_x": ("valid", frozenset()),
    "fullwidth": ("valid", frozenset()),
    "id15": ("valid", frozenset()),
    "future_birth": ("invalid", frozenset({"id_birth_date"})),
    "duplicate": ("duplicate", frozenset({"duplicate_in_roster"})),
    "no_name": ("invalid", frozenset({"name_empty"})),
    "no_id": ("invalid", frozenset({"id_empty"})),
    "unknown_hukou": ("invalid", frozenset({"hukou_unknown"})),
    "end_before_start": ("invalid", frozenset({"contract_end_before_start"})),
    "open_ended": ("valid", frozenset()),
    "sex_mismatch": ("valid", frozenset({"sex_mismatch"})),
    "under_16": ("valid", frozenset({"under_16"})),
    "low_wage": ("valid", frozenset({"wage_below_minimum"})),
    "bad_date": ("invalid", frozenset({"date_unreadable", "contract_term_unreadable"})),
    "id_length": ("invalid", frozenset({"id_length"})),
}

DateStyle = Literal["date", "dotted", "slash", "chinese", "serial", "iso", "mixed"]
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass
class RosterSpec:
    workers: int = 30
    seed: int = 1
    headers: Literal["template", "messy"] = "template"
    title: bool = False  # a merged title row and a 填报单位 line above the header
    blank_every: int = 0  # a blank row after every n workers
    closing: bool = False  # 合计 and 填表人 rows at the end
    date_style: DateStyle = "date"
    wage_text: bool = False  # "2,800" instead of 2800
    quirks: dict[int, Quirk] = field(default_factory=dict)  # worker index -> quirk
    today: datetime.date = datetime.date(2026, 11, 1)


@dataclass(frozen=True)
class ExpectedRow:
    sheet_row: int
    status: str
    codes: frozenset[str]  # a row with a quirk has at least these; "ok" rows have none
    id_number: str | None  # the normalised number when valid or duplicate
    quirk: str


@dataclass
class BuiltRoster:
    grid: list[list[object]]
    merged: list[str]
    header_row: int  # 1-based
    expected: list[ExpectedRow]
    spec: RosterSpec


def _id(rng: random.Random, area: str, born: datetime.date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def _date_cell(day: datetime.date, style: DateStyle, rng: random.Random) -> object:
    if style == "mixed":
        style = rng.choice(("date", "dotted", "slash", "chinese", "serial", "iso"))
    if style == "date":
        return day
    if style == "dotted":
        return f"{day.year}.{day.month}.{day.day}"
    if style == "slash":
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    if style == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "serial":
        return float((day - EXCEL_EPOCH).days)
    return day.isoformat()


def _text_date(day: datetime.date, style: DateStyle) -> str:
    if style in ("chinese",):
        return f"{day.year}年{day.month}月{day.day}日"
    if style in ("slash",):
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    return f"{day.year}.{day.month:02d}.{day.day:02d}"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def build(spec: RosterSpec) -> BuiltRoster:
    rng = random.Random(spec.seed)
    headers = TEMPLATE_HEADERS if spec.headers == "template" else MESSY_HEADERS
    width = len(headers)
    grid: list[list[object]] = []
    merged: list[str] = []
    if spec.title:
        grid.append(["劳务协作地区就业人员名册"] + [""] * (width - 1))
        merged.append(f"A1:{chr(64 + width)}1")
        grid.append(["填报单位（盖章）："] + [""] * (width - 3) + ["填报日期：", "2026年11月"])
    grid.append(list(headers))
    header_row = len(grid)
    expected: list[ExpectedRow] = []
    seen: list[str] = []
    used: set[str] = set()
    for index in range(spec.workers):
        quirk: Quirk = spec.quirks.get(index, "ok")
        if quirk == "duplicate" and not seen:
            quirk = "ok"
        area, hukou = rng.choice(PAIRED if rng.random() < 0.8 else OTHER)
        male = rng.random() < 0.5
        born = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 35))
        if quirk == "under_16":
            born = spec.today - datetime.timedelta(days=365 * 15)
        if quirk == "id15":
            born = datetime.date(1960 + rng.randrange(39), rng.randrange(1, 13), rng.randrange(1, 29))
        number = _id(rng, area, born, male)
        while number in used:
            number = _id(rng, area, born, male)
        used.add(number)
        id_cell: object = number
        valid_id: str | None = number
        if quirk == "numeric_id":
            id_cell, valid_id = float(number[:17] + ("0" if number[17] == "X" else number[17])), None
        elif quirk == "bad_check":
            wrong = "0" if number[17] != "0" else "1"
            id_cell, valid_id = number[:17] + wrong, None
        elif quirk == "lower_x":
            first17 = number[:17]
            while id_check_char(first17) != "X":
                first17 = first17[:14] + f"{(int(first17[14:]) + 2) % 1000:03d}"
            number = valid_id = first17 + "X"
            id_cell = first17 + "x"
        elif quirk == "fullwidth":
            id_cell = " " + _fullwidth(number[:6]) + " " + _fullwidth(number[6:]) + "\u3000"
        elif quirk == "id15":
            id_cell = number[:6] + number[8:17]
            first17 = number[:6] + "19" + number[8:17]
            number = valid_id = first17 + id_check_char(first17)
        elif quirk == "future_birth":
            id_cell = number[:6] + "2099" + number[10:]
            valid_id = None
        elif quirk == "duplicate":
            id_cell = valid_id = number = rng.choice(seen)
        elif quirk == "no_id":
            id_cell, valid_id = "", None
        elif quirk == "id_length":
            id_cell, valid_id = number[:16], None
        if valid_id is not None and quirk != "duplicate":
            seen.append(valid_id)

        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if quirk == "no_name":
            name = ""
        sex = "男" if male else "女"
        if quirk in ("lower_x", "id15"):
            sex = "男" if int(number[16]) % 2 else "女"
        if quirk == "sex_mismatch":
            sex = "女" if int(number[16]) % 2 else "男"
        if quirk == "duplicate":
            sex = "男" if int(number[16]) % 2 else "女"
        if quirk == "unknown_hukou":
            hukou = "火星基地"
        start = spec.today - datetime.timedelta(days=rng.randrange(30, 700))
        end: datetime.date | None = start + datetime.timedelta(days=rng.choice((365, 730, 1095)) - 1)
        contract = "固定期限"
        if quirk == "open_ended":
            end, contract = None, "无固定期限"
        if quirk == "end_before_start":
            end = start - datetime.timedelta(days=30)
        wage = 1500 if quirk == "low_wage" else rng.choice((2300, 2800, 3100, 3800))
        group = rng.choice(GROUPS)

        if spec.headers == "template":
            start_cell: object = _date_cell(start, spec.date_style, rng)
            end_cell: object = _date_cell(end, spec.date_style, rng) if end else ""
            if quirk == "bad_date":
                start_cell = "去年春天"
            row: list[object] = [
                index + 1, name, sex, id_cell, hukou, group, contract, start_cell, end_cell, "操作工",
                f"{wage:,}" if spec.wage_text else wage, "是", f"13{rng.randrange(10**9):09d}",
            ]
        else:
            style = spec.date_style if spec.date_style in ("chinese", "slash") else "dotted"
            term = f"{_text_date(start, style)}-{_text_date(end, style) if end else '长期'}"
            if quirk == "bad_date":
                term = "三年"
            row = [
                float(index + 1), name, sex, id_cell, hukou, group, term, "普工",
                f"{wage:,}" if spec.wage_text else float(wage), "已参保", f"1{rng.randrange(10**10):010d}",
            ]
        grid.append(row)
        status, codes = EXPECTED[quirk]
        expected.append(ExpectedRow(len(grid), status, codes, valid_id if status != "invalid" else None, quirk))
        if spec.blank_every and (index + 1) % spec.blank_every == 0 and index + 1 < spec.workers:
            grid.append([""] * width)
    if spec.closing:
        grid.append(["合计", "", "", f"{spec.workers}人"] + [""] * (width - 4))
        grid.append(["填表人：李明", "", "", "", "审核人：王芳"] + [""] * (width - 5))
    return BuiltRoster(grid, merged, header_row, expected, spec)


# --------------------------------------------------------------------------
# Writers


def write_xlsx(path: Path, roster: BuiltRoster | list[list[object]], *, sheet: str = "名册",
               merged: list[str] | None = None) -> Path:
    grid = roster.grid if isinstance(roster, BuiltRoster) else roster
    merges = roster.merged if isinstance(roster, BuiltRoster) else merged or []
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value == "" or value is None:
                continue
            cell = ws.cell(r, c, value)
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, float) and value > 1e11:
                cell.number_format = "0"
    for ref in merges:
        ws.merge_cells(ref)
    workbook.save(path)
    return path


def write_big_xlsx(path: Path, roster: BuiltRoster, *, sheet: str = "名册") -> Path:
    """openpyxl's write-only mode, for 100,000 rows."""
    workbook = openpyxl.Workbook(write_only=True)
    ws = workbook.create_sheet(sheet)
    for row in roster.grid:
        ws.append([None if v == "" else v for v in row])
    workbook.save(path)
    return path


def write_csv(path: Path, roster: BuiltRoster | list[list[object]], *, encoding: str = "gb18030",
              delimiter: str = ",") -> Path:
    grid = roster.grid if isinstance(roster, BuiltRoster) else roster
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in grid:
        writer.writerow([_csv_text(v) for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _csv_text(value: object) -> str:
    """What Excel writes to a CSV: dates as shown, a big number in scientific notation."""
    if isinstance(value, datetime.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, float):
        if value > 1e11:
            return f"{value:.5E}".replace("E+", "E+")
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


# --------------------------------------------------------------------------
# A password-protected workbook: Excel and WPS save one as an OLE compound
# file holding EncryptionInfo and EncryptedPackage streams.

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(name: str, kind: int, start: int, size: int, left: int = _FREE, right: int = _FREE,
               child: int = _FREE) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
            + b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16 + struct.pack("<IQ", start, size))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) with these streams at the root."""
    names = list(streams)[:3]
    body = b""
    fat = [_FAT, _END]
    starts: list[int] = []
    for name in names:
        data = streams[name].ljust(4096, b"\x00")  # at the mini-stream cutoff: ordinary sectors
        data += b"\x00" * (-len(data) % 512)
        first = len(fat)
        count = len(data) // 512
        fat += [first + i + 1 for i in range(count - 1)] + [_END]
        starts.append(first)
        body += data
    if len(fat) > 128:
        raise ValueError("streams too large for one FAT sector")
    entries = _dir_entry("Root Entry", 5, _END, 0, child=1 if names else _FREE)
    for i, name in enumerate(names):
        entries += _dir_entry(name, 2, starts[i], len(streams[name]),
                              right=i + 2 if i + 1 < len(names) else _FREE)
    entries = entries.ljust(512, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", _FREE) * (128 - len(fat))
    return header + fat_sector + entries + body


def encrypted_xlsx_bytes() -> bytes:
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\"/>"
    package = struct.pack("<Q", 5000) + random.Random(7).randbytes(5008)
    return compound_file({"EncryptionInfo": info, "EncryptedPackage": package})


def write_encrypted_xlsx(path: Path) -> Path:
    path.write_bytes(encrypted_xlsx_bytes())
    return path


NEGATIVE_DATE_ROW = 4  # the sheet row (1-based) of the date cell that makes python-calamine panic


def panicking_xlsx(path: Path) -> Path:
    """A real roster whose row 4 holds a date cell of -1e12: python-calamine panics reading it
    (pyo3 PanicException "TimeDelta::milliseconds out of bounds", a BaseException)."""
    built = build(RosterSpec(workers=5, seed=11))
    write_xlsx(path, built)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    cell = sheet.cell(NEGATIVE_DATE_ROW, 2)
    cell.value = -1e12
    cell.number_format = "yyyy-mm-dd"
    workbook.save(path)
    return path


# Values a spreadsheet may take for a formula (DDE, HYPERLINK, …): the problems copy keeps them text.
FORMULA_LIKE: tuple[str, ...] = (
    "=1+1", "+86 139 0000 0000", "-5", "@SUM(A1:A2)", "\t=2+2", "\r=3+3", "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid","点我")',
)


def formula_like_grid() -> list[list[object]]:
    """A roster (ISO text dates, two rows with problems) with a 备注 column holding :data:`FORMULA_LIKE`;
    tests/data/roster_formula_like.xls holds the same grid (tests/data/make_formula_like_xls.py)."""
    built = build(RosterSpec(workers=len(FORMULA_LIKE), seed=5, date_style="iso",
                             quirks={1: "bad_check", 3: "low_wage"}))
    grid = [list(row) for row in built.grid]
    grid[0].append("备注")
    for row, value in zip(grid[1:], FORMULA_LIKE, strict=True):
        row.append(value)
    return grid


def workbook_of(grid: list[list[object]], style: Callable[[Any, int, object], None] | None = None
                ) -> openpyxl.Workbook:
    """A workbook whose sheet 名册 holds ``grid`` (empty cells left out); ``style(cell, row, value)``
    may change each cell written (its type, its number format)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名册"
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(r, c, value)
            if style is not None:
                style(cell, r, value)
    return workbook


def store_roster(store: Any, enterprise_id: int, persons: list[tuple[Any, ...]], rows: list[tuple[Any, ...]],
                 *extra_sql: str) -> None:
    """Write generated workers straight through the roster store (as the benches do), one
    transaction with ``extra_sql`` after the rows, then ANALYZE."""
    from desktop.store import rosters as roster_store

    with store.bulk_write(), store.transaction():
        import_id = roster_store.insert_roster_import(
            store, enterprise_id=enterprise_id, file_name="大名册.xlsx", sha256="0" * 64, sheet="名册",
            counts={"new": len(rows)}, imported_by=None)
        roster_store.insert_persons(store, persons)
        roster_store.insert_employments(store, enterprise_id, import_id, rows)
        for sql in extra_sql:
            store.conn.execute(sql)
    store.conn.execute("ANALYZE")
