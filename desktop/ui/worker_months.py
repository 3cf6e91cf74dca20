"""人员时间线 of the 跟踪 page (issue 14, 2): for the selected loan, one row per worker and one column per
month, each cell marking 在职 (on the month's list), 参保 (insurance paid that month), both or neither, with
the continuous span a check at the date finds and whether it reaches the minimum. Read-only; the data is
:func:`desktop.services.tracking_timeline.worker_timeline` (no second reading of the spans here).
The colour is never the only sign: the marks are in the cells and the legend says what they mean.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from desktop.core.identifiers import mask_id
from desktop.services.tracking_timeline import WorkerTimeline
from desktop.ui.widgets import readonly_table

BOTH_COLOUR = QColor("#d9f2d9")
EMPLOYED_COLOUR = QColor("#fff0c2")
INSURED_COLOUR = QColor("#dbe8fb")
SHORT_COLOUR = QColor("#f8d0d0")
FIXED_COLUMNS = 4  # 姓名, 身份证号, 连续就业, 满N个月


class WorkerMonthsDialog(QDialog):
    def __init__(self, timeline: WorkerTimeline, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("人员时间线 — {title}").format(title=title))
        self.resize(960, 600)
        layout = QVBoxLayout(self)
        self.legend = QLabel(self.tr(
            "每月一格：“在保”在职且参保，“在”在职（当月名单上）未参保，“保”参保未在名单上，空白两者皆无；"
            "月份后标“缺”的没有名单，标“未报”的是本月（名单在月末之后报来）。连续就业按核实规则计算（最近一段连续在名单上的月份）。"),
            self)
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        minimum = timeline.minimum
        headers = [self.tr("姓名"), self.tr("身份证号"), self.tr("连续就业"),
                   self.tr("满{n}个月").format(n=minimum)]
        headers += [m if m in timeline.listed else (self.tr("{month}未报") if m == timeline.in_progress else
                                                    self.tr("{month}缺")).format(month=m) for m in timeline.months]
        self.table = readonly_table(self, headers)
        self.table.setRowCount(len(timeline.workers))
        for r, row in enumerate(timeline.workers):
            w = row.months
            self.table.setItem(r, 0, QTableWidgetItem(w.name))
            self.table.setItem(r, 1, QTableWidgetItem(mask_id(w.id_number)))
            if row.counts:
                span = QTableWidgetItem(row.span or self.tr("无"))
                reached = QTableWidgetItem(self.tr("是") if row.reaches else self.tr("否"))
                if not row.reaches:
                    reached.setBackground(QBrush(SHORT_COLOUR))
            else:  # on the lists, but neither counted at approval nor from a paired area
                span, reached = QTableWidgetItem(self.tr("不计入")), QTableWidgetItem("—")
                span.setToolTip(self.tr("审核时未计入，也不是符合条件的对口地区人员：不计算连续就业，不计入达标人数"))
            self.table.setItem(r, 2, span)
            self.table.setItem(r, 3, reached)
            employed, insured = set(w.employed), set(w.insured)
            for c, month in enumerate(timeline.months, start=FIXED_COLUMNS):
                self.table.setItem(r, c, self._cell(month in employed, month in insured))
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 1)
        self.summary = QLabel(self.tr("共{n}人，连续就业满{months}个月的{reached}人。").format(
            n=len(timeline.workers), months=minimum, reached=sum(1 for r in timeline.workers if r.reaches)), self)
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _cell(self, employed: bool, insured: bool) -> QTableWidgetItem:
        if employed and insured:
            item = QTableWidgetItem(self.tr("在保"))
            item.setBackground(QBrush(BOTH_COLOUR))
        elif employed:
            item = QTableWidgetItem(self.tr("在"))
            item.setBackground(QBrush(EMPLOYED_COLOUR))
        elif insured:
            item = QTableWidgetItem(self.tr("保"))
            item.setBackground(QBrush(INSURED_COLOUR))
        else:
            item = QTableWidgetItem("")
        return item
