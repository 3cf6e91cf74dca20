"""The export wizard (county) and the import dialog (province), driven as a clerk would."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard
from pytestqt.qtbot import QtBot

from desktop.batches import crypto
from desktop.services import batch_export, batch_import, batch_receipts, letters
from desktop.services.accounts import sign_in
from desktop.services.workspace import Workspace
from desktop.ui.batch_import_dialog import BatchImportDialog
from desktop.ui.batch_wizard import BatchExportWizard
from desktop.ui.batches_page import BatchColumn, BatchesPage
from desktop.ui.tasks import TaskRunner
from tests.batches import factory
from tests.batches.factory import PASSPHRASE, PASSWORD

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _unlock_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


@pytest.fixture
def offices(tmp_path: Path) -> tuple[Path, Path, list[int]]:
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    with sign_in(county, "clerk", PASSWORD) as ws:
        ids = factory.approved_applications(ws, 3, 5)
    return county, province, ids


@pytest.fixture
def county_ws(offices: tuple[Path, Path, list[int]]) -> Iterator[Workspace]:
    ws = sign_in(offices[0], "clerk", PASSWORD)
    yield ws
    ws.close()


def wizard_for(qtbot: QtBot, ws: Workspace, runner: TaskRunner) -> BatchExportWizard:
    wizard = BatchExportWizard(ws, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_the_wizard_exports_the_chosen_applications(qtbot: QtBot, county_ws: Workspace, runner: TaskRunner,
                                                    tmp_path: Path) -> None:
    wizard = wizard_for(qtbot, county_ws, runner)
    table = wizard.applicationTable
    assert table.rowCount() == 3 and wizard.selectionLabel.text() == "共 3 件，已选 3 件"
    table.item(2, 0).setCheckState(Qt.CheckState.Unchecked)
    assert wizard.selectionLabel.text() == "共 3 件，已选 2 件"
    chosen = wizard.chosen()
    wizard.next()
    assert wizard.currentId() == 1 and "吉林省就业服务局（220000）" in wizard.recipientLabel.text()
    wizard.next()  # no folder yet: stays
    assert wizard.currentId() == 1 and "文件夹" in wizard.recipientLabel.text()
    stick = tmp_path / "stick"
    stick.mkdir()
    wizard.folderEdit.setText(str(stick))
    wizard.pdfCheck.setChecked(False)  # the factory's letters have no kept content to draw
    wizard.passphraseEdit.setText(PASSPHRASE)
    wizard.next()
    assert wizard.currentId() == 2 and not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    qtbot.waitUntil(lambda: wizard.result_ is not None or wizard.error is not None, timeout=30_000)
    assert wizard.error is None and wizard.result_ is not None
    assert wizard.result_.path.parent == stick and str(wizard.result_.path) in wizard.resultLabel.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # written: no going back
    assert wizard.passphraseEdit.text() == ""  # not kept in the widget
    assert factory.table_rows(county_ws.store.path, "SELECT application_id FROM batch_items ORDER BY 1") == [
        (a,) for a in sorted(chosen)]
    wizard.accept()


def test_a_wrong_passphrase_lets_the_clerk_go_back(qtbot: QtBot, county_ws: Workspace, runner: TaskRunner,
                                                   tmp_path: Path) -> None:
    wizard = wizard_for(qtbot, county_ws, runner)
    wizard.next()
    wizard.folderEdit.setText(str(tmp_path))
    wizard.passphraseEdit.setText("not the passphrase")
    wizard.pdfCheck.setChecked(False)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.error is not None, timeout=30_000)
    assert "口令不对" in wizard.statusLabel.text()
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    wizard.back()
    wizard.passphraseEdit.setText(PASSPHRASE)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.result_ is not None, timeout=30_000)
    wizard.accept()


def test_a_stick_pulled_out_during_the_export_is_said_and_leaves_no_file(
    qtbot: QtBot, county_ws: Workspace, runner: TaskRunner, tmp_path: Path,
) -> None:
    """The folder was there when the clerk clicked 下一步 and is gone when the file is written: the
    wizard says so; no file named like the folder beside it, no batch recorded, and back works."""
    wizard = wizard_for(qtbot, county_ws, runner)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    stick = tmp_path / "stick"
    stick.mkdir()
    wizard.folderEdit.setText(str(stick))
    wizard.pdfCheck.setChecked(False)
    wizard.passphraseEdit.setText(PASSPHRASE)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == 2
    stick.rmdir()  # pulled out while the key is unlocked
    qtbot.waitUntil(lambda: wizard.result_ is not None or wizard.error is not None, timeout=30_000)
    assert wizard.result_ is None
    assert "没有导出" in wizard.statusLabel.text() and "不见了" in wizard.statusLabel.text()
    assert not stick.exists() and list(tmp_path.rglob("*.laoxie-batch.age*")) == []
    assert factory.table_rows(county_ws.store.path, "SELECT id FROM batches") == []
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    wizard.reject()


def test_a_lost_batch_file_is_written_again_from_the_page(
    qtbot: QtBot, county_ws: Workspace, runner: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """再次导出… (what a failed last step of an export tells the clerk to use): the batch chosen in the
    list, the same file to another stick; nothing chosen, nothing offered."""
    stick = tmp_path / "stick"
    stick.mkdir()
    first = batch_export.export_batch(county_ws, stick, PASSPHRASE, letter_pdfs=False)
    first.path.unlink()  # the stick was lost
    page = BatchesPage(county_ws, runner)
    qtbot.addWidget(page)
    page.show()
    assert page.againButton.isVisible() and not page.againButton.isEnabled()
    assert "选中" in page.againButton.toolTip()
    cell = page.table.visualItemRect(page.table.item(0, BatchColumn.FILE)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert page.againButton.isEnabled()
    other = tmp_path / "another stick"
    other.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(other))
    qtbot.mouseClick(page.againButton, Qt.MouseButton.LeftButton)
    again = other / first.path.name
    qtbot.waitUntil(lambda: "已再次写入" in page.statusLabel.text(), timeout=30_000)
    assert hashlib.sha256(again.read_bytes()).hexdigest() == first.file_sha256
    assert str(again) in page.statusLabel.text() and "第 1 批" in page.statusLabel.text()
    qtbot.mouseClick(page.againButton, Qt.MouseButton.LeftButton)  # already there: said, not overwritten
    qtbot.waitUntil(lambda: "已存在" in page.statusLabel.text(), timeout=30_000)
    assert [p.name for p in other.iterdir()] == [again.name]


def test_a_batch_the_province_has_answered_is_not_offered_again(
    qtbot: QtBot, offices: tuple[Path, Path, list[int]], county_ws: Workspace, runner: TaskRunner, tmp_path: Path,
) -> None:
    """The same file once more is for a batch still waiting for its receipt: one the province received
    (or refused) would only come back to it as sent before."""
    first = batch_export.export_batch(county_ws, tmp_path, PASSPHRASE, letter_pdfs=False)
    with sign_in(offices[1], "clerk", PASSWORD) as province:
        [outcome] = batch_import.import_batches(province, [first.path], PASSPHRASE)
    assert outcome.receipt is not None
    batch_receipts.import_receipt(county_ws, outcome.receipt)
    page = BatchesPage(county_ws, runner)
    qtbot.addWidget(page)
    page.show()
    cell = page.table.visualItemRect(page.table.item(0, BatchColumn.FILE)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert page.selected_batch() is not None and not page.againButton.isEnabled()
    assert "已接收" in page.againButton.toolTip()


def test_an_application_changed_since_it_was_sent_is_ticked_and_says_so(
    qtbot: QtBot, offices: tuple[Path, Path, list[int]], county_ws: Workspace, runner: TaskRunner, tmp_path: Path,
) -> None:
    first = batch_export.export_batch(county_ws, tmp_path, PASSPHRASE, letter_pdfs=False)
    with sign_in(offices[1], "clerk", PASSWORD) as province:
        [outcome] = batch_import.import_batches(province, [first.path], PASSPHRASE)
    assert outcome.receipt is not None
    batch_receipts.import_receipt(county_ws, outcome.receipt)
    with sign_in(offices[0], "approver", PASSWORD) as approver:
        old = letters.letter_in_force(approver, offices[2][0])
        assert old is not None
        letters.void(approver, old.id, "企业名称有误")
    wizard = wizard_for(qtbot, county_ws, runner)
    assert wizard.applicationTable.rowCount() == 1 and wizard.chosen() == [offices[2][0]]
    assert wizard.applicationTable.item(0, 5).text().startswith("此后有变动")  # seen before the cut
    wizard.reject()


def test_nothing_to_send_is_said(qtbot: QtBot, county_ws: Workspace, runner: TaskRunner, tmp_path: Path) -> None:
    batch_export.export_batch(county_ws, tmp_path, PASSPHRASE, letter_pdfs=False)
    wizard = wizard_for(qtbot, county_ws, runner)
    assert wizard.applicationTable.rowCount() == 0 and "没有待报送" in wizard.selectionLabel.text()
    wizard.next()
    assert wizard.currentId() == 0
    wizard.includeUnreceivedCheck.setChecked(True)  # the batch's receipt has not come back
    assert wizard.applicationTable.rowCount() == 3 and wizard.chosen() == []  # sent ones start unticked
    wizard.reject()


def test_the_province_imports_a_folder_and_sees_a_report(
    qtbot: QtBot, offices: tuple[Path, Path, list[int]], runner: TaskRunner, tmp_path: Path,
) -> None:
    county, province, _ = offices
    stick = tmp_path / "stick"
    stick.mkdir()
    with sign_in(county, "clerk", PASSWORD) as ws:
        good = batch_export.export_batch(ws, stick, PASSPHRASE, letter_pdfs=False)
    (stick / "222401-0002-deadbeef.laoxie-batch.age").write_bytes(good.path.read_bytes()[:-5000])
    with sign_in(province, "clerk", PASSWORD) as ws:
        dialog = BatchImportDialog(ws, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.folderEdit.setText(str(stick))
        dialog.start()
        assert "口令" in dialog.statusLabel.text()  # none typed yet
        dialog.passphraseEdit.setText(PASSPHRASE)
        dialog.start()
        qtbot.waitUntil(lambda: bool(dialog.outcomes), timeout=30_000)
        table = dialog.reportTable
        rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
        assert [r[1] for r in rows] == ["已接收", "已隔离"]
        assert rows[0][2] == "延吉市就业服务局（222401）" and rows[0][3] == "1"
        assert "文件不完整" in rows[1][4] and "隔离副本" in rows[1][4]
        assert rows[0][5].endswith(".receipt.json") and rows[1][5].endswith(".refused.receipt.json")
        assert "接收 1 个" in dialog.statusLabel.text()
        receipt = json.loads(Path(rows[0][5]).read_text("utf-8"))
        assert receipt["status"] == "accepted"
        dialog.reject()
        page = BatchesPage(ws, runner)  # the received batch in the page's list names its county
        qtbot.addWidget(page)
        page.show()
        assert page.table.horizontalHeaderItem(BatchColumn.DIRECTION).text() == "县（市、区）"
        assert page.table.item(0, BatchColumn.DIRECTION).text() == "延吉市就业服务局（222401）"
