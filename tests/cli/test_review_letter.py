"""`laoxie review …`, `laoxie application …` and `laoxie letter …`, each acting as the signed-in user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from desktop.services.workspace import Workspace
from tests.letters.cases import Case, add_case

pytestmark = pytest.mark.usefixtures("cli_env")


@pytest.fixture
def case(workspace: Workspace) -> Case:
    return add_case(workspace)


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str, user: str = "clerk") -> tuple[int, dict]:
    code = main(["--db", str(db), "--user", user, *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def text(capsys: pytest.CaptureFixture[str], db: Path, *argv: str, user: str = "clerk") -> tuple[int, str, str]:
    code = main(["--db", str(db), "--user", user, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def approve(capsys: pytest.CaptureFixture[str], db: Path, uscc: str) -> None:
    assert run(capsys, db, "review", "submit", uscc, "--evidence", "contracts,wages")[0] == EXIT_OK
    assert run(capsys, db, "review", "approve", uscc, user="approver")[0] == EXIT_OK


def test_submit_approve_and_status(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case) -> None:
    code, out = run(capsys, office_db, "review", "submit", case.uscc)
    assert code == EXIT_FAILED and out["error"]["code"] == "review_evidence_missing"
    code, out = run(capsys, office_db, "review", "submit", case.uscc, "--evidence", "contracts,wages")
    assert code == EXIT_OK and out["review"]["status"] == "submitted" and out["review"]["result"] == "pass"
    code, out = run(capsys, office_db, "review", "approve", case.uscc)
    assert code == EXIT_FAILED and out["error"]["code"] == "forbidden"
    code, out = run(capsys, office_db, "review", "approve", case.uscc, user="approver")
    assert code == EXIT_OK and out["review"]["status"] == "approved" and out["review"]["locked"] is True
    code, out = run(capsys, office_db, "review", "status", case.uscc)
    review = out["review"]
    assert (review["prepared_by"], review["approved_by"], review["next_steps"]) == ("金经办", "朴科长", ["issue"])
    assert [h["action"] for h in review["history"]][-2:] == ["review.submit", "review.approve"]


def test_self_approval_is_refused(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case) -> None:
    assert run(capsys, office_db, "review", "submit", case.uscc, "--evidence", "contracts,wages",
               user="approver")[0] == EXIT_OK
    code, err = text(capsys, office_db, "review", "approve", case.uscc, user="approver")[::2]
    assert code == EXIT_FAILED and "不能批准自己提交的申请" in err
    assert run(capsys, office_db, "review", "approve", case.uscc, user="admin")[0] == EXIT_OK


def test_return_and_reopen_need_a_reason(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case) -> None:
    assert run(capsys, office_db, "review", "submit", case.uscc, "--evidence", "contracts,wages")[0] == EXIT_OK
    code, out = run(capsys, office_db, "review", "return", case.uscc, user="approver")
    assert code == EXIT_FAILED and out["error"]["code"] == "review_reason_required"
    code, out = run(capsys, office_db, "review", "return", case.uscc, "--reason", "补充工资表", user="approver")
    assert code == EXIT_OK and out["review"]["return_reason"] == "补充工资表"
    assert run(capsys, office_db, "review", "submit", case.uscc)[0] == EXIT_OK
    assert run(capsys, office_db, "review", "approve", case.uscc, user="approver")[0] == EXIT_OK
    code, out = run(capsys, office_db, "review", "reopen", case.uscc, "--reason", "户籍地有误", user="approver")
    assert code == EXIT_OK and (out["review"]["status"], out["review"]["version"]) == ("draft", 2)


def test_letter_issue_reprint_void_and_verify(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case,
                                              tmp_path: Path) -> None:
    code, out = run(capsys, office_db, "letter", case.uscc, "--out", str(tmp_path / "no.pdf"))
    assert code == EXIT_USAGE and "须经审核人批准" in out["error"]["message"]
    approve(capsys, office_db, case.uscc)
    code, out = run(capsys, office_db, "letter", case.uscc, "--out", str(tmp_path / "a.pdf"), "--date", "2026-11-24")
    assert code == EXIT_OK and out["issued"] is True and out["copy"] is False
    letter = out["letter"]
    assert letter["number"] == "延吉人社劳协确〔2026〕1号" and (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    assert os.name != "posix" or (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o600  # the office's alone
    code, out = run(capsys, office_db, "letter", case.uscc, "--out", str(tmp_path / "b.pdf"))
    assert code == EXIT_OK and out["issued"] is False and out["copy"] is True and out["letter"]["print_count"] == 2
    if shutil.which("pdftotext"):
        copy_text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout
        assert "副本" in copy_text and "延吉人社劳协确〔2026〕1号" in copy_text
    code, out = run(capsys, office_db, "letter", "--verify", letter["verification_code"])
    assert code == EXIT_OK and out["verification"]["state"] == "valid"
    code, out = run(capsys, office_db, "letter", case.uscc, "--void", "--reason", "打印有误")
    assert code == EXIT_FAILED and out["error"]["code"] == "forbidden"
    code, out = run(capsys, office_db, "letter", case.uscc, "--void", user="approver")
    assert code == EXIT_USAGE
    code, out = run(capsys, office_db, "letter", case.uscc, "--void", "--reason", "打印有误", user="approver")
    assert code == EXIT_OK and out["letter"]["voided"] is True
    code, out = run(capsys, office_db, "letter", "--verify", letter["verification_code"])
    assert code == EXIT_FAILED and out["verification"]["state"] == "voided"
    code, out = run(capsys, office_db, "letter", case.uscc, "--out", str(tmp_path / "c.pdf"), "--date", "2026-11-25")
    assert code == EXIT_OK and out["letter"]["number"] == "延吉人社劳协确〔2026〕2号"
    code, out = run(capsys, office_db, "letter", case.uscc, "--list")
    assert [(x["seq"], x["voided"]) for x in out["letters"]] == [(1, True), (2, False)]


def test_letter_all_and_draft(capsys: pytest.CaptureFixture[str], office_db: Path, workspace: Workspace,
                              tmp_path: Path) -> None:
    cases = [add_case(workspace, n, workers=3) for n in (1, 2)]
    for c in cases:
        approve(capsys, office_db, c.uscc)
    code, out = run(capsys, office_db, "letter", cases[0].uscc, "--draft", "--out", str(tmp_path / "d.pdf"))
    assert code == EXIT_OK and (tmp_path / "d.pdf").exists()
    code, out = run(capsys, office_db, "letter", "--all", "--out", str(tmp_path / "all.pdf"), "--date", "2026-11-24")
    assert code == EXIT_OK and [x["seq"] for x in out["issued"]] == [1, 2] and len(out["printed"]) == 2
    code, out = run(capsys, office_db, "letter", "--all", "--out", str(tmp_path / "none.pdf"))
    assert code == EXIT_OK and out["printed"] == [] and out["out"] is None


def test_letter_fonts(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    code, out = run(capsys, office_db, "letter", "--fonts")
    assert code == EXIT_OK and set(out["fonts"]) == {"仿宋", "黑体", "楷体", "宋体", "小标宋"}
    code, out = run(capsys, office_db, "letter", "--font", "all=/nowhere/x.ttf")
    assert code == EXIT_FAILED and out["error"]["code"] == "forbidden"
    code, out = run(capsys, office_db, "letter", "--font", "all=/nowhere/x.ttf", user="admin")
    assert code == EXIT_FAILED and out["error"]["code"] == "letter_font_unusable"


def test_application_form(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case, tmp_path: Path) -> None:
    form = tmp_path / "form.json"
    form.write_text(json.dumps({"legal_representative": "金明", "guarantee": "抵押"}, ensure_ascii=False),
                    encoding="utf-8")
    code, out = run(capsys, office_db, "application", "form", case.uscc, "--file", str(form),
                    "--set", "amount_wan=1200", "--set", "term_months=36", "--set", "purpose=购买原材料",
                    "--out", str(tmp_path / "f.pdf"))
    assert code == EXIT_OK
    values = {f["key"]: f["value"] for f in out["form"]["fields"]}
    assert values["amount_wan"] == 1200.0 and values["legal_representative"] == "金明" and out["form"]["missing"] == []
    if shutil.which("pdftotext"):
        printed = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True,
                                 check=True).stdout
        assert "劳务协作流动资金贷款申请表" in printed and "购买原材料" in printed and case.uscc in printed
    code, out = run(capsys, office_db, "application", "form", case.uscc, "--set", "colour=red")
    assert code == EXIT_FAILED and out["error"]["problems"][0]["code"] == "form_unknown_field"
    code, out = run(capsys, office_db, "application", "form", case.uscc, "--set", "novalue")
    assert code == EXIT_USAGE
    approve(capsys, office_db, case.uscc)
    code, out = run(capsys, office_db, "application", "form", case.uscc, "--set", "purpose=改")
    assert code == EXIT_FAILED and out["error"]["code"] == "application_locked"


def test_application_new(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case) -> None:
    code, out = run(capsys, office_db, "application", "new", case.uscc)
    assert code == EXIT_FAILED and out["error"]["code"] == "application_open"
    assert run(capsys, office_db, "review", "withdraw", case.uscc, "--reason", "企业放弃")[0] == EXIT_OK
    code, out = run(capsys, office_db, "application", "new", case.uscc, "--type", "固定资产贷款", "--amount", "800")
    assert code == EXIT_OK and out["review"]["loan_type"] == "fixed_asset" and out["review"]["amount_wan"] == 800.0
    code, out = run(capsys, office_db, "application", "new", case.uscc, "--type", "mortgage")
    assert code == EXIT_USAGE


def test_text_output(capsys: pytest.CaptureFixture[str], office_db: Path, case: Case, tmp_path: Path) -> None:
    code, out, _ = text(capsys, office_db, "review", "status", case.uscc)
    assert code == EXIT_OK and "草稿" in out and "劳动合同✗" in out
    approve(capsys, office_db, case.uscc)
    code, out, _ = text(capsys, office_db, "letter", case.uscc, "--out", str(tmp_path / "x.pdf"))
    assert code == EXIT_OK and "已出具确认书 延吉人社劳协确" in out and "校验码" in out
