"""The search by ID-number or phone digits reads candidates through indexes (issue 15 item 5):
a text of four digits or more (the shown last four, a whole number, digits the mask hides)
reads the few rows that can match through migration 0029's indexes and the unique ID number,
and finds exactly what the full rule (_SHOWN_MATCH over every row) finds; shorter texts, and
texts whose candidates are many, walk the roster as before."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.core.identifiers import id_check_char
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store import roster_query as query_store
from desktop.store import roster_view as view_store
from desktop.store.store import Store


def number(first17: str) -> str:
    return first17 + id_check_char(first17)


NUMBERS = [number(f) for f in ("22240119870923517", "22088219650412826", "22240319900101024",
                               "11010519491231002", "22242419880808088", "22240120011111111")]
PHONES = ["13843315678", "138-4331-567-8", "0433-25188-90", "8890", "138 4331 5678", "0433-2518890"]


@pytest.fixture
def roster(workspace: Workspace) -> tuple[Store, int]:
    store = workspace.store
    with store.transaction():
        office = store.local_office()
        assert office is not None
        ids = []
        for n in range(2):
            cur = store.conn.execute(
                "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
                " updated_at) VALUES (?, ?, ?, '222401', 'other', 100, 'now', 'now')",
                (office.id, f"9122240100000000{n}X", f"企业{n}"))
            ids.append(int(cur.lastrowid or 0))
        roster_store.insert_persons(store, [(n, "金哲", "M", "1987-09-23") for n in NUMBERS])
        for enterprise_id in ids:
            import_id = roster_store.insert_roster_import(
                store, enterprise_id=enterprise_id, file_name="名册.xlsx", sha256="ab" * 32, sheet="名册",
                counts={}, imported_by=None)
            roster_store.insert_employments(store, enterprise_id, import_id, [
                (n, i + 2, "延吉市", n[:6], "fixed", "2026-01-01", "2027-12-31", None, "操作工", 3000.0, None, 1,
                 PHONES[i], None) for i, n in enumerate(NUMBERS)])
    return store, ids[0]


def texts() -> list[str]:
    """Every run of four to eight characters of every number and phone's digits, and the whole ones."""
    runs = set()
    for value in [*NUMBERS, *(p.replace("-", "").replace(" ", "") for p in PHONES), *PHONES]:
        runs.add(value)
        for size in range(3, 9):
            runs.update(value[i:i + size] for i in range(len(value) - size + 1))
    return sorted(r for r in runs if r and query_store.searches_numbers(query_store.RosterQuery(0, text=r)))


def test_the_indexed_search_finds_exactly_what_every_row_checked_finds(roster: tuple[Store, int]) -> None:
    store, enterprise_id = roster
    for text in texts():
        query = query_store.RosterQuery(enterprise_id, text=text)
        every = view_store.count_roster(store, query)  # the rule over every row, no index narrowing
        window = view_store.filter_roster(store, query)
        assert window.total == every == len(view_store.roster_ids(store, query)), text


def test_four_digits_read_candidates_three_walk_the_roster(roster: tuple[Store, int]) -> None:
    store, enterprise_id = roster
    base = query_store.RosterQuery(enterprise_id)
    tail, whole, phone = NUMBERS[0][-4:], NUMBERS[0], PHONES[0]
    for text in (tail, whole, phone, NUMBERS[0][6:10], NUMBERS[0][:5]):
        assert view_store._plan(store, dataclasses.replace(base, text=text)).narrowed, text
    assert not view_store._plan(store, dataclasses.replace(base, text=tail[1:])).narrowed


def test_many_candidates_walk_the_roster(roster: tuple[Store, int], monkeypatch: pytest.MonkeyPatch) -> None:
    store, enterprise_id = roster
    query = query_store.RosterQuery(enterprise_id, text="2224")  # the area code of four of the six
    assert view_store._plan(store, query).narrowed
    monkeypatch.setattr(view_store, "FEW", 4)
    assert not view_store._plan(store, query).narrowed
    assert view_store.filter_roster(store, query).total == view_store.count_roster(store, query) == 4


def test_too_many_areas_to_list_walk_the_roster(roster: tuple[Store, int], monkeypatch: pytest.MonkeyPatch) -> None:
    store, enterprise_id = roster
    query = query_store.RosterQuery(enterprise_id, text=NUMBERS[0][-4:])
    monkeypatch.setattr(view_store, "_HEADS_LISTED", 4)  # the six numbers come from five areas
    assert view_store._id_heads(store) is None
    assert not view_store._plan(store, query).narrowed
    monkeypatch.setattr(view_store, "_HEADS_LISTED", 5)
    assert sorted(view_store._id_heads(store) or []) == sorted({n[:6] for n in NUMBERS})
    assert view_store._plan(store, query).narrowed


def test_a_whole_id_number_with_every_digit_shown_reads_its_person_and_long_phones(roster: tuple[Store, int]) -> None:
    store, enterprise_id = roster
    whole = NUMBERS[2]
    with store.transaction():  # a phone field that holds a whole ID number among other text
        store.conn.execute("UPDATE employments SET phone = ? WHERE enterprise_id = ? AND person_id ="
                           " (SELECT id FROM persons WHERE id_number = ?)", (f"见{whole}备注", enterprise_id, NUMBERS[4]))
    query = query_store.RosterQuery(enterprise_id, text=whole, hidden_digits=True)
    assert view_store._plan(store, query).narrowed
    window = view_store.filter_roster(store, query)
    assert {r.id_number for r in window.first_rows} == {whole, NUMBERS[4]}
    assert window.total == view_store.count_roster(store, query) == 2
    shorter = dataclasses.replace(query, text=whole[:17])
    assert not view_store._plan(store, shorter).narrowed
    assert view_store.filter_roster(store, shorter).total == view_store.count_roster(store, shorter) == 2
