"""The office's paired-area list: kept in the settings, audited, used by every later decision."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.core.decision import Result
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import id_check_char, uscc_check_char
from desktop.core.policy import RuleSet
from desktop.core.policy_areas import PairedAreas
from desktop.core.size import EnterpriseSize
from desktop.resources import resource_path
from desktop.services import eligibility as eligibility_service
from desktop.services import policy as svc
from desktop.services import policy_file
from desktop.services import review as review_service
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import eligibility as store_eligibility
from desktop.store.audit import verify_chain
from tests.services.policy_signing import body, register_province_key, signed_file

REVIEW = date(2026, 6, 30)
SHIPPED_FILE = resource_path("policy", "paired_areas.json")


def shipped_dict() -> dict[str, Any]:
    return json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: object, name: str = "province.json") -> Path:
    """A province policy file carrying ``data`` as its paired-area list, signed with the province's key."""
    return signed_file(tmp_path / name, body(paired=data))


@pytest.fixture
def province_registered(admin_ws: Workspace) -> Workspace:
    register_province_key(admin_ws)
    return admin_ws


def last_audit(ws: Workspace) -> tuple[str, dict[str, Any]]:
    entry = ws.store.audit_entries(1)[0]
    return entry["action"], json.loads(entry["detail"])


# -- reading and the default ------------------------------------------------------------


def test_without_a_change_the_shipped_list_and_rules_are_used(workspace: Workspace) -> None:
    state = svc.paired_areas_state(workspace)
    assert state.origin == svc.SHIPPED and not state.customised
    assert state.areas == RuleSet.load().paired
    assert eligibility_service.current_rules(workspace).version == RuleSet.load().version


def test_set_round_trips_through_the_settings_table(admin_ws: Workspace) -> None:
    ws = admin_ws
    edited = svc.with_counties_added(svc.paired_areas(ws), ["220102"])
    kept = svc.set_paired_areas(ws, edited, "与长春市南关区签署劳务协作协议")
    assert kept.version == "2022.1+office.1"
    state = svc.paired_areas_state(ws)
    assert state.areas == kept and state.origin == svc.OFFICE and state.edits == 1
    assert state.changed_by == "admin" and state.reason == "与长春市南关区签署劳务协作协议" and state.changed_at
    assert "220102" in state.areas.counties
    assert [g.code for g in state.areas.groups_of("220102")] == [svc.OFFICE_GROUP]
    raw = json.loads(ws.store.setting(svc.SETTING_KEY) or "")
    assert raw["areas"] == kept.to_dict() and raw["by"] == "admin" and raw["origin"] == "office"
    assert PairedAreas.from_dict(raw["areas"]) == kept

    action, detail = last_audit(ws)
    assert action == "policy.paired_areas"
    assert detail["added"] == ["220102"] and detail["removed"] == []
    assert "220102" not in detail["before"] and "220102" in detail["after"]
    assert (detail["version_before"], detail["version_after"]) == ("2022.1", "2022.1+office.1")
    assert verify_chain(ws.store.conn) == []

    # a second edit counts on; removing from every group
    again = svc.remove_counties(ws, ["222402"], "图们市协议到期")
    assert again.version == "2022.1+office.2" and "222402" not in again.counties
    assert last_audit(ws)[1]["removed"] == ["222402"]


def test_reset_goes_back_to_the_shipped_list_and_keeps_who_did_it(admin_ws: Workspace) -> None:
    ws = admin_ws
    svc.add_counties(ws, ["220102"], "试点")
    with pytest.raises(ServiceError) as caught:
        svc.set_paired_areas(ws, svc.paired_areas(ws), "没有改动")
    assert caught.value.code == "policy_unchanged"
    shipped = svc.reset_paired_areas(ws)
    assert shipped == RuleSet.load().paired
    state = svc.paired_areas_state(ws)
    assert not state.customised and state.changed_by == "admin" and state.areas == shipped
    assert eligibility_service.current_rules(ws).version == RuleSet.load().version
    action, detail = last_audit(ws)
    assert action == "policy.reset" and detail["removed"] == ["220102"]
    with pytest.raises(ServiceError) as caught:
        svc.reset_paired_areas(ws)
    assert caught.value.code == "policy_already_default"


# -- checks --------------------------------------------------------------------------------


def test_only_office_settings_may_change_the_list(workspace: Workspace, approver_ws: Workspace,
                                                   tmp_path: Path) -> None:
    edited = svc.with_counties_added(svc.paired_areas(workspace), ["220102"])
    path = write(tmp_path, shipped_dict())
    for ws in (workspace, approver_ws):
        for attempt in (lambda: svc.set_paired_areas(ws, edited, "理由"),
                        lambda: policy_file.import_policy_file(ws, path),
                        lambda: svc.reset_paired_areas(ws)):
            with pytest.raises(ServiceError) as caught:
                attempt()
            assert caught.value.code == "forbidden" and "修改本单位设置" in str(caught.value)
    assert workspace.store.setting(svc.SETTING_KEY) is None


def test_a_change_needs_a_reason_and_real_current_counties(admin_ws: Workspace) -> None:
    ws = admin_ws
    areas = svc.paired_areas(ws)
    cases = [
        (svc.with_counties_added(areas, ["220102"]), "  ", "policy_reason_required"),
        (svc.with_counties_added(areas, ["229999"]), "理由", "policy_county_unknown"),
        (svc.with_counties_added(areas, ["222421"]), "理由", "policy_county_historical"),
    ]
    for edited, reason, code in cases:
        with pytest.raises(ServiceError) as caught:
            svc.set_paired_areas(ws, edited, reason)
        assert caught.value.code == code
    with pytest.raises(ServiceError, match="222405"):  # the successor of 延吉县 222421 is 龙井市
        svc.set_paired_areas(ws, svc.with_counties_added(areas, ["222421"]), "理由")
    everything = sorted(areas.counties)
    with pytest.raises(ServiceError) as caught:
        svc.set_paired_areas(ws, svc.with_counties_removed(areas, everything), "理由")
    assert caught.value.code == "policy_empty"
    with pytest.raises(ServiceError) as caught:
        svc.with_counties_removed(areas, ["220102"])
    assert caught.value.code == "policy_county_absent"
    with pytest.raises(ServiceError) as caught:
        svc.with_counties_added(areas, ["222401"], group="yanbian")
    assert caught.value.code == "policy_county_present"
    with pytest.raises(ServiceError) as caught:
        svc.with_counties_added(areas, ["220102"], group="nope")
    assert caught.value.code == "policy_group_unknown"
    assert ws.store.setting(svc.SETTING_KEY) is None


def test_the_office_group_is_made_when_named(admin_ws: Workspace) -> None:
    edited = svc.with_counties_added(svc.paired_areas(admin_ws), ["220102"], group=svc.OFFICE_GROUP)
    assert edited.groups[-1].code == svc.OFFICE_GROUP and edited.groups[-1].counties == ("220102",)
    # emptied, the office's own group goes
    assert svc.OFFICE_GROUP not in {g.code for g in svc.with_counties_removed(edited, ["220102"]).groups}


def test_removing_from_one_group_keeps_the_county_in_the_others(admin_ws: Workspace) -> None:
    areas = svc.paired_areas(admin_ws)
    assert {g.code for g in areas.groups_of("222405")} == {"yanbian", "national_poverty_exited"}
    edited = svc.with_counties_removed(areas, ["222405"], group="national_poverty_exited")
    assert [g.code for g in edited.groups_of("222405")] == ["yanbian"]


# -- the province's file ------------------------------------------------------------------------


def test_import_a_province_file(province_registered: Workspace, tmp_path: Path) -> None:
    ws = province_registered
    data = shipped_dict()
    data["version"] = "2027.1"
    data["groups"][4]["counties"] = ["220323", "220721"]  # 乡村振兴重点帮扶县, filled in at last
    path = write(tmp_path, data)
    areas = policy_file.import_policy_file(ws, path).paired
    assert areas is not None
    assert areas.version == "2027.1" and areas.groups[4].counties == ("220323", "220721")
    state = svc.paired_areas_state(ws)
    assert state.origin == svc.PROVINCE and state.file_name == "province.json" and state.areas == areas
    assert "paired-areas@2027.1" in eligibility_service.current_rules(ws).version
    action, detail = last_audit(ws)
    assert action == "policy.import_signed" and detail["file"] == "province.json" and len(detail["sha256"]) == 64
    list_entry = json.loads(ws.store.audit_entries(2)[1]["detail"])
    assert list_entry["version_after"] == "2027.1" and list_entry["added"] == []
    # an office edit on top keeps counting from the province's version
    assert svc.add_counties(ws, ["220102"], "增补").version == "2027.1+office.1"
    assert svc.paired_areas_state(ws).file_name == "province.json"


@pytest.mark.parametrize(("change", "code", "named"), [
    (lambda d: d.update(effective_from="2027-01-01"), "policy_file_unknown_key", "effective_from"),
    (lambda d: d["groups"][2].update(counties_extra=["220102"]), "policy_file_unknown_key",
     "groups[2].counties_extra"),
    (lambda d: d["groups"][0].pop("source"), "policy_file_missing_key", "groups[0].source"),
    (lambda d: d.pop("note"), "policy_file_missing_key", "note"),
    (lambda d: d.update(groups={"a": 1}), "policy_file_wrong_kind", "groups"),
    (lambda d: d.update(id="lpr"), "policy_file_wrong_id", "lpr"),
    (lambda d: d["groups"][0].update(counties=["2224O1"]), "policy_file_invalid", "2224O1"),
    (lambda d: d["groups"][1].update(code="yanbian"), "policy_file_invalid", "yanbian"),
    (lambda d: d.update(version=2027), "policy_file_invalid", "version"),
    (lambda d: d["groups"][0].update(counties=["229901"]), "policy_county_unknown", "229901"),
])
def test_a_province_file_is_read_strictly(province_registered: Workspace, tmp_path: Path, change: Any, code: str,
                                          named: str) -> None:
    admin_ws = province_registered
    data = shipped_dict()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(ServiceError) as caught:
        policy_file.import_policy_file(admin_ws, path)
    assert caught.value.code == code
    assert named in str(caught.value)
    assert admin_ws.store.setting(svc.SETTING_KEY) is None


def test_unknown_key_message_is_chinese_and_names_the_key(province_registered: Workspace, tmp_path: Path) -> None:
    admin_ws = province_registered
    data = shipped_dict()
    data["groups"][1]["effective_from"] = "2027-01-01"
    with pytest.raises(ServiceError) as caught:
        policy_file.import_policy_file(admin_ws, write(tmp_path, data))
    assert str(caught.value).startswith("文件 province.json 中有本程序不认识的项“groups[1].effective_from”，未导入。")


def test_a_file_that_is_not_json_or_not_there(admin_ws: Workspace, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "paired-areas", "id": "x"}', encoding="utf-8")
    for path, code in ((broken, "policy_file_not_json"), (tmp_path / "missing.json", "policy_file_unreadable")):
        with pytest.raises(ServiceError) as caught:
            policy_file.import_policy_file(admin_ws, path)
        assert caught.value.code == code


# -- the version of a decision ----------------------------------------------------------------------


def _application_with_workers(ws: Workspace) -> int:
    first17 = "91222401000000001"
    enterprise = add_enterprise(ws, EnterpriseDraft(
        name="延吉市甲有限公司", uscc=first17 + uscc_check_char(first17), county_code="222401",
        industry="industry", staff_total=100, revenue_wan=200.0, assets_wan=100.0,
    ))
    people = []
    for n in range(1, 7):
        body = f"{'220102' if n == 6 else '222405'}1990010{n}00{n}"
        people.append((body + id_check_char(body), f"职工{n}", "M", "1990-01-01"))
    with ws.store.transaction():
        ids = ws.store.upsert_persons(people)
        ws.store.insert_employments([{
            "enterprise_id": enterprise.id, "person_id": ids[number], "hukou_text": "",
            "hukou_code": number[:6], "contract_type": "fixed", "contract_start": "2026-01-01",
            "contract_end": "2026-12-31", "source_row": i + 2,
        } for i, (number, *_rest) in enumerate(people)])
        return ws.store.insert_application(enterprise.id, loan_type="working_capital", amount_wan=500.0,
                                           applied_on="2026-06-01")


def test_a_decision_after_an_edit_carries_a_new_version_and_the_old_one_keeps_its_own(
    admin_ws: Workspace,
) -> None:
    ws = admin_ws
    app_id = _application_with_workers(ws)
    before = eligibility_service.record_decision(ws, app_id, REVIEW)
    payload_before = store_eligibility.decision_payload(ws.store, before.id)
    assert before.decision.qualifying_count == 5  # the worker from 长春市南关区 is not counted

    svc.add_counties(ws, ["220102"], "与长春市南关区签署劳务协作协议")
    after = eligibility_service.record_decision(ws, app_id, REVIEW)
    assert after.decision.ruleset_version != before.decision.ruleset_version
    assert "paired-areas@2022.1+office.1" in after.decision.ruleset_version
    assert after.decision.qualifying_count == 6

    # the earlier decision is read back with its own version, untouched
    old = store_eligibility.decision(ws.store, before.id)
    assert old.decision.ruleset_version == before.decision.ruleset_version == RuleSet.load().version
    assert old.decision.qualifying_count == 5
    assert store_eligibility.decision_payload(ws.store, before.id) == payload_before
    rows = ws.store.conn.execute("SELECT ruleset_version FROM decisions ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [before.decision.ruleset_version, after.decision.ruleset_version]


def test_what_if_recomputes_without_writing(admin_ws: Workspace) -> None:
    ws = admin_ws
    app_id = _application_with_workers(ws)
    decision = eligibility_service.check_application(ws, app_id, REVIEW)
    assert (decision.computed_result, decision.size) == (Result.PASS, EnterpriseSize.MICRO)
    counts = ws.store.table_counts()
    bigger = review_service.what_if(ws, decision, staff_total=100, size=EnterpriseSize.LARGE)
    assert bigger.computed_result is Result.FAIL and bigger.standard.base_count == 40
    assert bigger.size_manual and "模拟" in bigger.size_reason
    smaller_staff = review_service.what_if(ws, decision, staff_total=20, size=EnterpriseSize.MEDIUM)
    assert smaller_staff.computed_result is Result.PASS and smaller_staff.pass_by is not None
    same = review_service.what_if(ws, decision, staff_total=100)
    assert same.computed_result is decision.computed_result and same.size is decision.size
    assert same.qualifying_count == decision.qualifying_count
    assert ws.store.table_counts() == counts
