"""Enterprises with rosters and applications for the review and letter tests (set up through the services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from desktop.core.areas import AreaTable
from desktop.core.decision import Decision, WorkerFacts
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, decide
from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import id_check_char, uscc_check_char
from desktop.core.letter import LetterContent
from desktop.core.letter_build import build_content
from desktop.core.office import Office
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize, SizeResult
from desktop.core.workers import ContractType, PriorityGroup
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace

REVIEW_DAY = date(2026, 6, 30)
OFFICE = Office(1, "222401", "延吉市就业服务局", "county", "延吉人社劳协确")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍鹏辉玲春梅海燕东雪红波宇浩然"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
HUKOU = [("222405", "龙井市"), ("222402", "图们市"), ("222424", "汪清县"), ("220623", "长白朝鲜族自治县"),
         ("220882", "大安市")]


def uscc_for(n: int) -> str:
    first17 = f"9122240100000{n:04d}"
    return first17 + uscc_check_char(first17)


def id_number(enterprise: int, n: int, area: str = "222401") -> str:
    first17 = f"{area}1990{1 + n % 12:02d}{1 + n % 28:02d}{(enterprise * 131 + n) % 1000:03d}"
    return first17 + id_check_char(first17)


def worker_name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)] + GIVEN[(n * 3) % len(GIVEN)]


@dataclass(frozen=True)
class Case:
    enterprise_id: int
    uscc: str
    name: str
    application_id: int
    id_numbers: tuple[str, ...]


def add_case(ws: Workspace, n: int = 1, *, workers: int = 12, staff: int = 100, outsiders: int = 1,
             priority: int = 1, name: str | None = None, loan_type: str = "working_capital") -> Case:
    """A small industrial enterprise with ``workers`` paired-area workers (the first ``priority`` of them
    poverty-alleviated), ``outsiders`` from 长春, and a draft application reviewed on 2026-06-30."""
    uscc = uscc_for(n)
    name = name or f"延吉市测试{n}号有限公司"
    added = add_enterprise(ws, EnterpriseDraft(
        name=name, uscc=uscc, county_code="222401", industry="industry", staff_total=staff,
        revenue_wan=500.0, assets_wan=300.0, contact_name="金明", contact_phone="13843312345",
    ))
    people = []
    rows = []
    numbers = []
    for i in range(workers + outsiders):
        outsider = i >= workers
        code, hukou = ("220102", "长春市南关区") if outsider else HUKOU[i % len(HUKOU)]
        number = id_number(n, i, code)
        numbers.append(number)
        people.append((number, worker_name(n * 1000 + i), "M" if i % 2 else "F", "1990-01-01"))
        rows.append({
            "enterprise_id": added.id, "hukou_text": hukou, "hukou_code": code, "source_row": i + 2,
            "contract_type": "open_ended" if i % 9 == 8 else "fixed", "contract_start": "2026-01-01",
            "contract_end": None if i % 9 == 8 else "2027-12-31",
            "priority_group": "poverty_alleviated" if i < priority else None,
            "priority_claim": "poverty_alleviated" if i < priority else None,
            "priority_evidence": "核对县脱贫人口名单（2026年5月）" if i < priority else "", "id": number,
        })
    with ws.store.transaction():
        ids = ws.store.upsert_persons(people)
        for row in rows:
            row["person_id"] = ids[str(row.pop("id"))]
        ws.store.insert_employments(rows)
        app_id = ws.store.insert_application(added.id, loan_type=loan_type, amount_wan=500.0,
                                             applied_on="2026-06-01")
        ws.store.conn.execute("UPDATE applications SET review_date = ? WHERE id = ?", (REVIEW_DAY.isoformat(), app_id))
        ws.audit("application.create", entity="application", entity_id=app_id)
    return Case(added.id, uscc, name, app_id, tuple(numbers))


# -- content without a database -------------------------------------------------------------


def sample_decision(workers: int = 40, *, staff: int = 400, names: list[str] | None = None) -> Decision:
    """A decision with ``workers`` counted workers (every fifth in a priority group) and one outsider."""
    groups = list(PriorityGroup)
    facts = [
        WorkerFacts(
            id_number=id_number(7, i, HUKOU[i % len(HUKOU)][0]), name=(names or [])[i] if names else worker_name(i),
            hukou_code=HUKOU[i % len(HUKOU)][0], hukou_text=HUKOU[i % len(HUKOU)][1],
            contract_type=ContractType.OPEN_ENDED if i % 7 == 6 else ContractType.FIXED,
            contract_start=date(2025, 1 + i % 12, 1), contract_end=None if i % 7 == 6 else date(2027, 12, 31),
            priority_group=groups[(i // 5) % 4] if i % 5 == 0 else None,
        )
        for i in range(workers)
    ] + [WorkerFacts(id_number=id_number(7, 999, "220102"), name="外地人", hukou_code="220102", hukou_text="长春",
                     contract_type=ContractType.FIXED, contract_start=date(2026, 1, 1), contract_end=date(2027, 1, 1))]
    enterprise = EnterpriseFacts(
        name="延吉市长白山食品有限公司", uscc=uscc_for(7), county_code="222401", staff_total=staff,
        size=SizeResult(EnterpriseSize.MEDIUM, False, "", "std", ("从业人员 400 人",)),
    )
    return decide(RuleSet.load(), enterprise, ApplicationFacts(REVIEW_DAY, 1, 1, True, True), facts,
                  areas=AreaTable.default())


def sample_content(workers: int = 40, *, seq: int = 12, names: list[str] | None = None) -> LetterContent:
    return build_content(
        sample_decision(workers, names=names), office=OFFICE, number=OFFICE.letter_number(2026, seq), year=2026,
        seq=seq, issued_on=date(2026, 11, 24), prepared_by="金经办", approved_by="朴科长", decision_id=1,
        decision_digest="0" * 64, application_id=1, application_version=1,
    )
