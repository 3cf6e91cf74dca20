"""`laoxie policy show` lists every parameter with its value, dates and source (issue 17, 7)."""

from __future__ import annotations

from datetime import date

from desktop.core.policy import RuleSet
from desktop.core.policy_params import parameters


def test_every_parameter_has_a_value_a_date_where_dated_and_a_source() -> None:
    found = {p.key: p for p in parameters(RuleSet.load())}
    assert found["standards.micro.count"].value == "5人" and found["standards.large.count"].value == "40人"
    assert found["standards.large.share"].value == "10%" and found["standards.small.share"].value == "15%"
    assert found["standards.micro.count"].effective_from == date(2022, 2, 22)
    assert "三（二）" in found["standards.medium.count"].source
    assert found["reduced.factor"].value == "50%" and found["reduced.floor"].value == "50%"
    assert found["reduced.rounding"].value == "向上取整"
    assert found["reduced.unverified_claims_count"].value == "否"
    assert found["local_workers_count"].value == "否" and "本工具的理解" in found["local_workers_count"].source
    assert found["contract_min_months"].value == "3个月"
    assert found["wage_evidence.recent"].value == "3个月中不少于2个月"
    assert found["min_wage.2024-10-01"].value.startswith("第1档2120元")
    assert found["lpr.2025-05-20"].value == "1年期3.00%，5年期以上3.50%"
    assert all(p.source.strip() and p.value.strip() for p in found.values())
    assert not any("≈" in p.value for p in found.values())
