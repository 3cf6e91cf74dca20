"""Strict reading of the dated JSON data files under ``resources/``.

A loader that ignores an unknown key or fills in a missing one silently keeps
running on values nobody meant (STYLE.md 13), so every file is read with a
:class:`Reader` whose errors are ``ValueError`` naming the file and the key path
(``"…/labor_coop_2022.json: standards.micro.count.value: missing key"``).

Duplicate keys and ``NaN``/``Infinity`` are refused while parsing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any


def load_json(path: Path, what: str, *, parse_float: Callable[[str], Any] = float) -> object:
    """The parsed file; ValueError naming ``path`` when it cannot be read or parsed.

    ``what`` names the file's content in the message ("the size standard").
    ``parse_float=Decimal`` keeps decimal fractions such as 0.15 exact.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read {what}: {exc}") from exc
    return parse_json(text, path, parse_float=parse_float)


def parse_json(text: str, origin: object, *, parse_float: Callable[[str], Any] = float) -> object:
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants, parse_float=parse_float
        )
    except json.JSONDecodeError as exc:  # json's own words are English: say where, in Chinese
        raise ValueError(f"{origin}: 第 {exc.lineno} 行第 {exc.colno} 列不是合格的 JSON") from exc
    except ValueError as exc:  # ours (a duplicate key, NaN), already in Chinese
        raise ValueError(f"{origin}: {exc}") from exc


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"键 {key!r} 出现了两次")
        result[key] = value
    return result


def _no_constants(name: str) -> float:
    raise ValueError(f"不允许 {name}")


def join(where: str, key: str) -> str:
    """The key path of ``key`` inside ``where``."""
    return f"{where}.{key}" if where else key


class Reader:
    """Checks raw JSON values; every error names the file and the key path."""

    def __init__(self, origin: object) -> None:
        self.path = origin

    def fail(self, where: str, problem: str) -> ValueError:
        return ValueError(f"{self.path}: {where or '(top level)'}: {problem}")

    def obj(
        self, raw: object, where: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, object]:
        """An object with exactly ``keys`` (and perhaps some of ``optional``)."""
        if not isinstance(raw, dict):
            raise self.fail(where, "should be an object")
        for key in raw:
            if key not in keys and key not in optional:
                raise self.fail(join(where, key), "unknown key")
        for key in keys:
            if key not in raw:
                raise self.fail(join(where, key), "missing key")
        return raw

    def text(self, raw: object, where: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise self.fail(where, "should be a non-empty string")
        return raw

    def choice(self, raw: object, where: str, allowed: tuple[str, ...]) -> str:
        if raw not in allowed:
            raise self.fail(where, f"should be one of {', '.join(allowed)}, not {raw!r}")
        assert isinstance(raw, str)
        return raw

    def date(self, raw: object, where: str) -> date:
        try:
            return date.fromisoformat(self.text(raw, where))
        except ValueError:
            raise self.fail(where, f"should be a date YYYY-MM-DD, not {raw!r}") from None

    def items(self, raw: object, where: str, *, empty: bool = False) -> list[object]:
        if not isinstance(raw, list) or (not raw and not empty):
            raise self.fail(where, "should be a list" if empty else "should be a non-empty list")
        return raw

    def whole(self, raw: object, where: str, *, minimum: int = 0) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
            raise self.fail(where, f"should be a whole number >= {minimum}, not {raw!r}")
        return raw

    def decimal(self, raw: object, where: str) -> Decimal:
        """A number read with ``parse_float=Decimal`` (an int is accepted too)."""
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise self.fail(where, f"should be a number, not {raw!r}")
        return Decimal(raw)
