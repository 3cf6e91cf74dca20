"""A grouped bar chart drawn with QPainter, for the 统计分析 page.

Why not QtCharts: it is in pyside6-addons (about 160 MB installed), while the Windows build ships
PySide6-Essentials 6.8.3 only (packaging/windows/requirements.txt); QtCharts is also being replaced
by QtGraphs upstream. The page needs bars by category with a legend and the values: a hundred
lines of QPainter that work the same in the Windows bundle, offscreen in the tests and under Xvfb.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

COLOURS = ("#4472C4", "#ED7D31", "#70AD47", "#C00000", "#7F6000", "#5B9BD5")  # as the PDF's


def nice_top(value: float) -> tuple[float, float]:
    """A round top for the value axis and its step (1, 2 or 5 × 10^n, four to five steps)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    return math.ceil(value / step) * step, step


class BarChart(QWidget):
    """Bars for each category (months, groups, counties), one colour per series, with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.categories: list[str] = []
        self.series: list[tuple[str, list[int]]] = []
        self.empty_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(600, 220)

    def set_data(self, title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                 empty_text: str = "") -> None:
        self.title = title
        self.categories = list(categories)
        self.series = [(name, [int(v) for v in values]) for name, values in series]
        self.empty_text = empty_text
        self.setToolTip("\n".join(
            f"{c}：" + "，".join(f"{name} {values[i]}" for name, values in self.series)
            for i, c in enumerate(self.categories)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        text_colour = palette.text().color()
        painter.setPen(text_colour)
        painter.drawText(QRectF(8, 4, self.width() - 16, line), Qt.AlignmentFlag.AlignLeft, self.title)
        biggest = max((v for _, values in self.series for v in values), default=0)
        if not self.categories or biggest == 0:
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        top, step = nice_top(biggest)
        # the legend: one line to the right of the title
        x = self.width() - 8.0
        for i, (name, _) in reversed(list(enumerate(self.series))):
            x -= metrics.horizontalAdvance(name) + 4
            painter.drawText(QRectF(x, 4, metrics.horizontalAdvance(name) + 4, line), Qt.AlignmentFlag.AlignLeft, name)
            x -= line * 0.8 + 2
            painter.fillRect(QRectF(x, 4 + line * 0.2, line * 0.7, line * 0.6), QColor(COLOURS[i % len(COLOURS)]))
            x -= 10
        axis_width = metrics.horizontalAdvance(f"{int(top):,}") + 10
        plot = QRectF(8 + axis_width, 8 + line * 1.5, self.width() - 16 - axis_width, self.height() - 16 - line * 2.8)
        if plot.height() < 20 or plot.width() < 20:
            return
        grid = QColor(text_colour)
        grid.setAlpha(40)
        value = 0.0
        while value <= top + 1e-9:
            y = plot.bottom() - plot.height() * value / top
            painter.setPen(grid)
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(text_colour)
            painter.drawText(QRectF(4, y - line / 2, axis_width, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{int(value):,}")
            value += step
        slot = plot.width() / len(self.categories)
        bars = max(1, len(self.series))
        bar = max(1.0, min(28.0, (slot * 0.8) / bars))
        # every label when there is room for a few characters each (the rest elided), else every n-th
        label_every = max(1, math.ceil((metrics.horizontalAdvance("00-00") + 4) / slot))
        widest = max(metrics.horizontalAdvance(f"{v:,}") for _, values in self.series for v in values)
        show_values = widest + 3 <= (slot if bars == 1 else bar)  # all values or none, never touching
        for c, category in enumerate(self.categories):
            left = plot.left() + c * slot + (slot - bar * bars) / 2
            for s, (_, values) in enumerate(self.series):
                height = plot.height() * values[c] / top
                painter.fillRect(QRectF(left + s * bar, plot.bottom() - height, bar - 1, height),
                                 QColor(COLOURS[s % len(COLOURS)]))
                shown = f"{values[c]:,}"
                if values[c] and show_values:
                    painter.setPen(text_colour)
                    painter.drawText(QRectF(left + s * bar - slot, plot.bottom() - height - line, bar + 2 * slot, line),
                                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, shown)
            if c % label_every == 0:
                room = slot * label_every
                centre = plot.left() + (c + 0.5) * slot
                painter.setPen(text_colour)
                painter.drawText(QRectF(centre - room / 2, plot.bottom() + 2, room, line),
                                 Qt.AlignmentFlag.AlignHCenter,
                                 metrics.elidedText(category, Qt.TextElideMode.ElideRight, room - 4))
        painter.setPen(text_colour)
        painter.drawLine(int(plot.left()), int(plot.bottom()), int(plot.right()), int(plot.bottom()))
