"""`laoxie policy lpr list | add | remove`."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from tests.cli.test_agreements import as_admin  # noqa: F401 - the fixture, signed in as the admin
from tests.cli.test_policy import run


@pytest.mark.usefixtures("as_admin")
def test_add_list_remove(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    db = ("--db", str(office_db))
    code, text, _ = run(capsys, *db, "policy", "lpr", "add", "2026-06-22", "--one-year", "2.90",
                        "--five-year", "3.40", "--source", "2026年6月22日贷款市场报价利率公告")
    assert code == EXIT_OK and "已添加 2026-06-22 起施行的LPR：1年期 2.90%，5年期以上 3.40%" in text
    code, out, _ = run(capsys, *db, "policy", "lpr", "list", "--json")
    assert out["rates"][-1]["effective_from"] == "2026-06-22" and out["rates"][-1]["office"] is True
    assert out["rates"][0]["office"] is False
    code, _, err = run(capsys, *db, "policy", "lpr", "add", "2026-06-22", "--one-year", "2.8", "--five-year", "3.3")
    assert code == EXIT_FAILED and "不能重复添加" in err
    code, _, err = run(capsys, *db, "policy", "lpr", "add", "2026-07-22", "--one-year", "20", "--five-year", "3.3")
    assert code == EXIT_FAILED and "不合常理" in err
    code, _, err = run(capsys, *db, "policy", "lpr", "remove", "2025-05-20")
    assert code == EXIT_FAILED and "随程序发布" in err
    code, _, err = run(capsys, *db, "policy", "lpr", "remove", "2026-13-01")
    assert code == EXIT_USAGE and "无法识别的日期" in err
    code, text, _ = run(capsys, *db, "policy", "lpr", "remove", "2026-06-22")
    assert code == EXIT_OK and "已删除本单位添加的 2026-06-22" in text and "2026-06-22  2.90" not in text


@pytest.mark.usefixtures("cli_env")
def test_a_clerk_may_only_list(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    code, _, err = run(capsys, "--db", str(office_db), "policy", "lpr", "add", "2026-06-22", "--one-year", "2.9",
                       "--five-year", "3.4")
    assert code == EXIT_FAILED and "无权修改本单位设置" in err
    code, text, _ = run(capsys, "--db", str(office_db), "policy", "lpr", "list")
    assert code == EXIT_OK and "2025-05-20  3.00  3.50  随程序发布" in text


@pytest.mark.parametrize("action", ["list", "add", "remove"])
def test_the_help_says_what_each_takes(capsys: pytest.CaptureFixture[str], action: str) -> None:
    with pytest.raises(SystemExit) as done:
        main(["policy", "lpr", action, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert ("生效日期" in text) is (action != "list")
    if action == "add":  # a % in argparse help must be doubled, or --help fails
        assert "1年期LPR（%），如 3.00" in text
