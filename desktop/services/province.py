"""The province's work on what the counties sent: the register of every county's enterprises,
identity conflicts, workers counted by two enterprises and the rulings on them (sent back to the
counties in a notice file), and the list for 省开行 (国家开发银行吉林省分行).

Every window action here is also a command (`laoxie province …`). The list for the bank is
:mod:`desktop.services.bank_list`.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop.batches import crypto, files
from desktop.batches.crypto import CryptoError, DecryptionKey
from desktop.core.areas import AreaTable
from desktop.core.batch import BatchFormatError, canonical_json, load_json
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.private_files import private_folder
from desktop.services import batch_import, keys
from desktop.services import batches as batch_service
from desktop.services.batch_import import ImportOutcome
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store import batches as store_batches
from desktop.store import loans as loan_store
from desktop.store import province as store_province
from desktop.store import summary as store_summary
from desktop.store import tracking as tracking_store
from desktop.store.batches import QuarantineRow
from desktop.store.loans import LoanRow
from desktop.store.db import now_iso
from desktop.store.province import (
    DUPLICATE_SORTS, DUPLICATE_STATES, CountyRuling, Duplicate, DuplicateQuery, IdentityConflict, RegisterRow, Side,
)
from desktop.store.tracking import StoredCheck

__all__ = [
    "DUPLICATE_SORTS", "DUPLICATE_STATES", "LOAN_TYPES", "NOTICE_FORMAT", "RESULTS", "RULINGS", "CountyRuling",
    "Duplicate", "DuplicateQuery", "IdentityConflict", "RegisterRow", "Side", "county_rulings", "duplicate",
    "duplicate_counts", "duplicates", "identity_conflict", "identity_conflict_count", "identity_conflicts",
    "import_notice", "register", "require_province", "rule", "write_notice", "write_notices",
]

NOTICE_FORMAT = "laoxie.notice/2"
UNSIGNED_NOTICE_FORMATS = ("laoxie.notice/1",)  # read only to refuse them plainly
NOTICE_NAMESPACE = "laoxie-notice@jilin"  # SSHSIG namespace: a notice's signature is never a receipt's
RULINGS = {
    "not_duplicate": QT_TRANSLATE_NOOP("ruling", "不属于重复（两边都可计入）"),
    "a_only": QT_TRANSLATE_NOOP("ruling", "只计入第一家企业"),
    "b_only": QT_TRANSLATE_NOOP("ruling", "只计入第二家企业"),
}
log = logging.getLogger(__name__)
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

SERVICE_MESSAGES.update({
    "province_only": QT_TRANSLATE_NOOP("service", "这是省级单位的功能；本数据库属于县级单位。"),
    "county_only": QT_TRANSLATE_NOOP("service", "这是县级单位的功能；本数据库属于省级单位。"),
    "period_invalid": QT_TRANSLATE_NOOP("service", "期间“{value}”不对：请写年月，如 2026-11。"),
    "ruling_unknown": QT_TRANSLATE_NOOP("service", "没有“{value}”这种裁定：可选 not_duplicate、a_only、b_only。"),
    "ruling_reason_empty": QT_TRANSLATE_NOOP("service", "请写明裁定的理由。"),
    "duplicate_not_found": QT_TRANSLATE_NOOP("service", "找不到这条重复人员记录（{key}）：可能已因新批次而改变，请刷新。"),
    "notice_invalid": QT_TRANSLATE_NOOP("service", "{path} 不是省里的裁定通知：{detail}"),
    "identity_name_empty": QT_TRANSLATE_NOOP("service", "请写明核实后的姓名。"),
    "identity_reason_empty": QT_TRANSLATE_NOOP("service", "请写明如何核实的，如：与两县电话核对户口簿。"),
    "identity_conflict_not_found": QT_TRANSLATE_NOOP("service", "没有编号为 {id} 的未处理身份不一致记录。"),
    "quarantine_not_found": QT_TRANSLATE_NOOP("service", "隔离区没有编号为 {id} 的批次。"),
    "notice_other_office": QT_TRANSLATE_NOOP("service", "{path} 是发给 {office} 的通知，不是发给本单位的。"),
    "notice_unsigned": QT_TRANSLATE_NOOP(
        "service", "裁定通知 {path} 没有省里的签名（旧版本或被改写的通知），未采用。请省里用新版本重新写出通知。"),
    "notice_forged": QT_TRANSLATE_NOOP(
        "service", "裁定通知 {path} 的签名不是已登记的省级签名密钥所签：通知被改动过或不是省里出具的，未采用。"),
    "notice_key_missing": QT_TRANSLATE_NOOP(
        "service", "还没有登记省里的签名公钥，无法核验裁定通知。请管理员导入省里新导出的公钥文件（其中含签名公钥），并电话核对指纹。"),
})


def require_province(ws: Workspace) -> None:
    if ws.office.kind != "province":
        raise ServiceError("province_only")


_province = require_province


def check_period(period: str) -> str:
    if not _PERIOD.match(period.strip()):
        raise ServiceError("period_invalid", value=period)
    return period.strip()


# --------------------------------------------------------------------------
# The register


def register(ws: Workspace, *, county: str | None = None, status: str | None = None, period: str | None = None,
             search: str = "", limit: int | None = None, offset: int = 0) -> list[RegisterRow]:
    """Every county's applications with their decisions and letters, filtered (a page: ``limit``, ``offset``)."""
    _province(ws)
    return store_province.register(ws.store, county=county, status=status,
                                   period=check_period(period) if period else None, search=search,
                                   limit=limit, offset=offset)


def register_count(ws: Workspace, *, county: str | None = None, status: str | None = None,
                   period: str | None = None, search: str = "") -> tuple[int, int]:
    """How many applications, from how many counties, the filters match."""
    _province(ws)
    return store_province.register_count(ws.store, county=county, status=status,
                                         period=check_period(period) if period else None, search=search)


def register_counties(ws: Workspace) -> list[tuple[str, str]]:
    """(code, name) of the counties that sent applications."""
    _province(ws)
    return store_province.register_counties(ws.store)


def explanation(ws: Workspace, decision_id: int) -> list[str]:
    """How the county's decision was reached, step by step."""
    _province(ws)
    return store_province.decision_explanation(ws.store, decision_id)


def history(ws: Workspace, row: RegisterRow) -> list[store_province.Change]:
    """What the county's later batches changed in this enterprise and application, with the batch."""
    _province(ws)
    return store_province.history(ws.store, row.enterprise_id, row.application_id)


def answers(ws: Workspace, row: RegisterRow) -> store_province.Answers:
    """The county clerk's answers for the enterprise's workers: priority claims verified, 户口簿 checked."""
    _province(ws)
    return store_province.answers(ws.store, row.enterprise_id, row.decision_id)


def loans_of(ws: Workspace, row: RegisterRow) -> list[tuple[LoanRow, list[StoredCheck]]]:
    """The loans the county recorded for the application, each with its re-verifications (by date)."""
    _province(ws)
    found = [loan for loan in loan_store.loans(ws.store, None, row.enterprise_id)
             if loan.application_id == row.application_id]
    return [(loan, sorted(tracking_store.checks(ws.store, loan.id), key=lambda c: (c.check_date, c.id)))
            for loan in found]


def identity_conflicts(ws: Workspace, *, open_only: bool = True, limit: int | None = None,
                       offset: int = 0) -> list[IdentityConflict]:
    """The same ID number that arrived with another name or birth date, with both sources, in the
    order found (a page: ``limit``, ``offset``)."""
    _province(ws)
    return store_province.identity_conflicts(ws.store, open_only=open_only, limit=limit, offset=offset)


def identity_conflict_count(ws: Workspace, *, open_only: bool = True) -> int:
    _province(ws)
    return store_province.identity_conflict_count(ws.store, open_only=open_only)


def identity_conflict(ws: Workspace, conflict_id: int) -> IdentityConflict | None:
    """One conflict (settled or not), None when there is no such conflict."""
    _province(ws)
    found = store_province.identity_conflicts(ws.store, open_only=False, conflict_id=conflict_id)
    return found[0] if found else None


def settle_identity(ws: Workspace, conflict_id: int, name: str, reason: str) -> None:
    """A person checked the ID (say, by phone with both counties): the person's name becomes ``name``,
    the conflict is closed with the reason; both names stay in the conflict's record."""
    _province(ws)
    ws.require(Permission.APPROVE_REVIEW)
    if not name.strip():
        raise ServiceError("identity_name_empty")
    if not reason.strip():
        raise ServiceError("identity_reason_empty")
    conflict = identity_conflict(ws, conflict_id)
    if conflict is None or conflict.settled_at is not None:
        raise ServiceError("identity_conflict_not_found", id=conflict_id)
    with ws.store.transaction():
        store_province.settle_identity(ws.store, conflict_id, name=name.strip(), reason=reason.strip(),
                                       user_id=ws.actor.user_id)
        ws.audit("province.settle_identity", entity="person", entity_id=conflict.person_id, detail={
            "before": conflict.known.name, "arriving": conflict.arriving.name, "after": name.strip(),
            "reason": reason.strip(), "office_code": conflict.arriving.county_code})


# --------------------------------------------------------------------------
# Workers counted twice


def duplicates(ws: Workspace, query: DuplicateQuery = DuplicateQuery(), *, limit: int | None = None,
               offset: int = 0) -> list[Duplicate]:
    """Each person counted by two enterprises (one county or two) in overlapping contract periods,
    filtered and ordered by ``query`` (a page: ``limit``, ``offset``)."""
    _province(ws)
    return store_province.duplicates(ws.store, query, limit=limit, offset=offset)


def duplicate_counts(ws: Workspace, query: DuplicateQuery = DuplicateQuery()) -> tuple[int, int]:
    """(pairs, of them not ruled yet) the query's filters match."""
    _province(ws)
    return store_province.duplicate_counts(ws.store, query)


def duplicate(ws: Workspace, key: tuple[int, int]) -> Duplicate | None:
    """The pair of these two employments as it stands now (None: not a duplicate, or no longer)."""
    _province(ws)
    found = store_province.duplicates(ws.store, key=(int(key[0]), int(key[1])))
    return found[0] if found else None


def rule(ws: Workspace, key: tuple[int, int], ruling: str, reason: str) -> int:
    """Record the province's ruling on a duplicate (a later one replaces it, both kept)."""
    _province(ws)
    ws.require(Permission.APPROVE_REVIEW)
    if ruling not in RULINGS:
        raise ServiceError("ruling_unknown", value=ruling)
    if not reason.strip():
        raise ServiceError("ruling_reason_empty")
    found = duplicate(ws, key)
    if found is None:
        raise ServiceError("duplicate_not_found", key=f"{key[0]}/{key[1]}")
    with ws.store.transaction():
        ruling_id = store_province.record_ruling(ws.store, found.person_id, found.key, ruling, reason.strip(),
                                                 ws.actor.user_id)
        ws.audit("province.rule", entity="person", entity_id=found.person_id, detail={
            "ruling": ruling, "reason": reason.strip(), "a": found.a.uscc, "b": found.b.uscc,
            "a_office": found.a.county_code, "b_office": found.b.county_code,
        })
    return ruling_id


def notice_rulings(ws: Workspace, county_code: str) -> list[dict[str, object]]:
    """The current rulings that concern a county, as its notice carries them (one per side in that county)."""
    out: list[dict[str, object]] = []
    for d in store_province.duplicates(ws.store, DuplicateQuery(state="ruled")):
        if d.ruling is None:  # ruled: for the type checker
            continue
        for here, other, counts in ((d.a, d.b, d.ruling.ruling in ("not_duplicate", "a_only")),
                                    (d.b, d.a, d.ruling.ruling in ("not_duplicate", "b_only"))):
            if here.county_code != county_code:
                continue
            out.append({
                "ruling_uid": f"{ws.office.code}:{d.ruling.id}:{here.employment_id}", "id_number": d.id_number,
                "name": d.name, "enterprise_uscc": here.uscc, "counts_here": counts, "ruling": d.ruling.ruling,
                "reason": d.ruling.reason, "other_office": f"{other.county_name}（{other.county_code}）",
                "other_enterprise": other.enterprise_name, "other_uscc": other.uscc, "ruled_at": d.ruling.ruled_at,
            })
    return out


def write_notice(ws: Workspace, county_code: str, out: Path, passphrase: str | None = None, *,
                 key: DecryptionKey | None = None) -> Path:
    """The rulings concerning one county, as a notice file it imports (`laoxie batch notice FILE`),
    signed with the province's receipt key (derived from its decryption key: ``passphrase`` unlocks
    it unless ``key`` is given), which the county registered from the province's key file."""
    _province(ws)
    ws.require(Permission.EXPORT_BATCHES)
    if key is None:
        if not passphrase:
            raise ServiceError("key_passphrase_required")
        key = keys.unlock_decryption_key(ws, passphrase)
    signer = key.receipt_signing_key()
    rulings = notice_rulings(ws, county_code)
    issued = now_iso()
    body = {"format": NOTICE_FORMAT, "province": {"code": ws.office.code, "name": ws.office.name},
            "office": county_code, "issued_at": issued, "rulings": rulings}
    signature = signer.sign(canonical_json(body), NOTICE_NAMESPACE).decode("ascii")
    data = json.dumps({**body, "signature": signature}, ensure_ascii=False, sort_keys=True,
                      indent=1).encode("utf-8")
    target = out / f"{county_code}-裁定通知-{issued[:10]}-{len(rulings)}.laoxie-notice.json" if out.is_dir() \
        or not out.suffix else out
    private_folder(target.parent)
    try:
        files.write_verified(target, data)
    except OSError as exc:
        raise ServiceError("batch_write_failed", path=target, detail=os_reason(exc)) from exc
    with ws.store.transaction():
        ws.audit("province.notice", entity="office", entity_id=county_code, detail={
            "office_code": county_code, "rulings": len(rulings), "file": str(target),
            "fingerprint": signer.public.fingerprint.sha256})
    return target


def notice_counties(ws: Workspace) -> list[str]:
    """The counties a current ruling concerns (each gets a notice)."""
    _province(ws)
    return sorted({s.county_code for d in store_province.duplicates(ws.store, DuplicateQuery(state="ruled"))
                   for s in (d.a, d.b)})


def write_notices(ws: Workspace, out: Path, passphrase: str) -> list[Path]:
    """One signed notice for each county a ruling concerns; the key is unlocked once."""
    _province(ws)
    ws.require(Permission.EXPORT_BATCHES)
    counties = notice_counties(ws)
    if not counties:
        return []
    key = keys.unlock_decryption_key(ws, passphrase)
    return [write_notice(ws, code, out, key=key) for code in counties]


# --------------------------------------------------------------------------
# County side


def import_notice(ws: Workspace, path: Path) -> int:
    """Keep the province's rulings for this county; returns how many were new (a notice taken twice adds none).
    Only a notice whose signature verifies with the province's registered signing key is taken."""
    if ws.office.kind != "county":
        raise ServiceError("county_only")
    ws.require(Permission.EXPORT_BATCHES)
    try:
        data = load_json(path.read_bytes(), encoding="utf-8-sig")
    except OSError as exc:
        raise ServiceError("batch_read_failed", path=path, detail=os_reason(exc)) from exc
    except BatchFormatError as exc:
        raise ServiceError("notice_invalid", path=path, detail=exc.detail) from exc
    fingerprint = _verify_notice(ws, path, data)
    rulings = _notice_rulings(path, data)
    if data["office"] != ws.office.code:
        raise ServiceError("notice_other_office", path=path, office=data["office"])
    with ws.store.transaction():
        taken = store_province.insert_county_rulings(ws.store, rulings)
        ws.audit("province.notice_import", entity="office", entity_id=ws.office.code,
                 detail={"file": path.name, "rulings": len(rulings), "new": taken, "fingerprint": fingerprint})
    return taken


def _verify_notice(ws: Workspace, path: Path, data: object) -> str:
    """The province's signature over the notice without its ``signature`` key (canonical JSON), with
    the signing key the county registered from the province's key file; its fingerprint."""
    version = data.get("format") if isinstance(data, dict) else None
    if not isinstance(data, dict) or version not in (NOTICE_FORMAT, *UNSIGNED_NOTICE_FORMATS):
        raise ServiceError("notice_invalid", path=path, detail=f"格式不是 {NOTICE_FORMAT}")
    signature = data.get("signature")
    if version != NOTICE_FORMAT or not isinstance(signature, str):
        raise ServiceError("notice_unsigned", path=path)
    public = keys.province_receipt_key(ws)
    if public is None:
        raise ServiceError("notice_key_missing")
    body = {k: v for k, v in data.items() if k != "signature"}
    try:
        crypto.suite(public.suite).verify(public, canonical_json(body), signature.encode("ascii", "replace"),
                                          NOTICE_NAMESPACE)
    except CryptoError as exc:
        log.warning("notice %s: signature refused: %s", path, exc)
        raise ServiceError("notice_forged", path=path) from exc
    return public.fingerprint.sha256


def _notice_rulings(path: Path, data: object) -> list[CountyRuling]:
    if not isinstance(data, dict) or data.get("format") != NOTICE_FORMAT or not isinstance(data.get("rulings"), list):
        raise ServiceError("notice_invalid", path=path, detail=f"格式不是 {NOTICE_FORMAT}")
    received = now_iso()
    try:
        return [CountyRuling(
            ruling_uid=str(r["ruling_uid"]), id_number=str(r["id_number"]), name=str(r["name"]),
            enterprise_uscc=str(r["enterprise_uscc"]), counts_here=bool(r["counts_here"]),
            ruling=str(r["ruling"]) if r["ruling"] in RULINGS else _bad(path, "裁定"), reason=str(r["reason"]),
            other_office=str(r["other_office"]), other_enterprise=str(r["other_enterprise"]),
            ruled_at=str(r["ruled_at"]), received_at=received, other_uscc=str(r.get("other_uscc", "")),
        ) for r in data["rulings"]]
    except (KeyError, TypeError) as exc:
        raise ServiceError("notice_invalid", path=path, detail=f"缺少 {exc}") from exc


def _bad(path: Path, what: str) -> str:
    raise ServiceError("notice_invalid", path=path, detail=f"{what}不对")


def county_rulings(ws: Workspace) -> list[CountyRuling]:
    """On a county: the province's rulings on its workers counted elsewhere too."""
    return store_province.county_rulings(ws.store)


# --------------------------------------------------------------------------
# Quarantine


@dataclass(frozen=True)
class QuarantineEntry:
    row: QuarantineRow
    reasons: tuple[str, ...]  # each reason in Chinese, as the report gives it
    report: dict[str, object]
    county_name: str = ""  # the office received before, else the area's name ("" when not known)


def quarantine(ws: Workspace, *, include_rechecked: bool = False) -> list[QuarantineEntry]:
    """The batches refused, newest first, each with its reasons and full report (those checked again
    and settled only when asked)."""
    _province(ws)
    done = store_province.rechecked(ws.store)
    offices, areas = dict(store_summary.offices(ws.store, local=False)), AreaTable.default()

    def county_name(code: str | None) -> str:
        area = areas.by_code(code) if code else None
        return offices.get(code or "") or (area.name if area is not None else "")

    found = []
    for row in reversed(store_batches.quarantine(ws.store)):
        if row.id in done and not include_rechecked:
            continue
        try:
            report = json.loads(row.report)
        except ValueError:
            report = {}
        reasons = tuple(str(r.get("message") or r.get("code")) for r in report.get("reasons", [])
                        if isinstance(r, dict)) or (row.reason,)
        found.append(QuarantineEntry(row, reasons, report, county_name(row.office_code)))
    return found


def recheck_quarantined(ws: Workspace, quarantine_id: int, passphrase: str | None = None, *,
                        key: DecryptionKey | None = None) -> ImportOutcome:
    """Import a quarantined file again, as it came (say, once its county's key is registered).
    The quarantine row stays, marked with the outcome; a refusal again is a new quarantine row."""
    _province(ws)
    row = next((q for q in store_batches.quarantine(ws.store) if q.id == quarantine_id), None)
    if row is None:
        raise ServiceError("quarantine_not_found", id=quarantine_id)
    try:
        data = Path(row.stored_as).read_bytes()
    except OSError as exc:
        raise ServiceError("batch_read_failed", path=row.stored_as, detail=os_reason(exc)) from exc
    with tempfile.TemporaryDirectory(prefix="laoxie-recheck-") as folder:
        copy = Path(folder) / row.file_name  # under the name it came with
        copy.write_bytes(data)
        outcome = batch_import.import_batches(ws, [copy], passphrase, key=key, backup=False,
                                              receipts_to=batch_service.batch_folder(ws) / "receipts")[0]
    with ws.store.transaction():
        store_province.mark_rechecked(ws.store, quarantine_id, outcome.status, ws.actor.user_id)
        ws.audit("batch.recheck", entity="batch_quarantine", entity_id=quarantine_id, detail={
            "file": row.file_name, "status": outcome.status, "reasons": list(outcome.reason_codes)})
    return outcome


# --------------------------------------------------------------------------
# Labels the list for 省开行 (desktop.services.bank_list) writes

LOAN_TYPES = {"working_capital": QT_TRANSLATE_NOOP("loan", "流动资金贷款"),
              "fixed_asset": QT_TRANSLATE_NOOP("loan", "固定资产贷款")}
RESULTS = {"pass": QT_TRANSLATE_NOOP("result", "符合"), "fail": QT_TRANSLATE_NOOP("result", "不符合")}
