"""The tables of the roster import wizard: the sheet's first rows, the problems, the changes.

Models, not widgets: a roster of 100,000 rows can have as many problems.
Every text is made when the view asks for it (``data``), so filling a model
costs one list.  ID numbers and phone numbers are shown masked (DOMAIN.md 7):
the clerk sees which row is wrong, not the number in full.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.core.identifiers import mask_id, mask_phone
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.roster import FIELD_LABELS, Field, HeaderLayout, RosterRow, RowProblem, column_letter
from desktop.core.workers import ContractType, PriorityGroup
from desktop.ui.text import problem_text

CONTEXT: Final = "ImportWizard"
ERROR_COLOR: Final = QColor("#b3261e")
WARNING_COLOR: Final = QColor("#8a5300")
HEADER_BACKGROUND: Final = QColor("#d7e8fb")
ABOVE_HEADER_COLOR: Final = QColor("#8a8a8a")
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 1  # the native value a column sorts by

Index = QModelIndex | QPersistentModelIndex

_ID_LIKE: Final = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
_PHONE_LIKE: Final = re.compile(r"^1\d{10}$")
_SCIENTIFIC_ID: Final = re.compile(r"^(\d\.\d{5})(\d{4,})([Ee]\+?1[47])$")  # an ID saved as a number, as Excel shows it
_EMPTY: Final = QT_TRANSLATE_NOOP("ImportWizard", "（空）")
_SEVERITY: Final = {"error": QT_TRANSLATE_NOOP("ImportWizard", "错误"),
                    "warning": QT_TRANSLATE_NOOP("ImportWizard", "提醒")}
# Employment columns that are not roster fields of the same name.
_CHANGE_LABELS: Final = {
    "name": QT_TRANSLATE_NOOP("ImportWizard", "姓名"),
    "active": QT_TRANSLATE_NOOP("ImportWizard", "状态"),
    "hukou_text": QT_TRANSLATE_NOOP("ImportWizard", "户籍地"),
    "hukou_code": QT_TRANSLATE_NOOP("ImportWizard", "户籍地（县代码）"),
}
_ACTIVE: Final = {0: QT_TRANSLATE_NOOP("ImportWizard", "离职"), 1: QT_TRANSLATE_NOOP("ImportWizard", "在职")}
_YES_NO: Final = {0: QT_TRANSLATE_NOOP("ImportWizard", "否"), 1: QT_TRANSLATE_NOOP("ImportWizard", "是")}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def field_label(f: Field) -> str:
    """姓名, 公民身份号码, … (the template's header), translated."""
    return QCoreApplication.translate("roster", FIELD_LABELS[f])


def severity_label(severity: str) -> str:
    return _tr(_SEVERITY.get(severity, severity))


def severity_color(severity: str) -> QColor:
    return ERROR_COLOR if severity == "error" else WARNING_COLOR


# --------------------------------------------------------------------------
# Cell values as the clerk sees them


def masked_text(text: str) -> str:
    """An ID number or a mobile number in a cell, masked; anything else unchanged."""
    squeezed = "".join(text.split())
    if _ID_LIKE.match(squeezed):
        return mask_id(squeezed.upper())
    if _PHONE_LIKE.match(squeezed):
        return mask_phone(squeezed)
    scientific = _SCIENTIFIC_ID.match(squeezed)
    if scientific:
        return scientific[1] + "*" * len(scientific[2]) + scientific[3]
    return text


def cell_text(value: object) -> str:
    """A cell of the sheet as text: dates as 2022-03-01, whole numbers without ".0", IDs masked."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _tr(_YES_NO[int(value)])
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return masked_text(f"{value:.0f}")
    if isinstance(value, int):
        return masked_text(str(value))
    return masked_text(str(value))


def _masked_params(params: object) -> dict[str, object]:
    return {k: masked_text(v) if isinstance(v, str) else v for k, v in dict(params).items()}  # type: ignore[call-overload]


def row_problem_text(p: RowProblem) -> str:
    """The problem's message, translated, with any ID number in it masked."""
    return problem_text(Problem(p.code, _masked_params(p.params)))


def _amount(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def value_text(name: str, value: object) -> str:
    """An employment value (the store's vocabulary) as the clerk reads it."""
    if value is None or value == "":
        return _tr(_EMPTY)
    if name == "active":
        return _tr(_ACTIVE.get(int(str(value)), str(value)))
    if name == "social_insurance":
        return _tr(_YES_NO.get(int(str(value)), str(value)))
    if name == "contract_type":
        try:
            return QCoreApplication.translate("contract", ContractType(str(value)).label)
        except ValueError:
            return str(value)
    if name == "priority_claim":
        try:
            return QCoreApplication.translate("group", PriorityGroup(str(value)).label)
        except ValueError:
            return str(value)
    if name == "phone":
        return mask_phone(str(value))
    if name == "monthly_wage" and isinstance(value, (int, float)):
        return _amount(float(value))
    if name == "paid_months":
        months: Any = value
        if isinstance(value, str) and value.startswith("["):
            try:
                months = json.loads(value)
            except ValueError:
                months = value
        if isinstance(months, (list, tuple)):
            return "、".join(str(m) for m in months) or _tr(_EMPTY)
    return str(value)


def change_label(name: str) -> str:
    if name in _CHANGE_LABELS:
        return _tr(_CHANGE_LABELS[name])
    try:
        return field_label(Field(name))
    except ValueError:
        return name


def changes_text(changes: Mapping[str, tuple[object, object]]) -> str:
    """月工资（元）：2800 → 3100；户籍地：汪清县 → 安图县."""
    parts = []
    for name, (before, after) in changes.items():
        if name == "hukou_code" and "hukou_text" in changes:
            continue  # the county code follows the text shown next to it
        parts.append(QCoreApplication.translate("ImportWizard", "{field}：{before} → {after}").format(
            field=change_label(name), before=value_text(name, before), after=value_text(name, after)))
    return "；".join(parts)


# --------------------------------------------------------------------------
# The first rows of the sheet (the file page)


class HeadModel(QAbstractTableModel):
    """The sheet's first rows as read, the header row highlighted, rows above it greyed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[list[object]] = []
        self._width = 0
        self._header: int | None = None
        self._first_data: int | None = None

    def set_rows(self, rows: Sequence[Sequence[object]], layout: HeaderLayout | None) -> None:
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._width = max((len(r) for r in self._rows), default=0)
        self._header = layout.header_row if layout else None
        self._first_data = layout.first_data_row if layout else None
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], None)

    @property
    def header_row(self) -> int | None:
        """0-based grid row of the header (None: not found)."""
        return self._header

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's name and default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._width

    def _in_header(self, row: int) -> bool:
        if self._header is None:
            return False
        return self._header <= row < (self._first_data if self._first_data is not None else self._header + 1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = self._rows[row]
            return cell_text(cells[column]) if column < len(cells) else ""
        if role == Qt.ItemDataRole.BackgroundRole and self._in_header(row):
            return QBrush(HEADER_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and self._in_header(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and self._header is not None and row < self._header:
            return QBrush(ABOVE_HEADER_COLOR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's name
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            if role == Qt.ItemDataRole.FontRole and orientation == Qt.Orientation.Vertical and self._in_header(section):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if orientation == Qt.Orientation.Horizontal:
            return column_letter(section)
        return str(section + 1)  # the sheet's row number, as Excel shows it


# --------------------------------------------------------------------------
# Every problem (the preview page)


class ProblemColumn(IntEnum):
    SEVERITY = 0
    ROW = 1
    COLUMN = 2
    HEADER = 3
    NAME = 4
    MESSAGE = 5


PROBLEM_HEADERS: Final = {
    ProblemColumn.SEVERITY: QT_TRANSLATE_NOOP("ImportWizard", "类型"),
    ProblemColumn.ROW: QT_TRANSLATE_NOOP("ImportWizard", "行"),
    ProblemColumn.COLUMN: QT_TRANSLATE_NOOP("ImportWizard", "列"),
    ProblemColumn.HEADER: QT_TRANSLATE_NOOP("ImportWizard", "表头"),
    ProblemColumn.NAME: QT_TRANSLATE_NOOP("ImportWizard", "姓名"),
    ProblemColumn.MESSAGE: QT_TRANSLATE_NOOP("ImportWizard", "说明"),
}


class _ListModel(QAbstractTableModel):
    """A read-only table over a Python list, with a subset shown and sorting in Python."""

    HEADERS: dict[int, str] = {}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[Any] = []
        self._shown: list[int] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(self.HEADERS[section])
        return None

    def entry(self, row: int) -> Any:
        return self._entries[self._shown[row]]

    def _key(self, entry: Any, column: int) -> Any:
        raise NotImplementedError

    def _set(self, entries: list[Any], shown: list[int]) -> None:
        self.beginResetModel()
        self._entries, self._shown = entries, shown
        if self._sort is not None:
            self._sorted()
        self.endResetModel()

    def _sorted(self) -> None:
        if self._sort is None:
            return
        column, order = self._sort
        self._shown.sort(key=lambda i: self._key(self._entries[i], column),
                         reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sorted()
        self.layoutChanged.emit()


class ProblemModel(_ListModel):
    """Every problem of the preview (row, column, header, name, message), or those of one kind."""

    HEADERS = {int(k): v for k, v in PROBLEM_HEADERS.items()}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._layout: HeaderLayout | None = None
        self._code: str | None = None

    def set_problems(self, rows: Sequence[RosterRow], layout: HeaderLayout) -> None:
        self._layout = layout
        entries = [(row, p) for row in rows for p in row.problems]
        self._set(entries, self._matching(entries, self._code))

    def clear(self) -> None:
        self._code = None
        self._set([], [])

    @staticmethod
    def _matching(entries: list[tuple[RosterRow, RowProblem]], code: str | None) -> list[int]:
        return [i for i, (_, p) in enumerate(entries) if code is None or p.code == code]

    def show_kind(self, code: str | None) -> None:
        """Only the problems with this code (None: all)."""
        self._code = code
        self._set(self._entries, self._matching(self._entries, code))

    @property
    def kind(self) -> str | None:
        return self._code

    def problem(self, row: int) -> RowProblem:
        return self.entry(row)[1]  # type: ignore[no-any-return]

    def _key(self, entry: tuple[RosterRow, RowProblem], column: int) -> Any:
        row, p = entry
        if column == ProblemColumn.SEVERITY:
            return (p.severity != "error", p.row)
        if column == ProblemColumn.ROW:
            return (p.row, p.column if p.column is not None else -1)
        if column == ProblemColumn.COLUMN:
            return (p.column if p.column is not None else -1, p.row)
        if column == ProblemColumn.HEADER:
            return (self._header(p), p.row)
        if column == ProblemColumn.NAME:
            return (row.name, p.row)
        return (p.code, p.row)

    def _header(self, p: RowProblem) -> str:
        return self._layout.header_of(p.column) if self._layout is not None else ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, p = self.entry(index.row())
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == ProblemColumn.SEVERITY:
                return severity_label(p.severity)
            if column == ProblemColumn.ROW:
                return str(p.row)
            if column == ProblemColumn.COLUMN:
                return p.column_letter
            if column == ProblemColumn.HEADER:
                return self._header(p)
            if column == ProblemColumn.NAME:
                return row.name
            return row_problem_text(p)
        if role == Qt.ItemDataRole.ForegroundRole and column in (ProblemColumn.SEVERITY, ProblemColumn.MESSAGE):
            return QBrush(severity_color(p.severity))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (ProblemColumn.ROW, ProblemColumn.COLUMN):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == SORT_ROLE:
            return self._key((row, p), column)
        return None


# --------------------------------------------------------------------------
# Workers on file whose facts the roster changes


class ChangeColumn(IntEnum):
    ROW = 0
    ID = 1
    NAME = 2
    CHANGES = 3


CHANGE_HEADERS: Final = {
    ChangeColumn.ROW: QT_TRANSLATE_NOOP("ImportWizard", "行"),
    ChangeColumn.ID: QT_TRANSLATE_NOOP("ImportWizard", "公民身份号码"),
    ChangeColumn.NAME: QT_TRANSLATE_NOOP("ImportWizard", "姓名"),
    ChangeColumn.CHANGES: QT_TRANSLATE_NOOP("ImportWizard", "变化（库中 → 名册）"),
}


class ChangeModel(_ListModel):
    """The rows the import would update, and what changes in each."""

    HEADERS = {int(k): v for k, v in CHANGE_HEADERS.items()}

    def set_rows(self, rows: Sequence[RosterRow]) -> None:
        updated = [r for r in rows if r.action == "updated"]
        self._set(updated, list(range(len(updated))))

    def clear(self) -> None:
        self._set([], [])

    def _key(self, entry: RosterRow, column: int) -> Any:
        if column == ChangeColumn.ID:
            return entry.id_number
        if column == ChangeColumn.NAME:
            return (entry.name, entry.sheet_row)
        if column == ChangeColumn.CHANGES:
            return (sorted(entry.changes), entry.sheet_row)
        return entry.sheet_row

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: RosterRow = self.entry(index.row())
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == ChangeColumn.ROW:
                return str(row.sheet_row)
            if column == ChangeColumn.ID:
                return mask_id(row.id_number)
            if column == ChangeColumn.NAME:
                return row.name
            return changes_text(row.changes)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ChangeColumn.ROW:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == SORT_ROLE:
            return self._key(row, column)
        return None
