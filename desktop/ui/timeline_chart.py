"""The timeline chart of one loan on the 跟踪 page (issue 14, 4): workers counted against the number required.

Drawn with QPainter (no chart library). One column per month of the loan up to the date: a bar of the
workers counted then, its lower part those employed at least the minimum continuous span (dark) and the
rest (light); a dark step line at the fewest workers meeting the standard; under each month a small
square in the colour of that month's result (达标 green / 有风险 amber / 不达标 red, as in the table). A month without
a list is an empty dashed column marked 缺 (未报 for the month in progress: its list comes once it is over). The
colour is never the only sign: each column's tooltip
says it in words, and so does the chart's accessible description.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from desktop.services.tracking_timeline import TimelineMonth

ESTABLISHED = QColor("#1f5fa8")  # employed at least the minimum span
RECENT = QColor("#9cc3ea")  # counted, span not yet reached
REQUIRED = QColor("#212121")
GRID = QColor("#d0d0d0")
GAP = QColor("#9e9e9e")
#: the month's result under its column: strong colours of the table's (达标 green, 有风险 amber, 不达标 red)
RESULT_COLOURS = {"met": QColor("#2e7d32"), "at_risk": QColor("#f2a900"), "not_met": QColor("#c62828")}
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 34, 10, 48, 38


def axis_step(value: int) -> int:
    """The step of the axis' ticks: 1, 2 or 5 × 10^k, at most 5 steps up to ``value``."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if -(-max(value, 1) // step) <= 5:
                return step
        magnitude *= 10


class TimelineChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[TimelineMonth] = []
        self.minimum_months = 3
        self.setMinimumSize(260, 160)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(420, 220)

    def set_months(self, months: Sequence[TimelineMonth], minimum_months: int) -> None:
        self.months = list(months)
        self.minimum_months = minimum_months
        self.setAccessibleDescription("；".join(self.month_text(m) for m in self.months))
        self.update()

    def month_text(self, m: TimelineMonth) -> str:
        label = self.tr("{year}年{month}月").format(year=m.month.year, month=m.month.month)
        if not m.has_list and m.in_progress:
            return self.tr("{month}：本月名单尚未报来（月末之后报送）").format(month=label)
        if not m.has_list:
            return self.tr("{month}：没有名单（连续就业在此中断）").format(month=label)
        return self.tr("{month}：计入{n}人（连续就业满{minimum}个月的{established}人，当月缴纳社保的{insured}人），"
                       "达标至少需{required}人，职工总数{staff}人，{verdict}").format(
            month=label, n=m.counted, minimum=self.minimum_months, established=m.established, insured=m.insured,
            required=m.required, staff=m.staff_total, verdict=m.verdict.label if m.verdict else "")

    # -- geometry -------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(_MARGIN_LEFT, _MARGIN_TOP, max(self.width() - _MARGIN_LEFT - _MARGIN_RIGHT, 1),
                      max(self.height() - _MARGIN_TOP - _MARGIN_BOTTOM, 1))

    def _top(self) -> tuple[int, int]:
        """The axis' top (a whole number of steps) and its step."""
        value = max([max(m.counted, m.required) for m in self.months] or [1])
        step = axis_step(value)
        return -(-max(value, 1) // step) * step, step

    def column_at(self, x: float) -> int | None:
        plot = self._plot()
        if not self.months or not plot.left() <= x < plot.right():
            return None
        return min(int((x - plot.left()) / (plot.width() / len(self.months))), len(self.months) - 1)

    # -- drawing ----------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = QFontMetrics(self.font())
        if not self.months:
            painter.setPen(self.palette().text().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("还没有名单：导入每月名单后，这里按月显示人数。"))
            painter.end()
            return
        plot, (top, step) = self._plot(), self._top()
        self._draw_legend(painter, metrics)

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * value / top

        for tick in range(0, top + 1, step):  # the grid and the axis' numbers
            y = y_of(tick)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, y - metrics.height() / 2, _MARGIN_LEFT - 4, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(tick))
        width = plot.width() / len(self.months)
        bar = max(min(width * 0.6, 36.0), 2.0)
        label_every = max(1, int((metrics.horizontalAdvance("00-00") + 6) / width) + 1)
        required_points: list[tuple[float, float, float]] = []
        for i, m in enumerate(self.months):
            x = plot.left() + i * width + (width - bar) / 2
            if m.has_list:
                painter.fillRect(QRectF(x, y_of(m.established), bar, y_of(0) - y_of(m.established)), ESTABLISHED)
                painter.fillRect(QRectF(x, y_of(m.counted), bar, y_of(m.established) - y_of(m.counted)), RECENT)
                required_points.append((plot.left() + i * width, plot.left() + (i + 1) * width, y_of(m.required)))
                square = QRectF(x + bar / 2 - 5, plot.bottom() + 3, 10, 10)
                painter.fillRect(square, RESULT_COLOURS.get(m.verdict.value if m.verdict else "", GRID))
            else:
                painter.setPen(QPen(GAP, 1, Qt.PenStyle.DashLine))
                painter.drawRect(QRectF(x, plot.top() + plot.height() / 2, bar, plot.height() / 2))
                painter.setPen(GAP)
                painter.drawText(QRectF(x - 6, plot.bottom() - metrics.height() - 2, bar + 12, metrics.height()),
                                 Qt.AlignmentFlag.AlignCenter, self.tr("未报") if m.in_progress else self.tr("缺"))
            if i % label_every == 0 or i == len(self.months) - 1:
                text = f"{m.month:%y-%m}" if i == 0 or m.month.month == 1 else f"{m.month.month}月"
                painter.setPen(self.palette().text().color())
                painter.drawText(QRectF(plot.left() + i * width - 10, plot.bottom() + 15, width + 20,
                                        metrics.height()), Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QPen(REQUIRED, 2))  # the number required, as steps over the months with a list
        for left, right, y in required_points:
            painter.drawLine(QPointF(left, y), QPointF(right, y))
        painter.setPen(QPen(self.palette().text().color(), 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        painter.end()

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics) -> None:
        """Two lines: what the bars and the line are; what the squares under the months say."""
        h = float(metrics.height())
        rows = (((ESTABLISHED, self.tr("计入人数：连续就业满{n}个月").format(n=self.minimum_months), False),
                 (RECENT, self.tr("未满{n}个月").format(n=self.minimum_months), False),
                 (REQUIRED, self.tr("达标所需人数"), True)),
                ((RESULT_COLOURS["met"], self.tr("当月结论：达标"), False),
                 (RESULT_COLOURS["at_risk"], self.tr("有风险"), False),
                 (RESULT_COLOURS["not_met"], self.tr("不达标"), False)))
        for n, entries in enumerate(rows):
            self._draw_legend_row(painter, metrics, entries, 4.0 + n * (h + 2))

    def _draw_legend_row(self, painter: QPainter, metrics: QFontMetrics,
                         entries: Sequence[tuple[QColor, str, bool]], y: float) -> None:
        x, h = float(_MARGIN_LEFT), float(metrics.height())
        for colour, text, line in entries:
            if line:
                painter.setPen(QPen(colour, 2))
                painter.drawLine(QPointF(x, y + h / 2), QPointF(x + 14, y + h / 2))
            else:
                painter.fillRect(QRectF(x, y + h / 2 - 5, 14, 10), colour)
            painter.setPen(self.palette().text().color())
            painter.drawText(QPointF(x + 18, y + metrics.ascent()), text)
            x += 18 + metrics.horizontalAdvance(text) + 14

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            i = self.column_at(event.pos().x())
            if i is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.month_text(self.months[i]), self)
            return True
        return super().event(event)
