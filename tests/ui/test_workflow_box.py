"""The 审核流程 box on the 审核 page: evidence, submit, the second person approves, return, reopen."""

from __future__ import annotations


import pytest
from pytestqt.qtbot import QtBot

from desktop.services import reviews
from desktop.services.workspace import Workspace
from desktop.ui import workflow_box
from desktop.ui.review_page import ReviewPage
from tests.ui.conftest import MessageBoxes
from tests.ui.test_review_page import (  # noqa: F401 - fixtures
    LOGISTICS, admin, approver, clerk, demo_db, demo_template, open_page, select,
)

pytestmark = pytest.mark.gui


def submitted_by_clerk(qtbot: QtBot, clerk: Workspace) -> tuple[ReviewPage, int]:
    page = open_page(qtbot, clerk)
    box = page.workflow
    app_id = page.application_id
    assert app_id is not None and box.application_id == app_id
    assert "草稿" in box.statusLabel.text()
    assert not box.submitButton.isEnabled()
    assert "劳动合同复印件" in box.submitButton.toolTip() and "工资发放证明" in box.submitButton.toolTip()
    box.contractsCheck.click()
    assert reviews.case(clerk, app_id).evidence_contracts
    assert not box.submitButton.isEnabled() and "工资发放证明" in box.submitButton.toolTip()
    box.wagesCheck.click()
    assert box.submitButton.isEnabled()
    box.submitButton.click()
    assert reviews.case(clerk, app_id).status == "submitted"
    assert "已提交审批" in box.statusLabel.text()
    assert "已提交审批" in page.applicationCombo.currentText()
    return page, app_id


def test_the_clerk_ticks_evidence_and_submits_but_cannot_approve(qtbot: QtBot, clerk: Workspace) -> None:
    page, _app_id = submitted_by_clerk(qtbot, clerk)
    box = page.workflow
    assert not box.contractsCheck.isEnabled() and "锁定" in box.contractsCheck.toolTip()
    assert not box.submitButton.isEnabled()
    for button in (box.approveButton, box.returnButton, box.reopenButton):
        assert not button.isEnabled()
    assert "无权批准" in box.approveButton.toolTip()


def test_the_clerk_is_refused_by_the_service_too(qtbot: QtBot, clerk: Workspace,
                                                message_boxes: MessageBoxes) -> None:
    page, app_id = submitted_by_clerk(qtbot, clerk)
    assert not page.workflow.approve()  # as if the button were pressed anyway
    assert reviews.case(clerk, app_id).status == "submitted"
    assert message_boxes.shown and "无权" in message_boxes.shown[-1][1]
    assert "无权" in page.workflow.messageLabel.text()


def test_the_approver_may_not_approve_what_they_submitted(qtbot: QtBot, approver: Workspace) -> None:
    page, _app_id = submitted_by_clerk(qtbot, approver)
    box = page.workflow
    assert not box.approveButton.isEnabled()
    assert "不能批准自己提交的申请" in box.approveButton.toolTip()


def test_another_approver_approves_then_reopens_with_a_reason(
    qtbot: QtBot, clerk: Workspace, approver: Workspace, monkeypatch: pytest.MonkeyPatch,
    message_boxes: MessageBoxes,
) -> None:
    _page, app_id = submitted_by_clerk(qtbot, clerk)
    page = open_page(qtbot, approver)
    box = page.workflow
    assert box.approveButton.isEnabled() and box.returnButton.isEnabled()
    assert not box.reopenButton.isEnabled()
    box.approveButton.click()
    assert message_boxes.asked and message_boxes.asked[-1][0] == "批准"
    assert reviews.case(approver, app_id).status == "approved"
    assert "已批准" in box.statusLabel.text() and "审核人" in box.statusLabel.text()
    assert not box.approveButton.isEnabled() and box.reopenButton.isEnabled()

    monkeypatch.setattr(workflow_box, "ask_reason", lambda *_a: None)  # cancelled: nothing happens
    box.reopenButton.click()
    assert reviews.case(approver, app_id).status == "approved"
    monkeypatch.setattr(workflow_box, "ask_reason", lambda *_a: "名册有误，需补充")
    box.reopenButton.click()
    row = reviews.case(approver, app_id)
    assert (row.status, row.version) == ("draft", 2)
    assert "第 2 版" in box.statusLabel.text()


def test_the_approver_returns_with_a_reason(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    clerk_page, app_id = submitted_by_clerk(qtbot, clerk)
    page = open_page(qtbot, approver)
    asked: list[str] = []

    def reason(_parent: object, title: str, _prompt: str) -> str:
        asked.append(title)
        return "缺少工资表"

    monkeypatch.setattr(workflow_box, "ask_reason", reason)
    page.workflow.returnButton.click()
    assert asked == ["退回"]
    row = reviews.case(approver, app_id)
    assert (row.status, row.return_reason) == ("returned", "缺少工资表")
    clerk_page.workflow.refresh()
    assert "退回理由：缺少工资表" in clerk_page.workflow.statusLabel.text()
    assert clerk_page.workflow.submitButton.isEnabled()  # the clerk may submit again


def test_no_application_means_no_workflow(qtbot: QtBot, clerk: Workspace) -> None:
    page = open_page(qtbot, clerk, enterprise=None)
    box = page.workflow
    assert box.application_id is None
    assert not any(b.isEnabled() for b in (box.submitButton, box.approveButton, box.contractsCheck))




def test_in_the_window_the_steps_run_on_the_worker(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                                   message_boxes: MessageBoxes) -> None:
    from desktop.ui.tasks import TaskRunner

    _page, app_id = submitted_by_clerk(qtbot, clerk)
    runner = TaskRunner()
    try:
        page = ReviewPage(approver, tasks=runner)
        qtbot.addWidget(page)
        page.show()
        select(page, LOGISTICS)
        box = page.workflow
        with qtbot.waitSignal(box.changed, timeout=10_000) as changed:
            assert box.approve()
            assert box.running is not None and not box.approveButton.isEnabled()
            assert not box.approve()  # a second press while the first runs does nothing
        assert changed.args == [app_id]
        assert reviews.case(approver, app_id).status == "approved"
        assert box.running is None and "已批准" in box.messageLabel.text() and box.reopenButton.isEnabled()
        # A refusal from the worker is shown like one at once.
        clerk_box = open_page(qtbot, clerk).workflow
        clerk_box._tasks = runner  # noqa: SLF001 - the clerk's page in a window
        assert clerk_box.approve()
        qtbot.waitUntil(lambda: clerk_box.running is None)
        assert message_boxes.shown and "无权" in message_boxes.shown[-1][1]
        assert "无权" in clerk_box.messageLabel.text()
    finally:
        runner.shutdown()
        runner.deleteLater()


def test_approving_asks_first_and_says_what_will_happen(qtbot: QtBot, clerk: Workspace, approver: Workspace,
                                                        message_boxes: MessageBoxes) -> None:
    _page, app_id = submitted_by_clerk(qtbot, clerk)
    page = open_page(qtbot, approver)
    box = page.workflow
    assert box.approveButton.isEnabled()
    message_boxes.answer = message_boxes.answer.Cancel
    box.approveButton.click()
    (title, text), = message_boxes.asked
    assert title == "批准" and f"第 {app_id} 号" in text and "自动备份" in text and "锁定" in text
    assert reviews.case(approver, app_id).status == "submitted"  # cancelled: nothing happened


def test_an_empty_reason_is_refused_in_the_dialog(qtbot: QtBot) -> None:
    dialog = workflow_box.ReasonDialog(None, "退回", "退回给经办人的理由：")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reasonEdit.setPlainText("   ")
    dialog.buttonBox.button(dialog.buttonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.result() == 0 and "理由必须填写" in dialog.problemLabel.text()
    dialog.reasonEdit.setPlainText("名册缺两人")
    dialog.buttonBox.button(dialog.buttonBox.StandardButton.Ok).click()
    assert not dialog.isVisible() and dialog.reason == "名册缺两人"


def test_a_submitted_case_offers_no_recording(qtbot: QtBot, clerk: Workspace) -> None:
    page, _app_id = submitted_by_clerk(qtbot, clerk)
    assert not page.recordButton.isEnabled()
    assert page.recordButton.toolTip() == "贷款申请已提交审批，数据已锁定，不能再记录认定结论"
