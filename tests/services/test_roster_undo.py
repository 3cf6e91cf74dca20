"""Undoing a roster import (issue 15 item 2): the office comes back exactly as before the import,
without the verified copy of the whole office each import used to take first."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.workers import PriorityGroup
from desktop.core.roster import Field
from desktop.services import backups
from desktop.services import roster_commit
from desktop.services import rosters as svc
from desktop.services import roster_view
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.priority import mark_priority
from desktop.services.roster_undo import last_undoable, undo_import
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain
from tests.roster_factory import RosterSpec, build, write_xlsx

TODAY = datetime.date(2026, 11, 24)


def _enterprise(ws: Workspace, uscc: str = "91110000600037341L", name: str = "延吉市长白山食品有限公司") -> Enterprise:
    return add_enterprise(ws, EnterpriseDraft(
        name=name, uscc=uscc, county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))


def _import(ws: Workspace, enterprise: Enterprise, path: Path, **kwargs: Any) -> roster_commit.ImportResult:
    preview = svc.prepare_import(ws, enterprise.id, path, today=TODAY)
    return roster_commit.commit_import(ws, preview, **kwargs)


def _state(ws: Workspace, enterprise: Enterprise) -> dict[str, object]:
    """Every row an import may change, every column."""
    conn = ws.store.conn
    return {
        "persons": [tuple(r) for r in conn.execute("SELECT * FROM persons ORDER BY id")],
        "employments": [tuple(r) for r in conn.execute("SELECT * FROM employments ORDER BY id")],
        "mapping": ws.store.setting(f"roster_mapping:{enterprise.id}") or "{}",
    }


def _grid(workers: int, seed: int) -> list[list[object]]:
    return [list(row) for row in build(RosterSpec(workers=workers, seed=seed)).grid]


def _second_roster(first: list[list[object]], tmp_path: Path) -> Path:
    """The same enterprise a month later: one wage changed, one name corrected, two people gone, five new."""
    header = first[0]
    wage, name = header.index("月工资（元）"), header.index("姓名")
    rows = [list(r) for r in first[1:]]
    rows[0][wage] = 5555.0
    rows[1][name] = "欧阳新名"
    del rows[2:4]
    rows.extend(_grid(5, seed=99)[1:])
    path = tmp_path / "second.xlsx"
    write_xlsx(path, [header, *rows])
    return path


def test_undoing_an_import_puts_back_every_row_it_added_changed_or_made_inactive(
    workspace: Workspace, tmp_path: Path,
) -> None:
    enterprise = _enterprise(workspace)
    first = _grid(12, seed=3)
    write_xlsx(tmp_path / "first.xlsx", first)
    _import(workspace, enterprise, tmp_path / "first.xlsx")
    before = _state(workspace, enterprise)

    result = _import(workspace, enterprise, _second_roster(first, tmp_path), deactivate_absent=True)
    assert (result.counts["new"], result.counts["updated"], result.counts["deactivated"]) == (5, 2, 2)
    assert _state(workspace, enterprise) != before

    undone = undo_import(workspace, result.import_id)
    assert undone.counts == {"removed": 5, "restored": 4, "persons_restored": 1, "persons_removed": 5}
    assert _state(workspace, enterprise) == before
    [entry] = workspace.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'roster.undo'").fetchall()
    assert json.loads(entry[0])["roster_import_id"] == result.import_id
    assert verify_chain(workspace.store.conn) == []
    history = roster_view.roster_history(workspace, enterprise.id)
    assert history[0]["id"] == result.import_id and history[0]["undone_at"]
    with pytest.raises(ServiceError) as again:
        undo_import(workspace, result.import_id)
    assert again.value.code == "import_already_undone"
    # the first import is now the newest: it can be undone too, down to an empty office
    assert last_undoable(workspace, enterprise.id).id == result.import_id - 1  # type: ignore[union-attr]
    undo_import(workspace, result.import_id - 1)
    assert _state(workspace, enterprise) == {"persons": [], "employments": [], "mapping": "{}"}


def test_a_name_another_enterprise_changed_on_a_shared_person_is_put_back(workspace: Workspace, tmp_path: Path) -> None:
    one = _enterprise(workspace)
    two = _enterprise(workspace, "91220101MA0Y8BTN18", "长春市甲建筑有限公司")
    grid = _grid(4, seed=5)
    write_xlsx(tmp_path / "one.xlsx", grid)
    _import(workspace, one, tmp_path / "one.xlsx")
    before = _state(workspace, two)
    moved = [list(r) for r in grid]
    moved[1][grid[0].index("姓名")] = "改名字"
    write_xlsx(tmp_path / "two.xlsx", moved)
    result = _import(workspace, two, tmp_path / "two.xlsx")
    assert result.counts["new"] == 4
    renamed = workspace.store.conn.execute("SELECT count(*) FROM persons WHERE name = '改名字'").fetchone()[0]
    assert renamed == 1
    assert undo_import(workspace, result.import_id).counts["persons_restored"] == 4
    assert _state(workspace, two) == before  # the persons stay (the first enterprise's), with their names


def test_an_import_built_upon_or_not_the_newest_is_not_undone(workspace: Workspace, tmp_path: Path) -> None:
    enterprise = _enterprise(workspace)
    write_xlsx(tmp_path / "a.xlsx", _grid(6, seed=1))
    first = _import(workspace, enterprise, tmp_path / "a.xlsx")
    write_xlsx(tmp_path / "b.xlsx", _grid(6, seed=2))
    second = _import(workspace, enterprise, tmp_path / "b.xlsx")
    with pytest.raises(ServiceError) as older:
        undo_import(workspace, first.import_id)
    assert older.value.code == "import_not_latest"

    [employment] = workspace.store.conn.execute(
        "SELECT id FROM employments WHERE roster_import_id = ? LIMIT 1", (second.import_id,)).fetchone()
    mark_priority(workspace, enterprise.id, [employment], PriorityGroup.POVERTY_ALLEVIATED, "县脱贫人口名单 2026-11")
    state = _state(workspace, enterprise)
    with pytest.raises(ServiceError) as built:
        undo_import(workspace, second.import_id)
    assert built.value.code == "import_built_upon" and "标记重点群体" in str(built.value)
    assert _state(workspace, enterprise) == state
    with pytest.raises(ServiceError) as unknown:
        undo_import(workspace, 999)
    assert unknown.value.code == "import_not_found"


def test_an_import_takes_a_verified_copy_only_when_one_is_due(workspace: Workspace, tmp_path: Path) -> None:
    """The copy grew with the office; an import now leans on its undo record and the regular backups."""
    enterprise = _enterprise(workspace)
    write_xlsx(tmp_path / "a.xlsx", _grid(5, seed=1))
    write_xlsx(tmp_path / "b.xlsx", _grid(5, seed=2))

    def copies() -> int:
        return int(workspace.store.conn.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'db.backup'").fetchone()[0])

    assert backups.backup_due(workspace)
    _import(workspace, enterprise, tmp_path / "a.xlsx")
    assert copies() == 1  # none yet: the first import makes one
    _import(workspace, enterprise, tmp_path / "b.xlsx")
    assert copies() == 1  # a fresh one exists: the second import does not copy the office again


def test_the_column_mapping_the_import_replaced_comes_back(workspace: Workspace, tmp_path: Path) -> None:
    enterprise = _enterprise(workspace)
    grid = _grid(4, seed=8)
    write_xlsx(tmp_path / "a.xlsx", grid)
    _import(workspace, enterprise, tmp_path / "a.xlsx")
    mapping = workspace.store.setting(f"roster_mapping:{enterprise.id}")
    preview = svc.prepare_import(workspace, enterprise.id, tmp_path / "a.xlsx", today=TODAY,
                                 columns={Field.JOB: None})
    result = roster_commit.commit_import(workspace, preview)
    assert workspace.store.setting(f"roster_mapping:{enterprise.id}") != mapping
    undo_import(workspace, result.import_id)
    assert workspace.store.setting(f"roster_mapping:{enterprise.id}") == mapping


def test_a_cancel_stops_the_undo_inside_its_long_statement_and_undoes_nothing(
    workspace: Workspace, tmp_path: Path,
) -> None:
    """The undo is one transaction whose DELETE of an import's employments runs for seconds on 100,000
    rows: a cancel is seen inside that statement (SQLite's progress handler), and rolls it all back."""
    from desktop.core.roster import RosterError

    enterprise = _enterprise(workspace)
    write_xlsx(tmp_path / "first.xlsx", _grid(600, seed=3))
    result = _import(workspace, enterprise, tmp_path / "first.xlsx")
    before = _state(workspace, enterprise)
    steps: list[int] = []
    with pytest.raises(RosterError) as stopped:
        undo_import(workspace, result.import_id, progress=lambda _stage, done, _total: steps.append(done),
                    cancel=lambda: True)
    assert stopped.value.code == "roster_cancelled"
    assert steps == []  # stopped before its first statement ended, not at a check after it
    assert _state(workspace, enterprise) == before and not workspace.store.conn.in_transaction
    assert last_undoable(workspace, enterprise.id).id == result.import_id  # type: ignore[union-attr]
    undone = undo_import(workspace, result.import_id, progress=lambda _stage, done, _total: steps.append(done),
                         cancel=lambda: False)
    assert undone.counts["removed"] == 600 and steps == [1, 2, 3, 4]
