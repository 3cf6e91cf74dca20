"""The row checks: one data row normalised and checked, every rule with its problem.

``RowChecker.check`` is the definition of the rules; ``check_block`` gives
the same rows for many at once through the column-wise path
(``desktop.core.roster.columns``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

from desktop.core.areas import AreaTable
from desktop.core.identifiers import IdentifierError, digits_check_char, parse_id_number
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.names import MAX_PERSON_NAME, length_params
from desktop.core.national_areas import NationalAreas
from desktop.core.roster.columns import ColumnChecks
from desktop.core.roster.kinds import RowKinds
from desktop.core.roster.problems import ERROR_CODES, RowProblem, problem_order
from desktop.core.roster.rows import RosterRow, RowStatus
from desktop.core.roster.rules import CACHE_LIMIT, amount_text, cached, names_kind
from desktop.core.roster_headers import Field, HeaderLayout
from desktop.core.roster_values import (
    CellValueError, clean_text, month_cell_paid, parse_amount, parse_contract_term,
    parse_contract_type, parse_date, parse_paid_months, parse_priority_group, parse_sex, parse_yes_no, squeezed,
)
from desktop.core.workers import ContractType

_OTHER_PROVINCES: Final = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海",
    "宁夏", "新疆", "台湾", "香港", "澳门",
)
_SCIENTIFIC: Final = re.compile(r"^\d(?:\.\d+)?E\+?\d{1,3}$")
_EARLIEST_BIRTH: Final = datetime.date(1900, 1, 1)
_SEX_LABEL: Final = {"M": "男", "F": "女"}

_Hukou = tuple[str, str | None, str | None, dict[str, object]]  # text, code, problem code, params


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
        self._width = max([*cols.values(), *layout.month_columns, 0]) + 1
        self._months = sorted(layout.month_columns.items())
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
        caches = self._caches
        self._optional_fields = tuple(
            (f, cols.get(f), caches[f], parser) for f, parser in (
                (Field.WAGE, parse_amount), (Field.INSURANCE, parse_yes_no), (Field.GROUP, parse_priority_group),
                (Field.SEX, parse_sex),
            )
        )
        self.kind = RowKinds(layout).kind  # what a row below the header is
        self._columns: ColumnChecks | None = None

    # -- values -----------------------------------------------------------
    def _value(self, f: Field, raw: object, parser: Callable[[object], object]) -> object:
        """The parsed value, or the CellValueError; text is parsed once per distinct value."""
        return self._cached(self._caches[f], raw, parser)

    _cached = staticmethod(cached)

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
            if len(self._hukou) < CACHE_LIMIT:
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
                                           "wage": amount_text(float(wage)),  # type: ignore[arg-type]
                                           "minimum": amount_text(self.minimum_wage)}))

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
                problems.sort(key=problem_order)

        return RosterRow(
            sheet_row, status, number, name, sex, birth or None, hukou_text, hukou_code,
            contract_type.value, start.isoformat() if start else None, end.isoformat() if end else None,
            hire_date, job, wage, paid_months,  # type: ignore[arg-type]
            None if insurance is None else int(bool(insurance)), phone,
            group.value if group is not None else None,  # type: ignore[attr-defined]
            converted, problems,
        )

    def check_block(self, block: Sequence[Sequence[object]], sheet_rows: Sequence[int]) -> list[RosterRow]:
        """:meth:`check` for many rows at once, with the same result (see ``ColumnChecks``)."""
        if self._columns is None:
            self._columns = ColumnChecks(self)
        return self._columns.check_block(block, sheet_rows)

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
                named = names_kind(raw) if type(raw) is str and not raw.strip()[:1].isdigit() else None
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
