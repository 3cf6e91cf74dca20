"""The 名册 page's actions: the selection and what its buttons offer, 撤销上次导入, the table's
context menu, marking priority groups and the 户口簿 check, and the blank template.
Part of :class:`desktop.ui.roster_page.RosterPage`."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import QItemSelection, QPoint
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from desktop.core.permissions import Permission
from desktop.core.roster import RosterError
from desktop.core.workers import PriorityGroup
from desktop.services.errors import ServiceError
from desktop.services.priority import mark_priority, record_hukou_check
from desktop.services.roster_undo import UndoResult, check_undoable, undo_import
from desktop.services.rosters import write_template
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.decision_view import local_time
from desktop.ui.events import Change, announce
from desktop.ui.errors import show_error, show_exception
from desktop.ui.priority_dialog import PriorityDialog
from desktop.ui.roster_form import RosterForm
from desktop.ui.roster_model import RosterColumn, group_label
from desktop.ui.tasks import Cancelled, Task, TaskState, opener
from desktop.ui.text import not_allowed_text
from desktop.ui.file_places import save_file

TEMPLATE_NAME: Final = "劳务协作地区就业人员名册（模板）.xlsx"


def _write_template(ws: Workspace, state: TaskState, out: Path) -> Path:
    """On the database worker (its own connection): the blank roster template."""
    return write_template(out, ws)


def _undo(ws: Workspace, state: TaskState, import_id: int) -> UndoResult:
    """On the database worker: one transaction, so a cancel before its COMMIT undoes nothing."""
    try:
        return undo_import(ws, import_id, progress=lambda _stage, done, total: state.progress(done, total),
                           cancel=lambda: state.cancelled)
    except RosterError as exc:
        if exc.code == "roster_cancelled":
            raise Cancelled from exc
        raise


class RosterActions(RosterForm):
    # -- selection and actions -------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.rosterTable.selectionModel().selectedRows())

    def select_rows(self, rows: list[int]) -> None:
        """Select these rows (as the clerk would with Ctrl-click)."""
        table = self.rosterTable
        table.clearSelection()
        model = table.selectionModel()
        selection = QItemSelection()
        for row in rows:
            selection.select(self.roster.index(row, 0), self.roster.index(row, len(RosterColumn) - 1))
        model.select(selection, model.SelectionFlag.Select | model.SelectionFlag.Rows)
        if rows:
            model.setCurrentIndex(self.roster.index(rows[0], 0), model.SelectionFlag.NoUpdate)

    def _selection_changed(self) -> None:
        self._update_count()
        self._update_actions()

    def _update_actions(self) -> None:
        actor = self._ws.actor
        enterprise = self._enterprise
        rows = self.selected_rows()
        no_enterprise = self.tr("请先在左侧选择企业")
        if not self._can_import:
            _offer(self.importButton, False, not_allowed_text(actor, Permission.IMPORT_ROSTERS))
        elif enterprise is None:
            _offer(self.importButton, False, no_enterprise)
        elif self._locked:
            _offer(self.importButton, False, self._locked)
        else:
            _offer(self.importButton, True, self.tr("导入“{name}”报来的《劳务协作地区就业人员名册》").format(
                name=enterprise.name))
        if not self.importButton.isEnabled():
            _offer(self.undoImportButton, False, self.importButton.toolTip())
        elif self._undoable is None:
            _offer(self.undoImportButton, False, self.tr("没有可撤销的名册导入"))
        else:
            _offer(self.undoImportButton, True, self.tr("把名册恢复到导入“{file}”之前").format(
                file=self._undoable.file_name))
        for button in (self.markButton, self.unmarkButton):
            if not self._can_mark:
                _offer(button, False, not_allowed_text(actor, Permission.MARK_PRIORITY))
            elif enterprise is None:
                _offer(button, False, no_enterprise)
            elif self._locked:
                _offer(button, False, self._locked)
            elif not rows:
                _offer(button, False, self.tr("请先在表中选择人员（按住 Ctrl 或 Shift 可多选）"))
            else:
                _offer(button, True, "")
        if self.unmarkButton.isEnabled() and not any(r.priority_group for r in self.roster.records(rows)):
            _offer(self.unmarkButton, False, self.tr("选中的人员都没有重点群体标记"))

    def undo_last_import(self) -> Task | None:
        """撤销上次导入…: after asking, put the roster back as it was before the newest import, on the
        database worker with a progress dialog and 取消 (100,000 rows take seconds: the window froze)."""
        enterprise, last = self._enterprise, self._undoable
        if enterprise is None or last is None:
            return None
        try:
            check_undoable(self._ws, last.id)  # a refusal first, not as the answer to the clerk's yes
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return None
        answer = QMessageBox.question(
            self, self.tr("撤销上次导入"),
            self.tr("撤销“{file}”（{when}）的导入？这次导入新增的人员将删除，更新或标为离职的人员恢复为导入前的内容；"
                    "撤销记入操作日志。").format(file=last.file_name, when=local_time(last.imported_at)))
        if answer != QMessageBox.StandardButton.Yes:
            return None
        self.undoImportButton.setEnabled(False)  # no second undo while this one runs
        self._status(self.tr("正在撤销“{file}”的导入…").format(file=last.file_name))
        task = self._tasks.run(_undo, last.id, ws_factory=opener(self._ws), parent=self, cancellable=True,
                               label=self.tr("正在撤销“{file}”的导入…").format(file=last.file_name))
        return task.success(self._undone).failure(self._undo_failed).on_cancel(self._undo_cancelled)

    def _undone(self, result: UndoResult) -> None:
        self.reload()
        c = result.counts
        self._status(self.tr("已撤销“{file}”的导入：删除新增 {removed} 人，恢复 {restored} 人，并记入操作日志").format(
            file=result.file_name, removed=c["removed"], restored=c["restored"]))
        announce(self, Change.ROSTER, result.enterprise_id)

    def _undo_failed(self, error: BaseException) -> None:
        self._status("")
        self._update_actions()
        show_exception(self, error)  # a refusal or a database error in Chinese; anything else a bug report

    def _undo_cancelled(self) -> None:
        self._status(self.tr("已取消撤销，名册没有改动。"))
        self._update_actions()

    # -- the context menu ---------------------------------------------------------------------------
    def table_menu(self) -> QMenu:
        """The context menu for the selected rows (built here, shown by the caller)."""
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        mark = menu.addAction(self.markButton.text())
        mark.setEnabled(self.markButton.isEnabled())
        mark.setToolTip(self.markButton.toolTip())
        mark.triggered.connect(self.open_priority_dialog)
        unmark = menu.addAction(self.unmarkButton.text())
        unmark.setEnabled(self.unmarkButton.isEnabled())
        unmark.setToolTip(self.unmarkButton.toolTip())
        unmark.triggered.connect(self.unmark_selected)
        menu.addSeparator()
        # where an ID number's area differs from the 户籍地 (the check and the review page say so)
        for text, check, tip in (
            (self.tr("已核对户口簿"), "checked",
             self.tr("身份证号码所示地区与户籍地不同：已核对户口簿，户籍地无误")),
            (self.tr("不计入（身份证地区与户籍地不同）"), "excluded",
             self.tr("身份证号码所示地区与户籍地不同，无法核实：在本企业不计入")),
            (self.tr("撤销户口簿核对结果"), None, self.tr("撤销已记录的户口簿核对结果")),
        ):
            action = menu.addAction(text)
            action.setEnabled(self.markButton.isEnabled())
            action.setToolTip(tip if self.markButton.isEnabled() else self.markButton.toolTip())
            action.triggered.connect(lambda _checked=False, c=check: self.record_hukou(c))
        menu.addSeparator()
        reveal = menu.addAction(self.tr("显示完整身份证号"))
        records = self.roster.records(self.selected_rows())
        if not self._can_unmask:
            reveal.setEnabled(False)
            reveal.setToolTip(not_allowed_text(self._ws.actor, Permission.UNMASK_PERSONAL_DATA))
        elif not records:
            reveal.setEnabled(False)
            reveal.setToolTip(self.tr("请先在表中选择人员"))
        elif all(r.person_id in self.roster.unmasked for r in records):
            reveal.setEnabled(False)
            reveal.setToolTip(self.tr("已显示完整身份证号"))
        else:
            reveal.setToolTip(self.tr("查看会记入操作日志"))
        reveal.triggered.connect(self.show_full_ids)
        return menu

    def _show_table_menu(self, pos: QPoint) -> None:
        index = self.rosterTable.indexAt(pos)
        if not index.isValid():
            return
        if index.row() not in self.selected_rows():
            self.rosterTable.selectRow(index.row())
        menu = self.table_menu()
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.rosterTable.viewport().mapToGlobal(pos))

    def show_full_ids(self) -> int:
        """Unmask the selected rows' ID numbers (logged); returns how many were shown."""
        try:
            shown = self.roster.show_full_ids(self.selected_rows())
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return 0
        if shown:
            self._status(self.tr("已显示 {n} 人的完整身份证号码，并记入操作日志").format(n=shown))
        return shown

    # -- marking ------------------------------------------------------------------------------------------
    def open_priority_dialog(self) -> PriorityDialog | None:
        """标记重点群体… for the selected rows (window-modal, not blocking)."""
        enterprise = self._enterprise
        rows = self.selected_rows()
        if enterprise is None or not rows or not self.markButton.isEnabled():
            return None
        workers = self.roster.records(rows)
        ids = [w.employment_id for w in workers]

        def save(group: PriorityGroup, evidence: str) -> int:
            return mark_priority(self._ws, enterprise.id, ids, group, evidence)

        dialog = PriorityDialog(workers, save, self)
        dialog.accepted.connect(lambda: self._marked(dialog, ids))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _marked(self, dialog: PriorityDialog, ids: list[int]) -> None:
        self.roster.refresh(ids)
        changed, group = dialog.changed or 0, dialog.group
        if changed and group is not None:
            self._status(self.tr("已将 {n} 人标记为“{group}”，并记入操作日志").format(
                n=changed, group=group_label(group.value)))
        else:
            self._status(self.tr("标记没有变化"))
        self._update_actions()
        if changed and self._enterprise is not None:
            announce(self, Change.ROSTER, self._enterprise.id)

    def record_hukou(self, check: str | None) -> int:
        """已核对户口簿 / 不计入 / 撤销 for the selected rows (an ID area that differs from the 户籍地)."""
        enterprise = self._enterprise
        ids = [r.employment_id for r in self.roster.records(self.selected_rows())]
        if enterprise is None or not ids:
            return 0
        try:
            changed = record_hukou_check(self._ws, enterprise.id, ids, check)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return 0
        what = {"checked": self.tr("记为“已核对户口簿”"), "excluded": self.tr("决定不计入"),
                None: self.tr("撤销户口簿核对结果")}[check]
        self._status(self.tr("已将 {n} 人{what}，并记入操作日志；请重新计算审核结果").format(n=changed, what=what))
        return changed

    def unmark_selected(self) -> int:
        """取消标记 for the selected rows that have a mark, after asking; returns how many changed."""
        enterprise = self._enterprise
        marked = [r for r in self.roster.records(self.selected_rows()) if r.priority_group]
        if enterprise is None or not marked:
            return 0
        answer = QMessageBox.question(
            self, self.tr("取消标记"),
            self.tr("取消 {n} 人的重点群体标记？证明材料一并清除（操作日志中保留原来的标记）。").format(n=len(marked)))
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        ids = [r.employment_id for r in marked]
        try:
            changed = mark_priority(self._ws, enterprise.id, ids, None)
        except (ServiceError, StoreError) as exc:
            show_error(self, exc)
            return 0
        self.roster.refresh(ids)
        self._status(self.tr("已取消 {n} 人的重点群体标记，并记入操作日志").format(n=changed))
        self._update_actions()
        announce(self, Change.ROSTER, enterprise.id)
        return changed

    # -- the template ---------------------------------------------------------------------------------------
    def save_template(self) -> Task | None:
        """下载名册模板…: ask where, then write it in the background."""
        path = save_file(self, "template", self.tr("保存名册模板"), TEMPLATE_NAME, self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return None
        out = Path(path)
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        task = self._tasks.run(_write_template, out, ws_factory=opener(self._ws),
                               label=self.tr("正在生成名册模板…"), parent=self)
        task.success(self._template_written).failure(self._template_failed)
        return task

    def _template_written(self, path: Path) -> None:
        self.last_template = path
        self._status(self.tr("名册模板已保存：{path}").format(path=path))

    def _template_failed(self, error: BaseException) -> None:
        show_exception(self, error)


def _offer(widget: QWidget, allowed: bool, why: str) -> None:
    """Like widgets.offer, but an enabled control keeps a tooltip saying what it does."""
    widget.setEnabled(allowed)
    widget.setToolTip(why)
