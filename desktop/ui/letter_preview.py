"""Print preview and printing of letters and forms: QtPdf shows the PDF the services drew.

:class:`LetterPreviewDialog` shows PDF bytes (a letter, a draft, the forms,
or all approved letters at once) page under page, with 打印… which opens the
system print dialog. What is printed comes from ``print_source``: the window
passes a function that records the print (``desktop.services.letters.print_pdf``
counts it and stamps 副本 on a reprint), so previewing costs nothing and only
printing is counted. :func:`print_document` renders each page at the
printer's resolution into the printer, reporting progress page by page.

The main window wires it (preview of a letter, 打印全部已批准确认书 with
``print_all``'s progress); this module has no service calls of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget


MAX_DPI = 300  # crisp text and QR codes; a 1200 dpi A4 page would be a 550 MB image


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
    False to stop. Returns the pages printed."""
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
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), scaled), image)
            done += 1
            if progress is not None and progress(done, total) is False:
                break
    finally:
        painter.end()
    return done


class LetterPreviewDialog(QDialog):
    """The PDF page under page, fitted to the width, with 打印… and 关闭."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None, *,
                 print_source: Callable[[], bytes] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(860, 1000)
        self.document = load_pdf(data, self)
        self.print_source = print_source
        self.printed_pages = 0
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages_label = QLabel(self.tr("共 {n} 页").format(n=self.document.pageCount()), self)
        self.buttons = QDialogButtonBox(self)
        self.print_button = QPushButton(self.tr("打印…"), self)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_with_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.pages_label)
        layout.addWidget(self.buttons)

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
