"""Counties' applications and their decisions written straight into a province file (the tables
统计分析 reads, as a batch import leaves them; no rosters, no letters), varied enough for 统计分析 to have something to show: several counties, a year of
months, 符合 and 不符合, applications not yet approved, verified and claimed priority groups and
workers from several source counties. Used by the 统计分析 page's test, bench/bench_summary.py and
the screenshot. Each worker's payload is what the county's program writes (about 700 bytes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from desktop.store import Store
from tests.batches import factory

COUNTIES = (("222401", "延吉市就业服务局"), ("222402", "图们市就业服务局"), ("222403", "敦化市就业服务局"),
            ("222404", "珲春市就业服务局"), ("222405", "龙井市就业服务局"), ("222406", "和龙市就业服务局"),
            ("222424", "汪清县就业服务局"), ("222426", "安图县就业服务局"), ("220882", "大安市就业服务局"),
            ("220821", "镇赉县就业服务局"))
SOURCES = ("222424", "222426", "220882", "220821", "222406", "220721", "220723")
GROUPS = ("poverty_alleviated", "employment_difficulty", "registered_unemployed", "unemployed_graduate")
NOW = "2026-11-30T10:00:00+08:00"


@dataclass(frozen=True)
class Made:
    enterprises: int
    employments: int


def worker(number: str, w: int, e: int) -> dict[str, object]:
    source = SOURCES[(e + w) % len(SOURCES)]
    group = GROUPS[(e + w) % 4] if w % 13 == 0 else None
    claim = GROUPS[(e + w) % 4] if w % 11 == 0 or (group and w % 2 == 0) else None
    return {
        "ref": None, "id_number": number, "id_valid": True, "id_as_given": number, "name": f"职工{e}-{w}",
        "hukou_text": "汪清县", "hukou_code": source, "hukou_name": "汪清县", "contract_type": "fixed",
        "contract_start": "2026-01-01", "contract_end": "2027-12-31", "paid_months": ["2026-04", "2026-05"],
        "priority_group": group, "priority_claim": claim, "monthly_wage": 3200.0, "counted": w % 10 != 9,
        "reasons": [] if w % 10 != 9 else [{"code": "contract_too_short", "params": {}}],
        "notes": [{"code": "hukou_paired", "params": {"area": "汪清县", "group": "延边朝鲜族自治州"}}],
        "other_claims": [], "duplicate_choice": None,
    }


def fill(store: Store, *, enterprises: int, workers: int, counties: int = len(COUNTIES),
         months: tuple[str, ...] = tuple(f"2026-{m:02d}" for m in range(1, 12))) -> Made:
    """Add ``counties`` county offices and ``enterprises`` enterprises with ``workers`` workers each, one
    application each: applied in one of ``months``, most approved the month after (one in seven
    不符合), one in nine still waiting. In one transaction of the caller's store."""
    conn = store.conn
    with store.transaction():
        offices = []
        for code, name in COUNTIES[:counties]:
            offices.append((code, conn.execute(
                "INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
                " VALUES (?, ?, 'county', '', 0, ?, ?)", (code, name, NOW, NOW)).lastrowid))
        for e in range(enterprises):
            code, office_id = offices[e % len(offices)]
            enterprise_id = conn.execute(
                "INSERT INTO enterprises (office_id, uscc, name, county_code, industry, staff_total, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 'industry', ?, ?, ?)",
                (office_id, factory.uscc(e, code), f"测试企业{e:05d}有限公司", code, workers * 3, NOW, NOW)).lastrowid
            numbers = [factory.id_number(e * workers + w, "222424") for w in range(workers)]
            conn.executemany("INSERT OR IGNORE INTO persons (id_number, name, created_at, updated_at)"
                             " VALUES (?, ?, ?, ?)", [(n, f"职工{e}-{w}", NOW, NOW) for w, n in enumerate(numbers)])
            applied = months[(e * 5) % len(months)]
            waiting = e % 9 == 5
            approved = None if waiting else _next_month(applied) + f"-{1 + e % 27:02d}T15:00:00+08:00"
            application_id = conn.execute(
                "INSERT INTO applications (enterprise_id, loan_type, amount_wan, applied_on, review_date, status,"
                " version, created_at, updated_at, approved_at) VALUES (?, 'working_capital', 500, ?, ?, ?, 1, ?, ?, ?)",
                (enterprise_id, f"{applied}-{1 + e % 28:02d}", f"{applied}-28", "submitted" if waiting else "issued",
                 NOW, NOW, approved)).lastrowid
            people = [worker(n, w, e) for w, n in enumerate(numbers)]
            counted = sum(1 for p in people if p["counted"])
            result = "fail" if e % 7 == 3 else "pass"
            decision_id = conn.execute(
                "INSERT INTO decisions (application_id, application_version, review_date, ruleset_version, standard,"
                " qualifying_count, staff_total, computed_result, final_result, payload, created_at)"
                " VALUES (?, 1, ?, 'bench', 'normal', ?, ?, ?, ?, ?, ?)",
                (application_id, f"{applied}-28", counted, workers * 3, result, result,
                 json.dumps({"workers": people, "explanation": ["…"]}, ensure_ascii=False), NOW)).lastrowid
            if not waiting:
                conn.execute("UPDATE applications SET approved_decision_id = ? WHERE id = ?",
                             (decision_id, application_id))
    return Made(enterprises, enterprises * workers)


def _next_month(month: str) -> str:
    year, m = int(month[:4]), int(month[5:7])
    return f"{year + 1}-01" if m == 12 else f"{year}-{m + 1:02d}"


def bare_province(path: str) -> Store:
    """A province file with only its office (no users): for the bench."""
    store = Store.open(path, create=True)
    with store.transaction():
        store.conn.execute("INSERT INTO offices (code, name, kind, letter_prefix, is_local, created_at, updated_at)"
                           " VALUES ('220000', '吉林省就业服务局', 'province', '吉人社劳协', 1, ?, ?)", (NOW, NOW))
    return store
