"""`laoxie keys …`: this office's key, the other side's public keys, fingerprints for the phone.

The key's passphrase is typed twice at a prompt that does not echo, or taken
from the environment variable LAOXIE_KEY_PASSPHRASE (scripts, tests).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, ChineseArgumentParser, UsageError, emit, open_workspace

if TYPE_CHECKING:
    from desktop.services.keys import KeyInfo

PASSPHRASE_ENV = "LAOXIE_KEY_PASSPHRASE"


def read_passphrase(prompt: str = "密钥口令：", *, confirm: bool = False) -> str:
    from desktop.services import keys as key_service

    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"需要密钥口令：请在提示时输入，或设置环境变量 {PASSPHRASE_ENV}。")
    first = getpass.getpass(prompt)
    if confirm:
        key_service.check_passphrase(first, getpass.getpass("再输入一次密钥口令："))
    return first


def key_record(info: KeyInfo) -> dict[str, Any]:
    return {
        "purpose": info.purpose, "label": info.label, "office_code": info.office_code,
        "office_name": info.office_name, "public_key": info.public_key, "fingerprint": info.fingerprint.sha256,
        "fingerprint_digits": info.fingerprint.digits, "fingerprint_grouped": info.fingerprint.grouped,
        "since": info.since, "retired_at": info.retired_at,
    }


def key_text(info: KeyInfo) -> str:
    retired = f"（{info.retired_at} 起停用）" if info.retired_at else ""
    return (f"{info.office_name}（{info.office_code}）{info.label}{retired}\n"
            f"  电话核对：{info.fingerprint.digits}\n  分组指纹：{info.fingerprint.grouped}\n"
            f"  {info.fingerprint.sha256}")


def cmd_create(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        passphrase = read_passphrase("新密钥的口令（至少 8 个字符）：", confirm=True)
        info = key_service.create_key(ws, passphrase, replace=args.replace)
    emit(args, {"key": key_record(info)},
         key_text(info) + "\n已生成。请导出公钥交给对方，并在电话中核对上面的数字；再用 keys export-private 备份私钥。")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        own = key_service.own_keys(ws)
        peers = key_service.peer_keys(ws, include_retired=args.all)
    shown_own = own if args.all else [k for k in own if k.retired_at is None]
    lines = ["本单位密钥："] + ([key_text(k) for k in shown_own] or ["  （尚未生成）"])
    lines += ["对方公钥："] + ([key_text(k) for k in peers] or ["  （尚未登记）"])
    emit(args, {"own": [key_record(k) for k in shown_own], "peers": [key_record(k) for k in peers]},
         "\n".join(lines))
    return EXIT_OK


def cmd_export_public(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        path = key_service.export_public_key(ws, Path(args.out))
        info = key_service.own_key(ws)
    assert info is not None
    emit(args, {"file": path, "key": key_record(info)}, f"公钥已写入 {path}\n{key_text(info)}")
    return EXIT_OK


def cmd_export_private(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        path = key_service.export_private_key(ws, Path(args.out))
    emit(args, {"file": path},
         f"私钥（已用口令加密）已写入 {path}。请与口令分开妥善保管；用 age -d 输入口令可打开。")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        info = key_service.restore_private_key(ws, Path(args.file), read_passphrase())
    emit(args, {"key": key_record(info)}, "已恢复：\n" + key_text(info))
    return EXIT_OK


def read_key_file(value: str) -> str:
    from desktop.core.oserrors import os_reason
    from desktop.services.errors import ServiceError

    path = Path(value)
    if value.startswith(("age1", "ssh-")) and not path.exists():
        return value
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ServiceError("batch_read_failed", path=value, detail=os_reason(exc)) from exc


def cmd_import_province(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        info = key_service.import_province_key(ws, read_key_file(args.file), office_code=args.code,
                                               office_name=args.name, confirm=args.fingerprint)
    emit(args, {"key": key_record(info)}, "已导入省级加密公钥：\n" + key_text(info)
         + ("" if args.fingerprint else "\n请与省里电话核对上面的数字。"))
    return EXIT_OK


def cmd_register_county(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        info = key_service.register_county_key(ws, read_key_file(args.file), office_code=args.code,
                                               office_name=args.name, confirm=args.fingerprint)
    emit(args, {"key": key_record(info)}, "已登记县级签名公钥：\n" + key_text(info)
         + ("" if args.fingerprint else "\n请与该县电话核对上面的数字。"))
    return EXIT_OK


def cmd_allowed_signers(args: argparse.Namespace) -> int:
    from desktop.services import keys as key_service

    with open_workspace(args) as ws:
        path = key_service.export_allowed_signers(ws, Path(args.out))
    emit(args, {"file": path}, f"已写入 {path}（供 ssh-keygen -Y verify 使用）")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    keys = sub.add_parser("keys", parents=[common], help="报送批次的密钥：生成、导出、登记、核对指纹")
    keys_sub = keys.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                   required=True)
    p = keys_sub.add_parser("create", parents=[common], help="生成本单位密钥（县：签名密钥；省：加密密钥）")
    p.add_argument("--replace", action="store_true", help="已有密钥时换用新密钥（对方须重新登记）")
    p.set_defaults(handler=cmd_create)
    p = keys_sub.add_parser("show", parents=[common], help="显示密钥和指纹")
    p.add_argument("--all", action="store_true", help="也显示已停用的密钥")
    p.set_defaults(handler=cmd_show)
    p = keys_sub.add_parser("export-public", parents=[common], help="导出本单位公钥（交给对方）")
    p.add_argument("--out", required=True, metavar="文件", help="公钥写入的文件")
    p.set_defaults(handler=cmd_export_public)
    p = keys_sub.add_parser("export-private", parents=[common], help="导出私钥备份（仍由口令加密）")
    p.add_argument("--out", required=True, metavar="文件", help="私钥备份写入的文件")
    p.set_defaults(handler=cmd_export_private)
    p = keys_sub.add_parser("restore", parents=[common], help="从私钥备份恢复本单位密钥")
    p.add_argument("file", metavar="文件", help="私钥备份文件")
    p.set_defaults(handler=cmd_restore)
    for name, handler, text in (
        ("import-province", cmd_import_province, "县：导入省级加密公钥"),
        ("register-county", cmd_register_county, "省：登记县级签名公钥"),
    ):
        p = keys_sub.add_parser(name, parents=[common], help=text)
        p.add_argument("file", metavar="文件", help="公钥文件（或公钥本身）")
        p.add_argument("--code", metavar="单位代码", help="对方单位代码（公钥文件未写明时）")
        p.add_argument("--name", metavar="单位名称", help="对方单位名称（公钥文件未写明时）")
        p.add_argument("--fingerprint", metavar="指纹", help="电话中核对的指纹；不符则不登记")
        p.set_defaults(handler=handler)
    p = keys_sub.add_parser("allowed-signers", parents=[common], help="省：导出 ssh-keygen 用的 allowed_signers 文件")
    p.add_argument("--out", required=True, metavar="文件", help="写出的 allowed_signers 文件")
    p.set_defaults(handler=cmd_allowed_signers)
