"""Jilin county-level areas: codes, names, and resolving a written 户籍地.

The table lives in ``resources/areas/jilin.json`` (GB/T 2260 codes, with the
historical codes still found in real ID numbers). It is used

- to resolve the household registration (户籍地) written on a roster, which
  decides whether a worker comes from a paired area, and
- to cross-check the first 6 digits of an ID number (where the number was
  first issued; never a reason to reject a person).

Resolving is strict about ambiguity: a short form that could mean two places
resolves to nothing, and the caller can tell why via :meth:`AreaTable.resolve_detailed`.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from desktop.core.identifiers import to_halfwidth
from desktop.resources import resource_path

# Last characters of administrative names. A short alias such as "西安" must
# not match "西安市…" (that is Xi'an, not 辽源市西安区): an alias that does not
# itself end in one of these may not be followed by one.
_SUFFIXES: Final = frozenset("省市县区州旗盟")

# Dropped before matching: whitespace, invisible characters, and separators
# people put between the parts ("吉林省/延边州/延吉市").
_NOISE: Final = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff,、/\\|·\-]+")

_CACHE_SIZE: Final = 8192


@dataclass(frozen=True)
class Area:
    """A county-level area, current or historical."""

    code: str
    name: str
    prefecture_code: str
    prefecture_name: str
    current: bool
    successor_code: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def full_name(self) -> str:
        """Prefecture and county, e.g. "延边朝鲜族自治州延吉市"."""
        return self.prefecture_name + self.name


@dataclass(frozen=True)
class AreaMatch:
    """The outcome of resolving a written place.

    ``area`` is set only when ``reason`` is "ok"; ``candidates`` lists the
    areas that matched (one for "ok", several or none for "ambiguous", none
    for "not_found").
    """

    area: Area | None
    candidates: tuple[Area, ...]
    reason: Literal["ok", "not_found", "ambiguous"]


@dataclass(frozen=True)
class DirectUnit:
    """A unit that reports directly to the province (省直管)."""

    name: str
    code: str | None
    aliases: tuple[str, ...]
    note: str


_NOT_FOUND: Final = AreaMatch(None, (), "not_found")


def normalize_place_text(text: str) -> str:
    """Half-width, without whitespace and separators; used as the cache key."""
    return _NOISE.sub("", to_halfwidth(text))


def _boundary_ok(text: str, end: int, term: str) -> bool:
    if term[-1] in _SUFFIXES or end >= len(text):
        return True
    return text[end] not in _SUFFIXES


class _Terms:
    """A set of names, indexed by first character for fast prefix matching."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = frozenset(term for term in terms if term)
        lengths: dict[str, set[int]] = {}
        for term in self.terms:
            lengths.setdefault(term[0], set()).add(len(term))
        # Longest first, so the first match found is the longest.
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def at(self, text: str, start: int) -> list[str]:
        """Terms found at ``text[start:]``, longest first, respecting name boundaries."""
        if start >= len(text):
            return []
        found: list[str] = []
        for length in self._lengths.get(text[start], ()):
            term = text[start : start + length]
            if term in self.terms and _boundary_ok(text, start + length, term):
                found.append(term)
        return found

    def longest(self) -> int:
        return max(map(len, self.terms), default=0)


class AreaTable:
    """County-level areas of the province, with fast name resolution."""

    def __init__(
        self,
        *,
        province_code: str,
        province_name: str,
        province_aliases: Iterable[str],
        prefectures: Mapping[str, tuple[str, tuple[str, ...]]],
        areas: Iterable[Area],
        former_prefectures: Mapping[str, Iterable[str]] | None = None,
        direct: Iterable[DirectUnit] = (),
        source: str = "",
        as_of: datetime.date | None = None,
    ) -> None:
        """Build the lookup dicts.

        ``prefectures`` maps a 4-digit code to (name, aliases);
        ``former_prefectures`` maps a county code to prefectures it used to
        belong to (so "四平市公主岭市" still resolves); ``direct`` units
        without a code block their names from being read as a county
        ("长白山…" is not 长白县).
        """
        self.province_code = province_code
        self.province_name = province_name
        self.source = source
        self.as_of = as_of
        self.direct: tuple[DirectUnit, ...] = tuple(direct)
        self._prefectures = dict(prefectures)
        self._by_code: dict[str, Area] = {}
        for area in areas:
            if area.code in self._by_code:
                raise ValueError(f"duplicate area code {area.code}")
            self._by_code[area.code] = area

        self._province_terms = _Terms([province_name, *province_aliases])
        self._prefecture_codes: dict[str, list[str]] = {}
        for code, (name, aliases) in self._prefectures.items():
            for term in {name, *aliases}:
                self._prefecture_codes.setdefault(term, []).append(code)
        self._prefecture_terms = _Terms(self._prefecture_codes)

        # Prefectures a county may be written under (its own and former ones).
        self._area_prefectures: dict[str, frozenset[str]] = {}
        former = former_prefectures or {}
        for area in self._by_code.values():
            self._area_prefectures[area.code] = frozenset(
                [area.prefecture_code, *former.get(area.code, ())]
            )

        self._county_areas: dict[str, list[Area]] = {}
        for area in self._by_code.values():
            for term in {area.name, *area.aliases}:
                self._county_areas.setdefault(term, []).append(area)
        self._blocked: frozenset[str] = frozenset(
            term
            for unit in self.direct
            if unit.code is None
            for term in (unit.name, *unit.aliases)
        )
        self._county_terms = _Terms([*self._county_areas, *self._blocked])

        # Only this many leading characters (plus one for the boundary rule)
        # can influence the result, so longer addresses share a cache entry.
        self._key_length = (
            self._province_terms.longest()
            + self._prefecture_terms.longest()
            + self._county_terms.longest()
            + 1
        )
        self._resolve_cached = functools.lru_cache(maxsize=_CACHE_SIZE)(self._resolve_key)

    # ------------------------------------------------------------------
    # Loading

    @classmethod
    def from_file(cls, path: Path) -> AreaTable:
        """Load and strictly validate a table file (see resources/areas/jilin.json)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: not valid UTF-8 JSON: {exc}") from exc
        return _Loader(path).table(data)

    @classmethod
    def default(cls) -> AreaTable:
        """The bundled Jilin table (loaded once)."""
        return _default_table()

    # ------------------------------------------------------------------
    # Lookups

    def by_code(self, code: str) -> Area | None:
        """The current or historical area with this 6-digit code."""
        return self._by_code.get(code)

    def current_counties(self) -> list[Area]:
        return sorted((a for a in self._by_code.values() if a.current), key=lambda a: a.code)

    def prefectures(self) -> list[tuple[str, str]]:
        """(code, name) of every prefecture, sorted by code."""
        return sorted((code, name) for code, (name, _) in self._prefectures.items())

    def area_of_id(self, id_number: str) -> Area | None:
        """The area of an ID number's first 6 digits, historical included; never raises."""
        prefix = to_halfwidth(str(id_number)).strip()[:6]
        if len(prefix) != 6 or not prefix.isascii() or not prefix.isdigit():
            return None
        return self._by_code.get(prefix)

    def resolve(self, text: str) -> Area | None:
        """The area a written 户籍地 names, or None if not found or ambiguous."""
        return self.resolve_detailed(text).area

    def resolve_detailed(self, text: str) -> AreaMatch:
        """Resolve a 户籍地 as written on a roster and say why it failed, if it did.

        Accepts a 6-digit code, or a name with optional province and
        prefecture in front ("吉林省延边朝鲜族自治州延吉市", "延边州延吉市",
        "吉林延吉", "延吉"), also followed by the rest of an address.
        """
        key = normalize_place_text(str(text))[: self._key_length]
        return self._resolve_cached(key)

    # ------------------------------------------------------------------
    # Matching

    def _resolve_key(self, text: str) -> AreaMatch:
        if len(text) == 6 and text.isascii() and text.isdigit():
            area = self._by_code.get(text)
            return AreaMatch(area, (area,), "ok") if area else _NOT_FOUND

        # Try every reading "[province][prefecture]county…" and keep the
        # readings that explain the most characters. A reading that ends
        # without a county (only a prefecture, or a blocked name) yields None.
        best_length = 0
        best: set[Area | None] = set()
        for after_province in [0, *map(len, self._province_terms.at(text, 0))]:
            readings: list[tuple[str | None, int]] = [(None, after_province)]
            for term in self._prefecture_terms.at(text, after_province):
                end = after_province + len(term)
                readings.extend((code, end) for code in self._prefecture_codes[term])
            for prefecture, start in readings:
                length, found = self._county_at(text, start, prefecture)
                if length == 0:
                    continue
                if length > best_length:
                    best_length, best = length, set()
                if length == best_length:
                    best |= found
        return self._verdict(best)

    def _county_at(
        self, text: str, start: int, prefecture: str | None
    ) -> tuple[int, set[Area | None]]:
        """The longest county name at ``start`` (within ``prefecture`` if given).

        Returns the total length explained and the areas found; {None} when
        only the prefecture (or a blocked name) explains the text.
        """
        for term in self._county_terms.at(text, start):
            if term in self._blocked:
                return start + len(term), {None}
            areas = {
                area
                for area in self._county_areas[term]
                if prefecture is None or prefecture in self._area_prefectures[area.code]
            }
            if areas:
                return start + len(term), set(areas)
        return (start, {None}) if prefecture is not None else (0, set())

    def _verdict(self, found: set[Area | None]) -> AreaMatch:
        areas = {area for area in found if area is not None}
        # A historical area that shares its name with its own successor
        # (靖宇县 222227 -> 220622) is the same place: keep today's code.
        current_codes = {area.code for area in areas if area.current}
        areas = {a for a in areas if a.current or a.successor_code not in current_codes}
        candidates = tuple(sorted(areas, key=lambda a: a.code))
        if not candidates:
            return _NOT_FOUND
        if len(candidates) == 1 and None not in found:
            return AreaMatch(candidates[0], candidates, "ok")
        return AreaMatch(None, candidates, "ambiguous")


@functools.cache
def _default_table() -> AreaTable:
    return AreaTable.from_file(resource_path("areas", "jilin.json"))


# ----------------------------------------------------------------------
# Strict loading of the JSON file

_CODE_2: Final = re.compile(r"[0-9]{2}")
_CODE_4: Final = re.compile(r"[0-9]{4}")
_CODE_6: Final = re.compile(r"[0-9]{6}")


class _Loader:
    """Reads the table file; every problem is a ValueError naming file and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> ValueError:
        return ValueError(f"{self.path}: {where}: {problem}")

    def obj(
        self, value: object, where: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected a JSON object")
        required = list(required)
        for key in required:
            if key not in value:
                raise self.fail(where, f"missing key {key!r}")
        allowed = {*required, *optional}
        for key in value:
            if key not in allowed:
                raise self.fail(where, f"unknown key {key!r}")
        return value

    def string(self, value: object, where: str, key: str, pattern: re.Pattern[str] | None) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(where, f"key {key!r} must hold non-empty strings")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(where, f"key {key!r} has a malformed code {value!r}")
        return value

    def text(
        self, obj: Mapping[str, object], key: str, where: str, pattern: re.Pattern[str] | None = None
    ) -> str:
        return self.string(obj[key], where, key, pattern)

    def texts(
        self, obj: Mapping[str, object], key: str, where: str, pattern: re.Pattern[str] | None = None
    ) -> tuple[str, ...]:
        """A list of strings; an optional key that is absent gives ()."""
        value = obj.get(key, [])
        if not isinstance(value, list):
            raise self.fail(where, f"key {key!r} must be a list of strings")
        return tuple(self.string(item, where, key, pattern) for item in value)

    def items(self, data: Mapping[str, object], key: str) -> list[object]:
        value = data[key]
        if not isinstance(value, list):
            raise self.fail(key, "expected a list")
        return value

    def note(self, entry: Mapping[str, object], where: str) -> None:
        if "note" in entry:
            self.text(entry, "note", where)

    def table(self, raw: object) -> AreaTable:
        data = self.obj(
            raw, "top level",
            ["source", "as_of", "province", "prefectures", "counties", "historical", "direct"],
        )
        source = self.text(data, "source", "top level")
        try:
            as_of = datetime.date.fromisoformat(self.text(data, "as_of", "top level"))
        except ValueError:
            raise self.fail("top level", "key 'as_of' must be a date YYYY-MM-DD") from None

        province = self.obj(data["province"], "province", ["code", "name", "aliases"])
        province_code = self.text(province, "code", "province", _CODE_2)
        prefectures = self.prefectures(data, province_code)
        counties, former = self.counties(data, prefectures)
        current = {area.code for area in counties}
        historical = self.historical(data, prefectures, current)

        codes = [area.code for area in counties + historical]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise self.fail("counties/historical", f"key 'code': duplicate codes {duplicates}")

        return AreaTable(
            province_code=province_code,
            province_name=self.text(province, "name", "province"),
            province_aliases=self.texts(province, "aliases", "province"),
            prefectures=prefectures,
            areas=counties + historical,
            former_prefectures=former,
            direct=self.direct(data, current),
            source=source,
            as_of=as_of,
        )

    def prefectures(
        self, data: Mapping[str, object], province_code: str
    ) -> dict[str, tuple[str, tuple[str, ...]]]:
        prefectures: dict[str, tuple[str, tuple[str, ...]]] = {}
        for i, item in enumerate(self.items(data, "prefectures")):
            where = f"prefectures[{i}]"
            entry = self.obj(item, where, ["code", "name", "aliases"])
            code = self.text(entry, "code", where, _CODE_4)
            if code in prefectures or not code.startswith(province_code):
                raise self.fail(where, f"key 'code': duplicate or outside the province: {code}")
            prefectures[code] = (self.text(entry, "name", where), self.texts(entry, "aliases", where))
        return prefectures

    def prefecture_of(
        self, entry: Mapping[str, object], where: str, prefectures: Mapping[str, tuple[str, object]]
    ) -> tuple[str, str]:
        code = self.text(entry, "prefecture", where, _CODE_4)
        if code not in prefectures:
            raise self.fail(where, f"key 'prefecture': unknown prefecture {code}")
        return code, prefectures[code][0]

    def counties(
        self, data: Mapping[str, object], prefectures: Mapping[str, tuple[str, object]]
    ) -> tuple[list[Area], dict[str, tuple[str, ...]]]:
        areas: list[Area] = []
        former: dict[str, tuple[str, ...]] = {}
        for i, item in enumerate(self.items(data, "counties")):
            where = f"counties[{i}]"
            entry = self.obj(
                item, where, ["code", "name", "prefecture", "aliases"], ["former_prefectures", "note"]
            )
            code = self.text(entry, "code", where, _CODE_6)
            pref_code, pref_name = self.prefecture_of(entry, where, prefectures)
            if not code.startswith(pref_code):
                raise self.fail(where, f"key 'code': {code} is not in prefecture {pref_code}")
            former[code] = self.texts(entry, "former_prefectures", where, _CODE_4)
            self.note(entry, where)
            name = self.text(entry, "name", where)
            aliases = self.texts(entry, "aliases", where)
            areas.append(Area(code, name, pref_code, pref_name, True, None, aliases))
        return areas, former

    def historical(
        self,
        data: Mapping[str, object],
        prefectures: Mapping[str, tuple[str, object]],
        current: set[str],
    ) -> list[Area]:
        areas: list[Area] = []
        for i, item in enumerate(self.items(data, "historical")):
            where = f"historical[{i}]"
            entry = self.obj(
                item, where, ["code", "name", "successor", "prefecture"], ["aliases", "note"]
            )
            code = self.text(entry, "code", where, _CODE_6)
            successor = self.text(entry, "successor", where, _CODE_6)
            if successor not in current:
                raise self.fail(where, f"key 'successor': {successor} is not a current county")
            pref_code, pref_name = self.prefecture_of(entry, where, prefectures)
            self.note(entry, where)
            name = self.text(entry, "name", where)
            aliases = self.texts(entry, "aliases", where)
            areas.append(Area(code, name, pref_code, pref_name, False, successor, aliases))
        return areas

    def direct(self, data: Mapping[str, object], current: set[str]) -> list[DirectUnit]:
        units: list[DirectUnit] = []
        for i, item in enumerate(self.items(data, "direct")):
            where = f"direct[{i}]"
            entry = self.obj(item, where, ["name", "code", "note"], ["aliases"])
            code: str | None = None
            if entry["code"] is not None:
                code = self.text(entry, "code", where, _CODE_6)
                if code not in current:
                    raise self.fail(where, f"key 'code': {code} is not a current county")
            units.append(
                DirectUnit(
                    self.text(entry, "name", where),
                    code,
                    self.texts(entry, "aliases", where),
                    self.text(entry, "note", where),
                )
            )
        return units
