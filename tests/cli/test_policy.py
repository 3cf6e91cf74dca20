"""`laoxie policy show | paired-areas add|remove | import | reset`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from desktop.resources import resource_path
from desktop.services.accounts import sign_in
from tests.conftest import PASSWORD
from tests.services.policy_signing import body, register_province_key, signed_file


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    try:
        return code, json.loads(out.out), out.err
    except json.JSONDecodeError:
        return code, out.out, out.err


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch, cli_env: None) -> None:
    monkeypatch.setenv("LAOXIE_USER", "admin")


@pytest.mark.usefixtures("cli_env")
def test_show(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    code, out, _ = run(capsys, "--db", str(office_db), "policy", "show", "--json")
    assert code == EXIT_OK and out["policy"]["origin"] == "shipped"
    assert out["policy"]["paired_areas"]["version"] == "2022.1"
    assert {"code": "222401", "name": "延吉市", "groups": ["yanbian"]} in out["policy"]["counties"]
    code, text, _ = run(capsys, "--db", str(office_db), "policy", "show")
    assert code == EXIT_OK and "延吉市（222401）" in text and "程序自带的默认名单" in text
    # every parameter with its value, date and source
    keys = {p["key"] for p in out["policy"]["parameters"]}
    assert {"standards.micro.count", "reduced.factor", "contract_min_months", "wage_evidence.recent"} <= keys
    assert {"tracking.preferential_max_months", "tracking.check_interval_months"} <= keys  # the loan period's
    assert "贷款期内核实周期：每3个月" in text
    assert "微型企业：对口地区劳动者人数不少于：5人，2022-02-22起" in text
    assert "出处：吉人社联〔2022〕19号 三（二）：微型企业不低于5人" in text


@pytest.mark.usefixtures("cli_env")
def test_a_clerk_may_not_change_the_list(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    code, _, err = run(capsys, "--db", str(office_db), "policy", "paired-areas", "add", "220102", "--reason", "x")
    assert code == EXIT_FAILED and "无权修改本单位设置" in err


@pytest.mark.usefixtures("as_admin")
def test_add_and_remove(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    code, _, err = run(capsys, "--db", str(office_db), "policy", "paired-areas", "add", "220102")
    assert code == EXIT_USAGE and "--reason" in err
    code, out, _ = run(capsys, "--db", str(office_db), "policy", "paired-areas", "add", "220102", "宽城区",
                       "--reason", "签署协议", "--json")
    assert code == EXIT_OK and out["policy"]["origin"] == "office"
    assert "paired-areas@2022.1+office.1" in out["policy"]["ruleset_version"]
    groups = {g["code"]: g["counties"] for g in out["policy"]["paired_areas"]["groups"]}
    assert groups["office_added"] == ["220102", "220103"]
    code, text, _ = run(capsys, "--db", str(office_db), "policy", "paired-areas", "remove", "222402",
                        "--reason", "协议到期")
    assert code == EXIT_OK and text.startswith("已移除：图们市（222402）") and "2022.1+office.2" in text
    code, _, err = run(capsys, "--db", str(office_db), "policy", "paired-areas", "remove", "222402",
                       "--reason", "再移除")
    assert code == EXIT_FAILED and "不在对口地区名单中" in err
    code, _, err = run(capsys, "--db", str(office_db), "policy", "paired-areas", "add", "不存在县", "--reason", "x")
    assert code == EXIT_USAGE and "无法识别" in err


@pytest.mark.usefixtures("as_admin")
def test_import_and_reset(capsys: pytest.CaptureFixture[str], office_db: Path, tmp_path: Path) -> None:
    data = json.loads(resource_path("policy", "paired_areas.json").read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    with sign_in(office_db, "admin", PASSWORD) as ws:
        register_province_key(ws)
    good = signed_file(tmp_path / "province.json", body(paired=data))
    data["extra"] = 1
    bad = signed_file(tmp_path / "bad.json", body(paired=data))

    code, out, _ = run(capsys, "--db", str(office_db), "policy", "import", str(bad), "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "policy_file_unknown_key"
    assert "“extra”" in out["error"]["message"]
    code, out, _ = run(capsys, "--db", str(office_db), "policy", "import", str(good), "--json")
    assert code == EXIT_OK and out["policy"]["origin"] == "province" and out["policy"]["file"] == "province.json"
    code, text, _ = run(capsys, "--db", str(office_db), "policy", "reset", "--reason", "回到默认")
    assert code == EXIT_OK and "已恢复程序自带的默认名单" in text and "理由：回到默认" in text
    code, _, err = run(capsys, "--db", str(office_db), "policy", "reset")
    assert code == EXIT_FAILED and "已是程序自带的默认名单" in err


@pytest.mark.usefixtures("as_admin")
def test_a_signed_policy_file_updates_the_parameters_and_show_names_it(
        capsys: pytest.CaptureFixture[str], office_db: Path, tmp_path: Path) -> None:
    from tests.services.test_policy_file import labor_with_micro_count

    unsigned = tmp_path / "labor.json"
    unsigned.write_text(json.dumps(labor_with_micro_count(4), ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "--db", str(office_db), "policy", "import", str(unsigned))
    assert code == EXIT_FAILED and "没有省厅的签名，未导入" in err
    with sign_in(office_db, "admin", PASSWORD) as ws:
        register_province_key(ws)
    path = signed_file(tmp_path / "吉林省认定参数2027.json", body(labor=labor_with_micro_count(4),
                                                              effective_from="2027-01-01"))
    code, text, _ = run(capsys, "--db", str(office_db), "policy", "import", str(path))
    assert code == EXIT_OK and "已导入省厅签名的政策文件 吉林省认定参数2027.json" in text and "更新认定标准" in text
    code, text, _ = run(capsys, "--db", str(office_db), "policy", "show")
    assert "省厅政策文件：劳务协作认定参数（2027年）（版本 2027.1，依据 吉人社联〔2027〕5号，2027-01-01起施行）" in text
    assert "微型企业：对口地区劳动者人数不少于：4人，2022-02-22起" in text
    assert "出处：吉人社联〔2027〕5号：微型企业不低于4人" in text
    code, out, _ = run(capsys, "--db", str(office_db), "policy", "show", "--json")
    assert out["policy"]["province_file"]["version"] == "2027.1"
    assert "labor-coop-2022@2027.1" in out["policy"]["ruleset_version"]


@pytest.mark.usefixtures("as_admin")
def test_the_province_exports_a_signed_file_the_county_imports(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.batches import factory
    from tests.services.test_policy_file import labor_with_micro_count

    county = factory.county_db(tmp_path / "county.sqlite3")
    province = factory.province_db(tmp_path / "province.sqlite3")
    factory.exchange_keys(county, province, tmp_path)
    labor = tmp_path / "labor.json"
    labor.write_text(json.dumps(labor_with_micro_count(4), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "policy.json"
    args = ("--db", str(province), "policy", "export", "--out", str(out), "--labor", str(labor), "--version",
            "2027.1", "--title", "劳务协作认定参数（2027年）", "--source", "吉人社联〔2027〕5号",
            "--effective-from", "2027-01-01")
    code, _, err = run(capsys, *args)
    assert code == EXIT_USAGE and "--sign" in err
    monkeypatch.setenv("LAOXIE_KEY_PASSPHRASE", factory.PASSPHRASE)
    code, text, _ = run(capsys, *args, "--sign")
    assert code == EXIT_OK and "已签名写出省厅政策文件" in text and out.exists()
    code, text, _ = run(capsys, "--db", str(county), "policy", "import", str(out))
    assert code == EXIT_OK and "吉人社联〔2027〕5号" in text
