"""`laoxie db check|backup|restore`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.auth import credentials
from desktop.cli.common import EXIT_FAILED, EXIT_OK, ChineseArgumentParser, db_path, emit, open_workspace


def cmd_check(args: argparse.Namespace) -> int:
    from desktop.services.dbcheck import check_workspace, parse_fingerprint

    noted = [parse_fingerprint(text) for text in args.anchor or ()]
    with open_workspace(args) as ws:
        report = check_workspace(ws, noted)
    lines = [f"已检查：{'、'.join(report.checked)}；操作日志 {report.audit_entries} 条；"
             f"与 {report.anchors} 个库外记录核对"]
    lines += [f"问题：{f.text()}" for f in report.findings] or ["未发现问题"]
    lines.append(f"数据库指纹：{report.fingerprint}（请抄下保存，日后用 --anchor 核对）")
    if args.json:
        emit(args, {"check": report.as_dict()}, "")
    else:
        print("\n".join(lines))
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    from desktop.services import backups

    with open_workspace(args) as ws:
        made = backups.make_backup(ws, "manual", to=Path(args.to) if args.to else None)
    text = f"已备份并校验：{made.path}（{made.size // 1024} KB）"
    if made.mirror_error:
        text += f"\n注意：复制到第二备份文件夹失败：{made.mirror_error}"
    emit(args, {"backup": {"path": made.path, "size": made.size, "taken_at": made.taken_at.isoformat(),
                           "mirror_error": made.mirror_error}}, text)
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from desktop.services import backups, recovery
    from desktop.store import StoreError

    try:
        ws = open_workspace(args)
    except StoreError as exc:
        if not recovery.needs_recovery(exc):
            raise
        return _restore_damaged(args)
    with ws:
        safety = backups.restore(ws, Path(args.backup))
    emit(args, {"restored": args.backup, "safety_copy": safety.path},
         f"已从 {args.backup} 恢复。恢复前的数据另存为：{safety.path}")
    return EXIT_OK


def _restore_damaged(args: argparse.Namespace) -> int:
    """The file does not open: sign in to the backup as its admin, keep the damaged file aside."""
    from desktop.services import recovery
    from desktop.services.dbcheck import TABLE_LABELS
    from desktop.services.workspace import window_lock

    user, password = credentials(args, "用户 {user} 的密码（备份中的账户）：")
    lock: Any = window_lock(db_path(args))  # nobody may have the file open while it is moved aside
    try:
        done = recovery.restore_damaged(db_path(args), Path(args.backup), user, password)
    finally:
        lock.release()
    done.workspace.close()
    report = done.salvage
    lines = [f"已从 {args.backup} 恢复。损坏的文件保留为：{done.damaged_kept_as}（未删除）"]
    if report is not None:
        lines.append(f"损坏文件中仍可读出的数据另存为：{report.path}（{sum(report.copied.values())} 行）")
        if report.unreadable:
            lines.append("未能完整读出的表：" + "、".join(TABLE_LABELS.get(t, t) for t in sorted(report.unreadable)))
    emit(args, {"restored": args.backup, "damaged_kept_as": done.damaged_kept_as,
                "salvage": {"path": report.path, "copied": report.copied, "unreadable": report.unreadable}
                if report else None}, "\n".join(lines))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", parents=[common], help="数据库：检查、备份、恢复")
    db_sub = db.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser, required=True)
    p = db_sub.add_parser("check", parents=[common], help="检查数据库（有问题时返回非零）")
    p.add_argument("--anchor", action="append", metavar="指纹",
                   help="与以前记下的数据库指纹核对（形如 1234:3f9a-77c2-01bd，可重复）")
    p.set_defaults(handler=cmd_check)
    p = db_sub.add_parser("backup", parents=[common], help="立即备份（经校验）")
    p.add_argument("--to", metavar="文件夹", help="备份到此文件夹（如 U 盘）")
    p.set_defaults(handler=cmd_backup)
    p = db_sub.add_parser("restore", parents=[common], help="从备份恢复（管理员）")
    p.add_argument("backup", metavar="备份文件", help="备份文件")
    p.set_defaults(handler=cmd_restore)
