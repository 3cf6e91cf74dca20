"""The review workflow's rules: every step from every status by every role, then each refusal."""

from __future__ import annotations

import itertools

import pytest

from desktop.core.office import Role
from desktop.core.review import (
    LOCKED, CaseFacts, Person, ReviewError, Status, Step, available_steps, check, missing_evidence,
)

# Written out by hand (not taken from the module): where each step may go.
EXPECTED = {
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
MAY = {
    Step.SUBMIT: {Role.CLERK, Role.APPROVER, Role.ADMIN},
    Step.APPROVE: {Role.APPROVER, Role.ADMIN},
    Step.RETURN: {Role.APPROVER, Role.ADMIN},
    Step.REOPEN: {Role.APPROVER, Role.ADMIN},
    Step.ISSUE: {Role.CLERK, Role.APPROVER, Role.ADMIN},
    Step.VOID: {Role.APPROVER, Role.ADMIN},
    Step.WITHDRAW: {Role.CLERK, Role.APPROVER, Role.ADMIN},
}
CLERK_ID, APPROVER_ID = 2, 3


def facts(status: Status, **changes: object) -> CaseFacts:
    """A complete case: evidence ticked, a decision for this version, a letter in force when issued."""
    values: dict[str, object] = {
        "status": status, "version": 1, "prepared_by": CLERK_ID, "evidence_contracts": True,
        "evidence_wages": True, "has_decision": True, "pending_choices": 0,
        "valid_letter": "延吉人社劳协确〔2026〕1号" if status is Status.ISSUED else None,
    }
    values.update(changes)
    return CaseFacts(**values)  # type: ignore[arg-type]


def refusal(step: Step, case: CaseFacts, who: Person, reason: str = "理由") -> str:
    with pytest.raises(ReviewError) as caught:
        check(step, case, who, reason=reason)
    return caught.value.code


@pytest.mark.parametrize(("step", "status", "role"), list(itertools.product(Step, Status, Role)))
def test_every_step_from_every_status_by_every_role(step: Step, status: Status, role: Role) -> None:
    who = Person(APPROVER_ID, role)  # not the person who submitted
    case = facts(status, valid_letter=None) if step is Step.REOPEN else facts(status)  # voided before reopening
    if (step, status) not in EXPECTED:
        assert refusal(step, case, who) == "review_wrong_status"
    elif role not in MAY[step]:
        assert refusal(step, case, who) == "review_forbidden"
    else:
        assert check(step, case, who, reason="理由") is EXPECTED[(step, status)]


@pytest.mark.parametrize("step", list(Step))
def test_nobody_signed_in_may_take_any_step(step: Step) -> None:
    for (s, status), _ in EXPECTED.items():
        if s is step:
            assert refusal(step, facts(status), Person(None, Role.ADMIN)) == "review_needs_account"
            assert refusal(step, facts(status), Person(None, None)) == "review_forbidden"


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ADMIN])
@pytest.mark.parametrize("step", [Step.APPROVE, Step.RETURN])
def test_the_person_who_submitted_may_not_approve_or_return(role: Role, step: Step) -> None:
    case = facts(Status.SUBMITTED, prepared_by=APPROVER_ID)
    with pytest.raises(ReviewError) as caught:
        check(step, case, Person(APPROVER_ID, role), reason="理由")
    assert caught.value.code == "review_self_approval"
    assert "另一位审核人" in str(caught.value)
    assert check(step, case, Person(APPROVER_ID + 1, role), reason="理由") in (Status.APPROVED, Status.RETURNED)


@pytest.mark.parametrize(("step", "status"), [
    (Step.RETURN, Status.SUBMITTED), (Step.REOPEN, Status.APPROVED), (Step.VOID, Status.ISSUED),
    (Step.WITHDRAW, Status.DRAFT),
])
@pytest.mark.parametrize("reason", ["", "   ", "\u3000\n"])
def test_steps_that_need_a_reason(step: Step, status: Status, reason: str) -> None:
    assert refusal(step, facts(status), Person(APPROVER_ID, Role.APPROVER), reason) == "review_reason_required"


def test_approve_and_submit_need_no_reason() -> None:
    who = Person(APPROVER_ID, Role.APPROVER)
    assert check(Step.APPROVE, facts(Status.SUBMITTED), who) is Status.APPROVED
    assert check(Step.SUBMIT, facts(Status.DRAFT), Person(CLERK_ID, Role.CLERK)) is Status.SUBMITTED


@pytest.mark.parametrize(("contracts", "wages", "missing"), [
    (False, False, "劳动合同复印件、工资发放证明"), (True, False, "工资发放证明"), (False, True, "劳动合同复印件"),
])
def test_the_evidence_checklist_gates_submitting(contracts: bool, wages: bool, missing: str) -> None:
    case = facts(Status.DRAFT, evidence_contracts=contracts, evidence_wages=wages)
    with pytest.raises(ReviewError) as caught:
        check(Step.SUBMIT, case, Person(CLERK_ID, Role.CLERK))
    assert caught.value.code == "review_evidence_missing" and missing in str(caught.value)
    assert "、".join(missing_evidence(case)) == missing


def test_a_decision_for_the_current_version_is_needed_to_submit_and_approve() -> None:
    assert refusal(Step.SUBMIT, facts(Status.DRAFT, has_decision=False), Person(CLERK_ID, Role.CLERK)) \
        == "review_no_decision"
    case = facts(Status.SUBMITTED, has_decision=False, version=2)
    with pytest.raises(ReviewError) as caught:
        check(Step.APPROVE, case, Person(APPROVER_ID, Role.APPROVER))
    assert caught.value.code == "review_no_decision" and "第2版" in str(caught.value)


def test_open_duplicate_choices_block_submitting_and_approving() -> None:
    assert refusal(Step.SUBMIT, facts(Status.DRAFT, pending_choices=2), Person(CLERK_ID, Role.CLERK)) \
        == "review_pending_choices"
    assert refusal(Step.APPROVE, facts(Status.SUBMITTED, pending_choices=1), Person(APPROVER_ID, Role.APPROVER)) \
        == "review_pending_choices"


def test_letters_in_force() -> None:
    approver = Person(APPROVER_ID, Role.APPROVER)
    # an issued case is reopened only once its letter is voided
    with pytest.raises(ReviewError) as caught:
        check(Step.REOPEN, facts(Status.ISSUED), approver, reason="改正户籍地")
    assert caught.value.code == "review_letter_valid" and "〔2026〕1号" in str(caught.value)
    assert check(Step.REOPEN, facts(Status.ISSUED, valid_letter=None), approver, reason="改正") is Status.DRAFT
    # one letter in force at a time; voiding needs one
    assert refusal(Step.ISSUE, facts(Status.APPROVED, valid_letter="X"), approver) == "review_letter_valid"
    assert refusal(Step.VOID, facts(Status.ISSUED, valid_letter=None), approver) == "review_no_letter"


def test_locked_statuses() -> None:
    assert LOCKED == {Status.SUBMITTED, Status.APPROVED, Status.ISSUED}
    assert [s for s in Status if s.locked] == [Status.SUBMITTED, Status.APPROVED, Status.ISSUED]
    assert not Status.DRAFT.locked and not Status.RETURNED.locked


def test_available_steps() -> None:
    clerk, approver = Person(CLERK_ID, Role.CLERK), Person(APPROVER_ID, Role.APPROVER)
    assert available_steps(facts(Status.DRAFT), clerk) == [Step.SUBMIT, Step.WITHDRAW]
    assert available_steps(facts(Status.SUBMITTED), clerk) == []
    assert available_steps(facts(Status.SUBMITTED), approver) == [Step.APPROVE, Step.RETURN]
    assert available_steps(facts(Status.SUBMITTED, prepared_by=APPROVER_ID), approver) == []
    assert available_steps(facts(Status.APPROVED), clerk) == [Step.ISSUE]
    assert available_steps(facts(Status.ISSUED), approver) == [Step.VOID]
    assert available_steps(facts(Status.WITHDRAWN), approver) == []


def test_labels_are_chinese() -> None:
    assert [s.label for s in Status] == ["草稿", "已提交审批", "已退回", "已批准", "已出具确认书", "已撤回"]
    assert Step.RETURN.label == "退回" and Step.VOID.label == "作废确认书"
