"""确认书版式 from the settings page: the red line and the 版记 chosen in the window, previewed, saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from desktop.services import letter_settings
from desktop.services import letters as letter_service
from desktop.services.workspace import Workspace
from desktop.ui.letter_page_dialog import LetterPageDialog
from desktop.ui.letter_preview import load_pdf
from tests.letters.cases import add_case
from tests.ui.test_main_window import open_window

pytestmark = pytest.mark.gui

COPY_TO = "吉林省人力资源和社会保障厅，国家开发银行吉林省分行"


def pdf_text(data: bytes) -> str:
    document = load_pdf(data)
    return "\n".join(document.getAllText(i).text() for i in range(document.pageCount()))


def longest_red_row(data: bytes) -> float:
    """The longest run of red pixels on one row of page 1, as a share of the page's width."""
    document = load_pdf(data)
    image = document.render(0, QSize(620, 877))
    best = 0
    for y in range(image.height() // 3):  # the 版头 is in the top third
        run = longest = 0
        for x in range(image.width()):
            c = QColor(image.pixel(x, y))
            run = run + 1 if c.red() > 180 and c.green() < 90 and c.blue() < 90 else 0
            longest = max(longest, run)
        best = max(best, longest)
    return best / image.width()


def open_from_settings(qtbot: QtBot, ws: Workspace) -> LetterPageDialog:
    window = open_window(qtbot, ws)
    window.navList.setCurrentRow(window.pages.indexOf(window.settingsPage))
    qtbot.mouseClick(window.settings.letterPageButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(LetterPageDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_choose_preview_and_save_the_page(qtbot: QtBot, admin_ws: Workspace, workspace: Workspace) -> None:
    case = add_case(workspace)
    dialog = open_from_settings(qtbot, admin_ws)
    assert not dialog.redLineCheck.isChecked() and dialog.copyToEdit.text() == ""
    assert dialog.recordLabel.text() == "不印版记（抄送和印发机关都未填写）。"
    assert not dialog.save_button.isEnabled()

    qtbot.mouseClick(dialog.previewButton, Qt.MouseButton.LeftButton)  # as saved: no line, no 版记
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30000)
    assert dialog.preview is not None
    plain = dialog.preview.data
    assert "抄送" not in pdf_text(plain) and longest_red_row(plain) < 0.3
    dialog.preview.close()
    dialog.preview = None

    dialog.redLineCheck.setChecked(True)
    dialog.copyToEdit.setText(COPY_TO)
    dialog.printerEdit.setText("延吉市就业服务局办公室")
    assert dialog.recordLabel.text() == f"版记：抄送 {COPY_TO}；延吉市就业服务局办公室 印发，日期为出具日期。"
    qtbot.mouseClick(dialog.previewButton, Qt.MouseButton.LeftButton)  # the choices as shown, not yet saved
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30000)
    assert dialog.preview is not None
    chosen = dialog.preview.data
    text = pdf_text(chosen)
    assert "抄送" in text and "吉林省人力资源和社会保障厅" in text and "延吉市就业服务局办公室" in text
    assert longest_red_row(chosen) > 0.5  # the red separator across the text block
    assert letter_settings.letter_page(admin_ws).red_line is False  # nothing saved by a preview
    dialog.preview.close()

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = letter_settings.letter_page(admin_ws)
    assert (saved.red_line, saved.copy_to, saved.printer) == (True, COPY_TO, "延吉市就业服务局办公室")
    assert admin_ws.store.audit_entries(1)[0]["action"] == "letter.page"
    # the letters drawn from now on (the 样稿 here, as the letters page and `laoxie letter` draw it) carry them
    assert "延吉市就业服务局办公室" in pdf_text(letter_service.draft_pdf(workspace, case.application_id))


def test_a_clerk_sees_the_page_read_only(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = open_from_settings(qtbot, workspace)
    assert not dialog.redLineCheck.isEnabled() and not dialog.copyToEdit.isEnabled()
    assert dialog.save_button.isHidden()
    assert not dialog.previewButton.isEnabled()
    assert dialog.previewButton.toolTip() == "本单位还没有贷款申请，无法预览样稿"
