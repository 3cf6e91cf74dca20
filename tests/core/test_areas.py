"""Tests of desktop.core.areas and resources/areas/jilin.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.areas import Area, AreaMatch, AreaTable

DATA_FILE = Path(__file__).resolve().parents[2] / "resources" / "areas" / "jilin.json"
TABLE = AreaTable.from_file(DATA_FILE)

# Every county code of today, copied from DOMAIN.md 3.1 with official names.
CURRENT: dict[str, str] = {
    "220102": "南关区", "220103": "宽城区", "220104": "朝阳区", "220105": "二道区",
    "220106": "绿园区", "220112": "双阳区", "220113": "九台区", "220122": "农安县",
    "220182": "榆树市", "220183": "德惠市", "220184": "公主岭市",
    "220202": "昌邑区", "220203": "龙潭区", "220204": "船营区", "220211": "丰满区",
    "220221": "永吉县", "220281": "蛟河市", "220282": "桦甸市", "220283": "舒兰市",
    "220284": "磐石市",
    "220302": "铁西区", "220303": "铁东区", "220322": "梨树县", "220323": "伊通满族自治县",
    "220382": "双辽市",
    "220402": "龙山区", "220403": "西安区", "220421": "东丰县", "220422": "东辽县",
    "220502": "东昌区", "220503": "二道江区", "220521": "通化县", "220523": "辉南县",
    "220524": "柳河县", "220581": "梅河口市", "220582": "集安市",
    "220602": "浑江区", "220605": "江源区", "220621": "抚松县", "220622": "靖宇县",
    "220623": "长白朝鲜族自治县", "220681": "临江市",
    "220702": "宁江区", "220721": "前郭尔罗斯蒙古族自治县", "220722": "长岭县",
    "220723": "乾安县", "220781": "扶余市",
    "220802": "洮北区", "220821": "镇赉县", "220822": "通榆县", "220881": "洮南市",
    "220882": "大安市",
    "222401": "延吉市", "222402": "图们市", "222403": "敦化市", "222404": "珲春市",
    "222405": "龙井市", "222406": "和龙市", "222424": "汪清县", "222426": "安图县",
}

PREFECTURES = [
    ("2201", "长春市"), ("2202", "吉林市"), ("2203", "四平市"), ("2204", "辽源市"),
    ("2205", "通化市"), ("2206", "白山市"), ("2207", "松原市"), ("2208", "白城市"),
    ("2224", "延边朝鲜族自治州"),
]

# Old codes seen in real ID numbers (DOMAIN.md 3.1) -> today's county.
HISTORICAL: dict[str, str] = {
    "222421": "222405", "222422": "222403", "222423": "222406", "222425": "222404",
    "222325": "220882", "222326": "220821", "222327": "220822",
    "222227": "220622", "222228": "220623", "220324": "220382", "220381": "220184",
}


def raw_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: object, name: str = "areas.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# The data file


def test_every_current_county_with_its_official_name() -> None:
    table = {area.code: area.name for area in TABLE.current_counties()}
    assert table == CURRENT
    assert [a.code for a in TABLE.current_counties()] == sorted(CURRENT)


def test_prefectures() -> None:
    assert TABLE.prefectures() == PREFECTURES
    names = dict(PREFECTURES)
    for area in TABLE.current_counties():
        assert area.prefecture_code == area.code[:4]
        assert area.prefecture_name == names[area.prefecture_code]
        assert area.current and area.successor_code is None


@pytest.mark.parametrize(("old", "new"), sorted(HISTORICAL.items()))
def test_historical_codes(old: str, new: str) -> None:
    area = TABLE.by_code(old)
    successor = TABLE.by_code(new)
    assert area is not None and successor is not None
    assert not area.current
    assert area.successor_code == new
    assert successor.current
    assert area.prefecture_code == successor.prefecture_code


def test_data_file_notes_its_source() -> None:
    data = raw_data()
    assert data["source"]
    assert TABLE.source == data["source"]
    assert str(TABLE.as_of) == data["as_of"]
    assert {"长白山保护开发区管理委员会", "梅河口市"} <= {unit.name for unit in TABLE.direct}


def test_default_table_is_the_bundled_file_and_cached() -> None:
    table = AreaTable.default()
    assert table is AreaTable.default()
    assert [a.code for a in table.current_counties()] == sorted(CURRENT)


@pytest.mark.parametrize(
    ("code", "full_name"),
    [
        ("222401", "延边朝鲜族自治州延吉市"),
        ("220802", "白城市洮北区"),
        ("220721", "松原市前郭尔罗斯蒙古族自治县"),
        ("222421", "延边朝鲜族自治州延吉县"),
    ],
)
def test_full_name(code: str, full_name: str) -> None:
    area = TABLE.by_code(code)
    assert area is not None and area.full_name == full_name


@pytest.mark.parametrize("code", ["", "2224", "22240", "2224011", "999999", "110105", "延吉市"])
def test_by_code_unknown(code: str) -> None:
    assert TABLE.by_code(code) is None


# --------------------------------------------------------------------------
# Resolving a written 户籍地


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("222401", "222401"),
        ("２２２４０１", "222401"),
        (" 222401 ", "222401"),
        ("吉林省延边朝鲜族自治州延吉市", "222401"),
        ("吉林省延边州延吉市", "222401"),
        ("吉林省延边延吉市", "222401"),
        ("延边州延吉市", "222401"),
        ("延边朝鲜族自治州延吉市", "222401"),
        ("延吉市", "222401"),
        ("延吉", "222401"),
        ("吉林延吉", "222401"),
        ("吉林省延吉市", "222401"),
        ("延边州延吉市河南街道某某社区12号", "222401"),
        ("吉林省延边州延吉市河南街道", "222401"),
        ("延 吉\u3000市", "222401"),
        ("吉林省/延边州/延吉市", "222401"),
        ("吉林省，延边州，延吉市", "222401"),
        ("吉林省 延边州 延吉市 河南街道", "222401"),
        ("延吉市（延边州）", "222401"),
        ("吉林市昌邑区", "220202"),
        ("吉林省吉林市昌邑区", "220202"),
        ("吉林昌邑区", "220202"),
        ("长春市朝阳区", "220104"),
        ("吉林省长春市朝阳区", "220104"),
        ("二道区", "220105"),
        ("二道", "220105"),
        ("二道江区", "220503"),
        ("二道江", "220503"),
        ("通化市二道江区", "220503"),
        ("通化县", "220521"),
        ("通化市通化县快大茂镇", "220521"),
        ("通化市东昌区", "220502"),
        ("四平市铁西区", "220302"),
        ("铁东区", "220303"),
        ("前郭县", "220721"),
        ("前郭", "220721"),
        ("松原市前郭尔罗斯蒙古族自治县", "220721"),
        ("伊通县", "220323"),
        ("长白县", "220623"),
        ("长白朝鲜族自治县", "220623"),  # also the name of historical 222228
        ("白山市长白朝鲜族自治县", "220623"),
        ("靖宇县", "220622"),  # also the name of historical 222227
        ("白城市洮北区", "220802"),
        ("洮北区", "220802"),
        ("梅河口市", "220581"),
        ("公主岭市", "220184"),
        ("长春市公主岭市", "220184"),
        ("四平市公主岭市", "220184"),  # written as before 2020
        ("汪清县", "222424"),
        ("安图", "222426"),
        # historical names resolve to the historical area
        ("延吉县", "222421"),
        ("吉林省延边朝鲜族自治州敦化县", "222422"),
        ("大安县", "222325"),
        ("双辽县", "220324"),
        ("222421", "222421"),
        ("220381", "220381"),
    ],
)
def test_resolve(text: str, code: str) -> None:
    match = TABLE.resolve_detailed(text)
    assert match.reason == "ok", match
    assert match.area is not None and match.area.code == code
    assert match.candidates == (match.area,)
    assert TABLE.resolve(text) == match.area


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "吉林省",
        "吉林",
        "吉林市",  # a prefecture, not a county
        "延边州",
        "通化",  # 通化市 or 通化县: never guessed
        "吉林省通化市",
        "999999",
        "2224",
        "北京市朝阳区",
        "西安市雁塔区",  # 西安 must not be read as 辽源市西安区
        "朝阳市双塔区",
        "长白山管委会",  # not 长白县
        "长白山保护开发区池北区",
        "长春市延吉市",  # county outside the prefecture given
        "延边州长春市",
        "辽宁省沈阳市铁西区",
    ],
)
def test_resolve_not_found(text: str) -> None:
    match = TABLE.resolve_detailed(text)
    if text in ("通化", "吉林省通化市") and match.reason == "ambiguous":
        pass  # acceptable too; it must just not pick a county
    else:
        assert match == AreaMatch(None, (), "not_found")
    assert TABLE.resolve(text) is None


def test_historical_area_points_to_todays_county() -> None:
    area = TABLE.resolve("延吉县")
    assert area is not None and not area.current
    successor = TABLE.by_code(area.successor_code or "")
    assert successor is not None and successor.name == "龙井市"


@pytest.mark.parametrize("area", TABLE.current_counties(), ids=lambda a: a.code)
def test_every_county_resolves_by_each_of_its_names(area: Area) -> None:
    writings = [
        area.code,
        area.name,
        area.full_name,
        "吉林省" + area.full_name,
        "吉林" + area.name,
        area.full_name + "某某街道1号",
        *area.aliases,
    ]
    for text in writings:
        assert TABLE.resolve(text) == area, text


def test_results_are_cached_per_normalised_text() -> None:
    first = TABLE.resolve_detailed("延边州延吉市河南街道1号")
    assert TABLE.resolve_detailed("延边州 延吉市　河南街道1号") is first
    # Only the leading characters matter, so long addresses share an entry.
    street = "吉林省延边朝鲜族自治州延吉市河南街道某某社区某某路某某小区"
    assert TABLE.resolve_detailed(street + "1号") is TABLE.resolve_detailed(street + "2号")


def test_resolve_answers_a_big_roster_of_street_addresses() -> None:
    """Speed is measured in bench/ against a floor, not timed here (a shared machine is noisy)."""
    table = AreaTable.from_file(DATA_FILE)  # cold cache
    counties = table.current_counties()
    texts = [f"{area.full_name}某某街道{i}号" for i in range(1700) for area in counties][:100_000]
    resolved = [table.resolve(text) for text in texts]
    assert [r.code if r else None for r in resolved[:len(counties)]] == [area.code for area in counties]
    assert all(r is not None for r in resolved)


# --------------------------------------------------------------------------
# ID numbers' area codes


@pytest.mark.parametrize(
    ("id_number", "code", "current"),
    [
        ("222401199001011230", "222401", True),
        ("222401199001011234", "222401", True),
        ("２２２４０１１９９００１０１１２３４", "222401", True),
        ("222421196001011234", "222421", False),
        ("222325195001011234", "222325", False),
        ("220381198001011234", "220381", False),
        ("222401", "222401", True),
    ],
)
def test_area_of_id(id_number: str, code: str, current: bool) -> None:
    area = TABLE.area_of_id(id_number)
    assert area is not None and area.code == code and area.current is current


@pytest.mark.parametrize("id_number", ["", "22", "11010519491231002X", "999999199001011234", "ABCDEF199001011234", "2224"])
def test_area_of_id_unknown_is_none(id_number: str) -> None:
    assert TABLE.area_of_id(id_number) is None


# --------------------------------------------------------------------------
# Ambiguity, with a small made-up table


def small_table_data() -> dict[str, Any]:
    return {
        "source": "test",
        "as_of": "2024-01-01",
        "province": {"code": "99", "name": "测试省", "aliases": ["测试"]},
        "prefectures": [
            {"code": "9901", "name": "甲市", "aliases": ["甲"]},
            {"code": "9902", "name": "乙市", "aliases": ["乙"]},
        ],
        "counties": [
            {"code": "990101", "name": "新城区", "prefecture": "9901", "aliases": ["新城"]},
            {"code": "990201", "name": "新城县", "prefecture": "9902", "aliases": ["新城"]},
            {"code": "990202", "name": "乙县", "prefecture": "9902", "aliases": ["乙"]},
        ],
        "historical": [],
        "direct": [],
    }


@pytest.fixture()
def small(tmp_path: Path) -> AreaTable:
    return AreaTable.from_file(write(tmp_path, small_table_data()))


def test_ambiguous_alias_is_not_resolved(small: AreaTable) -> None:
    match = small.resolve_detailed("新城")
    assert match.reason == "ambiguous"
    assert match.area is None
    assert [a.code for a in match.candidates] == ["990101", "990201"]
    assert small.resolve("新城") is None
    assert small.resolve("测试省新城某街道") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("甲市新城", "990101"), ("乙市新城", "990201"), ("新城区", "990101"), ("新城县", "990201"), ("测试乙市新城", "990201")],
)
def test_prefecture_or_full_name_removes_ambiguity(small: AreaTable, text: str, code: str) -> None:
    area = small.resolve(text)
    assert area is not None and area.code == code


def test_prefecture_alias_equal_to_county_alias_is_ambiguous(small: AreaTable) -> None:
    # "乙" is both the prefecture 乙市 and the county 乙县.
    match = small.resolve_detailed("乙")
    assert match.reason == "ambiguous"
    assert [a.code for a in match.candidates] == ["990202"]
    assert small.resolve("乙市乙县") is not None


# --------------------------------------------------------------------------
# Strict loading


def _mutations() -> list[tuple[str, Any, str]]:
    """(id, function changing the data, text the error must contain)."""

    def drop(*keys: Any) -> Any:
        def change(data: dict[str, Any]) -> None:
            target: Any = data
            for key in keys[:-1]:
                target = target[key]
            del target[keys[-1]]
        return change

    def put(*keys: Any, value: Any) -> Any:
        def change(data: dict[str, Any]) -> None:
            target: Any = data
            for key in keys[:-1]:
                target = target[key]
            target[keys[-1]] = value
        return change

    return [
        ("top-missing", drop("as_of"), "'as_of'"),
        ("top-unknown", put("extra", value=1), "'extra'"),
        ("province-missing", drop("province", "aliases"), "'aliases'"),
        ("prefecture-unknown-key", put("prefectures", 0, "nmae", value="x"), "'nmae'"),
        ("county-missing", drop("counties", 3, "prefecture"), "'prefecture'"),
        ("county-unknown-key", put("counties", 3, "alias", value=[]), "'alias'"),
        ("county-bad-code", put("counties", 3, "code", value="22010"), "'code'"),
        ("county-wrong-prefecture", put("counties", 3, "prefecture", value="2224"), "'code'"),
        ("county-unknown-prefecture", put("counties", 3, "prefecture", value="2299"), "'prefecture'"),
        ("county-aliases-not-list", put("counties", 3, "aliases", value="南关"), "'aliases'"),
        ("county-empty-name", put("counties", 3, "name", value=""), "'name'"),
        ("historical-missing", drop("historical", 0, "successor"), "'successor'"),
        ("historical-bad-successor", put("historical", 0, "successor", value="222499"), "'successor'"),
        ("historical-duplicate-code", put("historical", 0, "code", value="222401"), "'code'"),
        ("direct-missing", drop("direct", 0, "note"), "'note'"),
        ("as-of-not-a-date", put("as_of", value="2024-13-01"), "'as_of'"),
        ("counties-not-a-list", put("counties", value={}), "counties"),
        ("top-not-an-object", lambda data: data.clear() or None, "'source'"),
    ]


@pytest.mark.parametrize(("change", "expected"), [m[1:] for m in _mutations()], ids=[m[0] for m in _mutations()])
def test_loading_is_strict(tmp_path: Path, change: Any, expected: str) -> None:
    data = raw_data()
    change(data)
    path = write(tmp_path, data)
    with pytest.raises(ValueError) as info:
        AreaTable.from_file(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


@pytest.mark.parametrize("content", ["", "{", "[]", "null"])
def test_loading_rejects_non_objects(tmp_path: Path, content: str) -> None:
    path = tmp_path / "areas.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="areas.json"):
        AreaTable.from_file(path)


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    table = AreaTable.from_file(write(tmp_path, raw_data()))
    assert table.current_counties() == TABLE.current_counties()


# --------------------------------------------------------------------------
# Properties

# No character that could extend a name ("区", "县", "山", "江", ...).
TAILS = st.text(alphabet="街道路号村屯组社0123456789（）", max_size=12)


@given(
    st.sampled_from(TABLE.current_counties()),
    st.sampled_from(["", "吉林省", "吉林"]),
    st.booleans(),
    st.data(),
    TAILS,
)
def test_any_prefix_combination_resolves(
    area: Area, province: str, with_prefecture: bool, data: st.DataObject, tail: str
) -> None:
    prefecture = ""
    if with_prefecture:
        entry = next(p for p in raw_data()["prefectures"] if p["code"] == area.prefecture_code)
        prefecture = data.draw(st.sampled_from([entry["name"], *entry["aliases"]]))
    county = data.draw(st.sampled_from([area.name, *area.aliases]))
    assert TABLE.resolve(province + prefecture + county + tail) == area


@given(st.text(max_size=30))
def test_resolve_never_raises(text: str) -> None:
    match = TABLE.resolve_detailed(text)
    assert (match.area is not None) == (match.reason == "ok")
    TABLE.area_of_id(text)
