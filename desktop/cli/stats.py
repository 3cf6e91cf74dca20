"""`laoxie stats` (a county's own figures) and `laoxie province summary` (every county's): 统计分析 by
county and month, as text, JSON (--json) or a file (--out FILE.xlsx | FILE.pdf). One command, the
same service (desktop/services/summary.py); the database says whose figures they are.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.cli.common import EXIT_OK, emit, open_workspace


def cmd_summary(args: argparse.Namespace) -> int:
    from desktop.core.summary import COLUMNS, LOAN_COLUMNS, source_name, table_rows
    from desktop.services import summary as svc
    from desktop.services.errors import ServiceError

    with open_workspace(args) as ws:
        if args.province_only and not ws.office.is_province:
            raise ServiceError("province_only")
        result = svc.summary(ws, period_from=args.period_from, period_to=args.period_to, county=args.county)
        written = svc.export(ws, result, Path(args.out)) if args.out else None
    headers = svc.headers()
    shown = [*range(len(COLUMNS)), *range(len(headers) - len(LOAN_COLUMNS), len(headers))]  # not the groups
    lines = ["\t".join(headers[i] for i in shown)]
    lines += ["\t".join(str(row[i]) for i in shown) for row in table_rows(result)]
    if result.sources:
        lines.append("来源地（认定人数）：" + "，".join(
            f"{source_name(code)} {n}" for code, n in result.by_source()))
    if written:
        lines.append(f"已写出 {written}")
    payload: dict[str, Any] = {"office": ws.office.name, "summary": result.as_dict()}
    if written:
        payload["file"] = str(written)
    emit(args, payload, "\n".join(lines))
    return EXIT_OK


def _options(p: argparse.ArgumentParser, *, province_only: bool = False) -> None:
    p.add_argument("--from", dest="period_from", metavar="年月", help="起始月份（含），如 2026-01")
    p.add_argument("--to", dest="period_to", metavar="年月", help="截止月份（含），如 2026-12")
    p.add_argument("--county", metavar="县代码", help="只统计该县（6 位代码；省级数据库）")
    p.add_argument("--out", metavar="文件", help="导出为 .xlsx 或 .pdf 文件")
    p.set_defaults(handler=cmd_summary, province_only=province_only)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """`laoxie stats` (a county office's own figures; on a province file, every county's)."""
    _options(sub.add_parser("stats", parents=[common], help="统计分析：按月的申请、批准、认定人数、重点群体、来源地"))


def register_province(actions: Any, common: argparse.ArgumentParser) -> None:
    """`laoxie province summary`."""
    _options(actions.add_parser("summary", parents=[common], help="统计分析：各县按月的申请、批准、认定人数等"),
             province_only=True)
