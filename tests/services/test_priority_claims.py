"""Priority groups the enterprise claims (企业申报) count only once the clerk verifies them (issue 17, 1)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.core.workers import PriorityGroup
from desktop.services import eligibility
from desktop.services import roster_view
from desktop.services.errors import ServiceError
from desktop.services.priority import mark_priority, verify_claims
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain
from desktop.store.db import available_migrations, open_connection
from tests.letters.cases import Case, add_case

LIST_CHECK = "核对延吉市脱贫人口名单（2026年5月）"


@pytest.fixture
def case(workspace: Workspace) -> Case:
    return add_case(workspace, workers=12, priority=0)


def ids_of(ws: Workspace, enterprise_id: int, group: str = "") -> list[int]:
    return roster_view.roster_ids(ws, roster_view.RosterQuery(enterprise_id, priority_group=group))


def claim(ws: Workspace, employment_ids: list[int], group: PriorityGroup) -> None:
    """What a roster import writes when the 重点群体 column names a group."""
    with ws.store.transaction():
        ws.store.conn.executemany("UPDATE employments SET priority_claim = ? WHERE id = ?",
                                  [(group.value, i) for i in employment_ids])


def test_a_claim_counts_only_once_verified_with_one_reference_for_a_selection(
        workspace: Workspace, case: Case) -> None:
    ids = ids_of(workspace, case.enterprise_id)
    claim(workspace, ids[:3], PriorityGroup.POVERTY_ALLEVIATED)
    claim(workspace, ids[3:4], PriorityGroup.REGISTERED_UNEMPLOYED)
    before = eligibility.check_application(workspace, case.application_id)
    assert (before.priority_claimed, before.priority_verified, before.priority_workers) == (4, 0, 0)
    assert before.priority_borrower is False  # passes the normal standard, but nothing is verified
    assert "重点群体：计入人员中企业申报4人，经办人核实0人。" in before.explanation()
    assert len(ids_of(workspace, case.enterprise_id, "claimed")) == 4

    # One reference covers a selection; workers without a claim in it are left alone.
    assert verify_claims(workspace, case.enterprise_id, ids[:5], LIST_CHECK) == 4
    records = roster_view.roster_records(workspace, ids[:5])
    assert [(r.priority_group, r.priority_evidence) for r in records] == [
        ("poverty_alleviated", LIST_CHECK)] * 3 + [("registered_unemployed", LIST_CHECK), (None, "")]
    after = eligibility.check_application(workspace, case.application_id)
    assert (after.priority_claimed, after.priority_verified, after.priority_workers) == (4, 4, 4)
    assert after.priority_borrower is True
    assert ids_of(workspace, case.enterprise_id, "claimed") == []

    [entry] = [json.loads(r[0]) for r in workspace.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'roster.verify_priority'")]
    assert entry["evidence"] == LIST_CHECK and entry["count"] == 4
    assert entry["claims"][3] == [ids[3], "registered_unemployed"]
    assert verify_claims(workspace, case.enterprise_id, ids[:4], LIST_CHECK) == 0  # already so
    assert verify_chain(workspace.store.conn) == []


def test_verifying_needs_evidence_and_a_claim(workspace: Workspace, case: Case) -> None:
    ids = ids_of(workspace, case.enterprise_id)
    claim(workspace, ids[:1], PriorityGroup.POVERTY_ALLEVIATED)
    for evidence, code in (("  ", "priority_verify_evidence_required"), ("x" * 201, "priority_evidence_too_long")):
        with pytest.raises(ServiceError) as caught:
            verify_claims(workspace, case.enterprise_id, ids[:1], evidence)
        assert caught.value.code == code
    with pytest.raises(ServiceError) as caught:
        verify_claims(workspace, case.enterprise_id, ids[1:3], LIST_CHECK)
    assert caught.value.code == "priority_no_claims" and "标记重点群体" in str(caught.value)


def test_a_group_the_clerk_marks_is_verified_and_a_new_roster_does_not_undo_it(
        workspace: Workspace, case: Case) -> None:
    ids = ids_of(workspace, case.enterprise_id)
    assert mark_priority(workspace, case.enterprise_id, ids[:1], PriorityGroup.EMPLOYMENT_DIFFICULTY, "延就困认 31") == 1
    claim(workspace, ids[:1], PriorityGroup.POVERTY_ALLEVIATED)  # the next roster claims another group
    decision = eligibility.check_application(workspace, case.application_id)
    assert (decision.priority_claimed, decision.priority_verified) == (1, 1)
    assert decision.priority_counts == ((PriorityGroup.EMPLOYMENT_DIFFICULTY, 1),)
    [noted] = [w for w in decision.workers if w.notes]
    assert [n.text() for n in noted.notes] == ["企业申报为脱贫人口，经办人核实为就业困难人员"]


def test_a_verified_group_without_evidence_is_refused_by_the_database(workspace: Workspace, case: Case) -> None:
    ids = ids_of(workspace, case.enterprise_id)
    with pytest.raises(sqlite3.IntegrityError), workspace.store.transaction():
        workspace.store.conn.execute(
            "UPDATE employments SET priority_group = 'poverty_alleviated' WHERE id = ?", (ids[0],))


def test_existing_offices_migrate_marks_with_evidence_stay_verified(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    migrations = available_migrations()
    at = next(i for i, m in enumerate(migrations) if m.path.name.endswith("_priority_claims.sql"))
    conn = open_connection(path, migrations=migrations[:at])
    conn.executescript("""
        INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)
            VALUES ('222401', '延吉市就业服务局', 'county', '延吉人社劳协确', 1, 'now', 'now');
        INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at, updated_at)
            VALUES (1, '91110000600037341L', '甲公司', '222401', 'other', 30, 'now', 'now');
        INSERT INTO persons (id_number, name, created_at, updated_at) VALUES
            ('11010519491231002X', '甲', 'now', 'now'), ('110105194912310037', '乙', 'now', 'now'),
            ('110105194912310045', '丙', 'now', 'now');
        INSERT INTO employments (enterprise_id, person_id, priority_group, priority_evidence, created_at, updated_at)
            VALUES (1, 1, 'poverty_alleviated', '延吉镇证明 17', 'now', 'now'),
                   (1, 2, 'registered_unemployed', '', 'now', 'now'),
                   (1, 3, NULL, '', 'now', 'now');
    """)
    conn.close()
    conn = open_connection(path)
    try:
        rows = conn.execute(
            "SELECT priority_group, priority_evidence, priority_claim FROM employments ORDER BY person_id").fetchall()
    finally:
        conn.close()
    assert [tuple(r) for r in rows] == [
        ("poverty_alleviated", "延吉镇证明 17", None),  # the clerk's mark with evidence: still verified
        (None, "", "registered_unemployed"),  # the roster's column without evidence: now a claim
        (None, "", None),
    ]


def test_the_clerk_answers_an_id_area_that_differs_from_the_hukou(workspace: Workspace, case: Case) -> None:
    from desktop.services.priority import record_hukou_check

    ids = ids_of(workspace, case.enterprise_id)
    # the first worker's ID number was issued in 龙井 (222405); the roster now says 敦化 (222403)
    with workspace.store.transaction():
        workspace.store.conn.execute("UPDATE employments SET hukou_code = '222403', hukou_text = '敦化市' WHERE id = ?",
                                     (ids[0],))
    before = eligibility.check_application(workspace, case.application_id)
    first = next(w for w in before.workers if w.facts.ref == ids[0])
    assert first.counted and [n.code for n in first.notes] == ["id_area_differs"]
    assert "与户籍地敦化市（222403）不同：请核对户口簿，或决定不计入" in first.notes[0].text()
    assert "warn_id_area_differs" in [w.code for w in before.warnings]

    assert record_hukou_check(workspace, case.enterprise_id, ids[:1], "checked") == 1
    checked = eligibility.check_application(workspace, case.application_id)
    first = next(w for w in checked.workers if w.facts.ref == ids[0])
    assert first.counted and [n.code for n in first.notes] == ["id_area_checked"]
    assert "warn_id_area_differs" not in [w.code for w in checked.warnings]

    assert record_hukou_check(workspace, case.enterprise_id, ids[:1], "excluded") == 1
    excluded = eligibility.check_application(workspace, case.application_id)
    assert excluded.qualifying_count == before.qualifying_count - 1
    [entry, again] = [json.loads(r[0]) for r in workspace.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'roster.hukou_check' ORDER BY id")]
    assert (entry["check"], again["check"], again["before"]) == ("checked", "excluded", [[ids[0], "checked"]])
    assert verify_chain(workspace.store.conn) == []
