"""The paired-area dialog: edit a working copy, import the province's file, reset; keep it with a reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop.resources import resource_path
from desktop.services import policy as policy_service
from desktop.services.workspace import Workspace
from desktop.ui.paired_areas_dialog import PairedAreasDialog
from desktop.ui.widgets import select_data
from tests.services.policy_signing import body, register_province_key, signed_file

pytestmark = pytest.mark.gui

Typist = Callable[[QWidget, str], None]


def open_dialog(qtbot: QtBot, ws: Workspace) -> PairedAreasDialog:
    dialog = PairedAreasDialog(ws)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def province_file(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A province policy file carrying the changed list, signed with the province's key."""
    data = json.loads(resource_path("policy", "paired_areas.json").read_text(encoding="utf-8"))
    change(data)
    return signed_file(tmp_path / "吉林省对口地区2027.json", body(paired=data))


@pytest.fixture
def admin_ws(admin_ws: Workspace) -> Workspace:
    """The administrator, with the province's key registered (policy files are signed)."""
    register_province_key(admin_ws)
    return admin_ws


def tree_codes(dialog: PairedAreasDialog) -> dict[str, list[str]]:
    tree = dialog.areaTree
    found = {}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        group = top.data(0, Qt.ItemDataRole.UserRole)[0]
        found[group] = [top.child(j).text(1) for j in range(top.childCount())]
    return found


def test_shows_groups_and_counties_with_names(qtbot: QtBot, admin_ws: Workspace) -> None:
    dialog = open_dialog(qtbot, admin_ws)
    assert dialog.stateLabel.text().startswith("现行名单：劳务协作对口地区（默认名单），版本 2022.1（程序自带的默认名单）")
    codes = tree_codes(dialog)
    assert codes["yanbian"][:2] == ["222401", "222402"] and codes["rural_revitalization_key"] == []
    top = dialog.areaTree.topLevelItem(0)
    assert top.text(0) == "延边朝鲜族自治州（民族地区）及所辖县（市）（8 个）"
    assert top.child(0).text(0) == "延边朝鲜族自治州延吉市"
    assert "也在" in next(top.child(i) for i in range(8) if top.child(i).text(1) == "222405").toolTip(0)
    assert dialog.changesLabel.text() == "没有改动。" and not dialog.save_button.isEnabled()


def test_add_from_the_combo_into_a_group_and_save(qtbot: QtBot, admin_ws: Workspace, typist: Typist) -> None:
    dialog = open_dialog(qtbot, admin_ws)
    select_data(dialog.countyCombo, "220722")  # 长岭县 is already in the provincial group
    select_data(dialog.groupCombo, "rural_revitalization_key")
    dialog.addButton.click()
    assert tree_codes(dialog)["rural_revitalization_key"] == ["220722"]
    assert dialog.changesLabel.text() == "待保存：调整县（市）所在的组。保存后，新的认定使用新名单；已记录的认定不变。"
    select_data(dialog.countyCombo, "220183")  # 德惠市, into the office's own group (made for it)
    select_data(dialog.groupCombo, policy_service.OFFICE_GROUP)
    dialog.addButton.click()
    assert tree_codes(dialog)[policy_service.OFFICE_GROUP] == ["220183"]
    assert "加入 德惠市（220183）" in dialog.changesLabel.text()
    assert not dialog.save_button.isEnabled() and dialog.save_button.toolTip() == "请先写明修改理由"
    typist(dialog.reasonEdit, "与德惠市签署协议")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.version == "2022.1+office.1"
    state = policy_service.paired_areas_state(admin_ws)
    assert state.areas == dialog.saved and state.reason == "与德惠市签署协议"


def test_a_wrong_code_is_refused_at_once(qtbot: QtBot, admin_ws: Workspace, typist: Typist) -> None:
    dialog = open_dialog(qtbot, admin_ws)
    for code, words in (("222421", "已撤销，请改用现行代码 222405"), ("229999", "不是现行的县级行政区划代码"),
                        ("222401", "已在")):
        dialog.codeEdit.clear()
        typist(dialog.codeEdit, code)
        select_data(dialog.groupCombo, "yanbian")
        dialog.addButton.click()
        assert words in dialog.problemLabel.text()
    assert dialog.changesLabel.text() == "没有改动。"


def test_removing_everything_is_refused_on_save(qtbot: QtBot, admin_ws: Workspace, typist: Typist) -> None:
    dialog = open_dialog(qtbot, admin_ws)
    while True:
        items = [dialog.areaTree.topLevelItem(i).child(0) for i in range(dialog.areaTree.topLevelItemCount())
                 if dialog.areaTree.topLevelItem(i).childCount()]
        if not items:
            break
        dialog.areaTree.setCurrentItem(items[0])
        dialog.removeButton.click()
    typist(dialog.reasonEdit, "试试")
    dialog.save_button.click()
    assert "一个县（市）也没有" in dialog.problemLabel.text() and dialog.isVisible()
    assert admin_ws.store.setting(policy_service.SETTING_KEY) is None
    dialog.reject()


def test_import_a_province_file_then_save(qtbot: QtBot, admin_ws: Workspace, tmp_path: Path) -> None:
    path = province_file(tmp_path, lambda d: (d.update(version="2027.1"),
                                              d["groups"][4].update(counties=["220323", "220721"])))
    dialog = open_dialog(qtbot, admin_ws)
    assert dialog.load_policy_file(path)
    assert tree_codes(dialog)["rural_revitalization_key"] == ["220323", "220721"]
    assert dialog.changesLabel.text().startswith(
        "待保存：导入省厅签名的政策文件 吉林省对口地区2027.json（劳务协作认定参数（2027年），版本 2027.1，"
        "吉人社联〔2027〕5号，2022-02-22起施行），对口地区名单版本 2027.1")
    assert dialog.reasonEdit.text() == "导入省厅政策文件 吉林省对口地区2027.json（吉人社联〔2027〕5号）"
    assert admin_ws.store.setting(policy_service.SETTING_KEY) is None  # nothing kept before 保存
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    state = policy_service.paired_areas_state(admin_ws)
    assert state.origin == policy_service.PROVINCE and state.areas.version == "2027.1"
    assert state.file_name == "吉林省对口地区2027.json"


def test_a_province_file_with_an_unknown_key_is_refused(qtbot: QtBot, admin_ws: Workspace, tmp_path: Path) -> None:
    path = province_file(tmp_path, lambda d: d["groups"][0].update(valid_until="2027-12-31"))
    dialog = open_dialog(qtbot, admin_ws)
    assert not dialog.load_policy_file(path)
    assert "不认识的项“groups[0].valid_until”" in dialog.problemLabel.text()
    assert dialog.changesLabel.text() == "没有改动。" and not dialog.save_button.isEnabled()


def test_an_altered_province_file_is_refused_in_chinese(qtbot: QtBot, admin_ws: Workspace, tmp_path: Path) -> None:
    path = province_file(tmp_path, lambda d: d.update(version="2027.1"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["paired_areas"]["groups"][0]["counties"].append("220102")  # added after the province signed
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dialog = open_dialog(qtbot, admin_ws)
    assert not dialog.load_policy_file(path)
    assert "签名核验不通过" in dialog.problemLabel.text()
    assert not dialog.save_button.isEnabled()


def test_import_through_the_file_chooser(qtbot: QtBot, admin_ws: Workspace, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = province_file(tmp_path, lambda d: d.update(version="2027.2"))
    monkeypatch.setattr("desktop.ui.file_places.QFileDialog.getOpenFileName",
                        lambda *_a, **_k: (str(path), ""))
    dialog = open_dialog(qtbot, admin_ws)
    dialog.importButton.click()
    assert dialog.areas.version == "2027.2" and dialog.save_button.isEnabled()
    dialog.reject()


def test_reset_to_the_shipped_list(qtbot: QtBot, admin_ws: Workspace, typist: Typist) -> None:
    policy_service.add_counties(admin_ws, ["220102"], "试点")
    dialog = open_dialog(qtbot, admin_ws)
    assert "本单位修改后的名单" in dialog.stateLabel.text() and "理由：试点" in dialog.stateLabel.text()
    assert policy_service.OFFICE_GROUP in tree_codes(dialog)
    dialog.resetButton.click()
    assert policy_service.OFFICE_GROUP not in tree_codes(dialog)
    assert dialog.changesLabel.text().startswith("待保存：恢复默认名单；移除 南关区（220102）")
    typist(dialog.reasonEdit, "试点结束")
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    state = policy_service.paired_areas_state(admin_ws)
    assert not state.customised and state.reason == "试点结束"


def test_without_office_settings_the_list_is_read_only(qtbot: QtBot, approver_ws: Workspace) -> None:
    dialog = open_dialog(qtbot, approver_ws)
    assert not dialog.editable
    for widget in (dialog.editGroup, dialog.addButton, dialog.importButton, dialog.resetButton, dialog.reasonEdit):
        assert not widget.isEnabled()
    assert dialog.reasonEdit.toolTip() == "当前用户（审核人）无权修改本单位设置"
    assert not dialog.save_button.isVisible()
    assert dialog.changesLabel.text() == "当前用户（审核人）无权修改本单位设置；只能查看名单。"
    dialog.accept()  # nothing to keep: closes without writing
    assert approver_ws.store.setting(policy_service.SETTING_KEY) is None


def test_a_signed_file_with_only_the_standard_is_imported_from_the_dialog(
        qtbot: QtBot, admin_ws: Workspace, tmp_path: Path) -> None:
    from desktop.core.size import EnterpriseSize
    from desktop.services import policy_file
    from tests.services.test_policy_file import labor_with_micro_count

    path = signed_file(tmp_path / "吉林省认定参数2027.json", body(labor=labor_with_micro_count(4)))
    dialog = open_dialog(qtbot, admin_ws)
    assert dialog.load_policy_file(path)
    assert dialog.changesLabel.text().startswith(
        "待保存：导入省厅签名的政策文件 吉林省认定参数2027.json（劳务协作认定参数（2027年），版本 2027.1，"
        "吉人社联〔2027〕5号，2022-02-22起施行），更新认定标准")
    assert policy_file.kept_policy(admin_ws) is None  # nothing kept before 保存
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    assert policy_service.office_rules(admin_ws).labor.standards[EnterpriseSize.MICRO].count == 4
    assert not policy_service.paired_areas_state(admin_ws).customised  # the list is the one in force before
    assert admin_ws.store.audit_entries(1)[0]["action"] == "policy.import_signed"
