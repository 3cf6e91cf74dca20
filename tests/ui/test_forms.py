"""The Designer forms load, the one way the window loads them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import get_type_hints

import pytest
from PySide6.QtWidgets import QDialog, QLineEdit, QMainWindow, QTableView, QWidget
from pytestqt.qtbot import QtBot

from desktop.resources import form_path
from desktop.ui.audit_dialog import AuditDialog
from desktop.ui.backup_dialogs import CheckDialog, RestoreDialog
from desktop.ui.enterprise_dialog import EnterpriseDialog
from desktop.ui.forms import FormError, all_form_names, load_form
from desktop.ui.lock import LockScreen
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.import_wizard_form import ImportWizardForm
from desktop.ui.review_form import ReviewForm
from desktop.ui.roster_form import RosterForm
from desktop.ui.settings_page import SettingsPage
from desktop.ui.setup_dialog import SetupDialog
from desktop.ui.tasks import ProgressDialog
from desktop.ui.user_dialogs import PasswordDialog, UserDialog, UsersDialog
from desktop.ui.window_form import WindowForm

pytestmark = pytest.mark.gui

FORMS = ["audit_dialog", "check_dialog", "enterprise_dialog", "lock_screen", "login_dialog", "main_window",
         "password_dialog", "progress_dialog", "restore_dialog", "settings_page", "setup_dialog", "user_dialog",
         "users_dialog"]


def test_every_form_is_listed() -> None:
    shipped = sorted(p.stem for p in form_path("main_window.ui").parent.glob("*.ui"))
    assert all_form_names() == shipped
    assert set(FORMS) <= set(shipped)


@pytest.mark.parametrize("name", FORMS)
def test_form_loads_into_the_instance(qtbot: QtBot, name: str) -> None:
    base: QWidget = QMainWindow() if name == "main_window" else QDialog()
    qtbot.addWidget(base)
    load_form(name, base)
    assert base.layout() is not None or isinstance(base, QMainWindow)
    assert base.windowTitle()


def test_children_become_attributes(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    load_form("main_window", window)
    assert isinstance(window.searchEdit, QLineEdit)  # type: ignore[attr-defined]
    assert isinstance(window.enterpriseTable, QTableView)  # type: ignore[attr-defined]
    assert window.centralWidget() is window.centralwidget  # type: ignore[attr-defined]
    assert window.searchEdit.placeholderText() == "按名称、统一社会信用代码或联系人搜索"  # type: ignore[attr-defined]
    nav = window.navList  # type: ignore[attr-defined]
    assert [nav.item(i).text() for i in range(nav.count())] == ["企业", "名册", "审核", "确认书", "报送批次", "设置"]


def test_a_missing_form_is_an_error(qtbot: QtBot) -> None:
    base = QDialog()
    qtbot.addWidget(base)
    with pytest.raises(FormError):
        load_form("no_such_form", base)


def test_a_child_name_may_not_hide_a_method(qtbot: QtBot, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    form = tmp_path / "forms" / "clash.ui"
    form.parent.mkdir()
    form.write_text(
        '<ui version="4.0"><class>Clash</class><widget class="QDialog" name="Clash">'
        '<layout class="QVBoxLayout" name="layout"><item><widget class="QLabel" name="layout_"/></item>'
        '<item><widget class="QLabel" name="show"/></item></layout></widget></ui>',
        encoding="utf-8",
    )
    monkeypatch.setattr("desktop.ui.forms.form_path", lambda name: tmp_path / "forms" / name)
    base = QDialog()
    qtbot.addWidget(base)
    with pytest.raises(FormError, match="show"):
        load_form("clash", base)


def _form_widgets(name: str) -> dict[str, str]:
    """objectName -> class of every widget in forms/<name>.ui."""
    root = ET.parse(form_path(name + ".ui")).getroot()
    return {w.get("name", ""): w.get("class", "") for w in root.iter("widget")}


@pytest.mark.parametrize(
    ("cls", "form"),
    [(WindowForm, "main_window"), (ReviewForm, "review_page"), (RosterForm, "roster_page"), (ImportWizardForm, "import_wizard"),
     (EnterpriseDialog, "enterprise_dialog"),
     (SetupDialog, "setup_dialog"), (LoginDialog, "login_dialog"), (SettingsPage, "settings_page"),
     (LockScreen, "lock_screen"), (ProgressDialog, "progress_dialog"), (RestoreDialog, "restore_dialog"),
     (CheckDialog, "check_dialog"), (UsersDialog, "users_dialog"), (UserDialog, "user_dialog"),
     (PasswordDialog, "password_dialog"), (AuditDialog, "audit_dialog")],
)
def test_declared_widgets_match_the_form(cls: type, form: str) -> None:
    """The annotations a class declares for its form name real widgets of the right class."""
    widgets = _form_widgets(form)
    hints = get_type_hints(cls)
    declared = {name: hints[name] for name in cls.__annotations__}
    assert declared
    for name, hint in declared.items():
        assert name in widgets, f"{cls.__name__}.{name} is not in forms/{form}.ui"
        assert widgets[name] == hint.__name__, f"{cls.__name__}.{name}"
