"""`laoxie import`, `laoxie template`, `laoxie roster list`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.conftest import DATA
from tests.roster_factory import write_encrypted_xlsx

SAMPLES = DATA
USCC = "91110000600037341L"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.fixture
def with_enterprise(office_db: Path, cli_env: None, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _ = run(capsys, "--db", str(office_db), "enterprise", "add", "--json", "--name", "延吉市甲食品有限公司",
                  "--uscc", USCC, "--county", "延吉市", "--industry", "工业", "--staff", "350",
                  "--revenue", "2500", "--assets", "1000")
    assert code == EXIT_OK
    return office_db


def test_import_dry_run_lists_every_row(capsys: pytest.CaptureFixture[str], with_enterprise: Path) -> None:
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_messy.xlsx"),
                    "--enterprise", USCC, "--dry-run", "--json")
    assert code == EXIT_OK and out["ok"] is True
    record = out["import"]
    assert record["dry_run"] is True and record["import_id"] is None  # type: ignore[index]
    assert record["header_row"] == 3 and record["sheet"] == "Sheet1"  # type: ignore[index]
    assert record["ids"] == "masked"  # type: ignore[index]  # the clerk may not see full numbers
    counts = record["counts"]  # type: ignore[index]
    assert (counts["rows"], counts["valid"], counts["invalid"], counts["duplicate"], counts["new"]) == (29, 25, 3, 1, 25)
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["messy"]["rows"]
    rows = {r["sheet_row"]: r for r in record["rows"]}  # type: ignore[index, union-attr]
    for e in expected:
        row = rows[e["sheet_row"]]
        status = e["verdict"] if e["verdict"] in ("invalid", "duplicate") else "valid"
        assert row["status"] == status, e
        if e["reason"] in ("id_checksum", "id_birth_date", "id_stored_as_number", "duplicate_in_roster"):
            assert row["problems"] == [e["reason"]]
        if status != "invalid":
            assert row["id"] == e["id"][:6] + "********" + e["id"][-4:]
    problems = record["problems"]  # type: ignore[index]
    assert {(p["row"], p["column"], p["code"]) for p in problems} == {  # type: ignore[index, union-attr]
        (6, "D", "id_checksum"), (7, "D", "id_birth_date"), (15, "D", "id_stored_as_number"),
        (18, "D", "duplicate_in_roster")}
    code, out = run(capsys, "--db", str(with_enterprise), "roster", "list", "--enterprise", USCC, "--json")
    assert out["total"] == 0  # dry run: nothing written


def test_import_then_reimport_and_list(capsys: pytest.CaptureFixture[str], with_enterprise: Path,
                                       tmp_path: Path) -> None:
    db = str(with_enterprise)
    code, out = run(capsys, "--db", db, "import", str(SAMPLES / "roster_clean.xlsx"), "--enterprise", USCC, "--json")
    assert code == EXIT_OK and out["import"]["counts"]["new"] == 30  # type: ignore[index]
    assert out["import"]["import_id"] >= 1  # type: ignore[index]
    code, out = run(capsys, "--db", db, "import", str(SAMPLES / "roster_clean.xlsx"), "--enterprise", USCC, "--json")
    assert out["import"]["counts"]["unchanged"] == 30  # type: ignore[index]
    code, out = run(capsys, "--db", db, "roster", "list", "--enterprise", USCC, "--search", "0339", "--json")
    assert out["total"] == 1 and out["workers"][0]["id"] == "222401********0339"  # type: ignore[index]
    code, out = run(capsys, "--db", db, "roster", "list", "--enterprise", USCC, "--group", "脱贫人口", "--json")
    assert out["total"] == 7
    main(["--db", db, "roster", "list", "--enterprise", USCC, "--group", "脱贫人口"])
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 8 and all(line.endswith("脱贫人口（企业申报，未核实）") for line in listed[:7])  # in Chinese, a claim
    assert "poverty_alleviated" not in "\n".join(listed)

    main(["--db", db, "import", str(SAMPLES / "roster_messy.xlsx"), "--enterprise", USCC])
    text = capsys.readouterr().out
    assert "新增 25" in text and "第 6 行 D列（身份证号码）" in text and "已导入" in text


def test_approver_sees_full_ids_and_it_is_logged(capsys: pytest.CaptureFixture[str], with_enterprise: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAOXIE_USER", "approver")
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_gb18030.csv"),
                    "--enterprise", USCC, "--dry-run", "--json")
    assert code == EXIT_OK and out["import"]["ids"] == "full"  # type: ignore[index]
    assert [r["id"] for r in out["import"]["rows"]][0] == "220622197110064659"  # type: ignore[index]
    from desktop.store import Store

    with Store.open(with_enterprise, create=False) as store:
        [entry] = store.audit_entries(1)
    assert (entry["action"], entry["entity"]) == ("pii.unmask", "enterprise")  # the window's name too
    assert json.loads(entry["detail"]) == {"purpose": "名册导入核对", "count": 12}


def test_problems_file_and_column_mapping(capsys: pytest.CaptureFixture[str], with_enterprise: Path,
                                          tmp_path: Path) -> None:
    out_file = tmp_path / "退回.xlsx"
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_messy.xlsx"),
                    "--enterprise", USCC, "--dry-run", "--problems", str(out_file), "--map", "性别=-",
                    "--map", "手机号码=K", "--json")
    assert code == EXIT_OK and out_file.exists()
    assert "sex" not in out["import"]["mapping"]  # type: ignore[index, operator]
    assert out["import"]["mapping"]["phone"]["column"] == "K"  # type: ignore[index]
    assert "问题清单" in openpyxl.load_workbook(out_file).sheetnames
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_messy.xlsx"),
                    "--enterprise", USCC, "--map", "血型=C", "--json")
    assert code == EXIT_USAGE and "无法识别的列" in out["error"]["message"]  # type: ignore[index]
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_messy.xlsx"),
                    "--enterprise", USCC, "--map", "性别=第三列", "--json")
    assert code == EXIT_USAGE


def test_broken_files_fail_clearly_and_change_nothing(capsys: pytest.CaptureFixture[str], with_enterprise: Path,
                                                      tmp_path: Path) -> None:
    locked = write_encrypted_xlsx(tmp_path / "locked.xlsx")
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(locked), "--enterprise", USCC, "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "roster_file_encrypted"  # type: ignore[index]
    assert "密码" in out["error"]["message"]  # type: ignore[index]
    code = main(["--db", str(with_enterprise), "import", str(tmp_path / "nope.xlsx"), "--enterprise", USCC])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED and "找不到文件" in err and "Traceback" not in err
    code, out = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_clean.xlsx"),
                    "--enterprise", "91110000600037342X", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "enterprise_not_found"  # type: ignore[index]


def test_template_command(capsys: pytest.CaptureFixture[str], tmp_path: Path, cli_env: None) -> None:
    out_file = tmp_path / "名册模板.xlsx"
    code, out = run(capsys, "template", str(out_file), "--json")
    assert code == EXIT_OK and out["template"] == str(out_file)
    sheet = openpyxl.load_workbook(out_file)["名册"]
    assert sheet["D3"].value == "公民身份号码" and sheet["D4"].number_format == "@"  # under the title lines


def test_mark_and_unmark_priority_workers(capsys: pytest.CaptureFixture[str], with_enterprise: Path) -> None:
    from python_calamine import CalamineWorkbook

    db = str(with_enterprise)
    code, _ = run(capsys, "--db", db, "import", str(SAMPLES / "roster_clean.xlsx"), "--enterprise", USCC, "--json")
    assert code == EXIT_OK
    rows = CalamineWorkbook.from_path(str(SAMPLES / "roster_clean.xlsx")).get_sheet_by_index(0).to_python()
    header = next(i for i, row in enumerate(rows) if "公民身份号码" in [str(v) for v in row])
    column = [str(v) for v in rows[header]].index("公民身份号码")
    numbers = [str(row[column]) for row in rows[header + 1:] if str(row[column]).startswith("2")][:2]
    argv = ["--db", db, "roster", "mark", "--enterprise", USCC, "--id", numbers[0], "--id", numbers[1].lower(),
            "--group", "就业困难人员", "--evidence", "延就困认 2026-031", "--json"]
    code, out = run(capsys, *argv)
    assert code == EXIT_OK and out["group"] == "employment_difficulty"
    assert out["changed"] == 2  # whatever the roster said, the evidence is new
    for number in numbers:
        code, out = run(capsys, "--db", db, "roster", "list", "--enterprise", USCC, "--search", number, "--json")
        assert [w["priority_group"] for w in out["workers"]] == ["employment_difficulty"]  # type: ignore[attr-defined]
    code, out = run(capsys, "--db", db, "roster", "unmark", "--enterprise", USCC, "--id", numbers[0], "--json")
    assert code == EXIT_OK and out["changed"] == 1 and out["group"] is None
    code, out = run(capsys, "--db", db, "roster", "mark", "--enterprise", USCC, "--id", "110101199003074514",
                    "--group", "脱贫人口", "--evidence", "x", "--json")
    assert code == EXIT_USAGE and "名册上没有" in out["error"]["message"]  # type: ignore[index]
    code, out = run(capsys, "--db", db, "roster", "mark", "--enterprise", USCC, "--id", numbers[0],
                    "--group", "贫困户", "--evidence", "x", "--json")
    assert code == EXIT_USAGE and "无法识别的重点群体" in out["error"]["message"]  # type: ignore[index]


def test_roster_history(capsys: pytest.CaptureFixture[str], with_enterprise: Path) -> None:
    db = str(with_enterprise)
    code, out = run(capsys, "--db", db, "roster", "history", "--enterprise", USCC, "--json")
    assert code == EXIT_OK and out["imports"] == []
    run(capsys, "--db", db, "import", str(SAMPLES / "roster_clean.xlsx"), "--enterprise", USCC, "--json")
    run(capsys, "--db", db, "import", str(SAMPLES / "roster_messy.xlsx"), "--enterprise", USCC, "--json")
    code, out = run(capsys, "--db", db, "roster", "history", "--enterprise", USCC, "--json")
    files = [i["file_name"] for i in out["imports"]]  # type: ignore[union-attr]
    assert files == ["roster_messy.xlsx", "roster_clean.xlsx"]  # newest first
    assert out["imports"][1]["counts"]["new"] == 30  # type: ignore[index]
    main(["--db", db, "roster", "history", "--enterprise", USCC])
    text = capsys.readouterr().out
    assert "roster_clean.xlsx" in text and "新增 30" in text


def test_roster_undo_goes_back_from_the_newest_import(capsys: pytest.CaptureFixture[str], with_enterprise: Path) -> None:
    db = str(with_enterprise)
    code, out = run(capsys, "--db", db, "roster", "undo", "--enterprise", USCC, "--json")
    assert code == EXIT_USAGE  # nothing imported yet
    run(capsys, "--db", db, "import", str(SAMPLES / "roster_clean.xlsx"), "--enterprise", USCC, "--json")
    code, out = run(capsys, "--db", db, "roster", "undo", "--enterprise", USCC, "--json")
    assert code == EXIT_OK
    assert out["undo"]["counts"]["removed"] == 30 and out["undo"]["file"] == "roster_clean.xlsx"  # type: ignore[index]
    code, out = run(capsys, "--db", db, "roster", "list", "--enterprise", USCC, "--json")
    assert code == EXIT_OK and out["total"] == 0
    main(["--db", db, "roster", "history", "--enterprise", USCC])
    assert "撤销" in capsys.readouterr().out
    code = main(["--db", db, "roster", "undo", "--enterprise", USCC, "--import", "1"])
    assert code == EXIT_FAILED and "已于" in capsys.readouterr().err


def test_import_json_written_a_row_at_a_time_is_the_whole_record(
    capsys: pytest.CaptureFixture[str], with_enterprise: Path,
) -> None:
    """The streamed document reads back as exactly what import_record builds in memory (issue 15 item 1)."""
    from desktop.cli.common import json_default
    from desktop.cli.roster import import_record
    from desktop.services.accounts import sign_in
    from desktop.services.enterprises import find_enterprise
    from desktop.services.rosters import prepare_import
    from tests.conftest import PASSWORD

    code, printed = run(capsys, "--db", str(with_enterprise), "import", str(SAMPLES / "roster_messy.xlsx"),
                        "--enterprise", USCC, "--dry-run", "--json")
    assert code == EXIT_OK
    with sign_in(with_enterprise, "clerk", PASSWORD) as ws:
        preview = prepare_import(ws, find_enterprise(ws, USCC).id, SAMPLES / "roster_messy.xlsx")
        record = import_record(preview, full_ids=False) | {"dry_run": True, "import_id": None, "problems_file": None}
        preview.close()
    built = json.loads(json.dumps({"ok": True, "import": record}, ensure_ascii=False, default=json_default))
    assert printed == built
    assert len(printed["import"]["rows"]) == 29 and len(printed["import"]["problems"]) >= 4  # type: ignore[index]


def test_write_json_writes_each_item_before_the_next_is_made() -> None:
    import io

    from desktop.cli.common import Streamed, write_json

    out = io.StringIO()

    def made(prefix: str, count: int) -> Any:
        for n in range(count):
            if n:  # the item before is out already
                assert json.dumps({"n": n - 1, "of": prefix}, ensure_ascii=False) in out.getvalue()
            yield {"n": n, "of": prefix}

    payload = {"import": {"a": Streamed(made("行", 3)), "nested": {"b": Streamed(made("题", 2)), "c": "x"},
                          "empty": Streamed(iter(())), "tail": [1, 2]}}
    write_json(payload, out)
    expected = {"ok": True, "import": {"a": [{"n": n, "of": "行"} for n in range(3)],
                                       "nested": {"b": [{"n": n, "of": "题"} for n in range(2)], "c": "x"},
                                       "empty": [], "tail": [1, 2]}}
    assert json.loads(out.getvalue()) == expected
    assert out.getvalue().count("\n") > json.dumps(expected).count("\n") + 5  # an item a line


def test_importing_the_last_import_s_file_again_says_nothing_changes(
    capsys: pytest.CaptureFixture[str], with_enterprise: Path,
) -> None:
    db, roster = str(with_enterprise), str(SAMPLES / "roster_messy.xlsx")
    code, first = run(capsys, "--db", db, "import", roster, "--enterprise", USCC, "--json")
    assert code == EXIT_OK and first["import"]["unchanged_since"] is None  # type: ignore[index]
    code, again = run(capsys, "--db", db, "import", roster, "--enterprise", USCC, "--json")
    assert code == EXIT_OK
    record = again["import"]
    same = record["unchanged_since"]  # type: ignore[index]
    assert same["roster_import_id"] == first["import"]["import_id"]  # type: ignore[index]
    assert "名册此后未改动：没有要导入的变化" in same["message"]  # type: ignore[index]
    assert record["counts"]["unchanged"] == 25 and record["counts"]["new"] == 0  # type: ignore[index]
    assert record["problems"] == first["import"]["problems"]  # type: ignore[index]
    assert main(["--db", db, "import", roster, "--enterprise", USCC]) == EXIT_OK
    text = capsys.readouterr().out
    assert "名册此后未改动：没有要导入的变化" in text and "没有写入任何变化" in text and "已导入" not in text
