"""`laoxie check USCC [--date YYYY-MM-DD] [--json]`: does the enterprise meet the standard, and why."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from desktop.cli.common import EXIT_OK, Streamed, UsageError, open_workspace, write_json

if TYPE_CHECKING:
    from desktop.core.decision import Decision, WorkerOutcome
    from desktop.core.eligibility_passes import RosterCheck


def review_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"无法识别的日期：{text}。请写成 YYYY-MM-DD，如 2026-11-01。") from None


def worker_record(w: WorkerOutcome, *, full_ids: bool) -> dict[str, Any]:
    return {
        "id_number": w.id_number if full_ids else w.masked_id,
        "id_valid": w.id_valid,
        "name": w.facts.name,
        "counted": w.counted,
        "reasons": [{"code": r.code, "text": r.text()} for r in w.reasons],
        "notes": [{"code": n.code, "text": n.text()} for n in w.notes],
    }


def check_record(decision: Decision, *, full_ids: bool, workers: bool = True) -> dict[str, Any]:
    """What `check --json` prints: the result, the standard, the counts and every worker."""
    from desktop.core.decision import fraction_text, percent_text

    s = decision.standard
    return {
        "enterprise": decision.enterprise_name,
        "uscc": decision.uscc,
        "application_id": decision.application_id,
        "review_date": decision.review_date.isoformat(),
        "ruleset_version": decision.ruleset_version,
        "result": decision.final_result.value,
        "computed_result": decision.computed_result.value,
        "overridden": decision.overridden,
        "pass_by": decision.pass_by.value if decision.pass_by else None,
        "size": decision.size.value,
        "size_manual": decision.size_manual,
        "standard": {
            "kind": s.kind.value, "count_required": s.count_required,
            "share_required": fraction_text(s.share_required),
            "share_required_percent": percent_text(s.share_required),
            "base_count": s.base_count, "base_share": fraction_text(s.base_share),
            "count_working": s.count_working, "share_working": s.share_working,
        },
        "staff_total": decision.staff_total,
        "qualifying_count": decision.qualifying_count,
        "share": fraction_text(decision.share) if decision.share is not None else None,
        "share_percent": percent_text(decision.share) if decision.share is not None else None,
        "priority_borrower": decision.priority_borrower,
        "pending_choices": decision.pending_choices,
        "ids": "full" if full_ids else "masked",
        "workers": [worker_record(w, full_ids=full_ids) for w in decision.workers] if workers else [],
        "explanation": decision.explanation(),
        "warnings": [p.text() for p in decision.warnings],
    }


def check_lines(check: RosterCheck) -> Iterator[str]:
    """The decision as a clerk reads it (ID numbers masked), a line at a time: a roster of a million rows is printed, never held as one text."""
    decision, workers = check.decision, check.outcomes()  # (a roster changed meanwhile: said before a line)
    head = f"{decision.enterprise_name}（{decision.uscc}）"
    if decision.application_id is not None:
        head += f"  贷款申请第 {decision.application_id} 号"
    else:
        head += "  （尚无贷款申请，仅按名册试算）"
    yield from (head, f"结论：{decision.final_result.label}", "")
    yield from decision.explanation()
    if decision.warnings:
        yield from ["", "提醒："] + [f"  · {p.text()}" for p in decision.warnings]
    yield from ("", f"名册人员（计入 {decision.qualifying_count} 人，共 {check.listed} 条）：")
    for w in workers:
        mark = "计入  " if w.counted else "不计入"
        why = "；".join(r.text() for r in w.reasons)
        note = "；".join(n.text() for n in w.notes)
        detail = "  ".join(part for part in (why, f"（{note}）" if note else "") if part)
        yield f"  {mark} {w.masked_id:<18} {w.facts.name}  {detail}".rstrip()


def write_check_json(check: RosterCheck, *, full_ids: bool, out: TextIO) -> None:
    """What emit() prints for `check --json`, the workers written one at a time as they are checked
    (common.write_json) instead of built as one document first: a million workers would otherwise be
    held three times over."""
    workers = check.outcomes()  # (a roster changed meanwhile: said before a line)
    record = check_record(check.decision, full_ids=full_ids, workers=False)
    record["workers"] = Streamed(worker_record(worker, full_ids=full_ids) for worker in workers)
    write_json({"check": record}, out)


def cmd_check(args: argparse.Namespace) -> int:
    from desktop.services import eligibility as eligibility_service, enterprises as enterprise_service
    from desktop.services.privacy import show_full_ids

    when = review_date(args.date) if args.date else None
    with open_workspace(args) as ws:
        enterprise = enterprise_service.find_enterprise(ws, args.uscc)
        check = eligibility_service.check_enterprise_in_passes(ws, enterprise.uscc, when)
        full_ids = show_full_ids(ws, wanted=bool(args.json), purpose="资格核对", enterprise_id=enterprise.id,
                                 count=check.listed)  # DOMAIN.md 7: who saw full ID numbers is logged
        # the workers are read again as they are printed, so printing happens with the file open
        if args.json:
            write_check_json(check, full_ids=full_ids, out=sys.stdout)
        else:
            for line in check_lines(check):
                print(line)
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("check", parents=[common], help="按认定标准核查企业")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--date", metavar="日期", help="审核日期 YYYY-MM-DD（默认：申请的审核日期，否则今天）")
    p.set_defaults(handler=cmd_check)
