"""Write the crafted social-insurance payment lists (社保缴费明细) the tests read, with openpyxl.

    python tests/data/make_insurance_lists.py     # from the repository root

Three layouts, each with good rows and bad rows whose sheet row and column the tests name:

* insurance_monthly.xlsx — a title, a 填报单位 line, the header on row 3 (序号, 姓名, 身份证号, 缴费月份, 单位);
  one row per person and month, months as text, as a number (202611) and as a real date cell.
* insurance_spans.xlsx — the header on row 1 (姓名, 公民身份号码, 缴费起止月份, 缴费单位); a span per row.
* insurance_start_end.xlsx — 人员姓名, 证件号码, 起始月份, 终止月份 (no employer column); a blank end is one month.

The employer is the tests' enterprise 0 (tests/batches/factory.py: 测试企业0000有限公司).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
EMPLOYER = "测试企业0000有限公司"
# valid ID numbers (check digits right), from 汪清县 (222424) and 和龙市 (222406)
A, B, C = "222424199001011235", "222406199202020020", "222424198505050014"
BAD_CHECK = "222424199001011236"


def _check(number: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(number[:17], weights)) % 11]


def _write(name: str, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "缴费明细"
    for row in rows:
        sheet.append(row)
    book.save(HERE / name)


def main() -> None:
    for number in (A, B, C):
        assert number[17] == _check(number), number
    assert BAD_CHECK[17] != _check(BAD_CHECK)
    _write("insurance_monthly.xlsx", [
        ["社会保险缴费明细"],
        [f"填报单位：{EMPLOYER}"],
        ["序号", "姓名", "身份证号", "缴费月份", "单位"],
        [1, "金明", A, "2026-09", EMPLOYER],           # row 4
        [2, "金明", A, "2026-10", EMPLOYER],
        [3, "金明", A, 202611, EMPLOYER],               # a number
        [4, "朴丽", B, datetime.datetime(2026, 11, 1), EMPLOYER],  # a date cell
        [5, "崔勇", C, "2026年11月", EMPLOYER],
        [],                                              # row 9: blank, passed over
        [6, "", A, "2026-11", EMPLOYER],                # row 10: no name
        [7, "李华", BAD_CHECK, "2026-11", EMPLOYER],    # row 11: wrong check digit
        [8, "崔勇", C, "2026-13", EMPLOYER],            # row 12: no month 13
        [9, "崔勇", C, "2026-10", "别的公司"],          # row 13: someone else paid
        [10, "金敏", A, "2026-08", EMPLOYER],           # row 14: same ID, another name
        [11, "朴丽", B, "", EMPLOYER],                  # row 15: no month
    ])
    _write("insurance_spans.xlsx", [
        ["姓名", "公民身份号码", "缴费起止月份", "缴费单位"],
        ["金明", A, "2026-01至2026-11", EMPLOYER],     # row 2
        ["朴丽", B, "202609-202611", "912224010000000005"],  # row 3: the credit code stands for the name
        ["崔勇", C, "2026-11至2026-01", EMPLOYER],     # row 4: reversed
        ["崔勇", C, "从九月起", EMPLOYER],             # row 5: not a span
    ])
    _write("insurance_start_end.xlsx", [
        ["人员姓名", "证件号码", "起始月份", "终止月份"],
        ["金明", A, "2026-10", "2026-11"],             # row 2
        ["朴丽", B, "2026-11", None],                   # row 3: one month
        ["崔勇", C, "2026-09", "两个月"],              # row 4: a bad end
    ])


if __name__ == "__main__":
    main()
