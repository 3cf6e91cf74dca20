"""LPR 利率表: the 1-year and 5-year-and-above loan prime rates the loan check compares with.

The shipped rates and those the office added (``desktop.services.lpr``), by date. An admin
(``OFFICE_SETTINGS``) adds a newly published rate and removes one the office added, after
confirming; each change is saved and audited at once by the service. Others see the table read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.core.permissions import Permission
from desktop.services import lpr as lpr_service
from desktop.services.errors import ServiceError
from desktop.services.lpr import LprEntry
from desktop.services.workspace import Workspace
from desktop.ui.forms import load_form
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import confirm, offer, save_telling

DAY_ROLE = Qt.ItemDataRole.UserRole  # the effective date of a row (ISO)
OFFICE_ROLE = Qt.ItemDataRole.UserRole + 1  # True for a rate the office added


class LprDialog(QDialog):
    changed = Signal()  # a rate was added or removed (the rule set's version changed)

    # From forms/lpr_dialog.ui (load_form sets them).
    introLabel: QLabel
    table: QTableWidget
    addGroup: QGroupBox
    dayEdit: QDateEdit
    oneYearEdit: QLineEdit
    fiveYearEdit: QLineEdit
    sourceEdit: QLineEdit
    addButton: QPushButton
    removeGroup: QGroupBox
    removeButton: QPushButton
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("lpr_dialog", self)
        self._ws = workspace
        self.editable = workspace.can(Permission.OFFICE_SETTINGS)
        today = date.today()
        self.dayEdit.setDate(QDate(today.year, today.month, today.day))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        why = not_allowed_text(workspace.actor, Permission.OFFICE_SETTINGS)
        for widget in (self.addGroup, self.removeGroup, self.addButton, self.removeButton):
            offer(widget, self.editable, why)
        self.table.itemSelectionChanged.connect(self._refresh_buttons)
        for edit in (self.oneYearEdit, self.fiveYearEdit):
            edit.textChanged.connect(self._refresh_buttons)
        self.addButton.clicked.connect(self.add_rate)
        self.removeButton.clicked.connect(self.remove_selected)
        self.buttonBox.rejected.connect(self.reject)
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = lpr_service.lpr_entries(self._ws)
        except ServiceError as exc:
            self.problemLabel.setText(error_text(exc))
            entries = []
        table = self.table
        table.setRowCount(0)
        for entry in reversed(entries):  # the newest first: the one an admin looks for
            row = table.rowCount()
            table.insertRow(row)
            rate = entry.rate
            for column, text in enumerate((rate.effective_from.isoformat(), str(rate.one_year),
                                           str(rate.five_year), self._origin(entry), rate.source)):
                item = QTableWidgetItem(text)
                item.setData(DAY_ROLE, rate.effective_from.isoformat())
                item.setData(OFFICE_ROLE, entry.office)
                if column in (1, 2):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        self._refresh_buttons()

    def _origin(self, entry: LprEntry) -> str:
        if not entry.office:
            return self.tr("随程序发布")
        return self.tr("本单位添加（{name}）").format(name=entry.by_name) if entry.by_name else self.tr("本单位添加")

    def selected(self) -> tuple[date, bool] | None:
        """The effective date of the selected row and whether the office added it."""
        items = self.table.selectedItems()
        if not items:
            return None
        return date.fromisoformat(str(items[0].data(DAY_ROLE))), bool(items[0].data(OFFICE_ROLE))

    def _refresh_buttons(self) -> None:
        if not self.editable:
            return
        ready = bool(self.oneYearEdit.text().strip()) and bool(self.fiveYearEdit.text().strip())
        offer(self.addButton, ready, self.tr("请填写1年期和5年期以上的报价（%）"))
        chosen = self.selected()
        if chosen is None:
            offer(self.removeButton, False, self.tr("请先在表中选择一条本单位添加的报价"))
        else:
            offer(self.removeButton, chosen[1], self.tr("随程序发布的报价不能删除"))

    def _run(self, change: Callable[[], object]) -> bool:
        if not save_telling(self.problemLabel, change):
            return False
        self.changed.emit()
        self.refresh()
        return True

    def add_rate(self) -> bool:
        if not self.editable:
            return False
        value = self.dayEdit.date()
        day = date(value.year(), value.month(), value.day())
        one, five = self.oneYearEdit.text(), self.fiveYearEdit.text()
        if not confirm(self, self.tr("添加LPR报价"), self.tr(
                "添加{day}起施行的LPR：1年期 {one}%，5年期以上 {five}%？\n此后起始日在{day}及以后的贷款按此报价对照。"
        ).format(day=day.isoformat(), one=one.strip(), five=five.strip())):
            return False
        done = self._run(lambda: lpr_service.add_lpr(self._ws, day, one, five, self.sourceEdit.text()))
        if done:
            for edit in (self.oneYearEdit, self.fiveYearEdit, self.sourceEdit):
                edit.clear()
        return done

    def remove_selected(self) -> bool:
        chosen = self.selected()
        if not self.editable or chosen is None or not chosen[1]:
            return False
        day = chosen[0].isoformat()
        if not confirm(self, self.tr("删除LPR报价"), self.tr(
                "删除本单位添加的{day}起施行的LPR报价？\n此后登记的贷款改按之前的报价对照；已登记的贷款不变。"
        ).format(day=day)):
            return False
        return self._run(lambda: lpr_service.remove_lpr(self._ws, chosen[0]))
