"""The row checks: one data row normalised and checked, every rule with its problem.

``RowChecker.check`` is the definition of the rules; ``check_block`` gives
the same rows for many at once through the column-wise path
(``desktop.core.roster.columns``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Final

from desktop.core.areas import AreaTable
from desktop.core.identifiers import IdentifierError, digits_check_char, parse_id_number
from desktop.core.national_areas import NationalAreas
from desktop.core.roster.columns import ColumnChecks
from desktop.core.roster.kinds import RowKinds
from desktop.core.roster.problems import ERROR_CODES, RowProblem, problem_order
from desktop.core.roster.rows import RosterRow, RowStatus
from desktop.core.roster.rules import (
    CACHE_LIMIT, EndCell, Finding, Term, cached, contract, id_area_mismatch, names_kind, person_name, phone_text,
    plain_text, sex_mismatch, under_16, wage_below,
)
from desktop.core.roster_headers import Field, HeaderLayout
from desktop.core.roster_values import (
    CellValueError, clean_text, month_cell_paid, parse_amount, parse_contract_term,
    parse_contract_type, parse_date, parse_paid_months, parse_priority_group, parse_sex, parse_yes_no, squeezed,
)

_OTHER_PROVINCES: Final = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海",
    "宁夏", "新疆", "台湾", "香港", "澳门",
)
_SCIENTIFIC: Final = re.compile(r"^\d(?:\.\d+)?E\+?\d{1,3}$")
_EARLIEST_BIRTH: Final = datetime.date(1900, 1, 1)
_Hukou = tuple[str, str | None, str | None, dict[str, object]]  # text, code, problem code, params


def _iso(day: datetime.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _read_term(raw: object) -> Term | None:
    term = parse_contract_term(raw)
    if term is None:
        return None
    return _iso(term.start), _iso(term.end), term.kind, clean_text(raw) if term.kind is not None else ""


def _read_end(raw: object) -> EndCell | None:
    if type(raw) is str and not raw.strip()[:1].isdigit():
        named = names_kind(raw)
        if named is not None:
            return None, named, clean_text(raw)
    end = _iso(parse_date(raw))
    return None if end is None else (end, None, "")


def _read_group(raw: object) -> str | None:
    group = parse_priority_group(raw)
    return None if group is None else group.value


def _read_insurance(raw: object) -> int | None:
    insured = parse_yes_no(raw)
    return None if insured is None else int(bool(insured))


# How each cell reads (to what a row stores), in the order the problems of a row are said.
_READERS: Final[dict[Field, Callable[[object], object]]] = {
    Field.CONTRACT_TERM: _read_term,
    Field.CONTRACT_START: lambda raw: _iso(parse_date(raw)),
    Field.CONTRACT_END: _read_end,
    Field.CONTRACT_TYPE: parse_contract_type,
    Field.HIRE_DATE: lambda raw: _iso(parse_date(raw)),
    Field.WAGE: parse_amount,
    Field.INSURANCE: _read_insurance,
    Field.GROUP: _read_group,
    Field.SEX: parse_sex,
    Field.PAID_MONTHS: parse_paid_months,
}
_UNREADABLE: Final = {  # the problem of a cell that cannot be read, when not the parser's own
    Field.CONTRACT_START: "date_unreadable", Field.CONTRACT_END: "date_unreadable",
    Field.HIRE_DATE: "hire_date_unreadable",
}
_CONTRACT_FIELDS: Final = frozenset({Field.CONTRACT_TERM, Field.CONTRACT_START, Field.CONTRACT_END,
                                     Field.CONTRACT_TYPE})


class RowChecker:
    """Normalises and checks the data rows of one sheet.

    ``minimum_wage`` is the local monthly minimum in force (a warning below
    it); ``today`` bounds birth dates.  Duplicate ID numbers are found across
    every row given to one checker.

    Each cell is read once per distinct value and column (``read``: a
    roster repeats a few hundred dates, places and amounts); the rules over a
    row's values are those of ``desktop.core.roster.rules``, which the
    column-wise path (``check_block``) applies too.
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
        # The cells read through ``read``, in the order their problems are said.
        self._read_columns = tuple((f, cols[f]) for f in _READERS if f in cols and f is not Field.PAID_MONTHS)
        col = self._col
        self._finding_column = {
            **col,
            Field.CONTRACT_START: col[Field.CONTRACT_TERM] if col[Field.CONTRACT_TERM] is not None
            else col[Field.CONTRACT_START],
            Field.CONTRACT_END: next((col[f] for f in (Field.CONTRACT_END, Field.CONTRACT_TERM, Field.CONTRACT_START)
                                      if col[f] is not None), None),
        }
        self.kind = RowKinds(layout).kind  # what a row below the header is
        self._columns: ColumnChecks | None = None

    # -- values -----------------------------------------------------------
    def _id(self, raw: object, problems: list[RowProblem], sheet_row: int) -> tuple[str, str | None, str | None, bool]:
        """(number, sex, birth date, converted_from_15); number is "" or the normalised text on error."""
        plain = self.plain_id(raw)
        if plain is not None:
            return (*plain, False)
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

    # -- cells, as a row stores them --------------------------------------
    def read(self, f: Field, raw: object) -> object:
        """One cell of ``f`` as a row stores it, None when blank, or the CellValueError; once per distinct value."""
        return cached(self._caches[f], raw, _READERS[f])

    def _problem(self, sheet_row: int, finding: Finding) -> RowProblem:
        f, code, params = finding
        return RowProblem(sheet_row, self._finding_column[f], f, code, params)

    def _cell_problem(self, sheet_row: int, f: Field, exc: CellValueError) -> RowProblem:
        column = self._col[f]
        return RowProblem(sheet_row, column, f, _UNREADABLE.get(f) or exc.code, {
            "value": clean_text(exc.value), "column": self.layout.header_of(column) or f.label})

    def plain_id(self, raw: object) -> tuple[str, str, str] | None:
        """(number, sex, birth date) of a valid 18-character number typed plainly, else None (see _id)."""
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
                    return head + last, "M" if raw[16] in "13579" else "F", born[0]
        return None

    def seen(self, number: str, sheet_row: int) -> Finding | None:
        """The same person on an earlier row of this checker, or the row noted as the person's first."""
        first = self.first_row_of.get(number)
        if first is None:
            self.first_row_of[number] = sheet_row
            return None
        return (Field.ID_NUMBER, "duplicate_in_roster", {"first_row": first})

    # -- one row ----------------------------------------------------------
    def check(self, cells: Sequence[object], sheet_row: int) -> RosterRow:
        """Normalise and check one data row (see :meth:`kind` for the others)."""
        problems: list[RowProblem] = []
        if len(cells) < self._width:
            cells = [*cells, *([None] * (self._width - len(cells)))]

        number, sex, birth, converted = self._id(
            cells[self._id_col] if self._id_col is not None else None, problems, sheet_row)
        c = self._name_col
        name, finding = person_name(cells[c] if c is not None else None)
        if finding is not None:
            problems.append(self._problem(sheet_row, finding))

        c = self._hukou_col
        hukou_text, hukou_code, hukou_problem, hukou_params = self._resolve_hukou(cells[c] if c is not None else None)
        if hukou_problem is not None:
            problems.append(RowProblem(sheet_row, c, Field.HUKOU, hukou_problem, hukou_params))

        read: dict[Field, object] = {}
        for f, c in self._read_columns:
            value = self.read(f, cells[c])
            if type(value) is CellValueError:
                problems.append(self._cell_problem(sheet_row, f, value))  # type: ignore[arg-type]
                value = None
            read[f] = value
        get = read.get
        kind, start, end, said = contract(
            get(Field.CONTRACT_TYPE), get(Field.CONTRACT_TERM), get(Field.CONTRACT_START),  # type: ignore[arg-type]
            get(Field.CONTRACT_END), readable=not any(p.field in _CONTRACT_FIELDS for p in problems))  # type: ignore[arg-type]
        wage = get(Field.WAGE)
        paid_months = self._paid_months(cells, sheet_row, problems) if self._has_months else None
        c = self._job_col
        job = "" if c is None else plain_text(cells[c])
        c = self._phone_col
        phone = "" if c is None else phone_text(cells[c])

        findings = list(said)
        if sex is not None:
            findings.extend(f for f in (
                sex_mismatch(get(Field.SEX), sex), id_area_mismatch(self.areas, number, hukou_text, hukou_code),
                under_16(birth, start),  # type: ignore[arg-type]
            ) if f is not None)
        if (finding := wage_below(wage, self.minimum_wage)) is not None:
            findings.append(finding)
        status: RowStatus = "valid"
        if sex is not None and (finding := self.seen(number, sheet_row)) is not None:
            findings.append(finding)
            status = "duplicate"
        problems.extend(self._problem(sheet_row, finding) for finding in findings)
        if problems:
            if status == "valid" and any(p.code in ERROR_CODES for p in problems):
                status = "invalid"
            if len(problems) > 1:
                problems.sort(key=problem_order)

        return RosterRow(
            sheet_row, status, number, name, sex, birth or None, hukou_text, hukou_code, kind.value, start, end,
            get(Field.HIRE_DATE), job, wage, paid_months, get(Field.INSURANCE), phone,  # type: ignore[arg-type]
            get(Field.GROUP), converted, tuple(problems),  # type: ignore[arg-type]
        )

    def check_block(self, block: Sequence[Sequence[object]], sheet_rows: Sequence[int]) -> list[RosterRow]:
        """:meth:`check` for many rows at once, with the same result (see ``ColumnChecks``)."""
        if self._columns is None:
            self._columns = ColumnChecks(self)
        return self._columns.check_block(block, sheet_rows)

    def _paid_months(self, cells: Sequence[object], sheet_row: int, problems: list[RowProblem]) -> tuple[str, ...] | None:
        c = self._col[Field.PAID_MONTHS]
        if c is not None:
            value = self.read(Field.PAID_MONTHS, cells[c])
            if type(value) is CellValueError:
                problems.append(self._cell_problem(sheet_row, Field.PAID_MONTHS, value))  # type: ignore[arg-type]
                return None
            return value  # type: ignore[return-value]
        if self._months:
            return tuple(sorted(month for c, month in self._months if c < len(cells) and month_cell_paid(cells[c])))
        return None
