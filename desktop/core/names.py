"""How long a person's or an enterprise's name may be.

A real name fits well within these (a Chinese name has 2-4 characters, a
minority name written with "·" rarely 20; the longest registered enterprise
names are about 60 characters); anything longer is a pasted paragraph or a
crafted file, and would break every table, letter and form it reaches.
"""

from __future__ import annotations

from typing import Final

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP

MAX_PERSON_NAME: Final = 50
MAX_ENTERPRISE_NAME: Final = 100

MESSAGES.update({
    "name_too_long": QT_TRANSLATE_NOOP("problems", "姓名过长：{length} 个字，最多 {limit} 个字"),
    "enterprise_name_too_long": QT_TRANSLATE_NOOP("problems", "企业名称过长：{length} 个字，最多 {limit} 个字"),
})


def length_params(text: str, limit: int) -> dict[str, object] | None:
    """The message parameters when ``text`` is longer than ``limit`` characters, else None."""
    return {"length": len(text), "limit": limit} if len(text) > limit else None
