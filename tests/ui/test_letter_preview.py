"""The letter preview: QtPdf shows the services' PDF; printing renders every page into the printer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QMarginsF, QSize, Qt
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from desktop.letters import LetterPrint, fontset, render_letter
from desktop.ui.letter_preview import LetterPreviewDialog, PdfError, load_pdf, print_document
from desktop.ui.screen import available_area, room
from tests.letters.cases import sample_content

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    content = sample_content(40)
    return render_letter(LetterPrint(content, content.verification_code(), content.qr_payload()), fontset()).pdf


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_the_preview_shows_every_page(qtbot: QtBot, letter_pdf: bytes) -> None:
    dialog = LetterPreviewDialog(letter_pdf, "延吉人社劳协确〔2026〕12号")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.document.pageCount() == 5 and dialog.view.document() is dialog.document
    assert dialog.pages_label.text() == "共 5 页" and dialog.print_button.text() == "打印…"


def test_printing_renders_each_page_into_the_printer(letter_pdf: bytes, tmp_path: Path, qtbot: QtBot) -> None:
    document = load_pdf(letter_pdf)
    seen: list[tuple[int, int]] = []
    out = tmp_path / "printed.pdf"
    assert print_document(document, pdf_printer(out), lambda d, t: seen.append((d, t)) is None) == 5
    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)] and out.stat().st_size > 0
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        assert "Pages:           5" in info


def test_print_uses_the_counted_pdf_after_the_dialog(qtbot: QtBot, letter_pdf: bytes, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def counted() -> bytes:
        asked.append(1)
        return letter_pdf

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "p.pdf"))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    dialog = LetterPreviewDialog(letter_pdf, "确认书", print_source=counted)
    qtbot.addWidget(dialog)
    assert dialog.print_with_dialog() == 5 and asked == [1]
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: QDialog.DialogCode.Rejected.value)
    assert dialog.print_with_dialog() == 0 and asked == [1]  # cancelled: nothing drawn, nothing counted


def ink_box(data: bytes) -> tuple[int, int, int, int]:
    """Where page 1's ink is, in points (1 px = 1 pt = 0.35 mm), text, page number and QR code alike."""
    drawn = load_pdf(data).render(0, QSize(595, 842))  # transparent where nothing is drawn
    page = QImage(drawn.size(), QImage.Format.Format_Grayscale8)
    page.fill(Qt.GlobalColor.white)
    painter = QPainter(page)
    painter.drawImage(0, 0, drawn)
    painter.end()
    raw, line, width = bytes(page.constBits()), page.bytesPerLine(), page.width()
    dark = bytes(1 if v < 192 else 0 for v in range(256))
    rows = [raw[y * line: y * line + width].translate(dark) for y in range(page.height())]
    inked = [y for y, row in enumerate(rows) if 1 in row]
    assert inked
    left = min(rows[y].find(1) for y in inked)
    right = max(rows[y].rfind(1) for y in inked) + 1
    return left, inked[0], right, inked[-1] + 1


def test_the_printed_page_keeps_the_letters_margins(qtbot: QtBot, letter_pdf: bytes, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A printer's own margins do not shrink the page: GB/T 9704's 37 mm and 28 mm and its 156 × 225 mm
    text block stay where the PDF has them (the page was scaled into the printable area, 3% smaller
    and moved by the printer's margin)."""
    out = tmp_path / "printed.pdf"

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setPageMargins(QMarginsF(6.35, 6.35, 6.35, 6.35), QPageLayout.Unit.Millimeter)  # a laser's
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    dialog = LetterPreviewDialog(letter_pdf, "确认书")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.printed_pages == 5
    printed, drawn = ink_box(out.read_bytes()), ink_box(letter_pdf)
    assert all(abs(a - b) <= 2 for a, b in zip(printed, drawn, strict=True)), (printed, drawn)


def test_bytes_that_are_not_a_pdf(qtbot: QtBot) -> None:
    with pytest.raises(PdfError):
        load_pdf(b"not a pdf")


def test_the_preview_opens_at_the_screens_height_with_its_buttons_on_screen(qtbot: QtBot, letter_pdf: bytes) -> None:
    dialog = LetterPreviewDialog(letter_pdf, "确认书")
    qtbot.addWidget(dialog)
    space = room(available_area(dialog))
    assert dialog.height() == space.height() and dialog.width() <= space.width()
    dialog.show()
    for button in (dialog.print_button, dialog.save_button, dialog.zoom_in_button, dialog.fit_page_button):
        corner = button.mapTo(dialog, button.rect().bottomRight())
        assert dialog.rect().contains(corner), f"{button.text()} is outside the dialog"


def test_zoom_fit_width_fit_page(qtbot: QtBot, letter_pdf: bytes) -> None:
    dialog = LetterPreviewDialog(letter_pdf, "确认书")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth and dialog.fit_width_button.isChecked()
    qtbot.waitUntil(lambda: dialog.view.viewport().width() > 400)
    fitted = dialog.zoom()
    page_px = dialog.document.pagePointSize(0).width() * dialog.view.logicalDpiX() / 72
    assert fitted == pytest.approx((dialog.view.viewport().width() - 12) / page_px, rel=0.05)
    assert dialog.zoom_label.text() == f"{round(fitted * 100)}%"  # as the view is now, not as it was laid out
    dialog.zoom_in_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom and not dialog.fit_width_button.isChecked()
    assert dialog.zoom() == pytest.approx(fitted * 1.25)
    assert dialog.zoom_label.text() == f"{round(fitted * 125)}%"
    for _ in range(20):
        dialog.zoom_out_button.click()
    assert dialog.zoom() == pytest.approx(0.25) and not dialog.zoom_out_button.isEnabled()
    dialog.fit_page_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView and dialog.fit_page_button.isChecked()
    assert dialog.zoom() < fitted  # a whole A4 page in a landscape-ish window is smaller than its width fitted


def test_save_as_writes_the_counted_pdf(qtbot: QtBot, letter_pdf: bytes, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def counted() -> bytes:
        asked.append(1)
        return letter_pdf + b"%counted"

    dialog = LetterPreviewDialog(letter_pdf, "确认书 延吉人社劳协确〔2026〕12号", print_source=counted)
    qtbot.addWidget(dialog)
    offered: list[str] = []

    def choose(_parent: object, _title: str, name: str, _filter: str) -> tuple[str, str]:
        offered.append(name)
        return str(tmp_path / "letter"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    assert dialog.save_button.text() == "另存为…"
    dialog.save_button.click()
    assert [Path(o).name for o in offered] == ["确认书 延吉人社劳协确〔2026〕12号.pdf"]
    assert (tmp_path / "letter.pdf").read_bytes() == letter_pdf + b"%counted" and asked == [1]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    assert dialog.save_with_dialog() is None and asked == [1]  # cancelled: nothing counted
