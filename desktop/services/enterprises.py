"""Registering and finding enterprises."""

from __future__ import annotations

from dataclasses import asdict

from desktop.core.enterprise import Enterprise, EnterpriseDraft, validate_enterprise
from desktop.core.identifiers import normalize_uscc
from desktop.core.permissions import Permission
from desktop.core.size import SizeResult, decide_size, MissingIndicatorError
from desktop.services.errors import ServiceError, ValidationError
from desktop.services.workspace import Workspace


def _checked(ws: Workspace, draft: EnterpriseDraft) -> EnterpriseDraft:
    ws.require(Permission.EDIT_ENTERPRISES)
    draft = draft.normalised()
    problems = validate_enterprise(draft, ws.areas, ws.sizes)
    if problems:
        raise ValidationError(problems)
    return draft


def add_enterprise(ws: Workspace, draft: EnterpriseDraft) -> Enterprise:
    draft = _checked(ws, draft)
    with ws.store.transaction():
        enterprise_id = ws.store.insert_enterprise(ws.office.id, draft)
        ws.audit("enterprise.create", entity="enterprise", entity_id=enterprise_id,
                 detail={"uscc": draft.uscc, "name": draft.name})
    return ws.store.enterprise(enterprise_id)


def update_enterprise(ws: Workspace, enterprise_id: int, draft: EnterpriseDraft) -> Enterprise:
    draft = _checked(ws, draft)
    from desktop.services.reviews import ensure_enterprise_editable  # reviews builds on enterprises

    ensure_enterprise_editable(ws, enterprise_id)  # the facts an approved decision rests on stay put
    before = ws.store.enterprise(enterprise_id)
    old, new = asdict(before.draft()), asdict(draft)
    changes = {k: {"before": old[k], "after": new[k]} for k in new if old[k] != new[k]}
    if not changes:
        return before
    with ws.store.transaction():
        ws.store.update_enterprise(enterprise_id, draft)
        ws.audit("enterprise.update", entity="enterprise", entity_id=enterprise_id,
                 detail={"uscc": draft.uscc, "changes": changes})
    return ws.store.enterprise(enterprise_id)


def get_enterprise(ws: Workspace, enterprise_id: int) -> Enterprise:
    """The enterprise with this id (StoreError "not_found" when it is gone)."""
    return ws.store.enterprise(enterprise_id)


def find_enterprise(ws: Workspace, uscc: str) -> Enterprise:
    found = ws.store.enterprise_by_uscc(ws.office.id, normalize_uscc(uscc))
    if found is None:
        raise ServiceError("enterprise_not_found", uscc=uscc)
    return found


def list_enterprises(ws: Workspace, search: str = "", *, limit: int = 1000, offset: int = 0) -> list[Enterprise]:
    return ws.store.search_enterprises(ws.office.id, search, limit=limit, offset=offset)


def count_enterprises(ws: Workspace, search: str = "") -> int:
    return ws.store.count_enterprises(ws.office.id, search)


def enterprise_size(ws: Workspace, enterprise: EnterpriseDraft) -> SizeResult | None:
    """The size under the standard (or as set by hand); None when indicators are missing."""
    try:
        return decide_size(
            ws.sizes, enterprise.industry, staff=enterprise.staff_total,
            revenue_wan=enterprise.revenue_wan, assets_wan=enterprise.assets_wan,
            override=enterprise.size_override, override_reason=enterprise.size_reason,
        )
    except MissingIndicatorError:
        return None
