"""The province's window after three counties' batches: province pages, not a county's entry pages;
the register, the duplicate and the identity conflict, a ruling, the bank list."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyrage
import pytest
from pyrage import x25519
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop.batches import crypto
from desktop.services import bank_list
from desktop.ui import register_model
from desktop.services.accounts import sign_in
from tests.batches.factory import PASSPHRASE, PASSWORD
from tests.services.test_province import Round, round_trip  # noqa: F401 - the module's fixture

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("LAOXIE_SHOTS")  # a folder: save screenshots of the pages to look at


def shown_labels(window: Any) -> list[str]:
    nav = window.navList
    return [nav.item(i).text() for i in range(nav.count()) if not nav.item(i).isHidden()]


def shoot(window: Any, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # the layout catches up with the last change first
        window.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_the_province_window(qtbot: QtBot, round_trip: Round,  # noqa: F811 - the fixture
                             open_window: Callable[[Any], Any], tmp_path: Path) -> None:
    ws = sign_in(round_trip.province, "approver", PASSWORD)
    window = open_window(ws)
    window.resize(1280, 800)
    assert shown_labels(window) == ["收到的批次", "企业汇总", "重复人员", "报送省开行", "统计分析", "设置"]
    assert window.pages.currentWidget() is window.batchPage
    shoot(window, "1-batches")

    window.navList.setCurrentRow(window.pages.indexOf(window.register_page))
    page = window.register_page
    assert page.model.rowCount() == 6 and "3 个县" in page.countLabel.text()
    with pytest.MonkeyPatch.context() as mp:  # a page at a time: the rest fetched as the view scrolls
        mp.setattr(register_model, "REGISTER_PAGE", 4)
        page.reload()
        assert page.model.rowCount() == 4 and page.model.canFetchMore() and "6 件" in page.countLabel.text()
        page.model.fetchMore()
        assert page.model.rowCount() == 6 and not page.model.canFetchMore()
    page.countyCombo.setCurrentIndex(page.countyCombo.findData("222402"))
    assert page.model.rowCount() == 2
    page.table.selectRow(0)
    assert "确认书" in page.detail.toPlainText()
    shoot(window, "2-register")

    window.navList.setCurrentRow(window.pages.indexOf(window.duplicates_page))
    dup = window.duplicates_page
    assert dup.model.rowCount() == 1 and dup.conflict_model.rowCount() == 1
    assert "********" in dup.model.index(0, 1).data()  # masked
    dup.table.selectRow(0)
    dialog = dup.open_ruling_dialog()
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reasonEdit.setPlainText("经核实，乙企业的合同晚于甲企业")
    chosen = dialog.rulingCombo.currentText()
    ok.click()
    # in the table's words, as the dialog has them: the sides are 甲 and 乙
    assert dup.model.index(0, 2).data().startswith(chosen + "：")
    assert dup.model.index(0, 2).data().startswith("只计入甲企业")
    assert not dup.settleButton.isEnabled()
    dup.conflicts.selectRow(0)
    assert dup.settleButton.isEnabled()
    shoot(window, "3-duplicates")
    dup.settle(dup.conflict_model.row(0), "朴永浩", "与敦化市电话核对")
    assert dup.conflict_model.rowCount() == 0
    with qtbot.waitSignal(dup.notices_written, timeout=30_000) as notices:
        dup.write_notices(tmp_path / "notices", PASSPHRASE)
    assert sorted(p.name[:6] for p in notices.args[0]) == ["222401", "222402"]

    window.navList.setCurrentRow(window.pages.indexOf(window.bank_page))
    bank = window.bank_page
    bank.periodEdit.setText("2026-06")
    bank.reload()
    assert bank.table.rowCount() == 4 and bank.makeButton.isEnabled()
    with qtbot.waitSignal(bank.finished, timeout=30_000) as made:
        bank.make(tmp_path / "bank")
    result: bank_list.BankListResult = made.args[0]
    assert result.rows == 4 and result.path.exists() and "压缩包密码" in bank.resultLabel.text()
    shoot(window, "4-bank")

    # the bank registers an age key (an approver may not; the administrator does), then the list goes with age
    age_item = bank.protectionCombo.model().item(bank.AGE)
    assert not age_item.isEnabled() and not bank.keyButton.isEnabled()
    key = x25519.Identity.generate()
    digits = crypto.suite().encryption_public(str(key.to_public())).fingerprint.digits
    admin = open_window(sign_in(round_trip.province, "admin", PASSWORD))
    admin.bank_page.periodEdit.setText("2026-06")
    admin.bank_page.reload()
    assert admin.bank_page.keyButton.isEnabled()
    assert admin.bank_page.register_key(str(key.to_public()), digits)
    bank.reload()
    assert age_item.isEnabled() and digits in bank.keyLabel.text()
    bank.protectionCombo.setCurrentIndex(bank.AGE)
    with qtbot.waitSignal(bank.finished, timeout=30_000) as made:
        bank.make(tmp_path / "bank-age")
    result = made.args[0]
    assert result.path.name.endswith(".zip.age") and "压缩包密码" not in bank.resultLabel.text()
    with zipfile.ZipFile(io.BytesIO(pyrage.decrypt(result.path.read_bytes(), [key]))) as z:
        assert sum(n.endswith(".pdf") for n in z.namelist()) == 4
    shoot(window, "5-bank-age")


def quarantined(tmp_path: Path) -> tuple[Path, Path, str]:
    """A province that quarantined a county's batch (the county's key not registered yet): the
    province's file, the batch, the county's public key."""
    from desktop.services import batch_import
    from tests.services.test_province import unregistered_county_batch

    province_path, batch_file, county_public = unregistered_county_batch(tmp_path)
    with sign_in(province_path, "clerk", PASSWORD) as ws:
        batch_import.import_batches(ws, [batch_file], PASSPHRASE, backup=False)
    return province_path, batch_file, county_public


def test_the_quarantine_is_listed_with_its_reason_and_rechecked(
        qtbot: QtBot, open_window: Callable[[Any], Any], tmp_path: Path) -> None:
    from desktop.services import keys
    from tests.batches import factory

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
        province_path, batch_file, county_public = quarantined(tmp_path)
        window = open_window(sign_in(province_path, "clerk", PASSWORD))
        window.resize(1280, 800)
        panel = window.quarantine
        assert panel.table.rowCount() == 1 and "1 个批次" in panel.caption.text()
        # the county by name as the other pages show it (集安 never sent before: the area's name)
        assert panel.table.item(0, panel.HEADERS.index("县（市、区）")).text() == "集安市（220582）"
        assert not panel.recheckButton.isEnabled()
        panel.table.selectRow(0)
        assert panel.recheckButton.isEnabled() and "SHA-256" in panel.report.toPlainText()
        shoot(window, "0-quarantine")
        with sign_in(province_path, "admin", PASSWORD) as admin:
            keys.register_county_key(admin, county_public)
        with qtbot.waitSignal(panel.rechecked, timeout=30_000) as done:
            panel.recheck(PASSPHRASE)
    assert done.args[0].status == "accepted"
    assert panel.table.rowCount() == 0
    assert window.batches.table.rowCount() == 1


def test_rechecking_a_quarantined_batch_says_what_came_of_it(
        qtbot: QtBot, open_window: Callable[[Any], Any], tmp_path: Path) -> None:
    """重新核验 tells the officer the result: refused again (with the reason) or accepted, not only a
    list that changed under them."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.services import keys
    from tests.batches import factory

    def told() -> str:
        boxes = [b for b in panel.findChildren(QMessageBox) if b.isVisible()]
        assert len(boxes) == 1, "no message about the re-check"
        text = boxes[0].text()
        boxes[0].close()
        return text

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
        province_path, batch_file, county_public = quarantined(tmp_path)
        window = open_window(sign_in(province_path, "clerk", PASSWORD))
        panel = window.quarantine
        panel.table.selectRow(0)
        with qtbot.waitSignal(panel.rechecked, timeout=30_000):
            panel.recheck(PASSPHRASE)  # the county's key is still not registered
        text = told()
        assert "未通过" in text and "不是已登记" in text and batch_file.name in text
        assert panel.table.rowCount() == 1
        with sign_in(province_path, "admin", PASSWORD) as admin:
            keys.register_county_key(admin, county_public)
        panel.table.selectRow(0)
        with qtbot.waitSignal(panel.rechecked, timeout=30_000):
            panel.recheck(PASSPHRASE)
        text = told()
        assert "已接收" in text and batch_file.name in text and "未通过" not in text
    assert panel.table.rowCount() == 0


def test_rechecking_keeps_the_same_batch_chosen(qtbot: QtBot, open_window: Callable[[Any], Any],
                                               tmp_path: Path) -> None:
    """A refusal again puts the batch's new row first: the choice follows the batch, not the row number
    (the officer's next 重新核验 would otherwise go to another batch)."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.services import batch_import
    from desktop.services import province as province_svc
    from tests.batches import factory
    from tests.services.test_province import unregistered_county_batch

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)
        province_path, batch_file, _ = unregistered_county_batch(tmp_path)
        damaged = batch_file.with_name("damaged-" + batch_file.name)
        damaged.write_bytes(batch_file.read_bytes()[:-40])
        with sign_in(province_path, "clerk", PASSWORD) as ws:  # the whole batch first, the damaged copy after
            batch_import.import_batches(ws, [batch_file], PASSPHRASE, backup=False)
            batch_import.import_batches(ws, [damaged], PASSPHRASE, backup=False)
        window = open_window(sign_in(province_path, "clerk", PASSWORD))
        panel = window.quarantine
        assert [e.row.file_name for e in panel.entries] == [damaged.name, batch_file.name]  # newest first
        panel.table.selectRow(1)
        with qtbot.waitSignal(panel.rechecked, timeout=30_000):
            panel.recheck(PASSPHRASE)  # the county's key is still not registered: refused again
        for box in [b for b in panel.findChildren(QMessageBox) if b.isVisible()]:
            box.close()
        assert [e.row.file_name for e in panel.entries] == [batch_file.name, damaged.name]
        [row] = {i.row() for i in panel.table.selectionModel().selectedRows()}
        assert panel.entries[row].row.file_name == batch_file.name
        assert batch_file.name in panel.report.toPlainText()
        with sign_in(province_path, "clerk", PASSWORD) as ws:
            assert panel.entries[row].row.id == province_svc.quarantine(ws)[0].row.id  # the new row
