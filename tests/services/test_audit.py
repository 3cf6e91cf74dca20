"""The audit viewer's queries: filters, paging, permission."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from desktop.core.enterprise import EnterpriseDraft
from desktop.services import audit
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError


def test_filters_and_labels(workspace: Any, approver_ws: Any) -> None:
    add_enterprise(workspace, EnterpriseDraft(name="甲公司", uscc="91110000600037341L", county_code="222401",
                                              industry="other", staff_total=30))
    page = audit.search(approver_ws, username="clerk", action_prefix="enterprise.")
    assert page.total == 1 and page.entries[0].action_label == "登记企业"
    assert page.entries[0].detail["uscc"] == "91110000600037341L"
    assert audit.search(approver_ws, text="91110000600037341L").total == 1
    today = date.today()
    assert audit.search(approver_ws, since=today + timedelta(days=1)).total == 0
    everything = audit.search(approver_ws, since=today - timedelta(days=1), until=today)
    assert everything.total >= 5
    assert audit.search(approver_ws, limit=2, offset=1).entries[0].id == everything.entries[1].id
    assert ("user.login", "登录") in audit.actions(approver_ws)
    assert audit.chain_intact(approver_ws)


def test_percent_and_underscore_are_literal(approver_ws: Any) -> None:
    assert audit.search(approver_ws, text="%").total == 0
    assert audit.search(approver_ws, action_prefix="user_").total == 0


def test_a_clerk_cannot_read_the_log(workspace: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        audit.search(workspace)
    assert caught.value.code == "forbidden"
