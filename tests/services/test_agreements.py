"""The office's agreements: recorded and ended through the service, audited, read by the decision."""

from __future__ import annotations

import json
from datetime import date

import pytest

from desktop.core.policy import RuleSet
from desktop.services import agreements as svc
from desktop.services import eligibility as eligibility_service
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain
from tests.services.test_policy_settings import REVIEW, _application_with_workers

LONGJING = "222405"  # the five counted workers of _application_with_workers are from 龙井市


def last_audit(ws: Workspace) -> tuple[str, dict[str, object]]:
    entry = ws.store.audit_entries(1)[0]
    return entry["action"], json.loads(entry["detail"])


def test_only_office_settings_may_record_an_agreement(workspace: Workspace) -> None:
    with pytest.raises(ServiceError) as caught:
        svc.add_agreement(workspace, LONGJING, "协议", date(2026, 1, 1))
    assert caught.value.code == "forbidden"


def test_recorded_then_ended_with_audit_and_the_decision_follows(admin_ws: Workspace) -> None:
    ws = admin_ws
    app_id = _application_with_workers(ws)
    assert eligibility_service.check_application(ws, app_id, REVIEW).qualifying_count == 5  # by the list

    row = svc.add_agreement(ws, LONGJING, " 延吉—龙井 劳务协作协议〔2026〕2号 ", date(2026, 1, 1), REVIEW)
    assert (row.reference, row.starts, row.ends, row.created_by) == (
        "延吉—龙井 劳务协作协议〔2026〕2号", "2026-01-01", REVIEW.isoformat(), "admin")
    assert last_audit(ws) == ("agreement.add", {
        "county": LONGJING, "agreement_ref": row.reference, "starts": "2026-01-01", "ends": REVIEW.isoformat(),
        "note": ""})
    with_agreement = eligibility_service.check_application(ws, app_id, REVIEW)  # the last day: in force
    assert with_agreement.qualifying_count == 5
    assert with_agreement.ruleset_version != RuleSet.load().version

    ended = svc.end_agreement(ws, row.id, REVIEW.replace(day=REVIEW.day - 1))
    assert ended.ends == "2026-06-29" and ended.ended_by == "admin"
    action, detail = last_audit(ws)
    assert action == "agreement.end" and (detail["ends"], detail["ends_before"]) == ("2026-06-29", REVIEW.isoformat())
    after = eligibility_service.check_application(ws, app_id, REVIEW)  # one day after the last day
    assert after.qualifying_count == 0
    assert {r.code for w in after.workers for r in w.reasons} >= {"agreement_expired"}
    assert after.ruleset_version != with_agreement.ruleset_version
    assert verify_chain(ws.store.conn) == []


def test_bad_agreements_are_refused_with_what_is_wrong(admin_ws: Workspace) -> None:
    ws = admin_ws
    cases = [
        (lambda: svc.add_agreement(ws, "999999", "协议", date(2026, 1, 1)), "policy_county_unknown"),
        (lambda: svc.add_agreement(ws, LONGJING, "  ", date(2026, 1, 1)), "agreement_reference_required"),
        (lambda: svc.add_agreement(ws, LONGJING, "协议", date(2026, 2, 1), date(2026, 1, 31)),
         "agreement_ends_before_start"),
        (lambda: svc.end_agreement(ws, 99, date(2026, 1, 1)), "agreement_unknown"),
    ]
    for call, code in cases:
        with pytest.raises(ServiceError) as caught:
            call()
        assert caught.value.code == code
    first = svc.add_agreement(ws, LONGJING, "协议一", date(2026, 1, 1), date(2026, 6, 30))
    with pytest.raises(ServiceError) as caught:  # the first day of the new one is the last of the old one
        svc.add_agreement(ws, LONGJING, "协议二", date(2026, 6, 30))
    assert caught.value.code == "agreement_overlaps" and "协议一" in str(caught.value)
    svc.add_agreement(ws, LONGJING, "协议二", date(2026, 7, 1))  # the day after: fine
    with pytest.raises(ServiceError) as caught:
        svc.end_agreement(ws, first.id, date(2026, 7, 1))
    assert caught.value.code == "agreement_already_ends"
    assert svc.add_agreement(ws, "231084", "宁安协议", date(2026, 1, 1)).county_code == "231084"  # outside Jilin


def test_standings_start_from_the_list(admin_ws: Workspace) -> None:
    ws = admin_ws
    svc.add_agreement(ws, "231084", "宁安协议", date(2026, 1, 1))
    svc.add_agreement(ws, LONGJING, "龙井协议", date(2026, 1, 1), date(2026, 6, 30))
    found = {s.code: s for s in svc.standings(ws, date(2026, 7, 1))}
    assert found["222424"].status is None and found["222424"].paired  # on the list, no agreement
    assert not found[LONGJING].paired and found[LONGJING].status.state == "expired"  # type: ignore[union-attr]
    assert found["231084"].paired and not found["231084"].on_list
    assert found["231084"].label == "黑龙江省牡丹江市宁安市（231084）"
