"""The labor-cooperation standard of 吉人社联〔2022〕19号 (``labor_coop_2022.json``, or a signed
province policy file's): count and share by enterprise size, the reduced standard (factor,
floor, what triggers it), the contract minimum and the wage-evidence rule; one component of
:class:`desktop.core.policy.RuleSet`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from types import MappingProxyType
from typing import Final

from desktop.core.policy_reader import PolicyReader
from desktop.core.size import EnterpriseSize

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


_LABOR_KEYS: Final = (
    "id", "version", "title", "document", "effective_from", "note", "standards", "reduced",
    "local_workers_count", "contract_min_months", "wage_evidence",
)


class _LaborReader(PolicyReader):
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
