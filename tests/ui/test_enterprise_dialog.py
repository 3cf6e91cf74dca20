"""Adding and editing enterprises through the dialog, as a clerk types."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.enterprise import Enterprise
from desktop.core.identifiers import mask_phone
from desktop.services import reviews
from desktop.services.enterprises import list_enterprises
from desktop.services.workspace import Workspace
from desktop.ui.enterprise_dialog import EnterpriseDialog, uscc_hint
from desktop.ui.enterprise_model import Column
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets import select_data

pytestmark = pytest.mark.gui

Typist = Callable[[QWidget, str], None]
NEW_USCC = "91110000600037341L"  # GB 32100-2015's own example


def open_window(qtbot: QtBot, workspace: Workspace) -> MainWindow:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    return window


def open_add_dialog(qtbot: QtBot, window: MainWindow) -> EnterpriseDialog:
    qtbot.mouseClick(window.addButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(EnterpriseDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def type_new_enterprise(qtbot: QtBot, dialog: EnterpriseDialog, typist: Typist, *, industry: str = "other",
                        uscc: str = NEW_USCC) -> None:
    typist(dialog.nameEdit, "延吉市海兰江建筑工程有限公司")
    typist(dialog.usccEdit, uscc)
    select_data(dialog.industryCombo, industry)
    dialog.staffSpin.selectAll()
    typist(dialog.staffSpin, "25")
    typist(dialog.contactNameEdit, "崔英")
    typist(dialog.contactPhoneEdit, "13843312345")


def test_add_an_enterprise_by_typing(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], typist: Typist
) -> None:
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    assert dialog.countyCombo.currentData() == "222401"  # the office's own county to start with
    type_new_enterprise(qtbot, dialog, typist)

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    model = window.model
    assert model.rowCount() == 5
    selected = window.enterpriseTable.selectionModel().selectedRows()
    assert [model.index(i.row(), Column.NAME).data() for i in selected] == ["延吉市海兰江建筑工程有限公司"]
    row = selected[0].row()
    assert model.index(row, Column.USCC).data() == NEW_USCC
    assert model.index(row, Column.STAFF).data() == "25"
    assert model.index(row, Column.SIZE).data() == "小型"
    assert model.index(row, Column.PHONE).data() == "138****2345"
    assert window.enterpriseCountLabel.text() == "共 5 家企业"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("91222401MA0", "还差 7 位"),
        ("9122240I", "第 8 位的字符“I”无效"),
        ("91110000600037341X", "校验位错误：应为 L，实际为 X"),
        ("91110000600037341LL", "应为 18 位，实际为 19 位"),
    ],
)
def test_credit_code_is_checked_as_typed(
    qtbot: QtBot, workspace: Workspace, typist: Typist, typed: str, shown: str
) -> None:
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    typist(dialog.nameEdit, "延吉市测试有限公司")
    typist(dialog.usccEdit, typed)
    assert shown in dialog.usccProblem.text()
    assert dialog.usccProblem.isVisible()
    assert not dialog.ok_button.isEnabled()

    dialog.usccEdit.clear()
    typist(dialog.usccEdit, NEW_USCC.lower())
    assert dialog.usccProblem.text() == ""
    assert dialog.ok_button.isEnabled()
    dialog.reject()


def test_a_refused_save_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, workspace: Workspace, typist: Typist
) -> None:
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    type_new_enterprise(qtbot, dialog, typist, industry="industry")  # 工业 needs 营业收入, left empty

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert "营业收入" in dialog.errorLabel.text()
    assert dialog.revenueEdit.property("problem") is True
    assert dialog.revenueEdit.hasFocus() or not window.isActiveWindow()
    assert dialog.nameEdit.text() == "延吉市海兰江建筑工程有限公司"
    assert dialog.usccEdit.text() == NEW_USCC
    assert list_enterprises(workspace) == []

    typist(dialog.revenueEdit, "800")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 1


def test_a_duplicate_credit_code_is_named(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], typist: Typist
) -> None:
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    type_new_enterprise(qtbot, dialog, typist, uscc=enterprises[0].uscc)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert enterprises[0].uscc in dialog.errorLabel.text()
    assert f"已登记为“{enterprises[0].name}”" in dialog.errorLabel.text()  # which one has it, to look it up
    assert dialog.usccEdit.property("problem") is True
    dialog.reject()


def test_double_click_edits_the_row(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], typist: Typist
) -> None:
    window = open_window(qtbot, workspace)
    table = window.enterpriseTable
    row = window.model.row_of(enterprises[0].id)
    assert row is not None
    rect = table.visualRect(window.model.index(row, Column.NAME))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editButton.isEnabled()
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = window.findChild(EnterpriseDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "编辑企业"
    assert dialog.nameEdit.text() == enterprises[0].name
    assert dialog.revenueEdit.text() == "1200"

    dialog.contactPhoneEdit.clear()
    typist(dialog.contactPhoneEdit, "0433-2512345")
    dialog.staffSpin.selectAll()
    typist(dialog.staffSpin, "350")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    row = window.model.row_of(enterprises[0].id)
    assert row is not None
    assert window.model.index(row, Column.STAFF).data() == "350"
    assert window.model.index(row, Column.PHONE).data() == "********2345"


def open_edit_dialog(qtbot: QtBot, window: MainWindow, enterprise: Enterprise) -> EnterpriseDialog:
    table = window.enterpriseTable
    row = window.model.row_of(enterprise.id)
    assert row is not None
    where = table.visualRect(window.model.index(row, Column.NAME)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = next(d for d in window.findChildren(EnterpriseDialog) if d.isVisible())
    return dialog


def test_the_edit_dialog_masks_the_phone_as_the_table_does(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], typist: Typist
) -> None:
    """The table showed 138****1234 and the edit dialog the whole number: now both mask it, and
    saving other changes keeps the saved number."""
    enterprise = enterprises[0]
    full = enterprise.contact_phone
    assert full and mask_phone(full) != full
    window = open_window(qtbot, workspace)
    dialog = open_edit_dialog(qtbot, window, enterprise)
    shown = dialog.contactPhoneEdit.text()
    assert shown == window.model.index(window.model.row_of(enterprise.id), Column.PHONE).data() == mask_phone(full)
    assert full not in shown and full[3:7] not in shown
    dialog.staffSpin.selectAll()
    typist(dialog.staffSpin, "351")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = next(e for e in list_enterprises(workspace, "") if e.id == enterprise.id)
    assert saved.staff_total == 351 and saved.contact_phone == full  # untouched: not replaced by the stars


def test_typing_over_the_masked_phone_replaces_it(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], typist: Typist
) -> None:
    enterprise = enterprises[0]
    window = open_window(qtbot, workspace)
    dialog = open_edit_dialog(qtbot, window, enterprise)
    dialog.contactPhoneEdit.setFocus()
    dialog.contactPhoneEdit.end(False)
    typist(dialog.contactPhoneEdit, "1")  # typed after the stars: the stars go, the new digit stays
    assert dialog.contactPhoneEdit.text() == "1"
    typist(dialog.contactPhoneEdit, "3904331234")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = next(e for e in list_enterprises(workspace, "") if e.id == enterprise.id)
    assert saved.contact_phone == "13904331234"


def test_an_enterprise_whose_case_is_locked_opens_read_only_and_says_why(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise]
) -> None:
    """Its case submitted, the enterprise opened editable and the clerk learnt only at 确定 that nothing
    could be changed: now the reason is there from the start and nothing can be typed."""
    row_id = reviews.new_application(workspace, enterprises[0].uscc, form_fields={
        "legal_representative": "朴成浩", "amount_wan": "50", "term_months": "6", "purpose": "周转",
        "guarantee": "保证"}).id
    reviews.submit(workspace, row_id, evidence=["contracts", "wages"])
    window = open_window(qtbot, workspace)
    table = window.enterpriseTable
    row = window.model.row_of(enterprises[0].id)
    assert row is not None
    where = table.visualRect(window.model.index(row, Column.NAME)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = window.findChild(EnterpriseDialog)
    assert dialog is not None and dialog.isVisible() and dialog.nameEdit.text() == enterprises[0].name
    assert "已提交" in dialog.errorLabel.text() and "不能修改" in dialog.errorLabel.text(), dialog.errorLabel.text()
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.toolTip() == dialog.errorLabel.text()
    assert dialog.staffSpin.isEnabled() is False and dialog.industryCombo.isEnabled() is False
    qtbot.keyClicks(dialog.contactPhoneEdit, "0433")
    assert dialog.contactPhoneEdit.text() == mask_phone(enterprises[0].contact_phone)  # read-only: nothing typed
    dialog.reject()
    other = window.model.row_of(enterprises[1].id)  # an enterprise without a case edits as before
    assert other is not None
    where = table.visualRect(window.model.index(other, Column.NAME)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    editable = next(d for d in window.findChildren(EnterpriseDialog) if d.isVisible())
    assert editable.ok_button.isEnabled() and editable.errorLabel.text() == ""
    editable.reject()


def test_size_is_explained_while_typing(
    qtbot: QtBot, workspace: Workspace, typist: Typist
) -> None:
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    assert "选择行业" in dialog.sizeExplanation.toPlainText()
    select_data(dialog.industryCombo, "industry")
    dialog.staffSpin.selectAll()
    typist(dialog.staffSpin, "60")
    assert dialog.sizeExplanation.toPlainText().startswith("未划型")
    typist(dialog.revenueEdit, "1200")
    assert dialog.sizeExplanation.toPlainText().startswith("按标准划为：小型企业")
    assert "从业人员 60 人 ≥ 20 人" in dialog.sizeExplanation.toPlainText()

    assert not dialog.sizeReasonEdit.isEnabled()
    select_data(dialog.sizeCombo, "medium")
    assert dialog.sizeReasonEdit.isEnabled()
    assert "理由" in dialog.sizeExplanation.toPlainText()
    typist(dialog.sizeReasonEdit, "按省开行客户评级认定")
    assert dialog.sizeExplanation.toPlainText().startswith("企业规模：中型（手工设定）")
    assert "按标准为小型企业" in dialog.sizeExplanation.toPlainText()
    dialog.reject()


def test_amounts_accept_only_numbers(qtbot: QtBot, workspace: Workspace, typist: Typist) -> None:
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    typist(dialog.revenueEdit, "12a3.456789")
    assert dialog.revenueEdit.text() == "123.4567"
    assert dialog.draft().revenue_wan == pytest.approx(123.4567)
    assert dialog.draft().assets_wan is None  # empty means "not known", not 0
    dialog.reject()


def test_hint_for_an_empty_code_is_silent() -> None:
    assert uscc_hint("") == ("", False)
    assert uscc_hint(" 9111 0000 6000 3734 1l ") == ("", True)


def test_the_credit_code_hint_keeps_its_place(qtbot: QtBot, workspace: Workspace, typist: Typist) -> None:
    """The hint line appeared and pushed the fields below away from under the mouse."""
    window = open_window(qtbot, workspace)
    dialog = open_add_dialog(qtbot, window)
    below = dialog.countyCombo

    def county_y() -> int:
        QApplication.processEvents()
        return below.mapTo(dialog, below.rect().topLeft()).y()

    empty_at = county_y()
    for typed in ("9", "9122240I", "91110000600037341X"):
        typist(dialog.usccEdit, typed)
        assert dialog.usccProblem.text() and county_y() == empty_at, typed
        dialog.usccEdit.clear()
    typist(dialog.usccEdit, NEW_USCC)
    assert dialog.usccProblem.text() == "" and county_y() == empty_at
    dialog.reject()
