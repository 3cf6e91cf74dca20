"""统计分析: the figures by county and month (desktop/core/summary.py says what each one is), as
charts and a table, with filters (period, county) and export to a workbook or a PDF.

The same page for the province (every county it received, a county filter) and a county (its own
office). The figures are computed on the database worker (over 100,000 workers it reads every
approved decision's list of workers: a few tenths of a second), the exports too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QTableWidgetItem, QTabWidget,
    QVBoxLayout, QWidget,
)

from desktop.core.areas import AreaTable
from desktop.core.summary import COLUMNS, GROUPS, LOAN_COLUMNS, TOTAL_LABEL, Summary, table_rows
from desktop.services import summary as svc
from desktop.services.workspace import Workspace
from desktop.ui.errors import show_exception
from desktop.ui.summary_chart import BarChart
from desktop.ui.tasks import TaskRunner, TaskState, opener
from desktop.ui.text import error_text
from desktop.ui.widgets import ReloadsWhenShown, readonly_table
from desktop.ui.file_places import save_file

SOURCES_SHOWN = 10  # the chart of source counties shows the largest ten


def _summary(ws: Workspace, _state: TaskState, start: str | None, end: str | None, county: str | None) -> Summary:
    return svc.summary(ws, period_from=start, period_to=end, county=county)


def _export(ws: Workspace, _state: TaskState, summary: Summary, path: Path) -> Path:
    return svc.export(ws, summary, path)


def _tr(text: str, context: str = "summary") -> str:
    return QCoreApplication.translate(context, text)


class SummaryPage(ReloadsWhenShown):
    data_changed = Signal(str, int)  # as the other pages; this one changes nothing
    computed = Signal(object)  # the Summary shown
    exported = Signal(object)  # the Path written

    def __init__(self, workspace: Workspace, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws, self._tasks = workspace, tasks
        self.summary: Summary | None = None
        self._asked = 0  # the latest computation asked for: older results are dropped
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        layout.addLayout(filters)
        self.fromEdit = QLineEdit(self)
        self.toEdit = QLineEdit(self)
        for edit in (self.fromEdit, self.toEdit):
            edit.setPlaceholderText(self.tr("如 2026-01"))
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("如 2026-01") + 36)
            edit.setClearButtonEnabled(True)
        self.countyCombo = QComboBox(self)
        self.countyCombo.setMinimumContentsLength(12)
        self.refreshButton = QPushButton(self.tr("统计"), self)
        self.xlsxButton = QPushButton(self.tr("导出 Excel…"), self)
        self.pdfButton = QPushButton(self.tr("导出 PDF…"), self)
        filters.addWidget(QLabel(self.tr("期间："), self))
        filters.addWidget(self.fromEdit)
        filters.addWidget(QLabel(self.tr("至"), self))
        filters.addWidget(self.toEdit)
        self.countyLabel = QLabel(self.tr("县（市、区）："), self)
        filters.addWidget(self.countyLabel)
        filters.addWidget(self.countyCombo)
        filters.addWidget(self.refreshButton)
        filters.addStretch(1)
        filters.addWidget(self.xlsxButton)
        filters.addWidget(self.pdfButton)
        if not workspace.office.is_province:  # a county counts its own office only
            self.countyLabel.hide()
            self.countyCombo.hide()

        self.charts = QTabWidget(self)
        self.monthChart = BarChart(self.charts)
        self.groupChart = BarChart(self.charts)
        self.sourceChart = BarChart(self.charts)
        self.charts.addTab(self.monthChart, self.tr("按月"))
        self.charts.addTab(self.groupChart, self.tr("重点群体"))
        self.charts.addTab(self.sourceChart, self.tr("来源地"))
        self.table = readonly_table(self, self._headers())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.charts)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.noteLabel = QLabel(_tr(svc.SUBTITLE), self)
        self.noteLabel.setWordWrap(True)
        layout.addWidget(self.noteLabel)
        self.resultLabel = QLabel(self)
        self.resultLabel.setWordWrap(True)
        self.resultLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.resultLabel)

        self.refreshButton.clicked.connect(self.reload)
        self.fromEdit.returnPressed.connect(self.reload)
        self.toEdit.returnPressed.connect(self.reload)
        self.countyCombo.currentIndexChanged.connect(self.reload)
        self.xlsxButton.clicked.connect(lambda: self._choose_file(".xlsx"))
        self.pdfButton.clicked.connect(lambda: self._choose_file(".pdf"))
        self._set_exports(False)

    def _headers(self) -> list[str]:
        names = [_tr(label) for _, label in COLUMNS]
        for group in GROUPS:
            label = _tr(group.label, "group")
            names += [label + _tr("（核实）"), label + _tr("（申报）")]
        return names + [_tr(label) for _, label in LOAN_COLUMNS]

    def _fill_counties(self) -> None:
        current = self.countyCombo.currentData()
        self.countyCombo.blockSignals(True)
        self.countyCombo.clear()
        self.countyCombo.addItem(self.tr("全部县（市、区）"), "")
        for code, name in svc.counties(self._ws):
            self.countyCombo.addItem(f"{name}（{code}）", code)
        self.countyCombo.setCurrentIndex(max(self.countyCombo.findData(current), 0))
        self.countyCombo.blockSignals(False)

    def reload(self) -> None:
        """Compute the figures for the filters on the database worker; the latest asked wins."""
        if self._ws.office.is_province:
            self._fill_counties()
        self._asked += 1
        asked = self._asked
        start, end = self.fromEdit.text().strip() or None, self.toEdit.text().strip() or None
        task = self._tasks.run(_summary, start, end, self.countyCombo.currentData() or None,
                               ws_factory=opener(self._ws), label=self.tr("正在统计…"), parent=self)
        task.success(lambda result: self._show(result) if asked == self._asked else None)
        task.failure(lambda exc: self._failed(exc) if asked == self._asked else None)

    def _failed(self, exc: BaseException) -> None:
        """The figures of the filters before are not those asked for: taken off the page, the reason said."""
        if isinstance(exc, Exception):
            self.resultLabel.setText(error_text(exc))
        self.summary = None
        self.table.setRowCount(0)
        for chart in (self.monthChart, self.groupChart, self.sourceChart):
            chart.set_data(chart.title, [], [], self.tr("未能统计，原因见下方"))
        self._set_exports(False)

    def _set_exports(self, enabled: bool) -> None:
        why = "" if enabled else self.tr("先按“统计”算出所选期间的数字，有数据时才能导出")
        for button in (self.xlsxButton, self.pdfButton):
            button.setEnabled(enabled)
            button.setToolTip(why)

    def _show(self, summary: Summary) -> None:
        self.summary = summary
        rows = table_rows(summary)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                text = _tr(TOTAL_LABEL) if value == TOTAL_LABEL else str(value)
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        months = summary.by_month()
        empty = self.tr("所选期间没有数据")
        one_year = len({m.month[:4] for m in months}) == 1
        labels = [self.tr("{month}月").format(month=int(m.month[5:])) if one_year else m.month[2:] for m in months]
        title = self.tr("申请、批准与认定结果（件）")
        if months:
            title += " " + (months[0].month[:4] + self.tr("年") if one_year
                            else f"{months[0].month}～{months[-1].month}")
        self.monthChart.set_data(
            title, labels,
            [(_tr(label), [int(getattr(m, key)) for m in months]) for key, label in svc.SERIES], empty)
        total = summary.total()
        self.groupChart.set_data(
            self.tr("认定人员中的重点群体（人）"), [_tr(g.label, "group") for g in GROUPS],
            [(self.tr("经办人核实"), [total.verified.get(g.value, 0) for g in GROUPS]),
             (self.tr("企业申报"), [total.claimed.get(g.value, 0) for g in GROUPS])], empty)
        areas = AreaTable.default()
        top = summary.by_source()[:SOURCES_SHOWN]
        names = [self._source_label(areas, code) for code, _ in top]
        self.sourceChart.set_data(self.tr("认定人员的来源地（户籍地，前 {n} 个，人）").format(n=SOURCES_SHOWN), names,
                                  [(self.tr("认定人数"), [n for _, n in top])], empty)
        counties = len(summary.counties)
        self.resultLabel.setText(self.tr("{counties} 个县（市、区），{months} 个月：申请 {applications} 件，批准 {approvals} 件"
                                         "（符合 {passed}，不符合 {failed}），认定 {workers} 人。").format(
            counties=counties, months=len(summary.months), applications=total.applications,
            approvals=total.approvals, passed=total.passed, failed=total.failed, workers=total.workers)
            + self.tr("贷款 {loans} 笔 {amount} 万元；跟踪核实 {checks} 次（达标 {met}，有风险 {at_risk}，"
                      "不达标 {not_met}，其中需关注 {attention}）。").format(
                loans=total.loans, amount=total.loan_amount, checks=total.checks, met=total.met,
                at_risk=total.at_risk, not_met=total.not_met, attention=total.attention))
        self._set_exports(bool(summary.cells))
        self.computed.emit(summary)

    def _source_label(self, areas: AreaTable, code: str) -> str:
        area = areas.by_code(code) if code else None
        return area.name if area is not None else (code or self.tr("未确定"))

    def _choose_file(self, suffix: str) -> None:
        if self.summary is None:
            return
        kind = self.tr("Excel 工作簿 (*.xlsx)") if suffix == ".xlsx" else self.tr("PDF 文件 (*.pdf)")
        name = self.tr("统计分析") + (f"-{self.summary.period_from}-{self.summary.period_to}" if self.summary.months
                                       else "") + suffix
        path = save_file(self, "summary", self.tr("导出统计分析"), name, kind)
        if path:
            target = Path(path)
            self.export(target if target.suffix.lower() == suffix else target.with_suffix(suffix))

    def export(self, path: Path) -> None:
        """Write the figures shown to ``path`` (.xlsx or .pdf) in the background."""
        if self.summary is None:
            return
        task = self._tasks.run(_export, self.summary, path, ws_factory=opener(self._ws),
                               label=self.tr("正在导出统计分析…"), parent=self)
        task.success(self._exported)
        task.failure(lambda exc: show_exception(self, exc))

    def _exported(self, path: Path) -> None:
        self.resultLabel.setText(self.tr("已导出：{path}").format(path=path))
        self.exported.emit(path)


__all__ = ["SummaryPage"]
