"""A source county with an agreement counts only while the agreement is in force (issue 17 item 2)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.agreements import EXPIRED, IN_FORCE, NOT_STARTED, Agreement, AgreementBook
from desktop.core.policy import RuleSet
from tests.core.test_eligibility import HOME, decision_with, worker

START, END = date(2026, 3, 1), date(2026, 6, 30)
WANGQING = "222424"  # on the province's list
NINGAN = "231084"  # 黑龙江省宁安市: not on the list, paired only by an agreement


def rules_with(*agreements: Agreement) -> RuleSet:
    rules = RuleSet.load()
    return rules.with_paired_areas(rules.paired, AgreementBook(agreements))


@pytest.mark.parametrize(("review", "counted", "reason"), [
    (date(2026, 2, 28), False, "agreement_not_started"),  # the day before it starts
    (START, True, None),
    (END, True, None),
    (date(2026, 7, 1), False, "agreement_expired"),  # one day after its last day
])
@pytest.mark.parametrize("county", [WANGQING, NINGAN])
def test_a_worker_counts_only_while_the_agreement_is_in_force(
        county: str, review: date, counted: bool, reason: str | None) -> None:
    rules = rules_with(Agreement(county, "延吉—协作协议〔2026〕1号", START, END))
    decision = decision_with(None, worker(1, hukou_code=county, contract_start=date(2026, 1, 1)),  # type: ignore[arg-type]
                             review=review, rules=rules)
    outcome = decision.workers[0]
    assert outcome.counted is counted
    assert [r.code for r in outcome.reasons] == ([reason] if reason else [])


def test_the_reasons_say_which_agreement_and_which_dates() -> None:
    rules = rules_with(Agreement(WANGQING, "延吉—汪清劳务协作协议〔2026〕1号", START, END))
    after = decision_with(None, worker(1, hukou_code=WANGQING), review=date(2026, 7, 1), rules=rules)  # type: ignore[arg-type]
    assert after.workers[0].reasons[0].text() == (
        "户籍地汪清县（222424）与本地签署的劳务协作协议（延吉—汪清劳务协作协议〔2026〕1号，2026-03-01至2026-06-30）"
        "已于2026-06-30到期，审核日期2026-07-01不在协议期内，不计入对口地区人员")
    before = decision_with(None, worker(1, hukou_code=WANGQING), review=date(2026, 2, 28), rules=rules)  # type: ignore[arg-type]
    assert before.workers[0].reasons[0].text() == (
        "户籍地汪清县（222424）与本地签署的劳务协作协议（延吉—汪清劳务协作协议〔2026〕1号）自2026-03-01起生效，"
        "审核日期2026-02-28尚未生效，不计入对口地区人员")


def test_a_county_without_an_agreement_follows_the_list_and_an_open_end_runs_on() -> None:
    rules = rules_with(Agreement(NINGAN, "宁安协议", START, None))
    decision = decision_with(None, worker(1, hukou_code="222401"), worker(2, hukou_code=NINGAN),  # type: ignore[arg-type]
                             worker(3, hukou_code="110105"), review=date(2026, 12, 31), rules=rules)
    assert [w.counted for w in decision.workers] == [True, True, False]
    assert decision.workers[2].reasons[0].code == "not_paired_area"


def test_the_home_county_stays_a_local_hire_even_with_an_agreement() -> None:
    rules = rules_with(Agreement(HOME, "本地协议", START, None))
    decision = decision_with(None, worker(1, hukou_code=HOME), review=END, rules=rules)  # type: ignore[arg-type]
    assert decision.workers[0].reasons[0].code == "local_worker"


def test_status_picks_the_agreement_in_force_else_the_latest_ended_else_the_next() -> None:
    old = Agreement(WANGQING, "旧", date(2024, 1, 1), date(2024, 12, 31))
    new = Agreement(WANGQING, "新", date(2026, 1, 1), date(2026, 12, 31))
    book = AgreementBook([new, old])
    assert book.status(WANGQING, date(2023, 12, 31)).state == NOT_STARTED  # type: ignore[union-attr]
    found = book.status(WANGQING, date(2025, 6, 1))
    assert found is not None and (found.state, found.agreement.reference) == (EXPIRED, "旧")
    found = book.status(WANGQING, date(2026, 1, 1))
    assert found is not None and (found.state, found.agreement.reference) == (IN_FORCE, "新")
    assert book.status(NINGAN, date(2026, 1, 1)) is None


def test_recording_an_agreement_gives_a_new_rule_set_version() -> None:
    rules = RuleSet.load()
    one = rules_with(Agreement(WANGQING, "协议", START, END))
    ended_earlier = rules_with(Agreement(WANGQING, "协议", START, date(2026, 5, 31)))
    assert len({rules.version, one.version, ended_earlier.version}) == 3
    assert rules.with_paired_areas(rules.paired, AgreementBook()).version == rules.version
