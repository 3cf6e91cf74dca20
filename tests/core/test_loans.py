"""A loan against 三（五）: the LPR of its start date, each rule at its threshold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.core.loans import LoanDraft, TrackingRules, check_loan, loan_end
from desktop.core.policy import RuleSet

RULES = TrackingRules.load()
LPR = RuleSet.load().lpr


def _draft(**changes: object) -> LoanDraft:
    values: dict[str, object] = {
        "bank_branch": "国家开发银行吉林省分行", "contract_number": "2226001", "amount_wan": Decimal("500"),
        "start_date": date(2026, 1, 15), "term_months": 36, "rate": Decimal("3.00"),
        "preferential_end": date(2028, 1, 14),
    }
    values.update(changes)
    return LoanDraft(**values)  # type: ignore[arg-type]


def _codes(problems: tuple[object, ...]) -> list[str]:
    return [p.code for p in problems]  # type: ignore[attr-defined]


def test_the_shipped_parameters_cite_their_source() -> None:
    assert RULES.preferential_max_months == 36 and RULES.continuous_min_months == 3
    assert RULES.check_interval_months == 3 and RULES.lpr_five_year_above_months == 60
    assert "三（五）" in RULES.preferential_source and "三（六）" in RULES.continuous_source


@pytest.mark.parametrize(("rate", "warned"), [("3.00", False), ("3.0000", False), ("3.01", True), ("2.99", False)])
def test_a_rate_above_the_lpr_of_the_start_date_is_a_warning(rate: str, warned: bool) -> None:
    check = check_loan(_draft(rate=Decimal(rate)), LPR, RULES)  # 2025-05-20: 1-year 3.00
    assert check.ok
    assert check.lpr is not None and check.lpr.effective_from == date(2025, 5, 20)
    assert check.lpr_value == Decimal("3.00") and check.tenor == "one_year"
    assert _codes(check.warnings) == (["warn_rate_above_lpr"] if warned else [])
    if warned:
        assert "3.00%" in check.warnings[0].text() and "2025年5月20日" in check.warnings[0].text()


def test_one_basis_point_above_the_lpr_in_force_at_signing() -> None:
    """Signed the day before a cut, the old (higher) rate applies; the day of the cut, the new one."""
    def check(start: date, rate: str) -> object:
        return check_loan(_draft(start_date=start, rate=Decimal(rate), preferential_end=None), LPR, RULES)

    before, on = check(date(2024, 10, 20), "3.35"), check(date(2024, 10, 21), "3.35")
    assert before.lpr_value == Decimal("3.35") and not before.warnings  # type: ignore[attr-defined]
    assert on.lpr_value == Decimal("3.10")  # type: ignore[attr-defined]
    assert _codes(on.warnings) == ["warn_rate_above_lpr"]  # type: ignore[attr-defined]
    assert not check(date(2024, 10, 21), "3.10").warnings  # type: ignore[attr-defined]
    assert check(date(2024, 10, 21), "3.11").warnings  # type: ignore[attr-defined]


@pytest.mark.parametrize(("term", "tenor", "lpr"), [(60, "one_year", "3.00"), (61, "five_year", "3.50")])
def test_a_loan_over_five_years_is_compared_with_the_five_year_lpr(term: int, tenor: str, lpr: str) -> None:
    check = check_loan(_draft(term_months=term, rate=Decimal("3.40")), LPR, RULES)
    assert check.tenor == tenor and check.lpr_value == Decimal(lpr)
    assert bool(check.warnings) is (tenor == "one_year")


@pytest.mark.parametrize(("end", "warned"), [
    (date(2029, 1, 14), False),  # exactly 3 years from 2026-01-15
    (date(2029, 1, 15), True),  # one day over
    (date(2027, 1, 1), False),
    (None, False),
])
def test_a_preferential_period_over_three_years_is_a_warning(end: date | None, warned: bool) -> None:
    check = check_loan(_draft(term_months=60, preferential_end=end), LPR, RULES)
    assert check.ok and check.preferential_latest == date(2029, 1, 14)
    assert _codes(check.warnings) == (["warn_preferential_too_long"] if warned else [])
    if warned:
        assert "最晚应为2029-01-14" in check.warnings[0].text()


def test_month_ends_count_like_contracts() -> None:
    assert loan_end(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert loan_end(date(2026, 1, 15), 12) == date(2027, 1, 14)
    check = check_loan(_draft(start_date=date(2026, 11, 30), term_months=60, preferential_end=None), LPR, RULES)
    assert check.preferential_latest == date(2029, 11, 29)


@pytest.mark.parametrize(("changes", "code"), [
    ({"bank_branch": " "}, "loan_bank_missing"),
    ({"contract_number": ""}, "loan_contract_missing"),
    ({"contract_number": "号" * 101}, "loan_text_too_long"),
    ({"amount_wan": Decimal(0)}, "loan_amount"),
    ({"term_months": 0}, "loan_term"),
    ({"rate": Decimal(0)}, "loan_rate"),
    ({"rate": Decimal(100)}, "loan_rate"),
    ({"preferential_end": date(2026, 1, 14)}, "loan_preferential_before_start"),
    ({"preferential_end": date(2029, 1, 15)}, "loan_preferential_after_end"),  # 36-month loan ends 2029-01-14
    ({"start_date": date(2021, 12, 19), "preferential_end": None}, "loan_no_lpr"),
])
def test_what_refuses_a_loan(changes: dict[str, object], code: str) -> None:
    check = check_loan(_draft(**changes), LPR, RULES)
    assert _codes(check.errors) == [code]
    assert all(p.text() for p in check.errors)


def test_a_loan_ending_on_its_last_day_is_fine() -> None:
    assert check_loan(_draft(preferential_end=date(2029, 1, 14)), LPR, RULES).errors == ()


def test_the_parameters_are_listed_with_their_sources() -> None:
    from desktop.core.policy_params import tracking_parameters

    found = {p.key: p for p in tracking_parameters(RULES)}
    assert found["tracking.preferential_max_months"].value == "36个月"
    assert found["tracking.check_interval_months"].value == "每3个月"
    assert all(p.source for p in found.values()) and len(found) == 4
