"""The checks a received batch must pass once its signature holds (plain Python).

Files against the manifest, counts against the rows, the office's sequence
(a replay, an older batch, a gap), and the data itself (cells, references,
letters). Each refusal is a :class:`~desktop.core.batch_reasons.Reason`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from desktop.core.batch import (
    APPLICATIONS, CHECKS, CONFIRMATIONS, DECISIONS, ENTERPRISES, LETTERS, LOANS, TABLE_COLUMNS, USERS, WORKERS,
    FileEntry, Manifest, Table, count_keys, load_json,
)
from desktop.core.batch_reasons import Reason
from desktop.core.decision import SCHEMA as DECISION_SCHEMA
from desktop.core.letter import LetterContent, LetterError, verification_code
from desktop.core.messages import Problem
from desktop.core.names import MAX_ENTERPRISE_NAME, MAX_PERSON_NAME

log = logging.getLogger(__name__)

_COUNTED_TABLE: Final = {
    "enterprises": ENTERPRISES, "applications": APPLICATIONS, "decisions": DECISIONS, "workers": WORKERS,
    "letters": LETTERS, "loans": LOANS, "checks": CHECKS, "confirmations": CONFIRMATIONS,
}


def file_reasons(manifest: Manifest, present: Mapping[str, FileEntry]) -> list[Reason]:
    """Every file listed must be present with its hash and size; nothing else may be there."""
    reasons: list[Reason] = []
    for name, expected in sorted(manifest.files.items()):
        found = present.get(name)
        if found is None:
            reasons.append(Reason("file_missing", {"name": name}))
        elif found != expected:
            reasons.append(Reason("file_altered", {"name": name}))
    for name in sorted(set(present) - set(manifest.files)):
        reasons.append(Reason("file_extra", {"name": name}))
    return reasons


def count_reasons(manifest: Manifest, row_counts: Mapping[str, int]) -> list[Reason]:
    """The manifest's counts against the rows of the data tables."""
    reasons = []
    for key in count_keys(manifest.format):
        table = _COUNTED_TABLE[key]
        if manifest.counts[key] != row_counts.get(table, 0):
            reasons.append(Reason("data_invalid", {
                "name": table, "detail": f"清单记 {manifest.counts[key]} 行，实有 {row_counts.get(table, 0)} 行",
            }))
    return reasons


@dataclass(frozen=True)
class AcceptedBatch:
    """A batch already accepted from the same office."""

    batch_id: str
    seq: int
    received_at: str


def sequence_reasons(manifest: Manifest, office_label: str, accepted: Sequence[AcceptedBatch]) -> list[Reason]:
    """A batch seen before is a replay; a sequence number not above the last accepted one is old."""
    for seen in accepted:
        if seen.batch_id == manifest.batch_id:
            return [Reason("replayed", {"office": office_label, "seq": manifest.seq, "batch_id": manifest.batch_id,
                                        "at": seen.received_at})]
    last = max((a.seq for a in accepted), default=0)
    if manifest.seq <= last:
        return [Reason("older_sequence", {"office": office_label, "seq": manifest.seq, "last": last})]
    return []


def sequence_gap(manifest: Manifest, office_label: str, accepted: Sequence[AcceptedBatch]) -> Problem | None:
    """A warning (not a refusal) when batches between the last accepted one and this are missing."""
    last = max((a.seq for a in accepted), default=0)
    if manifest.seq > last + 1:
        missing = f"{last + 1}" if manifest.seq == last + 2 else f"{last + 1}–{manifest.seq - 1}"
        return Problem("batch_sequence_gap", {"office": office_label, "missing": missing, "seq": manifest.seq})
    return None


_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_DECISION_MARK = re.compile(r'"schema"\s*:\s*"' + re.escape(DECISION_SCHEMA) + '"')


def data_reasons(tables: Mapping[str, Table], letter_files: Iterable[str]) -> list[Reason]:
    """What a signed batch must still satisfy before it is stored: unique row refs, every
    reference pointing at a row sent along, ID numbers of 18 characters, decisions (JSON texts
    kept as the county stored them) of the known schema, every letter PDF listed once.

    The county checked the ID numbers when it imported its rosters and signed what it sent;
    here only the shape is checked (a full check of 100,000 numbers would cost seconds).
    """
    reasons = cell_reasons(tables)
    if reasons:
        return reasons  # the checks below rely on every value being of its kind

    def bad(name: str, detail: str) -> None:
        if len(reasons) < 20:  # enough to see what is wrong
            reasons.append(Reason("data_invalid", {"name": name, "detail": detail}))

    refs: dict[str, set[object]] = {}
    for name in (ENTERPRISES, USERS, APPLICATIONS, DECISIONS, LETTERS, LOANS, CHECKS, CONFIRMATIONS):
        if name not in tables:  # an older format's batch
            continue
        values = [r[0] for r in tables[name].rows]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values) or len(set(values)) != len(values):
            bad(name, "ref 应为不重复的整数")
        refs[name] = set(values)
    links = (
        (APPLICATIONS, "enterprise_ref", ENTERPRISES, False), (APPLICATIONS, "prepared_by_ref", USERS, True),
        (APPLICATIONS, "approved_by_ref", USERS, True), (APPLICATIONS, "approved_decision_ref", DECISIONS, True),
        (DECISIONS, "application_ref", APPLICATIONS, False),
        (DECISIONS, "override_by_ref", USERS, True), (DECISIONS, "created_by_ref", USERS, True),
        (WORKERS, "enterprise_ref", ENTERPRISES, False), (LETTERS, "application_ref", APPLICATIONS, False),
        (LETTERS, "decision_ref", DECISIONS, False), (LETTERS, "issued_by_ref", USERS, True),
        (LETTERS, "voided_by_ref", USERS, True), (LOANS, "acknowledged_by_ref", USERS, True),
        (LOANS, "created_by_ref", USERS, True), (CHECKS, "loan_ref", LOANS, False),
        (CHECKS, "created_by_ref", USERS, True), (CONFIRMATIONS, "answered_by_ref", USERS, False),
    )
    for table_name, column, target, optional in links:
        if table_name not in tables:
            continue
        index = tables[table_name].columns.index(column)
        for row in tables[table_name].rows:
            value = row[index]
            if (value is None and not optional) or (value is not None and value not in refs[target]):
                bad(table_name, f"{column} = {value!r} 不在 {target} 中")
                break
    id_index = TABLE_COLUMNS[WORKERS].index("id_number")
    for row in tables[WORKERS].rows:
        if not isinstance(row[id_index], str) or not _ID_NUMBER.match(row[id_index]):
            bad(WORKERS, f"身份证号码 {str(row[id_index])[:6]}… 不是 18 位")
            break
    payload_index = TABLE_COLUMNS[DECISIONS].index("payload")
    for row in tables[DECISIONS].rows:
        payload = row[payload_index]
        if not isinstance(payload, str) or not payload.startswith("{") or not _DECISION_MARK.search(payload):
            bad(DECISIONS, f"认定结果 {row[0]!r} 的 payload 不是 {DECISION_SCHEMA}")
            break
    # a loan's application, an answer's check may have come in an earlier batch: the province looks
    # them up when storing
    for name, column in ((LOANS, "application_ref"), (CONFIRMATIONS, "check_ref")):
        if name in tables:
            at = TABLE_COLUMNS[name].index(column)
            if not all(isinstance(r[at], int) and not isinstance(r[at], bool) for r in tables[name].rows):
                bad(name, f"{column} 应为整数")
    if CHECKS in tables:
        at = TABLE_COLUMNS[CHECKS].index("payload")
        for row in tables[CHECKS].rows:
            if not isinstance(row[at], str) or not row[at].startswith("{"):
                bad(CHECKS, f"核实记录 {row[0]!r} 的 payload 不是 JSON 对象")
                break
    reasons.extend(_letter_reasons(tables)[: max(0, 20 - len(reasons))])
    pdf_index = TABLE_COLUMNS[LETTERS].index("pdf")
    listed = [row[pdf_index] for row in tables[LETTERS].rows if row[pdf_index] is not None]
    files = set(letter_files)
    if len(set(listed)) != len(listed) or set(listed) != files:
        bad(LETTERS, "确认书 PDF 与 letters.json 所列不一致")
    return reasons


# Columns holding JSON text as the county stored it (a decision with its explanation, a letter with
# its annex: large for a big enterprise); every other text value is short.
_JSON_COLUMNS: Final = frozenset({"form_data", "paid_months", "payload", "content", "warnings"})
MAX_JSON_TEXT: Final = 64 << 20
MAX_CELL_TEXT: Final = 2000
_CELL_KINDS: Final = frozenset({type(None), int, float, str})  # what SQLite keeps; bool is not 0/1 here
_NAME_LIMITS: Final = {(WORKERS, "name"): MAX_PERSON_NAME, (ENTERPRISES, "name"): MAX_ENTERPRISE_NAME}


def cell_reasons(tables: Mapping[str, Table]) -> list[Reason]:
    """Every value a scalar SQLite keeps (no list, object or true/false), text within its limit,
    names of people and enterprises within theirs (and an enterprise's never empty)."""
    for name, table in tables.items():
        kinds = {type(v) for row in table.rows for v in row}
        if not kinds <= _CELL_KINDS:
            row_index, column = next((i, c) for i, row in enumerate(table.rows)
                                     for c, v in enumerate(row) if type(v) not in _CELL_KINDS)
            return [Reason("data_invalid", {"name": name, "detail": (
                f"第 {row_index + 1} 行 {table.columns[column]} 的值类型不对（应为文字、数字或空）")})]
        if str not in kinds:
            continue
        for column, header in enumerate(table.columns):
            limit = _NAME_LIMITS.get((name, header)) or (
                MAX_JSON_TEXT if header in _JSON_COLUMNS else MAX_CELL_TEXT)
            texts = [v for v in [row[column] for row in table.rows] if type(v) is str]
            if not texts or max(map(len, texts)) <= limit:
                continue
            row_index, value = next((i, row[column]) for i, row in enumerate(table.rows)
                                    if type(row[column]) is str and len(row[column]) > limit)
            return [Reason("data_invalid", {"name": name, "detail": (
                f"第 {row_index + 1} 行 {header} 过长（{len(value)} 个字符，最多 {limit} 个）")})]
        if name == ENTERPRISES:
            column = table.columns.index("name")
            for row_index, row in enumerate(table.rows):
                if not isinstance(row[column], str) or not row[column].strip():
                    return [Reason("data_invalid", {"name": name, "detail": f"第 {row_index + 1} 行企业名称为空"})]
    return []


def _letter_reasons(tables: Mapping[str, Table]) -> list[Reason]:
    """A letter's content must give its digest and verification code, and name the decision it
    was issued on as sent (a letter kept before contents were kept, ``{}``, has nothing to check)."""
    payloads = {row[0]: row[-1] for row in tables[DECISIONS].rows}
    for letter in tables[LETTERS].records():
        if letter["content"] in ("{}", None):
            continue
        try:
            content = LetterContent.from_dict(load_json(letter["content"]))
        except (LetterError, ValueError, TypeError, AttributeError) as exc:
            log.info("letter %r: content unreadable: %s", letter["number"], exc)
            return [Reason("data_invalid", {"name": LETTERS, "detail": f"确认书 {letter['number']} 的内容无法读取"})]
        payload = payloads.get(letter["decision_ref"])
        digest = content.digest()  # (drawn once: it serialises the whole annex)
        if (digest != letter["digest"] or verification_code(digest) != letter["verification_code"]
                or not isinstance(payload, str)
                or hashlib.sha256(payload.encode("utf-8")).hexdigest() != content.decision_digest):
            return [Reason("data_invalid", {
                "name": LETTERS, "detail": f"确认书 {letter['number']} 的内容与其摘要、核验码或认定结果不符"})]
    return []

