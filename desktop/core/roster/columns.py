"""The column-wise path of the row checks: many rows at once, the same rows as ``RowChecker.check``."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from desktop.core.identifiers import ID_CHECK_MAP
from desktop.core.names import MAX_PERSON_NAME
from desktop.core.roster.rules import CACHE_LIMIT, MISS, SLOW, names_kind
from desktop.core.roster.rows import RosterRow
from desktop.core.roster_headers import Field
from desktop.core.roster_values import (
    CellValueError, clean_text, parse_amount, parse_contract_term, parse_contract_type, parse_date, parse_priority_group,
    parse_sex, parse_yes_no, squeezed,
)
from desktop.core.workers import ContractType

if TYPE_CHECKING:
    from desktop.core.roster.checker import RowChecker


class ColumnChecks:
    """The column-wise path of one :class:`RowChecker`, sharing its caches and its duplicate tracking."""

    def __init__(self, checker: RowChecker) -> None:
        self.checker = checker
        self._clean_of: dict[str, Callable[[object], object]] = {
            "hukou": self._clean_hukou, "start": self._clean_start, "end": self._clean_end, "term": self._clean_term,
            "wage": self._clean_wage, "insurance": self._clean_insurance, "group": self._clean_group,
            "hire": self._clean_hire,
            "sex": lambda raw: self._clean_parsed(Field.SEX, raw, parse_sex),
            "contract_type": lambda raw: self._clean_parsed(Field.CONTRACT_TYPE, raw, parse_contract_type),
        }
        self._clean: dict[str, dict[object, object]] = {kind: {} for kind in self._clean_of}

    def check_block(self, block: Sequence[Sequence[object]], sheet_rows: Sequence[int]) -> list[RosterRow]:
        """:meth:`check` for many rows at once, with the same result.

        The block is turned into columns, and each column is mapped, once per
        distinct cell value (a roster repeats a few hundred places, dates,
        amounts and words), to what a clean row stores, or to ``SLOW`` when
        the cell has something to say.  A row whose cells are all clean is
        then assembled directly; any other row (a problem, a warning, a
        duplicate, an unusual layout) goes through :meth:`check`, which stays
        the one definition of the rules.
        """
        ch = self.checker
        width = ch._width
        rows = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in block]
        simple = not ch._has_months and (ch._term_col is None) != (ch._start_col is None)
        if not rows or not simple:
            return [ch.check(cells, n) for cells, n in zip(rows, sheet_rows)]
        columns = list(zip(*rows))  # every row has at least `width` cells, so no mapped column is cut off
        n = len(rows)
        none: Sequence[object] = (None,) * n

        def raw(c: int | None) -> Sequence[object]:
            return none if c is None else columns[c]

        def clean(c: int | None, kind: str) -> Sequence[object]:
            return none if c is None else self._clean_column(columns[c], kind)

        by_term = ch._term_col is not None
        hukous = (SLOW,) * n if ch._hukou_col is None else self._clean_column(columns[ch._hukou_col], "hukou")
        starts = clean(ch._term_col, "term") if by_term else clean(ch._start_col, "start")
        ends = none if by_term else clean(ch._end_col, "end")

        births, birth_of, first_row_of, check = ch._births, ch._birth, ch.first_row_of, ch.check
        check_map, slow, fixed, open_ended = ID_CHECK_MAP, SLOW, ContractType.FIXED, ContractType.OPEN_ENDED
        out: list[RosterRow] = []
        append = out.append
        for (
            cells, sheet_row, number, name, hukou, start, end, declared, wage, insured, group, declared_sex, hire,
            job, phone,
        ) in zip(
            rows, sheet_rows, raw(ch._id_col), raw(ch._name_col), hukous, starts, ends,
            clean(ch._type_col, "contract_type"), clean(ch._wage_col, "wage"),
            clean(ch._insurance_col, "insurance"), clean(ch._group_col, "group"), clean(ch._sex_col, "sex"),
            clean(ch._hire_col, "hire"),
            raw(ch._job_col), raw(ch._phone_col),
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
        """Each cell as a clean row stores it, or ``SLOW``; worked out once per distinct value.

        A bool equals 1 or 0 as a dict key but reads differently, so it is
        looked at every time and never cached.
        """
        cache = self._clean[kind]
        compute = self._clean_of[kind]
        get = cache.get
        miss = MISS

        def fill(value: object) -> object:
            found = compute(value)
            if type(value) is not bool and len(cache) < CACHE_LIMIT:
                cache[value] = found
            return found

        return [x if (x := get(v, miss)) is not miss and type(v) is not bool else fill(v) for v in values]

    # What check() makes of one cell when the cell has nothing to say about it.
    def _clean_hukou(self, raw: object) -> object:
        if type(raw) is not str:
            return SLOW
        text, code, problem, _ = self.checker._resolve_hukou(raw)
        return SLOW if problem is not None else (text, code)

    def _clean_parsed(self, f: Field, raw: object, parser: Callable[[object], object]) -> object:
        value = self.checker._cached(self.checker._caches[f], raw, parser)
        return SLOW if type(value) is CellValueError else value

    def _clean_start(self, raw: object) -> object:
        value = raw if type(raw) is datetime.date else self._clean_parsed(Field.CONTRACT_START, raw, parse_date)
        return SLOW if value is None or value is SLOW else (value.isoformat(), value.year)  # type: ignore[attr-defined]

    def _clean_end(self, raw: object) -> object:
        if type(raw) is datetime.date:
            return raw.isoformat()
        if type(raw) is str and not raw.strip()[:1].isdigit() and names_kind(raw) is not None:
            return SLOW  # "长期" in the end column: the contract's kind, which check() works out
        value = self._clean_parsed(Field.CONTRACT_END, raw, parse_date)
        return value if value is None or value is SLOW else value.isoformat()  # type: ignore[attr-defined]

    def _clean_term(self, raw: object) -> object:
        term = self._clean_parsed(Field.CONTRACT_TERM, raw, parse_contract_term)
        if term is None or term is SLOW or term.start is None:  # type: ignore[attr-defined]
            return SLOW
        start, end = term.start, term.end  # type: ignore[attr-defined]
        return (start.isoformat(), start.year, end.isoformat() if end is not None else None, term.kind)  # type: ignore[attr-defined]

    def _clean_wage(self, raw: object) -> object:
        wage = self._clean_parsed(Field.WAGE, raw, parse_amount)
        minimum = self.checker.minimum_wage
        if wage is not None and wage is not SLOW and minimum is not None and wage < minimum:  # type: ignore[operator]
            return SLOW
        return wage

    def _clean_insurance(self, raw: object) -> object:
        insured = self._clean_parsed(Field.INSURANCE, raw, parse_yes_no)
        return insured if insured is None or insured is SLOW else int(bool(insured))

    def _clean_group(self, raw: object) -> object:
        group = self._clean_parsed(Field.GROUP, raw, parse_priority_group)
        return group if group is None or group is SLOW else group.value  # type: ignore[attr-defined]

    def _clean_hire(self, raw: object) -> object:
        hire = self._clean_parsed(Field.HIRE_DATE, raw, parse_date)
        return hire if hire is None or hire is SLOW else hire.isoformat()  # type: ignore[attr-defined]

