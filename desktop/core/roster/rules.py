"""What both paths of the row checks share: values parsed once per distinct cell, and small rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from desktop.core.roster_values import OPEN_ENDED_WORDS, TASK_WORDS, CellValueError, squeezed
from desktop.core.workers import ContractType

MISS: Final = object()
SLOW: Final = object()  # a cell with something to say: the row goes through RowChecker.check
CACHE_LIMIT: Final = 50_000


def cached(cache: dict[object, object], raw: object, parser: Callable[[object], object]) -> object:
    """The parsed value, or the CellValueError; text is parsed once per distinct value.

    Cells are str, float, int, date, datetime, time, timedelta or bool, all
    hashable; a bool equals 1 or 0 as a dict key but parses differently, so
    it is never cached.
    """
    if type(raw) is not bool:
        found = cache.get(raw, MISS)
        if found is not MISS:
            return found
    try:
        found = parser(raw)
    except CellValueError as exc:
        found = exc
    if len(cache) < CACHE_LIMIT and type(raw) is not bool:
        try:
            cache[raw] = found
        except TypeError:
            pass
    return found


def names_kind(text: str) -> ContractType | None:
    """The contract kind a word in a date column names ("长期", "以完成一定工作任务为期限")."""
    compact = squeezed(text)
    if any(word in compact for word in TASK_WORDS):
        return ContractType.TASK
    if any(word in compact for word in OPEN_ENDED_WORDS):
        return ContractType.OPEN_ENDED
    return None


def amount_text(amount: float) -> str:
    return f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"
