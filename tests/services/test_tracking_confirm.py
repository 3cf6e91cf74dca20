"""不达标 needs the approver (issue 14, 3): a check below the standard is 待确认 until an approver who
did not run it confirms it (需关注) or returns it with a reason; audited; one answer per check."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.core.office import Role
from desktop.core.review import Person, ReviewError
from desktop.core.tracking_confirm import Confirmation, ConfirmFacts, Outcome, check_confirmation, state_of
from desktop.services import tracking
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from tests.conftest import PASSWORD
from tests.services.test_tracking import _write, loan  # noqa: F401 - the fixture

Loan = tuple[str, list[tuple[str, str, str]]]


def _below(ws: Workspace, tmp_path: Path, uscc: str, counted: list[tuple[str, str, str]]) -> int:
    """A September list with two of the counted workers: 2 < 10 and 2/30 < 15%, 不达标."""
    tracking.import_list(ws, uscc, _write(tmp_path / "09.csv", counted[:2]), period="2026-09")
    done = tracking.check(ws, uscc, date(2026, 9, 30))
    assert done.result.needs_attention
    return done.check_id


def _code(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ServiceError) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return refused.value.code


def test_the_clerk_checks_the_approver_confirms(workspace: Workspace, approver_ws: Workspace, tmp_path: Path,
                                                loan: Loan) -> None:
    uscc, counted = loan
    check_id = _below(workspace, tmp_path, uscc, counted)
    [stored] = tracking.checks(workspace, uscc)
    assert stored.confirmation is Confirmation.PENDING and stored.confirmation.label == "待确认"
    assert _code(tracking.confirm_check, workspace, check_id) == "forbidden"  # a clerk cannot confirm
    confirmed = tracking.confirm_check(approver_ws, check_id)
    assert confirmed.confirmation is Confirmation.CONFIRMED and confirmed.confirmation.label == "需关注"
    assert confirmed.answer is not None and confirmed.answer.answered_by == approver_ws.actor.user_id
    [overview] = tracking.loan_overview(workspace, date(2026, 10, 1))
    assert overview.last is not None and overview.last.confirmation is Confirmation.CONFIRMED
    # once answered, never again: a new check is the way to change the outcome
    assert _code(tracking.return_check, approver_ws, check_id, "名单不全") == "trk_confirm_done"
    entry = workspace.store.conn.execute(
        "SELECT user_id, entity, entity_id, detail FROM audit_log WHERE action = 'track.confirm'").fetchone()
    assert entry[0] == approver_ws.actor.user_id and (entry[1], entry[2]) == ("loan", str(confirmed.loan_id))
    detail = json.loads(entry[3])
    assert detail["check_id"] == check_id and detail["checked_by"] == workspace.actor.user_id
    with pytest.raises(sqlite3.DatabaseError):
        workspace.store.conn.execute("UPDATE tracking_confirmations SET outcome = 'returned'")
    with pytest.raises(sqlite3.DatabaseError):
        workspace.store.conn.execute("DELETE FROM tracking_confirmations")


def test_one_person_cannot_check_and_confirm(approver_ws: Workspace, office_db: Path, tmp_path: Path,
                                             loan: Loan) -> None:
    from desktop.services.accounts import sign_in

    uscc, counted = loan
    check_id = _below(approver_ws, tmp_path, uscc, counted)  # the approver ran the check
    assert _code(tracking.confirm_check, approver_ws, check_id) == "trk_confirm_self"
    assert _code(tracking.return_check, approver_ws, check_id, "名单不全") == "trk_confirm_self"
    assert tracking.checks(approver_ws, uscc)[0].confirmation is Confirmation.PENDING
    assert approver_ws.store.conn.execute(
        "SELECT count(*) FROM audit_log WHERE action IN ('track.confirm', 'track.return')").fetchone()[0] == 0
    with sign_in(office_db, "admin", PASSWORD) as admin:  # another person with the right
        assert tracking.confirm_check(admin, check_id).confirmation is Confirmation.CONFIRMED


def test_returning_needs_a_reason(workspace: Workspace, approver_ws: Workspace, tmp_path: Path, loan: Loan) -> None:
    uscc, counted = loan
    check_id = _below(workspace, tmp_path, uscc, counted)
    assert _code(tracking.return_check, approver_ws, check_id, "  ") == "trk_confirm_reason"
    returned = tracking.return_check(approver_ws, check_id, "九月名单只交了一页")
    assert returned.confirmation is Confirmation.RETURNED and returned.answer is not None
    assert returned.answer.reason == "九月名单只交了一页"
    detail = json.loads(workspace.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'track.return'").fetchone()[0])
    assert detail["reason"] == "九月名单只交了一页"


def test_only_a_check_below_the_standard_is_confirmed(workspace: Workspace, approver_ws: Workspace,
                                                     tmp_path: Path, loan: Loan) -> None:
    uscc, counted = loan
    tracking.import_list(workspace, uscc, _write(tmp_path / "08.csv", counted), period="2026-08")
    met = tracking.check(workspace, uscc, date(2026, 8, 31))
    assert not met.result.needs_attention
    assert tracking.checks(workspace, uscc)[0].confirmation is Confirmation.NOT_NEEDED
    assert _code(tracking.confirm_check, approver_ws, met.check_id) == "trk_confirm_not_needed"
    assert _code(tracking.confirm_check, approver_ws, 999) == "track_check_not_found"


@pytest.mark.parametrize(("who", "outcome", "reason", "answered", "code"), [
    (Person(2, Role.CLERK), Outcome.CONFIRMED, "", None, "trk_confirm_forbidden"),
    (Person(None, Role.APPROVER), Outcome.CONFIRMED, "", None, "trk_confirm_needs_account"),
    (Person(1, Role.APPROVER), Outcome.CONFIRMED, "", None, "trk_confirm_self"),
    (Person(1, Role.ADMIN), Outcome.RETURNED, "x", None, "trk_confirm_self"),
    (Person(2, Role.APPROVER), Outcome.RETURNED, " ", None, "trk_confirm_reason"),
    (Person(2, Role.APPROVER), Outcome.CONFIRMED, "", ("朴科长", "2026-10-01 09:00", Outcome.RETURNED),
     "trk_confirm_done"),
    (Person(2, Role.APPROVER), Outcome.CONFIRMED, "", None, None),
    (Person(2, Role.ADMIN), Outcome.RETURNED, "名单不全", None, None),
])
def test_the_rule(who: Person, outcome: Outcome, reason: str, answered: tuple[str, str, Outcome] | None,
                  code: str | None) -> None:
    facts = ConfirmFacts(7, "not_met", "不达标", checked_by=1, answered=answered)
    if code is None:
        check_confirmation(facts, who, outcome, reason=reason)
        return
    with pytest.raises(ReviewError) as refused:
        check_confirmation(facts, who, outcome, reason=reason)
    assert refused.value.code == code and "{" not in str(refused.value)


def test_states() -> None:
    assert [state_of(v, o) for v, o in (("met", None), ("at_risk", "confirmed"), ("not_met", None),
                                        ("not_met", "confirmed"), ("not_met", "returned"))] == [
        Confirmation.NOT_NEEDED, Confirmation.NOT_NEEDED, Confirmation.PENDING, Confirmation.CONFIRMED,
        Confirmation.RETURNED]


def test_the_command_line(office_db: Path, workspace: Workspace, tmp_path: Path, cli_env: None, loan: Loan,
                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    uscc, counted = loan
    check_id = _below(workspace, tmp_path, uscc, counted)
    workspace.close()
    db = ["--db", str(office_db)]
    assert main([*db, "track", "confirm", str(check_id), "--json"]) == EXIT_FAILED  # the clerk (cli_env's user)
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "forbidden"
    monkeypatch.setenv("LAOXIE_USER", "approver")
    assert main([*db, "track", "return", str(check_id), "--json"]) == EXIT_FAILED  # a reason is required
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "trk_confirm_reason"
    assert main([*db, "track", "confirm", str(check_id)]) == EXIT_OK
    assert "企业列为需关注" in capsys.readouterr().out
    assert main([*db, "track", "due", "--date", "2026-10-05", "--json"]) == EXIT_OK
    [due] = json.loads(capsys.readouterr().out)["due"]
    assert due["last_check"]["confirmation"] == "confirmed"
