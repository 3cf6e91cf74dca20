"""The roster view reads a page at a time (issue 15, 5): the same rows, order and counts as the full list.

Every filter and sort the view offers, on the sample rosters (tests/data) and on a generated
10,000-worker roster with inactive rows, unresolved 户籍地, verified and claimed groups: the
pages ``filter_roster`` and ``roster_page`` return, joined, equal every matching id read in order.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from datetime import date, timedelta

import pytest

from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import id_check_char
from desktop.services import roster_commit
from desktop.services import rosters as svc
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from desktop.store import roster_query as query_store
from desktop.store import roster_view as view_store
from desktop.store.store import Store
from tests.conftest import DATA
from tests.roster_factory import store_roster


def queries(enterprise_id: int, name: str, number: str) -> list[query_store.RosterQuery]:
    base = query_store.RosterQuery(enterprise_id)
    variants = [
        {}, {"active_only": False}, {"text": name[:1]}, {"text": name[:2]}, {"text": number[-4:]},
        {"text": number[:6]}, {"text": number}, {"text": number[6:10]},
        {"text": number[6:10], "hidden_digits": True}, {"prefecture": "2224"},
        {"hukou_codes": ("222401", "220882")}, {"hukou_codes": ()}, {"unresolved": True},
        {"priority_group": "any"}, {"priority_group": "none"}, {"priority_group": "claimed"},
        {"priority_group": "poverty_alleviated"}, {"priority_group": "poverty_alleviated", "text": name[:1]},
        {"contract_type": "fixed"}, {"contract_type": "task", "active_only": False},
    ]
    found = []
    for variant in variants:
        query = dataclasses.replace(base, **variant)  # type: ignore[arg-type]
        found.append(query)
        for sort in query_store.SORT_COLUMNS:
            found += [dataclasses.replace(query, sort=sort), dataclasses.replace(query, sort=sort, descending=True)]
    return found


def every_match(store: Store, query: query_store.RosterQuery) -> list[int]:
    """The oracle: one plain query for every matching id, in the sort's order (NULLs first ascending)."""
    where, params, _ = query_store._where(query)
    column = query_store.SORT_COLUMNS[query.sort]
    tie = "p.id" if column.startswith("p.") else "m.id"
    direction = "DESC" if query.descending else "ASC"
    return [r[0] for r in store.conn.execute(
        f"SELECT m.id FROM employments m JOIN persons p ON p.id = m.person_id WHERE {where}"
        f" ORDER BY {column} {direction}, {tie} {direction}", params)]


def assert_pages_match(store: Store, query: query_store.RosterQuery, page: int) -> None:
    expected = every_match(store, query)
    window = view_store.filter_roster(store, query, first=page)
    shown = list(window.first_rows)
    more = shown
    while len(more) == page:  # keyset paging: after the last row shown
        more = view_store.roster_page(store, query, limit=page, after=shown[-1].employment_id)
        shown += more
    if window.total is None:  # the page was full and the rest not counted: the view counts apart
        assert len(window.first_rows) == page, query
    else:
        assert window.total == len(expected), query
    assert view_store.count_roster(store, query) == len(expected), query
    assert [r.employment_id for r in shown] == expected, query
    assert view_store.roster_ids(store, query) == expected, query
    if len(expected) > page:  # a command's --offset reads the same rows
        offset = view_store.roster_page(store, query, limit=page, offset=page)
        assert [r.employment_id for r in offset] == expected[page:2 * page], query


@pytest.fixture(params=["narrowed", "wide"])
def few(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways a page is read: through an index that narrows the filter to few rows (the store's
    threshold) and in the view's order (no filter counts as few, so none narrows)."""
    if request.param == "wide":
        monkeypatch.setattr(view_store, "FEW", 1)


@pytest.mark.parametrize("sample", ["roster_clean.xlsx", "roster_messy.xlsx", "roster_gb18030.csv"])
def test_pages_equal_the_full_list_on_the_sample_rosters(workspace: Workspace, sample: str, few: None) -> None:
    enterprise = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市长白山食品有限公司", uscc="91110000600037341L", county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))
    preview = svc.prepare_import(workspace, enterprise.id, DATA / sample, today=datetime.date(2026, 11, 24))
    roster_commit.commit_import(workspace, preview)
    first = view_store.roster_page(workspace.store, query_store.RosterQuery(enterprise.id), limit=1)[0]
    for query in queries(enterprise.id, first.name, first.id_number):
        assert_pages_match(workspace.store, query, page=3)


def build_varied_roster(store: Store, enterprise_id: int, count: int) -> None:
    """Names that share characters, equal names and wages (ties the id breaks), rows left, 户籍地 not
    resolved, verified groups that differ from the claims."""
    rng = random.Random(15)
    places = [("222401", "延吉市"), ("222403", "敦化市"), ("220102", "长春市南关区"), ("220882", "大安市"),
              (None, "火星")]
    groups = [None, None, None, "poverty_alleviated", "employment_difficulty"]
    persons, rows = [], []
    for i in range(count):
        code, place = rng.choice(places)
        born = date(1965, 1, 1) + timedelta(days=i // 1000 * 3 % 12000)
        first17 = f"{code or '222401'}{born:%Y%m%d}{i % 1000:03d}"
        number = first17 + id_check_char(first17)
        name = rng.choice("王李张刘陈") + rng.choice("明伟芳娜") * rng.choice((1, 2))
        persons.append((number, name, "M" if int(number[16]) % 2 else "F", born.isoformat()))
        rows.append((number, rng.choice((i + 2, i + 2, None)), place, code, rng.choice(("fixed", "task")),
                     "2025-01-01", rng.choice(("2027-12-31", None)), None, "操作工",
                     rng.choice((2500.0, 2800.0, None)), None, 1, f"13{rng.randrange(10**9):09d}",
                     rng.choice(groups)))
    store_roster(store, enterprise_id, persons, rows, "UPDATE employments SET active = 0 WHERE id % 7 = 0",
                 "UPDATE employments SET priority_group = 'registered_unemployed', priority_evidence = '证明'"
                 " WHERE id % 11 = 0")


@pytest.mark.slow
def test_pages_equal_the_full_list_on_10000_workers(workspace: Workspace, few: None) -> None:
    enterprise = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市大型制造有限公司", uscc="91110000600037341L", county_code="222401", industry="industry",
        staff_total=12_000, revenue_wan=2500.0, assets_wan=3000.0,
    ))
    build_varied_roster(workspace.store, enterprise.id, 10_000)
    sample = view_store.roster_page(workspace.store, query_store.RosterQuery(enterprise.id), limit=1,
                                      offset=500)[0]
    for query in queries(enterprise.id, sample.name, sample.id_number):
        assert_pages_match(workspace.store, query, page=1000)


def test_a_name_search_through_the_name_indexes_finds_what_like_finds(workspace: Workspace) -> None:
    """The name search reads the persons through prefix ranges on substr(name, 2) and the longer
    names apart (0028): every position of every name length, a character beyond the
    BMP, Latin letters in either case and one character (both left to LIKE)."""
    enterprise = add_enterprise(workspace, EnterpriseDraft(
        name="延吉市长白山食品有限公司", uscc="91110000600037341L", county_code="222401", industry="industry",
        staff_total=350, revenue_wan=2500.0, assets_wan=3000.0,
    ))
    names = ["王明", "李王明", "张伟王", "欧阳娜娜", "阿卜杜热合曼·买买提", "𠀀明", "明𠀀", "Anna", "金ANNA",
             "王", "王王", "明明明明明"]
    persons, rows = [], []
    for i, name in enumerate(names * 3):
        first17 = f"22240119900101{i:03d}"
        number = first17 + id_check_char(first17)
        persons.append((number, name, "M", "1990-01-01"))
        rows.append((number, i + 2, "延吉市", "222401", "fixed", "2025-01-01", None, None, "操作工", 2500.0, None,
                     1, "", None))
    store_roster(workspace.store, enterprise.id, persons, rows)
    for text in ["王", "明", "王明", "王王", "娜娜", "阳娜娜", "买买提", "·", "𠀀", "明𠀀", "anna", "ANN", "明明明明",
                 "明明明明明明", "伟王", "杜热"]:
        query = query_store.RosterQuery(enterprise.id, text=text)
        assert (view_store._named(text) is not None) == (len(text) > 1 and text.lower() == text.upper()), text
        assert_pages_match(workspace.store, query, page=2)
        expected = every_match(workspace.store, query)
        assert len(expected) == len({n for n in names if text.lower() in n.lower()}) * 3, text
