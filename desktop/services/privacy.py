"""Personal data on screen and paper: masked by default, shown in full only to
a permitted user, and every such showing recorded (个人信息保护法; GB/T 35273)."""

from __future__ import annotations

from desktop.core.identifiers import mask_id, mask_phone
from desktop.core.permissions import Permission
from desktop.services.workspace import Workspace


# The purpose recorded when a permitted user's roster search finds rows by digits the mask hides.
HIDDEN_DIGITS_PURPOSE = "按身份证号码或电话的隐藏位搜索名册"


def shown_id(number: str) -> str:
    return mask_id(number)


def shown_phone(phone: str) -> str:
    return mask_phone(phone)


def unmask(ws: Workspace, *, purpose: str, subjects: list[str], entity: str = "person",
           count: int | None = None) -> None:
    """Check the right to see full numbers and record that they were seen or exported.

    `subjects` are the rows' ids (never the numbers themselves: the audit log
    must not become a second copy of the personal data), every one of them, so
    that the log answers who saw a given person's number.
    """
    ws.require(Permission.UNMASK_PERSONAL_DATA)
    with ws.store.transaction():
        ws.audit("pii.unmask", entity=entity, entity_id=",".join(subjects),
                 detail={"purpose": purpose, "count": count if count is not None else len(subjects)})


def show_full_ids(ws: Workspace, *, wanted: bool, purpose: str, enterprise_id: int, count: int) -> bool:
    """Whether an output (a command's --json) carries full ID numbers: asked for and allowed, and then logged."""
    if not wanted or not ws.can(Permission.UNMASK_PERSONAL_DATA):
        return False
    unmask(ws, purpose=purpose, subjects=[str(enterprise_id)], entity="enterprise", count=count)
    return True


def reveal_person(ws: Workspace, person_id: int, purpose: str = "查看") -> tuple[str, str]:
    """The full ID number and phone of one person, logged."""
    unmask(ws, purpose=purpose, subjects=[str(person_id)])
    return ws.store.person_contact(person_id)
