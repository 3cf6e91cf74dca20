"""Going back from a wrong roster import (issue 15 item 2).

Each import records what it changed (``desktop.store.roster_undo``): the
ids of the persons and employments it added, the rows it updated or made
inactive as they were, and the column mapping it replaced.  Undoing puts
all of it back in one transaction with its audit entry.  This replaces the
verified copy of the whole office every import used to take first (a cost
that grew with the office); the regular verified backups stay (the window's
timer, and before an import when one is due: ``backups.backup_due``).

Only an enterprise's newest import is undone, and only while nothing since
may have built on it: no later entry about the enterprise (a review, a
marking, a tracking list), no later roster or batch import or undo in the
office (they can touch the same persons).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.core.roster import CancelFn, ProgressFn, check_cancel
from desktop.services.audit import ACTION_LABELS
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.workspace import Workspace
from desktop.store import roster_undo as undo_store
from desktop.store.roster_undo import ImportRow

__all__ = ["ImportRow", "UndoResult", "check_undoable", "last_undoable", "undo_import"]

SERVICE_MESSAGES.update({
    "import_not_found": QT_TRANSLATE_NOOP("service", "没有编号为 {id} 的名册导入。"),
    "import_already_undone": QT_TRANSLATE_NOOP("service", "名册导入 {id}（{file}）已于 {at} 撤销。"),
    "import_not_undoable": QT_TRANSLATE_NOOP(
        "service", "名册导入 {id}（{file}）是旧版本做的，没有记录撤销所需的内容；如需回退，请从备份恢复。"),
    "import_not_latest": QT_TRANSLATE_NOOP(
        "service", "只能撤销本企业最近一次导入（导入 {latest}）；导入 {id}（{file}）之后又导入过名册。"),
    "import_built_upon": QT_TRANSLATE_NOOP(
        "service", "导入 {id}（{file}）之后已有其他操作（{actions}），撤销会改掉这些操作所依据的数据；如需回退，请从备份恢复。"),
    "import_undo_blocked": QT_TRANSLATE_NOOP(
        "service", "导入 {id}（{file}）新增的人员已被其他记录引用（如省级重复核查），不能撤销；如需回退，请从备份恢复。"),
})


@dataclass(frozen=True)
class UndoResult:
    import_id: int
    enterprise_id: int
    file_name: str
    counts: dict[str, int]  # removed / restored / persons_restored / persons_removed


def last_undoable(ws: Workspace, enterprise_id: int) -> ImportRow | None:
    """The import the window offers to undo: the enterprise's newest, if it recorded how."""
    row = undo_store.last_import(ws.store, enterprise_id)
    return row if row is not None and row.undo is not None else None


def check_undoable(ws: Workspace, import_id: int) -> ImportRow:
    """The import, if :func:`undo_import` would undo it now; else the ServiceError it would raise (the
    window asks this before asking the clerk to confirm, so a refusal is not the answer to a yes)."""
    ws.require(Permission.IMPORT_ROSTERS)
    store = ws.store
    row = undo_store.import_row(store, import_id)
    if row is None:
        raise ServiceError("import_not_found", id=import_id)
    if row.undone_at is not None:
        raise ServiceError("import_already_undone", id=import_id, file=row.file_name, at=row.undone_at)
    if row.undo is None:
        raise ServiceError("import_not_undoable", id=import_id, file=row.file_name)
    ensure_enterprise_editable(ws, row.enterprise_id)
    latest = undo_store.last_import(store, row.enterprise_id)
    if latest is not None and latest.id != row.id:
        raise ServiceError("import_not_latest", id=import_id, file=row.file_name, latest=latest.id)
    later = undo_store.changes_since(store, import_id, row.enterprise_id)
    if later:
        raise ServiceError("import_built_upon", id=import_id, file=row.file_name,
                           actions="、".join(ACTION_LABELS.get(a, a) for a in later))
    return row


def undo_import(ws: Workspace, import_id: int, *, progress: ProgressFn | None = None,
                cancel: CancelFn | None = None) -> UndoResult:
    """Put the office back as it was before roster import ``import_id``.

    One transaction: ``cancel()`` turning true before its COMMIT (even in the middle of the long
    DELETE of 100,000 employments) stops it with ``RosterError("roster_cancelled")`` and nothing
    is undone; after the COMMIT the undo stands.  ``progress("undo", step, of)``."""
    store = ws.store
    with store.transaction(), undo_store.stopping_on(store, cancel):
        row = check_undoable(ws, import_id)  # again inside the transaction: nothing came in between
        assert row.undo is not None  # check_undoable refuses an import without its record
        record = undo_store.UndoRecord.from_json(row.undo)
        try:
            counts = undo_store.undo(store, row, record, progress)
        except undo_store.UndoBlocked as exc:
            raise ServiceError("import_undo_blocked", id=import_id, file=row.file_name) from exc
        store.set_setting(f"roster_mapping:{row.enterprise_id}", "{}" if record.mapping is None else record.mapping)
        ws.audit("roster.undo", entity="enterprise", entity_id=row.enterprise_id, detail={
            "roster_import_id": import_id, "file": row.file_name, "counts": counts,
        })
        check_cancel(cancel)  # the last moment a cancel undoes nothing
    return UndoResult(import_id, row.enterprise_id, row.file_name, counts)
