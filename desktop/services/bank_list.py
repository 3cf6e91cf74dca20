"""报送省开行: the enterprises approved in a month, as a workbook with the letters' PDFs, packed as one
file the bank's staff can open with what they have.

Two ways to protect it (policy 三（三）: the province sends the bank "附有联系方式的企业名单"):

* an AES-256 ZIP (WinZip AES, pyzipper) that 7-Zip and WinRAR open, its passphrase given by phone;
* age (X25519) to the key the bank registered with the province (:func:`register_recipient`): a
  plain ZIP encrypted with ``age``, opened with ``age -d -i key.txt FILE > list.zip``. The bank's key
  is office data (a setting), changed only by an administrator, with an audit entry.

Each list is recorded (``bank_lists``) and audited, and can be made again.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from desktop.batches import crypto, files
from desktop.batches.crypto import CryptoError
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.oserrors import os_reason
from desktop.core.permissions import Permission
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.province import LOAN_TYPES, RESULTS, check_period, require_province
from desktop.services.workspace import Workspace
from desktop.store import province as store_province
from desktop.store.db import now_iso
from desktop.store.province import RegisterRow

__all__ = [
    "BANK_COLUMNS", "REGISTERED", "BankListResult", "BankRecipient", "RegisterRow", "bank_list", "bank_rows", "bank_workbook",
    "recipient", "register_recipient",
]

BANK_COLUMNS = (
    ("企业名称", 36), ("统一社会信用代码", 22), ("所在县（市、区）", 18), ("联系人", 10), ("联系电话", 15),
    ("企业规模", 8), ("职工总数", 9), ("认定劳务协作人数", 10), ("占比", 9), ("重点群体人数", 9),
    ("适用标准", 12), ("认定结果", 9), ("确认书文号", 26), ("核验码", 22), ("贷款类型", 14),
    ("申请金额（万元）", 12), ("批准日期", 12),
)
_TEXT_COLUMNS = (1, 2, 4, 12, 13)  # 0-based: USCC, county, phone, letter number, code stay text
BANK_STATUSES = ("approved", "issued")
MIN_PASSPHRASE = 10
REGISTERED: Final = "registered"  # bank_list(age_recipient=REGISTERED): the key the bank registered
DEFAULT_BANK_NAME: Final = "国家开发银行吉林省分行"
_SETTING: Final = "bank.age_recipient"
AES_ZIP: Final = "aes_zip"
AGE: Final = "age"

SERVICE_MESSAGES.update({
    "bank_passphrase_short": QT_TRANSLATE_NOOP("service", "压缩包密码至少 {length} 个字符（电话告知开行经办人）。"),
    "bank_list_empty": QT_TRANSLATE_NOOP("service", "{period} 没有批准且认定符合的企业，没有生成名单。"),
    "bank_protection_one": QT_TRANSLATE_NOOP(
        "service", "请选择一种加密方式：压缩包密码，或开行登记的 age 公钥（二者选一）。"),
    "bank_recipient_missing": QT_TRANSLATE_NOOP(
        "service", "开行还没有登记 age 公钥：请管理员先登记（报送省开行页“登记开行公钥…”，或 laoxie province bank-key），"
        "或改用加密压缩包。"),
    "bank_recipient_invalid": QT_TRANSLATE_NOOP(
        "service", "“{text}”不是 age 公钥：应为以 age1 开头的一行（开行用 age-keygen 生成的公钥）。"),
})


@dataclass(frozen=True)
class BankRecipient:
    """The age public key the bank registered, with who registered it and when."""

    name: str
    recipient: str  # age1…
    fingerprint: str  # SHA256:… (of the age1… text, as for the province's key)
    digits: str  # the same, six groups of four digits, read out on the phone
    registered_at: str
    registered_by: str


@dataclass(frozen=True)
class BankListResult:
    path: Path
    period: str
    rows: int
    letters: int
    missing_letters: tuple[str, ...]  # letter numbers without a stored PDF
    sha256: str
    record_id: int
    protection: str = AES_ZIP  # AES_ZIP or AGE
    recipient: str = ""  # the age key's fingerprint (AGE)


# --------------------------------------------------------------------------
# The bank's key


def _public(text: str) -> crypto.PublicKey:
    """The age recipient in ``text``: one ``age1…`` line, or a recipients file (comments allowed)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    token = lines[0].split()[0] if len(lines) == 1 else ""
    try:
        return crypto.suite().encryption_public(token)
    except CryptoError as exc:
        shown = text.strip()[:40] + ("…" if len(text.strip()) > 40 else "")
        raise ServiceError("bank_recipient_invalid", text=shown) from exc


def register_recipient(ws: Workspace, text: str, *, name: str = DEFAULT_BANK_NAME,
                       confirm: str | None = None) -> BankRecipient:
    """An administrator registers the bank's age public key (``confirm``: its fingerprint digits as the
    bank read them out); a new key replaces the old one, both in the audit log."""
    require_province(ws)
    ws.require(Permission.OFFICE_SETTINGS)
    public = _public(text)
    if confirm is not None and not public.fingerprint.matches(confirm):
        raise ServiceError("key_fingerprint_mismatch", actual=public.fingerprint.digits, expected=confirm)
    old = recipient(ws)
    with ws.store.transaction():
        ws.store.set_setting(_SETTING, json.dumps({
            "name": name.strip() or DEFAULT_BANK_NAME, "recipient": public.text, "registered_at": now_iso(),
            "registered_by": ws.actor.username}, ensure_ascii=False))
        ws.audit("province.bank_key", entity="office", entity_id=ws.office.code, detail={
            "name": name.strip() or DEFAULT_BANK_NAME, "recipient": public.fingerprint.sha256,
            "confirmed_by_phone": confirm is not None, "replaced_key": old.fingerprint if old else None})
    found = recipient(ws)
    assert found is not None
    return found


def recipient(ws: Workspace) -> BankRecipient | None:
    """The bank's registered age key (None: none registered)."""
    raw = ws.store.setting(_SETTING)
    if not raw:
        return None
    data = json.loads(raw)
    public = crypto.suite().encryption_public(data["recipient"])
    return BankRecipient(data["name"], public.text, public.fingerprint.sha256, public.fingerprint.digits,
                         data["registered_at"], data["registered_by"])


# --------------------------------------------------------------------------
# The list


def bank_rows(ws: Workspace, period: str) -> list[RegisterRow]:
    """The enterprises approved in the period (YYYY-MM) that passed, by county and name."""
    require_province(ws)
    rows = store_province.register(ws.store, period=check_period(period))
    return [r for r in rows if r.status in BANK_STATUSES and r.result == "pass"]


def bank_workbook(rows: list[RegisterRow], period: str) -> bytes:
    """The workbook: Chinese column names, the header frozen, filters on, IDs and codes as text."""
    from desktop.rosters.sheets import list_workbook

    return list_workbook(f"{period} 劳务协作企业", BANK_COLUMNS, ([
        r.enterprise_name, r.uscc, f"{r.county_name}（{r.county_code}）", r.contact_name, r.contact_phone,
        r.size_label, r.staff_total, r.qualifying_count, r.share_percent, r.priority_workers,
        r.standard_label, RESULTS.get(r.result or "", r.result or ""), r.letter_number, r.verification_code,
        LOAN_TYPES.get(r.loan_type, r.loan_type), r.amount_wan, (r.approved_at or "")[:10],
    ] for r in rows), _TEXT_COLUMNS)


def bank_list(ws: Workspace, period: str, out: Path, *, passphrase: str | None = None,
              age_recipient: str | None = None) -> BankListResult:
    """The period's list for 省开行 with the letters' PDFs as one file: an AES-256 ZIP (``passphrase``,
    given to the bank by phone) or a ZIP encrypted with age (``age_recipient``: an ``age1…`` key, or
    :data:`REGISTERED` for the key the bank registered). Recorded and audited; can be made again."""
    require_province(ws)
    ws.require(Permission.EXPORT_BATCHES)
    if (passphrase is None) == (age_recipient is None):
        raise ServiceError("bank_protection_one")
    public: crypto.PublicKey | None = None
    if age_recipient is not None:
        if age_recipient == REGISTERED:
            registered = recipient(ws)
            if registered is None:
                raise ServiceError("bank_recipient_missing")
            age_recipient = registered.recipient
        public = _public(age_recipient)
    elif passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
        raise ServiceError("bank_passphrase_short", length=MIN_PASSPHRASE)
    period = check_period(period)
    rows = bank_rows(ws, period)
    if not rows:
        raise ServiceError("bank_list_empty", period=period)
    pdfs = store_province.letter_pdfs(ws.store, [r.letter_id for r in rows if r.letter_id is not None])
    missing = tuple(r.letter_number or r.enterprise_name for r in rows if r.letter_id not in pdfs)
    stamp = now_iso()[:19].replace(":", "").replace("-", "")
    name = f"省开行劳务协作企业名单-{period}"
    members = [(f"{name}.xlsx", bank_workbook(rows, period), True)] + [
        (f"确认书/{r.county_code}-{r.uscc}-{r.verification_code}.pdf", pdfs[r.letter_id], False)
        for r in rows if r.letter_id in pdfs]
    if public is None:
        assert passphrase is not None
        data, target = _aes_zip(members, passphrase), out / f"{name}-{stamp}.zip"
    else:
        data, target = crypto.suite().encrypt(_zip(members), public), out / f"{name}-{stamp}.zip.age"
    try:
        out.mkdir(parents=True, exist_ok=True)
        files.write_verified(target, data)
    except OSError as exc:
        raise ServiceError("batch_write_failed", path=target, detail=os_reason(exc)) from exc
    sha = hashlib.sha256(data).hexdigest()
    protection = AES_ZIP if public is None else AGE
    fingerprint = public.fingerprint.sha256 if public is not None else ""
    with ws.store.transaction():
        record = store_province.insert_bank_list(ws.store, period=period, file_name=target.name, file_sha256=sha,
                                                 rows=len(rows), user_id=ws.actor.user_id)
        ws.audit("province.bank_list", entity="bank_list", entity_id=record, detail={
            "period": period, "rows": len(rows), "letters": len(pdfs), "file": str(target), "sha256": sha,
            "missing_letters": list(missing), "protection": protection,
            **({"recipient": fingerprint} if fingerprint else {}),
        })
    return BankListResult(target, period, len(rows), len(pdfs), missing, sha, record, protection, fingerprint)


def _aes_zip(members: list[tuple[str, bytes, bool]], passphrase: str) -> bytes:
    """WinZip AES-256 (7-Zip, WinRAR open it); the PDFs stored, the workbook deflated."""
    import pyzipper

    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(passphrase.encode("utf-8"))
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        for member, content, deflate in members:
            z.writestr(member, content, compress_type=pyzipper.ZIP_DEFLATED if deflate else pyzipper.ZIP_STORED)
    return buffer.getvalue()


def _zip(members: list[tuple[str, bytes, bool]]) -> bytes:
    """A plain ZIP (UTF-8 names), for age to encrypt."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for member, content, deflate in members:
            z.writestr(member, content, compress_type=zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED)
    return buffer.getvalue()
