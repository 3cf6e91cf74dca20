"""The loan application forms: 附件1 流动资金贷款申请表, 附件2 固定资产贷款申请表.

The notice (吉人社联〔2022〕19号) names the two attachments but their text was
not available to us (DOMAIN.md: *confirm*). The fields below are what a bank's
loan application asks for and what the notice requires (三（四）申请标准), kept
as one table of data so an office can tell us what the official forms add.
What the enterprise record and the decision already hold (name, credit code,
industry, size, staff, revenue, assets, contact, qualifying workers) is
printed from there and not typed twice.

Values are parsed from text (the command line) or JSON; unknown keys are
refused (STYLE.md 13: a loader that ignores unknown keys hides typing errors).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.roster_values import CellValueError, parse_date

SCHEMA: Final = "laoxie.loan-form/1"


class LoanType(str, Enum):
    WORKING_CAPITAL = "working_capital"
    FIXED_ASSET = "fixed_asset"

    @property
    def label(self) -> str:
        return _TYPE_LABELS[self]

    @property
    def form_title(self) -> str:
        return _FORM_TITLES[self]

    @property
    def annex_number(self) -> int:
        return 1 if self is LoanType.WORKING_CAPITAL else 2


_TYPE_LABELS = {
    LoanType.WORKING_CAPITAL: QT_TRANSLATE_NOOP("loan_form", "流动资金贷款"),
    LoanType.FIXED_ASSET: QT_TRANSLATE_NOOP("loan_form", "固定资产贷款"),
}
_FORM_TITLES = {
    LoanType.WORKING_CAPITAL: QT_TRANSLATE_NOOP("loan_form", "劳务协作流动资金贷款申请表"),
    LoanType.FIXED_ASSET: QT_TRANSLATE_NOOP("loan_form", "劳务协作固定资产贷款申请表"),
}


class Kind(str, Enum):
    TEXT = "text"  # one line
    LONG = "long"  # several lines
    MONEY = "money"  # 万元, ≥ 0, up to 4 decimals
    COUNT = "count"  # whole number ≥ 0
    DATE = "date"


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: Kind
    required: bool = False
    types: frozenset[LoanType] = frozenset(LoanType)
    max_length: int = 200


_BOTH = frozenset(LoanType)
_WC = frozenset({LoanType.WORKING_CAPITAL})
_FA = frozenset({LoanType.FIXED_ASSET})

FIELDS: Final[tuple[FormField, ...]] = (
    FormField("legal_representative", QT_TRANSLATE_NOOP("loan_form", "法定代表人"), Kind.TEXT, True, max_length=30),
    FormField("registered_address", QT_TRANSLATE_NOOP("loan_form", "注册地址"), Kind.TEXT, max_length=100),
    FormField("registered_capital_wan", QT_TRANSLATE_NOOP("loan_form", "注册资本（万元）"), Kind.MONEY),
    FormField("established_on", QT_TRANSLATE_NOOP("loan_form", "成立日期"), Kind.DATE),
    FormField("business_scope", QT_TRANSLATE_NOOP("loan_form", "经营范围"), Kind.LONG, max_length=400),
    FormField("deposit_bank", QT_TRANSLATE_NOOP("loan_form", "基本存款账户开户行"), Kind.TEXT, max_length=60),
    FormField("last_year_revenue_wan", QT_TRANSLATE_NOOP("loan_form", "上年营业收入（万元）"), Kind.MONEY),
    FormField("last_year_profit_wan", QT_TRANSLATE_NOOP("loan_form", "上年利润总额（万元）"), Kind.MONEY),
    FormField("total_liabilities_wan", QT_TRANSLATE_NOOP("loan_form", "负债总额（万元）"), Kind.MONEY),
    FormField("amount_wan", QT_TRANSLATE_NOOP("loan_form", "申请贷款金额（万元）"), Kind.MONEY, True),
    FormField("term_months", QT_TRANSLATE_NOOP("loan_form", "申请贷款期限（月）"), Kind.COUNT, True),
    FormField("purpose", QT_TRANSLATE_NOOP("loan_form", "贷款用途"), Kind.LONG, True),
    FormField("guarantee", QT_TRANSLATE_NOOP("loan_form", "担保方式"), Kind.TEXT, True, max_length=100),
    FormField("repayment_source", QT_TRANSLATE_NOOP("loan_form", "还款来源"), Kind.LONG),
    FormField("working_capital_need_wan", QT_TRANSLATE_NOOP("loan_form", "流动资金需求测算（万元）"), Kind.MONEY,
              types=_WC),
    FormField("use_plan", QT_TRANSLATE_NOOP("loan_form", "用款计划"), Kind.LONG, types=_WC),
    FormField("project_name", QT_TRANSLATE_NOOP("loan_form", "项目名称"), Kind.TEXT, True, _FA, 100),
    FormField("project_site", QT_TRANSLATE_NOOP("loan_form", "建设地点"), Kind.TEXT, types=_FA, max_length=100),
    FormField("project_content", QT_TRANSLATE_NOOP("loan_form", "建设内容及规模"), Kind.LONG, types=_FA,
              max_length=400),
    FormField("total_investment_wan", QT_TRANSLATE_NOOP("loan_form", "项目总投资（万元）"), Kind.MONEY, True, _FA),
    FormField("equity_capital_wan", QT_TRANSLATE_NOOP("loan_form", "项目资本金（万元）"), Kind.MONEY, types=_FA),
    FormField("construction_period", QT_TRANSLATE_NOOP("loan_form", "建设期（起止年月）"), Kind.TEXT, types=_FA,
              max_length=40),
    FormField("project_approval", QT_TRANSLATE_NOOP("loan_form", "审批（核准、备案）文号"), Kind.TEXT, types=_FA,
              max_length=60),
    FormField("new_jobs_planned", QT_TRANSLATE_NOOP("loan_form", "计划新增吸纳对口地区劳动者（人）"), Kind.COUNT),
)
BY_KEY: Final = {f.key: f for f in FIELDS}

MESSAGES.update({
    "form_unknown_field": QT_TRANSLATE_NOOP("problems", "“{field}”不是{form}的栏目"),
    "form_not_a_number": QT_TRANSLATE_NOOP("problems", "{label}应为不小于0的数（万元），不是“{value}”"),
    "form_not_a_count": QT_TRANSLATE_NOOP("problems", "{label}应为不小于0的整数，不是“{value}”"),
    "form_not_a_date": QT_TRANSLATE_NOOP("problems", "{label}应写成 YYYY-MM-DD，不是“{value}”"),
    "form_too_long": QT_TRANSLATE_NOOP("problems", "{label}最多{max}个字"),
    "form_required": QT_TRANSLATE_NOOP("problems", "请填写{label}"),
})

_NUMBER = re.compile(r"^\d+(\.\d{1,4})?$")


def fields_for(loan_type: LoanType) -> tuple[FormField, ...]:
    return tuple(f for f in FIELDS if loan_type in f.types)


@dataclass(frozen=True)
class LoanForm:
    """The filled fields of one application's form (absent keys are blank)."""

    loan_type: LoanType
    values: Mapping[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "loan_type": self.loan_type.value, "fields": dict(sorted(self.values.items()))}

    def missing(self) -> list[Problem]:
        """Required fields still blank (a reminder; the review does not depend on the form)."""
        return [Problem("form_required", {"field": f.key, "label": f.label})
                for f in fields_for(self.loan_type) if f.required and self.values.get(f.key) in (None, "")]

    def shown(self, key: str) -> str:
        """The value as printed on the form."""
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.4f}".rstrip("0").rstrip(".")
        return str(value)


def empty_form(loan_type: LoanType) -> LoanForm:
    return LoanForm(loan_type, {})


def read_form(raw: str | Mapping[str, Any] | None, loan_type: LoanType) -> LoanForm:
    """The form kept in applications.form_data ('{}' when nothing was filled in)."""
    data = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    values = data.get("fields", {}) if data.get("schema") == SCHEMA else {}
    return LoanForm(loan_type, {k: v for k, v in values.items() if k in BY_KEY})


def parse_value(f: FormField, raw: object) -> tuple[Any, Problem | None]:
    """(value, None) or (None, problem); blank text clears the field."""
    params: dict[str, object] = {"field": f.key, "label": f.label, "value": raw}
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, None
    if f.kind is Kind.MONEY:
        text = text.replace(",", "").replace("，", "")
        if not _NUMBER.match(text):
            return None, Problem("form_not_a_number", params)
        return float(text), None
    if f.kind is Kind.COUNT:
        if not text.isdigit() or not text.isascii():
            return None, Problem("form_not_a_count", params)
        return int(text), None
    if f.kind is Kind.DATE:  # as a roster's dates are read: 2015-3-1, 2015.3.1, 2015/03/01, 2015年3月1日
        try:
            day = None if text.isdigit() and len(text) != 8 else parse_date(text)  # no Excel serial here
        except CellValueError:
            day = None
        if day is None:
            return None, Problem("form_not_a_date", params)
        return day.isoformat(), None
    if len(text) > f.max_length:
        return None, Problem("form_too_long", {**params, "max": f.max_length})
    return text, None


def apply_changes(form: LoanForm, changes: Mapping[str, object],
                  loan_type: LoanType | None = None) -> tuple[LoanForm, list[Problem]]:
    """The form with ``changes`` (key → text or value; blank clears) and the problems found.

    Changing the loan type drops the fields the other form does not have.
    """
    target = loan_type or form.loan_type
    problems: list[Problem] = []
    values = {k: v for k, v in form.values.items() if target in BY_KEY[k].types}
    for key, raw in changes.items():
        f = BY_KEY.get(key)
        if f is None or target not in f.types:
            problems.append(Problem("form_unknown_field", {"field": key, "form": target.form_title}))
            continue
        value, problem = parse_value(f, raw)
        if problem is not None:
            problems.append(problem)
        elif value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return LoanForm(target, values), problems
