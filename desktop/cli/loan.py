"""`laoxie loan add|list`: the loans enterprises signed (跟踪评估)."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from desktop.cli.check import review_date
from desktop.cli.common import EXIT_OK, ChineseArgumentParser, UsageError, emit, open_workspace

if TYPE_CHECKING:
    from desktop.store.loans import LoanRow

_TENOR = {"one_year": "1年期", "five_year": "5年期以上"}


def decimal_value(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise UsageError(f"无法识别的数：{text}") from None
    if not value.is_finite():
        raise UsageError(f"无法识别的数：{text}")
    return value


def loan_record(row: LoanRow) -> dict[str, Any]:
    return {
        "id": row.id, "application_id": row.application_id, "enterprise": row.enterprise_name, "uscc": row.uscc,
        "bank_branch": row.bank_branch, "contract_number": row.contract_number, "amount_wan": row.amount_wan,
        "start_date": row.start_date, "term_months": row.term_months, "end_date": row.end_date, "rate": row.rate,
        "preferential_end": row.preferential_end,
        "lpr": {"effective_from": row.lpr_effective_from, "tenor": row.lpr_tenor, "value": row.lpr_value,
                "source": row.lpr_source},
        "warnings": [w["text"] for w in row.warnings], "created_at": row.created_at,
    }


def _line(row: LoanRow) -> str:
    flag = "  ⚠ 已确认提示" if row.warnings else ""
    return (f"{row.id:>4}  {row.uscc}  {row.enterprise_name}  {row.bank_branch} {row.contract_number}  "
            f"{row.amount_wan}万元  {row.start_date}至{row.end_date}  利率{row.rate}%"
            f"（{row.lpr_effective_from} {_TENOR[row.lpr_tenor]}LPR {row.lpr_value}%）{flag}")


def cmd_add(args: argparse.Namespace) -> int:
    from desktop.core.loans import LoanDraft
    from desktop.services import loans as loan_service

    draft = LoanDraft(
        bank_branch=args.bank, contract_number=args.contract, amount_wan=decimal_value(args.amount),
        start_date=review_date(args.start), term_months=args.term, rate=decimal_value(args.rate),
        preferential_end=review_date(args.preferential_end) if args.preferential_end else None,
    )
    with open_workspace(args) as ws:
        result = loan_service.add_loan(ws, args.uscc, draft, acknowledge=args.acknowledge,
                                       application_id=args.application)
    lines = [f"已登记贷款：{_line(result.loan)}"]
    lines.extend(f"  经办人已确认：{w['text']}" for w in result.loan.warnings)
    emit(args, {"loan": loan_record(result.loan)}, "\n".join(lines))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from desktop.services import loans as loan_service

    with open_workspace(args) as ws:
        rows = loan_service.list_loans(ws, args.uscc)
    lines = [_line(r) for r in rows] + [f"共 {len(rows)} 笔贷款"]
    emit(args, {"total": len(rows), "loans": [loan_record(r) for r in rows]}, "\n".join(lines))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    loan = sub.add_parser("loan", parents=[common], help="贷款（贷款期内跟踪评估）")
    loan_sub = loan.add_subparsers(dest="action", metavar="操作", parser_class=ChineseArgumentParser,
                                   required=True)
    p = loan_sub.add_parser("add", parents=[common], help="登记企业签订的贷款（申请须已批准）")
    p.add_argument("uscc", metavar="信用代码", help="企业的统一社会信用代码")
    p.add_argument("--bank", metavar="银行", required=True, help="贷款银行（经办分支机构）")
    p.add_argument("--contract", metavar="合同编号", required=True, help="借款合同编号")
    p.add_argument("--amount", metavar="万元", required=True, help="贷款金额（万元）")
    p.add_argument("--start", metavar="日期", required=True, help="贷款起始日期 YYYY-MM-DD")
    p.add_argument("--term", metavar="月数", type=int, required=True, help="贷款期限（月）")
    p.add_argument("--rate", metavar="年利率", required=True, help="年利率（%%），如 3.00")
    p.add_argument("--preferential-end", metavar="日期", help="优惠期截止日期 YYYY-MM-DD")
    p.add_argument("--application", metavar="申请编号", type=int, help="贷款申请编号（默认：企业最新的已批准申请）")
    p.add_argument("--acknowledge", action="store_true",
                   help="确认利率高于LPR、优惠期超过3年等提示（核实后）")
    p.set_defaults(handler=cmd_add)
    p = loan_sub.add_parser("list", parents=[common], help="列出贷款")
    p.add_argument("uscc", metavar="信用代码", nargs="?", help="只列这家企业的贷款")
    p.set_defaults(handler=cmd_list)
