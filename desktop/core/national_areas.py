"""The national table of county codes (GB/T 2260), current and withdrawn.

``resources/areas/gb2260.json`` holds every code of the 民政部 revisions
1980-12 … 2019-04 (its ``source`` says where it was taken from), each with the
name it last had and the first and last revision it appears in; a code in the
latest revision is current. Jilin's own table (``jilin.json``, newer for
Jilin) stays the one the roster reads; this one lets an office add a source
county anywhere in China that signed a 劳务协作 agreement (吉人社联〔2022〕19号
三（一）: "重点包括" is not a closed list) and names it properly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desktop.core.datafile import Reader, load_json
from desktop.resources import resource_path


@dataclass(frozen=True)
class NationalArea:
    code: str
    name: str  # as last named: 宁安市
    full_name: str  # with its province and prefecture: 黑龙江省牡丹江市宁安市
    first_revision: str  # YYYYMM
    last_revision: str
    current: bool  # in the latest revision

    @property
    def county_level(self) -> bool:
        return not self.code.endswith("00")


class NationalAreas:
    def __init__(self, source: str, as_of: str, revisions: tuple[str, ...],
                 codes: dict[str, tuple[str, str, str]]) -> None:
        self.source, self.as_of, self.revisions = source, as_of, revisions
        self._codes = codes
        self._latest = revisions[-1]
        self._by_name: dict[str, str] | None = None

    def __len__(self) -> int:
        return len(self._codes)

    def resolve(self, text: str) -> NationalArea | None:
        """A current county outside the area table: its code, or its name with its province in front
        (黑龙江省宁安市, 黑龙江省牡丹江市宁安市); None when not found or not one place."""
        if len(text) == 6 and text.isdigit():
            area = self.by_code(text)
            return area if area is not None and area.current and area.county_level else None
        code = self._names().get(text)
        return self.by_code(code) if code else None

    def _names(self) -> dict[str, str]:
        if self._by_name is None:
            names: dict[str, str | None] = {}
            for code, (_, _, last) in self._codes.items():
                if last != self._latest or code.endswith("00"):
                    continue
                area = self.by_code(code)
                assert area is not None
                province = self._codes.get(code[:2] + "0000", ("",))[0]
                for name in {area.full_name, province + area.name}:
                    names[name] = code if names.get(name, code) == code else None  # a name of two places: neither
            self._by_name = {name: code for name, code in names.items() if code}
        return self._by_name

    def by_code(self, code: str) -> NationalArea | None:
        found = self._codes.get(code)
        if found is None:
            return None
        name, first, last = found
        parts = []
        for prefix in (code[:2] + "0000", code[:4] + "00"):
            parent = self._codes.get(prefix)
            if parent is not None and prefix != code and parent[0] not in ("市辖区", "县", "省直辖县级行政区划"):
                parts.append(parent[0])
        return NationalArea(code, name, "".join(parts) + name, first, last, last == self._latest)

    @classmethod
    def load(cls, path: Path) -> NationalAreas:
        reader = Reader(path)
        raw = reader.obj(load_json(path, "the national area table"), "", ("source", "as_of", "revisions", "codes"))
        revisions = tuple(str(r) for r in reader.items(raw["revisions"], "revisions"))
        codes_raw = raw["codes"]
        if not isinstance(codes_raw, dict):
            raise reader.fail("codes", "should be an object")
        codes: dict[str, tuple[str, str, str]] = {}
        for code, entry in codes_raw.items():
            if len(code) != 6 or not code.isdigit() or not isinstance(entry, list) or len(entry) != 3:
                raise reader.fail(f"codes.{code}", "should be a 6-digit code with [name, first, last]")
            codes[code] = (str(entry[0]), str(entry[1]), str(entry[2]))
        return cls(reader.text(raw["source"], "source"), reader.text(raw["as_of"], "as_of"), revisions, codes)

    @classmethod
    def default(cls) -> NationalAreas:
        return _default()


@cache
def _default() -> NationalAreas:
    return NationalAreas.load(resource_path("areas", "gb2260.json"))
