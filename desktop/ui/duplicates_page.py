"""重复人员: workers counted by two enterprises (filtered by ruling and county, ordered by a column's
header, both in the database), the ruling on a pair, the signed notices to the counties, and the
identity conflicts with their settling. Both lists are queries read a page at a time
(:mod:`desktop.ui.duplicates_model`): a province of 100,000+ employments may hold thousands of pairs.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QTableView, QWidget,
)

from desktop.core.identifiers import mask_id
from desktop.core.permissions import Permission
from desktop.services import province
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.ui.duplicates_model import ConflictModel, DuplicateModel, ruling_label
from desktop.ui.errors import show_exception
from desktop.ui.province_pages import ProvincePage
from desktop.ui.tasks import TaskRunner, TaskState, opener
from desktop.ui.text import not_allowed_text
from desktop.ui.widgets import inform, offer, readonly_view
from desktop.ui.file_places import choose_folder


class RulingDialog(QDialog):
    """The ruling on one duplicate: not a duplicate, or counts for one side only, with a reason."""

    def __init__(self, duplicate: province.Duplicate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("裁定重复计入"))
        form = QFormLayout(self)
        d = duplicate
        form.addRow(QLabel(self.tr("{name}（{id}）同时计入：").format(name=d.name, id=mask_id(d.id_number)), self))
        form.addRow(self.tr("甲："), QLabel(f"{d.a.county_name} {d.a.enterprise_name}", self))
        form.addRow(self.tr("乙："), QLabel(f"{d.b.county_name} {d.b.enterprise_name}", self))
        self.rulingCombo = QComboBox(self)
        for code in ("a_only", "b_only", "not_duplicate"):
            self.rulingCombo.addItem(ruling_label(code), code)
        form.addRow(self.tr("裁定："), self.rulingCombo)
        self.reasonEdit = QPlainTextEdit(self)
        self.reasonEdit.setPlaceholderText(self.tr("理由（必填），如：乙企业合同晚于甲企业，工资由甲企业发放"))
        form.addRow(self.tr("理由："), self.reasonEdit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reasonEdit.textChanged.connect(self._refresh)
        self._refresh()

    def _refresh(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        offer(ok, bool(self.reasonEdit.toPlainText().strip()), self.tr("请写明理由"))

    def values(self) -> tuple[str, str]:
        return str(self.rulingCombo.currentData()), self.reasonEdit.toPlainText()


class DuplicatesPage(ProvincePage):
    """重复人员: workers counted by two enterprises, the rulings, and identity conflicts; both lists
    are queries read a page at a time (:mod:`desktop.ui.duplicates_model`)."""

    HEADERS = DuplicateModel.HEADERS
    CONFLICT_HEADERS = ConflictModel.HEADERS
    STATES = (("", "全部"), ("open", "未裁定"), ("ruled", "已裁定"))
    notices_written = Signal(object)  # the notice files (list of Path)

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(workspace, tasks, parent)
        self.stateCombo = QComboBox(self)
        for code, label in self.STATES:
            self.stateCombo.addItem(self.tr(label), code)
        self.countyCombo = QComboBox(self)
        self.ruleButton = QPushButton(self.tr("裁定…"), self)
        self.noticeButton = QPushButton(self.tr("写出裁定通知…"), self)
        self.summaryLabel = QLabel(self)
        for caption, widget in ((self.tr("裁定："), self.stateCombo), (self.tr("县："), self.countyCombo)):
            self.filters.addWidget(QLabel(caption, self))
            self.filters.addWidget(widget)
        self.filters.addWidget(self.summaryLabel, 1)
        self.filters.addWidget(self.ruleButton)
        self.filters.addWidget(self.noticeButton)
        self.model = DuplicateModel(workspace, self)
        self.table = readonly_view(QTableView(self))
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column, Qt.SortOrder.AscendingOrder)
        self.layout_.addWidget(self.table, 3)
        self.layout_.addWidget(QLabel(self.tr("身份不一致（同一身份证号，姓名或出生日期不同）：待人工核实"), self))
        self.conflict_model = ConflictModel(workspace, self)
        self.conflicts = readonly_view(QTableView(self))
        self.conflicts.setModel(self.conflict_model)
        self.layout_.addWidget(self.conflicts, 1)
        self.settleButton = QPushButton(self.tr("核实身份…"), self)
        settle_bar = QHBoxLayout()
        settle_bar.addStretch(1)
        settle_bar.addWidget(self.settleButton)
        self.layout_.addLayout(settle_bar)
        self.ruled = 0  # pairs with a ruling in force, any county (a notice is written for them)
        self.settleButton.clicked.connect(self._ask_settlement)
        self.conflicts.selectionModel().selectionChanged.connect(self._selection_changed)
        self.ruleButton.clicked.connect(self.open_ruling_dialog)
        self.noticeButton.clicked.connect(self._write_notices)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header.sortIndicatorChanged.connect(self._sort_changed)
        for combo in (self.stateCombo, self.countyCombo):
            combo.currentIndexChanged.connect(self._filter)

    def reload(self) -> None:
        self._fill_counties()
        self.model.set_query(self._query())
        self.conflict_model.reload()
        self._update_summary()

    def _query(self) -> province.DuplicateQuery:
        return dataclasses.replace(self.model.query, state=self.stateCombo.currentData() or "",
                                   county=self.countyCombo.currentData() or None)

    def _filter(self) -> None:
        self.model.set_query(self._query())
        self._update_summary()

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        if DuplicateModel.sortable(section):
            self.model.sort(section, order)
            self._selection_changed()
            return
        header = self.table.horizontalHeader()  # the database cannot order by it: keep the order in force
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column, Qt.SortOrder.DescendingOrder if self.model.query.descending
                                else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _update_summary(self) -> None:
        filtered = bool(self.model.query.state or self.model.query.county)
        total, open_ = province.duplicate_counts(self._ws) if filtered else (self.model.total, self.model.open)
        self.ruled = total - open_
        shown = self.tr("重复计入 {n} 人次，未裁定 {open}；身份不一致 {c} 人").format(
            n=total, open=open_, c=self.conflict_model.total)
        if filtered:
            shown += self.tr("（筛选出 {n} 人次）").format(n=self.model.total)
        self.summaryLabel.setText(shown)
        self._selection_changed()

    def _selected(self) -> province.Duplicate | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        if not self._ws.can(Permission.APPROVE_REVIEW):
            offer(self.ruleButton, False, not_allowed_text(self._ws.actor, Permission.APPROVE_REVIEW))
        else:
            offer(self.ruleButton, self._selected() is not None, self.tr("请先在表中选择一条记录"))
        offer(self.noticeButton, self.ruled > 0, self.tr("还没有裁定"))
        if not self._ws.can(Permission.APPROVE_REVIEW):
            offer(self.settleButton, False, not_allowed_text(self._ws.actor, Permission.APPROVE_REVIEW))
        else:
            offer(self.settleButton, bool(self.conflicts.selectionModel().selectedRows()),
                  self.tr("请先在身份不一致表中选择一人"))

    def _selected_conflict(self) -> province.IdentityConflict | None:
        rows = self.conflicts.selectionModel().selectedRows()
        return self.conflict_model.row(rows[0].row()) if rows else None

    def _ask_settlement(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        conflict = self._selected_conflict()
        if conflict is None:
            return
        names = list(dict.fromkeys((conflict.known.name, conflict.arriving.name)))
        name, ok = QInputDialog.getItem(self, self.tr("核实身份"), self.tr("核实后的姓名："), names, 0, True)
        if not ok:
            return
        label = self.tr("如何核实的（必填）：")
        while True:  # an empty answer is asked again, the name chosen kept; 取消 settles nothing
            reason, ok = QInputDialog.getText(self, self.tr("核实身份"), label)
            if not ok:
                return
            if reason.strip():
                break
            label = self.tr("如何核实的（必填，不能为空；如：与两县电话核对户口簿）：")
        self.settle(conflict, name, reason)

    def settle(self, conflict: province.IdentityConflict, name: str, reason: str) -> None:
        try:
            province.settle_identity(self._ws, conflict.id, name, reason)
        except ServiceError as exc:
            show_exception(self, exc)
            self.reload()
            return
        row = next((i for i in range(self.conflict_model.rowCount()) if self.conflict_model.row(i).id == conflict.id),
                   None)
        if row is not None:  # out of the open list; the officer stays where they were
            self.conflict_model.drop(row)
        self._update_summary()

    def open_ruling_dialog(self) -> RulingDialog | None:
        duplicate = self._selected()
        if duplicate is None:
            return None
        dialog = RulingDialog(duplicate, self)
        dialog.accepted.connect(lambda: self._rule(duplicate, *dialog.values()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _rule(self, duplicate: province.Duplicate, ruling: str, reason: str) -> None:
        try:
            province.rule(self._ws, duplicate.key, ruling, reason)
        except ServiceError as exc:
            show_exception(self, exc)
            self.reload()
            return
        row = next((i for i in range(self.model.rowCount()) if self.model.row(i).key == duplicate.key), None)
        if row is not None:  # read again in place; the officer stays where they were
            self.model.refresh(row)
        self._update_summary()

    def _write_notices(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        folder = choose_folder(self, "batch", self.tr("裁定通知写到哪个文件夹（如 U 盘）"))
        if not folder:
            return
        passphrase, ok = QInputDialog.getText(self, self.tr("写出裁定通知"),
                                              self.tr("通知用本单位密钥签名。本单位解密密钥的口令："),
                                              QLineEdit.EchoMode.Password)
        if ok and passphrase:
            self.write_notices(Path(folder), passphrase)

    def write_notices(self, folder: Path, passphrase: str) -> None:
        """One signed notice per county that a ruling concerns, in the background (the key is unlocked
        there); ``notices_written`` carries the files."""
        task = self._tasks.run(_write_notices, folder, passphrase, ws_factory=opener(self._ws),
                               label=self.tr("正在写出裁定通知…"), parent=self)
        task.success(self._notices_written)
        task.failure(lambda exc: show_exception(self, exc))

    def _notices_written(self, written: list[Path]) -> None:
        inform(self, self.tr("裁定通知"), self.tr("已写出 {n} 份通知（已签名）：\n{files}").format(
            n=len(written), files="\n".join(p.name for p in written)))
        self.notices_written.emit(written)


def _write_notices(ws: Workspace, state: TaskState, folder: Path, passphrase: str) -> list[Path]:
    state.progress(0, 1, "正在写出裁定通知…")
    return province.write_notices(ws, folder, passphrase)


__all__ = ["DuplicatesPage", "RulingDialog"]
