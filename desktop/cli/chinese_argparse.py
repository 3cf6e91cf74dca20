"""argparse speaking Chinese: usage lines, help sections and the errors of a mistyped command.

argparse writes its own texts in English (``usage:``, ``options``, ``the following arguments are
required: …``).  They are Chinese here through argparse's classes rather than through gettext:
:class:`ChineseHelpFormatter` gives the usage prefix, the section headings and argparse's own help
strings (and lays help out in terminal columns, a Chinese character taking two), and
``ChineseArgumentParser.error`` (desktop.cli.common) receives argparse's finished English message
and turns it into Chinese with :func:`chinese_error`, matching it against argparse's own message
templates (:data:`ERRORS`).

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


# Characters a terminal shows two columns wide (CJK, full-width forms): argparse aligns and wraps by len().
_WIDE = "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3" \
        "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
_WIDE_CHAR = re.compile(f"[{_WIDE}]")
# A help text's pieces for wrapping: one wide character (a line may break after any), a run of other
# characters (an English word, an option name, a number), or a space.
_PIECE = re.compile(f"[{_WIDE}]|[^\\s{_WIDE}]+|\\s+")
# What must not begin a line (it stays at the end of the line before, even a column past the width).
_CLOSING = set("，。、；：！？）》」』”’…")


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: two for a Chinese character."""
    return len(text) + len(_WIDE_CHAR.findall(text))


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, Chinese broken between characters, words kept whole."""
    lines: list[str] = []
    line, used, space = "", 0, False
    for piece in _PIECE.findall(" ".join(text.split())):
        if piece.isspace():
            space = bool(line)
            continue
        size = display_width(piece)
        gap = 1 if space else 0
        if line and used + gap + size > width and piece not in _CLOSING:
            lines.append(line)
            line, used, gap = "", 0, 0
        line += " " * gap + piece
        used += gap + size
        space = False
    return [*lines, line] if line or not lines else lines


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Usage prefix, section headings and argparse's own help strings in Chinese; the help column aligned
    and help text wrapped by the columns a terminal gives Chinese characters (two each), not by len()."""

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

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        if usage is not None or not prefix:  # a usage given by hand; or the subcommands' prog ('' prefix)
            return super()._format_usage(usage, actions, groups, prefix)
        # argparse's layout (optionals, then positionals on lines of their own), wrapped in columns
        actions = list(actions)
        prog = self._prog
        optionals = self._usage_parts([a for a in actions if a.option_strings], groups, options=True)
        positionals = self._usage_parts([a for a in actions if not a.option_strings], groups, options=False)
        text_width = self._width - self._current_indent
        whole = " ".join([prog, *optionals, *positionals])
        if display_width(prefix + whole) <= text_width:
            return f"{prefix}{whole}\n\n"

        def lines_of(parts: list[str], indent: str, first_prefix: str | None = None) -> list[str]:
            lines: list[list[str]] = []
            used = display_width(first_prefix if first_prefix is not None else indent) - 1
            for part in parts:
                if lines and lines[-1] and used + 1 + display_width(part) > text_width:
                    lines.append([])
                    used = len(indent) - 1
                if not lines:
                    lines.append([])
                lines[-1].append(part)
                used += display_width(part) + 1
            texts = [indent + " ".join(line) for line in lines]
            if first_prefix is not None and texts:
                texts[0] = texts[0][len(indent):]
            return texts

        if display_width(prefix + prog) <= 0.75 * text_width:
            indent = " " * (display_width(prefix + prog) + 1)
            if optionals:
                lines = [*lines_of([prog, *optionals], indent, prefix), *lines_of(positionals, indent)]
            else:
                lines = lines_of([prog, *positionals], indent, prefix)
        else:
            indent = " " * display_width(prefix)
            lines = lines_of(optionals + positionals, indent)
            if len(lines) > 1:
                lines = [*lines_of(optionals, indent), *lines_of(positionals, indent)]
            lines = [prog, *lines]
        return prefix + "\n".join(lines) + "\n\n"

    def _usage_parts(self, actions: list[argparse.Action], groups: Iterable[argparse._MutuallyExclusiveGroup],
                     *, options: bool) -> list[str]:
        """The pieces of a usage line that wrapping keeps whole: `[--db 数据库文件]`, `--enterprise 信用代码`."""
        parts_of = getattr(self, "_get_actions_usage_parts", None)  # Python 3.13 has it
        if parts_of is not None:
            return list(parts_of(actions, groups))
        text = self._format_actions_usage(actions, groups)  # 3.11, 3.12: split the text as argparse does
        parts: list[str] = []
        for part in re.findall(r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+", text):
            if options and parts and parts[-1].startswith("-") and not part.startswith(("-", "[", "(")):
                parts[-1] += " " + part  # a required option's value stays with the option
            else:
                parts.append(part)
        return parts

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        return HELPS.get(text, text) if text is not None else None

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:  # the help column: past the widest invocation, in columns
            widths = [display_width(self._format_action_invocation(action)) + self._current_indent]
            for subaction in self._iter_indented_subactions(action):
                widths.append(display_width(self._format_action_invocation(subaction)) + self._current_indent)
            self._action_max_length = max(self._action_max_length, *widths)

    def _format_action(self, action: argparse.Action) -> str:
        # argparse's own layout (the same in 3.11 to 3.13), measured in columns instead of characters
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        help_text = self._expand_help(action) if action.help and action.help.strip() else ""
        if not help_text:
            parts = [f"{indent}{header}\n"]
        elif display_width(header) <= action_width:
            padding = " " * (action_width - display_width(header) + 2)
            parts = [f"{indent}{header}{padding}"]
        else:
            parts = [f"{indent}{header}\n", " " * help_position]
        if help_text:
            lines = self._split_lines(help_text, help_width)
            parts.append(lines[0] + "\n")
            parts += [" " * help_position + line + "\n" for line in lines[1:]]
        for subaction in self._iter_indented_subactions(action):
            parts.append(self._format_action(subaction))
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:  # argparse ends a heading with an ASCII colon up to 3.12
            text = text.replace(f"{heading}:\n", f"{heading}：\n")
        return text
