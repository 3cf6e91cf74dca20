"""`laoxie review …` (the two-person review) and `laoxie application …` (the loan application and its form).

    laoxie review submit USCC [--evidence contracts,wages] [--date YYYY-MM-DD]
    laoxie review approve USCC
    laoxie review return USCC --reason TEXT
    laoxie review reopen USCC --reason TEXT
    laoxie review withdraw USCC --reason TEXT
    laoxie review status USCC [--json]
    laoxie application new USCC [--type working_capital|fixed_asset] [--amount 万元] [--applied-on DATE]
    laoxie application form USCC [--set KEY=VALUE ...] [--file FORM.json] [--type …] [--out FORM.pdf]

Each acts on the enterprise's application in progress (its newest one that is
not withdrawn) as the signed-in user (--user, LAOXIE_USER).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.cli.check import review_date
from desktop.cli.common import EXIT_OK, ChineseArgumentParser, UsageError, emit, open_workspace

if TYPE_CHECKING:
    from desktop.core.loan_form import LoanType
    from desktop.services.reviews import ReviewStatus


def loan_type(text: str) -> LoanType:
    from desktop.core.loan_form import LoanType
    for kind in LoanType:
        if text.strip() in (kind.value, kind.label, f"附件{kind.annex_number}"):
            return kind
    raise UsageError(f"无法识别的贷款种类：{text}。请写 working_capital（流动资金贷款）或 fixed_asset（固定资产贷款）。")


def write_pdf(path: str, data: bytes) -> Path:
    """Write next to the target, then move into place: a half-written PDF is never left behind."""
    from desktop.private_files import new_private_file, private_folder

    target = Path(path)
    if target.suffix.lower() != ".pdf":
        raise UsageError(f"输出文件应以 .pdf 结尾：{path}")
    private_folder(target.parent)
    partial = new_private_file(target.with_name(target.name + ".part"))  # the office's alone, as every export
    partial.write_bytes(data)
    partial.replace(target)
    return target


def status_text(s: ReviewStatus) -> str:
    c = s.case
    lines = [
        f"{s.enterprise_name}（{s.uscc}）贷款申请第 {c.id} 号，第 {c.version} 版：{s.status.label}"
        + ("（数据已锁定）" if s.status.locked else ""),
        f"材料：劳动合同{'✓' if c.evidence_contracts else '✗'}  工资发放证明{'✓' if c.evidence_wages else '✗'}",
    ]
    if s.result:
        lines.append(f"本版认定结论：第 {s.decision_id} 号，{'符合' if s.result == 'pass' else '不符合'}认定标准")
    if s.prepared_by:
        lines.append(f"经办人：{s.prepared_by}" + (f"；审核人：{s.approved_by}" if s.approved_by else ""))
    if c.return_reason:
        lines.append(f"退回理由：{c.return_reason}")
    if s.letter_number:
        lines.append(f"确认书：{s.letter_number}")
    if s.steps:
        lines.append("可以：" + "、".join(step.label for step in s.steps))
    return "\n".join(lines)


def _done(args: argparse.Namespace, ws: Any, application_id: int, verb: str) -> int:
    from desktop.services import reviews as review_service

    s = review_service.status(ws, application_id)
    emit(args, {"review": s.to_dict()}, f"{verb}。\n{status_text(s)}")
    return EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    evidence = [e.strip() for e in args.evidence.split(",") if e.strip()] if args.evidence else None
    when = review_date(args.date) if args.date else None
    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        review_service.submit(ws, row.id, evidence=evidence, review_date=when)
        return _done(args, ws, row.id, "已提交审批")


def cmd_approve(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        review_service.approve(ws, row.id)
        return _done(args, ws, row.id, "已批准")


def cmd_return(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        review_service.return_for_changes(ws, row.id, args.reason or "")
        return _done(args, ws, row.id, "已退回经办人")


def cmd_reopen(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        review_service.reopen(ws, row.id, args.reason or "")
        return _done(args, ws, row.id, "已重新开启")


def cmd_withdraw(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        review_service.withdraw(ws, row.id, args.reason or "")
        return _done(args, ws, row.id, "已撤回")


def cmd_status(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        return _done(args, ws, row.id, "贷款申请状态")


def cmd_new(args: argparse.Namespace) -> int:
    from desktop.services import reviews as review_service

    kind = loan_type(args.type)
    applied = review_date(args.applied_on) if args.applied_on else date.today()
    with open_workspace(args) as ws:
        row = review_service.new_application(ws, args.uscc, loan_type=kind, amount_wan=args.amount,
                                             applied_on=applied)
        return _done(args, ws, row.id, f"已登记{kind.label}申请")


def _form_changes(args: argparse.Namespace) -> dict[str, object]:
    from desktop.core.oserrors import os_reason

    changes: dict[str, object] = {}
    if args.file:
        try:
            data = json.loads(Path(args.file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"无法读取表单文件 {args.file}：{os_reason(exc)}") from exc
        except ValueError as exc:  # not UTF-8, not JSON
            raise UsageError(f"无法读取表单文件 {args.file}：不是 UTF-8 编码的 JSON 文件") from exc
        if not isinstance(data, dict):
            raise UsageError("表单文件应是一个 JSON 对象：{\"栏目\": 值, …}")
        changes.update(data.get("fields", data) if isinstance(data.get("fields"), dict) else data)
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--set 应写成 栏目=值：{item}")
        changes[key.strip()] = value
    return changes


def cmd_form(args: argparse.Namespace) -> int:
    from desktop.core.loan_form import fields_for
    from desktop.services import letters as letter_service, reviews as review_service

    kind = loan_type(args.type) if args.type else None
    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        changes = _form_changes(args)
        form = (review_service.save_form(ws, row.id, changes, loan_type=kind) if changes or kind
                else review_service.form_of(ws, row.id))
        written = write_pdf(args.out, letter_service.form_pdf(ws, row.id)) if args.out else None
    fields = [{"key": f.key, "label": f.label, "value": form.get(f.key), "required": f.required}
              for f in fields_for(form.loan_type)]
    lines = [f"{form.loan_type.form_title}（附件{form.loan_type.annex_number}）"]
    lines += [f"  {f['key']:<26} {f['label']}：{form.shown(f['key'])}" for f in fields]
    missing = [p.text() for p in form.missing()]
    if missing:
        lines.append("尚未填写：" + "；".join(missing))
    if written:
        lines.append(f"已写入 {written}")
    emit(args, {"form": {"loan_type": form.loan_type.value, "title": form.loan_type.form_title, "fields": fields,
                         "missing": missing, "out": str(written) if written else None}}, "\n".join(lines))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from desktop.core.loan_form import BY_KEY

    review = sub.add_parser("review", parents=[common], help="审核流程：提交、批准、退回、重新开启")
    steps = review.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                  required=True)
    p = steps.add_parser("submit", parents=[common], help="经办人提交审批（先记录当前认定结论）")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--evidence", metavar="材料", help="已核对的材料：contracts（劳动合同）、wages（工资发放证明）")
    p.add_argument("--date", metavar="日期", help="审核日期 YYYY-MM-DD（默认：申请的审核日期，否则今天）")
    p.set_defaults(handler=cmd_submit)
    p = steps.add_parser("approve", parents=[common], help="审核人批准（不能是提交人本人）")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.set_defaults(handler=cmd_approve)
    for name, handler, text in (("return", cmd_return, "审核人退回经办人修改"),
                                ("reopen", cmd_reopen, "审核人重新开启已批准的申请（生成新版本）"),
                                ("withdraw", cmd_withdraw, "撤回申请")):
        p = steps.add_parser(name, parents=[common], help=text)
        p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
        p.add_argument("--reason", metavar="理由", help="理由（必填）")
        p.set_defaults(handler=handler)
    p = steps.add_parser("status", parents=[common], help="申请的状态、结论、确认书和经过")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.set_defaults(handler=cmd_status)

    application = sub.add_parser("application", parents=[common], help="贷款申请和申请表（附件1、附件2）")
    actions = application.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                         required=True)
    p = actions.add_parser("new", parents=[common], help="登记贷款申请")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--type", metavar="贷款类型", default="working_capital", help="working_capital（流动资金贷款）或 fixed_asset（固定资产贷款）")
    p.add_argument("--amount", type=float, metavar="万元", help="申请金额（万元）")
    p.add_argument("--applied-on", metavar="日期", help="申请日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(handler=cmd_new)
    p = actions.add_parser("form", parents=[common], help="填写、查看或打印贷款申请表")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--set", action="append", metavar="栏目=内容",
                   help="填写一栏（可多次）；栏目：" + "、".join(BY_KEY))
    p.add_argument("--file", metavar="文件", help="从 JSON 文件读入各栏")
    p.add_argument("--type", metavar="贷款类型", help="改为另一种贷款（另一张表）")
    p.add_argument("--out", metavar="文件.pdf", help="把填好的申请表写成 PDF")
    p.set_defaults(handler=cmd_form)
