"""Letters through the services: numbers without gaps or reuse, voiding, reprints, checking, printing all."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest

from desktop.core.letter import LetterPage, format_code
from desktop.letters import LetterPrint, Rendered
from desktop.services import letter_settings, letter_verify, letters, reviews
from desktop.services.accounts import sign_in
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace
from desktop.store import Store
from desktop.store import letters as store_letters
from tests.conftest import PASSWORD
from tests.letters.cases import Case, add_case

DAY = date(2026, 11, 24)


def approved(clerk: Workspace, approver: Workspace, n: int = 1, **kwargs: object) -> Case:
    case = add_case(clerk, n, **kwargs)  # type: ignore[arg-type]
    reviews.submit(clerk, case.application_id, evidence=["contracts", "wages"])
    reviews.approve(approver, case.application_id)
    return case


@pytest.fixture(autouse=True)
def _no_backups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Approval's backup is tested in test_reviews; here it would only slow the many approvals down."""
    monkeypatch.setattr("desktop.services.reviews.make_backup",
                        lambda ws, reason: type("B", (), {"path": Path(f"{reason}.sqlite3")})())


def test_numbers_follow_one_another_per_office_and_year(workspace: Workspace, approver_ws: Workspace,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "today", lambda: date(2027, 1, 4))  # the first working day of the next year
    cases = [approved(workspace, approver_ws, n) for n in range(1, 5)]
    first = [letters.issue(workspace, c.application_id, issued_on=DAY) for c in cases[:3]]
    assert [x.seq for x in first] == [1, 2, 3]
    assert [x.number for x in first] == [f"延吉人社劳协确〔2026〕{i}号" for i in (1, 2, 3)]
    next_year = letters.issue(workspace, cases[3].application_id, issued_on=date(2027, 1, 4))
    assert (next_year.year, next_year.seq, next_year.number) == (2027, 1, "延吉人社劳协确〔2027〕1号")
    assert reviews.case(workspace, cases[0].application_id).status == "issued"


def test_a_voided_number_stays_used(workspace: Workspace, approver_ws: Workspace, office_db: Path) -> None:
    one, two = approved(workspace, approver_ws, 1), approved(workspace, approver_ws, 2)
    letter = letters.issue(workspace, one.application_id, issued_on=DAY)
    with pytest.raises(ServiceError) as caught:
        letters.void(workspace, letter.id, "打错了")
    assert caught.value.code == "forbidden"  # a clerk may not void
    with pytest.raises(ServiceError) as caught:
        letters.void(approver_ws, letter.id, " ")
    assert caught.value.code == "review_reason_required"
    voided = letters.void(approver_ws, letter.id, "企业名称有误")
    assert voided.voided and voided.void_reason == "企业名称有误" and voided.voided_by == approver_ws.actor.user_id
    assert reviews.case(workspace, one.application_id).status == "approved"
    other = letters.issue(workspace, two.application_id, issued_on=DAY)
    again = letters.issue(workspace, one.application_id, issued_on=DAY)
    assert (other.seq, again.seq) == (2, 3)  # number 1 is never given out again
    assert [x.number for x in letters.letters_of(workspace, one.application_id)] == [
        "延吉人社劳协确〔2026〕1号", "延吉人社劳协确〔2026〕3号"]
    assert letters.letter_in_force(workspace, one.application_id).seq == 3  # type: ignore[union-attr]
    with pytest.raises(ServiceError) as caught:
        letters.void(approver_ws, letter.id, "再作废一次")
    assert caught.value.code == "letter_voided"
    assert [x.seq for x in letters.letters_of_year(workspace, 2026)] == [1, 2, 3]


def test_letters_are_never_deleted_or_rewritten(workspace: Workspace, approver_ws: Workspace,
                                                office_db: Path) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    letters.void(approver_ws, letter.id, "作废")
    conn = sqlite3.connect(office_db)
    try:
        for sql in ("DELETE FROM letters", "UPDATE letters SET number = 'x'", "UPDATE letters SET seq = 9",
                    "UPDATE letters SET content = '{}'", "UPDATE letters SET voided_at = NULL",
                    "UPDATE letters SET void_reason = 'other'"):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
        conn.execute("UPDATE letters SET print_count = print_count + 1")  # printing is recorded
    finally:
        conn.close()


def test_one_letter_in_force_and_none_before_approval(workspace: Workspace, approver_ws: Workspace) -> None:
    case = add_case(workspace)
    with pytest.raises(ServiceError) as caught:
        letters.issue(workspace, case.application_id)
    assert caught.value.code == "letter_not_ready" and "草稿" in str(caught.value)
    reviews.submit(workspace, case.application_id, evidence=["contracts", "wages"])
    reviews.approve(approver_ws, case.application_id)
    letters.issue(workspace, case.application_id, issued_on=DAY)
    with pytest.raises(ServiceError) as caught:
        letters.issue(workspace, case.application_id, issued_on=DAY)
    assert caught.value.code == "letter_not_ready"  # issued: void first
    with pytest.raises(ServiceError) as caught:
        reviews.reopen(approver_ws, case.application_id, "改正")
    assert caught.value.code == "review_letter_valid"


def _issue_in_thread(path: Path, application_ids: list[int], out: list[int], errors: list[BaseException]) -> None:
    try:
        with sign_in(path, "clerk", PASSWORD) as ws:
            for app in application_ids:
                out.append(letters.issue(ws, app, issued_on=DAY).seq)
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.append(exc)


def test_two_connections_issuing_at_once_never_share_or_skip_a_number(
    workspace: Workspace, approver_ws: Workspace, office_db: Path,
) -> None:
    cases = [approved(workspace, approver_ws, n, workers=3) for n in range(1, 13)]
    ids = [c.application_id for c in cases]
    seqs: list[int] = []
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_issue_in_thread, args=(office_db, ids[i::2], seqs, errors))
               for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(seqs) == list(range(1, 13))
    with Store.open(office_db, create=False) as store:
        rows = store.conn.execute("SELECT seq, number FROM letters ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == list(range(1, 13)) and len({r[1] for r in rows}) == 12


def test_printing_counts_and_reprints_are_copies(workspace: Workspace, approver_ws: Workspace,
                                                 office_db: Path) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    preview = letters.preview_pdf(workspace, letter.id)
    assert preview.startswith(b"%PDF") and letters.letter_in_force(workspace, case.application_id).print_count == 0  # type: ignore[union-attr]
    letters.print_pdf(workspace, letter.id)
    letters.print_pdf(workspace, letter.id)
    assert letters.letter_in_force(workspace, case.application_id).print_count == 2  # type: ignore[union-attr]
    with Store.open(office_db, create=False) as store:
        details = [r[0] for r in store.conn.execute("SELECT detail FROM audit_log WHERE action = 'letter.print'")]
    assert ['"copy":false' in d for d in details] == [True, False]
    letters.void(approver_ws, letter.id, "作废")
    with pytest.raises(ServiceError) as caught:
        letters.print_pdf(workspace, letter.id)
    assert caught.value.code == "letter_voided"
    assert letters.preview_pdf(workspace, letter.id).startswith(b"%PDF")  # the record can still be seen


def test_verification(workspace: Workspace, approver_ws: Workspace) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    typed = format_code(letter.verification_code).lower()
    found = letter_verify.verify(workspace, typed)
    assert (found.found, found.state, found.number, found.uscc, found.digest_ok) == (
        True, "valid", letter.number, case.uscc, True)
    assert found.counts.endswith("/100") and found.result == "pass" and found.issued_on == "2026-11-24"
    content = letters.content_of(letter)
    assert letter_verify.verify(workspace, content.qr_payload()).number == letter.number
    assert letter_verify.verify(workspace, "00000-00000").state == "unknown"
    with pytest.raises(ServiceError) as caught:
        letter_verify.verify(workspace, "ABC")
    assert caught.value.code == "letter_code_invalid"
    letters.void(approver_ws, letter.id, "重开")
    assert letter_verify.verify(workspace, typed).state == "voided"


def test_a_letter_changed_outside_the_app_is_not_printed(workspace: Workspace, approver_ws: Workspace,
                                                         office_db: Path) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    conn = sqlite3.connect(office_db)
    try:
        conn.execute("DROP TRIGGER letters_fixed")
        conn.execute("UPDATE letters SET content = replace(content, '\"qualifying_count\":12', "
                     "'\"qualifying_count\":40')")
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(ServiceError) as caught:
        letters.print_pdf(workspace, letter.id)
    assert caught.value.code == "letter_tampered"
    assert letter_verify.verify(workspace, letter.verification_code).digest_ok is False


def test_the_letter_says_what_was_approved(workspace: Workspace, approver_ws: Workspace) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    content = letters.content_of(letter)
    assert (content.enterprise_name, content.uscc, content.qualifying_count, content.staff_total) == (
        case.name, case.uscc, 12, 100)
    assert (content.prepared_by, content.approved_by) == ("金经办", "朴科长")
    assert content.decision_id == reviews.case(workspace, case.application_id).approved_decision_id
    assert len(content.decision_digest) == 64 and content.issued_on == DAY
    assert all(case.id_numbers[0] not in r.masked_id for r in content.annex)


def test_print_all_issues_and_prints_with_progress(workspace: Workspace, approver_ws: Workspace) -> None:
    cases = [approved(workspace, approver_ws, n, workers=3) for n in range(1, 4)]
    early = letters.issue(workspace, cases[0].application_id, issued_on=DAY)
    letters.print_pdf(workspace, early.id)
    seen: list[tuple[int, int, str]] = []
    run = letters.print_all(workspace, issued_on=DAY, progress=lambda d, t, w: seen.append((d, t, w)))
    assert [x.number for x in run.issued] == ["延吉人社劳协确〔2026〕2号", "延吉人社劳协确〔2026〕3号"]
    assert [x.seq for x in run.printed] == [2, 3] and not run.cancelled  # 1 was printed before
    assert run.pdf.startswith(b"%PDF") and seen[-1][0] == seen[-1][1] == 4
    assert all(letters.letter_in_force(workspace, c.application_id).print_count == 1  # type: ignore[union-attr]
               for c in cases)
    assert letters.print_all(workspace).printed == []


def test_print_all_draws_each_letter_once(workspace: Workspace, approver_ws: Workspace,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    for n in range(1, 4):
        approved(workspace, approver_ws, n, workers=3)
    drawn: list[str] = []
    real = letters.render_letters

    def counting(prints: list[LetterPrint], *args: object, **kwargs: object) -> Rendered:
        drawn.extend(p.content.number for p in prints)
        return real(prints, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(letters, "render_letters", counting)
    run = letters.print_all(workspace, issued_on=DAY)
    assert sorted(drawn) == sorted(x.number for x in run.printed) and len(drawn) == 3
    originals = [letters.original_pdf(workspace, x) for x in run.printed]
    joined = pdfium.PdfDocument(run.pdf)
    assert len(joined) == sum(len(pdfium.PdfDocument(o)) for o in originals if o is not None)
    first_pages = [0]
    for o in originals[:-1]:
        first_pages.append(first_pages[-1] + len(pdfium.PdfDocument(o)))
    for letter, page in zip(run.printed, first_pages, strict=True):  # the originals, in number order
        assert letter.number in joined[page].get_textpage().get_text_range()


def test_print_all_can_be_cancelled(workspace: Workspace, approver_ws: Workspace) -> None:
    cases = [approved(workspace, approver_ws, n, workers=3) for n in range(1, 4)]
    calls = iter([False, True])
    run = letters.print_all(workspace, issued_on=DAY, cancelled=lambda: next(calls, True))
    assert run.cancelled and len(run.issued) == 1 and run.printed == [] and run.pdf == b""
    assert reviews.case(workspace, cases[0].application_id).status == "issued"


def test_draft_before_anything_is_recorded(workspace: Workspace) -> None:
    case = add_case(workspace)
    pdf = letters.draft_pdf(workspace, case.application_id, on=DAY)
    assert pdf.startswith(b"%PDF")
    assert letters.letters_of(workspace, case.application_id) == []


def test_form_pdf(workspace: Workspace) -> None:
    case = add_case(workspace)
    reviews.save_form(workspace, case.application_id, {"legal_representative": "金明", "purpose": "购买原材料"})
    assert letters.form_pdf(workspace, case.application_id).startswith(b"%PDF")


def test_font_choices(admin_ws: Workspace, workspace: Workspace, tmp_path: Path) -> None:
    report = letter_settings.font_report(workspace)
    assert set(report["fonts"]) == {"仿宋", "黑体", "楷体", "宋体", "小标宋"}
    with pytest.raises(ServiceError) as caught:
        letter_settings.set_font_choices(workspace, {"all": "/nowhere.ttf"})
    assert caught.value.code == "forbidden"
    with pytest.raises(ServiceError) as caught:
        letter_settings.set_font_choices(admin_ws, {"fangsong": str(tmp_path / "missing.ttf")})
    assert caught.value.code == "letter_font_unusable"
    with pytest.raises(ServiceError) as caught:
        letter_settings.set_font_choices(admin_ws, {"bold": "x"})
    assert caught.value.code == "font_role_unknown"
    path = report["fonts"]["黑体"]["file"]
    letter_settings.set_font_choices(admin_ws, {"kaiti": path})
    assert letter_settings.font_choices(admin_ws) == {"kaiti": path}
    assert letter_settings.font_report(admin_ws)["fonts"]["楷体"]["stands_in_for"] is False
    letter_settings.set_font_choices(admin_ws, {"kaiti": ""})
    assert letter_settings.font_choices(admin_ws) == {}


# -- the original print, kept when the letter is issued (0005) ------------------------------------


def kept_files(path: Path) -> list[tuple[int, bytes, str]]:
    with Store.open(path, create=False) as store:
        return [(int(r[0]), bytes(r[1]), str(r[2]))
                for r in store.conn.execute("SELECT letter_id, pdf, sha256 FROM letter_files ORDER BY letter_id")]


def test_issuing_keeps_one_original_pdf_drawn_from_the_letters_content(
    workspace: Workspace, approver_ws: Workspace, office_db: Path, tmp_path: Path,
) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    [(letter_id, pdf, sha)] = kept_files(office_db)
    assert letter_id == letter.id and pdf.startswith(b"%PDF") and sha == hashlib.sha256(pdf).hexdigest()
    assert store_letters.letter_pdf(workspace.store, letter.id) == pdf
    if shutil.which("pdftotext"):
        (tmp_path / "kept.pdf").write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(tmp_path / "kept.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout.replace("\n", "")
        content = letters.content_of(letter)  # the content checked against the digest and the code
        assert content.verification_code() == letter.verification_code
        assert letter.number in text and format_code(letter.verification_code) in text
        assert content.enterprise_name in text and "副本" not in text
    # the first print hands out the kept original; reprints are drawn afresh as copies
    assert letters.preview_pdf(workspace, letter.id) == pdf
    assert letters.print_pdf(workspace, letter.id) == pdf
    again = letters.print_pdf(workspace, letter.id)
    assert again != pdf and again.startswith(b"%PDF")
    assert [row[0] for row in kept_files(office_db)] == [letter.id]  # still exactly one


def test_the_kept_pdf_is_never_changed_or_deleted(workspace: Workspace, approver_ws: Workspace,
                                                  office_db: Path) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    conn = sqlite3.connect(office_db)
    try:
        for sql in ("DELETE FROM letter_files", "UPDATE letter_files SET pdf = x'00'",
                    "UPDATE letter_files SET sha256 = sha256", "UPDATE letter_files SET created_at = 'x'"):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError):  # one original a letter
            conn.execute("INSERT INTO letter_files VALUES (?, x'25504446', ?, 'now')", (letter.id, "0" * 64))
    finally:
        conn.close()
    with workspace.store.transaction():
        assert store_letters.save_letter_pdf(workspace.store, letter.id, b"%PDF other") is False
    assert len(kept_files(office_db)) == 1


def test_a_letter_issued_without_its_original_keeps_it_at_the_first_print(
    workspace: Workspace, approver_ws: Workspace, office_db: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = approved(workspace, approver_ws)

    def no_fonts(*_args: object, **_kwargs: object) -> bytes:
        raise ServiceError("letter_no_font", searched="-")

    real_render = letters._render
    monkeypatch.setattr(letters, "_render", no_fonts)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)  # issued all the same
    assert letter.number and kept_files(office_db) == []
    assert store_letters.letter_pdf(workspace.store, letter.id) is None
    monkeypatch.setattr(letters, "_render", real_render)
    printed = letters.print_pdf(workspace, letter.id)
    assert [(i, pdf) for i, pdf, _sha in kept_files(office_db)] == [(letter.id, printed)]


def test_a_kept_pdf_changed_outside_the_app_is_not_handed_out(workspace: Workspace, approver_ws: Workspace,
                                                              office_db: Path) -> None:
    case = approved(workspace, approver_ws)
    letter = letters.issue(workspace, case.application_id, issued_on=DAY)
    conn = sqlite3.connect(office_db)
    try:
        conn.execute("DROP TRIGGER letter_files_fixed")
        conn.execute("UPDATE letter_files SET pdf = x'255044462d312e340a'")
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(ServiceError) as caught:
        letters.print_pdf(workspace, letter.id)
    assert caught.value.code == "letter_tampered"


def test_a_letter_is_dated_from_its_review_date_to_today_and_a_reprint_keeps_it(
        workspace: Workspace, approver_ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "today", lambda: DAY)
    one, two = (approved(workspace, approver_ws, n) for n in (1, 2))  # reviewed on 2026-06-30
    with pytest.raises(ServiceError) as caught:
        letters.issue(workspace, one.application_id, issued_on=date(2026, 6, 29))
    assert caught.value.code == "letter_date_before_review"
    assert "早于审核日期2026-06-30" in str(caught.value)
    with pytest.raises(ServiceError) as caught:
        letters.issue(workspace, one.application_id, issued_on=date(2026, 11, 25))
    assert caught.value.code == "letter_date_future" and "晚于今天（2026-11-24）" in str(caught.value)
    assert reviews.case(workspace, one.application_id).status == "approved"  # nothing issued, no number taken
    on_review_day = letters.issue(workspace, one.application_id, issued_on=date(2026, 6, 30))
    today = letters.issue(workspace, two.application_id)
    assert (on_review_day.seq, today.seq) == (1, 2)
    assert letters.content_of(today).issued_on == DAY

    monkeypatch.setattr(letters, "today", lambda: date(2027, 3, 1))  # printed again months later
    letters.print_pdf(workspace, on_review_day.id)
    copy = letters.print_pdf(workspace, on_review_day.id)
    assert letters.content_of(store_letters.letter(workspace.store, on_review_day.id)).issued_on == date(2026, 6, 30)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=copy, capture_output=True, check=True).stdout.decode()
        assert "2026年6月30日" in text.replace(" ", "") and "2027年3月1日" not in text.replace(" ", "")


def test_the_offices_letter_page_goes_with_letters_issued_from_then_on(
        workspace: Workspace, approver_ws: Workspace, admin_ws: Workspace) -> None:
    first, second = approved(workspace, approver_ws, 1), approved(workspace, approver_ws, 2)
    before = letters.issue(workspace, first.application_id, issued_on=DAY)
    with pytest.raises(ServiceError):
        letter_settings.set_letter_page(workspace, LetterPage(red_line=True))  # a clerk may not
    page = letter_settings.set_letter_page(admin_ws, LetterPage(
        red_line=True, copy_to=" 吉林省人力资源和社会保障厅，  国家开发银行吉林省分行 ", printer="延吉市就业服务局"))
    assert page.copy_to == "吉林省人力资源和社会保障厅， 国家开发银行吉林省分行"
    after = letters.issue(workspace, second.application_id, issued_on=DAY)
    old, new = letters.content_of(before), letters.content_of(after)
    assert (old.red_line, old.copy_to, old.printer) == (False, None, None)
    assert (new.red_line, new.copy_to, new.printer) == (True, page.copy_to, "延吉市就业服务局")
    [entry] = [r[0] for r in workspace.store.conn.execute("SELECT action FROM audit_log WHERE action = 'letter.page'")]
    assert entry == "letter.page"


def test_a_letter_issued_before_the_new_fields_keeps_its_digest() -> None:
    from desktop.core.letter import LetterContent
    from tests.letters.cases import sample_content

    data = sample_content(3).to_dict()
    for later in ("priority_claimed", "priority_verified", "unverified_claims_count", "basis", "checks",
                  "red_line", "copy_to", "printer"):
        data.pop(later, None)
    again = LetterContent.from_dict(data)
    assert again.to_dict() == data and again.basis is None  # nothing added: the stored digest still matches
