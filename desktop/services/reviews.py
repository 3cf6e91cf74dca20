"""The review workflow as the office runs it: submit, approve or return, reopen, withdraw.

The rules are in :mod:`desktop.core.review`; here each step checks the
signed-in user's permission, reads the case inside the transaction that
changes it (BEGIN IMMEDIATE: two windows cannot both approve), applies the
rule, and writes the change with its audit entry. Approving takes a verified
backup first (``before-approval``).

Once a case is submitted its data is locked: :func:`ensure_editable` and
:func:`ensure_enterprise_editable` are what other services call before they
change an application, its enterprise, its roster or its decisions. An
approver returns a submitted case to unlock it, or reopens an approved one
(with a reason, as a new version).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from desktop.core.loan_form import LoanForm, LoanType, apply_changes, read_form
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.core.review import (
    REVIEW_CODES, CaseFacts, Person, ReviewError, Status, Step, available_steps, check, missing_evidence,
)
from desktop.services import eligibility as eligibility_service
from desktop.services.audit import ACTION_LABELS
from desktop.services.backups import make_backup
from desktop.services.enterprises import find_enterprise
from desktop.services.errors import SERVICE_MESSAGES, ServiceError, ValidationError
from desktop.services.workspace import Workspace
from desktop.store import letters as store_letters
from desktop.store import reviews as store_reviews
from desktop.store.db import now_iso
from desktop.store.eligibility import StoredDecision
from desktop.store.eligibility import decision as stored_decision
from desktop.store.reviews import CaseRow

SERVICE_MESSAGES.update({code: MESSAGES[code] for code in REVIEW_CODES})
SERVICE_MESSAGES.update({
    "no_application": QT_TRANSLATE_NOOP(
        "service", "企业“{name}”（{uscc}）没有进行中的贷款申请，请先登记贷款申请。"
    ),
    "application_open": QT_TRANSLATE_NOOP(
        "service", "企业“{name}”已有进行中的贷款申请（第{id}号，{status}），不能再登记一份。"
    ),
    "application_locked": QT_TRANSLATE_NOOP(
        "service", "贷款申请第{id}号{status}，数据已锁定，不能修改。{hint}"
    ),
    "application_withdrawn": QT_TRANSLATE_NOOP("service", "贷款申请第{id}号已撤回，不能再修改。"),
    "changed_meanwhile_case": QT_TRANSLATE_NOOP(
        "service", "贷款申请已被他人处理（现为“{status}”），请刷新后重试。"
    ),
})
_LOCK_HINTS = {
    Status.SUBMITTED: QT_TRANSLATE_NOOP("service", "如需修改，请审核人退回。"),
    Status.APPROVED: QT_TRANSLATE_NOOP(
        "service", "如需修改，须由审核人重新开启（写明理由），修改将作为新版本。"
    ),
    Status.ISSUED: QT_TRANSLATE_NOOP(
        "service", "如需修改，须先作废确认书，再由审核人重新开启（写明理由），修改将作为新版本。"
    ),
}
ACTION_LABELS.update({
    "application.create": QT_TRANSLATE_NOOP("audit", "登记贷款申请"),
    "application.form": QT_TRANSLATE_NOOP("audit", "填写贷款申请表"),
    "review.evidence": QT_TRANSLATE_NOOP("audit", "勾选审核材料"),
    "review.submit": QT_TRANSLATE_NOOP("audit", "提交审批"),
    "review.approve": QT_TRANSLATE_NOOP("audit", "批准"),
    "review.return": QT_TRANSLATE_NOOP("audit", "退回"),
    "review.reopen": QT_TRANSLATE_NOOP("audit", "重新开启"),
    "review.withdraw": QT_TRANSLATE_NOOP("audit", "撤回申请"),
})


def refused(exc: ReviewError) -> ServiceError:
    return ServiceError(exc.code, **exc.params)


def person(ws: Workspace) -> Person:
    return Person(ws.actor.user_id, ws.actor.role)


# -- finding the case ---------------------------------------------------------


def current_application(ws: Workspace, uscc: str) -> CaseRow:
    """The enterprise's application in progress: its newest one that is not withdrawn."""
    enterprise = find_enterprise(ws, uscc)
    row = store_reviews.current_case(ws.store, enterprise.id)
    if row is None:
        raise ServiceError("no_application", name=enterprise.name, uscc=enterprise.uscc)
    return row


def case(ws: Workspace, application_id: int) -> CaseRow:
    return store_reviews.case(ws.store, application_id)


def awaiting_approval(ws: Workspace) -> list[CaseRow]:
    """The cases submitted for approval that this user may approve (not those they submitted), in
    the order of the applications; none for a user who approves nothing."""
    if not ws.can(Permission.APPROVE_REVIEW):
        return []
    return [row for row in store_reviews.cases_in_status(ws.store, ws.office.id, (Status.SUBMITTED.value,))
            if row.prepared_by != ws.actor.user_id]


def case_facts(ws: Workspace, row: CaseRow) -> CaseFacts:
    found = store_reviews.decision_for_version(ws.store, row.id, row.version)
    letter = store_letters.in_force(ws.store, row.id)
    return CaseFacts(
        status=Status(row.status), version=row.version, prepared_by=row.prepared_by,
        evidence_contracts=row.evidence_contracts, evidence_wages=row.evidence_wages,
        has_decision=found is not None, pending_choices=found[1] if found else 0,
        valid_letter=letter.number if letter else None,
    )


# -- the lock -------------------------------------------------------------------


def ensure_editable(ws: Workspace, application_id: int) -> None:
    """Refuse when the application's data may not change (submitted, approved, issued, withdrawn)."""
    _refuse_if_locked(store_reviews.case(ws.store, application_id))


def ensure_enterprise_editable(ws: Workspace, enterprise_id: int) -> None:
    """Refuse when the enterprise's application in progress is locked: its roster and
    registration are the facts the approved decision rests on."""
    row = store_reviews.current_case(ws.store, enterprise_id)
    if row is not None:
        _refuse_if_locked(row)


def ensure_overridable(ws: Workspace, application_id: int) -> None:
    """The approver may depart from the computed result ("原则上") while reviewing: on a draft,
    returned or submitted case, never once it is approved, issued or withdrawn."""
    row = store_reviews.case(ws.store, application_id)
    if Status(row.status) in (Status.APPROVED, Status.ISSUED, Status.WITHDRAWN):
        _refuse_if_locked(row)


def is_locked(ws: Workspace, application_id: int) -> bool:
    return Status(store_reviews.case(ws.store, application_id).status).locked


def _refuse_if_locked(row: CaseRow) -> None:
    status = Status(row.status)
    if status is Status.WITHDRAWN:
        raise ServiceError("application_withdrawn", id=row.id)
    if status.locked:
        raise ServiceError("application_locked", id=row.id, status=status.label, hint=_LOCK_HINTS[status])


# -- applications and evidence -----------------------------------------------------


def new_application(ws: Workspace, uscc: str, *, loan_type: LoanType = LoanType.WORKING_CAPITAL,
                    amount_wan: float | None = None, applied_on: date | None = None,
                    form_fields: Mapping[str, object] | None = None) -> CaseRow:
    """Register a loan application; an enterprise has one in progress at a time.

    ``form_fields``: the form's fields filled in at once (key → text or value), checked
    before anything is written and stored in the same transaction (the window's 登记贷款申请).
    """
    ws.require(Permission.SUBMIT_REVIEW)
    enterprise = find_enterprise(ws, uscc)
    form: LoanForm | None = None
    if form_fields:
        form, problems = apply_changes(LoanForm(loan_type, {}), form_fields)
        if problems:
            raise ValidationError(problems)
        if form.get("amount_wan") is not None:
            amount_wan = float(form.get("amount_wan"))
    with ws.store.transaction():
        current = store_reviews.current_case(ws.store, enterprise.id)
        if current is not None and current.status != Status.ISSUED.value:
            raise ServiceError("application_open", name=enterprise.name, id=current.id,
                               status=Status(current.status).label)
        app_id = ws.store.insert_application(
            enterprise.id, loan_type=loan_type.value, amount_wan=amount_wan,
            applied_on=applied_on.isoformat() if applied_on else None,
        )
        if form is not None:
            store_reviews.set_form(ws.store, app_id, loan_type=loan_type.value, form=form.to_dict(),
                                   amount_wan=amount_wan)
        ws.audit("application.create", entity="application", entity_id=app_id,
                 detail={"uscc": enterprise.uscc, "loan_type": loan_type.value, "amount_wan": amount_wan,
                         **({"fields": sorted(form_fields)} if form_fields else {})})
    return store_reviews.case(ws.store, app_id)


def set_evidence(ws: Workspace, application_id: int, *, contracts: bool, wages: bool) -> CaseRow:
    """The clerk's ticks: copies of the labour contracts and the wage records were checked (DOMAIN 3.3)."""
    ws.require(Permission.SUBMIT_REVIEW)
    with ws.store.transaction():
        row = store_reviews.case(ws.store, application_id)
        _refuse_if_locked(row)
        if (row.evidence_contracts, row.evidence_wages) != (contracts, wages):
            store_reviews.set_evidence(ws.store, row.id, contracts=contracts, wages=wages)
            ws.audit("review.evidence", entity="application", entity_id=row.id,
                     detail={"contracts": contracts, "wages": wages})
    return store_reviews.case(ws.store, application_id)


# -- the steps -------------------------------------------------------------------


def _take(ws: Workspace, application_id: int, step: Step, *, reason: str = "",
          changes: Callable[[CaseRow], Mapping[str, object]] | None = None,
          detail: Mapping[str, object] | None = None, expect: CaseRow | None = None) -> CaseRow:
    """Check the rule and move the case, with its audit entry, in one transaction.

    ``changes(row)`` gives the columns to set besides the status, from the row
    as read inside the transaction; ``expect``: refuse if the case moved since
    the caller read it (between a backup and the approval, say).
    """
    ws.require(step.permission)
    with ws.store.transaction():
        row = store_reviews.case(ws.store, application_id)
        if expect is not None and (row.status, row.version) != (expect.status, expect.version):
            raise ServiceError("changed_meanwhile_case", status=Status(row.status).label)
        try:
            target = check(step, case_facts(ws, row), person(ws), reason=reason)
        except ReviewError as exc:
            raise refused(exc) from exc
        values = dict(changes(row)) if changes else {}
        store_reviews.change_status(ws.store, row.id, expected_status=row.status, expected_version=row.version,
                                    status=target.value, **values)
        ws.audit(f"review.{step.value}", entity="application", entity_id=row.id, detail={
            "from": row.status, "to": target.value, "version": row.version, **({"reason": reason} if reason else {}),
            **dict(detail or {}),
        })
    return store_reviews.case(ws.store, application_id)


def submit(ws: Workspace, application_id: int, *, evidence: Iterable[str] | None = None,
           review_date: date | None = None) -> CaseRow:
    """Record the check as it stands and submit it for approval.

    ``evidence``: "contracts" and/or "wages" ticked now (both are needed).
    The decision submitted is the one the check gives now: when the newest
    decision of this version says the same it is kept, otherwise a new one is
    recorded (with the clerk's earlier choices for people other enterprises list).
    """
    ws.require(Permission.SUBMIT_REVIEW)
    row = store_reviews.case(ws.store, application_id)
    try:  # a status that cannot be submitted is refused before anything is written
        check(Step.SUBMIT, CaseFacts(Status(row.status), row.version, row.prepared_by, True, True, True),
              person(ws))
    except ReviewError as exc:
        raise refused(exc) from exc
    if evidence is not None:
        ticked = set(evidence)
        unknown = ticked - {"contracts", "wages"}
        if unknown:
            raise ServiceError("invalid", details=f"未知的材料：{'、'.join(sorted(unknown))}（可写 contracts、wages）")
        row = set_evidence(ws, application_id, contracts=row.evidence_contracts or "contracts" in ticked,
                           wages=row.evidence_wages or "wages" in ticked)
    if row.evidence_contracts and row.evidence_wages:
        decision = _current_decision(ws, row, review_date)
    else:
        decision = None  # the rule below says what is missing
    return _take(ws, application_id, Step.SUBMIT, expect=row, changes=lambda _: {
        "prepared_by": ws.actor.user_id, "submitted_at": now_iso(), "return_reason": "",
    }, detail={"decision_id": decision.id if decision else None,
               "result": decision.decision.final_result.value if decision else None})


def _current_decision(ws: Workspace, row: CaseRow, review_date: date | None) -> StoredDecision:
    fresh = eligibility_service.check_application(ws, row.id, review_date)
    found = store_reviews.decision_for_version(ws.store, row.id, row.version)
    if found is not None:
        latest = stored_decision(ws.store, found[0])
        if latest.decision.to_dict() == fresh.to_dict():
            return latest
    return eligibility_service.record_decision(ws, row.id, review_date)


def approve(ws: Workspace, application_id: int) -> CaseRow:
    """The second person approves: a backup first, then the case is approved and locked."""
    ws.require(Permission.APPROVE_REVIEW)
    row = store_reviews.case(ws.store, application_id)
    try:  # refuse before taking a backup for nothing
        check(Step.APPROVE, case_facts(ws, row), person(ws))
    except ReviewError as exc:
        raise refused(exc) from exc
    backup = make_backup(ws, "before-approval")

    def approval(current: CaseRow) -> dict[str, object]:
        found = store_reviews.decision_for_version(ws.store, current.id, current.version)
        assert found is not None  # the rule checked that there is one
        return {"approved_by": ws.actor.user_id, "approved_at": now_iso(), "approved_decision_id": found[0]}

    return _take(ws, application_id, Step.APPROVE, expect=row, changes=approval,
                 detail={"backup": backup.path.name})


def return_for_changes(ws: Workspace, application_id: int, reason: str) -> CaseRow:
    """The approver sends a submitted case back to the clerk, saying why."""
    return _take(ws, application_id, Step.RETURN, reason=reason, changes=lambda _: {"return_reason": reason.strip()})


def reopen(ws: Workspace, application_id: int, reason: str) -> CaseRow:
    """An approved case back to draft as a new version (its letter must be voided first)."""
    row = store_reviews.case(ws.store, application_id)
    return _take(ws, application_id, Step.REOPEN, reason=reason, expect=row, changes=lambda current: {
        "version": current.version + 1, "approved_by": None, "approved_at": None, "approved_decision_id": None,
        "submitted_at": None, "return_reason": "",
    }, detail={"new_version": row.version + 1})


def withdraw(ws: Workspace, application_id: int, reason: str) -> CaseRow:
    return _take(ws, application_id, Step.WITHDRAW, reason=reason)


# -- what the screen and `review status` show ---------------------------------------


@dataclass(frozen=True)
class ReviewStatus:
    case: CaseRow
    enterprise_name: str
    uscc: str
    status: Status
    prepared_by: str
    approved_by: str
    decision_id: int | None  # the newest decision of the current version
    result: str | None
    approved_decision_id: int | None
    letter_number: str | None  # the letter in force
    letters: int  # every letter, voided ones too
    missing: list[str]
    steps: list[Step]
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        c = self.case
        return {
            "application_id": c.id, "enterprise": self.enterprise_name, "uscc": self.uscc,
            "status": self.status.value, "status_label": self.status.label, "version": c.version,
            "locked": self.status.locked, "loan_type": c.loan_type, "amount_wan": c.amount_wan,
            "evidence": {"contracts": c.evidence_contracts, "wages": c.evidence_wages},
            "missing_evidence": self.missing,
            "prepared_by": self.prepared_by, "approved_by": self.approved_by,
            "submitted_at": c.submitted_at, "approved_at": c.approved_at, "return_reason": c.return_reason,
            "decision_id": self.decision_id, "result": self.result,
            "approved_decision_id": self.approved_decision_id,
            "letter": self.letter_number, "letters": self.letters,
            "next_steps": [s.value for s in self.steps],
            "history": self.history,
        }


def status(ws: Workspace, application_id: int) -> ReviewStatus:
    row = store_reviews.case(ws.store, application_id)
    enterprise = ws.store.enterprise(row.enterprise_id)
    facts = case_facts(ws, row)
    found = store_reviews.decision_for_version(ws.store, row.id, row.version)
    result = stored_decision(ws.store, found[0]).decision.final_result.value if found else None
    names = store_reviews.user_names(ws.store, [row.prepared_by, row.approved_by])
    history = [
        {"at": h["at"], "user": h["username"], "action": h["action"],
         "label": ACTION_LABELS.get(h["action"], h["action"]),
         **{k: v for k, v in h["detail"].items() if k in ("reason", "from", "to", "version", "number")}}
        for h in store_reviews.history(ws.store, row.id)
    ]
    return ReviewStatus(
        case=row, enterprise_name=enterprise.name, uscc=enterprise.uscc, status=facts.status,
        prepared_by=names.get(row.prepared_by, "") if row.prepared_by else "",
        approved_by=names.get(row.approved_by, "") if row.approved_by else "",
        decision_id=found[0] if found else None, result=result, approved_decision_id=row.approved_decision_id,
        letter_number=facts.valid_letter, letters=len(store_letters.of_application(ws.store, row.id)),
        missing=missing_evidence(facts), steps=available_steps(facts, person(ws)), history=history,
    )


# -- the loan application form (附件1 / 附件2) ----------------------------------------


def form_of(ws: Workspace, application_id: int) -> LoanForm:
    row = store_reviews.case(ws.store, application_id)
    form = read_form(row.form_data, LoanType(row.loan_type))
    if form.get("amount_wan") is None and row.amount_wan is not None:
        form = LoanForm(form.loan_type, {**form.values, "amount_wan": row.amount_wan})
    return form


def save_form(ws: Workspace, application_id: int, changes: Mapping[str, object], *,
              loan_type: LoanType | None = None) -> LoanForm:
    """Fill in the form's fields (blank clears one); refused once the case is locked."""
    ws.require(Permission.SUBMIT_REVIEW)
    form, problems = apply_changes(form_of(ws, application_id), changes, loan_type)
    if problems:
        raise ValidationError(problems)
    with ws.store.transaction():
        row = store_reviews.case(ws.store, application_id)
        _refuse_if_locked(row)
        amount = form.get("amount_wan")
        store_reviews.set_form(ws.store, row.id, loan_type=form.loan_type.value, form=form.to_dict(),
                               amount_wan=float(amount) if amount is not None else None)
        ws.audit("application.form", entity="application", entity_id=row.id, detail={
            "loan_type": form.loan_type.value, "fields": sorted(changes),
        })
    return form_of(ws, application_id)
