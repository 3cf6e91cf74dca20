"""The command line: same functions as the window, JSON output, honest exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_init_add_list_round_trip(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    code, out = run(capsys, "--db", str(db_path), "init", "--county", "延边州延吉市",
                    "--office", "延吉市就业服务局", "--prefix", "延吉人社劳协确", "--admin", "chief", "--json")
    assert code == EXIT_OK and out["office"]["code"] == "222401"  # type: ignore[index]
    code, out = run(capsys, "--db", str(db_path), "--user", "chief", "enterprise", "add", "--json",
                    "--name", "延吉市甲食品有限公司", "--uscc", "91110000600037341L", "--county", "222401",
                    "--industry", "工业", "--staff", "350", "--revenue", "2500", "--assets", "1000",
                    "--contact", "金明", "--phone", "13843312345")
    assert code == EXIT_OK
    enterprise = out["enterprise"]
    assert enterprise["size"] == "medium" and enterprise["contact_phone"] == "138****2345"  # type: ignore[index]
    code, out = run(capsys, "--json", "--db", str(db_path), "enterprise", "list", "--search", "甲食品",
                    "--user", "chief")
    assert code == EXIT_OK and out["total"] == 1
    assert [e["uscc"] for e in out["enterprises"]] == ["91110000600037341L"]  # type: ignore[union-attr]


def test_validation_failure_exits_non_zero_with_field_messages(
    capsys: pytest.CaptureFixture[str], office_db: Path, cli_env: None
) -> None:
    code, out = run(capsys, "--db", str(office_db), "enterprise", "add", "--json", "--name", "乙",
                    "--uscc", "91110000600037341A", "--county", "延吉", "--industry", "other", "--staff", "5")
    assert code == EXIT_FAILED and out["ok"] is False
    problems = out["error"]["problems"]  # type: ignore[index]
    assert [(p["code"], p["field"]) for p in problems] == [("uscc_checksum", "uscc")]
    assert "校验位" in problems[0]["message"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--county", "火星", "--industry", "other"], "无法识别的县"),
        (["--county", "延吉", "--industry", "采矿"], "无法识别的行业"),
    ],
)
def test_unreadable_values_are_usage_errors(
    capsys: pytest.CaptureFixture[str], office_db: Path, cli_env: None, args: list[str], fragment: str
) -> None:
    code, out = run(capsys, "--db", str(office_db), "enterprise", "add", "--json", "--name", "乙",
                    "--uscc", "91110000600037341L", "--staff", "5", *args)
    assert code == EXIT_USAGE and fragment in out["error"]["message"]  # type: ignore[index]


def test_missing_database_is_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cli_env: None
) -> None:
    code = main(["--db", str(tmp_path / "none.sqlite3"), "enterprise", "list"])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED and "不存在" in err and "Traceback" not in err
    assert not (tmp_path / "none.sqlite3").exists()


def test_demo_prints_the_password_it_chose(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAOXIE_PASSWORD", raising=False)
    code, out = run(capsys, "--db", str(db_path), "demo", "--json")
    assert code == EXIT_OK and len(str(out["password"])) >= 8
    monkeypatch.setenv("LAOXIE_PASSWORD", str(out["password"]))
    code, out = run(capsys, "--db", str(db_path), "--user", "approver", "enterprise", "list", "--json")
    assert code == EXIT_OK and out["total"] == 22  # 20 under review, 2 followed through their loans


def test_demo_and_replace(capsys: pytest.CaptureFixture[str], db_path: Path, cli_env: None) -> None:
    code, out = run(capsys, "--db", str(db_path), "demo", "--json")
    assert code == EXIT_OK and out["demo"]["enterprises"] >= 20  # type: ignore[index]
    assert "password" not in out  # it came from LAOXIE_PASSWORD
    code, out = run(capsys, "--db", str(db_path), "demo", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "demo_exists"  # type: ignore[index]
    code, _ = run(capsys, "--db", str(db_path), "demo", "--replace", "--json")
    assert code == EXIT_OK
    from desktop.services.workspace import window_lock

    window = window_lock(db_path)  # a window has the demo open: deleting its WAL would lose data
    try:
        before = db_path.stat().st_mtime_ns
        code, out = run(capsys, "--db", str(db_path), "demo", "--replace", "--json")
        assert code == EXIT_FAILED and out["error"]["code"] == "in_use"  # type: ignore[index]
        assert db_path.stat().st_mtime_ns == before
    finally:
        window.release()  # type: ignore[attr-defined]


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["enterprise", "add", "--name", "x"])
    assert caught.value.code == EXIT_USAGE
    assert "参数错误" in capsys.readouterr().err


def test_module_entry_point_runs_as_a_process(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LAOXIE_PASSWORD": PASSWORD}
    db = tmp_path / "p.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), "init", "--county", "222401", "--office", "局",
         "--prefix", "延吉人社劳协确", "--admin", "admin", "--json"],
        capture_output=True, env=env, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8"))["ok"] is True
    again = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), "init", "--county", "222401", "--office", "局",
         "--prefix", "延吉人社劳协确", "--admin", "admin"],
        capture_output=True, env=env, timeout=60, check=False,
    )
    assert again.returncode == EXIT_FAILED
    assert "已设置" in again.stderr.decode("utf-8") and b"Traceback" not in again.stderr


def test_output_file_takes_the_result_and_the_errors_instead_of_the_screen(
    capsys: pytest.CaptureFixture[str], office_db: Path, cli_env: None, tmp_path: Path
) -> None:
    """laoxie.exe has no console and Wine's console may drop what it is given: --output FILE."""
    result = tmp_path / "输出 结果" / "list.json"
    result.parent.mkdir()
    code = main(["--db", str(office_db), "enterprise", "list", "--json", "--output", str(result)])
    assert code == EXIT_OK and capsys.readouterr() == ("", "")
    assert json.loads(result.read_text(encoding="utf-8"))["ok"] is True
    failed = tmp_path / "failed.txt"
    code = main(["--db", str(tmp_path / "none.sqlite3"), "--output", str(failed), "enterprise", "list"])
    assert code == EXIT_FAILED and capsys.readouterr() == ("", "")
    assert "不存在" in failed.read_text(encoding="utf-8")
    code = main(["--db", str(office_db), "enterprise", "list", "--output", str(tmp_path / "没有 这个" / "x.txt")])
    err = capsys.readouterr().err
    assert code == EXIT_FAILED and "无法写入输出文件" in err and "没有 这个" in err and "Traceback" not in err


def test_commands_need_a_user_and_a_password(
    capsys: pytest.CaptureFixture[str], office_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LAOXIE_USER", raising=False)
    monkeypatch.delenv("LAOXIE_PASSWORD", raising=False)
    code, out = run(capsys, "--db", str(office_db), "enterprise", "list", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "user_required"  # type: ignore[index]
    code, out = run(capsys, "--db", str(office_db), "--user", "clerk", "enterprise", "list", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "password_required"  # type: ignore[index]
    monkeypatch.setenv("LAOXIE_PASSWORD", "wrong-password")
    code, out = run(capsys, "--db", str(office_db), "--user", "clerk", "enterprise", "list", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "login_failed"  # type: ignore[index]


def test_user_add_needs_an_admin(capsys: pytest.CaptureFixture[str], office_db: Path, cli_env: None,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run(capsys, "--db", str(office_db), "user", "add", "newbie", "--role", "clerk", "--json")
    assert code == EXIT_FAILED and out["error"]["code"] == "forbidden"  # type: ignore[index]
    monkeypatch.setenv("LAOXIE_NEW_PASSWORD", "newbie's first pw")
    code, out = run(capsys, "--db", str(office_db), "--user", "admin", "user", "add", "newbie",
                    "--role", "审核人", "--json")
    assert code == EXIT_OK and out["user"]["role"] == "approver"  # type: ignore[index]
    code, out = run(capsys, "--db", str(office_db), "--user", "admin", "user", "list", "--json")
    assert [u["username"] for u in out["users"]] == ["admin", "approver", "clerk", "newbie"]  # type: ignore[union-attr]


def test_init_province_sets_up_the_provincial_office(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    code, out = run(capsys, "--db", str(db_path), "init", "--province", "--office", "吉林省就业服务局",
                    "--prefix", "吉人社劳协", "--admin", "chief", "--json")
    assert code == EXIT_OK
    assert (out["office"]["code"], out["office"]["kind"]) == ("220000", "province")  # type: ignore[index]


def test_init_without_county_or_province_says_what_is_missing(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    code = main(["--db", str(db_path), "init", "--office", "吉林省就业服务局", "--prefix", "吉人社劳协",
                 "--admin", "chief"])
    assert code == EXIT_USAGE and "--province" in capsys.readouterr().err
    code = main(["--db", str(db_path), "init", "--province", "--county", "210000", "--office", "辽宁",
                 "--prefix", "辽人社", "--admin", "chief"])
    assert code == EXIT_FAILED and "220000" in capsys.readouterr().err
