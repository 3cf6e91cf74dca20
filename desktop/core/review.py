"""The review workflow: which step may follow which, and who may take it.

An application moves ``draft → submitted → approved → issued`` (DOMAIN.md 2:
one person prepares, another approves). An approver may return a submitted
case with a reason (``returned``, editable again), reopen an approved or
issued one with a reason (back to ``draft`` as a new version, once its letter
is voided), and void the letter (back to ``approved``; a new letter takes a
new number). ``withdrawn`` ends a case that will not go on.

This module is plain rules over plain facts: :func:`check` answers "may this
person take this step now, and where does it lead?" or raises
:class:`ReviewError` with a stable code and a Chinese message. The services
read the facts inside the transaction that makes the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.office import Role
from desktop.core.permissions import Permission, allowed


class Status(str, Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def locked(self) -> bool:
        """The application's data (roster, enterprise, form, evidence, decisions) may not change."""
        return self in LOCKED


class Step(str, Enum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"
    ISSUE = "issue"
    VOID = "void"
    WITHDRAW = "withdraw"

    @property
    def label(self) -> str:
        return _STEP_LABELS[self]

    @property
    def permission(self) -> Permission:
        return NEEDS[self]


_STATUS_LABELS = {
    Status.DRAFT: QT_TRANSLATE_NOOP("review", "草稿"),
    Status.SUBMITTED: QT_TRANSLATE_NOOP("review", "已提交审批"),
    Status.RETURNED: QT_TRANSLATE_NOOP("review", "已退回"),
    Status.APPROVED: QT_TRANSLATE_NOOP("review", "已批准"),
    Status.ISSUED: QT_TRANSLATE_NOOP("review", "已出具确认书"),
    Status.WITHDRAWN: QT_TRANSLATE_NOOP("review", "已撤回"),
}
_STEP_LABELS = {
    Step.SUBMIT: QT_TRANSLATE_NOOP("review", "提交审批"),
    Step.APPROVE: QT_TRANSLATE_NOOP("review", "批准"),
    Step.RETURN: QT_TRANSLATE_NOOP("review", "退回"),
    Step.REOPEN: QT_TRANSLATE_NOOP("review", "重新开启"),
    Step.ISSUE: QT_TRANSLATE_NOOP("review", "出具确认书"),
    Step.VOID: QT_TRANSLATE_NOOP("review", "作废确认书"),
    Step.WITHDRAW: QT_TRANSLATE_NOOP("review", "撤回申请"),
}

#: Submitted cases wait for the approver; approved and issued ones are final.
LOCKED: Final = frozenset({Status.SUBMITTED, Status.APPROVED, Status.ISSUED})

NEEDS: Final[dict[Step, Permission]] = {
    Step.SUBMIT: Permission.SUBMIT_REVIEW,
    Step.APPROVE: Permission.APPROVE_REVIEW,
    Step.RETURN: Permission.APPROVE_REVIEW,
    Step.REOPEN: Permission.APPROVE_REVIEW,
    Step.ISSUE: Permission.ISSUE_LETTERS,
    Step.VOID: Permission.APPROVE_REVIEW,
    Step.WITHDRAW: Permission.SUBMIT_REVIEW,
}

TRANSITIONS: Final[dict[tuple[Step, Status], Status]] = {
    (Step.SUBMIT, Status.DRAFT): Status.SUBMITTED,
    (Step.SUBMIT, Status.RETURNED): Status.SUBMITTED,
    (Step.APPROVE, Status.SUBMITTED): Status.APPROVED,
    (Step.RETURN, Status.SUBMITTED): Status.RETURNED,
    (Step.REOPEN, Status.APPROVED): Status.DRAFT,
    (Step.REOPEN, Status.ISSUED): Status.DRAFT,
    (Step.ISSUE, Status.APPROVED): Status.ISSUED,
    (Step.VOID, Status.ISSUED): Status.APPROVED,
    (Step.WITHDRAW, Status.DRAFT): Status.WITHDRAWN,
    (Step.WITHDRAW, Status.RETURNED): Status.WITHDRAWN,
}
#: Steps that must say why (kept with the case and in the audit log).
REASON_REQUIRED: Final = frozenset({Step.RETURN, Step.REOPEN, Step.VOID, Step.WITHDRAW})
#: Steps the person who submitted the case may not take (two people review).
SECOND_PERSON: Final = frozenset({Step.APPROVE, Step.RETURN})

MESSAGES.update({
    "review_wrong_status": QT_TRANSLATE_NOOP(
        "problems", "贷款申请当前状态为“{status}”，不能{step}"
    ),
    "review_forbidden": QT_TRANSLATE_NOOP("problems", "{role}无权{step}"),
    "review_needs_account": QT_TRANSLATE_NOOP("problems", "{step}须由已登录的用户操作"),
    "review_reason_required": QT_TRANSLATE_NOOP("problems", "{step}须写明理由"),
    "review_self_approval": QT_TRANSLATE_NOOP(
        "problems", "不能{step}自己提交的申请：须由经办人以外的另一位审核人办理"
    ),
    "review_evidence_missing": QT_TRANSLATE_NOOP(
        "problems", "提交审批前须核对{missing}，并在材料清单中勾选"
    ),
    "review_no_decision": QT_TRANSLATE_NOOP(
        "problems", "本申请第{version}版尚无认定结论，请先核查并记录结论"
    ),
    "review_pending_choices": QT_TRANSLATE_NOOP(
        "problems", "还有{n}名人员同时列在其他企业名册中，须先决定是否在本企业计入"
    ),
    "review_letter_valid": QT_TRANSLATE_NOOP(
        "problems", "确认书{number}仍然有效：须先作废确认书，才能{step}"
    ),
    "review_no_letter": QT_TRANSLATE_NOOP("problems", "本申请没有有效的确认书"),
})
_EVIDENCE_LABELS = {
    "contracts": QT_TRANSLATE_NOOP("review", "劳动合同复印件"),
    "wages": QT_TRANSLATE_NOOP("review", "工资发放证明"),
}
REVIEW_CODES: Final = (
    "review_wrong_status", "review_forbidden", "review_needs_account", "review_reason_required",
    "review_self_approval", "review_evidence_missing", "review_no_decision", "review_pending_choices",
    "review_letter_valid", "review_no_letter",
)


class ReviewError(ValueError):
    """A step the workflow refuses, with a stable code and a Chinese message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = dict(params)
        super().__init__(Problem(code, self.params).text())


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about one application, read in the deciding transaction."""

    status: Status
    version: int
    prepared_by: int | None  # who submitted the current version
    evidence_contracts: bool = False
    evidence_wages: bool = False
    has_decision: bool = False  # a decision is recorded for the current version
    pending_choices: int = 0  # in that decision: workers waiting for the clerk's choice
    valid_letter: str | None = None  # the number of the letter in force, if any


@dataclass(frozen=True)
class Person:
    """Who asks to take the step."""

    user_id: int | None
    role: Role | None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else QT_TRANSLATE_NOOP("review", "未登录的用户")


def missing_evidence(facts: CaseFacts) -> list[str]:
    """The evidence still to tick before submitting (DOMAIN.md 3.3), as Chinese labels."""
    missing = []
    if not facts.evidence_contracts:
        missing.append(_EVIDENCE_LABELS["contracts"])
    if not facts.evidence_wages:
        missing.append(_EVIDENCE_LABELS["wages"])
    return missing


def check(step: Step, facts: CaseFacts, who: Person, *, reason: str = "") -> Status:
    """The status the case moves to, or :class:`ReviewError` saying why not.

    The order of the checks is the order a clerk can act on: the status, the
    right to act, the reason, then what the case still lacks.
    """
    target = TRANSITIONS.get((step, facts.status))
    if target is None:
        raise ReviewError("review_wrong_status", status=facts.status.label, step=step.label)
    if not allowed(who.role, NEEDS[step]):
        raise ReviewError("review_forbidden", role=who.role_label, step=step.label)
    if who.user_id is None:
        raise ReviewError("review_needs_account", step=step.label)
    if step in REASON_REQUIRED and not reason.strip():
        raise ReviewError("review_reason_required", step=step.label)
    if step in SECOND_PERSON and facts.prepared_by is not None and facts.prepared_by == who.user_id:
        raise ReviewError("review_self_approval", step=step.label)
    if step is Step.SUBMIT:
        missing = missing_evidence(facts)
        if missing:
            raise ReviewError("review_evidence_missing", missing="、".join(missing))
    if step in (Step.SUBMIT, Step.APPROVE):
        if not facts.has_decision:
            raise ReviewError("review_no_decision", version=facts.version)
        if facts.pending_choices:
            raise ReviewError("review_pending_choices", n=facts.pending_choices)
    if step is Step.REOPEN and facts.valid_letter:
        raise ReviewError("review_letter_valid", number=facts.valid_letter, step=step.label)
    if step is Step.ISSUE and facts.valid_letter:
        raise ReviewError("review_letter_valid", number=facts.valid_letter, step=step.label)
    if step is Step.VOID and not facts.valid_letter:
        raise ReviewError("review_no_letter")
    return target


def available_steps(facts: CaseFacts, who: Person) -> list[Step]:
    """The steps this person could take now if they gave a reason where one is needed."""
    found = []
    for step in Step:
        try:
            check(step, facts, who, reason="-")
        except ReviewError:
            continue
        found.append(step)
    return found
