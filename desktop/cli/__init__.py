"""The command line: `laoxie [--db PATH] [--user NAME] COMMAND`.

Each command group lives in its own module with a `register(sub, common)`
function; those modules import the services inside the command functions, so that
building the parser (and `laoxie --help`) loads no service, store, PDF or crypto code; each command calls the same service functions as the window.
With --json a command prints one JSON document; every failure exits
non-zero with a Chinese message that says what is wrong (never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from desktop import __version__
from desktop.cli import (
    auth, batch, check, database, enterprise, keys, letter, loan, office, policy, province, review, roster,
    stats, track,
)
from desktop.cli.common import (
    EXIT_BUG, EXIT_FAILED, EXIT_OK, EXIT_USAGE, ChineseArgumentParser, UsageError, common_options,
    json_default,
)

__all__ = ["EXIT_BUG", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

COMMAND_MODULES = [office, auth, database, enterprise, check, roster, policy, keys, batch, province, review, letter,
                   loan, track, stats]


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = ChineseArgumentParser(prog="laoxie", description="劳协：劳务协作贷款企业认定工具", parents=[common])
    parser.add_argument("--version", action="version", version=f"laoxie {__version__}")
    parser.add_argument("--self-test", action="store_true", help="自检：打开数据库、加载全部资源后退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    for module in COMMAND_MODULES:
        module.register(sub, common)
    return parser


def _fail(args: argparse.Namespace, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "error": {"code": code, "message": message, **(extra or {})}},
                         ensure_ascii=False, indent=2, default=json_default))
    else:
        print(f"错误：{message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)  # --help and a usage error end here, before the log is set up
    from desktop.crash import setup_logging

    setup_logging()
    # Imported once the command is known (in _run too): `laoxie --help` and a usage error never pay for them.
    from desktop.core.oserrors import os_reason

    for name, default in (("json", False), ("db", None), ("user", None), ("output", None)):
        setattr(args, name, getattr(args, name, default))
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if args.self_test:
        handler = office.cmd_self_test
    if handler is None and getattr(sys, "frozen", False) and sys.stdout is None:
        handler = office.cmd_gui  # the windowed laoxie.exe, double-clicked: no console to print help to
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    if args.output is None:
        return _run(args, handler)
    # Everything the command prints, its errors too, goes to the file: the windowed
    # laoxie.exe has no console, and a script reads the file whatever the console did.
    try:
        stream = open(args.output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        print(f"错误：无法写入输出文件 {args.output}：{os_reason(exc)}", file=sys.stderr)
        return EXIT_FAILED
    with stream, contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        return _run(args, handler)


def _run(args: argparse.Namespace, handler: Callable[[argparse.Namespace], int]) -> int:
    from desktop.core.identifiers import IdentifierError
    from desktop.core.oserrors import os_reason
    from desktop.core.roster import RosterError
    from desktop.services.errors import ServiceError, ValidationError
    from desktop.store import StoreError

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
    except (ServiceError, StoreError, IdentifierError, RosterError) as exc:
        _fail(args, getattr(exc, "code", "error"), str(exc))
        return EXIT_FAILED
    except BrokenPipeError:  # `laoxie … | head`: the reader has had enough
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        _fail(args, "os_error", f"{exc.filename or ''} {os_reason(exc)}".strip())
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a bug (or a native panic): say so plainly, keep the details
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
