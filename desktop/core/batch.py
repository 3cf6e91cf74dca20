"""What a batch for the province holds, and how it is checked (plain Python).

A county's batch is a ZIP of data files plus ``manifest.json`` (who made it,
its id and sequence number, the counts, the SHA-256 and size of every file)
and ``manifest.json.sig`` (the county's signature of the manifest), the whole
encrypted to the province. This module knows the manifest, the data tables
and the receipt as values, writes them as canonical JSON and reads them back
strictly (an unknown key is an error, not something to skip). It also names
every reason a batch is refused, with a Chinese message. The bytes,
signatures and encryption are the adapter's (``desktop.batches``); the
format is written down in ``docs/batch-format.md``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from desktop.core.decision import SCHEMA as DECISION_SCHEMA
from desktop.core.letter import LetterContent, LetterError, verification_code
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.names import MAX_ENTERPRISE_NAME, MAX_PERSON_NAME

log = logging.getLogger(__name__)

FORMAT: Final = "laoxie.batch/2"  # /2: loans and their checks, priority claims and 户口簿 answers
FORMAT_V1: Final = "laoxie.batch/1"
FORMATS: Final = (FORMAT_V1, FORMAT)  # every format read
RECEIPT_FORMAT: Final = "laoxie.receipt/2"  # signed by the province
RECEIPT_FORMATS: Final = ("laoxie.receipt/1", RECEIPT_FORMAT)  # /1 (unsigned) is read, to say so
RECEIPT_NAMESPACE: Final = "laoxie-receipt@jilin"
SIGNATURE_NAMESPACE: Final = "laoxie-batch@jilin"
MANIFEST_NAME: Final = "manifest.json"
SIGNATURE_NAME: Final = "manifest.json.sig"
BATCH_SUFFIX: Final = ".laoxie-batch.age"
RECEIPT_SUFFIX: Final = ".receipt.json"

# The data files, each a table {"columns": [...], "rows": [[...], ...]}.
ENTERPRISES: Final = "data/enterprises.json"
USERS: Final = "data/users.json"
APPLICATIONS: Final = "data/applications.json"
DECISIONS: Final = "data/decisions.json"
WORKERS: Final = "data/workers.json"
LETTERS: Final = "data/letters.json"
LOANS: Final = "data/loans.json"
CHECKS: Final = "data/tracking_checks.json"
CONFIRMATIONS: Final = "data/tracking_confirmations.json"
SUMMARY_CSV: Final = "enterprises.csv"  # for people: UTF-8 with BOM, opens in Excel
LETTER_FOLDER: Final = "letters/"

TABLE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    ENTERPRISES: (
        "ref", "uscc", "name", "county_code", "industry", "staff_total", "revenue_wan", "assets_wan",
        "size_override", "size_reason", "contact_name", "contact_phone", "address", "created_at", "updated_at",
    ),
    USERS: ("ref", "username", "display_name", "role"),
    APPLICATIONS: (
        "ref", "enterprise_ref", "loan_type", "amount_wan", "applied_on", "review_date", "status", "version",
        "evidence_contracts", "evidence_wages", "form_data", "prepared_by_ref", "approved_by_ref",
        "return_reason", "submitted_at", "approved_at", "approved_decision_ref", "created_at", "updated_at",
    ),
    DECISIONS: (
        "ref", "application_ref", "application_version", "review_date", "ruleset_version", "standard",
        "qualifying_count", "staff_total", "computed_result", "final_result", "override_reason",
        "override_by_ref", "created_by_ref", "created_at", "payload",
    ),
    WORKERS: (
        "enterprise_ref", "id_number", "name", "sex", "birth_date", "hukou_text", "hukou_code", "contract_type",
        "contract_start", "contract_end", "hire_date", "job", "monthly_wage", "paid_months", "social_insurance",
        "phone", "priority_group", "priority_evidence", "active", "source_row", "created_at", "updated_at",
        "priority_claim", "hukou_check",
    ),
    LETTERS: (
        "ref", "application_ref", "decision_ref", "year", "seq", "number", "verification_code", "digest", "content",
        "issued_by_ref", "issued_at", "voided_at", "void_reason", "voided_by_ref", "print_count", "pdf",
    ),
    LOANS: (
        "ref", "application_ref", "bank_branch", "contract_number", "amount_wan", "start_date", "term_months",
        "end_date", "rate", "preferential_end", "lpr_effective_from", "lpr_tenor", "lpr_value", "lpr_source",
        "warnings", "acknowledged_by_ref", "created_by_ref", "created_at",
    ),
    CHECKS: (
        "ref", "loan_ref", "check_date", "verdict", "needs_attention", "qualifying", "staff_total", "latest_period",
        "ruleset_version", "payload", "created_by_ref", "created_at",
    ),
    CONFIRMATIONS: ("ref", "check_ref", "outcome", "reason", "answered_by_ref", "answered_at"),
}
DATA_FILES: Final = tuple(TABLE_COLUMNS)

COUNT_KEYS: Final = ("enterprises", "applications", "decisions", "workers", "letters", "loans", "checks",
                     "confirmations")
_COUNTED_TABLE: Final = {
    "enterprises": ENTERPRISES, "applications": APPLICATIONS, "decisions": DECISIONS, "workers": WORKERS,
    "letters": LETTERS, "loans": LOANS, "checks": CHECKS, "confirmations": CONFIRMATIONS,
}

# laoxie.batch/1: no loans, checks or answers to them; a worker without the enterprise's claim and the
# 户口簿 answer.
_V1_ADDED: Final = {WORKERS: ("priority_claim", "hukou_check")}
TABLE_COLUMNS_V1: Final[dict[str, tuple[str, ...]]] = {
    name: tuple(c for c in columns if c not in _V1_ADDED.get(name, ()))
    for name, columns in TABLE_COLUMNS.items() if name not in (LOANS, CHECKS, CONFIRMATIONS)
}
COUNT_KEYS_V1: Final = ("enterprises", "applications", "decisions", "workers", "letters")


def table_columns(version: str = FORMAT) -> dict[str, tuple[str, ...]]:
    """The data files of a format version and their columns."""
    return dict(TABLE_COLUMNS_V1) if version == FORMAT_V1 else dict(TABLE_COLUMNS)


def count_keys(version: str = FORMAT) -> tuple[str, ...]:
    return COUNT_KEYS_V1 if version == FORMAT_V1 else COUNT_KEYS

# Limits for reading an archive someone else made.
MAX_MEMBERS: Final = 20_000
MAX_MEMBER_BYTES: Final = 1 << 30  # 1 GiB for one file inside
MAX_TOTAL_BYTES: Final = 2 << 30  # 2 GiB unpacked in all
MAX_RATIO: Final = 200  # unpacked : packed, for a file over 1 MiB (our JSON packs 10-20x; deflate tops out near 1000x)
MAX_BATCH_FILE: Final = 1 << 30  # the encrypted file itself

_MEMBER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_OFFICE_CODE = re.compile(r"^\d{6}$")


def canonical_json(value: object) -> bytes:
    """The one byte form we hash and sign: sorted keys, no spaces, UTF-8 (not \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


class BatchFormatError(ValueError):
    """A manifest, table or receipt that does not follow the format; ``detail`` says where."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


MAX_INT: Final = 2**63 - 1  # what SQLite stores; anything larger is no count, id or amount of ours
MAX_TEXT: Final = 200  # a manifest's or receipt's text value (names, codes, versions, times)


class _OutOfRange(ValueError):
    pass


def _bounded_int(text: str) -> int:
    if len(text) > 20:  # checked on the text: Python's own limit (4,300 digits) raises a plain ValueError
        raise _OutOfRange(text[:20])
    value = int(text)
    if not -MAX_INT <= value <= MAX_INT:
        raise _OutOfRange(text)
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise _OutOfRange(text[:20])
    return value


def _no_constant(text: str) -> object:
    raise _OutOfRange(text)  # NaN, Infinity, -Infinity: not JSON


def load_json(data: bytes | str, *, encoding: str = "utf-8") -> Any:
    """JSON someone else wrote, strictly: UTF-8, integers within 64 bits, finite numbers,
    no NaN, nesting the parser can follow. BatchFormatError (in Chinese) for anything else."""
    try:
        text = data.decode(encoding) if isinstance(data, bytes) else data
        return json.loads(text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise BatchFormatError("不是 UTF-8 编码的 JSON 文本") from exc
    except _OutOfRange as exc:
        raise BatchFormatError(f"数值 {str(exc)[:20]} 超出范围（整数最多 64 位，不允许 NaN 或无穷大）") from exc
    except RecursionError as exc:
        raise BatchFormatError("JSON 嵌套层数过多") from exc
    except json.JSONDecodeError as exc:
        raise BatchFormatError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from exc
    except ValueError as exc:
        raise BatchFormatError("不是有效的 JSON") from exc


# --------------------------------------------------------------------------
# Fingerprints to read out over the phone


@dataclass(frozen=True)
class Fingerprint:
    """A public key's SHA-256, in three forms.

    ``sha256`` is OpenSSH's form (``SHA256:`` + base64, what ``ssh-keygen -l``
    prints for a signing key); ``grouped`` is the first 100 bits in base32, as
    five groups of four characters; ``digits`` is six groups of four digits
    (each group the next 5 bytes of the hash modulo 10000), the easiest to read
    out in Chinese over the phone.
    """

    sha256: str
    grouped: str
    digits: str

    @classmethod
    def of(cls, key_bytes: bytes) -> Fingerprint:
        digest = hashlib.sha256(key_bytes).digest()
        b32 = base64.b32encode(digest).decode("ascii")[:20]
        groups = " ".join(b32[i:i + 4] for i in range(0, 20, 4))
        digits = " ".join(f"{int.from_bytes(digest[i * 5:i * 5 + 5], 'big') % 10000:04d}" for i in range(6))
        return cls("SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("="), groups, digits)

    def matches(self, text: str) -> bool:
        """Whether ``text`` is one of the three forms, as typed (spaces and hyphens ignored;
        the base32 form in either case; the OpenSSH form exactly)."""
        squeezed = re.sub(r"[\s\-]", "", text)
        return (squeezed == self.sha256 or squeezed == self.digits.replace(" ", "")
                or squeezed.upper() == self.grouped.replace(" ", ""))


# --------------------------------------------------------------------------
# Reasons a batch is refused (quarantined)

REASONS: Final = (
    "not_a_batch", "too_large", "wrong_recipient", "truncated", "corrupt", "bad_archive", "manifest_invalid",
    "signature_missing", "unknown_signer", "bad_signature", "file_altered", "file_missing", "file_extra",
    "data_invalid", "replayed", "older_sequence", "malformed",
)
MESSAGES.update({
    "batch_not_a_batch": QT_TRANSLATE_NOOP("problems", "文件不是劳协报送批次（不是 age 加密文件）"),
    "batch_too_large": QT_TRANSLATE_NOOP("problems", "文件过大（{size} 字节，最多 {limit} 字节），不是正常的报送批次"),
    "batch_wrong_recipient": QT_TRANSLATE_NOOP(
        "problems", "无法用本省密钥解密：该批次不是加密给本省的（或文件头已损坏）。请县里核对省级公钥后重新导出"
    ),
    "batch_truncated": QT_TRANSLATE_NOOP(
        "problems", "文件不完整（末尾缺失或损坏），可能是复制未完成或 U 盘拔出过早。请县里重新拷贝或重新导出"
    ),
    "batch_corrupt": QT_TRANSLATE_NOOP("problems", "文件已损坏或被改动：加密数据校验失败（{detail}）"),
    "batch_bad_archive": QT_TRANSLATE_NOOP("problems", "批次内容不是安全有效的 ZIP 文件：{detail}"),
    "batch_manifest_invalid": QT_TRANSLATE_NOOP("problems", "清单 manifest.json 无效：{detail}"),
    "batch_signature_missing": QT_TRANSLATE_NOOP("problems", "批次中没有签名文件 manifest.json.sig，或签名无法读取：{detail}"),
    "batch_unknown_signer": QT_TRANSLATE_NOOP(
        "problems", "签名密钥（指纹 {fingerprint}）不是已登记的“{office}”（{office_code}）的密钥：来源无法确认"
    ),
    "batch_bad_signature": QT_TRANSLATE_NOOP("problems", "签名校验失败：清单在签名后被改动"),
    "batch_file_altered": QT_TRANSLATE_NOOP("problems", "文件 {name} 与清单记录的 SHA-256 或大小不符：已被改动"),
    "batch_file_missing": QT_TRANSLATE_NOOP("problems", "清单列出的文件 {name} 不在批次中"),
    "batch_file_extra": QT_TRANSLATE_NOOP("problems", "批次中有清单未列出的文件 {name}"),
    "batch_data_invalid": QT_TRANSLATE_NOOP("problems", "数据文件 {name} 无效：{detail}"),
    "batch_replayed": QT_TRANSLATE_NOOP(
        "problems", "该批次（{office}第 {seq} 批，编号 {batch_id}）已于 {at} 接收：重复报送，不再导入"
    ),
    "batch_older_sequence": QT_TRANSLATE_NOOP(
        "problems", "序号 {seq} 不大于已接收的{office}最新批次序号 {last}：旧批次或重放，不导入"
    ),
    "batch_malformed": QT_TRANSLATE_NOOP(
        "problems", "批次内容不符合格式，无法处理（原因已写入日志，请把该文件交给维护人员）"
    ),
    "batch_sequence_gap": QT_TRANSLATE_NOOP(
        "problems", "{office}第 {missing} 批尚未收到（本批为第 {seq} 批）；之后再收到较早的批次将被拒收"
    ),
})


@dataclass(frozen=True)
class Reason:
    """Why a batch was refused: a stable code (one of :data:`REASONS`) and the message's parameters."""

    code: str
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"unknown batch reason {self.code!r}")

    @property
    def problem(self) -> Problem:
        return Problem("batch_" + self.code, dict(self.params))

    def text(self) -> str:
        return self.problem.text()

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params), "message": self.text()}


class BatchRefused(Exception):
    """The batch goes to quarantine for these reasons (the first is the main one)."""

    def __init__(self, reasons: Sequence[Reason]) -> None:
        if not reasons:
            raise ValueError("a refusal needs a reason")
        self.reasons = tuple(reasons)
        super().__init__("；".join(r.text() for r in self.reasons))

    @property
    def code(self) -> str:
        return self.reasons[0].code


def refuse(reason: str, **params: object) -> BatchRefused:
    return BatchRefused([Reason(reason, params)])


# --------------------------------------------------------------------------
# The manifest


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    suite: str
    office_code: str
    office_name: str
    recipient_code: str
    recipient_name: str
    recipient_fingerprint: str
    batch_id: str
    seq: int
    created_at: str
    created_by: str
    app_version: str
    ruleset_versions: tuple[str, ...]
    counts: dict[str, int]
    audit_chain_head: str
    signer_fingerprint: str
    files: dict[str, FileEntry]
    format: str = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format, "suite": self.suite,
            "office": {"code": self.office_code, "name": self.office_name},
            "recipient": {"code": self.recipient_code, "name": self.recipient_name,
                          "fingerprint": self.recipient_fingerprint},
            "batch_id": self.batch_id, "seq": self.seq, "created_at": self.created_at,
            "created_by": self.created_by, "app_version": self.app_version,
            "ruleset_versions": list(self.ruleset_versions), "counts": dict(self.counts),
            "audit_chain_head": self.audit_chain_head, "signer_fingerprint": self.signer_fingerprint,
            "files": {name: {"sha256": f.sha256, "size": f.size} for name, f in sorted(self.files.items())},
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        return cls.from_dict(load_json(data))

    @classmethod
    def from_dict(cls, raw: object) -> Manifest:
        d = _exact(raw, "manifest", ("format", "suite", "office", "recipient", "batch_id", "seq", "created_at",
                                     "created_by", "app_version", "ruleset_versions", "counts",
                                     "audit_chain_head", "signer_fingerprint", "files"))
        if d["format"] not in FORMATS:
            shown = repr(d["format"]) if isinstance(d["format"], str) and len(d["format"]) <= 40 else "…"
            raise BatchFormatError(f"格式版本 {shown} 不受支持（本程序读 {'、'.join(FORMATS)}）")
        version = str(d["format"])
        office = _exact(d["office"], "office", ("code", "name"))
        recipient = _exact(d["recipient"], "recipient", ("code", "name", "fingerprint"))
        counts = _exact(d["counts"], "counts", count_keys(version))
        files_raw = d["files"]
        if not isinstance(files_raw, dict):
            raise BatchFormatError("files 应为对象")
        files: dict[str, FileEntry] = {}
        for name, entry in files_raw.items():
            e = _exact(entry, f"files[{name}]", ("sha256", "size"))
            if member_name_problem(name) or name in (MANIFEST_NAME, SIGNATURE_NAME):
                raise BatchFormatError(f"文件名 {name!r} 不允许")
            files[name] = FileEntry(_text(e["sha256"], f"{name}.sha256", _SHA256), _count(e["size"], f"{name}.size"))
        versions = d["ruleset_versions"]
        if not isinstance(versions, list) or len(versions) > 100 or not all(
                isinstance(v, str) and len(v) <= MAX_TEXT for v in versions):
            raise BatchFormatError("ruleset_versions 应为字符串列表")
        return cls(
            format=version, suite=_text(d["suite"], "suite"),
            office_code=_text(office["code"], "office.code", _OFFICE_CODE), office_name=_text(office["name"], "office.name"),
            recipient_code=_text(recipient["code"], "recipient.code", _OFFICE_CODE),
            recipient_name=_text(recipient["name"], "recipient.name"),
            recipient_fingerprint=_text(recipient["fingerprint"], "recipient.fingerprint"),
            batch_id=_text(d["batch_id"], "batch_id", _UUID), seq=_positive(d["seq"], "seq"),
            created_at=_text(d["created_at"], "created_at"), created_by=_text(d["created_by"], "created_by"),
            app_version=_text(d["app_version"], "app_version"), ruleset_versions=tuple(versions),
            counts={k: _count(counts[k], f"counts.{k}") for k in count_keys(version)},
            audit_chain_head=_text(d["audit_chain_head"], "audit_chain_head", _SHA256),
            signer_fingerprint=_text(d["signer_fingerprint"], "signer_fingerprint"),
            files=files,
        )


def _exact(raw: object, where: str, keys: Iterable[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BatchFormatError(f"{where} 应为对象")
    wanted = set(keys)
    missing, unknown = wanted - raw.keys(), raw.keys() - wanted
    if missing:
        raise BatchFormatError(f"{where} 缺少 {', '.join(sorted(missing))}")
    if unknown:
        raise BatchFormatError(f"{where} 含未知的键 {', '.join(sorted(unknown))}")
    return raw


def _text(value: object, where: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT or (
            pattern is not None and not pattern.match(value)):
        shown = repr(value) if isinstance(value, (str, int, float)) and len(repr(value)) <= 40 else "…"
        raise BatchFormatError(f"{where} 的值 {shown} 无效")
    return value


def _count(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BatchFormatError(f"{where} 应为非负整数")
    return value


def _positive(value: object, where: str) -> int:
    if _count(value, where) < 1:
        raise BatchFormatError(f"{where} 应为正整数")
    return int(value)  # type: ignore[call-overload]


def member_name_problem(name: str) -> str | None:
    """None for a safe name inside the archive (relative, no ``..``, plain characters), else why not."""
    if not isinstance(name, str) or len(name) > MAX_TEXT or not _MEMBER_NAME.match(name) or ".." in name.split("/"):
        shown = repr(name) if isinstance(name, str) and len(name) <= 60 else repr(str(name)[:60]) + "…"
        return f"不安全的文件名 {shown}"
    return None


# --------------------------------------------------------------------------
# Checking files against the manifest, and the sequence


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


# --------------------------------------------------------------------------
# Data tables


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def table_bytes(name: str, rows: Iterable[Sequence[Any]]) -> bytes:
    """A data file: ``{"columns": [...], "rows": [[...], ...]}`` in canonical JSON."""
    return canonical_json({"columns": list(TABLE_COLUMNS[name]), "rows": [list(r) for r in rows]})


def parse_table(name: str, data: bytes, version: str = FORMAT) -> Table:
    """A data file read back; the columns must be exactly those of the batch's format version."""
    d = _exact(load_json(data), name, ("columns", "rows"))
    columns = table_columns(version)[name]
    if d["columns"] != list(columns):
        raise BatchFormatError(f"列应为 {', '.join(columns)}")
    rows = d["rows"]
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == len(columns) for r in rows):
        raise BatchFormatError(f"每行应有 {len(columns)} 个值")
    return Table(columns, rows)


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


# --------------------------------------------------------------------------
# The receipt the province sends back


@dataclass(frozen=True)
class Receipt:
    """What the province tells the county about one batch file.

    ``manifest_sha256`` is the SHA-256 of the manifest inside the encrypted
    batch: only someone who could decrypt the batch (the province) knows it,
    so it proves the receipt came from there. It is None when the file could
    not be decrypted at all; such a receipt only reports a refusal.
    """

    status: str  # "accepted" or "quarantined"
    batch_file_sha256: str
    batch_file_name: str
    received_at: str
    province_code: str
    province_name: str
    batch_id: str | None = None
    office_code: str | None = None
    seq: int | None = None
    manifest_sha256: str | None = None
    reasons: tuple[dict[str, object], ...] = ()
    counts: dict[str, int] | None = None
    format: str = RECEIPT_FORMAT
    signature: str | None = None  # SSHSIG (armored) of signed_bytes() by the province's receipt key

    def signed_bytes(self) -> bytes:
        """What the province signs: the receipt without its signature, canonical JSON."""
        return canonical_json(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format, "status": self.status, "batch_file": {
                "name": self.batch_file_name, "sha256": self.batch_file_sha256},
            "received_at": self.received_at, "province": {"code": self.province_code, "name": self.province_name},
            "batch_id": self.batch_id, "office_code": self.office_code, "seq": self.seq,
            "manifest_sha256": self.manifest_sha256, "reasons": [dict(r) for r in self.reasons],
            "counts": dict(self.counts) if self.counts is not None else None,
        }

    def to_bytes(self) -> bytes:
        """Indented JSON (a person may open it), UTF-8, with the signature when there is one."""
        d = self.to_dict()
        if self.signature is not None:
            d["signature"] = self.signature
        return (json.dumps(d, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> Receipt:
        raw = load_json(data, encoding="utf-8-sig")
        version = raw.get("format") if isinstance(raw, dict) else None
        if version not in RECEIPT_FORMATS:
            shown = repr(version) if isinstance(version, str) and len(version) <= 40 else "…"
            raise BatchFormatError(f"回执格式 {shown} 不受支持")
        keys = ("format", "status", "batch_file", "received_at", "province", "batch_id", "office_code", "seq",
                "manifest_sha256", "reasons", "counts")
        signed = version == RECEIPT_FORMAT and "signature" in raw  # one without is read, to refuse it plainly
        d = _exact(raw, "receipt", keys + (("signature",) if signed else ()))
        signature = d.get("signature")
        if signature is not None and (not isinstance(signature, str) or len(signature) > 4000):
            raise BatchFormatError("signature 应为签名文本")
        if d["status"] not in ("accepted", "quarantined"):
            raise BatchFormatError(f"status {d['status']!r} 无效")
        batch_file = _exact(d["batch_file"], "batch_file", ("name", "sha256"))
        province = _exact(d["province"], "province", ("code", "name"))
        reasons = d["reasons"]
        if not isinstance(reasons, list) or not all(isinstance(r, dict) for r in reasons):
            raise BatchFormatError("reasons 应为对象列表")
        counts = d["counts"]
        if counts is not None:
            wanted = COUNT_KEYS_V1 if isinstance(counts, dict) and set(counts) == set(COUNT_KEYS_V1) else COUNT_KEYS
            counts = {k: _count(v, f"counts.{k}") for k, v in _exact(counts, "counts", wanted).items()}
        accepted = d["status"] == "accepted"
        if accepted and (d["batch_id"] is None or d["manifest_sha256"] is None):
            raise BatchFormatError("接收回执应有 batch_id 和 manifest_sha256")
        return cls(
            status=d["status"], batch_file_sha256=_text(batch_file["sha256"], "batch_file.sha256", _SHA256),
            batch_file_name=_text(batch_file["name"], "batch_file.name"),
            received_at=_text(d["received_at"], "received_at"),
            province_code=_text(province["code"], "province.code", _OFFICE_CODE),
            province_name=_text(province["name"], "province.name"),
            batch_id=None if d["batch_id"] is None else _text(d["batch_id"], "batch_id", _UUID),
            office_code=None if d["office_code"] is None else _text(d["office_code"], "office_code", _OFFICE_CODE),
            seq=None if d["seq"] is None else _positive(d["seq"], "seq"),
            manifest_sha256=None if d["manifest_sha256"] is None else _text(
                d["manifest_sha256"], "manifest_sha256", _SHA256),
            reasons=tuple(reasons), counts=counts, format=version, signature=signature,
        )


def batch_file_name(office_code: str, seq: int, batch_id: str) -> str:
    """``222401-0007-1f2e3d4c.laoxie-batch.age``: sorts by office and sequence."""
    return f"{office_code}-{seq:04d}-{batch_id[:8]}{BATCH_SUFFIX}"


def receipt_file_name(batch_name: str, accepted: bool = True) -> str:
    """``….receipt.json`` for an accepted batch, ``….refused.receipt.json`` otherwise, so a refusal
    (a replayed copy, say) never overwrites the receipt of the batch accepted before."""
    stem = batch_name[: -len(BATCH_SUFFIX)] if batch_name.endswith(BATCH_SUFFIX) else batch_name
    return stem + ("" if accepted else ".refused") + RECEIPT_SUFFIX
