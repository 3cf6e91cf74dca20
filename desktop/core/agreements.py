"""The office's labor-cooperation agreements (劳务协作协议) and the day each is in force.

三（一） of 吉人社联〔2022〕19号 defines a paired area as "与输入地签署劳务协作协议的
输出地": the pairing exists while an agreement does. The province's list
(``paired_areas.json``, editable by the office) is where an office starts; an
agreement the office records for a source county (输出地, the agreement's
reference, its first and last day) then decides for that county:

* a county with at least one recorded agreement is a paired area on a day only
  while one of them is in force: ``starts <= day <= ends`` (an open end runs on);
  before the first starts or after the last ends its workers are not counted,
  and the decision says which agreement and which date;
* a county on the list with no agreement recorded stays paired as the list says
  (the province's standing agreements, whose dates we do not have);
* a county anywhere in China can be added with its agreement (GB/T 2260 code).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

IN_FORCE: Final = "in_force"
EXPIRED: Final = "expired"
NOT_STARTED: Final = "not_started"


@dataclass(frozen=True)
class Agreement:
    """One agreement with a source county (both days included)."""

    county_code: str
    reference: str  # the agreement's number or title, as signed
    starts: date
    ends: date | None  # None: no end agreed
    id: int = 0

    def in_force(self, day: date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)

    def to_dict(self) -> dict[str, object]:
        return {"county": self.county_code, "reference": self.reference, "starts": self.starts.isoformat(),
                "ends": self.ends.isoformat() if self.ends else None}


@dataclass(frozen=True)
class AgreementStatus:
    """Whether a county is paired on a day by its agreements, and the agreement that says so."""

    state: str  # IN_FORCE, EXPIRED or NOT_STARTED
    agreement: Agreement


class AgreementBook:
    """All agreements of an office, by source county."""

    def __init__(self, agreements: Iterable[Agreement] = ()) -> None:
        by_county: dict[str, list[Agreement]] = {}
        for agreement in sorted(agreements, key=lambda a: (a.county_code, a.starts, a.id)):
            by_county.setdefault(agreement.county_code, []).append(agreement)
        self.agreements: tuple[Agreement, ...] = tuple(a for group in by_county.values() for a in group)
        self.by_county: Mapping[str, tuple[Agreement, ...]] = MappingProxyType(
            {code: tuple(group) for code, group in by_county.items()})

    def __bool__(self) -> bool:
        return bool(self.agreements)

    def __len__(self) -> int:
        return len(self.agreements)

    @property
    def counties(self) -> frozenset[str]:
        return frozenset(self.by_county)

    def status(self, county_code: str, day: date) -> AgreementStatus | None:
        """None when no agreement with the county is recorded (the list decides).

        Otherwise the agreement in force on ``day`` (the one starting last, when
        several are); failing that the one that ended last before ``day``
        (EXPIRED), else the one starting first after it (NOT_STARTED).
        """
        found = self.by_county.get(county_code)
        if not found:
            return None
        in_force = [a for a in found if a.in_force(day)]
        if in_force:
            return AgreementStatus(IN_FORCE, in_force[-1])
        ended = [a for a in found if a.ends is not None and a.ends < day]
        if ended:
            return AgreementStatus(EXPIRED, max(ended, key=lambda a: (a.ends, a.starts)))
        return AgreementStatus(NOT_STARTED, min(found, key=lambda a: a.starts))

    def to_list(self) -> list[dict[str, object]]:
        """Canonical content (for the rule set's digest): what decides, not who recorded it."""
        return [a.to_dict() for a in self.agreements]
