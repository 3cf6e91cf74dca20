"""The office's LPR table (DOMAIN.md 3.5, keep the table editable): an admin adds a rate the central
bank published and removes one the office added; the shipped rates stay; the loan check uses the
added rate from its effective date."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.loans import LoanDraft
from desktop.services import loans as loan_service
from desktop.services import lpr as lpr_service
from desktop.services.eligibility import current_rules
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from tests.batches import factory
from tests.conftest import PASSWORD

NEW_DAY = date(2026, 6, 22)  # after the last shipped rate (2025-05-20: 3.00 / 3.50)


def _audit(ws: Workspace, action: str) -> list[dict[str, object]]:
    return [json.loads(r[0]) for r in ws.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def _refused(call: object, *args: object) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        call(*args)  # type: ignore[operator]
    return refused.value


def test_an_added_rate_joins_the_shipped_ones_and_is_audited(admin_ws: Workspace) -> None:
    before = current_rules(admin_ws).version
    shipped = len(lpr_service.shipped_lpr().rates)
    added = lpr_service.add_lpr(admin_ws, NEW_DAY, "2.90", Decimal("3.40"))
    assert (added.one_year, added.five_year) == (Decimal("2.90"), Decimal("3.40"))
    entries = lpr_service.lpr_entries(admin_ws)
    assert len(entries) == shipped + 1 and entries[-1].office and entries[-1].rate == added
    assert not any(e.office for e in entries[:-1])
    table = current_rules(admin_ws).lpr
    assert table.on(NEW_DAY) == added and current_rules(admin_ws).version != before
    [entry] = _audit(admin_ws, "policy.lpr_add")
    assert (entry["effective_from"], entry["one_year"], entry["five_year"]) == ("2026-06-22", "2.90", "3.40")


def test_a_date_already_in_the_table_is_refused(admin_ws: Workspace) -> None:
    shipped_day = lpr_service.shipped_lpr().rates[-1].effective_from
    refused = _refused(lpr_service.add_lpr, admin_ws, shipped_day, "3.00", "3.50")
    assert refused.code == "lpr_date_taken" and "随程序发布" in str(refused)
    lpr_service.add_lpr(admin_ws, NEW_DAY, "2.90", "3.40")
    refused = _refused(lpr_service.add_lpr, admin_ws, NEW_DAY, "2.80", "3.30")
    assert refused.code == "lpr_date_taken" and "本单位添加" in str(refused) and "2026-06-22" in str(refused)
    assert len(_audit(admin_ws, "policy.lpr_add")) == 1


@pytest.mark.parametrize(("one", "five", "code", "words"), [
    ("0", "3.40", "lpr_rate_implausible", "1年期"),
    ("2.90", "20", "lpr_rate_implausible", "5年期以上"),
    ("-1", "3.40", "lpr_rate_implausible", "1年期"),
    ("二点九", "3.40", "lpr_rate_not_number", "1年期"),
    ("2.90", "", "lpr_rate_not_number", "5年期以上"),
])
def test_an_implausible_rate_is_refused_saying_which(
    admin_ws: Workspace, one: str, five: str, code: str, words: str,
) -> None:
    refused = _refused(lpr_service.add_lpr, admin_ws, NEW_DAY, one, five)
    assert refused.code == code and words in str(refused)
    assert lpr_service.lpr_entries(admin_ws)[-1].office is False


def test_the_thresholds_themselves_are_plausible_just_inside() -> None:
    assert lpr_service._percent("0.01", "one_year") == Decimal("0.01")
    assert lpr_service._percent("19.99%", "five_year") == Decimal("19.99")


def test_a_clerk_cannot_change_the_table(workspace: Workspace) -> None:
    refused = _refused(lpr_service.add_lpr, workspace, NEW_DAY, "2.90", "3.40")
    assert "无权修改本单位设置" in str(refused)
    assert not any(e.office for e in lpr_service.lpr_entries(workspace))


def test_only_an_office_added_rate_can_be_removed(admin_ws: Workspace) -> None:
    shipped_day = lpr_service.shipped_lpr().rates[-1].effective_from
    assert _refused(lpr_service.remove_lpr, admin_ws, shipped_day).code == "lpr_not_office"
    assert _refused(lpr_service.remove_lpr, admin_ws, NEW_DAY).code == "lpr_absent"
    before = current_rules(admin_ws).version
    lpr_service.add_lpr(admin_ws, NEW_DAY, "2.90", "3.40")
    lpr_service.remove_lpr(admin_ws, NEW_DAY)
    assert not any(e.office for e in lpr_service.lpr_entries(admin_ws))
    assert current_rules(admin_ws).version == before
    [entry] = _audit(admin_ws, "policy.lpr_remove")
    assert (entry["effective_from"], entry["one_year"]) == ("2026-06-22", "2.90")


def _draft(start: date, rate: str) -> LoanDraft:
    return LoanDraft(bank_branch="国家开发银行吉林省分行", contract_number="22201-2026-001",
                     amount_wan=Decimal("500"), start_date=start, term_months=36, rate=Decimal(rate),
                     preferential_end=date(start.year + 3, start.month, start.day) - timedelta(days=1))


def test_the_loan_check_uses_the_added_rate_from_its_effective_date(
    admin_ws: Workspace, workspace: Workspace,
) -> None:
    lpr_service.add_lpr(admin_ws, NEW_DAY, "2.90", "3.40")
    on_the_day = loan_service.preview_loan(workspace, _draft(NEW_DAY, "2.95"))
    assert on_the_day.lpr_value == Decimal("2.90") and on_the_day.lpr is not None
    assert on_the_day.lpr.effective_from == NEW_DAY and len(on_the_day.warnings) == 1  # 2.95 > 2.90
    day_before = loan_service.preview_loan(workspace, _draft(date(2026, 6, 21), "2.95"))
    assert day_before.lpr_value == Decimal("3.00") and day_before.warnings == ()


def test_a_recorded_loan_names_the_added_rate(admin_ws: Workspace, workspace: Workspace) -> None:
    factory.approved_applications(workspace, 1, 6)
    lpr_service.add_lpr(admin_ws, NEW_DAY, "2.90", "3.40", source="2026年6月22日贷款市场报价利率公告")
    loan = loan_service.add_loan(workspace, factory.uscc(0, workspace.office.code),
                                 _draft(date(2026, 8, 1), "2.90")).loan
    assert (loan.lpr_effective_from, loan.lpr_value) == ("2026-06-22", "2.9")
    assert loan.lpr_source == "2026年6月22日贷款市场报价利率公告"


def test_a_rate_another_program_adds_meanwhile_is_kept(admin_ws: Workspace, office_db: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The window and a command on the same file both add rates: the office's rates are read and written
    in one transaction, so a rate the other program adds is never overwritten (the safety issue's case).
    The other program adds right after each read of the office's rates that no transaction holds."""
    from desktop.services.accounts import sign_in

    other = sign_in(office_db, "admin", PASSWORD)
    read = lpr_service._office_docs
    theirs = [date(2026, 7, 20), date(2026, 8, 20)]
    pending = list(theirs)

    def read_then_race(ws: Workspace) -> list[dict[str, object]]:
        docs = read(ws)
        if ws is admin_ws and pending and not ws.store.conn.in_transaction:
            lpr_service.add_lpr(other, pending.pop(0), "2.95", "3.45")
        return docs

    monkeypatch.setattr(lpr_service, "_office_docs", read_then_race)
    try:
        lpr_service.add_lpr(admin_ws, date(2026, 6, 22), "2.90", "3.40")
        while pending:  # no read was left open to them: the other program comes after
            lpr_service.add_lpr(other, pending.pop(0), "2.95", "3.45")
    finally:
        other.close()
    office = [e.rate.effective_from for e in lpr_service.lpr_entries(admin_ws) if e.office]
    assert office == [date(2026, 6, 22), *theirs]
