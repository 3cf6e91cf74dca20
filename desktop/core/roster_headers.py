"""The header of a roster: which field each column holds (DOMAIN.md section 4).

Header names as enterprises write them, matched after normalising (half-width,
no spaces or "*", bracketed notes like "（元）" dropped); the header row found
under titles, a "填报单位" line and merged cells; a second header row joined
to a merged group label above it.  Also the error for a roster that cannot
be read at all, and the progress and cancel hooks of the long operations.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Final

from desktop.core.identifiers import to_halfwidth
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem, message
from desktop.core.roster_values import clean_text, is_blank, month_of_header, squeezed

ProgressFn = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; total is 0 when not known."""
CancelFn = Callable[[], bool]
"""Returns True when the clerk asked to stop; the operation then raises ``cancelled``."""


# --------------------------------------------------------------------------
# Fields and their header names


class Field(str, Enum):
    SEQ = "seq"
    NAME = "name"
    SEX = "sex"
    ID_NUMBER = "id_number"
    HUKOU = "hukou"
    GROUP = "priority_group"
    CONTRACT_TYPE = "contract_type"
    CONTRACT_TERM = "contract_term"
    CONTRACT_START = "contract_start"
    CONTRACT_END = "contract_end"
    HIRE_DATE = "hire_date"
    JOB = "job"
    WAGE = "monthly_wage"
    PAID_MONTHS = "paid_months"
    INSURANCE = "social_insurance"
    PHONE = "phone"

    @property
    def label(self) -> str:
        """The header our template uses (the name the clerk sees)."""
        return FIELD_LABELS[self]


FIELD_LABELS: Final[dict[Field, str]] = {
    Field.SEQ: QT_TRANSLATE_NOOP("roster", "序号"),
    Field.NAME: QT_TRANSLATE_NOOP("roster", "姓名"),
    Field.SEX: QT_TRANSLATE_NOOP("roster", "性别"),
    Field.ID_NUMBER: QT_TRANSLATE_NOOP("roster", "公民身份号码"),
    Field.HUKOU: QT_TRANSLATE_NOOP("roster", "户籍地"),
    Field.GROUP: QT_TRANSLATE_NOOP("roster", "重点群体类别"),
    Field.CONTRACT_TYPE: QT_TRANSLATE_NOOP("roster", "合同类型"),
    Field.CONTRACT_TERM: QT_TRANSLATE_NOOP("roster", "合同起止日期"),
    Field.CONTRACT_START: QT_TRANSLATE_NOOP("roster", "合同始期"),
    Field.CONTRACT_END: QT_TRANSLATE_NOOP("roster", "合同终期"),
    Field.HIRE_DATE: QT_TRANSLATE_NOOP("roster", "入职日期"),
    Field.JOB: QT_TRANSLATE_NOOP("roster", "岗位"),
    Field.WAGE: QT_TRANSLATE_NOOP("roster", "月工资（元）"),
    Field.PAID_MONTHS: QT_TRANSLATE_NOOP("roster", "工资发放月份"),
    Field.INSURANCE: QT_TRANSLATE_NOOP("roster", "是否参加社会保险"),
    Field.PHONE: QT_TRANSLATE_NOOP("roster", "联系电话"),
}

# Headers seen in real rosters (DOMAIN.md section 4), compared after
# header_key(): half-width, no spaces, no "*", no bracketed notes like (元).
HEADER_ALIASES: Final[dict[Field, tuple[str, ...]]] = {
    Field.SEQ: ("序号", "编号", "顺序号", "no", "no."),
    Field.NAME: ("姓名", "职工姓名", "员工姓名", "人员姓名", "劳动者姓名", "名字"),
    Field.SEX: ("性别",),
    Field.ID_NUMBER: (
        "身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "身份证", "证件号", "身份号码",
        "居民身份证号码", "身份证件号码", "社会保障号码",
    ),
    Field.HUKOU: (
        "户籍地", "户籍所在地", "户籍地址", "户口所在地", "户籍市县", "户籍", "户口", "户籍县市", "户籍所在县",
        "户籍所在县市", "户籍所在县市区", "户口所在地址", "户籍地县市区",
    ),
    Field.GROUP: ("重点群体类别", "人员类别", "就业前所属群体", "重点群体", "人员类型", "群体类别", "所属群体"),
    Field.CONTRACT_TYPE: ("合同类型", "劳动合同类型", "合同期限类型", "合同性质", "合同种类"),
    Field.CONTRACT_TERM: (
        "合同起止日期", "合同起止时间", "劳动合同起止日期", "劳动合同起止时间", "劳动合同期限", "合同期限",
        "合同起止", "合同期", "劳动合同期",
    ),
    Field.CONTRACT_START: (
        "合同始期", "合同开始日期", "合同起始日期", "合同生效日期", "劳动合同始期", "合同签订日期",
        "合同开始时间", "合同起始时间", "合同起始日",
    ),
    Field.CONTRACT_END: (
        "合同终期", "合同结束日期", "合同终止日期", "合同到期日期", "劳动合同终期", "合同到期时间",
        "合同终止时间", "合同结束时间",
    ),
    Field.HIRE_DATE: ("入职日期", "入职时间", "用工日期", "用工时间", "到岗日期", "到岗时间", "上岗时间"),
    Field.JOB: ("岗位", "工种", "工种岗位", "职务", "工作岗位", "岗位名称"),
    Field.WAGE: ("月工资", "月收入", "工资", "月平均工资", "工资标准", "月薪", "工资收入", "应发工资", "实发工资"),
    Field.PAID_MONTHS: ("工资发放月份", "发放月份", "已发工资月份", "工资发放时间", "工资发放月"),
    Field.INSURANCE: (
        "参保情况", "是否缴纳社保", "是否参加社会保险", "社会保险", "社保", "是否参保", "社保缴纳情况",
        "是否缴纳社会保险", "参加社会保险情况",
    ),
    Field.PHONE: ("联系电话", "手机号码", "电话", "手机", "联系方式", "手机号", "电话号码"),
}

_ALIAS_FIELD: Final[dict[str, Field]] = {
    alias: f for f, aliases in HEADER_ALIASES.items() for alias in aliases
}

# Without one of these columns nothing can be imported (a contract term may
# come as one cell or as start and end).
REQUIRED_FIELDS: Final = (Field.NAME, Field.ID_NUMBER, Field.HUKOU)

_BRACKETED: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|<[^>]*>")
_HEADER_NOISE: Final = re.compile(r"[\s*＊★☆:：'\"“”‘’、.·\u200b\ufeff]+")
_HEADER_MAX: Final = 24  # longer text is a title or a note, not a column header


def header_key(value: object) -> str:
    """A header cell as compared with the aliases: "月工资（元）" -> "月工资"."""
    if is_blank(value) or not isinstance(value, str):
        return ""
    text = to_halfwidth(value).lower()
    stripped = _BRACKETED.sub("", text)
    key = _HEADER_NOISE.sub("", stripped)
    if not key:  # "(岗位)" alone: keep what was in the brackets
        key = _HEADER_NOISE.sub("", text).strip("()[]【】")
    return key


def _contract_field(key: str) -> Field | None:
    if any(word in key for word in ("类型", "性质", "种类")):
        return Field.CONTRACT_TYPE
    if "起止" not in key:
        if any(word in key for word in ("始", "开始", "起始", "生效", "签订")) or key.endswith("起"):
            return Field.CONTRACT_START
        if any(word in key for word in ("终", "结束", "到期", "截止")) or key.endswith(("止", "至")):
            return Field.CONTRACT_END
    if any(word in key for word in ("起止", "期限", "时间", "日期", "合同期")):
        return Field.CONTRACT_TERM
    return None


# Keyword rules for headers that are not in the alias table, in order.
_KEYWORD_RULES: Final[tuple[tuple[tuple[str, ...], Field], ...]] = (
    (("身份证", "身份号码", "公民身份"), Field.ID_NUMBER),
    (("姓名",), Field.NAME),
    (("性别",), Field.SEX),
    (("户籍", "户口"), Field.HUKOU),
    (("群体", "人员类别", "人员类型"), Field.GROUP),
    (("入职", "用工日期", "用工时间", "到岗"), Field.HIRE_DATE),
    (("发放月", "发放时间", "发放情况", "已发月份"), Field.PAID_MONTHS),
    (("工资", "收入", "月薪"), Field.WAGE),
    (("社保", "社会保险", "参保"), Field.INSURANCE),
    (("电话", "手机"), Field.PHONE),
    (("岗位", "工种"), Field.JOB),
    (("序号",), Field.SEQ),
)


def field_of_header(value: object, learned: Mapping[str, Field] | None = None) -> Field | None:
    """The field a header cell names, or None."""
    key = header_key(value)
    if not key or len(key) > _HEADER_MAX:
        return None
    if learned and key in learned:
        return learned[key]
    found = _ALIAS_FIELD.get(key)
    if found is not None:
        return found
    if "合同" in key:
        return _contract_field(key)
    for words, candidate in _KEYWORD_RULES:
        if any(word in key for word in words):
            return candidate
    return None


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------
# Errors about the file as a whole

MESSAGES.update({
    "roster_file_missing": QT_TRANSLATE_NOOP("problems", "找不到文件 {path}。"),
    "roster_file_unreadable": QT_TRANSLATE_NOOP(
        "problems", "无法读取文件 {path}：{detail}。请确认文件没有被其他程序（如 Excel、WPS）独占打开。"
    ),
    "roster_file_empty": QT_TRANSLATE_NOOP("problems", "文件 {path} 是空的（0 字节）。请向企业重新索取名册。"),
    "roster_file_encrypted": QT_TRANSLATE_NOOP(
        "problems",
        "文件 {path} 设置了打开密码，无法读取。请企业在 Excel 或 WPS 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存，再导入。",
    ),
    "roster_file_corrupt": QT_TRANSLATE_NOOP(
        "problems",
        "文件 {path} 已损坏或不完整，无法读取。可能是拷贝中断或邮件附件未下载完整，请向企业重新索取，或在 Excel 中打开后另存为 .xlsx。",
    ),
    "roster_cell_unreadable": QT_TRANSLATE_NOOP(
        "problems",
        "文件 {path} 无法读取：工作表“{sheet}”第 {row} 行有无法识别的单元格（例如超出范围的日期）。请在 Excel 或 WPS 中改正该行后另存为 .xlsx，再导入。",
    ),
    "roster_file_format": QT_TRANSLATE_NOOP(
        "problems", "无法识别文件 {path} 的格式。请导入 Excel 工作簿（.xlsx、.xls）或 CSV 文件。"
    ),
    "roster_file_html": QT_TRANSLATE_NOOP(
        "problems",
        "文件 {path} 看起来是网页或 XML 格式，只是扩展名为 Excel。请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（.xlsx）”后再导入。",
    ),
    "roster_csv_encoding": QT_TRANSLATE_NOOP(
        "problems",
        "无法识别 CSV 文件 {path} 的文字编码（支持 UTF-8 和 GB18030/GBK）。请在 Excel 中打开后另存为 .xlsx 再导入。",
    ),
    "roster_no_sheets": QT_TRANSLATE_NOOP("problems", "文件 {path} 中没有可读取的工作表。"),
    "roster_sheet_not_found": QT_TRANSLATE_NOOP(
        "problems", "文件中没有名为“{sheet}”的工作表。可选的工作表：{sheets}"
    ),
    "roster_sheet_too_large": QT_TRANSLATE_NOOP(
        "problems",
        "文件 {path} 的工作表“{sheet}”范围过大（到第 {rows} 行、第 {columns} 列），无法读取：很可能远处的单元格里有内容。请在 Excel 或 WPS 中删除名册以外多余的行和列后另存，再导入。",
    ),
    "roster_sheet_empty": QT_TRANSLATE_NOOP(
        "problems", "工作表“{sheet}”是空的。请确认选择了填有名册的工作表。"
    ),
    "roster_header_not_found": QT_TRANSLATE_NOOP(
        "problems",
        "在工作表“{sheet}”的前 {rows} 行中找不到表头行：至少要有“姓名”“公民身份号码”“户籍地”等列名。请使用本局下发的名册模板，或在导入向导中手工指定表头行和各列。",
    ),
    "roster_header_missing": QT_TRANSLATE_NOOP(
        "problems",
        "工作表“{sheet}”第 {row} 行的表头缺少必需的列：{fields}。请在导入向导中指定这些列，或让企业按模板补齐。",
    ),
    "roster_mapping_invalid": QT_TRANSLATE_NOOP(
        "problems", "列的指定有误：{detail}"
    ),
    "roster_no_rows": QT_TRANSLATE_NOOP(
        "problems", "工作表“{sheet}”表头（第 {row} 行）以下没有人员数据。"
    ),
    "roster_cancelled": QT_TRANSLATE_NOOP("problems", "导入已取消，数据库未作任何改动。"),
    "roster_preview_expired": QT_TRANSLATE_NOOP(
        "problems", "这份名册的核对结果已失效（之后又核对了别的名册，或数据库已重新打开），没有写入任何数据。请重新核对后再导入。"
    ),
    "roster_file_unwritable": QT_TRANSLATE_NOOP(
        "problems", "无法写入文件 {path}：{detail}。请检查文件夹是否可写，或该文件是否正在 Excel、WPS 中打开。"
    ),
})


class RosterError(Exception):
    """A roster that cannot be imported at all; nothing has been written.

    ``code`` is stable (``roster_file_encrypted``, ``roster_header_not_found``,
    …) and the message says in Chinese what to do.
    """

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = dict(params)
        super().__init__(message(code, **params))

    @property
    def problem(self) -> Problem:
        return Problem(self.code, dict(self.params))


def check_cancel(cancel: CancelFn | None) -> None:
    if cancel is not None and cancel():
        raise RosterError("roster_cancelled")


# --------------------------------------------------------------------------
# Header detection

Merged = tuple[tuple[int, int], tuple[int, int]]
"""A merged range ((first_row, first_col), (last_row, last_col)), 0-based."""

HEADER_SEARCH_ROWS: Final = 50
_MIN_FIELDS: Final = 3


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header is and which column holds which field.

    Row and column numbers are 0-based indices into the sheet's grid
    (row 0 is sheet row 1, column 0 is column A).
    """

    header_row: int
    first_data_row: int
    texts: tuple[str, ...]
    columns: Mapping[Field, int]
    month_columns: Mapping[int, str] = field(default_factory=dict)

    def missing_required(self) -> list[Field]:
        missing = [f for f in REQUIRED_FIELDS if f not in self.columns]
        if Field.CONTRACT_TERM not in self.columns and Field.CONTRACT_START not in self.columns:
            missing.append(Field.CONTRACT_START)
        return missing

    def header_of(self, column: int | None) -> str:
        if column is None or column >= len(self.texts):
            return ""
        return self.texts[column]

    def field_of_column(self, column: int) -> Field | None:
        for f, c in self.columns.items():
            if c == column:
                return f
        return None

    def with_columns(self, overrides: Mapping[Field, int | None]) -> HeaderLayout:
        """The clerk's corrections: a field to a column, or to None (not in this file).

        A column given to a field is taken away from any other field.
        """
        columns = dict(self.columns)
        months = dict(self.month_columns)
        for f, column in overrides.items():
            columns.pop(f, None)
            if column is None:
                continue
            if column < 0:
                raise RosterError("roster_mapping_invalid", detail=f"{f.label}：列号 {column}")
            for other, c in list(columns.items()):
                if c == column:
                    del columns[other]
            months.pop(column, None)
            columns[f] = column
        if Field.PAID_MONTHS in columns:
            months = {}
        width = max([len(self.texts), *(c + 1 for c in columns.values())])
        texts = self.texts + ("",) * (width - len(self.texts))
        return replace(self, columns=columns, month_columns=months, texts=texts)

    def learned_names(self) -> dict[str, str]:
        """Field -> header text, to remember for the enterprise's next roster."""
        return {f.value: self.texts[c] for f, c in self.columns.items() if c < len(self.texts) and self.texts[c]}


def learned_aliases(remembered: Mapping[str, str]) -> dict[str, Field]:
    """header_key -> Field from a remembered {field: header text} mapping."""
    found: dict[str, Field] = {}
    for name, text in remembered.items():
        try:
            f = Field(name)
        except ValueError:
            continue
        key = header_key(text)
        if key:
            found[key] = f
    return found


def _map_row(texts: Sequence[object], learned: Mapping[str, Field] | None) -> tuple[dict[Field, int], dict[int, str]]:
    columns: dict[Field, int] = {}
    months: dict[int, str] = {}
    for index, value in enumerate(texts):
        f = field_of_header(value, learned)
        if f is not None:
            columns.setdefault(f, index)  # the first column with a name wins
        elif isinstance(value, str):
            month = month_of_header(value)
            if month is not None:
                months[index] = month
    if Field.PAID_MONTHS in columns:
        months = {}
    return columns, months


def _score(columns: Mapping[Field, int], months: Mapping[int, str]) -> int:
    return len(set(columns) - {Field.SEQ}) + (1 if months else 0)


def looks_like_data(value: object) -> bool:
    if isinstance(value, (datetime.date, bool)):
        return True
    if isinstance(value, (int, float)):
        return True
    return len(squeezed(value)) >= 15 and sum(ch.isdigit() for ch in squeezed(value)) >= 14


def _merged_fill(row: Sequence[object], row_index: int, merged: Sequence[Merged]) -> list[str]:
    """Header texts with merged cells spread over their columns (a group label above sub-headers)."""
    texts = [value if isinstance(value, str) else "" for value in row]
    for (r0, c0), (r1, c1) in merged:
        if r0 <= row_index <= r1 and c0 < len(texts) and texts[c0]:
            for c in range(c0 + 1, min(c1 + 1, len(texts))):
                if not texts[c].strip():
                    texts[c] = texts[c0]
    return texts


def find_header(
    rows: Sequence[Sequence[object]],
    *,
    merged: Sequence[Merged] = (),
    learned: Mapping[str, Field] | None = None,
    header_row: int | None = None,
) -> HeaderLayout | None:
    """Find the header row in the first rows of a sheet (or use ``header_row``).

    The row naming the most fields wins (at least 3, e.g. 姓名, 身份证号,
    户籍地); titles and a "填报单位" line above it are passed over.  A second
    header row (a merged "劳动合同" above "始期" / "终期") is joined to it.
    """
    candidates = range(len(rows)) if header_row is None else [header_row]
    best: tuple[int, int, dict[Field, int], dict[int, str]] | None = None
    for index in candidates:
        if index >= len(rows) or index >= HEADER_SEARCH_ROWS and header_row is None:
            break
        columns, months = _map_row(rows[index], learned)
        score = _score(columns, months)
        if score and (best is None or score > best[0]):
            best = (score, index, columns, months)
    if best is None or (header_row is None and best[0] < _MIN_FIELDS):
        return None
    _, index, columns, months = best
    texts = [clean_text(v) if isinstance(v, str) else "" for v in rows[index]]
    first_data = index + 1
    if index + 1 < len(rows):
        below = rows[index + 1]
        if any(not is_blank(v) for v in below) and not any(looks_like_data(v) for v in below if not is_blank(v)):
            parents = _merged_fill(rows[index], index, merged)
            last = ""
            joined: list[str] = []
            for c in range(max(len(parents), len(below))):
                parent = parents[c].strip() if c < len(parents) else ""
                cell = below[c] if c < len(below) else ""
                child = cell if isinstance(cell, str) else ""
                last = parent or last
                joined.append(clean_text((parent or last) + child) if child.strip() else clean_text(parent))
            two_columns, two_months = _map_row(joined, learned)
            if _score(two_columns, two_months) > _score(columns, months):
                columns, months, texts = two_columns, two_months, joined
                first_data = index + 2
    return HeaderLayout(index, first_data, tuple(texts), columns, months)
