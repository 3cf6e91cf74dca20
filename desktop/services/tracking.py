"""Tracking during the loan (跟踪评估, issue 14 step 3): periodic lists, re-verifications, checks due.

* :func:`import_list` reads the enterprise's roster for a period (a month,
  ``2026-11``) with the roster importer's reading
  (:func:`desktop.services.rosters.read_sheet`) and keeps its valid rows as
  that period's list, with the staff total of the period; the case's roster
  and decision are not touched. A period imported again gets a new list (the
  newest is used, the earlier is kept).
* :func:`check` re-verifies the enterprise's loan at a date
  (:func:`desktop.core.tracking.reverify`): the workers counted by the approved
  decision, and each list read by the same eligibility engine (a new worker
  counts when the decision would count them at that month's end). Every check
  is a new record with its audit entry; one below the standard is 待确认 until an approver
  who did not run it confirms it (:func:`confirm_check`: then 需关注) or returns it with a
  reason (:func:`return_check`), :mod:`desktop.core.tracking_confirm`.
* :func:`due` lists the loans whose next check is due: every
  ``check_interval_months`` (policy data) from the loan's start, until its end.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from desktop.core.decision import Decision, EligibilityError, WorkerFacts
from desktop.core.eligibility import EnterpriseFacts, counted_workers
from desktop.core.eligibility_rows import add_months
from desktop.core.enterprise import Enterprise
from desktop.core.insurance_list import InsuranceLayout
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.core.policy import RuleSet
from desktop.core.review import ReviewError
from desktop.core.roster import RosterError
from desktop.core.size import SizeResult
from desktop.core.tracking import (
    CountedWorker, ListedWorker, MonthlyList, Reverification, Verdict, month_end, month_of, reverify,
)
from desktop.core.tracking_confirm import CONFIRM_CODES, ConfirmFacts, Outcome, check_confirmation
from desktop.core.workers import ContractType
from desktop.rosters.reader import RosterFile
from desktop.services.eligibility import current_rules
from desktop.services.enterprises import find_enterprise
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.loans import tracking_rules
from desktop.services.reviews import person
from desktop.services.rosters import open_roster, read_sheet
from desktop.services.tracking_insurance import insurance_sheet, list_problem, read_insurance
from desktop.services.workspace import Workspace
from desktop.store import eligibility as eligibility_store
from desktop.store import loans as loan_store
from desktop.store import reviews as review_store
from desktop.store import tracking as tracking_store
from desktop.store.loans import LoanRow
from desktop.store.tracking import ListRow, StoredCheck, StoredList

SERVICE_MESSAGES.update({
    "track_bad_period": QT_TRANSLATE_NOOP("service", "“{value}”不是名单所属的月份：请写成 YYYY-MM，如 2026-11。"),
    "track_bad_staff": QT_TRANSLATE_NOOP("service", "职工总数应为0或正整数，现为{value}。"),
    "track_no_loan": QT_TRANSLATE_NOOP(
        "service", "企业“{name}”（{uscc}）还没有登记贷款：贷款期内的名单和核实从登记贷款开始（laoxie loan add）。"),
    "track_loan_not_found": QT_TRANSLATE_NOOP("service", "企业“{name}”没有编号为 {loan_id} 的贷款。"),
    "track_period_outside": QT_TRANSLATE_NOOP(
        "service", "名单月份 {period} 不在贷款期 {start} 至 {end} 内。"),
    "track_no_valid_rows": QT_TRANSLATE_NOOP(
        "service", "名单中没有一行有效数据（共 {rows} 行有错），请改正后再导入：{first}"),
    "track_check_before_loan": QT_TRANSLATE_NOOP("service", "核实日期 {date} 早于贷款起始日期 {start}。"),
    "track_refused": QT_TRANSLATE_NOOP("service", "无法核实：{message}"),
    "track_check_not_found": QT_TRANSLATE_NOOP("service", "没有编号为 {check_id} 的核实记录。"),
    "track_header_not_found": QT_TRANSLATE_NOOP(
        "service", "文件“{file}”工作表“{sheet}”的前 {rows} 行中找不到名单的表头。跟踪名单可以是花名册（至少要有“姓名”"
        "“公民身份号码”“户籍地”等列），或社保缴费明细（至少要有“姓名”“身份证号”和“缴费月份”，或“起止月份”，"
        "或“起始月份”“终止月份”）。请企业按名册模板或社保缴费明细模板（跟踪页“社保明细模板…”）填写后再导入。"),
    "track_list_changed": QT_TRANSLATE_NOOP(
        "service", "文件“{file}”在预览之后被改过，没有导入：请重新选择文件，看过新的预览再保存。"),
})
SERVICE_MESSAGES.update({code: MESSAGES[code] for code in CONFIRM_CODES})

_PERIOD = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class ListImport:
    list_id: int
    period: str
    staff_total: int
    rows: int
    refused: int  # rows with errors, left out
    kind: str = "roster"  # or "insurance": a social-insurance payment list
    problems: tuple[str, ...] = ()  # a payment list's refused rows, each naming the file, row and column


@dataclass(frozen=True)
class CheckResult:
    check_id: int
    loan: LoanRow
    result: Reverification


@dataclass(frozen=True)
class DueCheck:
    loan: LoanRow
    due_on: date | None  # None: no check due any more (the loan has ended)
    overdue: bool
    last: StoredCheck | None


DUE_SOON_DAYS = 30  # a check due within this many days is 待核实; one due later, 未到期

_DUE_STATES = {"ended": QT_TRANSLATE_NOOP("tracking", "贷款期已满"), "overdue": QT_TRANSLATE_NOOP("tracking", "已逾期"),
               "due": QT_TRANSLATE_NOOP("tracking", "待核实"), "later": QT_TRANSLATE_NOOP("tracking", "未到期")}


def due_state(due_on: date | None, on: date) -> str:
    """A loan's 核实状态 at ``on``, its next check being due on ``due_on`` (None: the loan has ended)."""
    if due_on is None:
        return _DUE_STATES["ended"]
    if due_on < on:
        return _DUE_STATES["overdue"]
    return _DUE_STATES["due" if due_on <= on + timedelta(days=DUE_SOON_DAYS) else "later"]


def parse_period(text: str) -> date:
    found = _PERIOD.fullmatch(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12:
        raise ServiceError("track_bad_period", value=text)
    return date(int(found[1]), int(found[2]), 1)


def enterprise_loan(ws: Workspace, uscc: str, loan_id: int | None = None) -> LoanRow:
    """The enterprise's loan: the one named, else its latest."""
    enterprise = find_enterprise(ws, uscc)
    loans = loan_store.loans(ws.store, ws.office.id, enterprise.id)
    if not loans:
        raise ServiceError("track_no_loan", name=enterprise.name, uscc=enterprise.uscc)
    if loan_id is None:
        return loans[-1]
    for loan in loans:
        if loan.id == loan_id:
            return loan
    raise ServiceError("track_loan_not_found", name=enterprise.name, loan_id=loan_id)


@dataclass(frozen=True)
class ListPreview:
    """What importing a file as a period's list would store (nothing is written)."""
    file_name: str
    period: str
    staff_total: int
    rows: int
    refused: int
    kind: str  # "roster" | "insurance"
    problems: tuple[str, ...] = ()
    sha256: str = ""  # the file previewed: import_list(expect_sha256=...) refuses it if it has changed since
    replaces: StoredList | None = None  # the month's list kept now, which this one would take the place of


@dataclass(frozen=True)
class _ReadList:
    loan: LoanRow
    enterprise: Enterprise
    label: str
    staff: int
    file_name: str
    sha256: str
    got: _ListRows


def _read_list(ws: Workspace, uscc: str, path: Path | str, period: str, staff_total: int | None,
               loan_id: int | None) -> _ReadList:
    ws.require(Permission.IMPORT_ROSTERS)
    month = parse_period(period)
    loan = enterprise_loan(ws, uscc, loan_id)
    if not month_of(date.fromisoformat(loan.start_date)) <= month <= date.fromisoformat(loan.end_date):
        raise ServiceError("track_period_outside", period=period, start=loan.start_date, end=loan.end_date)
    enterprise = ws.store.enterprise(loan.enterprise_id)
    staff = enterprise.staff_total if staff_total is None else staff_total
    if staff < 0:
        raise ServiceError("track_bad_staff", value=staff)
    rf = open_roster(path)
    try:
        found = insurance_sheet(rf)
        got = _roster_rows(ws, enterprise, rf, month) if found is None else _paid_rows(ws, enterprise, rf, found, month)
    except RosterError as exc:
        if exc.code != "roster_header_not_found":
            raise
        # neither layout's header: the roster reading's message names one layout and a wizard this import lacks
        raise ServiceError("track_header_not_found", file=rf.name, sheet=exc.params.get("sheet", ""),
                           rows=exc.params.get("rows", "")) from exc
    finally:
        rf.close()
    return _ReadList(loan, enterprise, f"{month:%Y-%m}", staff, rf.name, rf.sha256, got)


def staff_default(ws: Workspace, uscc: str, period: str, loan_id: int | None = None) -> int:
    """The staff total a period's list is offered with in the window: that of the enterprise's latest list
    up to the period (the month before, as a rule), else the staff total the enterprise registered."""
    month = parse_period(period)
    loan = enterprise_loan(ws, uscc, loan_id)
    earlier = [s for s in tracking_store.current_lists(ws.store, loan.enterprise_id) if parse_period(s.period) <= month]
    return earlier[-1].staff_total if earlier else ws.store.enterprise(loan.enterprise_id).staff_total


def next_period(ws: Workspace, uscc: str, today: date, loan_id: int | None = None) -> str:
    """The month a list brought ``today`` is most likely for (the window offers it): the month after the
    loan's latest list (a month's list comes once the month is over), the loan's first month when it has
    none, never after ``today``'s month."""
    loan = enterprise_loan(ws, uscc, loan_id)
    first = month_of(date.fromisoformat(loan.start_date))
    within = [m for m in (parse_period(s.period) for s in tracking_store.current_lists(ws.store, loan.enterprise_id))
              if first <= m <= date.fromisoformat(loan.end_date)]
    month = add_months(max(within), 1)[0] if within else first
    return f"{max(first, min(month, month_of(today))):%Y-%m}"


def preview_list(ws: Workspace, uscc: str, path: Path | str, *, period: str, staff_total: int | None = None,
                 loan_id: int | None = None) -> ListPreview:
    """Read the file as ``import_list`` would, and say what it would keep, without storing anything."""
    read = _read_list(ws, uscc, path, period, staff_total, loan_id)
    got = read.got
    kept = [s for s in tracking_store.current_lists(ws.store, read.enterprise.id) if s.period == read.label]
    return ListPreview(read.file_name, read.label, read.staff, len(got.rows), got.refused, got.kind,
                       tuple(got.problems), read.sha256, kept[0] if kept else None)


def import_list(ws: Workspace, uscc: str, path: Path | str, *, period: str, staff_total: int | None = None,
                loan_id: int | None = None, expect_sha256: str | None = None) -> ListImport:
    """Keep the valid rows of the roster file as the enterprise's list of ``period`` (YYYY-MM);
    with ``expect_sha256`` (a preview's), only the very file that was previewed."""
    read = _read_list(ws, uscc, path, period, staff_total, loan_id)
    if expect_sha256 is not None and read.sha256 != expect_sha256:
        raise ServiceError("track_list_changed", file=read.file_name)
    got, label, staff = read.got, read.label, read.staff
    rows, refused, kind = got.rows, got.refused, got.kind
    with ws.store.transaction():
        list_id = tracking_store.insert_list(ws.store, read.enterprise.id, period=label, staff_total=staff,
                                             file_name=read.file_name, sha256=read.sha256, rows=rows,
                                             user_id=ws.actor.user_id, kind=kind, insured=got.insured)
        ws.audit("track.import", entity="enterprise", entity_id=read.enterprise.id, detail={
            "period": label, "file": read.file_name, "sha256": read.sha256, "rows": len(rows),
            "refused_rows": refused, "staff_total": staff, "loan_id": read.loan.id, "list_id": list_id,
            "list_kind": kind,
        })
    return ListImport(list_id, label, staff, len(rows), refused, kind, tuple(got.problems))


@dataclass(frozen=True)
class _ListRows:
    rows: list[ListRow]
    refused: int
    kind: str  # "roster" | "insurance"
    problems: list[str]
    insured: dict[str, list[str]] | None  # a payment list's months paid, by ID number


def _roster_rows(ws: Workspace, enterprise: Enterprise, rf: RosterFile, month: date) -> _ListRows:
    """A roster's valid rows, read as an import reads them (at the month's end)."""
    read = read_sheet(ws, enterprise, rf, today=month_end(month))
    valid = [r for r in read.check.rows if r.status == "valid"]
    header = read.check.layout.header_of
    problems = [list_problem(rf.name, p.located(header(p.column)))
                for r in read.check.rows if r.status != "valid" for p in r.errors]
    if not valid:
        raise ServiceError("track_no_valid_rows", rows=len(read.check.rows), first="；".join(problems[:3]))
    rows = list({r.id_number: ListRow(
        r.id_number, r.name, r.hukou_text, r.hukou_code, r.contract_type, r.contract_start, r.contract_end,
        r.hire_date, r.social_insurance) for r in valid}.values())
    return _ListRows(rows, len(read.check.rows) - len(valid), "roster", problems, None)


def _paid_rows(ws: Workspace, enterprise: Enterprise, rf: RosterFile, found: tuple[str, InsuranceLayout],
               month: date) -> _ListRows:
    """A payment list's people paid for the month (社保缴费明细)."""
    paid = read_insurance(ws, enterprise.id, rf, *found, month=month, today=month_end(month))
    if not paid.rows:
        raise ServiceError("track_insurance_no_rows", file=rf.name, period=f"{month:%Y-%m}",
                           people=len(paid.insured), refused=paid.found.refused)
    return _ListRows(paid.rows, paid.found.refused, "insurance", paid.problems, paid.insured)


def _worker(row: ListRow) -> WorkerFacts:
    return WorkerFacts(
        id_number=row.id_number, name=row.name, hukou_code=row.hukou_code, hukou_text=row.hukou_text,
        contract_type=ContractType(row.contract_type),
        contract_start=date.fromisoformat(row.contract_start) if row.contract_start else None,
        contract_end=date.fromisoformat(row.contract_end) if row.contract_end else None,
        social_insurance=None if row.social_insurance is None else bool(row.social_insurance),
    )


def _started(row: ListRow) -> date | None:
    text = row.hire_date or row.contract_start
    return date.fromisoformat(text) if text else None


def approved_decision(ws: Workspace, loan: LoanRow) -> Decision:
    """The decision the loan rests on: the one the approver approved, else the application's latest."""
    case = review_store.case(ws.store, loan.application_id)
    if case.approved_decision_id is not None:
        return eligibility_store.decision(ws.store, case.approved_decision_id).decision
    latest = eligibility_store.latest_decision(ws.store, loan.application_id)
    assert latest is not None, "an approved application has its decision"
    return latest.decision


@dataclass(frozen=True)
class LoanBasis:
    """What every re-verification of a loan reads: the rules, the approval and the lists up to a date."""

    rules: RuleSet
    approved: Decision
    counted: list[CountedWorker]
    lists: list[MonthlyList]


def loan_basis(ws: Workspace, loan: LoanRow, on: date, *, every_month: bool = True) -> LoanBasis:
    """The lists of the months up to ``on``, each worker read as the decision reads them (a worker not
    counted at approval counts when :func:`decide` would count them at the month's end).

    ``every_month=False`` (one check at ``on``): the lists of the last check interval (up to the latest)
    are read in full, an earlier one only for the workers not found counting in a later list — a
    re-verification at ``on`` reads the flags of the interval's lists (each month's standard) and, for
    the others, whether they counted in any month, so its result is the same (a skipped worker is marked
    as counting: they did in a later month). The timeline, which re-verifies at every month's end, needs
    every month's own reading.
    """
    rules = current_rules(ws)
    approved = approved_decision(ws, loan)
    counted = [CountedWorker(o.id_number, o.facts.name, o.facts.priority_group) for o in approved.workers if o.counted]
    counted_ids = {w.id_number for w in counted}
    size = SizeResult(approved.size, approved.size_manual, approved.size_reason, "", approved.size_steps)
    stored = [s for s in tracking_store.current_lists(ws.store, loan.enterprise_id)
              if parse_period(s.period) <= month_of(on)]
    rows = tracking_store.list_rows(ws.store, [s.id for s in stored])
    lists: list[MonthlyList] = []
    counting_later: set[str] = set()  # workers not counted at approval, found counting in a later list
    # the check interval's lists (the latest's included) are read in full: reverify judges each month's standard
    full_from = add_months(parse_period(stored[-1].period), 1 - rules.tracking.check_interval_months)[0] \
        if stored else on
    try:
        for s in reversed(stored):  # the latest first
            month = parse_period(s.period)
            facts = EnterpriseFacts(approved.enterprise_name, approved.uscc, approved.county_code, s.staff_total, size)
            mine = rows.get(s.id, [])
            # the counted workers count by being on the list; the others as the decision would count them
            known = counted_ids if every_month or month >= full_from else counted_ids | counting_later
            others = [_worker(r) for r in mine if r.id_number not in known]
            counts = dict.fromkeys(known, True)
            if others:
                found = counted_workers(rules, facts, min(month_end(month), on), others, areas=ws.areas)
                counts.update(found)
                counting_later.update(n for n, counts_here in found.items() if counts_here)
            lists.append(MonthlyList(month, s.staff_total, {r.id_number: ListedWorker(
                r.id_number, r.name, paired=counts.get(r.id_number, False), started=_started(r)) for r in mine}))
    except EligibilityError as exc:
        raise ServiceError("track_refused", message=str(exc)) from exc
    lists.reverse()
    return LoanBasis(rules, approved, counted, lists)


def reverify_basis(basis: LoanBasis, loan: LoanRow, on: date) -> Reverification:
    try:
        return reverify(basis.rules, basis.rules.tracking, size=basis.approved.size, counted=basis.counted,
                        lists=basis.lists, on=on, since=date.fromisoformat(loan.start_date))
    except EligibilityError as exc:
        raise ServiceError("track_refused", message=str(exc)) from exc


def reverify_loan(ws: Workspace, loan: LoanRow, on: date) -> Reverification:
    """The re-verification of ``loan`` at ``on`` (nothing saved)."""
    if on < date.fromisoformat(loan.start_date):
        raise ServiceError("track_check_before_loan", date=on.isoformat(), start=loan.start_date)
    return reverify_basis(loan_basis(ws, loan, on, every_month=False), loan, on)


def workers_required(count_required: int, share_required: Fraction, staff_total: int) -> int:
    """The fewest counted workers that meet the standard at this staff total (by count or by share)."""
    if staff_total <= 0:
        return count_required
    return min(count_required, math.ceil(share_required * staff_total))


def _payload(result: Reverification) -> dict[str, object]:
    standard = result.standard
    return {
        "steps": [p.text() for p in result.steps],
        "standard": {
            "kind": standard.kind.value, "count_required": standard.count_required,
            "share_required": f"{standard.share_required.numerator}/{standard.share_required.denominator}",
            "workers_required": workers_required(standard.count_required, standard.share_required,
                                                 result.staff_total),
        },
        "still_employed": list(result.still_employed), "left": list(result.left),
        "new_paired": list(result.new_paired),
        "spans": [{
            "id_number": s.id_number, "name": s.name, "counted": s.counted, "employed": s.employed,
            "start": s.start.isoformat() if s.start else None, "end": s.end.isoformat() if s.end else None,
            "months": s.months, "days": s.days, "reaches": s.reaches,
        } for s in result.spans.values()],
    }


def check(ws: Workspace, uscc: str, on: date, *, loan_id: int | None = None) -> CheckResult:
    """Re-verify the enterprise's loan at ``on`` and keep the result as a new record."""
    ws.require(Permission.EDIT_ENTERPRISES)
    loan = enterprise_loan(ws, uscc, loan_id)
    result = reverify_loan(ws, loan, on)
    version = current_rules(ws).version
    with ws.store.transaction():
        check_id = tracking_store.insert_check(
            ws.store, loan.id, check_date=on.isoformat(), verdict=result.verdict.value,
            needs_attention=result.needs_attention, qualifying=result.qualifying, staff_total=result.staff_total,
            latest_period=f"{result.latest_month:%Y-%m}", ruleset_version=version, payload=_payload(result),
            user_id=ws.actor.user_id)
        ws.audit("track.check", entity="loan", entity_id=loan.id, detail={
            "check_date": on.isoformat(), "verdict": result.verdict.value, "qualifying": result.qualifying,
            "staff_total": result.staff_total, "latest_period": f"{result.latest_month:%Y-%m}",
            "needs_attention": result.needs_attention, "check_id": check_id, "ruleset_version": version,
        })
    return CheckResult(check_id, loan, result)


def answer_check(ws: Workspace, check_id: int, outcome: Outcome, *, reason: str = "") -> StoredCheck:
    """The approver's answer to a 不达标 check: 确认 (the enterprise is 需关注) or 退回 with a reason.

    The approver must not be the person who ran the check (two persons, as for an approval);
    the answer and its audit entry are written in one transaction, once per check.
    """
    ws.require(Permission.APPROVE_REVIEW)
    with ws.store.transaction():
        stored = tracking_store.check_by_id(ws.store, check_id)
        if stored is None or stored.loan_id not in {loan.id for loan in loan_store.loans(ws.store, ws.office.id)}:
            raise ServiceError("track_check_not_found", check_id=check_id)
        answered = None if stored.answer is None else (
            stored.answer.answered_by_name, stored.answer.answered_at[:16].replace("T", " "),
            Outcome(stored.answer.outcome))
        facts = ConfirmFacts(check_id, stored.verdict, Verdict(stored.verdict).label, stored.created_by, answered)
        try:
            check_confirmation(facts, person(ws), outcome, reason=reason)
        except ReviewError as exc:
            raise ServiceError(exc.code, **exc.params) from exc
        assert ws.actor.user_id is not None  # the rule refuses a person without an account
        tracking_store.insert_answer(ws.store, check_id, outcome=outcome.value, reason=reason.strip(),
                                     user_id=ws.actor.user_id)
        ws.audit("track.confirm" if outcome is Outcome.CONFIRMED else "track.return", entity="loan", entity_id=stored.loan_id, detail={
            "check_id": check_id, "check_date": stored.check_date, "verdict": stored.verdict,
            "checked_by": stored.created_by, **({"reason": reason.strip()} if reason.strip() else {}),
        })
    found = tracking_store.check_by_id(ws.store, check_id)
    assert found is not None
    return found


def confirm_check(ws: Workspace, check_id: int) -> StoredCheck:
    return answer_check(ws, check_id, Outcome.CONFIRMED)


def return_check(ws: Workspace, check_id: int, reason: str) -> StoredCheck:
    return answer_check(ws, check_id, Outcome.RETURNED, reason=reason)


def checks(ws: Workspace, uscc: str, loan_id: int | None = None) -> list[StoredCheck]:
    """Every re-verification of the enterprise's loan, oldest first."""
    return tracking_store.checks(ws.store, enterprise_loan(ws, uscc, loan_id).id)


def next_due(loan: LoanRow, last: StoredCheck | None, interval: int) -> date | None:
    """The first scheduled date (start + k × interval months) after the last check; None after the loan's end."""
    start, end = date.fromisoformat(loan.start_date), date.fromisoformat(loan.end_date)
    after = date.fromisoformat(last.check_date) if last else start
    k = 1
    while True:
        scheduled = add_months(start, k * interval)[0]
        if scheduled > end:
            return None
        if scheduled > after:
            return scheduled
        k += 1


def loan_overview(ws: Workspace, on: date) -> list[DueCheck]:
    """Every loan of the office with its next check (None after the loan's end) and its latest check."""
    interval = tracking_rules(ws).check_interval_months
    loans = loan_store.loans(ws.store, ws.office.id)
    last = tracking_store.last_checks(ws.store, [loan.id for loan in loans])
    found = []
    for loan in loans:
        when = next_due(loan, last.get(loan.id), interval)
        found.append(DueCheck(loan, when, when is not None and when < on, last.get(loan.id)))
    return found


def due(ws: Workspace, on: date, *, within_days: int = DUE_SOON_DAYS) -> list[DueCheck]:
    """The loans whose next check falls on or before ``on`` + ``within_days``, the earliest first."""
    found = [d for d in loan_overview(ws, on) if d.due_on is not None and d.due_on <= on + timedelta(days=within_days)]
    return sorted(found, key=lambda d: (d.due_on or on, d.loan.id))
