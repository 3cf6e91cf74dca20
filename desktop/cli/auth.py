"""Signing in on the command line: --user NAME (or LAOXIE_USER), the password
from LAOXIE_PASSWORD or typed at a prompt that does not echo."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from typing import Any

from desktop.cli.common import EXIT_OK, ChineseArgumentParser, db_path, emit, UsageError
from desktop.core.office import Role
from desktop.services import accounts
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace

PASSWORD_ENV = "LAOXIE_PASSWORD"
USER_ENV = "LAOXIE_USER"


def read_password(prompt: str, *, user: str, confirm: bool = False) -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not sys.stdin or not sys.stdin.isatty():
        raise ServiceError("password_required", user=user)
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("再输入一次：") != first:
        raise UsageError("两次输入的密码不一致")
    return first


def credentials(args: argparse.Namespace, prompt: str = "用户 {user} 的密码：") -> tuple[str, str]:
    """The user named by --user (or LAOXIE_USER) and their password."""
    user = args.user or os.environ.get(USER_ENV)
    if not user:
        raise ServiceError("user_required")
    return user, read_password(prompt.format(user=user), user=user)


def signed_in_workspace(args: argparse.Namespace) -> Workspace:
    user, password = credentials(args)
    return accounts.sign_in(db_path(args), user, password)


def new_demo_password() -> tuple[str, bool]:
    """The demo users' password: LAOXIE_PASSWORD, or a new one to print."""
    given = os.environ.get(PASSWORD_ENV)
    return (given, False) if given else (secrets.token_urlsafe(9), True)


def cmd_user_add(args: argparse.Namespace) -> int:
    role = {r.value: r for r in Role} | {r.label: r for r in Role}
    if args.role not in role:
        raise UsageError(f"无法识别的角色：{args.role}。请写 clerk、approver 或 admin。")
    with signed_in_workspace(args) as ws:
        password = read_password(f"新用户 {args.name} 的初始密码：", user=args.name, confirm=True)
        info = accounts.add_user(ws, args.name, role[args.role], password, args.display_name or "")
    emit(args, {"user": info}, f"已添加用户 {info.username}（{info.role.label}）")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    with signed_in_workspace(args) as ws:
        users = accounts.list_users(ws)
    lines = [f"{u.username:16} {u.role.label:4} {'在用' if u.active else '停用'}  {u.display_name}" for u in users]
    emit(args, {"users": users}, "\n".join(lines))
    return EXIT_OK


def cmd_user_set(args: argparse.Namespace) -> int:
    role = {r.value: r for r in Role} | {r.label: r for r in Role}
    if args.role and args.role not in role:
        raise UsageError(f"无法识别的角色：{args.role}。请写 clerk、approver 或 admin。")
    active = None if args.active is None else args.active == "yes"
    with signed_in_workspace(args) as ws:
        info = accounts.set_user(ws, args.name, role=role[args.role] if args.role else None, active=active)
    emit(args, {"user": info}, f"用户 {info.username}：{info.role.label}，{'在用' if info.active else '停用'}")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    user = sub.add_parser("user", parents=[common], help="用户（管理员）")
    user_sub = user.add_subparsers(dest="action", metavar="ACTION", parser_class=ChineseArgumentParser,
                                   required=True)
    p = user_sub.add_parser("add", parents=[common], help="添加用户")
    p.add_argument("name")
    p.add_argument("--role", required=True, help="clerk（经办人）、approver（审核人）或 admin（管理员）")
    p.add_argument("--display-name", help="姓名")
    p.set_defaults(handler=cmd_user_add)
    p = user_sub.add_parser("list", parents=[common], help="列出用户")
    p.set_defaults(handler=cmd_user_list)
    p = user_sub.add_parser("set", parents=[common], help="修改角色或停用")
    p.add_argument("name")
    p.add_argument("--role")
    p.add_argument("--active", choices=["yes", "no"])
    p.set_defaults(handler=cmd_user_set)
