"""`laoxie province …`: the province's register, identity conflicts, duplicates and rulings, notices
for the counties, and the list for 省开行; `laoxie batch notice FILE` is the county's side.

ID numbers are shown masked (first 6 + last 4), in the text and the JSON alike.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli import stats
from desktop.cli.common import EXIT_OK, ChineseArgumentParser, UsageError, emit, open_workspace

if TYPE_CHECKING:
    from desktop.store.province import Duplicate

PASSPHRASE_ENV = "LAOXIE_BANK_PASSPHRASE"
_RESULT = {"pass": "符合", "fail": "不符合", None: "—"}


def cmd_enterprises(args: argparse.Namespace) -> int:
    from desktop.core.identifiers import mask_phone
    from desktop.services import province as svc

    with open_workspace(args) as ws:
        rows = svc.register(ws, county=args.county, status=args.status, period=args.period, search=args.search or "")
    lines = [f"{r.county_name} {r.enterprise_name} {r.uscc} {_RESULT.get(r.result, r.result)}"
             f" 认定 {r.qualifying_count if r.qualifying_count is not None else '—'} 人"
             f" {r.letter_number or '（无确认书）'} {r.verification_code}" for r in rows]
    shown = [{**r.__dict__, "contact_phone": mask_phone(r.contact_phone)} for r in rows]  # the bank list has it in full
    emit(args, {"enterprises": shown, "total": len(rows)}, "\n".join(lines + [f"共 {len(rows)} 件申请"]))
    return EXIT_OK


def _side(side: Any) -> dict[str, Any]:
    return {"employment_id": side.employment_id, "county_code": side.county_code, "county_name": side.county_name,
            "enterprise": side.enterprise_name, "uscc": side.uscc, "contract_start": side.contract_start,
            "contract_end": side.contract_end, "letter_number": side.letter_number,
            "verification_code": side.verification_code}


def _duplicate(d: Duplicate) -> dict[str, Any]:
    from desktop.core.identifiers import mask_id

    return {"key": f"{d.key[0]}-{d.key[1]}", "id_number": mask_id(d.id_number), "name": d.name,
            "a": _side(d.a), "b": _side(d.b), "overlap": [d.overlap_start, d.overlap_end],
            "ruling": None if d.ruling is None else {"ruling": d.ruling.ruling, "reason": d.ruling.reason,
                                                     "by": d.ruling.ruled_by, "at": d.ruling.ruled_at}}


def cmd_duplicates(args: argparse.Namespace) -> int:
    from desktop.core.identifiers import mask_id
    from desktop.services import province as svc

    with open_workspace(args) as ws:
        found = svc.duplicates(ws)
        conflicts = svc.identity_conflicts(ws)
    lines = []
    for d in found:
        lines.append(f"[{d.key[0]}-{d.key[1]}] {d.name} {mask_id(d.id_number)}  重叠 {d.overlap_start}～{d.overlap_end}")
        for tag, s in (("甲", d.a), ("乙", d.b)):
            lines.append(f"  {tag}：{s.county_name} {s.enterprise_name}（{s.uscc}）合同 {s.contract_start or '—'}"
                         f"～{s.contract_end or '无固定期限'} 确认书 {s.letter_number or '—'} {s.verification_code}")
        lines.append("  裁定：" + (f"{svc.RULINGS[d.ruling.ruling]}（{d.ruling.reason}，{d.ruling.ruled_by}）"
                                   if d.ruling else "未裁定"))
    for c in conflicts:
        lines.append(f"身份不一致 [{c.id}] {mask_id(c.id_number)}：{c.known.county_name} 报为“{c.known.name}”"
                     f"{' ' + c.known.birth_date if c.known.birth_date else ''}，{c.arriving.county_name}"
                     f" 报为“{c.arriving.name}”{' ' + c.arriving.birth_date if c.arriving.birth_date else ''}"
                     f"（{c.batch_file}）")
    lines.append(f"重复计入 {len(found)} 人次（未裁定 {sum(d.ruling is None for d in found)}），身份不一致 {len(conflicts)} 人")
    emit(args, {"duplicates": [_duplicate(d) for d in found], "identity_conflicts": [
        {"id": c.id, "id_number": mask_id(c.id_number), "known": c.known, "arriving": c.arriving,
         "batch_file": c.batch_file, "found_at": c.found_at} for c in conflicts]}, "\n".join(lines))
    return EXIT_OK


def _key(text: str) -> tuple[int, int]:
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise UsageError(f"重复记录的编号“{text}”不对：请照 `laoxie province duplicates` 列出的写，如 12-57。")
    return int(parts[0]), int(parts[1])


def cmd_rule(args: argparse.Namespace) -> int:
    from desktop.services import province as svc

    key = _key(args.key)
    with open_workspace(args) as ws:
        ruling_id = svc.rule(ws, key, args.ruling, args.reason)
    emit(args, {"ruling_id": ruling_id, "key": args.key, "ruling": args.ruling},
         f"已裁定 {args.key}：{svc.RULINGS[args.ruling]}")
    return EXIT_OK


def cmd_settle(args: argparse.Namespace) -> int:
    from desktop.services import province as svc

    with open_workspace(args) as ws:
        svc.settle_identity(ws, args.conflict, args.name, args.reason)
    emit(args, {"conflict": args.conflict, "name": args.name}, f"已核实：第 {args.conflict} 条身份不一致，姓名为 {args.name}")
    return EXIT_OK


def cmd_notice(args: argparse.Namespace) -> int:
    from desktop.cli.keys import read_passphrase
    from desktop.services import province as svc

    with open_workspace(args) as ws:
        path = svc.write_notice(ws, args.county, Path(args.out), read_passphrase("本单位解密密钥的口令（用于签名）："))
    emit(args, {"file": path}, f"已写出裁定通知 {path}（已用省级签名密钥签名）；请连同回执一并交给该县。")
    return EXIT_OK


def cmd_bank_list(args: argparse.Namespace) -> int:
    from desktop.services import bank_list as svc

    recipient = args.age_recipient
    passphrase = None if recipient else os.environ.get(PASSPHRASE_ENV, "")
    chosen = passphrase == ""
    if chosen:
        passphrase = "-".join(secrets.token_hex(2) for _ in range(4))
    with open_workspace(args) as ws:
        result = svc.bank_list(ws, args.period, Path(args.out), passphrase=passphrase, age_recipient=recipient)
    how = (f"用 age 加密给开行的公钥（指纹 {result.recipient}），开行用其私钥解开：age -d -i 私钥文件 文件 > 名单.zip"
           if result.protection == svc.AGE else "AES-256 加密的 ZIP，7-Zip、WinRAR 可打开")
    text = f"已写出 {result.path}：企业 {result.rows} 家，确认书 PDF {result.letters} 份（{how}）\nSHA-256 {result.sha256}"
    if result.missing_letters:
        text += f"\n注意：以下确认书没有 PDF 原件：{'、'.join(result.missing_letters)}"
    if result.protection == svc.AES_ZIP:
        text += f"\n压缩包密码：{passphrase}（请电话告知开行经办人，不要与文件一同发送）" if chosen else \
            f"\n压缩包密码为环境变量 {PASSPHRASE_ENV} 的值。"
    emit(args, {"bank_list": result, **({"passphrase": passphrase} if chosen else {})}, text)
    return EXIT_OK


def cmd_bank_key(args: argparse.Namespace) -> int:
    from desktop.cli.keys import read_key_file
    from desktop.services import bank_list as svc

    found: svc.BankRecipient | None
    with open_workspace(args) as ws:
        if args.key:
            text = read_key_file(args.key)
            found = svc.register_recipient(ws, text, name=args.name or svc.DEFAULT_BANK_NAME,
                                           confirm=args.fingerprint)
            done = "已登记"
        else:
            found = svc.recipient(ws)
            done = "已登记的"
    if found is None:
        emit(args, {"bank_key": None}, "开行还没有登记 age 公钥。")
    else:
        emit(args, {"bank_key": found}, f"{done}开行公钥：{found.name} {found.recipient}\n指纹 {found.digits}"
             f"（{found.fingerprint}）\n登记人 {found.registered_by}，{found.registered_at}")
    return EXIT_OK


def cmd_import_notice(args: argparse.Namespace) -> int:
    from desktop.core.identifiers import mask_id
    from desktop.services import province as svc

    with open_workspace(args) as ws:
        taken = svc.import_notice(ws, Path(args.file))
        rulings = svc.county_rulings(ws)
    lines = [f"{mask_id(r.id_number)} {r.name}：{'计入本县' if r.counts_here else '不计入本县'}"
             f"（另一方 {r.other_office} {r.other_enterprise}；理由：{r.reason}）" for r in rulings]
    emit(args, {"new": taken, "rulings": [{**r.__dict__, "id_number": mask_id(r.id_number)} for r in rulings]},
         "\n".join([f"新收到裁定 {taken} 条；全部裁定："] + lines))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    province = sub.add_parser("province", parents=[common], help="省级：企业汇总、重复人员、裁定、报送省开行")
    actions = province.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                      required=True)
    p = actions.add_parser("enterprises", parents=[common], help="各县报送的企业（认定、确认书）")
    p.add_argument("--county", metavar="县代码", help="只列该县（6 位代码）")
    p.add_argument("--status", metavar="状态", help="申请状态，如 approved、issued")
    p.add_argument("--period", metavar="年月", help="批准的年月，如 2026-11")
    p.add_argument("--search", metavar="文字", help="企业名称、信用代码、文号或核验码")
    p.set_defaults(handler=cmd_enterprises)
    p = actions.add_parser("duplicates", parents=[common], help="两家企业重复计入的人员，以及身份不一致的人员")
    p.set_defaults(handler=cmd_duplicates)
    p = actions.add_parser("rule", parents=[common], help="裁定一条重复记录（审核人）")
    p.add_argument("key", metavar="编号", help="duplicates 列出的编号，如 12-57")
    p.add_argument("ruling", metavar="裁定", help="not_duplicate 不属重复；a_only 只计甲；b_only 只计乙")
    p.add_argument("--reason", metavar="理由", required=True, help="裁定理由")
    p.set_defaults(handler=cmd_rule)
    p = actions.add_parser("settle", parents=[common], help="核实一条身份不一致（审核人）")
    p.add_argument("conflict", type=int, metavar="编号", help="duplicates 列出的身份不一致编号")
    p.add_argument("--name", metavar="姓名", required=True, help="核实后的姓名")
    p.add_argument("--reason", metavar="理由", required=True, help="如何核实的，如：与两县电话核对身份证")
    p.set_defaults(handler=cmd_settle)
    p = actions.add_parser("notice", parents=[common], help="写出发给某县的裁定通知（用本单位密钥签名）")
    p.add_argument("--county", required=True, metavar="县代码", help="县级代码，如 222401")
    p.add_argument("--out", required=True, metavar="文件夹或文件", help="通知写入的文件夹或文件")
    p.set_defaults(handler=cmd_notice)
    p = actions.add_parser("bank-list", parents=[common], help="报送省开行：某月批准的企业名单和确认书（加密 ZIP 或 age）")
    p.add_argument("--period", required=True, metavar="年月", help="批准的年月，如 2026-11")
    p.add_argument("--out", required=True, metavar="文件夹", help="写入的文件夹（如 U 盘）")
    p.add_argument("--age-recipient", metavar="age1…或registered",
                   help="用 age 加密给开行：开行的公钥，或 registered（开行已登记的公钥）；不写则为加密压缩包")
    p.set_defaults(handler=cmd_bank_list)
    p = actions.add_parser("bank-key", parents=[common], help="登记或查看开行的 age 公钥（管理员）")
    p.add_argument("key", nargs="?", metavar="age1…或文件", help="开行的公钥或公钥文件；不写则显示已登记的")
    p.add_argument("--name", metavar="名称", help="开行的名称（默认 国家开发银行吉林省分行）")
    p.add_argument("--fingerprint", metavar="指纹", help="开行电话告知的指纹数字，核对后才登记")
    p.set_defaults(handler=cmd_bank_key)
    stats.register_province(actions, common)


def register_county(batch_sub: Any, common: argparse.ArgumentParser) -> None:
    """`laoxie batch notice FILE` (county)."""
    p = batch_sub.add_parser("notice", parents=[common], help="县：导入省里的重复人员裁定通知")
    p.add_argument("file", metavar="文件", help="省里的裁定通知文件")
    p.set_defaults(handler=cmd_import_notice)
