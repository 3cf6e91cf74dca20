"""The roster table: one enterprise's workers, a window onto a database query.

Filtering and sorting run in the database (``services.roster_view.filter_roster``):
the model keeps the number of matching rows and the records fetched so far.
Further records are read a page at a time (``next_roster_page``, after the last
row shown, over an index in the view's order) as the view scrolls to them, through
the one paging mechanism (:class:`PagedTableModel`), so a roster of a million
workers costs the pages the clerk sees; a full first page leaves the count to the
page, which runs it in the background.

ID numbers are masked; :meth:`RosterModel.show_full_ids` shows the chosen rows
in full for a permitted user and records it (``privacy.unmask``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.workers import ContractType, PriorityGroup
from desktop.services.privacy import shown_id
from desktop.services.roster_view import (
    SORT_COLUMNS, RosterQuery, RosterRecord, filter_roster, next_roster_page, roster_records,
)
from desktop.services.workspace import Workspace
from desktop.ui.masking import UnmaskedRows
from desktop.ui.paged_model import PagedTableModel

PAGE_SIZE: Final = 200
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1  # the employment's database id
ID_PURPOSE: Final = "查看完整身份证号码"  # recorded in the audit log with each unmasking
UNRESOLVED_COLOR: Final = "#b3261e"
INACTIVE_COLOR: Final = "#80868b"
_CONTEXT: Final = "RosterModel"

Index = QModelIndex | QPersistentModelIndex


class RosterColumn(IntEnum):
    """In the order of our roster template (附件4), where 重点群体 follows 户籍地: what the
    page marks stays in view in a narrow window; 在职 is shown only when 含离职 is ticked."""

    ROW = 0
    NAME = 1
    ID = 2
    SEX = 3
    HUKOU = 4
    GROUP = 5
    EVIDENCE = 6
    CONTRACT_TYPE = 7
    CONTRACT = 8
    WAGE = 9
    ACTIVE = 10


HEADERS: Final[dict[RosterColumn, str]] = {
    RosterColumn.ROW: QT_TRANSLATE_NOOP("RosterModel", "行号"),
    RosterColumn.NAME: QT_TRANSLATE_NOOP("RosterModel", "姓名"),
    RosterColumn.ID: QT_TRANSLATE_NOOP("RosterModel", "公民身份号码"),
    RosterColumn.SEX: QT_TRANSLATE_NOOP("RosterModel", "性别"),
    RosterColumn.HUKOU: QT_TRANSLATE_NOOP("RosterModel", "户籍地"),
    RosterColumn.GROUP: QT_TRANSLATE_NOOP("RosterModel", "重点群体"),
    RosterColumn.EVIDENCE: QT_TRANSLATE_NOOP("RosterModel", "证明材料"),
    RosterColumn.CONTRACT_TYPE: QT_TRANSLATE_NOOP("RosterModel", "合同类型"),
    RosterColumn.CONTRACT: QT_TRANSLATE_NOOP("RosterModel", "合同起止"),
    RosterColumn.WAGE: QT_TRANSLATE_NOOP("RosterModel", "月工资"),
    RosterColumn.ACTIVE: QT_TRANSLATE_NOOP("RosterModel", "在职"),
}

# Columns the database can order by (RosterQuery.sort); the others are not sortable.
SORT_KEYS: Final[dict[RosterColumn, str]] = {
    RosterColumn.ROW: "source_row",
    RosterColumn.NAME: "name",
    RosterColumn.ID: "id_number",
    RosterColumn.HUKOU: "hukou_code",
    RosterColumn.GROUP: "priority_group",
    RosterColumn.CONTRACT_TYPE: "contract_type",
    RosterColumn.CONTRACT: "contract_start",
    RosterColumn.WAGE: "monthly_wage",
}
assert set(SORT_KEYS.values()) <= set(SORT_COLUMNS), "a sort key the store does not know"

_SEX: Final = {"M": QT_TRANSLATE_NOOP("RosterModel", "男"), "F": QT_TRANSLATE_NOOP("RosterModel", "女")}
_YES = QT_TRANSLATE_NOOP("RosterModel", "是")
_NO = QT_TRANSLATE_NOOP("RosterModel", "否")
_SINCE = QT_TRANSLATE_NOOP("RosterModel", "{start}起")
_PERIOD = QT_TRANSLATE_NOOP("RosterModel", "{start}至{end}")
_UNRESOLVED = QT_TRANSLATE_NOOP("RosterModel", "户籍地未能识别为吉林省的县（市、区）")
_SORTABLE = QT_TRANSLATE_NOOP("RosterModel", "点击按此列排序")
_NOT_SORTABLE = QT_TRANSLATE_NOOP("RosterModel", "此列不能排序")
_ROW_TIP = QT_TRANSLATE_NOOP("RosterModel", "在企业报来的名册文件中的行号")


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


_CLAIM_UNVERIFIED = QT_TRANSLATE_NOOP("RosterModel", "{claim}（企业申报，未核实）")
_CLAIM_DIFFERS = QT_TRANSLATE_NOOP("RosterModel", "{group}（已核实；企业申报为{claim}）")


def group_cell(verified: str | None, claim: str | None) -> str:
    """The 重点群体 cell: the verified group, else the enterprise's claim marked as not verified."""
    if verified:
        if claim and claim != verified:
            return _tr(_CLAIM_DIFFERS).format(group=group_label(verified), claim=group_label(claim))
        return group_label(verified)
    if claim:
        return _tr(_CLAIM_UNVERIFIED).format(claim=group_label(claim))
    return ""


def group_label(value: str | None) -> str:
    """The translated label of a stored priority group (the value itself when unknown)."""
    if not value:
        return ""
    try:
        return QCoreApplication.translate("group", PriorityGroup(value).label)
    except ValueError:
        return value


def contract_type_label(value: str) -> str:
    try:
        return QCoreApplication.translate("contract", ContractType(value).label)
    except ValueError:
        return value


def contract_period(record: RosterRecord) -> str:
    start = record.contract_start or "?"
    if record.contract_end:
        return _tr(_PERIOD).format(start=start, end=record.contract_end)
    if record.contract_type == ContractType.FIXED.value:
        return _tr(_PERIOD).format(start=start, end="?")
    return _tr(_SINCE).format(start=start)


def wage_text(wage: float | None) -> str:
    if wage is None:
        return ""
    return f"{wage:,.0f}" if float(wage).is_integer() else f"{wage:,.2f}"


class RosterModel(PagedTableModel[RosterRecord]):
    def __init__(self, workspace: Workspace, parent: Any = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._query: RosterQuery | None = None
        self.unmasked = UnmaskedRows("person")  # persons whose ID number is shown in full
        self.reload()

    # -- querying ----------------------------------------------------------
    @property
    def query(self) -> RosterQuery | None:
        return self._query

    def set_query(self, query: RosterQuery | None) -> None:
        """Show this filter (None: no enterprise); the current sort order is kept."""
        if query is not None and self._query is not None:
            query = dataclasses.replace(query, sort=self._query.sort, descending=self._query.descending)
        if query != self._query:
            self._query = query
            self.reload()

    @property
    def sort_column(self) -> RosterColumn | None:
        if self._query is None:
            return None
        return next((c for c, key in SORT_KEYS.items() if key == self._query.sort), None)

    @property
    def sort_order(self) -> Qt.SortOrder:
        descending = self._query is not None and self._query.descending
        return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder

    @staticmethod
    def sortable(column: int) -> bool:
        return column in SORT_KEYS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order in the database; a column the database cannot order by is ignored."""
        if self._query is None or column not in SORT_KEYS:
            return
        changed = dataclasses.replace(self._query, sort=SORT_KEYS[RosterColumn(column)],
                                      descending=order == Qt.SortOrder.DescendingOrder)
        if changed != self._query:
            self._query = changed
            self.reload()

    def _on_reload(self) -> None:  # a new filter or order: ID numbers are masked again
        self.unmasked.clear()

    def _query_first(self) -> tuple[int | None, list[RosterRecord]]:
        if self._query is None:
            return 0, []
        window = filter_roster(self._ws, self._query, first=PAGE_SIZE)
        return window.total, window.first_rows

    def _query_page(self, offset: int) -> list[RosterRecord]:
        if self._query is None:
            return []
        after = self._rows[offset - 1].employment_id if 0 < offset <= len(self._rows) else None
        if after is None:
            return []
        return next_roster_page(self._ws, self._query, after=after, offset=offset, limit=PAGE_SIZE)

    # -- rows ------------------------------------------------------------------
    def record(self, row: int) -> RosterRecord:
        return self._rows[row]

    def records(self, rows: Iterable[int]) -> list[RosterRecord]:
        return [self._rows[r] for r in sorted(set(rows))]

    def refresh(self, employment_ids: Iterable[int]) -> None:
        """Read these rows again (after a mark), in place: the filter is not run again."""
        wanted = set(employment_ids)
        rows = [r for r, record in enumerate(self._rows) if record.employment_id in wanted]
        if not rows:
            return
        fresh = {r.employment_id: r for r in roster_records(self._ws, [self._rows[i].employment_id for i in rows])}
        for row in rows:
            record = fresh.get(self._rows[row].employment_id)
            if record is not None:
                self._rows[row] = record
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(RosterColumn) - 1))

    def show_full_ids(self, rows: Iterable[int]) -> int:
        """Unmask these rows' ID numbers (logged; ServiceError for a user without the right); returns how many."""
        chosen = sorted({r for r in rows if 0 <= r < len(self._rows)})
        persons = [self._rows[r].person_id for r in chosen if self._rows[r].person_id not in self.unmasked]
        if not persons:
            return 0
        self.unmasked.reveal(self._ws, persons, ID_PURPOSE)
        self.dataChanged.emit(self.index(chosen[0], RosterColumn.ID), self.index(chosen[-1], RosterColumn.ID),
                              [Qt.ItemDataRole.DisplayRole])
        return len(set(persons))

    # -- Qt's table interface ------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(RosterColumn)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(RosterColumn):
            return None
        column = RosterColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[column])
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _tr(_SORTABLE) if column in SORT_KEYS else _tr(_NOT_SORTABLE)
            return f"{_tr(_ROW_TIP)}\n{tip}" if column == RosterColumn.ROW else tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = RosterColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (RosterColumn.ROW, RosterColumn.WAGE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if not record.active:
                return QColor(INACTIVE_COLOR)
            if column == RosterColumn.HUKOU and record.hukou_code is None:
                return QColor(UNRESOLVED_COLOR)
            return None
        if role == ID_ROLE:
            return record.employment_id
        return None

    def _text(self, record: RosterRecord, column: RosterColumn) -> str:
        if column == RosterColumn.ROW:
            return "" if record.source_row is None else str(record.source_row)
        if column == RosterColumn.NAME:
            return record.name
        if column == RosterColumn.ID:
            return self.unmasked.text(record.person_id, record.id_number, shown_id)
        if column == RosterColumn.SEX:
            return _tr(_SEX[record.sex]) if record.sex in _SEX else ""
        if column == RosterColumn.HUKOU:
            return record.hukou_text
        if column == RosterColumn.CONTRACT_TYPE:
            return contract_type_label(record.contract_type)
        if column == RosterColumn.CONTRACT:
            return contract_period(record)
        if column == RosterColumn.WAGE:
            return wage_text(record.monthly_wage)
        if column == RosterColumn.GROUP:
            return group_cell(record.priority_group, record.priority_claim)
        if column == RosterColumn.EVIDENCE:
            return record.priority_evidence
        return _tr(_YES) if record.active else _tr(_NO)

    def _tip(self, record: RosterRecord, column: RosterColumn) -> str | None:
        if column == RosterColumn.HUKOU:
            if record.hukou_code is None:
                return _tr(_UNRESOLVED)
            area = self._ws.areas.by_code(record.hukou_code)
            return f"{area.full_name}（{record.hukou_code}）" if area else record.hukou_code
        if column in (RosterColumn.CONTRACT_TYPE, RosterColumn.CONTRACT, RosterColumn.EVIDENCE,
                      RosterColumn.GROUP):
            return self._text(record, column) or None
        return None


__all__ = ["ID_PURPOSE", "ID_ROLE", "PAGE_SIZE", "SORT_KEYS", "RosterColumn", "RosterModel", "group_label"]
