"""The standard an enterprise's counted workers are held to: normal, then reduced (DOMAIN.md 3.3).

:func:`check_standard` is shared by the decision and the monthly tracking
(:mod:`desktop.core.tracking`); the reading is in :mod:`desktop.core.eligibility`'s notes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from desktop.core.decision import PassBy, StandardKind, decimal_text, percent_text, register_messages
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize
from desktop.core.workers import PriorityGroup

__all__ = ["StandardCheck", "check_standard", "priority_text", "share_step"]

register_messages({
    "step_share": QT_TRANSLATE_NOOP(
        "problems", "职工总数{staff}人，合格人员占比{counted}÷{staff}={percent}。"
    ),
    "step_share_approx": QT_TRANSLATE_NOOP(
        "problems", "职工总数{staff}人，合格人员占比{counted}÷{staff}{percent}。"
    ),
    "step_share_none": QT_TRANSLATE_NOOP("problems", "职工总数为0，无法计算占比，只能按人数认定。"),
    "step_normal_standard": QT_TRANSLATE_NOOP(
        "problems", "{size}企业的认定标准：合格人员不少于{count}人，或占职工总数不低于{share}（{source}）。"
    ),
    "step_check": QT_TRANSLATE_NOOP(
        "problems", "按{kind}：人数{counted}{count_sign}{count}人，占比{percent}{share_sign}{share}，{verdict}。"
    ),
    "step_reduced": QT_TRANSLATE_NOOP(
        "problems",
        "计入人员中有重点群体{n}人（{groups}），可适当降低标准：人数{count_working}；占比{share_working}（{source}）。",
    ),
    "step_reduced_not_needed": QT_TRANSLATE_NOOP(
        "problems", "计入人员中有重点群体{n}人（{groups}）；已达到正常标准，不需降低标准。"
    ),
    "step_reduced_none": QT_TRANSLATE_NOOP(
        "problems", "计入人员中没有经核实的重点群体人员，不适用降低标准。"
    ),
    "step_reduced_off": QT_TRANSLATE_NOOP("problems", "现行规则未启用降低标准。"),
    "elig_sign_ge": QT_TRANSLATE_NOOP("problems", "≥"),
    "elig_sign_lt": QT_TRANSLATE_NOOP("problems", "<"),
    "elig_verdict_met": QT_TRANSLATE_NOOP("problems", "达到"),
    "elig_verdict_unmet": QT_TRANSLATE_NOOP("problems", "未达到"),
    "elig_no_share": QT_TRANSLATE_NOOP("problems", "无法计算"),
    "elig_working_rounded": QT_TRANSLATE_NOOP("problems", "{count}×{factor}={raw}，向上取整为{result}人"),
    "elig_working_exact": QT_TRANSLATE_NOOP("problems", "{count}×{factor}={result}人"),
    "elig_working_floor": QT_TRANSLATE_NOOP(
        "problems", "{count}×{factor}={raw}，低于下限{count}×{floor}={floor_raw}，取{result}人"
    ),
    "elig_share_working": QT_TRANSLATE_NOOP("problems", "{share}×{factor}={result}"),
    "elig_share_working_floor": QT_TRANSLATE_NOOP(
        "problems", "{share}×{factor}={raw}，低于下限{share}×{floor}={result}，取{result}"
    ),
})




def _reduced_count(count: int, factor: Fraction, floor: Fraction) -> tuple[int, str]:
    raw = count * factor
    lowered = math.ceil(raw)
    least = math.ceil(count * floor)
    if lowered < least:
        working = Problem("elig_working_floor", {
            "count": count, "factor": decimal_text(factor), "raw": decimal_text(raw),
            "floor": decimal_text(floor), "floor_raw": decimal_text(count * floor), "result": least,
        })
        return least, working.text()
    code = "elig_working_exact" if raw == lowered else "elig_working_rounded"
    working = Problem(code, {"count": count, "factor": decimal_text(factor), "raw": decimal_text(raw),
                             "result": lowered})
    return lowered, working.text()


def _reduced_share(share: Fraction, factor: Fraction, floor: Fraction) -> tuple[Fraction, str]:
    raw = share * factor
    least = share * floor
    if raw < least:
        working = Problem("elig_share_working_floor", {
            "share": percent_text(share), "factor": decimal_text(factor), "raw": percent_text(raw),
            "floor": decimal_text(floor), "result": percent_text(least),
        })
        return least, working.text()
    working = Problem("elig_share_working", {"share": percent_text(share), "factor": decimal_text(factor),
                                        "result": percent_text(raw)})
    return raw, working.text()


def _met(counted: int, share: Fraction | None, count: int, share_required: Fraction) -> tuple[bool, bool]:
    return counted >= count, share is not None and share >= share_required


def _check_step(kind: StandardKind, counted: int, share: Fraction | None, count: int,
                share_required: Fraction, met: tuple[bool, bool]) -> Problem:
    return Problem("step_check", {
        "kind": kind.label, "counted": counted, "count": count,
        "count_sign": Problem("elig_sign_ge" if met[0] else "elig_sign_lt").text(),
        "percent": percent_text(share) if share is not None else Problem("elig_no_share").text(),
        "share_sign": Problem("elig_sign_ge" if met[1] else "elig_sign_lt").text(),
        "share": percent_text(share_required),
        "verdict": Problem("elig_verdict_met" if any(met) else "elig_verdict_unmet").text(),
    })


def priority_text(counts: Sequence[tuple[PriorityGroup, int]]) -> str:
    """The priority groups and their numbers, as the steps list them (脱贫人口2人、登记失业人员1人)."""
    return Problem("elig_list_sep").text().join(f"{g.label}{n}人" for g, n in counts)


def share_step(staff: int, qualifying: int, share: Fraction | None) -> Problem:
    """The step that states the share of qualifying workers in the staff total."""
    if share is None:
        return Problem("step_share_none")
    percent = percent_text(share)
    code = "step_share_approx" if percent.startswith("≈") else "step_share"
    return Problem(code, {"staff": staff, "counted": qualifying, "percent": percent})


@dataclass(frozen=True)
class StandardCheck:
    """The standard applied to a count and a share, with the steps that explain it."""

    kind: StandardKind
    count_required: int
    share_required: Fraction
    met: tuple[bool, bool]  # (count, share)
    trigger_met: bool
    count_working: str
    share_working: str
    steps: tuple[Problem, ...]

    @property
    def pass_by(self) -> PassBy | None:
        met = self.met
        return (PassBy.BOTH if all(met) else PassBy.COUNT if met[0] else PassBy.SHARE) if any(met) else None


def check_standard(rules: RuleSet, size: EnterpriseSize, qualifying: int, share: Fraction | None,
                   priority: int, group_text: str) -> StandardCheck:
    """The one implementation of 三（二）: the normal standard for ``size``, and when it is not met and
    ``priority`` verified priority-group workers trigger it, the reduced standard (used by the
    decision and by the re-verification during the loan)."""
    threshold = rules.threshold(size)
    reduced = rules.labor.reduced
    steps: list[Problem] = [Problem("step_normal_standard", {
        "size": size.label, "count": threshold.count, "share": percent_text(threshold.share),
        "source": threshold.count_source,
    })]
    normal = _met(qualifying, share, threshold.count, threshold.share)
    steps.append(_check_step(StandardKind.NORMAL, qualifying, share, threshold.count, threshold.share, normal))
    trigger_met = reduced.trigger == "any_qualifying_priority_worker" and priority > 0
    kind, count_required, share_required, met = StandardKind.NORMAL, threshold.count, threshold.share, normal
    count_working = share_working = ""
    if reduced.trigger == "never":
        if not any(normal):
            steps.append(Problem("step_reduced_off"))
    elif not trigger_met:
        if not any(normal):
            steps.append(Problem("step_reduced_none"))
    elif any(normal):
        steps.append(Problem("step_reduced_not_needed", {"n": priority, "groups": group_text}))
    else:
        kind = StandardKind.REDUCED
        count_required, count_working = _reduced_count(threshold.count, reduced.factor, reduced.floor)
        share_required, share_working = _reduced_share(threshold.share, reduced.factor, reduced.floor)
        steps.append(Problem("step_reduced", {
            "n": priority, "groups": group_text, "count_working": count_working,
            "share_working": share_working, "source": reduced.floor_source,
        }))
        met = _met(qualifying, share, count_required, share_required)
        steps.append(_check_step(kind, qualifying, share, count_required, share_required, met))
    return StandardCheck(kind=kind, count_required=count_required, share_required=share_required, met=met,
                         trigger_met=trigger_met, count_working=count_working, share_working=share_working,
                         steps=tuple(steps))
