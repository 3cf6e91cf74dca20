"""The letter as content: built from a decision, its digest and codes, its words; and the loan forms."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from desktop.core.areas import AreaTable
from desktop.core.decision import Decision, Result, WorkerFacts, apply_override
from desktop.core.eligibility import ApplicationFacts, EnterpriseFacts, decide
from desktop.core.identifiers import id_check_char
from desktop.core.letter import (
    CROCKFORD, LetterContent, LetterError, format_code, normalise_code, parse_qr_payload, verification_code,
)
from desktop.core.letter_build import build_content, contract_text
from desktop.core.letter_words import chinese_date, letter_text
from desktop.core.loan_form import BY_KEY, LoanType, apply_changes, empty_form, fields_for, read_form
from desktop.core.office import Office
from desktop.core.policy import RuleSet
from desktop.core.size import EnterpriseSize, SizeResult
from desktop.core.workers import ContractType, PriorityGroup

OFFICE = Office(1, "222401", "延吉市就业服务局", "county", "延吉人社劳协确")
REVIEW = date(2026, 6, 30)


def ident(n: int, area: str = "222401") -> str:
    first17 = f"{area}19900101{n:03d}"
    return first17 + id_check_char(first17)


def decision(workers: int = 4, staff: int = 100, outsiders: int = 1) -> Decision:
    facts = [
        WorkerFacts(id_number=ident(i, "222405"), name=f"职工{i}", hukou_code="222405", hukou_text="龙井市",
                    contract_type=ContractType.FIXED, contract_start=date(2026, 1, 1), contract_end=date(2027, 12, 31),
                    priority_group=PriorityGroup.POVERTY_ALLEVIATED if i == 1 else None,
                    priority_claim=PriorityGroup.POVERTY_ALLEVIATED if i in (1, 2) else None)
        for i in range(1, workers + 1)
    ] + [
        WorkerFacts(id_number=ident(900 + i, "220102"), name=f"外地{i}", hukou_code="220102", hukou_text="长春",
                    contract_type=ContractType.OPEN_ENDED, contract_start=date(2026, 1, 1), contract_end=None)
        for i in range(outsiders)
    ]
    enterprise = EnterpriseFacts(
        name="延吉市甲有限公司", uscc="91110000600037341L", county_code="222401", staff_total=staff,
        size=SizeResult(EnterpriseSize.MICRO, False, "", "std", ("从业人员 12 人，为微型企业",)),
    )
    return decide(RuleSet.load(), enterprise, ApplicationFacts(REVIEW, 7, 2, True, True), facts,
                  areas=AreaTable.default())


def content(d: Decision | None = None, **changes: object) -> LetterContent:
    built = build_content(
        d or decision(), office=OFFICE, number="延吉人社劳协确〔2026〕12号", year=2026, seq=12,
        issued_on=date(2026, 11, 24), prepared_by="金经办", approved_by="朴科长", decision_id=31,
        decision_digest="ab" * 32, application_id=7, application_version=2,
    )
    return replace(built, **changes)  # type: ignore[arg-type]


def test_content_from_a_decision() -> None:
    c = content()
    assert (c.enterprise_name, c.uscc, c.size, c.staff_total, c.qualifying_count) == (
        "延吉市甲有限公司", "91110000600037341L", "微型", 100, 4)
    assert (c.share, c.result, c.standard, c.count_required) == ("4%", "pass", "降低标准", 3)
    assert c.priority == (("脱贫人口", 1),) and c.priority_borrower
    assert c.standard_working == (  # both standards, in words (the decision keeps the arithmetic)
        "正常标准为不少于5人，或占职工总数不低于15%，该企业未达到；因吸纳经核实的重点群体人员，按原标准的50%"
        "适用降低标准（原则上不低于原标准的50%），人数5人的50%向上取整为3人，占比为7.5%")
    assert c.ruleset_version and c.ruleset_version == decision().ruleset_version
    assert c.size_how.startswith("按《中小企业划型标准规定》")
    assert [r.index for r in c.annex] == [1, 2, 3, 4]  # counted workers only
    assert c.annex[0].group == "脱贫人口" and c.annex[1].group == ""
    assert c.annex[0].contract == "2026.01.01-2027.12.31"
    assert any(line.startswith("名册共5条") for line in c.explanation)


def test_the_annex_and_the_content_hold_masked_id_numbers_only() -> None:
    c = content()
    assert c.annex[0].masked_id == ident(1, "222405")[:6] + "********" + ident(1, "222405")[-4:]
    text = c.canonical_json()
    for i in range(1, 5):
        assert ident(i, "222405") not in text
    assert ident(900, "220102") not in text and "外地0" not in text  # not counted, not listed


def test_digest_and_verification_code() -> None:
    c = content()
    assert len(c.digest()) == 64 and c.digest() == content().digest()  # deterministic
    code = c.verification_code()
    assert len(code) == 10 and set(code) <= set(CROCKFORD)
    assert code == verification_code(c.digest())
    for change in ({"number": "延吉人社劳协确〔2026〕13号"}, {"qualifying_count": 7}, {"uscc": "91110000600037342L"},
                   {"decision_digest": "cd" * 32}, {"approved_by": "别人"}):
        other = content(**change)
        assert other.digest() != c.digest() and other.verification_code() != code


def test_round_trip_through_json() -> None:
    c = content()
    again = LetterContent.from_dict(json.loads(c.canonical_json()))
    assert again == c and again.digest() == c.digest()
    with pytest.raises(LetterError) as caught:
        LetterContent.from_dict({**c.to_dict(), "schema": "other/1"})
    assert caught.value.code == "letter_bad_content"
    broken = c.to_dict()
    del broken["annex"]
    with pytest.raises(LetterError):
        LetterContent.from_dict(broken)


@pytest.mark.parametrize(("typed", "stored"), [
    ("ABCDE-FGHJK", "ABCDEFGHJK"), ("abcde fghjk", "ABCDEFGHJK"), ("0O1IL-23456", "0011123456"),
    (" 12345-67890 ", "1234567890"), ("ABCDE-FGHJ", None), ("ABCDE-FGHJU", None), ("", None),
])
def test_codes_as_typed(typed: str, stored: str | None) -> None:
    assert normalise_code(typed) == stored


def test_qr_payload() -> None:
    c = content()
    payload = c.qr_payload()
    assert payload == (f"LX1|延吉人社劳协确〔2026〕12号|222401|91110000600037341L|4/100|pass|"
                       f"{c.verification_code()}|{c.digest()[:16]}")
    fields = parse_qr_payload(payload)
    assert fields["code"] == c.verification_code() and fields["counts"] == "4/100"
    assert format_code("ABCDEFGHJK") == "ABCDE-FGHJK"
    with pytest.raises(LetterError):
        parse_qr_payload("https://example.com")


def test_letter_text() -> None:
    c = content()
    text = letter_text(c)
    body = "".join(r.text for p in text.paragraphs for r in p.runs)
    assert text.number == "延吉人社劳协确〔2026〕12号" and text.addressee == "国家开发银行吉林省分行："
    assert "延吉市甲有限公司（统一社会信用代码：91110000600037341L）" in body
    assert "该企业为微型企业" in body and "职工总数100人" in body
    assert "吸纳劳务协作对口地区劳动者4人（名单见附件），占职工总数的4%" in body
    assert "（四）重点群体。企业申报2人、已核实1人（脱贫人口1人）。" in body
    assert "（三）来源地区。计入人员的户籍地均在劳务协作对口地区，且不在企业所在县（市、区）：龙井市4人。" in body
    assert "（五）社会保险。计入人员中已参加社会保险0人，名册未填写4人。" in body
    assert "认定依据：吉人社联〔2022〕19号；对口地区名单2022年第1版。" in body and c.ruleset_version not in body
    assert not set("≈≥÷×") & set(body)
    assert "按降低标准：微型企业吸纳对口地区劳动者不少于3人，或占职工总数不低于7.5%" in body
    assert "该企业符合认定标准（按人数达标）。该企业吸纳经核实的重点群体人员，为优先放贷支持对象。" in body
    assert "经办人：金经办；审核人：朴科长" in body
    assert "审核日期：2026年6月30日" in body
    headings = [p.runs[0].text for p in text.paragraphs if p.runs[0].style == "heading"]
    assert headings == ["一、企业基本情况", "二、吸纳劳务协作对口地区劳动者情况", "三、认定结论", "四、其他事项"]
    subs = [p.runs[0].text for p in text.paragraphs if p.runs[0].style == "subheading"]
    assert subs == ["（一）劳动合同。", "（二）工资发放。", "（三）来源地区。", "（四）重点群体。", "（五）社会保险。",
                    "（一）适用标准。", "（二）审查结论。", "（三）认定过程。"]  # what was checked, then the conclusion
    assert text.date == "2026年11月24日" and text.signature == "延吉市就业服务局"
    assert text.annex_note.runs[0].text == "附件：劳务协作地区就业人员名册"


def test_a_failed_or_overridden_decision_says_so() -> None:
    failed = decision(workers=2, staff=100, outsiders=0)
    body = "".join(r.text for p in letter_text(content(failed)).paragraphs for r in p.runs)
    assert "该企业不符合认定标准。" in body and "优先放贷" not in body
    changed = apply_override(failed, Result.PASS, "企业新招用的5名对口地区劳动者合同已签订", "朴科长", approver_id=3)
    c = content(changed)
    body = "".join(r.text for p in letter_text(c).paragraphs for r in p.runs)
    assert c.result == "pass" and c.computed_result == "fail"
    assert "计算结果为“不符合认定标准”，审核人朴科长依据通知“原则上”的规定改变结论，理由：企业新招用" in body


def test_a_draft_has_no_number() -> None:
    c = content(number="", seq=0)
    assert c.is_draft and letter_text(c).number == "（未编号）"


def test_dates_and_contracts() -> None:
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert contract_text(ContractType.OPEN_ENDED, date(2024, 3, 1), None) == "2024.03.01起无固定期限"
    assert contract_text(ContractType.TASK, date(2024, 3, 1), None) == "2024.03.01起以完成一定工作任务为期限"
    assert contract_text(ContractType.FIXED, None, None) == "—-—"


# -- the loan application forms -----------------------------------------------------------------


def test_form_fields_per_loan_type() -> None:
    wc = {f.key for f in fields_for(LoanType.WORKING_CAPITAL)}
    fa = {f.key for f in fields_for(LoanType.FIXED_ASSET)}
    assert "use_plan" in wc and "use_plan" not in fa
    assert "project_name" in fa and "project_name" not in wc
    assert {"amount_wan", "term_months", "purpose", "guarantee", "legal_representative"} <= wc & fa
    assert LoanType.FIXED_ASSET.form_title == "劳务协作固定资产贷款申请表" and LoanType.FIXED_ASSET.annex_number == 2


def test_form_values_are_parsed_and_checked() -> None:
    form, problems = apply_changes(empty_form(LoanType.WORKING_CAPITAL), {
        "amount_wan": "1,200.5", "term_months": "36", "established_on": "2019-05-01", "purpose": " 购买原材料 ",
    })
    assert problems == []
    assert form.values == {"amount_wan": 1200.5, "term_months": 36, "established_on": "2019-05-01",
                           "purpose": "购买原材料"}
    assert form.shown("amount_wan") == "1200.5"
    _, problems = apply_changes(form, {"amount_wan": "-3", "term_months": "三年", "established_on": "2019/2/30",
                                       "project_name": "厂房", "colour": "red", "purpose": "x" * 401})
    assert sorted(p.code for p in problems) == [
        "form_not_a_count", "form_not_a_date", "form_not_a_number", "form_too_long", "form_unknown_field",
        "form_unknown_field",
    ]
    cleared, problems = apply_changes(form, {"purpose": ""})
    assert problems == [] and "purpose" not in cleared.values


def test_changing_the_loan_type_drops_the_other_forms_fields() -> None:
    form, _ = apply_changes(empty_form(LoanType.WORKING_CAPITAL), {"use_plan": "按月", "purpose": "周转"})
    fixed, problems = apply_changes(form, {"project_name": "新厂房"}, LoanType.FIXED_ASSET)
    assert problems == [] and fixed.loan_type is LoanType.FIXED_ASSET
    assert fixed.values == {"purpose": "周转", "project_name": "新厂房"}
    assert [p.params["field"] for p in fixed.missing()] == [
        "legal_representative", "amount_wan", "term_months", "guarantee", "total_investment_wan",
    ]


def test_form_json_round_trip() -> None:
    form, _ = apply_changes(empty_form(LoanType.FIXED_ASSET), {"project_name": "冷库", "amount_wan": "800"})
    stored = json.dumps(form.to_dict(), ensure_ascii=False)
    assert read_form(stored, LoanType.FIXED_ASSET) == form
    assert read_form("{}", LoanType.FIXED_ASSET).values == {}
    assert all(key in BY_KEY for key in form.values)


def test_the_annex_marks_an_id_area_that_differs_from_the_hukou() -> None:
    from dataclasses import replace

    d = decision()
    other = "22240319900101555"  # issued in 敦化, the 户籍地 is 龙井
    other += id_check_char(other)
    facts = [replace(w.facts, id_number=other, hukou_check="checked") if i == 0 else w.facts
             for i, w in enumerate(d.workers)]
    enterprise = EnterpriseFacts(name=d.enterprise_name, uscc=d.uscc, county_code=d.county_code,
                                 staff_total=d.staff_total, size=SizeResult(d.size, False, "", "std", ()))
    c = content(decide(RuleSet.load(), enterprise, ApplicationFacts(d.review_date, 7, 2, True, True), facts))
    assert c.annex[0].hukou == "龙井市※" and c.annex[0].note == "身份证号码所示地区与户籍地不同，已核对户口簿"
    assert c.annex_subtitle[-1] == "注：户籍地后标※的，身份证号码所示地区与户籍地不同，已核对户口簿。"
    assert all(not r.note and "※" not in r.hukou for r in c.annex[1:])
    assert "note" not in c.to_dict()["annex"][1]  # left out when empty: letters issued before keep their digest
    assert LetterContent.from_dict(c.to_dict()) == c
