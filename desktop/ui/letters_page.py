"""The 确认书 page: approved applications waiting for a letter, and the letters issued.

出具确认书 issues the selected approved application's letter (the next number
of the year); 预览/打印… shows it (printing from the preview counts the print:
the first is the original, later ones are stamped 副本); 作废… voids it with a
reason (approver); 全部打印 issues every approved case and prints every letter
never printed, in the background with progress and 取消 (asking first when it
would issue: numbers are never given back).
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QStackedWidget, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from desktop.core.letter import format_code
from desktop.core.permissions import Permission
from desktop.services import letter_lists, letter_settings, letters
from desktop.services.errors import ServiceError
from desktop.services.letter_lists import IssuedLetter, Waiting
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.ui.errors import show_error, show_exception
from desktop.ui.events import Change, announce, is_echo
from desktop.ui.forms import FormError
from desktop.ui.letter_preview import LetterPreviewDialog
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text, not_allowed_text
from desktop.ui.widgets import confirm, offer
from desktop.ui.workflow_box import ask_reason

ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1
VOID_COLOR: Final = "#b3261e"
WAITING_NAMED: Final = 10  # enterprises named in 全部打印's question; the rest as ……


class WaitingColumn(IntEnum):
    APPLICATION = 0
    ENTERPRISE = 1
    USCC = 2
    APPROVED = 3


class LetterColumn(IntEnum):
    NUMBER = 0
    ENTERPRISE = 1
    ISSUED = 2
    STATE = 3
    PRINTS = 4
    CODE = 5


def _print_all(ws: Workspace, state: TaskState) -> letters.PrintRun:
    """On the database worker: issue and draw, reporting each letter."""
    return letters.print_all(ws, progress=state.progress, cancelled=lambda: state.cancelled)


def _issue(ws: Workspace, _state: TaskState, application_id: int) -> letters.LetterRow:
    return letters.issue(ws, application_id)


def _item(text: str, data: int | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        item.setData(ID_ROLE, data)
    return item


class LettersPage(QWidget):
    data_changed = Signal(str, int)  # (Change, enterprise id) for the window's DataEvents
    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._tasks = tasks
        self.issuing: Task | None = None  # 出具确认书 under way
        self.waiting: list[Waiting] = []
        self.issued: list[IssuedLetter] = []
        self.preview: LetterPreviewDialog | None = None
        self.last_run: letters.PrintRun | None = None
        self._year = date.today().year

        self.waitingCaption = QLabel(self.tr("待出具确认书（已批准的申请）"), self)
        self.waitingTable = QTableWidget(0, len(WaitingColumn), self)
        self.waitingTable.setHorizontalHeaderLabels([self.tr("申请号"), self.tr("企业"), self.tr("统一社会信用代码"),
                                                     self.tr("批准时间")])
        self.issueButton = QPushButton(self.tr("出具确认书"), self)
        self.printAllButton = QPushButton(self.tr("全部打印"), self)
        self.printAllButton.setToolTip(self.tr("为全部已批准的申请出具确认书，并把从未打印的确认书合成一个文件打印"))
        self.lettersCaption = QLabel(self.tr("已出具的确认书"), self)
        self.yearCombo = QComboBox(self)
        self.lettersTable = QTableWidget(0, len(LetterColumn), self)
        self.lettersTable.setHorizontalHeaderLabels([self.tr("文号"), self.tr("企业"), self.tr("出具日期"),
                                                     self.tr("状态"), self.tr("打印次数"), self.tr("核验码")])
        self.previewButton = QPushButton(self.tr("预览/打印…"), self)
        self.voidButton = QPushButton(self.tr("作废…"), self)
        self.statusLabel = QLabel(self)
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setWordWrap(True)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.waitingCaption, 1)
        top.addWidget(self.issueButton)
        top.addWidget(self.printAllButton)
        layout.addLayout(top)
        layout.addWidget(self.waitingTable, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.lettersCaption)
        middle.addWidget(self.yearCombo)
        middle.addStretch(1)
        middle.addWidget(self.previewButton)
        middle.addWidget(self.voidButton)
        layout.addLayout(middle)
        layout.addWidget(self.lettersTable, 2)
        layout.addWidget(self.statusLabel)

        for table, stretch in ((self.waitingTable, WaitingColumn.ENTERPRISE), (self.lettersTable, LetterColumn.ENTERPRISE)):
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().hide()
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

        self.waitingTable.itemSelectionChanged.connect(self._update_actions)
        self.lettersTable.itemSelectionChanged.connect(self._update_actions)
        self.lettersTable.doubleClicked.connect(lambda _i: self.open_preview())
        self.issueButton.clicked.connect(self.ask_issue)
        self.printAllButton.clicked.connect(self.ask_print_all)
        self.previewButton.clicked.connect(self.open_preview)
        self.voidButton.clicked.connect(self.void_selected)
        self.yearCombo.currentIndexChanged.connect(self._year_changed)
        self.reload()

    @classmethod
    def install(cls, pages: QStackedWidget, workspace: Workspace, tasks: TaskRunner) -> LettersPage:
        """Put the page where the main window's form has ``letterPlaceholder``."""
        return _install(cls(workspace, tasks), pages, "letterPlaceholder")  # type: ignore[return-value]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.reload()  # approvals happen on the 审核 page

    # -- lists -----------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.waiting = letter_lists.awaiting_letter(self._ws)
            years = letter_lists.letter_years(self._ws, date.today().year)
            if self._year not in years:
                self._year = years[0]
            self.issued = letter_lists.letters_of_year(self._ws, self._year)
        except (ServiceError, StoreError) as exc:
            self._say(error_text(exc), error=True)
            return
        combo = self.yearCombo
        combo.blockSignals(True)
        combo.clear()
        for year in years:
            combo.addItem(self.tr("{year} 年").format(year=year), year)
        combo.setCurrentIndex(combo.findData(self._year))
        combo.blockSignals(False)
        self._fill()

    def _year_changed(self) -> None:
        year = self.yearCombo.currentData()
        if year is not None and year != self._year:
            self._year = int(year)
            self.reload()

    def _fill(self) -> None:
        keep_waiting, keep_letter = self.selected_application(), self.selected_letter()
        table = self.waitingTable
        table.setRowCount(len(self.waiting))
        for row, w in enumerate(self.waiting):
            table.setItem(row, WaitingColumn.APPLICATION, _item(self.tr("第 {id} 号").format(id=w.application_id),
                                                                w.application_id))
            table.setItem(row, WaitingColumn.ENTERPRISE, _item(w.enterprise_name))
            table.setItem(row, WaitingColumn.USCC, _item(w.uscc))
            table.setItem(row, WaitingColumn.APPROVED, _item(w.approved_at[:16].replace("T", " ")))
        self.waitingCaption.setText(self.tr("待出具确认书（已批准的申请）：{n} 件").format(n=len(self.waiting)))
        table = self.lettersTable
        table.setRowCount(len(self.issued))
        for row, letter in enumerate(self.issued):
            state = self.tr("作废") if letter.voided else self.tr("有效")
            items = {
                LetterColumn.NUMBER: _item(letter.number, letter.id),
                LetterColumn.ENTERPRISE: _item(letter.enterprise_name or self.tr("（内容校验失败）")),
                LetterColumn.ISSUED: _item(letter.issued_on or letter.issued_at[:10]),
                LetterColumn.STATE: _item(state),
                LetterColumn.PRINTS: _item(str(letter.print_count)),
                LetterColumn.CODE: _item(format_code(letter.verification_code)),
            }
            items[LetterColumn.ISSUED].setToolTip(self.tr("登记于 {at}").format(at=letter.issued_at[:16].replace("T", " ")))
            if letter.voided:
                items[LetterColumn.STATE].setForeground(QColor(VOID_COLOR))
                items[LetterColumn.STATE].setToolTip(self.tr("作废理由：{reason}").format(reason=letter.void_reason))
            for column, item in items.items():
                table.setItem(row, column, item)
        self.lettersCaption.setText(self.tr("已出具的确认书：{n} 份").format(n=len(self.issued)))
        if keep_waiting is not None:
            self._select(self.waitingTable, keep_waiting)
        if keep_letter is not None:
            self._select(self.lettersTable, keep_letter.id)
        self._update_actions()

    @staticmethod
    def _select(table: QTableWidget, data: int) -> bool:
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is not None and item.data(ID_ROLE) == data:
                table.selectRow(row)
                return True
        return False

    def select_enterprise(self, uscc: str) -> bool:
        """The enterprise the clerk is working on: its approved application waiting for a letter, if any."""
        waiting = next((w for w in self.waiting if w.uscc == uscc), None)
        return waiting is not None and self.select_application(waiting.application_id)

    def select_application(self, application_id: int) -> bool:
        return self._select(self.waitingTable, application_id)

    def select_letter(self, letter_id: int) -> bool:
        return self._select(self.lettersTable, letter_id)

    def selected_application(self) -> int | None:
        rows = self.waitingTable.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.waitingTable.item(rows[0].row(), 0)
        return int(item.data(ID_ROLE)) if item is not None else None

    def selected_letter(self) -> IssuedLetter | None:
        rows = self.lettersTable.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.lettersTable.item(rows[0].row(), 0)
        letter_id = item.data(ID_ROLE) if item is not None else None
        return next((x for x in self.issued if x.id == letter_id), None)

    def _update_actions(self) -> None:
        actor = self._ws.actor
        can_issue = self._ws.can(Permission.ISSUE_LETTERS)
        if not can_issue:
            offer(self.issueButton, False, not_allowed_text(actor, Permission.ISSUE_LETTERS))
            offer(self.printAllButton, False, not_allowed_text(actor, Permission.ISSUE_LETTERS))
        else:
            offer(self.issueButton, self.selected_application() is not None, self.tr("请先在上表选择已批准的申请"))
            offer(self.printAllButton, True, "")
            self.printAllButton.setToolTip(self.tr("为全部已批准的申请出具确认书，并把从未打印的确认书合成一个文件打印"))
        letter = self.selected_letter()
        offer(self.previewButton, letter is not None, self.tr("请先在下表选择确认书"))
        if not self._ws.can(Permission.APPROVE_REVIEW):
            offer(self.voidButton, False, not_allowed_text(actor, Permission.APPROVE_REVIEW))
        elif letter is None:
            offer(self.voidButton, False, self.tr("请先在下表选择确认书"))
        else:
            offer(self.voidButton, not letter.voided, self.tr("该确认书已作废"))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.statusLabel.setStyleSheet(f"color: {VOID_COLOR};" if error else "")
        self.statusLabel.setText(text)

    def _failed(self, exc: Exception) -> None:
        self.reload()  # another window may have acted meanwhile
        self._say(error_text(exc), error=True)
        show_error(self, exc)

    # -- actions ------------------------------------------------------------------------------
    def ask_issue(self) -> Task | None:
        """出具确认书, after saying what will happen."""
        app_id = self.selected_application()
        waiting = next((w for w in self.waiting if w.application_id == app_id), None)
        if waiting is None:
            return None
        text = self.tr("为“{name}”（贷款申请第 {id} 号）出具确认书？\n\n将使用 {year} 年的下一个文号，并保存确认书原件。"
                       "文号一经使用不再收回：出错只能作废后重新出具（新文号）。").format(
            name=waiting.enterprise_name, id=app_id, year=date.today().year)
        text += self._font_warning()
        return self.issue_selected() if confirm(self, self.tr("出具确认书"), text) else None

    def _font_warning(self) -> str:
        notes = self.font_notes()
        if not notes:
            return ""
        return "\n\n" + self.tr("注意：本机缺少公文字体，确认书将用代用字体：\n{notes}\n"
                                 "可在“设置”中指定字体文件后再出具。").format(notes="\n".join(notes))

    def font_notes(self) -> list[str]:
        """Which letter fonts stand in for missing ones (GB/T 9704 asks for 小标宋, 仿宋, 黑体, 楷体)."""
        try:
            return [str(n) for n in letter_settings.font_report(self._ws)["notes"]]
        except ServiceError as exc:
            return [str(exc)]

    def issue_selected(self) -> Task | None:
        """出具确认书 on the database worker (numbering, drawing and storing the PDF: the first takes a second)."""
        app_id = self.selected_application()
        if app_id is None or self.issuing is not None:
            return None
        offer(self.issueButton, False, self.tr("正在出具确认书…"))
        self._say(self.tr("正在出具确认书…"))
        task = self._tasks.run(_issue, app_id, ws_factory=opener(self._ws), label=self.tr("正在出具确认书…"),
                               parent=self)
        self.issuing = task
        task.success(self._issued)
        task.failure(self._issue_failed)
        return task

    def _issued(self, row: letters.LetterRow) -> None:
        self.issuing = None
        self._year = row.year
        self.reload()
        self.select_letter(row.id)
        self._say(self.tr("已出具确认书 {number}（核验码 {code}）。可点“预览/打印…”打印原件。").format(
            number=row.number, code=format_code(row.verification_code)))
        announce(self, Change.LETTER)

    def _issue_failed(self, exc: BaseException) -> None:
        self.issuing = None
        if isinstance(exc, (ServiceError, StoreError)):
            self._failed(exc)
            return
        self.reload()
        show_exception(self, exc)

    def open_preview(self) -> LetterPreviewDialog | None:
        letter = self.selected_letter()
        if letter is None:
            return None
        try:
            data = letters.preview_pdf(self._ws, letter.id)
        except (ServiceError, StoreError) as exc:
            self._failed(exc)
            return None
        letter_id = letter.id
        source = None if letter.voided else (lambda: self._print_source(letter_id))
        title = self.tr("确认书 {number}").format(number=letter.number)
        if letter.voided:
            title += self.tr("（已作废，仅供留档）")
        dialog = LetterPreviewDialog(data, title, self, print_source=source)
        if letter.voided:
            offer(dialog.print_button, False, self.tr("已作废的确认书不能打印"))
        dialog.finished.connect(lambda _r: self.reload())
        dialog.finished.connect(dialog.deleteLater)
        self.preview = dialog
        dialog.open()
        return dialog

    def _print_source(self, letter_id: int) -> bytes:
        """What the preview's 打印… sends to the printer: counted, original or 副本."""
        return letters.print_pdf(self._ws, letter_id)

    def void_selected(self) -> bool:
        letter = self.selected_letter()
        if letter is None or letter.voided:
            return False
        reason = ask_reason(self, self.tr("作废确认书"),
                            self.tr("作废确认书 {number} 的理由（文号不再使用）：").format(number=letter.number))
        if not reason:
            return False
        try:
            letters.void(self._ws, letter.id, reason)
        except (ServiceError, StoreError) as exc:
            self._failed(exc)
            return False
        self.reload()
        self.select_letter(letter.id)
        self._say(self.tr("已作废确认书 {number}；申请回到“已批准”，可重新出具（新文号）。"
                          "如需改正企业、名册或结论，先由审核人在“审核”页点“重新打开…”，改正后重新审批。").format(number=letter.number))
        announce(self, Change.LETTER)
        return True

    def ask_print_all(self) -> Task | None:
        """全部打印, after saying which approved cases it will issue letters for (when there are any)."""
        self.reload()  # another window may have issued or approved meanwhile
        if self.waiting:
            names = [w.enterprise_name for w in self.waiting[:WAITING_NAMED]]
            if len(self.waiting) > WAITING_NAMED:
                names.append(self.tr("……"))
            text = self.tr("全部打印会先为 {n} 件已批准的申请出具确认书：\n{names}\n\n将使用 {year} 年接下来的 {n} 个文号，"
                           "并保存确认书原件。文号一经使用不再收回：出错只能作废后重新出具（新文号）。\n"
                           "然后打印所有尚未打印的确认书。继续？").format(
                n=len(self.waiting), names="\n".join(names), year=date.today().year)
            if not confirm(self, self.tr("全部打印"), text + self._font_warning()):
                return None
        return self.print_all()

    def print_all(self) -> Task:
        offer(self.printAllButton, False, self.tr("正在全部打印…"))
        task = self._tasks.run(_print_all, ws_factory=opener(self._ws), label=self.tr("正在出具并排版确认书…"),
                               parent=self, cancellable=True)
        task.success(self._printed_all)
        task.failure(self._print_all_failed)
        task.on_cancel(lambda: self._print_all_done(self.tr("已取消全部打印")))
        return task

    def _print_all_done(self, text: str, *, error: bool = False) -> None:
        self.reload()
        self._say(text, error=error)
        announce(self, Change.LETTER)

    def on_data_changed(self, kind: str, _enterprise_id: int) -> None:
        if not is_echo(self) and kind not in (Change.BATCH.value, Change.KEY.value, Change.ROSTER.value):
            self.reload()

    def _print_all_failed(self, error: BaseException) -> None:
        self._print_all_done(self.tr("全部打印没有完成"), error=True)
        show_exception(self, error)

    def _printed_all(self, run: letters.PrintRun) -> None:
        self.last_run = run
        issued = len(run.issued)
        if run.cancelled:
            self._print_all_done(self.tr("已取消：出具了 {n} 份（文号保留），没有打印").format(n=issued))
            return
        if not run.printed:
            self._print_all_done(self.tr("出具了 {n} 份；没有需要打印的确认书").format(n=issued))
            return
        self._print_all_done(self.tr("出具了 {n} 份，打印 {p} 份").format(n=issued, p=len(run.printed)))
        title = self.tr("全部打印（{p} 份）").format(p=len(run.printed))
        dialog = LetterPreviewDialog(run.pdf, title, self)
        dialog.finished.connect(dialog.deleteLater)
        self.preview = dialog
        dialog.open()


def _install(page: QWidget, pages: QStackedWidget, placeholder_name: str) -> QWidget:
    placeholder = pages.findChild(QLabel, placeholder_name)
    holder = placeholder.parentWidget() if placeholder is not None else None
    layout = holder.layout() if holder is not None else None
    if placeholder is None or holder is None or layout is None:
        raise FormError(f"forms/main_window.ui has no {placeholder_name} in a laid-out page")
    page.setParent(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.replaceWidget(placeholder, page)
    placeholder.hide()
    placeholder.deleteLater()
    return page


__all__ = ["LetterColumn", "LettersPage", "WaitingColumn"]
