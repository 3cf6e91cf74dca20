"""`laoxie check` reads the roster in passes (issue 15 item 5) and prints, byte for byte, what the
decision made in memory prints, on an office file with the cases that make the passes differ from
one pass: persons listed twice (the kept row later than the first), numbers in lower case or with a
wrong check character, another enterprise's overlapping rows with and without the clerk's recorded
choice, verified and claimed priority groups, paid months, low wages, and staff totals on both sides
of the thresholds."""

from __future__ import annotations

import io
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, main
from desktop.cli.check import check_lines, check_record, write_check_json
from desktop.cli.common import json_default
from desktop.core.decision import DuplicateChoice
from desktop.core import eligibility_passes
from desktop.core.eligibility_passes import RosterCheck
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import id_check_char, uscc_check_char
from desktop.services import eligibility as svc
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import Store

REVIEW = date(2026, 6, 30)
GROUPS = ["poverty_alleviated", "employment_difficulty", "registered_unemployed", "unemployed_graduate", None, None]


def uscc(n: int) -> str:
    first17 = f"9122240100000{n:04d}"
    return first17 + uscc_check_char(first17)


def person(n: int, area: str) -> str:
    first17 = f"{area}19{80 + n % 20:02d}0{1 + n % 9}1{n % 10}{n % 1000:03d}"[:17]
    return first17 + id_check_char(first17)


def office_with_roster(ws: Workspace, staff: int, revenue_wan: float = 200.0, rows_wanted: int = 0) -> None:
    """Two enterprises (a micro one unless ``revenue_wan`` says otherwise), the first with a roster of
    every case, the second listing some of its persons; ``rows_wanted``: fewer rows than all."""
    rng = random.Random(3)
    ids = []
    for n, name in ((1, "延吉市甲有限公司"), (2, "长春市乙有限公司")):
        ids.append(add_enterprise(ws, EnterpriseDraft(
            name=name, uscc=uscc(n), county_code="222401", industry="industry", staff_total=staff,
            revenue_wan=revenue_wan, assets_wan=100.0)).id)
    numbers = [person(n, rng.choice(["222405", "222403", "220102", "222401"])) for n in range(240)]
    numbers += [n[:17] + ("0" if n[17] != "0" else "1") for n in numbers[:4]]  # wrong check characters
    # the same person again, the number written in lower case (a person is on a roster once, as written)
    numbers += [n.lower() for n in numbers if n.endswith("X")]
    rng.shuffle(numbers)
    numbers = numbers[:rows_wanted or len(numbers)]
    rows: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for i, number in enumerate(numbers):
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(700))
        claim = rng.choice(GROUPS)
        rows.append({
            "number": number, "source_row": i + 2, "hukou_text": "某地",
            "hukou_code": rng.choice(["222405", "222405", "222403", "220102", "222401", "522701", None]),
            "contract_type": rng.choice(["fixed", "fixed", "fixed", "open_ended", "task"]),
            "contract_start": start.isoformat(),
            "contract_end": (start + timedelta(days=rng.choice([80, 90, 400, 800]))).isoformat(),
            "monthly_wage": rng.choice([None, 1500.0, 2600.0]),
            "paid_months": None if rng.random() < 0.5 else json.dumps(
                [f"2026-{m:02d}" for m in range(1, 7) if rng.random() < 0.7]),
            "priority_claim": claim,
            "priority_group": claim if claim and rng.random() < 0.5 else None,
        })
        if rng.random() < 0.3:  # another enterprise lists the person, its contract overlapping or not
            others.append({**rows[-1], "source_row": len(others) + 2, "priority_claim": None,
                           "priority_group": None})
    with ws.store.transaction():
        known = ws.store.upsert_persons([(r["number"], f"职工{r['source_row']}", "M", "1990-01-01")
                                         for r in rows])
        for enterprise_id, listed in zip(ids, (rows, others)):
            ws.store.insert_employments([{
                **{k: v for k, v in r.items() if k != "number"}, "enterprise_id": enterprise_id,
                "person_id": known[str(r["number"])],
                "priority_evidence": "核对名单" if r["priority_group"] else "",
            } for r in listed])
        ws.store.conn.execute("UPDATE employments SET hukou_check = CASE id % 3 WHEN 0 THEN 'checked'"
                              " WHEN 1 THEN 'excluded' END WHERE enterprise_id = ?", (ids[0],))


def printed(capsys: pytest.CaptureFixture[str], office: Path, *argv: str) -> str:
    capsys.readouterr()
    assert main(["--db", str(office), "check", uscc(1), "--date", REVIEW.isoformat(), *argv]) == EXIT_OK
    return capsys.readouterr().out


def held_text(decision: RosterCheck) -> str:
    return "".join(line + "\n" for line in check_lines(decision))


def held_json(decision: RosterCheck, *, full_ids: bool) -> str:
    out = io.StringIO()
    write_check_json(decision, full_ids=full_ids, out=out)
    return out.getvalue()


@pytest.fixture(params=["read again", "held"])
def passes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether the check reads the roster again to print it (as for a very large one) or keeps the
    outcomes of its counting pass (any real roster)."""
    if request.param == "read again":
        monkeypatch.setattr(eligibility_passes, "HELD_ROWS", 0)
    return bool(request.param == "read again")


@pytest.mark.usefixtures("cli_env", "passes")
@pytest.mark.parametrize(("staff", "revenue", "rows", "expected"), [
    (100, 200.0, 0, ("pass", "normal", "both")),  # micro; its staff total below the roster's (a blocker)
    (150, 1000.0, 0, ("pass", "normal", "count")),  # small
    (1200, 50000.0, 0, ("pass", "reduced", "count")),  # large: the reduced count, met exactly
    (5000, 50000.0, 200, ("fail", "reduced", None)),  # large, fewer rows: not met
])
def test_check_prints_what_the_decision_in_memory_prints(
        capsys: pytest.CaptureFixture[str], office_db: Path, workspace: Workspace, staff: int, revenue: float,
        rows: int, expected: tuple[str, str, str | None]) -> None:
    office_with_roster(workspace, staff, revenue, rows)
    held = svc.check_enterprise(workspace, uscc(1), REVIEW)
    pass_by = held.pass_by.value if held.pass_by else None
    assert (held.computed_result.value, held.standard.kind.value, pass_by) == expected
    if held.standard.kind.value == "reduced" and pass_by:
        assert held.qualifying_count == held.standard.count_required  # at the threshold
    kinds = {r.code for w in held.workers for r in w.reasons} | {n.code for w in held.workers for n in w.notes}
    assert {"duplicate_person", "counted_elsewhere_pending", "invalid_id", "priority_claim_unverified",
            "wage_under_minimum", "hukou_excluded", "id_area_checked"} <= kinds
    kept_later = [i for i, w in enumerate(held.workers, start=1) if any(
        r.code == "duplicate_person" and int(str(r.params["first"])) > i for r in w.reasons)]
    assert kept_later or rows  # (the whole roster) a repeated person whose kept row is not its first
    assert printed(capsys, office_db) == held_text(RosterCheck.held(held))
    assert printed(capsys, office_db, "--json") == held_json(RosterCheck.held(held), full_ids=False)
    # streamed (a worker a line), it holds what emit() prints for the whole record built at once
    assert json.loads(held_json(RosterCheck.held(held), full_ids=False)) == json.loads(json.dumps(
        {"ok": True, "check": check_record(held, full_ids=False)}, default=json_default))


@pytest.mark.usefixtures("cli_env", "passes")
def test_the_choices_of_the_latest_decision_count_in_passes_too(
        capsys: pytest.CaptureFixture[str], office_db: Path, workspace: Workspace) -> None:
    office_with_roster(workspace, 5000)
    enterprise = workspace.store.enterprise_by_uscc(workspace.office.id, uscc(1))
    assert enterprise is not None
    with workspace.store.transaction():
        app_id = workspace.store.insert_application(enterprise.id, loan_type="working_capital", amount_wan=100.0,
                                                    applied_on="2026-06-01")
    pending = [w.id_number for w in svc.check_application(workspace, app_id, REVIEW).workers
               if any(r.code == "counted_elsewhere_pending" for r in w.reasons)]
    assert len(pending) >= 2
    svc.record_decision(workspace, app_id, REVIEW, choices={
        pending[0]: DuplicateChoice.COUNT_HERE, pending[1]: DuplicateChoice.EXCLUDE_HERE})
    held = svc.check_enterprise(workspace, uscc(1), REVIEW)
    assert held.application_id == app_id and held.pending_choices == len(pending) - 2
    assert printed(capsys, office_db) == held_text(RosterCheck.held(held))
    assert printed(capsys, office_db, "--json") == held_json(RosterCheck.held(held), full_ids=False)


def test_a_roster_changed_between_the_passes_is_said_before_a_worker_is_printed(
        office_db: Path, workspace: Workspace, passes: bool) -> None:
    office_with_roster(workspace, 1000)
    check = svc.check_enterprise_in_passes(workspace, uscc(1), REVIEW)
    assert check.reread is passes
    if not passes:  # the outcomes are held: what is printed is what was counted, whatever happens since
        with Store.open(office_db, create=False) as other, other.transaction():
            other.conn.execute("UPDATE employments SET active = 0 WHERE id = (SELECT min(id) FROM employments)")
        assert len(list(check.outcomes())) == check.listed
        return
    with Store.open(office_db, create=False) as other, other.transaction():  # another program writes
        other.conn.execute("UPDATE employments SET active = 0 WHERE id = (SELECT min(id) FROM employments)")
    with pytest.raises(ServiceError) as caught:
        check.outcomes()
    assert caught.value.code == "roster_changed" and "请重新核查" in str(caught.value)
    out = io.StringIO()
    with pytest.raises(ServiceError):
        write_check_json(check, full_ids=False, out=out)
    assert out.getvalue() == ""  # not half a document
    with pytest.raises(ServiceError):
        next(check_lines(check))
    again = svc.check_enterprise_in_passes(workspace, uscc(1), REVIEW)
    assert again.listed == check.listed - 1 and len(list(again.outcomes())) == again.listed


@pytest.mark.usefixtures("cli_env")
def test_check_of_an_unknown_enterprise_fails_cleanly(capsys: pytest.CaptureFixture[str], office_db: Path) -> None:
    assert main(["--db", str(office_db), "check", uscc(9), "--json"]) == EXIT_FAILED
    assert "找不到统一社会信用代码" in json.loads(capsys.readouterr().out)["error"]["message"]

