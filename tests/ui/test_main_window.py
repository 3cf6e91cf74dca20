"""The main window over a real office database filled through the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.core.enterprise import Enterprise
from desktop.services.workspace import Workspace
from desktop.ui.enterprise_model import Column
from desktop.ui.main_window import MainWindow
from desktop.ui.setup_dialog import SetupDialog

pytestmark = pytest.mark.gui

Typist = Callable[[QWidget, str], None]


def open_window(qtbot: QtBot, workspace: Workspace) -> MainWindow:
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    return window


def names(window: MainWindow) -> list[str]:
    model = window.model
    return [model.index(row, Column.NAME).data() for row in range(model.rowCount())]


def test_lists_the_enterprises_by_name(qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise]) -> None:
    window = open_window(qtbot, workspace)
    assert names(window) == ["延吉市北山冷面餐饮有限公司", "延吉市长白山食品有限公司", "延吉市金达莱超市有限公司",
                             "延吉市图们江物流有限公司"]  # by pinyin: běi, cháng, jīn, tú
    assert window.enterpriseCountLabel.text() == "共 4 家企业"
    assert window.windowTitle() == "劳协 — 延吉市就业服务局"


def test_status_bar_says_office_user_and_database(qtbot: QtBot, workspace: Workspace) -> None:
    window = open_window(qtbot, workspace)
    texts = [label.text() for label in window.statusbar.findChildren(type(window.enterpriseCountLabel))]
    assert "延吉市就业服务局（222401）" in texts
    assert "当前用户：金经办（经办人）" in texts
    assert f"数据库：{workspace.store.path.name}" in texts  # the whole path in the tooltip
    path_label = next(label for label in window.statusbar.findChildren(type(window.enterpriseCountLabel))
                      if label.text().startswith("数据库："))
    assert path_label.toolTip() == str(workspace.store.path)


def test_search_waits_for_a_pause_then_asks_the_database(
    qtbot: QtBot, workspace: Workspace, enterprises: list[Enterprise], typist: Typist
) -> None:
    window = open_window(qtbot, workspace)
    typist(window.searchEdit, "长白山")
    assert window.model.rowCount() == 4  # not yet: the search is debounced
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert names(window) == ["延吉市长白山食品有限公司"]
    assert window.enterpriseCountLabel.text() == "找到 1 家企业"

    window.searchEdit.clear()
    typist(window.searchEdit, "朴成浩")  # the contact person
    qtbot.waitUntil(lambda: window.model.search == "朴成浩")
    assert names(window) == ["延吉市长白山食品有限公司"]


def test_the_roster_page_is_in_its_place(qtbot: QtBot, workspace: Workspace) -> None:
    window = open_window(qtbot, workspace)
    window.navList.setCurrentRow(1)
    assert window.pages.currentWidget() is window.rosterPage
    assert window.roster.isVisible() and window.roster.parentWidget() is window.rosterPage


def test_settings_page_shows_the_office(qtbot: QtBot, workspace: Workspace) -> None:
    window = open_window(qtbot, workspace)
    window.navList.setCurrentRow(window.pages.indexOf(window.settingsPage))  # the last page: 跟踪 comes before it
    assert window.pages.currentWidget() is window.settingsPage
    settings = window.settings
    assert settings.countyValue.text() == "延边朝鲜族自治州延吉市（222401）"
    assert settings.officeNameValue.text() == "延吉市就业服务局"
    assert settings.prefixValue.text().startswith("延吉人社劳协确")
    assert settings.dbPathValue.text() == str(workspace.store.path)
    assert not settings.editOfficeButton.isEnabled()  # a clerk may not change them
    assert settings.editOfficeButton.toolTip() == "当前用户（经办人）无权修改本单位设置"


def test_admin_edits_the_office(qtbot: QtBot, admin_ws: Workspace, typist: Typist) -> None:
    window = open_window(qtbot, admin_ws)
    window.navList.setCurrentRow(window.pages.indexOf(window.settingsPage))
    qtbot.mouseClick(window.settings.editOfficeButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SetupDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.adminGroup.isHidden()
    dialog.officeNameEdit.clear()
    typist(dialog.officeNameEdit, "延吉市人力资源和社会保障局")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert window.settings.officeNameValue.text() == "延吉市人力资源和社会保障局"
    assert window.windowTitle() == "劳协 — 延吉市人力资源和社会保障局"


def test_importing_a_roster_from_the_roster_page(qtbot: QtBot, workspace: Workspace) -> None:
    """导入名册… on the 名册 page opens the wizard; after the import the page lists the workers."""
    from PySide6.QtWidgets import QWizard

    from desktop.services.enterprises import add_enterprise
    from desktop.ui.import_wizard import ImportWizard
    from tests.conftest import DATA
    from tests.ui.conftest import draft

    enterprise = add_enterprise(workspace, draft(1, name="延吉市长白山食品有限公司"))
    window = open_window(qtbot, workspace)
    window.show_roster(enterprise.id)
    assert window.backup_label.text() == "尚未备份"
    assert window.pages.currentWidget() is window.rosterPage and window.roster.roster.total == 0
    assert window.roster.importButton.isEnabled()
    window.roster.importButton.click()
    wizard = window.findChild(ImportWizard)
    assert wizard is not None and wizard.isVisible() and wizard.enterprise_id == enterprise.id
    wizard.open_file(str(DATA / "roster_clean.xlsx"))
    qtbot.waitUntil(lambda: not wizard.busy and wizard.button(QWizard.WizardButton.NextButton).isEnabled(),
                    timeout=30_000)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=30_000)
    with qtbot.waitSignal(wizard.imported, timeout=30_000):
        wizard.next()
    assert window.roster.roster.total == 30
    assert "共 30 人" in window.roster.countLabel.text()
    assert "名册已导入" in window.statusbar.currentMessage()
    assert window.backup_label.text() != "尚未备份"  # the backup the import took first is shown
    wizard.accept()
