"""Small helpers shared by the dialogs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QShowEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QComboBox, QHeaderView, QLabel, QMainWindow, QMessageBox, QTableView,
    QTableWidget, QWidget,
)

from desktop.core.areas import AreaTable
from desktop.services.errors import ServiceError
from desktop.store.errors import StoreError
from desktop.ui.text import error_text

# Set on an input that a refused save names (tests and assistive tools read it).
PROBLEM_PROPERTY = "problem"
# Per widget, not on the dialog: a style sheet on a parent upsets how word-wrapped
# labels with a margin measure their text (the last word of a line was cut off).
PROBLEM_STYLE = "border: 1px solid #b3261e; background: #fdecea;"


def fill_county_combo(combo: QComboBox, areas: AreaTable) -> None:
    """Current counties under a heading per prefecture; the item data is the county code."""
    model = QStandardItemModel(combo)
    by_prefecture: dict[str, list[tuple[str, str, str]]] = {}
    for area in areas.current_counties():
        by_prefecture.setdefault(area.prefecture_code, []).append((area.code, area.name, area.full_name))
    for code, name in areas.prefectures():
        counties = by_prefecture.get(code)
        if not counties:
            continue
        heading = QStandardItem(name)
        heading.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading, not a choice
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        model.appendRow(heading)
        for county_code, county_name, full_name in counties:
            item = QStandardItem(county_name)
            item.setData(county_code, Qt.ItemDataRole.UserRole)
            item.setToolTip(f"{full_name}（{county_code}）")
            model.appendRow(item)
    combo.setModel(model)
    combo.setCurrentIndex(-1)


def select_data(combo: QComboBox, value: object) -> None:
    """Select the item whose data is ``value`` (nothing when there is none)."""
    combo.setCurrentIndex(combo.findData(value))


def offer(widget: QWidget, allowed: bool, why: str) -> None:
    """Enable a control only when the user may use it; otherwise a tooltip says why (the services refuse anyway)."""
    widget.setEnabled(allowed)
    widget.setToolTip("" if allowed else why)


def reserve_lines(label: QLabel, lines: int) -> None:
    """A message line that keeps its place: ``lines`` lines high whether it says something or not,
    so the fields below do not move away from under the mouse while the clerk types."""
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    margins = label.contentsMargins()
    label.setFixedHeight(label.fontMetrics().lineSpacing() * lines + margins.top() + margins.bottom())
    label.setVisible(True)


def mark_problem(widget: QWidget, on: bool) -> None:
    """Highlight (or clear) an input named by a problem."""
    widget.setProperty(PROBLEM_PROPERTY, on)
    widget.setStyleSheet(PROBLEM_STYLE if on else "")


def inform(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A message that does not block (window-modal, deleted when closed)."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def save_telling(label: QLabel, change: Callable[[], object]) -> bool:
    """Run a saving service call: True when it saved (the message line cleared), else the
    service's Chinese message on ``label`` and False (a dialog's 添加/删除 that stays open)."""
    try:
        change()
    except (ServiceError, StoreError) as exc:
        label.setText(error_text(exc))
        return False
    label.setText("")
    return True


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask before a step that cannot simply be taken back (批准, 出具确认书): True for 是."""
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes


class DisabledReasons(QObject):
    """A disabled button's reason (its tooltip, set by :func:`offer`) also in the window's status line
    while the pointer is over it: a tooltip needs a pause, the status line is there at once."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._shown = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.Leave) and isinstance(watched, QAbstractButton) \
                and watched.window() is self._window:
            bar = self._window.statusBar()
            if kind == QEvent.Type.Enter and not watched.isEnabled() and watched.toolTip():
                self._shown = watched.toolTip()
                bar.showMessage(self._shown)
            elif self._shown and bar.currentMessage() == self._shown:
                bar.clearMessage()
                self._shown = ""
        return False


_View = TypeVar("_View", bound=QTableView)


def readonly_table(parent: QWidget, headers: Sequence[str]) -> QTableWidget:
    """A table of read-only rows chosen one at a time, columns sized to their contents."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    return readonly_view(table)


def readonly_view(table: _View) -> _View:
    """``readonly_table``'s settings on any table view (one over a paged model)."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ReloadsWhenShown(QWidget):
    """A page that reads its data again when it is shown and, while shown, when the office's data changed
    (``on_data_changed``, connected to the window's DataEvents). Subclasses implement ``reload``."""

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.reload()

    def on_data_changed(self, _kind: str, _enterprise_id: int) -> None:
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError
