"""The review workflow through the services: two people, evidence, the lock, versions, the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.loan_form import LoanType
from desktop.services import reviews
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace
from desktop.store import Store
from tests.conftest import PASSWORD
from tests.letters.cases import Case, add_case


@pytest.fixture
def case(workspace: Workspace) -> Case:
    return add_case(workspace)


def code_of(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.code


def actions(path: Path, application_id: int) -> list[str]:
    with Store.open(path, create=False) as store:
        rows = store.conn.execute(
            "SELECT action FROM audit_log WHERE entity = 'application' AND entity_id = ? ORDER BY id",
            (str(application_id),),
        )
        return [r[0] for r in rows]


def test_the_whole_way_with_two_people(workspace: Workspace, approver_ws: Workspace, case: Case,
                                       office_db: Path) -> None:
    assert code_of(reviews.submit, workspace, case.application_id) == "review_evidence_missing"
    submitted = reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    assert submitted.status == "submitted" and submitted.prepared_by == workspace.actor.user_id
    assert submitted.submitted_at and submitted.evidence_contracts and submitted.evidence_wages
    status = reviews.status(approver_ws, case.application_id)
    assert status.result == "pass" and status.decision_id is not None and status.prepared_by == "金经办"
    assert [s.value for s in status.steps] == ["approve", "return"]
    approved = reviews.approve(approver_ws, case.application_id)
    assert approved.status == "approved" and approved.approved_by == approver_ws.actor.user_id
    assert approved.approved_decision_id == status.decision_id and approved.approved_at
    assert actions(office_db, case.application_id) == [
        "application.create", "review.evidence", "decision.create", "review.submit", "review.approve",
    ]


def test_approval_takes_a_backup_first(workspace: Workspace, approver_ws: Workspace, case: Case,
                                       office_db: Path) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    reviews.approve(approver_ws, case.application_id)
    backups = list((office_db.parent / f"{office_db.stem}-backups").glob("*-before-approval.sqlite3"))
    assert len(backups) == 1
    with Store.open(office_db, create=False) as store:
        entry = store.conn.execute("SELECT detail FROM audit_log WHERE action = 'review.approve'").fetchone()[0]
    assert backups[0].name in entry


def test_the_person_who_submitted_cannot_approve(approver_ws: Workspace, office_db: Path) -> None:
    case = add_case(approver_ws)
    reviews.submit(approver_ws, case.application_id, evidence=["contracts", "wages"])
    with pytest.raises(ServiceError) as caught:
        reviews.approve(approver_ws, case.application_id)
    assert caught.value.code == "review_self_approval" and "另一位审核人" in str(caught.value)
    assert reviews.case(approver_ws, case.application_id).status == "submitted"
    assert not (office_db.parent / f"{office_db.stem}-backups").exists()  # refused before the backup
    with sign_in(office_db, "admin", PASSWORD) as admin:
        assert reviews.approve(admin, case.application_id).status == "approved"


def test_a_clerk_cannot_approve_return_or_reopen(workspace: Workspace, case: Case) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    assert code_of(reviews.approve, workspace, case.application_id) == "forbidden"
    assert code_of(reviews.return_for_changes, workspace, case.application_id, "x") == "forbidden"
    assert code_of(reviews.reopen, workspace, case.application_id, "x") == "forbidden"


def test_returning_needs_a_reason_and_unlocks(workspace: Workspace, approver_ws: Workspace, case: Case) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    assert code_of(reviews.return_for_changes, approver_ws, case.application_id, "  ") == "review_reason_required"
    returned = reviews.return_for_changes(approver_ws, case.application_id, "请补充工资发放证明")
    assert returned.status == "returned" and returned.return_reason == "请补充工资发放证明"
    reviews.ensure_editable(workspace, case.application_id)  # editable again
    reviews.save_form(workspace, case.application_id, {"purpose": "购买原材料"})
    again = reviews.submit(workspace, case.application_id)
    assert again.status == "submitted" and again.return_reason == ""


def test_submitted_and_approved_cases_are_locked(workspace: Workspace, approver_ws: Workspace, case: Case) -> None:
    reviews.save_form(workspace, case.application_id, {"legal_representative": "金明"})
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    for ws in (workspace, approver_ws):
        assert code_of(reviews.ensure_editable, ws, case.application_id) == "application_locked"
    assert code_of(reviews.ensure_enterprise_editable, workspace, case.enterprise_id) == "application_locked"
    assert code_of(reviews.save_form, workspace, case.application_id, {"purpose": "x"}) == "application_locked"
    assert code_of(reviews.set_evidence, workspace, case.application_id, contracts=False, wages=False) \
        == "application_locked"
    reviews.approve(approver_ws, case.application_id)
    with pytest.raises(ServiceError) as caught:
        reviews.ensure_editable(workspace, case.application_id)
    assert "已批准" in str(caught.value) and "重新开启" in str(caught.value)
    assert reviews.is_locked(workspace, case.application_id)


def test_reopening_starts_a_new_version(workspace: Workspace, approver_ws: Workspace, case: Case,
                                        office_db: Path) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    reviews.approve(approver_ws, case.application_id)
    assert code_of(reviews.reopen, approver_ws, case.application_id, "") == "review_reason_required"
    reopened = reviews.reopen(approver_ws, case.application_id, "户籍地录入有误")
    assert (reopened.status, reopened.version, reopened.approved_by, reopened.approved_decision_id) == (
        "draft", 2, None, None)
    assert reopened.evidence_contracts  # the ticks stay; the decision of version 1 does not count for version 2
    status = reviews.status(workspace, case.application_id)
    assert status.decision_id is None and status.result is None
    reviews.save_form(workspace, case.application_id, {"purpose": "新版本"})
    resubmitted = reviews.submit(workspace, case.application_id)
    assert resubmitted.version == 2
    assert reviews.status(workspace, case.application_id).decision_id is not None
    assert actions(office_db, case.application_id)[-4:] == [
        "review.reopen", "application.form", "decision.create", "review.submit"]


def test_submitting_keeps_an_unchanged_decision(workspace: Workspace, approver_ws: Workspace, case: Case) -> None:
    from desktop.services.eligibility import decision_history, record_decision

    reviews.set_evidence(workspace, case.application_id, contracts=True, wages=True)
    recorded = record_decision(workspace, case.application_id)
    reviews.submit(workspace, case.application_id)
    assert [d.id for d in decision_history(workspace, case.application_id)] == [recorded.id]
    reviews.return_for_changes(approver_ws, case.application_id, "请核对")
    with workspace.store.transaction():  # the roster changes meanwhile
        workspace.store.conn.execute("UPDATE employments SET active = 0 WHERE id = (SELECT min(id) FROM employments)")
    reviews.submit(workspace, case.application_id)
    history = decision_history(workspace, case.application_id)
    assert len(history) == 2 and history[-1].decision.qualifying_count == recorded.decision.qualifying_count - 1


def test_unknown_evidence_is_refused(workspace: Workspace, case: Case) -> None:
    with pytest.raises(ServiceError) as caught:
        reviews.submit(workspace, case.application_id, evidence=["contracts", "photos"])
    assert caught.value.code == "invalid" and "photos" in str(caught.value)


def test_a_status_that_cannot_be_submitted_writes_nothing(workspace: Workspace, approver_ws: Workspace,
                                                          case: Case, office_db: Path) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    before = actions(office_db, case.application_id)
    assert code_of(reviews.submit, workspace, case.application_id, evidence=["wages"]) == "review_wrong_status"
    assert actions(office_db, case.application_id) == before


def test_a_case_moved_meanwhile_is_not_approved_twice(workspace: Workspace, approver_ws: Workspace, case: Case,
                                                      office_db: Path) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    with sign_in(office_db, "admin", PASSWORD) as admin:
        reviews.approve(admin, case.application_id)
    assert code_of(reviews.approve, approver_ws, case.application_id) == "review_wrong_status"
    assert actions(office_db, case.application_id).count("review.approve") == 1


def test_withdrawing(workspace: Workspace, case: Case) -> None:
    assert code_of(reviews.withdraw, workspace, case.application_id, "") == "review_reason_required"
    assert reviews.withdraw(workspace, case.application_id, "企业不再申请").status == "withdrawn"
    assert code_of(reviews.ensure_editable, workspace, case.application_id) == "application_withdrawn"
    assert code_of(reviews.current_application, workspace, case.uscc) == "no_application"
    new = reviews.new_application(workspace, case.uscc, loan_type=LoanType.FIXED_ASSET, amount_wan=800.0)
    assert new.status == "draft" and new.loan_type == "fixed_asset"
    assert reviews.current_application(workspace, case.uscc).id == new.id
    assert code_of(reviews.new_application, workspace, case.uscc) == "application_open"


def test_the_form(workspace: Workspace, case: Case) -> None:
    form = reviews.form_of(workspace, case.application_id)
    assert form.loan_type is LoanType.WORKING_CAPITAL and form.get("amount_wan") == 500.0  # from the application
    saved = reviews.save_form(workspace, case.application_id, {
        "legal_representative": "金明", "amount_wan": "1200", "term_months": "36", "purpose": "购买原材料",
    })
    assert saved.get("amount_wan") == 1200.0 and reviews.case(workspace, case.application_id).amount_wan == 1200.0
    with pytest.raises(ValidationError) as caught:
        reviews.save_form(workspace, case.application_id, {"term_months": "三年", "colour": "red"})
    assert [p.code for p in caught.value.problems] == ["form_not_a_count", "form_unknown_field"]
    fixed = reviews.save_form(workspace, case.application_id, {"project_name": "冷库"},
                              loan_type=LoanType.FIXED_ASSET)
    assert fixed.loan_type is LoanType.FIXED_ASSET and fixed.get("project_name") == "冷库"
    assert reviews.case(workspace, case.application_id).loan_type == "fixed_asset"
    assert fixed.get("legal_representative") == "金明"


def test_status_history(workspace: Workspace, approver_ws: Workspace, case: Case) -> None:
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    reviews.return_for_changes(approver_ws, case.application_id, "请补充材料")
    data = reviews.status(workspace, case.application_id).to_dict()
    assert data["status"] == "returned" and data["locked"] is False and data["return_reason"] == "请补充材料"
    steps = [(h["action"], h.get("reason")) for h in data["history"]]
    assert ("review.return", "请补充材料") in steps and data["next_steps"] == ["submit", "withdraw"]


def test_the_lock_holds_in_the_other_services(workspace: Workspace, approver_ws: Workspace, case: Case) -> None:
    """Once submitted, the decision, the enterprise's registration and (after approval) overrides stay put."""
    from dataclasses import replace

    from desktop.core.decision import Result
    from desktop.services import eligibility, enterprises
    from desktop.store import eligibility as store_eligibility

    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    assert code_of(eligibility.record_decision, workspace, case.application_id) == "application_locked"
    enterprise = workspace.store.enterprise(case.enterprise_id)
    assert code_of(enterprises.update_enterprise, workspace, enterprise.id,
                   replace(enterprise.draft(), staff_total=enterprise.staff_total + 1)) == "application_locked"
    latest = store_eligibility.latest_decision(approver_ws.store, case.application_id)
    assert latest is not None  # while reviewing, the approver may still decide otherwise
    overridden = eligibility.override_decision(approver_ws, latest.id, Result.FAIL, "现场核查发现职工已离职")
    reviews.return_for_changes(approver_ws, case.application_id, "请按核查结果补充材料")
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    reviews.approve(approver_ws, case.application_id)
    assert code_of(eligibility.override_decision, approver_ws, overridden.id, Result.PASS, "改回") \
        == "application_locked"
