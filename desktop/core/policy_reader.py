"""The strict reader the policy files share (``desktop.core.policy``): a value with its
source, a flag, free text, an exact fraction, a list of county codes; each failure a
``ValueError`` naming the file and the key path (``desktop.core.datafile``)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Final

from desktop.core.datafile import Reader

COUNTY_CODE: Final = re.compile(r"[0-9]{6}")


class PolicyReader(Reader):
    def cited(self, raw: object, where: str) -> tuple[object, str]:
        """A ``{"value": …, "source": …}`` pair."""
        item = self.obj(raw, where, ("value", "source"))
        return item["value"], self.text(item["source"], f"{where}.source")

    def flag(self, raw: object, where: str) -> bool:
        if not isinstance(raw, bool):
            raise self.fail(where, f"should be true or false, not {raw!r}")
        return raw

    def note(self, raw: object, where: str) -> str:
        """Free text that may be empty."""
        if not isinstance(raw, str):
            raise self.fail(where, "should be a string")
        return raw

    def fraction(self, raw: object, where: str, *, low: Fraction, high: Fraction) -> Fraction:
        """A number in (low, high], exactly."""
        value = Fraction(self.decimal(raw, where))
        if not low < value <= high:
            raise self.fail(where, f"should be above {low} and at most {high}, not {raw}")
        return value

    def county_codes(self, raw: object, where: str) -> tuple[str, ...]:
        codes: list[str] = []
        for i, item in enumerate(self.items(raw, where, empty=True)):
            spot = f"{where}[{i}]"
            if not isinstance(item, str) or not COUNTY_CODE.fullmatch(item):
                raise self.fail(spot, f"should be a 6-digit county code, not {item!r}")
            if item in codes:
                raise self.fail(spot, f"duplicate county code {item}")
            codes.append(item)
        return tuple(codes)
