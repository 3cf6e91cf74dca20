"""A social-insurance payment list as a period's list during the loan (issue 14, 2).

``laoxie track import FILE --enterprise USCC --period 2026-11`` reads either layout: a roster
(附件4) or a payment list (社保缴费明细, :mod:`desktop.core.insurance_list`), told apart by the header.
For a payment list:

* the period's list is the people whose insurance was paid for the period's month, each with the
  户籍地 and contract the enterprise's roster on file gives, or, for a person hired during the loan whom
  that roster does not know, the latest roster-layout list of the loan up to the month (a person neither
  knows has no 户籍地, so is not counted as a new paired-area worker: the list proves employment and
  insurance, the roster the 户籍地);
* every month the file pays for is kept per person (``tracking_insured``, one row a person), so each worker's
  timeline shows the months insured, not only those employed;
* a bad row is refused with a Chinese message naming the file, the row and the column; the others
  are kept.

:func:`write_template` writes the blank payment-list template the office gives the enterprise.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.core.identifiers import mask_numbers
from desktop.core.insurance_list import InsuranceLayout, InsuranceList, find_insurance_header, read_rows
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.roster import HEADER_SEARCH_ROWS
from desktop.core.workers import ContractType
from desktop.rosters.insurance_template import write_insurance_template
from desktop.rosters.reader import RosterFile
from desktop.services.errors import SERVICE_MESSAGES
from desktop.services.workspace import Workspace
from desktop.store import rosters as roster_store
from desktop.store import tracking as tracking_store
from desktop.store.tracking import ListRow

SERVICE_MESSAGES.update({
    "track_insurance_no_rows": QT_TRANSLATE_NOOP(
        "service", "社保缴费明细“{file}”中没有{period}缴费的人员（共读到{people}人，{refused}行有错未收）。"),
    "track_list_problem": QT_TRANSLATE_NOOP("service", "文件“{file}”{where}"),
})


@dataclass(frozen=True)
class InsuranceRead:
    sheet: str
    layout: InsuranceLayout
    found: InsuranceList
    rows: list[ListRow]  # the people paid for the period, as list rows
    insured: dict[str, list[str]]  # ID number -> months paid (YYYY-MM), everyone in the file
    problems: list[str]  # Chinese, each naming the file, the row and the column


def insurance_sheet(rf: RosterFile) -> tuple[str, InsuranceLayout] | None:
    """The first visible sheet whose header is a payment list's, or None (then it is a roster, or nothing)."""
    infos = rf.sheets()
    for name in [s.name for s in infos if s.visible] or [s.name for s in infos]:
        layout = find_insurance_header(rf.sheet(name).head(HEADER_SEARCH_ROWS))
        if layout is not None:
            return name, layout
    return None


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _list_row(number: str, name: str, on_file: Mapping[str, object] | None) -> ListRow:
    """A paid person as a list row: insured; 户籍地 and contract as the roster on file has them."""
    values = on_file or {}
    return ListRow(number, name, _text(values.get("hukou_text")) or "", _text(values.get("hukou_code")),
                   _text(values.get("contract_type")) or ContractType.FIXED.value, _text(values.get("contract_start")),
                   _text(values.get("contract_end")), _text(values.get("hire_date")), 1)


def read_insurance(ws: Workspace, enterprise_id: int, rf: RosterFile, sheet: str, layout: InsuranceLayout, *,
                   month: datetime.date, today: datetime.date) -> InsuranceRead:
    """The payment list's people, their months paid, and those paid for ``month`` as the period's list."""
    enterprise = ws.store.enterprise(enterprise_id)
    loaded = rf.sheet(sheet)
    rows = loaded.rows()
    for _ in range(layout.header_row + 1):
        next(rows, None)
    found = read_rows(layout, rows, employer=enterprise.name, employer_uscc=enterprise.uscc, today=today)
    on_file = roster_store.stored_workers(ws.store, enterprise_id)
    paid = [p for p in found.people.values() if month in p.months]
    hired = _listed_before(ws, enterprise_id, month, {p.id_number for p in paid} - on_file.keys())
    listed = [replace(hired[p.id_number], name=p.name, social_insurance=1) if p.id_number in hired else
              _list_row(p.id_number, p.name, on_file[p.id_number].values if p.id_number in on_file else None)
              for p in paid]
    insured = {p.id_number: [f"{m:%Y-%m}" for m in sorted(p.months)] for p in found.people.values()}
    problems = [list_problem(rf.name, p.text()) for p in found.problems]
    return InsuranceRead(sheet, layout, found, listed, insured, problems)


def _listed_before(ws: Workspace, enterprise_id: int, month: datetime.date, numbers: set[str]) -> dict[str, ListRow]:
    """The people of ``numbers`` as the enterprise's latest roster-layout list up to ``month`` has them."""
    found: dict[str, ListRow] = {}
    if not numbers:
        return found
    period = f"{month:%Y-%m}"
    lists = [s for s in tracking_store.current_lists(ws.store, enterprise_id)
             if s.kind == "roster" and s.period <= period]
    for stored in reversed(lists):
        if len(found) == len(numbers):
            break
        for row in tracking_store.list_rows(ws.store, [stored.id]).get(stored.id, []):
            if row.id_number in numbers:
                found.setdefault(row.id_number, row)
    return found


def list_problem(file_name: str, where: str) -> str:
    """A refused row of a period's list (either layout) as the clerk reads it: the file, the row, the column
    and what is wrong, with any ID or phone number in it masked (it is shown on screen and in the log)."""
    return mask_numbers(SERVICE_MESSAGES["track_list_problem"].format(file=file_name, where=where))


def write_template(out: Path | str) -> Path:
    """The blank 社保缴费明细 template (the 附件4 template's companion)."""
    return write_insurance_template(Path(out))
