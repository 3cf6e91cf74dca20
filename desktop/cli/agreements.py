"""`laoxie policy agreements list | add | end`: the office's labor-cooperation agreements (劳务协作协议)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop.cli.check import review_date
from desktop.cli.common import EXIT_OK, ChineseArgumentParser, emit, open_workspace

if TYPE_CHECKING:
    from desktop.services.agreements import CountyStanding

_STATE_WORDS = {"in_force": "协议有效", "expired": "协议已到期", "not_started": "协议尚未生效"}


def standing_text(standing: CountyStanding) -> str:
    """汪清县（222424）  协议有效（协议 2024-03，2024-01-01至2026-12-31） — one line a county."""
    if standing.local:
        return f"{standing.label}  本地（户籍在本县的人员属本地就业，不计入）"
    if standing.status is None:
        return f"{standing.label}  按省厅名单计入（未登记协议期限）"
    agreement = standing.status.agreement
    ends = agreement.ends.isoformat() if agreement.ends else "长期"
    counted = "计入" if standing.paired else "不计入"
    return (f"{standing.label}  {_STATE_WORDS[standing.status.state]}，{counted}"
            f"（{agreement.reference}，{agreement.starts.isoformat()}至{ends}）")


def _record(standing: CountyStanding) -> dict[str, Any]:
    return {
        "code": standing.code, "label": standing.label, "on_list": standing.on_list, "paired": standing.paired,
        "state": standing.status.state if standing.status else "list",
        "agreements": [
            {"id": r.id, "reference": r.reference, "starts": r.starts, "ends": r.ends, "note": r.note,
             "created_by": r.created_by, "created_at": r.created_at, "ended_by": r.ended_by,
             "ended_at": r.ended_at}
            for r in standing.agreements
        ],
    }


def _list(args: argparse.Namespace, ws: Any, headline: str = "") -> None:
    from desktop.services.agreements import standings

    day = review_date(args.on) if getattr(args, "on", None) else date.today()
    found = standings(ws, day)
    lines = [headline, ""] if headline else []
    lines.append(f"劳务协作对口地区（{day.isoformat()}）：")
    for standing in found:
        lines.append("  " + standing_text(standing))
        for row in standing.agreements:
            ends = row.ends or "长期"
            lines.append(f"      [{row.id}] {row.reference}  {row.starts}至{ends}"
                         + (f"  说明：{row.note}" if row.note else ""))
    paired = sum(1 for s in found if s.paired)
    lines.append(f"共 {len(found)} 个县（市、区），{day.isoformat()} 计入的 {paired} 个")
    emit(args, {"on": day.isoformat(), "counties": [_record(s) for s in found]}, "\n".join(lines))


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        _list(args, ws)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from desktop.cli.policy import county_codes
    from desktop.services.agreements import add_agreement, period_text

    (code,) = county_codes([args.county])
    with open_workspace(args) as ws:
        row = add_agreement(ws, code, args.reference, review_date(args.starts),
                            review_date(args.ends) if args.ends else None, args.note or "")
        _list(args, ws, f"已登记协议 [{row.id}] {row.reference}（{period_text(row.starts, row.ends)}）")
    return EXIT_OK


def cmd_end(args: argparse.Namespace) -> int:
    from desktop.services.agreements import end_agreement, period_text

    with open_workspace(args) as ws:
        row = end_agreement(ws, args.id, review_date(args.ends))
        _list(args, ws, f"已终止协议 [{row.id}] {row.reference}（{period_text(row.starts, row.ends)}）")
    return EXIT_OK


def register(pol_sub: Any, common: argparse.ArgumentParser) -> None:
    agreements = pol_sub.add_parser("agreements", parents=[common], help="本单位的劳务协作协议（输出地、文号、期限）")
    sub = agreements.add_subparsers(dest="agreements_action", metavar="操作", parser_class=ChineseArgumentParser,
                                    required=True)
    p = sub.add_parser("list", parents=[common], help="列出对口地区及协议，并说明某日是否计入")
    p.add_argument("--on", metavar="日期", help="按哪一天判断（默认今天）")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("add", parents=[common], help="登记一份劳务协作协议")
    p.add_argument("county", metavar="县", help="输出地县级代码（全国 GB/T 2260，如 231084）或吉林省内名称")
    p.add_argument("--ref", metavar="文号", dest="reference", required=True, help="协议文号或名称")
    p.add_argument("--from", dest="starts", required=True, metavar="日期", help="协议起始日")
    p.add_argument("--to", dest="ends", metavar="日期", help="协议终止日（含当日；不填为长期）")
    p.add_argument("--note", metavar="说明", help="说明")
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("end", parents=[common], help="终止一份协议（给出最后有效日）")
    p.add_argument("id", type=int, metavar="编号", help="协议编号（见 list）")
    p.add_argument("--on", dest="ends", required=True, metavar="日期",
                   help="协议最后有效的一天")
    p.set_defaults(handler=cmd_end)
