"""The province's policy file (省厅政策文件): new parameters, signed with the province's key.

The province writes it (:func:`write_policy_file`, `laoxie policy export --sign`):
a JSON object in format :data:`FORMAT` holding the file's id, version, title,
source (the document it carries out) and effective date, and the documents it
replaces, each in the strict schema of the shipped file: ``labor_coop`` (the
standard, ``labor_coop_2022.json``'s schema) and/or ``paired_areas`` (the list).
It is signed like the province's notices: SSHSIG (Ed25519) over the canonical
JSON of everything but ``signature``, in its own namespace, with the signing key
derived from the province's key (the one every county registered from the
province's public key file and confirmed by telephone).

A county imports it (:func:`import_policy_file`, `laoxie policy import FILE`,
the window's 导入省厅文件…): a file without a signature, with a signature that does
not verify (altered), or signed by a key the county has not registered is refused
with a Chinese message; nothing is changed. An accepted file is kept whole in the
settings (so its signature can be checked again), becomes the rule set the
office's decisions use from then on (a new rule-set version), and is audited with
its version, source, dates and the key's fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from desktop.batches import crypto
from desktop.batches.crypto import CryptoError, DecryptionKey
from desktop.batches.files import write_verified
from desktop.core.batch import canonical_json
from desktop.core.datafile import parse_json
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.core.policy import RuleSet
from desktop.core.policy_areas import PairedAreas
from desktop.core.policy_labor import LaborCoopRules, read_labor_rules
from desktop.private_files import private_folder
from desktop.services import keys
from desktop.services import policy as policy_service
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store.db import now_iso

log = logging.getLogger(__name__)

FORMAT: Final = "laoxie.policy/1"
NAMESPACE: Final = "laoxie-policy@jilin"  # SSHSIG namespace: never a notice's or a receipt's
SETTING_KEY: Final = "policy.province_file"
_BODY_KEYS: Final = ("format", "province", "issued_at", "id", "version", "title", "source", "effective_from",
                     "labor_coop", "paired_areas")
_TEXT_KEYS: Final = ("id", "version", "title", "source")

SERVICE_MESSAGES.update({
    "policy_file_unsigned": QT_TRANSLATE_NOOP(
        "service",
        "文件 {path} 没有省厅的签名，未导入。省厅下发的政策文件须由省厅用本程序签名写出（laoxie policy export --sign）；请向省厅索取签名的文件。"),
    "policy_file_forged": QT_TRANSLATE_NOOP(
        "service",
        "文件 {path} 的签名核验不通过：文件在签名后被改动过，或不是用本单位登记的省厅签名密钥签的，未导入。请向省厅核实，并电话核对密钥指纹。"),
    "policy_key_missing": QT_TRANSLATE_NOOP(
        "service", "还没有登记省厅的签名公钥，无法核验政策文件。请管理员导入省厅导出的公钥文件（其中含签名公钥），并电话核对指纹。"),
    "policy_file_empty": QT_TRANSLATE_NOOP(
        "service", "政策文件中既没有认定标准（labor_coop）也没有对口地区名单（paired_areas），没有可更新的参数。"),
    "policy_file_source_file": QT_TRANSLATE_NOOP("service", "无法读取 {path}：{detail}"),
    "policy_province_only": QT_TRANSLATE_NOOP("service", "政策文件只能由省级单位签名写出。"),
    "policy_date_invalid": QT_TRANSLATE_NOOP("service", "施行日期“{value}”不对：请写成 YYYY-MM-DD，如 2027-01-01。"),
})


@dataclass(frozen=True)
class ProvincePolicy:
    """A signed policy file, verified and read."""

    file_name: str
    id: str
    version: str
    title: str
    source: str
    effective_from: str
    issued_at: str
    province: str  # the province office's name as the file gives it
    fingerprint: str  # SHA-256 fingerprint of the key that signed it
    labor: LaborCoopRules | None
    labor_raw: object  # the labor document as parsed (its digest names it in the rule-set version)
    paired: PairedAreas | None
    sha256: str  # of the file's bytes


# -- the province's side -----------------------------------------------------------------------


def _load_document(path: Path) -> object:
    try:
        return parse_json(path.read_bytes().decode("utf-8-sig"), path.name)
    except OSError as exc:
        raise ServiceError("policy_file_source_file", path=path.name, detail=os_reason(exc)) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError("policy_file_not_json", path=path.name, detail=str(exc)) from exc


def write_policy_file(ws: Workspace, out: Path, *, version: str, title: str, source: str, effective_from: str,
                      labor: Path | None = None, paired: Path | None = None, passphrase: str | None = None,
                      key: DecryptionKey | None = None, policy_id: str = "jilin-labor-coop-policy") -> Path:
    """Sign and write a policy file carrying ``labor`` and/or ``paired`` (each checked as a county will)."""
    if ws.office.kind != "province":
        raise ServiceError("policy_province_only")
    ws.require(Permission.OFFICE_SETTINGS)
    try:
        date.fromisoformat(effective_from)
    except ValueError:
        raise ServiceError("policy_date_invalid", value=effective_from) from None
    body: dict[str, Any] = {
        "format": FORMAT, "province": {"code": ws.office.code, "name": ws.office.name}, "issued_at": now_iso(),
        "id": policy_id, "version": version, "title": title, "source": source, "effective_from": effective_from,
        "labor_coop": _load_document(labor) if labor else None,
        "paired_areas": _load_document(paired) if paired else None,
    }
    _read_body(ws, out.name, body)  # what the counties will check, checked here first
    if key is None:
        if not passphrase:
            raise ServiceError("key_passphrase_required")
        key = keys.unlock_decryption_key(ws, passphrase)
    signer = key.receipt_signing_key()
    signature = signer.sign(canonical_json(body), NAMESPACE).decode("ascii")
    data = json.dumps({**body, "signature": signature}, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
    private_folder(out.parent)
    try:
        write_verified(out, data)
    except OSError as exc:
        raise ServiceError("batch_write_failed", path=out, detail=os_reason(exc)) from exc
    with ws.store.transaction():
        ws.audit("policy.export", entity="setting", entity_id=SETTING_KEY, detail={
            "file": str(out), "version": version, "source": source, "effective_from": effective_from,
            "fingerprint": signer.public.fingerprint.sha256})
    return out


# -- the county's side -------------------------------------------------------------------------


def read_policy_file(ws: Workspace, path: Path | str) -> ProvincePolicy:
    """The file verified against the province's registered key and read strictly (nothing saved)."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError("policy_file_unreadable", path=name, detail=os_reason(exc)) from exc
    return _verified(ws, name, data)


def _verified(ws: Workspace, name: str, data: bytes) -> ProvincePolicy:
    try:
        raw = parse_json(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError as exc:
        raise ServiceError("policy_file_not_json", path=name, detail="不是 UTF-8 编码") from exc
    except ValueError as exc:
        raise ServiceError("policy_file_not_json", path=name, detail=str(exc)) from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("signature"), str):
        raise ServiceError("policy_file_unsigned", path=name)
    public = keys.province_receipt_key(ws)
    if public is None:
        raise ServiceError("policy_key_missing")
    body = {k: v for k, v in raw.items() if k != "signature"}
    try:
        crypto.suite(public.suite).verify(public, canonical_json(body), raw["signature"].encode("ascii", "replace"),
                                          NAMESPACE)
    except CryptoError as exc:
        log.warning("policy file %s: signature refused: %s", name, exc)
        raise ServiceError("policy_file_forged", path=name) from exc
    found = _read_body(ws, name, body)
    return ProvincePolicy(**{**found.__dict__, "fingerprint": public.fingerprint.sha256,
                             "sha256": hashlib.sha256(data).hexdigest()})


def _read_body(ws: Workspace, name: str, body: dict[str, Any]) -> ProvincePolicy:
    policy_service.check_object(body, "", _BODY_KEYS, name)
    for key in _TEXT_KEYS:
        if not isinstance(body[key], str) or not body[key].strip():
            raise ServiceError("policy_file_wrong_kind", path=name, key=key, kind="非空的文字")
    try:
        date.fromisoformat(str(body["effective_from"]))
    except ValueError:
        raise ServiceError("policy_file_invalid", path=name,
                           detail=f"effective_from：{body['effective_from']!r} 不是日期") from None
    if body["labor_coop"] is None and body["paired_areas"] is None:
        raise ServiceError("policy_file_empty")
    labor = labor_raw = None
    if body["labor_coop"] is not None:
        labor_raw = _exact(body["labor_coop"], name)
        try:
            labor = read_labor_rules(labor_raw, f"{name}: labor_coop")
        except ValueError as exc:
            raise ServiceError("policy_file_invalid", path=name, detail=str(exc)) from exc
    paired = None
    if body["paired_areas"] is not None:
        paired = policy_service.paired_areas_of(ws, body["paired_areas"], name)
    province = body["province"]
    return ProvincePolicy(
        file_name=name, id=body["id"], version=body["version"], title=body["title"], source=body["source"],
        effective_from=str(body["effective_from"]), issued_at=str(body["issued_at"]),
        province=str(province.get("name", "")) if isinstance(province, dict) else "", fingerprint="",
        labor=labor, labor_raw=labor_raw, paired=paired, sha256="",
    )


def _exact(raw: object, name: str) -> object:
    """The document again with its decimals read exactly (0.15 as 15/100, not a binary float)."""
    return parse_json(json.dumps(raw, ensure_ascii=False), name, parse_float=Decimal)


def import_policy_file(ws: Workspace, path: Path | str, reason: str = "") -> ProvincePolicy:
    """Take a signed province file: kept whole, applied from now on, audited (with its paired list, if any)."""
    ws.require(Permission.OFFICE_SETTINGS)
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError("policy_file_unreadable", path=path.name, detail=os_reason(exc)) from exc
    found = _verified(ws, path.name, data)
    reason = reason.strip() or f"导入省厅政策文件 {path.name}（{found.source}）"
    before = office_rules_version(ws)
    kept = {"file": path.name, "text": data.decode("utf-8-sig"), "sha256": found.sha256,
            "fingerprint": found.fingerprint, "at": now_iso(), "by": ws.actor.username,
            "by_name": ws.actor.shown_name, "reason": reason}
    with ws.store.transaction():
        if found.labor is not None:
            ws.store.set_setting(SETTING_KEY, json.dumps(kept, ensure_ascii=False, sort_keys=True))
        if found.paired is not None:
            policy_service.keep_province_list(ws, found.paired, path.name, reason)
        ws.audit("policy.import_signed", entity="setting", entity_id=SETTING_KEY, detail={
            "file": path.name, "sha256": found.sha256, "version": found.version, "source": found.source,
            "effective_from": found.effective_from, "fingerprint": found.fingerprint, "reason": reason,
            "version_before": before, "labor": found.labor is not None, "paired": found.paired is not None,
        })
    return found


@dataclass(frozen=True)
class KeptPolicy:
    """The accepted province file in force (its labor standard), as `policy show` names it."""

    file_name: str
    version: str
    title: str
    source: str
    effective_from: str
    fingerprint: str
    at: str
    by_name: str
    reason: str
    labor: LaborCoopRules
    labor_raw: object


def kept_policy(ws: Workspace) -> KeptPolicy | None:
    raw = ws.store.setting(SETTING_KEY)
    if raw is None:
        return None
    try:
        return _kept(raw)
    except (ValueError, KeyError, TypeError) as exc:  # changed outside the app, or an older layout
        log.warning("province policy setting: %s", exc)
        raise ServiceError("policy_setting_broken", detail="详细原因已写入日志") from exc


@lru_cache(maxsize=8)
def _kept(raw: str) -> KeptPolicy:
    """The kept file read again (cached by its text: decisions ask for the rules often)."""
    doc = json.loads(raw)
    body = json.loads(doc["text"])
    labor_raw = _exact(body["labor_coop"], doc["file"])
    return KeptPolicy(
        file_name=doc["file"], version=body["version"], title=body["title"], source=body["source"],
        effective_from=body["effective_from"], fingerprint=doc["fingerprint"], at=doc["at"], by_name=doc["by_name"],
        reason=doc["reason"], labor=read_labor_rules(labor_raw, doc["file"]), labor_raw=labor_raw,
    )


def with_kept_policy(ws: Workspace, rules: RuleSet) -> RuleSet:
    """``rules`` with the accepted province file's standard, when there is one."""
    kept = kept_policy(ws)
    return rules if kept is None else rules.with_labor(kept.labor, kept.labor_raw)


def office_rules_version(ws: Workspace) -> str:
    return policy_service.office_rules(ws).version
