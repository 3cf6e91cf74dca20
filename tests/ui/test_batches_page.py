"""The 报送批次 page: the county's wizard and receipts, the province's import dialog, the keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.batches import crypto
from desktop.services import keys
from desktop.services.accounts import sign_in
from desktop.services.workspace import Workspace
from desktop.ui.batch_import_dialog import BatchImportDialog
from desktop.ui.batch_wizard import BatchExportWizard
from desktop.ui.batches_page import BatchesPage
from desktop.ui.tasks import TaskRunner
from tests.batches import factory
from tests.ui.conftest import MessageBoxes
from tests.ui.test_review_page import clerk, demo_db, demo_template  # noqa: F401 - fixtures

pytestmark = pytest.mark.gui


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


def open_page(qtbot: QtBot, ws: Workspace, runner: TaskRunner) -> BatchesPage:
    page = BatchesPage(ws, runner)
    qtbot.addWidget(page)
    page.show()
    return page


def test_the_county_opens_the_export_wizard(qtbot: QtBot, clerk: Workspace, runner: TaskRunner, demo_db: Path,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with sign_in(demo_db, "admin", factory.PASSWORD) as admin:  # the keys, as the 密钥… dialog makes them
        factory.install_key(admin, "county", tmp_path)
        keys.import_province_key(admin, f"{factory.key_material('province').public}\n")
    page = open_page(qtbot, clerk, runner)
    assert page.exportButton.isVisible() and page.receiptButton.isVisible() and not page.importButton.isVisible()
    assert page.table.rowCount() == 0 and page.caption.text() == "报出的批次：0 个"
    opened: list[BatchExportWizard] = []
    monkeypatch.setattr(BatchExportWizard, "open", lambda self: opened.append(self))
    page.exportButton.click()
    assert opened and opened[0] is page.wizard and opened[0].parent() is page
    opened[0].reject()


def test_a_receipt_that_cannot_be_read_is_said(qtbot: QtBot, clerk: Workspace, runner: TaskRunner,
                                               message_boxes: MessageBoxes, tmp_path: Path) -> None:
    page = open_page(qtbot, clerk, runner)
    bad = tmp_path / "x.receipt.json"
    bad.write_text("不是回执", encoding="utf-8")
    task = page.import_receipt(bad)
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert page.statusLabel.text() == "回执没有导入"
    assert message_boxes.shown and "回执" in message_boxes.shown[-1][1]


def test_the_keys_dialog_says_what_to_do_without_a_terminal(qtbot: QtBot, clerk: Workspace,
                                                             runner: TaskRunner) -> None:
    page = open_page(qtbot, clerk, runner)
    page.keysButton.click()
    dialog = page.keys_dialog
    assert dialog is not None and dialog.isVisible()
    assert "尚未生成签名密钥" in dialog.ownLabel.text() and "导出到 U 盘" in dialog.ownLabel.text()
    assert not dialog.createButton.isEnabled() and "无权" in dialog.createButton.toolTip()  # a clerk
    assert "尚未导入省级公钥" in dialog.statusLabel.text()
    assert "laoxie" not in dialog.ownLabel.text() + dialog.statusLabel.text()
    assert not page.exportButton.isEnabled() and "密钥" in page.exportButton.toolTip()
    dialog.reject()


def test_the_province_imports_batches_and_sees_fingerprints(qtbot: QtBot, runner: TaskRunner, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.core.passwords.N", 2**8)  # cheap password hashes for the two offices
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    with sign_in(province, "clerk", factory.PASSWORD) as ws:
        page = open_page(qtbot, ws, runner)
        assert page.importButton.isVisible() and not page.exportButton.isVisible()
        assert page.caption.text() == "收到的批次：0 个"
        page.importButton.click()
        assert isinstance(page.import_dialog, BatchImportDialog) and page.import_dialog.isVisible()
        page.import_dialog.reject()
        page.keysButton.click()
        dialog = page.keys_dialog
        assert dialog is not None and dialog.peerGroup.title() == "已登记的县级签名公钥"
        assert dialog.peerTable.item(0, 0).text() == "延吉市就业服务局（签名公钥）" and dialog.peerTable.item(0, 1).text() == "222401"
        assert len(dialog.peerTable.item(0, 2).text().split("\u3000")) == 6  # six groups of digits
        page.keys_dialog.reject()
        page.close()
