"""The 名册 page: pick an enterprise, see and filter its roster, mark priority-group workers.

The table is a query (``roster_model``): typing (after a pause), a filter
or a click on a column header runs it again in the database, so a roster of
100,000 workers stays quick; only the rows scrolled into view are read.

导入名册… only says which enterprise (:attr:`RosterPage.import_requested`):
the window opens the import wizard and calls :meth:`RosterPage.reload` after
it.  ID numbers are masked; 显示完整身份证号 (context menu) is for a user
allowed to see them and is recorded in the audit log.  Marks and unmarks go
through ``services.priority``, which checks the right, refuses while the
enterprise's case is submitted or approved, and records each change.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop.core.enterprise import Enterprise
from desktop.core.permissions import Permission
from desktop.core.workers import ContractType, PriorityGroup
from desktop.services.errors import ServiceError
from desktop.services.policy import paired_areas
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.roster_undo import ImportRow, last_undoable
from desktop.services.roster_view import RosterQuery, count_roster, roster_history
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.decision_view import FAIL_COLOR, MUTED_COLOR, label, local_time
from desktop.ui.enterprise_picker import EnterprisePicker
from desktop.ui.events import Change, is_echo
from desktop.ui.forms import FormError, load_form
from desktop.ui.roster_actions import RosterActions
from desktop.ui.roster_model import RosterColumn, RosterModel, group_label
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text

SEARCH_DELAY_MS: Final = 200

# The 户籍地 filter's choices besides a prefecture code.
HUKOU_ALL, HUKOU_PAIRED, HUKOU_UNRESOLVED = "", "paired", "unresolved"
# The 重点群体 filter's choices besides a group (RosterQuery.priority_group).
GROUP_ALL, GROUP_ANY, GROUP_CLAIMED, GROUP_NONE = "", "any", "claimed", "none"

# Text as wide as a column's usual value: columns open wide enough for it and stay resizable
# (longer text is elided, its tooltip has it all).
_COLUMN_SAMPLES: Final[dict[RosterColumn, tuple[str, ...]]] = {
    RosterColumn.ROW: ("99999",),
    RosterColumn.NAME: ("欧阳某某",),
    RosterColumn.ID: ("222401********1234", "22240119900101123X"),
    RosterColumn.SEX: ("男",),
    RosterColumn.HUKOU: ("延边州龙井市",),
    RosterColumn.GROUP: (),  # every group's label (below)
    RosterColumn.EVIDENCE: ("延就困认〔2026〕31号",),
    RosterColumn.CONTRACT_TYPE: ("无固定期限",),
    RosterColumn.CONTRACT: ("2025-04-11至2027-04-10",),
    RosterColumn.WAGE: ("12,345",),
    RosterColumn.ACTIVE: ("是",),
}


def _count_roster(ws: Workspace, state: TaskState, query: RosterQuery) -> int:
    return count_roster(ws, query)


class RosterPage(RosterActions):
    import_requested = Signal(int)  # the enterprise whose roster the clerk wants to import
    data_changed = Signal(str, int)  # (Change, enterprise id) for the window's DataEvents

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("roster_page", self)
        self._ws = workspace
        self._tasks = tasks
        self._count_task: Task | None = None
        self.picker = EnterprisePicker(workspace, self.enterpriseSearchEdit, self.enterpriseList,
                                       self.enterpriseCountLabel)
        self.enterprises = self.picker.model
        self.roster = RosterModel(workspace, self)
        self._enterprise: Enterprise | None = None
        self._locked = ""  # why the enterprise's roster cannot be changed now ("" when it can)
        self._undoable: ImportRow | None = None  # the import 撤销上次导入 would undo
        self._can_mark = workspace.can(Permission.MARK_PRIORITY)
        self._can_unmask = workspace.can(Permission.UNMASK_PERSONAL_DATA)
        self._can_import = workspace.can(Permission.IMPORT_ROSTERS)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(SEARCH_DELAY_MS)
        self.last_template: Path | None = None

        self._set_up()
        self._connect()
        self._show_enterprise(None)

    @classmethod
    def install(cls, pages: QStackedWidget, workspace: Workspace, tasks: TaskRunner) -> RosterPage:
        """Fill the main window's (empty, laid-out) ``rosterPage`` with the page."""
        holder = pages.findChild(QWidget, "rosterPage")
        layout = holder.layout() if holder is not None else None
        if holder is None or layout is None:
            raise FormError("forms/main_window.ui has no laid-out rosterPage")
        page = cls(workspace, tasks, holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        return page

    # -- setting up ------------------------------------------------------------------
    def _set_up(self) -> None:
        self.rosterSplitter.setStretchFactor(0, 0)
        self.rosterSplitter.setStretchFactor(1, 1)
        self.rosterSplitter.setSizes([200, 840])
        font = self.enterpriseLabel.font()
        font.setBold(True)
        self.enterpriseLabel.setFont(font)
        self.historyLabel.setStyleSheet(f"color: {MUTED_COLOR};")
        self._fill_filters()
        self._set_up_table()

    def _fill_filters(self) -> None:
        combo = self.hukouCombo
        combo.addItem(self.tr("全部"), HUKOU_ALL)
        combo.addItem(self.tr("对口地区"), HUKOU_PAIRED)
        combo.setItemData(1, self.tr("户籍地在本单位现行对口地区名单内的人员"), Qt.ItemDataRole.ToolTipRole)
        combo.addItem(self.tr("未识别"), HUKOU_UNRESOLVED)
        combo.setItemData(2, self.tr("户籍地未能识别为吉林省的县（市、区）的人员"), Qt.ItemDataRole.ToolTipRole)
        combo.insertSeparator(combo.count())
        for code, name in self._ws.areas.prefectures():
            combo.addItem(name, code)
        combo = self.groupCombo
        combo.addItem(self.tr("全部"), GROUP_ALL)
        combo.addItem(self.tr("已核实的重点群体"), GROUP_ANY)
        combo.addItem(self.tr("企业申报，未核实"), GROUP_CLAIMED)
        combo.addItem(self.tr("非重点群体"), GROUP_NONE)
        combo.insertSeparator(combo.count())
        for group in PriorityGroup:
            combo.addItem(label("group", group.label), group.value)
        combo = self.contractCombo
        combo.addItem(self.tr("全部"), "")
        for kind in ContractType:
            combo.addItem(label("contract", kind.label), kind.value)

    def _set_up_table(self) -> None:
        table = self.rosterTable
        table.setModel(self.roster)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(RosterColumn.ROW, Qt.SortOrder.AscendingOrder)
        text, title = table.fontMetrics(), header.fontMetrics()
        arrow = header.style().pixelMetric(header.style().PixelMetric.PM_HeaderMarkSize) + 6
        for column, samples in _COLUMN_SAMPLES.items():
            if column == RosterColumn.GROUP:
                samples = tuple(group_label(g.value) for g in PriorityGroup)
            caption = str(self.roster.headerData(column, Qt.Orientation.Horizontal))
            needed = title.horizontalAdvance(caption) + 12 + (arrow if RosterModel.sortable(column) else 0)
            header.resizeSection(column, max(max(text.horizontalAdvance(s) for s in samples) + 12, needed))
        table.verticalHeader().setDefaultSectionSize(text.height() + 8)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def _connect(self) -> None:
        self.picker.chosen.connect(self._enterprise_changed)
        self.searchEdit.textChanged.connect(self._filter_timer.start)
        self._filter_timer.timeout.connect(self.apply_filter)
        for combo in (self.hukouCombo, self.groupCombo, self.contractCombo):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.inactiveCheck.toggled.connect(self.apply_filter)
        self.rosterTable.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.rosterTable.selectionModel().selectionChanged.connect(self._selection_changed)
        self.rosterTable.customContextMenuRequested.connect(self._show_table_menu)
        self.rosterTable.doubleClicked.connect(lambda _index: self.open_priority_dialog())
        self.roster.modelReset.connect(self._update_count)
        self.roster.modelReset.connect(lambda: self._count_in_background(changes=False))
        self.roster.rowsInserted.connect(self._update_count)
        self.importButton.clicked.connect(self.request_import)
        self.undoImportButton.clicked.connect(self.undo_last_import)
        self.templateButton.clicked.connect(self.save_template)
        self.markButton.clicked.connect(self.open_priority_dialog)
        self.unmarkButton.clicked.connect(self.unmark_selected)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Coming back to the page: enterprises may have been added, a case locked or reopened."""
        super().showEvent(event)
        try:
            self.picker.refresh()
            self._count_in_background(changes=True)  # the roster may have changed meanwhile: reloaded if so
        except (ServiceError, StoreError) as exc:
            self._status(error_text(exc), error=True)
        self._refresh_enterprise_state()

    # -- enterprises ---------------------------------------------------------------------
    @property
    def enterprise(self) -> Enterprise | None:
        return self._enterprise

    def select_enterprise(self, enterprise_id: int) -> bool:
        """Show this enterprise's roster (clearing the enterprise search if it hides it)."""
        return self.picker.select(enterprise_id)

    def _enterprise_changed(self, enterprise: Enterprise | None) -> None:
        if enterprise is None or self._enterprise is None or self._enterprise.id != enterprise.id:
            self._show_enterprise(enterprise)
        else:
            self._enterprise = enterprise  # the same one, read again

    def _show_enterprise(self, enterprise: Enterprise | None) -> None:
        self._enterprise = enterprise
        self._status("")
        for widget in (self.searchEdit, self.hukouCombo, self.groupCombo, self.contractCombo, self.inactiveCheck,
                       self.rosterTable):
            widget.setEnabled(enterprise is not None)
        if enterprise is None:
            self.enterpriseLabel.setText(self.tr("请在左侧选择企业"))
            self.enterpriseLabel.setToolTip("")
        else:
            self.enterpriseLabel.setText(self.tr("{name}　{uscc}").format(name=enterprise.name, uscc=enterprise.uscc))
            self.enterpriseLabel.setToolTip(enterprise.address)
        self._refresh_enterprise_state()
        self.apply_filter()

    def _refresh_enterprise_state(self) -> None:
        """The things about the enterprise that other pages change: its case's lock, its imports."""
        enterprise = self._enterprise
        self._locked = ""
        self._undoable = None
        if enterprise is None:
            self.historyLabel.setText("")
            self._update_actions()
            return
        try:
            ensure_enterprise_editable(self._ws, enterprise.id)
        except ServiceError as exc:
            self._locked = error_text(exc)
        try:
            self._show_history(roster_history(self._ws, enterprise.id))
            self._undoable = last_undoable(self._ws, enterprise.id)
        except (ServiceError, StoreError) as exc:
            self.historyLabel.setText(error_text(exc))
        self._update_actions()

    def _show_history(self, imports: list[dict[str, object]]) -> None:
        if not imports:
            self.historyLabel.setText(self.tr("尚无名册导入记录"))
            self.historyLabel.setToolTip("")
            return
        # the roster shown comes from the newest import not undone; an undone one after it is said as such
        last = next((i for i in imports if not i.get("undone_at")), imports[0])
        counts = last.get("counts")
        numbers = counts if isinstance(counts, dict) else {}
        text = "" if last.get("undone_at") else self.tr(
            "最近导入：{file}（{when}）新增 {new} 人，更新 {updated} 人，未变 {unchanged} 人，未导入 {refused} 行").format(
            file=last.get("file_name", ""), when=local_time(str(last.get("imported_at", ""))),
            new=numbers.get("new", 0), updated=numbers.get("updated", 0), unchanged=numbers.get("unchanged", 0),
            refused=numbers.get("refused", 0))
        if text and numbers.get("deactivated"):
            text += self.tr("，{n} 人标为离职").format(n=numbers["deactivated"])
        if text and len(imports) > 1:
            text += self.tr("；共导入 {n} 次").format(n=len(imports))
        newest = imports[0]
        if newest.get("undone_at"):
            undone = self.tr("“{file}”（{when}）的导入已于 {at} 撤销").format(
                file=newest.get("file_name", ""), when=local_time(str(newest.get("imported_at", ""))),
                at=local_time(str(newest.get("undone_at", ""))))
            text = f"{text}；{undone}" if text else undone
        self.historyLabel.setText(text)
        self.historyLabel.setToolTip(self.tr("工作表：{sheet}\nSHA-256：{sha}").format(
            sheet=last.get("sheet", ""), sha=last.get("sha256", "")))

    # -- filtering and sorting -----------------------------------------------------------------
    def current_query(self) -> RosterQuery | None:
        """What the filter controls ask for (the model keeps the sort order)."""
        if self._enterprise is None:
            return None
        hukou = str(self.hukouCombo.currentData() or "")
        codes: tuple[str, ...] | None = None
        if hukou == HUKOU_PAIRED:
            codes = tuple(sorted(paired_areas(self._ws).counties))
        return RosterQuery(
            self._enterprise.id,
            text=self.searchEdit.text().strip(),
            hukou_codes=codes,
            prefecture=hukou if hukou not in (HUKOU_ALL, HUKOU_PAIRED, HUKOU_UNRESOLVED) else "",
            unresolved=hukou == HUKOU_UNRESOLVED,
            priority_group=str(self.groupCombo.currentData() or ""),
            contract_type=str(self.contractCombo.currentData() or ""),
            active_only=not self.inactiveCheck.isChecked(),
        )

    def apply_filter(self) -> None:
        """Run the query the controls describe (typing calls this after a pause)."""
        self._filter_timer.stop()
        self.rosterTable.setColumnHidden(RosterColumn.ACTIVE, not self.inactiveCheck.isChecked())
        try:
            self.roster.set_query(self.current_query())
        except (ServiceError, StoreError) as exc:
            self._status(error_text(exc), error=True)
        self._update_count()
        self._update_actions()

    @staticmethod
    def _filtered(query: RosterQuery) -> bool:
        return bool(query.text or query.hukou_codes is not None or query.prefecture or query.unresolved
                    or query.priority_group or query.contract_type)

    def sort_by(self, column: RosterColumn, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """As a click on the column's header does."""
        self.rosterTable.horizontalHeader().setSortIndicator(column, order)

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        if RosterModel.sortable(section):
            self.roster.sort(section, order)
            return
        # The database cannot order by this column: keep showing the order in force.
        header = self.rosterTable.horizontalHeader()
        column = self.roster.sort_column
        header.blockSignals(True)
        header.setSortIndicator(RosterColumn.ROW if column is None else column, self.roster.sort_order)
        header.blockSignals(False)
        self._status(self.tr("“{column}”列不能排序").format(
            column=self.roster.headerData(section, Qt.Orientation.Horizontal)))

    def _count_in_background(self, *, changes: bool) -> None:
        """Count the rows the filter keeps off the window's thread (every match is walked: at a
        million rows that takes a while) when the first page left them uncounted, or to see
        whether the roster changed while the page was away (``changes``); a newer count replaces it."""
        query = self.roster.query
        if self._count_task is not None and not self._count_task.done:
            self._count_task.cancel()
            self._count_task = None
        if query is None or (self.roster.counted and not changes):
            return
        self._count_task = self._tasks.run(_count_roster, query, ws_factory=opener(self._ws))
        self._count_task.success(functools.partial(self._counted, query))

    def _counted(self, query: RosterQuery, total: int) -> None:
        if query != self.roster.query:  # the clerk moved on: a newer count is on its way
            return
        if not self.roster.counted:
            self.roster.set_count(total)
            self._update_count()
        elif total != self.roster.total:  # changed while the page was away
            self.roster.reload()

    def _update_count(self) -> None:
        query = self.roster.query
        if query is None:
            self.countLabel.setText("")
            return
        total, shown = self.roster.total, self.roster.rowCount()
        n = str(total) if self.roster.counted else f"{total}+"  # a full first page: counted in the background
        if self._filtered(query):
            text = self.tr("找到 {n} 人").format(n=n)
        else:
            text = self.tr("共 {n} 人").format(n=n)
        if not query.active_only:
            text += self.tr("（含离职）")
        if not self.roster.counted:
            text += self.tr("，正在计数")
        if shown < total:
            text += self.tr("，已显示 {shown} 人，向下滚动显示更多").format(shown=shown)
        selected = len(self.selected_rows())
        if selected:
            text += self.tr("；已选 {n} 人").format(n=selected)
        self.countLabel.setText(text)

    def request_import(self) -> None:
        if self._enterprise is not None and self._can_import:
            self.import_requested.emit(self._enterprise.id)

    def on_data_changed(self, kind: str, enterprise_id: int) -> None:
        """A change elsewhere: the list of enterprises, this roster, or its lock (a case submitted or reopened)."""
        if is_echo(self) or kind in (Change.BATCH.value, Change.KEY.value):
            return
        current = self._enterprise.id if self._enterprise else None
        if kind in (Change.ENTERPRISE.value, Change.EVERYTHING.value) or enterprise_id in (0, current):
            self.reload()

    def reload(self) -> None:
        """Read everything again (after an import): enterprises, the roster with the same filter, its history."""
        keep = self._enterprise.id if self._enterprise else None
        self.picker.reload()
        if self._enterprise is not None and self._enterprise.id == keep:
            self._refresh_enterprise_state()
            try:
                self.roster.reload()
            except (ServiceError, StoreError) as exc:
                self._status(error_text(exc), error=True)
            self._update_count()
            self._update_actions()

    def _status(self, text: str, *, error: bool = False) -> None:
        self.statusLabel.setStyleSheet(f"color: {FAIL_COLOR};" if error else "")
        self.statusLabel.setText(text)


__all__ = ["RosterPage"]
