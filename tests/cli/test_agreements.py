"""`laoxie policy agreements list | add | end`."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tests.cli.test_policy import run


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch, cli_env: None) -> None:
    monkeypatch.setenv("LAOXIE_USER", "admin")


@pytest.mark.usefixtures("as_admin")
def test_add_list_end(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    db = ("--db", str(office_db))
    code, text, _ = run(capsys, *db, "policy", "agreements", "add", "汪清县", "--ref", "延吉—汪清协议〔2026〕1号",
                        "--from", "2026-03-01", "--to", "2026-06-30")
    assert code == EXIT_OK and "已登记协议 [1] 延吉—汪清协议〔2026〕1号（2026-03-01至2026-06-30）" in text
    code, out, _ = run(capsys, *db, "policy", "agreements", "list", "--on", "2026-06-30", "--json")
    counties = {c["code"]: c for c in out["counties"]}
    assert counties["222424"]["paired"] and counties["222424"]["state"] == "in_force"
    assert counties["222401"]["paired"] is False  # the office's own county: local hires
    assert counties["222426"]["state"] == "list"
    code, text, _ = run(capsys, *db, "policy", "agreements", "list", "--on", "2026-07-01")
    assert "汪清县（222424）  协议已到期，不计入（延吉—汪清协议〔2026〕1号，2026-03-01至2026-06-30）" in text
    assert "延吉市（222401）  本地" in text
    code, text, _ = run(capsys, *db, "policy", "agreements", "end", "1", "--on", "2026-05-31")
    assert code == EXIT_OK and "已终止协议 [1]" in text and "2026-03-01至2026-05-31" in text
    code, _, err = run(capsys, *db, "policy", "agreements", "add", "222424", "--ref", "x", "--from", "2026-13-01")
    assert code == EXIT_USAGE and "无法识别的日期" in err
    code, _, err = run(capsys, *db, "policy", "agreements", "add", "222424", "--ref", "新协议", "--from", "2026-05-01")
    assert code == EXIT_FAILED and "期限重叠" in err


@pytest.mark.usefixtures("cli_env")
def test_a_clerk_may_only_list(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    code, _, err = run(capsys, "--db", str(office_db), "policy", "agreements", "add", "222424", "--ref", "x",
                       "--from", "2026-01-01")
    assert code == EXIT_FAILED and "无权修改本单位设置" in err
    code, _, _ = run(capsys, "--db", str(office_db), "policy", "agreements", "list")
    assert code == EXIT_OK


@pytest.mark.usefixtures("as_admin")
def test_policy_show_lists_the_agreements(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    db = ("--db", str(office_db))
    run(capsys, *db, "policy", "agreements", "add", "231084", "--ref", "宁安协议", "--from", "2026-01-01")
    code, text, _ = run(capsys, *db, "policy", "show")
    assert code == EXIT_OK and "[1] 黑龙江省牡丹江市宁安市（231084）  宁安协议  2026-01-01至长期" in text
    code, out, _ = run(capsys, *db, "policy", "show", "--json")
    assert out["policy"]["agreements"] == [
        {"id": 1, "county": "231084", "reference": "宁安协议", "starts": "2026-01-01", "ends": None}]
