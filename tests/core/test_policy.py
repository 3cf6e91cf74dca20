"""The policy files: what they say, how strictly they are read, and the rule-set version.

Expected values are copied by hand from 吉人社联〔2022〕19号 and DOMAIN.md 3.1,
3.2, 3.5 and 3.6, not read from the files.
"""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from desktop.core.datafile import Reader, load_json
from desktop.core.policy import DEFAULT_FILES, RuleSet, content_digest
from desktop.core.policy_areas import PairedAreas
from desktop.core.size import EnterpriseSize
from desktop.resources import resource_path

POLICY = resource_path("policy")

YANBIAN = ["222401", "222402", "222403", "222404", "222405", "222406", "222424", "222426"]
NATIONAL = ["220882", "220821", "220822", "222405", "222406", "222424", "222426", "220622"]
PROVINCIAL = ["220623", "222402", "220881", "220382", "220524", "220722", "220802"]
ETHNIC = ["220323", "220721"]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.load()


def policy_copy(folder: Path) -> Path:
    """A writable copy of the bundled policy folder."""
    target = folder / "policy"
    target.mkdir()
    for name in DEFAULT_FILES.values():
        shutil.copy(POLICY / name, target / name)
    return target


def edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


# --- what the files say ---------------------------------------------------------


def test_standard_matches_the_notice(rules: RuleSet) -> None:
    expected = {
        EnterpriseSize.MICRO: (5, Fraction(15, 100)),
        EnterpriseSize.SMALL: (10, Fraction(15, 100)),
        EnterpriseSize.MEDIUM: (20, Fraction(15, 100)),
        EnterpriseSize.LARGE: (40, Fraction(10, 100)),
    }
    for size, (count, share) in expected.items():
        threshold = rules.threshold(size)
        assert (threshold.count, threshold.share) == (count, share)
        assert "吉人社联〔2022〕19号" in threshold.count_source and "吉人社联〔2022〕19号" in threshold.share_source
    reduced = rules.labor.reduced
    assert (reduced.factor, reduced.floor, reduced.trigger) == (Fraction(1, 2), Fraction(1, 2),
                                                                "any_qualifying_priority_worker")
    assert "50%" in reduced.floor_source
    assert rules.labor.contract_min_months == 3 and "3个月" in rules.labor.contract_source
    assert (rules.labor.wage_evidence.mode, rules.labor.wage_evidence.min_paid_months) == ("paid_months_column", 1)
    assert rules.labor.effective_from == date(2022, 2, 22)


def test_paired_areas_match_domain(rules: RuleSet) -> None:
    groups = {g.code: list(g.counties) for g in rules.paired.groups}
    assert groups == {
        "yanbian": YANBIAN, "national_poverty_exited": NATIONAL, "provincial_poverty_exited": PROVINCIAL,
        "ethnic_autonomous": ETHNIC, "rural_revitalization_key": [],
    }
    key = rules.paired.groups[-1]
    assert "13" in key.note  # the 13 provincial key counties are still to be filled in
    assert rules.is_paired("222401") and rules.is_paired("220721") and not rules.is_paired("220102")
    assert [g.code for g in rules.paired.groups_of("222405")] == ["yanbian", "national_poverty_exited"]
    assert rules.paired.counties == frozenset(YANBIAN + NATIONAL + PROVINCIAL + ETHNIC)


def test_min_wage_tiers(rules: RuleSet) -> None:
    found = rules.min_wage.on(date(2024, 10, 1), "222401")
    assert found is not None and found[1].tier == 2 and found[1].monthly == Decimal(1920)
    found = rules.min_wage.on(date(2024, 9, 30), "222401")
    assert found is not None and found[1].monthly == Decimal(1760)
    found = rules.min_wage.on(date(2025, 1, 1), "220102")
    assert found is not None and (found[1].tier, found[1].monthly) == (1, Decimal(2120))
    found = rules.min_wage.on(date(2025, 1, 1), "222424")  # 汪清: not listed, the default tier
    assert found is not None and (found[1].tier, found[1].monthly) == (3, Decimal(1780))
    assert found[0].source == "吉政函〔2024〕66号"
    assert rules.min_wage.on(date(2021, 11, 30), "222401") is None
    assert [t.monthly for t in rules.min_wage.periods[0].tiers] == [1880, 1760, 1640, 1540]


def test_lpr_by_date(rules: RuleSet) -> None:
    rate = rules.lpr.on(date(2024, 10, 21))
    assert rate is not None and (rate.one_year, rate.five_year) == (Decimal("3.10"), Decimal("3.60"))
    rate = rules.lpr.on(date(2024, 10, 20))
    assert rate is not None and rate.one_year == Decimal("3.35")
    latest = rules.lpr.on(date(2030, 1, 1))
    assert latest is not None and latest.effective_from == date(2025, 5, 20) and latest.one_year == Decimal("3.00")
    assert rules.lpr.on(date(2021, 12, 19)) is None
    assert len(rules.lpr.rates) == 10


def test_version_names_every_file(rules: RuleSet) -> None:
    version = rules.version
    for part in ("labor-coop-2022@1", "paired-areas@2022.1", "min-wage-jilin@2024.1", "lpr@2025-05-20",
                 "size-standard-2011", "tracking-2022@1"):
        assert part in version
    assert len(version.split("#")[1]) == 10
    assert [c.role for c in rules.components] == list(DEFAULT_FILES)
    assert repr(rules) == f"RuleSet({version!r})"
    assert RuleSet.load() is rules  # the bundled set is read once


def test_the_same_files_give_the_same_version(tmp_path: Path, rules: RuleSet) -> None:
    folder = policy_copy(tmp_path)
    # Layout and key order do not change the content, so not the version either.
    path = folder / DEFAULT_FILES["labor_coop"]
    data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=lambda pairs: dict(reversed(pairs)))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert RuleSet.load(folder).version == rules.version


@pytest.mark.parametrize("role", list(DEFAULT_FILES))
def test_any_changed_value_gives_a_new_version(tmp_path: Path, rules: RuleSet, role: str) -> None:
    folder = policy_copy(tmp_path)
    changes = {
        "labor_coop": lambda d: d["standards"]["micro"]["count"].update(value=4),
        "paired_areas": lambda d: d["groups"][4]["counties"].append("220621"),
        "min_wage": lambda d: d["periods"][1]["tiers"][2].update(monthly=1800),
        "lpr": lambda d: d["rates"].append(
            {"effective_from": "2026-01-20", "one_year": 2.9, "five_year": 3.4, "source": "公告"}),
        "size_standard": lambda d: d["industries"][0]["small"].update(revenue=60),
        "tracking": lambda d: d["check_interval_months"].update(value=1),
    }
    edit(folder / DEFAULT_FILES[role], changes[role])
    changed = RuleSet.load(folder)
    assert changed.version != rules.version
    assert changed.version.split("#")[0] == rules.version.split("#")[0]  # same ids, new content hash
    differing = [a.role for a, b in zip(changed.components, rules.components) if a.digest != b.digest]
    assert differing == [role]


# --- the office's paired-area list ---------------------------------------------


def test_office_list_replaces_the_shipped_one(rules: RuleSet) -> None:
    edited = rules.paired.with_group_counties("rural_revitalization_key", ["220621", "220681"], version="office-1")
    office_rules = rules.with_paired_areas(edited)
    assert office_rules.is_paired("220621") and not rules.is_paired("220621")
    assert "paired-areas@office-1" in office_rules.version and office_rules.version != rules.version
    assert office_rules.labor is rules.labor
    # kept as JSON by the office and read back, it is the same list
    again = PairedAreas.from_dict(json.loads(json.dumps(edited.to_dict())), origin="settings")
    assert again == edited
    assert rules.with_paired_areas(again).version == office_rules.version
    with pytest.raises(KeyError, match="no paired-area group 'nope'"):
        rules.paired.with_group_counties("nope", [], version="x")
    with pytest.raises(ValueError, match=r"groups\[4\]\.counties\[0\]: should be a 6-digit county code"):
        rules.paired.with_group_counties("rural_revitalization_key", ["延吉"], version="x")


def test_province_list_file(tmp_path: Path, rules: RuleSet) -> None:
    path = tmp_path / "from_province.json"
    data = rules.paired.to_dict()
    data["version"] = "2027.1"
    data["groups"] = [{"code": "yanbian", "name": "延边州", "source": "省厅通知", "note": "", "counties": ["222401"]}]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    paired = PairedAreas.load(path)
    assert paired.counties == frozenset({"222401"})
    assert not rules.with_paired_areas(paired).is_paired("222402")


# --- strict reading ---------------------------------------------------------------


def _set(key: str, value: Any) -> Any:
    def change(d: Any) -> None:
        *parents, last = key.split(".")
        for part in parents:
            d = d[int(part)] if part.isdigit() else d[part]
        d[int(last) if last.isdigit() else last] = value
    return change


def _del(key: str) -> Any:
    def change(d: Any) -> None:
        *parents, last = key.split(".")
        for part in parents:
            d = d[int(part)] if part.isdigit() else d[part]
        del d[last]
    return change


BROKEN = [
    ("labor_coop", _set("surprise", 1), "surprise: unknown key"),
    ("labor_coop", _del("version"), "version: missing key"),
    ("labor_coop", _del("standards.large"), "standards.large: missing key"),
    ("labor_coop", _set("standards.huge", {}), "standards.huge: unknown key"),
    ("labor_coop", _del("standards.micro.count.source"), "standards.micro.count.source: missing key"),
    ("labor_coop", _set("standards.micro.count.source", ""), "standards.micro.count.source: should be a non-empty"),
    ("labor_coop", _del("standards.micro.share.value"), "standards.micro.share.value: missing key"),
    ("labor_coop", _set("standards.micro.count.value", 0), "standards.micro.count.value: should be a whole number >= 1"),
    ("labor_coop", _set("standards.micro.count.value", 5.5), "standards.micro.count.value: should be a whole number"),
    ("labor_coop", _set("standards.micro.count.value", True), "standards.micro.count.value: should be a whole number"),
    ("labor_coop", _set("standards.small.share.value", 15), r"standards.small.share.value: should be above 0 and at most 1"),
    ("labor_coop", _set("standards.small.share.value", "0.15"), "standards.small.share.value: should be a number"),
    ("labor_coop", _set("reduced.factor.value", 0), "reduced.factor.value: should be above 0"),
    ("labor_coop", _set("reduced.trigger.value", "always"), "reduced.trigger.value: should be one of"),
    ("labor_coop", _set("reduced.extra", 1), "reduced.extra: unknown key"),
    ("labor_coop", _set("contract_min_months", 3), "contract_min_months: should be an object"),
    ("labor_coop", _set("wage_evidence.value.mode", "bank"), "wage_evidence.value.mode: should be one of"),
    ("labor_coop", _del("wage_evidence.value.min_paid_months"), "wage_evidence.value.min_paid_months: missing key"),
    ("labor_coop", _set("effective_from", "2022-2-22"), "effective_from: should be a date"),
    ("labor_coop", _set("note", 5), "note: should be a string"),
    ("paired_areas", _set("groups", []), "groups: should be a non-empty list"),
    ("paired_areas", _set("groups.0.counties.0", "22240"), r"groups\[0\]\.counties\[0\]: should be a 6-digit"),
    ("paired_areas", _set("groups.0.counties.1", "222401"), r"groups\[0\]\.counties\[1\]: duplicate county code"),
    ("paired_areas", _set("groups.0.counties", "222401"), r"groups\[0\]\.counties: should be a list"),
    ("paired_areas", _set("groups.1.code", "yanbian"), r"groups\[1\]\.code: duplicate group code"),
    ("paired_areas", _set("groups.1.code", "Yanbian Zhou"), r"groups\[1\]\.code: should be lower-case"),
    ("paired_areas", _del("groups.1.note"), r"groups\[1\]\.note: missing key"),
    ("min_wage", _set("unit", "元"), "unit: should be '元/月'"),
    ("min_wage", _set("periods.1.effective_from", "2021-12-01"), r"periods\[1\]\.effective_from: should be later"),
    ("min_wage", _set("periods.1.tiers.1.tier", 3), r"periods\[1\]\.tiers\[1\]\.tier: should be 2"),
    ("min_wage", _set("periods.1.tiers.1.monthly", 0), r"periods\[1\]\.tiers\[1\]\.monthly: should be above 0"),
    ("min_wage", _set("periods.1.tiers.1.counties", ["220102"]), r"periods\[1\]\.tiers\[1\]\.counties: county 220102"),
    ("min_wage", _set("periods.1.default_tier", 4), r"periods\[1\]\.default_tier: there is no tier 4"),
    ("min_wage", _del("periods.0.source"), r"periods\[0\]\.source: missing key"),
    ("lpr", _set("unit", "percent"), "unit: should be '%'"),
    ("lpr", _set("rates.1.effective_from", "2021-12-20"), r"rates\[1\]\.effective_from: should be later"),
    ("lpr", _set("rates.0.one_year", 380), r"rates\[0\]\.one_year: should be a rate in percent"),
    ("lpr", _set("rates.0.extra", 1), r"rates\[0\]\.extra: unknown key"),
    ("lpr", _set("rates", {}), "rates: should be a non-empty list"),
    ("size_standard", _set("version", 2), "version: unknown key"),
]


@pytest.mark.parametrize(("role", "change", "match"), [pytest.param(r, c, m, id=f"{r}:{m[:40]}") for r, c, m in BROKEN])
def test_loader_rejects_and_names_file_and_key(tmp_path: Path, role: str, change: Any, match: str) -> None:
    folder = policy_copy(tmp_path)
    path = folder / DEFAULT_FILES[role]
    edit(path, change)
    with pytest.raises(ValueError, match=match) as caught:
        RuleSet.load(folder)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [('{"id": "a", "id": "b"}', "键 'id' 出现了两次"), ('{"id": Infinity}', "不允许 Infinity"),
     ("[", "第 1 行第 2 列不是合格的 JSON"), ("[]", r"\(top level\): should be an object")],
)
def test_loader_rejects_raw_text(tmp_path: Path, text: str, match: str) -> None:
    folder = policy_copy(tmp_path)
    path = folder / DEFAULT_FILES["lpr"]
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=match) as caught:
        RuleSet.load(folder)
    assert str(path) in str(caught.value)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    folder = policy_copy(tmp_path)
    (folder / DEFAULT_FILES["min_wage"]).unlink()
    with pytest.raises(ValueError, match="cannot read the minimum-wage table"):
        RuleSet.load(folder)
    (folder / DEFAULT_FILES["min_wage"]).write_bytes(b"\xff\xfe{")
    with pytest.raises(ValueError, match="cannot read the minimum-wage table"):
        RuleSet.load(folder)


def test_decimals_are_exact(tmp_path: Path) -> None:
    raw = load_json(POLICY / DEFAULT_FILES["labor_coop"], "x", parse_float=Decimal)
    assert isinstance(raw, dict)
    assert raw["standards"]["micro"]["share"]["value"] == Decimal("0.15")
    assert content_digest({"a": Decimal("0.150")}) == content_digest({"a": Decimal("0.15")})
    with pytest.raises(TypeError):
        content_digest({"a": object()})


def test_reader_helpers() -> None:
    reader = Reader("f.json")
    with pytest.raises(ValueError, match="f.json: x: should be a list"):
        reader.items("nope", "x", empty=True)
    assert reader.items([], "x", empty=True) == []
    with pytest.raises(ValueError, match="f.json: n: should be a number"):
        reader.decimal(True, "n")
    assert reader.obj({"a": 1}, "", ("a",), ("b",)) == {"a": 1}


def test_source_file_round_trips_unchanged(tmp_path: Path) -> None:
    """The shipped file, re-serialised, is still accepted: the schema and the file agree."""
    folder = policy_copy(tmp_path)
    for name in DEFAULT_FILES.values():
        data = copy.deepcopy(json.loads((folder / name).read_text(encoding="utf-8")))
        (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert RuleSet.load(folder).version == RuleSet.load().version


def test_the_loan_period_parameters_are_part_of_the_rule_set(tmp_path: Path, rules: RuleSet) -> None:
    from desktop.core.policy_params import parameters

    assert (rules.tracking.check_interval_months, rules.tracking.continuous_min_months) == (3, 3)
    folder = policy_copy(tmp_path)
    edit(folder / DEFAULT_FILES["tracking"], lambda d: d["check_interval_months"].update(value=1))
    monthly = RuleSet.load(folder)
    assert monthly.tracking.check_interval_months == 1 and monthly.version != rules.version
    listed = {p.key: p for p in parameters(monthly)}
    assert listed["tracking.check_interval_months"].value == "每1个月"
    assert "三（六）" in listed["tracking.check_interval_months"].source
    edit(folder / DEFAULT_FILES["tracking"], lambda d: d["check_interval_months"].update(value=0))
    with pytest.raises(ValueError, match="check_interval_months.value"):
        RuleSet.load(folder)
    edit(folder / DEFAULT_FILES["tracking"], lambda d: d.update(check_every="month"))
    with pytest.raises(ValueError, match="check_every"):
        RuleSet.load(folder)
