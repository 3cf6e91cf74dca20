"""User-facing problem messages of the core, without Qt.

The core cannot import Qt, so every problem it reports carries a stable
``code`` (for programs, logs and tests) and a Chinese message template. The
templates are wrapped in :func:`QT_TRANSLATE_NOOP` so that ``pyside6-lupdate``
can extract them (context ``"problems"``); the UI layer translates the
template with ``QCoreApplication.translate("problems", template)`` and then
formats it with the problem's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

CONTEXT: Final = "problems"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802  marker for pyside6-lupdate
    """Mark ``text`` for translation in ``context``; returns it unchanged."""
    return text


# One string literal per template: lupdate does not join implicitly
# concatenated literals.
MESSAGES: Final[dict[str, str]] = {
    # where in a sheet a problem is (a roster, a payment list)
    "cell_where": QT_TRANSLATE_NOOP("problems", "第{row}行{column}列（{header}）：{message}"),
    "row_where": QT_TRANSLATE_NOOP("problems", "第{row}行：{message}"),
    # 公民身份号码
    "id_empty": QT_TRANSLATE_NOOP("problems", "身份证号码为空"),
    "id_stored_as_number": QT_TRANSLATE_NOOP(
        "problems",
        "身份证号码被存成了数字（{value}）：Excel 只保留 15 位有效数字，末尾几位已经丢失，无法还原。请把该列设为“文本”格式后重新录入。",
    ),
    "id_length": QT_TRANSLATE_NOOP(
        "problems", "身份证号码应为 18 位（或旧的 15 位），实际为 {length} 位"
    ),
    "id_chars": QT_TRANSLATE_NOOP(
        "problems",
        "身份证号码第 {position} 位的字符“{char}”无效：只能是数字，18 位号码的最后一位可以是 X",
    ),
    "id_birth_date": QT_TRANSLATE_NOOP(
        "problems",
        "身份证号码中的出生日期 {birth} 无效：应为 1900 年 1 月 1 日至今天之间的真实日期",
    ),
    "id_checksum": QT_TRANSLATE_NOOP(
        "problems", "身份证号码校验位错误：应为 {expected}，实际为 {actual}"
    ),
    # 统一社会信用代码
    "uscc_empty": QT_TRANSLATE_NOOP("problems", "统一社会信用代码为空"),
    "uscc_stored_as_number": QT_TRANSLATE_NOOP(
        "problems",
        "统一社会信用代码被存成了数字（{value}），末尾几位可能已经丢失。请把该列设为“文本”格式后重新录入。",
    ),
    "uscc_length": QT_TRANSLATE_NOOP(
        "problems", "统一社会信用代码应为 18 位，实际为 {length} 位"
    ),
    "uscc_chars": QT_TRANSLATE_NOOP(
        "problems",
        "统一社会信用代码第 {position} 位的字符“{char}”无效：只能是数字和除 I、O、Z、S、V 以外的大写字母",
    ),
    "uscc_checksum": QT_TRANSLATE_NOOP(
        "problems", "统一社会信用代码校验位错误：应为 {expected}，实际为 {actual}"
    ),
}


def message(code: str, **params: object) -> str:
    """The Chinese message for ``code`` with ``params`` filled in.

    Raises ``KeyError`` for an unknown code or a missing parameter: both are
    programming errors that the tests catch.
    """
    return MESSAGES[code].format(**params)


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem found by the core: a stable code plus the message parameters."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        """The Chinese message (untranslated template, formatted)."""
        return message(self.code, **self.params)
