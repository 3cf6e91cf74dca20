"""Print preview and printing of letters and forms: QtPdf shows the PDF the services drew.

:class:`LetterPreviewDialog` shows PDF bytes (a letter, a draft, the forms,
or all approved letters at once) page under page, as tall as the screen,
fitted to the width or to the page or zoomed, with 另存为… and 打印… (the
system print dialog). What is printed comes from ``print_source``: the window
passes a function that records the print (``desktop.services.letters.print_pdf``
counts it and stamps 副本 on a reprint), so previewing costs nothing and only
printing (or saving a copy) is counted. :func:`print_document` renders each page at the
printer's resolution into the printer, reporting progress page by page.

The main window wires it (preview of a letter, 打印全部已批准确认书 with
``print_all``'s progress); this module has no service calls of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QRect, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from desktop.private_files import new_private_file
from desktop.ui.screen import available_area, room
from desktop.ui.file_places import save_file


MAX_DPI = 300  # crisp text and QR codes; a 1200 dpi A4 page would be a 550 MB image
PREFERRED_WIDTH: Final = 860  # an A4 page fitted to this width reads at about its printed size
ZOOM_STEP: Final = 1.25
MIN_ZOOM: Final = 0.25
MAX_ZOOM: Final = 4.0


class PdfError(Exception):
    """PDF bytes QtPdf could not read."""


def load_pdf(data: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A QPdfDocument over ``data`` (kept in a buffer the document owns)."""
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise PdfError(str(document.error()))
    return document


def print_document(document: QPdfDocument, printer: QPrinter,
                   progress: Callable[[int, int], bool] | None = None) -> int:
    """Render every page into ``printer`` at its resolution; ``progress(done, total)`` may return
    False to stop. Returns the pages printed.

    Each page is laid on the whole sheet, at its own size when the paper is as large (A4 on A4):
    scaled into the printer's printable area instead, a letter came out about 3% smaller and moved
    by the printer's margin, off GB/T 9704's margins and text block."""
    printer.setFullPage(True)  # the painter's origin is the sheet's corner, not the printable area's
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法开始打印：打印机不可用")
    total = document.pageCount()
    done = 0
    try:
        dpi = min(printer.resolution(), MAX_DPI)
        for page in range(total):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image = document.render(page, size)
            sheet = printer.paperRect(QPrinter.Unit.DevicePixel).toRect()
            on_paper = QSize(round(points.width() / 72 * printer.resolution()),
                             round(points.height() / 72 * printer.resolution()))
            if on_paper.width() > sheet.width() or on_paper.height() > sheet.height():  # a smaller sheet: all of it
                on_paper = on_paper.scaled(sheet.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(sheet.topLeft(), on_paper), image)
            done += 1
            if progress is not None and progress(done, total) is False:
                break
    finally:
        painter.end()
    return done


class LetterPreviewDialog(QDialog):
    """The PDF page under page at the screen's height: 适合宽度 / 整页 / 放大 / 缩小 above,
    另存为…, 打印… and 关闭 below, always on screen."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None, *,
                 print_source: Callable[[], bytes] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.document = load_pdf(data, self)
        self.data = data
        self.print_source = print_source
        self.printed_pages = 0
        self.saved_to: Path | None = None
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pages_label = QLabel(self.tr("共 {n} 页").format(n=self.document.pageCount()), self)
        self.zoom_label = QLabel(self)
        self.fit_width_button = self._tool(self.tr("适合宽度"), self.fit_width, checkable=True)
        self.fit_page_button = self._tool(self.tr("整页"), self.fit_page, checkable=True)
        self.zoom_out_button = self._tool(self.tr("缩小"), self.zoom_out, QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_button = self._tool(self.tr("放大"), self.zoom_in, QKeySequence.StandardKey.ZoomIn)
        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(self.tr("另存为…"), self)
        self.print_button = QPushButton(self.tr("打印…"), self)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.save_button.clicked.connect(self.save_with_dialog)
        tools = QHBoxLayout()
        for button in (self.fit_width_button, self.fit_page_button, self.zoom_out_button, self.zoom_in_button):
            tools.addWidget(button)
        tools.addWidget(self.zoom_label)
        tools.addStretch(1)
        tools.addWidget(self.pages_label)
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.view.viewport().installEventFilter(self)
        self.fit_width()
        # As tall as the screen allows, so a page shows whole and the buttons stay on screen.
        space = room(available_area(parent))
        self.resize(min(PREFERRED_WIDTH, space.width()), space.height())

    def _tool(self, text: str, slot: Callable[[], None], shortcut: QKeySequence.StandardKey | None = None, *,
              checkable: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setCheckable(checkable)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        if shortcut is not None:
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText))
        return button

    # -- zoom ---------------------------------------------------------------------------
    def fit_width(self) -> None:
        self._set_mode(QPdfView.ZoomMode.FitToWidth)

    def fit_page(self) -> None:
        self._set_mode(QPdfView.ZoomMode.FitInView)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def zoom(self) -> float:
        """The scale the page is shown at (1.0: its printed size), also when it is fitted."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return self.view.zoomFactor()
        page = self.document.pagePointSize(0)
        dpi = self.view.logicalDpiX() / 72
        viewport = self.view.viewport().size()
        margin = 2 * self.view.documentMargins().left()
        by_width = (viewport.width() - margin) / max(page.width() * dpi, 1)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return by_width
        return min(by_width, (viewport.height() - margin) / max(page.height() * dpi, 1))

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomFactor(min(max(factor, MIN_ZOOM), MAX_ZOOM))
        self._set_mode(QPdfView.ZoomMode.Custom)

    def _set_mode(self, mode: QPdfView.ZoomMode) -> None:
        self.view.setZoomMode(mode)
        self.fit_width_button.setChecked(mode == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(mode == QPdfView.ZoomMode.FitInView)
        self._show_zoom()

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"{round(self.zoom() * 100)}%")
        self.zoom_out_button.setEnabled(self.zoom() > MIN_ZOOM + 1e-6)
        self.zoom_in_button.setEnabled(self.zoom() < MAX_ZOOM - 1e-6)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._show_zoom()  # a fitted page changes scale with the view (the dialog's own resize comes earlier)
        return False

    # -- out ------------------------------------------------------------------------------
    def _outgoing(self) -> bytes:
        """What leaves the program: from ``print_source`` (counted, 副本 on a reprint) or the PDF shown."""
        return self.print_source() if self.print_source is not None else self.data

    def save_with_dialog(self) -> Path | None:
        """Save the PDF to a file the clerk picks; a saved letter is a copy like a printed one."""
        name = "".join("_" if c in '\\/:*?"<>|' else c for c in self.windowTitle()) + ".pdf"
        chosen = save_file(self, "letter", self.tr("另存为"), name, self.tr("PDF 文件 (*.pdf)"))
        if not chosen:
            return None
        return self.save_to(Path(chosen))

    def save_to(self, path: Path) -> Path:
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        new_private_file(path).write_bytes(self._outgoing())  # the office's alone, as every export
        self.saved_to = path
        return path

    def print_with_dialog(self) -> int:
        """The system print dialog, then the PDF from ``print_source`` (counted) or the one shown."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        document = self.document
        if self.print_source is not None:
            document = load_pdf(self.print_source(), self)
        self.printed_pages = print_document(document, printer)
        return self.printed_pages
