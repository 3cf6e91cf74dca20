"""The demo's year of work: two enterprises from roster to loan tracking, by two persons, through the services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop.services import letters, loans, tracking
from desktop.services.accounts import sign_in
from desktop.services.demo import build_demo
from desktop.services.tracking_timeline import timeline, worker_timeline
from desktop.services.workspace import Workspace
from desktop.store.audit import verify_chain
from tests.conftest import PASSWORD

TODAY = date(2026, 12, 5)
WEAVING, DINING = "延吉市长白织造有限公司", "延吉市福源餐饮有限公司"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("desktop.core.passwords.N", 2**8)
        build_demo(path, password=PASSWORD, today=TODAY)
    return path


@pytest.fixture
def clerk(demo: Path) -> Iterator[Workspace]:
    with sign_in(demo, "clerk", PASSWORD) as ws:
        yield ws


def _uscc(ws: Workspace, name: str) -> str:
    return str(ws.store.conn.execute("SELECT uscc FROM enterprises WHERE name = ?", (name,)).fetchone()[0])


def test_two_persons_approved_and_the_letters_are_numbered(clerk: Workspace) -> None:
    rows = clerk.store.conn.execute(
        "SELECT e.name, a.status, p.username, v.username, d.review_date, d.standard, d.final_result"
        " FROM applications a JOIN enterprises e ON e.id = a.enterprise_id JOIN users p ON p.id = a.prepared_by"
        " JOIN users v ON v.id = a.approved_by JOIN decisions d ON d.id = a.approved_decision_id ORDER BY a.id").fetchall()
    assert [tuple(r) for r in rows] == [  # 14 counted meet the normal standard (10) of a small enterprise
        (WEAVING, "issued", "clerk", "approver", "2025-12-07", "normal", "pass"),
        (DINING, "issued", "clerk", "approver", "2026-05-12", "normal", "pass")]
    issued = [letters.letter_in_force(clerk, app_id) for app_id in
              (r[0] for r in clerk.store.conn.execute("SELECT id FROM applications WHERE approved_by IS NOT NULL"))]
    assert [(x.number, letters.content_of(x).issued_on) for x in issued if x] == [
        ("延吉人社劳协确〔2025〕1号", date(2025, 12, 10)), ("延吉人社劳协确〔2026〕1号", date(2026, 5, 15))]


def test_every_step_went_through_the_services_with_its_audit_entry(clerk: Workspace) -> None:
    """Rosters imported from files, claims verified, applications registered: no row written around a service."""
    actions = Counter(r[0] for r in clerk.store.conn.execute("SELECT action FROM audit_log"))
    enterprises = clerk.store.conn.execute("SELECT count(*) FROM enterprises").fetchone()[0]
    verified = clerk.store.conn.execute("SELECT count(*) FROM employments WHERE priority_group IS NOT NULL").fetchone()[0]
    assert actions["roster.import"] == enterprises == 22 and actions["roster.verify_priority"] == verified > 10
    assert actions["application.create"] == 16 and not [a for a in actions if a.endswith(".demo")]
    assert (actions["review.submit"], actions["review.approve"], actions["letter.issue"]) == (2, 2, 2)
    assert actions["letter.print"] == 2 and actions["letter.original_kept"] == 2
    assert (actions["loan.create"], actions["track.import"], actions["track.check"]) == (2, 17, 4)
    unimported = clerk.store.conn.execute("SELECT count(*) FROM employments WHERE roster_import_id IS NULL")
    assert unimported.fetchone()[0] == 0  # every worker came from an imported roster file
    verified = clerk.store.conn.execute(
        "SELECT m.priority_group, m.priority_evidence FROM employments m JOIN enterprises e"
        " ON e.id = m.enterprise_id WHERE e.name = ? AND m.priority_group IS NOT NULL ORDER BY 1", (WEAVING,)).fetchall()
    assert [r[0] for r in verified] == ["employment_difficulty", "poverty_alleviated"]
    assert all(r[1].startswith("核对延吉市") for r in verified)
    assert verify_chain(clerk.store.conn) == []


def test_the_loans_checks_and_what_is_due_today(clerk: Workspace) -> None:
    weaving, dining = _uscc(clerk, WEAVING), _uscc(clerk, DINING)
    [a], [b] = loans.list_loans(clerk, weaving), loans.list_loans(clerk, dining)
    assert (a.start_date, a.end_date, b.start_date) == ("2026-01-01", "2028-12-31", "2026-06-01")
    assert [(c.check_date, c.verdict, c.qualifying, c.staff_total) for c in tracking.checks(clerk, weaving)] == [
        ("2026-04-09", "met", 14, 48), ("2026-07-09", "met", 15, 52), ("2026-10-09", "met", 15, 52)]
    [pending] = tracking.checks(clerk, dining)
    assert (pending.verdict, pending.qualifying, pending.needs_attention) == ("not_met", 5, True)
    assert pending.answer is None  # waits for the approver's confirmation
    due = {d.loan.enterprise_name: (d.due_on, d.overdue) for d in tracking.due(clerk, TODAY)}
    assert due == {WEAVING: (date(2027, 1, 1), False), DINING: (date(2026, 12, 1), True)}


def test_the_timeline_shows_a_worker_leaving_and_one_coming_back(clerk: Workspace) -> None:
    [loan] = loans.list_loans(clerk, _uscc(clerk, WEAVING))
    chart = timeline(clerk, loan, TODAY)
    assert [m.has_list for m in chart] == [True] * 11 + [False]  # December's list has not come yet
    assert [m.staff_total for m in chart[:11]] == [48] * 5 + [52] * 6
    people = worker_timeline(clerk, loan, TODAY)
    shapes = Counter(len(w.months.employed) for w in people.workers)
    assert shapes == Counter({11: 14, 9: 1, 4: 1, 6: 2})  # always there, back after a gap, left, hired
    back = next(w for w in people.workers if len(w.months.employed) == 9)
    assert "2026-07" not in back.months.employed and "2026-09" in back.months.employed and back.reaches


def test_the_dates_follow_today(tmp_path: Path) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("desktop.core.passwords.N", 2**8)
        build_demo(tmp_path / "june.sqlite3", password=PASSWORD, today=date(2026, 6, 30))
    with sign_in(tmp_path / "june.sqlite3", "clerk", PASSWORD) as ws:
        assert [x.start_date for x in loans.list_loans(ws)] == ["2025-07-01", "2025-12-01"]
        assert max(r[0] for r in ws.store.conn.execute("SELECT check_date FROM tracking_checks")) < "2026-06-30"
