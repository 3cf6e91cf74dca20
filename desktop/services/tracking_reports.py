"""Reports of the loan period (issue 14 item 5): one loan's tracking report, every loan's status.

* :func:`report` gathers one loan, the approval it rests on and every
  re-verification kept for it (:class:`desktop.core.tracking_report.TrackingReport`);
  :func:`report_pdf` prints it in the letter's style
  (:mod:`desktop.letters.tracking_report`), :func:`save_report_pdf` writes it
  whole or not at all. ``laoxie track report USCC --out FILE.pdf`` and the 跟踪
  page's 跟踪报告… call these.
* :func:`loan_statuses` lists every loan with its latest check and the next one
  due — the office's own at a county, every county's (as their batches brought
  them) at the province; :func:`loans_workbook` is that list as a workbook for
  the province and the bank (``laoxie track report --all --out FILE.xlsx``,
  贷款状态表… on the 跟踪 page).

Both are outputs, not changes; each is still logged (``track.report``,
``track.workbook``) because it leaves the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop.batches.files import write_verified
from desktop.core.letter import LetterError
from desktop.core.messages import Problem
from desktop.core.tracking import Verdict
from desktop.core.tracking_confirm import Outcome
from desktop.core.tracking_report import CheckLine, TrackingReport
from desktop.letters.tracking_report import render_tracking_report
from desktop.rosters.sheets import list_workbook
from desktop.services import tracking
from desktop.services.errors import ServiceError
from desktop.services.letter_settings import fonts
from desktop.services.workspace import Workspace
from desktop.store import letters as store_letters
from desktop.store import loans as loan_store
from desktop.store import tracking as tracking_store
from desktop.store.loans import LoanRow
from desktop.store.tracking import StoredCheck


def _user_names(ws: Workspace) -> dict[int, str]:
    names: dict[int, str] = {}
    for user in ws.store.users(ws.office.id):
        names[int(user["id"])] = str(user["display_name"] or user["username"])
    return names


def check_line(check: StoredCheck, names: dict[int, str]) -> CheckLine:
    standard = check.payload.get("standard") or {}
    required = standard.get("workers_required")
    return CheckLine(
        check_date=check.check_date, latest_period=check.latest_period, verdict=check.verdict,
        verdict_label=Verdict(check.verdict).label, needs_attention=check.needs_attention,
        qualifying=check.qualifying, staff_total=check.staff_total,
        required=int(required) if isinstance(required, int) else None,
        steps=tuple(str(s) for s in check.payload.get("steps", [])),
        made_by=names.get(check.created_by or 0, ""), ruleset_version=check.ruleset_version,
        state_label=check.confirmation.label if check.needs_attention else "", answer=_answer(check),
    )


def _answer(check: StoredCheck) -> str:
    answer = check.answer
    if answer is None:
        return ""
    text = f"{Outcome(answer.outcome).label}：{answer.answered_by_name}，{answer.answered_at[:10]}"
    return text + (f"，理由：{answer.reason}" if answer.reason else "") + "。"


def loan_rows(loan: LoanRow) -> tuple[tuple[str, str], ...]:
    tenor = Problem("lpr_" + loan.lpr_tenor).text()
    return (
        ("贷款银行", loan.bank_branch), ("借款合同编号", loan.contract_number),
        ("贷款金额（万元）", loan.amount_wan), ("贷款期限", f"{loan.term_months}个月"),
        ("起始日期", loan.start_date), ("到期日期", loan.end_date),
        ("年利率", f"{loan.rate}%"), ("对照LPR", f"{tenor} {loan.lpr_value}%（{loan.lpr_effective_from}起）"),
        ("优惠期截至", loan.preferential_end or "—"), ("登记日期", loan.created_at[:10]),
    )


def _approval(ws: Workspace, loan: LoanRow) -> str:
    decision = tracking.approved_decision(ws, loan)
    text = (f"审核日期{decision.review_date}，计入对口地区人员{decision.qualifying_count}人，"
            f"职工总数{decision.staff_total}人，适用{decision.standard.kind.label}，{decision.final_result.label}")
    if decision.priority_claimed is not None:
        text += f"；重点群体申报{decision.priority_claimed}人、已核实{decision.priority_verified or 0}人"
    letter = store_letters.in_force(ws.store, loan.application_id)
    if letter is not None:
        text += f"；确认书{letter.number}"
    return text + "。"


def report(ws: Workspace, uscc: str, *, loan_id: int | None = None, on: date | None = None) -> TrackingReport:
    """The tracking report of the enterprise's loan (the one named, else its latest) as of ``on``."""
    loan = tracking.enterprise_loan(ws, uscc, loan_id)
    day = on or date.today()
    kept = tracking_store.checks(ws.store, loan.id)
    names = _user_names(ws)
    last = max(kept, key=lambda c: (c.check_date, c.id)) if kept else None
    due = tracking.next_due(loan, last, tracking.tracking_rules(ws).check_interval_months)
    return TrackingReport(
        office_name=ws.office.name, enterprise_name=loan.enterprise_name, uscc=loan.uscc,
        loan_rows=loan_rows(loan), approval=_approval(ws, loan),
        acknowledged=tuple(str(w.get("text", "")) for w in loan.warnings),
        checks=tuple(check_line(c, names) for c in sorted(kept, key=lambda c: (c.check_date, c.id))),
        next_due=due.isoformat() if due else "", made_on=day,
        made_by=ws.actor.shown_name,
    )


def report_pdf(ws: Workspace, uscc: str, *, loan_id: int | None = None, on: date | None = None) -> bytes:
    content = report(ws, uscc, loan_id=loan_id, on=on)
    try:
        pdf = render_tracking_report(content, fonts(ws))
    except LetterError as exc:
        raise ServiceError(exc.code, **exc.params) from exc
    loan = tracking.enterprise_loan(ws, uscc, loan_id)
    with ws.store.transaction():
        ws.audit("track.report", entity="loan", entity_id=loan.id, detail={
            "checks": len(content.checks), "report_date": content.made_on.isoformat()})
    return pdf


def save_report_pdf(ws: Workspace, uscc: str, target: Path, *, loan_id: int | None = None,
                    on: date | None = None) -> Path:
    """The report written to ``target`` whole or not at all."""
    return write_verified(target, report_pdf(ws, uscc, loan_id=loan_id, on=on))


# --------------------------------------------------------------------------
# Every loan's status


@dataclass(frozen=True)
class LoanStatus:
    loan: LoanRow
    checks: int
    last: CheckLine | None
    due_on: date | None  # None: no check due any more
    overdue: bool
    state: str  # 核实状态, as the 跟踪 page says it (:func:`desktop.services.tracking.due_state`)


def loan_statuses(ws: Workspace, on: date) -> list[LoanStatus]:
    """Every loan (the office's; every county's at the province) with its latest check and next due date."""
    office_id = None if ws.office.kind == "province" else ws.office.id
    loans = loan_store.loans(ws.store, office_id)
    interval = tracking.tracking_rules(ws).check_interval_months
    last = tracking_store.last_checks(ws.store, [loan.id for loan in loans])
    counts = tracking_store.check_counts(ws.store, [loan.id for loan in loans])
    names = _user_names(ws)
    found = []
    for loan in loans:
        latest = last.get(loan.id)
        due = tracking.next_due(loan, latest, interval)
        found.append(LoanStatus(loan, counts.get(loan.id, 0), check_line(latest, names) if latest else None, due,
                                due is not None and due < on, tracking.due_state(due, on)))
    return found


WORKBOOK_COLUMNS = (
    ("县（市、区）", 18), ("企业名称", 30), ("统一社会信用代码", 22), ("贷款银行", 24), ("借款合同编号", 20),
    ("贷款金额（万元）", 12), ("起始日期", 12), ("到期日期", 12), ("期限（月）", 8), ("年利率（%）", 10),
    ("对照LPR（%）", 10), ("优惠期截至", 12), ("核实次数", 8), ("最近核实日期", 12), ("最近核实结论", 12),
    ("确认状态", 10), ("计入人数", 8), ("达标所需人数", 10), ("职工总数", 8), ("名单截至", 10), ("下次核实", 12),
    ("核实状态", 10),
)
_TEXT_COLUMNS = (0, 2, 4)  # county, USCC, contract number: never numbers


def workbook_rows(statuses: list[LoanStatus]) -> list[list[object]]:
    rows: list[list[object]] = []
    for s in statuses:
        loan, last = s.loan, s.last
        rows.append([
            f"{loan.county_name}（{loan.county_code}）", loan.enterprise_name, loan.uscc, loan.bank_branch,
            loan.contract_number, float(loan.amount_wan), loan.start_date, loan.end_date, loan.term_months,
            float(loan.rate), float(loan.lpr_value), loan.preferential_end or "", s.checks,
            last.check_date if last else "", last.verdict_label if last else "尚未核实",
            last.state_label if last else "", last.qualifying if last else None,
            last.required if last else None, last.staff_total if last else None,
            last.latest_period if last else "", s.due_on.isoformat() if s.due_on else "", s.state,
        ])
    return rows


def loans_workbook(ws: Workspace, on: date | None = None) -> bytes:
    day = on or date.today()
    statuses = loan_statuses(ws, day)
    data = list_workbook(f"贷款跟踪状态 {day.isoformat()}", WORKBOOK_COLUMNS, workbook_rows(statuses), _TEXT_COLUMNS)
    with ws.store.transaction():
        ws.audit("track.workbook", entity="office", entity_id=ws.office.id, detail={
            "loans": len(statuses), "report_date": day.isoformat()})
    return data


def save_loans_workbook(ws: Workspace, target: Path, on: date | None = None) -> Path:
    """Every loan's status written to ``target`` whole or not at all."""
    return write_verified(target, loans_workbook(ws, on))
