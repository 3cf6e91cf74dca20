"""The enterprise table: a window onto a database query, fetched in pages.

Searching and ordering (by name) happen in the database through the
services; the model holds only the rows fetched so far and asks for the
next page when the view scrolls to the end (canFetchMore / fetchMore).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from desktop.core.enterprise import Enterprise
from desktop.core.identifiers import mask_phone
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services.enterprises import count_enterprises, enterprise_size, list_enterprises
from desktop.services.workspace import Workspace
from desktop.ui.masking import UnmaskedRows
from desktop.ui.paged_model import PagedTableModel
from desktop.ui.text import size_label

PAGE_SIZE: Final = 500
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1  # the enterprise's database id
_CONTEXT: Final = "EnterpriseModel"
PHONE_PURPOSE: Final = "查看联系电话"  # recorded in the audit log with each unmasking

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    USCC = 1
    COUNTY = 2
    INDUSTRY = 3
    STAFF = 4
    SIZE = 5
    CONTACT = 6
    PHONE = 7


HEADERS: Final[dict[Column, str]] = {
    Column.NAME: QT_TRANSLATE_NOOP("EnterpriseModel", "企业名称"),
    Column.USCC: QT_TRANSLATE_NOOP("EnterpriseModel", "统一社会信用代码"),
    Column.COUNTY: QT_TRANSLATE_NOOP("EnterpriseModel", "所在地"),
    Column.INDUSTRY: QT_TRANSLATE_NOOP("EnterpriseModel", "行业"),
    Column.STAFF: QT_TRANSLATE_NOOP("EnterpriseModel", "职工总数"),
    Column.SIZE: QT_TRANSLATE_NOOP("EnterpriseModel", "企业规模"),
    Column.CONTACT: QT_TRANSLATE_NOOP("EnterpriseModel", "联系人"),
    Column.PHONE: QT_TRANSLATE_NOOP("EnterpriseModel", "联系电话"),
}
_UNSIZED = QT_TRANSLATE_NOOP("EnterpriseModel", "未划型")
_MANUAL = QT_TRANSLATE_NOOP("EnterpriseModel", "{size}（手工）")


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


class EnterpriseModel(PagedTableModel[Enterprise]):
    def __init__(self, workspace: Workspace, parent: Any = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._search = ""
        self._sizes: dict[int, tuple[str, str]] = {}  # id -> (shown text, explanation)
        self.unmasked = UnmaskedRows("enterprise")  # rows whose phone is shown in full
        self.reload()

    # -- querying ----------------------------------------------------------
    @property
    def search(self) -> str:
        return self._search

    def set_search(self, text: str) -> None:
        text = text.strip()
        if text != self._search:
            self._search = text
            self.reload()

    def _on_reload(self) -> None:  # after a save or a new search, phones are masked again
        self._sizes.clear()
        self.unmasked.clear()

    def _query_first(self) -> tuple[int, list[Enterprise]]:
        return (count_enterprises(self._ws, self._search),
                list_enterprises(self._ws, self._search, limit=PAGE_SIZE, offset=0))

    def _query_page(self, offset: int) -> list[Enterprise]:
        return list_enterprises(self._ws, self._search, limit=PAGE_SIZE, offset=offset)

    def enterprise(self, row: int) -> Enterprise:
        return self._rows[row]

    def show_full_phone(self, row: int) -> None:
        """Unmask this row's phone (logged; ServiceError for a user without the right)."""
        enterprise = self._rows[row]
        self.unmasked.reveal(self._ws, [enterprise.id], PHONE_PURPOSE)
        cell = self.index(row, Column.PHONE)
        self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DisplayRole])

    def row_of(self, enterprise_id: int) -> int | None:
        """The row showing this enterprise, fetching further pages if needed."""
        start = 0
        while True:
            for row in range(start, len(self._rows)):
                if self._rows[row].id == enterprise_id:
                    return row
            if not self.canFetchMore():
                return None
            start = len(self._rows)
            self.fetchMore()

    # -- Qt's table interface ------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(Column):
                return _tr(HEADERS[Column(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        enterprise = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(enterprise, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.SIZE:
                return self._size(enterprise)[1]
            if column == Column.NAME and enterprise.address:
                return f"{enterprise.name}\n{enterprise.address}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.STAFF:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return enterprise.id
        return None

    def _text(self, enterprise: Enterprise, column: Column) -> str:
        if column == Column.NAME:
            return enterprise.name
        if column == Column.USCC:
            return enterprise.uscc
        if column == Column.COUNTY:
            area = self._ws.areas.by_code(enterprise.county_code)
            return area.name if area else enterprise.county_code
        if column == Column.INDUSTRY:
            try:
                return self._ws.sizes.industry(enterprise.industry).name
            except KeyError:  # an industry the loaded standard does not know
                return enterprise.industry
        if column == Column.STAFF:
            return str(enterprise.staff_total)
        if column == Column.SIZE:
            return self._size(enterprise)[0]
        if column == Column.CONTACT:
            return enterprise.contact_name
        return self.unmasked.text(enterprise.id, enterprise.contact_phone, mask_phone)

    def _size(self, enterprise: Enterprise) -> tuple[str, str]:
        cached = self._sizes.get(enterprise.id)
        if cached is None:
            try:
                result = enterprise_size(self._ws, enterprise)
            except (KeyError, ValueError) as exc:  # data the standard cannot read
                cached = (_tr(_UNSIZED), str(exc))
            else:
                if result is None:
                    cached = (_tr(_UNSIZED), "")
                else:
                    label = size_label(result.size)
                    text = _tr(_MANUAL).format(size=label) if result.manual else label
                    cached = (text, "\n".join(result.steps))
            self._sizes[enterprise.id] = cached
        return cached
