"""First run: the clerk names the office and its admin, and the database appears."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.core.areas import AreaTable
from desktop.core.office import Office, Role
from desktop.services.accounts import sign_in
from desktop.services.offices import initialise_office
from desktop.ui.setup_dialog import SetupDialog, SetupValues
from desktop.ui.widgets import select_data

pytestmark = pytest.mark.gui

Typist = Callable[[QWidget, str], None]
PASSWORD = "tumen-river-9"


def first_run_dialog(qtbot: QtBot, path: Path) -> SetupDialog:
    def save(values: SetupValues) -> Office:
        return initialise_office(
            path, county_code=values.county_code, name=values.name, letter_prefix=values.letter_prefix,
            admin_username=values.admin_username, admin_password=values.admin_password, kind=values.kind,
        )

    dialog = SetupDialog(AreaTable.default(), path, save)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_in(dialog: SetupDialog, typist: Typist, *, again: str = PASSWORD) -> None:
    select_data(dialog.countyCombo, "222401")
    typist(dialog.officeNameEdit, "延吉市就业服务局")
    typist(dialog.prefixEdit, "延吉人社劳协确")
    typist(dialog.passwordEdit, PASSWORD)
    typist(dialog.passwordAgainEdit, again)


def test_setup_creates_the_office_and_its_admin(qtbot: QtBot, db_path: Path, typist: Typist) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    assert not dialog.ok_button.isEnabled()
    assert dialog.adminUserEdit.text() == "admin"
    fill_in(dialog, typist)
    assert dialog.ok_button.isEnabled()
    assert not db_path.exists()

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert db_path.exists()
    with sign_in(db_path, "admin", PASSWORD) as ws:
        assert (ws.office.code, ws.office.name, ws.office.letter_prefix) == (
            "222401", "延吉市就业服务局", "延吉人社劳协确",
        )
        assert ws.actor.role is Role.ADMIN


def test_passwords_that_differ_are_caught_before_anything_is_written(
    qtbot: QtBot, db_path: Path, typist: Typist
) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    fill_in(dialog, typist, again="tumen-river-8")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problemLabel.text() == "两次输入的密码不一致"
    assert dialog.passwordEdit.property("problem") is True
    assert not db_path.exists()


def test_a_refused_password_keeps_the_dialog_open_with_the_message(
    qtbot: QtBot, db_path: Path, typist: Typist
) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    select_data(dialog.countyCombo, "222401")
    typist(dialog.officeNameEdit, "延吉市就业服务局")
    typist(dialog.prefixEdit, "延吉人社劳协确")
    typist(dialog.passwordEdit, "short")
    typist(dialog.passwordAgainEdit, "short")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "8" in dialog.problemLabel.text()
    assert dialog.officeNameEdit.text() == "延吉市就业服务局"
    assert not db_path.exists()


def test_letter_number_preview_follows_the_prefix(qtbot: QtBot, db_path: Path, typist: Typist) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    typist(dialog.prefixEdit, "延吉人社劳协确")
    year = datetime.date.today().year
    assert dialog.previewLabel.text() == f"延吉人社劳协确〔{year}〕1号"


def test_a_prefix_with_brackets_is_refused_while_typing(qtbot: QtBot, db_path: Path, typist: Typist) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    fill_in(dialog, typist)
    typist(dialog.prefixEdit, "〔2026〕")
    assert "括号" in dialog.problemLabel.text()
    assert dialog.previewLabel.text() == ""
    assert not dialog.ok_button.isEnabled()


def test_counties_are_grouped_under_prefectures(qtbot: QtBot, db_path: Path) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    model = dialog.countyCombo.model()
    texts = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert texts[0] == "长春市"  # a heading, not a choice
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    yanbian = texts.index("延边朝鲜族自治州")
    assert texts[yanbian + 1] == "延吉市"
    assert dialog.countyCombo.findData("222401") == yanbian + 1


def test_cancel_creates_nothing(qtbot: QtBot, db_path: Path, typist: Typist) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    typist(dialog.officeNameEdit, "延吉市就业服务局")
    with qtbot.waitSignal(dialog.rejected):
        dialog.reject()
    assert not db_path.exists()


def test_setup_of_the_province(qtbot: QtBot, db_path: Path, typist: Typist) -> None:
    dialog = first_run_dialog(qtbot, db_path)
    dialog.levelCombo.setCurrentIndex(1)
    assert dialog.countyCombo.count() == 1 and dialog.countyCombo.currentData() == "220000"
    typist(dialog.officeNameEdit, "吉林省就业服务局")
    typist(dialog.prefixEdit, "吉人社劳协")
    typist(dialog.passwordEdit, PASSWORD)
    typist(dialog.passwordAgainEdit, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with sign_in(db_path, "admin", PASSWORD) as ws:
        assert (ws.office.code, ws.office.kind, ws.office.name) == ("220000", "province", "吉林省就业服务局")
    dialog.levelCombo.setCurrentIndex(0)  # back to 县级: the counties again
    assert dialog.countyCombo.count() > 60
