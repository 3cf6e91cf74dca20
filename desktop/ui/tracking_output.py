"""What the 跟踪 page writes out (issue 14): 跟踪报告… (a loan's PDF), 贷款状态表… (every loan, Excel) and
社保明细模板… (the blank payment-list template).

The clerk picks the file; it is written on the database worker (the template, touching no data, on a
plain worker) by the services ``laoxie track report`` and ``laoxie track template`` call, one file at a
time. A file that cannot be written is said in Chinese on the page's status line.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.core.oserrors import os_reason
from desktop.core.roster import RosterError
from desktop.services import tracking_insurance, tracking_reports
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.loans import LoanRow
from desktop.ui.errors import show_exception
from desktop.ui.tasks import Task, TaskRunner, TaskState, opener
from desktop.ui.text import error_text
from desktop.ui.file_places import save_file


def _save_report(ws: Workspace, _state: TaskState, uscc: str, loan_id: int, target: Path,
                 on: datetime.date) -> Path:
    return tracking_reports.save_report_pdf(ws, uscc, target, loan_id=loan_id, on=on)


def _save_workbook(ws: Workspace, _state: TaskState, target: Path, on: datetime.date) -> Path:
    return tracking_reports.save_loans_workbook(ws, target, on)


def _save_paid_template(_state: TaskState, target: Path) -> Path:
    return tracking_insurance.write_template(target)


def _with_suffix(target: Path, suffix: str) -> Path:
    """The suffix added when the clerk left it out (``报告`` → ``报告.pdf``)."""
    return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)


class ReportWriter(QObject):
    """One file written at a time; the page listens to ``busy`` and ``said``."""

    busy = Signal()  # started or finished writing: the page updates its buttons
    said = Signal(str)  # a message for the page's status line

    def __init__(self, workspace: Workspace, tasks: TaskRunner, page: QWidget) -> None:
        super().__init__(page)
        self._ws, self._tasks, self._page = workspace, tasks, page
        self.task: Task | None = None
        self.written: Path | None = None

    def choose_report(self, loan: LoanRow, today: datetime.date) -> None:
        suggested = self.tr("{name}_跟踪评估报告_{date}.pdf").format(name=loan.enterprise_name, date=today.isoformat())
        path = save_file(self._page, "tracking_report", self.tr("保存跟踪评估报告"), suggested,
                         self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.report(loan, Path(path), today)

    def choose_workbook(self, today: datetime.date) -> None:
        suggested = self.tr("贷款跟踪状态_{date}.xlsx").format(date=today.isoformat())
        path = save_file(self._page, "loan_workbook", self.tr("保存贷款状态表"), suggested,
                         self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.workbook(Path(path), today)

    def choose_paid_template(self) -> None:
        path = save_file(self._page, "template", self.tr("保存社保缴费明细模板"),
                         self.tr("社保缴费明细模板.xlsx"), self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.paid_template(Path(path))

    def paid_template(self, target: Path) -> Task | None:
        """The blank payment-list template (``laoxie track template``), written in the background."""
        if self.task is not None:
            return None
        return self._start(self._tasks.run(_save_paid_template, _with_suffix(target, ".xlsx"),
                                           label=self.tr("正在生成社保缴费明细模板…"), parent=self._page))

    def report(self, loan: LoanRow, target: Path, today: datetime.date) -> Task | None:
        """The loan's report written on the database worker (``laoxie track report USCC``)."""
        if self.task is not None:
            return None
        return self._start(self._tasks.run(_save_report, loan.uscc, loan.id, _with_suffix(target, ".pdf"), today,
                                           ws_factory=opener(self._ws), label=self.tr("正在排版跟踪评估报告…"),
                                           parent=self._page))

    def workbook(self, target: Path, today: datetime.date) -> Task | None:
        """Every loan's status (``laoxie track report --all``)."""
        if self.task is not None:
            return None
        return self._start(self._tasks.run(_save_workbook, _with_suffix(target, ".xlsx"), today,
                                           ws_factory=opener(self._ws), label=self.tr("正在写出贷款状态表…"),
                                           parent=self._page))

    def _start(self, task: Task) -> Task:
        self.task = task
        self.busy.emit()
        task.success(self._saved)
        task.failure(self._failed)
        return task

    def _saved(self, path: Path) -> None:
        self.task = None
        self.written = path
        self.busy.emit()
        self.said.emit(self.tr("已保存：{path}").format(path=path))

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.busy.emit()
        if isinstance(exc, (ServiceError, StoreError, RosterError)):
            self.said.emit(error_text(exc))
        elif isinstance(exc, OSError):
            self.said.emit(self.tr("无法写出文件：{reason}").format(reason=os_reason(exc)))
        else:
            show_exception(self._page, exc)
