"""The office that runs the tool, and who is acting in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP


class Role(str, Enum):
    CLERK = "clerk"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.CLERK: QT_TRANSLATE_NOOP("role", "经办人"),
    Role.APPROVER: QT_TRANSLATE_NOOP("role", "审核人"),
    Role.ADMIN: QT_TRANSLATE_NOOP("role", "管理员"),
}


@dataclass(frozen=True)
class Office:
    id: int
    code: str
    name: str
    kind: str  # "county" or "province"
    letter_prefix: str

    @property
    def is_province(self) -> bool:
        return self.kind == "province"

    def letter_number(self, year: int, seq: int) -> str:
        """文号 as GB/T 9704 writes it: 延吉人社劳协确〔2026〕12号."""
        return f"{self.letter_prefix}〔{year}〕{seq}号"


@dataclass(frozen=True)
class Actor:
    """Whoever performs an action: recorded with every write."""

    username: str
    user_id: int | None = None
    role: Role | None = None
    display_name: str = ""

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


MESSAGES.update({
    "office_county_unknown": QT_TRANSLATE_NOOP(
        "problems", "所在县（市、区）“{value}”不是吉林省现行的县级行政区划代码"
    ),
    "office_name_empty": QT_TRANSLATE_NOOP("problems", "请填写单位名称"),
    "office_province_unknown": QT_TRANSLATE_NOOP(
        "problems", "“{value}”不是本程序服务的省级行政区划代码（吉林省为 220000）"
    ),
    "prefix_empty": QT_TRANSLATE_NOOP("problems", "请填写确认书文号前缀，如“延吉人社劳协确”"),
    "prefix_chars": QT_TRANSLATE_NOOP("problems", "文号前缀不能含空格或括号〔〕[]【】：年份和括号由程序加上"),
    "prefix_long": QT_TRANSLATE_NOOP("problems", "文号前缀太长（最多 20 个字）"),
})

# The provinces a provincial office can be set up for: code -> name (the policy is Jilin's).
PROVINCES = {"220000": QT_TRANSLATE_NOOP("office", "吉林省")}
OFFICE_KINDS = ("county", "province")

_PREFIX_FORBIDDEN = re.compile(r"[〔〕\[\]【】\s]")


def letter_prefix_problem(prefix: str) -> str | None:
    """None when the prefix can head a 文号, else the problem code."""
    if not prefix.strip():
        return "prefix_empty"
    if _PREFIX_FORBIDDEN.search(prefix):
        return "prefix_chars"
    if len(prefix) > 20:
        return "prefix_long"
    return None
