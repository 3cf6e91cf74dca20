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

:func:`~desktop.core.letter_build.build_content` makes the content from a decision;
:func:`~desktop.core.letter_words.letter_text` turns it into the title, paragraphs and
signature that the PDF lays out (desktop.letters).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Final

from desktop.core.decision import Result
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem

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
