"""A roster (附件4 劳务协作地区就业人员名册) as enterprises fill it in.

Plain Python: the adapters in ``desktop.rosters`` turn a file into rows of
cell values; ``roster_headers`` finds the header and maps the columns; here
we skip blank and closing rows, normalise every value (``roster_values``)
and check each row.  The names of ``roster_headers`` are re-exported, so
callers import everything from here.

Every problem names its sheet row (1-based), column and field, has a stable
code and a Chinese message in ``MESSAGES``; errors refuse the row, warnings
are shown and the row is still imported.
"""

from __future__ import annotations

import datetime
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from desktop.core.areas import AreaTable
from desktop.core.identifiers import ID_CHECK_MAP, IdentifierError, digits_check_char, parse_id_number
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem, message
from desktop.core.national_areas import NationalAreas
from desktop.core.names import MAX_PERSON_NAME, length_params
from desktop.core.roster_headers import (
    FIELD_LABELS, HEADER_ALIASES, HEADER_SEARCH_ROWS, REQUIRED_FIELDS, CancelFn, Field, HeaderLayout, Merged,
    ProgressFn, RosterError, check_cancel, column_letter, field_of_header, find_header, header_key,
    learned_aliases, looks_like_data,
)
from desktop.core.roster_values import (
    BLANK_CHARS, OPEN_ENDED_WORDS, TASK_WORDS, CellValueError, clean_text, is_blank, month_cell_paid,
    parse_amount, parse_contract_term, parse_contract_type, parse_date, parse_paid_months, parse_priority_group,
    parse_sex, parse_yes_no, squeezed,
)
from desktop.core.workers import ContractType

__all__ = [
    "EMPLOYMENT_FIELDS", "ERROR_CODES", "FIELD_LABELS", "HEADER_ALIASES", "HEADER_SEARCH_ROWS", "PROBLEM_TITLES",
    "REQUIRED_FIELDS", "CancelFn", "Field", "HeaderLayout", "Merged", "ProgressFn", "RosterError", "RosterRow",
    "RowChecker", "RowProblem", "RowStatus", "Severity", "SheetCheck", "check_cancel", "check_sheet",
    "column_letter", "employment_fields_of", "field_of_header", "find_header", "group_problems", "header_key",
    "learned_aliases",
]

Severity = Literal["error", "warning"]
RowStatus = Literal["valid", "invalid", "duplicate"]


# --------------------------------------------------------------------------
# Row problems

MESSAGES.update({
    "duplicate_in_roster": QT_TRANSLATE_NOOP(
        "problems", "与第 {first_row} 行是同一个人（身份证号码相同），同一人在一个企业只计一次"
    ),
    "name_empty": QT_TRANSLATE_NOOP("problems", "姓名为空"),
    "hukou_empty": QT_TRANSLATE_NOOP("problems", "户籍地为空：请写到县（市、区），如“汪清县”"),
    "hukou_unknown": QT_TRANSLATE_NOOP(
        "problems", "户籍地“{value}”无法识别为吉林省的县（市、区）：请写到县一级，如“延吉市”或“吉林省延边州汪清县”"
    ),
    "hukou_ambiguous": QT_TRANSLATE_NOOP(
        "problems", "户籍地“{value}”不能确定是哪个县（市、区）：可能是{candidates}，请写出所属的市（州）"
    ),
    "hukou_other_province": QT_TRANSLATE_NOOP(
        "problems", "户籍地“{value}”不在吉林省，不属于劳务协作对口地区（照常导入）"
    ),
    "contract_start_missing": QT_TRANSLATE_NOOP("problems", "缺少劳动合同开始日期"),
    "contract_end_missing": QT_TRANSLATE_NOOP(
        "problems", "固定期限合同缺少终止日期：请填写终止日期，无固定期限合同请在合同类型中写“无固定期限”或写“长期”"
    ),
    "contract_end_before_start": QT_TRANSLATE_NOOP(
        "problems", "合同终止日期 {end} 早于开始日期 {start}"
    ),
    "contract_term_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂合同起止日期“{value}”：请写成“2022.03.01-2025.02.28”，无固定期限写“2022.03.01-长期”"
    ),
    "contract_type_unknown": QT_TRANSLATE_NOOP(
        "problems", "合同类型“{value}”无法识别：应为“固定期限”“无固定期限”或“以完成一定工作任务为期限”"
    ),
    "contract_type_conflict": QT_TRANSLATE_NOOP(
        "problems", "合同类型写的是“{declared}”，但起止日期写的是“{term}”：按合同类型“{declared}”导入，请核对"
    ),
    "date_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂{column}“{value}”：请写成真实日期或“2022.03.01”“2022年3月1日”这样的完整日期"
    ),
    "hire_date_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂入职日期“{value}”，该项留空导入"
    ),
    "sex_unreadable": QT_TRANSLATE_NOOP("problems", "性别“{value}”应为“男”或“女”（以身份证号码为准导入）"),
    "sex_mismatch": QT_TRANSLATE_NOOP(
        "problems", "性别填的是“{declared}”，身份证号码第 17 位表示“{from_id}”，请核对（以身份证号码为准）"
    ),
    "id_area_mismatch": QT_TRANSLATE_NOOP(
        "problems", "身份证号码的地区码 {id_code}（{id_area}）与户籍地“{hukou}”不一致，请核对户籍地（号码按首次发证地编制，迁过户口的人会不一致）"
    ),
    "wage_unreadable": QT_TRANSLATE_NOOP("problems", "看不懂月工资“{value}”，该项留空导入"),
    "wage_below_minimum": QT_TRANSLATE_NOOP(
        "problems", "月工资 {wage} 元低于当地最低工资标准 {minimum} 元，请核对"
    ),
    "under_16": QT_TRANSLATE_NOOP(
        "problems", "合同开始日期 {start} 时该人只有 {age} 岁（不满 16 周岁），请核对身份证号码和合同日期"
    ),
    "group_unknown": QT_TRANSLATE_NOOP(
        "problems", "重点群体类别“{value}”无法识别：应为脱贫人口、就业困难人员、登记失业人员或离校未就业高校毕业生（该项留空导入）"
    ),
    "group_multiple": QT_TRANSLATE_NOOP(
        "problems", "重点群体类别“{value}”写了不止一类：请由经办人核实后标注（该项留空导入）"
    ),
    "insurance_unreadable": QT_TRANSLATE_NOOP("problems", "社会保险一栏“{value}”应为“是”或“否”（该项留空导入）"),
    "paid_months_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂工资发放月份“{value}”：请写成“2022.03-2022.05”或“2022.03、2022.04”（该项留空导入）"
    ),
    "worker_at_other_enterprise": QT_TRANSLATE_NOOP(
        "problems", "此人已在本局登记为{enterprises}的职工，请核实是否重复申报"
    ),
    "name_differs_from_stored": QT_TRANSLATE_NOOP(
        "problems", "此身份证号码在库中登记的姓名是“{stored}”，名册写的是“{name}”：导入后以名册为准，请核对"
    ),
})

# Short titles for problems grouped by kind (the wizard's summary, the 问题清单 sheet).
PROBLEM_TITLES: Final[dict[str, str]] = {
    "id_stored_as_number": QT_TRANSLATE_NOOP("roster", "身份证号码被存成数字"),
    "id_empty": QT_TRANSLATE_NOOP("roster", "身份证号码为空"),
    "id_length": QT_TRANSLATE_NOOP("roster", "身份证号码位数不对"),
    "id_chars": QT_TRANSLATE_NOOP("roster", "身份证号码含无效字符"),
    "id_birth_date": QT_TRANSLATE_NOOP("roster", "身份证号码中的出生日期无效"),
    "id_checksum": QT_TRANSLATE_NOOP("roster", "身份证号码校验位错误"),
    "duplicate_in_roster": QT_TRANSLATE_NOOP("roster", "同一人重复填报"),
    "name_empty": QT_TRANSLATE_NOOP("roster", "姓名为空"),
    "name_too_long": QT_TRANSLATE_NOOP("roster", "姓名过长"),
    "hukou_empty": QT_TRANSLATE_NOOP("roster", "户籍地为空"),
    "hukou_unknown": QT_TRANSLATE_NOOP("roster", "户籍地无法识别"),
    "hukou_ambiguous": QT_TRANSLATE_NOOP("roster", "户籍地不能确定到县"),
    "hukou_other_province": QT_TRANSLATE_NOOP("roster", "户籍地在吉林省外"),
    "contract_start_missing": QT_TRANSLATE_NOOP("roster", "缺少合同开始日期"),
    "contract_end_missing": QT_TRANSLATE_NOOP("roster", "缺少合同终止日期"),
    "contract_end_before_start": QT_TRANSLATE_NOOP("roster", "合同终止日期早于开始日期"),
    "contract_term_unreadable": QT_TRANSLATE_NOOP("roster", "合同起止日期看不懂"),
    "contract_type_unknown": QT_TRANSLATE_NOOP("roster", "合同类型无法识别"),
    "contract_type_conflict": QT_TRANSLATE_NOOP("roster", "合同类型与起止日期不一致"),
    "date_unreadable": QT_TRANSLATE_NOOP("roster", "日期看不懂"),
    "hire_date_unreadable": QT_TRANSLATE_NOOP("roster", "入职日期看不懂"),
    "sex_unreadable": QT_TRANSLATE_NOOP("roster", "性别看不懂"),
    "sex_mismatch": QT_TRANSLATE_NOOP("roster", "性别与身份证号码不符"),
    "id_area_mismatch": QT_TRANSLATE_NOOP("roster", "身份证地区码与户籍地不一致"),
    "wage_unreadable": QT_TRANSLATE_NOOP("roster", "月工资看不懂"),
    "wage_below_minimum": QT_TRANSLATE_NOOP("roster", "月工资低于最低工资标准"),
    "under_16": QT_TRANSLATE_NOOP("roster", "合同开始时不满16周岁"),
    "group_unknown": QT_TRANSLATE_NOOP("roster", "重点群体类别无法识别"),
    "group_multiple": QT_TRANSLATE_NOOP("roster", "重点群体类别填了多类"),
    "insurance_unreadable": QT_TRANSLATE_NOOP("roster", "社会保险一栏看不懂"),
    "paid_months_unreadable": QT_TRANSLATE_NOOP("roster", "工资发放月份看不懂"),
    "worker_at_other_enterprise": QT_TRANSLATE_NOOP("roster", "已在其他企业登记"),
    "name_differs_from_stored": QT_TRANSLATE_NOOP("roster", "姓名与库中登记的不同"),
}

ERROR_CODES: Final = frozenset({
    "id_stored_as_number", "id_empty", "id_length", "id_chars", "id_birth_date", "id_checksum",
    "duplicate_in_roster", "name_empty", "name_too_long", "hukou_empty", "hukou_unknown", "hukou_ambiguous",
    "contract_start_missing", "contract_end_missing", "contract_end_before_start", "contract_term_unreadable",
    "contract_type_unknown", "date_unreadable",
})


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row; ``column`` is the 0-based grid column (None: the row as a whole)."""

    row: int  # 1-based sheet row
    column: int | None
    field: Field | None
    code: str
    params: Mapping[str, object]

    @property
    def severity(self) -> Severity:
        return "error" if self.code in ERROR_CODES else "warning"

    @property
    def column_letter(self) -> str:
        return column_letter(self.column) if self.column is not None else ""

    @property
    def problem(self) -> Problem:
        return Problem(self.code, dict(self.params))

    def text(self) -> str:
        return message(self.code, **self.params)


@dataclass(slots=True)
class RosterRow:
    """One data row, normalised and checked.

    The worker's facts use the store's vocabulary: dates as ISO text,
    ``contract_type`` / ``priority_claim`` as enum values, ``paid_months``
    None when the roster says nothing about months paid.
    """

    sheet_row: int
    status: RowStatus
    id_number: str  # normalised; 18 characters when valid
    name: str
    sex: str | None  # from the ID number
    birth_date: str | None
    hukou_text: str
    hukou_code: str | None
    contract_type: str
    contract_start: str | None
    contract_end: str | None
    hire_date: str | None
    job: str
    monthly_wage: float | None
    paid_months: tuple[str, ...] | None
    social_insurance: int | None
    phone: str
    priority_claim: str | None  # the 重点群体 column: what the enterprise claims (企业申报)
    converted_from_15: bool
    problems: list[RowProblem]
    action: str = ""  # new / updated / unchanged / refused: decided against the store
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowProblem]:
        return [p for p in self.problems if p.code in ERROR_CODES]

    @property
    def warnings(self) -> list[RowProblem]:
        return [p for p in self.problems if p.code not in ERROR_CODES]

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


# Fields of a RosterRow that an employment row stores, and the roster
# columns they come from (a field whose column the roster lacks is left
# alone when a worker is updated).
EMPLOYMENT_FIELDS: Final[dict[str, tuple[Field, ...]]] = {
    "hukou_text": (Field.HUKOU,),
    "hukou_code": (Field.HUKOU,),
    "contract_type": (Field.CONTRACT_TYPE, Field.CONTRACT_TERM, Field.CONTRACT_END),
    "contract_start": (Field.CONTRACT_TERM, Field.CONTRACT_START),
    "contract_end": (Field.CONTRACT_TERM, Field.CONTRACT_END),
    "hire_date": (Field.HIRE_DATE,),
    "job": (Field.JOB,),
    "monthly_wage": (Field.WAGE,),
    "paid_months": (Field.PAID_MONTHS,),
    "social_insurance": (Field.INSURANCE,),
    "phone": (Field.PHONE,),
    "priority_claim": (Field.GROUP,),
}


def employment_fields_of(layout: HeaderLayout) -> list[str]:
    """The employment columns this roster speaks about."""
    mapped = set(layout.columns)
    found = [name for name, sources in EMPLOYMENT_FIELDS.items() if mapped & set(sources)]
    if layout.month_columns and "paid_months" not in found:
        found.append("paid_months")
    return found


# --------------------------------------------------------------------------
# Checking rows

_CLOSING_WORDS: Final = (
    "合计", "总计", "小计", "共计", "总人数", "填表人", "填报人", "制表人", "审核人", "审批人", "负责人", "单位负责人",
    "经办人", "联系人", "备注", "说明", "注:", "注：", "注1", "注①", "填表说明", "填报说明", "单位盖章", "单位(盖章)",
    "盖章", "签字", "填表日期", "填报日期", "日期:", "以下空白", "以下无", "此页无正文",
)
_CLOSING_FIRST: Final = frozenset(word[0] for word in _CLOSING_WORDS)
_OTHER_PROVINCES: Final = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海",
    "宁夏", "新疆", "台湾", "香港", "澳门",
)
_DIGIT_CHARS: Final = frozenset("0123456789０１２３４５６７８９")
_SCIENTIFIC: Final = re.compile(r"^\d(?:\.\d+)?E\+?\d{1,3}$")
_EARLIEST_BIRTH: Final = datetime.date(1900, 1, 1)
_SEX_LABEL: Final = {"M": "男", "F": "女"}

_Hukou = tuple[str, str | None, str | None, dict[str, object]]  # text, code, problem code, params


_MISS: Final = object()
_SLOW: Final = object()  # a cell with something to say: the row goes through RowChecker.check
_CACHE_LIMIT: Final = 50_000


class RowChecker:
    """Normalises and checks the data rows of one sheet.

    ``minimum_wage`` is the local monthly minimum in force (a warning below
    it); ``today`` bounds birth dates.  Duplicate ID numbers are found across
    every row given to one checker.

    The hot path is written for 100,000-row rosters: text cells are parsed
    once per distinct value and column (a roster repeats a few hundred dates,
    places and amounts), a valid 18-digit number is checked without building
    objects, and only a row with a problem takes the slow, exact path.
    """

    def __init__(
        self,
        layout: HeaderLayout,
        areas: AreaTable,
        *,
        today: datetime.date,
        minimum_wage: float | None = None,
    ) -> None:
        self.layout = layout
        self.areas = areas
        self.today = today
        self.minimum_wage = minimum_wage
        self.first_row_of: dict[str, int] = {}
        self._births: dict[str, tuple[str, int] | tuple[()]] = {}
        self._hukou: dict[object, _Hukou] = {}
        self._caches: dict[Field, dict[object, object]] = {f: {} for f in Field}
        cols = layout.columns
        self._col = {f: cols.get(f) for f in Field}
        self._seq = cols.get(Field.SEQ)
        self._width = max([*cols.values(), *layout.month_columns, 0]) + 1
        self._months = sorted(layout.month_columns.items())
        self._mapped_others = [c for f, c in cols.items() if f is not Field.SEQ]
        # Plain attributes, not dicts keyed by Field: an Enum hashes in Python,
        # which costs more than the rest of a lookup on the hot path.
        self._id_col = cols.get(Field.ID_NUMBER)
        self._name_col = cols.get(Field.NAME)
        self._hukou_col = cols.get(Field.HUKOU)
        self._job_col = cols.get(Field.JOB)
        self._phone_col = cols.get(Field.PHONE)
        self._hire_col = cols.get(Field.HIRE_DATE)
        self._term_col = cols.get(Field.CONTRACT_TERM)
        self._start_col = cols.get(Field.CONTRACT_START)
        self._end_col = cols.get(Field.CONTRACT_END)
        self._type_col = cols.get(Field.CONTRACT_TYPE)
        self._wage_col = cols.get(Field.WAGE)
        self._insurance_col = cols.get(Field.INSURANCE)
        self._group_col = cols.get(Field.GROUP)
        self._sex_col = cols.get(Field.SEX)
        self._has_months = bool(self._months) or Field.PAID_MONTHS in cols
        self._clean_of: dict[str, Callable[[object], object]] = {
            "hukou": self._clean_hukou, "start": self._clean_start, "end": self._clean_end, "term": self._clean_term,
            "wage": self._clean_wage, "insurance": self._clean_insurance, "group": self._clean_group,
            "hire": self._clean_hire,
            "sex": lambda raw: self._clean_parsed(Field.SEX, raw, parse_sex),
            "contract_type": lambda raw: self._clean_parsed(Field.CONTRACT_TYPE, raw, parse_contract_type),
        }
        self._clean: dict[str, dict[object, object]] = {kind: {} for kind in self._clean_of}
        caches = self._caches
        self._optional_fields = tuple(
            (f, cols.get(f), caches[f], parser) for f, parser in (
                (Field.WAGE, parse_amount), (Field.INSURANCE, parse_yes_no), (Field.GROUP, parse_priority_group),
                (Field.SEX, parse_sex),
            )
        )

    # -- classification ---------------------------------------------------
    def kind(self, cells: Sequence[object]) -> Literal["data", "blank", "closing", "header"]:
        """What a row below the header is: data, blank, a closing row (合计, 填表人) or a repeated header."""
        id_col = self._id_col
        id_value = cells[id_col] if id_col is not None and id_col < len(cells) else None
        if type(id_value) is str and len(id_value) >= 15 and id_value[0] in _DIGIT_CHARS:
            return "data"  # the usual row: an ID number where it belongs
        first: object = None
        only_seq = True
        for index, value in enumerate(cells):
            if value is None or value == "" or (type(value) is str and not value.strip(BLANK_CHARS)):
                continue
            if is_blank(value):
                continue
            if first is None:
                first = value
            if index != self._seq:
                only_seq = False
                break
        if first is None:
            return "blank"
        if isinstance(first, str) and first.lstrip()[:1] in _CLOSING_FIRST and not looks_like_data(id_value):
            if squeezed(first).startswith(_CLOSING_WORDS):
                return "closing"
        if only_seq:
            return "blank"  # only a pre-printed 序号
        if isinstance(id_value, str) and id_value.strip()[:1] not in _DIGIT_CHARS:
            if field_of_header(id_value) is Field.ID_NUMBER:
                return "header"
        name_col = self._col[Field.NAME]
        if is_blank(id_value) and (name_col is None or name_col >= len(cells) or is_blank(cells[name_col])):
            if not any(c < len(cells) and not is_blank(cells[c]) for c in self._mapped_others) and not any(
                c < len(cells) and month_cell_paid(cells[c]) for c, _ in self._months
            ):
                return "blank"  # only unmapped columns (a note in the margin)
        return "data"

    # -- values -----------------------------------------------------------
    def _value(self, f: Field, raw: object, parser: Callable[[object], object]) -> object:
        """The parsed value, or the CellValueError; text is parsed once per distinct value."""
        return self._cached(self._caches[f], raw, parser)

    @staticmethod
    def _cached(cache: dict[object, object], raw: object, parser: Callable[[object], object]) -> object:
        """Cells are str, float, int, date, datetime, time, timedelta or bool, all hashable; a bool
        equals 1 or 0 as a dict key but parses differently, so it is never cached."""
        if type(raw) is not bool:
            found = cache.get(raw, _MISS)
            if found is not _MISS:
                return found
        try:
            found = parser(raw)
        except CellValueError as exc:
            found = exc
        if len(cache) < _CACHE_LIMIT and type(raw) is not bool:
            try:
                cache[raw] = found
            except TypeError:
                pass
        return found

    def _id(self, raw: object, problems: list[RowProblem], sheet_row: int) -> tuple[str, str | None, str | None, bool]:
        """(number, sex, birth date, converted_from_15); number is "" or the normalised text on error."""
        if type(raw) is str and len(raw) == 18 and raw.isascii() and raw[:17].isdigit():
            last = raw[17]
            if last == "x":
                last = "X"
            head = raw[:17]
            if digits_check_char(head) == last:
                born = self._births.get(raw[6:14])
                if born is None:
                    born = self._birth(raw[6:14])
                if born:
                    return head + last, "M" if raw[16] in "13579" else "F", born[0], False
        column = self._id_col
        if isinstance(raw, str):
            text = squeezed(raw).upper()
            if _SCIENTIFIC.match(text):
                problems.append(RowProblem(sheet_row, column, Field.ID_NUMBER, "id_stored_as_number", {"value": text}))
                return text, None, None, False
        try:
            parsed = parse_id_number(raw, today=self.today)
        except IdentifierError as exc:
            problems.append(RowProblem(sheet_row, column, Field.ID_NUMBER, exc.code, exc.params))
            try:
                text = squeezed(raw).upper() if not isinstance(raw, (int, float)) else clean_text(raw)
            except Exception:  # noqa: BLE001 - only for the report
                text = ""
            return text, None, None, False
        return parsed.number, parsed.sex, parsed.birth_date.isoformat(), parsed.converted_from_15

    def _birth(self, yyyymmdd: str) -> tuple[str, int] | tuple[()]:
        """(ISO date, year) of an ID number's birth digits, () when no possible birth date; cached."""
        try:
            birth: datetime.date | None = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
        except ValueError:
            birth = None
        found: tuple[str, int] | tuple[()] = ()
        if birth is not None and _EARLIEST_BIRTH <= birth <= self.today:
            found = (birth.isoformat(), birth.year)
        self._births[yyyymmdd] = found
        return found

    def _resolve_hukou(self, raw: object) -> _Hukou:
        try:
            return self._hukou[raw]
        except (KeyError, TypeError):
            pass
        text = clean_text(raw)
        result: _Hukou
        if not text:
            result = (text, None, "hukou_empty", {})
        else:
            match = self.areas.resolve_detailed(text)
            if match.area is not None:
                area = match.area
                result = (text, area.code if area.current else area.successor_code, None, {})
            elif match.reason == "ambiguous":
                names = "、".join(a.full_name for a in match.candidates)
                result = (text, None, "hukou_ambiguous", {"value": text, "candidates": names})
            elif squeezed(text).startswith(_OTHER_PROVINCES) or (
                len(squeezed(text)) == 6 and squeezed(text).isdigit() and not squeezed(text).startswith("22")
            ):
                # a county elsewhere in China, by its code or its full name (GB/T 2260): an office may
                # have an agreement with it; the rules decide whether it counts
                national = NationalAreas.default().resolve(squeezed(text))
                result = ((text, national.code, None, {}) if national is not None
                          else (text, None, "hukou_other_province", {"value": text}))
            else:
                result = (text, None, "hukou_unknown", {"value": text})
        try:
            if len(self._hukou) < _CACHE_LIMIT:
                self._hukou[raw] = result
        except TypeError:
            pass
        return result

    # -- one row ----------------------------------------------------------
    def check(self, cells: Sequence[object], sheet_row: int) -> RosterRow:
        """Normalise and check one data row (see :meth:`kind` for the others)."""
        problems: list[RowProblem] = []
        if len(cells) < self._width:
            cells = [*cells, *([None] * (self._width - len(cells)))]

        number, sex, birth, converted = self._id(
            cells[self._id_col] if self._id_col is not None else None, problems, sheet_row)

        c = self._name_col
        raw = cells[c] if c is not None else None
        if type(raw) is str and raw.isalnum():
            name = raw
        else:
            name = clean_text(raw)
            if name and " " in name and any(ord(ch) > 0x2E80 for ch in name):
                name = name.replace(" ", "")  # "王  芳": spaces padding a Chinese name
        if not name:
            problems.append(RowProblem(sheet_row, c, Field.NAME, "name_empty", {}))
        elif (too_long := length_params(name, MAX_PERSON_NAME)) is not None:
            problems.append(RowProblem(sheet_row, c, Field.NAME, "name_too_long", too_long))

        c = self._hukou_col
        raw = cells[c] if c is not None else None
        hukou = self._hukou.get(raw) if type(raw) is str else None  # type: ignore[call-overload]
        if hukou is None:
            hukou = self._resolve_hukou(raw)
        hukou_text, hukou_code, hukou_problem, hukou_params = hukou
        if hukou_problem is not None:
            problems.append(RowProblem(sheet_row, c, Field.HUKOU, hukou_problem, hukou_params))

        contract_type, start, end = self._contract(cells, sheet_row, problems)

        hire_date: str | None = None
        c = self._hire_col
        if c is not None:
            hire = self._cached(self._caches[Field.HIRE_DATE], cells[c], parse_date)
            if type(hire) is CellValueError:
                problems.append(self._value_problem(sheet_row, Field.HIRE_DATE, "hire_date_unreadable", hire))  # type: ignore[arg-type]
            elif hire is not None:
                hire_date = hire.isoformat()  # type: ignore[attr-defined]

        found: list[object] = []
        for f, c, cache, parser in self._optional_fields:
            if c is None:
                found.append(None)
                continue
            value = self._cached(cache, cells[c], parser)
            if type(value) is CellValueError:
                problems.append(self._value_problem(sheet_row, f, value.code, value))  # type: ignore[attr-defined]
                value = None
            found.append(value)
        wage, insurance, group, declared_sex = found
        paid_months = self._paid_months(cells, sheet_row, problems) if self._has_months else None
        c = self._job_col
        text: Any = None if c is None else cells[c]
        job = "" if c is None else (text if type(text) is str and text.isalnum() else clean_text(text))
        c = self._phone_col
        text = None if c is None else cells[c]
        phone = "" if c is None else (text if type(text) is str and text.isdigit() else squeezed(text))

        if sex is not None:
            if declared_sex is not None and declared_sex != sex:
                problems.append(RowProblem(sheet_row, self.layout.columns.get(Field.SEX), Field.SEX, "sex_mismatch", {
                    "declared": _SEX_LABEL[str(declared_sex)], "from_id": _SEX_LABEL[sex]}))
            if hukou_code is not None and number[:6] != hukou_code:
                self._id_area(number, hukou_text, hukou_code, sheet_row, problems)
            if start is not None and birth and start.year - int(birth[:4]) <= 17:
                self._age(birth, start, sheet_row, problems)
        if wage is not None and self.minimum_wage is not None and wage < self.minimum_wage:  # type: ignore[operator]
            problems.append(RowProblem(sheet_row, self.layout.columns.get(Field.WAGE), Field.WAGE,
                                       "wage_below_minimum", {
                                           "wage": _amount_text(float(wage)),  # type: ignore[arg-type]
                                           "minimum": _amount_text(self.minimum_wage)}))

        status: RowStatus = "valid"
        if sex is not None:
            first = self.first_row_of.get(number)
            if first is None:
                self.first_row_of[number] = sheet_row
            else:
                problems.append(RowProblem(sheet_row, self._id_col, Field.ID_NUMBER,
                                           "duplicate_in_roster", {"first_row": first}))
                status = "duplicate"
        if problems:
            if status == "valid" and any(p.code in ERROR_CODES for p in problems):
                status = "invalid"
            if len(problems) > 1:
                problems.sort(key=_problem_order)

        return RosterRow(
            sheet_row, status, number, name, sex, birth or None, hukou_text, hukou_code,
            contract_type.value, start.isoformat() if start else None, end.isoformat() if end else None,
            hire_date, job, wage, paid_months,  # type: ignore[arg-type]
            None if insurance is None else int(bool(insurance)), phone,
            group.value if group is not None else None,  # type: ignore[attr-defined]
            converted, problems,
        )

    # -- many rows at once ------------------------------------------------
    def check_block(self, block: Sequence[Sequence[object]], sheet_rows: Sequence[int]) -> list[RosterRow]:
        """:meth:`check` for many rows at once, with the same result.

        The block is turned into columns, and each column is mapped, once per
        distinct cell value (a roster repeats a few hundred places, dates,
        amounts and words), to what a clean row stores, or to ``_SLOW`` when
        the cell has something to say.  A row whose cells are all clean is
        then assembled directly; any other row (a problem, a warning, a
        duplicate, an unusual layout) goes through :meth:`check`, which stays
        the one definition of the rules.
        """
        width = self._width
        rows = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in block]
        simple = not self._has_months and (self._term_col is None) != (self._start_col is None)
        if not rows or not simple:
            return [self.check(cells, n) for cells, n in zip(rows, sheet_rows)]
        columns = list(zip(*rows))  # every row has at least `width` cells, so no mapped column is cut off
        n = len(rows)
        none: Sequence[object] = (None,) * n

        def raw(c: int | None) -> Sequence[object]:
            return none if c is None else columns[c]

        def clean(c: int | None, kind: str) -> Sequence[object]:
            return none if c is None else self._clean_column(columns[c], kind)

        by_term = self._term_col is not None
        hukous = (_SLOW,) * n if self._hukou_col is None else self._clean_column(columns[self._hukou_col], "hukou")
        starts = clean(self._term_col, "term") if by_term else clean(self._start_col, "start")
        ends = none if by_term else clean(self._end_col, "end")

        births, birth_of, first_row_of, check = self._births, self._birth, self.first_row_of, self.check
        check_map, slow, fixed, open_ended = ID_CHECK_MAP, _SLOW, ContractType.FIXED, ContractType.OPEN_ENDED
        out: list[RosterRow] = []
        append = out.append
        for (
            cells, sheet_row, number, name, hukou, start, end, declared, wage, insured, group, declared_sex, hire,
            job, phone,
        ) in zip(
            rows, sheet_rows, raw(self._id_col), raw(self._name_col), hukous, starts, ends,
            clean(self._type_col, "contract_type"), clean(self._wage_col, "wage"),
            clean(self._insurance_col, "insurance"), clean(self._group_col, "group"), clean(self._sex_col, "sex"),
            clean(self._hire_col, "hire"),
            raw(self._job_col), raw(self._phone_col),
        ):
            # An ID number typed plainly and valid (the check character computed as in
            # digits_check_char), every cell clean, the person not seen before.
            if (
                type(number) is not str or len(number) != 18 or not number.isascii()
                or not (head := number[:17]).isdigit() or number[17] != check_map[2 * int(head, 13) % 11]
                or hukou is slow or number[:6] != hukou[1]  # type: ignore[index]
                or type(name) is not str or not name.isalnum() or len(name) > MAX_PERSON_NAME
                or start is slow or end is slow or declared is slow or wage is slow or insured is slow
                or group is slow or hire is slow or number in first_row_of
            ):
                append(check(cells, sheet_row))
                continue
            born = births.get(number[6:14])
            if born is None:
                born = birth_of(number[6:14])
            sex = "M" if number[16] in "13579" else "F"
            if by_term:
                start_text, start_year, end, term_kind = start  # type: ignore[misc]
                conflict = declared is not None and term_kind is not None and declared is not term_kind
                kind = declared or term_kind or fixed
            else:
                start_text, start_year = start  # type: ignore[misc]
                conflict = False
                kind = declared or fixed
            if (
                not born or conflict or (declared_sex is not None and declared_sex != sex)
                or (end is None and kind is fixed) or (end is not None and (kind is open_ended or end < start_text))
                or start_year - born[1] <= 17
            ):
                append(check(cells, sheet_row))
                continue
            if type(job) is not str or not job.isalnum():
                job = clean_text(job)
            if type(phone) is not str or not phone.isdigit():
                phone = squeezed(phone)
            first_row_of[number] = sheet_row
            append(RosterRow(
                sheet_row, "valid", number, name, sex, born[0], hukou[0], hukou[1], kind._value_,  # type: ignore[index]
                start_text, end, hire, job, wage, None, insured, phone, group, False, [],  # type: ignore[arg-type]
            ))
        return out

    def _clean_column(self, values: Sequence[object], kind: str) -> list[object]:
        """Each cell as a clean row stores it, or ``_SLOW``; worked out once per distinct value.

        A bool equals 1 or 0 as a dict key but reads differently, so it is
        looked at every time and never cached.
        """
        cache = self._clean[kind]
        compute = self._clean_of[kind]
        get = cache.get
        miss = _MISS

        def fill(value: object) -> object:
            found = compute(value)
            if type(value) is not bool and len(cache) < _CACHE_LIMIT:
                cache[value] = found
            return found

        return [x if (x := get(v, miss)) is not miss and type(v) is not bool else fill(v) for v in values]

    # What check() makes of one cell when the cell has nothing to say about it.
    def _clean_hukou(self, raw: object) -> object:
        if type(raw) is not str:
            return _SLOW
        text, code, problem, _ = self._resolve_hukou(raw)
        return _SLOW if problem is not None else (text, code)

    def _clean_parsed(self, f: Field, raw: object, parser: Callable[[object], object]) -> object:
        value = self._cached(self._caches[f], raw, parser)
        return _SLOW if type(value) is CellValueError else value

    def _clean_start(self, raw: object) -> object:
        value = raw if type(raw) is datetime.date else self._clean_parsed(Field.CONTRACT_START, raw, parse_date)
        return _SLOW if value is None or value is _SLOW else (value.isoformat(), value.year)  # type: ignore[attr-defined]

    def _clean_end(self, raw: object) -> object:
        if type(raw) is datetime.date:
            return raw.isoformat()
        if type(raw) is str and not raw.strip()[:1].isdigit() and _names_kind(raw) is not None:
            return _SLOW  # "长期" in the end column: the contract's kind, which check() works out
        value = self._clean_parsed(Field.CONTRACT_END, raw, parse_date)
        return value if value is None or value is _SLOW else value.isoformat()  # type: ignore[attr-defined]

    def _clean_term(self, raw: object) -> object:
        term = self._clean_parsed(Field.CONTRACT_TERM, raw, parse_contract_term)
        if term is None or term is _SLOW or term.start is None:  # type: ignore[attr-defined]
            return _SLOW
        start, end = term.start, term.end  # type: ignore[attr-defined]
        return (start.isoformat(), start.year, end.isoformat() if end is not None else None, term.kind)  # type: ignore[attr-defined]

    def _clean_wage(self, raw: object) -> object:
        wage = self._clean_parsed(Field.WAGE, raw, parse_amount)
        minimum = self.minimum_wage
        if wage is not None and wage is not _SLOW and minimum is not None and wage < minimum:  # type: ignore[operator]
            return _SLOW
        return wage

    def _clean_insurance(self, raw: object) -> object:
        insured = self._clean_parsed(Field.INSURANCE, raw, parse_yes_no)
        return insured if insured is None or insured is _SLOW else int(bool(insured))

    def _clean_group(self, raw: object) -> object:
        group = self._clean_parsed(Field.GROUP, raw, parse_priority_group)
        return group if group is None or group is _SLOW else group.value  # type: ignore[attr-defined]

    def _clean_hire(self, raw: object) -> object:
        hire = self._clean_parsed(Field.HIRE_DATE, raw, parse_date)
        return hire if hire is None or hire is _SLOW else hire.isoformat()  # type: ignore[attr-defined]

    def _value_problem(self, sheet_row: int, f: Field, code: str, exc: CellValueError) -> RowProblem:
        column = self._col[f]
        return RowProblem(sheet_row, column, f, code, {
            "value": clean_text(exc.value), "column": self.layout.header_of(column) or f.label})

    def _optional(
        self, cells: Sequence[object], f: Field, parser: Callable[[object], object], sheet_row: int,
        problems: list[RowProblem],
    ) -> object:
        c = self._col[f]
        if c is None:
            return None
        value = self._value(f, cells[c], parser)
        if type(value) is CellValueError:
            problems.append(self._value_problem(sheet_row, f, value.code, value))  # type: ignore[attr-defined]
            return None
        return value

    def _contract(
        self, cells: Sequence[object], sheet_row: int, problems: list[RowProblem]
    ) -> tuple[ContractType, datetime.date | None, datetime.date | None]:
        start: datetime.date | None = None
        end: datetime.date | None = None
        term_kind: ContractType | None = None
        term_text = ""
        unreadable = False
        caches = self._caches
        c = self._term_col
        if c is not None:
            raw = cells[c]
            term = self._cached(caches[Field.CONTRACT_TERM], raw, parse_contract_term)
            if type(term) is CellValueError:
                problems.append(self._value_problem(sheet_row, Field.CONTRACT_TERM, term.code, term))  # type: ignore[attr-defined]
                unreadable = True
            elif term is not None:
                start, end, term_kind = term.start, term.end, term.kind  # type: ignore[attr-defined]
                if term_kind is not None:
                    term_text = clean_text(raw)
        c = self._start_col
        if c is not None:
            raw = cells[c]
            value = raw if type(raw) is datetime.date else self._cached(caches[Field.CONTRACT_START], raw, parse_date)
            if type(value) is CellValueError:
                problems.append(self._value_problem(sheet_row, Field.CONTRACT_START, "date_unreadable", value))  # type: ignore[arg-type]
                unreadable = True
            elif value is not None:
                start = value  # type: ignore[assignment]
        c = self._end_col
        if c is not None:
            raw = cells[c]
            if type(raw) is datetime.date:
                end = raw
            else:
                named = _names_kind(raw) if type(raw) is str and not raw.strip()[:1].isdigit() else None
                if named is not None:
                    term_kind, term_text = named, clean_text(raw)
                else:
                    value = self._cached(caches[Field.CONTRACT_END], raw, parse_date)
                    if type(value) is CellValueError:
                        problems.append(self._value_problem(sheet_row, Field.CONTRACT_END, "date_unreadable", value))  # type: ignore[arg-type]
                        unreadable = True
                    elif value is not None:
                        end = value  # type: ignore[assignment]

        kind = term_kind or ContractType.FIXED
        c = self._type_col
        if c is not None:
            declared = self._cached(caches[Field.CONTRACT_TYPE], cells[c], parse_contract_type)
            if type(declared) is CellValueError:
                problems.append(self._value_problem(sheet_row, Field.CONTRACT_TYPE, declared.code, declared))  # type: ignore[attr-defined]
                unreadable = True
            elif declared is not None:
                kind = declared  # type: ignore[assignment]
                if (term_kind is not None and term_kind is not declared) or (
                    declared is ContractType.OPEN_ENDED and end is not None
                ):
                    problems.append(RowProblem(sheet_row, c, Field.CONTRACT_TYPE, "contract_type_conflict", {
                        "declared": kind.label, "term": term_text or (end.isoformat() if end else ""),
                    }))
        if kind is ContractType.OPEN_ENDED:
            end = None
        if unreadable:
            return kind, start, end
        if start is None:
            date_column = self._term_col if self._term_col is not None else self._start_col
            problems.append(RowProblem(sheet_row, date_column, Field.CONTRACT_START, "contract_start_missing", {}))
        elif end is None:
            if kind is ContractType.FIXED:
                problems.append(RowProblem(sheet_row, self._end_column(), Field.CONTRACT_END,
                                           "contract_end_missing", {}))
        elif end < start:
            problems.append(RowProblem(sheet_row, self._end_column(), Field.CONTRACT_END,
                                       "contract_end_before_start", {"start": start.isoformat(), "end": end.isoformat()}))
        return kind, start, end

    def _end_column(self) -> int | None:
        col = self._col
        for f in (Field.CONTRACT_END, Field.CONTRACT_TERM, Field.CONTRACT_START):
            if col[f] is not None:
                return col[f]
        return None

    def _paid_months(self, cells: Sequence[object], sheet_row: int, problems: list[RowProblem]) -> tuple[str, ...] | None:
        if self._col[Field.PAID_MONTHS] is not None:
            value = self._optional(cells, Field.PAID_MONTHS, parse_paid_months, sheet_row, problems)
            return value if isinstance(value, tuple) else None
        if self._months:
            return tuple(sorted(month for c, month in self._months if c < len(cells) and month_cell_paid(cells[c])))
        return None

    def _id_area(self, number: str, hukou_text: str, hukou_code: str, sheet_row: int, problems: list[RowProblem]) -> None:
        prefix = number[:6]
        area = self.areas.by_code(prefix)
        if area is not None:
            if (area.successor_code or area.code) == hukou_code:
                return
            id_area = area.full_name
        elif prefix.startswith("22"):
            return  # a Jilin code we do not know: no basis for a warning
        else:
            id_area = QT_TRANSLATE_NOOP("problems", "吉林省外")
        problems.append(RowProblem(sheet_row, self._col[Field.HUKOU], Field.HUKOU, "id_area_mismatch", {
            "id_code": prefix, "id_area": id_area, "hukou": hukou_text}))

    def _age(self, birth: str, start: datetime.date, sheet_row: int, problems: list[RowProblem]) -> None:
        age = start.year - int(birth[:4]) - ((start.month, start.day) < (int(birth[5:7]), int(birth[8:10])))
        if age < 16:
            column = self._col[Field.CONTRACT_TERM]
            if column is None:
                column = self._col[Field.CONTRACT_START]
            problems.append(RowProblem(sheet_row, column, Field.CONTRACT_START, "under_16", {
                "age": age, "start": start.isoformat()}))


def _names_kind(text: str) -> ContractType | None:
    compact = squeezed(text)
    if any(word in compact for word in TASK_WORDS):
        return ContractType.TASK
    if any(word in compact for word in OPEN_ENDED_WORDS):
        return ContractType.OPEN_ENDED
    return None


def _amount_text(amount: float) -> str:
    return f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"


def _problem_order(p: RowProblem) -> tuple[int, int]:
    return (0 if p.code in ERROR_CODES else 1, p.column if p.column is not None else -1)


# --------------------------------------------------------------------------
# A whole sheet


@dataclass
class SheetCheck:
    """The rows of one sheet, checked."""

    sheet: str
    layout: HeaderLayout
    rows: list[RosterRow]
    skipped: dict[str, list[int]]  # "blank" / "closing" / "header" -> 1-based sheet rows

    def counts(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), "valid": 0, "invalid": 0, "duplicate": 0, "warnings": 0}
        for row in self.rows:
            counts[row.status] += 1
            if row.status == "valid" and row.problems:
                counts["warnings"] += 1
        return counts

    def problems(self) -> Iterator[RowProblem]:
        for row in self.rows:
            yield from row.problems


def check_sheet(
    sheet: str,
    rows: Iterable[Sequence[object]],
    layout: HeaderLayout,
    checker: RowChecker,
    *,
    merged: Sequence[Merged] = (),
    total_rows: int = 0,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> SheetCheck:
    """Check every row below the header; ``rows`` starts at grid row 0."""
    collecting = gc.isenabled()
    if collecting:
        # 100,000 new row objects would set off the cyclic collector over and
        # over (a third of the time); they hold no cycles, so pause it.
        gc.disable()
    try:
        return _check_rows(sheet, rows, layout, checker, merged, total_rows, progress, cancel)
    finally:
        if collecting:
            # The rows live as long as the preview and were made while the
            # collector slept, so they all sit in its youngest generation: the
            # next young collection would walk every one of them (about 0.1 s
            # for 100,000 rows) only to keep them.  freeze() + unfreeze() moves
            # everything tracked to the oldest generation at once, without a
            # walk; young garbage, if any, waits for the next full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _check_rows(
    sheet: str, rows: Iterable[Sequence[object]], layout: HeaderLayout, checker: RowChecker,
    merged: Sequence[Merged], total_rows: int, progress: ProgressFn | None, cancel: CancelFn | None,
) -> SheetCheck:
    fill = _DataMergeFill(merged, layout.first_data_row)
    checked: list[RosterRow] = []
    skipped: dict[str, list[int]] = {"blank": [], "closing": [], "header": []}
    step = 2048
    kind_of = checker.kind
    block: list[Sequence[object]] = []
    numbers: list[int] = []

    def flush() -> None:
        checked.extend(checker.check_block(block, numbers))
        block.clear()
        numbers.clear()

    id_col = checker.layout.columns.get(Field.ID_NUMBER)
    digits = _DIGIT_CHARS
    for index, cells in enumerate(rows):
        if index < layout.first_data_row:
            continue
        if fill.active:
            cells = fill.apply(index, cells)
        # The usual row, an ID number where it belongs, is told here without a call (see RowChecker.kind).
        id_value = cells[id_col] if id_col is not None and id_col < len(cells) else None
        if type(id_value) is str and len(id_value) >= 15 and id_value[0] in digits:
            kind = "data"
        else:
            kind = kind_of(cells)
        if kind == "data":
            block.append(cells)
            numbers.append(index + 1)
            if len(block) >= step:
                flush()
                check_cancel(cancel)
                if progress is not None:
                    progress("check", index, total_rows)
        else:
            skipped[kind].append(index + 1)
    if block:
        flush()
    if progress is not None:
        progress("check", total_rows, total_rows)
    return SheetCheck(sheet, layout, checked, skipped)


class _DataMergeFill:
    """Cells merged down over several data rows ("大安市" once for five workers) fill every row."""

    def __init__(self, merged: Sequence[Merged], first_data_row: int) -> None:
        self.ranges = sorted(
            ((r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged if r1 > r0 and r1 >= first_data_row),
        )
        self.active = bool(self.ranges)
        self.values: dict[tuple[int, int, int, int], object] = {}

    def apply(self, index: int, cells: Sequence[object]) -> Sequence[object]:
        out: list[object] | None = None
        for key in self.ranges:
            r0, c0, r1, c1 = key
            if r0 > index:
                break
            if index > r1:
                continue
            if index == r0:
                self.values[key] = cells[c0] if c0 < len(cells) else None
                continue
            value = self.values.get(key)
            if value is None or is_blank(value):
                continue
            out = out if out is not None else list(cells)
            if len(out) <= c1:
                out.extend([None] * (c1 + 1 - len(out)))
            for c in range(c0, c1 + 1):
                if is_blank(out[c]):
                    out[c] = value
        return cells if out is None else out


def group_problems(problems: Iterable[RowProblem]) -> list[dict[str, object]]:
    """Problems of one kind together: code, severity, count and the rows, errors first."""
    groups: dict[str, dict[str, object]] = {}
    for p in problems:
        entry = groups.get(p.code)
        if entry is None:
            entry = groups[p.code] = {"code": p.code, "title": PROBLEM_TITLES.get(p.code, p.code),
                                      "severity": p.severity, "count": 0, "rows": [], "example": p.text()}
        entry["count"] = int(entry["count"]) + 1  # type: ignore[call-overload]
        entry["rows"].append(p.row)  # type: ignore[attr-defined]
    return sorted(groups.values(), key=lambda g: (g["severity"] != "error", -int(g["count"]), str(g["code"])))  # type: ignore[call-overload]
