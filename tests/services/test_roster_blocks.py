"""A big roster's preview (desktop.services.roster_blocks): compared and staged block by block as it is
checked, keeping only the rows the screen shows. Forced here on small generated rosters (LEAN_ROWS 0),
it must give what the everyday preview gives: the same counts, problems, every row, and the same import."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest

from desktop.cli.roster import import_record
from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.roster import RosterError
from desktop.services import roster_blocks, roster_commit
from desktop.services import rosters as svc
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from tests.roster_factory import RosterSpec, build, write_xlsx

TODAY = datetime.date(2026, 11, 24)
SPEC = RosterSpec(workers=300, seed=11, headers="messy", title=True, blank_every=37, closing=True, quirks={
    3: "numeric_id", 7: "lower_x", 19: "bad_date", 23: "duplicate", 40: "no_name", 41: "low_wage",
    55: "sex_mismatch", 60: "id_length", 77: "open_ended", 90: "future_birth",
})


@pytest.fixture
def enterprise(workspace: Workspace) -> Enterprise:
    return add_enterprise(workspace, EnterpriseDraft(
        name="延吉市长白山食品有限公司", uscc="91110000600037341L", county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))


def prepare(ws: Workspace, enterprise: Enterprise, path: Path, *, lean: bool,
            monkeypatch: pytest.MonkeyPatch) -> svc.RosterPreview:
    monkeypatch.setattr(roster_blocks, "LEAN_ROWS", 0 if lean else 10**9)
    return svc.prepare_import(ws, enterprise.id, path, today=TODAY)


def same_preview(everyday: svc.RosterPreview, lean: svc.RosterPreview) -> None:
    assert lean.handed_on > 0 and everyday.handed_on == 0
    assert lean.counts == everyday.counts and lean.absent == everyday.absent
    assert lean.problem_records() == everyday.problem_records() and lean.groups() == everyday.groups()
    assert lean.rows == everyday.rows  # every row, the handed-on ones rebuilt from the staging table
    assert lean.row_count == len(everyday.rows)
    assert len(lean.shown_rows) == len(everyday.rows) - lean.handed_on
    assert all(r.problems or r.action != "new" for r in lean.shown_rows)


def test_a_big_sheets_preview_and_import_are_the_everyday_ones(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(SPEC))
    everyday = prepare(workspace, enterprise, path, lean=False, monkeypatch=monkeypatch)
    expected = {r.id_number: dataclasses.replace(r) for r in everyday.rows if r.action == "new"}
    everyday.close()
    lean = prepare(workspace, enterprise, path, lean=True, monkeypatch=monkeypatch)
    same_preview(everyday, lean)
    result = roster_commit.commit_import(workspace, lean)
    assert result.counts["new"] == len(expected)
    stored = roster_store.stored_workers(workspace.store, enterprise.id)
    assert {n: (w.name, w.values["hukou_code"], w.values["contract_end"], w.values["monthly_wage"])
            for n, w in stored.items()} == {
        n: (r.name, r.hukou_code, r.contract_end, r.monthly_wage) for n, r in expected.items()}
    record = import_record(lean, full_ids=True)  # `import --json` after the commit lists every row
    assert [r["sheet_row"] for r in record["rows"]] == [r.sheet_row for r in everyday.rows]


def test_a_big_sheet_reimported_with_changes(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = build(SPEC)
    first = write_xlsx(tmp_path / "first.xlsx", built)
    roster_commit.commit_import(workspace, prepare(workspace, enterprise, first, lean=False, monkeypatch=monkeypatch))
    header = built.header_row  # 1-based
    wage = next(c for c, v in enumerate(built.grid[header - 1]) if "工资" in str(v) or "收入" in str(v))
    grid = [list(r) for r in built.grid]
    for row in grid[header:header + 20]:
        if isinstance(row[wage], (int, float)):
            row[wage] = row[wage] + 100
    del grid[header + 30:header + 40]  # ten workers leave
    grid.extend([list(r) for r in build(dataclasses.replace(SPEC, seed=12, title=False, closing=False,
                                                            quirks={})).grid[1:60]])  # new workers
    second = write_xlsx(tmp_path / "second.xlsx", grid, merged=built.merged)
    everyday = prepare(workspace, enterprise, second, lean=False, monkeypatch=monkeypatch)
    assert everyday.counts["updated"] and everyday.counts["new"] and everyday.counts["absent"]
    everyday.close()
    lean = prepare(workspace, enterprise, second, lean=True, monkeypatch=monkeypatch)
    same_preview(everyday, lean)
    result = roster_commit.commit_import(workspace, lean, deactivate_absent=True)
    assert result.counts["updated"] == everyday.counts["updated"]
    assert result.counts["deactivated"] == everyday.counts["absent"]


def test_a_big_sheets_preview_expires_with_its_staging(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(SPEC))
    lean = prepare(workspace, enterprise, path, lean=True, monkeypatch=monkeypatch)
    newer = prepare(workspace, enterprise, path, lean=True, monkeypatch=monkeypatch)  # replaces its staging
    before = workspace.store.table_counts()["employments"]
    with pytest.raises(RosterError) as caught:
        roster_commit.commit_import(workspace, lean)
    assert caught.value.code == "roster_preview_expired" and "重新核对" in str(caught.value)
    assert workspace.store.table_counts()["employments"] == before
    roster_commit.commit_import(workspace, newer)
    assert workspace.store.table_counts()["employments"] == before + newer.counts["new"]


def test_a_big_sheet_whose_staging_fails_keeps_every_row(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(dataclasses.replace(SPEC, workers=5000, quirks={})))
    everyday = prepare(workspace, enterprise, path, lean=False, monkeypatch=monkeypatch)
    everyday.close()
    calls = 0
    real = roster_store.stage_more

    def fails_second_time(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("no space left on device")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(roster_store, "stage_more", fails_second_time)
    lean = prepare(workspace, enterprise, path, lean=True, monkeypatch=monkeypatch)
    assert calls == 2 and lean.handed_on == 0 and not lean.stage_token
    assert lean.rows == everyday.rows and lean.counts == everyday.counts
    result = roster_commit.commit_import(workspace, lean)  # the ordinary way
    assert result.counts["new"] == everyday.counts["new"]


def test_a_big_sheet_cancelled_while_checked_leaves_no_staging(
    tmp_path: Path, workspace: Workspace, enterprise: Enterprise, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", build(dataclasses.replace(SPEC, workers=5000, quirks={})))
    monkeypatch.setattr(roster_blocks, "LEAN_ROWS", 0)
    asked = 0

    def cancel() -> bool:
        nonlocal asked
        asked += 1
        return asked > 2  # once the sheet is chosen, and after the first block: then cancelled

    staged = []
    real = roster_store.stage_more
    monkeypatch.setattr(roster_store, "stage_more", lambda *a, **k: staged.append(1) or real(*a, **k))
    with pytest.raises(RosterError) as caught:
        svc.prepare_import(workspace, enterprise.id, path, today=TODAY, cancel=cancel)
    assert caught.value.code == "roster_cancelled" and staged
    assert not workspace.store.conn.execute(
        "SELECT count(*) FROM sqlite_temp_master WHERE name LIKE 'roster_stage_%'").fetchone()[0]
