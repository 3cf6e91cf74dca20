"""A demo office with realistic synthetic data, so a new install shows a living app.

Everything here is made up: names are drawn from common surnames and given
names, ID numbers are valid (real check characters, real Jilin area codes,
some of them historical) but belong to nobody on record.

Everything goes through the services, as a clerk's clicks would: each enterprise's roster is
written as the file the enterprise hands in and imported, each priority claim verified with its
reference, each application registered; demo_story.py takes two more through approval, letters
and a year of loan tracking.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from desktop.core.enterprise import EnterpriseDraft
from desktop.core.loan_form import LoanType
from desktop.core.office import Actor, Role
from desktop.core.size import EnterpriseSize
from desktop.core.workers import ContractType, PriorityGroup
from desktop.services.accounts import add_user, sign_in
from desktop.services.demo_people import (
    HISTORICAL_ID_CODES, OTHER_HUKOU, PAIRED_HUKOU, id_number, person_name, uscc,
)
from desktop.services.demo_story import Worker, follow_the_year, write_roster
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.offices import initialise_office
from desktop.services.priority import employments_by_id_number, verify_claims
from desktop.services.reviews import new_application
from desktop.services.roster_commit import import_roster
from desktop.services.workspace import Workspace, window_lock

DEMO_ACTOR = Actor(username="demo")

# (name stem, industry, size) — every size appears, several industries.
ENTERPRISES = [
    ("长白山食品", "industry", EnterpriseSize.LARGE), ("延边紫丁香服饰", "industry", EnterpriseSize.MEDIUM),
    ("海兰江建筑工程", "construction", EnterpriseSize.MEDIUM), ("图们江物流", "transport", EnterpriseSize.SMALL),
    ("布尔哈通河农业", "agriculture", EnterpriseSize.SMALL), ("帽儿山酒店管理", "hospitality", EnterpriseSize.SMALL),
    ("金达莱超市", "retail", EnterpriseSize.MICRO), ("一心仓储", "warehousing", EnterpriseSize.MICRO),
    ("天池软件", "software_it", EnterpriseSize.SMALL), ("烟集物业服务", "property_management", EnterpriseSize.MEDIUM),
    ("东盛人力资源服务", "leasing_business", EnterpriseSize.SMALL), ("北山冷面餐饮", "hospitality", EnterpriseSize.MICRO),
    ("龙井苹果梨种植", "agriculture", EnterpriseSize.MICRO), ("延吉新兴汽车配件", "industry", EnterpriseSize.SMALL),
    ("珲春海产品加工", "industry", EnterpriseSize.MEDIUM), ("敦化林产", "industry", EnterpriseSize.LARGE),
    ("和龙矿泉饮品", "industry", EnterpriseSize.SMALL), ("朝阳川商贸", "wholesale", EnterpriseSize.SMALL),
    ("安图人参制品", "industry", EnterpriseSize.MICRO), ("汪清木耳", "agriculture", EnterpriseSize.SMALL),
]
SUFFIX = {"construction": "有限公司", "agriculture": "专业合作社", "hospitality": "有限公司"}

# Indicators that put each industry into each size under the 2011 standard.
PROFILE = {
    EnterpriseSize.LARGE: (1200, 45000.0, 90000.0),
    EnterpriseSize.MEDIUM: (320, 6500.0, 8000.0),
    EnterpriseSize.SMALL: (60, 1100.0, 2200.0),
    EnterpriseSize.MICRO: (12, 80.0, 60.0),
}
JOBS = ["操作工", "包装工", "仓管员", "司机", "厨师", "服务员", "保安", "保洁员", "质检员", "电工", "焊工", "销售员"]


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    office: str
    enterprises: int
    workers: int
    priority_workers: int
    applications: int
    users: tuple[str, ...]
    approved: int = 0
    letters: tuple[str, ...] = ()
    loans: int = 0
    tracking_lists: int = 0
    tracking_checks: int = 0


def remove_demo(path: Path | str) -> None:
    """Delete a demo file (and its -wal, -shm) before building it anew; refused (StoreError
    in_use) while a window has it open: deleting a WAL under an open connection loses data."""
    lock = window_lock(path)
    try:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    finally:
        lock.release()  # type: ignore[attr-defined]


def build_demo(path: Path | str, *, password: str, seed: int = 19, county_code: str = "222401",
               office_name: str = "延吉市就业服务局", letter_prefix: str = "延吉人社劳协确",
               today: date | None = None) -> DemoSummary:
    """Create a new office database at `path` filled with synthetic enterprises and workers.

    Contract and application dates are placed around `today` (default: the
    real today), so a demo built any day shows the same mix of results.

    Users: admin (管理员), clerk (经办人) and approver (审核人), all with `password`.
    """
    path = Path(path)
    if path.exists():
        raise ServiceError("demo_exists", path=path)
    rng = random.Random(seed)
    anchor = today or date.today()
    initialise_office(path, county_code=county_code, name=office_name, letter_prefix=letter_prefix,
                      admin_username="admin", admin_password=password, actor=DEMO_ACTOR)
    with sign_in(path, "admin", password) as ws:
        add_user(ws, "clerk", Role.CLERK, password, "金经办", temporary=False)
        add_user(ws, "approver", Role.APPROVER, password, "朴科长", temporary=False)
    workers = priority = applications = 0
    with sign_in(path, "clerk", password) as ws, tempfile.TemporaryDirectory(prefix="laoxie-demo-") as scratch:
        folder = Path(scratch)
        for index, (stem, industry, size) in enumerate(ENTERPRISES):
            staff, revenue, assets = PROFILE[size]
            staff = int(staff * rng.uniform(1.0, 1.3))
            draft = EnterpriseDraft(
                name=f"延吉市{stem}{SUFFIX.get(industry, '有限公司')}",
                uscc=uscc(rng, county_code), county_code=county_code, industry=industry,
                staff_total=staff, revenue_wan=round(revenue * rng.uniform(1.0, 1.4), 1),
                assets_wan=round(assets * rng.uniform(1.0, 1.4), 1),
                size_override=EnterpriseSize.SMALL if index == 11 else None,
                size_reason="按省开行客户评级认定为小型企业" if index == 11 else "",
                contact_name=person_name(rng), contact_phone=f"13{rng.randrange(0, 10)}{rng.randrange(10**8):08d}",
                address=f"延吉市{rng.choice(['河南街', '建工街', '新兴街', '进学街', '北山街'])}{rng.randrange(1, 300)}号",
            )
            enterprise = add_enterprise(ws, draft)
            count = min(staff, max(3, int(staff * rng.uniform(0.12, 0.35))), 60)
            w, p = _add_workers(ws, rng, enterprise.id, count, anchor, folder)
            workers += w
            priority += p
            if index % 3 != 2:
                new_application(ws, enterprise.uscc,
                                loan_type=LoanType.WORKING_CAPITAL if index % 2 else LoanType.FIXED_ASSET,
                                amount_wan=float(rng.choice([200, 500, 800, 1000, 3000])),
                                applied_on=anchor - timedelta(days=rng.randrange(80)))
                applications += 1
        year = follow_the_year(ws, password, rng, anchor)
        office = ws.office.name
    return DemoSummary(path, office, len(ENTERPRISES) + year.enterprises, workers + year.workers,
                       priority + year.priority_workers, applications + year.approved,
                       ("admin", "clerk", "approver"), year.approved, year.letters, year.loans, year.lists,
                       year.checks)


def _evidence(rng: random.Random, group: PriorityGroup | None) -> str:
    if group is None:
        return ""
    number = rng.randrange(1, 999)
    return {
        PriorityGroup.POVERTY_ALLEVIATED: f"防返贫监测标识 {rng.randrange(10**9):09d}",
        PriorityGroup.EMPLOYMENT_DIFFICULTY: f"延就困认字〔2025〕{number}号",
        PriorityGroup.REGISTERED_UNEMPLOYED: f"失业登记证 2224012025{number:04d}",
        PriorityGroup.UNEMPLOYED_GRADUATE: f"{rng.choice(['延边大学', '吉林大学', '长春工业大学'])} 2025届",
    }[group]


def _add_workers(ws: Workspace, rng: random.Random, enterprise_id: int, count: int, today: date,
                 folder: Path) -> tuple[int, int]:
    """The enterprise's roster, written as its file and imported; then each priority claim verified."""
    # Contracts start 11 to 911 days before `today` and run 2 months to 3 years.
    earliest = today - timedelta(days=911)
    people: list[Worker] = []
    evidence: list[str] = []
    seen: set[str] = set()
    while len(people) < count:
        paired = rng.random() < 0.8
        code, hukou = rng.choice(PAIRED_HUKOU if paired else OTHER_HUKOU)
        if paired and code == ws.office.code:  # the office's own county: a local hire, not a paired-area worker
            code, hukou = next(pair for pair in PAIRED_HUKOU if pair[0] != ws.office.code)
        id_area = HISTORICAL_ID_CODES.get(code, code) if rng.random() < 0.15 else code
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(365 * 38))
        male = rng.random() < 0.55
        number = id_number(rng, id_area, born, male)
        if number in seen:
            continue
        seen.add(number)
        name = person_name(rng)
        start = earliest + timedelta(days=rng.randrange(900))
        kind = ContractType.OPEN_ENDED if rng.random() < 0.1 else ContractType.FIXED
        end = None if kind is ContractType.OPEN_ENDED else start + timedelta(days=rng.choice([60, 365, 730, 1095]) - 1)
        group = rng.choice(list(PriorityGroup)) if rng.random() < 0.15 else None
        job = rng.choice(JOBS)
        wage = rng.randrange(1900, 6000, 50)
        insured = rng.random() < 0.93
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        people.append(Worker(number, name, male, hukou, group, start, end, job, wage, phone, insured))
        evidence.append(_evidence(rng, group))
    roster = write_roster(folder, f"{ws.store.enterprise(enterprise_id).name}_名册", people)
    import_roster(ws, enterprise_id, roster, today=today)
    claimed = [(w, e) for w, e in zip(people, evidence) if w.group is not None]
    found = employments_by_id_number(ws, enterprise_id, [w.number for w, _ in claimed])
    for worker, reference in claimed:  # the clerk checks each claim against its own document
        verify_claims(ws, enterprise_id, [found[worker.number]], reference)
    return len(people), len(claimed)
