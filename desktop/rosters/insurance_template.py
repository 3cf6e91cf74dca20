"""Our social-insurance payment-list template (社保缴费明细), the companion of the 附件4 roster template.

The enterprise (or the social-insurance agency's printout copied into it) fills one row per person and
month paid, or per span of months: 姓名, 身份证号 (a text column, so Excel keeps all 18 digits),
缴费月份 — or 起始月份 and 终止月份 — and 单位. The header names are those the importer recognises
(``desktop.core.insurance_list``), under a title; a 填写说明 sheet says how to write the months.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import openpyxl
from openpyxl.styles import Alignment, Font

from desktop.core.insurance_list import InsuranceColumn
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.rosters.template import BORDER, HEADER_FILL, save_workbook

TITLE: Final = QT_TRANSLATE_NOOP("insurance", "社会保险缴费明细")
SHEET: Final = QT_TRANSLATE_NOOP("insurance", "缴费明细")
GUIDE: Final = QT_TRANSLATE_NOOP("insurance", "填写说明")
HEADER_ROW: Final = 3
ROWS: Final = 1000
COLUMNS: Final = (  # (column or None for 序号, width)
    (None, 6), (InsuranceColumn.NAME, 10), (InsuranceColumn.ID_NUMBER, 22), (InsuranceColumn.MONTH, 12),
    (InsuranceColumn.START, 12), (InsuranceColumn.END, 12), (InsuranceColumn.EMPLOYER, 30),
)
GUIDE_LINES: Final = (
    QT_TRANSLATE_NOOP("insurance", "社会保险缴费明细 填写说明"),
    "",
    QT_TRANSLATE_NOOP("insurance", "1. 每行填写一名职工一个月的缴费，或一段连续月份的缴费；不要改动第3行的列名。"),
    QT_TRANSLATE_NOOP("insurance", "2. 身份证号：填写 18 位号码，最后一位是 X 的写大写 X。本列已设为“文本”格式。"),
    QT_TRANSLATE_NOOP("insurance", "3. 一个月的缴费填“缴费月份”，如 2026-11 或 202611；一段月份填“起始月份”和“终止月份”，如 2026-01 和 2026-11（缴费月份留空）。"),
    QT_TRANSLATE_NOOP("insurance", "4. 单位：填写缴费单位的全称或统一社会信用代码；别的单位缴纳的行不计入本企业。"),
    QT_TRANSLATE_NOOP("insurance", "5. 可以直接粘贴社保经办机构打印的缴费明细，列名为“缴费年月”“费款所属期”等也能识别。"),
    QT_TRANSLATE_NOOP("insurance", "6. 填好后请保存为 .xlsx 文件报送，不要设置打开密码。"),
)


def write_insurance_template(out: Path) -> Path:
    """Write the template to ``out`` (an .xlsx); returns the path written."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    title = sheet.cell(1, 1, TITLE)
    title.font = Font(name="宋体", bold=True, size=18)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 36
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    sheet.cell(2, 1, QT_TRANSLATE_NOOP("insurance", "填报单位（盖章）：")).font = Font(name="宋体", size=12)
    for index, (column, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.label if column else QT_TRANSLATE_NOOP("insurance", "序号"))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = width
        if column is not None:
            for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + ROWS):
                sheet.cell(row, index).number_format = "@"  # months and ID numbers as typed
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    guide = workbook.create_sheet(GUIDE)
    guide.column_dimensions["A"].width = 90
    for line in GUIDE_LINES:
        guide.append([line])
        guide.cell(guide.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = Font(bold=True, size=14)
    workbook.active = 0
    return save_workbook(workbook, out)
