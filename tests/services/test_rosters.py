"""Importing rosters through the services: the sample rosters (tests/data), preview then commit, and never half an import."""

from __future__ import annotations

import dataclasses
import os
import datetime
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.pinyin_order import person_sort_key
from desktop.core.roster import Field, RosterError
from desktop.services import roster_commit
from desktop.services import roster_compare
from desktop.services import roster_mapping
from desktop.services import rosters as svc
from desktop.services import roster_view
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store.audit import verify_chain
from tests.conftest import DATA
from tests.roster_factory import RosterSpec, build, write_csv, write_encrypted_xlsx, write_xlsx

SAMPLES = DATA
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
TODAY = datetime.date(2026, 11, 24)

# DOMAIN.md 3.1, the default paired list.  The real list is policy data the
# eligibility engine reads; here it only recomputes expected.json's "counted".
PAIRED = {
    "222401", "222402", "222403", "222404", "222405", "222406", "222424", "222426",
    "220882", "220821", "220822", "220622", "220623", "220881", "220382", "220524", "220722", "220802",
    "220323", "220721",
}
GROUP_LABELS = {"poverty_alleviated": "脱贫人口", "employment_difficulty": "就业困难人员",
                "registered_unemployed": "登记失业人员", "unemployed_graduate": "离校未就业高校毕业生"}
CONTRACT_LABELS = {"fixed": None, "open_ended": "无固定期限", "task": "以完成一定工作任务为期限"}


@pytest.fixture
def enterprise(workspace: Workspace) -> Enterprise:
    return add_enterprise(workspace, EnterpriseDraft(
        name="延吉市长白山食品有限公司", uscc="91110000600037341L", county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))


def prepare(ws: Workspace, enterprise: Enterprise, path: Path, **kwargs: Any) -> svc.RosterPreview:
    return svc.prepare_import(ws, enterprise.id, path, today=TODAY, **kwargs)


def last_change(ws: Workspace) -> str:
    """The newest audit entry other than a backup's."""
    row = ws.store.conn.execute("SELECT hash FROM audit_log WHERE action <> 'db.backup' ORDER BY id DESC LIMIT 1")
    return str(row.fetchone()[0])


def snapshot(ws: Workspace) -> dict[str, int]:
    """Row counts, less the bookkeeping of the backup every commit takes first (issue 3)."""
    counts = ws.store.table_counts()
    conn = ws.store.conn
    counts["audit_log"] -= conn.execute("SELECT count(*) FROM audit_log WHERE action = 'db.backup'").fetchone()[0]
    counts["settings"] -= conn.execute("SELECT count(*) FROM settings WHERE key = 'backup.last_good'").fetchone()[0]
    counts["row_log"] -= conn.execute(
        "SELECT count(*) FROM row_log WHERE tbl = 'settings' AND rid = 'backup.last_good'").fetchone()[0]
    return counts


def counted_by_simple_rule(row: Any, review: datetime.date) -> bool:
    """Paired 户籍地, a contract of 3 months or more that covers the review date (DOMAIN.md 3.3)."""
    if row.hukou_code not in PAIRED or row.contract_start is None:
        return False
    start = datetime.date.fromisoformat(row.contract_start)
    if start > review:
        return False
    if row.contract_type != "fixed":
        return True
    end = datetime.date.fromisoformat(row.contract_end)
    year, month = start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1
    three_months = datetime.date(year, month, min(start.day, 28)) if start.day > 28 else datetime.date(year, month, start.day)
    return end >= three_months - datetime.timedelta(days=1) and end >= review


# --------------------------------------------------------------------------
# The sample rosters in tests/data, row by row as expected.json says


def test_clean_sample(workspace: Workspace, enterprise: Enterprise) -> None:
    expected = EXPECTED["clean"]
    preview = prepare(workspace, enterprise, SAMPLES / expected["file"])
    assert preview.counts["rows"] == expected["rows"] and preview.counts["valid"] == expected["valid"]
    assert preview.problems() == []
    assert sum(r.hukou_code in PAIRED for r in preview.rows) == expected["paired"]
    assert all(r.paid_months and r.social_insurance == 1 for r in preview.rows)
    preview.close()


def test_messy_sample_row_by_row(workspace: Workspace, enterprise: Enterprise) -> None:
    expected = EXPECTED["messy"]
    preview = prepare(workspace, enterprise, SAMPLES / expected["file"])
    assert preview.layout.header_row + 1 == expected["header_row"]
    assert len(preview.rows) == expected["data_rows"]
    by_row = {r.sheet_row: r for r in preview.rows}
    assert sorted(by_row) == [e["sheet_row"] for e in expected["rows"]]
    review = datetime.date.fromisoformat(expected["review_date"])
    for e in expected["rows"]:
        row = by_row[e["sheet_row"]]
        verdict = e["verdict"]
        if verdict in ("invalid", "duplicate"):
            assert row.status == verdict, e
            assert e["reason"] in row.codes, (e, row.codes)
            continue
        assert row.status == "valid" and row.errors == [], (e, row.codes)
        assert row.id_number == e["id"], e
        assert GROUP_LABELS.get(row.priority_claim or "", "") == e["group"], e
        assert CONTRACT_LABELS[row.contract_type] == e["contract_type"], e
        assert (row.hukou_code in PAIRED) == e["paired"], e
        assert counted_by_simple_rule(row, review) == (verdict == "valid"), e
    counted = sum(counted_by_simple_rule(r, review) for r in preview.rows if r.status == "valid")
    assert counted == expected["counted"]
    assert preview.check.skipped == {"blank": [9], "closing": [34, 35], "header": []}
    codes = {g["code"]: g["count"] for g in preview.groups()}
    assert codes == {"id_checksum": 1, "id_birth_date": 1, "id_stored_as_number": 1, "duplicate_in_roster": 1}
    preview.close()


def test_gb18030_csv_sample(workspace: Workspace, enterprise: Enterprise) -> None:
    expected = EXPECTED["csv"]
    preview = prepare(workspace, enterprise, SAMPLES / expected["file"])
    assert preview.file.encoding == expected["encoding"]
    assert preview.counts["rows"] == expected["rows"] and preview.counts["valid"] == expected["valid"]
    assert [r.id_number for r in preview.rows] == expected["ids"]
    preview.close()


# --------------------------------------------------------------------------
# Preview, commit, re-import


def test_preview_writes_nothing_then_commit_writes_everything_with_its_audit_entry(
    workspace: Workspace, enterprise: Enterprise
) -> None:
    before = snapshot(workspace)
    head = workspace.store.audit_chain_head()
    preview = prepare(workspace, enterprise, SAMPLES / "roster_messy.xlsx")
    assert snapshot(workspace) == before and workspace.store.audit_chain_head() == head
    assert preview.counts | {} == preview.counts
    assert (preview.counts["new"], preview.counts["refused"]) == (25, 4)

    result = roster_commit.commit_import(workspace, preview)
    after = snapshot(workspace)
    assert after["employments"] - before["employments"] == 25
    assert after["persons"] - before["persons"] == 25
    assert after["roster_imports"] - before["roster_imports"] == 1
    entry = workspace.store.audit_entries(1)[0]
    detail = json.loads(entry["detail"])
    assert entry["action"] == "roster.import" and entry["entity_id"] == str(enterprise.id)
    assert detail["file"] == "roster_messy.xlsx"
    assert detail["sha256"] == preview.file.sha256 == __import__("hashlib").sha256(
        (SAMPLES / "roster_messy.xlsx").read_bytes()).hexdigest()
    assert detail["counts"]["new"] == 25 and detail["roster_import_id"] == result.import_id
    history = roster_view.roster_history(workspace, enterprise.id)
    assert history[0]["sha256"] == preview.file.sha256 and history[0]["counts"]["refused"] == 4
    assert verify_chain(workspace.store.conn) == []

    stored = roster_store.stored_workers(workspace.store, enterprise.id)
    worker = stored["222424198408112260"]
    assert worker.values["contract_type"] == "open_ended" and worker.values["contract_end"] is None
    assert worker.values["hukou_code"] == "222424" and worker.values["monthly_wage"] == 3200.5
    assert stored["222403197106151102"].values["hukou_text"] == "敦化市"  # the converted 15-digit number


def test_reimport_updates_by_id_number_and_shows_what_changed(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise
) -> None:
    built = build(RosterSpec(workers=8, seed=5))
    first = write_xlsx(tmp_path / "v1.xlsx", built)
    roster_commit.commit_import(workspace, prepare(workspace, enterprise, first))

    grid = [list(r) for r in built.grid]
    grid[2][10] = 4100  # 月工资
    grid[3][4] = "安图县"  # 户籍地
    grid[4][1] = grid[4][1] + "子"  # the name, corrected
    del grid[8]  # one worker left
    second = write_xlsx(tmp_path / "v2.xlsx", grid)
    preview = prepare(workspace, enterprise, second)
    assert (preview.counts["new"], preview.counts["updated"], preview.counts["unchanged"]) == (0, 3, 4)
    assert preview.counts["absent"] == 1
    changed = {r.sheet_row: r.changes for r in preview.rows if r.action == "updated"}
    assert changed[3] == {"monthly_wage": (float(built.grid[2][10]), 4100.0)}  # type: ignore[arg-type]
    assert changed[4]["hukou_text"][1] == "安图县" and changed[4]["hukou_code"][1] == "222426"
    assert changed[5] == {"name": (built.grid[4][1], str(built.grid[4][1]) + "子")}
    [renamed] = [p for r in preview.rows for p in r.problems if p.code == "name_differs_from_stored"]
    # the warning sits on the name's cell, where the clerk and the enterprise's copy look (it was on the ID's)
    assert (renamed.row, renamed.column_letter, preview.layout.header_of(renamed.column)) == (5, "B", "姓名")
    result = roster_commit.commit_import(workspace, preview, deactivate_absent=True)
    assert result.counts["updated"] == 3 and result.counts["deactivated"] == 1
    query = roster_view.RosterQuery(enterprise.id)
    assert roster_view.count_roster(workspace, query) == 7
    assert roster_view.count_roster(workspace, dataclasses.replace(query, active_only=False)) == 8
    detail = json.loads(workspace.store.audit_entries(1)[0]["detail"])
    assert detail["changed_fields"] == {"hukou_code": 1, "hukou_text": 1, "monthly_wage": 1, "name": 1}

    again = prepare(workspace, enterprise, second)
    assert (again.counts["updated"], again.counts["unchanged"], again.counts["absent"]) == (0, 7, 0)
    again.close()


def test_a_commit_that_fails_halfway_leaves_nothing(
    workspace: Workspace, enterprise: Enterprise, monkeypatch: pytest.MonkeyPatch
) -> None:
    preview = prepare(workspace, enterprise, SAMPLES / "roster_clean.xlsx")
    before = snapshot(workspace)
    head = last_change(workspace)

    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(roster_store, "insert_staged", broken)
    monkeypatch.setattr(roster_store, "insert_employments", broken)
    with pytest.raises(Exception):  # noqa: B017 - the store turns it into a StoreError
        roster_commit.commit_import(workspace, preview)
    assert snapshot(workspace) == before and last_change(workspace) == head
    monkeypatch.undo()
    result = roster_commit.commit_import(workspace, preview)  # the same preview commits once the disk is back
    assert result.counts["new"] == 30


def test_cancel_during_check_and_commit(workspace: Workspace, enterprise: Enterprise, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "big.xlsx", build(RosterSpec(workers=5000, seed=2)))
    seen: list[str] = []
    with pytest.raises(RosterError) as caught:
        prepare(workspace, enterprise, path, progress=lambda stage, done, total: seen.append(stage),
                cancel=lambda: "check" in seen)
    assert caught.value.code == "roster_cancelled" and "数据库未作任何改动" in str(caught.value)
    before = snapshot(workspace)
    preview = prepare(workspace, enterprise, path)
    with pytest.raises(RosterError):
        roster_commit.commit_import(workspace, preview, cancel=lambda: True)
    assert snapshot(workspace) == before
    assert roster_commit.commit_import(workspace, preview).counts["new"] == 5000


def test_a_cancel_stops_the_long_write_statement_itself(
    workspace: Workspace, enterprise: Enterprise, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The staged rows go in by one INSERT ... SELECT (seconds at 100,000 rows); the checks of
    ``cancel`` came only between statements, so a click during it waited for its end. Now SQLite
    stops the statement itself and the transaction rolls back."""
    path = write_xlsx(tmp_path / "big.xlsx", build(RosterSpec(workers=3000, seed=5)))
    preview = prepare(workspace, enterprise, path)
    before = snapshot(workspace)
    asked, ended = [], []
    real = roster_store.insert_staged

    def clicked_during(*args: Any, **kwargs: Any) -> int:
        asked.append(True)  # the clerk clicks 取消 as the statement starts
        written = real(*args, **kwargs)
        ended.append(written)
        return written

    monkeypatch.setattr(roster_store, "insert_staged", clicked_during)
    with pytest.raises(RosterError) as caught:
        roster_commit.commit_import(workspace, preview, cancel=lambda: bool(asked))
    assert caught.value.code == "roster_cancelled"
    assert asked and ended == []  # stopped inside the statement, not at the check after it
    assert snapshot(workspace) == before and not workspace.store.conn.in_transaction
    monkeypatch.undo()
    assert roster_commit.commit_import(workspace, preview, cancel=lambda: False).counts["new"] == 3000


def test_staged_and_ordinary_commits_write_the_same(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(RosterSpec(workers=40, seed=9, quirks={3: "open_ended"})))
    staged = prepare(workspace, enterprise, path)
    assert staged.stage_token and roster_store.is_staged(workspace.store, staged.stage_token)
    newer = prepare(workspace, enterprise, path)  # replaces the staging of the first preview
    assert not roster_store.is_staged(workspace.store, staged.stage_token)
    roster_commit.commit_import(workspace, staged)  # the ordinary path
    first = roster_store.stored_workers(workspace.store, enterprise.id)

    other = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市另一家有限公司", uscc=_uscc("91222401MA00000"), county_code="222401", industry="other",
        staff_total=50,
    ))
    preview = svc.prepare_import(workspace, other.id, path, today=TODAY)
    token = preview.stage_token
    assert roster_store.is_staged(workspace.store, token)
    assert all(any(p.code == "worker_at_other_enterprise" for p in r.problems) for r in preview.rows)
    roster_commit.commit_import(workspace, preview)
    assert not roster_store.is_staged(workspace.store, token)
    second = roster_store.stored_workers(workspace.store, other.id)
    strip = lambda w: (w.id_number, w.name, w.values)  # noqa: E731
    assert sorted(map(strip, first.values())) == sorted(map(strip, second.values()))
    newer.close()


def _uscc(first15: str) -> str:
    from desktop.core.identifiers import uscc_check_char

    first17 = (first15 + "00")[:17]
    return first17 + uscc_check_char(first17)


def test_clerk_corrections_are_remembered_for_the_enterprise(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise
) -> None:
    grid: list[list[object]] = [
        ["人名", "身份号", "老家", "合同起止日期", "性别"],
        ["金明", "222401199001011230", "延吉市", "2025.1.1-2027.12.31", "不详"],
    ]
    path = write_xlsx(tmp_path / "odd.xlsx", grid)
    with pytest.raises(RosterError) as caught:
        prepare(workspace, enterprise, path)
    assert caught.value.code == "roster_header_not_found"
    preview = prepare(workspace, enterprise, path, header_row=1,
                      columns={Field.NAME: 0, Field.ID_NUMBER: 1, Field.HUKOU: 2, Field.SEX: None})
    assert preview.rows[0].status == "valid" and preview.rows[0].codes == []
    roster_commit.commit_import(workspace, preview)
    assert roster_mapping.remembered_mapping(workspace, enterprise.id)["fields"]["hukou"] == "老家"
    assert roster_mapping.remembered_mapping(workspace, enterprise.id)["ignored"] == {"sex": "性别"}

    again = prepare(workspace, enterprise, path)  # no header row, no columns given: remembered
    assert again.remembered and again.layout.columns.get(Field.SEX) is None
    assert again.counts["unchanged"] == 1
    again.close()
    roster_mapping.forget_mapping(workspace, enterprise.id)
    with pytest.raises(RosterError):
        prepare(workspace, enterprise, path)


@pytest.mark.parametrize(("content", "code"), [
    ("encrypted", "roster_file_encrypted"),
    ("truncated", "roster_file_corrupt"),
    ("garbage", "roster_file_corrupt"),
    ("empty_sheet", "roster_sheet_empty"),
    ("no_header", "roster_header_not_found"),
    ("header_only", "roster_no_rows"),
    ("missing_column", "roster_header_missing"),
])
def test_bad_files_change_nothing(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise, content: str, code: str
) -> None:
    path = tmp_path / "bad.xlsx"
    good = write_xlsx(tmp_path / "good.xlsx", build(RosterSpec(workers=10)))
    if content == "encrypted":
        write_encrypted_xlsx(path)
    elif content == "truncated":
        path.write_bytes(good.read_bytes()[:1500])
    elif content == "garbage":
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    elif content == "empty_sheet":
        write_xlsx(path, [])
    elif content == "no_header":
        write_xlsx(path, [["季度", "产值"], ["一季度", 100]])
    elif content == "header_only":
        write_xlsx(path, [list(build(RosterSpec(workers=0)).grid[0]), ["合计", "", "", "0人"]])
    elif content == "missing_column":
        write_xlsx(path, [["姓名", "身份证号", "性别", "合同始期"], ["金明", "222401199001011230", "男", "2025.1.1"]])
    before = snapshot(workspace)
    head = workspace.store.audit_chain_head()
    with pytest.raises(RosterError) as caught:
        prepare(workspace, enterprise, path)
    assert caught.value.code == code
    assert str(caught.value) and "Traceback" not in str(caught.value)
    assert snapshot(workspace) == before and workspace.store.audit_chain_head() == head


def test_the_sheet_with_the_roster_is_chosen(tmp_path: Path, workspace: Workspace, enterprise: Enterprise) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "填表说明"
    notes["A1"] = "请按模板填写"
    roster = workbook.create_sheet("人员名单")
    for row in build(RosterSpec(workers=3)).grid:
        roster.append(row)
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    preview = prepare(workspace, enterprise, path)
    assert preview.sheet == "人员名单" and [s.name for s in preview.sheets] == ["填表说明", "人员名单"]
    preview.close()
    with pytest.raises(RosterError) as caught:
        prepare(workspace, enterprise, path, sheet="填表说明")
    assert caught.value.code == "roster_header_not_found"


def test_a_csv_roster_imports(tmp_path: Path, workspace: Workspace, enterprise: Enterprise) -> None:
    built = build(RosterSpec(workers=12, headers="messy", title=True, closing=True, quirks={4: "numeric_id"}))
    path = write_csv(tmp_path / "r.csv", built, encoding="gb18030")
    preview = prepare(workspace, enterprise, path)
    statuses = [r.status for r in preview.rows]
    assert statuses == [e.status for e in built.expected]
    assert preview.rows[4].codes == ["id_stored_as_number"]  # "2.22401E+17" in a CSV is the same loss
    assert roster_commit.commit_import(workspace, preview).counts["new"] == 11


# --------------------------------------------------------------------------
# The roster view's queries


def test_roster_view_filters_pages_and_sorts(tmp_path: Path, workspace: Workspace, enterprise: Enterprise) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(RosterSpec(workers=60, seed=21)))
    preview = prepare(workspace, enterprise, path)
    roster_commit.commit_import(workspace, preview)
    rows = preview.rows
    q = roster_view.RosterQuery(enterprise.id)
    assert roster_view.count_roster(workspace, q) == 60
    page = roster_view.roster_page(workspace, q, limit=10, offset=10)
    assert [r.source_row for r in page] == list(range(12, 22))

    name = rows[7].name
    by_name = roster_view.roster_page(workspace, dataclasses.replace(q, text=name[:1]))
    assert by_name and all(name[:1] in r.name for r in by_name)
    tail = rows[7].id_number[-4:]
    assert rows[7].id_number in {r.id_number for r in roster_view.roster_page(workspace, dataclasses.replace(q, text=tail))}
    assert roster_view.count_roster(workspace, dataclasses.replace(q, text="100%_")) == 0

    yanbian = roster_view.count_roster(workspace, dataclasses.replace(q, prefecture="2224"))
    assert yanbian == sum((r.hukou_code or "").startswith("2224") for r in rows)
    paired = dataclasses.replace(q, hukou_codes=("222401", "220882"))
    assert roster_view.count_roster(workspace, paired) == sum(r.hukou_code in ("222401", "220882") for r in rows)
    # The roster's 重点群体 column is the enterprise's claim: nothing is verified by an import.
    claimed = roster_view.count_roster(workspace, dataclasses.replace(q, priority_group="claimed"))
    assert claimed == sum(r.priority_claim is not None for r in rows) > 0
    assert roster_view.count_roster(workspace, dataclasses.replace(q, priority_group="any")) == 0
    assert roster_view.count_roster(workspace, dataclasses.replace(q, priority_group="none")) == 60 - claimed

    ids = roster_view.roster_ids(workspace, dataclasses.replace(q, sort="name", descending=True))
    records = roster_view.roster_records(workspace, ids[:5])
    assert [r.employment_id for r in records] == ids[:5]
    names = [r.name for r in roster_view.roster_records(workspace, ids)]
    assert names == sorted(names, key=person_sort_key, reverse=True)  # by pinyin, not by code point
    with pytest.raises(ValueError):
        roster_view.roster_page(workspace, dataclasses.replace(q, sort="1; DROP TABLE persons"))


# --------------------------------------------------------------------------
# Files for the enterprise


def test_problem_copy_of_the_messy_sample(tmp_path: Path, workspace: Workspace, enterprise: Enterprise) -> None:
    import openpyxl

    preview = prepare(workspace, enterprise, SAMPLES / "roster_messy.xlsx")
    out = svc.write_problems_copy(workspace, preview, tmp_path / "退回.xlsx")
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Sheet1", "问题清单"] and workbook.active.title == "问题清单"
    sheet = workbook["Sheet1"]
    for ref in ("D6", "D7", "D15", "D18"):
        assert sheet[ref].fill.fgColor.rgb.endswith("FFC7CE"), ref
        assert sheet[ref].comment is not None and sheet[ref].comment.text
    assert "校验位" in sheet["D6"].comment.text and "第 16 行" in sheet["D18"].comment.text
    assert sheet["D4"].comment is None
    assert sheet["A1"].value == "劳务协作地区就业人员名册" and "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    listing = [list(r) for r in workbook["问题清单"].iter_rows(values_only=True)]
    details = [r for r in listing if r and r[0] == "Sheet1"]
    assert [(r[1], r[2], r[6]) for r in details] == [
        (6, "D", "id_checksum"), (7, "D", "id_birth_date"), (15, "D", "id_stored_as_number"),
        (18, "D", "duplicate_in_roster")]
    assert json.loads(workspace.store.audit_entries(1)[0]["detail"])["problems"] == 4
    preview.close()


def test_problem_copy_names_no_other_enterprise(tmp_path: Path, workspace: Workspace, enterprise: Enterprise) -> None:
    """The copy goes back to the enterprise: that a worker is on file for another enterprise is said there,
    not which one (the clerk sees the name in the preview); it named the other enterprise in every comment."""
    import openpyxl

    other = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市图们江物流有限公司", uscc="91222401MA0TFTT126", county_code="222401", industry="industry",
        staff_total=60, revenue_wan=1500.0, assets_wan=800.0))
    first = prepare(workspace, other, SAMPLES / "roster_clean.xlsx")
    roster_commit.commit_import(workspace, first)
    preview = prepare(workspace, enterprise, SAMPLES / "roster_clean.xlsx")
    shown = [r["message"] for r in preview.problem_records() if r["code"] == "worker_at_other_enterprise"]
    assert len(shown) == 30 and all("“延吉市图们江物流有限公司”" in m for m in shown)  # the clerk's preview
    out = svc.write_problems_copy(workspace, preview, tmp_path / "退回.xlsx")
    preview.close()
    workbook = openpyxl.load_workbook(out)
    texts = [str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None]
    texts += [c.comment.text for ws in workbook for row in ws.iter_rows() for c in row if c.comment is not None]
    assert not [t for t in texts if "图们江物流" in t]
    details = [r for r in workbook["问题清单"].iter_rows(values_only=True) if r and r[0] == preview.sheet]
    assert len(details) == 30 and {r[5] for r in details} == {"此人已在本局登记为其他企业的职工，请核实是否重复申报"}
    assert workbook.worksheets[0]["D2"].comment.text.endswith("此人已在本局登记为其他企业的职工，请核实是否重复申报")


def test_problem_copy_of_a_csv_is_a_new_workbook(tmp_path: Path, workspace: Workspace, enterprise: Enterprise) -> None:
    import openpyxl

    built = build(RosterSpec(workers=6, quirks={2: "bad_check", 4: "low_wage"}))
    path = write_csv(tmp_path / "r.csv", built, encoding="utf-8-sig")
    preview = prepare(workspace, enterprise, path)
    out = svc.write_problems_copy(workspace, preview, tmp_path / "退回")
    assert out.suffix == ".xlsx"
    sheet = openpyxl.load_workbook(out)["r"]
    assert sheet["D4"].fill.fgColor.rgb.endswith("FFC7CE")  # error: red
    assert sheet["K6"].fill.fgColor.rgb.endswith("FFEB9C")  # warning: yellow
    assert sheet["B2"].value == built.grid[1][1]


def _formula_like_source(kind: str, folder: Path) -> Path:
    from tests.roster_factory import formula_like_grid, workbook_of

    grid = formula_like_grid()
    if kind == "xls":  # a real BIFF8 file (tests/data/make_formula_like_xls.py)
        return DATA / "roster_formula_like.xls"
    if kind == "csv":
        return write_csv(folder / "r.csv", grid, encoding="utf-8")
    def as_text(cell: Any, row: int, value: object) -> None:
        if isinstance(value, str):
            cell.data_type = "s"  # the enterprise typed it as text

    workbook = workbook_of(grid, as_text)
    sheet = workbook.active
    assert sheet is not None
    sheet.cell(len(grid) + 2, 14, "=1+2")  # and one real formula of its own
    path = folder / "r.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "xls", "csv"])
def test_problem_copy_keeps_formula_like_cells_as_text(tmp_path: Path, workspace: Workspace, enterprise: Enterprise,
                                                       kind: str) -> None:
    """= + - @ (and a leading tab or CR) are written as text, never as a formula, content unchanged."""
    import openpyxl

    from tests.roster_factory import FORMULA_LIKE

    preview = prepare(workspace, enterprise, _formula_like_source(kind, tmp_path))
    assert preview.problem_records()
    out = svc.write_problems_copy(workspace, preview, tmp_path / "退回.xlsx")
    preview.close()
    workbook = openpyxl.load_workbook(out)
    sheet = workbook.worksheets[0]
    for row, value in enumerate(FORMULA_LIKE, start=2):
        cell = sheet.cell(row, 14)
        assert cell.data_type == "s", (kind, value, cell.data_type)
        assert cell.value == value.replace("\r", "\n"), (kind, value)  # XML reads a CR as LF; nothing else changes
    if kind == "xlsx":
        formula = sheet.cell(len(FORMULA_LIKE) + 3, 14)
        assert (formula.value, formula.data_type) == ("=1+2", "s")
    for listing_row in workbook["问题清单"].iter_rows():
        for cell in listing_row:
            assert cell.data_type != "f"


def test_template_has_text_ids_lists_and_instructions(tmp_path: Path, workspace: Workspace,
                                                      enterprise: Enterprise) -> None:
    import openpyxl

    from desktop.core.identifiers import is_valid_id_number
    from desktop.rosters.template import EXAMPLE, TEMPLATE_COLUMNS

    out = svc.write_template(tmp_path / "模板.xlsx")
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["名册", "填写说明", "代码表"]
    assert workbook["代码表"].sheet_state == "hidden"
    sheet = workbook["名册"]
    # a form to print, sign and stamp: title, 填报单位（盖章）, 填报日期 and 合计 above the columns
    assert sheet["A1"].value == "劳务协作地区就业人员名册" and "A1:O1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A2"].value == "填报单位（盖章）：" and sheet["H2"].value.startswith("填报日期：")
    assert sheet["L2"].value == "合计：" and sheet["M2"].value == '=COUNTA(B4:B1003)&"人"'
    assert sheet.print_title_rows == "$1:$3" and sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9 and sheet.print_options.gridLines  # A4
    assert "填表人" in sheet.oddFooter.left.text and "联系电话" in sheet.oddFooter.left.text
    assert "&P" in sheet.oddFooter.right.text
    headers = [c.value for c in sheet[3]]
    assert headers == [f.label for f, _, _ in TEMPLATE_COLUMNS]
    id_letter = "D"
    assert headers[3] == "公民身份号码" and sheet[f"{id_letter}4"].number_format == "@"
    assert sheet[f"{id_letter}1003"].number_format == "@" and sheet["O4"].number_format == "@"
    rules = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert rules["C4"].formula1 == '"男,女"'
    assert rules["F4"].type == "list" and "代码表" in rules["F4"].formula1
    assert rules["G4"].type == "list" and rules["E4"].type == "list" and rules["E4"].errorStyle == "warning"
    county_list = [r[0] for r in workbook["代码表"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert "汪清县" in county_list and len(county_list) == 60
    assert all(workspace.areas.resolve(name) is not None for name in county_list)
    groups = [r[1] for r in workbook["代码表"].iter_rows(min_row=2, values_only=True) if r[1]]
    assert groups == list(GROUP_LABELS.values())
    assert "文本" in "".join(str(r[0]) for r in workbook["填写说明"].iter_rows(values_only=True))
    # the guide's first rule names the row of the column names the enterprise sees (it said 第一行, the title's)
    rule = next(str(r[0]) for r in workbook["填写说明"].iter_rows(values_only=True) if str(r[0]).startswith("1. "))
    assert "不要改动第 3 行（蓝色）的列名" in rule and "从第 4 行起" in rule and "第一行" not in rule
    assert sheet["A3"].fill.fgColor.rgb.endswith("DDEBF7") and sheet["A4"].value is None
    assert is_valid_id_number(EXAMPLE[3])

    # The empty template is a roster with no rows; filled in, it imports cleanly.
    with pytest.raises(RosterError) as caught:
        prepare(workspace, enterprise, out)
    assert caught.value.code == "roster_no_rows"
    for column, value in enumerate(EXAMPLE, start=1):
        sheet.cell(4, column, value)
    workbook.save(tmp_path / "filled.xlsx")
    preview = prepare(workspace, enterprise, tmp_path / "filled.xlsx")
    assert [r.status for r in preview.rows] == ["valid"]
    assert preview.rows[0].paid_months and preview.rows[0].hire_date == "2026-03-01"
    preview.close()


def test_the_wizard_inspects_then_prepares_from_the_same_file(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise
) -> None:
    rf = svc.open_roster(SAMPLES / "roster_messy.xlsx")
    seen = svc.inspect_roster(workspace, enterprise.id, rf)
    assert seen.sheet == "Sheet1" and seen.layout is not None and seen.layout.header_row == 2
    assert seen.head[2][3] == "身份证号码" and ("id_number", "公民身份号码") in seen.field_choices()
    odd = write_xlsx(tmp_path / "odd.xlsx", [["人名", "身份号"], ["金明", "222401199001011230"]])
    unknown = svc.inspect_roster(workspace, enterprise.id, odd)
    assert unknown.layout is None and unknown.head[0] == ["人名", "身份号"]
    preview = svc.prepare_import(workspace, enterprise.id, rf, today=TODAY,
                                 columns={Field.PHONE: seen.layout.columns[Field.PHONE]})
    assert preview.file is rf and preview.counts["new"] == 25
    roster_commit.commit_import(workspace, preview)


def test_staged_rows_hold_what_the_ordinary_commit_writes(workspace: Workspace, enterprise: Enterprise) -> None:
    preview = prepare(workspace, enterprise, SAMPLES / "roster_clean.xlsx")
    assert len(roster_store.STAGE_COLUMNS) == 6 + len(roster_store.VALUE_COLUMNS)
    for row in preview.rows:
        assert roster_compare._stage_tuple(row) == (row.id_number, row.name, person_sort_key(row.name), row.sex,
                                                    row.birth_date, row.sheet_row,
                                         *roster_commit._values(row))
    preview.close()


def test_a_preview_made_on_another_connection_commits_the_ordinary_way(
    workspace: Workspace, enterprise: Enterprise,
) -> None:
    """The staged rows live in the preparing connection; once it is closed the commit still writes them all."""
    from desktop.services.workspace import Workspace as Ws

    other = Ws.open(workspace.store.path, workspace.actor)
    preview = prepare(other, enterprise, SAMPLES / "roster_clean.xlsx")
    assert preview.stage_token
    other.close()
    result = roster_commit.commit_import(workspace, preview)  # and close() does not touch the closed connection
    assert result.counts["new"] == 30
    assert len(roster_store.stored_workers(workspace.store, enterprise.id)) == 30
    preview.close()  # twice is fine


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_the_problem_copy_holds_full_id_numbers_so_it_is_the_owners_alone(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise
) -> None:
    preview = prepare(workspace, enterprise, SAMPLES / "roster_messy.xlsx")
    old = os.umask(0o022)
    try:
        out = svc.write_problems_copy(workspace, preview, tmp_path / "退回.xlsx")
    finally:
        os.umask(old)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
