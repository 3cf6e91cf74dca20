"""Checking applications through the services, on a real office file."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from desktop.core.decision import DuplicateChoice, Result
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import id_check_char, uscc_check_char
from desktop.core.policy import DEFAULT_FILES, RuleSet
from desktop.core.workers import PriorityGroup
from desktop.resources import resource_path
from desktop.services import eligibility as svc
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import eligibility as store_eligibility
from desktop.store.audit import verify_chain

REVIEW = date(2026, 6, 30)


def uscc(n: int) -> str:
    first17 = f"9122240100000{n:04d}"
    return first17 + uscc_check_char(first17)


def id_number(n: int, area: str = "222401") -> str:
    first17 = f"{area}1990{(n % 12) + 1:02d}01{n:03d}"
    return first17 + id_check_char(first17)


def enterprise(ws: Workspace, n: int, *, staff: int = 100, name: str = "") -> int:
    # 工业, revenue 200 万元: micro (below the small floor of 300)
    added = add_enterprise(ws, EnterpriseDraft(
        name=name or f"延吉市企业{n}有限公司", uscc=uscc(n), county_code="222401", industry="industry",
        staff_total=staff, revenue_wan=200.0, assets_wan=100.0,
    ))
    return added.id


def employ(ws: Workspace, enterprise_id: int, people: list[int], **row: Any) -> None:
    persons = [(id_number(p), f"职工{p}", "M", "1990-01-01") for p in people]
    with ws.store.transaction():
        ids = ws.store.upsert_persons(persons)
        ws.store.insert_employments([{
            "enterprise_id": enterprise_id, "person_id": ids[id_number(p)], "hukou_text": "龙井市",
            "hukou_code": "222405", "contract_type": "fixed", "contract_start": "2026-01-01",
            "contract_end": "2026-12-31", "source_row": i + 2, **row,
        } for i, p in enumerate(people)])


def application(ws: Workspace, enterprise_id: int) -> int:
    with ws.store.transaction():
        return ws.store.insert_application(enterprise_id, loan_type="working_capital", amount_wan=500.0,
                                           applied_on="2026-06-01")


@pytest.fixture
def case(workspace: Workspace) -> tuple[Workspace, int, int]:
    """An enterprise with 5 qualifying workers out of 100 staff, and its application."""
    enterprise_id = enterprise(workspace, 1)
    employ(workspace, enterprise_id, [1, 2, 3, 4, 5])
    return workspace, enterprise_id, application(workspace, enterprise_id)


def test_check_application_reads_the_roster(case: tuple[Workspace, int, int]) -> None:
    ws, _, app_id = case
    decision = svc.check_application(ws, app_id, REVIEW)
    assert decision.computed_result is Result.PASS and decision.qualifying_count == 5
    assert decision.application_id == app_id and decision.application_version == 1
    assert decision.size.value == "micro" and decision.staff_total == 100
    assert [w.facts.ref is not None for w in decision.workers] == [True] * 5
    assert decision.ruleset_version == RuleSet.load().version
    assert store_eligibility.decisions(ws.store, app_id) == []  # checking saves nothing


def test_record_decision_keeps_it_with_an_audit_entry(case: tuple[Workspace, int, int]) -> None:
    ws, _, app_id = case
    stored = svc.record_decision(ws, app_id, REVIEW)
    assert stored.decision == svc.check_application(ws, app_id, REVIEW)
    assert stored.created_by == ws.actor.user_id
    row = ws.store.conn.execute("SELECT * FROM decisions WHERE id = ?", (stored.id,)).fetchone()
    assert (row["standard"], row["qualifying_count"], row["staff_total"], row["computed_result"],
            row["final_result"], row["review_date"]) == ("normal", 5, 100, "pass", "pass", "2026-06-30")
    assert row["ruleset_version"] == stored.decision.ruleset_version
    assert json.loads(row["payload"])["schema"] == "laoxie.decision/1"
    entry = ws.store.audit_entries(1)[0]
    assert entry["action"] == "decision.create" and json.loads(entry["detail"])["decision_id"] == stored.id
    assert verify_chain(ws.store.conn) == []
    assert [d.id for d in svc.decision_history(ws, app_id)] == [stored.id]


def test_override_by_the_approver(case: tuple[Workspace, int, int], approver_ws: Workspace) -> None:
    ws, _, app_id = case
    stored = svc.record_decision(ws, app_id, REVIEW)
    with pytest.raises(ServiceError) as caught:
        svc.override_decision(ws, stored.id, Result.FAIL, "名册人员未在岗")
    assert caught.value.code == "forbidden"
    with pytest.raises(ServiceError, match="须写明理由") as caught:
        svc.override_decision(approver_ws, stored.id, Result.FAIL, "  ")
    assert caught.value.code == "eligibility_refused"
    changed = svc.override_decision(approver_ws, stored.id, Result.FAIL, "实地核查发现名册人员未在岗")
    assert changed.id != stored.id
    d = changed.decision
    assert (d.computed_result, d.final_result) == (Result.PASS, Result.FAIL)
    assert d.override is not None and d.override.by == "朴科长" and d.override.by_user_id == approver_ws.actor.user_id
    row = approver_ws.store.conn.execute(
        "SELECT override_reason, override_by, final_result FROM decisions WHERE id = ?", (changed.id,)).fetchone()
    assert tuple(row) == ("实地核查发现名册人员未在岗", approver_ws.actor.user_id, "fail")
    assert approver_ws.store.audit_entries(1)[0]["action"] == "decision.override"
    # the first decision is untouched
    assert store_eligibility.decision(ws.store, stored.id).decision == stored.decision


def test_a_person_on_two_rosters_is_flagged_on_both(workspace: Workspace) -> None:
    ws = workspace
    first, second = enterprise(ws, 1), enterprise(ws, 2, name="延吉市乙有限公司")
    employ(ws, first, [1, 2, 3, 4, 5])
    employ(ws, second, [5, 6], contract_start="2026-03-01", contract_end="2027-02-28")
    a, b = application(ws, first), application(ws, second)
    on_first = svc.check_application(ws, a, REVIEW)
    on_second = svc.check_application(ws, b, REVIEW)
    assert (on_first.pending_choices, on_second.pending_choices) == (1, 1)
    flagged = on_first.workers[4]
    assert flagged.reasons[0].code == "counted_elsewhere_pending" and "延吉市乙有限公司" in flagged.reasons[0].text()
    assert "延吉市企业1有限公司" in on_second.workers[0].reasons[0].text()
    assert on_first.computed_result is Result.FAIL  # 4 of 100 until the clerk decides

    stored = svc.record_decision(ws, a, REVIEW, choices={id_number(5): DuplicateChoice.COUNT_HERE})
    assert stored.decision.computed_result is Result.PASS and stored.decision.pending_choices == 0
    assert stored.decision.workers[4].facts.duplicate_choice is DuplicateChoice.COUNT_HERE
    detail = json.loads(ws.store.audit_entries(1)[0]["detail"])
    assert detail["choices"] == {id_number(5)[:6] + "********" + id_number(5)[-4:]: "count_here"}
    # the choice recorded is used by the next check; the other enterprise still has to decide
    assert svc.check_application(ws, a, REVIEW).pending_choices == 0
    assert svc.check_application(ws, b, REVIEW).pending_choices == 1


def test_contracts_that_do_not_overlap_are_not_flagged(workspace: Workspace) -> None:
    ws = workspace
    first, second = enterprise(ws, 1), enterprise(ws, 2)
    employ(ws, first, [1])
    employ(ws, second, [1], contract_start="2024-01-01", contract_end="2025-12-31")
    assert svc.check_application(ws, application(ws, first), REVIEW).pending_choices == 0


def test_priority_workers_and_the_reduced_standard(workspace: Workspace) -> None:
    ws = workspace
    enterprise_id = enterprise(ws, 1)
    employ(ws, enterprise_id, [1, 2])
    employ(ws, enterprise_id, [3], priority_group=PriorityGroup.POVERTY_ALLEVIATED.value, priority_evidence="证明1")
    decision = svc.check_application(ws, application(ws, enterprise_id), REVIEW)
    assert decision.standard.kind.value == "reduced" and decision.standard.count_required == 3
    assert decision.computed_result is Result.PASS and decision.priority_borrower


def test_changing_a_parameter_file_leaves_earlier_decisions_alone(
    case: tuple[Workspace, int, int], tmp_path: Path
) -> None:
    ws, _, app_id = case
    stored = svc.record_decision(ws, app_id, REVIEW)
    payload = store_eligibility.decision_payload(ws.store, stored.id)

    folder = tmp_path / "policy"
    folder.mkdir()
    for name in DEFAULT_FILES.values():
        shutil.copy(resource_path("policy", name), folder / name)
    path = folder / DEFAULT_FILES["labor_coop"]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["standards"]["micro"]["count"]["value"] = 6
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    stricter = RuleSet.load(folder)

    now = svc.record_decision(ws, app_id, REVIEW, rules=stricter)
    assert (stored.decision.computed_result, now.decision.computed_result) == (Result.PASS, Result.FAIL)
    assert now.decision.ruleset_version == stricter.version != stored.decision.ruleset_version
    assert store_eligibility.decision_payload(ws.store, stored.id) == payload
    assert store_eligibility.decision(ws.store, stored.id).decision.ruleset_version == RuleSet.load().version
    assert store_eligibility.latest_decision(ws.store, app_id).id == now.id  # type: ignore[union-attr]


def test_check_enterprise_uses_the_latest_application_or_the_roster(workspace: Workspace) -> None:
    ws = workspace
    enterprise_id = enterprise(ws, 1)
    employ(ws, enterprise_id, [1, 2, 3, 4, 5])
    transient = svc.check_enterprise(ws, uscc(1), REVIEW)
    assert transient.application_id is None and transient.computed_result is Result.PASS
    app_id = application(ws, enterprise_id)
    assert svc.check_enterprise(ws, uscc(1).lower(), REVIEW).application_id == app_id
    with ws.store.transaction():
        ws.store.conn.execute("UPDATE applications SET review_date = '2026-07-15', evidence_wages = 1 WHERE id = ?",
                              (app_id,))
    decision = svc.check_enterprise(ws, uscc(1))
    assert decision.review_date == date(2026, 7, 15) and decision.evidence_wages
    with pytest.raises(ServiceError) as caught:
        svc.check_enterprise(ws, uscc(99))
    assert caught.value.code == "enterprise_not_found"


def test_refusals_become_service_errors(case: tuple[Workspace, int, int]) -> None:
    ws, enterprise_id, app_id = case
    with pytest.raises(ServiceError, match="早于认定规则的施行日期") as caught:
        svc.check_application(ws, app_id, date(2021, 1, 1))
    assert caught.value.code == "eligibility_refused"
    with ws.store.transaction():  # a row written before indicators were required
        ws.store.conn.execute("UPDATE enterprises SET revenue_wan = NULL WHERE id = ?", (enterprise_id,))
    with pytest.raises(ServiceError, match="缺少营业收入") as caught:
        svc.check_application(ws, app_id, REVIEW)
    assert caught.value.code == "size_unknown"


def test_recording_needs_the_clerk_permission_and_an_account(case: tuple[Workspace, int, int]) -> None:
    from dataclasses import replace

    ws, _, app_id = case
    anonymous = replace(ws, actor=replace(ws.actor, role=None, user_id=None))
    with pytest.raises(ServiceError) as caught:
        svc.record_decision(anonymous, app_id, REVIEW)
    assert caught.value.code == "forbidden"
    stored = svc.record_decision(ws, app_id, REVIEW)
    from desktop.core.office import Role

    no_account = replace(ws, actor=replace(ws.actor, role=Role.APPROVER, user_id=None))
    with pytest.raises(ServiceError) as caught:
        svc.override_decision(no_account, stored.id, Result.FAIL, "理由")
    assert caught.value.code == "override_needs_account"


@pytest.mark.parametrize(("staff", "blocked"), [(0, "block_staff_zero"), (12, "block_staff_below_roster"),
                                                (13, None)])
def test_a_staff_total_of_0_or_below_the_roster_blocks_recording(workspace: Workspace, staff: int,
                                                                 blocked: str | None) -> None:
    from desktop.services.eligibility import check_application, record_decision
    from tests.letters.cases import add_case

    case = add_case(workspace, workers=12, outsiders=1, staff=100)  # 13 active workers on the roster
    workspace.store.conn.execute("UPDATE enterprises SET staff_total = ? WHERE id = ?", (staff, case.enterprise_id))
    decision = check_application(workspace, case.application_id)
    assert [p.code for p in decision.blockers] == ([blocked] if blocked else [])
    if blocked is None:
        assert record_decision(workspace, case.application_id).decision.staff_total == 13
        return
    with pytest.raises(ServiceError) as caught:
        record_decision(workspace, case.application_id)
    assert caught.value.code == "decision_blocked"
    assert ("职工总数为0" if staff == 0 else "职工总数12人少于名册上的在职人员13人") in str(caught.value)
    assert workspace.store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
