"""The receipt the province sends back for a batch file (plain Python).

Its format is written down in ``docs/batch-format.md``; the signature is the
adapter's (``desktop.batches``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from desktop.core.batch import (
    BATCH_SUFFIX, COUNT_KEYS, COUNT_KEYS_V1, OFFICE_CODE, SHA256_HEX, UUID4, BatchFormatError, canonical_json,
    count_value, exact_keys, load_json, positive_value, text_value,
)

RECEIPT_FORMAT: Final = "laoxie.receipt/2"  # signed by the province
RECEIPT_FORMATS: Final = ("laoxie.receipt/1", RECEIPT_FORMAT)  # /1 (unsigned) is read, to say so
RECEIPT_NAMESPACE: Final = "laoxie-receipt@jilin"
RECEIPT_SUFFIX: Final = ".receipt.json"


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
        d = exact_keys(raw, "receipt", keys + (("signature",) if signed else ()))
        signature = d.get("signature")
        if signature is not None and (not isinstance(signature, str) or len(signature) > 4000):
            raise BatchFormatError("signature 应为签名文本")
        if d["status"] not in ("accepted", "quarantined"):
            raise BatchFormatError(f"status {d['status']!r} 无效")
        batch_file = exact_keys(d["batch_file"], "batch_file", ("name", "sha256"))
        province = exact_keys(d["province"], "province", ("code", "name"))
        reasons = d["reasons"]
        if not isinstance(reasons, list) or not all(isinstance(r, dict) for r in reasons):
            raise BatchFormatError("reasons 应为对象列表")
        counts = d["counts"]
        if counts is not None:
            wanted = COUNT_KEYS_V1 if isinstance(counts, dict) and set(counts) == set(COUNT_KEYS_V1) else COUNT_KEYS
            counts = {k: count_value(v, f"counts.{k}") for k, v in exact_keys(counts, "counts", wanted).items()}
        accepted = d["status"] == "accepted"
        if accepted and (d["batch_id"] is None or d["manifest_sha256"] is None):
            raise BatchFormatError("接收回执应有 batch_id 和 manifest_sha256")
        return cls(
            status=d["status"], batch_file_sha256=text_value(batch_file["sha256"], "batch_file.sha256", SHA256_HEX),
            batch_file_name=text_value(batch_file["name"], "batch_file.name"),
            received_at=text_value(d["received_at"], "received_at"),
            province_code=text_value(province["code"], "province.code", OFFICE_CODE),
            province_name=text_value(province["name"], "province.name"),
            batch_id=None if d["batch_id"] is None else text_value(d["batch_id"], "batch_id", UUID4),
            office_code=None if d["office_code"] is None else text_value(d["office_code"], "office_code", OFFICE_CODE),
            seq=None if d["seq"] is None else positive_value(d["seq"], "seq"),
            manifest_sha256=None if d["manifest_sha256"] is None else text_value(
                d["manifest_sha256"], "manifest_sha256", SHA256_HEX),
            reasons=tuple(reasons), counts=counts, format=version, signature=signature,
        )



def receipt_file_name(batch_name: str, accepted: bool = True) -> str:
    """``….receipt.json`` for an accepted batch, ``….refused.receipt.json`` otherwise, so a refusal
    (a replayed copy, say) never overwrites the receipt of the batch accepted before."""
    stem = batch_name[: -len(BATCH_SUFFIX)] if batch_name.endswith(BATCH_SUFFIX) else batch_name
    return stem + ("" if accepted else ".refused") + RECEIPT_SUFFIX