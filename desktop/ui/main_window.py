"""The main window: navigation on the left, one page per task."""

from __future__ import annotations

import datetime
from typing import Final

from PySide6.QtCore import QCoreApplication, QItemSelection, QModelIndex, QTimer
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStatusBar,
    QTableView,
    QWidget,
)

from desktop.core.office import Office
from desktop.core.permissions import Permission
from desktop.services.offices import update_office
from desktop.services.workspace import Workspace
from desktop.ui.enterprise_dialog import EnterpriseDialog
from desktop.ui.enterprise_model import Column, EnterpriseModel
from desktop.ui.forms import load_form
from desktop.ui.setup_dialog import SetupDialog, SetupValues

SEARCH_DELAY_MS: Final = 200

# Columns that fit their text; the name takes what is left.
_FIT_COLUMNS: Final = (Column.USCC, Column.COUNTY, Column.INDUSTRY, Column.STAFF, Column.SIZE,
                       Column.CONTACT, Column.PHONE)


class MainWindow(QMainWindow):
    # From forms/main_window.ui (load_form sets them).
    navList: QListWidget
    pages: QStackedWidget
    enterprisePage: QWidget
    rosterPage: QWidget
    settingsPage: QWidget
    searchEdit: QLineEdit
    addButton: QPushButton
    editButton: QPushButton
    enterpriseTable: QTableView
    enterpriseCountLabel: QLabel
    rosterPlaceholder: QLabel
    countyValue: QLabel
    officeNameValue: QLabel
    prefixValue: QLabel
    dbPathValue: QLabel
    editOfficeButton: QPushButton
    statusbar: QStatusBar

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("main_window", self)
        self._ws = workspace
        self.model = EnterpriseModel(workspace, self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._office_label = QLabel(self)
        self._user_label = QLabel(self)
        self._path_label = QLabel(self)

        self._set_up_table()
        self._set_up_status_bar()
        self._apply_permissions()
        self._connect()
        self._show_office()
        self._update_count()

    # -- setting up ------------------------------------------------------------------
    def _set_up_table(self) -> None:
        table = self.enterpriseTable
        table.setModel(self.model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in _FIT_COLUMNS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        # Fitting to contents must not read every row of a long list.
        header.setResizeContentsPrecision(200)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)

    def _set_up_status_bar(self) -> None:
        bar = self.statusbar
        bar.addWidget(self._office_label)
        bar.addWidget(self._user_label)
        bar.addPermanentWidget(self._path_label)
        actor = self._ws.actor
        role = QCoreApplication.translate("role", actor.role.label) if actor.role else self.tr("未登录")
        self._user_label.setText(self.tr("当前用户：{user}（{role}）").format(user=actor.shown_name, role=role))
        self._path_label.setText(self.tr("数据库：{path}").format(path=self._ws.store.path))

    def _apply_permissions(self) -> None:
        """Offer only what the signed-in user may do (the services check again)."""
        self._can_edit = self._ws.can(Permission.EDIT_ENTERPRISES)
        self.addButton.setEnabled(self._can_edit)
        if not self._can_edit:
            self.addButton.setToolTip(self.tr("当前用户无权登记和修改企业"))
        can_configure = self._ws.can(Permission.OFFICE_SETTINGS)
        self.editOfficeButton.setEnabled(can_configure)
        if not can_configure:
            self.editOfficeButton.setToolTip(self.tr("只有管理员可以修改本单位信息"))

    def _connect(self) -> None:
        self.navList.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.searchEdit.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self._apply_search)
        self.addButton.clicked.connect(lambda: self.open_enterprise_dialog(None))
        self.editButton.clicked.connect(self._edit_selected)
        self.enterpriseTable.doubleClicked.connect(self._edit_row)
        self.enterpriseTable.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.editOfficeButton.clicked.connect(self.open_office_dialog)

    # -- enterprises -------------------------------------------------------------------
    def _apply_search(self) -> None:
        self.model.set_search(self.searchEdit.text())

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.rowCount()
        if self.model.search:
            text = self.tr("找到 {total} 家企业").format(total=total)
        else:
            text = self.tr("共 {total} 家企业").format(total=total)
        if shown < total:
            text += self.tr("（已显示 {shown} 家，向下滚动显示更多）").format(shown=shown)
        self.enterpriseCountLabel.setText(text)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.editButton.setEnabled(self._can_edit and self.enterpriseTable.selectionModel().hasSelection())

    def _edit_selected(self) -> None:
        rows = self.enterpriseTable.selectionModel().selectedRows()
        if rows:
            self._edit_row(rows[0])

    def _edit_row(self, index: QModelIndex) -> None:
        if index.isValid() and self._can_edit:
            self.open_enterprise_dialog(self.model.enterprise(index.row()).id)

    def open_enterprise_dialog(self, enterprise_id: int | None) -> EnterpriseDialog:
        """Open the dialog (window-modal, not blocking) to add or edit an enterprise."""
        enterprise = None
        if enterprise_id is not None:
            row = self.model.row_of(enterprise_id)
            enterprise = self.model.enterprise(row) if row is not None else None
        dialog = EnterpriseDialog(self._ws, enterprise, self)
        dialog.accepted.connect(lambda: self._enterprise_saved(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _enterprise_saved(self, dialog: EnterpriseDialog) -> None:
        saved = dialog.enterprise
        self.model.reload()
        if saved is None:
            return
        row = self.model.row_of(saved.id)
        if row is None and self.model.search:
            # A new name that the current search hides: show everything instead.
            self._search_timer.stop()
            self.searchEdit.blockSignals(True)
            self.searchEdit.clear()
            self.searchEdit.blockSignals(False)
            self.model.set_search("")
            row = self.model.row_of(saved.id)
        if row is not None:
            self.enterpriseTable.selectRow(row)
            self.enterpriseTable.scrollTo(self.model.index(row, Column.NAME))
        self.statusbar.showMessage(self.tr("已保存：{name}").format(name=saved.name), 5000)

    # -- office --------------------------------------------------------------------------
    def open_office_dialog(self) -> SetupDialog:
        def save(values: SetupValues) -> Office:
            return update_office(self._ws, county_code=values.county_code, name=values.name,
                                 letter_prefix=values.letter_prefix)

        dialog = SetupDialog(self._ws.areas, self._ws.store.path, save, office=self._ws.office, parent=self)
        dialog.accepted.connect(self._show_office)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _show_office(self) -> None:
        office = self._ws.office
        area = self._ws.areas.by_code(office.code)
        county = area.full_name if area else ""
        self.setWindowTitle(self.tr("劳协 — {office}").format(office=office.name))
        self._office_label.setText(self.tr("{office}（{code}）").format(office=office.name, code=office.code))
        self.countyValue.setText(self.tr("{county}（{code}）").format(county=county, code=office.code))
        self.officeNameValue.setText(office.name)
        self.prefixValue.setText(
            self.tr("{prefix}（文号如 {example}）").format(
                prefix=office.letter_prefix, example=office.letter_number(datetime.date.today().year, 1)
            )
        )
        self.dbPathValue.setText(str(self._ws.store.path))
