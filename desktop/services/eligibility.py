"""Checking an application against the standard, keeping the decision, overriding it.

``check_*`` compute a decision and save nothing; ``record_decision`` keeps one
(with an audit entry, in one transaction); ``override_decision`` keeps a new
decision carrying the approver's result and reason next to the computed one.
Decisions are never rewritten: each is a new row, with the rule-set version
it was made under.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from datetime import date

from desktop.core.decision import Decision, DuplicateChoice, EligibilityError, OtherClaim, Result, apply_override
from desktop.core.decision import WorkerFacts, WorkerOutcome
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, decide
from desktop.core.eligibility_passes import RosterCheck, decide_in_passes
from desktop.core.eligibility_claims import ClaimRow, claims_attacher
from desktop.core.enterprise import Enterprise
from desktop.core.identifiers import mask_id
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.core.policy import RuleSet
from desktop.core.size import MissingIndicatorError, SizeResult, decide_size
from desktop.core.workers import ContractType
from desktop.services import policy as policy_service
from desktop.services.enterprises import find_enterprise
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store import eligibility as store_eligibility
from desktop.store import province as store_province
from desktop.store.db import now_iso
from desktop.store.eligibility import ApplicationRecord, StoredDecision

SERVICE_MESSAGES.update({
    "size_unknown": QT_TRANSLATE_NOOP(
        "service", "企业“{name}”缺少{indicators}，无法按划型标准确定规模；请补填，或手工确定规模并说明理由。"
    ),
    "eligibility_refused": QT_TRANSLATE_NOOP("service", "{message}"),
    "override_needs_account": QT_TRANSLATE_NOOP("service", "改变认定结论须由已登录的审核人操作。"),
    "decision_blocked": QT_TRANSLATE_NOOP("service", "“{name}”的审核结果不能记录：{message}。"),
    "roster_changed": QT_TRANSLATE_NOOP(
        "service", "核查“{name}”期间，另一程序修改了数据库，人员明细与已算出的结论可能不一致；请重新核查。"
    ),
})


def current_rules(ws: Workspace) -> RuleSet:
    """The rules in force for this office: the bundled files with the office's
    paired-area list (``desktop.services.policy``), so an edit gives a new version."""
    return policy_service.office_rules(ws)


def _size(rules: RuleSet, enterprise: Enterprise) -> SizeResult:
    try:
        return decide_size(
            rules.sizes, enterprise.industry, staff=enterprise.staff_total, revenue_wan=enterprise.revenue_wan,
            assets_wan=enterprise.assets_wan, override=enterprise.size_override,
            override_reason=enterprise.size_reason,
        )
    except MissingIndicatorError as exc:
        raise ServiceError("size_unknown", name=enterprise.name, indicators="、".join(
            {"staff": "从业人员", "revenue": "营业收入", "assets": "资产总额"}[i] for i in exc.indicators
        )) from exc


def _previous_choices(ws: Workspace, application_id: int | None) -> dict[str, DuplicateChoice]:
    if application_id is None:
        return {}
    latest = store_eligibility.latest_decision(ws.store, application_id)
    if latest is None:
        return {}
    return {
        w.id_number: w.facts.duplicate_choice
        for w in latest.decision.workers if w.facts.duplicate_choice is not None
    }


def province_claims(ws: Workspace, enterprise_id: int) -> tuple[list[ClaimRow], dict[str, DuplicateChoice]]:
    """On a county: the workers the province found counted by an enterprise elsewhere too, as other
    claims, each with the province's ruling as the answer (counts here, or not)."""
    if ws.office.kind != "county":
        return [], {}
    claims: dict[tuple[str, str], ClaimRow] = {}
    ruled: dict[str, DuplicateChoice] = {}
    for r in store_province.county_rulings_for(ws.store, enterprise_id):  # oldest first: the latest stays
        claims[(r.id_number, r.other_uscc or r.other_enterprise)] = ClaimRow(r.id_number, OtherClaim(
            enterprise_name=r.other_enterprise, uscc=r.other_uscc, office_name=r.other_office,
            contract_type=ContractType.FIXED, contract_start=None, contract_end=None))
        ruled[r.id_number] = DuplicateChoice.COUNT_HERE if r.counts_here else DuplicateChoice.EXCLUDE_HERE
    return list(claims.values()), ruled


def _prepared(
    ws: Workspace, enterprise: Enterprise, rules: RuleSet, choices: Mapping[str, DuplicateChoice],
) -> tuple[EnterpriseFacts, Callable[[WorkerFacts], WorkerFacts]]:
    """The enterprise's facts, and what attaches to each of its workers the other enterprises'
    rows for the person, with the choices in force: the province's ruling, unless the clerk
    answered otherwise."""
    facts = EnterpriseFacts(
        name=enterprise.name, uscc=enterprise.uscc, county_code=enterprise.county_code,
        staff_total=enterprise.staff_total, size=_size(rules, enterprise),
    )
    claims, ruled = province_claims(ws, enterprise.id)
    attach = claims_attacher([*store_eligibility.other_claims(ws.store, enterprise.id), *claims],
                             {**ruled, **choices})
    return facts, attach


def _decide(
    ws: Workspace, enterprise: Enterprise, application: ApplicationFacts, rules: RuleSet,
    choices: Mapping[str, DuplicateChoice],
) -> Decision:
    facts, attach = _prepared(ws, enterprise, rules, choices)
    workers = list(map(attach, store_eligibility.roster(ws.store, enterprise.id)))
    try:
        return decide(rules, facts, application, workers, areas=ws.areas)
    except EligibilityError as exc:
        raise ServiceError("eligibility_refused", message=str(exc)) from exc


class _StoredRoster:
    """The enterprise's roster as :func:`decide_in_passes` reads it, from the office file."""

    def __init__(self, ws: Workspace, enterprise_id: int, attach: Callable[[WorkerFacts], WorkerFacts]) -> None:
        self.store, self.enterprise_id, self.attach = ws.store, enterprise_id, attach

    def ids(self) -> Iterator[tuple[int, str]]:
        return store_eligibility.roster_ids(self.store, self.enterprise_id)

    def rows(self) -> Iterator[WorkerFacts]:
        return map(self.attach, store_eligibility.roster_rows(self.store, self.enterprise_id))

    def rows_by_ref(self, refs: Sequence[int]) -> list[WorkerFacts]:
        return store_eligibility.roster_rows_by_ref(self.store, refs)


def _decide_in_passes(
    ws: Workspace, enterprise: Enterprise, application: ApplicationFacts, rules: RuleSet,
    choices: Mapping[str, DuplicateChoice],
) -> RosterCheck:
    facts, attach = _prepared(ws, enterprise, rules, choices)
    roster = _StoredRoster(ws, enterprise.id, attach)
    try:
        with store_eligibility.reading(ws.store) as version:
            check = decide_in_passes(rules, facts, application, roster, areas=ws.areas)
    except EligibilityError as exc:
        raise ServiceError("eligibility_refused", message=str(exc)) from exc
    if not check.reread:
        return check

    def again() -> Iterator[WorkerOutcome]:
        """Said at once, before a worker is gone through, should the file have changed since."""
        view = ExitStack()
        if view.enter_context(store_eligibility.reading(ws.store)) != version:
            view.close()  # the counts above would not be those of the rows printed
            raise ServiceError("roster_changed", name=enterprise.name)

        def outcomes() -> Iterator[WorkerOutcome]:
            with view:
                yield from check.outcomes()

        return outcomes()

    return RosterCheck(check.decision, check.listed, again)


def _application_facts(record: ApplicationRecord, review_date: date | None) -> ApplicationFacts:
    return ApplicationFacts(
        review_date=review_date or record.review_date or date.today(),
        application_id=record.id, application_version=record.version,
        evidence_contracts=record.evidence_contracts, evidence_wages=record.evidence_wages,
    )


def check_application(
    ws: Workspace, application_id: int, review_date: date | None = None, *,
    choices: Mapping[str, DuplicateChoice] | None = None, rules: RuleSet | None = None,
) -> Decision:
    """The decision as it would be now (nothing saved).

    The review date defaults to the application's, else today. The clerk's
    choices for workers other enterprises also list default to those recorded
    in the application's latest decision; ``choices`` (by ID number) adds to them.
    """
    record = store_eligibility.application(ws.store, application_id)
    merged = {**_previous_choices(ws, application_id), **(choices or {})}
    return _decide(ws, record.enterprise, _application_facts(record, review_date), rules or current_rules(ws),
                   merged)


def check_enterprise(ws: Workspace, uscc: str, review_date: date | None = None) -> Decision:
    """The check of the enterprise's latest application, or of its roster alone when it has none."""
    return _decide(ws, *_enterprise_case(ws, uscc, review_date))


def check_enterprise_in_passes(ws: Workspace, uscc: str, review_date: date | None = None) -> RosterCheck:
    """:func:`check_enterprise` without holding the roster: the counts first, the workers' outcomes
    read again a block at a time as the caller goes through them (``laoxie check`` of a million rows).
    Should another program change the file in between, going through them says so before the first."""
    return _decide_in_passes(ws, *_enterprise_case(ws, uscc, review_date))


def _enterprise_case(
    ws: Workspace, uscc: str, review_date: date | None,
) -> tuple[Enterprise, ApplicationFacts, RuleSet, dict[str, DuplicateChoice]]:
    """What the check of an enterprise decides on: its latest application (with the choices its latest
    decision recorded), else its roster alone."""
    enterprise = find_enterprise(ws, uscc)
    record = store_eligibility.latest_application(ws.store, enterprise.id)
    if record is None:
        return enterprise, ApplicationFacts(review_date or date.today()), current_rules(ws), {}
    return (record.enterprise, _application_facts(record, review_date), current_rules(ws),
            _previous_choices(ws, record.id))


def record_decision(
    ws: Workspace, application_id: int, review_date: date | None = None, *,
    choices: Mapping[str, DuplicateChoice] | None = None, rules: RuleSet | None = None,
) -> StoredDecision:
    """Compute and keep the decision, with an audit entry (the clerk's step before submitting)."""
    ws.require(Permission.SUBMIT_REVIEW)
    from desktop.services.reviews import ensure_editable  # reviews builds on this module

    ensure_editable(ws, application_id)  # a submitted or approved case keeps the decision it had
    record = store_eligibility.application(ws.store, application_id)
    decision = check_application(ws, application_id, review_date, choices=choices, rules=rules)
    if decision.blockers:
        raise ServiceError("decision_blocked", name=record.enterprise.name,
                           message="；".join(p.text() for p in decision.blockers))
    with ws.store.transaction():
        decision_id = store_eligibility.insert_decision(
            ws.store, decision, application_id=record.id, application_version=record.version,
            created_by=ws.actor.user_id,
        )
        ws.audit("decision.create", entity="application", entity_id=record.id, detail={
            "decision_id": decision_id, "ruleset_version": decision.ruleset_version,
            "review_date": decision.review_date.isoformat(), "computed_result": decision.computed_result.value,
            "standard": decision.standard.kind.value, "qualifying_count": decision.qualifying_count,
            "staff_total": decision.staff_total,
            "choices": {mask_id(w.id_number): w.facts.duplicate_choice.value
                        for w in decision.workers if w.facts.duplicate_choice is not None},
        })
    return store_eligibility.decision(ws.store, decision_id)


def override_decision(ws: Workspace, decision_id: int, final_result: Result, reason: str) -> StoredDecision:
    """The approver decides otherwise ("原则上"): a new decision keeping the computed result."""
    ws.require(Permission.APPROVE_REVIEW)
    if ws.actor.user_id is None:
        raise ServiceError("override_needs_account")
    stored = store_eligibility.decision(ws.store, decision_id)
    record = store_eligibility.application(ws.store, stored.application_id)
    from desktop.services.reviews import ensure_overridable

    ensure_overridable(ws, record.id)
    try:
        changed = apply_override(
            stored.decision, Result(final_result), reason, ws.actor.shown_name, approver_id=ws.actor.user_id,
            at=now_iso(),
        )
    except EligibilityError as exc:
        raise ServiceError("eligibility_refused", message=str(exc)) from exc
    with ws.store.transaction():
        new_id = store_eligibility.insert_decision(
            ws.store, changed, application_id=record.id, application_version=record.version,
            created_by=ws.actor.user_id,
        )
        ws.audit("decision.override", entity="application", entity_id=record.id, detail={
            "decision_id": new_id, "replaces": decision_id, "computed_result": changed.computed_result.value,
            "final_result": changed.final_result.value, "reason": changed.override.reason if changed.override else "",
        })
    return store_eligibility.decision(ws.store, new_id)


def decision_history(ws: Workspace, application_id: int) -> list[StoredDecision]:
    return store_eligibility.decisions(ws.store, application_id)
