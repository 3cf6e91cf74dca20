"""The office's paired-area list (对口地区): edited by the office, replaced by a province file.

The list the engine uses is the shipped ``resources/policy/paired_areas.json``
until the office changes it. A change is kept in the ``settings`` table under
:data:`SETTING_KEY` as JSON (the list in ``PairedAreas.to_dict`` form, with who
changed it, when, why and where it came from) and is audited with the codes
before and after. :func:`desktop.services.eligibility.current_rules` applies
it, so a decision made after a change carries a new rule-set version while
decisions recorded earlier keep theirs.

Three ways to change the list, all needing ``OFFICE_SETTINGS``:

* :func:`set_paired_areas` — the office's own edit (add or remove counties);
  its version is the base list's version followed by ``+office.N``;
* :func:`keep_province_list` — the list of a province policy file whose
  signature verified (``desktop.services.policy_file``), in the strict schema
  of the shipped file (:func:`paired_areas_of`); an unknown or missing key is
  refused with a Chinese message naming it, so nothing the province meant is
  silently dropped;
* :func:`reset_paired_areas` — back to the shipped list (the reset itself is
  kept, so who reset it and when is still known, and a later program version
  with a new shipped list is followed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.permissions import Permission
from desktop.core.national_areas import NationalAreas
from desktop.core.policy import RuleSet
from desktop.core.policy_areas import PairedAreas
from desktop.services.audit import ACTION_LABELS
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.lpr import with_office_lpr
from desktop.services.workspace import Workspace
from desktop.store.db import now_iso

log = logging.getLogger(__name__)

SETTING_KEY: Final = "policy.paired_areas"
SETTING_SCHEMA: Final = "laoxie.paired_areas_setting/1"
OFFICE_GROUP: Final = "office_added"
_OFFICE_SUFFIX: Final = "+office."

# Origins of the list in force.
SHIPPED, OFFICE, PROVINCE = "shipped", "office", "province"

# The keys of the strict schema (the same as the shipped file and PairedAreas.to_dict).
_TOP_KEYS: Final = ("id", "version", "title", "source", "note", "groups")
_GROUP_KEYS: Final = ("code", "name", "source", "note", "counties")

SERVICE_MESSAGES.update({
    "policy_reason_required": QT_TRANSLATE_NOOP("service", "修改对口地区名单须写明理由。"),
    "policy_unchanged": QT_TRANSLATE_NOOP("service", "对口地区名单没有改动，无须保存。"),
    "policy_already_default": QT_TRANSLATE_NOOP("service", "现在用的已是程序自带的默认名单，无须恢复。"),
    "policy_empty": QT_TRANSLATE_NOOP(
        "service", "对口地区名单中一个县（市）也没有：这样任何人员都不能计入。请至少保留一个县（市）。"
    ),
    "policy_county_unknown": QT_TRANSLATE_NOOP(
        "service", "“{county}”不是现行的县级行政区划代码（GB/T 2260），不能列为对口地区。"
    ),
    "policy_county_withdrawn": QT_TRANSLATE_NOOP(
        "service", "{county}（{name}）已撤销（最后见于{last}的行政区划代码），请填写现行的县级代码。"
    ),
    "policy_county_historical": QT_TRANSLATE_NOOP(
        "service", "代码 {county}（{name}）已撤销，请改用现行代码 {successor}（{successor_name}）。"
    ),
    "policy_county_absent": QT_TRANSLATE_NOOP("service", "{codes} 不在对口地区名单中，无法移除。"),
    "policy_county_present": QT_TRANSLATE_NOOP("service", "{codes} 已在“{group}”中。"),
    "policy_group_unknown": QT_TRANSLATE_NOOP("service", "对口地区名单中没有代码为“{group}”的组。可用的组：{groups}"),
    "policy_file_unreadable": QT_TRANSLATE_NOOP("service", "无法读取文件 {path}：{detail}"),
    "policy_file_not_json": QT_TRANSLATE_NOOP(
        "service", "文件 {path} 不是有效的 JSON 文件（{detail}）。请确认是省厅下发的对口地区名单文件。"
    ),
    "policy_file_unknown_key": QT_TRANSLATE_NOOP(
        "service",
        "文件 {path} 中有本程序不认识的项“{key}”，未导入。可能是省厅使用了新版格式，请升级本程序或向省厅核实。（此处允许的项：{allowed}）",
    ),
    "policy_file_missing_key": QT_TRANSLATE_NOOP(
        "service", "文件 {path} 缺少必填项“{key}”，未导入。请向省厅核实文件是否完整。"
    ),
    "policy_file_wrong_kind": QT_TRANSLATE_NOOP(
        "service", "文件 {path} 中“{key}”应为{kind}，未导入。"
    ),
    "policy_file_wrong_id": QT_TRANSLATE_NOOP(
        "service", "文件 {path} 的 id 为“{found}”，不是对口地区名单（应为“{expected}”），未导入。"
    ),
    "policy_file_invalid": QT_TRANSLATE_NOOP("service", "文件 {path} 的内容有误，未导入：{detail}"),
    "policy_setting_broken": QT_TRANSLATE_NOOP(
        "service",
        "本单位保存的对口地区名单已损坏（{detail}）。请由管理员恢复默认名单或重新导入省厅文件。",
    ),
})

ACTION_LABELS.update({
    "policy.paired_areas": QT_TRANSLATE_NOOP("audit", "修改对口地区名单"),
    "policy.import": QT_TRANSLATE_NOOP("audit", "导入省厅对口地区名单"),
    "policy.reset": QT_TRANSLATE_NOOP("audit", "恢复默认对口地区名单"),
    # desktop.services.agreements and .policy_file: here, so every reader of the log has them
    "agreement.add": QT_TRANSLATE_NOOP("audit", "登记劳务协作协议"),
    "agreement.end": QT_TRANSLATE_NOOP("audit", "终止劳务协作协议"),
    "policy.export": QT_TRANSLATE_NOOP("audit", "签名写出省厅政策文件"),
    "policy.import_signed": QT_TRANSLATE_NOOP("audit", "导入省厅签名的政策文件"),
})

_KIND_WORDS: Final = {"object": "对象（{…}）", "list": "列表（[…]）"}


@dataclass(frozen=True)
class PairedAreasState:
    """The list in force and where it came from."""

    areas: PairedAreas
    origin: str  # SHIPPED, OFFICE or PROVINCE
    changed_by: str  # the user's name as shown; "" for the shipped list never changed
    changed_at: str  # ISO 8601; ""
    reason: str
    file_name: str  # the province file, when origin is PROVINCE (or an office edit on top of it)
    edits: int  # office edits since the base list

    @property
    def customised(self) -> bool:
        return self.origin != SHIPPED

    @property
    def origin_label(self) -> str:
        return _ORIGIN_LABELS[self.origin]


_ORIGIN_LABELS: Final = {
    SHIPPED: QT_TRANSLATE_NOOP("policy", "程序自带的默认名单"),
    OFFICE: QT_TRANSLATE_NOOP("policy", "本单位修改后的名单"),
    PROVINCE: QT_TRANSLATE_NOOP("policy", "省厅下发的名单"),
}


# -- reading ---------------------------------------------------------------------


def shipped_paired_areas() -> PairedAreas:
    """The list shipped with the program (read once, with the bundled rules)."""
    return RuleSet.load().paired


def paired_areas_state(ws: Workspace) -> PairedAreasState:
    raw = ws.store.setting(SETTING_KEY)
    if raw is None:
        return PairedAreasState(shipped_paired_areas(), SHIPPED, "", "", "", "", 0)
    try:
        doc = json.loads(raw)
        if doc.get("schema") != SETTING_SCHEMA:
            raise ValueError(f"schema {doc.get('schema')!r}")
        areas = (shipped_paired_areas() if doc["areas"] is None
                 else PairedAreas.from_dict(doc["areas"], origin="本单位保存的对口地区名单"))
        return PairedAreasState(
            areas=areas, origin=str(doc["origin"]), changed_by=str(doc["by_name"]), changed_at=str(doc["at"]),
            reason=str(doc["reason"]), file_name=str(doc["file"]), edits=int(doc["edits"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("paired-area setting: %s", exc)
        raise ServiceError("policy_setting_broken", detail="详细原因已写入日志") from exc


def paired_areas(ws: Workspace) -> PairedAreas:
    """The office's list: the stored one, else the shipped default."""
    return paired_areas_state(ws).areas


def office_rules(ws: Workspace) -> RuleSet:
    """The bundled rules with the office's paired-area list, agreements and added LPR rates (the
    same object and version when none was changed)."""
    from desktop.services.agreements import agreement_book
    from desktop.services.policy_file import with_kept_policy

    state = paired_areas_state(ws)
    book = agreement_book(ws)
    rules = with_office_lpr(ws, with_kept_policy(ws, RuleSet.load()))
    return rules.with_paired_areas(state.areas, book) if state.customised or book else rules


def county_label(ws: Workspace, code: str) -> str:
    """延吉市（222401）, 黑龙江省牡丹江市宁安市（231084） outside Jilin; the code alone when no table knows it."""
    area = ws.areas.by_code(code)
    if area is not None:
        return f"{area.name}（{code}）"
    national = NationalAreas.default().by_code(code)
    return f"{national.full_name}（{code}）" if national else code


# -- pure edits (no database) ----------------------------------------------------


def with_counties_added(areas: PairedAreas, codes: Iterable[str], group: str | None = None) -> PairedAreas:
    """``areas`` with ``codes`` added to ``group`` (by default the office's own group, made when needed)."""
    data = areas.to_dict()
    groups: list[dict[str, Any]] = data["groups"]  # type: ignore[assignment]
    target = group or OFFICE_GROUP
    found = next((g for g in groups if g["code"] == target), None)
    if found is None:
        if target != OFFICE_GROUP:
            raise ServiceError("policy_group_unknown", group=group, groups="、".join(g["code"] for g in groups))
        found = {
            "code": OFFICE_GROUP, "name": "本单位增补的对口地区（签署劳务协作协议的输出地）",
            "source": "吉人社联〔2022〕19号 三（一）：劳务协作对口地区是指与输入地签署劳务协作协议的输出地",
            "note": "由本单位增补", "counties": [],
        }
        groups.append(found)
    new = [c for c in dict.fromkeys(codes) if c not in found["counties"]]
    if not new:
        raise ServiceError("policy_county_present", codes="、".join(codes), group=found["name"])
    found["counties"] = list(found["counties"]) + new
    return PairedAreas.from_dict(data, origin=areas.id)


def with_counties_removed(areas: PairedAreas, codes: Iterable[str], group: str | None = None) -> PairedAreas:
    """``areas`` without ``codes`` (in every group, or in ``group`` only)."""
    codes = list(dict.fromkeys(codes))
    data = areas.to_dict()
    groups: list[dict[str, Any]] = data["groups"]  # type: ignore[assignment]
    if group is not None and not any(g["code"] == group for g in groups):
        raise ServiceError("policy_group_unknown", group=group, groups="、".join(g["code"] for g in groups))
    scope = [g for g in groups if group is None or g["code"] == group]
    absent = [c for c in codes if not any(c in g["counties"] for g in scope)]
    if absent:
        raise ServiceError("policy_county_absent", codes="、".join(absent))
    for g in scope:
        g["counties"] = [c for c in g["counties"] if c not in codes]
    # The office's own group goes when it is empty; the province's groups stay (they may be filled later).
    data["groups"] = [g for g in groups if g["code"] != OFFICE_GROUP or g["counties"]]
    return PairedAreas.from_dict(data, origin=areas.id)


def check_county(ws: Workspace, code: str) -> None:
    """Refuse a code that is not a current county (a historical one names its successor).

    Jilin's own table first; a county elsewhere in China is checked against the
    national GB/T 2260 table (a source area that signed an agreement may be anywhere).
    """
    area = ws.areas.by_code(code)
    if area is None:
        national = NationalAreas.default().by_code(code)
        if national is None or not national.county_level:
            raise ServiceError("policy_county_unknown", county=code)
        if not national.current:
            raise ServiceError("policy_county_withdrawn", county=code, name=national.full_name,
                               last=f"{national.last_revision[:4]}年{int(national.last_revision[4:])}月")
        return
    if not area.current:
        successor = ws.areas.by_code(area.successor_code or "")
        raise ServiceError(
            "policy_county_historical", county=code, name=area.name,
            successor=successor.code if successor else "?", successor_name=successor.name if successor else "?",
        )


def _check_counties(ws: Workspace, areas: PairedAreas) -> None:
    for code in sorted(areas.counties):
        check_county(ws, code)
    if not areas.counties:
        raise ServiceError("policy_empty")


# -- changing ----------------------------------------------------------------------


def _base_version(version: str) -> str:
    return version.split(_OFFICE_SUFFIX, 1)[0]


def _store(ws: Workspace, action: str, before: PairedAreasState, doc: dict[str, Any],
           after: PairedAreas, extra: Mapping[str, object]) -> None:
    with ws.store.transaction():
        _keep(ws, action, before, doc, after, extra)


def _keep(ws: Workspace, action: str, before: PairedAreasState, doc: dict[str, Any],
          after: PairedAreas, extra: Mapping[str, object]) -> None:
    before_codes, after_codes = before.areas.counties, after.counties
    ws.store.set_setting(SETTING_KEY, json.dumps(doc, ensure_ascii=False, sort_keys=True))
    ws.audit(action, entity="setting", entity_id=SETTING_KEY, detail={
        "before": sorted(before_codes), "after": sorted(after_codes),
        "added": sorted(after_codes - before_codes), "removed": sorted(before_codes - after_codes),
        "groups_before": {g.code: list(g.counties) for g in before.areas.groups},
        "groups_after": {g.code: list(g.counties) for g in after.groups},
        "version_before": before.areas.version, "version_after": after.version,
        "reason": doc["reason"], **extra,
    })


def _document(ws: Workspace, areas: PairedAreas | None, *, origin: str, reason: str, file: str = "",
              edits: int = 0) -> dict[str, Any]:
    return {
        "schema": SETTING_SCHEMA, "areas": None if areas is None else areas.to_dict(), "origin": origin,
        "by": ws.actor.username, "by_name": ws.actor.shown_name, "by_user_id": ws.actor.user_id,
        "at": now_iso(), "reason": reason, "file": file, "edits": edits,
    }


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError("policy_reason_required")
    return reason


def same_counties(a: PairedAreas, b: PairedAreas) -> bool:
    """The same groups with the same counties (titles, notes and versions aside)."""
    def groups(p: PairedAreas) -> list[tuple[str, tuple[str, ...]]]:
        return [(g.code, g.counties) for g in p.groups]
    return groups(a) == groups(b)


def set_paired_areas(ws: Workspace, areas: PairedAreas, reason: str) -> PairedAreas:
    """Keep the office's edited list (a new version ``<base>+office.N``); audited with the codes before and after."""
    ws.require(Permission.OFFICE_SETTINGS)
    reason = _reason(reason)
    before = paired_areas_state(ws)
    if same_counties(before.areas, areas):
        raise ServiceError("policy_unchanged")
    _check_counties(ws, areas)
    base = _base_version(areas.version)
    edits = before.edits + 1 if base == _base_version(before.areas.version) else 1
    data = areas.to_dict()
    data["version"] = f"{base}{_OFFICE_SUFFIX}{edits}"
    changed = PairedAreas.from_dict(data, origin=areas.id)
    file = before.file_name if base == _base_version(before.areas.version) else ""
    doc = _document(ws, changed, origin=OFFICE, reason=reason, file=file, edits=edits)
    _store(ws, "policy.paired_areas", before, doc, changed, {})
    return changed


def add_counties(ws: Workspace, codes: Iterable[str], reason: str, group: str | None = None) -> PairedAreas:
    return set_paired_areas(ws, with_counties_added(paired_areas(ws), codes, group), reason)


def remove_counties(ws: Workspace, codes: Iterable[str], reason: str, group: str | None = None) -> PairedAreas:
    return set_paired_areas(ws, with_counties_removed(paired_areas(ws), codes, group), reason)


def paired_areas_of(ws: Workspace, raw: object, name: str) -> PairedAreas:
    """A paired-area list the province sent (inside its signed policy file), checked strictly:
    unknown, missing or wrong keys are refused naming them, and every county must be current."""
    _check_keys(raw, name)
    assert isinstance(raw, dict)
    expected = shipped_paired_areas().id
    if raw["id"] != expected:
        raise ServiceError("policy_file_wrong_id", path=name, found=raw["id"], expected=expected)
    try:
        areas = PairedAreas.from_dict(raw, origin=name)
    except ValueError as exc:
        raise ServiceError("policy_file_invalid", path=name, detail=str(exc)) from exc
    _check_counties(ws, areas)
    return areas


def _check_keys(raw: object, name: str) -> None:
    """The structure, with Chinese messages naming the key (the values are checked by the core's reader)."""
    check_object(raw, "", _TOP_KEYS, name)
    assert isinstance(raw, dict)
    groups = raw["groups"]
    if not isinstance(groups, list):
        raise ServiceError("policy_file_wrong_kind", path=name, key="groups", kind=_KIND_WORDS["list"])
    for i, group in enumerate(groups):
        check_object(group, f"groups[{i}]", _GROUP_KEYS, name)


def check_object(raw: object, where: str, keys: tuple[str, ...], name: str) -> None:
    """An object with exactly these keys, else a Chinese message naming the key and the file."""
    if not isinstance(raw, dict):
        raise ServiceError("policy_file_wrong_kind", path=name, key=where or "（整个文件）", kind=_KIND_WORDS["object"])
    for key in raw:
        if key not in keys:
            raise ServiceError("policy_file_unknown_key", path=name, key=f"{where}.{key}" if where else key,
                               allowed="、".join(keys))
    for key in keys:
        if key not in raw:
            raise ServiceError("policy_file_missing_key", path=name, key=f"{where}.{key}" if where else key)


def keep_province_list(ws: Workspace, areas: PairedAreas, file_name: str, reason: str) -> None:
    """The list of a verified province policy file becomes the office's (inside the caller's
    transaction, which audits the file; the list's own change is audited here)."""
    before = paired_areas_state(ws)
    doc = _document(ws, areas, origin=PROVINCE, reason=reason, file=file_name)
    _keep(ws, "policy.import", before, doc, areas, {"file": file_name})


def reset_paired_areas(ws: Workspace, reason: str = "") -> PairedAreas:
    """Back to the shipped list; the reset is kept (who, when, why) and audited."""
    ws.require(Permission.OFFICE_SETTINGS)
    before = paired_areas_state(ws)
    if not before.customised:
        raise ServiceError("policy_already_default")
    shipped = shipped_paired_areas()
    doc = _document(ws, None, origin=SHIPPED, reason=reason.strip() or "恢复程序自带的默认名单")
    _store(ws, "policy.reset", before, doc, shipped, {})
    return shipped
