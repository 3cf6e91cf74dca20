"""Accounts: roles, sign-in, lock-out, and that every account change is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop.core.office import Role
from desktop.core.passwords import password_problem
from desktop.core.permissions import ROLE_PERMISSIONS, Permission, allowed
from desktop.services import accounts
from desktop.services.errors import ServiceError, ValidationError
from tests.conftest import PASSWORD


def test_sign_in_sets_the_actor_and_is_audited(office_db: Path) -> None:
    with accounts.sign_in(office_db, "approver", PASSWORD) as ws:
        assert ws.actor.username == "approver" and ws.actor.role is Role.APPROVER
        assert ws.actor.shown_name == "朴科长"
        last = ws.store.audit_entries(1)[0]
        assert (last["action"], last["username"]) == ("user.login", "approver")


@pytest.mark.parametrize(("user", "password"), [("clerk", "wrong-password"), ("nobody", PASSWORD)])
def test_wrong_user_or_password_get_the_same_message(office_db: Path, user: str, password: str) -> None:
    with pytest.raises(ServiceError) as caught:
        accounts.sign_in(office_db, user, password)
    assert caught.value.code == "login_failed"


def test_repeated_failures_pause_sign_in(office_db: Path) -> None:
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(ServiceError):
            accounts.sign_in(office_db, "clerk", "wrong-password")
    with pytest.raises(ServiceError) as caught:
        accounts.sign_in(office_db, "clerk", PASSWORD)
    assert caught.value.code == "login_locked"
    # Another user is not affected.
    accounts.sign_in(office_db, "approver", PASSWORD).close()


def test_role_table() -> None:
    assert allowed(Role.APPROVER, Permission.APPROVE_REVIEW)
    assert not allowed(Role.CLERK, Permission.APPROVE_REVIEW)
    assert not allowed(Role.CLERK, Permission.UNMASK_PERSONAL_DATA)
    assert allowed(Role.APPROVER, Permission.UNMASK_PERSONAL_DATA)
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert not allowed(None, Permission.EDIT_ENTERPRISES)


def test_only_an_admin_adds_users(workspace: Any, admin_ws: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        accounts.add_user(workspace, "newbie", Role.CLERK, "long enough 1")
    assert caught.value.code == "forbidden"
    info = accounts.add_user(admin_ws, "newbie", Role.CLERK, "long enough 1", "新人")
    assert info.role is Role.CLERK and info.active
    assert {u.username for u in accounts.list_users(admin_ws)} == {"admin", "clerk", "approver", "newbie"}


@pytest.mark.parametrize(("name", "password", "code"), [
    ("x", "long enough 1", "username_invalid"), ("with space", "long enough 1", "username_invalid"),
    ("newbie", "short", "password_short"),
])
def test_new_account_rules(admin_ws: Any, name: str, password: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.add_user(admin_ws, name, Role.CLERK, password)
    assert [p.code for p in caught.value.problems] == [code]


def test_disabled_user_cannot_sign_in_and_last_admin_stays(office_db: Path, admin_ws: Any) -> None:
    accounts.set_user(admin_ws, "clerk", active=False)
    with pytest.raises(ServiceError) as caught:
        accounts.sign_in(office_db, "clerk", PASSWORD)
    assert caught.value.code == "account_disabled"
    with pytest.raises(ServiceError) as caught:
        accounts.set_user(admin_ws, "admin", role=Role.CLERK)
    assert caught.value.code == "last_admin"
    accounts.set_user(admin_ws, "approver", role=Role.ADMIN)
    accounts.set_user(admin_ws, "admin", role=Role.CLERK)  # now there is another admin


def test_change_and_reset_password(office_db: Path, workspace: Any, admin_ws: Any) -> None:
    with pytest.raises(ServiceError):
        accounts.change_password(workspace, "not-the-old-one", "brand new pw")
    accounts.change_password(workspace, PASSWORD, "brand new pw")
    accounts.sign_in(office_db, "clerk", "brand new pw").close()
    accounts.reset_password(admin_ws, "clerk", "reset by admin")
    accounts.sign_in(office_db, "clerk", "reset by admin").close()
    actions = [e["action"] for e in admin_ws.store.audit_entries(50)]
    assert "user.password" in actions and "user.password_reset" in actions


def test_unlock_checks_the_same_user(workspace: Any) -> None:
    assert accounts.verify_current_user(workspace, PASSWORD)
    assert not accounts.verify_current_user(workspace, "wrong-password")
    assert workspace.store.audit_entries(1)[0]["action"] == "user.unlock_failed"


def test_passwords_are_never_stored_in_clear(office_db: Path) -> None:
    raw = office_db.read_bytes() + Path(f"{office_db}-wal").read_bytes() if Path(f"{office_db}-wal").exists() \
        else office_db.read_bytes()
    assert PASSWORD.encode() not in raw


def test_a_role_change_takes_effect_at_once(workspace: Any, admin_ws: Any) -> None:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.enterprises import add_enterprise

    accounts.set_user(admin_ws, "clerk", active=False)
    with pytest.raises(ServiceError) as caught:
        add_enterprise(workspace, EnterpriseDraft(name="甲", uscc="91110000600037341L", county_code="222401",
                                                  industry="other", staff_total=3))
    assert caught.value.code == "forbidden"


# -- first and reset passwords must be changed by their user (issue 11 item 5) ----------------------

def test_a_new_users_first_password_must_be_changed(office_db: Path, admin_ws: Any) -> None:
    info = accounts.add_user(admin_ws, "newbie", Role.CLERK, "first pw 2026", "新人")
    assert info.must_change_password
    with accounts.sign_in(office_db, "newbie", "first pw 2026") as ws:
        assert ws.must_change_password
        with pytest.raises(ValidationError) as caught:
            accounts.change_password(ws, "first pw 2026", "first pw 2026")
        assert [p.code for p in caught.value.problems] == ["password_unchanged"]
        accounts.change_password(ws, "first pw 2026", "my own pw 2026")
        assert not ws.must_change_password
        [entry] = ws.store.audit_entries(1)
        assert (entry["action"], entry["username"], entry["entity_id"]) == ("user.password", "newbie", "newbie")
    with accounts.sign_in(office_db, "newbie", "my own pw 2026") as ws:
        assert not ws.must_change_password
    assert not next(u for u in accounts.list_users(admin_ws) if u.username == "newbie").must_change_password


def test_an_admin_never_hands_out_their_own_password(admin_ws: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        accounts.add_user(admin_ws, "newbie", Role.CLERK, PASSWORD)  # the admin's own
    assert [p.code for p in caught.value.problems] == ["password_is_yours"]
    with pytest.raises(ValidationError) as caught:
        accounts.reset_password(admin_ws, "clerk", PASSWORD)
    assert [p.code for p in caught.value.problems] == ["password_is_yours"]
    assert "newbie" not in {u.username for u in accounts.list_users(admin_ws)}


def test_a_reset_password_is_temporary_and_ends_a_pause(office_db: Path, admin_ws: Any) -> None:
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(ServiceError):
            accounts.sign_in(office_db, "clerk", "wrong-password")
    temporary = accounts.new_temporary_password()
    accounts.reset_password(admin_ws, "clerk", temporary)
    [entry] = admin_ws.store.audit_entries(1)
    assert (entry["action"], entry["username"], entry["entity_id"]) == ("user.password_reset", "admin", "clerk")
    assert temporary not in entry["detail"]
    with pytest.raises(ServiceError):
        accounts.sign_in(office_db, "clerk", PASSWORD)  # the old password is gone
    with accounts.sign_in(office_db, "clerk", temporary) as ws:
        assert ws.must_change_password


def test_generated_passwords_are_long_plain_and_different() -> None:
    made = {accounts.new_temporary_password() for _ in range(200)}
    assert len(made) == 200
    for password in made:
        assert len(password) == 14 and password.count("-") == 2
        assert not set(password) & set("0O1lI") and password_problem("newbie", password) is None
