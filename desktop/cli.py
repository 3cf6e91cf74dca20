"""The command line: `laoxie [--db PATH] COMMAND`.

Each command calls the same service functions as the window.  With --json a
command prints one JSON document; every failure exits non-zero with a
Chinese message that says what is wrong (never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.core.areas import AreaTable
from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.identifiers import IdentifierError, mask_phone
from desktop.core.size import EnterpriseSize, SizeStandard
from desktop.services import demo as demo_service
from desktop.services import enterprises as enterprise_service
from desktop.services import offices as office_service
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace, default_db_path
from desktop.store import StoreError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class UsageError(Exception):
    """A value on the command line that cannot be understood."""


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own messages stay as they are
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: 参数错误：{message}\n")


def _json_default(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps({"ok": True, **payload}, ensure_ascii=False, indent=2, default=_json_default))
    else:
        print(text)


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_db_path()


# -- value parsers ------------------------------------------------------------
def county_code(text: str) -> str:
    area = AreaTable.default().resolve(text)
    if area is None or not area.current:
        raise UsageError(f"无法识别的县（市、区）：{text}。请写 6 位代码（如 222401）或名称（如 延吉市）。")
    return area.code


def industry_code(text: str) -> str:
    for industry in SizeStandard.load().industries():
        if text.strip() in (industry.code, industry.name):
            return industry.code
    names = "、".join(f"{i.code}（{i.name}）" for i in SizeStandard.load().industries())
    raise UsageError(f"无法识别的行业：{text}。可用的行业：{names}")


def size_value(text: str) -> EnterpriseSize:
    for size in EnterpriseSize:
        if text.strip() in (size.value, size.label):
            return size
    raise UsageError(f"无法识别的企业规模：{text}。请写 micro/small/medium/large 或 微型/小型/中型/大型。")


# -- commands -----------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    office = office_service.initialise_office(
        db_path(args), county_code=county_code(args.county), name=args.office, letter_prefix=args.prefix
    )
    emit(args, {"db": db_path(args), "office": office},
         f"已建立 {office.name}（{office.code}）的数据库：{db_path(args)}")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    path = db_path(args)
    if args.replace:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    summary = demo_service.build_demo(path, seed=args.seed)
    emit(args, {"demo": summary},
         f"演示数据库已建立：{summary.path}\n单位：{summary.office}；企业 {summary.enterprises} 家，"
         f"职工 {summary.workers} 人（重点群体 {summary.priority_workers} 人），贷款申请 {summary.applications} 件。")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from desktop.ui.app import run_gui  # Qt only when a window is wanted

    return run_gui(db_path(args))


def _enterprise_record(ws: Workspace, e: Enterprise) -> dict[str, Any]:
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


def cmd_enterprise_add(args: argparse.Namespace) -> int:
    draft = EnterpriseDraft(
        name=args.name, uscc=args.uscc, county_code=county_code(args.county),
        industry=industry_code(args.industry), staff_total=args.staff,
        revenue_wan=args.revenue, assets_wan=args.assets,
        size_override=size_value(args.size) if args.size else None, size_reason=args.size_reason or "",
        contact_name=args.contact or "", contact_phone=args.phone or "", address=args.address or "",
    )
    with Workspace.open(db_path(args)) as ws:
        enterprise = enterprise_service.add_enterprise(ws, draft)
        record = _enterprise_record(ws, enterprise)
    emit(args, {"enterprise": record}, f"已登记企业：{enterprise.name}（{enterprise.uscc}）")
    return EXIT_OK


_SIZE_LABEL = {s.value: s.label for s in EnterpriseSize}


def cmd_enterprise_list(args: argparse.Namespace) -> int:
    with Workspace.open(db_path(args)) as ws:
        found = enterprise_service.list_enterprises(ws, args.search or "", limit=args.limit)
        total = enterprise_service.count_enterprises(ws, args.search or "")
        records = [_enterprise_record(ws, e) for e in found]
    lines = [f"{r['uscc']}  {_SIZE_LABEL.get(r['size'] or '', '未划型'):4}  {r['staff_total']:>6}  {r['name']}"
             for r in records]
    lines.append(f"共 {total} 家" + (f"（显示前 {len(records)} 家）" if total > len(records) else ""))
    emit(args, {"total": total, "enterprises": records}, "\n".join(lines))
    return EXIT_OK


def cmd_self_test(args: argparse.Namespace) -> int:
    from desktop.selftest import run_self_test

    report = run_self_test()
    emit(args, {"self_test": report}, "\n".join(f"{k}: {v}" for k, v in report.items()) + "\n自检通过")
    return EXIT_OK


# -- parser -------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="以 JSON 输出结果")
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help="数据库文件")

    parser = ChineseArgumentParser(prog="laoxie", description="劳协：劳务协作贷款企业认定工具", parents=[common])
    parser.add_argument("--version", action="version", version=f"laoxie {__version__}")
    parser.add_argument("--self-test", action="store_true", help="自检：打开数据库、加载全部资源后退出")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)

    p = sub.add_parser("init", parents=[common], help="首次设置本单位")
    p.add_argument("--county", required=True, help="所在县（市、区）代码或名称")
    p.add_argument("--office", required=True, help="单位名称，如 延吉市就业服务局")
    p.add_argument("--prefix", required=True, help="确认书文号前缀，如 延吉人社劳协确")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="建立演示数据库")
    p.add_argument("--replace", action="store_true", help="先删除同名的旧文件")
    p.add_argument("--seed", type=int, default=19, help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("gui", parents=[common], help="打开窗口")
    p.set_defaults(handler=cmd_gui)

    ent = sub.add_parser("enterprise", parents=[common], help="企业")
    ent_sub = ent.add_subparsers(dest="action", metavar="ACTION", parser_class=ChineseArgumentParser,
                                 required=True)
    p = ent_sub.add_parser("add", parents=[common], help="登记企业")
    p.add_argument("--name", required=True)
    p.add_argument("--uscc", required=True, help="统一社会信用代码")
    p.add_argument("--county", required=True, help="所在县（市、区）代码或名称")
    p.add_argument("--industry", required=True, help="行业代码或名称")
    p.add_argument("--staff", type=int, required=True, help="职工总数")
    p.add_argument("--revenue", type=float, help="营业收入（万元）")
    p.add_argument("--assets", type=float, help="资产总额（万元）")
    p.add_argument("--size", help="手工确定的企业规模")
    p.add_argument("--size-reason", help="手工确定规模的理由")
    p.add_argument("--contact")
    p.add_argument("--phone")
    p.add_argument("--address")
    p.set_defaults(handler=cmd_enterprise_add)
    p = ent_sub.add_parser("list", parents=[common], help="列出企业")
    p.add_argument("--search", help="按名称、代码或联系人筛选")
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(handler=cmd_enterprise_list)
    return parser


def _fail(args: argparse.Namespace, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "error": {"code": code, "message": message, **(extra or {})}},
                         ensure_ascii=False, indent=2, default=_json_default))
    else:
        print(f"错误：{message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.json = getattr(args, "json", False)
    args.db = getattr(args, "db", None)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if args.self_test:
        handler = cmd_self_test
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except UsageError as exc:
        _fail(args, "usage", str(exc))
        return EXIT_USAGE
    except ValidationError as exc:
        _fail(args, exc.code, str(exc), {"problems": [
            {"code": p.code, "field": p.params.get("field"), "message": p.text()} for p in exc.problems
        ]})
        return EXIT_FAILED
    except (ServiceError, StoreError, IdentifierError) as exc:
        _fail(args, getattr(exc, "code", "error"), str(exc))
        return EXIT_FAILED
    except OSError as exc:
        _fail(args, "os_error", f"{exc.filename or ''} {exc.strerror or exc}".strip())
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: say so plainly, keep the details in a report
        from desktop.crash import write_crash_report

        report = write_crash_report(exc)
        _fail(args, "internal", f"程序内部错误（{type(exc).__name__}）。详细报告已保存到 {report}，请交给维护人员。")
        return EXIT_BUG


def _utf8_stdio() -> None:
    """Chinese output on a Windows console or a pipe, whatever its code page."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
