"""密钥 in the window: make the key, export it, take the other side's key after the phone check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop.services import keys
from desktop.services.accounts import sign_in
from desktop.services.workspace import Workspace
from desktop.ui.keys_dialog import KeysDialog
from desktop.ui.tasks import TaskRunner
from tests.batches import factory

pytestmark = pytest.mark.gui


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()
    tasks.deleteLater()


def open_dialog(qtbot: QtBot, ws: Workspace, runner: TaskRunner) -> KeysDialog:
    dialog = KeysDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_county_makes_its_key_exports_it_and_takes_the_provinces(
        qtbot: QtBot, admin_ws: Workspace, runner: TaskRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_dialog(qtbot, admin_ws, runner)
    assert dialog.createButton.isEnabled() and not dialog.exportPublicButton.isEnabled()
    assert dialog.exportPublicButton.toolTip() == "请先生成密钥"

    create = dialog.open_create_dialog()
    create.passphraseEdit.setText("12345678")
    create.againEdit.setText("12345678")
    assert create.strengthLabel.text().startswith("弱")
    create.ok_button.click()
    assert create.isVisible() and "太容易猜" in create.problemLabel.text()  # refused, the dialog stays
    create.passphraseEdit.setText(factory.PASSPHRASE)
    create.againEdit.setText(factory.PASSPHRASE + "x")
    create.ok_button.click()
    assert create.isVisible() and "不一致" in create.problemLabel.text()
    create.againEdit.setText(factory.PASSPHRASE)
    assert create.strengthLabel.text() == "强"
    create.ok_button.click()
    assert not create.isVisible() and dialog.creating is not None
    assert not dialog.createButton.isEnabled()  # one key at a time
    qtbot.waitUntil(lambda: dialog.creating is None, timeout=30_000)
    info = keys.own_key(admin_ws)
    assert info is not None and dialog.ownFingerprintLabel.text() == info.fingerprint.digits.replace(" ", "\u3000")
    assert "导出公钥" in dialog.statusLabel.text() and dialog.createButton.text() == "更换密钥…"

    stick = tmp_path / "stick"
    stick.mkdir()
    proposed: list[str] = []

    def save_as(_parent: object, _title: str, name: str, _filter: str) -> tuple[str, str]:
        proposed.append(name)
        return str(stick / ("county.pub" if name.endswith(".pub") else "county.key.age")), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    dialog.exportPublicButton.click()
    dialog.backupPrivateButton.click()
    assert [Path(p).name for p in proposed] == ["222401_延吉市就业服务局_公钥.pub", "222401_私钥备份.age"]
    assert Path(proposed[1]).parent == stick  # proposed where the last key file went
    written, backup = stick / "county.pub", stick / "county.key.age"
    assert keys.read_public_key(written.read_text()).fingerprint == info.fingerprint
    assert backup.read_text().startswith("-----BEGIN AGE ENCRYPTED FILE-----")

    province_file = tmp_path / "province.pub"
    province_file.write_text(f"# 劳协 省级加密公钥 laoxie:220000:吉林省就业服务局\n{factory.key_material('province').public}\n",
                             encoding="utf-8")
    found = keys.read_public_key(province_file.read_text())
    confirm = dialog.open_confirm_dialog(province_file)
    assert confirm is not None and confirm.codeEdit.text() == "220000"
    assert not confirm.ok_button.isEnabled()
    groups = found.fingerprint.digits.split()
    wrong = groups[:]
    wrong[2] = f"{(int(groups[2]) + 1) % 10000:04d}"
    confirm.type_digits(" ".join(wrong))
    assert not confirm.ok_button.isEnabled() and "第 3 组" in confirm.matchLabel.text()
    assert confirm.group3Edit.property("problem") is True
    assert keys.peer_keys(admin_ws) == []
    confirm.type_digits(found.fingerprint.digits)
    assert confirm.ok_button.isEnabled() and confirm.matchLabel.text() == "6 组数字全部一致。"
    confirm.ok_button.click()
    assert not confirm.isVisible()
    (peer,) = keys.peer_keys(admin_ws)
    assert peer.fingerprint == found.fingerprint and dialog.peerTable.rowCount() == 1
    entry = admin_ws.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'key.import_province'").fetchone()[0]
    assert json.loads(entry)["confirmed_by_phone"] is True
    dialog.close()


def test_the_province_registers_a_county_key(qtbot: QtBot, runner: TaskRunner, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.core.passwords.N", 2**8)
    province = factory.province_db(tmp_path / "province.sqlite3")
    county_file = tmp_path / "222401.pub"
    county_file.write_text(f"{factory.key_material('county').public} laoxie:222401:延吉市就业服务局\n", encoding="utf-8")
    digits = keys.read_public_key(county_file.read_text()).fingerprint.digits
    with sign_in(province, "admin", factory.PASSWORD) as ws:
        dialog = open_dialog(qtbot, ws, runner)
        assert dialog.importPeerButton.text() == "登记县级公钥…" and "尚未生成加密密钥" in dialog.ownLabel.text()
        confirm = dialog.open_confirm_dialog(county_file)
        assert confirm is not None and confirm.windowTitle() == "登记县级签名公钥"
        assert (confirm.codeEdit.text(), confirm.nameEdit.text()) == ("222401", "延吉市就业服务局")
        confirm.type_digits(digits)
        confirm.ok_button.click()
        assert dialog.peerTable.rowCount() == 1 and "延吉市就业服务局（222401）" in dialog.statusLabel.text()
        dialog.close()
