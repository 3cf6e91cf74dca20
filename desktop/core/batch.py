"""What a batch for the province holds, and how it is checked (plain Python).

A county's batch is a ZIP of data files plus ``manifest.json`` (who made it,
its id and sequence number, the counts, the SHA-256 and size of every file)
and ``manifest.json.sig`` (the county's signature of the manifest), the whole
encrypted to the province. This module knows the manifest, the data tables
and the receipt as values, writes them as canonical JSON and reads them back
strictly (an unknown key is an error, not something to skip). The reasons a
batch is refused are in ``batch_reasons``, the checks a received batch must
pass in ``batch_checks``, the province's receipt in ``batch_receipt``. The
bytes, signatures and encryption are the adapter's (``desktop.batches``); the
format is written down in ``docs/batch-format.md``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

FORMAT: Final = "laoxie.batch/2"  # /2: loans and their checks, priority claims and 户口簿 answers
FORMAT_V1: Final = "laoxie.batch/1"
FORMATS: Final = (FORMAT_V1, FORMAT)  # every format read
SIGNATURE_NAMESPACE: Final = "laoxie-batch@jilin"
MANIFEST_NAME: Final = "manifest.json"
SIGNATURE_NAME: Final = "manifest.json.sig"
BATCH_SUFFIX: Final = ".laoxie-batch.age"

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
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
OFFICE_CODE = re.compile(r"^\d{6}$")


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
        d = exact_keys(raw, "manifest", ("format", "suite", "office", "recipient", "batch_id", "seq", "created_at",
                                     "created_by", "app_version", "ruleset_versions", "counts",
                                     "audit_chain_head", "signer_fingerprint", "files"))
        if d["format"] not in FORMATS:
            shown = repr(d["format"]) if isinstance(d["format"], str) and len(d["format"]) <= 40 else "…"
            raise BatchFormatError(f"格式版本 {shown} 不受支持（本程序读 {'、'.join(FORMATS)}）")
        version = str(d["format"])
        office = exact_keys(d["office"], "office", ("code", "name"))
        recipient = exact_keys(d["recipient"], "recipient", ("code", "name", "fingerprint"))
        counts = exact_keys(d["counts"], "counts", count_keys(version))
        files_raw = d["files"]
        if not isinstance(files_raw, dict):
            raise BatchFormatError("files 应为对象")
        files: dict[str, FileEntry] = {}
        for name, entry in files_raw.items():
            e = exact_keys(entry, f"files[{name}]", ("sha256", "size"))
            if member_name_problem(name) or name in (MANIFEST_NAME, SIGNATURE_NAME):
                raise BatchFormatError(f"文件名 {name!r} 不允许")
            files[name] = FileEntry(text_value(e["sha256"], f"{name}.sha256", SHA256_HEX),
                                    count_value(e["size"], f"{name}.size"))
        versions = d["ruleset_versions"]
        if not isinstance(versions, list) or len(versions) > 100 or not all(
                isinstance(v, str) and len(v) <= MAX_TEXT for v in versions):
            raise BatchFormatError("ruleset_versions 应为字符串列表")
        return cls(
            format=version, suite=text_value(d["suite"], "suite"),
            office_code=text_value(office["code"], "office.code", OFFICE_CODE),
            office_name=text_value(office["name"], "office.name"),
            recipient_code=text_value(recipient["code"], "recipient.code", OFFICE_CODE),
            recipient_name=text_value(recipient["name"], "recipient.name"),
            recipient_fingerprint=text_value(recipient["fingerprint"], "recipient.fingerprint"),
            batch_id=text_value(d["batch_id"], "batch_id", UUID4), seq=positive_value(d["seq"], "seq"),
            created_at=text_value(d["created_at"], "created_at"), created_by=text_value(d["created_by"], "created_by"),
            app_version=text_value(d["app_version"], "app_version"), ruleset_versions=tuple(versions),
            counts={k: count_value(counts[k], f"counts.{k}") for k in count_keys(version)},
            audit_chain_head=text_value(d["audit_chain_head"], "audit_chain_head", SHA256_HEX),
            signer_fingerprint=text_value(d["signer_fingerprint"], "signer_fingerprint"),
            files=files,
        )


def exact_keys(raw: object, where: str, keys: Iterable[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BatchFormatError(f"{where} 应为对象")
    wanted = set(keys)
    missing, unknown = wanted - raw.keys(), raw.keys() - wanted
    if missing:
        raise BatchFormatError(f"{where} 缺少 {', '.join(sorted(missing))}")
    if unknown:
        raise BatchFormatError(f"{where} 含未知的键 {', '.join(sorted(unknown))}")
    return raw


def text_value(value: object, where: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT or (
            pattern is not None and not pattern.match(value)):
        shown = repr(value) if isinstance(value, (str, int, float)) and len(repr(value)) <= 40 else "…"
        raise BatchFormatError(f"{where} 的值 {shown} 无效")
    return value


def count_value(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BatchFormatError(f"{where} 应为非负整数")
    return value


def positive_value(value: object, where: str) -> int:
    if count_value(value, where) < 1:
        raise BatchFormatError(f"{where} 应为正整数")
    return int(value)  # type: ignore[call-overload]


def member_name_problem(name: str) -> str | None:
    """None for a safe name inside the archive (relative, no ``..``, plain characters), else why not."""
    if not isinstance(name, str) or len(name) > MAX_TEXT or not _MEMBER_NAME.match(name) or ".." in name.split("/"):
        shown = repr(name) if isinstance(name, str) and len(name) <= 60 else repr(str(name)[:60]) + "…"
        return f"不安全的文件名 {shown}"
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
    d = exact_keys(load_json(data), name, ("columns", "rows"))
    columns = table_columns(version)[name]
    if d["columns"] != list(columns):
        raise BatchFormatError(f"列应为 {', '.join(columns)}")
    rows = d["rows"]
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == len(columns) for r in rows):
        raise BatchFormatError(f"每行应有 {len(columns)} 个值")
    return Table(columns, rows)


def batch_file_name(office_code: str, seq: int, batch_id: str) -> str:
    """``222401-0007-1f2e3d4c.laoxie-batch.age``: sorts by office and sequence."""
    return f"{office_code}-{seq:04d}-{batch_id[:8]}{BATCH_SUFFIX}"
