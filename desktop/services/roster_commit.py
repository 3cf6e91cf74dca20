"""Committing a roster import's preview: the valid rows, the ``roster_imports`` row, the remembered
column mapping, the undo record and an audit entry naming the file and its SHA-256, all in one
transaction (never half an import).

Split from :mod:`desktop.services.rosters`, which prepares the preview this writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.permissions import Permission
from desktop.core.roster import CancelFn, ProgressFn, RosterError, RosterRow, SheetCheck, check_cancel
from desktop.services.backups import backup_due, make_backup
from desktop.services.reviews import ensure_enterprise_editable
from desktop.services.roster_compare import _classify
from desktop.services.roster_mapping import MAPPING_KEY
from desktop.services.rosters import RosterPreview, prepare_import
from desktop.services.workspace import Workspace
from desktop.store import roster_undo as undo_store
from desktop.store import rosters as roster_store
from desktop.store.rosters import months_json

__all__ = ["ImportResult", "commit_import", "import_roster"]


@dataclass
class ImportResult:
    import_id: int
    counts: dict[str, int]
    preview: RosterPreview
    backed_up: bool = False  # a regular verified backup was due and made before the import's writes


def _values(row: RosterRow) -> tuple[object, ...]:
    return (
        row.hukou_text, row.hukou_code, row.contract_type, row.contract_start, row.contract_end, row.hire_date,
        row.job, row.monthly_wage, months_json(row.paid_months), row.social_insurance, row.phone,
        row.priority_claim,
    )


def commit_import(
    ws: Workspace,
    preview: RosterPreview,
    *,
    deactivate_absent: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> ImportResult:
    """Write the preview's valid rows in one transaction with its audit entry.

    The comparison with the workers on file is made again inside the
    transaction, so the counts recorded are what was really written.
    ``deactivate_absent`` marks workers the roster no longer lists inactive.
    """
    ws.require(Permission.IMPORT_ROSTERS)
    if preview.unchanged_since is not None:  # the last import's file again: recorded, nothing written
        from desktop.services import roster_digest

        return roster_digest.commit_unchanged(ws, preview, deactivate_absent=deactivate_absent,
                                              progress=progress, cancel=cancel)
    store = ws.store
    enterprise_id = preview.enterprise.id
    ensure_enterprise_editable(ws, enterprise_id)  # a submitted or approved case keeps its roster
    fresh = store.audit_chain_head() == preview.store_state  # nothing written since the preview
    backed_up = backup_due(ws)
    if backed_up:
        # The regular verified copy, when one is due; going back from a wrong import does
        # not need it (roster_undo: each import records what it changed), so an import no
        # longer copies the whole office every time (issue 15 item 2).
        make_backup(ws, "before-import")
    after_backup = store.audit_chain_head()
    rows = preview.shown_rows  # a big sheet's clean new rows are only in the staging table (roster_blocks)
    total = preview.counts["rows"]
    # The staged rows are in a TEMP table of the connection that prepared: usable only on that one.
    staged = bool(preview.stage_token) and preview._store is store and roster_store.is_staged(store, preview.stage_token)
    if preview.handed_on and not staged:
        raise RosterError("roster_preview_expired")
    # A cancel stops the writing statements midway too (stopping_on): the staged rows go in by one
    # INSERT ... SELECT that runs for seconds at 100,000 rows, and a click during it waited for its
    # end. After the last check_cancel below comes only the COMMIT: a cancel then is too late, and the
    # window says so (import_wizard_work.result_html).
    with store.bulk_write(), store.transaction(), undo_store.stopping_on(store, cancel):
        check_cancel(cancel)
        if fresh and store.audit_chain_head() == after_backup:  # at most a backup's own entry since
            stored = preview._stored
            counts, absent = dict(preview.counts), list(preview.absent)
        else:
            stored = roster_store.stored_workers(store, enterprise_id)
            check = SheetCheck(preview.sheet, preview.layout, preview.rows, preview.check.skipped)  # every row
            counts, absent = _classify(check, stored, preview.fields)
            rows = check.rows
            staged = False  # the staged rows were "new" then; now they may not be
        counts["deactivated"] = len(absent) if deactivate_absent else 0
        mapping_key = MAPPING_KEY.format(enterprise_id=enterprise_id)
        undo = undo_store.begin(
            store,
            employment_ids=[stored[r.id_number].employment_id for r in rows if r.action == "updated"]
            + ([stored[n].employment_id for n in absent] if deactivate_absent else []),
            person_ids=[stored[r.id_number].person_id for r in rows if r.action == "updated" and "name" in r.changes],
            # persons on file elsewhere: renamed
            id_numbers=roster_store.staged_id_numbers(store, preview.stage_token) if staged
            else [r.id_number for r in rows if r.action == "new"],
            mapping=store.setting(mapping_key),
        )
        import_id = roster_store.insert_roster_import(
            store, enterprise_id=enterprise_id, file_name=preview.file.name, sha256=preview.file.sha256,
            sheet=preview.sheet, counts=counts, imported_by=ws.actor.user_id,
        )
        if progress:
            progress("write", 0, total)
        if staged:
            roster_store.insert_staged(store, preview.stage_token, enterprise_id, import_id)
        else:
            new = [r for r in rows if r.action == "new"]
            roster_store.insert_persons(store, ((r.id_number, r.name, r.sex, r.birth_date) for r in new))
            check_cancel(cancel)
            if progress:
                progress("write", total // 3, total)
            roster_store.insert_employments(
                store, enterprise_id, import_id, ((r.id_number, r.sheet_row, *_values(r)) for r in new)
            )
        check_cancel(cancel)
        if progress:
            progress("write", 2 * total // 3, total)

        updated = [r for r in rows if r.action == "updated"]
        update_fields = list(preview.fields)
        roster_store.update_employments(store, import_id, update_fields, (
            (stored[r.id_number].employment_id, r.sheet_row,
             *(_stored_value(f, r.changes[f][1]) if f in r.changes else _stored_value(f, stored[r.id_number].values[f])
               for f in update_fields))
            for r in updated
        ))
        roster_store.rename_persons(store, (
            (stored[r.id_number].person_id, r.name) for r in updated if "name" in r.changes
        ))
        if deactivate_absent and absent:
            roster_store.deactivate_employments(store, (stored[n].employment_id for n in absent))
        undo_store.finish(store, import_id, undo)
        store.set_setting(mapping_key, preview.mapping_text())
        if preview.reimport_keys and stored is preview._stored:  # compared as prepared: its warnings hold
            from desktop.services import roster_digest

            roster_digest.record(ws, preview, import_id, counts, absent, deactivated=deactivate_absent)
        changed_fields = Counter(f for r in updated for f in r.changes)
        ws.audit("roster.import", entity="enterprise", entity_id=enterprise_id, detail={
            "file": preview.file.name, "sha256": preview.file.sha256, "sheet": preview.sheet,
            "roster_import_id": import_id, "counts": counts, "changed_fields": dict(sorted(changed_fields.items())),
        })
        check_cancel(cancel)
    preview.close(keep_rows=True)
    if progress:
        progress("write", total, total)
    return ImportResult(import_id, counts, preview, backed_up)


def _stored_value(name: str, value: object) -> object:
    if name == "paid_months":
        return months_json(value)  # type: ignore[arg-type]
    return value


def import_roster(
    ws: Workspace, enterprise_id: int, path: Path | str, *, dry_run: bool = False, deactivate_absent: bool = False,
    **options: Any,
) -> tuple[RosterPreview, ImportResult | None]:
    """Prepare and (unless ``dry_run``) commit, as the command line does."""
    preview = prepare_import(ws, enterprise_id, path, **options)
    if dry_run:
        return preview, None
    return preview, commit_import(ws, preview, deactivate_absent=deactivate_absent)
