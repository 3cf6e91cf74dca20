"""The social-insurance payment list (社保缴费明细, issue 14, 2): the second layout the importer recognises.

An enterprise (or the social-insurance agency for it) hands in, for a month or a quarter of its loan,
the list of the insurance it paid: 姓名, 身份证号, the month paid (缴费月份, one row per month) or a
span of months (起止月份 in one cell, or 起始月份 and 终止月份), and the employer (单位, optional).
It is recognised by its header (:func:`find_insurance_header`): 姓名, 身份证号 and a month column,
and no 户籍地 (a roster has one). The rows are read here into each person's months paid
(:func:`read_rows`); a bad row is refused with a Chinese message naming its row and column
(:class:`InsuranceProblem`, the service adds the file), the others are kept.

Months are written in every form seen: 2026-11, 2026.11, 2026/11, 202611, 2026年11月, an Excel date
(its month); a span as two of them joined by 至, 到, ~ or -, e.g. 2026-01至2026-11 or 202601-202611.
Plain Python: no file, no database.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from desktop.core.identifiers import IdentifierError, parse_id_number, to_halfwidth
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.roster_headers import HEADER_SEARCH_ROWS, Field, column_letter, field_of_header, header_key
from desktop.core.roster_values import clean_text, is_blank

__all__ = ["InsuranceColumn", "InsuranceLayout", "InsuranceList", "InsurancePerson", "InsuranceProblem",
           "find_insurance_header", "parse_month", "parse_months", "read_rows"]

MAX_SPAN_MONTHS: Final = 120  # a span longer than ten years is a typing error


class InsuranceColumn(str, Enum):
    NAME = "name"
    ID_NUMBER = "id_number"
    MONTH = "month"  # one month a row
    SPAN = "span"  # 起止月份 in one cell
    START = "start"
    END = "end"
    EMPLOYER = "employer"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: Final = {
    InsuranceColumn.NAME: QT_TRANSLATE_NOOP("insurance", "姓名"),
    InsuranceColumn.ID_NUMBER: QT_TRANSLATE_NOOP("insurance", "身份证号"),
    InsuranceColumn.MONTH: QT_TRANSLATE_NOOP("insurance", "缴费月份"),
    InsuranceColumn.SPAN: QT_TRANSLATE_NOOP("insurance", "起止月份"),
    InsuranceColumn.START: QT_TRANSLATE_NOOP("insurance", "起始月份"),
    InsuranceColumn.END: QT_TRANSLATE_NOOP("insurance", "终止月份"),
    InsuranceColumn.EMPLOYER: QT_TRANSLATE_NOOP("insurance", "单位"),
}
# compared after roster_headers.header_key (half-width, no spaces, no bracketed notes)
ALIASES: Final[dict[InsuranceColumn, tuple[str, ...]]] = {
    InsuranceColumn.MONTH: ("缴费月份", "缴费年月", "费款所属期", "费款所属年月", "所属期", "所属年月", "缴费期",
                            "缴费所属期", "参保月份", "缴费月"),
    InsuranceColumn.SPAN: ("起止月份", "缴费起止月份", "缴费起止年月", "缴费期间", "起止年月", "缴费起止时间",
                           "费款所属期起止", "缴费起止"),
    InsuranceColumn.START: ("起始月份", "缴费起始月份", "开始月份", "起始年月", "缴费起始年月", "费款所属期起",
                            "缴费开始月份", "起缴月份"),
    InsuranceColumn.END: ("终止月份", "缴费终止月份", "截止月份", "结束月份", "终止年月", "缴费截止月份",
                          "费款所属期止", "缴费结束月份", "止缴月份"),
    InsuranceColumn.EMPLOYER: ("单位", "单位名称", "缴费单位", "参保单位", "用人单位", "单位全称", "企业名称"),
}
_ALIAS: Final = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
_MONTH_COLUMNS: Final = (InsuranceColumn.MONTH, InsuranceColumn.SPAN, InsuranceColumn.START)

MESSAGES.update({
    "ins_name_missing": QT_TRANSLATE_NOOP("problems", "姓名为空"),
    "ins_id": QT_TRANSLATE_NOOP("problems", "身份证号“{value}”有误：{reason}"),
    "ins_month_missing": QT_TRANSLATE_NOOP("problems", "缴费月份为空"),
    "ins_month_bad": QT_TRANSLATE_NOOP("problems", "“{value}”不是月份：请写成 2026-11、202611 或 2026年11月"),
    "ins_span_bad": QT_TRANSLATE_NOOP(
        "problems", "“{value}”不是起止月份：请写成 2026-01至2026-11（或只写一个月份）"),
    "ins_span_reversed": QT_TRANSLATE_NOOP("problems", "终止月份{end}早于起始月份{start}"),
    "ins_span_too_long": QT_TRANSLATE_NOOP("problems", "起止月份{start}至{end}超过{limit}个月，请核对"),
    "ins_other_employer": QT_TRANSLATE_NOOP("problems", "单位“{value}”不是本企业“{name}”：这一行是别的单位缴纳的"),
    "ins_other_name": QT_TRANSLATE_NOOP(
        "problems", "同一身份证号在第{first}行的姓名是“{known}”，这里是“{name}”：请核对"),
    "roster_is_insurance_list": QT_TRANSLATE_NOOP(
        "problems", "工作表“{sheet}”是社保缴费明细（第{row}行是它的表头），不是名册：缴费明细是贷款期内某月的名单，"
        "请在“跟踪”页选中该企业的贷款，点“导入跟踪名单…”导入（命令行：laoxie track import），不能作为名册导入。"),
})


@dataclass(frozen=True)
class InsuranceLayout:
    header_row: int  # 0-based
    columns: Mapping[InsuranceColumn, int]  # 0-based
    texts: tuple[str, ...]

    def header_of(self, column: InsuranceColumn) -> str:
        index = self.columns.get(column)
        return self.texts[index] if index is not None and index < len(self.texts) else column.label


def _column_of(value: object) -> InsuranceColumn | None:
    key = header_key(value)
    if not key:
        return None
    found = _ALIAS.get(key)
    if found is not None:
        return found
    if "起止" in key and ("月" in key or "缴费" in key):
        return InsuranceColumn.SPAN
    return None


def _map(row: Sequence[object]) -> tuple[dict[InsuranceColumn, int], bool]:
    """The insurance columns of a header row, and whether it also has a roster's 户籍地."""
    columns: dict[InsuranceColumn, int] = {}
    hukou = False
    for index, value in enumerate(row):
        column = _column_of(value)
        if column is None:
            roster = field_of_header(value)
            if roster is Field.NAME:
                column = InsuranceColumn.NAME
            elif roster is Field.ID_NUMBER:
                column = InsuranceColumn.ID_NUMBER
            hukou = hukou or roster is Field.HUKOU
        if column is not None:
            columns.setdefault(column, index)
    return columns, hukou


def find_insurance_header(rows: Sequence[Sequence[object]]) -> InsuranceLayout | None:
    """The header row of a payment list in the first rows: 姓名, 身份证号 and a month column
    (缴费月份, 起止月份 or 起始月份), and no 户籍地 (then it is a roster)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns, hukou = _map(row)
        if hukou or InsuranceColumn.NAME not in columns or InsuranceColumn.ID_NUMBER not in columns:
            continue
        if any(c in columns for c in _MONTH_COLUMNS):
            texts = tuple(clean_text(v) if isinstance(v, str) else "" for v in row)
            return InsuranceLayout(index, columns, texts)
    return None


# --------------------------------------------------------------------------
# Months

_MONTH: Final = re.compile(r"(\d{4})\s*(?:[-./年]\s*)?(\d{1,2})\s*月?")
_SEPARATORS: Final = re.compile(r"\s*(?:至|到|~|～|—|–|－|-)\s*")


def _month(year: str, month: str) -> datetime.date | None:
    y, m = int(year), int(month)
    if not 1990 <= y <= 2100 or not 1 <= m <= 12:
        return None
    return datetime.date(y, m, 1)


def parse_month(value: object) -> datetime.date | None:
    """The first day of the month a cell names, or None."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None  # 2026.1: January or October? refused
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    found = _MONTH.fullmatch(to_halfwidth(value).strip())
    return None if found is None else _month(found[1], found[2])


def parse_months(value: object) -> tuple[datetime.date, datetime.date] | None:
    """A span of months in one cell (2026-01至2026-11, 202601-202611) or one month; None if neither."""
    single = parse_month(value)
    if single is not None:
        return single, single
    if not isinstance(value, str):
        return None
    text = to_halfwidth(value).strip()
    for separator in _SEPARATORS.finditer(text):
        first, second = parse_month(text[:separator.start()]), parse_month(text[separator.end():])
        if first is not None and second is not None:
            return first, second
    return None


def _ordinal(month: datetime.date) -> int:
    return month.year * 12 + month.month - 1


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [datetime.date(o // 12, o % 12 + 1, 1) for o in range(_ordinal(start), _ordinal(end) + 1)]


# --------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class InsuranceProblem:
    row: int  # 1-based, as the sheet shows it
    column: str  # A, B, …
    header: str
    problem: Problem

    def text(self) -> str:
        return Problem("cell_where", {"row": self.row, "column": self.column, "header": self.header,
                                     "message": self.problem.text()}).text()


@dataclass
class InsurancePerson:
    id_number: str
    name: str
    first_row: int
    months: set[datetime.date] = field(default_factory=set)


@dataclass(frozen=True)
class InsuranceList:
    layout: InsuranceLayout
    people: Mapping[str, InsurancePerson]  # by ID number, in the order first met
    problems: tuple[InsuranceProblem, ...]
    rows: int  # rows with data read (blank ones left out)
    refused: int  # rows refused (each with a problem)


def _employer_key(text: str) -> str:
    return re.sub(r"[\s()（）]", "", to_halfwidth(text)).lower()


class _Reader:
    """One pass over the rows: cells by column, refusals named by row and column."""

    def __init__(self, layout: InsuranceLayout, today: datetime.date | None) -> None:
        self.layout = layout
        self.today = today
        self.problems: list[InsuranceProblem] = []
        # a person's ID and the months repeat row after row: each cell value is read once
        self._ids: dict[object, str | IdentifierError] = {}
        self._month: dict[object, datetime.date | None] = {}
        self._months: dict[object, tuple[datetime.date, datetime.date] | None] = {}

    def id_number(self, raw: object) -> str | IdentifierError:
        found = self._ids.get(raw)
        if found is None:
            try:
                found = parse_id_number(raw, today=self.today).number
            except IdentifierError as exc:
                found = exc
            self._ids[raw] = found
        return found

    def month(self, value: object) -> datetime.date | None:
        if value in self._month:
            return self._month[value]
        found = self._month[value] = parse_month(value)
        return found

    def months(self, value: object) -> tuple[datetime.date, datetime.date] | None:
        if value in self._months:
            return self._months[value]
        found = self._months[value] = parse_months(value)
        return found

    def cell(self, row: Sequence[object], column: InsuranceColumn) -> object:
        index = self.layout.columns.get(column)
        return row[index] if index is not None and index < len(row) else None

    def refuse(self, number: int, column: InsuranceColumn, code: str, **params: object) -> None:
        self.problems.append(InsuranceProblem(number, column_letter(self.layout.columns.get(column, 0)),
                                              self.layout.header_of(column), Problem(code, params)))

    def span(self, row: Sequence[object], number: int) -> tuple[datetime.date, datetime.date] | None:
        """The months a row pays for: its 缴费月份, its 起止月份, or 起始 to 终止 (终止 blank: the start alone)."""
        present = [c for c in _MONTH_COLUMNS if c in self.layout.columns]  # the header has one at least
        column, value = present[0], None
        for candidate in present:
            found = self.cell(row, candidate)
            if not is_blank(found):
                column, value = candidate, found
                break
        if is_blank(value):
            self.refuse(number, column, "ins_month_missing")
            return None
        where = column
        if column is InsuranceColumn.START:
            start = self.month(value)
            end_value = self.cell(row, InsuranceColumn.END)
            end = start if is_blank(end_value) else self.month(end_value)
            if start is None or end is None:
                where = column if start is None else InsuranceColumn.END
                self.refuse(number, where, "ins_month_bad", value=clean_text(value if start is None else end_value))
                return None
            span, where = (start, end), InsuranceColumn.END
        elif column is InsuranceColumn.SPAN:
            found = self.months(value)
            if found is None:
                self.refuse(number, column, "ins_span_bad", value=clean_text(value))
                return None
            span = found
        else:
            month = self.month(value)
            if month is None:
                self.refuse(number, column, "ins_month_bad", value=clean_text(value))
                return None
            span = (month, month)
        params = {"start": f"{span[0]:%Y-%m}", "end": f"{span[1]:%Y-%m}"}
        if span[1] < span[0]:
            self.refuse(number, where, "ins_span_reversed", **params)
            return None
        if _ordinal(span[1]) - _ordinal(span[0]) + 1 > MAX_SPAN_MONTHS:
            self.refuse(number, where, "ins_span_too_long", limit=MAX_SPAN_MONTHS, **params)
            return None
        return span


def read_rows(layout: InsuranceLayout, rows: Iterable[Sequence[object]], *, employer: str = "",
              employer_uscc: str = "", today: datetime.date | None = None) -> InsuranceList:
    """Each person's months paid, from the rows under the header; a bad row is refused and named.

    ``employer`` (and its credit code): a row whose 单位 names neither is someone else's payment.
    """
    reader = _Reader(layout, today)
    people: dict[str, InsurancePerson] = {}
    accepted = {_employer_key(employer), _employer_key(employer_uscc)} - {""}
    check_employer = bool(accepted) and InsuranceColumn.EMPLOYER in layout.columns
    payers: dict[str, bool] = {}  # 单位 as written -> this enterprise
    read = 0
    for offset, row in enumerate(rows):
        number = layout.header_row + 2 + offset
        if all(is_blank(v) for v in row):
            continue
        read += 1
        name = clean_text(reader.cell(row, InsuranceColumn.NAME))
        if not name:
            reader.refuse(number, InsuranceColumn.NAME, "ins_name_missing")
            continue
        raw_id = reader.cell(row, InsuranceColumn.ID_NUMBER)
        id_number = reader.id_number(raw_id)
        if isinstance(id_number, IdentifierError):
            reader.refuse(number, InsuranceColumn.ID_NUMBER, "ins_id", value=clean_text(raw_id),
                          reason=id_number.problem.text())
            continue
        span = reader.span(row, number)
        if span is None:
            continue
        if check_employer:
            payer = clean_text(reader.cell(row, InsuranceColumn.EMPLOYER))
            ours = payers.get(payer)
            if ours is None:
                ours = payers[payer] = not payer or _employer_key(payer) in accepted
            if not ours:
                reader.refuse(number, InsuranceColumn.EMPLOYER, "ins_other_employer", value=payer, name=employer)
                continue
        person = people.get(id_number)
        if person is None:
            person = people[id_number] = InsurancePerson(id_number, name, number)
        elif person.name != name:
            reader.refuse(number, InsuranceColumn.NAME, "ins_other_name", first=person.first_row,
                          known=person.name, name=name)
            continue
        if span[0] == span[1]:
            person.months.add(span[0])
        else:
            person.months.update(months_between(*span))
    return InsuranceList(layout, people, tuple(reader.problems), read, len(reader.problems))
