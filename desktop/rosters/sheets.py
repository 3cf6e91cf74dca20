"""A list as a workbook for people outside the office (the bank, the province): one sheet, Chinese
column names in a bold header row that stays frozen, filters on, chosen columns kept as text
(credit codes, letter numbers, phone numbers and contract numbers must never turn into numbers)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence


def list_workbook(title: str, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[object]],
                  text_columns: Iterable[int] = ()) -> bytes:
    """The .xlsx bytes: ``columns`` are (name, width in characters); ``text_columns`` 0-based."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's limit
    sheet.append([name for name, _ in columns])
    count = 0
    for row in rows:
        sheet.append(list(row))
        count += 1
    as_text = tuple(text_columns)
    for cells in sheet.iter_rows(min_row=2):
        for index in as_text:
            cell = cells[index]
            if cell.value is not None:
                cell.value = str(cell.value)
            cell.number_format = "@"
            cell.data_type = "s"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, count + 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
