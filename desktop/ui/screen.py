"""Every window within the screen, and the full text of a cut-off table cell in its tooltip.

County offices run 1024×768 and 1366×768 screens. The forms give windows
sizes that suit a larger screen (the main window 1180×720, the import wizard
1000×700); :class:`ScreenFit`, installed once on the application, shrinks each
window as it is first shown to the screen's available area (the taskbar
excluded) and moves it inside, never below what its layout needs. The main
window opens maximised when its form size does not fit. One filter on the
application covers every dialog, including the ones written after this.

Table cells do not wrap (a Chinese name wraps at any character and the row
shows half a line): the filter turns wrapping off in every table of a window
it fits, a long text is elided, and when the model gives no tooltip of its
own, hovering shows the whole text.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QMainWindow, QScrollArea, QSplitter, QStyle, QTableView, QToolTip, QVBoxLayout,
    QWidget,
)

# What a window manager adds around a window: borders and the title bar.
FRAME: Final = QSize(16, 40)
_FITTED: Final = "laoxie_screen_fitted"  # a window is fitted once, on its first show


def available_area(widget: QWidget | None = None) -> QRect:
    """The part of the widget's screen windows may use (without the taskbar)."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 728)


def room(area: QRect) -> QSize:
    """The largest client size of a window whose frame fits ``area``."""
    return QSize(max(area.width() - FRAME.width(), 0), max(area.height() - FRAME.height(), 0))


def needed_size(window: QWidget, width: int | None = None) -> QSize:
    """The smallest size the window's layout allows (a wizard gives no minimumSizeHint: ask its layout),
    at ``width`` (the window's own by default) as tall as its wrapped texts need there: Qt's minimum
    size of a window leaves a word-wrapped label its one-line height, the rest of the text cut off."""
    layout = window.layout()
    hint = window.minimumSizeHint()
    if not hint.isValid():
        hint = layout.totalMinimumSize() if layout is not None else QSize(0, 0)
    hint = hint.expandedTo(window.minimumSize())
    if layout is not None and layout.hasHeightForWidth():
        at = max(window.width() if width is None else width, hint.width())
        hint.setHeight(max(hint.height(), layout.totalMinimumHeightForWidth(at)))
    return hint


def fits(size: QSize, area: QRect) -> bool:
    space = room(area)
    return size.width() <= space.width() and size.height() <= space.height()


def fit_window(window: QWidget, area: QRect) -> None:
    """Shrink ``window`` to ``area`` (not below what it needs) and move it inside; a main window
    that does not fit at its own size is maximised instead."""
    if isinstance(window, QMainWindow) and not fits(window.size(), area):
        window.setGeometry(area.adjusted(0, 0, -FRAME.width(), -FRAME.height()))
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    size = window.size().boundedTo(room(area)).expandedTo(needed_size(window))
    size = size.expandedTo(needed_size(window, size.width()))  # the wrapped texts at the width it gets
    if size != window.size():
        window.resize(size)
    frame = QRect(window.pos(), size + FRAME)
    parent = window.parentWidget()
    owner = parent.window() if parent is not None else None
    if owner is not None and owner.isVisible():  # over the window it belongs to (its page may be hidden)
        frame.moveCenter(owner.frameGeometry().center())
    frame.moveLeft(max(area.left(), min(frame.left(), area.right() + 1 - frame.width())))
    frame.moveTop(max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height())))
    window.move(frame.topLeft())


def split_above(layout: QVBoxLayout, first: int, kept: QWidget, lower: QWidget,
                table: QAbstractItemView | None = None, rows: int = 0) -> QSplitter:
    """Put the items of ``layout`` from ``first`` down to ``kept`` in a scroll area, and ``kept`` with
    ``lower`` under it, a handle between the two. The part above shows whole while ``lower`` keeps its
    minimum, or, given a ``table`` in ``lower``, room for ``rows`` of it; on a low screen the part above
    scrolls and the clerk may drag the handle either way; ``kept`` (the workflow's buttons) stays in sight
    above ``lower``."""
    end = layout.indexOf(kept)
    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    for _ in range(first, end):
        item = layout.takeAt(first)
        if item is None:
            break
        widget, sub = item.widget(), item.layout()
        if widget is not None:
            top_layout.addWidget(widget)
        elif sub is not None:
            sub.setParent(None)
            top_layout.addLayout(sub)
        else:
            top_layout.addItem(item)
    layout.removeWidget(kept)
    layout.removeWidget(lower)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(top)
    bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, scroll)
    scroll.setMinimumWidth(top.minimumSizeHint().width() + bar)  # scrolls up and down only
    below = QWidget()
    below_layout = QVBoxLayout(below)
    below_layout.setContentsMargins(0, 0, 0, 0)
    below_layout.addWidget(kept)
    below_layout.addWidget(lower, 1)
    splitter = QSplitter(Qt.Orientation.Vertical)
    splitter.addWidget(scroll)
    splitter.addWidget(below)
    splitter.setChildrenCollapsible(False)
    splitter.setStretchFactor(0, 0)
    splitter.setStretchFactor(1, 1)
    layout.insertWidget(first, splitter, 1)
    _WholeAbove(splitter, top, below, table, rows)
    return splitter


class _WholeAbove(QObject):
    """Until the clerk drags a handle: the part above as tall as its content, the table the rest
    (never below its minimum), again whenever the content above changes."""

    def __init__(self, splitter: QSplitter, top: QWidget, below: QWidget, table: QAbstractItemView | None,
                 rows: int) -> None:
        super().__init__(splitter)
        self._splitter, self._top, self._below = splitter, top, below
        self._table, self._rows = table, rows
        self._around_table = 0  # the height of what is below the handle besides the table's rows, once seen
        self._dragged = False
        splitter.splitterMoved.connect(self._moved)
        top.installEventFilter(self)
        splitter.installEventFilter(self)

    def _moved(self, _pos: int, _index: int) -> None:
        self._dragged = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self._dragged and event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize, QEvent.Type.Show):
            QTimer.singleShot(0, self, self.apply)  # dropped with the splitter if it goes first
        return False

    def apply(self) -> None:
        if self._dragged or not self._splitter.isVisible():
            return
        total = sum(self._splitter.sizes())
        above = max(min(self._top.sizeHint().height(), total - self._wanted_below()), 0)
        wanted = [above, total - above]
        if wanted != self._splitter.sizes():
            self._splitter.setSizes(wanted)

    def _wanted_below(self) -> int:
        """The part below's minimum, or room for the table's rows when it is larger (the part above scrolls)."""
        least = self._below.minimumSizeHint().height()
        table = self._table
        if table is None or self._rows <= 0:
            return least
        if table.isVisible():  # a table on a tab not shown keeps an old height
            self._around_table = self._below.height() - table.viewport().height()
        if not self._around_table:
            return least
        rows = table.verticalHeader().defaultSectionSize() if isinstance(table, QTableView) else table.sizeHintForRow(0)
        return max(least, self._around_table + self._rows * max(rows, 1))


def cell_text_cut_off(view: QAbstractItemView, pos: QPoint) -> str:
    """The display text of the cell at viewport ``pos`` when it is too wide to show whole, else ''."""
    index = view.indexAt(pos)
    if not index.isValid():
        return ""
    text = index.data()
    if not isinstance(text, str) or not text:
        return ""
    rect = view.visualRect(index)
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    width = max(view.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
    icon = view.iconSize().width() if index.data(Qt.ItemDataRole.DecorationRole) is not None else 0
    return text if width + 2 * margin + icon > rect.width() else ""


class ScreenFit(QObject):
    """Installed on the application: fits each window on its first show; tooltips for cut-off cells."""

    def __init__(self, parent: QObject | None = None, *, area: QRect | None = None) -> None:
        super().__init__(parent)
        self.area = area  # tests give a screen size; None: the window's own screen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.Show:
            if isinstance(watched, QWidget) and watched.isWindow() and not watched.property(_FITTED):
                watched.setProperty(_FITTED, True)
                if watched.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog):
                    fit_window(watched, self.area if self.area is not None else available_area(watched))
                    views = watched.findChildren(QTableView)
                    for table in [watched, *views] if isinstance(watched, QTableView) else views:
                        table.setWordWrap(False)
        elif kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            view = watched.parent() if isinstance(watched, QWidget) else None
            if isinstance(view, QAbstractItemView) and watched is view.viewport():
                index = view.indexAt(event.pos())
                if index.isValid() and index.data(Qt.ItemDataRole.ToolTipRole) is None:  # no tip of the model's own
                    text = cell_text_cut_off(view, event.pos())
                    if text:
                        QToolTip.showText(event.globalPos(), text, view, view.visualRect(index))
                        return True
        return False


__all__ = ["FRAME", "ScreenFit", "available_area", "fit_window", "fits", "needed_size", "room", "split_above"]
