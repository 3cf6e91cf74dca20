"""`laoxie user add / passwd / reset`: a password for someone else never comes from the signed-in
user's LAOXIE_PASSWORD, and a first or reset password must be changed before anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from desktop.store import Store
from tests.conftest import PASSWORD


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def as_admin(office_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A script run by the admin: LAOXIE_USER and LAOXIE_PASSWORD are the admin's, no terminal."""
    monkeypatch.setenv("LAOXIE_USER", "admin")
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    monkeypatch.delenv("LAOXIE_NEW_PASSWORD", raising=False)
    return office_db


def sign_in_as(monkeypatch: pytest.MonkeyPatch, user: str, password: str) -> None:
    monkeypatch.setenv("LAOXIE_USER", user)
    monkeypatch.setenv("LAOXIE_PASSWORD", password)
    monkeypatch.delenv("LAOXIE_NEW_PASSWORD", raising=False)


def users(db: Path) -> dict[str, int]:
    with Store.open(db, create=False) as store:
        return {r[0]: r[1] for r in store.conn.execute("SELECT username, must_change_password FROM users")}


def test_user_add_from_a_script_never_gives_the_admins_password(
        capsys: pytest.CaptureFixture[str], as_admin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(as_admin)
    code, out = run(capsys, "--db", db, "user", "add", "newbie", "--role", "clerk", "--json")
    assert code == EXIT_USAGE and "LAOXIE_NEW_PASSWORD" in out["error"]["message"]  # type: ignore[index]
    assert "newbie" not in users(as_admin)
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", PASSWORD)  # the admin's own, by mistake
    code, out = run(capsys, "--db", db, "user", "add", "newbie", "--role", "clerk", "--json")
    assert code == EXIT_FAILED and out["error"]["problems"][0]["code"] == "password_is_yours"  # type: ignore[index]
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", "newbie first 1")
    code, out = run(capsys, "--db", db, "user", "add", "newbie", "--role", "clerk", "--json")
    assert code == EXIT_OK and "password" not in out  # not generated: nothing to show
    assert users(as_admin)["newbie"] == 1
    sign_in_as(monkeypatch, "newbie", PASSWORD)
    code, out = run(capsys, "--db", db, "enterprise", "list", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "login_failed"  # type: ignore[index]


def test_a_generated_first_password_is_shown_once_and_must_be_changed(
        capsys: pytest.CaptureFixture[str], as_admin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(as_admin)
    code, out = run(capsys, "--db", db, "user", "add", "newbie", "--role", "审核人", "--generate", "--json")
    assert code == EXIT_OK
    first = str(out["password"])
    assert len(first) == 14
    with Store.open(as_admin, create=False) as store:
        assert first not in json.dumps([dict(r) for r in store.conn.execute("SELECT * FROM audit_log")])
    code, out = run(capsys, "--db", db, "user", "list", "--json")
    assert [u["must_change_password"] for u in out["users"] if u["username"] == "newbie"] == [True]  # type: ignore[union-attr]

    sign_in_as(monkeypatch, "newbie", first)
    code, out = run(capsys, "--db", db, "enterprise", "list", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "password_change_required"  # type: ignore[index]
    assert "laoxie user passwd" in out["error"]["message"]  # type: ignore[index]
    code, out = run(capsys, "--db", db, "user", "passwd", "--json")  # no new password given, no terminal
    assert code == EXIT_USAGE
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", "newbie own 2026")
    code, out = run(capsys, "--db", db, "user", "passwd", "--json")
    assert code == EXIT_OK and users(as_admin)["newbie"] == 0
    sign_in_as(monkeypatch, "newbie", "newbie own 2026")
    code, out = run(capsys, "--db", db, "enterprise", "list", "--json")
    assert code == EXIT_OK


def test_user_passwd_changes_ones_own_password(capsys: pytest.CaptureFixture[str], office_db: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in_as(monkeypatch, "clerk", PASSWORD)
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", PASSWORD)
    code, out = run(capsys, "--db", str(office_db), "user", "passwd", "--json")
    assert code == EXIT_FAILED and out["error"]["problems"][0]["code"] == "password_unchanged"  # type: ignore[index]
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", "clerk new 2026")
    assert run(capsys, "--db", str(office_db), "user", "passwd", "--json")[0] == EXIT_OK
    with Store.open(office_db, create=False) as store:
        [entry] = store.audit_entries(1)
    assert (entry["action"], entry["username"]) == ("user.password", "clerk")
    sign_in_as(monkeypatch, "clerk", "clerk new 2026")
    assert run(capsys, "--db", str(office_db), "enterprise", "list", "--json")[0] == EXIT_OK


def test_user_passwd_at_a_terminal_asks_twice(capsys: pytest.CaptureFixture[str], office_db: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sign_in_as(monkeypatch, "clerk", PASSWORD)
    typed = iter(["clerk new 2026", "clerk new 2O26", "clerk new 2026", "clerk new 2026"])
    monkeypatch.setattr("desktop.cli.auth._interactive", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(typed))
    code, out = run(capsys, "--db", str(office_db), "user", "passwd", "--json")
    assert code == EXIT_USAGE and out["error"]["message"] == "两次输入的密码不一致"  # type: ignore[index]
    assert run(capsys, "--db", str(office_db), "user", "passwd", "--json")[0] == EXIT_OK
    sign_in_as(monkeypatch, "clerk", "clerk new 2026")
    assert run(capsys, "--db", str(office_db), "enterprise", "list", "--json")[0] == EXIT_OK


def test_user_reset_sets_a_temporary_password(capsys: pytest.CaptureFixture[str], as_admin: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(as_admin)
    code, out = run(capsys, "--db", db, "user", "reset", "clerk", "--generate", "--json")
    assert code == EXIT_OK and out["user"] == "clerk"
    temporary = str(out["password"])
    with Store.open(as_admin, create=False) as store:
        [entry] = store.audit_entries(1)
    assert (entry["action"], entry["username"], entry["entity_id"]) == ("user.password_reset", "admin", "clerk")
    assert users(as_admin)["clerk"] == 1
    sign_in_as(monkeypatch, "clerk", temporary)
    code, out = run(capsys, "--db", db, "enterprise", "list", "--json")
    assert out["error"]["code"] == "password_change_required"  # type: ignore[index]
    code, out = run(capsys, "--db", db, "user", "reset", "approver", "--generate", "--json")
    assert out["error"]["code"] == "password_change_required"  # type: ignore[index]
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", "clerk own 2026")
    assert run(capsys, "--db", db, "user", "passwd", "--json")[0] == EXIT_OK
    sign_in_as(monkeypatch, "clerk", "clerk own 2026")
    code, out = run(capsys, "--db", db, "user", "reset", "approver", "--generate", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "forbidden"  # type: ignore[index]


def test_the_text_output_shows_a_generated_password_once(capsys: pytest.CaptureFixture[str], as_admin: Path) -> None:
    assert main(["--db", str(as_admin), "user", "reset", "clerk", "--generate"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "已为用户 clerk 重设密码" in text and "只显示这一次" in text
    assert main(["--db", str(as_admin), "user", "list"]) == EXIT_OK
    assert "clerk            经办人  在用（须修改密码）" in capsys.readouterr().out
