"""Recording the loan an enterprise signed (issue 14, 跟踪评估 step 1).

The enterprise brings its loan contract after its application was approved
(or its letter issued); the clerk records it here. The rate is compared with
the LPR in force on the start date and the preferential period with the
maximum (三（五）, :mod:`desktop.core.loans`): either is a warning that the clerk
must acknowledge (``acknowledge=True``); the warnings and who acknowledged them
are kept on the loan and in the audit entry, written in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from desktop.core.enterprise import Enterprise
from desktop.core.loans import LoanCheck, LoanDraft, TrackingRules, check_loan
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.services.eligibility import current_rules
from desktop.services.enterprises import find_enterprise
from desktop.services.errors import SERVICE_MESSAGES, ServiceError, ValidationError
from desktop.services.workspace import Workspace
from desktop.store import loans as loan_store
from desktop.store import reviews as review_store
from desktop.store.loans import LoanRow

SERVICE_MESSAGES.update({
    "loan_no_approved_application": QT_TRANSLATE_NOOP(
        "service", "企业“{name}”（{uscc}）没有已批准的贷款申请：审核批准（或出具确认书）之后才能登记贷款。"),
    "loan_application_not_approved": QT_TRANSLATE_NOOP(
        "service", "贷款申请 {application_id} 的状态是“{status}”：审核批准（或出具确认书）之后才能登记贷款。"),
    "loan_application_other_enterprise": QT_TRANSLATE_NOOP(
        "service", "贷款申请 {application_id} 不是企业“{name}”的申请。"),
    "loan_contract_exists": QT_TRANSLATE_NOOP(
        "service", "{bank}的借款合同 {number} 已登记（企业“{name}”，贷款编号 {loan_id}）。"),
    "loan_warnings_unacknowledged": QT_TRANSLATE_NOOP(
        "service", "这笔贷款有须经办人确认的提示：{warnings}。核实后请确认这些提示（--acknowledge），再登记。"),
})

_APPROVED = ("approved", "issued")


@dataclass(frozen=True)
class LoanResult:
    loan: LoanRow
    check: LoanCheck


def tracking_rules(ws: Workspace) -> TrackingRules:
    """The loan-period parameters of the office's rule set (part of its version)."""
    return current_rules(ws).tracking


def preview_loan(ws: Workspace, draft: LoanDraft) -> LoanCheck:
    """What recording this loan would find (the LPR, errors, warnings), without writing."""
    rules = current_rules(ws)
    return check_loan(draft, rules.lpr, rules.tracking)


def loan_enterprises(ws: Workspace) -> list[Enterprise]:
    """The enterprises a loan can be recorded for (an approved or issued application), by name."""
    ids = {c.enterprise_id for c in review_store.cases_in_status(ws.store, ws.office.id, _APPROVED)}
    return sorted((ws.store.enterprise(i) for i in ids), key=lambda e: (e.name, e.uscc))


def _application_id(ws: Workspace, uscc: str, application_id: int | None) -> int:
    enterprise = find_enterprise(ws, uscc)
    if application_id is None:
        found = [c for c in review_store.cases_in_status(ws.store, ws.office.id, _APPROVED)
                 if c.enterprise_id == enterprise.id]
        if not found:
            raise ServiceError("loan_no_approved_application", name=enterprise.name, uscc=enterprise.uscc)
        return found[-1].id
    row = review_store.case(ws.store, application_id)
    if row.enterprise_id != enterprise.id:
        raise ServiceError("loan_application_other_enterprise", application_id=application_id, name=enterprise.name)
    if row.status not in _APPROVED:
        raise ServiceError("loan_application_not_approved", application_id=application_id, status=row.status)
    return row.id


def _decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def add_loan(ws: Workspace, uscc: str, draft: LoanDraft, *, acknowledge: bool = False,
             application_id: int | None = None) -> LoanResult:
    """Record the loan of the enterprise's approved application (its newest, unless one is named).

    Refused with the reasons when a field is wrong, when the contract is
    already recorded, and when there are warnings and ``acknowledge`` is False.
    """
    ws.require(Permission.EDIT_ENTERPRISES)
    draft = LoanDraft(
        bank_branch=" ".join(draft.bank_branch.split()), contract_number=draft.contract_number.strip(),
        amount_wan=draft.amount_wan, start_date=draft.start_date, term_months=draft.term_months, rate=draft.rate,
        preferential_end=draft.preferential_end,
    )
    check = preview_loan(ws, draft)
    if check.errors:
        raise ValidationError(list(check.errors))
    if check.warnings and not acknowledge:
        raise ServiceError("loan_warnings_unacknowledged", warnings="；".join(w.text() for w in check.warnings))
    assert check.lpr is not None and check.lpr_value is not None  # no LPR is an error
    warnings = [{"code": w.code, "text": w.text()} for w in check.warnings]
    with ws.store.transaction():
        app_id = _application_id(ws, uscc, application_id)
        existing = loan_store.loan_by_contract(ws.store, draft.bank_branch, draft.contract_number)
        if existing is not None:
            raise ServiceError("loan_contract_exists", bank=draft.bank_branch, number=draft.contract_number,
                               name=existing.enterprise_name, loan_id=existing.id)
        values = {
            "bank_branch": draft.bank_branch, "contract_number": draft.contract_number,
            "amount_wan": _decimal_text(draft.amount_wan), "start_date": draft.start_date.isoformat(),
            "term_months": draft.term_months, "end_date": check.loan_end.isoformat(),
            "rate": _decimal_text(draft.rate),
            "preferential_end": draft.preferential_end.isoformat() if draft.preferential_end else None,
            "lpr_effective_from": check.lpr.effective_from.isoformat(), "lpr_tenor": check.tenor,
            "lpr_value": _decimal_text(check.lpr_value), "lpr_source": check.lpr.source,
        }
        loan_id = loan_store.insert_loan(ws.store, app_id, values, warnings, user_id=ws.actor.user_id)
        ws.audit("loan.create", entity="loan", entity_id=loan_id, detail={
            "application_id": app_id, "bank_branch": values["bank_branch"],
            "contract_number": values["contract_number"], "amount_wan": values["amount_wan"],
            "start_date": values["start_date"], "term_months": values["term_months"], "rate": values["rate"],
            "preferential_end": values["preferential_end"], "lpr_value": values["lpr_value"],
            "lpr_effective_from": values["lpr_effective_from"], "acknowledged": [w["text"] for w in warnings],
        })
        row = loan_store.loan(ws.store, loan_id)
    assert row is not None
    return LoanResult(row, check)


def list_loans(ws: Workspace, uscc: str | None = None) -> list[LoanRow]:
    """The office's loans, or one enterprise's."""
    enterprise_id = find_enterprise(ws, uscc).id if uscc else None
    return loan_store.loans(ws.store, ws.office.id, enterprise_id)
