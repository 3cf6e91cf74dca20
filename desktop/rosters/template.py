"""Our roster template (附件4 劳务协作地区就业人员名册) for enterprises.

It works both ways (issue 17, 9): filled in on screen and imported (the
importer finds the header row under the title), and printed by the enterprise
as the form it signs and stamps: the title, 填报单位（盖章）, 填报日期 and 合计
(a count of the names filled in) above the header row, those three rows
repeated at the top of every printed page, 填表人 and 联系电话 with the page
number at the foot of every page, A4 landscape, one page wide, grid lines
printed.  The header row holds the names the importer knows; the ID and phone
columns are formatted as text (so Excel keeps all 18 digits); drop-down
lists for 性别, 重点群体类别, 合同类型, 户籍地 and 社会保险, date checks on the
date columns, and a 填写说明 sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from desktop.core.areas import AreaTable
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.oserrors import os_reason
from desktop.core.roster import Field, RosterError
from desktop.core.workers import ContractType, PriorityGroup
from desktop.rosters.problems import wrapped_lines

ROWS: Final = 1000  # rows prepared with formats and lists
TITLE: Final = QT_TRANSLATE_NOOP("roster", "劳务协作地区就业人员名册")
HEADER_ROW: Final = 3  # under the title and the 填报单位 line
FIRST_ROW: Final = HEADER_ROW + 1
GUIDE_WIDTH: Final = 70
SHEET: Final = QT_TRANSLATE_NOOP("roster", "名册")
GUIDE: Final = QT_TRANSLATE_NOOP("roster", "填写说明")
LISTS: Final = QT_TRANSLATE_NOOP("roster", "代码表")

# (field, width, number format); the header text is the field's label.
TEMPLATE_COLUMNS: Final = (
    (Field.SEQ, 6, "General"),
    (Field.NAME, 10, "@"),
    (Field.SEX, 6, "@"),
    (Field.ID_NUMBER, 22, "@"),
    (Field.HUKOU, 16, "@"),
    (Field.GROUP, 20, "@"),
    (Field.CONTRACT_TYPE, 14, "@"),
    (Field.CONTRACT_START, 12, "yyyy-mm-dd"),
    (Field.CONTRACT_END, 12, "yyyy-mm-dd"),
    (Field.HIRE_DATE, 12, "yyyy-mm-dd"),
    (Field.JOB, 12, "@"),
    (Field.WAGE, 12, "0.00"),
    (Field.PAID_MONTHS, 18, "@"),
    (Field.INSURANCE, 10, "@"),
    (Field.PHONE, 14, "@"),
)

GUIDE_LINES: Final = (
    QT_TRANSLATE_NOOP("roster", "劳务协作地区就业人员名册 填写说明"),
    "",
    QT_TRANSLATE_NOOP("roster", "1. 在“名册”工作表中从第 {first} 行起每行填写一名职工，不要改动第 {header} 行（蓝色）的列名，不要插入合并单元格、小计或空行。"),
    QT_TRANSLATE_NOOP("roster", "2. 公民身份号码：填写 18 位号码，最后一位是 X 的写大写 X。本列已设为“文本”格式，请直接输入或“选择性粘贴—数值”；不要把号码存成数字，否则 Excel 会丢掉末尾几位。"),
    QT_TRANSLATE_NOOP("roster", "3. 户籍地：从下拉列表选择县（市、区），如“汪清县”；不在列表中的（外省等）可以直接输入，写到县一级，如“黑龙江省宁安市”。"),
    QT_TRANSLATE_NOOP("roster", "4. 重点群体类别：属于脱贫人口、就业困难人员、登记失业人员、离校未就业高校毕业生的，从下拉列表选择；都不属于的留空。"),
    QT_TRANSLATE_NOOP("roster", "5. 合同类型：固定期限、无固定期限或以完成一定工作任务为期限。无固定期限合同的“合同终期”留空。"),
    QT_TRANSLATE_NOOP("roster", "6. 日期（合同始期、合同终期、入职日期）：填写完整日期，如 2026-03-01 或 2026年3月1日。"),
    QT_TRANSLATE_NOOP("roster", "7. 月工资：填写数字（元），如 2800。"),
    QT_TRANSLATE_NOOP("roster", "8. 工资发放月份：已经发放工资的月份，如“2026.08-2026.11”或“2026.08、2026.09”。"),
    QT_TRANSLATE_NOOP("roster", "9. 是否参加社会保险：是 或 否。联系电话填手机号码。"),
    QT_TRANSLATE_NOOP("roster", "10. 填好后请保存为 .xlsx 文件报送，不要设置打开密码。"),
    "",
    QT_TRANSLATE_NOOP("roster", "示例（仅供参考，不要填入名册）："),
)
EXAMPLE: Final = (
    "1", "金明", "男", "222401199001011230", "延吉市", "登记失业人员", "固定期限", "2026-03-01", "2029-02-28",
    "2026-03-01", "操作工", "2800", "2026.03-2026.11", "是", "13800000000",
)

HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
BORDER: Final = Border(*(Side(style="thin", color="808080"),) * 4)


def county_choices(areas: AreaTable) -> list[str]:
    """Names for the 户籍地 list: each current county, with its prefecture where the name alone is ambiguous."""
    names: list[str] = []
    for area in areas.current_counties():
        resolved = areas.resolve(area.name)
        names.append(area.name if resolved is not None and resolved.code == area.code else area.full_name)
    return names


def _list_validation(formula: str, *, title: str, prompt: str, strict: bool = True) -> DataValidation:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.errorStyle = "stop" if strict else "warning"
    validation.errorTitle = title
    validation.error = prompt
    validation.promptTitle = title
    validation.prompt = prompt
    validation.showErrorMessage = True
    validation.showInputMessage = True
    return validation


def _form_head(sheet: Any) -> None:
    """The title and the line the enterprise fills in and stamps (rows 1 and 2)."""
    width = len(TEMPLATE_COLUMNS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    title = sheet.cell(1, 1, TITLE)
    title.font = Font(name="宋体", bold=True, size=18)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 36
    for first, last, text in ((1, 7, "填报单位（盖章）："), (8, 11, "填报日期：　　　　年　　月　　日"),
                              (12, 12, "合计：")):
        if last > first:
            sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=last)
        cell = sheet.cell(2, first, text)
        cell.font = Font(name="宋体", size=12)
        cell.alignment = Alignment(horizontal="right" if text == "合计：" else "left", vertical="center")
    sheet.row_dimensions[2].height = 28


def write_roster_template(out: Path, areas: AreaTable) -> Path:
    """Write the template to ``out`` (an .xlsx); returns the path written."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    guide = workbook.create_sheet(GUIDE)
    lists = workbook.create_sheet(LISTS)

    letters: dict[Field, str] = {}
    _form_head(sheet)
    for index, (f, width, number_format) in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        letters[f] = letter
        cell = sheet.cell(HEADER_ROW, index, f.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = width
        # Format the cells themselves: Excel applies a column's style only to
        # cells typed later, LibreOffice and WPS differ, so set both.
        sheet.column_dimensions[letter].number_format = number_format
        for row in range(FIRST_ROW, ROWS + FIRST_ROW):
            sheet.cell(row, index).number_format = number_format
    last = ROWS + HEADER_ROW
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"1:{HEADER_ROW}"  # the title, the 填报单位 line and the columns on every page
    sheet.print_options.gridLines = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.top, sheet.page_margins.bottom = 0.6, 0.8
    sheet.oddFooter.left.text = "填表人：＿＿＿＿＿＿　　联系电话：＿＿＿＿＿＿＿＿"
    sheet.oddFooter.right.text = "第 &P 页，共 &N 页"
    sheet.row_dimensions[HEADER_ROW].height = 30
    sheet["M2"] = f'=COUNTA(B{FIRST_ROW}:B{last})&"人"'  # 合计: the names filled in

    # 代码表: the lists behind the drop-downs (hidden; names are data, not code).
    counties = county_choices(areas)
    lists.append([Field.HUKOU.label, Field.GROUP.label, Field.CONTRACT_TYPE.label])
    groups = [g.label for g in PriorityGroup]
    contracts = [c.label for c in ContractType]
    for i in range(max(len(counties), len(groups), len(contracts))):
        lists.append([
            counties[i] if i < len(counties) else None,
            groups[i] if i < len(groups) else None,
            contracts[i] if i < len(contracts) else None,
        ])
    lists.sheet_state = "hidden"

    rules = [
        (Field.SEX, _list_validation('"男,女"', title="性别", prompt="请选择 男 或 女")),
        (Field.INSURANCE, _list_validation('"是,否"', title="是否参加社会保险", prompt="请选择 是 或 否")),
        (Field.GROUP, _list_validation(f"'{LISTS}'!$B$2:$B${len(groups) + 1}", title="重点群体类别",
                                       prompt="属于重点群体的请选择类别；都不属于的留空")),
        (Field.CONTRACT_TYPE, _list_validation(f"'{LISTS}'!$C$2:$C${len(contracts) + 1}", title="合同类型",
                                               prompt="请选择合同类型")),
        (Field.HUKOU, _list_validation(f"'{LISTS}'!$A$2:$A${len(counties) + 1}", title="户籍地",
                                       prompt="请选择户籍所在县（市、区）；省外的请写到县一级", strict=False)),
    ]
    id_rule = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
    id_rule.errorStyle = "warning"
    id_rule.errorTitle = id_rule.promptTitle = "公民身份号码"
    id_rule.error = "身份证号码应为 18 位。确定要这样填写吗？"
    id_rule.prompt = "填写 18 位身份证号码（本列为文本格式，请不要改成数字）"
    id_rule.showErrorMessage = id_rule.showInputMessage = True
    rules.append((Field.ID_NUMBER, id_rule))
    for f in (Field.CONTRACT_START, Field.CONTRACT_END, Field.HIRE_DATE):
        date_rule = DataValidation(type="date", operator="between", formula1="DATE(1950,1,1)",
                                   formula2="DATE(2100,12,31)", allow_blank=True)
        date_rule.errorTitle = date_rule.promptTitle = f.label
        date_rule.error = "请填写完整日期，如 2026-03-01"
        date_rule.prompt = "日期，如 2026-03-01" + ("；无固定期限合同留空" if f is Field.CONTRACT_END else "")
        date_rule.showErrorMessage = date_rule.showInputMessage = True
        rules.append((f, date_rule))
    wage_rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="1000000", allow_blank=True)
    wage_rule.errorTitle = wage_rule.promptTitle = Field.WAGE.label
    wage_rule.error = "请填写数字（元），如 2800"
    wage_rule.prompt = "月工资（元），如 2800"
    wage_rule.showErrorMessage = wage_rule.showInputMessage = True
    rules.append((Field.WAGE, wage_rule))
    for f, validation in rules:
        validation.add(f"{letters[f]}{FIRST_ROW}:{letters[f]}{last}")
        sheet.add_data_validation(validation)

    guide.column_dimensions["A"].width = GUIDE_WIDTH
    for line in GUIDE_LINES:
        line = line.format(header=HEADER_ROW, first=FIRST_ROW)
        guide.append([line])
        guide.cell(guide.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        lines = wrapped_lines(line, GUIDE_WIDTH)
        if lines > 1:  # viewers do not grow a row for wrapped text by themselves
            guide.row_dimensions[guide.max_row].height = 16 * lines
    guide["A1"].font = Font(bold=True, size=14)
    for (f, _, _), value in zip(TEMPLATE_COLUMNS, EXAMPLE):
        guide.append([f"    {f.label}：{value}"])
    guide.page_setup.paperSize = guide.PAPERSIZE_A4
    guide.page_setup.fitToWidth = 1
    guide.page_setup.fitToHeight = 0
    guide.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.active = 0
    return save_workbook(workbook, out)


def save_workbook(workbook: Any, out: Path) -> Path:
    """Save as .xlsx through a partial file (never half a template); RosterError in Chinese if it cannot."""
    out = out if out.suffix.lower() == ".xlsx" else out.with_suffix(".xlsx")
    partial = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(partial)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise RosterError("roster_file_unwritable", path=out, detail=os_reason(exc)) from exc
    return out
