"""A roster (附件4 劳务协作地区就业人员名册) as enterprises fill it in.

Plain Python: the adapters in ``desktop.rosters`` turn a file into rows of
cell values; ``roster_headers`` finds the header and maps the columns;
``roster_values`` reads cell values.  This package takes it from there:

* ``kinds``     blank rows, closing rows (合计, 填表人), repeated headers;
* ``problems``  the problem codes, Chinese messages, titles and grouping;
* ``rows``      a checked row (``RosterRow``) and the employment fields;
* ``rules``     what both paths of the row checks share;
* ``checker``   ``RowChecker.check``: one row normalised and checked;
* ``columns``   the column-wise path of the same checks for many rows;
* ``sheet``     a whole sheet, checked in blocks.

The public names are re-exported here (with those of ``roster_headers``),
so callers import everything from ``desktop.core.roster``.
"""

from __future__ import annotations

from desktop.core.roster.checker import RowChecker
from desktop.core.roster.problems import ERROR_CODES, PROBLEM_TITLES, RowProblem, Severity, group_problems
from desktop.core.roster.rows import (
    EMPLOYMENT_FIELDS, NO_CHANGES, RosterRow, RowStatus, employment_fields_of,
)
from desktop.core.roster.sheet import SheetCheck, check_sheet
from desktop.core.roster_headers import (
    FIELD_LABELS, HEADER_ALIASES, HEADER_SEARCH_ROWS, REQUIRED_FIELDS, CancelFn, Field, HeaderLayout, Merged,
    ProgressFn, RosterError, check_cancel, column_letter, field_of_header, find_header, header_key,
    learned_aliases,
)

__all__ = [
    "EMPLOYMENT_FIELDS", "ERROR_CODES", "FIELD_LABELS", "HEADER_ALIASES", "HEADER_SEARCH_ROWS", "NO_CHANGES",
    "PROBLEM_TITLES", "REQUIRED_FIELDS", "CancelFn", "Field", "HeaderLayout", "Merged", "ProgressFn", "RosterError", "RosterRow",
    "RowChecker", "RowProblem", "RowStatus", "Severity", "SheetCheck", "check_cancel", "check_sheet",
    "column_letter", "employment_fields_of", "field_of_header", "find_header", "group_problems", "header_key",
    "learned_aliases",
]
