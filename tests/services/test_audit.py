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


def test_every_action_the_code_records_has_a_chinese_label() -> None:
    """The audit viewer shows ACTION_LABELS; an action missing there would appear as a raw code."""
    import importlib
    import pkgutil
    import re
    from pathlib import Path

    import desktop
    import desktop.services
    from desktop.services.audit import ACTION_LABELS

    for module in pkgutil.iter_modules(desktop.services.__path__):  # some add their own labels
        importlib.import_module(f"desktop.services.{module.name}")
    root = Path(desktop.__file__).parent
    pattern = re.compile(r"""\baudit\(\s*(?:[\w.]+,\s*)?["']([a-z_]+\.[a-z_.]+)["']""")
    recorded = {m.group(1) for path in root.rglob("*.py") for m in pattern.finditer(path.read_text("utf-8"))}
    assert len(recorded) > 30  # the pattern finds them
    assert sorted(recorded - ACTION_LABELS.keys()) == []
