"""`laoxie check USCC [--date] [--json]`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from desktop.core.identifiers import id_check_char, uscc_check_char
from desktop.services.workspace import Workspace

USCC = "912224010000000018"[:17] + uscc_check_char("912224010000000018"[:17])


def id_number(n: int, area: str = "222405") -> str:
    first17 = f"{area}19900101{n:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def office(workspace: Workspace, office_db: Path) -> Path:
    """A micro enterprise (100 staff) with 4 paired-area workers and one from 长春."""
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.enterprises import add_enterprise

    added = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市甲有限公司", uscc=USCC, county_code="222401", industry="industry", staff_total=100,
        revenue_wan=200.0, assets_wan=100.0,
    ))
    people = [(id_number(i, "220102" if i == 5 else "222405"), f"职工{i}", "M", "1990-01-01") for i in range(1, 6)]
    with workspace.store.transaction():
        ids = workspace.store.upsert_persons(people)
        workspace.store.insert_employments([{
            "enterprise_id": added.id, "person_id": ids[number], "hukou_text": "", "source_row": i + 2,
            "hukou_code": "220102" if i == 4 else "222405", "contract_type": "fixed",
            "contract_start": "2026-01-01", "contract_end": "2026-12-31",
            "priority_group": "poverty_alleviated" if i == 0 else None,
            "priority_evidence": "核对县脱贫人口名单（2026年5月）" if i == 0 else "",
        } for i, (number, *_rest) in enumerate(people)])
    return office_db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("cli_env")
def test_check_json(capsys: pytest.CaptureFixture[str], office: Path) -> None:
    code, out = run(capsys, "--db", str(office), "check", USCC.lower(), "--date", "2026-06-30", "--json")
    assert code == EXIT_OK and out["ok"] is True
    check = out["check"]
    assert isinstance(check, dict)
    assert (check["result"], check["computed_result"], check["pass_by"]) == ("pass", "pass", "count")
    assert check["standard"]["kind"] == "reduced" and check["standard"]["count_required"] == 3
    assert check["standard"]["count_working"] == "5×0.5=2.5，向上取整为3人"
    assert (check["qualifying_count"], check["staff_total"], check["share"], check["share_percent"]) == (4, 100, "1/25", "4%")
    assert check["priority_borrower"] is True and check["review_date"] == "2026-06-30"
    assert check["application_id"] is None  # no application yet: a check of the roster
    workers = check["workers"]
    assert check["ids"] == "masked"  # a clerk may not see full ID numbers
    assert [(w["id_number"], w["counted"]) for w in workers] == [
        (id_number(i)[:6] + "********" + id_number(i)[-4:], True) for i in range(1, 5)
    ] + [(id_number(5, "220102")[:6] + "********" + id_number(5, "220102")[-4:], False)]
    assert workers[4]["reasons"] == [{"code": "not_paired_area", "text": "户籍地南关区（220102）不在劳务协作对口地区名单中"}]
    assert check["explanation"][-1] == "企业吸纳重点群体人员，为优先放贷支持对象。"


@pytest.mark.usefixtures("cli_env")
def test_check_json_full_ids_for_an_approver_is_logged(capsys: pytest.CaptureFixture[str], office: Path) -> None:
    code, out = run(capsys, "--db", str(office), "--user", "approver", "check", USCC, "--date", "2026-06-30", "--json")
    assert code == EXIT_OK
    check = out["check"]
    assert isinstance(check, dict) and check["ids"] == "full"
    assert [w["id_number"] for w in check["workers"]][:2] == [id_number(1), id_number(2)]
    from desktop.store import Store

    with Store.open(office, create=False) as store:
        [entry] = store.audit_entries(1)
        enterprise_id = store.conn.execute("SELECT id FROM enterprises WHERE uscc = ?", (USCC,)).fetchone()[0]
    # One action name for every showing of full ID numbers: the window's, check's and import's (issue 11).
    assert (entry["action"], entry["entity"], entry["entity_id"]) == ("pii.unmask", "enterprise", str(enterprise_id))
    assert json.loads(entry["detail"]) == {"purpose": "资格核对", "count": len(check["workers"])}


@pytest.mark.usefixtures("cli_env")
def test_check_text(capsys: pytest.CaptureFixture[str], office: Path) -> None:
    assert main(["--db", str(office), "check", USCC, "--date", "2026-06-30"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "延吉市甲有限公司" in out and "（尚无贷款申请，仅按名册试算）" in out
    assert "结论：符合认定标准" in out and "按降低标准：人数4≥3人" in out
    assert "不计入 220102********" in out and "不在劳务协作对口地区名单中" in out
    assert id_number(1) not in out  # masked in text


@pytest.mark.usefixtures("cli_env")
def test_check_uses_the_application(capsys: pytest.CaptureFixture[str], office: Path, workspace: Workspace) -> None:
    enterprise = workspace.store.enterprise_by_uscc(workspace.office.id, USCC)
    assert enterprise is not None
    with workspace.store.transaction():
        app_id = workspace.store.insert_application(enterprise.id, loan_type="working_capital", amount_wan=100.0,
                                                    applied_on="2026-06-01")
    assert main(["--db", str(office), "check", USCC, "--date", "2026-06-30"]) == EXIT_OK
    assert f"贷款申请第 {app_id} 号" in capsys.readouterr().out


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("argv", "exit_code", "fragment"),
    [
        (["check", USCC, "--date", "2026/06/30"], EXIT_USAGE, "无法识别的日期"),
        (["check", "91110000600037341L", "--date", "2026-06-30"], EXIT_FAILED, "找不到统一社会信用代码"),
        (["check", USCC, "--date", "2020-01-01"], EXIT_FAILED, "早于认定规则的施行日期"),
    ],
)
def test_check_failures(capsys: pytest.CaptureFixture[str], office: Path, argv: list[str], exit_code: int,
                        fragment: str) -> None:
    code, out = run(capsys, "--db", str(office), *argv, "--json")
    assert code == exit_code and out["ok"] is False
    assert fragment in out["error"]["message"]  # type: ignore[index]


@pytest.mark.usefixtures("cli_env")
def test_check_json_written_a_worker_at_a_time_is_the_whole_record(
        capsys: pytest.CaptureFixture[str], office: Path, workspace: Workspace) -> None:
    """The streamed document reads back as exactly what check_record builds in memory."""
    from desktop.cli.check import check_record
    from desktop.services.eligibility import check_enterprise

    code, printed = run(capsys, "--db", str(office), "check", USCC, "--date", "2026-06-30", "--json")
    assert code == EXIT_OK
    decision = check_enterprise(workspace, USCC, date(2026, 6, 30))
    built = json.loads(json.dumps({"ok": True, "check": check_record(decision, full_ids=False)}, ensure_ascii=False))
    assert printed == built
    assert len(printed["check"]["workers"]) == 5
