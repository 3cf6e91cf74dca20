"""Parts of the roster import wizard's pages: what the file page says, the column mapping, the problem kinds.

Texts are marked with ``QCoreApplication.translate("ImportWizard", …)``, the
context of the wizard's own ``self.tr`` and of its form, so one translation
covers the whole wizard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem

from desktop.core.roster import (
    HEADER_SEARCH_ROWS, PROBLEM_TITLES, Field, HeaderLayout, RosterError, column_letter, field_of_header, header_key,
    learned_aliases,
)
from desktop.services.rosters import RosterInspection
from desktop.ui.import_wizard_models import cell_text, field_label, severity_color
from desktop.ui.text import problem_text

READY: Final = "1"  # in a page's hidden mandatory field: the page may be left
NOT_IMPORTED: Final = ""  # combo data: the column is not imported
MONTH: Final = "month:"  # combo data prefix: a column of one month's pay (kept as the header says)
CODE_ROLE: Final = Qt.ItemDataRole.UserRole + 1
COLUMN_ROLE: Final = Qt.ItemDataRole.UserRole + 2
EXAMPLES: Final = 3  # values shown per column on the mapping page
ROWS_SHOWN: Final = 12  # rows named per kind of problem; the table lists them all
ERROR_STYLE: Final = "color: #b3261e;"


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    """A page's status line; red when it says why the clerk cannot go on."""
    label.setText(text)
    label.setStyleSheet(ERROR_STYLE if error else "")


def _has_values(rows: Sequence[Sequence[object]]) -> bool:
    return any(any(v not in ("", None) for v in row) for row in rows)


def file_status(found: RosterInspection, requested_row: int | None) -> str:
    """The file page's line about what was read, or why no header can be used."""
    layout = found.layout
    if not _has_values(found.head):
        return problem_text(RosterError("roster_sheet_empty", sheet=found.sheet).problem)
    if layout is None and requested_row is not None:
        return QCoreApplication.translate("ImportWizard", "第 {row} 行不像表头：没有认出“姓名”“公民身份号码”“户籍地”等列名。请在“表头在第…行”中改成表头所在的行，或换一个工作表。").format(row=requested_row)  # noqa: E501 - one literal for lupdate
    if layout is None:
        return problem_text(RosterError("roster_header_not_found", sheet=found.sheet, rows=HEADER_SEARCH_ROWS).problem)
    fields = "、".join(field_label(f) for f, _ in sorted(layout.columns.items(), key=lambda item: item[1]))
    text = QCoreApplication.translate("ImportWizard", "已读取“{file}”。表头在第 {row} 行（蓝色），认出 {n} 列：{fields}。").format(
        file=found.file.name, row=layout.header_row + 1, n=len(layout.columns), fields=fields)
    if layout.first_data_row > layout.header_row + 1:
        text += QCoreApplication.translate("ImportWizard", "表头占两行（第 {a}–{b} 行）。").format(
            a=layout.header_row + 1, b=layout.first_data_row)
    if found.file.encoding:
        text += QCoreApplication.translate("ImportWizard", "文字编码：{encoding}。").format(
            encoding=found.file.encoding.upper())
    return text


# --------------------------------------------------------------------------
# The mapping page: one combo a column


def ignored_columns(found: RosterInspection, layout: HeaderLayout) -> set[int]:
    """Columns the clerk chose not to import last time (read as prepare_import reads them)."""
    ignored: set[int] = set()
    for name, header in found.remembered["ignored"].items():
        try:
            column = layout.columns.get(Field(name))
        except ValueError:
            continue
        if column is not None and header_key(layout.header_of(column)) == header_key(header):
            ignored.add(column)
    return ignored


def remembered_columns(found: RosterInspection, layout: HeaderLayout) -> set[int]:
    """Columns whose field comes from this enterprise's last import, not from the header's name."""
    learned = learned_aliases(found.remembered["fields"])
    return {c for f, c in layout.columns.items()
            if learned.get(header_key(layout.header_of(c))) is f and field_of_header(layout.header_of(c)) is not f}


class ColumnMapping(QObject):
    """The mapping page's table: column letter, header, a combo of fields (or 不导入), the first values."""

    def __init__(self, table: QTableWidget, intro: QLabel, status: QLabel, ready: QLineEdit) -> None:
        super().__init__(table)
        self._table, self._intro, self._status, self._ready = table, intro, status, ready

    def build(self, found: RosterInspection) -> None:
        layout = found.layout
        assert layout is not None  # the file page lets no one on without a header
        examples = found.head[layout.first_data_row:]
        width = max([len(layout.texts), *(len(r) for r in examples)])
        while width > 0 and not layout.header_of(width - 1) and not any(
                len(r) >= width and cell_text(r[width - 1]) for r in examples):
            width -= 1  # trailing columns with neither header nor values
        by_column = {c: f for f, c in layout.columns.items()}
        ignored = ignored_columns(found, layout)
        remembered = remembered_columns(found, layout)
        table = self._table
        table.setRowCount(width)
        for column in range(width):
            letter = QTableWidgetItem(column_letter(column))
            letter.setData(COLUMN_ROLE, column)
            letter.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            header = QTableWidgetItem(layout.header_of(column))
            shown = [cell_text(r[column]) for r in examples if column < len(r) and cell_text(r[column])]
            sample = QTableWidgetItem("；".join(shown[:EXAMPLES]))
            combo = self._combo_for(found, layout, column)
            if column in by_column and column not in ignored:
                combo.setCurrentIndex(combo.findData(by_column[column].value))
            if column in remembered or column in ignored:
                for item in (letter, header):
                    item.setToolTip(QCoreApplication.translate("ImportWizard", "按上次为本企业确认的对应"))
                    font = item.font()
                    font.setItalic(True)
                    item.setFont(font)
            combo.currentIndexChanged.connect(self.check)
            table.setItem(column, 0, letter)
            table.setItem(column, 1, header)
            table.setItem(column, 3, sample)
            table.setCellWidget(column, 2, combo)
        notes = [QCoreApplication.translate("ImportWizard", "表头：工作表“{sheet}”第 {row} 行。").format(
            sheet=found.sheet, row=layout.header_row + 1)]
        if remembered or ignored:
            notes.append(QCoreApplication.translate(
                "ImportWizard", "已按上次为本企业导入时确认的对应预填了 {columns} 列（斜体），请核对。").format(
                columns="、".join(column_letter(c) for c in sorted(remembered | ignored))))
        else:
            notes.append(QCoreApplication.translate("ImportWizard", "已按表头文字自动对应，请逐列核对。"))
        notes.append(QCoreApplication.translate(
            "ImportWizard", "必需的列：姓名、公民身份号码、户籍地、合同始期（或合同起止日期）。"))
        self._intro.setText("".join(notes))

    def _combo_for(self, found: RosterInspection, layout: HeaderLayout, column: int) -> QComboBox:
        combo = QComboBox()
        combo.addItem(QCoreApplication.translate("ImportWizard", "不导入"), NOT_IMPORTED)
        month = layout.month_columns.get(column)
        if month is not None:  # one column per month paid: kept unless the clerk names a field
            combo.addItem(QCoreApplication.translate("ImportWizard", "当月工资（{month}）").format(month=month),
                          MONTH + month)
            combo.setToolTip(QCoreApplication.translate("ImportWizard", "按月列出的工资发放情况：有金额即视为当月已发放"))
            combo.setCurrentIndex(1)
        for value, label in found.field_choices():
            combo.addItem(QCoreApplication.translate("roster", label), value)
        return combo

    def _combo(self, row: int) -> QComboBox:
        widget = self._table.cellWidget(row, 2)
        assert isinstance(widget, QComboBox)
        return widget

    def _row_of(self, column: int) -> int:
        for row in range(self._table.rowCount()):
            item = self._table.item(row, 0)
            if item is not None and item.data(COLUMN_ROLE) == column:
                return row
        raise IndexError(column)

    def chosen(self) -> dict[Field, list[int]]:
        """Field -> the columns the clerk gave it (more than one is a mistake :meth:`check` names)."""
        found: dict[Field, list[int]] = {}
        for row in range(self._table.rowCount()):
            data = str(self._combo(row).currentData() or "")
            item = self._table.item(row, 0)
            if data and not data.startswith(MONTH) and item is not None:
                found.setdefault(Field(data), []).append(int(item.data(COLUMN_ROLE)))
        return found

    def set_column(self, column: int, field: Field | None) -> None:
        combo = self._combo(self._row_of(column))
        combo.setCurrentIndex(combo.findData(field.value if field is not None else NOT_IMPORTED))

    def columns(self) -> dict[Field, int | None]:
        """What prepare_import is given: every field, its column or None (the clerk's choice overrides all)."""
        chosen = self.chosen()
        return {f: (chosen[f][0] if f in chosen else None) for f in Field}

    def check(self) -> None:
        """Say what is missing or given twice; the page's Next waits until nothing is."""
        chosen = self.chosen()
        problems = [
            QCoreApplication.translate("ImportWizard", "“{field}”同时选给了 {columns} 列，只能选一列。").format(
                field=field_label(f), columns="、".join(column_letter(c) for c in columns))
            for f, columns in chosen.items() if len(columns) > 1
        ]
        missing = HeaderLayout(0, 1, (), {f: c[0] for f, c in chosen.items()}).missing_required()
        if missing:
            names = [field_label(f) + (QCoreApplication.translate("ImportWizard", "（或合同起止日期）")
                                       if f is Field.CONTRACT_START else "") for f in missing]
            problems.append(QCoreApplication.translate("ImportWizard", "还缺少必需的列：{fields}。请在“导入为”中指定；名册里确实没有的，请企业按模板补齐后重新报送。").format(fields="、".join(names)))  # noqa: E501 - one literal for lupdate
        if problems:
            self._ready.clear()
            say(self._status, "\n".join(problems), error=True)
        else:
            self._ready.setText(READY)
            say(self._status, QCoreApplication.translate("ImportWizard", "共导入 {n} 列。").format(n=len(chosen)))


# --------------------------------------------------------------------------
# The preview page: the kinds of problem


def fill_group_tree(tree: QTreeWidget, groups: list[dict[str, object]]) -> None:
    """One line a kind of problem (errors first) with its count and rows; the first line is all of them."""
    tree.blockSignals(True)
    tree.clear()
    total = sum(int(str(g["count"])) for g in groups)
    first = QTreeWidgetItem([QCoreApplication.translate("ImportWizard", "全部问题") if groups
                             else QCoreApplication.translate("ImportWizard", "没有发现问题"), str(total), ""])
    first.setData(0, CODE_ROLE, None)
    first.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
    tree.addTopLevelItem(first)
    for g in groups:
        rows: list[int] = sorted(set(g["rows"]))  # type: ignore[call-overload]
        named = "、".join(str(r) for r in rows[:ROWS_SHOWN])
        where = (QCoreApplication.translate("ImportWizard", "第 {rows} 行").format(rows=named) if len(rows) <= ROWS_SHOWN
                 else QCoreApplication.translate("ImportWizard", "第 {rows} 等，共 {n} 行").format(rows=named, n=len(rows)))
        kind = (QCoreApplication.translate("ImportWizard", "错误") if g["severity"] == "error"
                else QCoreApplication.translate("ImportWizard", "提醒"))
        title = QCoreApplication.translate("roster", PROBLEM_TITLES.get(str(g["code"]), str(g["title"])))
        item = QTreeWidgetItem([f"{kind}：{title}", str(g["count"]), where])
        item.setData(0, CODE_ROLE, g["code"])
        item.setToolTip(2, "、".join(str(r) for r in rows[:500]))
        color = QBrush(severity_color(str(g["severity"])))
        item.setForeground(0, color)
        item.setForeground(1, color)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
        tree.addTopLevelItem(item)
    if groups:
        tree.setCurrentItem(first)
    else:
        first.setFlags(Qt.ItemFlag.ItemIsEnabled)  # nothing to choose
    tree.blockSignals(False)
