"""导入跟踪名单… on the 跟踪 page: a period's roster or 社保缴费明细 for a loan's enterprise (issue 14, 2).

The clerk picks the file, the month (one of the loan's months; offered: the month after the latest list) and
the month's staff total (offered: the latest list's); the file is
read on the database worker and what would be kept is shown (the layout recognised, how many people,
the refused rows by file, row and column); only when the clerk agrees is it read again and stored, by
the service ``laoxie track import FILE --enterprise USCC --period`` calls, refused if the file changed
in between.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from desktop.core.oserrors import os_reason
from desktop.core.roster import RosterError
from desktop.services import tracking
from desktop.services.errors import ServiceError
from desktop.services.tracking import ListImport, ListPreview
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.loans import LoanRow
from desktop.ui.errors import show_exception
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text
from desktop.ui.file_places import open_file

PROBLEMS_SHOWN = 10  # refused rows listed in the preview; the rest counted


def _preview(ws: Workspace, _state: TaskState, uscc: str, loan_id: int, path: Path, period: str,
             staff_total: int | None) -> ListPreview:
    return tracking.preview_list(ws, uscc, path, period=period, staff_total=staff_total, loan_id=loan_id)


def _import(ws: Workspace, _state: TaskState, uscc: str, loan_id: int, path: Path, preview: ListPreview) -> ListImport:
    return tracking.import_list(ws, uscc, path, period=preview.period, staff_total=preview.staff_total, loan_id=loan_id,
                                expect_sha256=preview.sha256)


def loan_months(loan: LoanRow) -> list[str]:
    """Every month of the loan, YYYY-MM, from the month it starts to the month it ends."""
    month = datetime.date.fromisoformat(loan.start_date).replace(day=1)
    end = datetime.date.fromisoformat(loan.end_date)
    months: list[str] = []
    while month <= end:
        months.append(f"{month:%Y-%m}")
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


class ListImporter(QObject):
    """The steps of one import at a time; the page listens to ``busy``, ``said`` and ``stored``."""

    busy = Signal()  # started or finished reading: the page updates its buttons
    said = Signal(str)  # a message for the page's status line
    stored = Signal(str)  # the list was kept: the page reloads, then shows the message

    def __init__(self, workspace: Workspace, tasks: TaskRunner, page: QWidget) -> None:
        super().__init__(page)
        self._ws, self._tasks, self._page = workspace, tasks, page
        self.task: Task | None = None

    @property
    def running(self) -> bool:
        return self.task is not None

    def choose(self, loan: LoanRow, today: datetime.date) -> None:
        path = open_file(
            self._page, "roster", self.tr("选择{name}的花名册或社保缴费明细").format(name=loan.enterprise_name),
            self.tr("名册或缴费明细 (*.xlsx *.xlsm *.xls *.et *.csv);;所有文件 (*)"))
        if not path:
            return
        months = loan_months(loan)
        try:
            likely = tracking.next_period(self._ws, loan.uscc, today, loan.id)  # the month after the latest list
        except (ServiceError, StoreError) as exc:
            self.said.emit(error_text(exc))
            return
        current = months.index(likely) if likely in months else len(months) - 1
        period, ok = QInputDialog.getItem(self._page, self.tr("名单所属月份"), self.tr(
            "{name}：这份名单是贷款期内哪个月的？").format(name=loan.enterprise_name), months, current, False)
        if not (ok and period):
            return
        try:
            offered = tracking.staff_default(self._ws, loan.uscc, period, loan.id)
        except (ServiceError, StoreError) as exc:
            self.said.emit(error_text(exc))
            return
        staff, ok = QInputDialog.getInt(self._page, self.tr("该月职工总数"), self.tr(
            "{name}：{period} 的职工总数（人）？\n认定标准的占比按这个人数计算；预填的是上一期名单的人数"
            "（没有则为企业登记的人数）。").format(name=loan.enterprise_name, period=period), offered, 0, 10_000_000)
        if ok:
            self.preview(loan, Path(path), period, staff)

    def preview(self, loan: LoanRow, path: Path, period: str, staff_total: int | None = None) -> Task | None:
        """Read the file on the database worker; ask the clerk with what would be kept (the month's staff
        total as given, else the enterprise's registered one)."""
        if self.task is not None:
            return None
        uscc, loan_id = loan.uscc, loan.id
        task = self._start(self._tasks.run(_preview, uscc, loan_id, path, period, staff_total,
                                           ws_factory=opener(self._ws), label=self.tr("正在读取名单…"),
                                           parent=self._page))
        task.success(lambda preview: self._previewed(preview, uscc, loan_id, path))
        return task

    def _start(self, task: Task) -> Task:
        self.task = task
        task.failure(self._failed)
        self.busy.emit()
        return task

    def _end(self) -> None:
        self.task = None
        self.busy.emit()

    def preview_text(self, preview: ListPreview) -> str:
        kind = self.tr("社保缴费明细") if preview.kind == "insurance" else self.tr("花名册")
        lines = [self.tr("文件：{file}").format(file=preview.file_name),
                 self.tr("识别为{kind}，{period} 的名单").format(kind=kind, period=preview.period),
                 self.tr("将保存 {rows} 人，职工总数按 {staff} 人计").format(rows=preview.rows, staff=preview.staff_total)]
        if preview.replaces is not None:
            kept = preview.replaces
            lines.append(self.tr("{period} 已有名单（{file}，{rows} 人，{at} 导入）：保存后以这份为准，原名单留档不再使用").format(
                period=preview.period, file=kept.file_name, rows=kept.rows, at=kept.imported_at[:10]))
        if preview.refused:
            lines.append(self.tr("{n} 行有错，不保存：").format(n=preview.refused))
            lines += [f"  {p}" for p in preview.problems[:PROBLEMS_SHOWN]]
            if len(preview.problems) > PROBLEMS_SHOWN:
                lines.append(self.tr("  ……另有 {n} 行").format(n=len(preview.problems) - PROBLEMS_SHOWN))
            if not preview.problems:
                lines.append(self.tr("  （每行的问题可在“导入名册”中预检查看）"))
        return "\n".join(lines)

    def _previewed(self, preview: ListPreview, uscc: str, loan_id: int, path: Path) -> None:
        self._end()
        answer = QMessageBox.question(self._page, self.tr("导入跟踪名单"),
                                      self.preview_text(preview) + "\n\n" + self.tr("保存这份名单吗？"))
        if answer != QMessageBox.StandardButton.Yes:
            self.said.emit(self.tr("未导入：{file}").format(file=preview.file_name))
            return
        task = self._start(self._tasks.run(_import, uscc, loan_id, path, preview,
                                           ws_factory=opener(self._ws), label=self.tr("正在导入名单…"),
                                           parent=self._page))
        task.success(self._imported)

    def _imported(self, done: ListImport) -> None:
        self._end()
        kind = self.tr("社保缴费明细") if done.kind == "insurance" else self.tr("名单")
        self.stored.emit(self.tr("已导入 {period} 的{kind}：{rows} 人（{refused} 行有错未收）。").format(
            period=done.period, kind=kind, rows=done.rows, refused=done.refused))

    def _failed(self, exc: BaseException) -> None:
        self._end()
        if isinstance(exc, (ServiceError, StoreError, RosterError)):
            self.said.emit(error_text(exc))
        elif isinstance(exc, OSError):
            self.said.emit(self.tr("无法读取文件：{reason}").format(reason=os_reason(exc)))
        else:
            show_exception(self._page, exc)
