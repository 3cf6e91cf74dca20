"""The loan-period parameters (``tracking_2022.json``), part of the rule set and of its version.

Loan recording (三（五）: the preferential period, which LPR term) and the re-verification during the
loan (三（六）: the continuous-employment minimum, how often a check is due) read these numbers, each
with its source. The file is one component of :class:`desktop.core.policy.RuleSet`, so changing any
value gives a new rule-set version, as for the standard itself, and a check records the version it
was made under.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from desktop.core.datafile import Reader, load_json
from desktop.resources import resource_path

TRACKING_FILE: Final = "tracking_2022.json"
_KEYS: Final = ("preferential_max_months", "lpr_five_year_above_months", "continuous_min_months",
                "check_interval_months")


@dataclass(frozen=True)
class TrackingRules:
    """The parameters of loan recording and re-verification, each with its source."""

    id: str
    version: str
    preferential_max_months: int
    preferential_source: str
    lpr_five_year_above_months: int
    lpr_source: str
    continuous_min_months: int
    continuous_source: str
    check_interval_months: int
    interval_source: str
    title: str = ""

    @classmethod
    def load(cls, path: Path | None = None) -> TrackingRules:
        """The file's parameters (the bundled file when None; an office reads them from its rule set)."""
        path = path or resource_path("policy", TRACKING_FILE)
        return cls.read(load_json(path, "the tracking parameters"), path)

    @classmethod
    def read(cls, raw: object, origin: object) -> TrackingRules:
        """Strictly: an unknown or missing key, or a value that is not a whole number ≥ 1, names the key."""
        reader = Reader(origin)
        top = reader.obj(raw, "", ("id", "version", "title", "note", *_KEYS))
        found: dict[str, tuple[int, str]] = {}
        for key in _KEYS:
            item = reader.obj(top[key], key, ("value", "source"))
            found[key] = (reader.whole(item["value"], f"{key}.value", minimum=1),
                          reader.text(item["source"], f"{key}.source"))
        return cls(
            id=reader.text(top["id"], "id"), version=reader.text(top["version"], "version"),
            preferential_max_months=found["preferential_max_months"][0],
            preferential_source=found["preferential_max_months"][1],
            lpr_five_year_above_months=found["lpr_five_year_above_months"][0],
            lpr_source=found["lpr_five_year_above_months"][1],
            continuous_min_months=found["continuous_min_months"][0],
            continuous_source=found["continuous_min_months"][1],
            check_interval_months=found["check_interval_months"][0],
            interval_source=found["check_interval_months"][1],
            title=reader.text(top["title"], "title"),
        )
