"""argparse speaking Chinese: usage lines, help sections and the errors of a mistyped command.

argparse writes its own texts in English (``usage:``, ``options``, ``the following arguments are
required: …``).  They are Chinese here through two documented hooks of argparse rather than through
gettext: the help formatter (its usage prefix, section headings and help strings) and
``ArgumentParser.error`` (desktop.cli.common.ChineseArgumentParser), which receives argparse's finished English message and is translated
by matching it against argparse's own message templates (:data:`ERRORS`).

Why not a gettext catalogue: argparse calls the global ``gettext.gettext`` (the default domain
``messages``, not an ``argparse`` domain), which picks its catalogue from the LANGUAGE/LC_ALL/LANG
environment variables — absent on a Windows desktop, so it would mean setting them for the process
(and every child it starts) and claiming the process-wide default domain.  Replacing
``argparse._`` would depend on a private name.  The templates below are the same in Python 3.11,
3.12 and 3.13 (the Windows build runs 3.13, the development venv 3.11); a test runs every kind of
mistake through the command line and fails if English comes back.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from typing import Any

USAGE_PREFIX = "用法："

# Section headings argparse gives its argument groups (3.9 said "optional arguments").
HEADINGS = {
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "subcommands": "子命令",
}

# Help strings argparse supplies itself (-h, --version).
HELPS = {
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
}

# Names of the value types (type=...) in "invalid %(type)s value"; a test checks every type the
# command line uses has one.
TYPE_NAMES = {"int": "整数", "float": "数字"}

# argparse's error templates (its gettext msgids) and what to say instead.  A template with fewer
# placeholders is tried first ("expected one argument" before "expected %s argument").
ERRORS = {
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选的值，可选：%(choices)s",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的%(type)s",
    "expected one argument": "后面缺少一个值",
    "expected at most one argument": "后面最多只能跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "expected %s argument": "后面要跟 %s 个值",
    "expected %s arguments": "后面要跟 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不完整，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "ignored explicit argument %r": "不接受值“%s”",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有“%(parser_name)s”这个命令，可用的命令：%(choices)s",
}

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?([sr])")


def _pattern(template: str) -> tuple[re.Pattern[str], list[tuple[str, str]]]:
    """A regular expression matching what `template % values` gives, and its (name, conversion) list."""
    parts: list[str] = []
    names: list[tuple[str, str]] = []
    at = 0
    for found in _PLACEHOLDER.finditer(template):
        name = found.group(1) or f"p{len(names)}"
        parts.append(re.escape(template[at:found.start()]) + f"(?P<{name}>.*?)")
        names.append((name, found.group(2)))
        at = found.end()
    parts.append(re.escape(template[at:]))
    return re.compile("".join(parts), re.DOTALL), names


# Templates whose %s is a list argparse joined: the separator it used.
LISTS = {"the following arguments are required: %s": ", ", "one of the arguments %s is required": " "}

_Matcher = tuple[re.Pattern[str], list[tuple[str, str]], str, str | None]
_MATCHERS: list[_Matcher] | None = None


def _matchers() -> list[_Matcher]:
    global _MATCHERS  # built on the first error only: `laoxie --help` does not pay for it
    if _MATCHERS is None:
        ordered = sorted(ERRORS.items(), key=lambda item: len(_PLACEHOLDER.findall(item[0])))
        _MATCHERS = [(*_pattern(english), chinese, LISTS.get(english)) for english, chinese in ordered]
    return _MATCHERS


def _unquote(text: str) -> str:
    """'甲' -> 甲: a value argparse showed with repr(), as the clerk typed it."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        import ast

        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        return value if isinstance(value, str) else text
    return text


def _listed(text: str, separator: str) -> str:
    return "、".join(_unquote(item) for item in text.split(separator))


def chinese_error(message: str) -> str:
    """argparse's English error message in Chinese (unchanged if it is none of argparse's own)."""
    for pattern, names, chinese, separator in _matchers():
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values: dict[str, str] = {}
        for name, conversion in names:
            value = found.group(name)
            if name == "message":
                value = chinese_error(value)
            elif name == "type":
                value = TYPE_NAMES.get(value, value)
            elif name in ("choices", "matches"):
                value = _listed(value, ", ")
            elif separator is not None:
                value = _listed(value, separator)
            elif conversion == "r":
                value = _unquote(value)
            values[name] = value
        if names and names[0][0] == "p0":  # a template with unnamed placeholders (%s)
            return chinese % tuple(values.values())
        return chinese % values
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Usage prefix, section headings and argparse's own help strings in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headings: list[str] = []

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, USAGE_PREFIX if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        heading = HEADINGS.get(heading, heading) if heading is not None else None
        if heading is not None:
            self._headings.append(heading)
        super().start_section(heading)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        return HELPS.get(text, text) if text is not None else None

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:  # argparse ends a heading with an ASCII colon up to 3.12
            text = text.replace(f"{heading}:\n", f"{heading}：\n")
        return text
