"""The 确认书 page: issue for an approved application, preview, void with a reason, print all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.core.letter import format_code
from desktop.services import letter_settings, letters, reviews
from desktop.services.workspace import Workspace
from desktop.ui import letters_page
from desktop.ui.letters_page import LetterColumn, LettersPage
from desktop.ui.tasks import TaskRunner
from tests.ui.conftest import MessageBoxes
from tests.ui.test_review_page import (  # noqa: F401 - fixtures
    REVIEW, approver, clerk, demo_db, demo_template,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


def approve(clerk: Workspace, approver: Workspace, *app_ids: int) -> None:
    for app_id in app_ids:
        reviews.submit(clerk, app_id, evidence=["contracts", "wages"], review_date=REVIEW)
        reviews.approve(approver, app_id)


def open_page(qtbot: QtBot, ws: Workspace, runner: TaskRunner) -> LettersPage:
    page = LettersPage(ws, runner)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    return page


def cell(page: LettersPage, row: int, column: LetterColumn) -> str:
    item = page.lettersTable.item(row, column)
    assert item is not None
    return item.text()


def test_an_approved_application_gets_its_letter(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                                 runner: TaskRunner, message_boxes: MessageBoxes) -> None:
    approve(clerk, approver, 3)
    page = open_page(qtbot, clerk, runner)
    assert page.waitingTable.rowCount() == 1 and "图们江物流" in page.waitingTable.item(0, 1).text()
    assert not page.issueButton.isEnabled() and page.issueButton.toolTip()
    assert not page.voidButton.isEnabled() and "无权" in page.voidButton.toolTip()  # a clerk does not void
    assert page.select_application(3)
    assert page.issueButton.isEnabled()
    page.issueButton.click()
    (title, text), = message_boxes.asked
    assert title == "出具确认书" and "第 3 号" in text and "文号" in text and "作废" in text
    assert page.issuing is not None and not page.issueButton.isEnabled()  # on the worker, one at a time
    qtbot.waitUntil(lambda: page.issuing is None and runner.pending == 0)
    letter = letters.letter_in_force(clerk, 3)
    assert letter is not None
    assert page.waitingTable.rowCount() == 0
    assert page.lettersTable.rowCount() == 1
    assert cell(page, 0, LetterColumn.NUMBER) == letter.number
    assert "图们江物流" in cell(page, 0, LetterColumn.ENTERPRISE)
    assert cell(page, 0, LetterColumn.STATE) == "有效"
    assert cell(page, 0, LetterColumn.PRINTS) == "0"
    assert cell(page, 0, LetterColumn.CODE) == format_code(letter.verification_code)
    assert letter.number in page.statusLabel.text()
    assert reviews.case(clerk, 3).status == "issued"

    dialog = page.open_preview()
    assert dialog is not None and dialog.isVisible() and letter.number in dialog.windowTitle()
    assert dialog.print_source is not None
    assert dialog.print_source()[:4] == b"%PDF"  # what 打印… sends: counted as the original
    dialog.reject()
    assert cell(page, 0, LetterColumn.PRINTS) == "1"


def test_a_letter_shows_the_date_it_bears(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                          runner: TaskRunner) -> None:
    """Issued today, dated the review day (as issue allows): the table gives the letter's date, the
    tooltip when it was recorded."""
    approve(clerk, approver, 3)
    letter = letters.issue(clerk, 3, issued_on=REVIEW)
    page = open_page(qtbot, clerk, runner)
    page.yearCombo.setCurrentIndex(page.yearCombo.findData(REVIEW.year))
    row = next(r for r in range(page.lettersTable.rowCount()) if cell(page, r, LetterColumn.NUMBER) == letter.number)
    assert cell(page, row, LetterColumn.ISSUED) == REVIEW.isoformat() != letter.issued_at[:10]
    assert page.lettersTable.item(row, LetterColumn.ISSUED).toolTip() == (
        f"登记于 {letter.issued_at[:16].replace('T', ' ')}")


def test_the_approver_voids_with_a_reason(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                          runner: TaskRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    approve(clerk, approver, 3)
    issued = letters.issue(clerk, 3)
    page = open_page(qtbot, approver, runner)
    assert page.select_letter(issued.id) and page.voidButton.isEnabled()
    monkeypatch.setattr(letters_page, "ask_reason", lambda *_a: None)
    page.voidButton.click()
    assert cell(page, 0, LetterColumn.STATE) == "有效"
    asked: list[str] = []

    def reason(_parent: object, _title: str, prompt: str) -> str:
        asked.append(prompt)
        return "企业名称填写有误"

    monkeypatch.setattr(letters_page, "ask_reason", reason)
    page.voidButton.click()
    assert asked and issued.number in asked[0]
    assert cell(page, 0, LetterColumn.STATE) == "作废"
    assert "企业名称填写有误" in page.lettersTable.item(0, LetterColumn.STATE).toolTip()
    assert not page.voidButton.isEnabled()
    assert page.waitingTable.rowCount() == 1  # back to approved: a new letter takes a new number
    assert "重新打开" in page.statusLabel.text()  # a wrong name is corrected by reopening, not by issuing again
    dialog = page.open_preview()
    assert dialog is not None and dialog.print_source is None and not dialog.print_button.isEnabled()
    dialog.reject()


def test_issuing_refused_is_said_in_chinese(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                            runner: TaskRunner, message_boxes: MessageBoxes) -> None:
    approve(clerk, approver, 3)
    page = open_page(qtbot, clerk, runner)
    page.select_application(3)
    letters.issue(approver, 3)  # from another window meanwhile
    task = page.issue_selected()
    assert task is not None
    qtbot.waitUntil(lambda: task.done and page.issuing is None)
    assert message_boxes.shown and "须经审核人批准后才能出具确认书" in message_boxes.shown[-1][1]
    assert page.waitingTable.rowCount() == 0 and page.lettersTable.rowCount() == 1  # reloaded


def test_print_all_runs_in_the_background(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                          runner: TaskRunner) -> None:
    approve(clerk, approver, 3, 13)
    page = open_page(qtbot, clerk, runner)
    task = page.print_all()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    run = page.last_run
    assert run is not None and len(run.issued) == 2 and len(run.printed) == 2 and run.pdf[:4] == b"%PDF"
    assert page.lettersTable.rowCount() == 2 and page.waitingTable.rowCount() == 0
    assert {cell(page, r, LetterColumn.PRINTS) for r in range(2)} == {"1"}
    assert "出具了 2 份，打印 2 份" in page.statusLabel.text()
    assert page.preview is not None and page.preview.isVisible()
    page.preview.reject()


def test_print_all_asks_before_it_takes_numbers(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                               runner: TaskRunner, message_boxes: MessageBoxes) -> None:
    """全部打印 also issues the approved cases' letters: numbers that are never given back. It says so
    first, as 出具确认书 does (an approver who had just voided a letter to correct it got a new one
    printed for the same uncorrected case without a word)."""
    approve(clerk, approver, 3)
    page = open_page(qtbot, approver, runner)
    message_boxes.answer = message_boxes.answer.No
    qtbot.mouseClick(page.printAllButton, Qt.MouseButton.LeftButton)
    (title, text), = message_boxes.asked
    assert title == "全部打印" and "图们江物流" in text and "1 件" in text and "不再收回" in text
    assert letters.letter_in_force(approver, 3) is None and page.waitingTable.rowCount() == 1
    assert page.printAllButton.isEnabled()
    message_boxes.answer = message_boxes.answer.Yes
    qtbot.mouseClick(page.printAllButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_run is not None, timeout=30_000)
    assert letters.letter_in_force(approver, 3) is not None and page.waitingTable.rowCount() == 0
    assert page.preview is not None
    page.preview.reject()
    qtbot.waitUntil(page.printAllButton.isEnabled)
    qtbot.mouseClick(page.printAllButton, Qt.MouseButton.LeftButton)  # nothing to issue: prints, no question
    qtbot.waitUntil(lambda: "没有需要打印" in page.statusLabel.text(), timeout=30_000)
    assert len(message_boxes.asked) == 2


def test_issuing_says_before_it_when_the_letter_fonts_stand_in(
        qtbot: QtBot, clerk: Workspace, approver: Workspace, runner: TaskRunner, message_boxes: MessageBoxes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    approve(clerk, approver, 3)
    page = open_page(qtbot, clerk, runner)
    assert page.select_application(3)
    monkeypatch.setattr(letter_settings, "font_report", lambda ws: {"notes": ["仿宋：未找到，用黑体代替"]})
    message_boxes.answer = message_boxes.answer.No
    page.issueButton.click()
    (title, text), = message_boxes.asked
    assert "缺少公文字体" in text and "仿宋：未找到，用黑体代替" in text and "设置" in text
    assert letters.letter_in_force(clerk, 3) is None  # the clerk said no: nothing issued
    monkeypatch.setattr(letter_settings, "font_report", lambda ws: {"notes": []})
    page.issueButton.click()
    assert "缺少公文字体" not in message_boxes.asked[-1][1]
