"""Target (issue 4, 15): the roster view filters 100,000 rows in <= 100 ms, a million in <= 150 ms.

One enterprise with 100,000 employments (and 20,000 more at other
enterprises), built through the roster import's own store functions.  Each
filter the view offers is timed as the view runs it (filter_roster): the
first 200 rows and, when an index narrowed the filter to few rows, their
count (a wider filter's count runs in the background while the view shows
"200+": its time is printed apart, not in the goal).  Every query is repeated
and the median and worst are reported; the target applies to the worst.

The floor of a filter is the least its first page must do: one plain SQL
statement for the same 200 rows with their columns (the filter's WHERE, the
sort, LIMIT 200), on the same indexes, planned by SQLite.  Ours and the floor
alternate; the table's row gives the worst filter and that filter's floor.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import quick, record  # noqa: E402
from desktop.core.identifiers import id_check_char, uscc_check_char  # noqa: E402
from desktop.core.office import Actor  # noqa: E402
from desktop.store import Store  # noqa: E402
from desktop.store import rosters as roster_store  # noqa: E402
from desktop.store import roster_query as query_store  # noqa: E402
from desktop.store import roster_view as view_store  # noqa: E402

TARGET_MS = 100.0
TARGET_1M_MS = 150.0
CACHE = Path(tempfile.gettempdir()) / "laoxie-bench"
WORKERS = 100_000
OTHERS = 20_000
REPEAT = 7
PLACES = [("222401", "延吉市"), ("222403", "敦化市"), ("222424", "汪清县"), ("220882", "大安市"), ("220821", "镇赉县"),
          ("220622", "靖宇县"), ("220102", "长春市南关区"), ("220184", "公主岭市"), ("222426", "安图县")]
GROUPS = [None] * 6 + ["poverty_alleviated", "employment_difficulty", "registered_unemployed", "unemployed_graduate"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶金朴崔"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉萍鹏辉玲建国春梅海燕东雪红波宇浩然哲瑞成龙凤鑫博文颖"


def build(path: Path, workers: int = WORKERS, others: int = OTHERS, *, office_exists: bool = False,
          chunk: int = 100_000) -> tuple[Store, int]:
    """An office file with one enterprise of ``workers`` employments and another of ``others``, written
    through the roster import's own store functions in chunks; returns the open store and the first
    enterprise's id.  ``office_exists``: the file was made by initialise_office (users to sign in)."""
    store = Store.open(path)
    rng = random.Random(7)
    actor = Actor(username="bench")
    with store.transaction():
        office = store.local_office() if office_exists else None
        if office is None:
            office = store.insert_local_office("222401", "延吉市就业服务局", "延吉人社劳协确")
        ids = []
        for n in range(2):
            cur = store.conn.execute(
                "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
                " updated_at) VALUES (?, ?, ?, '222401', 'other', ?, 'now', 'now')",
                (office.id, bench_uscc(n), f"企业{n}", max(1000, workers + others)),
            )
            ids.append(int(cur.lastrowid or 0))
    for enterprise_id, count, offset in ((ids[0], workers, 0), (ids[1], others, workers)):
        with store.transaction():
            import_id = roster_store.insert_roster_import(
                store, enterprise_id=enterprise_id, file_name="bench.xlsx", sha256="0" * 64, sheet="名册",
                counts={}, imported_by=None)
        for first in range(0, count, chunk):
            rows = []
            persons = []
            for i in range(first, min(first + chunk, count)):
                code, place = rng.choice(PLACES)
                born = date(1965, 1, 1) + timedelta(days=(i + offset) // 1000 * 3 % 12000)
                first17 = f"{code}{born:%Y%m%d}{(i + offset) % 1000:03d}"
                number = first17 + id_check_char(first17)
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                persons.append((number, name, "M" if int(number[16]) % 2 else "F", born.isoformat()))
                start = date(2024, 1, 1) + timedelta(days=rng.randrange(900))
                rows.append((number, i + 2, place, code, "fixed", start.isoformat(),
                             (start + timedelta(days=729)).isoformat(), None, "操作工", 2800.0, None, 1,
                             f"13{rng.randrange(10**9):09d}", rng.choice(GROUPS)))
            with store.transaction():
                roster_store.insert_persons(store, persons)
                roster_store.insert_employments(store, enterprise_id, import_id, rows)
    with store.transaction():
        store.audit(actor, "bench.build", office_id=office.id)
    store.conn.execute("ANALYZE")
    return store, ids[0]


def bench_uscc(n: int) -> str:
    first17 = f"91222401MA0000{n:03d}"
    return first17 + uscc_check_char(first17)


def timed(store: Store, query: query_store.RosterQuery) -> tuple[float, int | None]:
    """What the view does on a new filter: the first 200 rows, and the count when it is cheap."""
    start = time.perf_counter()
    window = view_store.filter_roster(store, query, first=200)
    elapsed = (time.perf_counter() - start) * 1000
    assert window.total is None or len(window.first_rows) == min(200, window.total)
    return elapsed, window.total


def floor_timed(store: Store, query: query_store.RosterQuery) -> float:
    """The same first page as one plain statement (SQLite's own plan on the same indexes)."""
    where, params, _ = query_store._where(query)
    column = query_store.SORT_COLUMNS[query.sort]
    tie = "p.id" if column.startswith("p.") else "m.id"
    direction = "DESC" if query.descending else "ASC"
    sql = (f"{query_store._RECORD_SQL} WHERE {where} ORDER BY {column} {direction}, {tie} {direction} LIMIT 200")
    start = time.perf_counter()
    store.conn.execute(sql, params).fetchall()
    return (time.perf_counter() - start) * 1000


def count_timed(store: Store, query: query_store.RosterQuery) -> tuple[float, int]:
    start = time.perf_counter()
    total = view_store.count_roster(store, query)
    return (time.perf_counter() - start) * 1000, total


def measure(workers: int, goal_ms: float) -> bool:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"roster-filter-{workers}-v1.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_name(path.name + ".building")
        for stale in path.parent.glob(partial.name + "*"):
            stale.unlink()
        built, _ = build(partial, workers, OTHERS)
        built.close()
        partial.rename(path)
        print(f"built {workers} + {OTHERS} employments in {time.perf_counter() - started:.1f} s (kept: {path})")
    store = Store.open(path, create=False)
    enterprise_id = int(store.conn.execute("SELECT min(id) FROM enterprises").fetchone()[0])
    base = query_store.RosterQuery(enterprise_id)
    sample = view_store.roster_page(store, base, limit=1, offset=5000)[0]
    queries = {
        "all, roster order": base,
        "all, sorted by name": dataclasses.replace(base, sort="name"),
        "name contains 1 character": dataclasses.replace(base, text="明"),
        "name contains 2 characters": dataclasses.replace(base, text=sample.name[:2]),
        "ID number, last 4 digits": dataclasses.replace(base, text=sample.id_number[-4:]),
        "ID number, first 6 digits": dataclasses.replace(base, text=sample.id_number[:6]),
        "ID number, whole": dataclasses.replace(base, text=sample.id_number),
        "ID number, hidden digits": dataclasses.replace(base, text=sample.id_number[6:10]),
        "ID number, first 10 (may unmask)": dataclasses.replace(base, text=sample.id_number[:10],
                                                                 hidden_digits=True),
        "ID number, whole (may unmask)": dataclasses.replace(base, text=sample.id_number, hidden_digits=True),
        "prefecture 延边 (2224)": dataclasses.replace(base, prefecture="2224"),
        "paired counties (9 codes)": dataclasses.replace(
            base, hukou_codes=("222401", "222403", "222424", "220882", "220821", "220622", "222426")),
        "one county, sorted by contract end": dataclasses.replace(base, hukou_codes=("222401",),
                                                                   sort="contract_end"),
        "any priority group": dataclasses.replace(base, priority_group="any"),
        "one priority group + name": dataclasses.replace(base, priority_group="poverty_alleviated", text="王"),
        "not resolved 户籍地": dataclasses.replace(base, unresolved=True),
    }
    worst_all, worst_floor = 0.0, 0.0
    for label, query in queries.items():
        timings, floors = [], []
        total: int | None = 0
        for _ in range(REPEAT):  # ours and the floor alternate, so load falls on both alike
            elapsed, total = timed(store, query)
            timings.append(elapsed)
            floors.append(floor_timed(store, query))
        worst = max(timings[1:])  # the first run warms the page cache
        floor = statistics.median(floors[1:])
        if worst > worst_all:
            worst_all, worst_floor = worst, floor
        counted = "" if total is not None else "  (count in the background: %.0f ms, %d rows)" % count_timed(store, query)
        shown = "200+" if total is None else str(total)
        print(f"{label:38} {shown:>7} rows  median {statistics.median(timings):6.1f} ms  max {worst:6.1f} ms"
              f"  floor {floor:6.1f} ms{counted}")
    store.close()
    print(f"roster view filters over {workers} rows: worst {worst_all:.1f} ms (target <= {goal_ms:.0f} ms)")
    record(f"roster filters, {workers:,} rows (worst of {len(queries)})", worst_all, unit="ms",
           floor=worst_floor, goal_value=goal_ms)
    return worst_all <= goal_ms


def main() -> int:
    sizes = [(WORKERS, TARGET_MS)] if quick() else [(WORKERS, TARGET_MS), (1_000_000, TARGET_1M_MS)]
    return 0 if all([measure(workers, goal) for workers, goal in sizes]) else 1


if __name__ == "__main__":
    sys.exit(main())
