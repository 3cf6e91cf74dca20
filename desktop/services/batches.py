"""Batches for the province: a county exports them, the province imports them, receipts go back.

County: :func:`desktop.services.batch_export.export_batch` writes the approved applications not
yet sent (with their enterprises, decisions, counted workers and letters) as one signed, encrypted
file on a stick, records it as sent and keeps a copy so
:func:`desktop.services.batch_export.export_again` can write the same file once more.
:func:`desktop.services.batch_receipts.import_receipt` marks it received (or refused) when the
province's receipt comes back.

Province: :func:`desktop.services.batch_import.import_batches` opens each file, checks it
(signature of the registered county key, every hash, replay and sequence), and either stores all of
its records in one transaction or puts the file in quarantine with a report. Either way a receipt
file is written beside the batch.

This module holds what both sides share: the messages, the batch folder, progress, and the lists
(what can be sent, what was sent, what came in, what was quarantined).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.services.errors import SERVICE_MESSAGES
from desktop.services.workspace import Workspace
from desktop.store import batch_export as store_batch_export
from desktop.store import batch_tracking
from desktop.store import batches as store_batches
from desktop.store.batch_export import ExportCandidate
from desktop.store.batches import BatchRow, QuarantineRow

__all__ = [
    "BatchRow", "ExportCandidate", "Progress", "QuarantineRow", "TrackingToSend", "batch_files_in", "batch_folder",
    "candidates", "incoming_batches", "no_progress", "outgoing_batches", "quarantined", "tracking_to_send",
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
    "batch_folder_gone": QT_TRANSLATE_NOOP(
        "service", "目标文件夹 {path} 不见了（U 盘被拔出，或文件夹被删除？）。没有导出，也没有在别处留下批次文件；"
        "请插好 U 盘、选好文件夹后重新导出。"
    ),
    "batch_keep_failed": QT_TRANSLATE_NOOP("service", "无法在本机保存收到的批次文件 {path}：{detail}"),
    "batch_seq_taken": QT_TRANSLATE_NOOP("service", "第 {seq} 批已由另一次导出占用，本次没有导出。请重试。"),
    "batch_commit_failed": QT_TRANSLATE_NOOP(
        "service", "第 {seq} 批已记录，但写入 {path} 的最后一步失败：{detail}。请检查 U 盘后在“报送批次”中选中第 {seq} 批，"
        "点“再次导出…”写出同一批次。"
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

Progress = Callable[[str, int, int], None]  # (what is being done, step, steps)


def no_progress(stage: str, step: int, steps: int) -> None:
    return None


def batch_folder(ws: Workspace) -> Path:
    """Beside the database: outgoing copies, accepted and quarantined files."""
    return ws.store.path.parent / f"{ws.store.path.stem}-batches"

def candidates(ws: Workspace, *, include_unreceived: bool = False) -> list[ExportCandidate]:
    """Approved applications not yet sent (with ``include_unreceived``: also those in batches
    the province has not confirmed, to send again in a new batch)."""
    return store_batch_export.export_candidates(ws.store, ws.office.id, include_unreceived=include_unreceived)


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


def incoming_batches(ws: Workspace) -> list[BatchRow]:
    return store_batches.batches(ws.store, "incoming")


def quarantined(ws: Workspace) -> list[QuarantineRow]:
    return store_batches.quarantine(ws.store)


def batch_files_in(folder: Path) -> list[Path]:
    """The batch files of a folder (a stick), in name order: office, then sequence."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(".age"))
