"""A large province written straight into the tables (what the batch import leaves, without the
crypto): counties, enterprises of ``WORKERS`` counted workers each with an approved application, who each enterprise counts
(``province_counted``, as the import keeps it), a share of the people counted again by the next
enterprise (another county, overlapping contracts: a duplicate pair each), some of those pairs
ruled, and open identity conflicts. The 重复人员 page's and its store's paging tests read it; so
can a measurement (``build(path, employments=100_000, twice=20, conflicts=2_000)``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.store import Store
from tests.batches import factory

WORKERS = 200
COUNTIES = ("222401", "222402", "222403", "222404", "222405", "222406", "222424", "222426", "220882", "220821")
NOW = "2026-11-30T10:00:00+08:00"
SURNAMES = "金朴李崔郑王张刘陈杨赵黄周吴徐孙马朱胡林"


@dataclass(frozen=True)
class Big:
    path: Path
    employments: int
    pairs: int  # duplicate pairs made
    ruled: int  # of them, ruled
    conflicts: int  # open identity conflicts


def build(path: Path, *, employments: int, twice: int, conflicts: int, ruled_every: int = 3) -> Big:
    """``path`` must be a province office (``factory.province_db``). Each enterprise but the first
    counts ``twice`` people the enterprise before it counts too (so ``twice * (enterprises - 1)``
    pairs); every ``ruled_every``-th pair is ruled; ``conflicts`` people arrived under another name."""
    enterprises = employments // WORKERS
    pairs = ruled = 0
    with Store.open(path, create=False) as store, store.transaction():
        conn = store.conn
        user = int(conn.execute("SELECT id FROM users WHERE username = 'approver'").fetchone()[0])
        offices, batches = {}, {}
        for code in COUNTIES:
            offices[code] = conn.execute(
                "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
                " VALUES (?, ?, 'county', '', 0, ?, ?)", (code, f"{code}就业服务局", NOW, NOW)).lastrowid
            batches[code] = conn.execute(
                "INSERT INTO batches (office_id, direction, batch_uuid, seq, status, file_name, created_at)"
                " VALUES (?, 'incoming', ?, 1, 'accepted', ?, ?)",
                (offices[code], f"uuid-{code}", f"{code}-1.laoxie-batch", NOW)).lastrowid
        previous: list[int] = []  # the employment ids of the enterprise before
        for e in range(enterprises):
            code = COUNTIES[e % len(COUNTIES)]
            enterprise_id = conn.execute(
                "INSERT INTO enterprises (office_id, uscc, name, name_key, county_code, industry, staff_total,"
                " created_at, updated_at) VALUES (?, ?, ?, enterprise_sort_key(?3), ?, 'industry', 600, ?, ?)",
                (offices[code], factory.uscc(e, code), f"测试企业{e:05d}有限公司", code, NOW, NOW)).lastrowid
            conn.execute(
                "INSERT INTO applications (enterprise_id, loan_type, amount_wan, applied_on, review_date, status,"
                " version, created_at, updated_at, approved_at) VALUES (?, 'working_capital', 500, '2026-11-01',"
                " '2026-11-20', 'approved', 1, ?, ?, ?)", (enterprise_id, NOW, NOW, NOW))
            people = [e * WORKERS + w for w in range(WORKERS)]
            again = min(twice, WORKERS // 2) if e else 0
            people[:again] = [(e - 1) * WORKERS + WORKERS // 2 + w for w in range(again)]  # counted before too
            conn.executemany(
                "INSERT OR IGNORE INTO persons (id_number, name, name_key, created_at, updated_at)"
                " VALUES (?1, ?2, person_sort_key(?2), ?3, ?3)",
                [(factory.id_number(n, "222424"), f"{SURNAMES[n % len(SURNAMES)]}职工{n}", NOW) for n in people])
            conn.executemany(
                "INSERT INTO employments (enterprise_id, person_id, hukou_code, contract_start, contract_end,"
                " created_at, updated_at) SELECT ?, id, '222424', '2026-01-01', '2027-12-31', ?, ?"
                " FROM persons WHERE id_number = ?", [(enterprise_id, NOW, NOW, factory.id_number(n, "222424"))
                                                       for n in people])
            conn.execute("INSERT INTO province_counted (enterprise_id, person_id) SELECT ?, person_id"
                         " FROM employments WHERE enterprise_id = ?", (enterprise_id, enterprise_id))
            current = [int(r[0]) for r in conn.execute(
                "SELECT id FROM employments WHERE enterprise_id = ? ORDER BY id", (enterprise_id,))]
            for w in range(again):
                a = previous[WORKERS // 2 + w]
                pairs += 1
                if pairs % ruled_every == 0:
                    ruled += 1
                    conn.execute(
                        "INSERT INTO duplicate_rulings (person_id, employment_a, employment_b, ruling, reason,"
                        " ruled_by, ruled_at) SELECT person_id, id, ?, 'a_only', '合同早于乙企业', ?, ?"
                        " FROM employments WHERE id = ?", (current[w], user, NOW, a))
            previous = current
        people_ids = [int(r[0]) for r in conn.execute(
            "SELECT id FROM persons ORDER BY id LIMIT ?", (conflicts,))]
        conn.executemany(
            "INSERT INTO identity_conflicts (person_id, known_name, known_office_id, arriving_name,"
            " arriving_office_id, batch_id, found_at) SELECT id, name, ?, name || '甲', ?, ?, ? FROM persons"
            " WHERE id = ?", [(offices[COUNTIES[i % 10]], offices[COUNTIES[(i + 1) % 10]],
                               batches[COUNTIES[(i + 1) % 10]], NOW, pid) for i, pid in enumerate(people_ids)])
    return Big(path, enterprises * WORKERS, pairs, ruled, len(people_ids))
