"""Row problems of a roster: codes, Chinese messages, titles, severity, grouping.

Every problem names its sheet row (1-based), column and field, has a stable
code and a Chinese message in ``MESSAGES``; errors refuse the row, warnings
are shown and the row is still imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem, message
from desktop.core.roster_headers import Field, column_letter

Severity = Literal["error", "warning"]


MESSAGES.update({
    "duplicate_in_roster": QT_TRANSLATE_NOOP(
        "problems", "与第 {first_row} 行是同一个人（身份证号码相同），同一人在一个企业只计一次"
    ),
    "name_empty": QT_TRANSLATE_NOOP("problems", "姓名为空"),
    "hukou_empty": QT_TRANSLATE_NOOP("problems", "户籍地为空：请写到县（市、区），如“汪清县”"),
    "hukou_unknown": QT_TRANSLATE_NOOP(
        "problems", "户籍地“{value}”无法识别为吉林省的县（市、区）：请写到县一级，如“延吉市”或“吉林省延边州汪清县”"
    ),
    "hukou_ambiguous": QT_TRANSLATE_NOOP(
        "problems", "户籍地“{value}”不能确定是哪个县（市、区）：可能是{candidates}，请写出所属的市（州）"
    ),
    "hukou_other_province": QT_TRANSLATE_NOOP(
        "problems", "户籍地“{value}”不在吉林省，不属于劳务协作对口地区（照常导入）"
    ),
    "contract_start_missing": QT_TRANSLATE_NOOP("problems", "缺少劳动合同开始日期"),
    "contract_end_missing": QT_TRANSLATE_NOOP(
        "problems", "固定期限合同缺少终止日期：请填写终止日期，无固定期限合同请在合同类型中写“无固定期限”或写“长期”"
    ),
    "contract_end_before_start": QT_TRANSLATE_NOOP(
        "problems", "合同终止日期 {end} 早于开始日期 {start}"
    ),
    "contract_term_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂合同起止日期“{value}”：请写成“2022.03.01-2025.02.28”，无固定期限写“2022.03.01-长期”"
    ),
    "contract_type_unknown": QT_TRANSLATE_NOOP(
        "problems", "合同类型“{value}”无法识别：应为“固定期限”“无固定期限”或“以完成一定工作任务为期限”"
    ),
    "contract_type_conflict": QT_TRANSLATE_NOOP(
        "problems", "合同类型写的是“{declared}”，但起止日期写的是“{term}”：按合同类型“{declared}”导入，请核对"
    ),
    "date_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂{column}“{value}”：请写成真实日期或“2022.03.01”“2022年3月1日”这样的完整日期"
    ),
    "hire_date_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂入职日期“{value}”，该项留空导入"
    ),
    "sex_unreadable": QT_TRANSLATE_NOOP("problems", "性别“{value}”应为“男”或“女”（以身份证号码为准导入）"),
    "sex_mismatch": QT_TRANSLATE_NOOP(
        "problems", "性别填的是“{declared}”，身份证号码第 17 位表示“{from_id}”，请核对（以身份证号码为准）"
    ),
    "id_area_mismatch": QT_TRANSLATE_NOOP(
        "problems", "身份证号码的地区码 {id_code}（{id_area}）与户籍地“{hukou}”不一致，请核对户籍地（号码按首次发证地编制，迁过户口的人会不一致）"
    ),
    "wage_unreadable": QT_TRANSLATE_NOOP("problems", "看不懂月工资“{value}”，该项留空导入"),
    "wage_below_minimum": QT_TRANSLATE_NOOP(
        "problems", "月工资 {wage} 元低于当地最低工资标准 {minimum} 元，请核对"
    ),
    "under_16": QT_TRANSLATE_NOOP(
        "problems", "合同开始日期 {start} 时该人只有 {age} 岁（不满 16 周岁），请核对身份证号码和合同日期"
    ),
    "group_unknown": QT_TRANSLATE_NOOP(
        "problems", "重点群体类别“{value}”无法识别：应为脱贫人口、就业困难人员、登记失业人员或离校未就业高校毕业生（该项留空导入）"
    ),
    "group_multiple": QT_TRANSLATE_NOOP(
        "problems", "重点群体类别“{value}”写了不止一类：请由经办人核实后标注（该项留空导入）"
    ),
    "insurance_unreadable": QT_TRANSLATE_NOOP("problems", "社会保险一栏“{value}”应为“是”或“否”（该项留空导入）"),
    "paid_months_unreadable": QT_TRANSLATE_NOOP(
        "problems", "看不懂工资发放月份“{value}”：请写成“2022.03-2022.05”或“2022.03、2022.04”（该项留空导入）"
    ),
    "worker_at_other_enterprise": QT_TRANSLATE_NOOP(
        "problems", "此人已在本局登记为{enterprises}的职工，请核实是否重复申报"
    ),
    # in the copy for the enterprise, instead of the other enterprises' names
    "other_enterprises": QT_TRANSLATE_NOOP("problems", "其他企业"),
    "name_differs_from_stored": QT_TRANSLATE_NOOP(
        "problems", "此身份证号码在库中登记的姓名是“{stored}”，名册写的是“{name}”：导入后以名册为准，请核对"
    ),
})

# Short titles for problems grouped by kind (the wizard's summary, the 问题清单 sheet).
PROBLEM_TITLES: Final[dict[str, str]] = {
    "id_stored_as_number": QT_TRANSLATE_NOOP("roster", "身份证号码被存成数字"),
    "id_empty": QT_TRANSLATE_NOOP("roster", "身份证号码为空"),
    "id_length": QT_TRANSLATE_NOOP("roster", "身份证号码位数不对"),
    "id_chars": QT_TRANSLATE_NOOP("roster", "身份证号码含无效字符"),
    "id_birth_date": QT_TRANSLATE_NOOP("roster", "身份证号码中的出生日期无效"),
    "id_checksum": QT_TRANSLATE_NOOP("roster", "身份证号码校验位错误"),
    "duplicate_in_roster": QT_TRANSLATE_NOOP("roster", "同一人重复填报"),
    "name_empty": QT_TRANSLATE_NOOP("roster", "姓名为空"),
    "name_too_long": QT_TRANSLATE_NOOP("roster", "姓名过长"),
    "hukou_empty": QT_TRANSLATE_NOOP("roster", "户籍地为空"),
    "hukou_unknown": QT_TRANSLATE_NOOP("roster", "户籍地无法识别"),
    "hukou_ambiguous": QT_TRANSLATE_NOOP("roster", "户籍地不能确定到县"),
    "hukou_other_province": QT_TRANSLATE_NOOP("roster", "户籍地在吉林省外"),
    "contract_start_missing": QT_TRANSLATE_NOOP("roster", "缺少合同开始日期"),
    "contract_end_missing": QT_TRANSLATE_NOOP("roster", "缺少合同终止日期"),
    "contract_end_before_start": QT_TRANSLATE_NOOP("roster", "合同终止日期早于开始日期"),
    "contract_term_unreadable": QT_TRANSLATE_NOOP("roster", "合同起止日期看不懂"),
    "contract_type_unknown": QT_TRANSLATE_NOOP("roster", "合同类型无法识别"),
    "contract_type_conflict": QT_TRANSLATE_NOOP("roster", "合同类型与起止日期不一致"),
    "date_unreadable": QT_TRANSLATE_NOOP("roster", "日期看不懂"),
    "hire_date_unreadable": QT_TRANSLATE_NOOP("roster", "入职日期看不懂"),
    "sex_unreadable": QT_TRANSLATE_NOOP("roster", "性别看不懂"),
    "sex_mismatch": QT_TRANSLATE_NOOP("roster", "性别与身份证号码不符"),
    "id_area_mismatch": QT_TRANSLATE_NOOP("roster", "身份证地区码与户籍地不一致"),
    "wage_unreadable": QT_TRANSLATE_NOOP("roster", "月工资看不懂"),
    "wage_below_minimum": QT_TRANSLATE_NOOP("roster", "月工资低于最低工资标准"),
    "under_16": QT_TRANSLATE_NOOP("roster", "合同开始时不满16周岁"),
    "group_unknown": QT_TRANSLATE_NOOP("roster", "重点群体类别无法识别"),
    "group_multiple": QT_TRANSLATE_NOOP("roster", "重点群体类别填了多类"),
    "insurance_unreadable": QT_TRANSLATE_NOOP("roster", "社会保险一栏看不懂"),
    "paid_months_unreadable": QT_TRANSLATE_NOOP("roster", "工资发放月份看不懂"),
    "worker_at_other_enterprise": QT_TRANSLATE_NOOP("roster", "已在其他企业登记"),
    "name_differs_from_stored": QT_TRANSLATE_NOOP("roster", "姓名与库中登记的不同"),
}

ERROR_CODES: Final = frozenset({
    "id_stored_as_number", "id_empty", "id_length", "id_chars", "id_birth_date", "id_checksum",
    "duplicate_in_roster", "name_empty", "name_too_long", "hukou_empty", "hukou_unknown", "hukou_ambiguous",
    "contract_start_missing", "contract_end_missing", "contract_end_before_start", "contract_term_unreadable",
    "contract_type_unknown", "date_unreadable",
})


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row; ``column`` is the 0-based grid column (None: the row as a whole)."""

    row: int  # 1-based sheet row
    column: int | None
    field: Field | None
    code: str
    params: Mapping[str, object]

    @property
    def severity(self) -> Severity:
        return "error" if self.code in ERROR_CODES else "warning"

    @property
    def column_letter(self) -> str:
        return column_letter(self.column) if self.column is not None else ""

    @property
    def problem(self) -> Problem:
        return Problem(self.code, dict(self.params))

    def text(self) -> str:
        return message(self.code, **self.params)

    def located(self, header: str) -> str:
        """The message with where it is: row, column and the column's ``header`` (the row alone when the
        problem is the row's as a whole)."""
        if self.column is None:
            return message("row_where", row=self.row, message=self.text())
        return message("cell_where", row=self.row, column=self.column_letter, header=header, message=self.text())


def problem_order(p: RowProblem) -> tuple[int, int]:
    """Errors first, then by column (the row as a whole before its cells)."""
    return (0 if p.code in ERROR_CODES else 1, p.column if p.column is not None else -1)


def group_problems(problems: Iterable[RowProblem]) -> list[dict[str, object]]:
    """Problems of one kind together: code, severity, count and the rows, errors first."""
    groups: dict[str, dict[str, object]] = {}
    for p in problems:
        entry = groups.get(p.code)
        if entry is None:
            entry = groups[p.code] = {"code": p.code, "title": PROBLEM_TITLES.get(p.code, p.code),
                                      "severity": p.severity, "count": 0, "rows": [], "example": p.text()}
        entry["count"] = int(entry["count"]) + 1  # type: ignore[call-overload]
        entry["rows"].append(p.row)  # type: ignore[attr-defined]
    return sorted(groups.values(), key=lambda g: (g["severity"] != "error", -int(g["count"]), str(g["code"])))  # type: ignore[call-overload]
