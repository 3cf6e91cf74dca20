"""Issuing, printing, voiding and checking confirmation letters (确认书).

* :func:`issue`: an approved case gets the next number of the office's year,
  taken in the transaction that keeps the letter (no gaps, no reuse), with its
  content, digest and verification code; the case becomes ``issued``.
* :func:`print_pdf`: the PDF to print; the first print is the original,
  every later one is stamped 副本 (copy). The print count is kept and audited.
  :func:`preview_pdf` shows the same without counting.
* :func:`void`: 作废 with a reason; the letter and its number stay for good,
  the case goes back to ``approved`` and a new letter takes a new number.
* :func:`desktop.services.letter_verify.verify`: what a verification code (or a
  scanned QR code) stands for, with the digest recomputed from the stored content.
* :func:`print_all`: issue every approved case and print every letter not
  yet printed, as one PDF, with progress.

The office's fonts and page choices: ``desktop.services.letter_settings``.

The content of an issued letter is kept with it (letters.content) and a
reprint is drawn from that, so it says what the original said. The original
print itself (the PDF drawn from that content when the letter is issued) is
kept too (letter_files): the first print hands it out and a batch for the
province carries it; letters issued before it was kept are drawn when needed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.core.letter import LetterContent, LetterError, LetterPage, qr_payload, verification_code
from desktop.core.letter_build import build_content
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.batches.files import write_verified
from desktop.core.permissions import Permission
from desktop.core.review import ReviewError, Status, Step, check
from desktop.letters import LetterPrint, Mark, join_pdfs, render_letters
from desktop.letters import forms as form_pdf_module
from desktop.services import eligibility as eligibility_service
from desktop.services.audit import ACTION_LABELS
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.letter_settings import fonts, letter_error, letter_page
from desktop.services.reviews import case_facts, form_of, person, refused
from desktop.services.workspace import Workspace
from desktop.store import eligibility as store_eligibility
from desktop.store import letters as store_letters
from desktop.store import reviews as store_reviews
from desktop.store.errors import StoreError
from desktop.store.letters import LetterRow, NewLetter
from desktop.store.reviews import CaseRow

SERVICE_MESSAGES.update({
    "letter_date_before_review": QT_TRANSLATE_NOOP(
        "service", "确认书日期{date}早于审核日期{review}：确认书只能在审核之后出具，请改为审核日期当天或以后。"
    ),
    "letter_date_future": QT_TRANSLATE_NOOP(
        "service", "确认书日期{date}晚于今天（{today}）：不能预先签发，请改为今天或以前。"
    ),
    "letter_voided": QT_TRANSLATE_NOOP(
        "service", "确认书{number}已于{at}作废（{reason}），不能再打印；如需留档，请用预览。"
    ),
    "letter_tampered": QT_TRANSLATE_NOOP(
        "service", "确认书{number}的内容与登记的摘要不符，数据库中的记录可能被改动过，已停止打印。请在“设置”中点“检查数据库”。"
    ),
    "letter_not_ready": QT_TRANSLATE_NOOP(
        "service", "贷款申请第{id}号为“{status}”：须经审核人批准后才能出具确认书。"
    ),
    "letter_no_decision": QT_TRANSLATE_NOOP("service", "贷款申请第{id}号尚无认定结论，无法生成确认书样稿。"),
})
ACTION_LABELS.update({
    "letter.issue": QT_TRANSLATE_NOOP("audit", "出具确认书"),
    "letter.print": QT_TRANSLATE_NOOP("audit", "打印确认书"),
    "letter.original_kept": QT_TRANSLATE_NOOP("audit", "保存确认书原件"),
    "letter.void": QT_TRANSLATE_NOOP("audit", "作废确认书"),
    "application.form_printed": QT_TRANSLATE_NOOP("audit", "打印贷款申请表"),
})


# -- content --------------------------------------------------------------------------


def _decision_for_letter(ws: Workspace, row: CaseRow, *, draft: bool) -> int:
    if row.approved_decision_id is not None and not draft:
        return row.approved_decision_id
    found = store_reviews.decision_for_version(ws.store, row.id, row.version)
    if found is None:
        if row.approved_decision_id is not None:
            return row.approved_decision_id
        raise ServiceError("letter_no_decision", id=row.id)
    return found[0]


def _content(ws: Workspace, row: CaseRow, *, number: str, year: int, seq: int, issued_on: date,
             draft: bool = False, page: LetterPage | None = None) -> LetterContent:
    try:
        decision_id = _decision_for_letter(ws, row, draft=draft)
    except ServiceError:
        if not draft:
            raise
        # a draft before any decision is recorded: the check as it stands, kept nowhere
        decision = eligibility_service.check_application(ws, row.id)
        decision_id, payload = 0, json.dumps(decision.to_dict(), ensure_ascii=False, sort_keys=True)
    else:
        decision = store_eligibility.decision(ws.store, decision_id).decision
        payload = store_letters.decision_payload(ws.store, decision_id)
    names = store_reviews.user_names(ws.store, [row.prepared_by, row.approved_by])
    return build_content(
        decision, office=ws.office, number=number, year=year, seq=seq, issued_on=issued_on,
        prepared_by=names.get(row.prepared_by, "") if row.prepared_by else "",
        approved_by=names.get(row.approved_by, "") if row.approved_by else "",
        decision_id=decision_id, decision_digest=hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        application_id=row.id, application_version=row.version, page=page or letter_page(ws),
    )


def content_of(letter: LetterRow) -> LetterContent:
    """The content as issued, checked against the stored digest."""
    try:
        content = LetterContent.from_dict(json.loads(letter.content))
    except (LetterError, ValueError) as exc:
        raise ServiceError("letter_tampered", number=letter.number) from exc
    digest = content.digest()  # (once: it serialises the whole annex)
    if digest != letter.digest or verification_code(digest) != letter.verification_code:
        raise ServiceError("letter_tampered", number=letter.number)
    return content


def _print_of(letter: LetterRow, mark: Mark, note: str = "") -> LetterPrint:
    content = content_of(letter)
    return LetterPrint(content, letter.verification_code, qr_payload(content, letter.verification_code,
                                                                     letter.digest), mark, note)


# -- issuing ------------------------------------------------------------------------------


def today() -> date:
    """The day on this computer (one place, so a test can set it)."""
    return date.today()


def _check_letter_date(ws: Workspace, row: CaseRow, issued_on: date) -> None:
    """A letter is dated on or after its review date and not after today (it confirms a review already made)."""
    review = store_eligibility.decision(ws.store, _decision_for_letter(ws, row, draft=False)).decision.review_date
    if issued_on < review:
        raise ServiceError("letter_date_before_review", date=issued_on.isoformat(), review=review.isoformat())
    now = today()
    if issued_on > now:
        raise ServiceError("letter_date_future", date=issued_on.isoformat(), today=now.isoformat())


def issue(ws: Workspace, application_id: int, *, issued_on: date | None = None) -> LetterRow:
    """Give the approved case its letter: the next number of the year, in the same transaction.

    The letter is dated ``issued_on`` (default today), which may be neither
    before the review date nor after today; a reprint keeps this date.
    """
    ws.require(Permission.ISSUE_LETTERS)
    issued_on = issued_on or today()
    year = issued_on.year
    with ws.store.transaction():
        row = store_reviews.case(ws.store, application_id)
        try:
            target = check(Step.ISSUE, case_facts(ws, row), person(ws))
        except ReviewError as exc:
            if exc.code == "review_wrong_status":
                raise ServiceError("letter_not_ready", id=row.id, status=Status(row.status).label) from exc
            raise refused(exc) from exc

        _check_letter_date(ws, row, issued_on)

        def compose(seq: int) -> NewLetter:
            content = _content(ws, row, number=ws.office.letter_number(year, seq), year=year, seq=seq,
                               issued_on=issued_on)
            return NewLetter(content.number, content.verification_code(), content.digest(),
                             content.canonical_json())

        letter = store_letters.insert_numbered(
            ws.store, office_id=ws.office.id, application_id=row.id,
            decision_id=_decision_for_letter(ws, row, draft=False), year=year, issued_by=ws.actor.user_id,
            compose=compose,
        )
        store_reviews.change_status(ws.store, row.id, expected_status=row.status, expected_version=row.version,
                                    status=target.value)
        ws.audit("letter.issue", entity="application", entity_id=row.id, detail={
            "letter_id": letter.id, "number": letter.number, "verification_code": letter.verification_code,
            "digest": letter.digest, "decision_id": letter.decision_id, "version": row.version,
        })
    _keep_original(ws, letter)
    return letter


def _keep_original(ws: Workspace, letter: LetterRow) -> None:
    """Draw the issued letter's original once and keep it, in a short transaction of its own.

    Drawn after the number is taken (not while the database is held for writing). If it
    cannot be drawn or kept now (a font missing, a full disk), the letter stands as issued
    and its first print draws and keeps the original instead.
    """
    try:
        _save_original(ws, letter, _render(ws, [_print_of(letter, Mark.ORIGINAL)]))
    except (ServiceError, StoreError):
        return


def _save_original(ws: Workspace, letter: LetterRow, pdf: bytes) -> None:
    with ws.store.transaction():
        if store_letters.save_letter_pdf(ws.store, letter.id, pdf):  # every write is in the log
            ws.audit("letter.original_kept", entity="application", entity_id=letter.application_id,
                     detail={"letter_id": letter.id, "number": letter.number})


def _kept_or_drawn_original(ws: Workspace, letter: LetterRow) -> bytes:
    """The letter's original: the one kept when it was issued, else drawn now and kept."""
    kept = original_pdf(ws, letter)
    if kept is not None:
        return kept
    pdf = _render(ws, [_print_of(letter, Mark.ORIGINAL)])
    _save_original(ws, letter, pdf)
    return pdf


def original_pdf(ws: Workspace, letter: LetterRow) -> bytes | None:
    """The original print kept for the letter (None: issued before it was kept, or not drawn yet).

    The letter's content is checked against its digest first, as for any print.
    """
    content_of(letter)
    try:
        return store_letters.letter_pdf(ws.store, letter.id)
    except StoreError as exc:
        raise ServiceError("letter_tampered", number=letter.number) from exc


def void(ws: Workspace, letter_id: int, reason: str) -> LetterRow:
    """作废: the letter stays with its number and the reason; the case returns to approved."""
    ws.require(Permission.APPROVE_REVIEW)
    with ws.store.transaction():
        letter = store_letters.letter(ws.store, letter_id)
        row = store_reviews.case(ws.store, letter.application_id)
        facts = case_facts(ws, row)
        if letter.voided:
            raise ServiceError("letter_voided", number=letter.number, at=letter.voided_at, reason=letter.void_reason)
        try:
            target = check(Step.VOID, facts, person(ws), reason=reason)
        except ReviewError as exc:
            raise refused(exc) from exc
        store_letters.void(ws.store, letter.id, reason=reason.strip(), by=ws.actor.user_id)
        store_reviews.change_status(ws.store, row.id, expected_status=row.status, expected_version=row.version,
                                    status=target.value)
        ws.audit("letter.void", entity="application", entity_id=row.id, detail={
            "letter_id": letter.id, "number": letter.number, "reason": reason.strip(),
        })
    return store_letters.letter(ws.store, letter_id)


# -- printing -------------------------------------------------------------------------------


def _render(ws: Workspace, prints: list[LetterPrint], *,
            progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> bytes:
    try:
        return render_letters(prints, fonts(ws), author=ws.office.name, progress=progress,
                              cancelled=cancelled).pdf
    except LetterError as exc:
        raise letter_error(exc) from exc


def _copy_note(count: int) -> str:
    return f"第{count + 1}次打印" if count else ""


def preview_pdf(ws: Workspace, letter_id: int) -> bytes:
    """The letter as it would print now (副本 if printed before; 作废 if voided); nothing is counted."""
    letter = store_letters.letter(ws.store, letter_id)
    if letter.voided:
        note = f"已于{(letter.voided_at or '')[:10]}作废：{letter.void_reason}"
        return _render(ws, [_print_of(letter, Mark.VOID, note)])
    if not letter.print_count:
        kept = original_pdf(ws, letter)
        if kept is not None:
            return kept
        return _render(ws, [_print_of(letter, Mark.ORIGINAL)])
    return _render(ws, [_print_of(letter, Mark.COPY, _copy_note(letter.print_count))])


def print_pdf(ws: Workspace, letter_id: int) -> bytes:
    """The PDF to print, counted: the original the first time (the one kept when it was issued,
    or drawn now and kept), 副本 drawn afresh afterwards."""
    ws.require(Permission.ISSUE_LETTERS)
    for _ in range(3):
        letter = store_letters.letter(ws.store, letter_id)
        if letter.voided:
            raise ServiceError("letter_voided", number=letter.number, at=letter.voided_at, reason=letter.void_reason)
        copy = letter.print_count > 0
        kept = None if copy else original_pdf(ws, letter)
        if kept is not None:
            pdf = kept
        else:
            pdf = _render(ws, [_print_of(letter, Mark.COPY if copy else Mark.ORIGINAL,
                                         _copy_note(letter.print_count))])
        try:
            with ws.store.transaction():
                if store_letters.count_print(ws.store, letter.id) != letter.print_count:
                    raise _Retry  # printed meanwhile from another window: roll back, draw it as a copy
                if not copy and kept is None:
                    store_letters.save_letter_pdf(ws.store, letter.id, pdf)  # issued before originals were kept
                ws.audit("letter.print", entity="application", entity_id=letter.application_id, detail={
                    "letter_id": letter.id, "number": letter.number, "copy": copy, "print": letter.print_count + 1,
                })
        except _Retry:
            continue
        return pdf
    raise ServiceError("changed_meanwhile_case", status="正在打印")


class _Retry(Exception):
    """The print count moved between drawing and recording."""


@dataclass(frozen=True)
class PrintRun:
    pdf: bytes
    issued: list[LetterRow]  # issued in this run
    printed: list[LetterRow]  # in the PDF, in number order
    cancelled: bool


def print_all(ws: Workspace, *, issued_on: date | None = None,
              progress: Callable[[int, int, str], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> PrintRun:
    """Issue a letter for every approved case, then print every letter never printed, as one PDF.

    ``progress(done, total, what)`` after each letter; ``cancelled()`` is
    asked between letters (letters issued so far keep their numbers).
    """
    ws.require(Permission.ISSUE_LETTERS)
    waiting = store_reviews.cases_in_status(ws.store, ws.office.id, (Status.APPROVED.value,))
    unprinted = store_letters.unprinted(ws.store, ws.office.id)
    total = len(waiting) + len(unprinted) + len(waiting)
    done = 0
    issued: list[LetterRow] = []
    stopped = False
    for row in waiting:
        if cancelled is not None and cancelled():
            stopped = True
            break
        issued.append(issue(ws, row.id, issued_on=issued_on))
        done += 1
        if progress is not None:
            progress(done, total, f"已出具 {issued[-1].number}")
    to_print = [] if stopped else store_letters.unprinted(ws.store, ws.office.id)
    total = done + len(to_print)
    originals: list[bytes] = []  # each letter drawn once: the original kept when it was issued
    for letter in to_print:
        if cancelled is not None and cancelled():
            break
        originals.append(_kept_or_drawn_original(ws, letter))
        if progress is not None:
            progress(done + len(originals), total, f"已排版 {letter.number}")
    pdf = join_pdfs(originals) if originals else b""
    printed = to_print
    if cancelled is not None and cancelled():
        stopped = True
        printed = []  # a half-drawn run is not handed out as printed
        pdf = b""
    if printed:
        with ws.store.transaction():
            for letter in printed:
                store_letters.count_print(ws.store, letter.id)
                ws.audit("letter.print", entity="application", entity_id=letter.application_id, detail={
                    "letter_id": letter.id, "number": letter.number, "copy": False, "print": 1, "batch": True,
                })
    return PrintRun(pdf, issued, printed, stopped)


# -- drafts, lists, checks -------------------------------------------------------------


def draft_pdf(ws: Workspace, application_id: int, *, on: date | None = None, page: LetterPage | None = None) -> bytes:
    """样稿: the letter as it would read, without a number and marked as a draft (nothing recorded);
    with ``page``, as it would look with those page choices instead of the office's saved ones."""
    row = store_reviews.case(ws.store, application_id)
    on = on or date.today()
    content = _content(ws, row, number="", year=on.year, seq=0, issued_on=on, draft=True, page=page)
    return _render(ws, [LetterPrint(content, "", "", Mark.DRAFT, "样稿：尚未编号，不作为确认书使用")])


def page_sample_application(ws: Workspace) -> int | None:
    """The application whose 样稿 shows the office's page choices (the newest one; None without any)."""
    row = store_reviews.newest_case(ws.store, ws.office.id)
    return None if row is None else row.id


def letters_of(ws: Workspace, application_id: int) -> list[LetterRow]:
    return store_letters.of_application(ws.store, application_id)


def letter_in_force(ws: Workspace, application_id: int) -> LetterRow | None:
    return store_letters.in_force(ws.store, application_id)


def letters_of_year(ws: Workspace, year: int) -> list[LetterRow]:
    return store_letters.of_year(ws.store, ws.office.id, year)


# -- the loan application form --------------------------------------------------------------


def form_pdf(ws: Workspace, application_id: int) -> bytes:
    """附件1 or 附件2 filled in from the form, the enterprise and the latest decision."""
    row = store_reviews.case(ws.store, application_id)
    form = form_of(ws, application_id)
    enterprise = ws.store.enterprise(row.enterprise_id)
    found = store_reviews.decision_for_version(ws.store, row.id, row.version)
    decision = store_eligibility.decision(ws.store, found[0]).decision if found else None
    letter = store_letters.in_force(ws.store, row.id)
    try:
        pdf = form_pdf_module.render_form(
            form, enterprise=enterprise, decision=decision, office=ws.office,
            letter_number=letter.number if letter else "", fonts=fonts(ws), sizes=ws.sizes,
        )
    except LetterError as exc:
        raise letter_error(exc) from exc
    with ws.store.transaction():
        ws.audit("application.form_printed", entity="application", entity_id=row.id,
                 detail={"loan_type": form.loan_type.value})
    return pdf


def save_form_pdf(ws: Workspace, application_id: int, target: Path) -> Path:
    """The filled-in form written to ``target`` whole or not at all (a stick pulled out leaves no half PDF)."""
    return write_verified(target, form_pdf(ws, application_id))


__all__ = [
    "PrintRun", "content_of", "draft_pdf", "page_sample_application", "form_pdf", "issue", "save_form_pdf",
    "letter_in_force", "letters_of", "letters_of_year", "original_pdf", "preview_pdf", "print_all", "print_pdf", "void",
]
