"""Issue 16's target: the duplicate search over 1,000,000 employments in <= 5 s. Measured here at a
scale the shared build machine can make quickly (default 100,000 employments: 500 enterprises of 200
counted workers, in 10 counties), with 1 % of the people counted again by an enterprise of another
county in an overlapping period; ``--employments N`` for more.

The province file is written straight into the tables (what the import writes, without the
crypto): persons, employments, an approved application per enterprise and its decision, whose
payload lists every worker as the county's program writes it (about 700 bytes a worker, the
reasons and notes included), and who each enterprise counts (``province_counted``, which the import
keeps; migration 0016). Measured: ``store.province.duplicates`` (what the 重复人员 page and
`laoxie province duplicates` run: the pairs with both sides' county, enterprise, contract and letter,
and the ruling), warm, alternately with the floor: the bare question on a plain table of who is
counted where and when (person, enterprise, contract start and end; indexed by person) as one
self-join with the overlap test, nothing else joined. Medians of three.

``LAOXIE_BENCH_SIZE=quick`` (``make bench``) and the default: 100,000 employments, the target scaled
linearly (0.5 s); ``--employments 1000000`` for the target's size (building that file takes about
10 minutes on the shared machine).

Usage: python bench/bench_province_duplicates.py [--employments 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import alternate, record  # noqa: E402
from desktop.store import Store  # noqa: E402
from desktop.store import province as store_province  # noqa: E402
from tests.batches import factory  # noqa: E402

TARGET_S = 5.0
WORKERS = 200
COUNTIES = ("222401", "222402", "222403", "222404", "222405", "222406", "222424", "222426", "220882", "220821")


def worker_payload(number: str, name: str) -> dict[str, object]:
    return {
        "ref": None, "id_number": number, "id_valid": True, "id_as_given": number, "name": name,
        "hukou_text": "汪清县", "hukou_code": "222424", "hukou_name": "汪清县", "contract_type": "fixed",
        "contract_start": "2026-01-01", "contract_end": "2027-12-31", "paid_months": ["2026-04", "2026-05"],
        "priority_group": None, "priority_claim": None, "monthly_wage": 3200.0, "counted": True, "reasons": [],
        "notes": [{"code": "hukou_paired", "params": {"area": "汪清县", "group": "延边朝鲜族自治州"}}],
        "other_claims": [], "duplicate_choice": None,
    }


def build(path: Path, employments: int) -> int:
    enterprises = employments // WORKERS
    now = "2026-11-30T10:00:00+08:00"
    with Store.open(path, create=True) as store, store.transaction():
        conn = store.conn
        conn.execute("INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
                     " VALUES ('220000', '吉林省就业服务局', 'province', '吉人社劳协', 1, ?, ?)", (now, now))
        office_ids = {}
        for code in COUNTIES:
            office_ids[code] = conn.execute(
                "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
                " VALUES (?, ?, 'county', '', 0, ?, ?)", (code, f"{code}就业服务局", now, now)).lastrowid
        duplicates = 0
        for e in range(enterprises):
            code = COUNTIES[e % len(COUNTIES)]
            enterprise_id = conn.execute(
                "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 'industry', 600, ?, ?)",
                (office_ids[code], factory.uscc(e, code), f"测试企业{e:05d}有限公司", code, now, now)).lastrowid
            people = []
            for w in range(WORKERS):
                n = e * WORKERS + w  # below 4,500,000: factory.id_number gives each n its own number
                if w == 0 and e % 2 == 1 and e >= len(COUNTIES):
                    n = (e - 1) * WORKERS + 1  # one of the previous enterprise's people: another county
                    duplicates += 1
                people.append((factory.id_number(n, "222424"), f"职工{n}"))
            conn.executemany("INSERT OR IGNORE INTO persons (id_number, name, created_at, updated_at)"
                             " VALUES (?, ?, ?, ?)", [(i, nm, now, now) for i, nm in people])
            conn.executemany(
                "INSERT INTO employments (enterprise_id, person_id, hukou_code, contract_start, contract_end,"
                " created_at, updated_at) SELECT ?, id, '222424', '2026-01-01', '2027-12-31', ?, ?"
                " FROM persons WHERE id_number = ?", [(enterprise_id, now, now, i) for i, _ in people])
            application_id = conn.execute(
                "INSERT INTO applications (enterprise_id, loan_type, amount_wan, applied_on, review_date, status,"
                " version, created_at, updated_at, approved_at) VALUES (?, 'working_capital', 500, '2026-11-01',"
                " '2026-11-20', 'issued', 1, ?, ?, ?)", (enterprise_id, now, now, now)).lastrowid
            payload = json.dumps({"workers": [worker_payload(i, nm) for i, nm in people],
                                  "explanation": ["…"]}, ensure_ascii=False)
            decision_id = conn.execute(
                "INSERT INTO decisions (application_id, application_version, review_date, ruleset_version, standard,"
                " qualifying_count, staff_total, computed_result, final_result, payload, created_at)"
                " VALUES (?, 1, '2026-11-20', 'bench', 'normal', ?, 600, 'pass', 'pass', ?, ?)",
                (application_id, WORKERS, payload, now)).lastrowid
            conn.execute("UPDATE applications SET approved_decision_id = ? WHERE id = ?", (decision_id, application_id))
            conn.execute("INSERT INTO province_counted (enterprise_id, person_id) SELECT ?, person_id FROM employments"
                         " WHERE enterprise_id = ?", (enterprise_id, enterprise_id))  # what the import keeps
    return duplicates


FLOOR_TABLE = """CREATE TABLE plain_counted AS
SELECT c.person_id, c.enterprise_id, m.contract_start, m.contract_end
FROM province_counted c JOIN employments m ON m.enterprise_id = c.enterprise_id AND m.person_id = c.person_id"""
FLOOR_QUERY = """SELECT a.person_id, a.enterprise_id, b.enterprise_id FROM plain_counted a
JOIN plain_counted b ON b.person_id = a.person_id AND b.enterprise_id > a.enterprise_id
WHERE coalesce(a.contract_start, '') <= coalesce(b.contract_end, '9999')
  AND coalesce(b.contract_start, '') <= coalesce(a.contract_end, '9999')"""


def main() -> int:
    import sqlite3

    parser = argparse.ArgumentParser()
    parser.add_argument("--employments", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "province.sqlite3"
        started = time.perf_counter()
        expected = build(path, args.employments)
        built = time.perf_counter() - started
        size = path.stat().st_size
        plain = sqlite3.connect(Path(folder) / "plain.sqlite3")
        plain.execute("ATTACH DATABASE ? AS src", (str(path),))
        plain.execute(FLOOR_TABLE.replace("FROM province_counted c JOIN employments m",
                                          "FROM src.province_counted c JOIN src.employments m"))
        plain.execute("CREATE INDEX plain_person ON plain_counted (person_id, enterprise_id)")
        plain.commit()
        plain.execute("DETACH DATABASE src")
        with Store.open(path, create=False) as store:
            found: list[object] = []
            floor_found: list[object] = []

            def ours() -> float:
                t0 = time.perf_counter()
                found[:] = store_province.duplicates(store)
                return time.perf_counter() - t0

            def floor() -> float:
                t0 = time.perf_counter()
                floor_found[:] = plain.execute(FLOOR_QUERY).fetchall()
                return time.perf_counter() - t0

            ours()
            floor()  # warm both
            mine, theirs = alternate(ours, floor, 3)
        plain.close()
        goal = round(TARGET_S * args.employments / 1_000_000, 2)
        print(f"employments {args.employments:,}; file {size / 2**20:.0f} MiB (built in {built:.1f} s)")
        print(f"duplicate search: {mine:.2f} s (median of 3), {len(found)} found, {expected} made;"
              f" floor {len(floor_found)} pairs")
        record(f"province: duplicate search, {args.employments:,} employments", mine, floor=theirs, goal_value=goal)
        print(f"at 1,000,000 employments, scaled linearly: {mine * 1_000_000 / args.employments:.1f} s"
              f" (target {TARGET_S:.0f} s)")
        return 0 if len(found) == expected == len(floor_found) and mine <= goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
