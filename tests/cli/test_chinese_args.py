"""The command line's own texts (usage, --help, mistyped arguments) come out in Chinese, not argparse's English."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import EXIT_OK, EXIT_USAGE, build_parser, main
from desktop.cli.chinese_argparse import TYPE_NAMES, chinese_error, display_width, wrap

ROOT = Path(__file__).resolve().parents[2]

# What argparse would print in English; option names such as --json are not among them.
ENGLISH = re.compile(
    r"usage|positional arguments|options:|optional arguments|show this help|show program|error:|required|"
    r"invalid|unrecognized|expected|argument|ambiguous|not allowed|choose from|choices|could match",
    re.IGNORECASE,
)


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(caught.value.code or 0), out, err


def _process(*argv: str) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "desktop", *argv], capture_output=True, env=env, timeout=60,
                          check=False)
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def _run(capsys: pytest.CaptureFixture[str], how: str, *argv: str) -> tuple[int, str, str]:
    """`python -m desktop …` in a child process, or main() in this one."""
    return _process(*argv) if how == "process" else _main(capsys, *argv)


def _no_english(text: str) -> None:
    assert ENGLISH.search(text) is None, f"English in: {text}"


def _error_line(err: str, prog: str) -> str:
    """The line after the usage: `<prog>: 参数错误：…`."""
    lines = [line for line in err.splitlines() if line.startswith(f"{prog}: ")]
    assert len(lines) == 1, err
    return lines[0].removeprefix(f"{prog}: 参数错误：")


@pytest.mark.parametrize("how", ["process", "main"])
def test_top_level_help(capsys: pytest.CaptureFixture[str], how: str) -> None:
    code, out, err = _run(capsys, how, "--help")
    assert code == EXIT_OK and err == ""
    assert out.startswith("用法：laoxie [-h] [--json]")
    for part in ("位置参数：", "选项：", "-h, --help", "显示本帮助并退出", "--version", "显示版本号并退出",
                 "import", "导入企业报送的名册"):
        assert part in out
    _no_english(out)


@pytest.mark.parametrize("how", ["process", "main"])
def test_subcommand_help(capsys: pytest.CaptureFixture[str], how: str) -> None:
    argv = ("enterprise", "add", "--help")
    code, out, err = _run(capsys, how, *argv)
    assert code == EXIT_OK and err == ""
    assert out.startswith("用法：laoxie enterprise add [-h]")
    for part in ("选项：", "显示本帮助并退出", "--staff", "--json"):
        assert part in out
    _no_english(out)


@pytest.mark.parametrize("how", ["process", "main"])
@pytest.mark.parametrize(("argv", "prog", "said"), [
    (["enterprise", "add", "--name", "甲公司"], "laoxie enterprise add",
     "缺少必需的参数：--uscc、--county、--industry、--staff"),
    (["user", "set", "金经办", "--active", "是"], "laoxie user set", "参数 --active：“是”不是可选的值，可选：yes、no"),
    (["check", "91110000600037341L", "--bogus", "x"], "laoxie", "无法识别的参数：--bogus x"),
], ids=["missing required", "invalid choice", "unknown argument"])
def test_usage_errors(capsys: pytest.CaptureFixture[str], how: str, argv: list[str], prog: str, said: str) -> None:
    code, out, err = _run(capsys, how, *argv)
    assert code == EXIT_USAGE and out == ""
    assert err.startswith(f"用法：{prog} [-h]")
    assert _error_line(err, prog) == said
    _no_english(err)


@pytest.mark.parametrize("how", ["process", "main"])
@pytest.mark.parametrize("argv", [["--json", "enterprise", "add", "--name", "甲公司"],
                                  ["enterprise", "add", "--name", "甲公司", "--json"]], ids=["before", "after"])
def test_a_usage_error_of_a_json_run_is_a_json_document(capsys: pytest.CaptureFixture[str], how: str,
                                                         argv: list[str]) -> None:
    """A program that asked for JSON reads the usage error as it reads every other error."""
    code, out, err = _run(capsys, how, *argv)
    said = "laoxie enterprise add: 参数错误：缺少必需的参数：--uscc、--county、--industry、--staff"
    assert code == EXIT_USAGE and json.loads(out) == {"ok": False, "error": {"code": "usage", "message": said}}
    assert err.splitlines()[-1] == said
    code, out, err = _run(capsys, how, "enterprise", "add", "--name", "甲公司", "--", "--json")
    assert code == EXIT_USAGE and out == ""  # after "--" it is no option


def test_invalid_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(capsys, "enterprize", "list")
    assert code == EXIT_USAGE and out == ""
    line = _error_line(err, "laoxie")
    assert line.startswith("参数 命令：“enterprize”不是可选的值，可选：init、demo、gui、user、")
    assert "、enterprise、" in line
    _no_english(err)


@pytest.mark.parametrize(("argv", "prog", "said"), [
    (["--db"], "laoxie", "参数 --db：后面缺少一个值"),
    (["enterprise", "add", "--name", "甲", "--uscc", "1", "--county", "延吉市", "--industry", "工业",
      "--staff", "三百"], "laoxie enterprise add", "参数 --staff：“三百”不是有效的整数"),
    (["enterprise", "add", "--name", "甲", "--uscc", "1", "--county", "延吉市", "--industry", "工业",
      "--staff", "3", "--revenue", "很多"], "laoxie enterprise add", "参数 --revenue：“很多”不是有效的数字"),
    (["letter", "X", "--draft", "--void"], "laoxie letter", "参数 --void：不能与参数 --draft 同时使用"),
    (["roster", "hukou", "--enterprise", "X", "--id", "1"], "laoxie roster hukou",
     "必须给出以下参数之一：--checked、--exclude、--clear"),
    (["import", "名册.xlsx", "--enterprise", "X", "--d"], "laoxie import",
     "选项 --d 不完整，可能是：--db、--dry-run、--deactivate-missing"),
    (["--self-test=yes"], "laoxie", "参数 --self-test：不接受值“yes”"),
], ids=["no value", "not an integer", "not a number", "not together", "one of", "ambiguous", "no value taken"])
def test_every_kind_of_mistake_is_said_in_chinese(
    capsys: pytest.CaptureFixture[str], argv: list[str], prog: str, said: str
) -> None:
    code, out, err = _main(capsys, *argv)
    assert code == EXIT_USAGE and out == ""
    assert _error_line(err, prog) == said
    _no_english(err)


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser of every command and subcommand, the top level first."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # an alias maps to the same parser
                found += _parsers(child)
    return found


def test_every_value_type_has_a_chinese_name() -> None:
    """"“x”不是有效的整数": each type= the command line uses needs a name in TYPE_NAMES."""
    used = {getattr(action.type, "__name__", repr(action.type))
            for parser in _parsers(build_parser()) for action in parser._actions if action.type is not None}
    assert used and used <= set(TYPE_NAMES)


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_command_and_argument_is_explained_in_chinese() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 80
    unexplained = []
    for parser in parsers:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                unexplained += [f"{parser.prog} {choice.dest}" for choice in action._choices_actions
                                if not HAN.search(choice.help or "")]
                if not HAN.search(str(action.metavar or "")):
                    unexplained.append(f"{parser.prog} {action.metavar or action.dest} (the name shown for it)")
            elif action.help is not argparse.SUPPRESS:
                name = f"{parser.prog} {'/'.join(action.option_strings) or action.dest}"
                if not HAN.search(action.help or "") and action.help not in (
                        "show this help message and exit", "show program's version number and exit"):
                    unexplained.append(name)
                # What usage shows for the value: metavar, else the dest in capitals (a positional's name,
                # which the "缺少必需的参数" error names too).
                takes_value = action.nargs != 0 and action.choices is None
                if takes_value and not HAN.search(str(action.metavar or "")):
                    unexplained.append(f"{name} (the name shown for its value)")
        _no_english(parser.format_help())
    assert unexplained == []


def test_a_message_of_our_own_is_left_as_it_is() -> None:
    assert chinese_error("无法识别的县（市、区）：火星") == "无法识别的县（市、区）：火星"


def test_help_fits_an_80_column_console_and_its_column_lines_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Chinese character takes two columns: laid out by len(), usage lines ran past the console's edge
    and the help column drifted right by one column per Chinese character of `--db 数据库文件`."""
    monkeypatch.setenv("COLUMNS", "80")
    too_wide = []
    for parser in _parsers(build_parser()):
        too_wide += [line for line in parser.format_help().splitlines() if display_width(line) > 80]
    assert too_wide == []
    text = next(parser for parser in _parsers(build_parser()) if parser.prog == "laoxie import").format_help()
    options = text[text.index("选项：\n"):].splitlines()[1:]
    starts = {display_width(line[:re.search(r"\S  +(?=\S)", line).end()])  # type: ignore[union-attr]
              for line in options if re.match(r"  -.*\S  +\S", line)}
    assert len(options) > 10 and starts == {24}


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("把本命令的输出写入该文件", 10, ["把本命令的", "输出写入该", "文件"]),
    ("没有控制台的 laoxie.exe 也能用", 17, ["没有控制台的", "laoxie.exe 也能用"]),
    ("默认：第一个表，其他", 14, ["默认：第一个表，", "其他"]),  # "，" does not begin a line
    ("", 10, [""]),
], ids=["chinese", "a word kept whole", "closing punctuation", "empty"])
def test_wrap_counts_columns(text: str, width: int, lines: list[str]) -> None:
    assert wrap(text, width) == lines
