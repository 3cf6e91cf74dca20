"""Reading what people type into roster cells (DOMAIN.md section 4).

Dates as real dates, Excel serials, "2022.3.1", "2022/03/01", "2022年3月1日";
a contract's start and end in one cell ("2022.03.01-2025.02.28", "…至长期");
amounts like "2,800"; yes/no; priority groups; months paid.

Pure functions without I/O.  A value that cannot be read raises
:class:`CellValueError` with a problem code; a blank cell gives ``None``.
Text parsers are cached: a 100,000-row roster repeats the same few hundred
dates and amounts.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass
from typing import Final

from desktop.core.identifiers import to_halfwidth
from desktop.core.workers import ContractType, PriorityGroup

# Excel's 1900 date system counts a 1900-02-29 that never was, so from serial
# 61 (1900-03-01) on, day = 1899-12-30 + serial; earlier serials are refused.
_EXCEL_EPOCH: Final = datetime.date(1899, 12, 30)
_EARLIEST: Final = datetime.date(1900, 1, 1)
_LATEST: Final = datetime.date(2199, 12, 31)
_MIN_SERIAL: Final = 61
_MAX_SERIAL: Final = (_LATEST - _EXCEL_EPOCH).days
_CACHE: Final = 8192

# Whitespace and the invisible characters copied cells carry.
_SPACES: Final = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


class CellValueError(ValueError):
    """A cell whose value cannot be read; ``code`` names the problem."""

    def __init__(self, code: str, value: object) -> None:
        self.code = code
        self.value = value
        super().__init__(f"{code}: {value!r}")


# str.strip() with these is much faster than a regular expression per cell.
BLANK_CHARS: Final = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"
)


def is_blank(value: object) -> bool:
    """None, an empty or all-space text, or NaN."""
    if value is None:
        return True
    if type(value) is str:
        return not value.strip(BLANK_CHARS)
    if isinstance(value, str):
        return not str(value).strip(BLANK_CHARS)
    return isinstance(value, float) and math.isnan(value)


def clean_text(value: object) -> str:
    """A cell as text: half-width, trimmed, inner runs of spaces made one space.

    Whole numbers stored as numbers lose their ``.0`` (a phone number cell).
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()[:10]
    return _SPACES.sub(" ", to_halfwidth(str(value))).strip()


def squeezed(value: object) -> str:
    """Like :func:`clean_text` but without any whitespace at all."""
    return _SPACES.sub("", clean_text(value))


# --------------------------------------------------------------------------
# Dates

def excel_serial_date(serial: float) -> datetime.date:
    """The day of an Excel serial number (the time of day is dropped)."""
    if not _MIN_SERIAL <= serial <= _MAX_SERIAL:
        raise CellValueError("date_unreadable", serial)
    return _EXCEL_EPOCH + datetime.timedelta(days=int(serial))


_DATE_PARTS: Final = r"(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?"
_DATE_TEXT: Final = re.compile(
    rf"^(?:{_DATE_PARTS}|(\d{{4}})(\d{{2}})(\d{{2}}))(?:[T\s]+\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?)?$"
)
_SERIAL_TEXT: Final = re.compile(r"^\d{5}(?:\.\d+)?$")


def _make_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        found = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if _EARLIEST <= found <= _LATEST else None


@functools.lru_cache(maxsize=_CACHE)
def _date_from_text(text: str) -> datetime.date | None:
    compact = _SPACES.sub(" ", to_halfwidth(text)).strip()
    match = _DATE_TEXT.match(compact)
    if match:
        groups = match.groups()
        parts = groups[:3] if groups[0] is not None else groups[3:6]
        return _make_date(*parts)  # type: ignore[arg-type]
    if _SERIAL_TEXT.match(compact):
        try:
            return excel_serial_date(float(compact))
        except CellValueError:
            return None
    return None


def parse_date(value: object) -> datetime.date | None:
    """A date from a real date cell, an Excel serial or text; None when blank."""
    kind = type(value)
    if kind is datetime.date:
        return value  # type: ignore[return-value]
    if kind is datetime.datetime:
        return value.date()  # type: ignore[attr-defined]
    if kind is str:
        if is_blank(value):
            return None
        found = _date_from_text(value)  # type: ignore[arg-type]
        if found is None:
            raise CellValueError("date_unreadable", value)
        return found
    if value is None:
        return None
    if kind is float or kind is int:
        if kind is float and math.isnan(value):  # type: ignore[arg-type]
            return None
        return excel_serial_date(value)  # type: ignore[arg-type]
    raise CellValueError("date_unreadable", value)  # bool, time, timedelta, …


# --------------------------------------------------------------------------
# A contract's term written in one cell

# Open-ended (无固定期限) and task-bound (以完成一定工作任务为期限) wording.
OPEN_ENDED_WORDS: Final = ("无固定期限", "无期限", "长期", "永久", "不定期")
TASK_WORDS: Final = ("以完成一定工作任务为期限", "完成一定工作任务", "工作任务", "项目完成")
# Characters that may stand between and around the dates.
_FILLER: Final = frozenset("自从起止至到~～-—–－_、,，;；()（）:：/日期限合同为止")

_DATE_TOKEN: Final = re.compile(rf"{_DATE_PARTS}|(?<!\d)(\d{{4}})(\d{{2}})(\d{{2}})(?!\d)")


@dataclass(frozen=True)
class ContractTerm:
    """What a "合同起止日期" cell says."""

    start: datetime.date | None
    end: datetime.date | None
    kind: ContractType | None  # OPEN_ENDED or TASK when the words say so; None: not said


_TERM_UNREADABLE: Final = ContractTerm(None, None, None)


@functools.lru_cache(maxsize=_CACHE)
def _term_from_text(text: str) -> ContractTerm | None:
    compact = _SPACES.sub("", to_halfwidth(text))
    kind: ContractType | None = None
    rest = compact
    for word in TASK_WORDS:
        if word in rest:
            kind = ContractType.TASK
            rest = rest.replace(word, "")
    for word in OPEN_ENDED_WORDS:
        if word in rest:
            kind = ContractType.OPEN_ENDED if kind is None else kind
            rest = rest.replace(word, "")
    dates: list[datetime.date] = []
    leftover: list[str] = []
    position = 0
    for match in _DATE_TOKEN.finditer(rest):
        leftover.append(rest[position:match.start()])
        position = match.end()
        groups = match.groups()
        parts = groups[:3] if groups[0] is not None else groups[3:6]
        found = _make_date(*parts)  # type: ignore[arg-type]
        if found is None:
            return None
        dates.append(found)
    leftover.append(rest[position:])
    if any(ch not in _FILLER for ch in "".join(leftover)):
        return None
    if len(dates) == 2:
        return ContractTerm(dates[0], dates[1], kind)
    if len(dates) == 1:
        return ContractTerm(dates[0], None, kind)
    if not dates and kind is not None:
        return ContractTerm(None, None, kind)
    return None


def parse_contract_term(value: object) -> ContractTerm | None:
    """Start, end and kind from one cell; None when blank.

    "2022.03.01-2025.02.28", "2026/03/03至2029/03/02", "2025.10.07-长期",
    "2022年3月1日至2025年2月28日", "20220301-20250228".  A cell holding one
    real date is read as the start.
    """
    if isinstance(value, (datetime.date, float, int)) and not isinstance(value, bool):
        try:
            start = parse_date(value)
        except CellValueError:
            raise CellValueError("contract_term_unreadable", value) from None
        return None if start is None else ContractTerm(start, None, None)
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise CellValueError("contract_term_unreadable", value)
    term = _term_from_text(value)
    if term is None:
        raise CellValueError("contract_term_unreadable", value)
    return term


_CONTRACT_TYPES: Final[dict[str, ContractType]] = {
    "固定期限": ContractType.FIXED, "有固定期限": ContractType.FIXED, "固定": ContractType.FIXED,
    "定期": ContractType.FIXED, "fixed": ContractType.FIXED,
    "无固定期限": ContractType.OPEN_ENDED, "无固定": ContractType.OPEN_ENDED, "长期": ContractType.OPEN_ENDED,
    "无期限": ContractType.OPEN_ENDED, "不定期": ContractType.OPEN_ENDED, "open_ended": ContractType.OPEN_ENDED,
    "以完成一定工作任务为期限": ContractType.TASK, "完成一定工作任务": ContractType.TASK,
    "工作任务": ContractType.TASK, "任务": ContractType.TASK, "task": ContractType.TASK,
}


@functools.lru_cache(maxsize=256)
def _contract_type_from_text(text: str) -> ContractType | None:
    compact = _SPACES.sub("", to_halfwidth(text)).lower()
    for suffix in ("劳动合同", "合同", "用工"):
        if compact.endswith(suffix) and len(compact) > len(suffix):
            compact = compact[: -len(suffix)]
            break
    return _CONTRACT_TYPES.get(compact)


def parse_contract_type(value: object) -> ContractType | None:
    """固定期限 / 无固定期限 / 以完成一定工作任务为期限 (and common variants); None when blank."""
    if is_blank(value):
        return None
    found = _contract_type_from_text(str(value))
    if found is None:
        raise CellValueError("contract_type_unknown", value)
    return found


# --------------------------------------------------------------------------
# Amounts, yes/no, sex, priority groups

_CURRENCY: Final = re.compile(r"[,，¥￥元]|rmb|cny", re.IGNORECASE)


@functools.lru_cache(maxsize=_CACHE)
def _amount_from_text(text: str) -> float | None:
    compact = _CURRENCY.sub("", _SPACES.sub("", to_halfwidth(text)))
    if compact.endswith("/月"):
        compact = compact[:-2]
    try:
        amount = float(compact)
    except ValueError:
        return None
    return amount if math.isfinite(amount) and amount >= 0 else None


def parse_amount(value: object) -> float | None:
    """A non-negative amount: 2800, "2,800", "2800元", "￥2,800.50"; None when blank."""
    kind = type(value)
    if kind is float or kind is int:
        amount = float(value)  # type: ignore[arg-type]
        if math.isnan(amount):
            return None
        if math.isfinite(amount) and amount >= 0:
            return amount
        raise CellValueError("wage_unreadable", value)
    if is_blank(value):
        return None
    if kind is not str:
        raise CellValueError("wage_unreadable", value)
    found = _amount_from_text(value)  # type: ignore[arg-type]
    if found is None:
        raise CellValueError("wage_unreadable", value)
    return found


_YES: Final = frozenset({
    "是", "已参保", "参保", "已缴纳", "缴纳", "已缴", "已交", "有", "已参加", "参加", "正常参保", "正常缴纳",
    "√", "✓", "✔", "y", "yes", "1", "true", "是的",
})
_NO: Final = frozenset({
    "否", "未参保", "不参保", "未缴纳", "未缴", "未交", "无", "没有", "未参加", "不参加", "×", "✗", "n", "no",
    "0", "false",
})


def parse_yes_no(value: object) -> bool | None:
    """是/否 and their variants (已参保, 未缴纳, √, ×); None when blank."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if is_blank(value):
        return None
    text = squeezed(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellValueError("insurance_unreadable", value)


_SEXES: Final = {"男": "M", "男性": "M", "m": "M", "male": "M", "女": "F", "女性": "F", "f": "F", "female": "F"}


def parse_sex(value: object) -> str | None:
    """"M" or "F" from 男/女 (and M/F); None when blank."""
    if is_blank(value):
        return None
    found = _SEXES.get(squeezed(value).lower())
    if found is None:
        raise CellValueError("sex_unreadable", value)
    return found


_NONE_WORDS: Final = frozenset({"无", "否", "-", "--", "—", "——", "/", "\\", "非", "不是", "普通", "一般", "其他"})
# Most specific first: "离校未就业高校毕业生" contains "就业".
_GROUP_KEYWORDS: Final = (
    ("脱贫", PriorityGroup.POVERTY_ALLEVIATED), ("建档立卡", PriorityGroup.POVERTY_ALLEVIATED),
    ("防返贫", PriorityGroup.POVERTY_ALLEVIATED), ("监测户", PriorityGroup.POVERTY_ALLEVIATED),
    ("毕业生", PriorityGroup.UNEMPLOYED_GRADUATE), ("离校未就业", PriorityGroup.UNEMPLOYED_GRADUATE),
    ("就业困难", PriorityGroup.EMPLOYMENT_DIFFICULTY), ("困难人员", PriorityGroup.EMPLOYMENT_DIFFICULTY),
    ("失业", PriorityGroup.REGISTERED_UNEMPLOYED),
)


@functools.lru_cache(maxsize=256)
def _groups_in(text: str) -> tuple[PriorityGroup, ...]:
    exact = PriorityGroup.from_label(text)
    if exact is not None:
        return (exact,)
    found: list[PriorityGroup] = []
    for keyword, group in _GROUP_KEYWORDS:
        if keyword in text and group not in found:
            found.append(group)
    return tuple(found)


def parse_priority_group(value: object) -> PriorityGroup | None:
    """The 重点群体 a cell names; None when blank or "无".

    Raises ``group_unknown`` for text naming no group and ``group_multiple``
    for text naming more than one (the clerk decides which one applies).
    """
    if is_blank(value):
        return None
    text = squeezed(value)
    if text in _NONE_WORDS:
        return None
    groups = _groups_in(text)
    if len(groups) == 1:
        return groups[0]
    raise CellValueError("group_multiple" if groups else "group_unknown", value)


# --------------------------------------------------------------------------
# Months paid ("2022.03-2022.05", "2022.03、2022.04")

_MONTH_TOKEN: Final = re.compile(r"(\d{4})\s*[./\-年]\s*(\d{1,2})(?!\d)\s*月?份?")
_MONTH_FILLER: Final = frozenset(",，、;；/ ")
_RANGE_MARKS: Final = frozenset("-~～至到—–－")
_MAX_MONTHS: Final = 240


def _month_index(year: str, month: str) -> int | None:
    y, m = int(year), int(month)
    if not 1 <= m <= 12 or not 1900 <= y <= 2199:
        return None
    return y * 12 + m - 1


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@functools.lru_cache(maxsize=_CACHE)
def _months_from_text(text: str) -> tuple[str, ...] | None:
    compact = to_halfwidth(text).strip()
    months: list[int] = []
    previous: int | None = None
    position = 0
    for match in _MONTH_TOKEN.finditer(compact):
        between = compact[position:match.start()].strip()
        position = match.end()
        index = _month_index(match.group(1), match.group(2))
        if index is None:
            return None
        if between and set(between) <= _RANGE_MARKS and previous is not None:
            if not previous < index <= previous + _MAX_MONTHS:
                return None
            months.extend(range(previous + 1, index + 1))
        elif between and not set(between) <= _MONTH_FILLER:
            return None
        else:
            months.append(index)
        previous = index
    if previous is None or (compact[position:].strip() and not set(compact[position:].strip()) <= _MONTH_FILLER):
        return None
    return tuple(_month_text(i) for i in sorted(set(months)))


def parse_paid_months(value: object) -> tuple[str, ...] | None:
    """The months paid as ("2022-03", …); an empty tuple for a blank cell.

    A real date cell stands for its month.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return (f"{value.year:04d}-{value.month:02d}",)
    if is_blank(value):
        return ()
    found = _months_from_text(clean_text(value))
    if found is None:
        raise CellValueError("paid_months_unreadable", value)
    return found


_MONTH_HEADER: Final = re.compile(r"^(\d{4})[年./\-](\d{1,2})月?份?(?:工资)?(?:发放)?(?:情况)?$")


def month_of_header(text: str) -> str | None:
    """"2022年3月", "2022.03", "2022-03工资" -> "2022-03": a column per month paid."""
    match = _MONTH_HEADER.match(_SPACES.sub("", to_halfwidth(text)))
    if not match:
        return None
    index = _month_index(match.group(1), match.group(2))
    return None if index is None else _month_text(index)


_NOT_PAID: Final = frozenset({"否", "未发", "未发放", "无", "0", "×", "-", "/", "n", "no"})


def month_cell_paid(value: object) -> bool:
    """Whether a per-month column says the wage was paid (an amount, √, 是, a date)."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value > 0
    return squeezed(value).lower() not in _NOT_PAID
