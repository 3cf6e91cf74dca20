"""Re-verification during the loan (issue 14): a loan followed over 12 monthly lists.

A micro enterprise (standard: 5 workers or 15% of staff) counted A–F at approval. Over 2026:
A, B and F stay; C leaves for March and comes back (a gap of one month); D leaves after June;
E, hired 2025-12-15, leaves after February (2 months 14 days); G (paired area) is hired on
2026-05-02, I on 2026-10-15; B leaves after September; H (not a paired area) is on every list;
the staff total grows from 40 to 50 (July) and 60 (October). Every date below is a threshold
or a turn of the story, and each expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.decision import EligibilityError, StandardKind
from desktop.core.loans import TrackingRules
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize
from desktop.core.tracking import (
    CountedWorker, ListedWorker, MonthlyList, Verdict, reverify, span_length,
)
from desktop.core.workers import PriorityGroup

RULES = RuleSet.load()
TRACKING = TrackingRules.load()
MICRO = EnterpriseSize.MICRO

STARTED = {"A": date(2025, 6, 1), "B": date(2025, 11, 1), "C": date(2025, 9, 1), "D": date(2025, 10, 1),
           "E": date(2025, 12, 15), "F": date(2025, 11, 2), "G": date(2026, 5, 2), "H": date(2024, 1, 1),
           "I": date(2026, 10, 15)}
MONTHS = {  # the months (of 2026) each person is on the list
    "A": range(1, 13), "B": range(1, 10), "C": [1, 2, *range(4, 13)], "D": range(1, 7), "E": [1, 2],
    "F": range(1, 13), "G": range(5, 13), "H": range(1, 13), "I": range(10, 13),
}
COUNTED = [CountedWorker(f"ID-{p}", p) for p in "ABCDEF"]


def _staff(month: int) -> int:
    return 40 if month < 7 else 50 if month < 10 else 60


def _lists(skip: tuple[int, ...] = ()) -> list[MonthlyList]:
    return [MonthlyList(date(2026, m, 1), _staff(m), {
        f"ID-{p}": ListedWorker(f"ID-{p}", p, paired=p != "H", started=STARTED[p])
        for p, months in MONTHS.items() if m in months
    }) for m in range(1, 13) if m not in skip]


LISTS = _lists()


def _check(on: date, lists: list[MonthlyList] = LISTS) -> object:
    return reverify(RULES, TRACKING, size=MICRO, counted=COUNTED, lists=lists, on=on, since=date(2026, 1, 1))


@pytest.mark.parametrize(("on", "verdict", "now", "reached", "why"), [
    # A B C D E F on the list; E (1m17d) and F (2025-11-02..2026-01-31 = 2 months 30 days) short:
    # 6 >= 5, but only 4 have 3 months and 4/40 = 10% < 15%
    (date(2026, 1, 31), Verdict.AT_RISK, "ABCDEF", "ABCD", "达标依赖连续就业未满3个月的人员"),
    # F: 2025-11-02..2026-02-01 is exactly 3 months; A B C D F = 5
    (date(2026, 2, 1), Verdict.MET, "ABCDEF", "ABCDF", "现计入人员达到认定标准"),
    # C away (the gap), E gone after 2 months 14 days: 4 < 5 and 4/40 < 15%
    (date(2026, 3, 31), Verdict.NOT_MET, "ABDF", "ABDF", "现计入人员未达到认定标准"),
    # C back from 2026-04-01 (its run starts again): 5, only 4 with 3 months; E left within the interval
    (date(2026, 4, 30), Verdict.AT_RISK, "ABCDF", "ABDF", "达标依赖连续就业未满3个月的人员；1名审核时计入的人员"),
    # G new; E's leaving (February) is older than the interval (March–May), March's dip is not
    (date(2026, 5, 31), Verdict.AT_RISK, "ABCDFG", "ABDF", "达标依赖连续就业未满3个月的人员；2026年3月的名单未达到认定标准）"),
    # C: 2026-04-01..06-29 = 2 months 29 days
    (date(2026, 6, 29), Verdict.AT_RISK, "ABCDFG", "ABDF", "达标依赖"),
    # C: 2026-04-01..06-30 = exactly 3 months after the gap
    (date(2026, 6, 30), Verdict.MET, "ABCDFG", "ABCDF", "现计入人员达到认定标准"),
    # D gone (it had its 3 months); staff 50; G: 2026-05-02..07-31 = 2 months 30 days; 4/50 = 8%
    (date(2026, 7, 31), Verdict.AT_RISK, "ABCFG", "ABCF", "达标依赖"),
    # G: 2026-05-02..08-01 = exactly 3 months
    (date(2026, 8, 1), Verdict.MET, "ABCFG", "ABCFG", "现计入人员达到认定标准"),
    (date(2026, 9, 30), Verdict.MET, "ABCFG", "ABCFG", "现计入人员达到认定标准"),
    # B gone, I new (1 month 16 days on 2026-10-31... still short at year end); staff 60
    (date(2026, 10, 31), Verdict.AT_RISK, "ACFGI", "ACFG", "达标依赖"),
    (date(2026, 12, 31), Verdict.AT_RISK, "ACFGI", "ACFG", "达标依赖"),
])
def test_twelve_monthly_lists(on: date, verdict: Verdict, now: str, reached: str, why: str) -> None:
    result = _check(on)
    assert result.verdict is verdict  # type: ignore[attr-defined]
    current = sorted(result.still_employed + result.new_paired)  # type: ignore[attr-defined]
    assert current == [f"ID-{p}" for p in now]
    assert [n for n in current if result.spans[n].reaches] == [f"ID-{p}" for p in reached]  # type: ignore[attr-defined]
    text = "\n".join(p.text() for p in result.steps)  # type: ignore[attr-defined]
    assert f"结论：{verdict.label}" in text and why in text
    assert result.needs_attention is (verdict is Verdict.NOT_MET)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("person", "on", "start", "span", "reaches", "employed"), [
    ("F", date(2026, 1, 31), date(2025, 11, 2), (2, 30), False, True),  # 2 months 30 days
    ("F", date(2026, 2, 1), date(2025, 11, 2), (3, 0), True, True),  # exactly 3 months
    ("B", date(2026, 1, 31), date(2025, 11, 1), (3, 0), True, True),
    ("E", date(2026, 3, 31), date(2025, 12, 15), (2, 14), False, False),  # left: ends on 2026-02-28
    ("C", date(2026, 3, 31), date(2025, 9, 1), (6, 0), True, False),  # away in March: its run ended in February
    ("C", date(2026, 4, 15), date(2026, 4, 1), (0, 15), False, True),  # after a gap of one month, from the 1st
    ("C", date(2026, 6, 29), date(2026, 4, 1), (2, 29), False, True),
    ("C", date(2026, 6, 30), date(2026, 4, 1), (3, 0), True, True),
    ("G", date(2026, 7, 31), date(2026, 5, 2), (2, 30), False, True),  # hired mid-month: from the 入职 date
    ("G", date(2026, 8, 1), date(2026, 5, 2), (3, 0), True, True),
    ("D", date(2026, 9, 30), date(2025, 10, 1), (9, 0), True, False),
])
def test_spans(person: str, on: date, start: date, span: tuple[int, int], reaches: bool, employed: bool) -> None:
    found = _check(on).spans[f"ID-{person}"]  # type: ignore[attr-defined]
    assert (found.start, (found.months, found.days), found.reaches, found.employed) == (start, span, reaches, employed)


def test_a_missing_list_breaks_continuity_and_is_named() -> None:
    lists = _lists(skip=(5,))  # no list for May
    result = _check(date(2026, 6, 30), lists)
    c = result.spans["ID-C"]  # type: ignore[attr-defined]
    assert (c.start, c.reaches) == (date(2026, 6, 1), False)
    assert any("缺少2026年5月的名单" in p.text() for p in result.steps)  # type: ignore[attr-defined]


def test_a_list_older_than_the_interval_is_a_risk() -> None:
    assert _check(date(2026, 9, 30), LISTS[:8]).verdict is Verdict.MET  # August's list, September: in time
    late = _check(date(2026, 11, 1), LISTS[:8])  # three months after August's list
    assert late.verdict is Verdict.AT_RISK  # type: ignore[attr-defined]
    assert any("超过3个月的核实周期" in p.text() for p in late.steps)  # type: ignore[attr-defined]


def _one_month(workers: int, staff: int, priority: PriorityGroup | None = None) -> object:
    people = {f"P{i}": ListedWorker(f"P{i}", f"职工{i}", paired=True, started=date(2025, 1, 1),
                                    priority=priority if i == 0 else None) for i in range(workers)}
    counted = [CountedWorker(n, w.name, w.priority) for n, w in people.items()]
    return reverify(RULES, TRACKING, size=MICRO, counted=counted,
                    lists=[MonthlyList(date(2026, 3, 1), staff, people)], on=date(2026, 3, 31))


@pytest.mark.parametrize(("workers", "staff", "verdict"), [
    (5, 100, Verdict.MET),  # 5 >= 5
    (4, 27, Verdict.NOT_MET),  # 4/27 < 15%
    (3, 20, Verdict.MET),  # 3/20 = 15% exactly
    (3, 21, Verdict.NOT_MET),
])
def test_the_standard_is_the_decisions(workers: int, staff: int, verdict: Verdict) -> None:
    assert _one_month(workers, staff).verdict is verdict  # type: ignore[attr-defined]


def test_a_verified_priority_worker_brings_the_reduced_standard() -> None:
    result = _one_month(3, 100, PriorityGroup.POVERTY_ALLEVIATED)  # 5 × 0.5 = 2.5 -> 3
    assert result.verdict is Verdict.MET  # type: ignore[attr-defined]
    assert result.standard.kind is StandardKind.REDUCED and result.standard.count_required == 3  # type: ignore[attr-defined]
    assert _one_month(2, 100, PriorityGroup.POVERTY_ALLEVIATED).verdict is Verdict.NOT_MET  # type: ignore[attr-defined]


def test_no_list_before_the_date_is_refused() -> None:
    with pytest.raises(EligibilityError) as refused:
        _check(date(2025, 12, 31))
    assert refused.value.code == "trk_no_lists" and "2025-12-31" in str(refused.value)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2026, 1, 2), date(2026, 4, 1), (3, 0)),
    (date(2026, 1, 2), date(2026, 3, 31), (2, 30)),
    (date(2026, 1, 31), date(2026, 4, 29), (2, 30)),  # 1-31 + 3 months is 4-30 (no 4-31)
    (date(2026, 1, 31), date(2026, 4, 30), (3, 0)),
    (date(2026, 3, 1), date(2026, 3, 1), (0, 1)),
])
def test_span_length_counts_calendar_months(start: date, end: date, expected: tuple[int, int]) -> None:
    assert span_length(start, end) == expected


def _staff_months(staff: dict[int, int]) -> list[MonthlyList]:
    """Three counted workers on every list of 2026 (employed since 2025): 15% of 20 staff, not of 21."""
    people = {f"P{i}": ListedWorker(f"P{i}", f"职工{i}", paired=True, started=date(2025, 1, 1)) for i in range(3)}
    return [MonthlyList(date(2026, m, 1), total, people) for m, total in staff.items()]


@pytest.mark.parametrize(("on", "verdict", "march"), [
    (date(2026, 2, 28), Verdict.MET, False),
    (date(2026, 3, 31), Verdict.NOT_MET, False),  # the latest list itself is below
    (date(2026, 4, 30), Verdict.AT_RISK, True),  # met again, March within the interval (February–April)
    (date(2026, 5, 31), Verdict.AT_RISK, True),  # March–May
    (date(2026, 6, 30), Verdict.MET, False),  # April–June: March is older than the interval
])
def test_a_month_below_the_standard_within_the_interval_is_a_risk(on: date, verdict: Verdict, march: bool) -> None:
    """三（六）: the standard is to be kept for the whole loan period. A check read only the latest list, so an
    enterprise below the standard in March and back in April was 达标 at the check of 30 April while the
    timeline showed March in red. The months of the interval before the latest list are read too."""
    counted = [CountedWorker(f"P{i}", f"职工{i}") for i in range(3)]
    lists = _staff_months({1: 20, 2: 20, 3: 21, 4: 20, 5: 20, 6: 20})
    result = reverify(RULES, TRACKING, size=MICRO, counted=counted, lists=lists, on=on, since=date(2026, 1, 1))
    assert result.verdict is verdict
    text = "\n".join(p.text() for p in result.steps)
    assert ("2026年3月的名单未达到认定标准" in text) is march
    if march:
        assert "最近3个月内，2026年3月的名单未达到认定标准" in text
        assert "结论：有风险（2026年3月的名单未达到认定标准）" in text
