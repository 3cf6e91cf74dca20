"""Reading roster cells: dates in every form DOMAIN.md section 4 lists, contract terms, amounts, yes/no."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.roster_values import (
    CellValueError, ContractTerm, clean_text, excel_serial_date, is_blank, month_cell_paid, month_of_header,
    parse_amount, parse_contract_term, parse_contract_type, parse_date, parse_paid_months, parse_priority_group,
    parse_sex, parse_yes_no,
)
from desktop.core.workers import ContractType, PriorityGroup

D = datetime.date


@pytest.mark.parametrize(("cell", "expected"), [
    (D(2022, 3, 1), D(2022, 3, 1)),
    (datetime.datetime(2022, 3, 1, 0, 0), D(2022, 3, 1)),
    (datetime.datetime(2022, 3, 1, 17, 30), D(2022, 3, 1)),
    (44621.0, D(2022, 3, 1)),  # Excel serial
    (44621, D(2022, 3, 1)),
    (44621.75, D(2022, 3, 1)),  # a serial with a time of day
    ("44621", D(2022, 3, 1)),
    ("2022.3.1", D(2022, 3, 1)),
    ("2022.03.01", D(2022, 3, 1)),
    ("2022/03/01", D(2022, 3, 1)),
    ("2022/3/1", D(2022, 3, 1)),
    ("2022-03-01", D(2022, 3, 1)),
    ("2022年3月1日", D(2022, 3, 1)),
    ("2022 年 3 月 1 日", D(2022, 3, 1)),
    ("2022年03月01", D(2022, 3, 1)),
    ("20220301", D(2022, 3, 1)),
    ("２０２２．３．１", D(2022, 3, 1)),  # full-width
    (" 2022/03/01\u3000", D(2022, 3, 1)),
    ("2022-03-01 00:00:00", D(2022, 3, 1)),
    ("2022-03-01T08:30", D(2022, 3, 1)),
    ("2024.2.29", D(2024, 2, 29)),
    (None, None),
    ("", None),
    ("  ", None),
    (float("nan"), None),
])
def test_dates_in_every_form(cell: object, expected: D | None) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", [
    "2023.2.29", "2022.13.1", "2022/00/10", "22.3.1", "2022.03", "明年", "1899.12.31", "3000-01-01",
    True, datetime.time(8, 0), datetime.timedelta(days=3), -5.0, 9_999_999.0,
])
def test_unreadable_dates_are_refused(cell: object) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_date(cell)
    assert caught.value.code == "date_unreadable"


def test_excel_serials_follow_the_1900_system() -> None:
    assert excel_serial_date(61) == D(1900, 3, 1)  # after Excel's phantom 1900-02-29
    assert excel_serial_date(45658) == D(2025, 1, 1)
    with pytest.raises(CellValueError):
        excel_serial_date(60)  # 1900-02-29 does not exist


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31)))
def test_every_written_form_reads_the_same_day(day: D) -> None:
    serial = (day - D(1899, 12, 30)).days
    forms: list[object] = [
        day, serial, float(serial), f"{day.year}.{day.month}.{day.day}", f"{day:%Y/%m/%d}", f"{day:%Y-%m-%d}",
        f"{day.year}年{day.month}月{day.day}日", f"{day:%Y%m%d}", f"{day:%Y.%m.%d}",
    ]
    assert {parse_date(form) for form in forms} == {day}


@pytest.mark.parametrize(("cell", "start", "end", "kind"), [
    ("2022.03.01-2025.02.28", D(2022, 3, 1), D(2025, 2, 28), None),
    ("2026/03/03至2029/03/02", D(2026, 3, 3), D(2029, 3, 2), None),
    ("2022-03-01-2025-02-28", D(2022, 3, 1), D(2025, 2, 28), None),
    ("2022年3月1日至2025年2月28日", D(2022, 3, 1), D(2025, 2, 28), None),
    ("2022.3.1~2025.2.28", D(2022, 3, 1), D(2025, 2, 28), None),
    ("2022.3.1 — 2025.2.28", D(2022, 3, 1), D(2025, 2, 28), None),
    ("20220301-20250228", D(2022, 3, 1), D(2025, 2, 28), None),
    ("自2022.3.1起至2025.2.28止", D(2022, 3, 1), D(2025, 2, 28), None),
    ("2025.10.07-长期", D(2025, 10, 7), None, ContractType.OPEN_ENDED),
    ("2025.10.07至无固定期限", D(2025, 10, 7), None, ContractType.OPEN_ENDED),
    ("无固定期限", None, None, ContractType.OPEN_ENDED),
    ("2025.10.07-以完成一定工作任务为期限", D(2025, 10, 7), None, ContractType.TASK),
    ("2022.03.01-", D(2022, 3, 1), None, None),
    (D(2022, 3, 1), D(2022, 3, 1), None, None),
    ("２０２２．０３．０１－２０２５．０２．２８", D(2022, 3, 1), D(2025, 2, 28), None),
])
def test_contract_terms_in_one_cell(cell: object, start: D | None, end: D | None, kind: ContractType | None) -> None:
    assert parse_contract_term(cell) == ContractTerm(start, end, kind)


@pytest.mark.parametrize("cell", ["三年", "2022.03-2025.02", "2022.3.1-2025.13.1", "2022.3.1-2025.2.28 试用期", 5, True])
def test_unreadable_contract_terms(cell: object) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_contract_term(cell)
    assert caught.value.code == "contract_term_unreadable"


def test_blank_contract_term_is_none_and_a_serial_is_a_start() -> None:
    assert parse_contract_term("") is None and parse_contract_term(None) is None
    assert parse_contract_term(44621.0) == ContractTerm(D(2022, 3, 1), None, None)


@pytest.mark.parametrize(("cell", "kind"), [
    ("固定期限", ContractType.FIXED), ("有固定期限", ContractType.FIXED), ("固定期限劳动合同", ContractType.FIXED),
    ("无固定期限", ContractType.OPEN_ENDED), ("无固定期限劳动合同", ContractType.OPEN_ENDED),
    ("长期", ContractType.OPEN_ENDED), ("以完成一定工作任务为期限", ContractType.TASK),
    (" 无固定期限 ", ContractType.OPEN_ENDED), ("", None), (None, None),
])
def test_contract_types(cell: object, kind: ContractType | None) -> None:
    assert parse_contract_type(cell) == kind


def test_unknown_contract_type() -> None:
    with pytest.raises(CellValueError) as caught:
        parse_contract_type("劳务派遣")
    assert caught.value.code == "contract_type_unknown"


@pytest.mark.parametrize(("cell", "amount"), [
    (2800, 2800.0), (2800.5, 2800.5), ("2,800", 2800.0), ("2，800", 2800.0), ("2800元", 2800.0),
    ("￥2,800.50", 2800.5), ("¥2800", 2800.0), ("２８００", 2800.0), (" 2 800 ", 2800.0), ("2800元/月", 2800.0),
    ("", None), (None, None), (0, 0.0),
])
def test_amounts(cell: object, amount: float | None) -> None:
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["面议", "-100", -1.0, float("inf"), "1e400", True])
def test_unreadable_amounts(cell: object) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_amount(cell)
    assert caught.value.code == "wage_unreadable"


@pytest.mark.parametrize(("cell", "value"), [
    ("是", True), ("已参保", True), ("已缴纳", True), ("√", True), ("Y", True), (1, True), (True, True),
    ("否", False), ("未参保", False), ("未缴纳", False), ("×", False), ("无", False), (0, False),
    ("", None), (None, None),
])
def test_yes_no(cell: object, value: bool | None) -> None:
    assert parse_yes_no(cell) == value


def test_yes_no_refuses_other_text() -> None:
    with pytest.raises(CellValueError):
        parse_yes_no("部分")


@pytest.mark.parametrize(("cell", "sex"), [("男", "M"), ("女", "F"), (" 男 ", "M"), ("M", "M"), ("f", "F"), ("", None)])
def test_sex(cell: object, sex: str | None) -> None:
    assert parse_sex(cell) == sex


@pytest.mark.parametrize(("cell", "group"), [
    ("脱贫人口", PriorityGroup.POVERTY_ALLEVIATED), ("脱贫户", PriorityGroup.POVERTY_ALLEVIATED),
    ("建档立卡贫困户", PriorityGroup.POVERTY_ALLEVIATED), ("就业困难人员", PriorityGroup.EMPLOYMENT_DIFFICULTY),
    ("登记失业人员", PriorityGroup.REGISTERED_UNEMPLOYED), ("失业人员", PriorityGroup.REGISTERED_UNEMPLOYED),
    ("离校未就业高校毕业生", PriorityGroup.UNEMPLOYED_GRADUATE), ("高校毕业生", PriorityGroup.UNEMPLOYED_GRADUATE),
    ("", None), ("无", None), ("—", None), (None, None),
])
def test_priority_groups(cell: object, group: PriorityGroup | None) -> None:
    assert parse_priority_group(cell) == group


@pytest.mark.parametrize(("cell", "code"), [("退役军人", "group_unknown"), ("脱贫人口、登记失业人员", "group_multiple")])
def test_priority_group_problems(cell: str, code: str) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_priority_group(cell)
    assert caught.value.code == code


@pytest.mark.parametrize(("cell", "months"), [
    ("2026.08-2026.11", ("2026-08", "2026-09", "2026-10", "2026-11")),
    ("2025.11-2026.02", ("2025-11", "2025-12", "2026-01", "2026-02")),
    ("2022.03、2022.04", ("2022-03", "2022-04")),
    ("2022年3月,2022年5月", ("2022-03", "2022-05")),
    ("2022/3", ("2022-03",)),
    (D(2022, 3, 15), ("2022-03",)),
    ("", ()), (None, ()),
])
def test_months_paid(cell: object, months: tuple[str, ...]) -> None:
    assert parse_paid_months(cell) == months


@pytest.mark.parametrize("cell", ["三个月", "2022.13", "2026.11-2026.08", "2022.03-2042.04"])
def test_unreadable_months(cell: str) -> None:
    with pytest.raises(CellValueError) as caught:
        parse_paid_months(cell)
    assert caught.value.code == "paid_months_unreadable"


@pytest.mark.parametrize(("header", "month"), [
    ("2022年3月", "2022-03"), ("2022.03", "2022-03"), ("2022-3工资", "2022-03"), ("2022年03月份", "2022-03"),
    ("月工资", None), ("2022年13月", None),
])
def test_month_headers(header: str, month: str | None) -> None:
    assert month_of_header(header) == month


@pytest.mark.parametrize(("cell", "paid"), [(2800.0, True), ("√", True), ("是", True), ("", False), (0, False),
                                            ("未发", False), (None, False)])
def test_month_cells(cell: object, paid: bool) -> None:
    assert month_cell_paid(cell) is paid


def test_blank_and_clean_text() -> None:
    assert is_blank(None) and is_blank("") and is_blank(" \u3000\u200b\t") and is_blank(float("nan"))
    assert not is_blank(0) and not is_blank("x") and not is_blank(False)
    assert clean_text(13800000000.0) == "13800000000"
    assert clean_text("  延吉市 \u3000 ") == "延吉市"
    assert clean_text("ＡＢＣ１２") == "ABC12"
    assert clean_text(D(2022, 3, 1)) == "2022-03-01"
