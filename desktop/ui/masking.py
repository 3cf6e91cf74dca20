"""Personal data in tables: masked by default, shown in full row by row.

A model keeps an :class:`UnmaskedRows` for the rows whose numbers its user
has asked to see; asking goes through ``privacy.unmask``, which refuses a
user without the right and records who saw what (the row ids, never the
numbers).  The set is emptied whenever the model queries again, so a new
search starts masked.  The enterprise list uses it for phones; the roster
view will use it for ID numbers (entity "person").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from desktop.services.privacy import unmask
from desktop.services.workspace import Workspace


class UnmaskedRows:
    def __init__(self, entity: str) -> None:
        self.entity = entity
        self._ids: set[int] = set()

    def __contains__(self, row_id: object) -> bool:
        return row_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def reveal(self, ws: Workspace, row_ids: Iterable[int], purpose: str) -> None:
        """Show these rows in full from now on; ServiceError("forbidden") for a user without the right."""
        ids = sorted(set(row_ids))
        unmask(ws, purpose=purpose, subjects=[str(i) for i in ids], entity=self.entity)
        self._ids.update(ids)

    def clear(self) -> None:
        self._ids.clear()

    def text(self, row_id: int, value: str, mask: Callable[[str], str]) -> str:
        """``value`` in full for a revealed row, else masked."""
        if not value:
            return ""
        return value if row_id in self._ids else mask(value)
