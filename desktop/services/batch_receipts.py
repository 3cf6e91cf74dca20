"""Receipts: the province signs one for every batch it opens; the county takes it back in.

What a receipt says: docs/batch-format.md; the format itself: desktop/core/batch_receipt.py (Receipt).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.batches import crypto, files
from desktop.batches.crypto import CryptoError, SigningKey
from desktop.core.batch import BatchFormatError
from desktop.core.batch_receipt import RECEIPT_FORMAT, RECEIPT_NAMESPACE, Receipt, receipt_file_name
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.private_files import private_folder
from desktop.services import keys
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import batches as store_batches
from desktop.store.batches import BatchRow

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------
# County: receipts


@dataclass(frozen=True)
class ReceiptOutcome:
    batch: BatchRow
    receipt: Receipt
    changed: bool  # False when the batch was already marked received


def import_receipt(ws: Workspace, path: Path) -> ReceiptOutcome:
    """Mark the batch received (or refused, with the province's reasons) from the province's receipt."""
    ws.require(Permission.EXPORT_BATCHES)
    if ws.office.kind != "county":
        raise ServiceError("batch_county_only")
    try:
        receipt = Receipt.from_bytes(path.read_bytes())
    except OSError as exc:
        raise ServiceError("batch_read_failed", path=path, detail=os_reason(exc)) from exc
    except BatchFormatError as exc:
        raise ServiceError("receipt_invalid", path=path, detail=exc.detail) from exc
    _verify_receipt(ws, path, receipt)
    row = None
    if receipt.batch_id is not None:
        row = store_batches.outgoing_by_uuid(ws.store, ws.office.id, receipt.batch_id)
    if row is None:
        row = store_batches.outgoing_by_file(ws.store, ws.office.id, receipt.batch_file_sha256,
                                             receipt.batch_file_name if receipt.manifest_sha256 is None else "")
    if row is None or (receipt.office_code is not None and receipt.office_code != ws.office.code):
        raise ServiceError("receipt_unknown_batch", path=path)
    ours = hashlib.sha256(row.manifest.encode("utf-8")).hexdigest()
    if receipt.manifest_sha256 is not None and receipt.manifest_sha256 != ours:
        raise ServiceError("receipt_not_authentic", path=path)
    replayed = bool(receipt.reasons) and receipt.reasons[0].get("code") == "replayed"
    if row.status == "received" or (receipt.status != "accepted" and replayed):
        return ReceiptOutcome(row, receipt, False)  # the province has it already: a copy was refused
    status = "received" if receipt.status == "accepted" else "refused"
    with ws.store.transaction():
        store_batches.set_batch_status(
            ws.store, row.id, status=status, report=receipt.to_bytes().decode("utf-8"),
            received_at=receipt.received_at if status == "received" else None,
        )
        ws.audit("batch.receipt", entity="batch", entity_id=row.id, detail={
            "batch_uuid": row.batch_uuid, "seq": row.seq, "status": status, "receipt": path.name,
            "reasons": [r.get("code") for r in receipt.reasons],
        })
    updated = store_batches.batch(ws.store, row.id)
    assert updated is not None
    return ReceiptOutcome(updated, receipt, True)


def _verify_receipt(ws: Workspace, path: Path, receipt: Receipt) -> None:
    """The province's signature, with the receipt key the county registered from the province's key
    file: the county knows everything else a receipt says (it made the manifest), so without the
    signature anyone with the county's file could write 省里已接收."""
    if receipt.signature is None or receipt.format != RECEIPT_FORMAT:
        raise ServiceError("receipt_unsigned", path=path)
    public = keys.province_receipt_key(ws)
    if public is None:
        raise ServiceError("receipt_key_missing")
    try:
        crypto.suite(public.suite).verify(public, receipt.signed_bytes(), receipt.signature.encode("ascii", "replace"),
                                          RECEIPT_NAMESPACE)
    except CryptoError as exc:
        log.warning("receipt %s: signature refused: %s", path, exc)
        raise ServiceError("receipt_forged", path=path) from exc



@dataclass(frozen=True)
class Receipts:
    """Where the receipts of an import run go (None: beside each batch file) and the province's
    receipt key that signs them (derived from its decryption key)."""

    folder: Path | None
    signer: SigningKey


def write_receipt(path: Path, receipts: Receipts, receipt: Receipt) -> tuple[Path | None, str]:
    target = (receipts.folder or path.parent) / receipt_file_name(path.name, receipt.status == "accepted")
    signature = receipts.signer.sign(receipt.signed_bytes(), RECEIPT_NAMESPACE).decode("ascii")
    try:
        private_folder(target.parent)
        return files.write_verified(target, replace(receipt, signature=signature).to_bytes()), ""
    except OSError as exc:  # a read-only stick: the import stands, the receipt can be written again
        return None, f"{target}：{os_reason(exc)}"
