"""Province: import the counties' batch files (:func:`import_batches`).

Each file is opened and checked (signature of the registered county key, every hash, replay and
sequence), and either all of its records are stored in one transaction or the file is put in
quarantine with a report. Either way a signed receipt file is written beside the batch.

What a quarantine writes, and nothing else: a copy of the file in the
quarantine folder, one ``batch_quarantine`` row with the report, one
``batch.quarantine`` audit entry. (The backup taken once before an import
run records itself as usual: its file, ``settings['backup.last_good']`` and a
``db.backup`` audit entry.) The file's bytes are written beside the
checks to ``incoming/<name>.part`` (see :class:`_Archive`); a refused file's
part is removed before its quarantine is reported.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from desktop.batches import crypto, files, package
from desktop.batches.crypto import DecryptionKey
from desktop.core.batch import MAX_BATCH_FILE
from desktop.core.batch_checks import data_reasons, sequence_gap, sequence_reasons
from desktop.core.batch_reasons import BatchRefused, Reason, refuse
from desktop.core.batch_receipt import Receipt
from desktop.core.messages import Problem
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.private_files import private_folder
from desktop.services import keys
from desktop.services.backups import make_backup
from desktop.services.batch_receipts import Receipts, write_receipt
from desktop.services.batches import Progress, batch_folder, no_progress
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store import batches as store_batches
from desktop.store import province as store_province
from desktop.store.batch_import import IncomingBatch, RecordsRefused, store_incoming
from desktop.store.db import now_iso
from desktop.store.errors import StoreError

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# Province: import


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    status: str  # "accepted", "quarantined" or "unreadable" (a file that could not be read at all)
    reasons: tuple[Reason, ...] = ()
    warnings: tuple[Problem, ...] = ()
    office_code: str | None = None
    office_name: str | None = None
    batch_uuid: str | None = None
    seq: int | None = None
    counts: dict[str, int] | None = None
    file_sha256: str = ""
    receipt: Path | None = None
    receipt_error: str = ""
    quarantined_as: Path | None = None
    record_id: int | None = None  # batches row (accepted) or batch_quarantine row
    message: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def import_batches(
    ws: Workspace, paths: Sequence[Path], passphrase: str | None = None, *, key: DecryptionKey | None = None,
    receipts_to: Path | None = None, progress: Progress | None = None, backup: bool = True,
) -> list[ImportOutcome]:
    """Import each batch file: accepted (all its records in one transaction) or quarantined.

    The decryption key is unlocked once (``passphrase``) unless given. A receipt is
    written beside each file (or into ``receipts_to``).
    """
    ws.require(Permission.EXPORT_BATCHES)
    if ws.office.kind != "province":
        raise ServiceError("batch_province_only")
    report = progress or no_progress
    if key is None:
        if passphrase is None:
            raise ServiceError("key_passphrase_required")
        key = keys.unlock_decryption_key(ws, passphrase)
    if backup and paths:
        make_backup(ws, "before-batch-import")
    outcomes = []
    receipts = Receipts(receipts_to, key.receipt_signing_key())
    for index, path in enumerate(paths):
        report(f"导入 {path.name}", index, len(paths))
        try:
            outcomes.append(_import_one(ws, Path(path), key, receipts))
        except (ServiceError, StoreError, OSError) as exc:  # e.g. the quarantine folder cannot be written
            log.warning("importing %s failed: %s", path, exc, exc_info=True)
            detail = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            outcomes.append(ImportOutcome(Path(path), "unreadable", message=SERVICE_MESSAGES[
                "batch_not_processed"].format(path=path, detail=detail)))
    report("完成", len(paths), len(paths))
    return outcomes


def _import_one(ws: Workspace, path: Path, key: DecryptionKey, receipts: Receipts) -> ImportOutcome:
    try:
        size = path.stat().st_size
        if size > MAX_BATCH_FILE:  # refused before it is read whole
            _, sha = files.file_digest(path)
            refused = refuse("too_large", size=size, limit=MAX_BATCH_FILE)
            return _quarantine(ws, path, None, size, sha, refused, None, receipts)
        data = path.read_bytes()
    except OSError as exc:
        return ImportOutcome(path, "unreadable", message=SERVICE_MESSAGES["batch_read_failed"].format(
            path=path, detail=os_reason(exc)))
    archive = _Archive(ws, path.name, data)  # written while the file is checked and stored
    try:
        return _receive(ws, path, data, key, receipts, archive)
    finally:
        archive.discard()  # a file not kept (refused): its part removed


def _receive(ws: Workspace, path: Path, data: bytes, key: DecryptionKey, receipts: Receipts,
             archive: _Archive) -> ImportOutcome:
    """The file read: accepted (its records stored, the file kept, a receipt) or quarantined."""
    sha = hashlib.sha256(data).hexdigest()
    seen: list[package.Unpacked] = []
    suite = crypto.suite()
    try:
        opened = package.open_sealed(data, key, suite, lambda code: keys.county_signing_key(ws, code), seen)
        manifest = opened.manifest
        reasons = data_reasons(opened.tables, opened.letters)
        if reasons:
            raise BatchRefused(reasons)
        label = f"{manifest.office_name}（{manifest.office_code}）"
        accepted = store_batches.accepted_batches(ws.store, manifest.office_code)
        reasons = sequence_reasons(manifest, label, accepted)
        if reasons:
            raise BatchRefused(reasons)
        gap = sequence_gap(manifest, label, accepted)
        warnings: tuple[Problem, ...] = (gap,) if gap else ()
        report_json = json.dumps({"status": "accepted", "warnings": [
            {"code": w.code, "params": w.params, "message": w.text()} for w in warnings]}, ensure_ascii=False)
        try:  # a county's first batch is 100,000 rows: the bulk page cache, the checkpoint after
            with ws.store.bulk_write(), ws.store.transaction():
                office_id, batch_id, written = store_incoming(
                    ws.store, office_code=manifest.office_code, office_name=manifest.office_name,
                    tables=opened.tables, incoming=IncomingBatch(
                        batch_uuid=manifest.batch_id, seq=manifest.seq, file_name=path.name, file_sha256=sha,
                        manifest=manifest.to_bytes().decode("utf-8"), report=report_json,
                        created_at=manifest.created_at,
                    ),
                )
                store_province.keep_letter_pdfs(ws.store, office_id, opened.letters)
                store_province.refresh_counted(ws.store, batch_id)
                conflicts = store_province.identity_conflict_count(ws.store, batch_id=batch_id)
                if conflicts:  # the officer is told where the batch is received (the report keeps the rest)
                    warnings += (Problem("batch_identity_conflicts", {"count": conflicts}),)
                ws.audit("batch.import", entity="batch", entity_id=batch_id, detail={
                    "office_code": manifest.office_code, "batch_uuid": manifest.batch_id, "seq": manifest.seq,
                    "file": path.name, "sha256": sha, "counts": manifest.counts, "written": written,
                    "signer": opened.signer.fingerprint.sha256,
                })
                archive.written()  # the file kept before its records are: a file not kept stores nothing
        except RecordsRefused as exc:
            raise BatchRefused([Reason("data_invalid", {"name": "data", "detail": exc.detail})]) from exc
    except BatchRefused as refused:
        return _quarantine(ws, path, data, len(data), sha, refused, seen[0] if seen else None, receipts)
    except (ServiceError, StoreError):
        raise  # the province's own file or key, not this batch
    except Exception:  # noqa: BLE001 - input no check foresaw: still this file's fault, and only its
        log.exception("batch %s could not be processed", path)
        return _quarantine(ws, path, data, len(data), sha, refuse("malformed"), seen[0] if seen else None,
                           receipts)
    archive.keep()
    receipt = Receipt(
        status="accepted", batch_file_sha256=sha, batch_file_name=path.name, received_at=now_iso(),
        province_code=ws.office.code, province_name=ws.office.name, batch_id=manifest.batch_id,
        office_code=manifest.office_code, seq=manifest.seq, manifest_sha256=opened.manifest_sha256,
        counts=dict(manifest.counts),
    )
    written_to, error = write_receipt(path, receipts, receipt)
    return ImportOutcome(
        path, "accepted", (), warnings, manifest.office_code, manifest.office_name, manifest.batch_id,
        manifest.seq, dict(manifest.counts), sha, written_to, error, None, batch_id,
    )


def _quarantine(ws: Workspace, path: Path, data: bytes | None, size: int, sha: str, refused: BatchRefused,
                unpacked: package.Unpacked | None, receipts: Receipts) -> ImportOutcome:
    """``data`` None: a file too large to read whole is recorded (name, size, SHA-256), not copied."""
    manifest = unpacked.manifest if unpacked else None
    stamp = now_iso().replace(":", "").replace("-", "")[:15]
    stored: Path | None = None
    if data is not None:
        stored = batch_folder(ws) / "quarantine" / f"{stamp}-{sha[:12]}-{path.name}"
        private_folder(stored.parent)
        if not stored.exists():
            files.write_verified(stored, data)
    report = {
        "status": "quarantined", "file": path.name, "sha256": sha, "size": size,
        "reasons": [r.as_dict() for r in refused.reasons],
        "manifest": manifest.to_dict() if manifest else None,
    }
    with ws.store.transaction():
        quarantine_id = store_batches.insert_quarantine(
            ws.store, file_name=path.name, file_sha256=sha, file_size=size, stored_as=str(stored or ""),
            reason=refused.code, report=json.dumps(report, ensure_ascii=False, sort_keys=True),
            office_code=manifest.office_code if manifest else None,
            batch_uuid=manifest.batch_id if manifest else None, seq=manifest.seq if manifest else None,
            quarantined_by=ws.actor.user_id,
        )
        ws.audit("batch.quarantine", entity="batch_quarantine", entity_id=quarantine_id, detail={
            "file": path.name, "sha256": sha, "reasons": [r.code for r in refused.reasons],
            "office_code": manifest.office_code if manifest else None,
            "batch_uuid": manifest.batch_id if manifest else None,
        })
    receipt = Receipt(
        status="quarantined", batch_file_sha256=sha, batch_file_name=path.name, received_at=now_iso(),
        province_code=ws.office.code, province_name=ws.office.name,
        batch_id=manifest.batch_id if manifest else None, office_code=manifest.office_code if manifest else None,
        seq=manifest.seq if manifest else None,
        manifest_sha256=unpacked.manifest_sha256 if unpacked else None,
        reasons=tuple(r.as_dict() for r in refused.reasons),
    )
    written_to, error = write_receipt(path, receipts, receipt)
    return ImportOutcome(
        path, "quarantined", refused.reasons, (), manifest.office_code if manifest else None,
        manifest.office_name if manifest else None, manifest.batch_id if manifest else None,
        manifest.seq if manifest else None, None, sha, written_to, error, stored, quarantine_id,
        message=str(refused),
    )


class _Archive:
    """The batch file kept as it came (still encrypted: its letters' PDFs are in it) once it is
    accepted. Its bytes are written, flushed and read back on a thread of its own from the start,
    while the file is opened, checked and its records stored (50 MB of disk work and hashing for a
    county's first batch, beside the processor's); :meth:`written` waits for it before the records
    commit, :meth:`keep` gives the part its name after, and :meth:`discard` removes a part not kept
    (a refused batch)."""

    def __init__(self, ws: Workspace, name: str, data: bytes) -> None:
        self.target = private_folder(batch_folder(ws) / "incoming") / name
        self._writer: ThreadPoolExecutor | None = None
        self._part: Future[Path] | None = None
        if not self.target.exists():
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="laoxie-archive")
            self._part = self._writer.submit(files.write_part, self.target, data)

    def written(self) -> None:
        """Wait for the part: ServiceError when it could not be written (raised inside the records'
        transaction, it rolls them back: the clerk is told the file changed nothing, and it did not)."""
        error = self._part.exception() if self._part is not None else None
        if error is not None:
            raise ServiceError("batch_keep_failed", path=self.target, detail=os_reason(error)) from error

    def keep(self) -> None:
        """Give the written part its name, once the records are stored."""
        if self._part is not None:
            part, self._part = self._part, None
            self._close()
            files.commit(part.result(), self.target)

    def discard(self) -> None:
        if self._part is not None:
            part, self._part = self._part, None
            self._close()
            if part.exception() is None:
                files.discard(part.result())

    def _close(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
