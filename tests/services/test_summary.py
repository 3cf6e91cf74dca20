"""统计分析 on a real province file (the round trip of three counties in test_province.py): the
figures against what the register and the decisions say read another way, the county's own figures
against the province's, the workbook and the PDF opened, and the commands with --json."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.services import province
from desktop.services import summary as svc
from desktop.services.errors import ServiceError
from tests.batches import factory
from tests.batches.factory import PASSWORD
from tests.services.test_province import Round, _unlock_once, round_trip  # noqa: F401 - fixtures

APPROVED = ("approved", "issued")


def decisions_read_in_python(path: Path, *, local: bool) -> dict[str, Counter[str]]:
    """county -> counted workers by source county, from each approved 符合 decision's payload (json.loads)."""
    found: dict[str, Counter[str]] = {}
    for county, payload in factory.table_rows(
            path, "SELECT o.code, d.payload FROM applications a JOIN enterprises e ON e.id = a.enterprise_id"
                  " JOIN offices o ON o.id = e.office_id JOIN decisions d ON d.id = a.approved_decision_id"
                  " WHERE o.is_local = ? AND a.status IN ('approved', 'issued') AND d.final_result = 'pass'",
            (1 if local else 0,)):
        for w in json.loads(payload)["workers"]:
            if w["counted"]:
                found.setdefault(county, Counter())[w["hukou_code"] or ""] += 1
    return found


def test_the_province_s_figures_match_the_register(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        rows = province.register(ws)
        s = svc.summary(ws)
        assert [code for code, _ in svc.counties(ws)] == ["222401", "222402", "222403"]
    assert rows, "the round trip sends applications"
    applied = Counter(
        (code, str(day)[:7]) for code, day in factory.table_rows(
            round_trip.province, "SELECT o.code, a.applied_on FROM applications a JOIN enterprises e"
            " ON e.id = a.enterprise_id JOIN offices o ON o.id = e.office_id WHERE o.is_local = 0"))
    approved = Counter((r.county_code, (r.approved_at or "")[:7]) for r in rows if r.status in APPROVED)
    passed = Counter((r.county_code, (r.approved_at or "")[:7]) for r in rows
                     if r.status in APPROVED and r.result == "pass")
    workers = Counter()
    for r in rows:
        if r.status in APPROVED and r.result == "pass":
            workers[(r.county_code, (r.approved_at or "")[:7])] += r.qualifying_count or 0
    for c in s.cells:
        key = (c.county_code, c.month)
        assert (c.applications, c.approvals, c.passed, c.failed, c.workers) == (
            applied[key], approved[key], passed[key], approved[key] - passed[key], workers[key]), key
    assert {(c.county_code, c.month) for c in s.cells} == set(applied) | set(approved)
    assert s.total().workers == sum(workers.values()) > 0
    # 敦化 reviewed in March 2027, the others in June 2026; all applied in June 2026
    assert s.months[0] == "2026-06" and s.months[-1] == "2027-03" and len(s.months) == 10
    by_source = decisions_read_in_python(round_trip.province, local=False)
    for code in ("222401", "222402", "222403"):
        mine = Counter({x.source_code: 0 for x in s.sources if x.county_code == code})
        for x in s.sources:
            if x.county_code == code:
                mine[x.source_code] += x.workers
        assert +mine == by_source[code], code
    # the verified groups are those the decisions keep (the factory verifies every 17th worker)
    verified = sum(c.priority_verified for c in s.cells)
    expected = sum(
        sum(1 for w in json.loads(p)["workers"] if w["counted"] and w["priority_group"]) for (p,) in factory.table_rows(
            round_trip.province, "SELECT d.payload FROM applications a JOIN decisions d ON d.id = a.approved_decision_id"
            " WHERE d.final_result = 'pass'"))
    assert verified == expected


def test_period_and_county_filters(round_trip: Round) -> None:
    with round_trip.province_ws() as ws:
        later = svc.summary(ws, period_from="2027-01", period_to="2027-12")
        assert {c.county_code for c in later.cells} == {"222403"}
        assert later.total().approvals == 2 and later.total().applications == 0
        only = svc.summary(ws, county="222402")
        assert {c.county_code for c in only.cells} == {"222402"}
        with pytest.raises(ServiceError) as caught:
            svc.summary(ws, period_from="2027-02", period_to="2027-01")
        assert caught.value.code == "summary_period_order" and "晚于" in str(caught.value)
        with pytest.raises(ServiceError):
            svc.summary(ws, county="229999")
        with pytest.raises(ServiceError):
            svc.summary(ws, period_from="2026-1")


def test_a_county_s_own_figures_are_what_the_province_received(round_trip: Round) -> None:
    with round_trip.county_ws("tumen") as ws:
        mine = svc.summary(ws)
        assert svc.counties(ws) == [("222402", "图们市就业服务局")]
    with round_trip.province_ws() as ws:
        received = svc.summary(ws, county="222402")
    assert [c.as_dict() for c in mine.cells] == [c.as_dict() for c in received.cells]
    assert mine.sources == received.sources


def test_the_workbook_opens_with_chinese_headers_frozen_and_filtered(round_trip: Round, tmp_path: Path) -> None:
    with round_trip.province_ws() as ws:
        s = svc.summary(ws)
        path = svc.export(ws, s, tmp_path / "统计" / "summary.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["按县按月", "按月", "来源地"]
    sheet = book["按县按月"]
    assert [c.value for c in sheet[1]][:9] == ["县（市、区）", "月份", "申请", "批准", "符合", "不符合", "认定人数",
                                               "重点群体（核实）", "重点群体（申报）"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][-7:] == ["贷款笔数", "贷款金额（万元）", "核实次数", "达标", "有风险", "不达标",
                                                "需关注"]
    assert sheet.auto_filter.ref == f"A1:X{len(s.cells) + 2}"
    assert sheet.cell(row=2, column=2).data_type == "s"  # 2026-06 stays text
    total = [c.value for c in sheet[len(s.cells) + 2]]
    assert total[0] == "合计" and total[2:7] == [s.total().applications, s.total().approvals, s.total().passed,
                                                  s.total().failed, s.total().workers]
    calamine = CalamineWorkbook.from_path(str(path))
    sources = calamine.get_sheet_by_name("来源地").to_python()
    assert sources[0] == ["县（市、区）", "月份", "来源地（户籍地）", "来源地代码", "认定人数"]
    assert sum(int(r[4]) for r in sources[1:]) == s.total().workers
    assert len(calamine.get_sheet_by_name("按月").to_python()) == len(s.months) + 1


def test_the_pdf_renders(round_trip: Round, tmp_path: Path) -> None:
    with round_trip.province_ws() as ws:
        path = svc.export(ws, svc.summary(ws), tmp_path / "summary.pdf")
        with pytest.raises(ServiceError):
            svc.export(ws, svc.summary(ws), tmp_path / "summary.docx")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data  # the Chinese font is embedded
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        done = subprocess.run([pdftoppm, "-r", "40", "-png", str(path), str(tmp_path / "page")],
                              capture_output=True, check=False, timeout=60)
        assert done.returncode == 0, done.stderr
        pages = sorted(tmp_path.glob("page*.png"))
        assert pages and pages[0].stat().st_size > 5000  # a page with a chart and a table, not blank


def cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["--db", str(db), "--user", "clerk", "--json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_the_commands(round_trip: Round, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                      tmp_path: Path) -> None:
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    code, out = cli(capsys, round_trip.province, "province", "summary", "--from", "2026-06", "--to", "2026-06")
    assert code == EXIT_OK
    with round_trip.province_ws() as ws:
        expected = svc.summary(ws, period_from="2026-06", period_to="2026-06")
    assert out["summary"]["total"] == expected.total().as_dict()
    assert [r["county_code"] for r in out["summary"]["rows"]] == ["222401", "222402", "222403"]  # all applied in June
    assert out["summary"]["by_source"][0]["source_name"]
    code, out = cli(capsys, round_trip.province, "province", "summary", "--out", str(tmp_path / "s.xlsx"))
    assert code == EXIT_OK and Path(out["file"]).exists()
    code, out = cli(capsys, round_trip.counties["dunhua"], "stats", "--from", "2027-03")
    assert code == EXIT_OK and out["summary"]["total"]["approvals"] == 2
    code, out = cli(capsys, round_trip.counties["dunhua"], "province", "summary")
    assert code == EXIT_FAILED and "省级" in out["error"]["message"]
    code, out = cli(capsys, round_trip.province, "province", "summary", "--to", "2026-13")
    assert code == EXIT_FAILED and "2026-13" in out["error"]["message"]
