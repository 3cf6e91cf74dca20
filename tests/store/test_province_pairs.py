"""重复人员's lists a page at a time, on a large synthetic province (20,000 employments, ~3,000 pairs,
a third ruled, 500 identity conflicts): the pages put together are the whole list in the asked
order, the counts are the whole list's, each filter keeps what it says, one pair is found by its key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.store import Store
from desktop.store import province as sp
from tests.batches import factory
from tests.services import province_big

PAGE = 200


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> province_big.Big:
    path = factory.province_db(tmp_path_factory.mktemp("big") / "province.sqlite3")
    return province_big.build(path, employments=20_000, twice=30, conflicts=500)


@pytest.fixture
def store(big: province_big.Big) -> Iterator[Store]:
    with Store.open(big.path, create=False) as opened:
        yield opened


def paged(store: Store, query: sp.DuplicateQuery) -> list[sp.Duplicate]:
    rows: list[sp.Duplicate] = []
    while page := sp.duplicates(store, query, limit=PAGE, offset=len(rows)):
        assert len(page) <= PAGE
        rows += page
    return rows


def expected_pairs(store: Store) -> set[tuple[int, int]]:
    """Worked out in Python from who each enterprise counts and the contracts, not by the store's SQL."""
    counted = {(int(e), int(p)) for e, p in store.conn.execute("SELECT enterprise_id, person_id FROM province_counted")}
    by_person: dict[int, list[tuple[int, str, str]]] = {}
    for m, e, p, start, end in store.conn.execute(
            "SELECT id, enterprise_id, person_id, contract_start, contract_end FROM employments"):
        if (e, p) in counted:
            by_person.setdefault(p, []).append((m, start or "0000", end or "9999"))
    pairs = set()
    for jobs in by_person.values():
        for ma, sa, ea in jobs:
            for mb, sb, eb in jobs:
                if ma < mb and sa <= eb and sb <= ea:
                    pairs.add((ma, mb))
    return pairs


def test_the_pages_make_the_whole_list_in_order(big: province_big.Big, store: Store) -> None:
    whole = sp.duplicates(store)
    assert len(whole) == big.pairs > 10 * PAGE
    assert {d.key for d in whole} == expected_pairs(store)
    assert [d.key for d in paged(store, sp.DuplicateQuery())] == [d.key for d in whole]
    numbers = [(d.id_number, d.key) for d in whole]
    assert numbers == sorted(numbers)
    assert sp.duplicate_counts(store) == (big.pairs, big.pairs - big.ruled)
    assert sum(d.ruling is None for d in whole) == big.pairs - big.ruled


@pytest.mark.parametrize("sort", sorted(sp.DUPLICATE_SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_each_order_is_kept_across_the_pages(store: Store, sort: str, descending: bool) -> None:
    query = sp.DuplicateQuery(sort=sort, descending=descending)
    rows = paged(store, query)
    assert len({d.key for d in rows}) == len(rows) == sp.duplicate_counts(store, query)[0]
    names = dict(store.conn.execute("SELECT id, name_key FROM enterprises"))
    value = {
        "name": lambda d: store.conn.execute("SELECT name_key FROM persons WHERE id = ?", (d.person_id,)).fetchone()[0],
        "id_number": lambda d: d.id_number, "ruling": lambda d: d.ruling.ruling if d.ruling else "",
        "a_county": lambda d: d.a.county_code, "b_county": lambda d: d.b.county_code,
        "a_enterprise": lambda d: names[d.a.enterprise_id], "b_enterprise": lambda d: names[d.b.enterprise_id],
    }[sort]
    keys = [(value(d), d.key) for d in rows]
    assert keys == sorted(keys, reverse=descending)


def test_the_filters_keep_what_they_say_and_are_counted(big: province_big.Big, store: Store) -> None:
    whole = sp.duplicates(store)
    open_ = paged(store, sp.DuplicateQuery(state="open", sort="name"))
    assert {d.key for d in open_} == {d.key for d in whole if d.ruling is None}
    assert sp.duplicate_counts(store, sp.DuplicateQuery(state="open")) == (len(open_), len(open_))
    ruled = paged(store, sp.DuplicateQuery(state="ruled"))
    assert {d.key for d in ruled} == {d.key for d in whole if d.ruling is not None} and len(ruled) == big.ruled
    county = paged(store, sp.DuplicateQuery(county="222403"))
    assert county and {d.key for d in county} == {d.key for d in whole if "222403" in (d.a.county_code,
                                                                                          d.b.county_code)}
    both = sp.DuplicateQuery(state="open", county="222403")
    assert sp.duplicate_counts(store, both) == (len(paged(store, both)),) * 2
    with pytest.raises(ValueError):
        sp.duplicates(store, sp.DuplicateQuery(state="maybe"))


def test_one_pair_is_read_by_its_key(store: Store) -> None:
    whole = sp.duplicates(store)
    chosen = whole[len(whole) // 2]
    assert sp.duplicates(store, key=chosen.key) == [chosen]
    assert sp.duplicates(store, key=(chosen.a.employment_id, chosen.a.employment_id + 1)) == []


def test_the_identity_conflicts_come_in_pages(big: province_big.Big, store: Store) -> None:
    whole = sp.identity_conflicts(store)
    assert len(whole) == big.conflicts == sp.identity_conflict_count(store) > PAGE
    rows: list[sp.IdentityConflict] = []
    while page := sp.identity_conflicts(store, limit=PAGE, offset=len(rows)):
        rows += page
    assert rows == whole and [c.id for c in rows] == sorted(c.id for c in rows)
    assert sp.identity_conflicts(store, conflict_id=whole[7].id) == [whole[7]]
    assert sp.identity_conflicts(store, conflict_id=-1) == []


def test_a_settled_conflict_leaves_the_open_list_and_its_count(big: province_big.Big, tmp_path: Path) -> None:
    path = tmp_path / "copy.sqlite3"
    with Store.open(big.path, create=False) as source:
        source.conn.execute("VACUUM INTO ?", (str(path),))
    with Store.open(path, create=False) as store:
        first = sp.identity_conflicts(store, limit=1)[0]
        with store.transaction():
            sp.settle_identity(store, first.id, name="金成哲", reason="电话核对", user_id=None)
        assert sp.identity_conflict_count(store) == big.conflicts - 1
        assert sp.identity_conflict_count(store, open_only=False) == big.conflicts
        assert sp.identity_conflicts(store, conflict_id=first.id) == []
        assert sp.identity_conflicts(store, open_only=False, conflict_id=first.id)[0].settled_name == "金成哲"
