"""Does an enterprise meet the standard at a review date, and why (DOMAIN.md 3.2, 3.3).

:func:`decide` takes facts (the enterprise, the application, the roster) and a
:class:`~desktop.core.policy.RuleSet` and returns a
:class:`~desktop.core.decision.Decision`; it reads no clock, no file and no
database, so the same facts and rules always give the same decision.

How the notice is read here (each point is also in the rule file's sources):

* A worker counts when the ID number is valid, the person was 16 or older when
  the contract started, the 户籍地 is in a paired area (a county code that no
  longer exists is read as its successor) and is not the enterprise's own
  county (a paired area is a source area paired *with* the destination, 三（一）:
  a local hire is not 劳务协作, unless the policy data says otherwise), the labor contract is long enough
  and covers the review date, and (where the roster lists the months wages
  were paid) enough months up to the review date were paid. One person counts
  once per enterprise.
* Contract length, fixed term: the end date must be on or after the day before
  the date "start + N calendar months"; where that month has no such day (a
  contract from 31 January), the last day of that month is the minimum end
  (as 民法典 第二百零三条 counts periods in months). So 2026-01-15 needs an end
  on or after 2026-04-14, and 2026-01-31 one on or after 2026-04-30. Open-ended
  contracts and contracts for a task count from their start; an end date, if
  one is recorded, still ends them.
* Thresholds are "at least" (≥) and compared exactly: 3 of 20 staff is 15%.
* The normal standard is checked first. Only when it is not met and the
  trigger holds (by default: at least one counted worker is in a priority
  group the clerk verified) is the reduced standard applied: count × factor
  rounded up, but not below count × floor rounded up; share × factor, but not
  below share × floor.
* Priority groups: a group the enterprise wrote on its roster is a claim
  (企业申报); a group the clerk marked with an evidence reference is verified.
  Only verified groups count toward the reduced standard and 优先放贷, unless
  the policy data says unverified claims count. The decision says how many
  counted workers were claimed and how many verified.
* A worker another enterprise lists in an overlapping contract period is not
  counted until the clerk chooses (count here / exclude here); the choice is
  part of the facts and of the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Final

from desktop.core.areas import AreaTable
from desktop.core.decision import (
    Decision, DuplicateChoice, EligibilityError, OtherClaim, Result, StandardApplied,
    WorkerFacts, WorkerOutcome, register_messages,
)
from desktop.core.eligibility_rows import _Context, _outcomes, _Tally, staff_problem
from desktop.core.eligibility_standard import check_standard, priority_text, share_step
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.policy import RuleSet
from desktop.core.size import SizeResult
from desktop.core.workers import PriorityGroup

__all__ = [
    "ApplicationFacts", "Decision", "DuplicateChoice", "EligibilityError", "EnterpriseFacts",
    "OtherClaim", "WorkerFacts", "counted_workers", "decide", "reason_label",
]

register_messages({
    "review_before_rules": QT_TRANSLATE_NOOP(
        "problems", "审核日期{review_date}早于认定规则的施行日期{effective_from}，无法按此规则认定"
    ),
    "step_rules": QT_TRANSLATE_NOOP(
        "problems", "依据{document}，审核日期{review_date}，规则版本{version}。"
    ),
    "step_size": QT_TRANSLATE_NOOP("problems", "企业规模：{size}企业，按划型标准认定。"),
    "step_size_manual": QT_TRANSLATE_NOOP("problems", "企业规模：{size}企业，由经办人手工设定，理由：{reason}。"),
    "step_size_detail": QT_TRANSLATE_NOOP("problems", "　{text}"),
    "step_roster": QT_TRANSLATE_NOOP(
        "problems", "名册共{listed}条，计入对口地区合格人员{counted}人，不计入{excluded}条。"
    ),
    "step_excluded": QT_TRANSLATE_NOOP("problems", "　不计入：{reason}，{n}条。"),
    "step_pending": QT_TRANSLATE_NOOP(
        "problems",
        "有{n}人在重叠的合同期内也列在其他企业的名册中，须由经办人决定是否在本企业计入；决定之前不计入。",
    ),
    "step_priority_claims": QT_TRANSLATE_NOOP(
        "problems", "重点群体：计入人员中企业申报{claimed}人，经办人核实{verified}人。"
    ),
    "step_priority_unverified_off": QT_TRANSLATE_NOOP(
        "problems", "　企业申报而未经核实的{n}人，不作为重点群体计算（{source}）。"
    ),
    "step_priority_unverified_on": QT_TRANSLATE_NOOP(
        "problems", "　按现行规则，企业申报而未经核实的{n}人也作为重点群体计算（{source}）。"
    ),
    "step_result": QT_TRANSLATE_NOOP("problems", "结论：{result}（{how}，{kind}）。"),
    "step_result_fail": QT_TRANSLATE_NOOP("problems", "结论：{result}（人数和占比均未达到{kind}）。"),
    "step_priority_borrower": QT_TRANSLATE_NOOP(
        "problems", "企业吸纳重点群体人员，为优先放贷支持对象。"
    ),
    "warn_evidence_contracts": QT_TRANSLATE_NOOP("problems", "尚未勾选“已核对劳动合同复印件”"),
    "warn_evidence_wages": QT_TRANSLATE_NOOP("problems", "尚未勾选“已核对工资发放证明”"),
    "warn_wage_below_minimum": QT_TRANSLATE_NOOP(
        "problems", "{n}人的月工资低于当地最低工资标准，请核实（不影响认定）"
    ),
    "warn_id_area_differs": QT_TRANSLATE_NOOP(
        "problems", "{n}人身份证号码所示地区与户籍地不同：请核对户口簿后记为“已核对户口簿”，或决定不计入"
    ),
    "warn_wage_months_short": QT_TRANSLATE_NOOP(
        "problems", "计入人员中{n}人审核日期前{window}个月中有工资发放的月份不足{min}个月，请核对工资发放证明"
    ),
    "warn_pending_choices": QT_TRANSLATE_NOOP(
        "problems", "{n}人待经办人决定是否在本企业计入，决定后请重新计算"
    ),
})



# --------------------------------------------------------------------------
# Facts about the enterprise and the application


@dataclass(frozen=True)
class EnterpriseFacts:
    name: str
    uscc: str
    county_code: str  # where it is registered (for the minimum wage)
    staff_total: int  # 总职工
    size: SizeResult


@dataclass(frozen=True)
class ApplicationFacts:
    review_date: date
    application_id: int | None = None
    application_version: int | None = None
    evidence_contracts: bool = False  # the clerk ticked: copies of the contracts were checked
    evidence_wages: bool = False  # the clerk ticked: wage records were checked


# --------------------------------------------------------------------------
# The decision


def _context(rules: RuleSet, enterprise: EnterpriseFacts, review: date, areas: AreaTable | None) -> _Context:
    if review < rules.labor.effective_from:
        raise EligibilityError("review_before_rules", review_date=review.isoformat(),
                               effective_from=rules.labor.effective_from.isoformat())
    return _Context(rules, enterprise, review, areas or AreaTable.default())


def counted_workers(rules: RuleSet, enterprise: EnterpriseFacts, review: date, workers: Sequence[WorkerFacts], *,
                    areas: AreaTable | None = None) -> dict[str, bool]:
    """Whether :func:`decide` at ``review`` would count each worker (by normalised ID number): the same
    per-worker checks, without the standard and the explanation (the monthly lists during the loan)."""
    outcomes, _ = _outcomes(workers, _context(rules, enterprise, review, areas))
    return {o.id_number: o.counted for o in outcomes}


def decide(
    rules: RuleSet,
    enterprise: EnterpriseFacts,
    application: ApplicationFacts,
    workers: Sequence[WorkerFacts],
    *,
    areas: AreaTable | None = None,
) -> Decision:
    """The decision for ``application`` under ``rules`` (see the module's notes for the reading)."""
    ctx = _context(rules, enterprise, application.review_date, areas)
    outcomes, tally = _outcomes(workers, ctx)
    return _conclude(rules, enterprise, application, ctx, tally, len(outcomes), tuple(outcomes))


def _conclude(rules: RuleSet, enterprise: EnterpriseFacts, application: ApplicationFacts, ctx: _Context,
              tally: _Tally, listed: int, outcomes: tuple[WorkerOutcome, ...]) -> Decision:
    """The decision from the tally of its ``listed`` rows (``outcomes``: those rows, or none when the
    caller goes through them again to print them)."""
    review = ctx.review
    qualifying, pending = tally.counted, tally.pending
    staff = enterprise.staff_total
    share = Fraction(qualifying, staff) if staff > 0 else None
    size = enterprise.size.size
    threshold = rules.threshold(size)
    reduced = rules.labor.reduced

    groups = tally.by_group
    priority_counts = tuple((g, groups[g]) for g in PriorityGroup if g in groups)
    priority = sum(groups.values())
    group_text = priority_text(priority_counts)

    steps: list[Problem] = [Problem("step_rules", {
        "document": rules.labor.document, "review_date": ctx.review_text, "version": rules.version,
    })]
    size_result = enterprise.size
    if size_result.manual:
        steps.append(Problem("step_size_manual", {"size": size.label, "reason": size_result.reason}))
    else:
        steps.append(Problem("step_size", {"size": size.label}))
    steps.extend(Problem("step_size_detail", {"text": line}) for line in size_result.steps)
    steps.append(Problem("step_roster", {
        "listed": listed, "counted": qualifying, "excluded": listed - qualifying,
    }))
    steps.extend(
        Problem("step_excluded", {"reason": _REASON_LABELS[code], "n": n}) for code, n in tally.by_reason.items()
    )
    if pending:
        steps.append(Problem("step_pending", {"n": pending}))
    steps.append(share_step(staff, qualifying, share))
    if tally.claimed or tally.verified:
        steps.append(Problem("step_priority_claims", {"claimed": tally.claimed, "verified": tally.verified}))
        if tally.unverified:
            steps.append(Problem(
                "step_priority_unverified_on" if reduced.unverified_claims_count else "step_priority_unverified_off",
                {"n": tally.unverified, "source": reduced.unverified_claims_source},
            ))
    standard = check_standard(rules, size, qualifying, share, priority, group_text)
    steps.extend(standard.steps)
    kind, met, pass_by = standard.kind, standard.met, standard.pass_by
    result = Result.PASS if pass_by else Result.FAIL
    if pass_by is not None:
        steps.append(Problem("step_result", {"result": result.label, "how": pass_by.label, "kind": kind.label}))
        if priority:
            steps.append(Problem("step_priority_borrower"))
    else:
        steps.append(Problem("step_result_fail", {"result": result.label, "kind": kind.label}))

    warnings: list[Problem] = []
    if pending:
        warnings.append(Problem("warn_pending_choices", {"n": pending}))
    blocker = staff_problem(staff, listed - tally.repeats)  # one person counts once
    if blocker is not None:
        warnings.append(blocker)
    if not application.evidence_contracts:
        warnings.append(Problem("warn_evidence_contracts"))
    if not application.evidence_wages:
        warnings.append(Problem("warn_evidence_wages"))
    if tally.low_wage:
        warnings.append(Problem("warn_wage_below_minimum", {"n": tally.low_wage}))
    if tally.differing:
        warnings.append(Problem("warn_id_area_differs", {"n": tally.differing}))
    if tally.short_pay:
        wage = rules.labor.wage_evidence
        warnings.append(Problem("warn_wage_months_short", {
            "n": tally.short_pay, "window": wage.recent_window_months, "min": wage.recent_min_paid_months,
        }))

    return Decision(
        ruleset_version=rules.version,
        review_date=review,
        enterprise_name=enterprise.name,
        uscc=enterprise.uscc,
        county_code=enterprise.county_code,
        application_id=application.application_id,
        application_version=application.application_version,
        size=size,
        size_manual=size_result.manual,
        size_reason=size_result.reason,
        size_steps=size_result.steps,
        staff_total=staff,
        qualifying_count=qualifying,
        share=share,
        standard=StandardApplied(
            kind=kind, size=size, base_count=threshold.count, base_share=threshold.share,
            count_required=standard.count_required, share_required=standard.share_required,
            reduced_available=standard.trigger_met, trigger=reduced.trigger, factor=reduced.factor,
            floor=reduced.floor, count_working=standard.count_working, share_working=standard.share_working,
        ),
        count_met=met[0],
        share_met=met[1],
        pass_by=pass_by,
        computed_result=result,
        final_result=result,
        override=None,
        priority_counts=priority_counts,
        priority_claimed=tally.claimed,
        priority_verified=tally.verified,
        unverified_claims_count=reduced.unverified_claims_count,
        pending_choices=pending,
        evidence_contracts=application.evidence_contracts,
        evidence_wages=application.evidence_wages,
        workers=outcomes,
        steps=tuple(steps),
        warnings=tuple(warnings),
    )


_REASON_LABELS: Final = {
    "invalid_id": QT_TRANSLATE_NOOP("eligibility", "身份证号码无效"),
    "too_young": QT_TRANSLATE_NOOP("eligibility", "未满16周岁"),
    "hukou_unresolved": QT_TRANSLATE_NOOP("eligibility", "户籍地无法确定"),
    "not_paired_area": QT_TRANSLATE_NOOP("eligibility", "户籍地不在对口地区"),
    "local_worker": QT_TRANSLATE_NOOP("eligibility", "户籍在企业所在地，属本地就业"),
    "agreement_expired": QT_TRANSLATE_NOOP("eligibility", "劳务协作协议已到期"),
    "agreement_not_started": QT_TRANSLATE_NOOP("eligibility", "劳务协作协议尚未生效"),
    "contract_dates_missing": QT_TRANSLATE_NOOP("eligibility", "合同起止日期不全"),
    "contract_too_short": QT_TRANSLATE_NOOP("eligibility", "合同不足规定月数"),
    "contract_not_active": QT_TRANSLATE_NOOP("eligibility", "审核日期不在合同期内"),
    "no_paid_month": QT_TRANSLATE_NOOP("eligibility", "无工资发放月份"),
    "duplicate_person": QT_TRANSLATE_NOOP("eligibility", "名册内重复"),
    "hukou_excluded": QT_TRANSLATE_NOOP("eligibility", "身份证地区与户籍地不同，决定不计入"),
    "counted_elsewhere_pending": QT_TRANSLATE_NOOP("eligibility", "同时列在其他企业，待决定"),
    "counted_elsewhere_excluded": QT_TRANSLATE_NOOP("eligibility", "同时列在其他企业，决定不计入"),
}


def reason_label(code: str) -> str:
    """A short label of a reason code, for column headers and summaries."""
    return _REASON_LABELS[code]
