"""重复人员's two lists as queries fetched a page at a time (the one paging mechanism,
:mod:`desktop.ui.paged_model`): the workers counted by two enterprises, filtered and ordered in the
database, and the open identity conflicts. A province of 100,000+ employments may hold thousands of
pairs; the page reads and lays out the ones the officer scrolls to."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import QWidget

from desktop.core.identifiers import mask_id
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services import province
from desktop.services.workspace import Workspace
from desktop.ui.paged_model import Index, PagedTableModel

PAGE: Final = 200  # rows a page of either list
_CONTEXT: Final = "DuplicatesPage"
_SORTABLE = QT_TRANSLATE_NOOP("DuplicatesPage", "点击按此列排序")
_NOT_SORTABLE = QT_TRANSLATE_NOOP("DuplicatesPage", "此列不能排序")
_OPEN_END = QT_TRANSLATE_NOOP("DuplicatesPage", "无固定期限")
_NOT_RULED = QT_TRANSLATE_NOOP("DuplicatesPage", "未裁定")


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def ruling_label(code: str) -> str:
    """A ruling in the page's words: the two sides are 甲 and 乙 there (the command line's words are
    第一家 / 第二家 企业)."""
    return QCoreApplication.translate("ruling", province.RULINGS[code]).replace("第一家", "甲").replace("第二家", "乙")


class _ListModel(PagedTableModel[Any]):
    HEADERS: Sequence[str] = ()

    def row(self, index: int) -> Any:
        return self._rows[index]

    def drop(self, row: int) -> None:
        """A row settled out of the query (a conflict settled, a pair ruled under 未裁定): taken out, the
        rows after it kept as they were fetched (the next page starts where the query now has it)."""
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._total = max(self._total - 1, len(self._rows))
        self.endRemoveRows()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid() or index.row() >= len(self._rows):
            return None
        value = self._cells(self._rows[index.row()])[index.column()]
        return "" if value is None else str(value)

    def _cells(self, row: Any) -> Sequence[object]:
        raise NotImplementedError


class DuplicateModel(_ListModel):
    """The pairs :func:`province.duplicates` finds, in the database's order, a page at a time."""

    HEADERS = (QT_TRANSLATE_NOOP("DuplicatesPage", "姓名"), QT_TRANSLATE_NOOP("DuplicatesPage", "公民身份号码"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "裁定"), QT_TRANSLATE_NOOP("DuplicatesPage", "甲：县"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "甲：企业"), QT_TRANSLATE_NOOP("DuplicatesPage", "甲：合同"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "甲：确认书"), QT_TRANSLATE_NOOP("DuplicatesPage", "乙：县"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "乙：企业"), QT_TRANSLATE_NOOP("DuplicatesPage", "乙：合同"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "乙：确认书"), QT_TRANSLATE_NOOP("DuplicatesPage", "重叠期间"))
    SORT_KEYS: Final = {0: "name", 1: "id_number", 2: "ruling", 3: "a_county", 4: "a_enterprise", 7: "b_county",
                        8: "b_enterprise"}

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.query = province.DuplicateQuery()
        self.open = 0  # of the pairs the query matches, those not ruled yet

    @classmethod
    def sortable(cls, column: int) -> bool:
        return column in cls.SORT_KEYS

    @property
    def sort_column(self) -> int:
        return next(c for c, key in self.SORT_KEYS.items() if key == self.query.sort)

    def set_query(self, query: province.DuplicateQuery) -> None:
        self.query = query
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order in the database; a column it cannot order by is ignored."""
        if column in self.SORT_KEYS:
            self.set_query(dataclasses.replace(self.query, sort=self.SORT_KEYS[column],
                                               descending=order == Qt.SortOrder.DescendingOrder))

    def _query_first(self) -> tuple[int, list[province.Duplicate]]:
        total, self.open = province.duplicate_counts(self._ws, self.query)
        return total, self._query_page(0)

    def _query_page(self, offset: int) -> list[province.Duplicate]:
        return province.duplicates(self._ws, self.query, limit=PAGE, offset=offset)

    def refresh(self, row: int) -> None:
        """Read this pair again (after a ruling), in place: the list is not queried again, so the
        officer stays where they were; under 未裁定 the pair ruled leaves the list."""
        fresh = province.duplicate(self._ws, self._rows[row].key)
        if fresh is None or (self.query.state == "open" and fresh.ruling is not None):
            self.drop(row)
        else:
            self._rows[row] = fresh
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
        self.open = province.duplicate_counts(self._ws, self.query)[1]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return _tr(_SORTABLE if section in self.SORT_KEYS else _NOT_SORTABLE)
        return super().headerData(section, orientation, role)

    def _cells(self, d: province.Duplicate) -> Sequence[object]:
        def contract(s: province.Side) -> str:
            return f"{s.contract_start or '—'}～{s.contract_end or _tr(_OPEN_END)}"

        ruling = (ruling_label(d.ruling.ruling) + "：" + d.ruling.reason
                  if d.ruling else _tr(_NOT_RULED))
        return (d.name, mask_id(d.id_number), ruling, d.a.county_name, d.a.enterprise_name, contract(d.a),
                d.a.letter_number, d.b.county_name, d.b.enterprise_name, contract(d.b), d.b.letter_number,
                f"{d.overlap_start}～{d.overlap_end or '—'}")


class ConflictModel(_ListModel):
    """The open identity conflicts, in the order found, a page at a time."""

    HEADERS = (QT_TRANSLATE_NOOP("DuplicatesPage", "公民身份号码"), QT_TRANSLATE_NOOP("DuplicatesPage", "先报的县"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "先报的姓名"), QT_TRANSLATE_NOOP("DuplicatesPage", "出生日期"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "后报的县"), QT_TRANSLATE_NOOP("DuplicatesPage", "后报的姓名"),
               QT_TRANSLATE_NOOP("DuplicatesPage", "出生日期"), QT_TRANSLATE_NOOP("DuplicatesPage", "批次文件"))

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace

    def _query_first(self) -> tuple[int, list[province.IdentityConflict]]:
        return province.identity_conflict_count(self._ws), self._query_page(0)

    def _query_page(self, offset: int) -> list[province.IdentityConflict]:
        return province.identity_conflicts(self._ws, limit=PAGE, offset=offset)

    def _cells(self, c: province.IdentityConflict) -> Sequence[object]:
        return (mask_id(c.id_number), c.known.county_name, c.known.name, c.known.birth_date, c.arriving.county_name,
                c.arriving.name, c.arriving.birth_date, c.batch_file)


__all__ = ["PAGE", "ConflictModel", "DuplicateModel", "ruling_label"]
