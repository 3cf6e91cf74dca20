"""A source county anywhere in China can be added with its agreement (issue 17, 2): the GB/T 2260 table."""

from __future__ import annotations

import pytest

from desktop.core.national_areas import NationalAreas
from desktop.services import policy as svc
from desktop.services.errors import ServiceError
from desktop.services.workspace import Workspace


def test_the_national_table_keeps_current_and_withdrawn_codes_with_its_source() -> None:
    table = NationalAreas.default()
    assert len(table) > 7000 and table.as_of == "2019-04" and "GB/T 2260" in table.source
    ningan = table.by_code("231084")
    assert ningan is not None and ningan.current and ningan.full_name == "黑龙江省牡丹江市宁安市"
    old = table.by_code("222421")  # 延吉县, seen in real Yanbian ID numbers
    assert old is not None and old.name == "龙井县" and not old.current and old.last_revision == "198712"
    assert table.by_code("999999") is None
    assert not table.by_code("230000").county_level  # type: ignore[union-attr]


def test_an_office_adds_a_county_of_another_province_with_its_agreement(admin_ws: Workspace) -> None:
    areas = svc.add_counties(admin_ws, ["231084"], "与黑龙江省宁安市签署劳务协作协议（延人社协〔2026〕3号，2026-01-01起）")
    assert "231084" in areas.counties
    assert svc.county_label(admin_ws, "231084") == "黑龙江省牡丹江市宁安市（231084）"
    assert "231084" in svc.office_rules(admin_ws).paired_counties
    for code, expected in (("222421", "policy_county_historical"), ("999999", "policy_county_unknown"),
                           ("230000", "policy_county_unknown"), ("230105", "policy_county_withdrawn")):
        with pytest.raises(ServiceError) as caught:
            svc.check_county(admin_ws, code)
        assert caught.value.code == expected, code
    with pytest.raises(ServiceError) as caught:
        svc.check_county(admin_ws, "230105")  # 哈尔滨市太平区, merged away in 2004
    assert "已撤销（最后见于2003年12月" in str(caught.value)


def test_a_worker_from_the_added_county_counts_once_it_is_on_the_list(admin_ws: Workspace) -> None:
    from desktop.services import eligibility
    from tests.letters.cases import add_case

    case = add_case(admin_ws, workers=4, outsiders=1)
    outsider = admin_ws.store.conn.execute(
        "SELECT id FROM employments WHERE hukou_code = '220102' AND enterprise_id = ?", (case.enterprise_id,)
    ).fetchone()[0]
    with admin_ws.store.transaction():  # as an import of "黑龙江省宁安市" writes it
        admin_ws.store.conn.execute(
            "UPDATE employments SET hukou_code = '231084', hukou_text = '黑龙江省宁安市', hukou_check = 'checked'"
            " WHERE id = ?", (outsider,))
    before = eligibility.check_application(admin_ws, case.application_id)
    worker = next(w for w in before.workers if w.facts.ref == outsider)
    assert not worker.counted and "黑龙江省牡丹江市宁安市（231084）不在劳务协作对口地区名单中" in worker.reasons[0].text()
    svc.add_counties(admin_ws, ["231084"], "与黑龙江省宁安市签署劳务协作协议（2026年1月）")
    after = eligibility.check_application(admin_ws, case.application_id)
    assert next(w for w in after.workers if w.facts.ref == outsider).counted
    assert after.qualifying_count == before.qualifying_count + 1
