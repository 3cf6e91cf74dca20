"""One person counts once per enterprise: which rows of a roster name the same person.

The decision keeps, of the rows that share a (normalised) ID number, the first
row that qualifies, else the first row, and marks the others 名册内重复. A
roster of a million rows is grouped here without holding a million ID numbers
as strings: a number in the 18-character form (17 digits and a digit or X) is
packed into one 8-byte integer, which is exact (two keys share a packed value
only if they are the same text); anything else (an invalid number kept as it
was written) is grouped by its text, as there are few of them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from itertools import pairwise

from desktop.core.messages import Problem

__all__ = ["duplicate_marks", "repeated_rows"]


def _packed(key: str) -> int:
    """The key as a non-negative integer when it has the 18-character form, else -1."""
    if len(key) == 18 and key.isascii() and key[:17].isdigit():
        last = key[17]
        if last.isdigit():
            return int(key[:17]) * 11 + int(last)
        if last == "X":
            return int(key[:17]) * 11 + 10
    return -1


def repeated_rows(numbers: Iterable[str], key: Callable[[str], str] | None = None, *,
                  compact: bool = False) -> list[list[int]]:
    """The row indexes (0-based, in roster order) of every person that more than one row names.

    ``key`` gives the person of an ID number as written (the normalised number,
    or the text of an invalid one); it is asked only of numbers not in the
    18-character form, as such a number is its own key whether valid or not.
    ``compact``: for a roster read a block at a time (a million rows), hold a
    packed integer a row instead of its number; slower for a small roster.
    """
    if compact:
        return _repeated_packed(numbers, key)
    first_of: dict[str, int] = {}
    groups: dict[str, list[int]] = {}
    for index, number in enumerate(numbers):
        if key is not None and _packed(number) < 0:
            number = key(number)
        first = first_of.setdefault(number, index)
        if first != index:
            groups.setdefault(number, [first]).append(index)
    return list(groups.values())


def _repeated_packed(numbers: Iterable[str], key: Callable[[str], str] | None) -> list[list[int]]:
    packed = array("q")
    others: dict[str, list[int]] = {}
    for index, number in enumerate(numbers):
        code = _packed(number)
        if code < 0 and key is not None:
            number = key(number)
            code = _packed(number)
        if code < 0:
            others.setdefault(number, []).append(index)
        packed.append(code)
    ordered = sorted(packed)
    repeated = {a for a, b in pairwise(ordered) if a == b and a >= 0}
    del ordered
    groups: dict[int, list[int]] = {}
    if repeated:
        for index, code in enumerate(packed):
            if code in repeated:
                groups.setdefault(code, []).append(index)
    return [*groups.values(), *(rows for rows in others.values() if len(rows) > 1)]


def duplicate_marks(groups: Iterable[list[int]], counts: Callable[[int], bool]) -> dict[int, Problem]:
    """The 名册内重复 reason of every row not kept: in each group the first row that would count
    (``counts(index)``, before duplicates are looked at) is kept, else the group's first row."""
    marks: dict[int, Problem] = {}
    for rows in groups:
        keep = next((i for i in rows if counts(i)), rows[0])
        mark = Problem("duplicate_person", {"first": keep + 1})
        marks.update((i, mark) for i in rows if i != keep)
    return marks
