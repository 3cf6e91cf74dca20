"""An unchanged re-import cut short by a digest (issue 15 item 1): the same preview as the full path, without
reading the rows; any difference in the file, in how it is read or in the office takes the full path."""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.policy import RuleSet
from desktop.core.roster import Field
from desktop.core.workers import PriorityGroup
from desktop.services import roster_commit
from desktop.services import roster_mapping
from desktop.services import rosters as svc
from desktop.services.enterprises import add_enterprise
from desktop.services.priority import mark_priority
from desktop.services.roster_undo import undo_import
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain
from tests.roster_factory import QUIRKS, RosterSpec, build, write_csv, write_xlsx

TODAY = datetime.date(2026, 11, 24)
DATA = Path(__file__).resolve().parents[1] / "data"


def _enterprise(ws: Workspace, uscc: str = "91110000600037341L", name: str = "延吉市长白山食品有限公司") -> Enterprise:
    return add_enterprise(ws, EnterpriseDraft(
        name=name, uscc=uscc, county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))


def _grid(workers: int = 40, seed: int = 3) -> list[list[object]]:
    quirks = {i: QUIRKS[i % len(QUIRKS)] for i in range(0, workers, 2)}  # every kind of problem, and clean rows
    return [list(row) for row in build(RosterSpec(workers=workers, seed=seed, quirks=quirks)).grid]  # type: ignore[arg-type]


def _roster(tmp_path: Path, name: str = "roster.xlsx", grid: list[list[object]] | None = None) -> Path:
    path = tmp_path / name
    write_xlsx(path, grid or _grid())
    return path


def _prepare(ws: Workspace, enterprise: Enterprise, path: Path, **options: Any) -> svc.RosterPreview:
    options.setdefault("today", TODAY)
    return svc.prepare_import(ws, enterprise.id, path, **options)


def _import(ws: Workspace, enterprise: Enterprise, path: Path, *, deactivate_absent: bool = False,
            **options: Any) -> roster_commit.ImportResult:
    return roster_commit.commit_import(ws, _prepare(ws, enterprise, path, **options), deactivate_absent=deactivate_absent)


def _shown(preview: svc.RosterPreview) -> dict[str, object]:
    """Everything the window and `laoxie import` show of a preview, but the rows without a problem."""
    return {
        "sheet": preview.sheet, "sheets": preview.sheets, "layout": preview.layout, "mapping": preview.mapping(),
        "fields": preview.fields, "counts": preview.counts, "absent": preview.absent,
        "minimum_wage": preview.minimum_wage, "remembered": preview.remembered, "unmapped": preview.unmapped,
        "problems": preview.problem_records(), "groups": preview.groups(), "skipped": preview.check.skipped,
        "rows": [(r.sheet_row, r.status, r.action, r.id_number, r.name, r.codes, r.changes, r.contract_type,
                  r.contract_start, r.contract_end, r.hukou_code, r.priority_claim, r.paid_months)
                 for r in preview.rows if r.problems],
    }


def _without_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the rows were read")

    monkeypatch.setattr(svc, "check_sheet", refuse)


def _assert_same_as_full(ws: Workspace, enterprise: Enterprise, path: Path, monkeypatch: pytest.MonkeyPatch,
                         **options: Any) -> svc.RosterPreview:
    full = _prepare(ws, enterprise, path, shortcut=False, **options)
    assert full.unchanged_since is None
    with monkeypatch.context() as m:
        _without_reading(m)
        short = _prepare(ws, enterprise, path, **options)
    assert short.unchanged_since is not None
    assert _shown(short) == _shown(full)
    assert short.counts["new"] == short.counts["updated"] == 0
    full.close()
    return short


def _state(ws: Workspace) -> dict[str, object]:
    conn = ws.store.conn
    return {table: [tuple(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]  # noqa: S608 - ours
            for table in ("persons", "employments", "roster_imports", "enterprises", "settings")}


@pytest.mark.parametrize("source", ["factory", "roster_messy.xlsx", "roster_clean.xlsx", "roster_gb18030.csv"])
def test_the_last_import_s_file_again_shows_what_the_full_path_shows_without_reading_it(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str,
) -> None:
    enterprise = _enterprise(workspace)
    path = _roster(tmp_path) if source == "factory" else DATA / source
    first = _import(workspace, enterprise, path)
    assert first.counts["new"] > 0

    short = _assert_same_as_full(workspace, enterprise, path, monkeypatch)
    assert short.unchanged_since.import_id == first.import_id
    at = workspace.store.conn.execute("SELECT imported_at FROM roster_imports WHERE id = ?",
                                      (first.import_id,)).fetchone()[0]
    day = datetime.datetime.fromisoformat(at)
    assert short.unchanged_since.text() == (
        f"与 {day.year} 年 {day.month} 月 {day.day} 日 {workspace.actor.display_name or workspace.actor.username} "
        f"导入的文件（导入 {first.import_id}）相同，名册此后未改动：没有要导入的变化。")


def test_a_second_roster_s_renames_absences_and_other_employers_come_out_as_the_full_path_has_them(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    enterprise = _enterprise(workspace)
    other = _enterprise(workspace, uscc="91350100M000100Y43", name="另一家企业")
    grid = _grid()
    _import(workspace, other, _roster(tmp_path, "other.xlsx", [grid[0], *grid[3:9]]))  # works elsewhere too
    _import(workspace, enterprise, _roster(tmp_path, "first.xlsx", grid))
    header, rows = grid[0], [list(r) for r in grid[1:]]
    name, wage = header.index("姓名"), header.index("月工资（元）")
    rows[1][name], rows[3][wage] = "欧阳新名", 5555.0  # renamed (a warning that the import settles), a new wage
    del rows[5:7]  # two people gone: absent, left active
    second = _roster(tmp_path, "second.xlsx", [header, *rows])
    result = _import(workspace, enterprise, second)
    assert result.counts["updated"] >= 2 and result.counts["absent"] >= 1

    short = _assert_same_as_full(workspace, enterprise, second, monkeypatch)
    assert short.counts["absent"] == result.counts["absent"]
    assert "worker_at_other_enterprise" in {g["code"] for g in short.groups()}

    roster_commit.commit_import(workspace, _prepare(workspace, enterprise, second), deactivate_absent=True)  # the full path
    _assert_same_as_full(workspace, enterprise, second, monkeypatch)


def test_committing_it_writes_nothing_but_its_audit_entry_and_the_import_stays_undoable(
    workspace: Workspace, tmp_path: Path,
) -> None:
    enterprise = _enterprise(workspace)
    path = _roster(tmp_path)
    first = _import(workspace, enterprise, path)
    before = _state(workspace)

    preview = _prepare(workspace, enterprise, path)
    assert preview.unchanged_since is not None
    result = roster_commit.commit_import(workspace, preview)
    assert result.import_id == first.import_id
    assert result.counts == {**preview.counts, "deactivated": 0}
    assert _state(workspace) == before
    action, detail = workspace.store.conn.execute(
        "SELECT action, detail FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert action == "roster.import_unchanged"
    assert json.loads(detail)["roster_import_id"] == first.import_id
    assert verify_chain(workspace.store.conn) == []

    again = _prepare(workspace, enterprise, path)  # a third time: still the last import's file
    assert again.unchanged_since is not None and again.unchanged_since.import_id == first.import_id
    again.close()
    undone = undo_import(workspace, first.import_id)  # the no-op built nothing on the import
    assert undone.counts["removed"] == first.counts["new"]


def _one_byte_differs(ws: Workspace, enterprise: Enterprise, tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    data = path.read_bytes()
    at = data.rindex(b"3")
    path.write_bytes(data[:at] + b"4" + data[at + 1:])
    return path


def _another_rule_set(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path | None]:
    def change(ws: Workspace, enterprise: Enterprise, tmp_path: Path) -> None:
        other = copy.copy(RuleSet.load())
        other.version += "-changed"
        monkeypatch.setattr(RuleSet, "load", classmethod(lambda cls, *a, **k: other))
    return change


def _changed_by_hand(ws: Workspace, enterprise: Enterprise, tmp_path: Path) -> None:
    employment = ws.store.conn.execute(
        "SELECT id FROM employments WHERE enterprise_id = ? ORDER BY id LIMIT 1", (enterprise.id,)).fetchone()[0]
    mark_priority(ws, enterprise.id, [employment], PriorityGroup.POVERTY_ALLEVIATED, "县脱贫人口名单 2026-11")


def _another_import(ws: Workspace, enterprise: Enterprise, tmp_path: Path) -> None:
    other = _enterprise(ws, uscc="91350100M000100Y43", name="另一家企业")
    path = tmp_path / "other.xlsx"
    write_xlsx(path, _grid(6, seed=77))
    _import(ws, other, path)


def _undone(ws: Workspace, enterprise: Enterprise, tmp_path: Path) -> None:
    later = tmp_path / "later.csv"
    write_csv(later, _grid(8, seed=5))
    result = _import(ws, enterprise, later)
    undo_import(ws, result.import_id)  # the last import is the first one again, but rows moved since


def _another_mapping(ws: Workspace, enterprise: Enterprise, tmp_path: Path) -> None:
    header = roster_mapping.remembered_mapping(ws, enterprise.id)["fields"]["phone"]
    with ws.store.transaction():  # as the wizard leaves it when the clerk says the phone column is not one
        ws.store.set_setting(f"roster_mapping:{enterprise.id}", json.dumps({"ignored": {"phone": header}}))


CHANGES: dict[str, Any] = {
    "one byte": (_one_byte_differs, {}),
    "another rule set": (None, {}),
    "roster changed by hand": (_changed_by_hand, {}),
    "another enterprise's import": (_another_import, {}),
    "an import undone since": (_undone, {}),
    "another mapping remembered": (_another_mapping, {}),
    "another check date": (None, {"today": TODAY + datetime.timedelta(days=1)}),
    "another column chosen": (None, {"columns": {Field.PHONE: None}}),
    "another header row": (None, {"header_row": 1}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_difference_takes_the_full_path(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str,
) -> None:
    enterprise = _enterprise(workspace)
    path = tmp_path / "roster.csv"
    write_csv(path, _grid())
    _import(workspace, enterprise, path)
    alter, options = CHANGES[change]
    if change == "another rule set":
        alter = _another_rule_set(monkeypatch)
    found = alter(workspace, enterprise, tmp_path) if alter else None
    preview = _prepare(workspace, enterprise, found or path, **options)
    assert preview.unchanged_since is None
    full = _prepare(workspace, enterprise, found or path, shortcut=False, **options)
    assert _shown(preview) == _shown(full)
    preview.close()
    full.close()


def test_an_import_undone_leaves_nothing_to_repeat(workspace: Workspace, tmp_path: Path) -> None:
    enterprise = _enterprise(workspace)
    path = _roster(tmp_path)
    undo_import(workspace, _import(workspace, enterprise, path).import_id)
    preview = _prepare(workspace, enterprise, path)
    assert preview.unchanged_since is None and preview.counts["new"] > 0
    preview.close()


def test_a_change_between_the_preview_and_the_commit_commits_in_full(workspace: Workspace, tmp_path: Path) -> None:
    enterprise = _enterprise(workspace)
    path = _roster(tmp_path)
    first = _import(workspace, enterprise, path)
    preview = _prepare(workspace, enterprise, path)
    assert preview.unchanged_since is not None
    _changed_by_hand(workspace, enterprise, tmp_path)
    result = roster_commit.commit_import(workspace, preview)
    assert result.import_id > first.import_id  # a real import, recorded as one
    assert result.counts["unchanged"] == first.counts["new"]


def test_marking_the_absent_as_left_takes_the_full_path(workspace: Workspace, tmp_path: Path) -> None:
    enterprise = _enterprise(workspace)
    grid = _grid()
    _import(workspace, enterprise, _roster(tmp_path, "first.xlsx", grid))
    second = _roster(tmp_path, "second.xlsx", [grid[0], *grid[1:-3]])
    _import(workspace, enterprise, second)
    preview = _prepare(workspace, enterprise, second)
    assert preview.unchanged_since is not None and preview.counts["absent"] >= 1
    result = roster_commit.commit_import(workspace, preview, deactivate_absent=True)
    assert result.counts["deactivated"] == preview.counts["absent"]
    active = workspace.store.conn.execute(
        "SELECT count(*) FROM employments WHERE enterprise_id = ? AND active = 1", (enterprise.id,)).fetchone()[0]
    assert active == preview.counts["valid"]


def test_a_forgotten_mapping_reads_as_the_first_import_did_and_is_remembered_again(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    enterprise = _enterprise(workspace)
    path = _roster(tmp_path)
    _import(workspace, enterprise, path)
    remembered = roster_mapping.remembered_mapping(workspace, enterprise.id)
    assert remembered["fields"]
    roster_mapping.forget_mapping(workspace, enterprise.id)
    short = _assert_same_as_full(workspace, enterprise, path, monkeypatch)
    roster_commit.commit_import(workspace, short)
    assert roster_mapping.remembered_mapping(workspace, enterprise.id) == remembered


def test_recording_the_digests_reads_the_sheet_once(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first import checks its remembered mapping on the header rows it has read, not on a second load."""
    from desktop.rosters.reader import RosterFile

    loads: list[str] = []
    load = RosterFile._load  # noqa: SLF001

    def counted(self: RosterFile, name: str) -> Any:
        loads.append(name)
        return load(self, name)

    monkeypatch.setattr(RosterFile, "_load", counted)
    enterprise = _enterprise(workspace)
    path = _roster(tmp_path)
    preview = _prepare(workspace, enterprise, path)
    assert len(preview.reimport_keys) == 2  # as read (nothing remembered) and with the mapping it leaves
    roster_commit.commit_import(workspace, preview)
    assert loads == ["名册"]
