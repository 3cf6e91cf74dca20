"""What the review screen needs besides checking and recording: pickers, history names, the what-if.

:func:`what_if` recomputes a decision with another staff total or size on the
worker facts the decision already holds, with the core's ``decide``: it reads
and writes nothing, so a clerk can try figures without leaving a trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from desktop.core.decision import Decision, EligibilityError
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, decide
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize, SizeResult
from desktop.services.eligibility import current_rules
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import review as store_review
from desktop.store.eligibility import StoredDecision
from desktop.store.review import ApplicationSummary

__all__ = ["ApplicationSummary", "HistoryEntry", "applications_of", "decision_authors", "what_if"]

STATUS_LABELS: Final = {
    "draft": QT_TRANSLATE_NOOP("review", "草稿"),
    "submitted": QT_TRANSLATE_NOOP("review", "已提交审批"),
    "returned": QT_TRANSLATE_NOOP("review", "已退回"),
    "approved": QT_TRANSLATE_NOOP("review", "已批准"),
    "issued": QT_TRANSLATE_NOOP("review", "已出具确认书"),
    "withdrawn": QT_TRANSLATE_NOOP("review", "已撤回"),
}
LOAN_TYPE_LABELS: Final = {
    "working_capital": QT_TRANSLATE_NOOP("review", "流动资金贷款"),
    "fixed_asset": QT_TRANSLATE_NOOP("review", "固定资产贷款"),
}
WHAT_IF_REASON: Final = QT_TRANSLATE_NOOP("review", "模拟：假设为{size}企业")


@dataclass(frozen=True)
class HistoryEntry:
    """A recorded decision with the name of who recorded it."""

    stored: StoredDecision
    author: str


def applications_of(ws: Workspace, enterprise_id: int) -> list[ApplicationSummary]:
    return store_review.applications_of(ws.store, enterprise_id)


def decision_authors(ws: Workspace, decisions: Iterable[StoredDecision]) -> list[HistoryEntry]:
    decisions = list(decisions)
    names = store_review.user_names(ws.store, (d.created_by for d in decisions if d.created_by is not None))
    return [HistoryEntry(d, names.get(d.created_by, "") if d.created_by is not None else "") for d in decisions]


def what_if(
    ws: Workspace, decision: Decision, *, staff_total: int, size: EnterpriseSize | None = None,
    rules: RuleSet | None = None,
) -> Decision:
    """The decision as it would be with ``staff_total`` and ``size`` (None: the size as registered).

    Uses the worker facts (and the clerk's duplicate choices) held by
    ``decision`` and the office's current rules; nothing is read from or
    written to the database apart from the rules.
    """
    if size is None:
        size_result = SizeResult(size=decision.size, manual=decision.size_manual, reason=decision.size_reason,
                                 standard_id="", steps=decision.size_steps)
    else:
        size_result = SizeResult(size=size, manual=True, reason=WHAT_IF_REASON.format(size=size.label),
                                 standard_id="", steps=())
    enterprise = EnterpriseFacts(
        name=decision.enterprise_name, uscc=decision.uscc, county_code=decision.county_code,
        staff_total=max(0, staff_total), size=size_result,
    )
    application = ApplicationFacts(
        review_date=decision.review_date, application_id=decision.application_id,
        application_version=decision.application_version, evidence_contracts=decision.evidence_contracts,
        evidence_wages=decision.evidence_wages,
    )
    try:
        return decide(rules or current_rules(ws), enterprise, application, [w.facts for w in decision.workers],
                      areas=ws.areas)
    except EligibilityError as exc:
        raise ServiceError("eligibility_refused", message=str(exc)) from exc
