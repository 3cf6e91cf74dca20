"""A confirmation letter's content built from a recorded decision (:func:`build_content`): the
size and how it was set, the share and the standard in the letter's own words (约, not ≈), what
the review checked, the basis named as a reader names it, and the annex of counted workers with
masked ID numbers. The content itself, its digest and codes: ``desktop.core.letter``."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Final

from desktop.core.decision import Decision, Result, WorkerOutcome, percent_text
from desktop.core.letter import NOTICE, AnnexRow, LetterContent, LetterPage
from desktop.core.office import Office
from desktop.core.workers import ContractType


def contract_text(kind: ContractType, start: date | None, end: date | None) -> str:
    begin = start.strftime("%Y.%m.%d") if start else "—"
    if kind is ContractType.FIXED:
        return f"{begin}-{end.strftime('%Y.%m.%d') if end else '—'}"
    return f"{begin}起{kind.label}"


# The steps of the explanation that the letter keeps word for word (the rest is in the record, and
# the letter says the share and the check in its own words, without ≈ ≥ ÷).
_SHORT_STEPS: Final = frozenset({"step_roster", "step_excluded"})


def short_explanation(decision: Decision) -> tuple[str, ...]:
    lines = [step.text().strip().strip("\u3000") for step in decision.steps if step.code in _SHORT_STEPS]
    return (*lines, _check_sentence(decision))


def letter_percent(value: Fraction) -> str:
    """15%, 7.5%, 约25.88% (the letter writes 约, not ≈)."""
    text = percent_text(value)
    return "约" + text[1:] if text.startswith("≈") else text


def _check_sentence(decision: Decision) -> str:
    s = decision.standard
    count = "达到" if decision.count_met else "未达到"
    if decision.share is None:
        share = "职工总数为0，不计算占比"
    else:
        share = f"占职工总数的{letter_percent(decision.share)}，{'达到' if decision.share_met else '未达到'}" \
                f"不低于{letter_percent(s.share_required)}的要求"
    return (f"按{s.kind.label}，计入{decision.qualifying_count}人，{count}不少于{s.count_required}人的要求；"
            f"{share}。")


_RULE_NAMES: Final = {"labor-coop-2022": NOTICE}


def basis_line(ruleset_version: str) -> str:
    """The rule set as a reader names it: 认定依据：吉人社联〔2022〕19号；对口地区名单2022年第1版（本单位修订第1次）.

    ``ruleset_version`` is the technical id (labor-coop-2022@1+paired-areas@2022.1+office.1+…#hash).
    """
    parts = ruleset_version.split("#", 1)[0].split("+")
    names: list[str] = []
    for i, part in enumerate(parts):
        name, _, version = part.partition("@")
        if name in _RULE_NAMES:
            names.append(_RULE_NAMES[name])
        elif name == "paired-areas":
            year, _, edition = version.partition(".")
            text = f"对口地区名单{year}年第{edition}版" if year.isdigit() and edition.isdigit() else f"对口地区名单{version}"
            following = parts[i + 1] if i + 1 < len(parts) else ""
            if following.startswith("office."):
                text += f"（本单位修订第{following.removeprefix('office.')}次）"
            names.append(text)
    return "认定依据：" + "；".join(names or [NOTICE])


def _checks(decision: Decision) -> tuple[tuple[str, str], ...]:
    """What the review checked, in words for the letter (DOMAIN.md 6; issue 17, 8)."""
    counted = decision.counted_workers
    n = len(counted)
    contracts = f"计入的{n}人均签订3个月以上劳动合同，审核日期在合同期限内"
    contracts += "；已核对劳动合同复印件。" if decision.evidence_contracts else "；劳动合同复印件尚未核对。"
    with_months = sum(1 for w in counted if w.facts.paid_months is not None)
    wages = "已核对工资发放证明" if decision.evidence_wages else "工资发放证明尚未核对"
    if with_months:
        wages += f"；名册列有工资发放月份的{with_months}人，均已按认定规则核对审核日期前的发放月份"
    by_place: dict[str, int] = {}
    for w in counted:
        by_place[w.hukou_name] = by_place.get(w.hukou_name, 0) + 1
    places = "、".join(f"{place}{k}人" for place, k in sorted(by_place.items(), key=lambda item: (-item[1], item[0])))
    local = any(w.facts.hukou_code == decision.county_code for w in counted)  # where the policy counts local hires
    where = "" if local else "，且不在企业所在县（市、区）"
    sources = f"计入人员的户籍地均在劳务协作对口地区{where}：{places}。" if n else "无计入人员。"
    insured = sum(1 for w in counted if w.facts.social_insurance is True)
    uninsured = sum(1 for w in counted if w.facts.social_insurance is False)
    unknown = n - insured - uninsured
    insurance = f"计入人员中已参加社会保险{insured}人"
    insurance += f"，未参加{uninsured}人" if uninsured else ""
    insurance += f"，名册未填写{unknown}人" if unknown else ""
    return (
        ("劳动合同。", contracts),
        ("工资发放。", wages + "。"),
        ("来源地区。", sources),
        ("社会保险。", insurance + "。"),
    )


_ANNEX_NOTES: Final = {
    "id_area_checked": "身份证号码所示地区与户籍地不同，已核对户口簿",
    "id_area_differs": "身份证号码所示地区与户籍地不同，尚未核对户口簿",
}


def _annex_note(worker: WorkerOutcome) -> str:
    return next((_ANNEX_NOTES[n.code] for n in worker.notes if n.code in _ANNEX_NOTES), "")


def _standard_words(decision: Decision) -> str:
    """How the reduced standard came about, in words (the decision keeps the arithmetic)."""
    s = decision.standard
    if s.kind.value != "reduced":
        return ""
    factor = letter_percent(s.factor)
    return (f"正常标准为不少于{s.base_count}人，或占职工总数不低于{letter_percent(s.base_share)}，该企业未达到；"
            f"因吸纳经核实的重点群体人员，按原标准的{factor}适用降低标准（原则上不低于原标准的"
            f"{letter_percent(s.floor)}），人数{s.base_count}人的{factor}向上取整为{s.count_required}人，"
            f"占比为{letter_percent(s.share_required)}")


def build_content(
    decision: Decision, *, office: Office, number: str, year: int, seq: int, issued_on: date,
    prepared_by: str, approved_by: str, decision_id: int, decision_digest: str,
    application_id: int, application_version: int, page: LetterPage | None = None,
) -> LetterContent:
    page = page or LetterPage()
    s = decision.standard
    if decision.size_manual:
        size_how = f"经办人手工认定，理由：{decision.size_reason}"
    else:
        size_how = "按《中小企业划型标准规定》（工信部联企业〔2011〕300号）认定"
    working = _standard_words(decision)
    override = decision.override
    annex = tuple(
        AnnexRow(
            index=i, name=w.facts.name, masked_id=w.masked_id,
            hukou=w.hukou_name + ("※" if _annex_note(w) else ""), note=_annex_note(w),
            group=w.facts.priority_group.label if w.facts.priority_group else "",
            contract=contract_text(w.facts.contract_type, w.facts.contract_start, w.facts.contract_end),
        )
        for i, w in enumerate(decision.counted_workers, start=1)
    )
    return LetterContent(
        number=number, year=year, seq=seq, office_code=office.code, office_name=office.name,
        issued_on=issued_on, enterprise_name=decision.enterprise_name, uscc=decision.uscc,
        size=decision.size.label, size_how=size_how, staff_total=decision.staff_total,
        qualifying_count=decision.qualifying_count,
        share=letter_percent(decision.share) if decision.share is not None else "",
        priority=tuple((group.label, n) for group, n in decision.priority_counts if n),
        standard=s.kind.label, count_required=s.count_required, share_required=letter_percent(s.share_required),
        standard_working=working, result=decision.final_result.value,
        computed_result=decision.computed_result.value,
        pass_by=decision.pass_by.label if decision.pass_by and decision.final_result is Result.PASS else "",
        priority_borrower=decision.priority_borrower,
        priority_claimed=decision.priority_claimed, priority_verified=decision.priority_verified,
        unverified_claims_count=decision.unverified_claims_count if decision.priority_claimed is not None else None,
        basis=basis_line(decision.ruleset_version), checks=_checks(decision),
        red_line=page.red_line, copy_to=page.copy_to or None, printer=page.printer or None,
        override_reason=override.reason if override else "", override_by=override.by if override else "",
        review_date=decision.review_date, ruleset_version=decision.ruleset_version,
        prepared_by=prepared_by, approved_by=approved_by, explanation=short_explanation(decision),
        annex=annex, application_id=application_id, application_version=application_version,
        decision_id=decision_id, decision_digest=decision_digest,
    )
