"""Re-verification during the loan (跟踪评估, 三（六）): does the enterprise still meet the standard?

:func:`reverify` takes the workers counted at approval, the monthly lists
(month -> the persons employed and insured that month, with the staff total)
and a date, and returns which counted workers are still employed, each
worker's continuous employment span, the new paired-area workers and whether
the enterprise still meets the standard with its current staff, through the
same :func:`~desktop.core.eligibility_standard.check_standard` as the decision. Like
:func:`~desktop.core.eligibility.decide` it reads no clock, file or database.

How it is read (the tool's reading; the numbers are policy data):

* The lists up to the check date's month are used; the latest of them is the
  enterprise's current staff. A month without a list is a month without
  evidence: continuity breaks there, and the explanation names the month.
* A worker's continuous span is the latest run of consecutive months on the
  lists. It starts on the run's first day of month, or on the 入职/contract
  date the list gives when that falls in the run's first month (or, for a run
  from the first list, before it); it ends on the check date while the worker
  is on the latest list (at most that month's last day), else on the last day
  of the run's last month. It reaches the minimum (``continuous_min_months``,
  3) when it ends on or after start + 3 calendar months − 1 day, counted as
  contracts are: 2026-01-02 to 2026-04-01 is exactly 3 months, to 2026-03-31
  is 2 months 30 days.
* Who counts now: the workers counted at approval who are on the latest list,
  and the paired-area workers the latest list adds.
* 不达标: those workers do not meet the standard (count or share, normal or
  reduced, as at approval). 有风险: the standard is met, but only with workers
  whose span has not reached the minimum yet, or a counted worker left before
  reaching it (原则上带动同一务工人员连续就业期限不低于3个月) within the last
  check interval (the interval's months up to the latest list), or the list of a
  month of that interval before the latest did not meet the standard (the standard
  is kept for the whole loan period; each month read as its own list, as the
  timeline reads it), or the latest list is older than the check interval. 达标 otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from desktop.core.decision import EligibilityError, register_messages
from desktop.core.eligibility_rows import add_months, contract_min_end
from desktop.core.eligibility_standard import StandardCheck, check_standard, priority_text, share_step
from desktop.core.loans import TrackingRules
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize
from desktop.core.workers import PriorityGroup

__all__ = ["CountedWorker", "ListedWorker", "MonthlyList", "Reverification", "Verdict", "WorkerSpan",
           "month_end", "month_of", "reverify", "span_length"]

_NAMES_SHOWN = 10

register_messages({
    "trk_no_lists": QT_TRANSLATE_NOOP("problems", "核实日期{date}之前没有导入任何名单，无法核实"),
    "trk_list_month": QT_TRANSLATE_NOOP("problems", "{year}年{month}月"),
    "trk_step_basis": QT_TRANSLATE_NOOP(
        "problems", "核实日期{date}，依据{document}三（六）；使用{first}至{last}的名单{n}期。"),
    "trk_step_missing": QT_TRANSLATE_NOOP(
        "problems", "　缺少{months}的名单：缺期的月份没有在职证明，连续就业在此中断。"),
    "trk_step_stale": QT_TRANSLATE_NOOP(
        "problems", "最近一期名单为{last}，距核实日期已超过{interval}个月的核实周期（{source}）。"),
    "trk_step_counted": QT_TRANSLATE_NOOP(
        "problems", "审核时计入{counted}人：现仍在职{still}人，已不在名单上{left}人。"),
    "trk_step_left_short": QT_TRANSLATE_NOOP(
        "problems", "　其中{n}人离开时连续就业不足{months}个月：{names}。"),
    "trk_step_new": QT_TRANSLATE_NOOP("problems", "新增对口地区人员{n}人：{names}。"),
    "trk_step_current": QT_TRANSLATE_NOOP(
        "problems", "现计入对口地区人员{n}人，其中连续就业已满{months}个月的{reached}人（{source}）。"),
    "trk_step_established": QT_TRANSLATE_NOOP(
        "problems", "只算连续就业已满{months}个月的{n}人：{verdict}认定标准。"),
    "trk_step_below": QT_TRANSLATE_NOOP(
        "problems", "最近{interval}个月内，{months}的名单未达到认定标准（按当月名单计算）。"),
    "trk_why_below": QT_TRANSLATE_NOOP("problems", "{months}的名单未达到认定标准"),
    "trk_result": QT_TRANSLATE_NOOP("problems", "结论：{verdict}（{why}）。"),
    "trk_why_met": QT_TRANSLATE_NOOP("problems", "现计入人员达到认定标准"),
    "trk_why_not_met": QT_TRANSLATE_NOOP("problems", "现计入人员未达到认定标准，经审核人确认后列为需关注"),
    "trk_why_short_only": QT_TRANSLATE_NOOP("problems", "达标依赖连续就业未满{months}个月的人员"),
    "trk_why_left_short": QT_TRANSLATE_NOOP("problems", "{n}名审核时计入的人员连续就业不足{months}个月即离开"),
    "trk_why_stale": QT_TRANSLATE_NOOP("problems", "名单已过核实周期"),
    "trk_span": QT_TRANSLATE_NOOP("problems", "{months}个月{days}天"),
    "trk_names_more": QT_TRANSLATE_NOOP("problems", "{names}等{n}人"),
})


class Verdict(str, Enum):
    MET = "met"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return _VERDICT_LABELS[self]


_VERDICT_LABELS = {
    Verdict.MET: QT_TRANSLATE_NOOP("tracking", "达标"),
    Verdict.AT_RISK: QT_TRANSLATE_NOOP("tracking", "有风险"),
    Verdict.NOT_MET: QT_TRANSLATE_NOOP("tracking", "不达标"),
}


@dataclass(frozen=True)
class CountedWorker:
    """A worker the approved decision counted."""

    id_number: str
    name: str
    priority: PriorityGroup | None = None  # a priority group the clerk verified


class ListedWorker(NamedTuple):
    """A worker on a monthly list (a tuple: a loan's twelve lists of a hundred are built quickly)."""

    id_number: str
    name: str
    paired: bool  # 户籍地 in a paired area, read as the decision reads it
    started: date | None = None  # 入职日期 or contract start, when the list gives one
    priority: PriorityGroup | None = None  # verified


@dataclass(frozen=True)
class MonthlyList:
    month: date  # its first day
    staff_total: int
    workers: Mapping[str, ListedWorker]  # by ID number


@dataclass(frozen=True)
class WorkerSpan:
    id_number: str
    name: str
    counted: bool  # counted at approval
    employed: bool  # on the latest list
    start: date | None  # None: never on a list
    end: date | None
    months: int
    days: int
    reaches: bool

    @property
    def text(self) -> str:
        return span_text(self.months, self.days) if self.start else ""


@dataclass(frozen=True)
class Reverification:
    on: date
    verdict: Verdict
    latest_month: date
    staff_total: int
    qualifying: int
    share: Fraction | None
    still_employed: tuple[str, ...]  # counted at approval and on the latest list
    left: tuple[str, ...]  # counted at approval, not on the latest list
    new_paired: tuple[str, ...]
    spans: Mapping[str, WorkerSpan]
    standard: StandardCheck
    steps: tuple[Problem, ...]

    @property
    def needs_attention(self) -> bool:
        """Below the standard: 需关注 once the approver confirms it (:mod:`desktop.core.tracking_confirm`)."""
        return self.verdict is Verdict.NOT_MET


def month_of(day: date) -> date:
    return day.replace(day=1)


@lru_cache(maxsize=1024)
def month_end(month: date) -> date:
    return add_months(month, 1)[0] - timedelta(days=1)


def _month_text(month: date) -> str:
    return Problem("trk_list_month", {"year": month.year, "month": month.month}).text()


def span_length(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months and remaining days from ``start`` to ``end`` (both days included), counted
    as contracts are: N months are complete on :func:`contract_min_end` (start, N), so the span reaches
    N months exactly when the rule says it does."""
    months = max((end.year - start.year) * 12 + end.month - start.month + 1, 0)
    while months > 0 and contract_min_end(start, months) > end:
        months -= 1
    return months, (end - contract_min_end(start, months)).days


def span_text(months: int, days: int) -> str:
    return Problem("trk_span", {"months": months, "days": days}).text()


def _names(names: Sequence[str]) -> str:
    sep = Problem("elig_list_sep").text()
    if len(names) <= _NAMES_SHOWN:
        return sep.join(names)
    return Problem("trk_names_more", {"names": sep.join(names[:_NAMES_SHOWN]), "n": len(names)}).text()


def _ordinal(month: date) -> int:
    return month.year * 12 + month.month - 1


def _runs(lists: Sequence[MonthlyList], ordinals: Sequence[int]) -> dict[str, tuple[int, int]]:
    """Each worker's latest run of consecutive months on ``lists``: (first, last) list index, in one pass."""
    runs: dict[str, tuple[int, int]] = {}
    get = runs.get
    for i, month in enumerate(lists):
        follows = i > 0 and ordinals[i - 1] == ordinals[i] - 1
        for number in month.workers:
            run = get(number)
            runs[number] = (run[0], i) if follows and run is not None and run[1] == i - 1 else (i, i)
    return runs


def _span(id_number: str, name: str, counted: bool, lists: Sequence[MonthlyList], run: tuple[int, int] | None,
          on: date, minimum: int) -> WorkerSpan:
    """The worker's span from their latest ``run`` of consecutive lists (:func:`_runs`)."""
    if run is None:
        return WorkerSpan(id_number, name, counted, False, None, None, 0, 0, False)
    first, last = run
    run_start = lists[first].month
    started = lists[first].workers[id_number].started
    start = run_start
    if started is not None and (month_of(started) == run_start or (first == 0 and started < run_start)):
        start = started
    employed = last == len(lists) - 1
    end = min(on, month_end(lists[last].month)) if employed else month_end(lists[last].month)
    if end < start:  # the list gives a start after the check date
        return WorkerSpan(id_number, name, counted, employed, start, start - timedelta(days=1), 0, 0, False)
    m, d = span_length(start, end)
    return WorkerSpan(id_number, name, counted, employed, start, end, m, d, m >= minimum)


def _standard(rules: RuleSet, size: EnterpriseSize, counted: Mapping[str, CountedWorker], month: MonthlyList,
              still: Sequence[str], new: Sequence[str]) -> tuple[Fraction | None, StandardCheck]:
    """The share and the standard of ``month``'s list: the counted workers ``still`` on it and the ``new``
    paired-area workers, with the priority groups verified for them."""
    n = len(still) + len(new)
    share = Fraction(n, month.staff_total) if month.staff_total > 0 else None
    groups = Counter(g for g in [*(counted[i].priority for i in still), *(month.workers[i].priority for i in new)]
                     if g is not None)
    counts = tuple((g, groups[g]) for g in PriorityGroup if g in groups)
    return share, check_standard(rules, size, n, share, sum(groups.values()), priority_text(counts))


def reverify(rules: RuleSet, tracking: TrackingRules, *, size: EnterpriseSize, counted: Sequence[CountedWorker],
             lists: Sequence[MonthlyList], on: date, since: date | None = None) -> Reverification:
    """The re-verification at ``on`` (lists of months before ``since``'s month, e.g. the loan's start, are left out)."""
    used = sorted((m for m in lists if m.month <= month_of(on) and (since is None or m.month >= month_of(since))),
                  key=lambda m: m.month)
    if not used:
        raise EligibilityError("trk_no_lists", date=on.isoformat())
    minimum = tracking.continuous_min_months
    latest = used[-1]
    counted_ids = {w.id_number: w for w in counted}
    runs = _runs(used, [_ordinal(m.month) for m in used])
    spans: dict[str, WorkerSpan] = {}
    for worker in counted:
        spans[worker.id_number] = _span(worker.id_number, worker.name, True, used, runs.get(worker.id_number), on,
                                        minimum)
    paired_names: dict[str, str] = {}
    for month in used:
        for number, listed in month.workers.items():
            if listed.paired and number not in counted_ids:
                paired_names[number] = listed.name
    for number, name in paired_names.items():
        spans[number] = _span(number, name, False, used, runs.get(number), on, minimum)

    still = tuple(w.id_number for w in counted if w.id_number in latest.workers)
    left = tuple(w.id_number for w in counted if w.id_number not in latest.workers)
    new = tuple(n for n in paired_names if n in latest.workers and latest.workers[n].paired)
    now = still + new
    staff = latest.staff_total
    share, standard = _standard(rules, size, counted_ids, latest, still, new)
    reached = [n for n in now if spans[n].reaches]
    recent = add_months(latest.month, 1 - tracking.check_interval_months)[0]  # the interval's lists, the latest's included
    left_short = [n for n in left if not spans[n].reaches and (spans[n].end or date.min) >= recent]
    below = [m.month for m in used[:-1] if m.month >= recent and _standard(
        rules, size, counted_ids, m, [w.id_number for w in counted if w.id_number in m.workers],
        [n for n, w in m.workers.items() if w.paired and n not in counted_ids])[1].pass_by is None]
    below_text = Problem("elig_list_sep").text().join(_month_text(m) for m in below)

    steps: list[Problem] = [Problem("trk_step_basis", {
        "date": on.isoformat(), "document": rules.labor.document, "first": _month_text(used[0].month),
        "last": _month_text(latest.month), "n": len(used),
    })]
    have = {m.month for m in used}
    missing, cursor = [], used[0].month
    while cursor < latest.month:
        if cursor not in have:
            missing.append(_month_text(cursor))
        cursor = add_months(cursor, 1)[0]
    if missing:
        steps.append(Problem("trk_step_missing", {"months": Problem("elig_list_sep").text().join(missing)}))
    stale = add_months(latest.month, tracking.check_interval_months)[0] <= month_of(on)
    if stale:
        steps.append(Problem("trk_step_stale", {"last": _month_text(latest.month),
                                                "interval": tracking.check_interval_months,
                                                "source": tracking.interval_source}))
    steps.append(Problem("trk_step_counted", {"counted": len(counted), "still": len(still), "left": len(left)}))
    if left_short:
        steps.append(Problem("trk_step_left_short", {
            "n": len(left_short), "months": minimum, "names": _names([spans[n].name for n in left_short])}))
    if new:
        steps.append(Problem("trk_step_new", {"n": len(new), "names": _names([spans[n].name for n in new])}))
    steps.append(Problem("trk_step_current", {"n": len(now), "months": minimum, "reached": len(reached),
                                              "source": tracking.continuous_source}))
    steps.append(share_step(staff, len(now), share))
    steps.extend(standard.steps)
    if below:
        steps.append(Problem("trk_step_below", {"interval": tracking.check_interval_months, "months": below_text}))

    why: list[str] = []
    if standard.pass_by is None:
        verdict = Verdict.NOT_MET
        why.append(Problem("trk_why_not_met").text())
    else:
        established_ok = True
        if len(reached) < len(now):
            firm_share = Fraction(len(reached), staff) if staff > 0 else None
            established_ok = any((len(reached) >= standard.count_required,
                                  firm_share is not None and firm_share >= standard.share_required))
            steps.append(Problem("trk_step_established", {
                "months": minimum, "n": len(reached),
                "verdict": Problem("elig_verdict_met" if established_ok else "elig_verdict_unmet").text()}))
        if not established_ok:
            why.append(Problem("trk_why_short_only", {"months": minimum}).text())
        if left_short:
            why.append(Problem("trk_why_left_short", {"n": len(left_short), "months": minimum}).text())
        if below:
            why.append(Problem("trk_why_below", {"months": below_text}).text())
        if stale:
            why.append(Problem("trk_why_stale").text())
        verdict = Verdict.AT_RISK if why else Verdict.MET
        if not why:
            why.append(Problem("trk_why_met").text())
    steps.append(Problem("trk_result", {"verdict": verdict.label, "why": "；".join(why)}))
    return Reverification(
        on=on, verdict=verdict, latest_month=latest.month, staff_total=staff, qualifying=len(now), share=share,
        still_employed=still, left=left, new_paired=new, spans=spans, standard=standard, steps=tuple(steps),
    )
