"""登记贷款申请 and 申请表… in the window: register, refuse blanks in the dialog, edit, print, lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.core.enterprise import Enterprise
from desktop.core.loan_form import LoanType
from desktop.services import reviews
from desktop.services.workspace import Workspace
from desktop.ui.application_dialog import ApplicationDialog
from desktop.ui.letter_preview import LetterPreviewDialog
from desktop.ui.review_page import ReviewPage
from desktop.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


def open_page(qtbot: QtBot, ws: Workspace, enterprise: Enterprise) -> ReviewPage:
    runner = TaskRunner()
    page = ReviewPage(ws, None, runner)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    for button in (page.newApplicationButton, page.formButton):  # nothing chosen yet
        assert not button.isEnabled() and button.toolTip() == "请先在左侧选择企业"
    assert page.select_enterprise(enterprise.id)
    page.destroyed.connect(runner.shutdown)
    return page


def fill(dialog: ApplicationDialog, **values: str) -> None:
    for key, text in values.items():
        dialog.set_value(key, text)


def test_registering_an_application_from_the_review_page(qtbot: QtBot, workspace: Workspace,
                                                         enterprises: list[Enterprise]) -> None:
    page = open_page(qtbot, workspace, enterprises[0])
    assert page.application_id is None and "尚未登记贷款申请" in page.applicationHintLabel.text()
    qtbot.mouseClick(page.newApplicationButton, Qt.MouseButton.LeftButton)
    dialog = page.application_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle().startswith("登记贷款申请")
    assert not dialog.previewButton.isEnabled() and "请先保存" in dialog.previewButton.toolTip()
    assert "法定代表人" in dialog.missingLabel.text()

    # A wrong amount is refused in the dialog, which stays open with the field marked.
    fill(dialog, legal_representative="金明", amount_wan="二百", term_months="12", purpose="购买原材料",
         guarantee="信用")
    assert not dialog.save()
    assert dialog.isVisible() and "申请贷款金额（万元）应为不小于0的数" in dialog.problemLabel.text()
    assert dialog.editors["amount_wan"].property("problem") is True
    assert workspace.store.conn.execute("SELECT count(*) FROM applications").fetchone()[0] == 0

    fill(dialog, amount_wan="200")
    qtbot.mouseClick(dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)
    app_id = dialog.application_id
    assert app_id is not None and "已登记贷款申请" in dialog.problemLabel.text()
    assert dialog.windowTitle().startswith("贷款申请表") and dialog.previewButton.isEnabled()
    assert page.application_id == app_id and page.applicationCombo.isEnabled()
    assert "200 万元" in page.applicationCombo.currentText() and "流动资金贷款" in page.applicationCombo.currentText()
    assert not page.newApplicationButton.isEnabled() and "进行中" in page.newApplicationButton.toolTip()
    assert page.recordButton.isEnabled()
    form = reviews.form_of(workspace, app_id)
    assert (form.get("legal_representative"), form.get("amount_wan"), form.get("term_months")) == ("金明", 200.0, 12)

    # Edit: another type keeps the common fields; the fixed-asset form asks for its own.
    dialog.typeCombo.setCurrentIndex(dialog.typeCombo.findData(LoanType.FIXED_ASSET.value))
    assert "project_name" in dialog.editors and "use_plan" not in dialog.editors
    assert dialog.values()["legal_representative"] == "金明"
    fill(dialog, project_name="冷链仓库", total_investment_wan="800")
    assert dialog.save()
    assert reviews.form_of(workspace, app_id).loan_type is LoanType.FIXED_ASSET
    assert "固定资产贷款" in page.applicationCombo.currentText()
    dialog.close()


def test_the_form_is_previewed_saved_as_pdf_and_locked_once_submitted(
        qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], tmp_path: Path) -> None:
    row = reviews.new_application(workspace, enterprises[1].uscc, form_fields={
        "legal_representative": "朴成浩", "amount_wan": "50", "term_months": "6", "purpose": "周转",
        "guarantee": "保证"})
    page = open_page(qtbot, workspace, enterprises[1])
    assert page.application_id == row.id and page.formButton.isEnabled()
    dialog = page.open_application_dialog(new=False)
    assert dialog is not None and not dialog.save_button.isEnabled()
    assert dialog.save_button.toolTip() == "没有未保存的修改"

    task = dialog.open_preview()
    assert task is not None
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
    assert isinstance(dialog.preview, LetterPreviewDialog) and dialog.preview.document.pageCount() >= 1
    assert "附件1" in dialog.preview.windowTitle()
    dialog.preview.close()

    fill(dialog, purpose="采购原料")  # unsaved: saving the PDF saves first
    target = tmp_path / "stick" / "form"
    target.parent.mkdir()
    assert dialog.save_pdf(target) is not None
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20_000)
    assert dialog.written == target.with_suffix(".pdf") and dialog.written.read_bytes().startswith(b"%PDF")
    assert reviews.form_of(workspace, row.id).get("purpose") == "采购原料"
    dialog.close()

    reviews.submit(workspace, row.id, evidence=["contracts", "wages"])
    page.workflow.refresh()
    locked = page.open_application_dialog(new=False)
    assert locked is not None
    assert all(e.isReadOnly() for e in locked.editors.values()) and not locked.save_button.isEnabled()
    assert "数据已锁定" in locked.save_button.toolTip() and "数据已锁定" in locked.missingLabel.text()
    assert locked.previewButton.isEnabled()  # printing a submitted form is fine
    locked.close()


def test_correcting_a_refused_field_clears_its_mark(qtbot: QtBot, workspace: Workspace,
                                                     enterprises: list[Enterprise]) -> None:
    page = open_page(qtbot, workspace, enterprises[0])
    dialog = page.open_application_dialog(new=True)
    assert dialog is not None
    fill(dialog, amount_wan="abc")
    assert not dialog.save() and dialog.editors["amount_wan"].property("problem") is True
    qtbot.keyClick(dialog.editors["amount_wan"], Qt.Key.Key_Backspace)  # the clerk corrects it
    assert not dialog.editors["amount_wan"].property("problem") and dialog.problemLabel.text() == ""
    dialog.close()


def test_the_founding_date_is_read_as_a_clerk_writes_it(qtbot: QtBot, workspace: Workspace,
                                                        enterprises: list[Enterprise]) -> None:
    """成立日期 typed as 2015-3-1 (or 2015.3.1, 2015年3月1日) was refused for want of the zeros;
    it is read as a roster's dates are, kept as 2015-03-01; a date that is none is still refused."""
    page = open_page(qtbot, workspace, enterprises[0])
    qtbot.mouseClick(page.newApplicationButton, Qt.MouseButton.LeftButton)
    dialog = page.application_dialog
    assert dialog is not None
    fill(dialog, legal_representative="金明", amount_wan="200", term_months="12", purpose="购买原材料",
         guarantee="信用", established_on="2015-2-30")
    assert not dialog.save() and "成立日期" in dialog.problemLabel.text()
    assert dialog.editors["established_on"].property("problem") is True
    dialog.editors["established_on"].clear()
    qtbot.keyClicks(dialog.editors["established_on"], "2015-3-1")
    qtbot.mouseClick(dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    assert dialog.application_id is not None, dialog.problemLabel.text()
    assert reviews.form_of(workspace, dialog.application_id).get("established_on") == "2015-03-01"
    for typed in ("2015.3.1", "2015年3月1日", "2015/03/01"):
        fill(dialog, established_on=typed, purpose=f"购买原材料 {typed}")
        assert dialog.save(), dialog.problemLabel.text()
        assert reviews.form_of(workspace, dialog.application_id).get("established_on") == "2015-03-01"
    for wrong in ("42064", "去年"):  # an Excel serial is no date a clerk types
        fill(dialog, established_on=wrong)
        assert not dialog.save() and f"不是“{wrong}”" in dialog.problemLabel.text()
    dialog.close()
