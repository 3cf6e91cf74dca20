"""劳务协作协议: the office's agreements with source counties, and whether each county counts on a day.

Each 登记 and 终止 is saved at once by the service (audited; needs
``OFFICE_SETTINGS``); users without it see the table read-only. The table
starts from the province's list: a listed county without an agreement counts
as the list says, one with agreements only while one is in force.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from desktop.services import agreements as agreement_service
from desktop.services.agreements import CountyStanding
from desktop.services.workspace import Workspace
from desktop.ui.decision_view import FAIL_COLOR, PASS_COLOR
from desktop.ui.forms import load_form
from desktop.ui.text import not_allowed_text
from desktop.ui.widgets import fill_county_combo, offer, save_telling

ID_ROLE = Qt.ItemDataRole.UserRole  # the agreement id of a row (0 for a listed county without one)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class AgreementsDialog(QDialog):
    changed = Signal()  # an agreement was recorded or ended (the rule set's version changed)

    # From forms/agreements_dialog.ui (load_form sets them).
    introLabel: QLabel
    dayEdit: QDateEdit
    summaryLabel: QLabel
    table: QTableWidget
    addGroup: QGroupBox
    countyCombo: QComboBox
    codeEdit: QLineEdit
    referenceEdit: QLineEdit
    startsEdit: QDateEdit
    endsEdit: QDateEdit
    openEndCheck: QCheckBox
    noteEdit: QLineEdit
    addButton: QPushButton
    endGroup: QGroupBox
    lastDayEdit: QDateEdit
    endButton: QPushButton
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("agreements_dialog", self)
        self._ws = workspace
        self.editable = workspace.can(Permission.OFFICE_SETTINGS)
        today = _qdate(date.today())
        for edit in (self.dayEdit, self.startsEdit, self.lastDayEdit):
            edit.setDate(today)
        self.endsEdit.setDate(today.addYears(3).addDays(-1))
        fill_county_combo(self.countyCombo, workspace.areas)
        self.countyCombo.setCurrentIndex(-1)
        self.countyCombo.setPlaceholderText(self.tr("选择县（市、区）"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        why = not_allowed_text(workspace.actor, Permission.OFFICE_SETTINGS)
        for group in (self.addGroup, self.endGroup):
            offer(group, self.editable, why)

        self.dayEdit.dateChanged.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._refresh_buttons)
        for signal in (self.countyCombo.currentIndexChanged, self.codeEdit.textChanged,
                       self.referenceEdit.textChanged):
            signal.connect(self._refresh_buttons)
        self.openEndCheck.toggled.connect(lambda on: self.endsEdit.setEnabled(not on))
        self.addButton.clicked.connect(self.add_agreement)
        self.endButton.clicked.connect(self.end_selected)
        self.buttonBox.rejected.connect(self.reject)
        self.refresh()

    # -- showing ---------------------------------------------------------------------
    def _state_text(self, standing: CountyStanding) -> str:
        if standing.local:
            return self.tr("本地，不计入")
        if standing.status is None:
            return self.tr("按省厅名单计入")
        return {
            "in_force": self.tr("协议有效，计入"),
            "expired": self.tr("协议已到期，不计入"),
            "not_started": self.tr("协议尚未生效，不计入"),
        }[standing.status.state]

    def refresh(self) -> None:
        day = _day(self.dayEdit)
        standings = agreement_service.standings(self._ws, day)
        selected = self.selected_agreement()
        table = self.table
        table.setRowCount(0)
        for standing in standings:
            rows = standing.agreements or (None,)
            for agreement in rows:
                row = table.rowCount()
                table.insertRow(row)
                if agreement is None:
                    cells = [standing.label, self.tr("（省厅名单，未登记协议）"), "", self._state_text(standing)]
                else:
                    period = self.tr("{starts}至{ends}").format(
                        starts=agreement.starts, ends=agreement.ends or self.tr("长期"))
                    cells = [standing.label, agreement.reference, period, self._state_text(standing)]
                for column, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    item.setData(ID_ROLE, agreement.id if agreement else 0)
                    if column == 3:
                        item.setForeground(QBrush(QColor(PASS_COLOR if standing.paired else FAIL_COLOR)))
                    if agreement is not None and agreement.note:
                        item.setToolTip(agreement.note)
                    table.setItem(row, column, item)
                if agreement is not None and agreement.id == selected:
                    table.selectRow(row)
        paired = sum(1 for s in standings if s.paired)
        self.summaryLabel.setText(self.tr("共 {n} 个县（市、区），计入 {paired} 个").format(
            n=len(standings), paired=paired))
        self._refresh_buttons()

    def selected_agreement(self) -> int:
        """The id of the agreement on the selected row (0: none, or a listed county without one)."""
        items = self.table.selectedItems()
        return int(items[0].data(ID_ROLE) or 0) if items else 0

    def _county(self) -> str:
        typed = self.codeEdit.text().strip()
        return typed if typed else str(self.countyCombo.currentData() or "")

    def _refresh_buttons(self) -> None:
        if not self.editable:
            return
        ready = bool(self._county()) and bool(self.referenceEdit.text().strip())
        offer(self.addButton, ready, self.tr("请选择输出地并填写协议文号或名称"))
        offer(self.endButton, self.selected_agreement() != 0, self.tr("请先在表中选择一份已登记的协议"))

    # -- changing ----------------------------------------------------------------------
    def _run(self, change: Callable[[], object]) -> bool:
        if not save_telling(self.problemLabel, change):
            return False
        self.changed.emit()
        self.refresh()
        return True

    def add_agreement(self) -> bool:
        if not self.editable:
            return False
        ends = None if self.openEndCheck.isChecked() else _day(self.endsEdit)
        done = self._run(lambda: agreement_service.add_agreement(
            self._ws, self._county(), self.referenceEdit.text(), _day(self.startsEdit), ends, self.noteEdit.text()))
        if done:
            for edit in (self.codeEdit, self.referenceEdit, self.noteEdit):
                edit.clear()
        return done

    def end_selected(self) -> bool:
        agreement_id = self.selected_agreement()
        if not self.editable or not agreement_id:
            return False
        return self._run(lambda: agreement_service.end_agreement(self._ws, agreement_id, _day(self.lastDayEdit)))
