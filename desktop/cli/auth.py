"""Signing in on the command line: --user NAME (or LAOXIE_USER), the password
from LAOXIE_PASSWORD or typed at a prompt that does not echo.

A password for someone else (``user add``, ``user reset``) or a new one of
your own (``user passwd``) never comes from LAOXIE_PASSWORD, which is the
signed-in user's: it is typed at a prompt, taken from LAOXIE_NEW_PASSWORD, or
made up with --generate and shown once.  A user signed in with such a first
or reset password may run nothing but ``user passwd`` until they change it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, ChineseArgumentParser, db_path, emit, UsageError

if TYPE_CHECKING:
    from desktop.core.office import Role
    from desktop.services.workspace import Workspace

PASSWORD_ENV = "LAOXIE_PASSWORD"
NEW_PASSWORD_ENV = "LAOXIE_NEW_PASSWORD"
USER_ENV = "LAOXIE_USER"


def _interactive() -> bool:
    return bool(sys.stdin) and sys.stdin.isatty()


def read_password(prompt: str, *, user: str, confirm: bool = False) -> str:
    from desktop.services.errors import ServiceError

    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not _interactive():
        raise ServiceError("password_required", user=user)
    import getpass

    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再输入一次：") != first:
        raise UsageError("两次输入的密码不一致")
    return first


def read_new_password(prompt: str, *, generate: bool = False) -> tuple[str, bool]:
    """(the password, whether it was generated): --generate, LAOXIE_NEW_PASSWORD or a prompt typed twice."""
    from desktop.services import accounts

    from_env = os.environ.get(NEW_PASSWORD_ENV)
    if generate and from_env:
        raise UsageError(f"--generate 与环境变量 {NEW_PASSWORD_ENV} 只能用一个")
    if generate:
        return accounts.new_temporary_password(), True
    if from_env:
        return from_env, False
    if not _interactive():
        raise UsageError(f"请给出新密码：在提示时输入，设置环境变量 {NEW_PASSWORD_ENV}，或加 --generate 生成一个"
                         f"（不会使用当前用户的 {PASSWORD_ENV}）")
    import getpass

    first = getpass.getpass(prompt)
    if getpass.getpass("再输入一次：") != first:
        raise UsageError("两次输入的密码不一致")
    return first, False


def credentials(args: argparse.Namespace, prompt: str = "用户 {user} 的密码：") -> tuple[str, str]:
    """The user named by --user (or LAOXIE_USER) and their password."""
    from desktop.services.errors import ServiceError

    user = args.user or os.environ.get(USER_ENV)
    if not user:
        raise ServiceError("user_required")
    return user, read_password(prompt.format(user=user), user=user)


def _sign_in(args: argparse.Namespace) -> tuple[Workspace, str]:
    from desktop.services import accounts

    user, password = credentials(args)
    return accounts.sign_in(db_path(args), user, password), password


def signed_in_workspace(args: argparse.Namespace) -> Workspace:
    from desktop.services.errors import ServiceError

    ws, _password = _sign_in(args)
    if ws.must_change_password:
        name = ws.actor.username
        ws.close()
        raise ServiceError("password_change_required", user=name)
    return ws


def new_demo_password() -> tuple[str, bool]:
    """The demo users' password: LAOXIE_PASSWORD, or a new one to print."""
    given = os.environ.get(PASSWORD_ENV)
    import secrets

    return (given, False) if given else (secrets.token_urlsafe(9), True)


def _role(text: str) -> Role:
    from desktop.core.office import Role

    roles = {r.value: r for r in Role} | {r.label: r for r in Role}
    if text not in roles:
        raise UsageError(f"无法识别的角色：{text}。请写 clerk、approver 或 admin。")
    return roles[text]


def _shown_once(password: str, generated: bool) -> str:
    return f"\n临时密码（只显示这一次，请当面告诉本人）：{password}" if generated else ""


def cmd_user_add(args: argparse.Namespace) -> int:
    from desktop.core.permissions import Permission
    from desktop.services import accounts

    role = _role(args.role)
    with signed_in_workspace(args) as ws:
        ws.require(Permission.MANAGE_USERS)  # before asking for a password
        password, generated = read_new_password(f"新用户 {args.name} 的初始密码：", generate=args.generate)
        info = accounts.add_user(ws, args.name, role, password, args.display_name or "")
    payload: dict[str, Any] = {"user": info} | ({"password": password} if generated else {})
    emit(args, payload, f"已添加用户 {info.username}（{info.role.label}），首次登录时须修改密码。"
         + _shown_once(password, generated))
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace) -> int:
    """Your own password; the only command a user with a temporary password may run."""
    from desktop.services import accounts

    ws, old = _sign_in(args)
    with ws:
        new, _generated = read_new_password(f"用户 {ws.actor.username} 的新密码：")
        accounts.change_password(ws, old, new)
        name = ws.actor.username
    emit(args, {"user": name}, f"用户 {name} 的密码已修改。")
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    from desktop.core.permissions import Permission
    from desktop.services import accounts

    with signed_in_workspace(args) as ws:
        ws.require(Permission.MANAGE_USERS)
        password, generated = read_new_password(f"用户 {args.name} 的临时密码：", generate=args.generate)
        accounts.reset_password(ws, args.name, password)
    payload: dict[str, Any] = {"user": args.name} | ({"password": password} if generated else {})
    emit(args, payload, f"已为用户 {args.name} 重设密码，他下次登录时须修改。" + _shown_once(password, generated))
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    with signed_in_workspace(args) as ws:
        users = accounts.list_users(ws)
    lines = [f"{u.username:16} {u.role.label:4} {'在用' if u.active else '停用'}"
             f"{'（须修改密码）' if u.must_change_password else ''}  {u.display_name}" for u in users]
    emit(args, {"users": users}, "\n".join(lines))
    return EXIT_OK


def cmd_user_set(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    role = _role(args.role) if args.role else None
    active = None if args.active is None else args.active == "yes"
    with signed_in_workspace(args) as ws:
        info = accounts.set_user(ws, args.name, role=role, active=active)
    emit(args, {"user": info}, f"用户 {info.username}：{info.role.label}，{'在用' if info.active else '停用'}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    user = sub.add_parser("user", parents=[common], help="用户（管理员）")
    user_sub = user.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                   required=True)
    p = user_sub.add_parser("add", parents=[common], help="添加用户")
    p.add_argument("name", metavar="登录名", help="登录名")
    p.add_argument("--role", metavar="角色", required=True, help="clerk（经办人）、approver（审核人）或 admin（管理员）")
    p.add_argument("--display-name", metavar="姓名", help="姓名")
    p.add_argument("--generate", action="store_true", help="生成初始密码并显示一次（否则在提示时输入或取自 LAOXIE_NEW_PASSWORD）")
    p.set_defaults(handler=cmd_user_add)
    p = user_sub.add_parser("passwd", parents=[common], help="修改自己的密码（新密码在提示时输入或取自 LAOXIE_NEW_PASSWORD）")
    p.set_defaults(handler=cmd_user_passwd)
    p = user_sub.add_parser("reset", parents=[common], help="为用户重设临时密码，他下次登录时须修改（管理员）")
    p.add_argument("name", metavar="登录名", help="登录名")
    p.add_argument("--generate", action="store_true", help="生成临时密码并显示一次")
    p.set_defaults(handler=cmd_user_reset)
    p = user_sub.add_parser("list", parents=[common], help="列出用户")
    p.set_defaults(handler=cmd_user_list)
    p = user_sub.add_parser("set", parents=[common], help="修改角色或停用")
    p.add_argument("name", metavar="登录名", help="登录名")
    p.add_argument("--role", metavar="角色", help="新的角色：clerk（经办人）、approver（审核人）或 admin（管理员）")
    p.add_argument("--active", choices=["yes", "no"], help="yes 启用，no 停用")
    p.set_defaults(handler=cmd_user_set)
