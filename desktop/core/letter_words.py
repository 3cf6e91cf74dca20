"""The words on a confirmation letter's page (:func:`letter_text`): the title, the paragraphs in
their styles and the signature that the PDF lays out (desktop.letters); the wording lives in the
core so it is tested without reportlab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from desktop.core.decision import Result
from desktop.core.letter import ADDRESSEE, NOTICE, NOTICE_TITLE, TITLE, LetterContent


def chinese_date(day: date) -> str:
    """2026年11月24日 (Arabic numerals, as GB/T 9704 writes the date)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style: body (仿宋), heading (黑体), subheading (楷体)."""

    style: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    """``indent``: characters before the first line (2 for body text, 0 for the addressee)."""

    runs: tuple[Run, ...]
    indent: int = 2
    hanging: int = 0  # characters before the following lines (the annex note aligns after "附件：")


@dataclass(frozen=True)
class LetterText:
    title: str
    number: str
    addressee: str
    paragraphs: tuple[Paragraph, ...]
    annex_note: Paragraph
    signature: str
    date: str
    red_line: bool = False
    record: tuple[str, str, str] | None = None  # 版记: (抄送 line or "", 印发机关, 印发日期)


def _body(text: str, *, indent: int = 2) -> Paragraph:
    return Paragraph((Run("body", text),), indent)


def _heading(text: str) -> Paragraph:
    return Paragraph((Run("heading", text),))


def _sub(head: str, text: str) -> Paragraph:
    return Paragraph((Run("subheading", head), Run("body", text)))


def letter_text(c: LetterContent) -> LetterText:
    paragraphs = [
        _body(
            f"根据《{NOTICE_TITLE}》（{NOTICE}），我局对{c.enterprise_name}（统一社会信用代码：{c.uscc}）"
            "吸纳劳务协作对口地区劳动者就业情况进行了审查。现将审查结果确认如下："
        ),
        _heading("一、企业基本情况"),
        _body(f"该企业为{c.size}企业（{c.size_how}），职工总数{c.staff_total}人。"),
        _heading("二、吸纳劳务协作对口地区劳动者情况"),
    ]
    share = f"，占职工总数的{c.share}" if c.share else "（职工总数为0，不计算占比）"
    priority = _priority_sentence(c)
    paragraphs.append(_body(
        f"经核对劳动合同、工资发放证明等材料，该企业吸纳劳务协作对口地区劳动者{c.qualifying_count}人"
        f"（名单见附件）{share}。" + ("" if c.checks is not None else priority)
    ))
    if c.checks is not None:
        groups = priority.removeprefix("其中，").removeprefix("重点群体人员").removeprefix("其中")
        numbered = [*c.checks[:3], ("重点群体。", groups), *c.checks[3:]]
        for i, (head, text) in enumerate(numbered):
            paragraphs.append(_sub(f"（{_NUMERALS[i]}）{head}", text))
    paragraphs.append(_heading("三、认定结论"))
    standard = (f"按{c.standard}：{c.size}企业吸纳对口地区劳动者不少于{c.count_required}人，"
                f"或占职工总数不低于{c.share_required}。")
    if c.standard_working and c.basis is not None:
        standard += f"{c.standard_working}。"
    elif c.standard_working:
        standard += f"因吸纳重点群体人员，适当降低标准（{c.standard_working}）。"
    paragraphs.append(_sub("（一）适用标准。", standard))
    conclusion = f"该企业{c.result_label}"
    conclusion += f"（{c.pass_by}）。" if c.pass_by else "。"
    if c.priority_borrower:
        verified = "经核实的" if c.priority_claimed is not None and not c.unverified_claims_count else ""
        conclusion += f"该企业吸纳{verified}重点群体人员，为优先放贷支持对象。"
    if c.override_reason:
        conclusion += (f"（计算结果为“{Result(c.computed_result).label}”，审核人{c.override_by}"
                       f"依据通知“原则上”的规定改变结论，理由：{c.override_reason}。）")
    paragraphs.append(_sub("（二）审查结论。", conclusion))
    if c.explanation:
        paragraphs.append(_sub("（三）认定过程。", "".join(_sentence(line) for line in c.explanation)))
    paragraphs.append(_heading("四、其他事项"))
    rules = f"{c.basis}。" if c.basis is not None else f"认定规则版本：{c.ruleset_version}。"
    paragraphs.append(_body(
        f"审核日期：{chinese_date(c.review_date)}。{rules}"
        f"经办人：{c.prepared_by}；审核人：{c.approved_by}。"
    ))
    paragraphs.append(_body(
        "本确认书仅证明企业吸纳劳务协作对口地区劳动者就业情况，贷款由国家开发银行吉林省分行按规定自主审批。"
        "本确认书可凭校验码与报送省人力资源社会保障部门的记录核对。"
    ))
    return LetterText(
        title=TITLE, number=c.number or "（未编号）", addressee=f"{ADDRESSEE}：",
        paragraphs=tuple(paragraphs),
        annex_note=Paragraph((Run("body", f"附件：{c.annex_title}"),), 2, 5),
        signature=c.office_name, date=chinese_date(c.issued_on), red_line=bool(c.red_line),
        record=(
            (f"抄送：{c.copy_to}。" if c.copy_to else "", c.printer or c.office_name, f"{chinese_date(c.issued_on)}印发")
            if c.copy_to or c.printer else None
        ),
    )


_NUMERALS: Final = "一二三四五六七八九十"


def _priority_sentence(c: LetterContent) -> str:
    groups = "、".join(f"{label}{n}人" for label, n in c.priority)
    if c.priority_claimed is None:  # a letter from before claims and verification were kept apart
        return f"其中，吸纳重点群体人员{c.priority_workers}人（{groups}）。" if c.priority else "其中无重点群体人员。"
    if not c.priority_claimed and not c.priority_verified:
        return "其中无企业申报或经核实的重点群体人员。"
    text = f"其中，重点群体人员企业申报{c.priority_claimed}人、已核实{c.priority_verified}人"
    if c.priority and c.unverified_claims_count:
        text += f"，按现行规则计为重点群体{c.priority_workers}人（{groups}，含未核实的申报）"
    elif c.priority:
        text += f"（{groups}）"
    return text + "。"


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "；", "！", "？")) else text + "。"
