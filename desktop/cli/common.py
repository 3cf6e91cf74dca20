"""What every command shares: output, the database path, value parsing, signing in."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from desktop.cli.chinese_argparse import ChineseHelpFormatter, chinese_error

if TYPE_CHECKING:
    from desktop.core.size import EnterpriseSize
    from desktop.services.workspace import Workspace

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class UsageError(Exception):
    """A value on the command line that cannot be understood."""


class ChineseArgumentParser(argparse.ArgumentParser):
    """Help and errors in Chinese (see desktop.cli.chinese_argparse); a usage error exits 2 after the usage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)

    # Whether the command line asks for JSON: a usage error is then also a JSON document on stdout,
    # as every other error of a --json run is (argparse stops before the command's own handling).
    json_errors = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if " " not in self.prog:  # the command itself, not a subcommand: it sees every argument
            listed = [str(a) for a in (sys.argv[1:] if args is None else args)]
            ChineseArgumentParser.json_errors = "--json" in listed[:listed.index("--") if "--" in listed else None]
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        said = f"{self.prog}: 参数错误：{chinese_error(message)}"
        if ChineseArgumentParser.json_errors:
            print(json.dumps({"ok": False, "error": {"code": "usage", "message": said}}, ensure_ascii=False, indent=2))
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, said + "\n")


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the command (`laoxie --json x` = `laoxie x --json`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="以 JSON 输出结果")
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="数据库文件", help="数据库文件")
    common.add_argument("--user", default=argparse.SUPPRESS, metavar="用户名",
                        help="以该用户身份操作（密码从提示输入或环境变量 LAOXIE_PASSWORD）")
    common.add_argument("--output", default=argparse.SUPPRESS, metavar="文件",
                        help="把本命令的输出和错误信息写入该文件（UTF-8），不显示在屏幕上；"
                             "没有控制台的 laoxie.exe 也能用，如 laoxie.exe --self-test --output 自检.txt")
    return common


def json_default(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class Streamed:
    """A list in a ``--json`` document that :func:`write_json` writes an item at a time, as they come."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


def write_json(payload: dict[str, Any], out: TextIO) -> None:
    """What emit() prints for ``--json``, each :class:`Streamed` list written an item at a time as it is
    produced (an item a line) instead of built into one document first: 100,000 roster rows would be held
    as objects, then as one text.  The same content as emit() prints."""
    streams: list[tuple[str, Streamed]] = []
    token = secrets.token_hex(8)

    def placeholder(value: object) -> object:
        if isinstance(value, Streamed):
            streams.append((json.dumps(f"{token}-{len(streams)}"), value))
            return f"{token}-{len(streams) - 1}"
        return json_default(value)

    text = json.dumps({"ok": True, **payload}, ensure_ascii=False, indent=2, default=placeholder)
    done = 0
    for quoted, stream in streams:
        at = text.index(quoted, done)
        line = text[text.rfind("\n", 0, at) + 1:at]
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.write(text[done:at] + "[")
        first = True
        for item in stream.items:
            out.write(("\n" if first else ",\n") + indent + "  " + json.dumps(item, ensure_ascii=False,
                                                                            default=json_default))
            first = False
        out.write("]" if first else "\n" + indent + "]")
        done = at + len(quoted)
    out.write(text[done:] + "\n")


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    if args.json:
        print(json.dumps({"ok": True, **payload}, ensure_ascii=False, indent=2, default=json_default))
    else:
        print(text)


def db_path(args: argparse.Namespace) -> Path:
    from desktop.services.workspace import default_db_path

    return Path(args.db) if args.db else default_db_path()


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The office database, acting as the user named by --user (see desktop.cli.auth)."""
    from desktop.cli.auth import signed_in_workspace

    return signed_in_workspace(args)


# -- value parsers ----------------------------------------------------------
def county_code(text: str) -> str:
    from desktop.core.areas import AreaTable

    area = AreaTable.default().resolve(text)
    if area is None or not area.current:
        raise UsageError(f"无法识别的县（市、区）：{text}。请写 6 位代码（如 222401）或名称（如 延吉市）。")
    return area.code


def industry_code(text: str) -> str:
    from desktop.core.size import SizeStandard

    industries = SizeStandard.load().industries()
    for industry in industries:
        if text.strip() in (industry.code, industry.name):
            return industry.code
    names = "、".join(f"{i.code}（{i.name}）" for i in industries)
    raise UsageError(f"无法识别的行业：{text}。可用的行业：{names}")


def size_value(text: str) -> EnterpriseSize:
    from desktop.core.size import EnterpriseSize

    for size in EnterpriseSize:
        if text.strip() in (size.value, size.label):
            return size
    raise UsageError(f"无法识别的企业规模：{text}。请写 micro/small/medium/large 或 微型/小型/中型/大型。")
