"""A :class:`~desktop.core.decision.Decision` as the JSON kept in the ``decisions`` table, and back.

A decision read back equals the one written, whatever rules are in force now
(schema :data:`~desktop.core.decision.SCHEMA`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any

from desktop.core.decision import (
    SCHEMA, Decision, DuplicateChoice, OtherClaim, Override, PassBy, Result, StandardApplied, StandardKind,
    WorkerFacts, WorkerOutcome, fraction_text, percent_text,
)
from desktop.core.messages import Problem
from desktop.core.size import EnterpriseSize
from desktop.core.workers import ContractType, PriorityGroup

__all__ = ["decision_from_dict", "decision_to_dict"]


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


def decision_to_dict(d: Decision) -> dict[str, Any]:
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


def decision_from_dict(data: Mapping[str, Any]) -> Decision:
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
