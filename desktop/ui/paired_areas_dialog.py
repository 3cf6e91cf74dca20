"""The paired-area list (对口地区): see it, edit it, import the province's file, go back to the default.

Changes are made on a working copy and kept only by 保存, which needs a
reason; the services check the permission, the codes and the file again and
audit the change. Users without ``OFFICE_SETTINGS`` see the list read-only.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from desktop.core.permissions import Permission
from desktop.core.policy_areas import PairedAreas
from desktop.services import policy as policy_service
from desktop.services import policy_file
from desktop.services.policy_file import ProvincePolicy
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.decision_view import PASS_COLOR, label, local_time
from desktop.ui.forms import load_form
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import fill_county_combo, offer
from desktop.ui.file_places import open_file

ITEM_ROLE = Qt.ItemDataRole.UserRole  # (group code, county code or "") of a tree item


class _Pending(Enum):
    NONE = "none"
    EDIT = "edit"
    IMPORT = "import"
    RESET = "reset"


class PairedAreasDialog(QDialog):
    # From forms/paired_areas_dialog.ui (load_form sets them).
    stateLabel: QLabel
    areaTree: QTreeWidget
    editGroup: QGroupBox
    countyCaption: QLabel
    countyCombo: QComboBox
    codeEdit: QLineEdit
    groupCaption: QLabel
    groupCombo: QComboBox
    addButton: QPushButton
    removeButton: QPushButton
    importButton: QPushButton
    resetButton: QPushButton
    changesLabel: QLabel
    reasonCaption: QLabel
    reasonEdit: QLineEdit
    problemLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("paired_areas_dialog", self)
        self._ws = workspace
        self._state = policy_service.paired_areas_state(workspace)
        self._areas: PairedAreas = self._state.areas  # the working copy
        self._pending = _Pending.NONE
        self._import_path: Path | None = None
        self._found: ProvincePolicy | None = None  # the verified province file being imported
        self.saved: PairedAreas | None = None  # the list kept by 保存
        self.editable = workspace.can(Permission.OFFICE_SETTINGS)

        fill_county_combo(self.countyCombo, workspace.areas)
        self.countyCombo.setPlaceholderText(self.tr("选择县（市、区）"))
        self.areaTree.header().setStretchLastSection(False)
        self.areaTree.header().setSectionResizeMode(0, self.areaTree.header().ResizeMode.Stretch)
        self.areaTree.header().setSectionResizeMode(1, self.areaTree.header().ResizeMode.ResizeToContents)
        why = not_allowed_text(workspace.actor, Permission.OFFICE_SETTINGS)
        for widget in (self.editGroup, self.reasonEdit):
            offer(widget, self.editable, why)
        if not self.editable:
            self.save_button.hide()
            self.buttonBox.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))
            self.changesLabel.setText(why + self.tr("；只能查看名单。"))

        self.areaTree.itemSelectionChanged.connect(self._selection_changed)
        self.countyCombo.currentIndexChanged.connect(self._refresh_buttons)
        self.codeEdit.textChanged.connect(self._refresh_buttons)
        self.codeEdit.returnPressed.connect(self.add_county)
        self.addButton.clicked.connect(self.add_county)
        self.removeButton.clicked.connect(self.remove_selected)
        self.importButton.clicked.connect(self._choose_file)
        self.resetButton.clicked.connect(self.reset_to_default)
        self.reasonEdit.textChanged.connect(self._refresh_buttons)
        self.buttonBox.accepted.connect(self.accept)
        self.buttonBox.rejected.connect(self.reject)
        self._show_state()
        self._redraw()

    @property
    def save_button(self) -> QPushButton:
        return self.buttonBox.button(QDialogButtonBox.StandardButton.Save)

    @property
    def areas(self) -> PairedAreas:
        """The working copy (what 保存 would keep)."""
        return self._areas

    # -- showing ------------------------------------------------------------------
    def _show_state(self) -> None:
        state = self._state
        text = self.tr("现行名单：{title}，版本 {version}（{origin}）").format(
            title=state.areas.title, version=state.areas.version, origin=label("policy", state.origin_label))
        if state.changed_at:
            text += self.tr("。最近修改：{at}，{by}，理由：{reason}").format(
                at=local_time(state.changed_at), by=state.changed_by, reason=state.reason)
        if state.file_name:
            text += self.tr("。省厅文件：{file}").format(file=state.file_name)
        self.stateLabel.setText(text)

    def _county_text(self, code: str) -> str:
        area = self._ws.areas.by_code(code)
        return area.full_name if area else self.tr("（未知代码）")

    def _redraw(self) -> None:
        selected = self._selected()
        stored = {(g.code, c) for g in self._state.areas.groups for c in g.counties}
        tree = self.areaTree
        tree.clear()
        for group in self._areas.groups:
            top = QTreeWidgetItem(tree, [self.tr("{name}（{n} 个）").format(name=group.name, n=len(group.counties)), ""])
            top.setData(0, ITEM_ROLE, (group.code, ""))
            tip = group.source + (f"\n{group.note}" if group.note else "")
            top.setToolTip(0, tip)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(top.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for code in group.counties:
                item = QTreeWidgetItem(top, [self._county_text(code), code])
                item.setData(0, ITEM_ROLE, (group.code, code))
                others = [g.name for g in self._areas.groups_of(code) if g.code != group.code]
                if others:
                    item.setToolTip(0, self.tr("也在：{groups}").format(groups="；".join(others)))
                if (group.code, code) not in stored:
                    for column in (0, 1):
                        item.setForeground(column, QBrush(QColor(PASS_COLOR)))
                if (group.code, code) == selected:
                    item.setSelected(True)
            top.setExpanded(True)
        self._fill_groups()
        self._show_changes()
        self._refresh_buttons()

    def _fill_groups(self) -> None:
        current = self.groupCombo.currentData()
        self.groupCombo.blockSignals(True)
        self.groupCombo.clear()
        for group in self._areas.groups:
            self.groupCombo.addItem(group.name, group.code)
        if not any(g.code == policy_service.OFFICE_GROUP for g in self._areas.groups):
            self.groupCombo.addItem(self.tr("本单位增补的对口地区（新建一组）"), policy_service.OFFICE_GROUP)
        index = self.groupCombo.findData(current if current else policy_service.OFFICE_GROUP)
        self.groupCombo.setCurrentIndex(max(index, 0))
        self.groupCombo.blockSignals(False)

    def _changes(self) -> tuple[list[str], list[str]]:
        before, after = self._state.areas.counties, self._areas.counties
        return sorted(after - before), sorted(before - after)

    def _show_changes(self) -> None:
        if not self.editable:
            return
        added, removed = self._changes()
        parts = []
        if added:
            parts.append(self.tr("加入 {names}").format(names="、".join(self._label(c) for c in added)))
        if removed:
            parts.append(self.tr("移除 {names}").format(names="、".join(self._label(c) for c in removed)))
        if self._pending is _Pending.IMPORT and self._import_path is not None and self._found is not None:
            found = self._found
            text = self.tr("导入省厅签名的政策文件 {file}（{title}，版本 {version}，{source}，{since}起施行）").format(
                file=self._import_path.name, title=found.title, version=found.version, source=found.source,
                since=found.effective_from)
            if found.labor is not None:
                text += self.tr("，更新认定标准")
            if found.paired is not None:
                text += self.tr("，对口地区名单版本 {version}").format(version=found.paired.version)
            parts.insert(0, text)
        elif self._pending is _Pending.RESET:
            parts.insert(0, self.tr("恢复默认名单"))
        elif self._dirty() and not parts:
            parts.append(self.tr("调整县（市）所在的组"))
        if parts:
            self.changesLabel.setText(self.tr("待保存：{changes}。保存后，新的认定使用新名单；已记录的认定不变。").format(
                changes="；".join(parts)))
        else:
            self.changesLabel.setText(self.tr("没有改动。"))

    def _label(self, code: str) -> str:
        return policy_service.county_label(self._ws, code)

    def _dirty(self) -> bool:
        if self._pending is _Pending.IMPORT:
            return True
        if self._pending is _Pending.RESET and self._state.customised:
            return True
        return not policy_service.same_counties(self._state.areas, self._areas)

    def _selected(self) -> tuple[str, str] | None:
        items = self.areaTree.selectedItems()
        if not items:
            return None
        group, code = items[0].data(0, ITEM_ROLE)
        return (group, code) if code else None

    def _selection_changed(self) -> None:
        selected = self._selected()
        if selected is not None:
            index = self.groupCombo.findData(selected[0])
            if index >= 0:
                self.groupCombo.setCurrentIndex(index)
        self._refresh_buttons()

    def _code_to_add(self) -> str:
        typed = self.codeEdit.text().strip()
        return typed if typed else str(self.countyCombo.currentData() or "")

    def _refresh_buttons(self) -> None:
        if not self.editable:
            return
        offer(self.addButton, bool(self._code_to_add()), self.tr("请先选择要添加的地区"))
        offer(self.removeButton, self._selected() is not None, self.tr("请先在名单中选择地区"))
        offer(self.save_button, self._dirty() and bool(self.reasonEdit.text().strip()),
              self.tr("请填写修改理由") if self._dirty() else self.tr("名单没有改动"))
        if self._dirty() and not self.reasonEdit.text().strip():
            self.save_button.setToolTip(self.tr("请先写明修改理由"))
        else:
            self.save_button.setToolTip("")

    # -- editing ----------------------------------------------------------------------
    def _edit(self, changed: PairedAreas) -> None:
        self._areas = changed
        self._pending = _Pending.EDIT  # an edit after an import or a reset is the office's own list
        self.problemLabel.setText("")
        self._redraw()

    def add_county(self) -> None:
        code = self._code_to_add()
        if not code or not self.editable:
            return
        group = self.groupCombo.currentData()
        try:
            policy_service.check_county(self._ws, code)
            changed = policy_service.with_counties_added(
                self._areas, [code], None if group == policy_service.OFFICE_GROUP else group)
        except ServiceError as exc:
            self.problemLabel.setText(error_text(exc))
            return
        self.codeEdit.clear()
        self._edit(changed)

    def remove_selected(self) -> None:
        selected = self._selected()
        if selected is None or not self.editable:
            return
        group, code = selected
        try:
            changed = policy_service.with_counties_removed(self._areas, [code], group)
        except ServiceError as exc:
            self.problemLabel.setText(error_text(exc))
            return
        self._edit(changed)

    def _choose_file(self) -> None:
        path = open_file(self, "policy", self.tr("导入省厅签名的政策文件"), self.tr("省厅政策文件 (*.json);;所有文件 (*)"))
        if path:
            self.load_policy_file(Path(path))

    def load_policy_file(self, path: Path) -> bool:
        """Check the province's file and show it as the working copy (kept only by 保存)."""
        try:
            found = policy_file.read_policy_file(self._ws, path)
        except (ServiceError, StoreError) as exc:
            self.problemLabel.setText(error_text(exc))
            return False
        self._found = found
        self._areas = found.paired if found.paired is not None else self._state.areas
        self._pending = _Pending.IMPORT
        self._import_path = path
        if not self.reasonEdit.text().strip():
            self.reasonEdit.setText(self.tr("导入省厅政策文件 {file}（{source}）").format(
                file=path.name, source=found.source))
        self.problemLabel.setText("")
        self._redraw()
        return True

    def reset_to_default(self) -> None:
        self._areas = policy_service.shipped_paired_areas()
        self._pending = _Pending.RESET
        self.problemLabel.setText("")
        self._redraw()

    # -- saving --------------------------------------------------------------------------
    def accept(self) -> None:
        if not self.editable or not self._dirty():
            super().reject()
            return
        reason = self.reasonEdit.text()
        try:
            if self._pending is _Pending.IMPORT and self._import_path is not None:
                found = policy_file.import_policy_file(self._ws, self._import_path, reason)
                self.saved = found.paired if found.paired is not None else self._state.areas
            elif self._pending is _Pending.RESET:
                self.saved = policy_service.reset_paired_areas(self._ws, reason)
            else:
                self.saved = policy_service.set_paired_areas(self._ws, self._areas, reason)
        except (ServiceError, StoreError) as exc:
            self.problemLabel.setText(error_text(exc))
            return
        super().accept()
