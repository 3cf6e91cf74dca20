"""操作日志: filters that the database applies, paging, and whether the chain is intact."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.services import audit
from desktop.services.enterprises import update_enterprise
from desktop.services.workspace import Workspace
from desktop.ui import audit_dialog
from desktop.ui.audit_dialog import AuditColumn, AuditDialog, AuditModel, compact_detail
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets import select_data
from tests.ui.conftest import draft

pytestmark = pytest.mark.gui

OpenWindow = Callable[[Workspace], MainWindow]
Typist = Callable[[QWidget, str], None]


def open_log(qtbot: QtBot, window: MainWindow) -> AuditDialog:
    qtbot.mouseClick(window.settings.auditButton, Qt.MouseButton.LeftButton)
    dialog = window.findChild(AuditDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def column(dialog: AuditDialog, col: AuditColumn) -> list[str]:
    model = dialog.model
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_the_log_filters_by_user_action_text_and_date(
    qtbot: QtBot, open_window: OpenWindow, approver_ws: Workspace, enterprises: list[Any], typist: Typist
) -> None:
    dialog = open_log(qtbot, open_window(approver_ws))
    qtbot.waitUntil(lambda: dialog.chainLabel.text() == "日志完整")
    assert "#1e7d32" in dialog.chainLabel.styleSheet()
    everyone = dialog.model.total
    assert everyone == dialog.model.rowCount() >= 8
    assert dialog.countLabel.text() == f"共 {everyone} 条"
    assert [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in AuditColumn] == [
        "时间", "用户", "操作", "对象", "详情"]

    select_data(dialog.userCombo, "clerk")
    users = set(column(dialog, AuditColumn.USER))
    assert users == {"金经办"} and dialog.model.total < everyone
    assert "登记企业" in column(dialog, AuditColumn.ACTION)

    select_data(dialog.actionCombo, "enterprise.create")
    assert dialog.model.total == 4
    assert column(dialog, AuditColumn.ENTITY)[-1] == f"企业 {enterprises[0].id}"
    assert column(dialog, AuditColumn.DETAIL)[-1] == f"名称 延吉市长白山食品有限公司；信用代码 {enterprises[0].uscc}"

    typist(dialog.textEdit, "冷面")
    qtbot.waitUntil(lambda: dialog.model.total == 1)
    dialog.textEdit.clear()
    qtbot.waitUntil(lambda: dialog.model.total == 4)

    dialog.sinceEdit.setDate(QDate.currentDate().addDays(1))
    dialog.sinceCheck.setChecked(True)
    assert dialog.model.total == 0
    dialog.sinceCheck.setChecked(False)
    assert dialog.model.total == 4

    select_data(dialog.userCombo, "")
    select_data(dialog.actionCombo, "user.login")  # exactly: failed sign-ins are another action
    assert set(column(dialog, AuditColumn.ACTION)) == {"登录"}
    dialog.reject()


def test_the_log_is_read_in_pages(
    qtbot: QtBot, open_window: OpenWindow, approver_ws: Workspace, enterprises: list[Any],
    monkeypatch: pytest.MonkeyPatch, qtmodeltester: ModelTester,
) -> None:
    monkeypatch.setattr(audit_dialog, "PAGE_SIZE", 3)
    model = AuditModel(approver_ws)
    total = model.total
    assert model.rowCount() == 3 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == total
    ids = [model.entry(r).id for r in range(total)]
    assert ids == sorted(ids, reverse=True)  # newest first


def test_a_changed_entry_is_reported_by_the_indicator(
    qtbot: QtBot, open_window: OpenWindow, approver_ws: Workspace, office_db: Path
) -> None:
    raw = sqlite3.connect(office_db)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET username = 'mallory' WHERE id = 1")
    raw.commit()
    raw.close()
    dialog = open_log(qtbot, open_window(approver_ws))
    qtbot.waitUntil(lambda: dialog.chainLabel.text() == "日志被改动，请运行检查数据库")
    assert "#b3261e" in dialog.chainLabel.styleSheet()
    dialog.reject()


def test_details_are_one_line_with_personal_numbers_masked(
    workspace: Workspace, approver_ws: Workspace, enterprises: list[Any]
) -> None:
    first = enterprises[0]
    update_enterprise(workspace, first.id, draft(1, name=first.name, contact_name="朴成浩",
                                                 contact_phone="13800001111"))
    model = AuditModel(approver_ws)
    model.set_filters(action="enterprise.update")
    [text] = [model.index(r, AuditColumn.DETAIL).data() for r in range(model.rowCount())]
    assert "改动 （联系电话 139****5678 → 138****1111）" in text
    assert "13800001111" not in text
    assert "13800001111" not in model.index(0, AuditColumn.DETAIL).data(Qt.ItemDataRole.ToolTipRole)


def test_compact_detail() -> None:
    assert compact_detail({"file": "x.sqlite3", "reason": "auto", "size": 2048, "mirror": ""}) == (
        "文件 x.sqlite3；原因 自动；大小 2 KB；第二备份 —")
    assert compact_detail({"username": "li", "role": "approver", "active": False}) == (
        "用户名 li；角色 审核人；在用 否")
    assert compact_detail({"replaced_chain_head": "a" * 64}) == "被替换日志的末条校验值 aaaaaaaaaaaa…"
    assert len(compact_detail({"detail": "长" * 1000})) == audit_dialog.DETAIL_MAX


def test_the_codes_the_issue_saw_read_in_chinese() -> None:
    """key.import_province, confirmed_by_phone and "applications 15" appeared raw in the viewer."""
    peer = compact_detail({"office_code": "220000", "purpose": "encryption", "confirmed_by_phone": True},
                          action="key.import_province")
    assert peer == "用途 加密密钥；单位代码 220000；已电话核对指纹 是"
    assert compact_detail({"applications": [15, 16], "counts": {"enterprises": 2, "workers": 40}}) == (
        "数量 （企业 2，职工 40）；贷款申请 15、16")
    assert compact_detail({"from": "submitted", "to": "approved", "reason": "材料齐全"}) == (
        "原因 材料齐全；原状态 已提交审批；新状态 已批准")
    assert compact_detail({"from": "/backups/a.sqlite3"}, action="db.restore") == "恢复自 /backups/a.sqlite3"
    assert compact_detail({"fields": ["legal_representative"], "loan_type": "working_capital"}) == (
        "贷款类型 流动资金贷款；填写的栏目 法定代表人")
    assert audit.ACTION_LABELS["key.import_province"] == "导入省级公钥"
    # seen on the 1024×768 screenshot: a result code, a helper's key, an empty choice
    assert compact_detail({"result": "pass", "backup": "a.sqlite3", "choices": {}}) == (
        "结论 符合认定标准；备份文件 a.sqlite3；选择 —")


def test_a_verification_of_claimed_groups_names_the_groups_in_chinese() -> None:
    """Seen in 操作日志 at 1024×768: 企业申报的类别 511、poverty_alleviated (核实企业申报的重点群体)."""
    line = compact_detail({"evidence": "核对脱贫人口名单", "count": 1, "employment_ids": [511],
                           "claims": [[511, "poverty_alleviated"]],
                           "before": [[511, None, None]]}, action="roster.verify_priority")
    assert "poverty_alleviated" not in line and "511、脱贫人口" in line
