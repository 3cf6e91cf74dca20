"""Enterprise size (企业规模) under the 2011 SME size standard.

The thresholds live in ``resources/policy/size_standard_2011.json`` (dated, with
its source); this module only reads them and applies the rule.

How the rule is read (《中小企业划型标准规定》, 工信部联企业〔2011〕300号, 第四条):

* each industry paragraph opens with "从业人员X人以下或营业收入Y万元以下的为中小微
  型企业": an enterprise below *either* upper limit is an SME, so it is large
  only when it reaches *all* the indicators of the large row;
* "从业人员X人及以上，且营业收入Y万元及以上的为中型企业" (likewise 小型): medium and
  small must reach *both* floors of their row;
* "从业人员X人以下或营业收入Y万元以下的为微型企业": micro is whatever misses either
  floor of the small row.

国家统计局《统计上大中小微型企业划分办法》 (国统字〔2011〕75号) states the same
reading in its notes: "大型、中型和小型企业须同时满足所列指标的下限，否则下划一档".
The data file carries this reading as ``"rule": {"large": "all", ...}`` so a
different one ("any": one indicator is enough) could be chosen by data alone.

Classification walks the rows from large down and takes the first row that is
met; that makes the size monotone in every indicator whatever the floors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from desktop.core.datafile import Reader, load_json
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.resources import resource_path

# The indicators the standard uses, in the order they are shown.
INDICATORS: Final[tuple[str, ...]] = ("staff", "revenue", "assets")
RULES: Final[tuple[str, ...]] = ("all", "any")
DEFAULT_FILE: Final[tuple[str, str]] = ("policy", "size_standard_2011.json")

# classify() takes revenue and assets in 万元; a file in other units would be
# read wrongly, so the loader insists on these.
_UNITS: Final[Mapping[str, str]] = MappingProxyType({"staff": "人", "revenue": "万元", "assets": "万元"})

_INDICATOR_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "staff": QT_TRANSLATE_NOOP("size", "从业人员"),
        "revenue": QT_TRANSLATE_NOOP("size", "营业收入"),
        "assets": QT_TRANSLATE_NOOP("size", "资产总额"),
    }
)

_FACT_MET = QT_TRANSLATE_NOOP("size", "{indicator} {value} {unit} ≥ {floor} {unit}")
_FACT_UNMET = QT_TRANSLATE_NOOP("size", "{indicator} {value} {unit} < {floor} {unit}")
_FACT_JOIN = QT_TRANSLATE_NOOP("size", "，且")
_LIST_JOIN = QT_TRANSLATE_NOOP("size", "、")
_STEP_IS = QT_TRANSLATE_NOOP("size", "{industry}：{facts}，为{size}企业")
_STEP_NOT = QT_TRANSLATE_NOOP("size", "{industry}：{facts}，未达到{size}企业标准")
_STEP_CANNOT = QT_TRANSLATE_NOOP("size", "{industry}：缺少{indicators}，无法按标准划型")
_STEP_MANUAL = QT_TRANSLATE_NOOP("size", "经办人手工设定为{size}企业，理由：{reason}")
_STEP_MANUAL_DIFFERS = QT_TRANSLATE_NOOP(
    "size", "经办人手工设定为{size}企业（按标准为{computed}企业），理由：{reason}"
)
_MISSING = QT_TRANSLATE_NOOP("size", "{industry}须填写{indicators}才能按标准划型")
_NEGATIVE = QT_TRANSLATE_NOOP("size", "{indicator}不能为负数（{value}）")
_NOT_A_NUMBER = QT_TRANSLATE_NOOP("size", "{indicator}不是有效的数值")
_REASON_REQUIRED = QT_TRANSLATE_NOOP("size", "手工设定企业规模须填写理由")


class EnterpriseSize(str, Enum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def label(self) -> str:
        """Chinese label: 微型 / 小型 / 中型 / 大型."""
        return _SIZE_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for micro up to 3 for large, for comparing sizes."""
        return _SIZE_ORDER.index(self)


_SIZE_ORDER: Final = (EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM, EnterpriseSize.LARGE)
_SIZE_LABELS: Final[Mapping[EnterpriseSize, str]] = MappingProxyType(
    {
        EnterpriseSize.MICRO: QT_TRANSLATE_NOOP("size", "微型"),
        EnterpriseSize.SMALL: QT_TRANSLATE_NOOP("size", "小型"),
        EnterpriseSize.MEDIUM: QT_TRANSLATE_NOOP("size", "中型"),
        EnterpriseSize.LARGE: QT_TRANSLATE_NOOP("size", "大型"),
    }
)
# Rows in the file, checked in this order; micro has no row.
ROW_SIZES: Final = (EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL)


@dataclass(frozen=True)
class SizeRow:
    """One row of an industry: the floors an enterprise must reach to be ``size``."""

    size: EnterpriseSize
    floors: tuple[tuple[str, float], ...]  # (indicator, floor), in INDICATORS order
    rule: str  # "all": every floor must be reached; "any": one is enough

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.floors)

    def floor(self, indicator: str) -> float:
        for name, value in self.floors:
            if name == indicator:
                return value
        raise KeyError(f"{self.size.value} row has no floor for {indicator!r}")

    def is_met(self, values: Mapping[str, float]) -> bool:
        reached = [values[name] >= floor for name, floor in self.floors]
        return all(reached) if self.rule == "all" else any(reached)


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    rows: tuple[SizeRow, ...]  # large, medium, small

    @property
    def indicators(self) -> tuple[str, ...]:
        used = {name for row in self.rows for name in row.indicators}
        return tuple(name for name in INDICATORS if name in used)

    def row(self, size: EnterpriseSize) -> SizeRow:
        for row in self.rows:
            if row.size is size:
                return row
        raise KeyError(f"industry {self.code!r} has no {size.value} row")


@dataclass(frozen=True)
class SizeResult:
    size: EnterpriseSize
    manual: bool
    reason: str  # the clerk's reason when manual; empty when computed
    standard_id: str
    steps: tuple[str, ...]  # short Chinese sentences, in order, for the clerk


class MissingIndicatorError(ValueError):
    """An indicator the industry's standard needs was not given."""

    def __init__(self, industry: Industry, indicators: tuple[str, ...]) -> None:
        self.industry = industry.code
        self.indicators = indicators
        super().__init__(
            _MISSING.format(industry=industry.name, indicators=_indicator_list(indicators))
        )


class SizeStandard:
    """A size standard read from its data file."""

    def __init__(
        self,
        *,
        id: str,
        title: str,
        source: str,
        effective_from: date,
        units: Mapping[str, str],
        rule_note: str,
        industries: tuple[Industry, ...],
    ) -> None:
        self.id = id
        self.title = title
        self.source = source
        self.effective_from = effective_from
        self.units: Mapping[str, str] = MappingProxyType(dict(units))
        self.rule_note = rule_note
        self._industries = industries
        self._by_code = {industry.code: industry for industry in industries}

    def __repr__(self) -> str:
        return f"SizeStandard(id={self.id!r}, source={self.source!r}, industries={len(self._industries)})"

    @classmethod
    def load(cls, path: Path | None = None) -> SizeStandard:
        """Read a standard; the bundled 2011 file (cached) when ``path`` is None.

        Raises ValueError naming the file and the key path for any unknown,
        missing or ill-typed key.
        """
        if path is None:
            return _load_default()
        return _load_file(Path(path))

    def industries(self) -> list[Industry]:
        """All industries, in file order."""
        return list(self._industries)

    def industry(self, code: str) -> Industry:
        try:
            return self._by_code[code]
        except KeyError:
            known = ", ".join(self._by_code)
            raise KeyError(f"unknown industry code {code!r} in {self.id} (known: {known})") from None

    def required_indicators(self, code: str) -> tuple[str, ...]:
        """Which of staff / revenue / assets the industry needs, in that order."""
        return self.industry(code).indicators


def classify(
    standard: SizeStandard,
    industry: str,
    *,
    staff: int | None,
    revenue_wan: float | None,
    assets_wan: float | None,
) -> SizeResult:
    """The size the standard gives; indicators the industry does not use are ignored.

    Raises KeyError for an unknown industry, MissingIndicatorError when a needed
    indicator is None, ValueError when one is negative or not a finite number.
    """
    found = standard.industry(industry)
    given: dict[str, float | None] = {"staff": staff, "revenue": revenue_wan, "assets": assets_wan}
    missing = tuple(name for name in found.indicators if given[name] is None)
    if missing:
        raise MissingIndicatorError(found, missing)
    values: dict[str, float] = {}
    for name in found.indicators:
        value = given[name]
        assert value is not None
        if not math.isfinite(value):
            raise ValueError(_NOT_A_NUMBER.format(indicator=_INDICATOR_LABELS[name]))
        if value < 0:
            raise ValueError(_NEGATIVE.format(indicator=_INDICATOR_LABELS[name], value=format_number(value)))
        values[name] = value

    steps: list[str] = []
    size = EnterpriseSize.MICRO
    for row in found.rows:
        if row.is_met(values):
            facts = _facts(standard, row, values, met=True)
            steps.append(_STEP_IS.format(industry=found.name, facts=facts, size=row.size.label))
            size = row.size
            break
        facts = _facts(standard, row, values, met=False)
        if row.size is EnterpriseSize.SMALL:
            steps.append(_STEP_IS.format(industry=found.name, facts=facts, size=EnterpriseSize.MICRO.label))
        else:
            steps.append(_STEP_NOT.format(industry=found.name, facts=facts, size=row.size.label))
    return SizeResult(size=size, manual=False, reason="", standard_id=standard.id, steps=tuple(steps))


def decide_size(
    standard: SizeStandard,
    industry: str,
    *,
    staff: int | None,
    revenue_wan: float | None,
    assets_wan: float | None,
    override: EnterpriseSize | None = None,
    override_reason: str = "",
) -> SizeResult:
    """The size to record: the standard's, or the clerk's with a reason.

    A hand-set size keeps what the standard would say (when it can be computed)
    in ``steps`` so the decision shows both.
    """
    if override is None:
        return classify(standard, industry, staff=staff, revenue_wan=revenue_wan, assets_wan=assets_wan)
    size = EnterpriseSize(override)
    reason = override_reason.strip()
    if not reason:
        raise ValueError(_REASON_REQUIRED)
    try:
        computed = classify(standard, industry, staff=staff, revenue_wan=revenue_wan, assets_wan=assets_wan)
    except MissingIndicatorError as missing:
        name = standard.industry(industry).name
        steps = [_STEP_CANNOT.format(industry=name, indicators=_indicator_list(missing.indicators))]
        steps.append(_STEP_MANUAL.format(size=size.label, reason=reason))
    else:
        steps = list(computed.steps)
        if computed.size is size:
            steps.append(_STEP_MANUAL.format(size=size.label, reason=reason))
        else:
            steps.append(
                _STEP_MANUAL_DIFFERS.format(size=size.label, computed=computed.size.label, reason=reason)
            )
    return SizeResult(size=size, manual=True, reason=reason, standard_id=standard.id, steps=tuple(steps))


def format_number(value: float) -> str:
    """A number as a clerk writes it: 350, 2500, 2500.5 (no trailing .0, no exponent)."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _facts(standard: SizeStandard, row: SizeRow, values: Mapping[str, float], *, met: bool) -> str:
    # Met rows show what was reached; missed rows show what fell short (for an
    # "all" row any one shortfall decides, and all of them are shown).
    template = _FACT_MET if met else _FACT_UNMET
    parts = [
        template.format(
            indicator=_INDICATOR_LABELS[name],
            value=format_number(values[name]),
            floor=format_number(floor),
            unit=standard.units[name],
        )
        for name, floor in row.floors
        if (values[name] >= floor) is met
    ]
    return _FACT_JOIN.join(parts)


def _indicator_list(indicators: tuple[str, ...]) -> str:
    return _LIST_JOIN.join(_INDICATOR_LABELS[name] for name in indicators)


# --- loading ---------------------------------------------------------------

_TOP_KEYS: Final = ("id", "title", "source", "effective_from", "units", "rule", "rule_note", "industries")
_INDUSTRY_KEYS: Final = ("code", "name", "large", "medium", "small")


@cache
def _load_default() -> SizeStandard:
    return _load_file(resource_path(*DEFAULT_FILE))


def _load_file(path: Path) -> SizeStandard:
    raw = load_json(path, "the size standard")
    return _Reader(path).standard(raw)


class _Reader(Reader):
    """Checks the raw JSON; every error names the file and the key path."""

    def standard(self, raw: object) -> SizeStandard:
        top = self.obj(raw, "", _TOP_KEYS)
        try:
            effective_from = date.fromisoformat(self.text(top["effective_from"], "effective_from"))
        except ValueError:
            raise self.fail("effective_from", f"should be a date YYYY-MM-DD, not {top['effective_from']!r}") from None
        units = self.obj(top["units"], "units", INDICATORS)
        for name in INDICATORS:
            if units[name] != _UNITS[name]:
                raise self.fail(f"units.{name}", f"should be {_UNITS[name]!r}, not {units[name]!r}")
        rule_raw = self.obj(top["rule"], "rule", tuple(size.value for size in ROW_SIZES))
        rules = {size: self.choice(rule_raw[size.value], f"rule.{size.value}", RULES) for size in ROW_SIZES}
        industries_raw = top["industries"]
        if not isinstance(industries_raw, list) or not industries_raw:
            raise self.fail("industries", "should be a non-empty list")
        industries = tuple(self.industry(item, f"industries[{i}]", rules) for i, item in enumerate(industries_raw))
        seen: set[str] = set()
        for i, industry in enumerate(industries):
            if industry.code in seen:
                raise self.fail(f"industries[{i}].code", f"duplicate industry code {industry.code!r}")
            seen.add(industry.code)
        return SizeStandard(
            id=self.text(top["id"], "id"),
            title=self.text(top["title"], "title"),
            source=self.text(top["source"], "source"),
            effective_from=effective_from,
            units={name: str(units[name]) for name in INDICATORS},
            rule_note=self.text(top["rule_note"], "rule_note"),
            industries=industries,
        )

    def industry(self, raw: object, where: str, rules: Mapping[EnterpriseSize, str]) -> Industry:
        item = self.obj(raw, where, _INDUSTRY_KEYS)
        code = self.text(item["code"], f"{where}.code")
        name = self.text(item["name"], f"{where}.name")
        # The large row fixes which indicators the industry uses; the other
        # rows must use the same ones (the standard never mixes them).
        large_raw = item["large"]
        if not isinstance(large_raw, dict):
            raise self.fail(f"{where}.large", "should be an object")
        used = tuple(key for key in INDICATORS if key in large_raw)
        for key in large_raw:
            if key not in INDICATORS:
                raise self.fail(f"{where}.large.{key}", "unknown key")
        if not used:
            raise self.fail(f"{where}.large", f"should have at least one of {', '.join(INDICATORS)}")
        rows = tuple(self.row(item[size.value], f"{where}.{size.value}", size, used, rules[size]) for size in ROW_SIZES)
        for upper, lower in zip(rows, rows[1:]):
            for indicator, floor in lower.floors:
                if floor > upper.floor(indicator):
                    raise self.fail(
                        f"{where}.{lower.size.value}.{indicator}",
                        f"floor {format_number(floor)} is above the {upper.size.value} floor "
                        f"{format_number(upper.floor(indicator))}",
                    )
        return Industry(code=code, name=name, rows=rows)

    def row(self, raw: object, where: str, size: EnterpriseSize, used: tuple[str, ...], rule: str) -> SizeRow:
        row = self.obj(raw, where, used)
        floors: list[tuple[str, float]] = []
        for name in used:
            value = row[name]
            spot = f"{where}.{name}"
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.fail(spot, f"should be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise self.fail(spot, f"should be a finite number >= 0, not {value!r}")
            if name == "staff" and not isinstance(value, int):
                raise self.fail(spot, f"a head count should be a whole number, not {value!r}")
            floors.append((name, value))
        return SizeRow(size=size, floors=tuple(floors), rule=rule)
