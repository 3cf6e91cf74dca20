"""Sealing a batch (sign, pack, encrypt) and opening one (decrypt, unpack, verify).

``seal`` fills in the manifest's file list (SHA-256 and size of every file),
signs the manifest's canonical bytes, packs manifest, signature and files
into a ZIP padded to whole encryption chunks, and encrypts it to the
province. ``open_sealed`` undoes that and checks everything that can be
checked without the province's database: that the file is ours and for us,
whole and unaltered, signed by the key registered for the office the
manifest names, every file present with its hash, the data tables well
formed and matching the counts. Each failure is a
:class:`~desktop.core.batch_reasons.BatchRefused` naming the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from desktop.batches import archive
from desktop.batches.crypto import CryptoError, DecryptionKey, PublicKey, SigningKey, Suite
from desktop.core.batch import (
    LETTER_FOLDER, MANIFEST_NAME, MAX_BATCH_FILE, SIGNATURE_NAME, SIGNATURE_NAMESPACE, BatchFormatError, FileEntry,
    Manifest, Table, parse_table, table_columns,
)
from desktop.core.batch_checks import count_reasons, file_reasons
from desktop.core.batch_reasons import BatchRefused, Reason, refuse

RegisteredKey = Callable[[str], PublicKey | None]  # office code -> its registered signing key


@dataclass(frozen=True)
class Sealed:
    data: bytes  # the encrypted batch file
    sha256: str
    manifest: Manifest
    manifest_sha256: str


@dataclass(frozen=True)
class Opened:
    manifest: Manifest
    manifest_sha256: str
    signer: PublicKey
    tables: dict[str, Table]
    letters: dict[str, bytes]  # "letters/<code>.pdf" -> PDF bytes


def seal(manifest: Manifest, files: Mapping[str, bytes], signing_key: SigningKey, recipient: PublicKey,
         suite: Suite, *, compresslevel: int = 6) -> Sealed:
    """The encrypted batch of ``files`` with ``manifest`` completed (files, signer, recipient)."""
    entries = {name: FileEntry(hashlib.sha256(data).hexdigest(), len(data)) for name, data in files.items()}
    manifest = replace(
        manifest, suite=suite.name, files=entries, signer_fingerprint=signing_key.public.fingerprint.sha256,
        recipient_fingerprint=recipient.fingerprint.sha256,
    )
    manifest_bytes = manifest.to_bytes()
    signature = signing_key.sign(manifest_bytes, SIGNATURE_NAMESPACE)
    stamp = datetime.fromisoformat(manifest.created_at)
    members = [(MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature),
               *sorted(files.items())]
    packed = archive.build(
        members, date_time=(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second),
        pad_to=suite.plaintext_block(), compresslevel=compresslevel,
    )
    data = suite.encrypt(packed, recipient)
    return Sealed(data, hashlib.sha256(data).hexdigest(), manifest, hashlib.sha256(manifest_bytes).hexdigest())


_CRYPTO_REASONS = {
    "not_encrypted": "not_a_batch", "wrong_recipient": "wrong_recipient", "truncated": "truncated",
    "corrupt": "corrupt",
}


def decrypt(data: bytes, key: DecryptionKey) -> bytes:
    if len(data) > MAX_BATCH_FILE:
        raise refuse("too_large", size=len(data), limit=MAX_BATCH_FILE)
    try:
        return key.decrypt(data)
    except CryptoError as exc:
        raise refuse(_CRYPTO_REASONS.get(exc.code, "corrupt"), detail=exc.detail or exc.code) from exc


@dataclass(frozen=True)
class Unpacked:
    """What could be read before a refusal, for the report and the receipt."""

    manifest: Manifest | None
    manifest_sha256: str | None


def open_sealed(data: bytes, key: DecryptionKey, suite: Suite, registered: RegisteredKey,
                seen: list[Unpacked] | None = None) -> Opened:
    """The verified batch, or BatchRefused. ``seen`` receives the manifest as soon as it is read."""
    members = archive.read(decrypt(data, key))
    manifest_bytes = members.pop(MANIFEST_NAME, None)
    if manifest_bytes is None:
        raise refuse("manifest_invalid", detail="批次中没有 manifest.json")
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    try:
        manifest = Manifest.from_bytes(manifest_bytes)
    except BatchFormatError as exc:
        raise refuse("manifest_invalid", detail=exc.detail) from exc
    if seen is not None:
        seen.append(Unpacked(manifest, manifest_sha256))
    if manifest.suite != suite.name:
        raise refuse("manifest_invalid", detail=f"算法组合 {manifest.suite} 与本省密钥（{suite.name}）不符")
    signature = members.pop(SIGNATURE_NAME, None)
    if signature is None:
        raise refuse("signature_missing", detail="缺少文件")
    try:
        signer = suite.signer_of(signature)
    except CryptoError as exc:
        raise refuse("signature_missing", detail=exc.detail or exc.code) from exc
    expected = registered(manifest.office_code)
    if expected is None or expected.fingerprint != signer.fingerprint:
        raise refuse("unknown_signer", fingerprint=signer.fingerprint.sha256, office=manifest.office_name,
                     office_code=manifest.office_code)
    try:
        suite.verify(expected, manifest_bytes, signature, SIGNATURE_NAMESPACE)
    except CryptoError as exc:
        raise refuse("bad_signature") from exc
    present = {name: FileEntry(hashlib.sha256(body).hexdigest(), len(body)) for name, body in members.items()}
    reasons = file_reasons(manifest, present)
    if reasons:
        raise BatchRefused(reasons)
    tables = _tables(members, manifest.format)
    reasons = count_reasons(manifest, {name: len(t.rows) for name, t in tables.items()})
    if reasons:
        raise BatchRefused(reasons)
    letters = {name: body for name, body in members.items() if name.startswith(LETTER_FOLDER)}
    return Opened(manifest, manifest_sha256, signer, tables, letters)


def _tables(members: Mapping[str, bytes], version: str) -> dict[str, Table]:
    """The data files of the batch's format version (an older batch has fewer)."""
    tables: dict[str, Table] = {}
    problems: list[Reason] = []
    for name in table_columns(version):
        body = members.get(name)
        if body is None:
            problems.append(Reason("data_invalid", {"name": name, "detail": "缺少该数据文件"}))
            continue
        try:
            tables[name] = parse_table(name, body, version)
        except BatchFormatError as exc:
            problems.append(Reason("data_invalid", {"name": name, "detail": exc.detail}))
    if problems:
        raise BatchRefused(problems)
    return tables
