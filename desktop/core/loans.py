"""A loan recorded for an approved application, checked against 三（五） of the notice.

When the enterprise brings its loan contract the clerk records the bank
branch, contract number, amount, start date, term, rate and the end of the
preferential period. :func:`check_loan` reads no clock, file or database:
given the draft, the LPR table and the tracking parameters it returns the LPR
in force on the start date (with its source) and

* errors, which refuse the loan (a missing field, an end before the start, no
  LPR published on the start date);
* warnings, which the clerk must acknowledge: a rate above the LPR of the same
  term (贷款利率原则上不高于同期LPR), a preferential period over the maximum
  (优惠期限原则上不超过3年).

How it is read (the numbers are policy data, ``tracking_2022.json``, :mod:`desktop.core.policy_tracking`):

* "同期" LPR: a loan of at most ``lpr_five_year_above_months`` months is
  compared with the 1-year LPR, a longer one with the 5-year-and-above LPR.
  The rate is compared exactly: equal to the LPR is not above it.
* Periods count in calendar months the way contracts do
  (:func:`~desktop.core.eligibility_rows.contract_min_end`): a loan of 12 months
  from 2026-01-15 runs to 2027-01-14; a preferential period of 3 years from
  that start may end on 2029-01-14 at the latest, 2029-01-15 is one day over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from desktop.core.decision import register_messages
from desktop.core.eligibility_rows import contract_min_end
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.policy_rates import LprRate, LprTable
from desktop.core.policy_tracking import TrackingRules

__all__ = ["LoanCheck", "LoanDraft", "TrackingRules", "check_loan", "loan_end"]

TEXT_MAX: Final = 100

register_messages({
    "loan_bank_missing": QT_TRANSLATE_NOOP("problems", "贷款银行（经办分支机构）未填写"),
    "loan_contract_missing": QT_TRANSLATE_NOOP("problems", "借款合同编号未填写"),
    "loan_text_too_long": QT_TRANSLATE_NOOP("problems", "{field}太长（不超过{limit}个字）"),
    "loan_amount": QT_TRANSLATE_NOOP("problems", "贷款金额应大于0万元，现为{value}"),
    "loan_term": QT_TRANSLATE_NOOP("problems", "贷款期限应为1个月以上的整月数，现为{value}"),
    "loan_rate": QT_TRANSLATE_NOOP("problems", "贷款利率应为大于0、小于100的年利率（%），现为{value}"),
    "loan_preferential_before_start": QT_TRANSLATE_NOOP(
        "problems", "优惠期截止日期{end}早于贷款起始日期{start}"),
    "loan_preferential_after_end": QT_TRANSLATE_NOOP(
        "problems", "优惠期截止日期{end}晚于贷款到期日{loan_end}"),
    "loan_no_lpr": QT_TRANSLATE_NOOP(
        "problems", "贷款起始日期{start}早于LPR表的第一条报价（{first}生效），无法对照利率"),
    "warn_rate_above_lpr": QT_TRANSLATE_NOOP(
        "problems", "贷款利率{rate}%高于{start}施行的{tenor}LPR {lpr}%（{source}）；三（五）：贷款利率原则上不高于同期LPR"),
    "warn_preferential_too_long": QT_TRANSLATE_NOOP(
        "problems",
        "优惠期{start}至{end}超过{years}年（最晚应为{latest}）；三（五）：优惠期限原则上不超过{years}年"),
    "lpr_one_year": QT_TRANSLATE_NOOP("problems", "1年期"),
    "lpr_five_year": QT_TRANSLATE_NOOP("problems", "5年期以上"),
})


@dataclass(frozen=True)
class LoanDraft:
    bank_branch: str
    contract_number: str
    amount_wan: Decimal
    start_date: date
    term_months: int
    rate: Decimal  # annual, in percent
    preferential_end: date | None = None


@dataclass(frozen=True)
class LoanCheck:
    loan_end: date
    tenor: str  # "one_year" | "five_year"
    lpr: LprRate | None
    lpr_value: Decimal | None
    preferential_latest: date
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def loan_end(start: date, term_months: int) -> date:
    """The last day of a loan of ``term_months`` calendar months from ``start``."""
    return contract_min_end(start, term_months)


def _text_problems(draft: LoanDraft) -> list[Problem]:
    errors = []
    if not draft.bank_branch.strip():
        errors.append(Problem("loan_bank_missing"))
    if not draft.contract_number.strip():
        errors.append(Problem("loan_contract_missing"))
    for label, value in ((QT_TRANSLATE_NOOP("problems", "贷款银行"), draft.bank_branch),
                         (QT_TRANSLATE_NOOP("problems", "借款合同编号"), draft.contract_number)):
        if len(value.strip()) > TEXT_MAX:
            errors.append(Problem("loan_text_too_long", {"field": label, "limit": TEXT_MAX}))
    return errors


def check_loan(draft: LoanDraft, lpr: LprTable, rules: TrackingRules) -> LoanCheck:
    """The LPR the loan is compared with, what refuses it and what the clerk must acknowledge."""
    errors = _text_problems(draft)
    if not draft.amount_wan > 0:
        errors.append(Problem("loan_amount", {"value": draft.amount_wan}))
    term_ok = draft.term_months >= 1
    if not term_ok:
        errors.append(Problem("loan_term", {"value": draft.term_months}))
    if not Decimal(0) < draft.rate < Decimal(100):
        errors.append(Problem("loan_rate", {"value": draft.rate}))
    start = draft.start_date
    end = loan_end(start, max(draft.term_months, 1))
    latest = contract_min_end(start, rules.preferential_max_months)
    pref = draft.preferential_end
    if pref is not None and pref < start:
        errors.append(Problem("loan_preferential_before_start", {"end": pref.isoformat(), "start": start.isoformat()}))
    elif pref is not None and term_ok and pref > end:
        errors.append(Problem("loan_preferential_after_end", {"end": pref.isoformat(), "loan_end": end.isoformat()}))
    tenor = "five_year" if draft.term_months > rules.lpr_five_year_above_months else "one_year"
    rate = lpr.on(start)
    value = None if rate is None else (rate.five_year if tenor == "five_year" else rate.one_year)
    if rate is None:
        errors.append(Problem("loan_no_lpr", {
            "start": start.isoformat(), "first": lpr.rates[0].effective_from.isoformat() if lpr.rates else "-"}))
    warnings = []
    if rate is not None and value is not None and draft.rate > value:
        warnings.append(Problem("warn_rate_above_lpr", {
            "rate": draft.rate, "start": rate.effective_from.isoformat(),
            "tenor": Problem(f"lpr_{tenor}").text(), "lpr": value, "source": rate.source,
        }))
    if pref is not None and pref > latest:
        years = Decimal(rules.preferential_max_months) / 12
        warnings.append(Problem("warn_preferential_too_long", {
            "start": start.isoformat(), "end": pref.isoformat(), "latest": latest.isoformat(),
            "years": f"{years.normalize():f}",
        }))
    return LoanCheck(loan_end=end, tenor=tenor, lpr=rate, lpr_value=value, preferential_latest=latest,
                     errors=tuple(errors), warnings=tuple(warnings))
