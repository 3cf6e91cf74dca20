"""The office's labor-cooperation agreements (劳务协作协议): list, record, end.

The office starts from the province's paired-area list (``desktop.services.policy``);
recording an agreement with a source county gives that county dates: from then
on its workers count only while an agreement is in force on the review date
(:mod:`desktop.core.agreements`). A county anywhere in China may be added (the
national GB/T 2260 table). Every change needs ``OFFICE_SETTINGS`` and is
audited in the same transaction; an agreement is never deleted, it is ended
by giving it a last day. The agreements are part of the rule set's version
(:func:`desktop.services.policy.office_rules`), so a decision made after a
change carries a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from desktop.core.agreements import Agreement, AgreementBook, AgreementStatus
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.services import policy as policy_service
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store import agreements as agreement_store
from desktop.store.agreements import AgreementRow

REFERENCE_MAX: Final = 200
NOTE_MAX: Final = 500

SERVICE_MESSAGES.update({
    "agreement_reference_required": QT_TRANSLATE_NOOP(
        "service", "请填写劳务协作协议的文号或名称（如“延吉市—汪清县劳务协作协议 2024-03号”）。"),
    "agreement_reference_long": QT_TRANSLATE_NOOP("service", "协议文号或名称不能超过{max}个字（现有{length}个）。"),
    "agreement_note_long": QT_TRANSLATE_NOOP("service", "说明不能超过{max}个字（现有{length}个）。"),
    "agreement_ends_before_start": QT_TRANSLATE_NOOP(
        "service", "协议终止日{ends}早于起始日{starts}，请核对协议期限。"),
    "agreement_overlaps": QT_TRANSLATE_NOOP(
        "service", "与{county}已登记的协议“{reference}”（{period}）期限重叠。请先终止原协议，或核对日期。"),
    "agreement_unknown": QT_TRANSLATE_NOOP("service", "没有编号为 {id} 的劳务协作协议。"),
    "agreement_already_ends": QT_TRANSLATE_NOOP(
        "service", "协议“{reference}”已于{ends}终止，不能改到更晚的{new}；如续签，请登记新的协议。"),
})

def period_text(starts: str, ends: str | None) -> str:
    return f"{starts}至{ends or '长期'}"


def _agreement(row: AgreementRow) -> Agreement:
    return Agreement(row.county_code, row.reference, date.fromisoformat(row.starts),
                     date.fromisoformat(row.ends) if row.ends else None, row.id)


def list_agreements(ws: Workspace) -> list[AgreementRow]:
    return agreement_store.agreements(ws.store)


def agreement_book(ws: Workspace) -> AgreementBook:
    """What the eligibility rules read: the office's agreements, by county."""
    return AgreementBook(_agreement(row) for row in agreement_store.agreements(ws.store))


@dataclass(frozen=True)
class CountyStanding:
    """One source county as it stands on a day: by the province's list, or by its agreements."""

    code: str
    label: str  # 汪清县（222424）
    on_list: bool
    status: AgreementStatus | None  # None: no agreement recorded, the list decides
    agreements: tuple[AgreementRow, ...]
    local: bool = False  # the office's own county: a local hire, not counted (unless the policy says so)

    @property
    def paired(self) -> bool:
        if self.local:
            return False
        return self.status.state == "in_force" if self.status is not None else self.on_list


def standings(ws: Workspace, day: date) -> list[CountyStanding]:
    """Every county on the list or with an agreement, in code order, as it stands on ``day``."""
    rows = agreement_store.agreements(ws.store)
    book = AgreementBook(_agreement(row) for row in rows)
    listed = policy_service.paired_areas(ws).counties
    home = None if policy_service.office_rules(ws).labor.local_workers_count else ws.office.code
    result = []
    for code in sorted(listed | book.counties):
        result.append(CountyStanding(
            code=code, label=policy_service.county_label(ws, code), on_list=code in listed,
            status=book.status(code, day), agreements=tuple(r for r in rows if r.county_code == code),
            local=code == home))
    return result


def _text(value: str, *, required: str, too_long: str, maximum: int) -> str:
    value = " ".join(value.split())
    if required and not value:
        raise ServiceError(required)
    if len(value) > maximum:
        raise ServiceError(too_long, max=maximum, length=len(value))
    return value


def add_agreement(ws: Workspace, county_code: str, reference: str, starts: date, ends: date | None = None,
                  note: str = "") -> AgreementRow:
    """Record an agreement with a source county (a current county code anywhere in China)."""
    ws.require(Permission.OFFICE_SETTINGS)
    county_code = county_code.strip()
    policy_service.check_county(ws, county_code)
    reference = _text(reference, required="agreement_reference_required", too_long="agreement_reference_long",
                      maximum=REFERENCE_MAX)
    note = _text(note, required="", too_long="agreement_note_long", maximum=NOTE_MAX)
    if ends is not None and ends < starts:
        raise ServiceError("agreement_ends_before_start", starts=starts.isoformat(), ends=ends.isoformat())
    new = Agreement(county_code, reference, starts, ends)
    with ws.store.transaction():
        for other in agreement_store.agreements(ws.store):
            if other.county_code == county_code and _overlap(_agreement(other), new):
                raise ServiceError("agreement_overlaps", county=policy_service.county_label(ws, county_code),
                                   reference=other.reference, period=period_text(other.starts, other.ends))
        agreement_id = agreement_store.insert_agreement(
            ws.store, county_code, reference, starts.isoformat(), ends.isoformat() if ends else None, note,
            user_id=ws.actor.user_id)
        ws.audit("agreement.add", entity="agreement", entity_id=agreement_id, detail={
            "county": county_code, "agreement_ref": reference, "starts": starts.isoformat(),
            "ends": ends.isoformat() if ends else None, "note": note,
        })
        row = agreement_store.agreement(ws.store, agreement_id)
    assert row is not None
    return row


def end_agreement(ws: Workspace, agreement_id: int, ends: date) -> AgreementRow:
    """Give an agreement its last day (in force on that day, not after)."""
    ws.require(Permission.OFFICE_SETTINGS)
    with ws.store.transaction():
        row = agreement_store.agreement(ws.store, agreement_id)
        if row is None:
            raise ServiceError("agreement_unknown", id=agreement_id)
        if ends < date.fromisoformat(row.starts):
            raise ServiceError("agreement_ends_before_start", starts=row.starts, ends=ends.isoformat())
        if row.ends is not None and ends.isoformat() >= row.ends:
            raise ServiceError("agreement_already_ends", reference=row.reference, ends=row.ends,
                               new=ends.isoformat())
        agreement_store.end_agreement(ws.store, agreement_id, ends.isoformat(), user_id=ws.actor.user_id)
        ws.audit("agreement.end", entity="agreement", entity_id=agreement_id, detail={
            "county": row.county_code, "agreement_ref": row.reference, "starts": row.starts,
            "ends": ends.isoformat(), "ends_before": row.ends,
        })
        changed = agreement_store.agreement(ws.store, agreement_id)
    assert changed is not None
    return changed


def _overlap(a: Agreement, b: Agreement) -> bool:
    return (a.ends is None or b.starts <= a.ends) and (b.ends is None or a.starts <= b.ends)
