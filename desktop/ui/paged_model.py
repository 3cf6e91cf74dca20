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
        self._counted = True  # False: the first page was full and the rest are not counted yet
        self._fetching = False

    # -- what a subclass provides ---------------------------------------------
    def _query_first(self) -> tuple[int | None, list[Row]]:
        """(how many rows the query matches, or None when a full first page left them uncounted;
        the first page)."""
        raise NotImplementedError

    def _query_page(self, offset: int) -> list[Row]:
        """The page that starts at `offset`."""
        raise NotImplementedError

    def _on_reload(self) -> None:
        """Forget what belongs to the old rows (caches, unmasked rows)."""

    # -- the mechanism ---------------------------------------------------------
    @property
    def total(self) -> int:
        """How many rows match the query (fetched or not); while not :attr:`counted`, the rows
        fetched so far (at least that many match)."""
        return self._total

    @property
    def counted(self) -> bool:
        return self._counted

    def set_count(self, total: int) -> None:
        """The count a view ran apart (in the background) for a query whose first page was full."""
        self._total, self._counted = max(total, len(self._rows)), True

    def reload(self) -> None:
        """Query again from the first page."""
        self.beginResetModel()
        self._on_reload()
        total, self._rows = self._query_first()
        self._counted = total is not None
        self._total = len(self._rows) if total is None else total
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008 - Qt's API
        return not parent.isValid() and (len(self._rows) < self._total or not self._counted)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self._fetching:  # a view may ask again while rows are being inserted
            return
        page = self._query_page(len(self._rows))
        if not page:  # the end (or rows were deleted meanwhile): stop asking
            self._total, self._counted = len(self._rows), True
            return
        first = len(self._rows)
        self._fetching = True
        try:
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            if not self._counted:
                self._total = len(self._rows)
            self.endInsertRows()
        finally:
            self._fetching = False

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)
