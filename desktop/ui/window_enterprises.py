"""The main window's 企业 page (the enterprise list: search, count, add and edit, the row's menu,
the full phone number) and the enterprise the clerk follows from page to page. Part of
:class:`desktop.ui.main_window.MainWindow`."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QMenu

from desktop.core.permissions import Permission
from desktop.services.errors import ServiceError
from desktop.store import StoreError
from desktop.ui.enterprise_dialog import EnterpriseDialog
from desktop.ui.enterprise_model import Column
from desktop.ui.errors import show_error
from desktop.ui.events import Change
from desktop.ui.import_wizard import ImportWizard
from desktop.ui.text import not_allowed_text
from desktop.ui.widgets import offer
from desktop.ui.window_form import WindowForm


class WindowEnterprises(WindowForm):
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
        rows = self.enterpriseTable.selectionModel().selectedRows()
        if not self._can_edit:
            offer(self.editButton, False, not_allowed_text(self._ws.actor, Permission.EDIT_ENTERPRISES))
        else:
            offer(self.editButton, bool(rows), self.tr("请先在表中选择企业"))
        if rows:
            self._enterprise_chosen(self.model.enterprise(rows[0].row()))

    # -- the current enterprise and the change signal ------------------------------------------
    def _enterprise_chosen(self, enterprise: object) -> None:
        enterprise_id = getattr(enterprise, "id", None)
        if enterprise_id is not None:
            self.current_enterprise_id = enterprise_id

    def follow_enterprise(self, enterprise_id: int | None) -> None:
        """Make this the current enterprise (a new window after 切换用户 keeps the one handed over)."""
        if enterprise_id is not None:
            self.current_enterprise_id = enterprise_id
            self._follow_enterprise(self.navList.currentRow())

    def _follow_enterprise(self, _row: int) -> None:
        """The page just shown selects the enterprise the clerk was working on."""
        wanted = self.current_enterprise_id
        if wanted is None:
            return
        page = self.pages.currentWidget()
        if page is self.rosterPage and (self.roster.enterprise is None or self.roster.enterprise.id != wanted):
            self.roster.select_enterprise(wanted)
        elif page is self.reviewPage and (self.review.enterprise is None or self.review.enterprise.id != wanted):
            self.review.select_enterprise(wanted)
        elif page is self.letterPage and self.letters.selected_application() is None:
            row = self.model.row_of(wanted)
            if row is not None:
                self.letters.select_enterprise(self.model.enterprise(row).uscc)
        elif page is self.enterprisePage:
            row = self.model.row_of(wanted)
            selected = self.enterpriseTable.selectionModel().selectedRows()
            if row is not None and (not selected or selected[0].row() != row):
                self.enterpriseTable.selectRow(row)

    def _data_changed(self, kind: str, _enterprise_id: int) -> None:
        """What the window itself shows: the enterprise list, and the last backup (approvals,
        imports and exports take one first)."""
        if kind in (Change.ENTERPRISE.value, Change.EVERYTHING.value):
            self.model.reload()
        self.refresh_backup_status()

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
        if saved is None:
            self.model.reload()
            return
        self.current_enterprise_id = saved.id
        self.events.tell(Change.ENTERPRISE, saved.id)  # reloads the list here and the pickers of the pages
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

    def table_menu(self, row: int) -> QMenu:
        """The context menu of one enterprise row (built here, shown by the caller)."""
        enterprise = self.model.enterprise(row)
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        edit = menu.addAction(self.tr("编辑…"))
        edit.setEnabled(self._can_edit)
        edit.triggered.connect(lambda: self.open_enterprise_dialog(enterprise.id))
        roster = menu.addAction(self.tr("查看名册"))
        roster.triggered.connect(lambda: self.show_roster(enterprise.id))
        phone = menu.addAction(self.tr("显示完整电话"))
        if not self._ws.can(Permission.UNMASK_PERSONAL_DATA):
            phone.setEnabled(False)
            phone.setToolTip(not_allowed_text(self._ws.actor, Permission.UNMASK_PERSONAL_DATA))
        elif not enterprise.contact_phone:
            phone.setEnabled(False)
            phone.setToolTip(self.tr("没有登记联系电话"))
        elif enterprise.id in self.model.unmasked:
            phone.setEnabled(False)
            phone.setToolTip(self.tr("已显示完整电话"))
        else:
            phone.setToolTip(self.tr("查看会记入操作日志"))
        phone.triggered.connect(lambda: self.show_full_phone(enterprise.id))
        return menu

    def _show_table_menu(self, pos: QPoint) -> None:
        index = self.enterpriseTable.indexAt(pos)
        if not index.isValid():
            return
        menu = self.table_menu(index.row())
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.enterpriseTable.viewport().mapToGlobal(pos))

    def show_roster(self, enterprise_id: int) -> None:
        """The 名册 page with this enterprise's roster."""
        self.navList.setCurrentRow(self.pages.indexOf(self.rosterPage))
        self.roster.select_enterprise(enterprise_id)

    def open_import_wizard(self, enterprise_id: int, path: str | None = None) -> ImportWizard:
        """导入名册…: the wizard (window-modal, not blocking); the roster and the review follow the import."""
        wizard = ImportWizard(self._ws, self.tasks, enterprise_id, self, path=path)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._roster_imported)
        wizard.open()
        return wizard

    def _roster_imported(self, _result: object) -> None:
        enterprise = self.roster.enterprise
        self.events.tell(Change.ROSTER, enterprise.id if enterprise else None)  # the import backed up first
        self.statusbar.showMessage(self.tr("名册已导入"), 5000)

    def show_full_phone(self, enterprise_id: int) -> None:
        row = self.model.row_of(enterprise_id)
        if row is None:
            return
        try:
            self.model.show_full_phone(row)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return
        self.statusbar.showMessage(self.tr("已显示完整电话，并记入操作日志"), 5000)
