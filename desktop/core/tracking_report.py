"""The tracking report of one loan (跟踪评估报告, issue 14 item 5), as plain values.

The service fills it from the loan, the approval it rests on and every
re-verification kept for it; the letters adapter prints it in the letter's
style. Nothing here reads a file or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

TITLE = "劳务协作贷款跟踪评估报告"
CHECK_COLUMNS = ("序号", "核实日期", "名单截至", "职工总数", "计入人数", "达标所需", "结论")


@dataclass(frozen=True)
class CheckLine:
    """One re-verification as it was made (kept, never changed)."""

    check_date: str
    latest_period: str  # YYYY-MM of the latest list used
    verdict: str  # met / at_risk / not_met
    verdict_label: str  # 达标 / 有风险 / 不达标
    needs_attention: bool
    qualifying: int
    staff_total: int
    required: int | None  # the fewest workers meeting the standard then; None in checks kept before it was recorded
    steps: tuple[str, ...]
    made_by: str
    ruleset_version: str
    state_label: str = ""  # a 不达标 check with the approver: 待确认 / 需关注 (confirmed) / 已退回
    answer: str = ""  # the approver's answer, in a sentence

    @property
    def conclusion(self) -> str:
        if not self.needs_attention:
            return self.verdict_label
        return f"{self.verdict_label}（{self.state_label or '需关注'}）"


@dataclass(frozen=True)
class TrackingReport:
    office_name: str
    enterprise_name: str
    uscc: str
    loan_rows: tuple[tuple[str, str], ...]  # (label, value) of the loan, in order
    approval: str  # one sentence: what the approval counted, and the letter
    acknowledged: tuple[str, ...]  # warnings the clerk confirmed when the loan was recorded
    checks: tuple[CheckLine, ...]
    next_due: str  # "" when no check is due any more
    made_on: date
    made_by: str

    @property
    def title(self) -> str:
        return TITLE

    def summary(self) -> str:
        """The opening paragraph: how many checks, the latest result."""
        if not self.checks:
            return (f"{self.enterprise_name}的贷款尚未核实。"
                    + (f"首次核实应在{self.next_due}前完成。" if self.next_due else ""))
        last = self.checks[-1]
        below = sum(1 for c in self.checks if c.needs_attention)
        text = (f"贷款期内共核实{len(self.checks)}次，最近一次（{last.check_date}）结论为{last.conclusion}，"
                f"计入对口地区人员{last.qualifying}人")
        if last.required is not None:
            text += f"，达标至少需{last.required}人"
        text += "。"
        if below:
            text += f"其中{below}次未达到认定标准。"
        if self.next_due:
            text += f"下次核实应在{self.next_due}前完成。"
        else:
            text += "贷款期内的核实已全部到期。"
        return text

    def table(self) -> list[tuple[str, ...]]:
        """The rows of the checks table (CHECK_COLUMNS)."""
        return [(str(i), c.check_date, c.latest_period, str(c.staff_total), str(c.qualifying),
                 "—" if c.required is None else str(c.required), c.conclusion)
                for i, c in enumerate(self.checks, start=1)]
