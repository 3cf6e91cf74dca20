"""`laoxie track import|check|due`: lists and re-verifications during the loan (跟踪评估)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from desktop.cli.check import review_date
from desktop.cli.common import EXIT_OK, ChineseArgumentParser, emit, open_workspace
from desktop.cli.loan import loan_record

if TYPE_CHECKING:
    from collections.abc import Mapping

    from desktop.core.tracking import Reverification
    from desktop.services.tracking_timeline import WorkerMonths
    from desktop.store.tracking import StoredCheck

ATTENTION = "需关注"
PROBLEMS_SHOWN = 20
PENDING = "不达标，待审核人确认（laoxie track confirm {id}）"


def check_record(check_id: int, result: Reverification,
                 months: Mapping[str, WorkerMonths] | None = None) -> dict[str, Any]:
    """The check for --json; ``months``: each worker's months employed and insured (YYYY-MM)."""
    from desktop.core.identifiers import mask_id

    months = months or {}

    return {
        "id": check_id, "date": result.on.isoformat(), "verdict": result.verdict.value,
        "verdict_label": result.verdict.label, "needs_attention": result.needs_attention,
        "qualifying": result.qualifying, "staff_total": result.staff_total,
        "latest_period": f"{result.latest_month:%Y-%m}",
        "confirmation": "pending" if result.needs_attention else "not_needed",
        "counted_still_employed": len(result.still_employed), "counted_left": len(result.left),
        "new_paired": len(result.new_paired),
        "steps": [p.text() for p in result.steps],
        "workers": [{
            "id_number": mask_id(s.id_number), "name": s.name, "counted_at_approval": s.counted,
            "employed": s.employed, "start": s.start.isoformat() if s.start else None,
            "end": s.end.isoformat() if s.end else None, "span": s.text, "months": s.months, "days": s.days,
            "reaches": s.reaches,
            "months_employed": list(months[s.id_number].employed) if s.id_number in months else [],
            "months_insured": list(months[s.id_number].insured) if s.id_number in months else [],
        } for s in result.spans.values()],
    }


def cmd_import(args: argparse.Namespace) -> int:
    from desktop.services import tracking as tracking_service

    with open_workspace(args) as ws:
        done = tracking_service.import_list(ws, args.enterprise, args.file, period=args.period,
                                            staff_total=args.staff, loan_id=args.loan)
    kind = "社保缴费明细" if done.kind == "insurance" else "名单"
    lines = [f"已导入 {done.period} 的{kind}：{done.rows} 人，职工总数 {done.staff_total} 人"]
    if done.refused and done.problems:
        lines[0] += f"；{done.refused} 行有错未收："
        lines += [f"  {p}" for p in done.problems[:PROBLEMS_SHOWN]]
        if len(done.problems) > PROBLEMS_SHOWN:
            lines.append(f"  ……另有 {len(done.problems) - PROBLEMS_SHOWN} 行（--json 列出全部）")
    elif done.refused:
        lines[0] += f"；{done.refused} 行有错未收（用 laoxie import --dry-run 查看每行的问题）"
    emit(args, {"list": {"id": done.list_id, "period": done.period, "kind": done.kind, "rows": done.rows,
                         "refused": done.refused, "problems": list(done.problems),
                         "staff_total": done.staff_total}}, "\n".join(lines))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop.services.tracking_insurance import write_template

    written = write_template(Path(args.out))
    emit(args, {"template": str(written)}, f"社保缴费明细模板已写入 {written}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from desktop.core.tracking import span_text
    from desktop.services import tracking as tracking_service
    from desktop.services.tracking_timeline import worker_months

    on = review_date(args.date) if args.date else date.today()
    with open_workspace(args) as ws:
        done = tracking_service.check(ws, args.uscc, on, loan_id=args.loan)
        months = {w.id_number: w for w in worker_months(ws, done.loan, on)} if getattr(args, "json", False) else {}
    result = done.result
    flag = f"  【{PENDING.format(id=done.check_id)}】" if result.needs_attention else ""
    lines = [f"{done.loan.enterprise_name}（{done.loan.uscc}）贷款 {done.loan.contract_number}："
             f"{result.verdict.label}{flag}", *(p.text() for p in result.steps)]
    short = [s for s in result.spans.values() if s.employed and not s.reaches]
    if short:
        lines.append("连续就业未满期限的在职人员：" + "、".join(f"{s.name}（{span_text(s.months, s.days)}）"
                                                  for s in short))
    emit(args, {"loan": loan_record(done.loan), "check": check_record(done.check_id, result, months)}, "\n".join(lines))
    return EXIT_OK


def cmd_due(args: argparse.Namespace) -> int:
    from desktop.core.tracking import Verdict
    from desktop.services import tracking as tracking_service

    on = review_date(args.date) if args.date else date.today()
    with open_workspace(args) as ws:
        found = tracking_service.due(ws, on, within_days=args.within)
    records, lines = [], []
    for d in found:
        last = d.last
        assert d.due_on is not None  # due() lists only loans with a check to come
        records.append({"loan": loan_record(d.loan), "due_on": d.due_on.isoformat(), "overdue": d.overdue,
                        "last_check": None if last is None else {
                            "id": last.id, "date": last.check_date, "verdict": last.verdict,
                            "needs_attention": last.needs_attention,
                            "confirmation": last.confirmation.value}})
        state = "已逾期" if d.overdue else "待核实"
        previous = "尚未核实" if last is None else f"上次 {last.check_date} {Verdict(last.verdict).label}" + (
            f"【{last.confirmation.label}】" if last.needs_attention else "")
        lines.append(f"{d.due_on}  {state}  {d.loan.uscc}  {d.loan.enterprise_name}  {d.loan.contract_number}  {previous}")
    lines.append(f"共 {len(found)} 笔贷款到期待核实（截至 {on}，含此后 {args.within} 天内到期的）")
    emit(args, {"date": on.isoformat(), "due": records}, "\n".join(lines))
    return EXIT_OK


def answer_record(check: StoredCheck) -> dict[str, Any]:
    answer = check.answer
    return {"id": check.id, "loan_id": check.loan_id, "date": check.check_date, "verdict": check.verdict,
            "confirmation": check.confirmation.value, "confirmation_label": check.confirmation.label,
            "answer": None if answer is None else {
                "outcome": answer.outcome, "reason": answer.reason, "by": answer.answered_by_name,
                "at": answer.answered_at}}


def cmd_answer(args: argparse.Namespace) -> int:
    from desktop.services import tracking as tracking_service

    with open_workspace(args) as ws:
        if args.action == "confirm":
            done = tracking_service.confirm_check(ws, args.check_id)
            text = f"已确认核实 {done.id}（{done.check_date}）不达标：企业列为{ATTENTION}。"
        else:
            done = tracking_service.return_check(ws, args.check_id, args.reason or "")
            text = f"已退回核实 {done.id}（{done.check_date}）：请核对名单后重新核实。"
    emit(args, {"check": answer_record(done)}, text)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop.cli.common import EXIT_USAGE
    from desktop.services import tracking_reports

    on = review_date(args.date) if args.date else date.today()
    out = Path(args.out)
    if args.all == bool(args.uscc):
        print("请给出企业的统一社会信用代码（一家企业的跟踪报告，PDF），或 --all（全部贷款的状态表，xlsx），二者选一。",
              file=sys.stderr)
        return EXIT_USAGE
    with open_workspace(args) as ws:
        if args.all:
            statuses = tracking_reports.loan_statuses(ws, on)
            path = tracking_reports.save_loans_workbook(ws, out, on)
            below = sum(1 for s in statuses if s.last is not None and s.last.needs_attention)
            overdue = sum(1 for s in statuses if s.overdue)
            emit(args, {"workbook": str(path), "date": on.isoformat(), "loans": len(statuses),
                        "not_met": below, "overdue": overdue},
                 f"已写出 {path}：{len(statuses)} 笔贷款，最近核实不达标 {below} 笔，逾期未核实 {overdue} 笔")
            return EXIT_OK
        content = tracking_reports.report(ws, args.uscc, loan_id=args.loan, on=on)
        path = tracking_reports.save_report_pdf(ws, args.uscc, out, loan_id=args.loan, on=on)
    emit(args, {"report": str(path), "enterprise": content.enterprise_name, "uscc": content.uscc,
                "checks": [{"date": c.check_date, "verdict": c.verdict, "needs_attention": c.needs_attention,
                            "state": c.state_label,
                            "qualifying": c.qualifying, "required": c.required, "staff_total": c.staff_total,
                            "latest_period": c.latest_period} for c in content.checks],
                "next_due": content.next_due or None},
         f"已写出 {path}：{content.enterprise_name}，核实 {len(content.checks)} 次")
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    track = sub.add_parser("track", parents=[common], help="贷款期内跟踪评估：名单、核实、到期")
    track_sub = track.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                     required=True)
    p = track_sub.add_parser("import", parents=[common],
                             help="导入企业某月的名单：名册（与导入名册同样的格式）或社保缴费明细（按表头识别）")
    p.add_argument("file", metavar="文件", help="名单或社保缴费明细文件（.xlsx/.xls/.csv）")
    p.add_argument("--enterprise", required=True, metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--period", metavar="年月", required=True, help="名单所属月份 YYYY-MM")
    p.add_argument("--staff", metavar="人数", type=int, help="该月职工总数（默认：企业登记的职工总数）")
    p.add_argument("--loan", metavar="贷款编号", type=int, help="贷款编号（默认：企业最新的贷款）")
    p.set_defaults(handler=cmd_import)
    p = track_sub.add_parser("template", parents=[common], help="生成给企业填写的社保缴费明细模板")
    p.add_argument("out", metavar="文件", help="模板文件路径（.xlsx）")
    p.set_defaults(handler=cmd_template)
    p = track_sub.add_parser("check", parents=[common], help="核实企业贷款期内是否持续达标（每次另存一条记录）")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--date", metavar="日期", help="核实日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--loan", metavar="贷款编号", type=int, help="贷款编号（默认：企业最新的贷款）")
    p.set_defaults(handler=cmd_check)
    p = track_sub.add_parser("confirm", parents=[common], help="审核人确认“不达标”的核实（须由核实人以外的审核人）")
    p.add_argument("check_id", metavar="核实编号", type=int, help="核实编号（laoxie track check 的输出中）")
    p.set_defaults(handler=cmd_answer)
    p = track_sub.add_parser("return", parents=[common], help="审核人退回“不达标”的核实，写明理由")
    p.add_argument("check_id", metavar="核实编号", type=int, help="核实编号")
    p.add_argument("--reason", metavar="理由", default="", help="退回的理由（必填）")
    p.set_defaults(handler=cmd_answer)
    p = track_sub.add_parser("due", parents=[common], help="列出到期待核实的贷款")
    p.add_argument("--date", metavar="日期", help="截至日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--within", metavar="天数", type=int, default=30, help="也列出此后几天内到期的（默认 30）")
    p.set_defaults(handler=cmd_due)
    p = track_sub.add_parser("report", parents=[common],
                             help="一家企业的跟踪评估报告（PDF），或 --all 全部贷款的状态表（xlsx，报省级和开行）")
    p.add_argument("uscc", metavar="信用代码", nargs="?", help="企业的统一社会信用代码")
    p.add_argument("--all", action="store_true", help="全部贷款的状态表（省级：各县报送的全部贷款）")
    p.add_argument("--out", metavar="文件", required=True, help="写出的文件（.pdf 或 .xlsx）")
    p.add_argument("--loan", metavar="贷款编号", type=int, help="贷款编号（默认：企业最新的贷款）")
    p.add_argument("--date", metavar="日期", help="报告日期 YYYY-MM-DD（默认：今天）")
    p.set_defaults(handler=cmd_report)
