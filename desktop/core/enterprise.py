"""An enterprise under review, and the checks its registration must pass."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from desktop.core.areas import AreaTable
from desktop.core.identifiers import IdentifierError, parse_uscc
from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP, Problem
from desktop.core.names import MAX_ENTERPRISE_NAME, length_params
from desktop.core.size import EnterpriseSize, SizeStandard

MESSAGES.update({
    "enterprise_name_empty": QT_TRANSLATE_NOOP("problems", "请填写企业名称"),
    "enterprise_county_unknown": QT_TRANSLATE_NOOP(
        "problems", "所在县（市、区）“{value}”不是吉林省现行的县级行政区划代码"
    ),
    "enterprise_industry_unknown": QT_TRANSLATE_NOOP("problems", "行业“{value}”不在企业划型标准中"),
    "enterprise_negative": QT_TRANSLATE_NOOP("problems", "数值不能为负数"),
    "enterprise_indicator_missing": QT_TRANSLATE_NOOP(
        "problems", "按该行业的划型标准需要填写{indicator_label}，或手工确定企业规模并说明理由"
    ),
    "enterprise_size_reason": QT_TRANSLATE_NOOP("problems", "手工确定企业规模时须写明理由"),
    "enterprise_phone": QT_TRANSLATE_NOOP("problems", "联系电话“{value}”格式不对：只能含数字、空格和 + - ( )"),
})
_INDICATOR_LABELS = {
    "revenue": QT_TRANSLATE_NOOP("problems", "营业收入"),
    "assets": QT_TRANSLATE_NOOP("problems", "资产总额"),
}

_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


@dataclass(frozen=True)
class EnterpriseDraft:
    """What a clerk types in the enterprise dialog or passes to `enterprise add`."""

    name: str
    uscc: str
    county_code: str
    industry: str
    staff_total: int
    revenue_wan: float | None = None
    assets_wan: float | None = None
    size_override: EnterpriseSize | None = None
    size_reason: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""

    def normalised(self) -> EnterpriseDraft:
        """Trimmed text, canonical credit code (when it parses)."""
        try:
            uscc = parse_uscc(self.uscc)
        except IdentifierError:
            uscc = self.uscc.strip().upper()
        return replace(
            self,
            name=self.name.strip(),
            uscc=uscc,
            county_code=self.county_code.strip(),
            size_reason=self.size_reason.strip(),
            contact_name=self.contact_name.strip(),
            contact_phone=self.contact_phone.strip(),
            address=self.address.strip(),
        )


@dataclass(frozen=True)
class Enterprise(EnterpriseDraft):
    id: int = 0
    office_id: int = 0
    created_at: str = ""
    updated_at: str = ""

    def draft(self) -> EnterpriseDraft:
        names = {f.name for f in fields(EnterpriseDraft)}
        return EnterpriseDraft(**{n: getattr(self, n) for n in names})


def validate_enterprise(
    draft: EnterpriseDraft, areas: AreaTable, standard: SizeStandard
) -> list[Problem]:
    """Every problem with the draft, each naming its field; empty when it can be saved."""
    problems: list[Problem] = []
    if not draft.name.strip():
        problems.append(Problem("enterprise_name_empty", {"field": "name"}))
    elif (too_long := length_params(draft.name.strip(), MAX_ENTERPRISE_NAME)) is not None:
        problems.append(Problem("enterprise_name_too_long", {"field": "name", **too_long}))
    try:
        parse_uscc(draft.uscc)
    except IdentifierError as exc:
        problems.append(Problem(exc.code, {**exc.params, "field": "uscc"}))
    area = areas.by_code(draft.county_code.strip())
    if area is None or not area.current:
        problems.append(
            Problem("enterprise_county_unknown", {"field": "county_code", "value": draft.county_code})
        )
    try:
        needed = standard.required_indicators(draft.industry)
    except KeyError:
        problems.append(Problem("enterprise_industry_unknown", {"field": "industry", "value": draft.industry}))
        needed = ()
    if draft.staff_total < 0:
        problems.append(Problem("enterprise_negative", {"field": "staff_total"}))
    for field_name, value in (("revenue_wan", draft.revenue_wan), ("assets_wan", draft.assets_wan)):
        if value is not None and value < 0:
            problems.append(Problem("enterprise_negative", {"field": field_name}))
    missing = {"revenue": draft.revenue_wan, "assets": draft.assets_wan}
    if draft.size_override is None:
        for indicator in needed:
            if indicator in missing and missing[indicator] is None:
                problems.append(
                    Problem("enterprise_indicator_missing", {
                        "field": f"{indicator}_wan", "indicator": indicator,
                        "indicator_label": _INDICATOR_LABELS[indicator],
                    })
                )
    elif not draft.size_reason.strip():
        problems.append(Problem("enterprise_size_reason", {"field": "size_reason"}))
    if draft.contact_phone.strip() and not _PHONE.match(draft.contact_phone.strip()):
        problems.append(Problem("enterprise_phone", {"field": "contact_phone", "value": draft.contact_phone}))
    return problems
