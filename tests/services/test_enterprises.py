"""Registering enterprises through the services, as the window and the CLI do."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core.enterprise import EnterpriseDraft
from desktop.core.size import EnterpriseSize
from desktop.services import enterprises as svc
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.offices import initialise_office, update_office
from desktop.services.workspace import Workspace
from desktop.store import StoreError
from desktop.store.audit import verify_chain

DRAFT = EnterpriseDraft(
    name="延吉市长白山食品有限公司", uscc="91110000600037341L", county_code="222401",
    industry="industry", staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    contact_name="金明", contact_phone="13843312345",
)


def test_add_then_find_and_list(workspace: Workspace) -> None:
    added = svc.add_enterprise(workspace, DRAFT)
    assert added.id > 0 and added.office_id == workspace.office.id
    assert svc.find_enterprise(workspace, "91110000600037341l").name == DRAFT.name
    assert [e.uscc for e in svc.list_enterprises(workspace, "长白山")] == [DRAFT.uscc]
    assert svc.list_enterprises(workspace, "不存在") == []
    assert svc.count_enterprises(workspace) == 1
    size = svc.enterprise_size(workspace, added)
    assert size is not None and size.size is EnterpriseSize.MEDIUM and not size.manual


def test_input_is_normalised(workspace: Workspace) -> None:
    added = svc.add_enterprise(workspace, replace(DRAFT, name="  甲公司 ", uscc=" ９１１１００００６０００３７３４１ｌ "))
    assert added.name == "甲公司" and added.uscc == "91110000600037341L"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"name": " "}, "enterprise_name_empty", "name"),
        ({"uscc": "91110000600037341A"}, "uscc_checksum", "uscc"),
        ({"uscc": "9111"}, "uscc_length", "uscc"),
        ({"county_code": "999999"}, "enterprise_county_unknown", "county_code"),
        ({"county_code": "222421"}, "enterprise_county_unknown", "county_code"),  # historical: not today
        ({"industry": "mining"}, "enterprise_industry_unknown", "industry"),
        ({"staff_total": -1}, "enterprise_negative", "staff_total"),
        ({"revenue_wan": None}, "enterprise_indicator_missing", "revenue_wan"),
        ({"size_override": EnterpriseSize.SMALL}, "enterprise_size_reason", "size_reason"),
        ({"contact_phone": "call me"}, "enterprise_phone", "contact_phone"),
    ],
)
def test_invalid_input_names_the_field_and_saves_nothing(
    workspace: Workspace, change: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        svc.add_enterprise(workspace, replace(DRAFT, **change))  # type: ignore[arg-type]
    assert [(p.code, p.params["field"]) for p in caught.value.problems] == [(code, field)]
    assert str(caught.value)  # a Chinese message, formatted without KeyError
    assert svc.count_enterprises(workspace) == 0


def test_manual_size_with_reason(workspace: Workspace) -> None:
    added = svc.add_enterprise(
        workspace, replace(DRAFT, revenue_wan=None, size_override=EnterpriseSize.SMALL, size_reason="省开行评级")
    )
    size = svc.enterprise_size(workspace, added)
    assert size is not None and size.manual and size.size is EnterpriseSize.SMALL


def test_duplicate_credit_code_is_refused(workspace: Workspace) -> None:
    svc.add_enterprise(workspace, DRAFT)
    with pytest.raises(StoreError) as caught:
        svc.add_enterprise(workspace, replace(DRAFT, name="另一家"))
    assert caught.value.code == "duplicate"
    assert svc.count_enterprises(workspace) == 1


def test_update_records_what_changed(workspace: Workspace) -> None:
    added = svc.add_enterprise(workspace, DRAFT)
    svc.update_enterprise(workspace, added.id, replace(DRAFT, staff_total=400))
    entry = workspace.store.audit_entries(1)[0]
    assert entry["action"] == "enterprise.update"
    assert json.loads(entry["detail"])["changes"] == {"staff_total": {"before": 350, "after": 400}}
    assert svc.find_enterprise(workspace, DRAFT.uscc).staff_total == 400
    # Saving without a change writes nothing.
    svc.update_enterprise(workspace, added.id, replace(DRAFT, staff_total=400))
    assert workspace.store.audit_entries(1)[0]["id"] == entry["id"]


def test_every_write_is_audited_and_chained(workspace: Workspace) -> None:
    svc.add_enterprise(workspace, DRAFT)
    actions = [e["action"] for e in reversed(workspace.store.audit_entries())]
    assert actions[0] == "office.init" and actions[-1] == "enterprise.create"
    assert workspace.store.audit_entries(1)[0]["username"] == "clerk"
    assert verify_chain(workspace.store.conn) == []


def test_unknown_enterprise(workspace: Workspace) -> None:
    with pytest.raises(ServiceError) as caught:
        svc.find_enterprise(workspace, DRAFT.uscc)
    assert caught.value.code == "enterprise_not_found"


def test_office_is_set_up_once(office_db: Path) -> None:
    with pytest.raises(ServiceError) as caught:
        initialise_office(office_db, county_code="222401", name="x", letter_prefix="x",
                          admin_username="admin2", admin_password="long enough 1")
    assert caught.value.code == "already_initialised"


@pytest.mark.parametrize(
    ("county", "name", "prefix", "codes"),
    [
        ("999999", "局", "延吉人社劳协确", ["office_county_unknown"]),
        ("222401", " ", "延吉人社劳协确", ["office_name_empty"]),
        ("222401", "局", "", ["prefix_empty"]),
        ("222401", "局", "延吉〔确〕", ["prefix_chars"]),
    ],
)
def test_office_set_up_is_validated(db_path: Path, county: str, name: str, prefix: str, codes: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        initialise_office(db_path, county_code=county, name=name, letter_prefix=prefix,
                          admin_username="admin", admin_password="long enough 1")
    assert [p.code for p in caught.value.problems] == codes
    assert not db_path.exists()


def test_workspace_needs_an_office(db_path: Path) -> None:
    from desktop.store import Store

    Store.open(db_path).close()
    with pytest.raises(ServiceError) as caught:
        Workspace.open(db_path)
    assert caught.value.code == "not_initialised"


def test_update_office(admin_ws: Workspace) -> None:
    office = update_office(admin_ws, county_code="222402", name="图们市就业服务局", letter_prefix="图人社劳协确")
    assert office.letter_number(2026, 3) == "图人社劳协确〔2026〕3号"
    assert admin_ws.store.local_office() == office


def test_a_clerk_cannot_change_office_settings(workspace: Workspace) -> None:
    with pytest.raises(ServiceError) as caught:
        update_office(workspace, county_code="222402", name="x", letter_prefix="x")
    assert caught.value.code == "forbidden" and "无权" in str(caught.value)


def test_an_enterprise_name_at_the_limit_is_saved_and_one_over_is_refused(workspace: Workspace) -> None:
    from desktop.core.names import MAX_ENTERPRISE_NAME

    at_limit = "甲" * (MAX_ENTERPRISE_NAME - 4) + "有限公司"
    assert svc.add_enterprise(workspace, replace(DRAFT, name=at_limit)).name == at_limit
    before = workspace.store.table_counts()
    with pytest.raises(ValidationError) as caught:
        svc.add_enterprise(workspace, replace(DRAFT, name="乙" + at_limit))
    [problem] = caught.value.problems
    assert problem.code == "enterprise_name_too_long" and problem.params["field"] == "name"
    assert problem.text() == f"企业名称过长：{MAX_ENTERPRISE_NAME + 1} 个字，最多 {MAX_ENTERPRISE_NAME} 个字"
    assert workspace.store.table_counts() == before
