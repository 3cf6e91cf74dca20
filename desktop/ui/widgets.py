"""Small helpers shared by the dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget

from desktop.core.areas import AreaTable

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


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask before a step that cannot simply be taken back (批准, 出具确认书): True for 是."""
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes
