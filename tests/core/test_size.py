"""Enterprise size under 工信部联企业〔2011〕300号.

The expected thresholds below are copied by hand from DOMAIN.md 3.4 (and the
regulation), not read from the data file: the first test checks that the file
agrees with them, the threshold cases are generated from them.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.size import (
    INDICATORS,
    EnterpriseSize,
    MissingIndicatorError,
    SizeResult,
    SizeStandard,
    classify,
    decide_size,
    format_number,
)
from desktop.resources import resource_path

L, M, S, MICRO = EnterpriseSize.LARGE, EnterpriseSize.MEDIUM, EnterpriseSize.SMALL, EnterpriseSize.MICRO

# code: {size: {indicator: floor}} — DOMAIN.md 3.4, in the same order.
EXPECTED: dict[str, dict[EnterpriseSize, dict[str, float]]] = {
    "agriculture": {L: {"revenue": 20000}, M: {"revenue": 500}, S: {"revenue": 50}},
    "industry": {L: {"staff": 1000, "revenue": 40000}, M: {"staff": 300, "revenue": 2000}, S: {"staff": 20, "revenue": 300}},
    "construction": {L: {"revenue": 80000, "assets": 80000}, M: {"revenue": 6000, "assets": 5000}, S: {"revenue": 300, "assets": 300}},
    "wholesale": {L: {"staff": 200, "revenue": 40000}, M: {"staff": 20, "revenue": 5000}, S: {"staff": 5, "revenue": 1000}},
    "retail": {L: {"staff": 300, "revenue": 20000}, M: {"staff": 50, "revenue": 500}, S: {"staff": 10, "revenue": 100}},
    "transport": {L: {"staff": 1000, "revenue": 30000}, M: {"staff": 300, "revenue": 3000}, S: {"staff": 20, "revenue": 200}},
    "warehousing": {L: {"staff": 200, "revenue": 30000}, M: {"staff": 100, "revenue": 1000}, S: {"staff": 20, "revenue": 100}},
    "postal": {L: {"staff": 1000, "revenue": 30000}, M: {"staff": 300, "revenue": 2000}, S: {"staff": 20, "revenue": 100}},
    "hospitality": {L: {"staff": 300, "revenue": 10000}, M: {"staff": 100, "revenue": 2000}, S: {"staff": 10, "revenue": 100}},
    "information_transmission": {L: {"staff": 2000, "revenue": 100000}, M: {"staff": 100, "revenue": 1000}, S: {"staff": 10, "revenue": 100}},
    "software_it": {L: {"staff": 300, "revenue": 10000}, M: {"staff": 100, "revenue": 1000}, S: {"staff": 10, "revenue": 50}},
    "real_estate_development": {L: {"revenue": 200000, "assets": 10000}, M: {"revenue": 1000, "assets": 5000}, S: {"revenue": 100, "assets": 2000}},
    "property_management": {L: {"staff": 1000, "revenue": 5000}, M: {"staff": 300, "revenue": 1000}, S: {"staff": 100, "revenue": 500}},
    "leasing_business": {L: {"staff": 300, "assets": 120000}, M: {"staff": 100, "assets": 8000}, S: {"staff": 10, "assets": 100}},
    "other": {L: {"staff": 300}, M: {"staff": 100}, S: {"staff": 10}},
}
ONE_LOWER = {L: M, M: S, S: MICRO}
# "One below / above": a head, or 0.01 万元 (100 yuan).
STEP = {"staff": 1, "revenue": 0.01, "assets": 0.01}


@pytest.fixture(scope="module")
def standard() -> SizeStandard:
    return SizeStandard.load()


def run(standard: SizeStandard, industry: str, values: dict[str, float]) -> SizeResult:
    staff = values.get("staff")
    return classify(
        standard,
        industry,
        staff=None if staff is None else int(staff),
        revenue_wan=values.get("revenue"),
        assets_wan=values.get("assets"),
    )


# --- the data file ---------------------------------------------------------


def test_file_matches_domain_table(standard: SizeStandard) -> None:
    assert [i.code for i in standard.industries()] == list(EXPECTED)
    for industry in standard.industries():
        for size, floors in EXPECTED[industry.code].items():
            assert dict(industry.row(size).floors) == floors, (industry.code, size)


def test_file_metadata(standard: SizeStandard) -> None:
    assert standard.id == "size-standard-2011"
    assert standard.source == "工信部联企业〔2011〕300号"
    assert standard.title == "中小企业划型标准规定"
    assert standard.effective_from == date(2011, 6, 18)
    assert dict(standard.units) == {"staff": "人", "revenue": "万元", "assets": "万元"}
    assert {row.rule for i in standard.industries() for row in i.rows} == {"all"}
    assert standard.industry("hospitality").name == "住宿和餐饮业"


def test_default_is_cached_explicit_path_is_not() -> None:
    assert SizeStandard.load() is SizeStandard.load()
    path = resource_path("policy", "size_standard_2011.json")
    assert SizeStandard.load(path) is not SizeStandard.load()


@pytest.mark.parametrize("code", list(EXPECTED))
def test_required_indicators(standard: SizeStandard, code: str) -> None:
    wanted = tuple(name for name in INDICATORS if name in EXPECTED[code][L])
    assert standard.required_indicators(code) == wanted


def test_unknown_industry(standard: SizeStandard) -> None:
    with pytest.raises(KeyError, match="mining"):
        standard.industry("mining")
    with pytest.raises(KeyError, match="mining"):
        classify(standard, "mining", staff=1, revenue_wan=1, assets_wan=1)


# --- every threshold: at, one below, one above ------------------------------


def threshold_cases() -> list[Any]:
    cases = []
    for code, rows in EXPECTED.items():
        for size, floors in rows.items():
            for indicator in floors:
                for offset, expected in (("at", size), ("above", size), ("below", ONE_LOWER[size])):
                    cases.append(pytest.param(code, size, indicator, offset, expected,
                                              id=f"{code}-{size.value}-{indicator}-{offset}"))
    return cases


@pytest.mark.parametrize(("code", "row", "indicator", "offset", "expected"), threshold_cases())
def test_threshold(
    standard: SizeStandard, code: str, row: EnterpriseSize, indicator: str, offset: str, expected: EnterpriseSize
) -> None:
    # Every indicator of the row at its floor, then move one of them.
    values = dict(EXPECTED[code][row])
    values[indicator] += {"at": 0, "above": STEP[indicator], "below": -STEP[indicator]}[offset]
    result = run(standard, code, values)
    assert result.size is expected
    assert result.manual is False
    assert result.reason == ""
    assert result.standard_id == "size-standard-2011"
    assert result.steps and result.steps[-1].endswith(f"为{expected.label}企业")


# --- hand-picked cases ------------------------------------------------------

MIXED = [
    # Large needs every upper limit: many staff but little revenue is not large.
    ("industry", {"staff": 1500, "revenue": 1000}, S),
    ("industry", {"staff": 999, "revenue": 50000}, M),
    ("industry", {"staff": 5000, "revenue": 39999.99}, M),
    ("industry", {"staff": 0, "revenue": 0}, MICRO),
    ("industry", {"staff": 19, "revenue": 100000}, MICRO),
    ("construction", {"revenue": 90000, "assets": 4999}, S),
    ("construction", {"revenue": 300, "assets": 299.99}, MICRO),
    ("real_estate_development", {"revenue": 300000, "assets": 9000}, M),
    ("real_estate_development", {"revenue": 5000, "assets": 1999}, MICRO),
    ("leasing_business", {"staff": 5, "assets": 200000}, MICRO),
    ("leasing_business", {"staff": 300, "assets": 120000}, L),
    ("property_management", {"staff": 2000, "revenue": 999}, S),
    ("other", {"staff": 300}, L),
    ("other", {"staff": 9}, MICRO),
    ("agriculture", {"revenue": 49.99}, MICRO),
    ("agriculture", {"revenue": 1e6}, L),
]


@pytest.mark.parametrize(("code", "values", "expected"), MIXED)
def test_mixed(standard: SizeStandard, code: str, values: dict[str, float], expected: EnterpriseSize) -> None:
    assert run(standard, code, values).size is expected


def test_unused_indicators_are_ignored(standard: SizeStandard) -> None:
    plain = classify(standard, "other", staff=150, revenue_wan=None, assets_wan=None)
    extra = classify(standard, "other", staff=150, revenue_wan=1e9, assets_wan=-5)
    assert plain == extra
    assert plain.size is M


def test_steps_explain_medium(standard: SizeStandard) -> None:
    result = classify(standard, "industry", staff=350, revenue_wan=2500.0, assets_wan=None)
    assert result.steps == (
        "工业：从业人员 350 人 < 1000 人，且营业收入 2500 万元 < 40000 万元，未达到大型企业标准",
        "工业：从业人员 350 人 ≥ 300 人，且营业收入 2500 万元 ≥ 2000 万元，为中型企业",
    )


def test_steps_explain_micro_and_large(standard: SizeStandard) -> None:
    micro = classify(standard, "construction", staff=None, revenue_wan=400.5, assets_wan=250)
    assert micro.steps[-1] == "建筑业：资产总额 250 万元 < 300 万元，为微型企业"
    assert len(micro.steps) == 3
    large = classify(standard, "other", staff=300, revenue_wan=None, assets_wan=None)
    assert large.steps == ("其他未列明行业：从业人员 300 人 ≥ 300 人，为大型企业",)


@pytest.mark.parametrize(
    ("value", "text"),
    [(350, "350"), (2500.0, "2500"), (2500.5, "2500.5"), (0.01, "0.01"), (1e-05, "0.00001"), (120000.0, "120000")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


# --- missing and bad indicators ---------------------------------------------

MISSING = [
    ("industry", {"staff": 10}, ("revenue",), "营业收入"),
    ("industry", {}, ("staff", "revenue"), "从业人员、营业收入"),
    ("construction", {"staff": 10, "revenue": 100}, ("assets",), "资产总额"),
    ("real_estate_development", {}, ("revenue", "assets"), "营业收入、资产总额"),
    ("leasing_business", {"revenue": 100}, ("staff", "assets"), "从业人员、资产总额"),
    ("agriculture", {"staff": 10, "assets": 5}, ("revenue",), "营业收入"),
    ("other", {"revenue": 100, "assets": 100}, ("staff",), "从业人员"),
]


@pytest.mark.parametrize(("code", "values", "missing", "names"), MISSING)
def test_missing_indicator(
    standard: SizeStandard, code: str, values: dict[str, float], missing: tuple[str, ...], names: str
) -> None:
    with pytest.raises(MissingIndicatorError) as caught:
        run(standard, code, values)
    assert caught.value.indicators == missing
    assert caught.value.industry == code
    assert isinstance(caught.value, ValueError)
    assert names in str(caught.value)
    assert standard.industry(code).name in str(caught.value)


@pytest.mark.parametrize(
    ("staff", "revenue", "match"),
    [(-1, 100.0, "从业人员不能为负数"), (10, -0.5, "营业收入不能为负数"), (10, math.nan, "营业收入"), (10, math.inf, "营业收入")],
)
def test_bad_numbers(standard: SizeStandard, staff: int, revenue: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        classify(standard, "industry", staff=staff, revenue_wan=revenue, assets_wan=None)


# --- hand-set size ----------------------------------------------------------


def test_no_override_is_classify(standard: SizeStandard) -> None:
    args: dict[str, Any] = {"staff": 350, "revenue_wan": 2500, "assets_wan": None}
    assert decide_size(standard, "industry", **args) == classify(standard, "industry", **args)


@pytest.mark.parametrize("override", list(EnterpriseSize))
@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_override_needs_reason(standard: SizeStandard, override: EnterpriseSize, reason: str) -> None:
    with pytest.raises(ValueError, match="理由"):
        decide_size(standard, "industry", staff=350, revenue_wan=2500, assets_wan=None,
                    override=override, override_reason=reason)


def test_override_that_differs(standard: SizeStandard) -> None:
    result = decide_size(standard, "industry", staff=350, revenue_wan=2500, assets_wan=None,
                         override=S, override_reason="  按开行认定  ")
    assert result.size is S and result.manual is True
    assert result.reason == "按开行认定"
    assert result.standard_id == "size-standard-2011"
    assert result.steps[:-1] == classify(standard, "industry", staff=350, revenue_wan=2500, assets_wan=None).steps
    assert result.steps[-1] == "经办人手工设定为小型企业（按标准为中型企业），理由：按开行认定"


def test_override_that_agrees(standard: SizeStandard) -> None:
    result = decide_size(standard, "other", staff=150, revenue_wan=None, assets_wan=None,
                         override=M, override_reason="核对无误")
    assert result.manual is True
    assert result.steps[-1] == "经办人手工设定为中型企业，理由：核对无误"


def test_override_without_indicators(standard: SizeStandard) -> None:
    result = decide_size(standard, "construction", staff=None, revenue_wan=None, assets_wan=None,
                         override=L, override_reason="开行划型结果")
    assert result.size is L and result.manual is True
    assert result.steps == ("建筑业：缺少营业收入、资产总额，无法按标准划型", "经办人手工设定为大型企业，理由：开行划型结果")


def test_labels() -> None:
    assert [s.label for s in (MICRO, S, M, L)] == ["微型", "小型", "中型", "大型"]
    assert [s.rank for s in (MICRO, S, M, L)] == [0, 1, 2, 3]
    assert EnterpriseSize("medium") is M and M == "medium"


# --- strict loading ---------------------------------------------------------


def source() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("policy", "size_standard_2011.json").read_text(encoding="utf-8"))
    return data


def _set(key: str, value: Any) -> Any:
    def change(d: dict[str, Any]) -> None:
        *parents, last = key.split(".")
        target: Any = d
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return change


def _del(key: str) -> Any:
    def change(d: dict[str, Any]) -> None:
        *parents, last = key.split(".")
        target: Any = d
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]
    return change


BROKEN = [
    ("top-unknown", _set("version", 2), "version: unknown key"),
    ("top-missing", _del("source"), "source: missing key"),
    ("top-missing-rule", _del("rule"), "rule: missing key"),
    ("industry-unknown", _set("industries.1.micro", {"staff": 0}), r"industries\[1\]\.micro: unknown key"),
    ("industry-missing", _del("industries.1.name"), r"industries\[1\]\.name: missing key"),
    ("industry-missing-row", _del("industries.2.small"), r"industries\[2\]\.small: missing key"),
    ("row-unknown-indicator", _set("industries.1.large.profit", 5), r"industries\[1\]\.large\.profit: unknown key"),
    ("row-extra-indicator", _set("industries.1.small.assets", 5), r"industries\[1\]\.small\.assets: unknown key"),
    ("row-missing-indicator", _del("industries.1.medium.revenue"), r"industries\[1\]\.medium\.revenue: missing key"),
    ("row-empty", _set("industries.0.large", {}), r"industries\[0\]\.large: should have"),
    ("units-unknown", _set("units.profit", "万元"), "units.profit: unknown key"),
    ("units-missing", _del("units.assets"), "units.assets: missing key"),
    ("units-wrong", _set("units.revenue", "元"), "units.revenue: should be"),
    ("rule-unknown", _set("rule.micro", "all"), "rule.micro: unknown key"),
    ("rule-missing", _del("rule.large"), "rule.large: missing key"),
    ("rule-value", _set("rule.large", "most"), "rule.large: should be one of"),
    ("staff-fraction", _set("industries.1.medium.staff", 300.5), r"industries\[1\]\.medium\.staff: a head count"),
    ("floor-negative", _set("industries.0.small.revenue", -1), r"industries\[0\]\.small\.revenue: should be a finite"),
    ("floor-text", _set("industries.0.small.revenue", "50"), r"industries\[0\]\.small\.revenue: should be a number"),
    ("floor-bool", _set("industries.14.small.staff", True), r"industries\[14\]\.small\.staff: should be a number"),
    ("floor-order", _set("industries.1.medium.revenue", 50000), r"industries\[1\]\.medium\.revenue: floor 50000 is above"),
    ("duplicate-code", _set("industries.2.code", "industry"), r"industries\[2\]\.code: duplicate"),
    ("empty-name", _set("industries.2.name", " "), r"industries\[2\]\.name: should be a non-empty"),
    ("bad-date", _set("effective_from", "2011-6-18"), "effective_from: should be a date"),
    ("no-industries", _set("industries", []), "industries: should be a non-empty list"),
    ("industry-not-object", _set("industries.0", "agriculture"), r"industries\[0\]: should be an object"),
]


@pytest.mark.parametrize(("change", "match"), [pytest.param(c, m, id=i) for i, c, m in BROKEN])
def test_loader_rejects(tmp_path: Path, change: Any, match: str) -> None:
    data = copy.deepcopy(source())
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=match) as caught:
        SizeStandard.load(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"id": "a", "id": "b"}', "键 'id' 出现了两次"),
        ('{"id": NaN}', "不允许 NaN"),
        ("{", "第 1 行第 2 列不是合格的 JSON"),
    ],
)
def test_loader_rejects_raw_text(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "raw.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=match) as caught:
        SizeStandard.load(path)
    assert str(path) in str(caught.value)


def test_loader_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read"):
        SizeStandard.load(tmp_path / "absent.json")


def test_round_trip_of_the_source_loads(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(source(), ensure_ascii=False), encoding="utf-8")
    copied = SizeStandard.load(path)
    assert [i for i in copied.industries()] == SizeStandard.load().industries()


def any_reading(tmp_path: Path) -> SizeStandard:
    data = source()
    data["rule"]["large"] = "any"
    path = tmp_path / "any.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return SizeStandard.load(path)


def test_rule_is_data(tmp_path: Path, standard: SizeStandard) -> None:
    # The same enterprise under the 2011 reading and under an "any" reading.
    assert classify(standard, "industry", staff=1500, revenue_wan=1000, assets_wan=None).size is S
    other = any_reading(tmp_path)
    result = classify(other, "industry", staff=1500, revenue_wan=1000, assets_wan=None)
    assert result.size is L
    assert result.steps == ("工业：从业人员 1500 人 ≥ 1000 人，为大型企业",)


# --- property: more never makes smaller -------------------------------------


def _values(code: str) -> st.SearchStrategy[dict[str, float]]:
    def one(indicator: str) -> st.SearchStrategy[float]:
        floors = sorted({rows[indicator] for rows in EXPECTED[code].values()})
        near = st.sampled_from(floors).flatmap(
            lambda f: st.sampled_from([f - STEP[indicator], f, f + STEP[indicator]])
        ).filter(lambda v: v >= 0)
        if indicator == "staff":
            return st.one_of(near, st.integers(0, 5000)).map(lambda v: float(int(v)))
        return st.one_of(near, st.floats(0, 300000, allow_nan=False))

    used = list(EXPECTED[code][L])
    return st.fixed_dictionaries({name: one(name) for name in used})


@st.composite
def raised_pair(draw: st.DrawFn) -> tuple[str, dict[str, float], dict[str, float]]:
    code = draw(st.sampled_from(list(EXPECTED)))
    before = draw(_values(code))
    after = dict(before)
    indicator = draw(st.sampled_from(sorted(before)))
    if indicator == "staff":
        after[indicator] += draw(st.integers(0, 3000))
    else:
        after[indicator] += draw(st.one_of(st.sampled_from([0.01, 1.0]), st.floats(0, 300000, allow_nan=False)))
    return code, before, after


@settings(max_examples=400, database=None, deadline=None)
@given(raised_pair())
def test_monotone(standard: SizeStandard, pair: tuple[str, dict[str, float], dict[str, float]]) -> None:
    code, before, after = pair
    assert run(standard, code, after).size.rank >= run(standard, code, before).size.rank
