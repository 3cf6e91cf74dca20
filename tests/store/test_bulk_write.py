"""Store.bulk_write's page cache: 64 MB in a new office (a first import's peak memory), plus room for
the persons' indexes an office already has, which a large import writes into at random places."""

from __future__ import annotations

from pathlib import Path

from desktop.store import Store


def _cache_megabytes_inside(store: Store) -> float:
    with store.bulk_write():
        return -int(store.conn.execute("PRAGMA cache_size").fetchone()[0]) / 1024


def _person(store: Store, person_id: int) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT INTO persons (id, id_number, name, created_at, updated_at) VALUES (?, ?, '金', 'now', 'now')",
            (person_id, f"{person_id:017d}X"))


def test_the_cache_grows_with_the_persons_on_file_and_no_further_than_its_cap(db_path: Path) -> None:
    store = Store.open(db_path)
    try:
        before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        assert _cache_megabytes_inside(store) == 64  # a new office: no persons
        _person(store, 7_812)  # 128 bytes a person: under 1 MB
        assert _cache_megabytes_inside(store) == 64
        _person(store, 500_000)
        assert _cache_megabytes_inside(store) == 64 + 64
        _person(store, 1_500_000)
        assert _cache_megabytes_inside(store) == 64 + 192
        _person(store, 3_000_000)  # the cap
        assert _cache_megabytes_inside(store) == 64 + 192
        with store.bulk_write(16):  # the caller's figure wins
            assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -16 * 1024
        assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == before
    finally:
        store.close()
