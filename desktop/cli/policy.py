"""`laoxie policy show | paired-areas add|remove | import | reset`: the office's paired-area list
(`agreements` and `lpr` are in their own modules)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.common import EXIT_OK, ChineseArgumentParser, UsageError, emit, open_workspace

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace


def county_codes(texts: list[str]) -> list[str]:
    """6-digit codes or county names; a code is taken as written (the service checks it)."""
    from desktop.core.areas import AreaTable

    areas = AreaTable.default()
    codes: list[str] = []
    for text in texts:
        text = text.strip()
        if len(text) == 6 and text.isdigit():
            codes.append(text)
            continue
        area = areas.resolve(text)
        if area is None:
            raise UsageError(f"无法识别的县（市、区）：{text}。请写 6 位代码（如 222401）或名称（如 延吉市）。")
        codes.append(area.code)
    return codes


def policy_record(ws: Workspace) -> dict[str, Any]:
    from desktop.core.policy_params import parameters
    from desktop.services import policy as policy_service
    from desktop.services.agreements import list_agreements

    state = policy_service.paired_areas_state(ws)
    areas = state.areas
    return {
        "origin": state.origin,
        "origin_label": state.origin_label,
        "changed_by": state.changed_by,
        "changed_at": state.changed_at,
        "reason": state.reason,
        "file": state.file_name,
        "ruleset_version": policy_service.office_rules(ws).version,
        "province_file": _kept_record(ws),
        "parameters": [p.to_dict() for p in parameters(policy_service.office_rules(ws))],
        "paired_areas": areas.to_dict(),
        "agreements": [
            {"id": r.id, "county": r.county_code, "reference": r.reference, "starts": r.starts, "ends": r.ends}
            for r in list_agreements(ws)
        ],
        "counties": [
            {"code": code, "name": _name(ws, code), "groups": [g.code for g in areas.groups_of(code)]}
            for code in sorted(areas.counties)
        ],
    }


def _kept_record(ws: Workspace) -> dict[str, Any] | None:
    from desktop.services.policy_file import kept_policy

    kept = kept_policy(ws)
    if kept is None:
        return None
    return {"file": kept.file_name, "version": kept.version, "title": kept.title, "source": kept.source,
            "effective_from": kept.effective_from, "fingerprint": kept.fingerprint, "imported_at": kept.at,
            "imported_by": kept.by_name, "reason": kept.reason}


def _name(ws: Workspace, code: str) -> str:
    area = ws.areas.by_code(code)
    return area.name if area else ""


def policy_text(ws: Workspace, record: dict[str, Any]) -> str:
    from desktop.core.policy_areas import PairedAreas
    from desktop.services import policy as policy_service

    areas = PairedAreas.from_dict(record["paired_areas"])
    lines = [f"对口地区名单：{areas.title}（版本 {areas.version}，{record['origin_label']}）"]
    if record["changed_at"]:
        lines.append(f"最近修改：{record['changed_at']}  {record['changed_by']}  理由：{record['reason']}")
    if record["file"]:
        lines.append(f"省厅文件：{record['file']}")
    kept = record["province_file"]
    if kept:
        lines.append(f"省厅政策文件：{kept['title']}（版本 {kept['version']}，依据 {kept['source']}，"
                     f"{kept['effective_from']}起施行）；文件 {kept['file']}，签名密钥指纹 {kept['fingerprint'][:16]}…，"
                     f"{kept['imported_at']} 由 {kept['imported_by']} 导入")
    lines.append(f"认定规则版本：{record['ruleset_version']}")
    lines += ["", "认定参数（数值、施行日期、出处）："]
    for p in record["parameters"]:
        since = f"，{p['effective_from']}起" if p["effective_from"] else ""
        lines.append(f"  {p['label']}：{p['value']}{since}")
        lines.append(f"    出处：{p['source']}")
    for group in areas.groups:
        lines.append("")
        lines.append(f"[{group.code}] {group.name}（{len(group.counties)} 个）")
        if group.note:
            lines.append(f"  说明：{group.note}")
        names = [policy_service.county_label(ws, code) for code in group.counties]
        lines.append("  " + ("、".join(names) if names else "（暂无）"))
    lines += ["", f"共 {len(areas.counties)} 个县（市、区）"]
    if record["agreements"]:
        lines += ["", f"本单位登记的劳务协作协议 {len(record['agreements'])} 份（登记了协议的输出地只在协议期内计入）："]
        for a in record["agreements"]:
            lines.append(f"  [{a['id']}] {policy_service.county_label(ws, a['county'])}  {a['reference']}"
                         f"  {a['starts']}至{a['ends'] or '长期'}")
        lines.append("  （按日期查看：laoxie policy agreements list --on YYYY-MM-DD）")
    return "\n".join(lines)


def _show(args: argparse.Namespace, ws: Workspace, headline: str = "") -> None:
    record = policy_record(ws)
    text = policy_text(ws, record)
    emit(args, {"policy": record}, f"{headline}\n\n{text}" if headline else text)


def cmd_show(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        _show(args, ws)
    return EXIT_OK


def _reason(args: argparse.Namespace) -> str:
    if not (args.reason or "").strip():
        raise UsageError("修改对口地区名单须用 --reason 写明理由。")
    return str(args.reason)


def cmd_add(args: argparse.Namespace) -> int:
    from desktop.services import policy as policy_service

    codes = county_codes(args.codes)
    reason = _reason(args)
    with open_workspace(args) as ws:
        policy_service.add_counties(ws, codes, reason, args.group)
        _show(args, ws, "已加入：" + "、".join(policy_service.county_label(ws, c) for c in codes))
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from desktop.services import policy as policy_service

    codes = county_codes(args.codes)
    reason = _reason(args)
    with open_workspace(args) as ws:
        policy_service.remove_counties(ws, codes, reason, args.group)
        _show(args, ws, "已移除：" + "、".join(policy_service.county_label(ws, c) for c in codes))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.services import policy_file

    path = Path(args.file)
    with open_workspace(args) as ws:
        found = policy_file.import_policy_file(ws, path, args.reason or "")
        what = "、".join(w for w, present in (("认定标准", found.labor), ("对口地区名单", found.paired)) if present)
        _show(args, ws, f"已导入省厅签名的政策文件 {path.name}：{found.title}（版本 {found.version}，{found.source}，"
                        f"{found.effective_from}起施行），更新{what}；签名密钥指纹 {found.fingerprint[:16]}…")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.cli.keys import read_passphrase
    from desktop.services import policy_file

    if not args.sign:
        raise UsageError("省厅政策文件必须签名写出：请加 --sign（用本单位解密密钥的口令签名）。")
    if not args.labor and not args.paired:
        raise UsageError("请用 --labor FILE 和/或 --paired FILE 给出要下发的认定标准或对口地区名单。")
    with open_workspace(args) as ws:
        out = policy_file.write_policy_file(
            ws, Path(args.out), version=args.version, title=args.title, source=args.source,
            effective_from=args.effective_from, labor=Path(args.labor) if args.labor else None,
            paired=Path(args.paired) if args.paired else None,
            passphrase=read_passphrase("本单位解密密钥的口令（用于签名）："))
    emit(args, {"file": str(out)}, f"已签名写出省厅政策文件：{out}")
    return EXIT_OK


def cmd_reset(args: argparse.Namespace) -> int:
    from desktop.services import policy as policy_service

    with open_workspace(args) as ws:
        policy_service.reset_paired_areas(ws, args.reason or "")
        _show(args, ws, "已恢复程序自带的默认名单")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    pol = sub.add_parser("policy", parents=[common], help="认定政策参数（对口地区名单）")
    pol_sub = pol.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                 required=True)
    p = pol_sub.add_parser("show", parents=[common], help="显示对口地区名单和认定规则版本")
    p.set_defaults(handler=cmd_show)

    paired = pol_sub.add_parser("paired-areas", parents=[common], help="修改对口地区名单")
    paired_sub = paired.add_subparsers(dest="paired_action", metavar="操作", parser_class=ChineseArgumentParser,
                                       required=True)
    for name, handler, help_text in (
        ("add", cmd_add, "加入县（市、区）"), ("remove", cmd_remove, "移除县（市、区）"),
    ):
        p = paired_sub.add_parser(name, parents=[common], help=help_text)
        p.add_argument("codes", nargs="+", metavar="县", help="县级代码（如 222401）或名称")
        p.add_argument("--reason", metavar="理由", help="修改理由（必填）")
        p.add_argument("--group", metavar="组代码", help="名单中的组代码（加入时默认为本单位增补组；移除时默认为所有组）")
        p.set_defaults(handler=handler)

    from desktop.cli import agreements, lpr

    agreements.register(pol_sub, common)
    lpr.register(pol_sub, common)

    p = pol_sub.add_parser("import", parents=[common], help="导入省厅签名的政策文件（核验签名后更新认定参数）")
    p.add_argument("file", metavar="文件", help="省厅签名的政策文件")
    p.add_argument("--reason", metavar="理由", help="理由（默认：导入省厅政策文件及其依据）")
    p.set_defaults(handler=cmd_import)

    p = pol_sub.add_parser("export", parents=[common], help="（省级）签名写出政策文件，供各县导入")
    p.add_argument("--sign", action="store_true", help="用本单位密钥签名（必填）")
    p.add_argument("--out", required=True, metavar="文件", help="写出的文件")
    p.add_argument("--labor", metavar="文件", help="认定标准文件（与程序自带的 labor_coop_2022.json 同一格式）")
    p.add_argument("--paired", metavar="文件", help="对口地区名单文件（与 paired_areas.json 同一格式）")
    p.add_argument("--version", metavar="版本", required=True, help="政策文件的版本，如 2027.1")
    p.add_argument("--title", metavar="名称", required=True, help="政策文件的名称")
    p.add_argument("--source", metavar="依据", required=True, help="依据的文件，如 吉人社联〔2027〕5号")
    p.add_argument("--effective-from", dest="effective_from", required=True, metavar="日期", help="施行日期")
    p.set_defaults(handler=cmd_export)

    p = pol_sub.add_parser("reset", parents=[common], help="恢复程序自带的默认名单")
    p.add_argument("--reason", metavar="理由", help="理由（默认：恢复程序自带的默认名单）")
    p.set_defaults(handler=cmd_reset)
