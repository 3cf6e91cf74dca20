"""`laoxie policy lpr list | add | remove`: the LPR table the loan check compares with (shipped and office-added)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop.cli.check import review_date
from desktop.cli.common import EXIT_OK, ChineseArgumentParser, emit, open_workspace


def _list(args: argparse.Namespace, ws: Any, headline: str = "") -> None:
    from desktop.services.lpr import lpr_entries

    entries = lpr_entries(ws)
    lines = [headline, ""] if headline else []
    lines.append("贷款市场报价利率（LPR，%）：生效日期  1年期  5年期以上  来源  出处")
    for entry in reversed(entries):
        rate = entry.rate
        origin = f"本单位添加（{entry.by_name}）" if entry.office else "随程序发布"
        lines.append(f"  {rate.effective_from.isoformat()}  {rate.one_year}  {rate.five_year}  {origin}  {rate.source}")
    emit(args, {"rates": [
        {"effective_from": e.rate.effective_from.isoformat(), "one_year": str(e.rate.one_year),
         "five_year": str(e.rate.five_year), "source": e.rate.source, "office": e.office, "by_name": e.by_name,
         "at": e.at}
        for e in entries]}, "\n".join(lines))


def cmd_list(args: argparse.Namespace) -> int:
    with open_workspace(args) as ws:
        _list(args, ws)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from desktop.services.lpr import add_lpr

    day = review_date(args.day)
    with open_workspace(args) as ws:
        rate = add_lpr(ws, day, args.one_year, args.five_year, args.source or "")
        _list(args, ws, f"已添加 {day.isoformat()} 起施行的LPR：1年期 {rate.one_year}%，5年期以上 {rate.five_year}%")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from desktop.services.lpr import remove_lpr

    day = review_date(args.day)
    with open_workspace(args) as ws:
        remove_lpr(ws, day)
        _list(args, ws, f"已删除本单位添加的 {day.isoformat()} 起施行的LPR")
    return EXIT_OK


def register(pol_sub: Any, common: argparse.ArgumentParser) -> None:
    lpr = pol_sub.add_parser("lpr", parents=[common], help="LPR 利率表（贷款利率与同期LPR对照）")
    sub = lpr.add_subparsers(dest="lpr_action", metavar="操作", parser_class=ChineseArgumentParser, required=True)
    p = sub.add_parser("list", parents=[common], help="列出随程序发布和本单位添加的报价")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("add", parents=[common], help="添加新公布的报价（管理员）")
    p.add_argument("day", metavar="生效日期", help="报价施行日期，如 2026-06-22")
    p.add_argument("--one-year", dest="one_year", required=True, metavar="利率", help="1年期LPR（%%），如 3.00")
    p.add_argument("--five-year", dest="five_year", required=True, metavar="利率", help="5年期以上LPR（%%），如 3.50")
    p.add_argument("--source", metavar="出处", help="出处，如 2026年6月22日贷款市场报价利率公告")
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser("remove", parents=[common], help="删除本单位添加的报价（如录入有误；管理员）")
    p.add_argument("day", metavar="生效日期", help="要删除的报价的施行日期")
    p.set_defaults(handler=cmd_remove)
