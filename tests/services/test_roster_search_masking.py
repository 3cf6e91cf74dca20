"""Searching the roster never tells a masked digit (issue 11 item 4).

Without the right to see full numbers, a search by ID number or phone matches
only the whole number or the parts the masked display shows (mask_id: the
first 6 and last 4 characters; mask_phone: a mobile's first 3 and last 4, any
other phone's last 4).  Before this, a clerk recovered a masked ID number digit
by digit: append 0..9 to the visible prefix and see which one finds the worker.
With the right, every digit matches, and a search that finds rows only through
hidden digits is logged as pii.unmask.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from desktop.cli import EXIT_OK, main
from desktop.core.enterprise import Enterprise, EnterpriseDraft
from desktop.core.identifiers import id_check_char, mask_id, mask_phone
from desktop.services import roster_view
from desktop.services.enterprises import add_enterprise
from desktop.services.privacy import HIDDEN_DIGITS_PURPOSE
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store import roster_query as query_store


def number(first17: str) -> str:
    return first17 + id_check_char(first17)


# Chosen so that each hidden middle (the birth date and sequence) occurs in no other visible part.
KIM = number("22240119870923517")
PARK = number("22088219650412826")
PHONES = {KIM: "13843315678", PARK: "0433-2518890"}
USCC = "91110000600037341L"


@pytest.fixture
def enterprise(workspace: Workspace) -> Enterprise:
    enterprise = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市长白山食品有限公司", uscc=USCC, county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))
    store = workspace.store
    with store.transaction():
        import_id = roster_store.insert_roster_import(
            store, enterprise_id=enterprise.id, file_name="名册.xlsx", sha256="ab" * 32, sheet="名册",
            counts={"rows": 2, "new": 2, "updated": 0, "unchanged": 0, "refused": 0},
            imported_by=workspace.actor.user_id)
        roster_store.insert_persons(store, [(KIM, "金哲", "M", "1987-09-23"), (PARK, "朴丽", "F", "1965-04-12")])
        roster_store.insert_employments(store, enterprise.id, import_id, [
            (n, i + 2, "延吉市", n[:6], "fixed", "2026-01-01", "2027-12-31", "2026-01-01", "操作工", 3000.0, None, 1,
             PHONES[n], None) for i, n in enumerate((KIM, PARK))])
    return enterprise


def found(ws: Workspace, enterprise: Enterprise, text: str) -> set[str]:
    """The ID numbers a search finds, through the window's call and the command line's."""
    query = roster_view.RosterQuery(enterprise.id, text=text)
    window = {r.id_number for r in roster_view.filter_roster(ws, query).first_rows}
    page = {r.id_number for r in roster_view.roster_page(ws, query)}
    assert window == page and roster_view.count_roster(ws, query) == len(window) == len(roster_view.roster_ids(ws, query))
    return window


def hidden_searches(ws: Workspace) -> list[dict[str, object]]:
    rows = ws.store.conn.execute("SELECT entity, entity_id, detail FROM audit_log WHERE action = 'pii.unmask'")
    return [{"entity": r[0], "entity_id": r[1], **json.loads(r[2])} for r in rows]


def test_a_clerk_finds_a_worker_by_the_whole_number_or_its_visible_parts(workspace: Workspace,
                                                                        enterprise: Enterprise) -> None:
    assert found(workspace, enterprise, KIM) == {KIM}
    assert found(workspace, enterprise, KIM[:6]) == found(workspace, enterprise, "2401") == {KIM}
    assert found(workspace, enterprise, KIM[-4:]) == found(workspace, enterprise, KIM[-2:]) == {KIM}
    assert found(workspace, enterprise, PARK[:6]) == {PARK}
    assert found(workspace, enterprise, "22") == {KIM, PARK}  # both prefixes start 22


def test_a_clerk_never_matches_a_masked_digit(workspace: Workspace, enterprise: Enterprise) -> None:
    assert found(workspace, enterprise, KIM[6:14]) == set()  # the whole hidden middle
    assert found(workspace, enterprise, "1987") == found(workspace, enterprise, "0923") == set()
    assert found(workspace, enterprise, KIM[:7]) == set()  # the visible prefix and one hidden digit
    assert found(workspace, enterprise, KIM[13:]) == set()  # one hidden digit and the visible suffix
    assert found(workspace, enterprise, KIM[:17]) == set()  # all but the check digit
    # The attack: the 7th digit one guess at a time; no guess finds more than another.
    assert all(found(workspace, enterprise, KIM[:6] + d) == set() for d in "0123456789")
    assert all(found(workspace, enterprise, d + KIM[-4:]) == set() for d in "0123456789")
    assert hidden_searches(workspace) == []


def test_a_clerk_matches_only_the_visible_digits_of_a_phone(workspace: Workspace, enterprise: Enterprise) -> None:
    assert found(workspace, enterprise, "138") == found(workspace, enterprise, "5678") == {KIM}
    assert found(workspace, enterprise, "13843315678") == {KIM}
    assert found(workspace, enterprise, "4331") == found(workspace, enterprise, "1384") == set()
    assert found(workspace, enterprise, "8890") == found(workspace, enterprise, "04332518890") == {PARK}
    assert found(workspace, enterprise, "0433") == found(workspace, enterprise, "2518") == set()


def test_the_search_rule_is_the_display_rule() -> None:
    """For every digit run of a number: the database matches it exactly when the masked text shows it."""
    import sqlite3
    from contextlib import closing

    numbers = [KIM, PARK, number("11010519491231002"), "11010519491231002X"]
    phones = ["13843315678", "138-4331-5678", "0433-2518890", "2518890", "890", "", "12345678901"]
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE persons (id INTEGER PRIMARY KEY, id_number TEXT)")
        conn.execute("CREATE TABLE employments (id INTEGER PRIMARY KEY, person_id INT, phone TEXT)")
        where = query_store._SHOWN_MATCH
        for n in numbers:
            for phone in phones:
                conn.execute("DELETE FROM persons")
                conn.execute("DELETE FROM employments")
                conn.execute("INSERT INTO persons VALUES (1, ?)", (n,))
                conn.execute("INSERT INTO employments VALUES (1, 1, ?)", (phone,))
                digits = phone.replace("-", "")
                for text in {n[i:j] for i in range(18) for j in range(i + 1, 19)} | {
                        digits[i:j] for i in range(len(digits)) for j in range(i + 1, len(digits) + 1)}:
                    shown = text in (n, digits) or text in mask_id(n) or text in mask_phone(phone)
                    sql = conn.execute(f"SELECT count(*) FROM employments m JOIN persons p ON p.id = m.person_id"
                                       f" WHERE {where}", [text] * where.count("?")).fetchone()[0]
                    assert bool(sql) == shown, (n, phone, text)


def test_with_the_right_every_digit_matches_and_a_hidden_search_is_logged(
        approver_ws: Workspace, enterprise: Enterprise) -> None:
    assert found(approver_ws, enterprise, KIM[6:14]) == {KIM}
    [entry, _page] = hidden_searches(approver_ws)  # the window's search and the command line's page
    assert entry == {"entity": "enterprise", "entity_id": str(enterprise.id), "purpose": HIDDEN_DIGITS_PURPOSE,
                     "count": 1}
    assert KIM[6:14] not in json.dumps(entry)  # the log is not a second copy of the digits
    assert found(approver_ws, enterprise, "4331") == {KIM}  # a phone's hidden digits
    assert found(approver_ws, enterprise, "19") == {KIM, PARK}  # both hidden birth years
    assert [e["count"] for e in hidden_searches(approver_ws)][2:] == [1, 1, 2, 2]


def test_a_permitted_search_on_visible_parts_or_names_is_not_logged(approver_ws: Workspace,
                                                                    enterprise: Enterprise) -> None:
    assert found(approver_ws, enterprise, KIM[-4:]) == {KIM}
    assert found(approver_ws, enterprise, KIM) == {KIM}
    assert found(approver_ws, enterprise, "金") == {KIM}
    assert found(approver_ws, enterprise, "22") == {KIM, PARK}
    assert hidden_searches(approver_ws) == []


def test_the_query_cannot_ask_for_hidden_digits_itself(workspace: Workspace, enterprise: Enterprise) -> None:
    """The services decide from the user's rights, not from what the caller puts in the query."""
    query = dataclasses.replace(roster_view.RosterQuery(enterprise.id, text="1987"), hidden_digits=True)
    assert roster_view.filter_roster(workspace, query).total == 0
    assert roster_view.roster_page(workspace, query) == [] and roster_view.count_roster(workspace, query) == 0


@pytest.mark.usefixtures("cli_env")
def test_roster_list_search_on_the_command_line(capsys: pytest.CaptureFixture[str], office_db: Path,
                                                workspace: Workspace, enterprise: Enterprise,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def listed(text: str) -> int:
        assert main(["--db", str(office_db), "roster", "list", "--enterprise", USCC, "--search", text, "--json"]) \
            == EXIT_OK
        return int(json.loads(capsys.readouterr().out)["total"])

    assert (listed(KIM[6:10]), listed(KIM[:7]), listed(KIM[-4:]), listed(KIM)) == (0, 0, 1, 1)
    monkeypatch.setenv("LAOXIE_USER", "approver")
    assert (listed(KIM[6:10]), listed(KIM[:7])) == (1, 1)
    assert [e["purpose"] for e in hidden_searches(workspace)] == [HIDDEN_DIGITS_PURPOSE] * 2
