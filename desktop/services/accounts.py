"""Users, roles and signing in.

Passwords are kept only as scrypt hashes.  Every sign-in, failed attempt and
change to an account is in the audit log; repeated failures pause sign-in
for that user name for a while (counted from the audit log itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from desktop.core.messages import Problem
from desktop.core.office import Actor, Role
from desktop.core.passwords import generate_password, hash_password, needs_rehash, password_problem, verify_password
from desktop.core.permissions import Permission
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace
from desktop.store import Store

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=10)
IDLE_LOCK_DEFAULT, IDLE_LOCK_MIN, IDLE_LOCK_MAX = 10, 1, 240  # minutes without input before the window locks
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    must_change_password: bool = False  # a first or reset password, not yet changed by its user


def account_problems(username: str, password: str, display_name: str = "") -> list[Problem]:
    problems: list[Problem] = []
    if not _USERNAME.match(username):
        problems.append(Problem("username_invalid", {"field": "username", "value": username}))
    code = password_problem(username, password)
    if code:
        problems.append(Problem(code, {"field": "password", "min": 8}))
    return problems


def create_user(store: Store, office_id: int, actor: Actor, *, username: str, role: Role, password: str,
                display_name: str = "", must_change_password: bool = False) -> int:
    """Within the caller's transaction: the first admin at set-up, or an admin's new user."""
    problems = account_problems(username, password, display_name)
    if problems:
        raise ValidationError(problems)
    user_id = store.insert_user(office_id, username.strip(), role.value, hash_password(password),
                                display_name.strip(), must_change_password=must_change_password)
    store.audit(actor, "user.create", office_id=office_id, entity="user", entity_id=user_id,
                detail={"username": username, "role": role.value, "must_change_password": must_change_password})
    return user_id


def add_user(ws: Workspace, username: str, role: Role, password: str, display_name: str = "", *,
             temporary: bool = True) -> UserInfo:
    """An admin adds a user.  The first password is ``temporary`` unless said otherwise: the
    new user must change it at the first sign-in (only the demo and tests make ready accounts)."""
    ws.require(Permission.MANAGE_USERS)
    if temporary:  # the demo's ready accounts share one password on purpose
        _refuse_own_password(ws, password)
    with ws.store.transaction():
        create_user(ws.store, ws.office.id, ws.actor, username=username, role=role, password=password,
                    display_name=display_name, must_change_password=temporary)
    return _user_info(ws, username)


def new_temporary_password() -> str:
    """A password to tell a new user (or one whose password was reset) once; they change it at sign-in."""
    return generate_password()


def _refuse_own_password(ws: Workspace, password: str) -> None:
    """An admin never hands out their own password (a script's LAOXIE_PASSWORD reused by mistake)."""
    me = ws.store.user_by_name(ws.actor.username)
    if me is not None and verify_password(password, me["password_hash"]):
        raise ValidationError([Problem("password_is_yours", {"field": "password"})])


def list_users(ws: Workspace) -> list[UserInfo]:
    return [
        UserInfo(u["id"], u["username"], u["display_name"], Role(u["role"]), bool(u["active"]),
                 bool(u["must_change_password"]))
        for u in ws.store.users(ws.office.id)
    ]


def _user_info(ws: Workspace, username: str) -> UserInfo:
    for user in list_users(ws):
        if user.username.lower() == username.strip().lower():
            return user
    raise ServiceError("user_not_found", user=username)


def _recent_failures(store: Store, username: str) -> int:
    """Failed sign-ins for this name since its last success or reset, within the lock-out window."""
    since = (datetime.now().astimezone() - LOCKOUT).isoformat(timespec="seconds")
    rows = store.conn.execute(
        "SELECT action FROM audit_log WHERE action IN ('user.login', 'user.login_failed', 'user.password_reset')"
        " AND entity = 'user' AND entity_id = ? COLLATE NOCASE AND at >= ? ORDER BY id DESC",
        (username, since),
    ).fetchall()
    failures = 0
    for (action,) in rows:
        if action != "user.login_failed":
            break
        failures += 1
    return failures


def sign_in(path: Path | str, username: str, password: str) -> Workspace:
    """Open the office database as `username`; the same message for an unknown name or a wrong password."""
    ws = Workspace.open(path)
    try:
        store = ws.store
        username = username.strip()
        with store.errors_translated():  # a damaged file: StoreError, which the window offers to recover from
            failures = _recent_failures(store, username)
            user = store.user_by_name(username)
        if failures >= MAX_FAILURES:
            raise ServiceError("login_locked", user=username, failures=failures,
                               minutes=int(LOCKOUT.total_seconds() // 60))
        anonymous = Actor(username=username)
        if user is None or not verify_password(password, user["password_hash"]):
            with store.transaction():
                store.audit(anonymous, "user.login_failed", office_id=ws.office.id, entity="user",
                            entity_id=username)
            raise ServiceError("login_failed")
        if not user["active"]:
            raise ServiceError("account_disabled", user=username)
        ws.actor = Actor(username=user["username"], user_id=user["id"], role=Role(user["role"]),
                         display_name=user["display_name"])
        ws.must_change_password = bool(user["must_change_password"])
        with store.transaction():
            if needs_rehash(user["password_hash"]):
                store.update_user(user["id"], password_hash=hash_password(password))
            ws.audit("user.login", entity="user", entity_id=user["username"])
        return ws
    except BaseException:
        ws.close()
        raise


def sign_out(ws: Workspace) -> None:
    """退出登录: recorded, so the log shows when a user's session ended (the caller closes the workspace)."""
    with ws.store.transaction():
        ws.audit("user.logout", entity="user", entity_id=ws.actor.username)


def verify_current_user(ws: Workspace, password: str) -> bool:
    """Unlock after idle time: the same user types the password again."""
    user = ws.store.user_by_name(ws.actor.username)
    ok = user is not None and bool(user["active"]) and verify_password(password, user["password_hash"])
    with ws.store.transaction():
        ws.audit("user.unlock" if ok else "user.unlock_failed", entity="user", entity_id=ws.actor.username)
    return ok


def change_password(ws: Workspace, old_password: str, new_password: str) -> None:
    """The signed-in user's own password; a first or reset password is then no longer temporary."""
    user = ws.store.user_by_name(ws.actor.username)
    if user is None or not verify_password(old_password, user["password_hash"]):
        raise ServiceError("wrong_password")
    code = password_problem(ws.actor.username, new_password)
    if code is None and new_password == old_password:
        code = "password_unchanged"
    if code:
        raise ValidationError([Problem(code, {"field": "password", "min": 8})])
    with ws.store.transaction():
        ws.store.update_user(user["id"], password_hash=hash_password(new_password), must_change_password=0)
        ws.audit("user.password", entity="user", entity_id=ws.actor.username,
                 detail={"was_temporary": bool(user["must_change_password"])})
    ws.must_change_password = False


def reset_password(ws: Workspace, username: str, new_password: str) -> None:
    """An admin sets a temporary password for a user who forgot theirs; the user changes it at sign-in.
    It also ends a pause after repeated wrong passwords."""
    ws.require(Permission.MANAGE_USERS)
    target = _user_info(ws, username)
    code = password_problem(username, new_password)
    if code:
        raise ValidationError([Problem(code, {"field": "password", "min": 8})])
    _refuse_own_password(ws, new_password)
    with ws.store.transaction():
        ws.store.update_user(target.id, password_hash=hash_password(new_password), must_change_password=1)
        ws.audit("user.password_reset", entity="user", entity_id=target.username)
    if target.username == ws.actor.username:
        ws.must_change_password = True


def set_user(ws: Workspace, username: str, *, role: Role | None = None, active: bool | None = None) -> UserInfo:
    ws.require(Permission.MANAGE_USERS)
    target = _user_info(ws, username)
    losing_admin = target.role is Role.ADMIN and target.active and (
        (role is not None and role is not Role.ADMIN) or active is False
    )
    if losing_admin and ws.store.count_users(ws.office.id, Role.ADMIN.value) <= 1:
        raise ServiceError("last_admin")
    changes: dict[str, object] = {}
    if role is not None and role is not target.role:
        changes["role"] = role.value
    if active is not None and active != target.active:
        changes["active"] = int(active)
    if changes:
        with ws.store.transaction():
            ws.store.update_user(target.id, **changes)
            ws.audit("user.update", entity="user", entity_id=target.username, detail=changes)
    return _user_info(ws, username)


def idle_lock_minutes(ws: Workspace) -> int:
    """Minutes without keyboard or mouse before the window locks (the office's setting)."""
    raw = ws.store.setting("lock.idle_minutes")
    try:
        minutes = int(raw) if raw else IDLE_LOCK_DEFAULT
    except ValueError:
        minutes = IDLE_LOCK_DEFAULT
    return min(max(minutes, IDLE_LOCK_MIN), IDLE_LOCK_MAX)


def set_idle_lock_minutes(ws: Workspace, minutes: int) -> None:
    ws.require(Permission.OFFICE_SETTINGS)
    if not IDLE_LOCK_MIN <= minutes <= IDLE_LOCK_MAX:
        raise ValueError(f"idle lock minutes {minutes} outside {IDLE_LOCK_MIN}..{IDLE_LOCK_MAX}")
    with ws.store.transaction():
        ws.store.set_setting("lock.idle_minutes", str(minutes))
        ws.audit("settings.idle_lock", detail={"minutes": minutes})
