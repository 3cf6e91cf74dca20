"""Recording a loan (issue 14, step 1): only for an approved application, warnings acknowledged,
every loan in the audit log; and `laoxie loan add|list`."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.core.loans import LoanDraft
from desktop.services import loans as loan_service
from desktop.services import reviews
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace
from tests.batches import factory


def _draft(**changes: object) -> LoanDraft:
    values: dict[str, object] = {
        "bank_branch": "国家开发银行吉林省分行", "contract_number": "22201-2026-001", "amount_wan": Decimal("500"),
        "start_date": date(2026, 8, 1), "term_months": 36, "rate": Decimal("3.00"),
        "preferential_end": date(2029, 7, 31),
    }
    values.update(changes)
    return LoanDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def approved(workspace: Workspace) -> str:
    factory.approved_applications(workspace, 1, 6)
    return factory.uscc(0, workspace.office.code)


def _audit(ws: Workspace, action: str) -> list[dict[str, object]]:
    return [json.loads(r[0]) for r in ws.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def test_a_loan_is_recorded_with_the_lpr_of_its_start_date(workspace: Workspace, approved: str) -> None:
    result = loan_service.add_loan(workspace, approved, _draft())
    loan = result.loan
    assert (loan.uscc, loan.rate, loan.amount_wan, loan.end_date) == (approved, "3", "500", "2029-07-31")
    assert (loan.lpr_effective_from, loan.lpr_tenor, loan.lpr_value) == ("2025-05-20", "one_year", "3")
    assert "2025年5月20日" in loan.lpr_source and loan.warnings == ()
    [entry] = _audit(workspace, "loan.create")
    assert entry["contract_number"] == "22201-2026-001" and entry["acknowledged"] == []
    assert [r.id for r in loan_service.list_loans(workspace)] == [loan.id]
    assert [r.id for r in loan_service.list_loans(workspace, approved)] == [loan.id]


@pytest.mark.parametrize("changes", [
    {"rate": Decimal("3.01")},
    {"preferential_end": date(2029, 8, 1), "term_months": 48},  # 3 years from 2026-08-01 end 2029-07-31
])
def test_a_warning_is_refused_until_the_clerk_acknowledges_it(
    workspace: Workspace, approved: str, changes: dict[str, object],
) -> None:
    with pytest.raises(ServiceError) as refused:
        loan_service.add_loan(workspace, approved, _draft(**changes))
    assert refused.value.code == "loan_warnings_unacknowledged" and "三（五）" in str(refused.value)
    assert loan_service.list_loans(workspace) == [] and _audit(workspace, "loan.create") == []
    loan = loan_service.add_loan(workspace, approved, _draft(**changes), acknowledge=True).loan
    assert len(loan.warnings) == 1 and loan.acknowledged_by == workspace.actor.user_id
    assert _audit(workspace, "loan.create")[0]["acknowledged"] == [loan.warnings[0]["text"]]


def test_the_same_contract_is_recorded_once(workspace: Workspace, approved: str) -> None:
    loan_service.add_loan(workspace, approved, _draft())
    with pytest.raises(ServiceError) as refused:
        loan_service.add_loan(workspace, approved, _draft(amount_wan=Decimal(300)))
    assert refused.value.code == "loan_contract_exists"
    loan_service.add_loan(workspace, approved, _draft(contract_number="22201-2026-002"))
    assert len(loan_service.list_loans(workspace)) == 2


def test_a_wrong_field_is_refused_with_what_is_wrong(workspace: Workspace, approved: str) -> None:
    with pytest.raises(ValidationError) as refused:
        loan_service.add_loan(workspace, approved, _draft(bank_branch=" ", term_months=0))
    assert "贷款银行" in str(refused.value) and "贷款期限" in str(refused.value)


def test_an_application_not_yet_approved_has_no_loan(workspace: Workspace) -> None:
    enterprise_id = factory.enterprise_with_roster(workspace, 3, 6, __import__("random").Random(1))
    uscc = factory.uscc(3, workspace.office.code)
    case = reviews.new_application(workspace, uscc, amount_wan=500.0)
    assert enterprise_id and case.status == "draft"
    with pytest.raises(ServiceError) as refused:
        loan_service.add_loan(workspace, uscc, _draft())
    assert refused.value.code == "loan_no_approved_application"
    with pytest.raises(ServiceError) as refused:
        loan_service.add_loan(workspace, uscc, _draft(), application_id=case.id)
    assert refused.value.code == "loan_application_not_approved"


def test_the_command_line(office_db: Path, workspace: Workspace, approved: str, cli_env: None,
                          capsys: pytest.CaptureFixture[str]) -> None:
    workspace.close()
    base = ["--db", str(office_db), "loan", "add", approved, "--bank", "国家开发银行吉林省分行",
            "--contract", "C-1", "--amount", "500", "--start", "2026-08-01", "--term", "36"]
    assert main([*base, "--rate", "3.05", "--json"]) == EXIT_FAILED
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "loan_warnings_unacknowledged" and "3.05%" in error["message"]
    assert main([*base, "--rate", "3.05", "--acknowledge", "--json"]) == EXIT_OK
    loan = json.loads(capsys.readouterr().out)["loan"]
    assert loan["lpr"]["value"] == "3" and loan["warnings"] and loan["end_date"] == "2029-07-31"
    assert main(["--db", str(office_db), "loan", "list"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "C-1" in out and "共 1 笔贷款" in out and "已确认提示" in out
