"""操作日志: who did what and when, filtered in the database and read in pages,
with a word on whether the log is still as the program wrote it."""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from desktop.core.identifiers import mask_id, mask_phone
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services import audit
from desktop.services.accounts import list_users
from desktop.services.audit import AuditEntry
from desktop.services.audit_labels import CONTEXT, DETAIL_KEYS, ENTITY_LABELS, LIST_ITEMS, key_label, value_label
from desktop.services.workspace import Workspace
from desktop.ui.backup_dialogs import OK_STYLE, PROBLEM_STYLE, reason_label, size_text
from desktop.ui.forms import load_form
from desktop.ui.paged_model import PagedTableModel
from desktop.ui.tasks import TaskRunner, TaskState, opener

PAGE_SIZE: Final = 200
SEARCH_DELAY_MS: Final = 300
DETAIL_MAX: Final = 240  # characters of the one-line detail; the tooltip has all of it
_CONTEXT: Final = "AuditModel"

Index = QModelIndex | QPersistentModelIndex


class AuditColumn(IntEnum):
    TIME = 0
    USER = 1
    ACTION = 2
    ENTITY = 3
    DETAIL = 4


HEADERS: Final[dict[AuditColumn, str]] = {
    AuditColumn.TIME: QT_TRANSLATE_NOOP("AuditModel", "时间"),
    AuditColumn.USER: QT_TRANSLATE_NOOP("AuditModel", "用户"),
    AuditColumn.ACTION: QT_TRANSLATE_NOOP("AuditModel", "操作"),
    AuditColumn.ENTITY: QT_TRANSLATE_NOOP("AuditModel", "对象"),
    AuditColumn.DETAIL: QT_TRANSLATE_NOOP("AuditModel", "详情"),
}
_YES = QT_TRANSLATE_NOOP("AuditModel", "是")
_NO = QT_TRANSLATE_NOOP("AuditModel", "否")
# Personal numbers that reach the log inside a change (an enterprise's phone) stay masked here too.
_MASKED_KEYS: Final = {"contact_phone": mask_phone, "phone": mask_phone, "id_number": mask_id}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _label(pair: tuple[str, str] | None, fallback: str) -> str:
    return QCoreApplication.translate(*pair) if pair is not None else fallback


def _value_text(key: str, value: object, action: str = "") -> str:
    if isinstance(value, bool):
        return _tr(_YES) if value else _tr(_NO)
    if isinstance(value, dict):
        if not value:
            return "—"
        if set(value) == {"before", "after"}:
            return f"{_value_text(key, value['before'], action)} → {_value_text(key, value['after'], action)}"
        return "（" + "，".join(f"{_key_text(k, key)} {_value_text(k, v, action)}" for k, v in value.items()) + "）"
    if isinstance(value, list):
        items = LIST_ITEMS.get(key, {})
        return "、".join(_label(items.get(v), _value_text(key, v, action)) if isinstance(v, str)
                        else _value_text(key, v, action) for v in value)
    if value is None or value == "":
        return "—"
    coded = value_label(key, value, action)
    if coded is not None:
        return QCoreApplication.translate(*coded)
    text = str(value)
    if key in _MASKED_KEYS:
        return _MASKED_KEYS[key](text)
    if key == "reason":
        return reason_label(text)
    if key == "size" and isinstance(value, int):
        return size_text(value)
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):  # a hash: its start is enough
        return text[:12] + "…"
    return text


def _key_text(key: str, parent: str = "", action: str = "") -> str:
    return _label(key_label(key, parent, action), key)


def action_text(entry: AuditEntry) -> str:
    return QCoreApplication.translate("audit", entry.action_label)


def entity_text(entry: AuditEntry) -> str:
    if not entry.entity:
        return ""
    label = ENTITY_LABELS.get(entry.entity)
    return f"{QCoreApplication.translate(CONTEXT, label) if label else entry.entity} {entry.entity_id}".strip()


def compact_detail(detail: dict[str, object], limit: int = DETAIL_MAX, action: str = "") -> str:
    """One line: 原因 自动；文件 office-20261124-193000-auto.sqlite3；大小 1.2 MB."""
    order = {key: rank for rank, key in enumerate(DETAIL_KEYS)}
    keys = sorted(detail, key=lambda k: order.get(k, len(order)))  # known keys first, the most telling first
    text = "；".join(f"{_key_text(k, action=action)} {_value_text(k, detail[k], action)}" for k in keys)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def full_detail(detail: dict[str, object], action: str = "") -> str:
    """Every key on a line of its own, for the tooltip."""
    order = {key: rank for rank, key in enumerate(DETAIL_KEYS)}
    keys = sorted(detail, key=lambda k: order.get(k, len(order)))
    return "\n".join(f"{_key_text(k, action=action)}：{_value_text(k, _masked(detail[k], k), action)}" for k in keys)


def _masked(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _masked(v, k if k not in ("before", "after") else key) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, key) for v in value]
    if key in _MASKED_KEYS and isinstance(value, str) and value:
        return _MASKED_KEYS[key](value)
    return value


def time_text(at: str) -> str:
    """2026-11-24T19:30:05+08:00 -> 2026-11-24 19:30:05."""
    return at[:19].replace("T", " ")


class AuditModel(PagedTableModel[AuditEntry]):
    """The log as a query: filters go to the database, rows come a page at a time."""

    def __init__(self, workspace: Workspace, names: dict[str, str] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._names = {k.lower(): v for k, v in (names or {}).items()}  # username -> display name
        self._filters: dict[str, Any] = {}
        self.reload()

    @property
    def filters(self) -> dict[str, Any]:
        return dict(self._filters)

    def set_filters(self, *, username: str | None = None, action: str | None = None, since: date | None = None,
                    until: date | None = None, text: str | None = None) -> None:
        filters = {k: v for k, v in dict(username=username, action=action, since=since, until=until,
                                         text=(text or "").strip() or None).items() if v}
        if filters != self._filters:
            self._filters = filters
            self.reload()

    def _query_first(self) -> tuple[int, list[AuditEntry]]:
        page = audit.search(self._ws, limit=PAGE_SIZE, offset=0, **self._filters)
        return page.total, page.entries

    def _query_page(self, offset: int) -> list[AuditEntry]:
        return audit.search(self._ws, limit=PAGE_SIZE, offset=offset, **self._filters).entries

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(AuditColumn)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(AuditColumn):
                return _tr(HEADERS[AuditColumn(section)])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = AuditColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == AuditColumn.DETAIL and entry.detail:
                return full_detail(entry.detail, entry.action)
            if column == AuditColumn.USER:
                return entry.username
        return None

    def _text(self, entry: AuditEntry, column: AuditColumn) -> str:
        if column == AuditColumn.TIME:
            return time_text(entry.at)
        if column == AuditColumn.USER:
            return self._names.get(entry.username.lower(), entry.username)
        if column == AuditColumn.ACTION:
            return action_text(entry)
        if column == AuditColumn.ENTITY:
            return entity_text(entry)
        return compact_detail(entry.detail, action=entry.action)


def _chain_intact(ws: Workspace, state: TaskState) -> bool:
    return audit.chain_intact(ws)


class AuditDialog(QDialog):
    # From forms/audit_dialog.ui (load_form sets them).
    userCombo: QComboBox
    actionCombo: QComboBox
    sinceCheck: QCheckBox
    sinceEdit: QDateEdit
    untilCheck: QCheckBox
    untilEdit: QDateEdit
    textEdit: QLineEdit
    auditTable: QTableView
    countLabel: QLabel
    chainLabel: QLabel
    buttonBox: QDialogButtonBox

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_form("audit_dialog", self)
        self._ws = workspace
        users = list_users(workspace)
        names = {u.username: u.display_name or u.username for u in users}
        self.model = AuditModel(workspace, names, self)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(SEARCH_DELAY_MS)

        self.userCombo.addItem(self.tr("全部用户"), "")
        for user in users:
            shown = f"{user.display_name}（{user.username}）" if user.display_name else user.username
            self.userCombo.addItem(shown, user.username)
        self.actionCombo.addItem(self.tr("全部操作"), "")
        for action, label in audit.actions(workspace):
            self.actionCombo.addItem(QCoreApplication.translate("audit", label), action)
        today = QDate.currentDate()
        self.sinceEdit.setDate(today.addDays(-30))
        self.untilEdit.setDate(today)

        table = self.auditTable
        table.setModel(self.model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column in (AuditColumn.TIME, AuditColumn.USER, AuditColumn.ACTION, AuditColumn.ENTITY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(200)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)

        self.userCombo.currentIndexChanged.connect(self._apply)
        self.actionCombo.currentIndexChanged.connect(self._apply)
        for check, edit in ((self.sinceCheck, self.sinceEdit), (self.untilCheck, self.untilEdit)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self._apply)
            edit.dateChanged.connect(self._apply)
        self.textEdit.textChanged.connect(self._text_timer.start)
        self._text_timer.timeout.connect(self._apply)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.buttonBox.rejected.connect(self.reject)
        self._update_count()
        self._check_chain(tasks)

    def _apply(self) -> None:
        self._text_timer.stop()
        def day(edit: QDateEdit) -> date:
            value = edit.date()
            return date(value.year(), value.month(), value.day())

        self.model.set_filters(
            username=self.userCombo.currentData() or None,
            action=self.actionCombo.currentData() or None,
            since=day(self.sinceEdit) if self.sinceCheck.isChecked() else None,
            until=day(self.untilEdit) if self.untilCheck.isChecked() else None,
            text=self.textEdit.text(),
        )

    def _update_count(self) -> None:
        total, shown = self.model.total, self.model.rowCount()
        text = self.tr("共 {total} 条").format(total=total)
        if shown < total:
            text += self.tr("（已显示 {shown} 条，向下滚动显示更多）").format(shown=shown)
        self.countLabel.setText(text)

    def _check_chain(self, tasks: TaskRunner) -> None:
        """Going through every entry takes a while on a big log: in the background."""
        self.chainLabel.setText(self.tr("正在核对日志…"))
        self.chainLabel.setStyleSheet("")
        tasks.run(_chain_intact, ws_factory=opener(self._ws)).success(self._show_chain)

    def _show_chain(self, intact: bool) -> None:
        if intact:
            self.chainLabel.setText(self.tr("日志完整"))
            self.chainLabel.setStyleSheet(OK_STYLE)
            self.chainLabel.setToolTip(self.tr("每一条都与程序写入时一致，没有被改动或删除。"))
        else:
            self.chainLabel.setText(self.tr("日志被改动，请运行检查数据库"))
            self.chainLabel.setStyleSheet(PROBLEM_STYLE)
            self.chainLabel.setToolTip(self.tr("有记录在程序之外被改动或删除；“检查数据库”会列出是哪几条。"))
