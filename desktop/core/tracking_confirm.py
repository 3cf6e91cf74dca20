"""不达标 needs a second person (issue 14, 3): the approver confirms a re-verification below the standard.

A check is computed and kept by whoever ran it (a clerk, usually). When its
result is 不达标 the enterprise is not yet 需关注: the check shows 待确认 until
an approver who did not run it confirms it (确认不达标), or returns it with a
reason (退回: the lists are to be looked at again and a new check made). This
is the two-person rule of an approval (:mod:`desktop.core.review`): the
person who prepared may not also approve, a clerk may not approve at all.

Plain rules over plain facts, like :func:`desktop.core.review.check`: the
service reads the check and any earlier answer inside the transaction that
writes the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission, allowed
from desktop.core.review import Person, ReviewError

__all__ = ["CONFIRM_CODES", "Confirmation", "ConfirmFacts", "Outcome", "check_confirmation", "state_of"]


class Outcome(str, Enum):
    """The approver's answer to a 不达标 check."""

    CONFIRMED = "confirmed"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


class Confirmation(str, Enum):
    """Where a check stands with the approver."""

    NOT_NEEDED = "not_needed"  # 达标 or 有风险: nothing to confirm
    PENDING = "pending"  # 不达标, waiting for the approver: 待确认
    CONFIRMED = "confirmed"  # 不达标 confirmed: the enterprise is 需关注
    RETURNED = "returned"  # the approver did not confirm it: check again

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.CONFIRMED: QT_TRANSLATE_NOOP("tracking", "确认不达标"),
    Outcome.RETURNED: QT_TRANSLATE_NOOP("tracking", "退回重新核实"),
}
_STATE_LABELS = {
    Confirmation.NOT_NEEDED: QT_TRANSLATE_NOOP("tracking", "无须确认"),
    Confirmation.PENDING: QT_TRANSLATE_NOOP("tracking", "待确认"),
    Confirmation.CONFIRMED: QT_TRANSLATE_NOOP("tracking", "需关注"),
    Confirmation.RETURNED: QT_TRANSLATE_NOOP("tracking", "已退回"),
}

NEEDS: Final = Permission.APPROVE_REVIEW
NOT_MET: Final = "not_met"  # desktop.core.tracking.Verdict.NOT_MET's value

MESSAGES.update({
    "trk_confirm_not_needed": QT_TRANSLATE_NOOP(
        "problems", "核实{check_id}的结论是“{verdict}”：只有“不达标”须审核人确认"),
    "trk_confirm_forbidden": QT_TRANSLATE_NOOP("problems", "{role}无权{step}：须由审核人办理"),
    "trk_confirm_needs_account": QT_TRANSLATE_NOOP("problems", "{step}须由已登录的用户操作"),
    "trk_confirm_self": QT_TRANSLATE_NOOP(
        "problems", "不能{step}自己做的核实：须由核实人以外的另一位审核人办理"),
    "trk_confirm_reason": QT_TRANSLATE_NOOP("problems", "{step}须写明理由"),
    "trk_confirm_done": QT_TRANSLATE_NOOP(
        "problems", "核实{check_id}已由{user}于{at}{outcome}，不能再改；如需改变，请重新核实"),
})
CONFIRM_CODES: Final = ("trk_confirm_not_needed", "trk_confirm_forbidden", "trk_confirm_needs_account",
                        "trk_confirm_self", "trk_confirm_reason", "trk_confirm_done")


@dataclass(frozen=True)
class ConfirmFacts:
    """One check as the rule needs it, read in the deciding transaction."""

    check_id: int
    verdict: str  # Verdict value
    verdict_label: str
    checked_by: int | None  # who ran the check
    answered: tuple[str, str, Outcome] | None = None  # (user, at, outcome) of an earlier answer


def state_of(verdict: str, outcome: Outcome | str | None) -> Confirmation:
    if verdict != NOT_MET:
        return Confirmation.NOT_NEEDED
    if outcome is None:
        return Confirmation.PENDING
    return Confirmation.CONFIRMED if Outcome(outcome) is Outcome.CONFIRMED else Confirmation.RETURNED


def check_confirmation(facts: ConfirmFacts, who: Person, outcome: Outcome, *, reason: str = "") -> None:
    """Refuse (:class:`~desktop.core.review.ReviewError`) unless ``who`` may give this answer now.

    The order is the one a person can act on: the check's result, the right to act, an
    account, a different person, the reason (returning needs one), an answer given already.
    """
    step = outcome.label
    if facts.verdict != NOT_MET:
        raise ReviewError("trk_confirm_not_needed", check_id=facts.check_id, verdict=facts.verdict_label)
    if not allowed(who.role, NEEDS):
        raise ReviewError("trk_confirm_forbidden", role=who.role_label, step=step)
    if who.user_id is None:
        raise ReviewError("trk_confirm_needs_account", step=step)
    if facts.checked_by is not None and facts.checked_by == who.user_id:
        raise ReviewError("trk_confirm_self", step=step)
    if outcome is Outcome.RETURNED and not reason.strip():
        raise ReviewError("trk_confirm_reason", step=step)
    if facts.answered is not None:
        user, at, earlier = facts.answered
        raise ReviewError("trk_confirm_done", check_id=facts.check_id, user=user, at=at, outcome=earlier.label)
