"""Dated tables a decision and a loan look up by day: the minimum-wage tiers and the counties in
each (``min_wage_jilin.json``), and the 1-year and 5-year loan prime rates (``lpr.json``); two
components of :class:`desktop.core.policy.RuleSet`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.core.policy_reader import PolicyReader


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


def read_min_wage(raw: object, origin: object) -> MinWageTable:
    """A minimum-wage table already parsed, checked strictly: ValueError naming the key otherwise."""
    return _MinWageReader(origin).table(raw)


def read_lpr(raw: object, origin: object) -> LprTable:
    """An LPR table already parsed, checked strictly: ValueError naming the key otherwise."""
    return _LprReader(origin).table(raw)


class _MinWageReader(PolicyReader):
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


class _LprReader(PolicyReader):
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

