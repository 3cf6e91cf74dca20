"""`laoxie enterprise add|list`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop.cli.common import (
    EXIT_OK, ChineseArgumentParser, county_code, emit, industry_code, open_workspace, size_value,
)
from desktop.core.size import EnterpriseSize

if TYPE_CHECKING:
    from desktop.core.enterprise import Enterprise
    from desktop.services.workspace import Workspace

_SIZE_LABEL = {s.value: s.label for s in EnterpriseSize}


def enterprise_record(ws: Workspace, e: Enterprise) -> dict[str, Any]:
    from desktop.core.identifiers import mask_phone
    from desktop.services import enterprises as enterprise_service

    size = enterprise_service.enterprise_size(ws, e)
    area = ws.areas.by_code(e.county_code)
    return {
        "id": e.id, "name": e.name, "uscc": e.uscc, "county_code": e.county_code,
        "county": area.name if area else "", "industry": e.industry, "staff_total": e.staff_total,
        "revenue_wan": e.revenue_wan, "assets_wan": e.assets_wan,
        "size": size.size.value if size else None, "size_manual": size.manual if size else False,
        "size_reason": e.size_reason, "contact_name": e.contact_name,
        "contact_phone": mask_phone(e.contact_phone), "address": e.address,
    }


def cmd_add(args: argparse.Namespace) -> int:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services import enterprises as enterprise_service

    draft = EnterpriseDraft(
        name=args.name, uscc=args.uscc, county_code=county_code(args.county),
        industry=industry_code(args.industry), staff_total=args.staff,
        revenue_wan=args.revenue, assets_wan=args.assets,
        size_override=size_value(args.size) if args.size else None, size_reason=args.size_reason or "",
        contact_name=args.contact or "", contact_phone=args.phone or "", address=args.address or "",
    )
    with open_workspace(args) as ws:
        enterprise = enterprise_service.add_enterprise(ws, draft)
        record = enterprise_record(ws, enterprise)
    emit(args, {"enterprise": record}, f"已登记企业：{enterprise.name}（{enterprise.uscc}）")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from desktop.services import enterprises as enterprise_service

    with open_workspace(args) as ws:
        found = enterprise_service.list_enterprises(ws, args.search or "", limit=args.limit)
        total = enterprise_service.count_enterprises(ws, args.search or "")
        records = [enterprise_record(ws, e) for e in found]
    lines = [f"{r['uscc']}  {_SIZE_LABEL.get(r['size'] or '', '未划型'):4}  {r['staff_total']:>6}  {r['name']}"
             for r in records]
    lines.append(f"共 {total} 家" + (f"（显示前 {len(records)} 家）" if total > len(records) else ""))
    emit(args, {"total": total, "enterprises": records}, "\n".join(lines))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    ent = sub.add_parser("enterprise", parents=[common], help="企业")
    ent_sub = ent.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                 required=True)
    p = ent_sub.add_parser("add", parents=[common], help="登记企业")
    p.add_argument("--name", metavar="企业名称", required=True, help="企业名称")
    p.add_argument("--uscc", metavar="信用代码", required=True, help="统一社会信用代码")
    p.add_argument("--county", metavar="县", required=True, help="所在县（市、区）代码或名称")
    p.add_argument("--industry", metavar="行业", required=True, help="行业代码或名称")
    p.add_argument("--staff", metavar="人数", type=int, required=True, help="职工总数")
    p.add_argument("--revenue", metavar="万元", type=float, help="营业收入（万元）")
    p.add_argument("--assets", metavar="万元", type=float, help="资产总额（万元）")
    p.add_argument("--size", metavar="规模", help="手工确定的企业规模")
    p.add_argument("--size-reason", metavar="理由", help="手工确定规模的理由")
    p.add_argument("--contact", metavar="联系人", help="联系人")
    p.add_argument("--phone", metavar="电话", help="联系电话")
    p.add_argument("--address", metavar="地址", help="地址")
    p.set_defaults(handler=cmd_add)
    p = ent_sub.add_parser("list", parents=[common], help="列出企业")
    p.add_argument("--search", metavar="文字", help="按名称、代码或联系人筛选")
    p.add_argument("--limit", metavar="数量", type=int, default=1000, help="最多列出多少家（默认 1000）")
    p.set_defaults(handler=cmd_list)
