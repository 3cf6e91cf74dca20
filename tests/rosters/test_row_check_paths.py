"""The two paths of the row checks agree: every row and every message of the column-wise
path (``check_block``) equals that of the full check (``check``), on the sample rosters
in tests/data and on generated rows; and the column-wise path does take most clean rows."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.areas import AreaTable
from desktop.core.roster import HeaderLayout, RosterRow, RowChecker, check_sheet, find_header
from desktop.rosters.reader import RosterFile
from tests.core.test_roster import CELL
from tests.roster_factory import QUIRKS, RosterSpec, build

SAMPLES = Path(__file__).resolve().parents[1] / "data"
TODAY = datetime.date(2026, 11, 24)
AREAS = AreaTable.default()


class RowByRow(RowChecker):
    """The full check for every row: what check_block must equal."""

    def check_block(self, block: Sequence[Sequence[object]], sheet_rows: Sequence[int]) -> list[RosterRow]:
        return [self.check(cells, n) for cells, n in zip(block, sheet_rows)]


class Counting(RowChecker):
    """check_block as it is, counting the rows it hands to the full check."""

    full = 0

    def check(self, cells: Sequence[object], sheet_row: int) -> RosterRow:
        self.full += 1
        return super().check(cells, sheet_row)


def described(rows: list[RosterRow]) -> list[tuple[object, ...]]:
    """Every stored value of every row, and every problem with its Chinese message."""
    return [(*dataclasses.astuple(row)[:-3],
             [(p.row, p.column, p.field, p.code, p.severity, p.text()) for p in row.problems]) for row in rows]


def both(layout: HeaderLayout, grid: Sequence[Sequence[object]], minimum: float | None, **kwargs: object
         ) -> tuple[list[RosterRow], list[RosterRow], int]:
    full = RowByRow(layout, AREAS, today=TODAY, minimum_wage=minimum)
    fast = Counting(layout, AREAS, today=TODAY, minimum_wage=minimum)
    by_row = check_sheet("名册", grid, layout, full, **kwargs).rows  # type: ignore[arg-type]
    by_block = check_sheet("名册", grid, layout, fast, **kwargs).rows  # type: ignore[arg-type]
    return by_row, by_block, fast.full


@pytest.mark.parametrize("sample", ["roster_clean.xlsx", "roster_messy.xlsx", "roster_gb18030.csv",
                                    "roster_formula_like.xls"])
@pytest.mark.parametrize("minimum", [None, 1920.0, 2800.0])
def test_both_paths_give_every_sample_row_and_message_alike(sample: str, minimum: float | None) -> None:
    sheet = RosterFile.open(SAMPLES / sample).sheet()
    grid = list(sheet.rows())
    layout = find_header(grid)
    assert layout is not None
    by_row, by_block, _ = both(layout, grid, minimum, merged=sheet.merged)
    assert by_row, sample
    assert described(by_block) == described(by_row)


def test_the_column_path_takes_the_clean_rows_itself() -> None:
    """Not a comparison of the full check with itself: clean rows do not go through check."""
    sheet = RosterFile.open(SAMPLES / "roster_clean.xlsx").sheet()
    grid = list(sheet.rows())
    layout = find_header(grid)
    assert layout is not None
    by_row, by_block, full = both(layout, grid, 1920.0)
    assert described(by_block) == described(by_row)
    assert all(row.status == "valid" and not row.problems for row in by_row)
    assert full == 0


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(QUIRKS), max_size=10), st.integers(0, 1000), st.sampled_from(["template", "messy"]),
       st.sampled_from(["date", "dotted", "slash", "chinese", "serial", "mixed"]), st.integers(1000, 4000),
       st.lists(st.lists(CELL, max_size=14), max_size=5))
def test_both_paths_give_every_generated_row_and_message_alike(
    quirks: list[str], seed: int, headers: str, date_style: str, minimum: int, extra: list[list[object]],
) -> None:
    spec = RosterSpec(workers=len(quirks) + 8, seed=seed, headers=headers,  # type: ignore[arg-type]
                      date_style=date_style, quirks=dict(enumerate(quirks)), wage_text=seed % 2 == 0)  # type: ignore[arg-type]
    built = build(spec)
    layout = find_header(built.grid)
    assert layout is not None
    first = layout.first_data_row
    grid = [*built.grid, *extra, *built.grid[first:first + 3]]  # random rows, and the same people again
    by_row, by_block, full = both(layout, grid, float(minimum))
    assert described(by_block) == described(by_row)
    if minimum <= 1920 and not quirks:
        assert full < len(by_row)  # generated rows are clean then: the column path decided them
