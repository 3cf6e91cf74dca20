"""`laoxie letter …`: confirmation letters (确认书).

    laoxie letter USCC --out FILE.pdf              issue it (approved) or print it again (stamped 副本)
    laoxie letter USCC --draft --out FILE.pdf      样稿 before approval: no number, nothing recorded
    laoxie letter USCC --void --reason TEXT        作废 (the number stays used; a new letter takes a new one)
    laoxie letter USCC --list                      every letter of the enterprise's application
    laoxie letter --verify CODE                    what a verification code (or QR text) stands for
    laoxie letter --all --out FILE.pdf             issue every approved case, print every unprinted letter
    laoxie letter --fonts [--font ROLE=PATH]       the fonts used (and choose one: ROLE = all, fangsong, …)
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from desktop.cli.check import review_date
from desktop.cli.common import EXIT_FAILED, EXIT_OK, UsageError, emit, open_workspace
from desktop.cli.review import write_pdf

if TYPE_CHECKING:
    from desktop.store.letters import LetterRow


def letter_record(letter: LetterRow) -> dict[str, Any]:
    from desktop.core.letter import format_code
    return {
        "id": letter.id, "number": letter.number, "year": letter.year, "seq": letter.seq,
        "verification_code": format_code(letter.verification_code), "digest": letter.digest,
        "issued_at": letter.issued_at, "print_count": letter.print_count, "voided": letter.voided,
        "voided_at": letter.voided_at, "void_reason": letter.void_reason,
    }


def _need(args: argparse.Namespace, *names: str) -> None:
    for name in names:
        if not getattr(args, name):
            raise UsageError({"uscc": "请写企业的统一社会信用代码", "out": "请用 --out 指定输出的 PDF 文件",
                              "reason": "作废须用 --reason 写明理由"}[name])


def cmd_letter(args: argparse.Namespace) -> int:
    from desktop.core.letter import format_code
    from desktop.core.review import Status
    from desktop.services import letter_settings
    from desktop.services import letters as letter_service, reviews as review_service

    if args.verify:
        return _verify(args)
    if args.fonts or args.font:
        return _fonts(args)
    if args.page or args.red_line is not None or args.copy_to is not None or args.printer is not None:
        return _page(args)
    if args.all:
        return _all(args)
    _need(args, "uscc")
    with open_workspace(args) as ws:
        row = review_service.current_application(ws, args.uscc)
        if args.list:
            found = letter_service.letters_of(ws, row.id)
            lines = [f"{x.number}  校验码 {format_code(x.verification_code)}  打印{x.print_count}次"
                     + (f"  已作废：{x.void_reason}" if x.voided else "") for x in found]
            emit(args, {"letters": [letter_record(x) for x in found]}, "\n".join(lines) or "尚未出具确认书")
            return EXIT_OK
        if args.void:
            _need(args, "reason")
            letter = letter_service.letter_in_force(ws, row.id)
            if letter is None:
                raise UsageError("该企业的申请没有有效的确认书")
            voided = letter_service.void(ws, letter.id, args.reason)
            emit(args, {"letter": letter_record(voided)},
                 f"已作废 {voided.number}（理由：{voided.void_reason}）。文号不再使用；重新出具将取新的文号。")
            return EXIT_OK
        _need(args, "out")
        if args.draft:
            path = write_pdf(args.out, letter_service.draft_pdf(ws, row.id))
            emit(args, {"draft": str(path)}, f"样稿已写入 {path}（未编号，不作为确认书使用）")
            return EXIT_OK
        issued = None
        if row.status == Status.APPROVED.value:
            for note in letter_settings.font_report(ws)["notes"]:  # said before the letter is issued
                print(f"注意：确认书字体{note}", file=sys.stderr)
            issued = letter_service.issue(ws, row.id, issued_on=review_date(args.date) if args.date else None)
        letter = letter_service.letter_in_force(ws, row.id)
        if letter is None:
            raise UsageError(f"贷款申请第 {row.id} 号为“{Status(row.status).label}”，须经审核人批准后才能出具确认书")
        copy = letter.print_count > 0
        path = write_pdf(args.out, letter_service.print_pdf(ws, letter.id))
        letter = letter_service.letter_in_force(ws, row.id) or letter
    verb = "已出具" if issued else ("已重印（副本）" if copy else "已打印")
    emit(args, {"letter": letter_record(letter), "out": str(path), "issued": issued is not None, "copy": copy},
         f"{verb}确认书 {letter.number}，校验码 {format_code(letter.verification_code)}，已写入 {path}")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from desktop.core.letter import format_code
    from desktop.services import letter_verify

    with open_workspace(args) as ws:
        found = letter_verify.verify(ws, args.verify)
    if not found.found:
        text = f"校验码 {format_code(found.code)} 不是本数据库出具的确认书"
    else:
        state = {"valid": "有效", "voided": f"已作废（{found.void_reason}）"}[found.state]
        text = (f"{found.number}：{found.enterprise}（{found.uscc}），计入/职工 {found.counts}，"
                f"出具日期 {found.issued_on}，{state}" + ("" if found.digest_ok else "；内容摘要不符！"))
    emit(args, {"verification": found.to_dict()}, text)
    return EXIT_OK if found.found and found.state == "valid" and found.digest_ok else EXIT_FAILED


def _fonts(args: argparse.Namespace) -> int:
    from desktop.services import letter_settings

    with open_workspace(args) as ws:
        if args.font:
            choices = {}
            for item in args.font:
                role, sep, path = item.partition("=")
                if not sep:
                    raise UsageError(f"--font 应写成 用途=字体文件：{item}")
                choices[role.strip()] = path.strip()
            letter_settings.set_font_choices(ws, choices)
        report = letter_settings.font_report(ws)
    lines = [f"{role}：{info['face']}（{info['file']}）" + ("  代用" if info["stands_in_for"] else "")
             for role, info in report["fonts"].items()]
    emit(args, report, "\n".join(lines + report["notes"]))
    return EXIT_OK


def _page(args: argparse.Namespace) -> int:
    from desktop.services import letter_settings
    from dataclasses import replace

    with open_workspace(args) as ws:
        page = letter_settings.letter_page(ws)
        changes: dict[str, Any] = {}
        if args.red_line is not None:
            changes["red_line"] = args.red_line
        if args.copy_to is not None:
            changes["copy_to"] = args.copy_to
        if args.printer is not None:
            changes["printer"] = args.printer
        if changes:
            page = letter_settings.set_letter_page(ws, replace(page, **changes))
    lines = [f"红色分隔线：{'有' if page.red_line else '无'}", f"抄送：{page.copy_to or '（无）'}",
             f"印发机关：{page.printer or ('（本单位名称）' if page.copy_to else '（无版记）')}"]
    emit(args, {"page": {"red_line": page.red_line, "copy_to": page.copy_to, "printer": page.printer}},
         "\n".join(lines))
    return EXIT_OK


def _all(args: argparse.Namespace) -> int:
    from desktop.services import letters as letter_service

    _need(args, "out")
    interactive = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int, what: str) -> None:
        if interactive:
            print(f"\r{done}/{total} {what}", end="", file=sys.stderr, flush=True)

    with open_workspace(args) as ws:
        run = letter_service.print_all(ws, issued_on=review_date(args.date) if args.date else None,
                                       progress=progress)
    if interactive:
        print(file=sys.stderr)
    path = write_pdf(args.out, run.pdf) if run.pdf else None
    emit(args, {"issued": [letter_record(x) for x in run.issued], "printed": [letter_record(x) for x in run.printed],
                "out": str(path) if path else None},
         f"出具 {len(run.issued)} 份，打印 {len(run.printed)} 份" + (f"，已写入 {path}" if path else "（没有要打印的确认书）"))
    return EXIT_OK


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("letter", parents=[common], help="确认书：出具、打印、作废、核对")
    p.add_argument("uscc", metavar="信用代码", nargs="?", help="企业的统一社会信用代码")
    p.add_argument("--out", metavar="文件.pdf", help="输出的 PDF 文件")
    p.add_argument("--date", metavar="日期", help="出具日期 YYYY-MM-DD（默认今天）")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--draft", action="store_true", help="样稿：不编号、不登记")
    mode.add_argument("--void", action="store_true", help="作废有效的确认书（须写 --reason）")
    mode.add_argument("--list", action="store_true", help="列出该申请的全部确认书（含已作废的）")
    mode.add_argument("--verify", metavar="校验码", help="核对校验码或二维码内容")
    mode.add_argument("--all", action="store_true", help="出具全部已批准的申请，并打印全部未打印的确认书")
    mode.add_argument("--fonts", action="store_true", help="显示所用字体")
    p.add_argument("--font", action="append", metavar="字体=文件",
                   help="指定字体文件（管理员）：all、fangsong、heiti、kaiti、songti、xiaobiaosong")
    p.add_argument("--reason", metavar="理由", help="作废理由")
    mode.add_argument("--page", action="store_true", help="显示本单位确认书的版式（分隔线、抄送、印发机关）")
    p.add_argument("--red-line", dest="red_line", action=argparse.BooleanOptionalAction, default=None,
                   help="发文字号下加（或不加）红色分隔线（管理员）")
    p.add_argument("--copy-to", dest="copy_to", metavar="抄送", help="版记的抄送机关，空字符串取消（管理员）")
    p.add_argument("--printer", metavar="印发机关", help="版记的印发机关，空字符串取消（管理员）")
    p.set_defaults(handler=cmd_letter)
