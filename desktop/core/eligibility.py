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

import math
import operator
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Final, Protocol

from desktop.core.agreements import EXPIRED, IN_FORCE, AgreementStatus
from desktop.core.areas import AreaTable
from desktop.core.decision import (
    Decision, DuplicateChoice, EligibilityError, OtherClaim, PassBy, Result, StandardApplied, StandardKind,
    WorkerFacts, WorkerOutcome, register_messages, decimal_text, percent_text,
)
from desktop.core.identifiers import ID_CHECK_MAP, ID_WEIGHTS, IdentifierError, parse_id_number
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.national_areas import NationalAreas
from desktop.core.policy import RuleSet
from desktop.core.roster_repeats import duplicate_marks, repeated_rows
from desktop.core.size import EnterpriseSize, SizeResult
from desktop.core.workers import ContractType, PriorityGroup

__all__ = [
    "ApplicationFacts", "ClaimRow", "Decision", "DuplicateChoice", "EligibilityError", "EnterpriseFacts",
    "OtherClaim", "RosterCheck", "RosterSource", "WorkerFacts", "add_months", "claims_attacher", "contract_min_end",
    "decide", "decide_in_passes", "person_key", "staff_problem", "with_other_claims",
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
    "step_priority_claims": QT_TRANSLATE_NOOP(
        "problems", "重点群体：计入人员中企业申报{claimed}人，经办人核实{verified}人。"
    ),
    "step_priority_unverified_off": QT_TRANSLATE_NOOP(
        "problems", "　企业申报而未经核实的{n}人，不作为重点群体计算（{source}）。"
    ),
    "step_priority_unverified_on": QT_TRANSLATE_NOOP(
        "problems", "　按现行规则，企业申报而未经核实的{n}人也作为重点群体计算（{source}）。"
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
    "step_result": QT_TRANSLATE_NOOP("problems", "结论：{result}（{how}，{kind}）。"),
    "step_result_fail": QT_TRANSLATE_NOOP("problems", "结论：{result}（人数和占比均未达到{kind}）。"),
    "step_priority_borrower": QT_TRANSLATE_NOOP(
        "problems", "企业吸纳重点群体人员，为优先放贷支持对象。"
    ),
    "block_staff_zero": QT_TRANSLATE_NOOP(
        "problems", "职工总数为0：请先在企业信息中填写企业的职工总数（总职工），再记录审核结果"
    ),
    "block_staff_below_roster": QT_TRANSLATE_NOOP(
        "problems",
        "填报的职工总数{staff}人少于名册上的在职人员{active}人：职工总数不能少于名册人数，请在企业信息中核对职工总数后再记录审核结果",
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
    "elig_period_fixed": QT_TRANSLATE_NOOP("problems", "{start}至{end}"),
    "elig_period_open": QT_TRANSLATE_NOOP("problems", "{start}起，{kind}"),
    "elig_list_sep": QT_TRANSLATE_NOOP("problems", "、"),
})

_MIN_AGE: Final = 16
_EARLIEST_BIRTH: Final = date(1900, 1, 1)
_ZERO_SUM: Final = 48 * sum(ID_WEIGHTS)  # the weighted sum of "0" * 17 as bytes


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
# Calendar months


def add_months(day: date, months: int) -> tuple[date, bool]:
    """``day`` moved by whole calendar months, and whether that month has the same day.

    Without the same day (31 January + 1 month) the month's last day is returned
    with False.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _days_in_month(year, month)
    if day.day <= last:
        return date(year, month, day.day), True
    return date(year, month, last), False


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


@lru_cache(maxsize=8192)  # contract start dates repeat a lot across rosters
def contract_min_end(start: date, months: int) -> date:
    """The earliest end date of a fixed-term contract of at least ``months`` months from ``start``.

    The day before the same day ``months`` later; where that month has no such
    day, its last day (2026-01-31 + 3 months -> 2026-04-30).
    """
    moved, same_day = add_months(start, months)
    return moved - timedelta(days=1) if same_day else moved


# --------------------------------------------------------------------------
# Overlapping claims across enterprises


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """Another enterprise's roster row for a person (what the store finds)."""

    id_number: str
    claim: OtherClaim


def _overlap(a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None) -> bool:
    # An unknown start is read as "always", an unknown or open end as "never ends".
    return (a_start or date.min) <= (b_end or date.max) and (b_start or date.min) <= (a_end or date.max)


def with_other_claims(
    workers: Sequence[WorkerFacts],
    candidates: Iterable[ClaimRow],
    choices: Mapping[str, DuplicateChoice] | None = None,
) -> list[WorkerFacts]:
    """The workers with the other enterprises' overlapping claims and the clerk's choices attached.

    ``candidates`` are other enterprises' rows for the same ID numbers (any
    contract period); only those whose contract period overlaps the worker's
    are kept. ``choices`` maps an ID number to the clerk's choice; a choice for
    a worker without a claim is dropped.
    """
    return list(map(claims_attacher(candidates, choices), workers))


def claims_attacher(
    candidates: Iterable[ClaimRow], choices: Mapping[str, DuplicateChoice] | None = None,
) -> Callable[[WorkerFacts], WorkerFacts]:
    """:func:`with_other_claims` one worker at a time (a roster read in blocks)."""
    by_id: dict[str, list[OtherClaim]] = {}
    for row in candidates:
        by_id.setdefault(row.id_number, []).append(row.claim)
    chosen = choices or {}

    def attach(worker: WorkerFacts) -> WorkerFacts:
        listed = by_id.get(worker.id_number)
        found = () if listed is None else tuple(
            claim for claim in listed
            if _overlap(worker.contract_start, worker.contract_end, claim.contract_start, claim.contract_end)
        )
        choice = chosen.get(worker.id_number) if found else None
        if found or worker.other_claims or worker.duplicate_choice:
            worker = replace(worker, other_claims=found, duplicate_choice=choice)
        return worker

    return attach


# --------------------------------------------------------------------------
# One worker


class _Context:
    """What every worker of one decision is checked against, worked out once."""

    def __init__(self, rules: RuleSet, enterprise: EnterpriseFacts, review: date, areas: AreaTable) -> None:
        self.claims_count = rules.labor.reduced.unverified_claims_count
        # the enterprise's own county: its workers from there are local hires (unless the policy counts them)
        self.home = None if rules.labor.local_workers_count else enterprise.county_code
        self.review = review
        self.review_text = review.isoformat()
        self.review_month = self.review_text[:7]
        self.areas = areas
        self.paired = rules.paired_counties
        self.agreements = rules.agreements
        self.months = rules.labor.contract_min_months
        wage = rules.labor.wage_evidence
        self.min_paid = wage.min_paid_months if wage.mode == "paid_months_column" else 0
        # the calendar months before the review month whose pay is looked at, and how many must show it
        window = wage.recent_window_months if wage.mode == "paid_months_column" else 0
        self.recent = frozenset(add_months(review.replace(day=1), -i)[0].isoformat()[:7] for i in range(1, window + 1))
        self.recent_min = wage.recent_min_paid_months if window else 0
        self.recent_window = window
        found = rules.min_wage.on(review, enterprise.county_code)
        self.min_wage = None if found is None else (float(found[1].monthly), found[1])
        self.places: dict[str, tuple[str, Problem | None, Problem | None]] = {}

    def id_area_differs(self, id_code: str, hukou_code: str, place: str) -> dict[str, object] | None:
        """The words for an ID number's area that is not the 户籍地 (old codes read as their successors)."""
        area = self.areas.by_code(id_code)
        current = id_code
        if area is not None and not area.current and area.successor_code is not None:
            current = area.successor_code
        hukou = self.areas.by_code(hukou_code)
        hukou_current = hukou.successor_code if hukou is not None and not hukou.current and hukou.successor_code \
            else hukou_code
        if current == hukou_current:
            return None
        name = area.name if area is not None else ""
        return {"id_area": f"{name}（{id_code}）" if name else id_code, "place": f"{place}（{hukou_current}）"}

    def place(self, code: str) -> tuple[str, Problem | None, Problem | None]:
        """(name, reason or None, note or None) of a 户籍地 county code, worked out once per code.

        A code that no longer exists is read as its successor (with a note); a
        code the area table does not know is shown as it is.
        """
        known = self.places.get(code)
        if known is None:
            key = code
            area = self.areas.by_code(code)
            national = None if area else NationalAreas.default().by_code(code)  # a county outside Jilin
            name = area.name if area else national.full_name if national else code
            note = None
            if area is not None and not area.current and area.successor_code is not None:
                successor = self.areas.by_code(area.successor_code)
                assert successor is not None  # the table's loader checks successors
                note = Problem("hukou_historical", {
                    "old_code": code, "old_name": name, "current_code": successor.code,
                    "current_name": successor.name,
                })
                code, name = successor.code, successor.name
            status = self.agreements.status(code, self.review)
            reason: Problem | None
            if code == self.home:
                reason = Problem("local_worker", {"place": f"{name}（{code}）"})
            elif status is not None:  # the office's agreements decide for this county
                reason = _agreement_reason(status, f"{name}（{code}）", self.review_text)
            elif code in self.paired:
                reason = None
            else:
                reason = Problem("not_paired_area", {"place": f"{name}（{code}）"})
            known = self.places[key] = (name, reason, note)
        return known


def _agreement_reason(status: AgreementStatus, place: str, review: str) -> Problem | None:
    """None while an agreement with the county is in force on the review date, else why not."""
    agreement = status.agreement
    if status.state == IN_FORCE:
        return None
    if status.state == EXPIRED:
        assert agreement.ends is not None
        return Problem("agreement_expired", {
            "place": place, "reference": agreement.reference, "starts": agreement.starts.isoformat(),
            "ends": agreement.ends.isoformat(), "review_date": review})
    return Problem("agreement_not_started", {
        "place": place, "reference": agreement.reference, "starts": agreement.starts.isoformat(),
        "review_date": review})


@lru_cache(maxsize=65536)  # birth dates repeat a lot across rosters
def _birth(yyyymmdd: str) -> date | None:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return None
    return birth if birth >= _EARLIEST_BIRTH else None


def fast_id(text: str, today: date) -> tuple[str, date] | None:
    """(number, birth date) of a plain, valid 18-character ID number; None to take the slow path.

    Agrees with :func:`parse_id_number` whenever it returns a value (the tests
    check it); anything unusual (15 digits, lower-case x, spaces, full-width
    digits, a bad check character) goes to ``parse_id_number`` for its message.
    """
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit():
        return None
    if text[17] != ID_CHECK_MAP[(sum(map(operator.mul, text.encode()[:17], ID_WEIGHTS)) - _ZERO_SUM) % 11]:
        return None
    birth = _birth(text[6:14])
    if birth is None or birth > today:
        return None
    return text, birth


def _parse_id(text: str, review: date) -> tuple[str, date] | IdentifierError:
    """What :func:`fast_id` leaves: (number, birth date) of a valid ID number, else why it is not."""
    try:
        number = parse_id_number(text, today=review)
    except IdentifierError as exc:
        return exc
    return number.number, number.birth_date


def person_key(id_number: str, review: date) -> str:
    """Who a roster row names, as the decision compares rows: the normalised ID number, else as written."""
    parsed = fast_id(id_number, review) or _parse_id(id_number, review)
    return id_number if isinstance(parsed, IdentifierError) else parsed[0]


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _period(facts: WorkerFacts) -> str:
    return _period_text(facts.contract_type, facts.contract_start, facts.contract_end)


# The contract problems are made once per contract period and shared by the workers with it (a roster
# of a million rows holds a few thousand periods; nothing changes a Problem's parameters once made).
@lru_cache(maxsize=8192)
def _period_text(kind: ContractType, contract_start: date | None, contract_end: date | None) -> str:
    start = contract_start.isoformat() if contract_start else "?"
    if contract_end is not None:
        return Problem("elig_period_fixed", {"start": start, "end": contract_end.isoformat()}).text()
    if kind is ContractType.FIXED:
        return Problem("elig_period_fixed", {"start": start, "end": "?"}).text()
    return Problem("elig_period_open", {"start": start, "kind": kind.label}).text()


@lru_cache(maxsize=8192)
def _not_active(review_text: str, period: str) -> Problem:
    return Problem("contract_not_active", {"review_date": review_text, "period": period})


@lru_cache(maxsize=8192)
def _too_short(months: int, start: date, end: date, min_end: date) -> Problem:
    return Problem("contract_too_short", {
        "months": months, "start": start.isoformat(), "end": end.isoformat(), "min_end": min_end.isoformat(),
    })


_Checked = tuple[str, bool, str, list[Problem], list[Problem]]


def _check_worker(facts: WorkerFacts, ctx: _Context) -> _Checked:
    """(normalised ID, valid, place name, reasons, notes) for one row, before duplicates are looked at."""
    reasons: list[Problem] = []
    notes: list[Problem] = []
    review = ctx.review

    # 公民身份号码
    found = fast_id(facts.id_number, review) or _parse_id(facts.id_number, review)
    parsed = None if isinstance(found, IdentifierError) else found
    if parsed is None:
        reasons.append(Problem("invalid_id", {"detail": str(found)}))
    start = facts.contract_start
    if parsed is not None and start is not None and _age(parsed[1], start) < _MIN_AGE:
        reasons.append(Problem("too_young", {"age": _age(parsed[1], start)}))

    # 户籍地
    if facts.hukou_code is None:
        place = facts.hukou_text
        reasons.append(Problem("hukou_unresolved", {"text": facts.hukou_text}))
    else:
        place, reason, note = ctx.place(facts.hukou_code)
        if reason is not None:
            reasons.append(reason)
        if note is not None:
            notes.append(note)

    # 身份证号码的地区 and 户籍地 (a cross-check: the 户籍地 decides, DOMAIN.md 3.1)
    if parsed is not None and facts.hukou_code is not None:
        differs = ctx.id_area_differs(parsed[0][:6], facts.hukou_code, place)
        if differs is not None:
            if facts.hukou_check == "excluded":
                reasons.append(Problem("hukou_excluded", differs))
            else:
                notes.append(Problem("id_area_checked" if facts.hukou_check == "checked" else "id_area_differs",
                                     differs))

    # 劳动合同
    end = facts.contract_end
    if start is None or (end is None and facts.contract_type is ContractType.FIXED):
        reasons.append(Problem("contract_dates_missing", {"contract": _period(facts)}))
    else:
        if facts.contract_type is ContractType.FIXED:
            assert end is not None
            min_end = contract_min_end(start, ctx.months)
            if end < min_end:
                reasons.append(_too_short(ctx.months, start, end, min_end))
        if start > review or (end is not None and end < review):
            reasons.append(_not_active(ctx.review_text, _period(facts)))

    # 工资发放
    if ctx.min_paid and facts.paid_months is not None:
        month = ctx.review_month
        paid = {m[:7] for m in facts.paid_months}
        if len({m for m in paid if m <= month}) < ctx.min_paid:
            reasons.append(Problem("no_paid_month", {"min": ctx.min_paid}))
        elif ctx.recent_min and len(paid & ctx.recent) < ctx.recent_min:
            notes.append(Problem("wage_months_short", {
                "window": ctx.recent_window, "min": ctx.recent_min, "found": len(paid & ctx.recent),
                "months": "、".join(sorted(ctx.recent)),
            }))
    if ctx.min_wage is not None and facts.monthly_wage is not None and facts.monthly_wage < ctx.min_wage[0]:
        tier = ctx.min_wage[1]
        notes.append(Problem("wage_under_minimum", {
            "wage": decimal_text(Fraction(facts.monthly_wage)), "minimum": str(tier.monthly), "tier": tier.tier,
        }))
    return (parsed[0] if parsed else facts.id_number), parsed is not None, place, reasons, notes


def staff_problem(staff_total: int, active_workers: int) -> Problem | None:
    """Why no decision can be recorded with this staff total: 0, or fewer than the roster's active workers.

    The share is counted over 总职工; a total of 0 or below the people the
    enterprise itself lists cannot be right (one person counts once).
    """
    if staff_total <= 0:
        return Problem("block_staff_zero")
    if staff_total < active_workers:
        return Problem("block_staff_below_roster", {"staff": staff_total, "active": active_workers})
    return None


def _claim_note(facts: WorkerFacts) -> Problem | None:
    """What the clerk should know about the worker's priority group: a claim not verified, or verified otherwise."""
    claim = facts.priority_claim
    if claim is None:
        return None
    return _claim_problem(claim, facts.priority_group)


@lru_cache(maxsize=64)
def _claim_problem(claim: PriorityGroup, group: PriorityGroup | None) -> Problem | None:
    # one note per (claim, group) shared by every worker with it: a million rows would otherwise
    # hold a million equal notes (nothing changes a Problem's parameters once made)
    if group is None:
        return Problem("priority_claim_unverified", {"claim": claim.label})
    if group is not claim:
        return Problem("priority_claim_differs", {"claim": claim.label, "group": group.label})
    return None


def _enterprises(claims: tuple[OtherClaim, ...]) -> str:
    sep = Problem("elig_list_sep").text()
    return sep.join(dict.fromkeys(f"{c.enterprise_name}（{c.office_name}）" for c in claims))


def _mark_duplicates(checked: list[_Checked]) -> int:
    """One person counts once: keep the first row that qualifies (else the first row); how many were marked."""
    marks = duplicate_marks(repeated_rows(row[0] for row in checked), lambda i: not checked[i][3])
    for i, mark in marks.items():
        checked[i][3].append(mark)
    return len(marks)


@dataclass
class _Tally:
    """What the decision's steps need about all rows, counted while they are checked."""

    repeats: int = 0  # rows marked as naming a person an earlier row (or the kept row) names
    counted: int = 0
    pending: int = 0
    low_wage: int = 0
    short_pay: int = 0  # counted workers whose recent paid months are fewer than the rule asks
    claimed: int = 0  # counted workers whose roster claims a priority group
    verified: int = 0  # counted workers whose group the clerk verified
    unverified: int = 0  # counted workers with a claim but no verified group
    differing: int = 0  # rows whose ID number's area is not the 户籍地, not yet settled
    by_reason: dict[str, int] = field(default_factory=dict)
    by_group: dict[PriorityGroup, int] = field(default_factory=dict)


def _outcomes(workers: Sequence[WorkerFacts], ctx: _Context) -> tuple[list[WorkerOutcome], _Tally]:
    checked = [_check_worker(w, ctx) for w in workers]
    tally = _Tally(repeats=_mark_duplicates(checked))
    checked.reverse()  # taken off the end as each becomes an outcome: a million rows are not held twice
    return [_outcome(facts, checked.pop(), ctx, tally) for facts in workers], tally


def _outcome(facts: WorkerFacts, checked: _Checked, ctx: _Context, tally: _Tally) -> WorkerOutcome:
    """One row's outcome from its checks (duplicates already marked), counted into ``tally``."""
    number, valid, place, reasons, notes = checked
    if facts.other_claims and not reasons:
        names: dict[str, object] = {"enterprises": _enterprises(facts.other_claims)}
        if facts.duplicate_choice is None:
            tally.pending += 1
            reasons.append(Problem("counted_elsewhere_pending", names))
        elif facts.duplicate_choice is DuplicateChoice.EXCLUDE_HERE:
            reasons.append(Problem("counted_elsewhere_excluded", names))
        else:
            notes.append(Problem("counted_elsewhere_kept", names))
    if reasons:
        by_reason = tally.by_reason
        for reason in reasons:
            by_reason[reason.code] = by_reason.get(reason.code, 0) + 1
    else:
        tally.counted += 1
        claim, group = facts.priority_claim, facts.priority_group
        if claim is not None:
            tally.claimed += 1
        if group is not None:
            tally.verified += 1
        elif claim is not None:
            tally.unverified += 1
            if ctx.claims_count:
                group = claim
        if group is not None:
            tally.by_group[group] = tally.by_group.get(group, 0) + 1
    claim_note = _claim_note(facts)
    if claim_note is not None:
        notes.append(claim_note)
    if notes:
        codes = {n.code for n in notes}
        if "wage_under_minimum" in codes:
            tally.low_wage += 1
        if not reasons and "wage_months_short" in codes:
            tally.short_pay += 1
        if "id_area_differs" in codes:
            tally.differing += 1
    return WorkerOutcome(facts, number, valid, place, not reasons, tuple(reasons), tuple(notes))


# --------------------------------------------------------------------------
# The standard


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


class RosterSource(Protocol):
    """A roster :func:`decide_in_passes` reads more than once, always in the same (roster) order."""

    def ids(self) -> Iterable[tuple[int, str]]:
        """(employment ref, ID number as stored) of every row."""

    def rows(self) -> Iterable[WorkerFacts]:
        """Every row, with the other enterprises' claims and the clerk's choices attached."""

    def rows_by_ref(self, refs: Sequence[int]) -> Iterable[WorkerFacts]:
        """Just these rows, in any order (their claims are not needed)."""


@dataclass(frozen=True)
class RosterCheck:
    """A decision whose workers are gone through once more when they are wanted, not held."""

    decision: Decision  # its ``workers`` empty unless it was made in memory
    listed: int  # the roster's rows
    again: Callable[[], Iterator[WorkerOutcome]]
    reread: bool = True  # going through the outcomes reads the roster again (else they are held)

    def outcomes(self) -> Iterator[WorkerOutcome]:
        """Every row's outcome, in roster order."""
        return self.again()

    @classmethod
    def held(cls, decision: Decision) -> RosterCheck:
        """A decision made in memory by :func:`decide`, gone through the same way."""
        return cls(decision, len(decision.workers), lambda: iter(decision.workers), reread=False)


# Rows whose outcomes the check in passes keeps rather than reads again: every real roster (a few
# hundred to a few thousand rows) is read and checked once; about 0.5 KB a row, 25 MB at most.
HELD_ROWS: Final = 50_000


def decide_in_passes(
    rules: RuleSet,
    enterprise: EnterpriseFacts,
    application: ApplicationFacts,
    roster: RosterSource,
    *,
    areas: AreaTable | None = None,
    hold_up_to: int | None = None,
) -> RosterCheck:
    """:func:`decide` for a roster too large to hold (a million rows), reading it in passes.

    First the ID numbers alone: the rows that name the same person, and those
    rows read again to see which one is kept. Then every row is checked and
    counted for the steps, and dropped. The outcomes are checked once more, a
    row at a time, when the caller goes through them. The same checks as
    :func:`decide`, so the same decision and outcomes for the same rows.
    A roster of at most ``hold_up_to`` rows (default :data:`HELD_ROWS`) keeps
    its outcomes from the counting pass instead, and is not read again.
    """
    ctx = _context(rules, enterprise, application.review_date, areas)
    refs = array("q")

    def numbers() -> Iterator[str]:
        for ref, number in roster.ids():
            refs.append(ref)
            yield number

    groups = repeated_rows(numbers(), lambda number: person_key(number, ctx.review), compact=True)
    wanted = sorted({refs[i] for rows in groups for i in rows})
    counts = {facts.ref: not _check_worker(facts, ctx)[3] for facts in roster.rows_by_ref(wanted)}
    marks = duplicate_marks(groups, lambda i: counts[refs[i]])
    listed = len(refs)
    del groups, counts

    def outcomes(tally: _Tally) -> Iterator[WorkerOutcome]:
        for index, facts in enumerate(roster.rows()):
            checked = _check_worker(facts, ctx)
            mark = marks.get(index)
            if mark is not None:
                checked[3].append(mark)
            yield _outcome(facts, checked, ctx, tally)

    tally = _Tally(repeats=len(marks))
    if listed <= (HELD_ROWS if hold_up_to is None else hold_up_to):
        kept = tuple(outcomes(tally))
        decision = _conclude(rules, enterprise, application, ctx, tally, listed, ())
        return RosterCheck(decision, listed, lambda: iter(kept), reread=False)
    deque(outcomes(tally), maxlen=0)
    decision = _conclude(rules, enterprise, application, ctx, tally, listed, ())
    return RosterCheck(decision, listed, lambda: outcomes(_Tally()))


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
