"""One change signal for the whole window: after a change every page shows the new state.

The window emits :attr:`DataEvents.changed` after each service call or
background task that changed the office's data (an enterprise saved, a
roster imported, a decision recorded, a step of the review, a letter issued
or voided, a batch exported, a receipt imported, a key made, a restore);
each page listens and reads again what it shows. Pages do not refresh one
another.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance


class Change(str, Enum):
    ENTERPRISE = "enterprise"
    ROSTER = "roster"
    APPLICATION = "application"  # registered, its form, its decision, a step of the review
    LETTER = "letter"
    BATCH = "batch"
    KEY = "key"
    EVERYTHING = "everything"  # restored from a backup


NO_ENTERPRISE = 0  # a change not about one enterprise (a batch, a key, a restore)


class DataEvents(QObject):
    changed = Signal(str, int)  # Change value, the enterprise's id (NO_ENTERPRISE when it is not about one)

    def tell(self, kind: Change, enterprise_id: int | None = None) -> None:
        """Emit :attr:`changed` (not named ``emit``: that is QObject's own, a different thing)."""
        self.changed.emit(kind.value, enterprise_id or NO_ENTERPRISE)


class DataPage(Protocol):
    """A page of the window: it announces its own changes and reads again on everyone's."""

    @property
    def data_changed(self) -> SignalInstance: ...

    def on_data_changed(self, kind: str, enterprise_id: int) -> None: ...


@contextmanager
def announcing(page: QObject) -> Iterator[None]:
    """While a page tells the window of its own change, it ignores the echo (it already shows it)."""
    page._announcing = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        page._announcing = False  # type: ignore[attr-defined]


def announce(page: QObject, kind: Change, enterprise_id: int | None = None) -> None:
    """``page.data_changed`` (which the window passes on to every page), ignoring the echo."""
    with announcing(page):
        page.data_changed.emit(kind.value, enterprise_id or NO_ENTERPRISE)  # type: ignore[attr-defined]


def is_echo(page: QObject) -> bool:
    """True while ``page`` itself is announcing: it already shows its own change."""
    return bool(getattr(page, "_announcing", False))
