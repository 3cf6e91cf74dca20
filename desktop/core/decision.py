"""The decision on an application: one structure that every screen renders.

The review window, the confirmation letter, the batch for the province and
``laoxie check`` all show a :class:`Decision`. It holds what was computed (the
qualifying workers, and for every other worker why not; the staff total and
the share; the standard applied and how its numbers were worked out; pass by
count, by share or both), what was finally decided (an approver may depart
from the rule "原则上", with a written reason), and the explanation as a list
of steps a clerk can read. Steps, reasons and notes are
:class:`~desktop.core.messages.Problem` values (a code and parameters, with
Chinese templates marked for Qt's translation), so a window can show them in
another language and a program can match on the codes.

``to_dict`` / ``from_dict`` give the JSON kept in the ``decisions`` table; a
decision read back equals the one written, whatever rules are in force now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from fractions import Fraction
from functools import lru_cache
from typing import Any, Final

from desktop.core.identifiers import mask_id
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.size import EnterpriseSize
from desktop.core.workers import ContractType, PriorityGroup

SCHEMA: Final = "laoxie.decision/1"


def register_messages(templates: Mapping[str, str]) -> None:
    for code, template in templates.items():
        if MESSAGES.get(code, template) != template:
            raise RuntimeError(f"message code {code!r} is registered twice with different texts")
    MESSAGES.update(templates)


# --------------------------------------------------------------------------
# Words


class Result(str, Enum):
    PASS = "pass"
    FAIL = "fail"

    @property
    def label(self) -> str:
        return _RESULT_LABELS[self]


class StandardKind(str, Enum):
    NORMAL = "normal"
    REDUCED = "reduced"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


class PassBy(str, Enum):
    COUNT = "count"
    SHARE = "share"
    BOTH = "both"

    @property
    def label(self) -> str:
        return _PASS_BY_LABELS[self]


class DuplicateChoice(str, Enum):
    """The clerk's answer for a person another enterprise also lists in an overlapping period."""

    COUNT_HERE = "count_here"
    EXCLUDE_HERE = "exclude_here"

    @property
    def label(self) -> str:
        return _CHOICE_LABELS[self]


_RESULT_LABELS = {
    Result.PASS: QT_TRANSLATE_NOOP("eligibility", "符合认定标准"),
    Result.FAIL: QT_TRANSLATE_NOOP("eligibility", "不符合认定标准"),
}
_KIND_LABELS = {
    StandardKind.NORMAL: QT_TRANSLATE_NOOP("eligibility", "正常标准"),
    StandardKind.REDUCED: QT_TRANSLATE_NOOP("eligibility", "降低标准"),
}
_PASS_BY_LABELS = {
    PassBy.COUNT: QT_TRANSLATE_NOOP("eligibility", "按人数达标"),
    PassBy.SHARE: QT_TRANSLATE_NOOP("eligibility", "按占比达标"),
    PassBy.BOTH: QT_TRANSLATE_NOOP("eligibility", "人数和占比均达标"),
}
_CHOICE_LABELS = {
    DuplicateChoice.COUNT_HERE: QT_TRANSLATE_NOOP("eligibility", "在本企业计入"),
    DuplicateChoice.EXCLUDE_HERE: QT_TRANSLATE_NOOP("eligibility", "不在本企业计入"),
}

# Warnings that keep a decision from being recorded (desktop.core.eligibility_rows.staff_problem).
BLOCKING: Final = frozenset({"block_staff_zero", "block_staff_below_roster"})

# Why a worker is not counted (reasons) and what else the clerk should know (notes).
REASONS: Final = (
    "invalid_id", "too_young", "hukou_unresolved", "not_paired_area", "local_worker", "agreement_expired",
    "agreement_not_started", "contract_dates_missing",
    "contract_too_short", "contract_not_active", "no_paid_month", "duplicate_person", "hukou_excluded",
    "counted_elsewhere_pending", "counted_elsewhere_excluded",
)
register_messages({
    "invalid_id": QT_TRANSLATE_NOOP("problems", "身份证号码无效：{detail}"),
    "too_young": QT_TRANSLATE_NOOP("problems", "劳动合同开始时未满16周岁（{age}岁）"),
    "hukou_unresolved": QT_TRANSLATE_NOOP("problems", "户籍地“{text}”无法确定所在县（市、区），请核对"),
    "not_paired_area": QT_TRANSLATE_NOOP("problems", "户籍地{place}不在劳务协作对口地区名单中"),
    "local_worker": QT_TRANSLATE_NOOP(
        "problems", "户籍地{place}就是企业所在县（市、区），属本地就业，不是劳务协作对口地区劳动者"
    ),
    "agreement_expired": QT_TRANSLATE_NOOP(
        "problems",
        "户籍地{place}与本地签署的劳务协作协议（{reference}，{starts}至{ends}）已于{ends}到期，审核日期{review_date}不在协议期内，不计入对口地区人员"
    ),
    "agreement_not_started": QT_TRANSLATE_NOOP(
        "problems",
        "户籍地{place}与本地签署的劳务协作协议（{reference}）自{starts}起生效，审核日期{review_date}尚未生效，不计入对口地区人员"
    ),
    "contract_dates_missing": QT_TRANSLATE_NOOP("problems", "劳动合同起止日期不全（{contract}）"),
    "contract_too_short": QT_TRANSLATE_NOOP(
        "problems", "劳动合同不足{months}个月：{start}至{end}，至少应到{min_end}"
    ),
    "contract_not_active": QT_TRANSLATE_NOOP(
        "problems", "审核日期{review_date}不在劳动合同期限（{period}）内"
    ),
    "no_paid_month": QT_TRANSLATE_NOOP(
        "problems", "名册所列工资发放月份中，审核日期当月及以前的不足{min}个月"
    ),
    "duplicate_person": QT_TRANSLATE_NOOP("problems", "同一人在名册中出现多次，只计入一次（计入第{first}条）"),
    "counted_elsewhere_pending": QT_TRANSLATE_NOOP(
        "problems", "合同期内同时列在{enterprises}的名册中，待经办人决定是否在本企业计入"
    ),
    "counted_elsewhere_excluded": QT_TRANSLATE_NOOP(
        "problems", "合同期内同时列在{enterprises}的名册中，经办人决定不在本企业计入"
    ),
    # notes
    "counted_elsewhere_kept": QT_TRANSLATE_NOOP(
        "problems", "合同期内同时列在{enterprises}的名册中，经办人决定在本企业计入"
    ),
    "hukou_historical": QT_TRANSLATE_NOOP(
        "problems", "户籍地代码{old_code}（{old_name}）已撤销，按现行{current_code}（{current_name}）认定"
    ),
    "hukou_excluded": QT_TRANSLATE_NOOP(
        "problems", "身份证号码所示地区{id_area}与户籍地{place}不同，经办人决定不计入"
    ),
    "id_area_differs": QT_TRANSLATE_NOOP(
        "problems", "身份证号码所示地区{id_area}与户籍地{place}不同：请核对户口簿，或决定不计入"
    ),
    "id_area_checked": QT_TRANSLATE_NOOP(
        "problems", "身份证号码所示地区{id_area}与户籍地{place}不同，已核对户口簿"
    ),
    "priority_claim_unverified": QT_TRANSLATE_NOOP(
        "problems", "企业申报为{claim}，尚未核实"
    ),
    "priority_claim_differs": QT_TRANSLATE_NOOP(
        "problems", "企业申报为{claim}，经办人核实为{group}"
    ),
    "wage_months_short": QT_TRANSLATE_NOOP(
        "problems", "审核日期前{window}个月（{months}）中有工资发放的只有{found}个月，不足{min}个月，请核实"
    ),
    "wage_under_minimum": QT_TRANSLATE_NOOP(
        "problems", "月工资{wage}元低于当地最低工资标准{minimum}元（第{tier}档），请核实"
    ),
    # the override, shown after the computed steps
    "step_override": QT_TRANSLATE_NOOP(
        "problems", "审核人{by}将结论定为“{final}”（计算结果为“{computed}”），理由：{reason}"
    ),
    "override_reason_required": QT_TRANSLATE_NOOP("problems", "改变计算结论须写明理由"),
    "override_approver_required": QT_TRANSLATE_NOOP("problems", "改变计算结论须写明审核人"),
    "override_same_result": QT_TRANSLATE_NOOP(
        "problems", "计算结论已是“{result}”，无须改变；如需撤销原改动，请清除改动"
    ),
})


class EligibilityError(ValueError):
    """A request the engine refuses, with a stable code and a Chinese message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = dict(params)
        super().__init__(Problem(code, self.params).text())


# --------------------------------------------------------------------------
# Facts going in


@dataclass(frozen=True, slots=True)
class OtherClaim:
    """Another enterprise listing the same person in an overlapping contract period."""

    enterprise_name: str
    uscc: str
    office_name: str
    contract_type: ContractType
    contract_start: date | None
    contract_end: date | None


@dataclass(frozen=True, slots=True)
class WorkerFacts:
    """One row of an enterprise's roster, as the engine needs it."""

    id_number: str  # as stored or typed; the engine normalises and checks it
    name: str
    hukou_code: str | None  # resolved county code of 户籍地; None when it could not be resolved
    contract_type: ContractType
    contract_start: date | None
    contract_end: date | None
    hukou_text: str = ""  # 户籍地 as written
    paid_months: tuple[str, ...] | None = None  # "YYYY-MM"; None: the roster has no such column
    priority_group: PriorityGroup | None = None  # verified by the clerk (with an evidence reference)
    monthly_wage: float | None = None
    ref: int | None = None  # the employment row, for the window to link back
    other_claims: tuple[OtherClaim, ...] = ()
    duplicate_choice: DuplicateChoice | None = None
    priority_claim: PriorityGroup | None = None  # as the enterprise wrote it on the roster (企业申报)
    social_insurance: bool | None = None  # 参保 as the roster says; None: not stated
    hukou_check: str | None = None  # where the ID's area differs: "checked" (已核对户口簿), "excluded", None


# --------------------------------------------------------------------------
# The decision


@dataclass(frozen=True, slots=True)
class WorkerOutcome:
    facts: WorkerFacts
    id_number: str  # normalised (18 characters) when valid, else as given
    id_valid: bool
    hukou_name: str  # the county's name when resolved, else the text as written
    counted: bool
    reasons: tuple[Problem, ...]  # why not counted (empty when counted)
    notes: tuple[Problem, ...]  # worth knowing, whether counted or not

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)


@dataclass(frozen=True)
class StandardApplied:
    """The standard the result was measured against, and how its numbers came about."""

    kind: StandardKind
    size: EnterpriseSize
    base_count: int  # the normal standard for the size
    base_share: Fraction
    count_required: int  # what was applied (lowered and rounded up when reduced)
    share_required: Fraction
    reduced_available: bool  # the trigger was met
    trigger: str  # the rule's trigger code (desktop.core.policy.TRIGGERS)
    factor: Fraction
    floor: Fraction
    count_working: str  # e.g. "5 × 0.5 = 2.5，向上取整为 3 人"; "" for the normal standard
    share_working: str  # e.g. "15% × 0.5 = 7.5%"; "" for the normal standard


@dataclass(frozen=True)
class Override:
    """An approver's departure from the computed result ("原则上")."""

    final_result: Result
    reason: str
    by: str  # the approver's name as shown
    by_user_id: int | None = None
    at: str = ""  # when, ISO 8601, as the caller recorded it


@dataclass(frozen=True)
class Decision:
    ruleset_version: str
    review_date: date
    enterprise_name: str
    uscc: str
    county_code: str
    application_id: int | None
    application_version: int | None
    size: EnterpriseSize
    size_manual: bool
    size_reason: str
    size_steps: tuple[str, ...]
    staff_total: int
    qualifying_count: int
    share: Fraction | None  # None when the staff total is 0
    standard: StandardApplied
    count_met: bool
    share_met: bool
    pass_by: PassBy | None
    computed_result: Result
    final_result: Result
    override: Override | None
    priority_counts: tuple[tuple[PriorityGroup, int], ...]  # counted workers by group, as counted for the standard
    pending_choices: int  # workers waiting for the clerk's choice (counted elsewhere)
    evidence_contracts: bool
    evidence_wages: bool
    workers: tuple[WorkerOutcome, ...]
    steps: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    # Counted workers the enterprise claimed as priority groups, and those the clerk verified;
    # None in decisions recorded before claims and verification were kept apart.
    priority_claimed: int | None = None
    priority_verified: int | None = None
    unverified_claims_count: bool = False  # the rule in force: unverified claims counted too

    @property
    def blockers(self) -> tuple[Problem, ...]:
        """What keeps this decision from being recorded (a staff total that cannot be right)."""
        return tuple(w for w in self.warnings if w.code in BLOCKING)

    @property
    def priority_workers(self) -> int:
        return sum(count for _, count in self.priority_counts)

    @property
    def priority_borrower(self) -> bool:
        """优先放贷支持对象: meets the standard (as finally decided) and hires priority groups."""
        return self.final_result is Result.PASS and self.priority_workers > 0

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def counted_workers(self) -> tuple[WorkerOutcome, ...]:
        return tuple(w for w in self.workers if w.counted)

    def explanation(self) -> list[str]:
        """The steps as Chinese sentences, the approver's decision last."""
        lines = [step.text() for step in self.steps]
        if self.override is not None:
            lines.append(override_step(self).text())
        return lines

    def to_dict(self) -> dict[str, Any]:
        return _to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        return _from_dict(data)


def override_step(decision: Decision) -> Problem:
    assert decision.override is not None
    return Problem("step_override", {
        "by": decision.override.by, "final": decision.override.final_result.label,
        "computed": decision.computed_result.label, "reason": decision.override.reason,
    })


def apply_override(
    decision: Decision, final_result: Result, reason: str, approver: str, *,
    approver_id: int | None = None, at: str = "",
) -> Decision:
    """The decision with the approver's result; the computed result stays as it was.

    A blank reason or approver is refused, and so is "overriding" to the
    computed result (use :func:`clear_override` to undo an override).
    """
    reason, approver = reason.strip(), approver.strip()
    if not reason:
        raise EligibilityError("override_reason_required")
    if not approver:
        raise EligibilityError("override_approver_required")
    final_result = Result(final_result)
    if final_result is decision.computed_result:
        raise EligibilityError("override_same_result", result=final_result.label)
    return replace(
        decision, final_result=final_result,
        override=Override(final_result, reason, approver, approver_id, at),
    )


def clear_override(decision: Decision) -> Decision:
    return replace(decision, final_result=decision.computed_result, override=None)


# --------------------------------------------------------------------------
# JSON


def fraction_text(value: Fraction) -> str:
    return str(value)


@lru_cache(maxsize=4096)
def percent_text(value: Fraction) -> str:
    """15%, 7.5%, 33.33% (rounded to 2 places when not exact)."""
    return _decimal(value.numerator * 100, value.denominator) + "%"


@lru_cache(maxsize=4096)
def decimal_text(value: Fraction) -> str:
    """An exact decimal when it has at most 4 places, else rounded to 2 places with ≈."""
    return _decimal(value.numerator, value.denominator)


def _decimal(numerator: int, denominator: int) -> str:
    for places in range(5):
        scaled, remainder = divmod(numerator * 10**places, denominator)
        if not remainder:
            text = f"{abs(scaled):0{places + 1}d}"
            whole, frac = text[: len(text) - places], text[len(text) - places:]
            sign = "-" if numerator < 0 else ""
            return sign + whole + ("." + frac if frac else "")
    return "≈" + f"{numerator / denominator:.2f}"


def _problem(p: Problem) -> dict[str, Any]:
    return {"code": p.code, "params": dict(p.params), "text": p.text()}


def _problems(raw: Any) -> tuple[Problem, ...]:
    return tuple(Problem(item["code"], dict(item["params"])) for item in raw)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _read_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _claim_dict(c: OtherClaim) -> dict[str, Any]:
    return {
        "enterprise_name": c.enterprise_name, "uscc": c.uscc, "office_name": c.office_name,
        "contract_type": c.contract_type.value, "contract_start": _day(c.contract_start),
        "contract_end": _day(c.contract_end),
    }


def _worker_dict(w: WorkerOutcome) -> dict[str, Any]:
    f = w.facts
    return {
        "ref": f.ref, "id_number": w.id_number, "id_valid": w.id_valid, "id_as_given": f.id_number,
        "name": f.name, "hukou_text": f.hukou_text, "hukou_code": f.hukou_code, "hukou_name": w.hukou_name,
        "contract_type": f.contract_type.value, "contract_start": _day(f.contract_start),
        "contract_end": _day(f.contract_end),
        "paid_months": list(f.paid_months) if f.paid_months is not None else None,
        "priority_group": f.priority_group.value if f.priority_group else None,
        "priority_claim": f.priority_claim.value if f.priority_claim else None,
        "social_insurance": f.social_insurance,
        "hukou_check": f.hukou_check,
        "monthly_wage": f.monthly_wage,
        "counted": w.counted, "reasons": [_problem(p) for p in w.reasons], "notes": [_problem(p) for p in w.notes],
        "other_claims": [_claim_dict(c) for c in f.other_claims],
        "duplicate_choice": f.duplicate_choice.value if f.duplicate_choice else None,
    }


def _worker_from(d: Mapping[str, Any]) -> WorkerOutcome:
    facts = WorkerFacts(
        id_number=d["id_as_given"], name=d["name"], hukou_code=d["hukou_code"],
        contract_type=ContractType(d["contract_type"]), contract_start=_read_day(d["contract_start"]),
        contract_end=_read_day(d["contract_end"]), hukou_text=d["hukou_text"],
        paid_months=tuple(d["paid_months"]) if d["paid_months"] is not None else None,
        priority_group=PriorityGroup(d["priority_group"]) if d["priority_group"] else None,
        priority_claim=PriorityGroup(d["priority_claim"]) if d.get("priority_claim") else None,
        social_insurance=d.get("social_insurance"),
        hukou_check=d.get("hukou_check"),
        monthly_wage=d["monthly_wage"], ref=d["ref"],
        other_claims=tuple(
            OtherClaim(
                enterprise_name=c["enterprise_name"], uscc=c["uscc"], office_name=c["office_name"],
                contract_type=ContractType(c["contract_type"]), contract_start=_read_day(c["contract_start"]),
                contract_end=_read_day(c["contract_end"]),
            )
            for c in d["other_claims"]
        ),
        duplicate_choice=DuplicateChoice(d["duplicate_choice"]) if d["duplicate_choice"] else None,
    )
    return WorkerOutcome(
        facts=facts, id_number=d["id_number"], id_valid=d["id_valid"], hukou_name=d["hukou_name"],
        counted=d["counted"], reasons=_problems(d["reasons"]), notes=_problems(d["notes"]),
    )


def _to_dict(d: Decision) -> dict[str, Any]:
    s = d.standard
    override = d.override
    return {
        "schema": SCHEMA,
        "ruleset_version": d.ruleset_version,
        "review_date": d.review_date.isoformat(),
        "application": {"id": d.application_id, "version": d.application_version},
        "enterprise": {"name": d.enterprise_name, "uscc": d.uscc, "county_code": d.county_code},
        "size": {
            "value": d.size.value, "label": d.size.label, "manual": d.size_manual, "reason": d.size_reason,
            "steps": list(d.size_steps),
        },
        "staff_total": d.staff_total,
        "qualifying_count": d.qualifying_count,
        "share": fraction_text(d.share) if d.share is not None else None,
        "share_percent": percent_text(d.share) if d.share is not None else None,
        "standard": {
            "kind": s.kind.value, "label": s.kind.label, "size": s.size.value,
            "base_count": s.base_count, "base_share": fraction_text(s.base_share),
            "count_required": s.count_required, "share_required": fraction_text(s.share_required),
            "share_required_percent": percent_text(s.share_required),
            "reduced_available": s.reduced_available, "trigger": s.trigger,
            "factor": fraction_text(s.factor), "floor": fraction_text(s.floor),
            "count_working": s.count_working, "share_working": s.share_working,
        },
        "count_met": d.count_met,
        "share_met": d.share_met,
        "pass_by": d.pass_by.value if d.pass_by else None,
        "computed_result": d.computed_result.value,
        "final_result": d.final_result.value,
        "override": None if override is None else {
            "final_result": override.final_result.value, "reason": override.reason, "by": override.by,
            "by_user_id": override.by_user_id, "at": override.at,
        },
        "priority_borrower": d.priority_borrower,
        "priority_counts": {group.value: count for group, count in d.priority_counts},
        "priority_claims": {
            "claimed": d.priority_claimed, "verified": d.priority_verified,
            "unverified_count": d.unverified_claims_count,
        },
        "pending_choices": d.pending_choices,
        "evidence": {"contracts": d.evidence_contracts, "wages": d.evidence_wages},
        "workers": [_worker_dict(w) for w in d.workers],
        "steps": [_problem(p) for p in d.steps],
        "warnings": [_problem(p) for p in d.warnings],
        "explanation": d.explanation(),
    }


def _from_dict(data: Mapping[str, Any]) -> Decision:
    if data.get("schema") != SCHEMA:
        raise ValueError(f"not a decision of schema {SCHEMA}: {data.get('schema')!r}")
    s = data["standard"]
    o = data["override"]
    return Decision(
        ruleset_version=data["ruleset_version"],
        review_date=date.fromisoformat(data["review_date"]),
        enterprise_name=data["enterprise"]["name"],
        uscc=data["enterprise"]["uscc"],
        county_code=data["enterprise"]["county_code"],
        application_id=data["application"]["id"],
        application_version=data["application"]["version"],
        size=EnterpriseSize(data["size"]["value"]),
        size_manual=data["size"]["manual"],
        size_reason=data["size"]["reason"],
        size_steps=tuple(data["size"]["steps"]),
        staff_total=data["staff_total"],
        qualifying_count=data["qualifying_count"],
        share=Fraction(data["share"]) if data["share"] is not None else None,
        standard=StandardApplied(
            kind=StandardKind(s["kind"]), size=EnterpriseSize(s["size"]), base_count=s["base_count"],
            base_share=Fraction(s["base_share"]), count_required=s["count_required"],
            share_required=Fraction(s["share_required"]), reduced_available=s["reduced_available"],
            trigger=s["trigger"], factor=Fraction(s["factor"]), floor=Fraction(s["floor"]),
            count_working=s["count_working"], share_working=s["share_working"],
        ),
        count_met=data["count_met"],
        share_met=data["share_met"],
        pass_by=PassBy(data["pass_by"]) if data["pass_by"] else None,
        computed_result=Result(data["computed_result"]),
        final_result=Result(data["final_result"]),
        override=None if o is None else Override(
            final_result=Result(o["final_result"]), reason=o["reason"], by=o["by"],
            by_user_id=o["by_user_id"], at=o["at"],
        ),
        priority_counts=tuple((PriorityGroup(k), v) for k, v in data["priority_counts"].items()),
        priority_claimed=data.get("priority_claims", {}).get("claimed"),
        priority_verified=data.get("priority_claims", {}).get("verified"),
        unverified_claims_count=bool(data.get("priority_claims", {}).get("unverified_count", False)),
        pending_choices=data["pending_choices"],
        evidence_contracts=data["evidence"]["contracts"],
        evidence_wages=data["evidence"]["wages"],
        workers=tuple(_worker_from(w) for w in data["workers"]),
        steps=_problems(data["steps"]),
        warnings=_problems(data["warnings"]),
    )
