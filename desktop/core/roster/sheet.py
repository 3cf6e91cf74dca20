"""A whole sheet: the rows below the header classified, checked in blocks, merged cells filled down."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from desktop.core.roster.checker import RowChecker
from desktop.core.roster.kinds import DIGIT_CHARS
from desktop.core.roster.problems import RowProblem
from desktop.core.roster.rows import RosterRow
from desktop.core.roster_headers import CancelFn, Field, HeaderLayout, Merged, ProgressFn, check_cancel
from desktop.core.roster_values import is_blank


@dataclass
class SheetCheck:
    """The rows of one sheet, checked."""

    sheet: str
    layout: HeaderLayout
    rows: list[RosterRow]
    skipped: dict[str, list[int]]  # "blank" / "closing" / "header" -> 1-based sheet rows

    def counts(self) -> dict[str, int]:
        counts = {"rows": len(self.rows), "valid": 0, "invalid": 0, "duplicate": 0, "warnings": 0}
        for row in self.rows:
            counts[row.status] += 1
            if row.status == "valid" and row.problems:
                counts["warnings"] += 1
        return counts

    def problems(self) -> Iterator[RowProblem]:
        for row in self.rows:
            yield from row.problems


def check_sheet(
    sheet: str,
    rows: Iterable[Sequence[object]],
    layout: HeaderLayout,
    checker: RowChecker,
    *,
    merged: Sequence[Merged] = (),
    total_rows: int = 0,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    sink: Callable[[list[RosterRow]], list[RosterRow]] | None = None,
) -> SheetCheck:
    """Check every row below the header; ``rows`` starts at grid row 0.

    ``sink`` takes each checked block (a few thousand rows, in sheet order) and returns the rows
    to keep: a big import hands the rest on (staged in SQLite) rather than holding every row."""
    collecting = gc.isenabled()
    if collecting:
        # 100,000 new row objects would set off the cyclic collector over and
        # over (a third of the time); they hold no cycles, so pause it.
        gc.disable()
    try:
        return _check_rows(sheet, rows, layout, checker, merged, total_rows, progress, cancel, sink)
    finally:
        if collecting:
            # The rows live as long as the preview and were made while the
            # collector slept, so they all sit in its youngest generation: the
            # next young collection would walk every one of them (about 0.1 s
            # for 100,000 rows) only to keep them.  freeze() + unfreeze() moves
            # everything tracked to the oldest generation at once, without a
            # walk; young garbage, if any, waits for the next full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _check_rows(
    sheet: str, rows: Iterable[Sequence[object]], layout: HeaderLayout, checker: RowChecker,
    merged: Sequence[Merged], total_rows: int, progress: ProgressFn | None, cancel: CancelFn | None,
    sink: Callable[[list[RosterRow]], list[RosterRow]] | None = None,
) -> SheetCheck:
    fill = _DataMergeFill(merged, layout.first_data_row)
    checked: list[RosterRow] = []
    skipped: dict[str, list[int]] = {"blank": [], "closing": [], "header": []}
    step = 2048
    kind_of = checker.kind
    block: list[Sequence[object]] = []
    numbers: list[int] = []

    def flush() -> None:
        found = checker.check_block(block, numbers)
        checked.extend(found if sink is None else sink(found))
        block.clear()
        numbers.clear()

    id_col = checker.layout.columns.get(Field.ID_NUMBER)
    digits = DIGIT_CHARS
    for index, cells in enumerate(rows):
        if index < layout.first_data_row:
            continue
        if fill.active:
            cells = fill.apply(index, cells)
        # The usual row, an ID number where it belongs, is told here without a call (see RowChecker.kind).
        id_value = cells[id_col] if id_col is not None and id_col < len(cells) else None
        if type(id_value) is str and len(id_value) >= 15 and id_value[0] in digits:
            kind = "data"
        else:
            kind = kind_of(cells)
        if kind == "data":
            block.append(cells)
            numbers.append(index + 1)
            if len(block) >= step:
                flush()
                check_cancel(cancel)
                if progress is not None:
                    progress("check", index, total_rows)
        else:
            skipped[kind].append(index + 1)
    if block:
        flush()
    if progress is not None:
        progress("check", total_rows, total_rows)
    return SheetCheck(sheet, layout, checked, skipped)


class _DataMergeFill:
    """Cells merged down over several data rows ("大安市" once for five workers) fill every row."""

    def __init__(self, merged: Sequence[Merged], first_data_row: int) -> None:
        self.ranges = sorted(
            ((r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged if r1 > r0 and r1 >= first_data_row),
        )
        self.active = bool(self.ranges)
        self.values: dict[tuple[int, int, int, int], object] = {}

    def apply(self, index: int, cells: Sequence[object]) -> Sequence[object]:
        out: list[object] | None = None
        for key in self.ranges:
            r0, c0, r1, c1 = key
            if r0 > index:
                break
            if index > r1:
                continue
            if index == r0:
                self.values[key] = cells[c0] if c0 < len(cells) else None
                continue
            value = self.values.get(key)
            if value is None or is_blank(value):
                continue
            out = out if out is not None else list(cells)
            if len(out) <= c1:
                out.extend([None] * (c1 + 1 - len(out)))
            for c in range(c0, c1 + 1):
                if is_blank(out[c]):
                    out[c] = value
        return cells if out is None else out

