"""Every parameter of a rule set as a person reads it: name, value, in force from, source.

``laoxie policy show`` lists these (issue 17, 7), so a clerk or the province can
see at a glance what a decision rests on and where each number comes from,
including the values that are this tool's reading of the notice (their source
says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Final

from desktop.core.decision import percent_text
from desktop.core.policy import RuleSet
from desktop.core.policy_tracking import TrackingRules

_TRIGGER_WORDS: Final = {
    "any_qualifying_priority_worker": "计入人员中至少1人属经核实的重点群体",
    "never": "不适用降低标准",
}
_WAGE_MODES: Final = {
    "paid_months_column": "按名册所列工资发放月份核对",
    "none": "只按企业整体核对工资发放证明，不按人核对",
}
_YES_NO: Final = {True: "是", False: "否"}


@dataclass(frozen=True)
class PolicyParameter:
    key: str  # stable, for programs (e.g. "standards.micro.count")
    label: str  # 微型企业：对口地区劳动者人数不少于
    value: str  # 5人
    effective_from: date | None
    source: str

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "value": self.value,
                "effective_from": self.effective_from.isoformat() if self.effective_from else None,
                "source": self.source}


def _percent(value: Fraction) -> str:
    text = percent_text(value)
    return "约" + text[1:] if text.startswith("≈") else text


def parameters(rules: RuleSet) -> list[PolicyParameter]:
    """The rule set's parameters, in the order of the notice, then the tables."""
    labor = rules.labor
    since = labor.effective_from
    found: list[PolicyParameter] = []
    for size, threshold in labor.standards.items():
        found.append(PolicyParameter(f"standards.{size.value}.count", f"{size.label}企业：对口地区劳动者人数不少于",
                                     f"{threshold.count}人", since, threshold.count_source))
        found.append(PolicyParameter(f"standards.{size.value}.share", f"{size.label}企业：或占总职工比例不低于",
                                     _percent(threshold.share), since, threshold.share_source))
    reduced = labor.reduced
    found += [
        PolicyParameter("reduced.trigger", "降低标准的条件", _TRIGGER_WORDS.get(reduced.trigger, reduced.trigger),
                        since, reduced.trigger_source),
        PolicyParameter("reduced.factor", "降低标准：按原标准的", _percent(reduced.factor), since,
                        reduced.factor_source),
        PolicyParameter("reduced.floor", "降低标准：不低于原标准的", _percent(reduced.floor), since,
                        reduced.floor_source),
        PolicyParameter("reduced.rounding", "降低后的人数", "向上取整", since, reduced.factor_source),
        PolicyParameter("reduced.unverified_claims_count", "企业申报而未核实的重点群体也计入",
                        _YES_NO[reduced.unverified_claims_count], since, reduced.unverified_claims_source),
        PolicyParameter("local_workers_count", "户籍在企业所在县（市、区）的人员也计入",
                        _YES_NO[labor.local_workers_count], since, labor.local_workers_source),
        PolicyParameter("contract_min_months", "劳动合同期限不少于", f"{labor.contract_min_months}个月", since,
                        labor.contract_source),
    ]
    wage = labor.wage_evidence
    found.append(PolicyParameter("wage_evidence.mode", "工资发放的核对方式", _WAGE_MODES.get(wage.mode, wage.mode),
                                 since, wage.source))
    if wage.mode == "paid_months_column":
        found.append(PolicyParameter("wage_evidence.min_paid_months", "审核日期当月及以前有工资发放的月份不少于（否则不计入）",
                                     f"{wage.min_paid_months}个月", since, wage.source))
        if wage.recent_window_months:
            found.append(PolicyParameter(
                "wage_evidence.recent", "审核日期所在月之前的月份中有工资发放的月份（否则标出提请核实）",
                f"{wage.recent_window_months}个月中不少于{wage.recent_min_paid_months}个月", since, wage.source))
    paired = rules.paired
    found.append(PolicyParameter("paired_areas", "劳务协作对口地区名单",
                                 f"{paired.title}，版本{paired.version}，共{len(paired.counties)}个县（市、区）",
                                 None, paired.source))
    for period in rules.min_wage.periods:
        tiers = "；".join(f"第{t.tier}档{t.monthly}元" for t in period.tiers)
        found.append(PolicyParameter(f"min_wage.{period.effective_from.isoformat()}", "最低工资标准（元/月）", tiers,
                                     period.effective_from, period.source))
    for rate in rules.lpr.rates:
        found.append(PolicyParameter(f"lpr.{rate.effective_from.isoformat()}", "贷款市场报价利率（LPR）",
                                     f"1年期{rate.one_year}%，5年期以上{rate.five_year}%", rate.effective_from,
                                     rate.source))
    sizes = rules.sizes
    found.append(PolicyParameter("size_standard", "企业规模划型标准", sizes.title, sizes.effective_from, sizes.source))
    found.extend(tracking_parameters(rules.tracking))
    return found


def tracking_parameters(tracking: TrackingRules) -> list[PolicyParameter]:
    """The loan-period parameters (``tracking_2022.json``, part of the rule set), last in :func:`parameters`."""
    return [
        PolicyParameter("tracking.preferential_max_months", "贷款优惠期限不超过",
                        f"{tracking.preferential_max_months}个月", None, tracking.preferential_source),
        PolicyParameter("tracking.lpr_five_year_above_months", "贷款期限超过此月数的对照5年期以上LPR",
                        f"{tracking.lpr_five_year_above_months}个月", None, tracking.lpr_source),
        PolicyParameter("tracking.continuous_min_months", "同一务工人员连续就业不低于",
                        f"{tracking.continuous_min_months}个月", None, tracking.continuous_source),
        PolicyParameter("tracking.check_interval_months", "贷款期内核实周期",
                        f"每{tracking.check_interval_months}个月", None, tracking.interval_source),
    ]
