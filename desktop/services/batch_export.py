"""County: a batch for the province, written once (:func:`export_batch`) and again (:func:`export_again`).

The batch carries the approved applications not yet sent with their enterprises, decisions,
counted workers and letters (the letters' PDFs from :data:`letter_pdf`, replaceable), signed with
the county's key and encrypted to the province's; it is recorded as sent and a copy is kept.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import __version__
from desktop.batches import crypto, files, package
from desktop.core.batch import (
    APPLICATIONS, CHECKS, CONFIRMATIONS, DECISIONS, ENTERPRISES, LETTER_FOLDER, LETTERS, LOANS, SUMMARY_CSV,
    TABLE_COLUMNS, WORKERS, Manifest, batch_file_name, table_bytes,
)
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.private_files import private_folder
from desktop.services import keys
from desktop.services.backups import make_backup
from desktop.services.batches import Progress, batch_folder, candidates, no_progress
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import batch_export as store_batch_export
from desktop.store import batch_tracking
from desktop.store import batches as store_batches
from desktop.store import letters as store_letters
from desktop.store.batches import BatchRow
from desktop.store.db import now_iso


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
    rows = store_batch_export.letter_rows(ws.store, application_ids)
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


def export_batch(
    ws: Workspace, out: Path, passphrase: str, *, application_ids: Sequence[int] | None = None,
    include_unreceived: bool = False, letter_pdfs: bool = True, letters: LettersProvider | None = None,
    progress: Progress | None = None, backup: bool = True, folder: bool = False,
) -> ExportResult:
    """Write a batch of the chosen (default: all unsent approved) applications to ``out``.

    ``out`` is a folder (the file is named ``222401-0007-xxxxxxxx.laoxie-batch.age``) or a file
    path. Carries full ID numbers: needs the right to export batches, and is logged as a
    personal-data export. ``letter_pdfs=False`` leaves the letters' PDFs out (their content,
    digest and verification code still go; the province can draw them again).
    ``letters`` replaces where the letters come from. ``folder=True`` (the window, where the clerk
    chose a folder): ``out`` is a folder, and one that is gone (a stick pulled out) is refused rather
    than taken for the name of the file. The folder a batch goes to is never created (see :func:`_write_part`).
    """
    ws.require(Permission.EXPORT_BATCHES)
    if ws.office.kind != "county":
        raise ServiceError("batch_county_only")
    report = progress or no_progress
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
    target = _target(out, name, folder=folder)
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
    rows = store_batch_export.export_rows(ws.store, chosen, letter_table, tracking)
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


def _target(out: Path, name: str, *, folder: bool) -> Path:
    if out.is_dir():
        target = out / name
    elif folder:
        raise ServiceError("batch_folder_gone", path=out)
    else:
        target = out
    if target.exists():
        raise ServiceError("batch_target_exists", path=target)
    return target


def _write_part(target: Path, data: bytes) -> Path:
    """Write and verify ``<target>.part`` in a folder that is there: a folder on a stick pulled out is
    not made again on this computer (where the stick was mounted) with the batch in it."""
    if not target.parent.is_dir():
        raise ServiceError("batch_folder_gone", path=target.parent)
    try:
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


def export_again(ws: Workspace, batch: int | str, out: Path, *, folder: bool = False) -> Path:
    """The same batch file once more (a lost stick): same id, same sequence number, same bytes.
    ``out`` and ``folder`` as for :func:`export_batch`."""
    ws.require(Permission.EXPORT_BATCHES)
    row = _outgoing(ws, batch)
    copy = batch_folder(ws) / "outgoing" / row.file_name
    try:
        data = copy.read_bytes()
    except OSError as exc:
        raise ServiceError("batch_copy_missing", path=copy) from exc
    if hashlib.sha256(data).hexdigest() != row.file_sha256:
        raise ServiceError("batch_copy_missing", path=copy)
    target = _target(out, row.file_name, folder=folder)
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
