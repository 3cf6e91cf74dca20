"""`laoxie batch …`: export a batch for the province, import batches (province), import receipts (county)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli import province
from desktop.cli.common import EXIT_FAILED, EXIT_OK, ChineseArgumentParser, emit, open_workspace
from desktop.cli.keys import read_passphrase

if TYPE_CHECKING:
    from desktop.services.batch_import import ImportOutcome

_STATUS = {"written": "已导出", "received": "省里已接收", "refused": "省里拒收", "accepted": "已接收",
           "quarantined": "已隔离", "unreadable": "无法读取"}


def cmd_candidates(args: argparse.Namespace) -> int:
    from desktop.services import batches as batch_service

    with open_workspace(args) as ws:
        found = batch_service.candidates(ws, include_unreceived=args.include_unreceived)
    lines = [f"{c.application_id:6} {c.enterprise_name} {c.uscc} {c.status}"
             + (f"（已在 {'、'.join(c.sent_in)} 中，此后有变动）" if c.changed
                else f"（已在 {'、'.join(c.sent_in)} 中，未收到回执）" if c.sent_in else "") for c in found]
    emit(args, {"candidates": found}, "\n".join(lines) or "没有待报送的申请")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from desktop.services import batch_export

    with open_workspace(args) as ws:
        result = batch_export.export_batch(
            ws, Path(args.out), read_passphrase(), application_ids=args.application or None,
            include_unreceived=args.include_unreceived, letter_pdfs=not args.no_pdfs,
        )
    c = result.counts
    emit(args, {"batch": result},
         f"已写入 {result.path}（第 {result.seq} 批，{result.size // 1024} KB）\n"
         f"企业 {c['enterprises']} 家、申请 {c['applications']} 件、职工 {c['workers']} 人、确认书 {c['letters']} 份、"
         f"贷款 {c['loans']} 笔、贷款期内核实 {c['checks']} 次、审核人确认 {c['confirmations']} 条\n"
         f"SHA-256 {result.file_sha256}")
    return EXIT_OK


def cmd_export_again(args: argparse.Namespace) -> int:
    from desktop.services import batch_export

    with open_workspace(args) as ws:
        path = batch_export.export_again(ws, args.batch, Path(args.out))
    emit(args, {"file": path}, f"已再次写入 {path}")
    return EXIT_OK


def outcome_record(o: ImportOutcome) -> dict[str, Any]:
    return {
        "file": o.path, "status": o.status, "reasons": [r.as_dict() for r in o.reasons],
        "warnings": [{"code": w.code, "message": w.text()} for w in o.warnings],
        "office_code": o.office_code, "office_name": o.office_name, "batch_id": o.batch_uuid, "seq": o.seq,
        "counts": o.counts, "sha256": o.file_sha256, "receipt": o.receipt, "receipt_error": o.receipt_error or None,
        "quarantined_as": o.quarantined_as, "message": o.message or None,
    }


def _outcome_text(o: ImportOutcome) -> str:
    head = f"{o.path.name}：{_STATUS[o.status]}"
    if o.office_code:
        head += f"（{o.office_name} {o.office_code} 第 {o.seq} 批）"
    lines = [head]
    lines += [f"  原因：{r.text()}" for r in o.reasons]
    lines += [f"  注意：{w.text()}" for w in o.warnings]
    if o.message and not o.reasons:
        lines.append(f"  {o.message}")
    if o.quarantined_as:
        lines.append(f"  隔离副本：{o.quarantined_as}")
    if o.receipt:
        lines.append(f"  回执：{o.receipt}")
    if o.receipt_error:
        lines.append(f"  回执未能写入：{o.receipt_error}")
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.services import batch_import
    from desktop.services import batches as batch_service

    paths: list[Path] = []
    for item in args.files:
        path = Path(item)
        paths.extend(batch_service.batch_files_in(path) if path.is_dir() else [path])
    with open_workspace(args) as ws:
        outcomes = batch_import.import_batches(ws, paths, read_passphrase(),
                                               receipts_to=Path(args.receipts) if args.receipts else None)
    accepted = sum(o.accepted for o in outcomes)
    emit(args, {"imported": [outcome_record(o) for o in outcomes], "accepted": accepted,
                "refused": len(outcomes) - accepted},
         "\n".join(_outcome_text(o) for o in outcomes) + f"\n共 {len(outcomes)} 个文件：接收 {accepted}，"
         f"隔离或无法读取 {len(outcomes) - accepted}")
    return EXIT_OK if accepted == len(outcomes) else EXIT_FAILED


def cmd_receipt(args: argparse.Namespace) -> int:
    from desktop.services import batch_receipts

    with open_workspace(args) as ws:
        outcome = batch_receipts.import_receipt(ws, Path(args.file))
    b = outcome.batch
    text = f"第 {b.seq} 批（{b.file_name}）：{_STATUS.get(b.status, b.status)}"
    if not outcome.changed:
        text += "（未改变）"
    for reason in outcome.receipt.reasons:
        text += f"\n  原因：{reason.get('message', reason.get('code'))}"
    emit(args, {"batch": b, "receipt": outcome.receipt.to_dict(), "changed": outcome.changed}, text)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from desktop.services import batches as batch_service

    with open_workspace(args) as ws:
        outgoing = batch_service.outgoing_batches(ws) if ws.office.kind == "county" else []
        incoming = batch_service.incoming_batches(ws) if ws.office.kind == "province" else []
        quarantine = batch_service.quarantined(ws) if ws.office.kind == "province" else []
    lines = [f"第 {b.seq} 批 {b.file_name} {_STATUS.get(b.status, b.status)} {b.created_at}" for b in outgoing]
    lines += [f"{b.office_name}（{b.office_code}）第 {b.seq} 批 {b.file_name} {_STATUS.get(b.status, b.status)}"
              f" {b.received_at}"
              for b in incoming]
    lines += [f"隔离 {q.quarantined_at} {q.file_name}：{q.reason}" for q in quarantine]
    emit(args, {"outgoing": outgoing, "incoming": incoming, "quarantine": quarantine},
         "\n".join(lines) or "没有报送批次")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    batch = sub.add_parser("batch", parents=[common], help="报送批次：县导出、省导入、回执")
    batch_sub = batch.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                     required=True)
    p = batch_sub.add_parser("candidates", parents=[common], help="列出可报送的申请")
    p.add_argument("--include-unreceived", action="store_true", help="也列出已报送但未收到回执的申请")
    p.set_defaults(handler=cmd_candidates)
    p = batch_sub.add_parser("export", parents=[common], help="县：导出报送批次（签名并加密）")
    p.add_argument("--out", required=True, metavar="文件或文件夹", help="目标文件或文件夹（如 U 盘）")
    p.add_argument("--application", type=int, action="append", metavar="申请编号", help="只报送这些申请（可多次）")
    p.add_argument("--include-unreceived", action="store_true", help="也报送已报送但未收到回执的申请")
    p.add_argument("--no-pdfs", action="store_true",
                   help="不附确认书 PDF（内容、摘要和核验码照样报送，省里可重新生成）")
    p.set_defaults(handler=cmd_export)
    p = batch_sub.add_parser("export-again", parents=[common], help="县：再次写出同一批次（原文件丢失时）")
    p.add_argument("batch", metavar="批次", help="批次的编号（batch id）或序号行 id")
    p.add_argument("--out", required=True, metavar="文件或文件夹", help="目标文件或文件夹（如 U 盘）")
    p.set_defaults(handler=cmd_export_again)
    p = batch_sub.add_parser("import", parents=[common], help="省：导入报送批次（文件或文件夹）")
    p.add_argument("files", nargs="+", metavar="文件", help="批次文件或放批次文件的文件夹（可多个）")
    p.add_argument("--receipts", metavar="文件夹", help="回执写入此文件夹（默认与批次文件同一文件夹）")
    p.set_defaults(handler=cmd_import)
    p = batch_sub.add_parser("receipt", parents=[common], help="县：导入省里的回执")
    p.add_argument("file", metavar="文件", help="省里的回执文件")
    p.set_defaults(handler=cmd_receipt)
    p = batch_sub.add_parser("list", parents=[common], help="列出报送批次（省：含隔离区）")
    p.set_defaults(handler=cmd_list)
    province.register_county(batch_sub, common)
