"""The county's whole day through the window alone (issue 12): clicks, typing and dialogs.

Add an enterprise, register its loan application, import its roster, mark
priority workers, record the decision, submit; switch to the approver,
approve, issue and preview the letter; switch to the administrator, create
the keys, export a batch, import the province's receipt. The only service
calls set up the province's side (its key, reading the batch, the receipt).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication, QDialogButtonBox, QFileDialog, QLineEdit, QListWidget, QMessageBox, QWidget, QWizard,
)
from pytestqt.qtbot import QtBot

from desktop.batches import crypto
from desktop.services import batch_import, keys
from desktop.services.accounts import sign_in
from desktop.ui.app import Session
from desktop.ui.batch_wizard import BatchExportWizard
from desktop.ui.enterprise_dialog import EnterpriseDialog
from desktop.ui.import_wizard import ImportWizard
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.priority_dialog import PriorityDialog
from tests.batches import factory
from tests.conftest import PASSWORD
from tests.ui.conftest import make_uscc, type_text

pytestmark = [pytest.mark.gui, pytest.mark.slow]

DATA = Path(__file__).resolve().parents[1] / "data"
WAIT = 60_000
PASSPHRASE = "长白山-天池-2026"
NAME = "长春市朝阳区冷链仓储有限公司"
USCC = make_uscc(901, "220104")


def click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled(), f"{widget.objectName() or widget.text()} is disabled: {widget.toolTip()}"  # type: ignore[attr-defined]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def go_to(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    nav: QListWidget = window.navList
    item = nav.item(window.pages.indexOf(page))
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center())
    assert window.pages.currentWidget() is page


def when_modal(kind: type, act: Callable[[Any], None], timeout_ms: int = 10_000) -> None:
    """Answer the next blocking dialog of ``kind`` (a question, a file dialog) as a person would."""
    waited = [0]

    def look() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)
        elif waited[0] < timeout_ms:
            waited[0] += 50
            QTimer.singleShot(50, look)

    QTimer.singleShot(50, look)


def say_yes(box: QMessageBox) -> None:
    box.button(QMessageBox.StandardButton.Yes).click()


def choose_file(path: Path) -> Callable[[QFileDialog], None]:
    def typed(dialog: QFileDialog) -> None:
        name = dialog.findChild(QLineEdit, "fileNameEdit")  # Qt's own dialog: type the path, press 确定
        name.setText(str(path))
        dialog.accept()

    def act(dialog: QFileDialog) -> None:
        QTimer.singleShot(300, lambda: typed(dialog))  # after the dialog has put in its suggested name
    return act


def only(parent: QWidget, kind: type) -> Any:
    found = [w for w in parent.findChildren(kind) if w.isVisible()]
    assert len(found) == 1, f"{kind.__name__}: {found}"
    return found[0]


def switch_user(qtbot: QtBot, session: Session, user: str) -> MainWindow:
    old = session.window
    assert old is not None
    old.user_actions.switch_user.trigger()
    login = only(old, LoginDialog)
    login.usernameEdit.clear()
    qtbot.keyClicks(login.usernameEdit, user)
    qtbot.keyClicks(login.passwordEdit, PASSWORD)
    click(qtbot, login.ok_button)
    qtbot.waitUntil(lambda: session.window is not old, timeout=WAIT)
    window = session.window
    assert window is not None and window.isVisible()
    return window


@pytest.fixture
def province(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
    path = factory.province_db(tmp_path / "province.sqlite3")
    with sign_in(path, "admin", factory.PASSWORD) as ws:
        factory.install_key(ws, "province", tmp_path)
    return path


def test_the_county_day_in_the_window(qtbot: QtBot, office_db: Path, province: Path, tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    with sign_in(province, "admin", factory.PASSWORD) as pws:
        province_pub = stick / "province.pub"
        province_pub.write_text(keys.public_key_file_text(pws), encoding="utf-8")
        province_digits = keys.own_key(pws).fingerprint.digits  # type: ignore[union-attr]

    session = Session(sign_in(office_db, "clerk", PASSWORD))
    try:
        walk_the_day(qtbot, session, province, stick, province_digits, tmp_path)
    finally:
        if session.window is not None:  # the session closes each window it replaces
            session.window.close()


def walk_the_day(qtbot: QtBot, session: Session, province: Path, stick: Path, province_digits: str,
                 tmp_path: Path) -> None:
    province_pub = stick / "province.pub"
    window = session.window
    assert window is not None
    window.show()

    # -- the clerk: a new enterprise ---------------------------------------------------------------
    click(qtbot, window.addButton)
    dialog = only(window, EnterpriseDialog)
    type_text(qtbot, dialog.nameEdit, NAME)
    qtbot.keyClicks(dialog.usccEdit, USCC)
    dialog.countyCombo.setCurrentIndex(dialog.countyCombo.findData("220104"))
    dialog.industryCombo.setCurrentIndex(1)
    dialog.staffSpin.setValue(80)
    qtbot.keyClicks(dialog.revenueEdit, "3000")
    qtbot.keyClicks(dialog.assetsEdit, "2000")
    type_text(qtbot, dialog.contactNameEdit, "李明")
    qtbot.keyClicks(dialog.contactPhoneEdit, "13912345678")
    type_text(qtbot, dialog.addressEdit, "长春市朝阳区前进大街1号")
    click(qtbot, dialog.buttonBox.button(QDialogButtonBox.StandardButton.Ok))
    assert not dialog.isVisible(), dialog.findChild(QWidget, "problemLabel")
    assert window.current_enterprise_id is not None

    # -- its loan application, from the 审核 page it follows to -----------------------------------
    go_to(qtbot, window, window.reviewPage)
    review = window.review
    assert review.enterprise is not None and review.enterprise.name == NAME
    assert "尚未登记贷款申请" in review.applicationHintLabel.text()
    click(qtbot, review.newApplicationButton)
    form = review.application_dialog
    assert form is not None
    type_text(qtbot, form.editors["legal_representative"], "李明")
    qtbot.keyClicks(form.editors["amount_wan"], "300")
    qtbot.keyClicks(form.editors["term_months"], "12")
    type_text(qtbot, form.editors["purpose"], "购买冷链设备配件和原材料")
    type_text(qtbot, form.editors["guarantee"], "信用")
    click(qtbot, form.save_button)
    assert form.application_id is not None, form.problemLabel.text()
    form.close()
    assert review.application_id == form.application_id

    # -- the roster: import, then mark two priority workers -----------------------------------------
    go_to(qtbot, window, window.rosterPage)
    roster = window.roster
    assert roster.enterprise is not None and roster.enterprise.name == NAME
    click(qtbot, roster.importButton)
    wizard = only(window, ImportWizard)
    qtbot.keyClicks(wizard.fileEdit, str(DATA / "roster_clean.xlsx"))
    qtbot.keyClick(wizard.fileEdit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not wizard.busy and wizard.button(QWizard.WizardButton.NextButton).isEnabled(),
                    timeout=WAIT)
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=WAIT)
    with qtbot.waitSignal(wizard.imported, timeout=WAIT):
        click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: roster.roster.rowCount() == 30, timeout=WAIT)
    table = roster.rosterTable
    table.selectRow(0)
    table.selectionModel().select(table.model().index(1, 0), table.selectionModel().SelectionFlag.Select
                                  | table.selectionModel().SelectionFlag.Rows)
    click(qtbot, roster.markButton)
    marking = only(window, PriorityDialog)
    marking.groupCombo.setCurrentIndex(1)
    type_text(qtbot, marking.evidenceEdit, "脱贫人口监测系统截图")
    click(qtbot, marking.ok_button)
    assert not marking.isVisible() and "已将 2 人标记" in roster.statusLabel.text()

    # -- the decision, the evidence, submit ------------------------------------------------------------
    go_to(qtbot, window, window.reviewPage)
    click(qtbot, review.recordButton)
    assert "已记录第" in review.actionStatusLabel.text()
    box = review.workflow
    click(qtbot, box.contractsCheck)
    click(qtbot, box.wagesCheck)
    click(qtbot, box.submitButton)
    qtbot.waitUntil(lambda: box.running is None and "已提交" in box.statusLabel.text(), timeout=WAIT)

    # -- the approver: approve (asked first), issue (asked first), preview --------------------------------
    window = switch_user(qtbot, session, "approver")
    go_to(qtbot, window, window.reviewPage)
    review = window.review
    assert review.enterprise is not None and review.enterprise.name == NAME
    box = review.workflow
    when_modal(QMessageBox, say_yes)
    click(qtbot, box.approveButton)
    qtbot.waitUntil(lambda: box.running is None and "已批准" in box.statusLabel.text(), timeout=WAIT)

    go_to(qtbot, window, window.letterPage)
    letters = window.letters
    assert letters.waitingTable.rowCount() == 1
    assert letters.selected_application() == review.application_id  # the enterprise followed here too
    when_modal(QMessageBox, say_yes)
    click(qtbot, letters.issueButton)
    qtbot.waitUntil(lambda: letters.issuing is None and letters.lettersTable.rowCount() == 1, timeout=WAIT)
    letters.lettersTable.selectRow(0)
    click(qtbot, letters.previewButton)
    assert letters.preview is not None and letters.preview.document.pageCount() >= 1
    letters.preview.close()

    # -- the administrator: keys, the batch, the receipt -----------------------------------------------------
    window = switch_user(qtbot, session, "admin")
    go_to(qtbot, window, window.batchPage)
    page = window.batches
    click(qtbot, page.keysButton)
    keys_dialog = page.keys_dialog
    assert keys_dialog is not None
    click(qtbot, keys_dialog.createButton)
    create = keys_dialog.create_dialog
    assert create is not None
    type_text(qtbot, create.passphraseEdit, PASSPHRASE)
    type_text(qtbot, create.againEdit, PASSPHRASE)
    click(qtbot, create.ok_button)
    qtbot.waitUntil(lambda: keys_dialog.creating is None and keys_dialog.own is not None, timeout=WAIT)
    county_pub = stick / "county.pub"
    when_modal(QFileDialog, choose_file(county_pub))
    click(qtbot, keys_dialog.exportPublicButton)
    assert county_pub.exists(), keys_dialog.statusLabel.text()
    when_modal(QFileDialog, choose_file(province_pub))
    click(qtbot, keys_dialog.importPeerButton)
    confirm = keys_dialog.confirm_dialog
    assert confirm is not None
    for edit, group in zip(confirm.groups, province_digits.split(), strict=True):
        qtbot.keyClicks(edit, group)  # as the province reads them out
    click(qtbot, confirm.ok_button)
    table = keys_dialog.peerTable
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert {row[1] for row in rows} == {"220000"}  # the province's encryption key (and its receipt key)
    assert ["吉林省就业服务局（加密公钥）", province_digits.replace(" ", "\u3000")] in [[r[0], r[2]] for r in rows]
    keys_dialog.close()

    with sign_in(province, "admin", factory.PASSWORD) as pws:  # the province registers the county's key
        keys.register_county_key(pws, county_pub.read_text(encoding="utf-8"))

    click(qtbot, page.exportButton)
    export = page.wizard
    assert isinstance(export, BatchExportWizard)
    assert export.chosen()
    click(qtbot, export.button(QWizard.WizardButton.NextButton))
    qtbot.keyClicks(export.folderEdit, str(stick))
    type_text(qtbot, export.passphraseEdit, PASSPHRASE)
    stages: list[str] = []
    shown = export._progress  # noqa: SLF001 - watch what the clerk is shown while the export runs

    def watched(done: object, total: object, text: str) -> None:
        shown(done, total, text)
        stages.append(export.statusLabel.text())

    export._progress = watched  # type: ignore[method-assign]  # noqa: SLF001
    click(qtbot, export.button(QWizard.WizardButton.NextButton))
    assert export.progressBar.maximum() == 0  # busy from the first moment
    qtbot.waitUntil(lambda: export.result_ is not None or export.error is not None, timeout=WAIT)
    assert export.result_ is not None, export.statusLabel.text()
    assert stages[0] == "第 1/6 步：解锁签名密钥…" and len(stages) >= 2, stages
    assert "已导出第 1 批" in export.statusLabel.text()
    batch_file = export.result_.path
    click(qtbot, export.button(QWizard.WizardButton.FinishButton))
    assert page.table.rowCount() == 1

    receipts = tmp_path / "receipts"
    receipts.mkdir()
    with sign_in(province, "admin", factory.PASSWORD) as pws:
        (outcome,) = batch_import.import_batches(pws, [batch_file], factory.PASSPHRASE, receipts_to=receipts)
        assert outcome.accepted, outcome
    (receipt,) = list(receipts.iterdir())
    received = stick / receipt.name
    shutil.copy(receipt, received)
    when_modal(QFileDialog, choose_file(received))
    click(qtbot, page.receiptButton)
    qtbot.waitUntil(lambda: "已导入回执" in page.statusLabel.text() or "没有导入" in page.statusLabel.text(),
                    timeout=WAIT)
    assert "省级已接收" in page.statusLabel.text()
    assert page.table.item(0, 3).text() == "省级已接收"
