"""The roster rules without files: header search, column mapping, skipped rows, row checks."""

from __future__ import annotations

import dataclasses
import datetime
import gc
import string
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.areas import AreaTable
from desktop.core.identifiers import IdentifierError, id_check_char, parse_id_number
from desktop.core.messages import MESSAGES
from desktop.core.roster import (
    ERROR_CODES, FIELD_LABELS, HEADER_ALIASES, PROBLEM_TITLES, Field, HeaderLayout, RosterError, RosterRow,
    RowChecker, check_sheet, column_letter, field_of_header, find_header, group_problems, header_key,
    learned_aliases,
)
from desktop.core.roster.rules import under_16
from tests.roster_factory import QUIRKS, RosterSpec, build

TODAY = datetime.date(2026, 11, 24)
AREAS = AreaTable.default()


def layout_of(grid: Sequence[Sequence[object]], **kwargs: object) -> HeaderLayout:
    found = find_header(grid, **kwargs)  # type: ignore[arg-type]
    assert found is not None
    return found


def checked(grid: list[list[object]], minimum_wage: float | None = 1920.0, **kwargs: object) -> list[RosterRow]:
    layout = layout_of(grid, **kwargs)
    checker = RowChecker(layout, AREAS, today=TODAY, minimum_wage=minimum_wage)
    return check_sheet("名册", grid, layout, checker).rows


# --------------------------------------------------------------------------
# Headers


@pytest.mark.parametrize(("text", "field"), [
    (alias, f) for f, aliases in HEADER_ALIASES.items() for alias in aliases
] + [
    ("月工资（元）", Field.WAGE), ("工资 (元)", Field.WAGE), ("工种(岗位)", Field.JOB), ("*姓名", Field.NAME),
    ("身份证号码\n（18位）", Field.ID_NUMBER), ("公民身份号码：", Field.ID_NUMBER), ("合同起止日期", Field.CONTRACT_TERM),
    ("劳动合同开始时间", Field.CONTRACT_START), ("劳动合同截止日期", Field.CONTRACT_END), ("户籍所在地（县市区）", Field.HUKOU),
    ("是否缴纳社保", Field.INSURANCE), ("联系电话(手机)", Field.PHONE), ("工资发放月份", Field.PAID_MONTHS),
    ("劳动合同期限", Field.CONTRACT_TERM), ("合同期限类型", Field.CONTRACT_TYPE), ("劳动合同起", Field.CONTRACT_START),
    ("劳动合同止", Field.CONTRACT_END), ("ＮＯ．", Field.SEQ),
])
def test_header_names_map_to_fields(text: str, field: Field) -> None:
    assert field_of_header(text) is field


@pytest.mark.parametrize("text", ["劳务协作地区就业人员名册", "填报单位（盖章）：", "备注", "", "2026年11月", "合计"])
def test_titles_and_notes_are_not_headers(text: str) -> None:
    assert field_of_header(text) is None


def test_every_label_is_its_own_alias_and_every_problem_has_a_title_and_message() -> None:
    for f, label in FIELD_LABELS.items():
        assert field_of_header(label) is f, label
    for code in PROBLEM_TITLES:
        assert code in MESSAGES, code
    assert ERROR_CODES <= set(PROBLEM_TITLES)


def test_header_below_a_merged_title_and_a_unit_line() -> None:
    built = build(RosterSpec(workers=3, headers="messy", title=True))
    layout = layout_of(built.grid)
    assert layout.header_row == 2 and layout.first_data_row == 3
    assert layout.columns[Field.ID_NUMBER] == 3 and layout.columns[Field.CONTRACT_TERM] == 6
    assert layout.missing_required() == []


def test_two_row_header_under_a_merged_group_label() -> None:
    grid: list[list[object]] = [
        ["序号", "姓名", "身份证号", "户籍地", "劳动合同", "", "月工资"],
        ["", "", "", "", "起始日期", "终止日期", ""],
        [1, "金明", "222401199001011230", "延吉市", datetime.date(2025, 1, 1), datetime.date(2027, 1, 1), 3000],
    ]
    layout = layout_of(grid, merged=[((0, 4), (0, 5))])
    assert layout.first_data_row == 2
    assert layout.columns[Field.CONTRACT_START] == 4 and layout.columns[Field.CONTRACT_END] == 5
    assert layout.texts[4] == "劳动合同起始日期"


def test_no_header_is_none_and_a_given_header_row_is_used() -> None:
    grid: list[list[object]] = [["a", "b", "c"], [1, 2, 3]]
    assert find_header(grid) is None
    assert find_header([["甲", "乙"], ["姓名", "身份证号"]]) is None  # two fields are not enough to be sure
    layout = find_header([["甲", "乙"], ["姓名", "身份证号"]], header_row=1)
    assert layout is not None and layout.columns == {Field.NAME: 0, Field.ID_NUMBER: 1}


def test_learned_headers_and_corrections() -> None:
    grid: list[list[object]] = [["人名", "身份号", "老家", "进厂日子", "合同到期"]]
    assert find_header(grid) is None
    learned = learned_aliases({"name": "人名", "id_number": "身份号", "hukou": "老家", "contract_start": "进厂日子",
                               "bogus": "x"})
    layout = layout_of(grid, learned=learned)
    assert layout.columns[Field.HUKOU] == 2 and layout.columns[Field.CONTRACT_END] == 4
    changed = layout.with_columns({Field.HIRE_DATE: 3, Field.CONTRACT_START: None})
    assert changed.columns.get(Field.CONTRACT_START) is None and changed.columns[Field.HIRE_DATE] == 3
    assert changed.missing_required() == [Field.CONTRACT_START]
    assert layout.learned_names()["hukou"] == "老家"
    with pytest.raises(RosterError):
        layout.with_columns({Field.JOB: -1})


def test_month_columns_stand_for_months_paid() -> None:
    grid: list[list[object]] = [
        ["姓名", "身份证号", "户籍地", "合同起止日期", "2026年9月", "2026年10月", "2026年11月"],
        ["金明", "222401199001011230", "延吉市", "2025.1.1-2027.12.31", 2800, "", "√"],
    ]
    rows = checked(grid)
    assert rows[0].paid_months == ("2026-09", "2026-11")


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
    assert header_key(" 月工资（元） ") == "月工资"


# --------------------------------------------------------------------------
# Rows: skipped, checked


def test_blank_closing_and_repeated_header_rows_are_skipped() -> None:
    built = build(RosterSpec(workers=6, headers="messy", title=True, blank_every=2, closing=True))
    grid = built.grid
    grid.insert(6, list(grid[2]))  # the header again, as printed rosters repeat it on each page
    grid.insert(7, [7, "", "", "", "", "", "", "", "", "", ""])  # a pre-numbered empty line
    grid.append(["注：身份证号码请填写18位", "", "", "", "", "", "", "", "", "", ""])
    layout = layout_of(grid)
    result = check_sheet("Sheet1", grid, layout, RowChecker(layout, AREAS, today=TODAY))
    assert len(result.rows) == 6
    assert result.skipped["header"] == [7]
    assert len(result.skipped["closing"]) == 3
    assert 8 in result.skipped["blank"] and len(result.skipped["blank"]) == 3


@pytest.mark.parametrize("quirk", QUIRKS)
@pytest.mark.parametrize("headers", ["template", "messy"])
def test_each_quirk_gives_its_verdict(quirk: str, headers: str) -> None:
    built = build(RosterSpec(workers=4, headers=headers, quirks={2: quirk}, seed=11))  # type: ignore[arg-type]
    rows = checked(built.grid)
    assert [r.sheet_row for r in rows] == [e.sheet_row for e in built.expected]
    for row, expected in zip(rows, built.expected):
        assert row.status == expected.status, (quirk, row.codes)
        codes = set(row.codes)
        if expected.quirk == "bad_date":
            assert codes & expected.codes
        else:
            assert expected.codes <= codes, (quirk, row.codes)
        if expected.quirk == "ok":
            assert not row.problems
        if expected.id_number is not None:
            assert row.id_number == expected.id_number


def test_normalised_values() -> None:
    number = "22240119901001098" + id_check_char("22240119901001098")
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) for ch in number)
    grid: list[list[object]] = [
        ["姓名", "性别", "身份证号码", "户籍所在地", "人员类别", "合同起止日期", "月收入", "参保情况", "手机号码"],
        [" 王  芳 ", "女", f" {fullwidth[:6]} {fullwidth[6:]}\u3000", "吉林省延边州延吉市", "脱贫户",
         "2025.10.07-长期", "2,800", "已参保", 13800000000.0],
    ]
    [row] = checked(grid)
    assert row.status == "valid" and row.codes == [], row.codes
    assert (row.name, row.id_number, row.sex, row.birth_date) == ("王芳", number, "F", "1990-10-01")
    assert (row.hukou_code, row.contract_type, row.contract_start, row.contract_end) == (
        "222401", "open_ended", "2025-10-07", None)
    assert (row.priority_claim, row.monthly_wage, row.social_insurance, row.phone) == (
        "poverty_alleviated", 2800.0, 1, "13800000000")


def test_warnings_keep_the_row() -> None:
    born = TODAY.replace(year=TODAY.year - 15)
    first17 = f"222401{born:%Y%m%d}003"  # odd sequence: a man
    young = first17 + id_check_char(first17)
    first17 = "222421198001010012"[:17]
    old_code = first17 + id_check_char(first17)  # 延吉县, today 龙井市
    grid: list[list[object]] = [
        ["姓名", "性别", "身份证号", "户籍地", "合同始期", "合同终期", "月工资", "重点群体", "是否参保"],
        ["甲", "女", young, "延吉市", "2026.1.1", "2027.12.31", 1500, "退役军人", "部分"],
        ["乙", "男", old_code, "龙井市", "2026.1.1", "2027.12.31", 3000, "", "是"],
        ["丙", "男", old_code[:6] + "19800101" + "0036", "黑龙江省宁安市", "2026.1.1", "2027.12.31", 3000, "", "是"],
    ]
    grid[3][2] = grid[3][2][:17] + id_check_char(str(grid[3][2])[:17])  # type: ignore[index]
    rows = checked(grid)
    assert [r.status for r in rows] == ["valid", "valid", "valid"]
    assert set(rows[0].codes) == {"sex_mismatch", "under_16", "wage_below_minimum", "group_unknown",
                                  "insurance_unreadable"}
    assert rows[1].codes == []  # a historical code whose successor is the 户籍地
    # another province's county is found in the national table (GB/T 2260); its ID area differs
    assert rows[2].codes == ["id_area_mismatch"] and rows[2].hukou_code == "231084"


def test_contract_problems() -> None:
    header: list[object] = ["姓名", "身份证号", "户籍地", "合同类型", "合同始期", "合同终期"]
    number = "222401199001011230"
    numbers = [number[:14] + f"{i:03d}" for i in range(1, 9)]
    ids = [n + id_check_char(n) for n in numbers]
    grid: list[list[object]] = [header,
        ["a", ids[0], "延吉市", "固定期限", "2026.1.1", ""],
        ["b", ids[1], "延吉市", "无固定期限", "2026.1.1", "2027.1.1"],
        ["c", ids[2], "延吉市", "", "2026.1.1", "长期"],
        ["d", ids[3], "延吉市", "劳务派遣", "2026.1.1", "2027.1.1"],
        ["e", ids[4], "延吉市", "", "", "2027.1.1"],
        ["f", ids[5], "延吉市", "固定期限", "2026.1.1", "2025.1.1"],
        ["g", ids[6], "延吉市", "以完成一定工作任务为期限", "2026.1.1", ""],
        ["h", ids[7], "延吉市", "固定期限", "2026.1.1", "无固定期限"],
    ]
    rows = checked(grid)
    assert [(r.status, r.codes) for r in rows] == [
        ("invalid", ["contract_end_missing"]),
        ("valid", ["contract_type_conflict"]),
        ("valid", []),
        ("invalid", ["contract_type_unknown"]),
        ("invalid", ["contract_start_missing"]),
        ("invalid", ["contract_end_before_start"]),
        ("valid", []),
        ("invalid", ["contract_end_missing", "contract_type_conflict"]),
    ]
    assert rows[1].contract_type == "open_ended" and rows[1].contract_end is None
    assert rows[2].contract_type == "open_ended"
    assert rows[6].contract_type == "task"


def test_hukou_problems() -> None:
    header: list[object] = ["姓名", "身份证号", "户籍地", "合同起止日期"]
    base = "2224011990010112"
    ids = [base + f"{i}" for i in range(3)]
    ids = [n + id_check_char(n) for n in ids]
    rows = checked([header,
                    ["a", ids[0], "", "2026.1.1-2027.1.1"],
                    ["b", ids[1], "火星", "2026.1.1-2027.1.1"],
                    ["c", ids[2], "延边州", "2026.1.1-2027.1.1"]])
    assert [r.codes for r in rows] == [["hukou_empty"], ["hukou_unknown"], ["hukou_unknown"]]


def test_problems_name_row_column_and_group() -> None:
    built = build(RosterSpec(workers=6, headers="messy", title=True,
                             quirks={1: "bad_check", 3: "bad_check", 4: "numeric_id"}))
    rows = checked(built.grid)
    problems = [p for r in rows for p in r.problems]
    assert {(p.column_letter, p.row) for p in problems} == {("D", 5), ("D", 7), ("D", 8)}
    assert all(p.severity == "error" and p.text() for p in problems)
    groups = group_problems(problems)
    assert [(g["code"], g["count"], g["rows"]) for g in groups] == [
        ("id_checksum", 2, [5, 7]), ("id_stored_as_number", 1, [8])]


# --------------------------------------------------------------------------
# The fast paths agree with the rules


ID_TEXT = st.one_of(
    st.text(alphabet="0123456789xX", min_size=14, max_size=19),
    st.builds(lambda s: s + id_check_char(s), st.text(alphabet="0123456789", min_size=17, max_size=17)),
    st.builds(lambda d, seq: (lambda s: s + id_check_char(s))(f"222401{d:%Y%m%d}{seq:03d}"),
              st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 1, 1)), st.integers(0, 999)),
)


@given(ID_TEXT)
def test_the_fast_id_check_agrees_with_parse_id_number(text: str) -> None:
    layout = HeaderLayout(0, 1, ("身份证号",), {Field.ID_NUMBER: 0})
    checker = RowChecker(layout, AREAS, today=TODAY)
    problems: list[object] = []
    number, sex, birth, _ = checker._id(text, problems, 2)  # type: ignore[arg-type]
    try:
        parsed = parse_id_number(text, today=TODAY)
    except IdentifierError as exc:
        assert sex is None and [p.code for p in problems] == [exc.code]  # type: ignore[attr-defined]
    else:
        assert (number, sex, birth) == (parsed.number, parsed.sex, parsed.birth_date.isoformat())
        assert problems == []


CELL = st.one_of(
    st.none(), st.just(""), st.text(max_size=12), st.integers(-10, 10**6), st.floats(allow_nan=True),
    st.booleans(), st.dates(datetime.date(1899, 1, 1), datetime.date(2200, 1, 1)),
    st.sampled_from(["延吉市", "大安市", "火星", "2026.1.1", "2026/01/01-2027/12/31", "长期", "男", "女", "是",
                     "固定期限", "无固定期限", "2,800", "脱贫人口", "2026.08-2026.11"]),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=0, max_size=14), min_size=1, max_size=8),
       st.sampled_from(["template", "messy"]), st.integers(0, 3))
def test_block_check_equals_row_check(rows: list[list[object]], headers: str, seed: int) -> None:
    """check_block (the fast path) and check (the rules) give identical rows, clean or not
    (tests/rosters/test_row_check_paths.py: the same on the samples and generated rosters, message by message)."""
    built = build(RosterSpec(workers=4, headers=headers, seed=seed))  # type: ignore[arg-type]
    grid = [*built.grid, *rows]
    layout = layout_of(built.grid)
    data = grid[1:]
    numbers = list(range(2, len(grid) + 1))
    one = RowChecker(layout, AREAS, today=TODAY, minimum_wage=1920)
    many = RowChecker(layout, AREAS, today=TODAY, minimum_wage=1920)
    by_row = [one.check(cells, n) for cells, n in zip(data, numbers)]
    by_block = many.check_block(data, numbers)
    assert [dataclasses.astuple(r) for r in by_block] == [dataclasses.astuple(r) for r in by_row]


@pytest.mark.parametrize("enabled", [True, False])
def test_checking_a_sheet_leaves_the_collector_as_it_was(enabled: bool) -> None:
    built = build(RosterSpec(workers=5))
    layout = layout_of(built.grid)
    checker = RowChecker(layout, AREAS, today=TODAY)
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        checked = check_sheet("名册", built.grid, layout, checker)
        assert gc.isenabled() is enabled
        assert [r.sheet_row for r in checked.rows] == [e.sheet_row for e in built.expected]
    finally:
        if was:
            gc.enable()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(QUIRKS), min_size=1, max_size=12), st.integers(0, 1000),
       st.sampled_from(["template", "messy"]), st.sampled_from(["date", "dotted", "slash", "chinese", "serial", "mixed"]),
       st.booleans(), st.booleans(), st.integers(0, 4))
def test_generated_rosters_come_out_as_generated(
    quirks: list[str], seed: int, headers: str, date_style: str, title: bool, closing: bool, blank_every: int,
) -> None:
    spec = RosterSpec(workers=len(quirks) + 2, seed=seed, headers=headers, title=title,  # type: ignore[arg-type]
                      closing=closing, blank_every=blank_every, date_style=date_style,  # type: ignore[arg-type]
                      quirks=dict(enumerate(quirks)), wage_text=seed % 2 == 0)  # type: ignore[arg-type]
    built = build(spec)
    rows = checked(built.grid)
    assert [(r.sheet_row, r.status) for r in rows] == [(e.sheet_row, e.status) for e in built.expected]
    for row, expected in zip(rows, built.expected):
        if expected.quirk == "bad_date":
            assert set(row.codes) & expected.codes
        else:
            assert expected.codes <= set(row.codes), (expected, row.codes)


def test_identifier_alphabet_sanity() -> None:
    assert set(string.digits) <= set("0123456789xX")


@pytest.mark.parametrize("block", [False, True])
def test_a_name_at_the_limit_is_kept_and_one_over_is_refused(block: bool) -> None:
    from desktop.core.names import MAX_PERSON_NAME

    built = build(RosterSpec(workers=3, seed=7))
    grid = [list(row) for row in built.grid]
    name_col = grid[0].index("姓名")
    grid[1][name_col] = "张" * MAX_PERSON_NAME
    grid[2][name_col] = "李" * (MAX_PERSON_NAME + 1)
    layout = layout_of(grid)
    checker = RowChecker(layout, AREAS, today=TODAY, minimum_wage=1920)
    rows = checker.check_block(grid[1:], [2, 3, 4]) if block else [checker.check(r, n) for r, n in
                                                                  zip(grid[1:], [2, 3, 4])]
    assert rows[0].status == "valid" and rows[0].name == "张" * MAX_PERSON_NAME
    assert rows[1].status == "invalid" and rows[1].codes == ["name_too_long"]
    [problem] = rows[1].problems
    assert problem.text() == f"姓名过长：{MAX_PERSON_NAME + 1} 个字，最多 {MAX_PERSON_NAME} 个字"
    assert rows[2].status == "valid"


def test_a_county_of_another_province_resolves_by_name_or_code_and_an_unknown_one_is_said() -> None:
    number = "23108419900101003"
    number += id_check_char(number)
    grid: list[list[object]] = [
        ["姓名", "身份证号", "户籍地", "合同始期", "合同终期"],
        ["甲", number, "黑龙江省宁安市", "2026.1.1", "2027.12.31"],
        ["乙", number[:16] + "1" + id_check_char(number[:16] + "1"), "231084", "2026.1.1", "2027.12.31"],
        ["丙", number[:16] + "5" + id_check_char(number[:16] + "5"), "黑龙江省无此县", "2026.1.1", "2027.12.31"],
    ]
    rows = checked(grid)
    assert [r.hukou_code for r in rows] == ["231084", "231084", None]
    assert rows[0].codes == [] and rows[1].codes == [] and rows[2].codes == ["hukou_other_province"]


@pytest.mark.parametrize(("birth", "start", "age"), [
    ("2010-03-15", "2026-03-14", 15), ("2010-03-15", "2026-03-15", None),  # the 16th birthday itself: 16
    ("2008-02-29", "2024-02-28", 15), ("2008-02-29", "2024-02-29", None),
    ("1884-02-29", "1900-02-28", 15), ("1884-02-29", "1900-03-01", None),  # 1900 has no 29 February
    ("2010-12-31", "2011-01-01", 0), ("2000-01-01", "2026-01-01", None), ("2010-03-15", None, None),
])
def test_under_16_at_the_sixteenth_birthday(birth: str, start: str | None, age: int | None) -> None:
    found = under_16(birth, start)
    assert (None if found is None else found[2]["age"]) == age
    if found is not None:
        assert found[:2] == (Field.CONTRACT_START, "under_16")
