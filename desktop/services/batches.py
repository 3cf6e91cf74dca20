"""Batches for the province: a county exports them, the province imports them, receipts go back.

County: :func:`export_batch` writes the approved applications not yet sent
(with their enterprises, decisions, counted workers and letters) as one
signed, encrypted file on a stick, records it as sent and keeps a copy so
:func:`export_again` can write the same file once more. :func:`import_receipt`
marks it received (or refused) when the province's receipt comes back.

Province: :func:`import_batches` opens each file, checks it (signature of the
registered county key, every hash, replay and sequence), and either stores
all of its records in one transaction or puts the file in quarantine with a
report. Either way a receipt file is written beside the batch.

What a quarantine writes, and nothing else: a copy of the file in the
quarantine folder, one ``batch_quarantine`` row with the report, one
``batch.quarantine`` audit entry. (The backup taken once before an import
run records itself as usual: its file, ``settings['backup.last_good']`` and a
``db.backup`` audit entry.)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.batches import crypto, files, package
from desktop.batches.crypto import CryptoError, DecryptionKey, SigningKey
from desktop.core.batch import (
    APPLICATIONS, CHECKS, CONFIRMATIONS, DECISIONS, ENTERPRISES, LETTER_FOLDER, LETTERS, LOANS, SUMMARY_CSV,
    TABLE_COLUMNS, USERS, WORKERS,
    MAX_BATCH_FILE, RECEIPT_FORMAT, RECEIPT_NAMESPACE, BatchFormatError, BatchRefused, Manifest, Reason, Receipt, batch_file_name, data_reasons,
    receipt_file_name, refuse, sequence_gap, sequence_reasons, table_bytes,
)
from desktop.core.messages import QT_TRANSLATE_NOOP, Problem
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.private_files import private_folder
from desktop.services import keys
from desktop.services.backups import make_backup
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store import batch_tracking
from desktop.store import batches as store_batches
from desktop.store import letters as store_letters
from desktop.store import province as store_province
from desktop.store.batches import BatchRow, ExportCandidate, QuarantineRow, RecordsRefused
from desktop.store.db import now_iso
from desktop.store.errors import StoreError

__all__ = [
    "BatchRow", "ExportCandidate", "ExportResult", "ImportOutcome", "LetterForBatch", "QuarantineRow",
    "ReceiptOutcome", "candidates", "export_again", "export_batch", "import_batches", "import_receipt",
    "incoming_batches", "outgoing_batches", "quarantined",
]

SERVICE_MESSAGES.update({
    "batch_county_only": QT_TRANSLATE_NOOP("service", "只有县级单位导出报送批次、导入回执。"),
    "batch_province_only": QT_TRANSLATE_NOOP("service", "只有省级单位导入县级报送批次。"),
    "batch_nothing_to_send": QT_TRANSLATE_NOOP("service", "没有可报送的申请：已批准的申请都已报送过，贷款和贷款期内的核实也都已报送。"),
    "batch_not_exportable": QT_TRANSLATE_NOOP(
        "service", "申请 {ids} 不能报送：尚未批准、没有认定结果，或已在报送批次中。"
    ),
    "batch_target_exists": QT_TRANSLATE_NOOP("service", "文件 {path} 已存在，不会覆盖。请换一个文件名或文件夹。"),
    "batch_write_failed": QT_TRANSLATE_NOOP(
        "service", "写入 {path} 失败：{detail}。目标位置没有留下不完整的批次文件；请检查 U 盘后重试。"
    ),
    "batch_seq_taken": QT_TRANSLATE_NOOP("service", "第 {seq} 批已由另一次导出占用，本次没有导出。请重试。"),
    "batch_commit_failed": QT_TRANSLATE_NOOP(
        "service", "第 {seq} 批已记录，但写入 {path} 的最后一步失败：{detail}。请检查 U 盘后用“再次导出”写出同一批次。"
    ),
    "batch_not_found": QT_TRANSLATE_NOOP("service", "找不到报送批次 {batch}。"),
    "batch_copy_missing": QT_TRANSLATE_NOOP(
        "service", "本机保存的批次副本 {path} 缺失或已损坏，无法再次导出。请选择这些申请重新报送（新批次）。"
    ),
    "batch_read_failed": QT_TRANSLATE_NOOP("service", "无法读取 {path}：{detail}"),
    "batch_not_processed": QT_TRANSLATE_NOOP(
        "service", "{path} 没有处理：{detail}。数据库未因该文件作任何改动；请排除问题后再导入该文件。"
    ),
    "receipt_invalid": QT_TRANSLATE_NOOP("service", "{path} 不是有效的回执文件：{detail}"),
    "receipt_unknown_batch": QT_TRANSLATE_NOOP("service", "回执 {path} 对应的批次不是本单位导出的。"),
    "receipt_unsigned": QT_TRANSLATE_NOOP(
        "service", "回执 {path} 没有省里的签名（旧版本或被改写的回执），未采用。请省里用新版本重新出具回执。"
    ),
    "receipt_forged": QT_TRANSLATE_NOOP(
        "service", "回执 {path} 的签名不是省里的回执签名密钥所签：回执被改动过或不是省里出具的，未采用。"
    ),
    "receipt_key_missing": QT_TRANSLATE_NOOP(
        "service", "还没有登记省里的回执签名公钥，无法核验回执。请管理员重新导入省里新导出的公钥文件（其中含回执签名公钥），并电话核对指纹。"
    ),
    "receipt_not_authentic": QT_TRANSLATE_NOOP(
        "service", "回执 {path} 中的清单摘要与本单位导出的批次不符：回执不是省里解开该批次后出具的，未采用。"
    ),
})

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what is being done, step, steps)


def _no_progress(stage: str, step: int, steps: int) -> None:
    return None


def batch_folder(ws: Workspace) -> Path:
    """Beside the database: outgoing copies, accepted and quarantined files."""
    return ws.store.path.parent / f"{ws.store.path.stem}-batches"


# --------------------------------------------------------------------------
# Letters: what the letters service offers, pluggable


@dataclass(frozen=True)
class LetterForBatch:
    """One letter as the batch carries it: the ``letters`` row and its PDF, when there is one."""

    row: Mapping[str, Any]
    pdf: bytes | None


LettersProvider = Callable[[Workspace, Sequence[int]], list[LetterForBatch]]
LetterPdf = Callable[[Workspace, Mapping[str, Any]], bytes | None]


def rendered_pdf(ws: Workspace, row: Mapping[str, Any]) -> bytes | None:
    """The letter as the letters service draws it now (from the content kept with it: the same
    text as the original; marked 副本 once it has been printed). About 0.05-0.1 s a letter."""
    from desktop.services import letters

    return letters.preview_pdf(ws, int(row["id"]))


def original_or_rendered_pdf(ws: Workspace, row: Mapping[str, Any]) -> bytes | None:
    """The original print kept when the letter was issued (read, not drawn: the content is
    checked against its digest); drawn now for a letter issued before originals were kept."""
    from desktop.services import letters

    letter = store_letters.letter(ws.store, int(row["id"]))
    kept = letters.original_pdf(ws, letter)
    return kept if kept is not None else rendered_pdf(ws, row)


letter_pdf: LetterPdf = original_or_rendered_pdf  # the PDF of one letters row; replaceable


def stored_letters(ws: Workspace, application_ids: Sequence[int], *, with_pdfs: bool = True,
                   progress: Progress | None = None) -> list[LetterForBatch]:
    """The letters rows of the applications (voided ones too), each in force with its PDF."""
    rows = store_batches.letter_rows(ws.store, application_ids)
    found = []
    for index, row in enumerate(rows):
        pdf = letter_pdf(ws, row) if with_pdfs and row["voided_at"] is None else None
        found.append(LetterForBatch(row, pdf))
        if progress is not None and with_pdfs:
            progress(f"确认书 PDF {index + 1}/{len(rows)}", index + 1, len(rows))
    return found


# --------------------------------------------------------------------------
# County: export


@dataclass(frozen=True)
class ExportResult:
    path: Path
    batch_id: int
    batch_uuid: str
    seq: int
    file_sha256: str
    size: int
    manifest_sha256: str
    counts: dict[str, int]
    kept_copy: Path


def candidates(ws: Workspace, *, include_unreceived: bool = False) -> list[ExportCandidate]:
    """Approved applications not yet sent (with ``include_unreceived``: also those in batches
    the province has not confirmed, to send again in a new batch)."""
    return store_batches.export_candidates(ws.store, ws.office.id, include_unreceived=include_unreceived)


@dataclass(frozen=True)
class TrackingToSend:
    loans: int
    checks: int
    confirmations: int

    def __bool__(self) -> bool:
        return bool(self.loans or self.confirmations)  # a check never goes without its loan


def tracking_to_send(ws: Workspace, application_ids: Sequence[int], *,
                     include_unreceived: bool = False) -> TrackingToSend:
    """What a batch of these applications would carry besides: loans, checks and approvers' answers not
    sent yet (docs/batch-format.md, "Loans, checks and answers")."""
    rows = batch_tracking.rows_to_send(ws.store, ws.office.id, application_ids, include_unreceived=include_unreceived)
    return TrackingToSend(len(rows.loans), len(rows.checks), len(rows.answers))


def outgoing_batches(ws: Workspace) -> list[BatchRow]:
    return store_batches.batches(ws.store, "outgoing", ws.office.id)


def export_batch(
    ws: Workspace, out: Path, passphrase: str, *, application_ids: Sequence[int] | None = None,
    include_unreceived: bool = False, letter_pdfs: bool = True, letters: LettersProvider | None = None,
    progress: Progress | None = None, backup: bool = True,
) -> ExportResult:
    """Write a batch of the chosen (default: all unsent approved) applications to ``out``.

    ``out`` is a folder (the file is named ``222401-0007-xxxxxxxx.laoxie-batch.age``) or a file
    path. Carries full ID numbers: needs the right to export batches, and is logged as a
    personal-data export. ``letter_pdfs=False`` leaves the letters' PDFs out (their content,
    digest and verification code still go; the province can draw them again).
    ``letters`` replaces where the letters come from.
    """
    ws.require(Permission.EXPORT_BATCHES)
    if ws.office.kind != "county":
        raise ServiceError("batch_county_only")
    report = progress or _no_progress
    steps = 6
    province, recipient = keys.province_key(ws)
    report("解锁签名密钥", 1, steps)
    signing_key = keys.unlock_signing_key(ws, passphrase)
    chosen = _chosen(ws, application_ids, include_unreceived)
    tracking = batch_tracking.rows_to_send(ws.store, ws.office.id, chosen, include_unreceived=include_unreceived)
    if not chosen and not tracking.loans and not tracking.answers:
        raise ServiceError("batch_nothing_to_send")
    seq = store_batches.next_outgoing_seq(ws.store, ws.office.id)
    batch_uuid = str(uuid.uuid4())
    name = batch_file_name(ws.office.code, seq, batch_uuid)
    target = out / name if out.is_dir() else out
    if target.exists():
        raise ServiceError("batch_target_exists", path=target)
    if backup:
        report("导出前备份数据库", 2, steps)
        make_backup(ws, "before-export")

    report("读取申请、认定结果和职工", 2, steps)
    if letters is not None:
        provided = letters(ws, chosen)
    else:
        provided = stored_letters(ws, chosen, with_pdfs=letter_pdfs,
                                  progress=lambda text, _i, _n: report(text, 2, steps))
    letter_table, letter_files = _letter_rows(provided)
    rows = store_batches.export_rows(ws.store, chosen, letter_table, tracking)
    members = {name_: table_bytes(name_, table) for name_, table in rows.tables.items()}
    members[SUMMARY_CSV] = _summary_csv(rows.tables, letter_table)
    members.update(letter_files)
    counts = {
        "enterprises": len(rows.tables[ENTERPRISES]), "applications": len(rows.tables[APPLICATIONS]),
        "decisions": len(rows.tables[DECISIONS]), "workers": len(rows.tables[WORKERS]),
        "letters": len(rows.tables[LETTERS]), "loans": len(rows.tables[LOANS]), "checks": len(rows.tables[CHECKS]),
        "confirmations": len(rows.tables[CONFIRMATIONS]),
    }
    created_at = now_iso()
    manifest = Manifest(
        suite="", office_code=ws.office.code, office_name=ws.office.name, recipient_code=province.office_code,
        recipient_name=province.office_name, recipient_fingerprint="", batch_id=batch_uuid, seq=seq,
        created_at=created_at, created_by=ws.actor.username, app_version=__version__,
        ruleset_versions=tuple(rows.ruleset_versions), counts=counts,
        audit_chain_head=ws.store.audit_chain_head(), signer_fingerprint="", files={},
    )

    report("签名、打包并加密给省级", 3, steps)
    sealed = package.seal(manifest, members, signing_key, recipient, crypto.suite())

    report(f"写入 {target}", 4, steps)
    part = _write_part(target, sealed.data)
    copy: Path | None = None
    try:
        copy = _keep_copy(ws, name, sealed.data)
        report("记录报送批次", 5, steps)
        with ws.store.transaction():
            if store_batches.next_outgoing_seq(ws.store, ws.office.id) != seq:  # another export meanwhile
                raise ServiceError("batch_seq_taken", seq=seq)
            batch_id = store_batches.insert_batch(
                ws.store, office_id=ws.office.id, direction="outgoing", batch_uuid=batch_uuid, seq=seq,
                status="written", file_name=name, file_sha256=sealed.sha256,
                manifest=sealed.manifest.to_bytes().decode("utf-8"), report="", created_at=created_at,
                received_at=None, application_ids=chosen,
            )
            batch_tracking.mark_sent(ws.store, ws.office.id, batch_id, tracking)
            ws.audit("batch.export", entity="batch", entity_id=batch_id, detail={
                "batch_uuid": batch_uuid, "seq": seq, "file": str(target), "sha256": sealed.sha256,
                "size": len(sealed.data), "counts": counts, "applications": list(chosen),
                "recipient": province.fingerprint.sha256,
            })
            ws.audit("pii.export", entity="batch", entity_id=batch_id, detail={
                "purpose": "报送省级批次（含完整身份证号码和电话，已加密）", "count": counts["workers"],
            })
    except BaseException:
        files.discard(part)
        if copy is not None:
            files.discard(copy)
        raise
    try:
        files.commit(part, target)
    except OSError as exc:  # recorded, but not on the stick under its name: the kept copy can be written again
        files.discard(part)
        raise ServiceError("batch_commit_failed", seq=seq, path=target, detail=os_reason(exc)) from exc
    report("完成", steps, steps)
    return ExportResult(target, batch_id, batch_uuid, seq, sealed.sha256, len(sealed.data),
                        sealed.manifest_sha256, counts, copy)


def _chosen(ws: Workspace, application_ids: Sequence[int] | None, include_unreceived: bool) -> list[int]:
    available = {c.application_id: c for c in candidates(ws, include_unreceived=include_unreceived)
                 if c.decision_id is not None}
    if application_ids is None:
        chosen = list(available)
    else:
        chosen = list(dict.fromkeys(application_ids))
        refused = [a for a in chosen if a not in available]
        if refused:
            raise ServiceError("batch_not_exportable", ids="、".join(map(str, refused)))
    return chosen  # may be empty: a batch of loans and checks alone


def _letter_rows(provided: Sequence[LetterForBatch]) -> tuple[list[tuple[Any, ...]], dict[str, bytes]]:
    rows: list[tuple[Any, ...]] = []
    pdfs: dict[str, bytes] = {}
    for letter in provided:
        r = letter.row
        member = None
        if letter.pdf is not None:
            member = f"{LETTER_FOLDER}{_safe(str(r['verification_code']))}-{int(r['id'])}.pdf"
            pdfs[member] = letter.pdf
        rows.append((
            r["id"], r["application_id"], r["decision_id"], r["year"], r["seq"], r["number"],
            r["verification_code"], r["digest"], r.get("content", "{}"), r["issued_by"], r["issued_at"],
            r["voided_at"], r["void_reason"],
            r["voided_by"], r["print_count"], member,
        ))
    return rows, pdfs


def _safe(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in text) or "letter"


_SUMMARY_HEADER = ("企业名称", "统一社会信用代码", "所在县（市、区）代码", "联系人", "联系电话", "总职工",
                   "合格职工", "认定结论", "认定标准", "规则版本", "确认书文号", "核验码")


def _summary_csv(tables: Mapping[str, Sequence[tuple[Any, ...]]], letters: Sequence[tuple[Any, ...]]) -> bytes:
    """One line per application, for a person opening the batch in Excel (UTF-8 with BOM)."""
    enterprise_cols, application_cols = TABLE_COLUMNS[ENTERPRISES], TABLE_COLUMNS[APPLICATIONS]
    decision_cols, letter_cols = TABLE_COLUMNS[DECISIONS], TABLE_COLUMNS[LETTERS]
    enterprises = {e[0]: dict(zip(enterprise_cols, e, strict=True)) for e in tables[ENTERPRISES]}
    decisions = {d[1]: dict(zip(decision_cols, d, strict=True)) for d in tables[DECISIONS]}
    letter_of: dict[object, dict[str, Any]] = {}
    for row in letters:
        letter = dict(zip(letter_cols, row, strict=True))
        if letter["voided_at"] is None:
            letter_of[letter["application_ref"]] = letter
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_SUMMARY_HEADER)
    for row in tables[APPLICATIONS]:
        application = dict(zip(application_cols, row, strict=True))
        e = enterprises[application["enterprise_ref"]]
        d = decisions.get(application["ref"], {})
        letter = letter_of.get(application["ref"], {})
        writer.writerow((
            e["name"], e["uscc"], e["county_code"], e["contact_name"], e["contact_phone"], d.get("staff_total", ""),
            d.get("qualifying_count", ""), {"pass": "符合", "fail": "不符合"}.get(str(d.get("final_result")), ""),
            {"normal": "正常标准", "reduced": "降低标准"}.get(str(d.get("standard")), ""),
            d.get("ruleset_version", ""), letter.get("number", ""), letter.get("verification_code", ""),
        ))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_part(target: Path, data: bytes) -> Path:
    try:
        private_folder(target.parent)
        return files.write_part(target, data)
    except OSError as exc:
        raise ServiceError("batch_write_failed", path=target, detail=os_reason(exc)) from exc


def _commit(part: Path, target: Path) -> None:
    try:
        files.commit(part, target)
    except OSError as exc:
        files.discard(part)
        raise ServiceError("batch_write_failed", path=target, detail=os_reason(exc)) from exc


def _keep_copy(ws: Workspace, name: str, data: bytes) -> Path:
    folder = private_folder(batch_folder(ws) / "outgoing")
    return files.write_verified(folder / name, data)


def export_again(ws: Workspace, batch: int | str, out: Path) -> Path:
    """The same batch file once more (a lost stick): same id, same sequence number, same bytes."""
    ws.require(Permission.EXPORT_BATCHES)
    row = _outgoing(ws, batch)
    copy = batch_folder(ws) / "outgoing" / row.file_name
    try:
        data = copy.read_bytes()
    except OSError as exc:
        raise ServiceError("batch_copy_missing", path=copy) from exc
    if hashlib.sha256(data).hexdigest() != row.file_sha256:
        raise ServiceError("batch_copy_missing", path=copy)
    target = out / row.file_name if out.is_dir() else out
    if target.exists():
        raise ServiceError("batch_target_exists", path=target)
    _commit(_write_part(target, data), target)
    with ws.store.transaction():
        ws.audit("batch.export_again", entity="batch", entity_id=row.id,
                 detail={"batch_uuid": row.batch_uuid, "seq": row.seq, "file": str(target)})
    return target


def _outgoing(ws: Workspace, batch: int | str) -> BatchRow:
    found = None
    if isinstance(batch, int) or str(batch).isdigit():
        found = store_batches.batch(ws.store, int(batch))
    else:
        found = store_batches.outgoing_by_uuid(ws.store, ws.office.id, str(batch))
    if found is None or found.direction != "outgoing" or found.office_id != ws.office.id:
        raise ServiceError("batch_not_found", batch=batch)
    return found


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


def incoming_batches(ws: Workspace) -> list[BatchRow]:
    return store_batches.batches(ws.store, "incoming")


def quarantined(ws: Workspace) -> list[QuarantineRow]:
    return store_batches.quarantine(ws.store)


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
    report = progress or _no_progress
    if key is None:
        if passphrase is None:
            raise ServiceError("key_passphrase_required")
        key = keys.unlock_decryption_key(ws, passphrase)
    if backup and paths:
        make_backup(ws, "before-batch-import")
    outcomes = []
    receipts = _Receipts(receipts_to, key.receipt_signing_key())
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


def batch_files_in(folder: Path) -> list[Path]:
    """The batch files of a folder (a stick), in name order: office, then sequence."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(".age"))


def _import_one(ws: Workspace, path: Path, key: DecryptionKey, receipts: _Receipts) -> ImportOutcome:
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
        warnings = (gap,) if gap else ()
        report_json = json.dumps({"status": "accepted", "warnings": [
            {"code": w.code, "params": w.params, "message": w.text()} for w in warnings]}, ensure_ascii=False)
        try:
            with ws.store.transaction():
                office_id, batch_id, written = store_batches.store_incoming(
                    ws.store, office_code=manifest.office_code, office_name=manifest.office_name,
                    tables=opened.tables, incoming=store_batches.IncomingBatch(
                        batch_uuid=manifest.batch_id, seq=manifest.seq, file_name=path.name, file_sha256=sha,
                        manifest=manifest.to_bytes().decode("utf-8"), report=report_json,
                        created_at=manifest.created_at,
                    ),
                )
                store_province.keep_letter_pdfs(ws.store, office_id, opened.letters)
                store_province.refresh_counted(ws.store, batch_id)
                ws.audit("batch.import", entity="batch", entity_id=batch_id, detail={
                    "office_code": manifest.office_code, "batch_uuid": manifest.batch_id, "seq": manifest.seq,
                    "file": path.name, "sha256": sha, "counts": manifest.counts, "written": written,
                    "signer": opened.signer.fingerprint.sha256,
                })
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
    _archive(ws, path.name, data)
    receipt = Receipt(
        status="accepted", batch_file_sha256=sha, batch_file_name=path.name, received_at=now_iso(),
        province_code=ws.office.code, province_name=ws.office.name, batch_id=manifest.batch_id,
        office_code=manifest.office_code, seq=manifest.seq, manifest_sha256=opened.manifest_sha256,
        counts=dict(manifest.counts),
    )
    written_to, error = _write_receipt(path, receipts, receipt)
    return ImportOutcome(
        path, "accepted", (), warnings, manifest.office_code, manifest.office_name, manifest.batch_id,
        manifest.seq, dict(manifest.counts), sha, written_to, error, None, batch_id,
    )


def _quarantine(ws: Workspace, path: Path, data: bytes | None, size: int, sha: str, refused: BatchRefused,
                unpacked: package.Unpacked | None, receipts: _Receipts) -> ImportOutcome:
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
    written_to, error = _write_receipt(path, receipts, receipt)
    return ImportOutcome(
        path, "quarantined", refused.reasons, (), manifest.office_code if manifest else None,
        manifest.office_name if manifest else None, manifest.batch_id if manifest else None,
        manifest.seq if manifest else None, None, sha, written_to, error, stored, quarantine_id,
        message=str(refused),
    )


def _archive(ws: Workspace, name: str, data: bytes) -> None:
    """Keep the accepted file as it came (still encrypted): its letters' PDFs are in it."""
    folder = private_folder(batch_folder(ws) / "incoming")
    target = folder / name
    if not target.exists():
        files.write_verified(target, data)


@dataclass(frozen=True)
class _Receipts:
    """Where the receipts of an import run go (None: beside each batch file) and the province's
    receipt key that signs them (derived from its decryption key)."""

    folder: Path | None
    signer: SigningKey


def _write_receipt(path: Path, receipts: _Receipts, receipt: Receipt) -> tuple[Path | None, str]:
    target = (receipts.folder or path.parent) / receipt_file_name(path.name, receipt.status == "accepted")
    signature = receipts.signer.sign(receipt.signed_bytes(), RECEIPT_NAMESPACE).decode("ascii")
    try:
        private_folder(target.parent)
        return files.write_verified(target, replace(receipt, signature=signature).to_bytes()), ""
    except OSError as exc:  # a read-only stick: the import stands, the receipt can be written again
        return None, f"{target}：{os_reason(exc)}"
