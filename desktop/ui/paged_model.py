"""Large tables are queries, not lists (STYLE.md 4): the one paging mechanism.

A model keeps the rows fetched so far and the total the query matches; the
view asks for more as it scrolls (canFetchMore / fetchMore), a page at a
time.  Subclasses say how to ask the database; the guard against a view
re-entering fetchMore while rows are being inserted lives here once.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._total = 0
        self._fetching = False

    # -- what a subclass provides ---------------------------------------------
    def _query_first(self) -> tuple[int, list[Row]]:
        """(how many rows the query matches, the first page)."""
        raise NotImplementedError

    def _query_page(self, offset: int) -> list[Row]:
        """The page that starts at `offset`."""
        raise NotImplementedError

    def _on_reload(self) -> None:
        """Forget what belongs to the old rows (caches, unmasked rows)."""

    # -- the mechanism ---------------------------------------------------------
    @property
    def total(self) -> int:
        """How many rows match the query (fetched or not)."""
        return self._total

    def reload(self) -> None:
        """Query again from the first page."""
        self.beginResetModel()
        self._on_reload()
        self._total, self._rows = self._query_first()
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008 - Qt's API
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self._fetching:  # a view may ask again while rows are being inserted
            return
        page = self._query_page(len(self._rows))
        if not page:  # rows were deleted meanwhile: stop asking
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        finally:
            self._fetching = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)
