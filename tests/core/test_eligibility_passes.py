"""The decision in passes (a roster read again instead of held) is the decision in memory.

Every golden case (tests/core/golden/eligibility_cases.json: each threshold, the reduced
standard, duplicates, other enterprises' claims and choices, priority groups) and
generated rosters with repeated persons written in different forms go through both
:func:`decide` and :func:`decide_in_passes`; the decisions and every outcome must be equal.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from datetime import date, timedelta
from typing import Any

import pytest

from desktop.core.decision import Decision, WorkerFacts
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, decide
from desktop.core.eligibility_passes import RosterCheck, decide_in_passes
from desktop.core.eligibility_claims import claims_attacher, with_other_claims
from desktop.core.eligibility_rows import person_key
from desktop.core.identifiers import id_check_char
from desktop.core.policy import RuleSet
from desktop.core.roster_repeats import duplicate_marks, repeated_rows
from desktop.core.size import EnterpriseSize
from desktop.core.workers import ContractType, PriorityGroup
from tests.core.test_eligibility import DEFAULTS, GOLDEN, HOME, Policies, policies, size_result, workers_of

__all__ = ["policies"]  # the fixture, shared with the golden table's tests


class ListedRoster:
    """A RosterSource over a list, counting how often it is read."""

    def __init__(self, workers: Sequence[WorkerFacts], attach: Any = None) -> None:
        self.workers = list(workers)
        self.attach = attach or (lambda w: w)
        self.reads = 0

    def ids(self) -> Iterator[tuple[int, str]]:
        return ((w.ref or 0, w.id_number) for w in self.workers)

    def rows(self) -> Iterator[WorkerFacts]:
        self.reads += 1
        return map(self.attach, self.workers)

    def rows_by_ref(self, refs: Sequence[int]) -> list[WorkerFacts]:
        wanted = set(refs)
        return [w for w in self.workers if w.ref in wanted]


def both(rules: RuleSet, enterprise: EnterpriseFacts, application: ApplicationFacts,
         roster: ListedRoster, hold_up_to: int | None = 0) -> tuple[Decision, RosterCheck]:
    held = decide(rules, enterprise, application, [roster.attach(w) for w in roster.workers])
    return held, decide_in_passes(rules, enterprise, application, roster, hold_up_to=hold_up_to)


def assert_same(held: Decision, passes: RosterCheck) -> None:
    assert passes.decision == replace(held, workers=())
    assert passes.listed == len(held.workers)
    assert list(passes.outcomes()) == list(held.workers)
    assert list(passes.outcomes()) == list(held.workers)  # and again: nothing is used up
    assert passes.decision.explanation() == held.explanation()
    assert [p.text() for p in passes.decision.warnings] == [p.text() for p in held.warnings]


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["name"] for c in GOLDEN["cases"]])
def test_every_golden_case_decides_the_same_in_passes(case: dict[str, Any], policies: Policies) -> None:
    inputs = case["inputs"]
    rules = policies.get(inputs.get("policy", {}))
    workers, claims, choices = workers_of(inputs["workers"])
    enterprise = EnterpriseFacts(
        name="吉林市甲有限公司", uscc="91110000600037341L", county_code=inputs.get("county_code", HOME),
        staff_total=inputs["staff_total"],
        size=size_result(EnterpriseSize(inputs["size"]), inputs.get("size_reason")),
    )
    review = date.fromisoformat(inputs.get("review_date", DEFAULTS["review_date"]))
    roster = ListedRoster(workers, claims_attacher(claims, choices))
    held, passes = both(rules, enterprise, ApplicationFacts(review, 1, 1, True, True), roster)
    assert_same(held, passes)
    assert held == decide(rules, enterprise, ApplicationFacts(review, 1, 1, True, True),
                          with_other_claims(workers, claims, choices))  # the attacher is with_other_claims


def person(n: int, area: str, born: date) -> str:
    first17 = f"{area}{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def generated(seed: int, rows: int) -> list[WorkerFacts]:
    """A roster with persons repeated (some in the 15-digit or lower-case form of another row's
    number, some invalid), areas paired, local, unpaired and historical, contracts of every kind."""
    rng = random.Random(seed)
    areas = ["222405", "222405", "222403", "222401", "220102", "222426", "522701", None]
    people: list[str] = []
    workers: list[WorkerFacts] = []
    for i in range(rows):
        if people and rng.random() < 0.15:
            number = rng.choice(people)  # the same person again
        else:
            area = rng.choice(["222405", "222403", "220102", "222401"])
            number = person(i, area, date(1960, 1, 1) + timedelta(days=rng.randrange(17000)))
            people.append(number)
        form = rng.random()
        if form < 0.05 and number[17] == "X":
            number = number.lower()  # the same number, written in lower case
        elif form < 0.1 and number[6:8] == "19":
            number = number[:6] + number[8:17]  # its 15-digit form
        elif form < 0.13:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # a wrong check character
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(1000))
        kind = rng.choice([ContractType.FIXED] * 4 + [ContractType.OPEN_ENDED, ContractType.TASK])
        end = None if kind is not ContractType.FIXED and rng.random() < 0.7 else start + timedelta(
            days=rng.choice([30, 88, 89, 90, 364, 729, 1000]))
        claim = rng.choice([None, None, *PriorityGroup])
        workers.append(WorkerFacts(
            id_number=number, name=f"职工{i}", hukou_code=rng.choice(areas), contract_type=kind,
            contract_start=None if rng.random() < 0.02 else start, contract_end=end, hukou_text="某地",
            paid_months=None if rng.random() < 0.5 else tuple(
                f"2026-{m:02d}" for m in range(1, 13) if rng.random() < 0.6),
            priority_claim=claim, priority_group=claim if claim and rng.random() < 0.4 else None,
            monthly_wage=rng.choice([None, 1500.0, 1880.0, 2400.0]),
            hukou_check=rng.choice([None, None, "checked", "excluded"]), ref=1000 + i,
        ))
    return workers


@pytest.mark.parametrize("hold_up_to", [0, 399, 400, None])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("staff", [0, 40, 300, 5000])
def test_generated_rosters_decide_the_same_in_passes(seed: int, staff: int, hold_up_to: int | None) -> None:
    rules = RuleSet.load()
    workers = generated(seed, 400)
    enterprise = EnterpriseFacts(name="延吉市甲有限公司", uscc="91110000600037341L", county_code="222401",
                                 staff_total=staff, size=size_result(EnterpriseSize.SMALL, None))
    roster = ListedRoster(workers)
    held, passes = both(rules, enterprise, ApplicationFacts(date(2026, 6, 30)), roster, hold_up_to)
    assert_same(held, passes)
    if hold_up_to is not None and hold_up_to < 400:
        assert roster.reads == 3 and passes.reread  # the counts, then the outcomes twice: never held
    else:
        assert roster.reads == 1 and not passes.reread  # a roster this small keeps its outcomes
    assert any(r.code == "duplicate_person" for w in held.workers for r in w.reasons)
    numbers = [w.id_number for w in workers]
    key = partial(person_key, review=date(2026, 6, 30))
    assert sorted(repeated_rows(numbers, key, compact=True)) == sorted(repeated_rows(numbers, key))


def test_repeated_rows_finds_a_person_whatever_the_form_of_the_number() -> None:
    valid = person(7, "222405", date(1990, 3, 1))
    short = valid[:6] + valid[8:17]
    bad = valid[:17] + ("0" if valid[17] != "0" else "1")
    numbers = [valid, "abc", short, bad, "abc", person(8, "222405", date(1990, 3, 1)), bad, valid]
    normalised = {short: valid}
    groups = repeated_rows(numbers, lambda n: normalised.get(n, n))
    assert sorted(groups) == [[0, 2, 7], [1, 4], [3, 6]]
    assert sorted(repeated_rows(numbers, lambda n: normalised.get(n, n), compact=True)) == sorted(groups)
    marks = duplicate_marks(groups, lambda i: i in (2, 4))
    assert {i: m.params["first"] for i, m in marks.items()} == {0: 3, 7: 3, 1: 5, 6: 4}
