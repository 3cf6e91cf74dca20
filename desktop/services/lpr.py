"""The LPR table the loan check uses: the rates shipped with the program and those the office added.

When the central bank publishes a new loan prime rate, an office must not wait for a new release
to compare loans with it (DOMAIN.md 3.5: keep the table editable). An admin (``OFFICE_SETTINGS``)
adds an entry (effective date, 1-year and 5-year-and-above rate in percent) and may remove one the
office added (a typo); the shipped entries stay. The office's entries are kept as JSON in the
``settings`` table under :data:`SETTING_KEY`, every change audited in the same transaction.
:func:`office_lpr` merges both by date; ``desktop.services.policy.office_rules`` puts the merged
table into the office's rule set, so a rate added gives a new rule-set version.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.core.policy import RuleSet
from desktop.core.policy_rates import LprRate, LprTable
from desktop.services.audit import ACTION_LABELS
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store.db import now_iso

log = logging.getLogger(__name__)

SETTING_KEY: Final = "lpr_office_rates"  # no dot: the audit-label scan reads dotted literals as actions
SETTING_SCHEMA: Final = "laoxie.lpr_setting/1"
LOWEST: Final = Decimal(0)  # a plausible rate lies strictly between these (percent)
HIGHEST: Final = Decimal(20)
_TENORS: Final = {"one_year": QT_TRANSLATE_NOOP("service", "1年期"),
                  "five_year": QT_TRANSLATE_NOOP("service", "5年期以上")}

SERVICE_MESSAGES.update({
    "lpr_date_taken": QT_TRANSLATE_NOOP(
        "service", "LPR表中已有{day}生效的报价（{origin}：1年期 {one}%，5年期以上 {five}%），不能重复添加。"),
    "lpr_rate_not_number": QT_TRANSLATE_NOOP("service", "{tenor}LPR“{value}”不是数字，请填写百分数，如 3.00。"),
    "lpr_rate_implausible": QT_TRANSLATE_NOOP(
        "service", "{tenor}LPR {value}% 不合常理：应大于 0 且小于 20（单位为%，如 3.00）。"),
    "lpr_not_office": QT_TRANSLATE_NOOP(
        "service", "{day}生效的LPR随程序发布，不能删除；只能删除本单位添加的报价。"),
    "lpr_absent": QT_TRANSLATE_NOOP("service", "LPR表中没有{day}生效的报价，无法删除。"),
    "lpr_setting_broken": QT_TRANSLATE_NOOP(
        "service", "本单位添加的LPR报价已损坏（{detail}）。请联系技术支持。"),
})

ACTION_LABELS.update({
    "policy.lpr_add": QT_TRANSLATE_NOOP("audit", "添加LPR报价"),
    "policy.lpr_remove": QT_TRANSLATE_NOOP("audit", "删除本单位添加的LPR报价"),
})


@dataclass(frozen=True)
class LprEntry:
    """One row of the table as the admin sees it: the rate and whether the office added it."""

    rate: LprRate
    office: bool
    by_name: str  # who added it; "" for a shipped rate
    at: str


def shipped_lpr() -> LprTable:
    return RuleSet.load().lpr


def _office_docs(ws: Workspace) -> list[dict[str, Any]]:
    raw = ws.store.setting(SETTING_KEY)
    if raw is None:
        return []
    try:
        doc = json.loads(raw)
        if doc.get("schema") != SETTING_SCHEMA:
            raise ValueError(f"schema {doc.get('schema')!r}")
        rates = doc["rates"]
        if not isinstance(rates, list):
            raise ValueError("rates is not a list")
        for item in rates:
            _rate_of(item)
        return rates
    except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
        log.warning("LPR setting: %s", exc)
        raise ServiceError("lpr_setting_broken", detail="详细原因已写入日志") from exc


def _rate_of(item: dict[str, Any]) -> LprRate:
    return LprRate(effective_from=date.fromisoformat(item["effective_from"]), one_year=Decimal(item["one_year"]),
                   five_year=Decimal(item["five_year"]), source=str(item["source"]))


def lpr_entries(ws: Workspace) -> list[LprEntry]:
    """Every rate of the office's table, oldest first, each marked shipped or office-added."""
    entries = [LprEntry(rate, False, "", "") for rate in shipped_lpr().rates]
    entries += [LprEntry(_rate_of(d), True, str(d["by_name"]), str(d["at"])) for d in _office_docs(ws)]
    return sorted(entries, key=lambda e: e.rate.effective_from)


def office_lpr(ws: Workspace) -> tuple[LprTable, list[dict[str, Any]]]:
    """The shipped table with the office's rates merged in by date, and the office's stored rates."""
    shipped, docs = shipped_lpr(), _office_docs(ws)
    if not docs:
        return shipped, docs
    rates = tuple(sorted((*shipped.rates, *map(_rate_of, docs)), key=lambda r: r.effective_from))
    return replace(shipped, version=f"{shipped.version}+office.{len(docs)}", rates=rates), docs


def with_office_lpr(ws: Workspace, rules: RuleSet) -> RuleSet:
    """``rules`` with the office's LPR table (the same object when the office added none)."""
    table, docs = office_lpr(ws)
    if not docs:
        return rules
    shipped = next(c.digest for c in rules.components if c.role == "lpr")
    return rules.with_lpr(table, {"shipped": shipped, "office": docs})


def _percent(value: Decimal | str, tenor: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().rstrip("%").strip())
    except InvalidOperation:
        raise ServiceError("lpr_rate_not_number", tenor=_TENORS[tenor], value=value) from None
    if not number.is_finite():
        raise ServiceError("lpr_rate_not_number", tenor=_TENORS[tenor], value=value)
    if not LOWEST < number < HIGHEST:
        raise ServiceError("lpr_rate_implausible", tenor=_TENORS[tenor], value=number)
    return number


def _write(ws: Workspace, docs: list[dict[str, Any]], action: str, item: dict[str, Any]) -> None:
    """Inside the caller's transaction, which also read ``docs``: another program's change in between
    would otherwise be overwritten (a read outside it, then this write, loses an entry added meanwhile)."""
    doc = {"schema": SETTING_SCHEMA, "rates": sorted(docs, key=lambda d: d["effective_from"])}
    ws.store.set_setting(SETTING_KEY, json.dumps(doc, ensure_ascii=False, sort_keys=True))
    ws.audit(action, entity="setting", entity_id=SETTING_KEY, detail={
        "effective_from": item["effective_from"], "one_year": item["one_year"],
        "five_year": item["five_year"], "source": item["source"],
    })


def add_lpr(ws: Workspace, effective_from: date, one_year: Decimal | str, five_year: Decimal | str,
            source: str = "") -> LprRate:
    """Add a published rate; refused (Chinese message) for a date already in the table or an implausible rate."""
    ws.require(Permission.OFFICE_SETTINGS)
    one, five = _percent(one_year, "one_year"), _percent(five_year, "five_year")
    with ws.store.transaction():  # read, check and write as one: BEGIN IMMEDIATE keeps others out
        for entry in lpr_entries(ws):
            if entry.rate.effective_from == effective_from:
                raise ServiceError("lpr_date_taken", day=effective_from.isoformat(),
                                   origin="本单位添加" if entry.office else "随程序发布",
                                   one=entry.rate.one_year, five=entry.rate.five_year)
        docs = _office_docs(ws)
        item = {
            "effective_from": effective_from.isoformat(), "one_year": str(one), "five_year": str(five),
            "source": source.strip() or f"本单位添加（{ws.actor.shown_name}，{now_iso()[:10]}）",
            "by": ws.actor.username, "by_name": ws.actor.shown_name, "at": now_iso(),
        }
        _write(ws, [*docs, item], "policy.lpr_add", item)
    return _rate_of(item)


def remove_lpr(ws: Workspace, effective_from: date) -> None:
    """Remove a rate the office added (a typo); a shipped rate cannot be removed."""
    ws.require(Permission.OFFICE_SETTINGS)
    day = effective_from.isoformat()
    with ws.store.transaction():
        docs = _office_docs(ws)
        item = next((d for d in docs if d["effective_from"] == day), None)
        if item is None:
            if any(r.effective_from == effective_from for r in shipped_lpr().rates):
                raise ServiceError("lpr_not_office", day=day)
            raise ServiceError("lpr_absent", day=day)
        _write(ws, [d for d in docs if d is not item], "policy.lpr_remove", item)
