"""Priority-group workers (重点群体, DOMAIN.md 3.2 and 3.3): claims and verification.

What the enterprise wrote in its roster's 重点群体 column is a claim (企业申报,
``employments.priority_claim``).  A group counts toward the reduced standard
and 优先放贷 once the clerk has verified it (unless the policy data says
claims count): :func:`verify_claims` confirms the claims of a selection with
one evidence reference (e.g. "核对县脱贫人口名单（2026年11月）"), and
:func:`mark_priority` sets a group the clerk found, with its evidence (a
就业困难人员认定 number, a 失业登记证 number, the school and year for a
graduate).  A mark with no evidence is refused: the approver must be able to
check it.  Every change is one transaction with its audit entry, which keeps
the marks as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from desktop.core.permissions import Permission
from desktop.core.workers import PriorityGroup
from desktop.services.errors import ServiceError
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.workspace import Workspace
from desktop.store import priority as priority_store

EVIDENCE_MAX: Final = 200
_AUDIT_IDS: Final = 500  # employment ids listed in one audit entry; the count is always there


def mark_priority(
    ws: Workspace, enterprise_id: int, employment_ids: Sequence[int], group: PriorityGroup | None,
    evidence: str = "",
) -> int:
    """Mark these workers of the enterprise (group None: clear the mark); returns how many changed.

    Refused without the permission, while the enterprise's case is submitted
    or approved, without evidence for a mark, or when an id is not one of the
    enterprise's workers.
    """
    ws.require(Permission.MARK_PRIORITY)
    ensure_enterprise_editable(ws, enterprise_id)
    wanted = list(dict.fromkeys(int(i) for i in employment_ids))
    if not wanted:
        raise ServiceError("no_workers_selected")
    evidence = " ".join(evidence.split())  # one line, no stray spaces
    if group is not None and not evidence:
        raise ServiceError("priority_evidence_required", group=group.label, hint=group.evidence_hint)
    if len(evidence) > EVIDENCE_MAX:
        raise ServiceError("priority_evidence_too_long", limit=EVIDENCE_MAX)
    value = group.value if group is not None else None
    with ws.store.transaction():
        before = priority_store.marks(ws.store, enterprise_id, wanted)
        missing = [i for i in wanted if i not in before]
        if missing:
            raise ServiceError("workers_not_found", count=len(missing))
        changed = [i for i in wanted if (before[i].group, before[i].evidence) != (value, evidence if value else "")]
        if not changed:
            return 0
        priority_store.set_marks(ws.store, changed, value, evidence)
        ws.audit("roster.mark_priority" if value else "roster.unmark_priority", entity="enterprise",
                 entity_id=enterprise_id, detail={
                     "group": value, "evidence": evidence if value else "", "count": len(changed),
                     "employment_ids": changed[:_AUDIT_IDS],
                     "before": [[i, before[i].group, before[i].evidence] for i in changed[:_AUDIT_IDS]],
                 })
    return len(changed)


def verify_claims(ws: Workspace, enterprise_id: int, employment_ids: Sequence[int], evidence: str) -> int:
    """Confirm what the enterprise claimed for these workers, with one evidence reference for all.

    Each worker's claimed group becomes the verified one; workers without a
    claim are left as they are (refused when none of them has one). Returns
    how many changed.
    """
    ws.require(Permission.MARK_PRIORITY)
    ensure_enterprise_editable(ws, enterprise_id)
    wanted = list(dict.fromkeys(int(i) for i in employment_ids))
    if not wanted:
        raise ServiceError("no_workers_selected")
    evidence = " ".join(evidence.split())
    if not evidence:
        raise ServiceError("priority_verify_evidence_required")
    if len(evidence) > EVIDENCE_MAX:
        raise ServiceError("priority_evidence_too_long", limit=EVIDENCE_MAX)
    with ws.store.transaction():
        before = priority_store.marks(ws.store, enterprise_id, wanted)
        missing = [i for i in wanted if i not in before]
        if missing:
            raise ServiceError("workers_not_found", count=len(missing))
        claimed = [i for i in wanted if before[i].claim is not None]
        if not claimed:
            raise ServiceError("priority_no_claims")
        changed = [i for i in claimed if (before[i].group, before[i].evidence) != (before[i].claim, evidence)]
        if not changed:
            return 0
        priority_store.verify_claims(ws.store, changed, evidence)
        ws.audit("roster.verify_priority", entity="enterprise", entity_id=enterprise_id, detail={
            "evidence": evidence, "count": len(changed), "employment_ids": changed[:_AUDIT_IDS],
            "claims": [[i, before[i].claim] for i in changed[:_AUDIT_IDS]],
            "before": [[i, before[i].group, before[i].evidence] for i in changed[:_AUDIT_IDS]],
        })
    return len(changed)


HUKOU_CHECKS: Final = ("checked", "excluded")


def record_hukou_check(ws: Workspace, enterprise_id: int, employment_ids: Sequence[int], check: str | None) -> int:
    """Where an ID number's area differs from the 户籍地: "checked" (已核对户口簿: the 户籍地 stands),
    "excluded" (the worker is not counted), or None (not yet answered). Returns how many changed."""
    ws.require(Permission.MARK_PRIORITY)
    ensure_enterprise_editable(ws, enterprise_id)
    if check is not None and check not in HUKOU_CHECKS:
        raise ValueError(f"not a 户口簿 answer: {check!r}")
    wanted = list(dict.fromkeys(int(i) for i in employment_ids))
    if not wanted:
        raise ServiceError("no_workers_selected")
    with ws.store.transaction():
        before = priority_store.hukou_checks(ws.store, enterprise_id, wanted)
        missing = [i for i in wanted if i not in before]
        if missing:
            raise ServiceError("workers_not_found", count=len(missing))
        changed = [i for i in wanted if before[i] != check]
        if not changed:
            return 0
        priority_store.set_hukou_check(ws.store, changed, check)
        ws.audit("roster.hukou_check", entity="enterprise", entity_id=enterprise_id, detail={
            "check": check, "count": len(changed), "employment_ids": changed[:_AUDIT_IDS],
            "before": [[i, before[i]] for i in changed[:_AUDIT_IDS]],
        })
    return len(changed)


def employments_by_id_number(ws: Workspace, enterprise_id: int, id_numbers: Sequence[str]) -> dict[str, int]:
    """The enterprise's employment id of each of these ID numbers it has on file (the others are left out)."""
    return priority_store.employments_of(ws.store, enterprise_id, id_numbers)
