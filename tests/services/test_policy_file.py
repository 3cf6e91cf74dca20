"""The province's signed policy file: refused unless its signature verifies with the registered
province key; accepted, it is the office's new rule set (issue 17 item 7)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize
from desktop.services import policy as policy_service
from desktop.services import policy_file
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from tests.batches import factory
from tests.services.policy_signing import body, register_province_key, shipped, signed_file


def labor_with_micro_count(count: int) -> dict[str, Any]:
    labor = shipped("labor_coop_2022.json")
    labor["version"] = "2027.1"
    labor["standards"]["micro"]["count"] = {"value": count, "source": "吉人社联〔2027〕5号：微型企业不低于4人"}
    return labor


def refused(ws: Workspace, path: Path) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        policy_file.import_policy_file(ws, path)
    assert ws.store.setting(policy_file.SETTING_KEY) is None
    assert ws.store.setting(policy_service.SETTING_KEY) is None
    return caught.value


def test_no_registered_province_key(admin_ws: Workspace, tmp_path: Path) -> None:
    path = signed_file(tmp_path / "p.json", body(labor=labor_with_micro_count(4)))
    assert refused(admin_ws, path).code == "policy_key_missing"


def test_unsigned_altered_and_unknown_key_files_are_refused(admin_ws: Workspace, tmp_path: Path) -> None:
    register_province_key(admin_ws)
    bare = tmp_path / "对口地区名单.json"  # the old, unsigned list
    bare.write_text(json.dumps(shipped("paired_areas.json"), ensure_ascii=False), encoding="utf-8")
    no_signature = signed_file(tmp_path / "n.json", body(labor=labor_with_micro_count(4)),
                               after=lambda d: d.pop("signature"))
    for path in (bare, no_signature):
        error = refused(admin_ws, path)
        assert error.code == "policy_file_unsigned" and f"文件 {path.name} 没有省厅的签名，未导入" in str(error)

    def lower_again(data: dict[str, Any]) -> None:  # a county's own edit after the province signed
        data["labor_coop"]["standards"]["micro"]["count"]["value"] = 1
    altered = signed_file(tmp_path / "a.json", body(labor=labor_with_micro_count(4)), after=lower_again)
    other = signed_file(tmp_path / "o.json", body(labor=labor_with_micro_count(4)), key="other_province")
    for path in (altered, other):
        error = refused(admin_ws, path)
        assert error.code == "policy_file_forged" and "签名核验不通过" in str(error)


def test_an_accepted_file_is_a_new_rule_set_with_its_dates_and_source(admin_ws: Workspace, tmp_path: Path) -> None:
    ws = admin_ws
    register_province_key(ws)
    before = policy_service.office_rules(ws)
    path = signed_file(tmp_path / "吉林省劳务协作认定参数2027.json",
                       body(labor=labor_with_micro_count(4), effective_from="2022-02-22"))
    found = policy_file.import_policy_file(ws, path)
    assert (found.version, found.source, found.paired) == ("2027.1", "吉人社联〔2027〕5号", None)
    rules = policy_service.office_rules(ws)
    assert rules.labor.standards[EnterpriseSize.MICRO].count == 4
    assert rules.labor.standards[EnterpriseSize.MICRO].count_source == "吉人社联〔2027〕5号：微型企业不低于4人"
    assert rules.version != before.version and "labor-coop-2022@2027.1" in rules.version
    assert rules.paired == RuleSet.load().paired  # the list is untouched by a file without one
    entry = ws.store.audit_entries(1)[0]
    detail = json.loads(entry["detail"])
    assert entry["action"] == "policy.import_signed"
    assert (detail["version"], detail["source"], detail["effective_from"]) == ("2027.1", "吉人社联〔2027〕5号", "2022-02-22")
    assert detail["fingerprint"] == found.fingerprint and detail["version_before"] == before.version
    kept = policy_file.kept_policy(ws)
    assert kept is not None and kept.file_name == path.name and kept.by_name == "admin"


def test_the_province_signs_with_its_own_key_and_a_county_accepts_it(tmp_path: Path) -> None:
    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    labor = tmp_path / "labor.json"
    labor.write_text(json.dumps(labor_with_micro_count(4), ensure_ascii=False), encoding="utf-8")
    paired = shipped("paired_areas.json")
    paired["version"] = "2027.1"
    paired["groups"][4]["counties"] = ["220323"]
    paired_path = tmp_path / "paired.json"
    paired_path.write_text(json.dumps(paired, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "policy-2027.json"
    with sign_in(province, "admin", factory.PASSWORD) as pws:
        policy_file.write_policy_file(pws, out, version="2027.1", title="劳务协作认定参数（2027年）",
                                      source="吉人社联〔2027〕5号", effective_from="2027-01-01", labor=labor,
                                      paired=paired_path, passphrase=factory.PASSPHRASE)
        assert pws.store.audit_entries(1)[0]["action"] == "policy.export"
    with sign_in(county, "admin", factory.PASSWORD) as cws:
        with pytest.raises(ServiceError) as caught:  # a county does not sign policy
            policy_file.write_policy_file(cws, tmp_path / "x.json", version="1", title="t", source="s",
                                          effective_from="2027-01-01", labor=labor, passphrase=factory.PASSPHRASE)
        assert caught.value.code == "policy_province_only"
        found = policy_file.import_policy_file(cws, out)
        assert found.effective_from == "2027-01-01" and found.labor is not None
        state = policy_service.paired_areas_state(cws)
        assert state.origin == policy_service.PROVINCE and state.areas.version == "2027.1"
        assert policy_service.office_rules(cws).labor.standards[EnterpriseSize.MICRO].count == 4


def test_the_province_refuses_to_sign_a_broken_document(tmp_path: Path) -> None:
    province = factory.province_db(tmp_path / "province.sqlite3")
    labor = labor_with_micro_count(4)
    labor["standards"]["micro"]["extra"] = 1
    path = tmp_path / "labor.json"
    path.write_text(json.dumps(labor, ensure_ascii=False), encoding="utf-8")
    with sign_in(province, "admin", factory.PASSWORD) as pws:
        with pytest.raises(ServiceError) as caught:
            policy_file.write_policy_file(pws, tmp_path / "p.json", version="1", title="t", source="s",
                                          effective_from="2027-01-01", labor=path, passphrase="never asked")
    assert caught.value.code == "policy_file_invalid" and "extra" in str(caught.value)


def test_a_kept_file_broken_outside_the_app_is_a_chinese_message(admin_ws: Workspace, tmp_path: Path) -> None:
    register_province_key(admin_ws)
    policy_file.import_policy_file(admin_ws, signed_file(tmp_path / "p.json", body(labor=labor_with_micro_count(4))))
    with admin_ws.store.transaction():
        admin_ws.store.set_setting(policy_file.SETTING_KEY, '{"file": "p.json"}')
    with pytest.raises(ServiceError) as caught:
        policy_service.office_rules(admin_ws)
    assert caught.value.code == "policy_setting_broken"
