"""The policy parameters of a decision: one :class:`RuleSet` read from dated files.

``resources/policy/`` holds one file per subject, each value with the document
it comes from:

* ``labor_coop_2022.json`` — the standard of 吉人社联〔2022〕19号: count and share
  by enterprise size, the reduced standard (factor, floor, what triggers it),
  the contract minimum and the wage-evidence rule (``desktop.core.policy_labor``);
* ``paired_areas.json`` — the paired source areas (对口地区), in groups; the
  office may edit the list and the province may send a new one
  (:meth:`RuleSet.with_paired_areas`; ``desktop.core.policy_areas``);
* ``min_wage_jilin.json`` — dated minimum-wage tiers and the counties in each;
* ``lpr.json`` — dated 1-year and 5-year loan prime rates (both ``desktop.core.policy_rates``);
* ``size_standard_2011.json`` — the SME size standard (``desktop.core.size``);
* ``tracking_2022.json`` — the loan-period parameters (preferential period, LPR term, the
  continuous-employment minimum, the check interval; ``desktop.core.policy_tracking``).

Every file is read strictly (``desktop.core.datafile``, ``desktop.core.policy_reader``):
an unknown key, a missing key or a value of the wrong kind is a ``ValueError`` naming
the file and the key path. Decimal fractions are read exactly (0.15 is 15/100, not a
binary float), so a threshold reached exactly is reached.

:attr:`RuleSet.version` names every file's id and version and ends with a short
hash of their contents: changing any value in any file gives a new version,
and a decision records the version it was made under.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

from desktop.core.agreements import AgreementBook
from desktop.core.datafile import load_json
from desktop.core.policy_areas import PairedAreas, read_paired_areas
from desktop.core.policy_labor import LaborCoopRules, SizeThreshold, read_labor_rules
from desktop.core.policy_rates import LprTable, MinWageTable, read_lpr, read_min_wage
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
_HASH_LENGTH: Final = 10


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
            labor=read_labor_rules(raw["labor_coop"], labor_coop),
            paired=read_paired_areas(raw["paired_areas"], paired_areas),
            min_wage=read_min_wage(raw["min_wage"], min_wage),
            lpr=read_lpr(raw["lpr"], lpr),
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

    def with_lpr(self, lpr: LprTable, raw: object) -> RuleSet:
        """The same rules with another LPR table (the shipped one with the office's added rates);
        ``raw`` names its content in the version, so a rate added gives a new version."""
        digests = {c.role: c.digest for c in self.components}
        digests["lpr"] = content_digest(raw)
        return RuleSet(
            labor=self.labor, paired=self.paired, min_wage=self.min_wage, lpr=lpr, sizes=self.sizes,
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
