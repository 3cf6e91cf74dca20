"""One roster row at a time for :func:`~desktop.core.eligibility.decide`: is the worker counted, and why not.

Calendar months (a contract's minimum end), other enterprises' overlapping
claims, the per-worker checks and the tally the decision's steps are made from.
The reading of the notice is in :mod:`desktop.core.eligibility`'s notes.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from desktop.core.agreements import EXPIRED, IN_FORCE, AgreementStatus
from desktop.core.areas import AreaTable
from desktop.core.decision import (
    DuplicateChoice, OtherClaim, WorkerFacts, WorkerOutcome, decimal_text, register_messages,
)
from desktop.core.identifiers import ID_CHECK_MAP, ID_WEIGHTS, IdentifierError, parse_id_number
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.national_areas import NationalAreas
from desktop.core.policy import RuleSet
from desktop.core.roster_repeats import duplicate_marks, repeated_rows
from desktop.core.workers import ContractType, PriorityGroup

if TYPE_CHECKING:
    from desktop.core.eligibility import EnterpriseFacts

__all__ = ["add_months", "contract_min_end", "fast_id", "person_key", "staff_problem"]

register_messages({
    "block_staff_zero": QT_TRANSLATE_NOOP(
        "problems", "职工总数为0：请先在企业信息中填写企业的职工总数（总职工），再记录审核结果"
    ),
    "block_staff_below_roster": QT_TRANSLATE_NOOP(
        "problems",
        "填报的职工总数{staff}人少于名册上的在职人员{active}人：职工总数不能少于名册人数，请在企业信息中核对职工总数后再记录审核结果",
    ),
    "elig_period_fixed": QT_TRANSLATE_NOOP("problems", "{start}至{end}"),
    "elig_period_open": QT_TRANSLATE_NOOP("problems", "{start}起，{kind}"),
    "elig_list_sep": QT_TRANSLATE_NOOP("problems", "、"),
})

_MIN_AGE: Final = 16
_EARLIEST_BIRTH: Final = date(1900, 1, 1)
_ZERO_SUM: Final = 48 * sum(ID_WEIGHTS)  # the weighted sum of "0" * 17 as bytes


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
