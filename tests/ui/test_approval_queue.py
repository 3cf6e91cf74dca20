"""The approver on the 审核 page: the cases waiting for approval found without opening every enterprise."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.services import reviews
from desktop.services.workspace import Workspace
from tests.ui.conftest import MessageBoxes
from tests.ui.test_review_page import (  # noqa: F401 - fixtures
    GINSENG, LOGISTICS, REVIEW, admin, approver, clerk, demo_db, demo_template, open_page,
)

pytestmark = pytest.mark.gui

LOGISTICS_APP, GINSENG_APP = 3, 13  # the demo's applications of the two enterprises


def submit(clerk: Workspace, *app_ids: int) -> None:
    for app_id in app_ids:
        reviews.submit(clerk, app_id, evidence=["contracts", "wages"], review_date=REVIEW)


def test_the_approver_goes_from_one_waiting_case_to_the_next(
    qtbot: QtBot, clerk: Workspace, approver: Workspace, message_boxes: MessageBoxes,
) -> None:
    submit(clerk, GINSENG_APP, LOGISTICS_APP)
    page = open_page(qtbot, approver, enterprise=None)
    button = page.awaitingButton
    assert button.isVisible() and button.isEnabled() and button.text() == "待批准 2 件：下一件"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.enterprise is not None and page.enterprise.name == LOGISTICS  # the oldest application first
    assert page.application_id == LOGISTICS_APP and page.workflow.approveButton.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.enterprise is not None and page.enterprise.name == GINSENG
    assert page.application_id == GINSENG_APP and page.workflow.approveButton.isEnabled()
    qtbot.mouseClick(page.workflow.approveButton, Qt.MouseButton.LeftButton)
    assert reviews.case(approver, GINSENG_APP).status == "approved"
    assert button.text() == "待批准 1 件：下一件"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert page.enterprise is not None and page.enterprise.name == LOGISTICS


def test_a_case_one_submitted_oneself_is_not_waiting_for_oneself(
    qtbot: QtBot, admin: Workspace, clerk: Workspace,
) -> None:
    submit(admin, LOGISTICS_APP)  # an admin may submit, but not approve what they submitted
    page = open_page(qtbot, admin, enterprise=None)
    assert page.awaitingButton.text() == "没有待批准的申请" and not page.awaitingButton.isEnabled()
    clerk_page = open_page(qtbot, clerk, enterprise=None)  # a clerk approves nothing: not offered
    assert not clerk_page.awaitingButton.isVisible()


def test_the_override_is_not_offered_once_the_case_is_approved(
    qtbot: QtBot, clerk: Workspace, approver: Workspace, message_boxes: MessageBoxes,
) -> None:
    """改变结论（原则上）… opened on an approved case, and only after the approver had written the
    reason did it say the case was locked: now it is off, and its tooltip says why and what to do."""
    submit(clerk, LOGISTICS_APP)
    page = open_page(qtbot, approver, enterprise=LOGISTICS)
    assert page.overrideButton.isEnabled()  # submitted: the approver may still depart from the result
    qtbot.mouseClick(page.workflow.approveButton, Qt.MouseButton.LeftButton)
    assert reviews.case(approver, LOGISTICS_APP).status == "approved"
    assert not page.overrideButton.isEnabled()
    assert "已锁定" in page.overrideButton.toolTip() and "重新开启" in page.overrideButton.toolTip()
