"""The column-wise path of the row checks: many rows at once, the same rows as ``RowChecker.check``.

A block of rows is turned into columns, and each column is mapped, once per
distinct cell value (a roster repeats a few hundred places, dates, amounts
and words), through the checker's own cell readers to what a row stores, or
to ``SLOW`` when the cell has something to say.  Each row is then put
through the same rules as ``check`` (``desktop.core.roster.rules``); a row
with any finding, or a cell with something to say, goes through ``check``
itself, which words its problems.  So every rule is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from desktop.core.roster.rows import RosterRow
from desktop.core.roster.rules import (
    CACHE_LIMIT, SLOW, contract, id_area_mismatch, person_name, phone_text, plain_text, sex_mismatch,
    sixteenth_birthday, wage_below,
)
from desktop.core.roster_headers import Field
from desktop.core.roster_values import CellValueError

if TYPE_CHECKING:
    from desktop.core.roster.checker import RowChecker


class ColumnChecks:
    """The column-wise path of one :class:`RowChecker`, sharing its caches and its duplicate tracking."""

    def __init__(self, checker: RowChecker) -> None:
        self.checker = checker
        clean_of: dict[Field, Callable[[object], object]] = {f: self._read_cell(f) for f in Field}
        clean_of[Field.HUKOU] = self._clean_hukou
        clean_of[Field.JOB] = plain_text
        self._clean = {f: _Cells(clean_of[f]) for f in Field}
        self._sixteens: dict[str, str] = {}
        self._contracts: dict[tuple[object, ...], tuple[Any, ...]] = {}

    def check_block(self, block: Sequence[Sequence[object]], sheet_rows: Sequence[int]) -> list[RosterRow]:
        """:meth:`RowChecker.check` for many rows at once, with the same result."""
        ch = self.checker
        width = ch._width
        rows = [r if len(r) >= width else [*r, *([None] * (width - len(r)))] for r in block]
        if not rows or ch._months:  # months paid, one column per month: rare, row by row
            return [ch.check(cells, n) for cells, n in zip(rows, sheet_rows)]
        columns = list(zip(*rows))  # every row has at least `width` cells, so no mapped column is cut off
        n = len(rows)
        none: Sequence[object] = (None,) * n
        col = ch._col
        none_text: Sequence[object] = ("",) * n
        phone_col = col[Field.PHONE]

        def raw(f: Field) -> Sequence[object]:
            c = col[f]
            return none if c is None else columns[c]

        def clean(f: Field, blank: object = None) -> Sequence[object]:
            c = col[f]
            return (blank,) * n if c is None else self._clean_column(f, columns[c])

        # under_16 asks when each birth date's sixteenth birthday is once per distinct date;
        # a row with anything to say goes through check, which words it.
        plain_id, check, slow, areas = ch.plain_id, ch.check, SLOW, ch.areas
        first_row_of = ch.first_row_of.setdefault  # ch.seen without a call: notes each person's first row
        sixteens, sixteen_of = self._sixteens.get, self._sixteen
        contracts, contract_of = self._contracts.get, self._contract
        out: list[RosterRow] = []
        append = out.append
        for (
            cells, sheet_row, number, name, hukou, term, start, end, declared, wage, insured, group, declared_sex,
            hire, paid_months, job, phone,
        ) in zip(
            rows, sheet_rows, raw(Field.ID_NUMBER), raw(Field.NAME), clean(Field.HUKOU, slow),
            clean(Field.CONTRACT_TERM), clean(Field.CONTRACT_START), clean(Field.CONTRACT_END),
            clean(Field.CONTRACT_TYPE), clean(Field.WAGE), clean(Field.INSURANCE), clean(Field.GROUP),
            clean(Field.SEX), clean(Field.HIRE_DATE), clean(Field.PAID_MONTHS), clean(Field.JOB, ""),
            none_text if phone_col is None else list(map(phone_text, columns[phone_col])),  # all distinct: no cache
        ):
            plain = plain_id(number)
            if (
                plain is None or hukou is slow or term is slow or start is slow or end is slow or declared is slow
                or wage is slow or insured is slow or group is slow or declared_sex is slow or hire is slow
                or paid_months is slow
            ):
                append(check(cells, sheet_row))
                continue
            number, sex, birth = plain
            name, name_finding = person_name(name)
            key = (declared, term, start, end)
            kind, start, end, findings = contracts(key) or contract_of(key)
            hukou_text, hukou_code = hukou  # type: ignore[misc]
            if (
                name_finding is not None or findings or sex_mismatch(declared_sex, sex) is not None
                or id_area_mismatch(areas, number, hukou_text, hukou_code) is not None
                or start is not None and start < (sixteens(birth) or sixteen_of(birth))  # under_16
                or first_row_of(number, sheet_row) != sheet_row  # last: it notes the person's first row
            ):
                append(check(cells, sheet_row))
                continue
            append(RosterRow(
                sheet_row, "valid", number, name, sex, birth, hukou_text, hukou_code, kind._value_, start, end,
                hire, job, wage, paid_months, insured, phone, group, False, (),  # type: ignore[arg-type]
            ))
        return out

    def _clean_column(self, f: Field, values: Sequence[object]) -> list[object]:
        """Each cell as a row stores it, or ``SLOW``; worked out once per distinct value (see _Cells)."""
        return list(map(self._clean[f].__getitem__, values))

    def _read_cell(self, f: Field) -> Callable[[object], object]:
        """The checker's reading of a cell of ``f``; ``SLOW`` when it cannot be read or the wage is below the minimum."""
        read = self.checker.read

        def clean(raw: object) -> object:
            value = read(f, raw)
            if type(value) is CellValueError:
                return SLOW
            if f is Field.WAGE and wage_below(value, self.checker.minimum_wage) is not None:
                return SLOW
            return value

        return clean

    def _clean_hukou(self, raw: object) -> object:
        if type(raw) is not str:
            return SLOW
        text, code, problem, _ = self.checker._resolve_hukou(raw)
        return SLOW if problem is not None else (text, code)

    def _contract(self, key: tuple[object, ...]) -> tuple[Any, ...]:
        """The contract rule's answer for one combination of the contract cells (a few thousand a roster), kept."""
        declared, term, start, end = key
        found = contract(declared, term, start, end, True)  # type: ignore[arg-type]
        if len(self._contracts) < CACHE_LIMIT:
            self._contracts[key] = found
        return found

    def _sixteen(self, birth: str) -> str:
        """under_16's sixteenth birthday of a birth date (a roster repeats a few thousand), kept."""
        sixteen = sixteenth_birthday(birth)
        if len(self._sixteens) < CACHE_LIMIT:
            self._sixteens[birth] = sixteen
        return sixteen


class _Cells(dict[object, object]):
    """Each distinct cell of a column, read: a plain dict lookup (in C) for a value seen before.

    A bool equals 1 or 0 as a dict key but reads differently: none of them is
    kept, so each is read every time.
    """

    def __init__(self, read: Callable[[object], object]) -> None:
        super().__init__()
        self.read = read

    def __missing__(self, raw: object) -> object:
        found = self.read(raw)
        if len(self) < CACHE_LIMIT and not (raw == 0 or raw == 1):  # noqa: PLR1714 - True == 1 (and False == 0 == 0.0)
            self[raw] = found
        return found
