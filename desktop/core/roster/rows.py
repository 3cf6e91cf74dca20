"""One checked roster row as the store takes it, and the employment fields a roster speaks about."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from desktop.core.roster.problems import ERROR_CODES, RowProblem
from desktop.core.roster_headers import Field, HeaderLayout

RowStatus = Literal["valid", "invalid", "duplicate"]


class _NoChanges(Mapping[str, tuple[object, object]]):
    """The changes of a row that changes nothing: empty, and hashable so that it can be a default."""

    def __getitem__(self, key: str) -> tuple[object, object]:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"


NO_CHANGES: Final[Mapping[str, tuple[object, object]]] = _NoChanges()


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
    # A clean row shares one empty tuple and one empty mapping (a list and a dict each were
    # 12 MB at 100,000 rows); a problem added later makes the row a new tuple (see add_problems).
    problems: Sequence[RowProblem]
    action: str = ""  # new / updated / unchanged / refused: decided against the store
    changes: Mapping[str, tuple[object, object]] = NO_CHANGES

    def add_problems(self, *found: RowProblem) -> None:
        self.problems = (*self.problems, *found)

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
