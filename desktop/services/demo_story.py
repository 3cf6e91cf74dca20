"""The demo office's year of work: two enterprises taken from roster to loan tracking by hand's path.

What a clerk and an approver would have made by clicking, through the same service functions:
the enterprise registered, its roster imported from a file (CSV, as Excel saves it), the
priority-group claims verified with an evidence reference, the application registered and
submitted with the evidence ticked, approved by the second person, the 确认书 issued and
numbered, the loan recorded from its contract, and a list of the enterprise's workers
imported every month of the loan, re-verified every quarter.

- 长白织造 (small, industry): loan from 11 months before ``today``'s month; one worker leaves in
  the fifth month, another is away two months and comes back, two are hired in the sixth month
  as the staff grows; three quarterly checks, all 达标, the next one due within the month.
- 福源餐饮 (small, hospitality): loan from 6 months before; in the off-season six of its
  eleven counted workers leave, the check after it is 不达标 and waits for the approver's
  confirmation; three come back and two are hired, and the next check is overdue.

Every date follows from ``today``, every random draw from the demo's generator: the same
seed and day give the same office.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from desktop.core.eligibility_rows import add_months
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.loans import LoanDraft
from desktop.core.roster_headers import Field
from desktop.core.workers import ContractType, PriorityGroup
from desktop.rosters.csv_out import write_roster_csv
from desktop.services import letters, loans, priority, reviews, tracking
from desktop.services.accounts import sign_in
from desktop.services.demo_people import OTHER_HUKOU, PAIRED_HUKOU, id_number, person_name, uscc
from desktop.services.enterprises import add_enterprise
from desktop.services.errors import ServiceError
from desktop.services.roster_commit import import_roster
from desktop.services.workspace import Workspace

BANK = "国家开发银行吉林省分行"
COLUMNS = (Field.SEQ, Field.NAME, Field.SEX, Field.ID_NUMBER, Field.HUKOU, Field.GROUP, Field.CONTRACT_TYPE,
           Field.CONTRACT_START, Field.CONTRACT_END, Field.HIRE_DATE, Field.JOB, Field.WAGE, Field.INSURANCE,
           Field.PHONE)


@dataclass(frozen=True)
class Worker:
    number: str
    name: str
    male: bool
    hukou: str
    group: PriorityGroup | None
    start: date
    end: date | None  # None: an open-ended contract
    job: str
    wage: int
    phone: str
    insured: bool = True

    def row(self, seq: int) -> list[object]:
        return [seq, self.name, "男" if self.male else "女", self.number, self.hukou,
                self.group.label if self.group else None,
                (ContractType.FIXED if self.end else ContractType.OPEN_ENDED).label,
                self.start.isoformat(), self.end.isoformat() if self.end else None, self.start.isoformat(),
                self.job, self.wage, "是" if self.insured else "否", self.phone]


# Which of the first roster's workers are on month k's list (k = 0: the loan's first month),
# which new hires have joined, and the staff total the enterprise reports that month.
Plan = Callable[[int], tuple[Sequence[int], int, int]]


@dataclass(frozen=True)
class Story:
    stem: str
    industry: str
    staff: int
    revenue_wan: float
    assets_wan: float
    paired: int  # paired-area workers on the first roster
    groups: tuple[PriorityGroup, ...]  # claimed on the roster (the first paired workers)
    verified: bool  # the clerk verifies the claims
    jobs: tuple[str, ...]
    loan_months_ago: int  # the loan starts on the 1st, this many months before today's month
    term_months: int
    amount_wan: int
    rate: str
    months: int  # lists imported: the loan's first month onwards
    hires: int  # new paired-area workers during the loan
    hired_in: int  # the month k they join
    plan: Plan
    checks: tuple[int, ...]  # a check after the list of month k is imported, dated early in month k + 1
    contract: str  # the loan contract's number, {county} the office's: one province receives every county's loans


def _a_plan(k: int) -> tuple[Sequence[int], int, int]:
    """长白织造: worker 0 leaves in month 4; worker 1 is away in months 6 and 7; two hired in month 5."""
    gone = {0} if k >= 4 else set()
    if k in (6, 7):
        gone.add(1)
    return [i for i in range(16) if i not in gone], 2 if k >= 5 else 0, 48 if k < 5 else 52


def _b_plan(k: int) -> tuple[Sequence[int], int, int]:
    """福源餐饮: workers 5–10 leave in month 2 (the off-season); 5–7 come back in month 4 with two new."""
    if k in (2, 3):
        return [i for i in range(13) if not 5 <= i <= 10], 0, 40
    if k >= 4:
        return [i for i in range(13) if not 8 <= i <= 10], 2, 42
    return range(13), 0, 40


STORIES = (
    Story("长白织造", "industry", 48, 1860.0, 1520.0, 14, (PriorityGroup.EMPLOYMENT_DIFFICULTY,
          PriorityGroup.POVERTY_ALLEVIATED), True, ("挡车工", "缝纫工", "整烫工", "质检员", "机修工"),
          11, 36, 800, "3.00", 11, 2, 5, _a_plan, (2, 5, 8), "KH-JL-{county}-2025-0412"),
    Story("福源餐饮", "hospitality", 40, 620.0, 410.0, 11, (PriorityGroup.UNEMPLOYED_GRADUATE,), False,
          ("厨师", "服务员", "面点师", "保洁员", "收银员"), 6, 24, 300, "2.95", 6, 2, 4, _b_plan, (2,),
          "KH-JL-{county}-2026-0187"),
)


@dataclass(frozen=True)
class StoryResult:
    enterprises: int
    workers: int
    priority_workers: int
    approved: int
    letters: tuple[str, ...]
    loans: int
    lists: int
    checks: int


def _worker(rng: random.Random, hukou: tuple[str, str], hired: date, jobs: Sequence[str],
            group: PriorityGroup | None = None, years: int = 3) -> Worker:
    code, text = hukou
    born = date(1972, 1, 1) + timedelta(days=rng.randrange(365 * 30))
    male = rng.random() < 0.55
    end = None if years == 0 else add_months(hired, 12 * years)[0] - timedelta(days=1)
    return Worker(id_number(rng, code, born, male), person_name(rng), male, text, group, hired, end,
                  rng.choice(jobs), rng.randrange(2400, 5200, 100), f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")


def _people(rng: random.Random, story: Story, office_code: str, review: date) -> tuple[list[Worker], list[Worker]]:
    """The first roster (paired-area workers, a local hire, one from an unpaired county) and the later hires."""
    paired = [p for p in PAIRED_HUKOU if p[0] != office_code]
    local = next(p for p in PAIRED_HUKOU if p[0] == office_code) if office_code in dict(PAIRED_HUKOU) else OTHER_HUKOU[0]
    first = []
    for i in range(story.paired):
        hired = review - timedelta(days=rng.randrange(120, 400))
        group = story.groups[i] if i < len(story.groups) else None
        first.append(_worker(rng, rng.choice(paired), hired, story.jobs, group, years=0 if i == 4 else 3))
    for hukou in (local, rng.choice(OTHER_HUKOU)):
        first.append(_worker(rng, hukou, review - timedelta(days=rng.randrange(120, 400)), story.jobs))
    hires = [_worker(rng, rng.choice(paired), date(2000, 1, 1), story.jobs, years=2) for _ in range(story.hires)]
    return first, hires


def write_roster(folder: Path, name: str, workers: Sequence[Worker]) -> Path:
    """The roster as the enterprise hands it in: our template's columns, saved by Excel as CSV."""
    header = [f.label for f in COLUMNS]
    return write_roster_csv(folder / f"{name}.csv", header, (w.row(i + 1) for i, w in enumerate(workers)))


@dataclass
class _Case:
    story: Story
    uscc: str
    enterprise_id: int
    application_id: int
    review: date
    loan_start: date
    first: list[Worker]
    hires: list[Worker]


def _register(ws: Workspace, rng: random.Random, story: Story, folder: Path, month: date) -> _Case:
    """The clerk: the enterprise, its roster imported, the claims verified, the application submitted."""
    loan_start = add_months(month, -story.loan_months_ago)[0]
    review = add_months(loan_start, -1)[0] + timedelta(days=rng.randrange(6, 14))
    code = ws.office.code
    enterprise = add_enterprise(ws, EnterpriseDraft(
        name=f"延吉市{story.stem}有限公司", uscc=uscc(rng, code), county_code=code, industry=story.industry,
        staff_total=story.staff, revenue_wan=story.revenue_wan, assets_wan=story.assets_wan,
        contact_name=person_name(rng), contact_phone=f"139{rng.randrange(10**8):08d}",
        address=f"延吉市{rng.choice(['长白山东路', '光明街', '公园路'])}{rng.randrange(1, 300)}号",
    ))
    first, hires = _people(rng, story, code, review)
    roster = write_roster(folder, f"{enterprise.name}_劳务协作地区就业人员名册_{review:%Y%m}", first)
    import_roster(ws, enterprise.id, roster, today=review - timedelta(days=3))
    if story.verified:
        claimed = [w for w in first if w.group is not None]
        found = priority.employments_by_id_number(ws, enterprise.id, [w.number for w in claimed])
        for worker in claimed:
            priority.verify_claims(ws, enterprise.id, [found[worker.number]],
                                   f"核对延吉市{worker.group.label if worker.group else ''}名单（{review:%Y年%m月}）")
    case = reviews.new_application(ws, enterprise.uscc, amount_wan=float(story.amount_wan),
                                   applied_on=review - timedelta(days=5))
    reviews.submit(ws, case.id, evidence=("contracts", "wages"), review_date=review)
    return _Case(story, enterprise.uscc, enterprise.id, case.id, review, loan_start, first, hires)


def _follow(ws: Workspace, case: _Case, folder: Path) -> tuple[str, int, int]:
    """The clerk again: the letter, the loan from its contract, a list every month, the quarterly checks."""
    story = case.story
    letter = letters.issue(ws, case.application_id, issued_on=case.review + timedelta(days=3))
    try:
        letters.print_pdf(ws, letter.id)  # the original, printed for the enterprise
    except ServiceError:
        pass  # no font to draw it with on this computer: the letter stays issued and unprinted, as in an office
    loans.add_loan(ws, case.uscc, LoanDraft(
        bank_branch=BANK, contract_number=story.contract.format(county=ws.office.code),
        amount_wan=Decimal(story.amount_wan), start_date=case.loan_start, term_months=story.term_months,
        rate=Decimal(story.rate),
        preferential_end=add_months(case.loan_start, story.term_months)[0] - timedelta(days=1)))
    checks = 0
    for k in range(story.months):
        month = add_months(case.loan_start, k)[0]
        kept, hired, staff = story.plan(k)
        joined = add_months(case.loan_start, story.hired_in)[0] + timedelta(days=2)
        hires = [replace(w, start=joined, end=add_months(joined, 24)[0] - timedelta(days=1)) for w in case.hires[:hired]]
        people = [case.first[i] for i in kept] + hires
        path = write_roster(folder, f"{case.uscc}_{month:%Y-%m}", people)
        tracking.import_list(ws, case.uscc, path, period=f"{month:%Y-%m}", staff_total=staff)
        if k in story.checks:
            tracking.check(ws, case.uscc, add_months(month, 1)[0] + timedelta(days=6 + k % 3))
            checks += 1
    return letter.number, story.months, checks


def follow_the_year(clerk: Workspace, password: str, rng: random.Random, today: date) -> StoryResult:
    """The two enterprises' year, by the clerk (signed in as ``clerk``) and the approver: two persons,
    as the rules want; the approver signs in beside the clerk, as on a second computer."""
    month = today.replace(day=1)
    with tempfile.TemporaryDirectory(prefix="laoxie-demo-") as scratch:
        folder = Path(scratch)
        cases = [_register(clerk, rng, story, folder, month) for story in STORIES]
        with sign_in(clerk.store.path, "approver", password) as approver:
            for case in cases:
                reviews.approve(approver, case.application_id)
        followed = [_follow(clerk, case, folder) for case in cases]
    workers = sum(len(c.first) for c in cases)  # on the rosters; the hires are on the monthly lists only
    verified = sum(len(s.groups) for s in STORIES if s.verified)
    return StoryResult(len(cases), workers, verified, len(cases), tuple(f[0] for f in followed), len(cases),
                       sum(f[1] for f in followed), sum(f[2] for f in followed))
