"""The policy parameters of a decision: one :class:`RuleSet` read from dated files.

``resources/policy/`` holds one file per subject, each value with the document
it comes from:

* ``labor_coop_2022.json`` — the standard of 吉人社联〔2022〕19号: count and share
  by enterprise size, the reduced standard (factor, floor, what triggers it),
  the contract minimum and the wage-evidence rule;
* ``paired_areas.json`` — the paired source areas (对口地区), in groups; the
  office may edit the list and the province may send a new one
  (:meth:`RuleSet.with_paired_areas`);
* ``min_wage_jilin.json`` — dated minimum-wage tiers and the counties in each;
* ``lpr.json`` — dated 1-year and 5-year loan prime rates;
* ``size_standard_2011.json`` — the SME size standard (``desktop.core.size``);
* ``tracking_2022.json`` — the loan-period parameters (preferential period, LPR term, the
  continuous-employment minimum, the check interval; ``desktop.core.policy_tracking``).

Every file is read strictly (``desktop.core.datafile``): an unknown key, a
missing key or a value of the wrong kind is a ``ValueError`` naming the file
and the key path. Decimal fractions are read exactly (0.15 is 15/100, not a
binary float), so a threshold reached exactly is reached.

:attr:`RuleSet.version` names every file's id and version and ends with a short
hash of their contents: changing any value in any file gives a new version,
and a decision records the version it was made under.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from desktop.core.agreements import AgreementBook
from desktop.core.datafile import Reader, load_json, parse_json
from desktop.core.policy_tracking import TRACKING_FILE, TrackingRules
from desktop.core.size import EnterpriseSize, SizeStandard
from desktop.resources import resource_path

POLICY_FOLDER: Final = "policy"
DEFAULT_FILES: Final[Mapping[str, str]] = MappingProxyType({
    "labor_coop": "labor_coop_2022.json",
    "paired_areas": "paired_areas.json",
    "min_wage": "min_wage_jilin.json",
    "lpr": "lpr.json",
    "size_standard": "size_standard_2011.json",
    "tracking": TRACKING_FILE,
})

# What makes an enterprise eligible for the reduced standard.
TRIGGERS: Final = (
    "any_qualifying_priority_worker",  # at least one counted worker is in a priority group
    "never",  # the reduced standard is switched off
)
# How wage payment is evidenced per worker.
WAGE_MODES: Final = (
    "paid_months_column",  # a roster's paid-months column, where it has one
    "none",  # wage records are checked per enterprise only; nobody is counted out
)
SIZES: Final = (EnterpriseSize.MICRO, EnterpriseSize.SMALL, EnterpriseSize.MEDIUM, EnterpriseSize.LARGE)

_COUNTY_CODE: Final = re.compile(r"[0-9]{6}")
_GROUP_CODE: Final = re.compile(r"[a-z0-9_]{1,40}")
_HASH_LENGTH: Final = 10


# --------------------------------------------------------------------------
# The labor-cooperation standard


@dataclass(frozen=True)
class SizeThreshold:
    """The normal standard for one size: at least ``count`` people, or ``share`` of all staff."""

    count: int
    share: Fraction
    count_source: str
    share_source: str


@dataclass(frozen=True)
class ReducedStandard:
    """How far the standard may be lowered for an enterprise hiring priority groups."""

    factor: Fraction  # the standard is multiplied by this
    floor: Fraction  # but never below the standard times this
    trigger: str  # one of TRIGGERS
    factor_source: str
    floor_source: str
    trigger_source: str
    # Whether a group the enterprise merely wrote on its roster (企业申报, not verified by the
    # clerk) counts toward the trigger and 优先放贷; the policy's default is no.
    unverified_claims_count: bool = False
    unverified_claims_source: str = ""


@dataclass(frozen=True)
class WageEvidenceRule:
    mode: str  # one of WAGE_MODES
    min_paid_months: int  # paid months up to the review month, else not counted
    source: str
    recent_window_months: int = 0  # the calendar months before the review month looked at …
    recent_min_paid_months: int = 0  # … and how many of them must show pay, else the worker is flagged


@dataclass(frozen=True)
class LaborCoopRules:
    id: str
    version: str
    title: str
    document: str
    effective_from: date
    note: str
    standards: Mapping[EnterpriseSize, SizeThreshold]
    reduced: ReducedStandard
    contract_min_months: int
    contract_source: str
    wage_evidence: WageEvidenceRule
    # Whether a worker whose 户籍地 is the enterprise's own county counts (default: no, a local hire).
    local_workers_count: bool = False
    local_workers_source: str = ""


def read_labor_rules(raw: object, origin: object) -> LaborCoopRules:
    """A labor-cooperation document already parsed (a province policy file's), checked like the
    shipped file: ValueError naming the key otherwise."""
    return _LaborReader(origin).rules(raw)


# --------------------------------------------------------------------------
# Paired areas


@dataclass(frozen=True)
class PairedGroup:
    code: str
    name: str
    source: str
    note: str
    counties: tuple[str, ...]


@dataclass(frozen=True)
class PairedAreas:
    """The list of paired source areas, in groups (a county may be in several)."""

    id: str
    version: str
    title: str
    source: str
    note: str
    groups: tuple[PairedGroup, ...]

    @property
    def counties(self) -> frozenset[str]:
        return frozenset(code for group in self.groups for code in group.counties)

    def groups_of(self, county_code: str) -> tuple[PairedGroup, ...]:
        return tuple(group for group in self.groups if county_code in group.counties)

    @classmethod
    def load(cls, path: Path) -> PairedAreas:
        """A list file, e.g. the shipped one or one the province sent."""
        return _PairedReader(path).paired(load_json(path, "the paired-area list", parse_float=Decimal))

    @classmethod
    def from_dict(cls, data: Mapping[str, object], origin: str = "paired areas") -> PairedAreas:
        """A list kept elsewhere (the office's edited copy), checked like a file."""
        # Through JSON text so the check sees exactly what a file would hold.
        raw = parse_json(json.dumps(dict(data), ensure_ascii=False), origin, parse_float=Decimal)
        return _PairedReader(origin).paired(raw)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "version": self.version, "title": self.title, "source": self.source,
            "note": self.note,
            "groups": [
                {"code": g.code, "name": g.name, "source": g.source, "note": g.note, "counties": list(g.counties)}
                for g in self.groups
            ],
        }

    def with_group_counties(self, group_code: str, counties: Iterable[str], *, version: str) -> PairedAreas:
        """The list with one group's counties replaced (an office's edit), as a new ``version``."""
        data = self.to_dict()
        groups = data["groups"]
        assert isinstance(groups, list)
        for group in groups:
            if group["code"] == group_code:
                group["counties"] = list(counties)
                break
        else:
            raise KeyError(f"no paired-area group {group_code!r}")
        data["version"] = version
        return PairedAreas.from_dict(data, origin=f"{self.id} (edited)")


# --------------------------------------------------------------------------
# Minimum wages and LPR


@dataclass(frozen=True)
class MinWageTier:
    tier: int
    monthly: Decimal
    counties: tuple[str, ...]


@dataclass(frozen=True)
class MinWagePeriod:
    effective_from: date
    source: str
    note: str
    default_tier: int
    tiers: tuple[MinWageTier, ...]

    def tier_of(self, county_code: str) -> MinWageTier:
        for tier in self.tiers:
            if county_code in tier.counties:
                return tier
        return next(tier for tier in self.tiers if tier.tier == self.default_tier)


@dataclass(frozen=True)
class MinWageTable:
    id: str
    version: str
    title: str
    unit: str
    note: str
    periods: tuple[MinWagePeriod, ...]  # by date, oldest first

    def period_on(self, day: date) -> MinWagePeriod | None:
        found = None
        for period in self.periods:
            if period.effective_from <= day:
                found = period
        return found

    def on(self, day: date, county_code: str) -> tuple[MinWagePeriod, MinWageTier] | None:
        """The period in force on ``day`` and the county's tier in it; None before the first."""
        period = self.period_on(day)
        return None if period is None else (period, period.tier_of(county_code))


@dataclass(frozen=True)
class LprRate:
    effective_from: date
    one_year: Decimal
    five_year: Decimal
    source: str


@dataclass(frozen=True)
class LprTable:
    id: str
    version: str
    title: str
    unit: str
    source: str
    note: str
    rates: tuple[LprRate, ...]  # by date, oldest first

    def on(self, day: date) -> LprRate | None:
        found = None
        for rate in self.rates:
            if rate.effective_from <= day:
                found = rate
        return found


# --------------------------------------------------------------------------
# The rule set


@dataclass(frozen=True)
class Component:
    """One file of a rule set: its role, id, version and content hash."""

    role: str
    id: str
    version: str
    digest: str


class RuleSet:
    """All parameters a decision uses, with the version that names them."""

    def __init__(
        self,
        *,
        labor: LaborCoopRules,
        paired: PairedAreas,
        min_wage: MinWageTable,
        lpr: LprTable,
        sizes: SizeStandard,
        tracking: TrackingRules,
        digests: Mapping[str, str],
        agreements: AgreementBook | None = None,
    ) -> None:
        self.labor = labor
        self.tracking = tracking
        self.paired = paired
        self.min_wage = min_wage
        self.lpr = lpr
        self.sizes = sizes
        self.paired_counties = paired.counties
        # The office's dated agreements: for a county with one, it decides instead of the list.
        self.agreements = agreements if agreements is not None else AgreementBook()
        self.components = (
            Component("labor_coop", labor.id, labor.version, digests["labor_coop"]),
            Component("paired_areas", paired.id, paired.version, digests["paired_areas"]),
            Component("min_wage", min_wage.id, min_wage.version, digests["min_wage"]),
            Component("lpr", lpr.id, lpr.version, digests["lpr"]),
            Component("size_standard", sizes.id, "", digests["size_standard"]),
            Component("tracking", tracking.id, tracking.version, digests["tracking"]),
        )
        combined = hashlib.sha256("\n".join(f"{c.role}:{c.digest}" for c in self.components).encode())
        names = "+".join(f"{c.id}@{c.version}" if c.version else c.id for c in self.components)
        self.version = f"{names}#{combined.hexdigest()[:_HASH_LENGTH]}"

    def __repr__(self) -> str:
        return f"RuleSet({self.version!r})"

    @classmethod
    def load(cls, folder: Path | None = None) -> RuleSet:
        """The rule set of a folder holding the files of DEFAULT_FILES (the bundled one, cached, when None)."""
        if folder is None:
            return _load_default()
        return cls.from_files(**{role: Path(folder) / name for role, name in DEFAULT_FILES.items()})

    @classmethod
    def from_files(
        cls, *, labor_coop: Path, paired_areas: Path, min_wage: Path, lpr: Path, size_standard: Path,
        tracking: Path,
    ) -> RuleSet:
        raw = {
            "labor_coop": load_json(labor_coop, "the labor-cooperation rules", parse_float=Decimal),
            "paired_areas": load_json(paired_areas, "the paired-area list", parse_float=Decimal),
            "min_wage": load_json(min_wage, "the minimum-wage table", parse_float=Decimal),
            "lpr": load_json(lpr, "the LPR table", parse_float=Decimal),
            "size_standard": load_json(size_standard, "the size standard", parse_float=Decimal),
            "tracking": load_json(tracking, "the tracking parameters", parse_float=Decimal),
        }
        return cls(
            labor=_LaborReader(labor_coop).rules(raw["labor_coop"]),
            paired=_PairedReader(paired_areas).paired(raw["paired_areas"]),
            min_wage=_MinWageReader(min_wage).table(raw["min_wage"]),
            lpr=_LprReader(lpr).table(raw["lpr"]),
            sizes=SizeStandard.load(size_standard),
            tracking=TrackingRules.read(raw["tracking"], tracking),
            digests={role: content_digest(value) for role, value in raw.items()},
        )

    def with_paired_areas(self, paired: PairedAreas, agreements: AgreementBook | None = None) -> RuleSet:
        """The same rules with another paired-area list (the office's or the province's) and,
        when given, the office's agreements (both part of the ``paired_areas`` digest, so recording
        or ending an agreement gives a new version)."""
        digests = {c.role: c.digest for c in self.components}
        content: object = paired.to_dict()
        if agreements:
            content = {"list": content, "agreements": agreements.to_list()}
        digests["paired_areas"] = content_digest(content)
        return RuleSet(
            labor=self.labor, paired=paired, min_wage=self.min_wage, lpr=self.lpr, sizes=self.sizes,
            tracking=self.tracking, digests=digests, agreements=agreements,
        )

    def with_labor(self, labor: LaborCoopRules, raw: object) -> RuleSet:
        """The same rules with another labor-cooperation standard (a signed province policy file's);
        ``raw`` is its parsed document, whose digest names it in the version."""
        digests = {c.role: c.digest for c in self.components}
        digests["labor_coop"] = content_digest(raw)
        return RuleSet(
            labor=labor, paired=self.paired, min_wage=self.min_wage, lpr=self.lpr, sizes=self.sizes,
            tracking=self.tracking, digests=digests, agreements=self.agreements,
        )

    def is_paired(self, county_code: str) -> bool:
        return county_code in self.paired_counties

    def threshold(self, size: EnterpriseSize) -> SizeThreshold:
        return self.labor.standards[size]


def content_digest(raw: object) -> str:
    """SHA-256 of the canonical JSON of a parsed file: layout and key order do not matter."""
    text = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_number_text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _number_text(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value.normalize())
    raise TypeError(f"not JSON: {type(value).__name__}")


@cache
def _load_default() -> RuleSet:
    return RuleSet.from_files(**{role: resource_path(POLICY_FOLDER, name) for role, name in DEFAULT_FILES.items()})


# --------------------------------------------------------------------------
# Strict readers


class _PolicyReader(Reader):
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
            if not isinstance(item, str) or not _COUNTY_CODE.fullmatch(item):
                raise self.fail(spot, f"should be a 6-digit county code, not {item!r}")
            if item in codes:
                raise self.fail(spot, f"duplicate county code {item}")
            codes.append(item)
        return tuple(codes)


_LABOR_KEYS: Final = (
    "id", "version", "title", "document", "effective_from", "note", "standards", "reduced",
    "local_workers_count", "contract_min_months", "wage_evidence",
)


class _LaborReader(_PolicyReader):
    def rules(self, raw: object) -> LaborCoopRules:
        top = self.obj(raw, "", _LABOR_KEYS)
        standards_raw = self.obj(top["standards"], "standards", tuple(size.value for size in SIZES))
        standards = {size: self.threshold(standards_raw[size.value], f"standards.{size.value}") for size in SIZES}
        months, months_source = self.cited(top["contract_min_months"], "contract_min_months")
        local, local_source = self.cited(top["local_workers_count"], "local_workers_count")
        return LaborCoopRules(
            id=self.text(top["id"], "id"),
            version=self.text(top["version"], "version"),
            title=self.text(top["title"], "title"),
            document=self.text(top["document"], "document"),
            effective_from=self.date(top["effective_from"], "effective_from"),
            note=self.note(top["note"], "note"),
            standards=MappingProxyType(standards),
            reduced=self.reduced(top["reduced"]),
            contract_min_months=self.whole(months, "contract_min_months.value", minimum=1),
            contract_source=months_source,
            wage_evidence=self.wage(top["wage_evidence"]),
            local_workers_count=self.flag(local, "local_workers_count.value"),
            local_workers_source=local_source,
        )

    def threshold(self, raw: object, where: str) -> SizeThreshold:
        row = self.obj(raw, where, ("count", "share"))
        count, count_source = self.cited(row["count"], f"{where}.count")
        share, share_source = self.cited(row["share"], f"{where}.share")
        return SizeThreshold(
            count=self.whole(count, f"{where}.count.value", minimum=1),
            share=self.fraction(share, f"{where}.share.value", low=Fraction(0), high=Fraction(1)),
            count_source=count_source,
            share_source=share_source,
        )

    def reduced(self, raw: object) -> ReducedStandard:
        item = self.obj(raw, "reduced", ("factor", "floor", "trigger", "unverified_claims_count"))
        factor, factor_source = self.cited(item["factor"], "reduced.factor")
        floor, floor_source = self.cited(item["floor"], "reduced.floor")
        trigger, trigger_source = self.cited(item["trigger"], "reduced.trigger")
        claims, claims_source = self.cited(item["unverified_claims_count"], "reduced.unverified_claims_count")
        return ReducedStandard(
            factor=self.fraction(factor, "reduced.factor.value", low=Fraction(0), high=Fraction(1)),
            floor=self.fraction(floor, "reduced.floor.value", low=Fraction(0), high=Fraction(1)),
            trigger=self.choice(trigger, "reduced.trigger.value", TRIGGERS),
            factor_source=factor_source,
            floor_source=floor_source,
            trigger_source=trigger_source,
            unverified_claims_count=self.flag(claims, "reduced.unverified_claims_count.value"),
            unverified_claims_source=claims_source,
        )

    def wage(self, raw: object) -> WageEvidenceRule:
        value, source = self.cited(raw, "wage_evidence")
        rule = self.obj(value, "wage_evidence.value",
                        ("mode", "min_paid_months", "recent_window_months", "recent_min_paid_months"))
        window = self.whole(rule["recent_window_months"], "wage_evidence.value.recent_window_months")
        least = self.whole(rule["recent_min_paid_months"], "wage_evidence.value.recent_min_paid_months")
        if least > window:
            raise self.fail("wage_evidence.value.recent_min_paid_months",
                            f"should be at most recent_window_months ({window}), not {least}")
        return WageEvidenceRule(
            mode=self.choice(rule["mode"], "wage_evidence.value.mode", WAGE_MODES),
            min_paid_months=self.whole(rule["min_paid_months"], "wage_evidence.value.min_paid_months"),
            source=source, recent_window_months=window, recent_min_paid_months=least,
        )


class _PairedReader(_PolicyReader):
    def paired(self, raw: object) -> PairedAreas:
        top = self.obj(raw, "", ("id", "version", "title", "source", "note", "groups"))
        groups: list[PairedGroup] = []
        for i, item in enumerate(self.items(top["groups"], "groups")):
            where = f"groups[{i}]"
            group = self.obj(item, where, ("code", "name", "source", "note", "counties"))
            code = self.text(group["code"], f"{where}.code")
            if not _GROUP_CODE.fullmatch(code):
                raise self.fail(f"{where}.code", f"should be lower-case letters, digits and _, not {code!r}")
            if any(g.code == code for g in groups):
                raise self.fail(f"{where}.code", f"duplicate group code {code!r}")
            groups.append(PairedGroup(
                code=code,
                name=self.text(group["name"], f"{where}.name"),
                source=self.text(group["source"], f"{where}.source"),
                note=self.note(group["note"], f"{where}.note"),
                counties=self.county_codes(group["counties"], f"{where}.counties"),
            ))
        return PairedAreas(
            id=self.text(top["id"], "id"),
            version=self.text(top["version"], "version"),
            title=self.text(top["title"], "title"),
            source=self.text(top["source"], "source"),
            note=self.note(top["note"], "note"),
            groups=tuple(groups),
        )


class _MinWageReader(_PolicyReader):
    def table(self, raw: object) -> MinWageTable:
        top = self.obj(raw, "", ("id", "version", "title", "unit", "note", "periods"))
        if top["unit"] != "元/月":
            raise self.fail("unit", f"should be '元/月', not {top['unit']!r}")
        periods = tuple(
            self.period(item, f"periods[{i}]") for i, item in enumerate(self.items(top["periods"], "periods"))
        )
        for i in range(1, len(periods)):
            if periods[i].effective_from <= periods[i - 1].effective_from:
                raise self.fail(f"periods[{i}].effective_from", "should be later than the period before")
        return MinWageTable(
            id=self.text(top["id"], "id"),
            version=self.text(top["version"], "version"),
            title=self.text(top["title"], "title"),
            unit="元/月",
            note=self.note(top["note"], "note"),
            periods=periods,
        )

    def period(self, raw: object, where: str) -> MinWagePeriod:
        item = self.obj(raw, where, ("effective_from", "source", "note", "default_tier", "tiers"))
        tiers: list[MinWageTier] = []
        for i, tier_raw in enumerate(self.items(item["tiers"], f"{where}.tiers")):
            spot = f"{where}.tiers[{i}]"
            tier = self.obj(tier_raw, spot, ("tier", "monthly", "counties"))
            number = self.whole(tier["tier"], f"{spot}.tier", minimum=1)
            if number != i + 1:
                raise self.fail(f"{spot}.tier", f"should be {i + 1} (tiers are numbered in order)")
            monthly = self.decimal(tier["monthly"], f"{spot}.monthly")
            if monthly <= 0:
                raise self.fail(f"{spot}.monthly", f"should be above 0, not {monthly}")
            counties = self.county_codes(tier["counties"], f"{spot}.counties")
            for code in counties:
                if any(code in earlier.counties for earlier in tiers):
                    raise self.fail(f"{spot}.counties", f"county {code} is already in another tier")
            tiers.append(MinWageTier(number, monthly, counties))
        default = self.whole(item["default_tier"], f"{where}.default_tier", minimum=1)
        if default > len(tiers):
            raise self.fail(f"{where}.default_tier", f"there is no tier {default}")
        return MinWagePeriod(
            effective_from=self.date(item["effective_from"], f"{where}.effective_from"),
            source=self.text(item["source"], f"{where}.source"),
            note=self.note(item["note"], f"{where}.note"),
            default_tier=default,
            tiers=tuple(tiers),
        )


class _LprReader(_PolicyReader):
    def table(self, raw: object) -> LprTable:
        top = self.obj(raw, "", ("id", "version", "title", "unit", "source", "note", "rates"))
        if top["unit"] != "%":
            raise self.fail("unit", f"should be '%', not {top['unit']!r}")
        rates: list[LprRate] = []
        for i, item in enumerate(self.items(top["rates"], "rates")):
            where = f"rates[{i}]"
            rate = self.obj(item, where, ("effective_from", "one_year", "five_year", "source"))
            found = LprRate(
                effective_from=self.date(rate["effective_from"], f"{where}.effective_from"),
                one_year=self.percent(rate["one_year"], f"{where}.one_year"),
                five_year=self.percent(rate["five_year"], f"{where}.five_year"),
                source=self.text(rate["source"], f"{where}.source"),
            )
            if rates and found.effective_from <= rates[-1].effective_from:
                raise self.fail(f"{where}.effective_from", "should be later than the rate before")
            rates.append(found)
        return LprTable(
            id=self.text(top["id"], "id"),
            version=self.text(top["version"], "version"),
            title=self.text(top["title"], "title"),
            unit="%",
            source=self.text(top["source"], "source"),
            note=self.note(top["note"], "note"),
            rates=tuple(rates),
        )

    def percent(self, raw: object, where: str) -> Decimal:
        value = self.decimal(raw, where)
        if not 0 < value < 100:
            raise self.fail(where, f"should be a rate in percent between 0 and 100, not {value}")
        return value

