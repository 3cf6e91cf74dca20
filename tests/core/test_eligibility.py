"""The eligibility engine: the golden table, then the parts one by one.

The golden cases (tests/core/golden/eligibility_cases.json) hold inputs and the
expected decision worked out by hand; this file only turns them into facts.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.areas import AreaTable
from desktop.core.decision import (
    Decision, DuplicateChoice, EligibilityError, OtherClaim, PassBy, Result, StandardKind, WorkerFacts,
    apply_override, clear_override, decimal_text, percent_text,
)
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, decide, reason_label
from desktop.core.eligibility_claims import ClaimRow, with_other_claims
from desktop.core.eligibility_rows import add_months, contract_min_end, fast_id
from desktop.core.identifiers import IdentifierError, id_check_char, parse_id_number
from desktop.core.messages import MESSAGES
from desktop.core.policy import DEFAULT_FILES, RuleSet
from desktop.core.size import EnterpriseSize, SizeResult, SizeStandard, classify
from desktop.core.workers import ContractType, PriorityGroup
from desktop.resources import resource_path

# The enterprise of these tests is in 吉林市船营区 (220204), the 输入地; its workers come from 延边 and
# other paired areas (a worker from the enterprise's own county is a local hire, see the golden cases).
HOME = "220204"
GOLDEN = json.loads((Path(__file__).parent / "golden" / "eligibility_cases.json").read_text(encoding="utf-8"))
DEFAULTS = GOLDEN["defaults"]
REVIEW = date.fromisoformat(DEFAULTS["review_date"])


# --- turning a golden case into facts ------------------------------------------


class Policies:
    """Rule sets with some values of labor_coop_2022.json changed, one folder each."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: dict[str, RuleSet] = {}

    def get(self, changes: dict[str, Any]) -> RuleSet:
        if not changes:
            return RuleSet.load()
        key = json.dumps(changes, sort_keys=True)
        if key not in self.made:
            folder = self.root / f"p{len(self.made)}"
            folder.mkdir()
            for name in DEFAULT_FILES.values():
                shutil.copy(resource_path("policy", name), folder / name)
            path = folder / DEFAULT_FILES["labor_coop"]
            data = json.loads(path.read_text(encoding="utf-8"))
            for dotted, value in changes.items():
                *parents, last = dotted.split(".")
                target = data
                for part in parents:
                    target = target[part]
                assert last in target, dotted
                target[last] = value
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            self.made[key] = RuleSet.load(folder)
        return self.made[key]


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> Policies:
    return Policies(tmp_path_factory.mktemp("policies"))


def generated_id(index: int, area: str = "222401") -> str:
    first17 = f"{area}{date(1980, 1, 1) + timedelta(days=index):%Y%m%d}{index % 1000:03d}"
    return first17 + id_check_char(first17)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def workers_of(specs: list[dict[str, Any]]) -> tuple[list[WorkerFacts], list[ClaimRow], dict[str, DuplicateChoice]]:
    workers: list[WorkerFacts] = []
    claims: list[ClaimRow] = []
    choices: dict[str, DuplicateChoice] = {}
    allowed = {"n", "id", "hukou_code", "hukou_text", "contract_type", "start", "end", "paid_months",
               "priority_group", "priority_claim", "monthly_wage", "claims", "choice", "hukou_check"}
    for spec in specs:
        assert set(spec) <= allowed, set(spec) - allowed
        merged = {**DEFAULTS["worker"], **spec}
        for _ in range(spec["n"]):
            hukou = merged["hukou_code"]  # a generated number is issued where the 户籍地 is
            number = merged.get("id") or generated_id(len(workers), hukou if hukou and len(hukou) == 6 else "222401")
            workers.append(WorkerFacts(
                id_number=number, name=f"职工{len(workers) + 1}", hukou_code=merged["hukou_code"],
                contract_type=ContractType(merged["contract_type"]), contract_start=_day(merged["start"]),
                contract_end=_day(merged["end"]), hukou_text=merged.get("hukou_text", ""),
                paid_months=tuple(merged["paid_months"]) if merged.get("paid_months") is not None else None,
                priority_group=PriorityGroup(merged["priority_group"]) if merged.get("priority_group") else None,
                priority_claim=PriorityGroup(merged["priority_claim"]) if merged.get("priority_claim") else None,
                hukou_check=merged.get("hukou_check"),
                monthly_wage=merged.get("monthly_wage"), ref=len(workers) + 1,
            ))
            for claim in merged.get("claims", []):
                claims.append(ClaimRow(number, OtherClaim(
                    enterprise_name=claim["enterprise_name"], uscc="91220100MA00000000", office_name="长春市就业服务局",
                    contract_type=ContractType(claim.get("contract_type", "fixed")),
                    contract_start=_day(claim["start"]), contract_end=_day(claim["end"]),
                )))
            if "choice" in merged:
                choices[number] = DuplicateChoice(merged["choice"])
    return workers, claims, choices


def size_result(size: EnterpriseSize, reason: str | None) -> SizeResult:
    if reason:
        return SizeResult(size, True, reason, "size-standard-2011", ("其他未列明行业：…",))
    return SizeResult(size, False, "", "size-standard-2011", ("其他未列明行业：…",))


def run_case(case: dict[str, Any], policies: Policies) -> Decision:
    inputs = case["inputs"]
    rules = policies.get(inputs.get("policy", {}))
    workers, claims, choices = workers_of(inputs["workers"])
    workers = with_other_claims(workers, claims, choices)
    enterprise = EnterpriseFacts(
        name="吉林市甲有限公司", uscc="91110000600037341L", county_code=inputs.get("county_code", HOME),
        staff_total=inputs["staff_total"],
        size=size_result(EnterpriseSize(inputs["size"]), inputs.get("size_reason")),
    )
    review = date.fromisoformat(inputs.get("review_date", DEFAULTS["review_date"]))
    decision = decide(rules, enterprise, ApplicationFacts(review, 1, 1, True, True), workers)
    if "override" in inputs:
        o = inputs["override"]
        decision = apply_override(decision, Result(o["final_result"]), o["reason"], o["by"])
    return decision


def actual(decision: Decision, key: str) -> Any:
    s = decision.standard
    values: dict[str, Any] = {
        "computed_result": decision.computed_result.value,
        "final_result": decision.final_result.value,
        "pass_by": decision.pass_by.value if decision.pass_by else None,
        "standard": s.kind.value,
        "count_required": s.count_required,
        "share_required": str(s.share_required),
        "count_working": s.count_working,
        "share_working": s.share_working,
        "reduced_available": s.reduced_available,
        "qualifying_count": decision.qualifying_count,
        "share": str(decision.share) if decision.share is not None else None,
        "share_percent": percent_text(decision.share) if decision.share is not None else None,
        "count_met": decision.count_met,
        "share_met": decision.share_met,
        "priority_borrower": decision.priority_borrower,
        "priority_claimed": decision.priority_claimed,
        "priority_verified": decision.priority_verified,
        "overridden": decision.overridden,
        "pending_choices": decision.pending_choices,
        "size_manual": decision.size_manual,
        "reasons": dict(Counter(r.code for w in decision.workers for r in w.reasons)),
        "notes": dict(Counter(n.code for w in decision.workers for n in w.notes)),
        "blocked": [p.code for p in decision.blockers],
        "counted_rows": [i + 1 for i, w in enumerate(decision.workers) if w.counted],
    }
    return values[key]


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["name"] for c in GOLDEN["cases"]])
def test_golden(case: dict[str, Any], policies: Policies) -> None:
    decision = run_case(case, policies)
    for key, expected in case["expected"].items():
        if key == "step_codes":
            codes = [step.code for step in decision.steps]
            assert set(expected) <= set(codes), codes
        elif key == "warning_codes":
            codes = [w.code for w in decision.warnings]
            assert set(expected) <= set(codes), codes
        else:
            assert actual(decision, key) == expected, key
    # Whatever the case, the structure holds together:
    assert decision.qualifying_count == sum(w.counted for w in decision.workers)
    assert all(w.counted == (not w.reasons) for w in decision.workers)
    assert (decision.computed_result is Result.PASS) == (decision.pass_by is not None)
    assert decision.final_result is decision.computed_result or decision.override is not None
    text = "\n".join(decision.explanation())
    assert decision.computed_result.label in text and decision.ruleset_version in text
    again = Decision.from_dict(json.loads(json.dumps(decision.to_dict(), ensure_ascii=False)))
    assert again == decision


def test_golden_table_covers_what_the_issue_asks() -> None:
    names = " ".join(c["name"] for c in GOLDEN["cases"])
    for size in ("micro", "small", "medium", "large"):
        assert f"{size}: exactly" in names and f"{size}: " in names
    for words in ("reduced", "floor", "rounding up", "override", "not started", "short", "exactly 3 months",
                  "open-ended", "twice", "another enterprise", "claimed", "verified",
                  "blocks", "ID area"):
        assert words in names, words


# --- the explanation ---------------------------------------------------------------


def decision_with(policies: Policies, *workers: WorkerFacts, staff: int = 100,
                  size: EnterpriseSize = EnterpriseSize.MICRO, review: date = REVIEW,
                  rules: RuleSet | None = None, evidence: bool = True) -> Decision:
    enterprise = EnterpriseFacts("吉林市甲有限公司", "91110000600037341L", HOME, staff, size_result(size, None))
    return decide(rules or RuleSet.load(), enterprise, ApplicationFacts(review, None, None, evidence, evidence),
                  list(workers))


def worker(index: int, **changes: Any) -> WorkerFacts:
    base = WorkerFacts(generated_id(index), f"职工{index}", "222401", ContractType.FIXED, date(2026, 1, 1),
                       date(2026, 12, 31))
    return replace(base, **changes)


def test_explanation_reads_as_a_clerk_would_write_it(policies: Policies) -> None:
    decision = decision_with(
        policies, worker(1), worker(2), worker(3, priority_group=PriorityGroup.POVERTY_ALLEVIATED),
        worker(4, hukou_code="220102"), staff=40,
    )
    text = decision.explanation()
    assert text[0].startswith("依据吉人社联〔2022〕19号") and "审核日期2026-06-30" in text[0]
    assert "企业规模：微型企业，按划型标准认定。" in text
    assert "名册共4条，计入对口地区合格人员3人，不计入1条。" in text
    assert "　不计入：户籍地不在对口地区，1条。" in text
    assert "职工总数40人，合格人员占比3÷40=7.5%。" in text
    assert "按正常标准：人数3<5人，占比7.5%<15%，未达到。" in text
    assert any("5×0.5=2.5，向上取整为3人" in line and "15%×0.5=7.5%" in line for line in text)
    assert "按降低标准：人数3≥3人，占比7.5%≥7.5%，达到。" in text
    assert "结论：符合认定标准（人数和占比均达标，降低标准）。" in text
    assert text[-1] == "企业吸纳重点群体人员，为优先放贷支持对象。"
    not_counted = decision.workers[3]
    assert [r.text() for r in not_counted.reasons] == ["户籍地南关区（220102）不在劳务协作对口地区名单中"]
    assert not_counted.masked_id == generated_id(4)[:6] + "********" + generated_id(4)[-4:]
    assert [w.facts.name for w in decision.counted_workers] == ["职工1", "职工2", "职工3"]
    assert decision.priority_counts == ((PriorityGroup.POVERTY_ALLEVIATED, 1),)


def test_inexact_share_is_shown_as_approximate(policies: Policies) -> None:
    decision = decision_with(policies, worker(1), staff=7)
    assert "职工总数7人，合格人员占比1÷7≈14.29%。" in decision.explanation()


def test_every_reason_and_template_has_chinese_text() -> None:
    for code in ("invalid_id", "too_young", "hukou_unresolved", "not_paired_area", "contract_dates_missing",
                 "contract_too_short", "contract_not_active", "no_paid_month", "duplicate_person",
                 "counted_elsewhere_pending", "counted_elsewhere_excluded"):
        assert code in MESSAGES
        assert reason_label(code)
    assert Result.PASS.label == "符合认定标准" and StandardKind.REDUCED.label == "降低标准"
    assert PassBy.BOTH.label == "人数和占比均达标" and DuplicateChoice.COUNT_HERE.label == "在本企业计入"


def test_warnings(policies: Policies) -> None:
    decision = decision_with(policies, worker(1, monthly_wage=1000.5), evidence=False)
    assert [w.code for w in decision.warnings] == [
        "warn_evidence_contracts", "warn_evidence_wages", "warn_wage_below_minimum",
    ]
    note = decision.workers[0].notes[0]
    assert note.text() == "月工资1000.5元低于当地最低工资标准1920元（第2档），请核实"


def test_a_hukou_code_outside_jilin_is_named_from_gb2260_and_an_unknown_one_shown_as_written(
        policies: Policies) -> None:
    decision = decision_with(policies, worker(1, hukou_code="110105"), worker(2, hukou_code="999999"))
    assert decision.workers[0].reasons[0].text() == "户籍地北京市朝阳区（110105）不在劳务协作对口地区名单中"
    assert decision.workers[1].reasons[0].text() == "户籍地999999（999999）不在劳务协作对口地区名单中"


def test_open_contract_periods_in_reasons(policies: Policies) -> None:
    decision = decision_with(
        policies,
        worker(1, contract_type=ContractType.TASK, contract_start=date(2026, 7, 1), contract_end=None),
        worker(2, contract_start=None, contract_end=None),
    )
    assert decision.workers[0].reasons[0].text() == "审核日期2026-06-30不在劳动合同期限（2026-07-01起，以完成一定工作任务为期限）内"
    assert decision.workers[1].reasons[0].text() == "劳动合同起止日期不全（?至?）"


def test_review_date_before_the_rules(policies: Policies) -> None:
    with pytest.raises(EligibilityError, match="早于认定规则的施行日期2022-02-22") as caught:
        decision_with(policies, worker(1), review=date(2022, 2, 21))
    assert caught.value.code == "review_before_rules"


def test_no_minimum_wage_period_means_no_wage_note(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    for name in DEFAULT_FILES.values():
        shutil.copy(resource_path("policy", name), folder / name)
    path = folder / DEFAULT_FILES["min_wage"]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["periods"] = data["periods"][1:]  # the table starts in 2024-10
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rules = RuleSet.load(folder)
    enterprise = EnterpriseFacts("甲", "91110000600037341L", HOME, 10, size_result(EnterpriseSize.MICRO, None))
    decision = decide(rules, enterprise, ApplicationFacts(date(2023, 1, 1)),
                      [worker(1, contract_start=date(2022, 6, 1), contract_end=date(2023, 6, 1), monthly_wage=100.0)])
    assert decision.workers[0].counted and decision.workers[0].notes == ()


def test_a_size_from_the_standard_is_explained() -> None:
    standard = SizeStandard.load()
    size = classify(standard, "industry", staff=350, revenue_wan=2500, assets_wan=None)
    enterprise = EnterpriseFacts("甲", "91110000600037341L", HOME, 350, size)
    decision = decide(RuleSet.load(), enterprise, ApplicationFacts(REVIEW), [worker(i) for i in range(20)])
    assert decision.size is EnterpriseSize.MEDIUM and not decision.size_manual
    assert decision.size_steps == size.steps
    assert any(line.strip() == size.steps[-1] for line in decision.explanation())


# --- overrides ---------------------------------------------------------------------


def test_override_keeps_the_computed_result(policies: Policies) -> None:
    computed = decision_with(policies, worker(1))
    assert computed.computed_result is Result.FAIL
    changed = apply_override(computed, Result.PASS, "  合同已续签  ", "朴科长", approver_id=7, at="2026-07-01T09:00:00+08:00")
    assert (changed.computed_result, changed.final_result) == (Result.FAIL, Result.PASS)
    assert changed.override is not None and changed.override.reason == "合同已续签" and changed.override.by_user_id == 7
    assert changed.explanation()[-1] == "审核人朴科长将结论定为“符合认定标准”（计算结果为“不符合认定标准”），理由：合同已续签"
    assert changed.steps == computed.steps
    assert Decision.from_dict(changed.to_dict()) == changed
    assert clear_override(changed) == computed


@pytest.mark.parametrize(
    ("result", "reason", "approver", "code"),
    [(Result.PASS, " ", "朴科长", "override_reason_required"), (Result.PASS, "理由", "", "override_approver_required"),
     (Result.FAIL, "理由", "朴科长", "override_same_result")],
)
def test_override_refusals(policies: Policies, result: Result, reason: str, approver: str, code: str) -> None:
    computed = decision_with(policies, worker(1))
    with pytest.raises(EligibilityError) as caught:
        apply_override(computed, result, reason, approver)
    assert caught.value.code == code and str(caught.value)


# --- JSON ---------------------------------------------------------------------------


def test_json_round_trip_and_schema(policies: Policies) -> None:
    decision = decision_with(
        policies, worker(1, paid_months=("2026-05",), priority_group=PriorityGroup.UNEMPLOYED_GRADUATE,
                         monthly_wage=2500.0, hukou_text="延吉市"),
        worker(2, other_claims=(OtherClaim("乙公司", "91220100MA00000000", "长春市就业服务局", ContractType.OPEN_ENDED,
                                           date(2020, 1, 1), None),), duplicate_choice=DuplicateChoice.EXCLUDE_HERE),
    )
    data = decision.to_dict()
    assert data["schema"] == "laoxie.decision/1"
    assert data["workers"][1]["reasons"][0]["code"] == "counted_elsewhere_excluded"
    assert data["workers"][1]["other_claims"][0]["contract_end"] is None
    assert Decision.from_dict(json.loads(json.dumps(data))) == decision
    with pytest.raises(ValueError, match="not a decision"):
        Decision.from_dict({**data, "schema": "other"})


def test_number_texts() -> None:
    from fractions import Fraction

    assert [decimal_text(Fraction(n, d)) for n, d in ((5, 2), (-5, 2), (1, 3), (3, 40), (0, 1), (-1, 3))] == [
        "2.5", "-2.5", "≈0.33", "0.075", "0", "≈-0.33",
    ]
    assert [percent_text(Fraction(n, d)) for n, d in ((3, 20), (1, 7), (1, 1))] == ["15%", "≈14.29%", "100%"]


# --- contracts -----------------------------------------------------------------------


def test_add_months() -> None:
    assert add_months(date(2026, 1, 31), 1) == (date(2026, 2, 28), False)
    assert add_months(date(2026, 1, 15), 3) == (date(2026, 4, 15), True)
    assert add_months(date(2025, 11, 30), 3) == (date(2026, 2, 28), False)
    assert add_months(date(2026, 12, 31), 0) == (date(2026, 12, 31), True)
    assert add_months(date(2026, 10, 31), 2) == (date(2026, 12, 31), True)


@settings(max_examples=300)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(min_value=1, max_value=36))
def test_contract_min_end_properties(start: date, months: int) -> None:
    end = contract_min_end(start, months)
    assert end > start
    # The next day's minimum end is never earlier (longer from a later start).
    assert contract_min_end(start + timedelta(days=1), months) >= end
    # A contract from the 1st of a month to the last day N-1 months later is exactly N months.
    if start.day == 1:
        assert (end + timedelta(days=1)).day == 1
    if start.day <= 28:
        assert end == add_months(start, months)[0] - timedelta(days=1)


# --- ID numbers ---------------------------------------------------------------------


@settings(max_examples=500)
@given(st.one_of(
    st.text(alphabet="0123456789Xx ", min_size=15, max_size=19),
    st.builds(lambda d, s: f"222401{d:%Y%m%d}{s:03d}", st.dates(date(1890, 1, 1), date(2030, 1, 1)),
              st.integers(0, 999)).map(lambda f: f + id_check_char(f)),
))
def test_fast_id_agrees_with_parse_id_number(text: str) -> None:
    today = date(2026, 6, 30)
    fast = fast_id(text, today)
    try:
        slow = parse_id_number(text, today=today)
    except IdentifierError:
        assert fast is None
    else:
        assert fast is None or fast == (slow.number, slow.birth_date)
        if text == slow.number:
            assert fast == (slow.number, slow.birth_date)


# --- claims across enterprises -------------------------------------------------------


def test_with_other_claims_keeps_only_overlaps_and_drops_stale_choices() -> None:
    mine = worker(1, contract_start=date(2026, 1, 1), contract_end=date(2026, 6, 30))
    other = worker(2)
    claim_before = OtherClaim("乙", "x", "局", ContractType.FIXED, date(2025, 1, 1), date(2025, 12, 31))
    claim_touching = OtherClaim("丙", "y", "局", ContractType.FIXED, date(2026, 6, 30), date(2026, 12, 31))
    claim_unknown_start = OtherClaim("丁", "z", "局", ContractType.TASK, None, None)
    rows = [ClaimRow(mine.id_number, c) for c in (claim_before, claim_touching, claim_unknown_start)]
    choices = {mine.id_number: DuplicateChoice.COUNT_HERE, other.id_number: DuplicateChoice.EXCLUDE_HERE}
    result = with_other_claims([mine, other], rows, choices)
    assert result[0].other_claims == (claim_touching, claim_unknown_start)
    assert result[0].duplicate_choice is DuplicateChoice.COUNT_HERE
    assert result[1] is other  # no claim: unchanged, the choice is dropped
    stale = replace_claims(mine)
    assert with_other_claims([stale], [])[0].other_claims == () and with_other_claims([stale], [])[0].duplicate_choice is None


def replace_claims(w: WorkerFacts) -> WorkerFacts:
    claim = OtherClaim("乙", "x", "局", ContractType.FIXED, date(2026, 1, 1), date(2026, 12, 31))
    return replace(w, other_claims=(claim,), duplicate_choice=DuplicateChoice.COUNT_HERE)


def test_claims_name_each_enterprise_once(policies: Policies) -> None:
    claim = OtherClaim("乙公司", "x", "长春市就业服务局", ContractType.FIXED, date(2026, 1, 1), date(2026, 12, 31))
    decision = decision_with(policies, worker(1, other_claims=(claim, claim)))
    assert decision.workers[0].reasons[0].text() == (
        "合同期内同时列在乙公司（长春市就业服务局）的名册中，待经办人决定是否在本企业计入"
    )
    assert "须由经办人决定" in "".join(decision.explanation())


# --- changing the rules -----------------------------------------------------------


def test_a_parameter_file_changes_decisions_without_code(policies: Policies) -> None:
    workers = [worker(i) for i in range(4)]
    before = decision_with(policies, *workers, staff=1000)
    after = decision_with(policies, *workers, staff=1000, rules=policies.get({"standards.micro.count.value": 4}))
    assert (before.computed_result, after.computed_result) == (Result.FAIL, Result.PASS)
    assert before.ruleset_version != after.ruleset_version
    # The earlier decision, kept as JSON, still says what it was made under.
    kept = json.dumps(before.to_dict(), ensure_ascii=False)
    assert Decision.from_dict(json.loads(kept)).ruleset_version == RuleSet.load().version


def test_an_office_paired_list_changes_decisions() -> None:
    rules = RuleSet.load()
    edited = rules.paired.with_group_counties("rural_revitalization_key", ["220102"], version="office-2026-11")
    w = worker(1, hukou_code="220102")
    enterprise = EnterpriseFacts("甲", "91110000600037341L", HOME, 100, size_result(EnterpriseSize.MICRO, None))
    shipped = decide(rules, enterprise, ApplicationFacts(REVIEW), [w])
    office = decide(rules.with_paired_areas(edited), enterprise, ApplicationFacts(REVIEW), [w],
                    areas=AreaTable.default())
    assert not shipped.workers[0].counted and office.workers[0].counted
    assert "paired-areas@office-2026-11" in office.ruleset_version


def iter_cases() -> Iterator[dict[str, Any]]:
    yield from GOLDEN["cases"]


def test_golden_names_are_unique() -> None:
    names = [c["name"] for c in iter_cases()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("first17", ["22240119900230001", "22240118991231001", "22240120990101001"])
def test_fast_id_leaves_impossible_birth_dates_to_the_full_check(first17: str) -> None:
    text = first17 + id_check_char(first17)
    assert fast_id(text, date(2026, 6, 30)) is None
    with pytest.raises(IdentifierError) as caught:
        parse_id_number(text, today=date(2026, 6, 30))
    assert caught.value.code == "id_birth_date"


def test_a_message_code_cannot_be_registered_with_another_text() -> None:
    from desktop.core.decision import register_messages

    register_messages({"invalid_id": MESSAGES["invalid_id"]})  # the same text again is harmless
    with pytest.raises(RuntimeError, match="registered twice"):
        register_messages({"invalid_id": "别的文字"})


def test_no_other_module_overwrites_the_engine_messages() -> None:
    """Every core module registers into one MESSAGES table: a code taken twice would show the wrong text."""
    import importlib
    import pkgutil
    import re

    import desktop.core

    for module in pkgutil.iter_modules(desktop.core.__path__):
        importlib.import_module(f"desktop.core.{module.name}")
    checked = 0
    for name in ("decision.py", "eligibility.py", "eligibility_rows.py", "eligibility_standard.py"):
        source = (Path(desktop.core.__file__).parent / name).read_text(encoding="utf-8")
        for code, template in re.findall(r'^\s+"([a-z_]+)": QT_TRANSLATE_NOOP\(\s*"problems",\s*"([^"]+)"', source, re.M):
            assert MESSAGES[code] == template, code
            checked += 1
    assert checked >= 50


# --- memory: a decision over a large roster ----------------------------------------


def test_a_large_roster_decision_holds_little_beyond_the_facts(policies: Policies) -> None:
    """issue 15 item 5: the outcomes of a big roster share what is the same for many workers (the
    problems of a contract period, a priority claim's note) and hold no dict per worker."""
    import gc
    import tracemalloc

    n = 8_000  # born 1980 onwards, a day apart: all adults at the review date
    ended, active = (date(2025, 1, 1), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 12, 31))
    workers = [
        worker(i, contract_start=(ended if i % 2 else active)[0], contract_end=(ended if i % 2 else active)[1],
               priority_claim=PriorityGroup.POVERTY_ALLEVIATED if i % 3 == 0 else None)
        for i in range(n)
    ]
    rules = RuleSet.load()
    decision_with(policies, *workers, staff=n, rules=rules)  # the bounded caches (birth dates...) filled first
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        decision = decision_with(policies, *workers, staff=n, rules=rules)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert decision.qualifying_count == n // 2
    assert sum(1 for w in decision.workers if w.reasons and w.reasons[0].code == "contract_not_active") == n // 2
    assert held / n < 200, f"{held / n:.0f} bytes a worker"  # 490 with a dict per worker and problem
