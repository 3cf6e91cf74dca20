"""Marking priority-group workers: evidence required, audited, refused when locked, counted by the engine."""

from __future__ import annotations

import json

import pytest

from desktop.core.workers import PriorityGroup
from desktop.services import eligibility, reviews
from desktop.services import roster_view
from desktop.services.errors import ServiceError
from desktop.services.priority import mark_priority
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain
from tests.letters.cases import Case, add_case


@pytest.fixture
def case(workspace: Workspace) -> Case:
    return add_case(workspace, workers=12, priority=0)


def employment_ids(ws: Workspace, enterprise_id: int) -> list[int]:
    return roster_view.roster_ids(ws, roster_view.RosterQuery(enterprise_id))


def marks(ws: Workspace, ids: list[int]) -> list[tuple[str | None, str]]:
    return [(r.priority_group, r.priority_evidence) for r in roster_view.roster_records(ws, ids)]


def audit_entries(ws: Workspace, action: str) -> list[dict[str, object]]:
    rows = ws.store.conn.execute("SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))
    return [json.loads(r[0]) for r in rows]


def code_of(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.code


def test_marking_one_and_a_selection_is_recorded(workspace: Workspace, case: Case) -> None:
    ids = employment_ids(workspace, case.enterprise_id)
    assert mark_priority(workspace, case.enterprise_id, ids[:1], PriorityGroup.EMPLOYMENT_DIFFICULTY,
                         "  延就困认 2026 第 031 号 ") == 1
    assert marks(workspace, ids[:1]) == [("employment_difficulty", "延就困认 2026 第 031 号")]
    assert mark_priority(workspace, case.enterprise_id, ids[1:4], PriorityGroup.POVERTY_ALLEVIATED, "延吉镇证明 17") == 3
    assert marks(workspace, ids[1:4]) == [("poverty_alleviated", "延吉镇证明 17")] * 3
    assert marks(workspace, ids[4:5]) == [(None, "")]
    # The same mark again changes nothing and writes no entry.
    assert mark_priority(workspace, case.enterprise_id, ids[1:3], PriorityGroup.POVERTY_ALLEVIATED, "延吉镇证明 17") == 0
    entries = audit_entries(workspace, "roster.mark_priority")
    assert [e["count"] for e in entries] == [1, 3]
    assert entries[1]["employment_ids"] == ids[1:4]
    assert entries[1]["before"] == [[i, None, ""] for i in ids[1:4]]
    # Clearing keeps what was there in the log.
    assert mark_priority(workspace, case.enterprise_id, ids[:2], None) == 2
    assert marks(workspace, ids[:2]) == [(None, "")] * 2
    cleared = audit_entries(workspace, "roster.unmark_priority")
    assert cleared[0]["before"] == [[ids[0], "employment_difficulty", "延就困认 2026 第 031 号"],
                                    [ids[1], "poverty_alleviated", "延吉镇证明 17"]]
    assert verify_chain(workspace.store.conn) == []


def test_a_mark_needs_evidence_and_the_enterprises_own_workers(workspace: Workspace, case: Case) -> None:
    ids = employment_ids(workspace, case.enterprise_id)
    assert code_of(mark_priority, workspace, case.enterprise_id, ids[:1], PriorityGroup.UNEMPLOYED_GRADUATE, "  ") \
        == "priority_evidence_required"
    with pytest.raises(ServiceError) as caught:
        mark_priority(workspace, case.enterprise_id, ids[:1], PriorityGroup.UNEMPLOYED_GRADUATE, "")
    assert "毕业院校及毕业年份" in str(caught.value)
    assert code_of(mark_priority, workspace, case.enterprise_id, ids[:1], PriorityGroup.UNEMPLOYED_GRADUATE,
                   "x" * 201) == "priority_evidence_too_long"
    assert code_of(mark_priority, workspace, case.enterprise_id, [], PriorityGroup.UNEMPLOYED_GRADUATE, "x") \
        == "no_workers_selected"
    other = add_case(workspace, 2, workers=3)
    theirs = employment_ids(workspace, other.enterprise_id)
    assert code_of(mark_priority, workspace, case.enterprise_id, [ids[0], theirs[0]],
                   PriorityGroup.UNEMPLOYED_GRADUATE, "延边大学 2025") == "workers_not_found"
    assert marks(workspace, ids[:1]) == [(None, "")]  # nothing half-done
    assert audit_entries(workspace, "roster.mark_priority") == []


def test_refused_without_permission_and_while_locked(workspace: Workspace, approver_ws: Workspace,
                                                     admin_ws: Workspace, case: Case) -> None:
    ids = employment_ids(workspace, case.enterprise_id)
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    assert code_of(mark_priority, workspace, case.enterprise_id, ids[:1], PriorityGroup.POVERTY_ALLEVIATED, "证明 1") \
        == "application_locked"
    reviews.return_for_changes(approver_ws, case.application_id, "补充重点群体证明")
    assert mark_priority(workspace, case.enterprise_id, ids[:1], PriorityGroup.POVERTY_ALLEVIATED, "证明 1") == 1


def test_the_engine_counts_a_marked_worker(workspace: Workspace, case: Case) -> None:
    before = eligibility.check_application(workspace, case.application_id)
    assert before.priority_workers == 0
    ids = employment_ids(workspace, case.enterprise_id)
    mark_priority(workspace, case.enterprise_id, ids[:2], PriorityGroup.REGISTERED_UNEMPLOYED, "延失登 0042")
    after = eligibility.check_application(workspace, case.application_id)
    assert after.priority_workers == 2
    assert dict(after.priority_counts) == {PriorityGroup.REGISTERED_UNEMPLOYED: 2}
