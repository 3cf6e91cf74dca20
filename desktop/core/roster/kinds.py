"""What a row below the header is: data, blank, a closing row (合计, 填表人) or a repeated header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from desktop.core.roster_headers import Field, HeaderLayout, field_of_header, looks_like_data
from desktop.core.roster_values import BLANK_CHARS, is_blank, month_cell_paid, squeezed

RowKind = Literal["data", "blank", "closing", "header"]

_CLOSING_WORDS: Final = (
    "合计", "总计", "小计", "共计", "总人数", "填表人", "填报人", "制表人", "审核人", "审批人", "负责人", "单位负责人",
    "经办人", "联系人", "备注", "说明", "注:", "注：", "注1", "注①", "填表说明", "填报说明", "单位盖章", "单位(盖章)",
    "盖章", "签字", "填表日期", "填报日期", "日期:", "以下空白", "以下无", "此页无正文",
)
_CLOSING_FIRST: Final = frozenset(word[0] for word in _CLOSING_WORDS)
DIGIT_CHARS: Final = frozenset("0123456789０１２３４５６７８９")


class RowKinds:
    """Tells the rows of one layout apart."""

    def __init__(self, layout: HeaderLayout) -> None:
        cols = layout.columns
        self._id_col = cols.get(Field.ID_NUMBER)
        self._name_col = cols.get(Field.NAME)
        self._seq = cols.get(Field.SEQ)
        self._months = sorted(layout.month_columns.items())
        self._mapped_others = [c for f, c in cols.items() if f is not Field.SEQ]

    def kind(self, cells: Sequence[object]) -> RowKind:
        """What a row below the header is: data, blank, a closing row (合计, 填表人) or a repeated header."""
        id_col = self._id_col
        id_value = cells[id_col] if id_col is not None and id_col < len(cells) else None
        if type(id_value) is str and len(id_value) >= 15 and id_value[0] in DIGIT_CHARS:
            return "data"  # the usual row: an ID number where it belongs
        first: object = None
        only_seq = True
        for index, value in enumerate(cells):
            if value is None or value == "" or (type(value) is str and not value.strip(BLANK_CHARS)):
                continue
            if is_blank(value):
                continue
            if first is None:
                first = value
            if index != self._seq:
                only_seq = False
                break
        if first is None:
            return "blank"
        if isinstance(first, str) and first.lstrip()[:1] in _CLOSING_FIRST and not looks_like_data(id_value):
            if squeezed(first).startswith(_CLOSING_WORDS):
                return "closing"
        if only_seq:
            return "blank"  # only a pre-printed 序号
        if isinstance(id_value, str) and id_value.strip()[:1] not in DIGIT_CHARS:
            if field_of_header(id_value) is Field.ID_NUMBER:
                return "header"
        name_col = self._name_col
        if is_blank(id_value) and (name_col is None or name_col >= len(cells) or is_blank(cells[name_col])):
            if not any(c < len(cells) and not is_blank(cells[c]) for c in self._mapped_others) and not any(
                c < len(cells) and month_cell_paid(cells[c]) for c, _ in self._months
            ):
                return "blank"  # only unmapped columns (a note in the margin)
        return "data"
