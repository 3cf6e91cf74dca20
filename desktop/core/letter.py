"""The confirmation letter (确认书) as content: what it says, its digest, its codes.

A :class:`LetterContent` is everything the printed letter states (DOMAIN.md 6):
number, office, enterprise, size and how it was set, staff, qualifying
workers and share, priority groups, the standard applied, the conclusion,
review date, rule-set version, who prepared and who approved, a short form of
the explanation, and the annex of counted workers with masked ID numbers. It
is built from a recorded :class:`~desktop.core.decision.Decision` and kept as
JSON with the letter, so a reprint years later says exactly the same.

* :meth:`LetterContent.digest`: SHA-256 of the canonical JSON. The content
  also carries the SHA-256 of the stored decision (which holds the full ID
  numbers), so the digest binds the letter to the whole record.
* :meth:`LetterContent.verification_code`: 10 characters of Crockford base32
  taken from the digest, printed as ``ABCDE-FGHJK`` under the QR code, short
  enough to read out over the phone.
* :meth:`LetterContent.qr_payload`: ``LX1|number|office|uscc|counted/staff|
  result|code|digest16``, so the province and the bank can match the paper to
  the batch record.

:func:`letter_text` turns the content into the title, paragraphs and
signature that the PDF lays out (desktop.letters); the wording lives here so
it is tested without reportlab.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from fractions import Fraction
from typing import Any, Final

from desktop.core.decision import Decision, Result, WorkerOutcome, percent_text
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.office import Office
from desktop.core.workers import ContractType

SCHEMA: Final = "laoxie.letter/1"
QR_SCHEME: Final = "LX1"
CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH: Final = 10
NOTICE: Final = "吉人社联〔2022〕19号"
NOTICE_TITLE: Final = "吉林省人力资源和社会保障厅 国家开发银行吉林省分行关于开展开发性金融支持劳务协作有关事项的通知"
TITLE: Final = "劳务协作贷款企业吸纳就业情况确认书"
ADDRESSEE: Final = "国家开发银行吉林省分行"
ANNEX_TITLE: Final = "劳务协作地区就业人员名册"
ANNEX_COLUMNS: Final = ("序号", "姓名", "身份证号码", "户籍地", "重点群体", "劳动合同期限")

MESSAGES.update({
    "letter_no_font": QT_TRANSLATE_NOOP(
        "problems",
        "找不到可用的中文 TrueType 字体，无法生成确认书（不会打印出空白方框）。Windows：请确认 C:\\Windows\\Fonts 中有仿宋（simfang.ttf）、黑体（simhei.ttf）或宋体（simsun.ttc）；Linux：请安装 fonts-wqy-zenhei（sudo apt-get install fonts-wqy-zenhei）；也可以在设置中指定字体文件。已检查：{searched}",
    ),
    "letter_font_unusable": QT_TRANSLATE_NOOP(
        "problems", "字体文件 {path} 不能用于确认书：{detail}"
    ),
    "letter_missing_glyph": QT_TRANSLATE_NOOP(
        "problems",
        "已找到的字体都没有“{char}”（U+{codepoint}）这个字，确认书中会缺字，因此没有生成。请在设置中指定含有该字的字体（如宋体、仿宋），或核对“{context}”的写法。",
    ),
    "letter_bad_content": QT_TRANSLATE_NOOP("problems", "确认书内容无法读取：{detail}"),
})


class LetterError(ValueError):
    """A letter that cannot be produced, with a stable code and a Chinese message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = dict(params)
        super().__init__(Problem(code, self.params).text())


@dataclass(frozen=True)
class AnnexRow:
    """One counted worker as the annex lists them (the ID number masked)."""

    index: int
    name: str
    masked_id: str
    hukou: str
    group: str
    contract: str
    note: str = ""  # e.g. the ID number's area is not the 户籍地 (left out of the JSON when empty)


_ANNEX_FIELDS = tuple(f.name for f in fields(AnnexRow))
_LATER_FIELDS: Final = (
    "priority_claimed", "priority_verified", "unverified_claims_count", "basis", "checks", "red_line", "copy_to",
    "printer",
)


@dataclass(frozen=True)
class LetterPage:
    """An office's choices for its letters' page (kept with each letter, so a reprint looks the same)."""

    red_line: bool = False  # 红色分隔线 under the 发文字号
    copy_to: str = ""  # 抄送 (e.g. 省人力资源和社会保障厅，国家开发银行吉林省分行)
    printer: str = ""  # 印发机关 of the 版记 ("" with no 抄送: no 版记)


@dataclass(frozen=True)
class LetterContent:
    number: str  # 文号; "" for a draft that has no number yet
    year: int
    seq: int  # 0 for a draft
    office_code: str
    office_name: str
    issued_on: date
    enterprise_name: str
    uscc: str
    size: str  # 小型 …
    size_how: str  # how the size was set
    staff_total: int
    qualifying_count: int
    share: str  # "13.33%", "" when the staff total is 0
    priority: tuple[tuple[str, int], ...]  # (group label, counted workers)
    standard: str  # 正常标准 / 降低标准
    count_required: int
    share_required: str
    standard_working: str  # how the reduced numbers came about; "" for the normal standard
    result: str  # "pass" / "fail" as finally decided
    computed_result: str
    pass_by: str  # 按人数达标 …; "" when failed
    priority_borrower: bool
    override_reason: str
    override_by: str
    review_date: date
    ruleset_version: str
    prepared_by: str
    approved_by: str
    explanation: tuple[str, ...]  # the short form
    annex: tuple[AnnexRow, ...]
    application_id: int
    application_version: int
    decision_id: int
    decision_digest: str  # SHA-256 of the decision as stored
    schema: str = field(default=SCHEMA)
    # Added later (left out of the JSON while None, so letters issued before keep their digest):
    priority_claimed: int | None = None  # counted workers the enterprise claimed as priority groups
    priority_verified: int | None = None  # of whom the clerk verified (or marked) a group
    unverified_claims_count: bool | None = None  # the rule: unverified claims counted as well
    basis: str | None = None  # the rule set as a reader names it (认定依据：…); the id stays in ruleset_version
    checks: tuple[tuple[str, str], ...] | None = None  # what the review checked: (heading, text)
    # The office's choices for the page (GB/T 9704 7.2.5, 8): a red separator line under the 版头,
    # and the 版记 (抄送 and 印发机关, dated the day of issue); None or "" leaves them out.
    red_line: bool | None = None
    copy_to: str | None = None
    printer: str | None = None

    # -- derived ------------------------------------------------------------
    @property
    def is_draft(self) -> bool:
        return self.seq == 0

    @property
    def result_label(self) -> str:
        return Result(self.result).label

    @property
    def priority_workers(self) -> int:
        return sum(n for _, n in self.priority)

    @property
    def annex_title(self) -> str:
        return ANNEX_TITLE

    @property
    def annex_subtitle(self) -> tuple[str, ...]:
        lines = [f"企业名称：{self.enterprise_name}", f"统一社会信用代码：{self.uscc}"]
        notes = dict.fromkeys(r.note for r in self.annex if r.note)
        if notes:
            lines.append("注：户籍地后标※的，" + "；".join(notes) + "。")
        return tuple(lines)

    def to_dict(self) -> dict[str, Any]:
        # field by field, as asdict would give it (asdict deep-copies every value of a 200-row annex:
        # a tenth of a second a letter when a batch of 500 is checked)
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["issued_on"] = self.issued_on.isoformat()
        data["review_date"] = self.review_date.isoformat()
        data["priority"] = [list(p) for p in self.priority]
        data["annex"] = [{name: getattr(r, name) for name in _ANNEX_FIELDS if name != "note" or r.note}
                         for r in self.annex]
        data["explanation"] = list(self.explanation)
        if self.checks is not None:
            data["checks"] = [list(c) for c in self.checks]
        for name in _LATER_FIELDS:
            if data[name] is None:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LetterContent:
        if data.get("schema") != SCHEMA:
            raise LetterError("letter_bad_content", detail="不是本程序的确认书格式")
        try:
            values = dict(data)
            values["issued_on"] = date.fromisoformat(values["issued_on"])
            values["review_date"] = date.fromisoformat(values["review_date"])
            values["priority"] = tuple((str(label), int(n)) for label, n in values["priority"])
            values["annex"] = tuple(AnnexRow(**row) for row in values["annex"])
            values["explanation"] = tuple(values["explanation"])
            if values.get("checks") is not None:
                values["checks"] = tuple((str(h), str(t)) for h, t in values["checks"])
            return cls(**values)
        except (KeyError, TypeError, ValueError) as exc:
            field = f"“{exc.args[0]}”" if isinstance(exc, KeyError) and exc.args else ""
            raise LetterError("letter_bad_content", detail=f"缺少字段{field}或字段格式不对") from exc

    def canonical_json(self) -> str:
        return canonical_json(self.to_dict())

    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON: what letters.digest keeps."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def verification_code(self) -> str:
        return verification_code(self.digest())

    def qr_payload(self) -> str:
        return qr_payload(self, self.verification_code(), self.digest())


def canonical_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def verification_code(digest: str) -> str:
    """10 Crockford base32 characters (50 bits) derived from the content digest."""
    raw = hashlib.sha256(b"laoxie/letter-code/1|" + digest.encode("ascii")).digest()
    bits = int.from_bytes(raw[:8], "big") >> (64 - 5 * CODE_LENGTH)
    return "".join(CROCKFORD[(bits >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))


def format_code(code: str) -> str:
    """``ABCDEFGHJK`` → ``ABCDE-FGHJK`` for print."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


_LOOKALIKES: Final = str.maketrans("OIL", "011")


def normalise_code(text: str) -> str | None:
    """A code as typed (lower case, hyphens, spaces, O for 0, I/L for 1: Crockford) → stored form, or None."""
    cleaned = "".join(text.split()).replace("-", "").upper()
    cleaned = cleaned.translate(_LOOKALIKES)
    if len(cleaned) != CODE_LENGTH or any(c not in CROCKFORD for c in cleaned):
        return None
    return cleaned


def qr_payload(content: LetterContent, code: str, digest: str) -> str:
    return "|".join((
        QR_SCHEME, content.number, content.office_code, content.uscc,
        f"{content.qualifying_count}/{content.staff_total}", content.result, code, digest[:16],
    ))


def parse_qr_payload(text: str) -> dict[str, str]:
    """The fields of a scanned QR payload (for the province's check)."""
    parts = text.split("|")
    if len(parts) != 8 or parts[0] != QR_SCHEME:
        raise LetterError("letter_bad_content", detail="not a laoxie letter QR code")
    keys = ("scheme", "number", "office_code", "uscc", "counts", "result", "code", "digest16")
    return dict(zip(keys, parts, strict=True))


# --------------------------------------------------------------------------
# From a decision


def chinese_date(day: date) -> str:
    """2026年11月24日 (Arabic numerals, as GB/T 9704 writes the date)."""
    return f"{day.year}年{day.month}月{day.day}日"


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


# --------------------------------------------------------------------------
# The words on the page


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
