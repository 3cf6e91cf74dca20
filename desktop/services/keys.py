"""Keys for the exchange: made once at set-up, exchanged with fingerprints read out over the phone.

A county makes its signing key and imports the province's public encryption
key; the province makes its encryption key and registers each county's
public signing key. A private key is kept only encrypted with a passphrase
(at least 8 characters, typed twice by the caller); it can be exported for
safe keeping and restored from that file. Every change is in the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from desktop.batches import crypto
from desktop.batches.crypto import CryptoError, DecryptionKey, PublicKey, SigningKey
from desktop.batches.files import write_verified
from desktop.core.batch import SIGNATURE_NAMESPACE, Fingerprint
from desktop.core.messages import QT_TRANSLATE_NOOP
from desktop.core.passwords import WEAK, passphrase_strength
from desktop.core.permissions import Permission
from desktop.services.errors import SERVICE_MESSAGES, ServiceError
from desktop.services.workspace import Workspace
from desktop.store import keys as store_keys
from desktop.store.keys import OwnKeyRow, PeerKeyRow

log = logging.getLogger(__name__)

SIGNING, ENCRYPTION = crypto.SIGNING, crypto.ENCRYPTION
RECEIPT_KEY_MARK = "receipt-key:"  # the line of the province's key file that carries its receipt key
PROVINCE_CODE, PROVINCE_NAME = "220000", "吉林省就业服务局"  # when the key file does not say

SERVICE_MESSAGES.update({
    "key_passphrase_wrong": QT_TRANSLATE_NOOP("service", "密钥口令不对，请重新输入（注意大小写和输入法）。"),
    "key_passphrase_busy": QT_TRANSLATE_NOOP(
        "service", "电脑此刻太忙，没能核对密钥口令（口令不一定有误）。请关闭其他正在运行的程序，稍等片刻再试一次。"
    ),
    "key_passphrase_required": QT_TRANSLATE_NOOP("service", "请输入密钥口令。"),
    "key_passphrase_short": QT_TRANSLATE_NOOP("service", "密钥口令至少要 {min} 个字符。"),
    "key_passphrase_mismatch": QT_TRANSLATE_NOOP("service", "两次输入的密钥口令不一致。"),
    "key_passphrase_weak": QT_TRANSLATE_NOOP(
        "service", "密钥口令太容易猜：不要用连续或重复的字符；用 12 个以上的字符，混合字母、数字、符号或汉字。"
    ),
    "key_missing": QT_TRANSLATE_NOOP("service", "本单位还没有{what}。请管理员在“报送批次”页点“密钥…”生成。"),
    "key_exists": QT_TRANSLATE_NOOP(
        "service", "本单位已有{what}（指纹 {fingerprint}）。换用新密钥后，对方须重新登记；如确需更换，请选择“更换密钥”（--replace）。"
    ),
    "key_invalid": QT_TRANSLATE_NOOP("service", "密钥无法使用：{detail}"),
    "key_wrong_kind": QT_TRANSLATE_NOOP("service", "{what}只能由{kind}单位生成或导入。"),
    "key_fingerprint_mismatch": QT_TRANSLATE_NOOP(
        "service", "公钥的指纹是 {actual}，与电话核对的 {expected} 不同：公钥未登记。请与对方重新核对。"
    ),
    "province_key_missing": QT_TRANSLATE_NOOP(
        "service", "还没有导入省级加密公钥。请管理员在“报送批次”页点“密钥…”导入省里的公钥，并与省里电话核对指纹。"
    ),
    "peer_office_invalid": QT_TRANSLATE_NOOP("service", "单位代码“{office_code}”应为 6 位数字，单位名称不能为空。"),
})

_WHAT = {SIGNING: "签名密钥", ENCRYPTION: "加密密钥"}


@dataclass(frozen=True)
class KeyInfo:
    """A key as the window and the command line show it."""

    purpose: str
    office_code: str
    office_name: str
    public_key: str
    fingerprint: Fingerprint
    since: str
    retired_at: str | None = None
    id: int | None = None

    @property
    def label(self) -> str:
        return _WHAT[self.purpose]


def _info_own(ws: Workspace, row: OwnKeyRow) -> KeyInfo:
    public = _public(row.purpose, row.suite, row.public_key)
    return KeyInfo(row.purpose, ws.office.code, ws.office.name, row.public_key, public.fingerprint, row.created_at,
                   row.retired_at, row.id)


def _info_peer(row: PeerKeyRow) -> KeyInfo:
    public = _public(row.purpose, row.suite, row.public_key)
    return KeyInfo(row.purpose, row.office_code, row.office_name, row.public_key, public.fingerprint,
                   row.registered_at, row.retired_at, row.id)


def _public(purpose: str, suite_name: str, text: str) -> PublicKey:
    suite = crypto.suite(suite_name)
    return suite.signing_public(text) if purpose == SIGNING else suite.encryption_public(text)


def key_work_apart(on: bool) -> None:
    """The window's choice: protect and unlock keys (seconds of scrypt that hold Python's lock)
    in a child process, so the window keeps painting."""
    crypto.SCRYPT_IN_CHILD = on


def own_purpose(ws: Workspace) -> str:
    """A county signs batches; the province decrypts them."""
    return ENCRYPTION if ws.office.kind == "province" else SIGNING


def check_passphrase(passphrase: str, again: str | None = None) -> None:
    if again is not None and again != passphrase:
        raise ServiceError("key_passphrase_mismatch")
    if len(passphrase) < crypto.MIN_PASSPHRASE:
        raise ServiceError("key_passphrase_short", min=crypto.MIN_PASSPHRASE)
    if passphrase_strength(passphrase) == WEAK:
        raise ServiceError("key_passphrase_weak")


def _crypto_error(exc: CryptoError) -> ServiceError:
    if exc.code == "passphrase_wrong":
        return ServiceError("key_passphrase_wrong")
    if exc.code == "passphrase_busy":  # rage timed this PC as too slow: the passphrase was not tried
        log.warning("key unlock refused as too much work: %s", exc.detail)
        return ServiceError("key_passphrase_busy")
    if exc.code == "passphrase_short":
        return ServiceError("key_passphrase_short", min=crypto.MIN_PASSPHRASE)
    log.warning("key refused: %s", exc)  # the library's own words, kept out of the message
    return ServiceError("key_invalid", detail=_CRYPTO_DETAILS.get(exc.code, "密钥文件无法识别"))


_CRYPTO_DETAILS = {
    "key_invalid": "不是有效的密钥文件（内容不完整或已损坏）",
    "key_kind": "密钥的种类不对（应为本程序生成的签名密钥或加密密钥）",
    "suite_unknown": "不支持的算法组合",
}


# --------------------------------------------------------------------------
# Own keys


def own_key(ws: Workspace, purpose: str | None = None) -> KeyInfo | None:
    row = store_keys.active_own_key(ws.store, ws.office.id, purpose or own_purpose(ws))
    return _info_own(ws, row) if row else None


def own_keys(ws: Workspace) -> list[KeyInfo]:
    return [_info_own(ws, r) for r in store_keys.own_keys(ws.store, ws.office.id)]


def create_key(ws: Workspace, passphrase: str, *, again: str | None = None, replace: bool = False) -> KeyInfo:
    """Make this office's key (a county's signing key, the province's encryption key)."""
    ws.require(Permission.OFFICE_SETTINGS)
    check_passphrase(passphrase, again)
    purpose = own_purpose(ws)
    existing = own_key(ws, purpose)
    if existing is not None and not replace:
        raise ServiceError("key_exists", what=_WHAT[purpose], fingerprint=existing.fingerprint.digits)
    suite = crypto.suite()
    key: SigningKey | DecryptionKey = suite.new_signing_key() if purpose == SIGNING else suite.new_decryption_key()
    try:
        protected = suite.protect(key.private_text(), passphrase)
    except CryptoError as exc:
        raise _crypto_error(exc) from exc
    info = _keep_own(ws, purpose, key.public, protected, "key.create")
    if isinstance(key, DecryptionKey):
        _keep_receipt_key(ws, key, protected, "key.create")
    return info


def _keep_receipt_key(ws: Workspace, key: DecryptionKey, protected: str, action: str) -> None:
    """The province's receipt key is derived from its decryption key (``receipt_signing_key``): its
    row holds the same protected identity, and its public key goes out in the province's key file."""
    public = key.receipt_signing_key().public
    existing = own_key(ws, SIGNING)
    if existing is None or existing.fingerprint != public.fingerprint:
        _keep_own(ws, SIGNING, public, protected, action)


def _keep_own(ws: Workspace, purpose: str, public: PublicKey, protected: str, action: str) -> KeyInfo:
    with ws.store.transaction():
        key_id = store_keys.insert_own_key(
            ws.store, ws.office.id, purpose=purpose, suite=public.suite, public_key=public.text,
            fingerprint=public.fingerprint.sha256, protected_private=protected, created_by=ws.actor.user_id,
        )
        ws.audit(action, entity="key", entity_id=key_id, detail={
            "purpose": purpose, "suite": public.suite, "fingerprint": public.fingerprint.sha256,
        })
    info = own_key(ws, purpose)
    assert info is not None
    return info


def unlock_signing_key(ws: Workspace, passphrase: str) -> SigningKey:
    row = store_keys.active_own_key(ws.store, ws.office.id, SIGNING)
    if row is None:
        raise ServiceError("key_missing", what=_WHAT[SIGNING])
    try:
        return crypto.suite(row.suite).unlock_signing_key(row.protected_private, passphrase)
    except CryptoError as exc:
        raise _crypto_error(exc) from exc


def unlock_decryption_key(ws: Workspace, passphrase: str) -> DecryptionKey:
    row = store_keys.active_own_key(ws.store, ws.office.id, ENCRYPTION)
    if row is None:
        raise ServiceError("key_missing", what=_WHAT[ENCRYPTION])
    try:
        return crypto.suite(row.suite).unlock_decryption_key(row.protected_private, passphrase)
    except CryptoError as exc:
        raise _crypto_error(exc) from exc


def export_private_key(ws: Workspace, target: Path) -> Path:
    """The protected private key for safe keeping (``age -d`` opens it with the passphrase)."""
    ws.require(Permission.OFFICE_SETTINGS)
    row = store_keys.active_own_key(ws.store, ws.office.id, own_purpose(ws))
    if row is None:
        raise ServiceError("key_missing", what=_WHAT[own_purpose(ws)])
    written = write_verified(target, row.protected_private.encode("ascii"))
    with ws.store.transaction():
        ws.audit("key.export_private", entity="key", entity_id=row.id,
                 detail={"purpose": row.purpose, "file": str(target), "fingerprint": row.fingerprint})
    return written


def restore_private_key(ws: Workspace, source: Path, passphrase: str) -> KeyInfo:
    """Take back a key exported for safe keeping (a new computer, a restored office)."""
    ws.require(Permission.OFFICE_SETTINGS)
    text = source.read_text(encoding="ascii", errors="replace")
    # The armor has no blank lines and no spaces.  A copy written in text mode on Windows
    # gains a carriage return per line ("\r\r\n", read back as blank lines), and mail or
    # an editor may add blank lines or trailing spaces: take the lines, not the layout.
    protected = "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"
    purpose = own_purpose(ws)
    suite = crypto.suite()
    try:
        key: SigningKey | DecryptionKey = (suite.unlock_signing_key(protected, passphrase) if purpose == SIGNING
                                           else suite.unlock_decryption_key(protected, passphrase))
    except CryptoError as exc:
        raise _crypto_error(exc) from exc
    existing = own_key(ws, purpose)
    if isinstance(key, DecryptionKey):
        _keep_receipt_key(ws, key, protected, "key.restore")
    if existing is not None and existing.fingerprint == key.public.fingerprint:
        return existing
    return _keep_own(ws, purpose, key.public, protected, "key.restore")


def public_key_file_text(ws: Workspace) -> str:
    """What to hand the other side: the county's OpenSSH line, the province's age recipients file."""
    info = own_key(ws)
    if info is None:
        raise ServiceError("key_missing", what=_WHAT[own_purpose(ws)])
    if info.purpose == SIGNING:
        return f"{info.public_key} laoxie:{ws.office.code}:{ws.office.name}\n"
    text = (f"# 劳协 省级加密公钥 laoxie:{ws.office.code}:{ws.office.name}\n"
            f"# 指纹 {info.fingerprint.digits}（{info.fingerprint.sha256}）\n")
    receipt = own_key(ws, SIGNING)
    if receipt is not None:  # a comment for age (-R skips it); the county registers it for receipts
        text += (f"# 回执签名公钥 指纹 {receipt.fingerprint.digits}\n"
                 f"# {RECEIPT_KEY_MARK} {receipt.public_key} laoxie:{ws.office.code}:{ws.office.name}\n")
    return text + f"{info.public_key}\n"


def export_public_key(ws: Workspace, target: Path) -> Path:
    text = public_key_file_text(ws)
    written = write_verified(target, text.encode("utf-8"))
    with ws.store.transaction():
        ws.audit("key.export_public", entity="key", detail={"file": str(target)})
    return written


# --------------------------------------------------------------------------
# The other side's public keys


@dataclass(frozen=True)
class PublicKeyFile:
    """A public key file read, before it is registered."""

    purpose: str
    public_key: str
    fingerprint: Fingerprint
    office_code: str | None
    office_name: str | None
    receipt_key: str | None = None  # the province's receipt signing key (ssh-ed25519 …), when the file has one


def read_public_key(text: str) -> PublicKeyFile:
    """An OpenSSH ``.pub`` line (a county) or an age recipients file (the province), with the
    ``laoxie:CODE:NAME`` label our export writes, when present."""
    suite = crypto.suite()
    code = name = receipt_line = None
    key_line = ""
    for raw in text.splitlines():
        line = raw.strip()
        if "laoxie:" in line:
            label = line[line.index("laoxie:"):].split(":", 2)
            if len(label) == 3:
                code, name = label[1].strip(), label[2].strip()
        if line.startswith("#") and RECEIPT_KEY_MARK in line:
            receipt_line = line[line.index(RECEIPT_KEY_MARK) + len(RECEIPT_KEY_MARK):].strip()
        if line and not line.startswith("#"):
            key_line = key_line or line
    try:
        if key_line.startswith("ssh-"):
            public = suite.signing_public(key_line)
        else:
            public = suite.encryption_public(key_line.split()[0] if key_line else "")
        receipt = suite.signing_public(receipt_line) if receipt_line else None
    except CryptoError as exc:
        raise _crypto_error(exc) from exc
    return PublicKeyFile(public.purpose, public.text, public.fingerprint, code, name,
                         receipt.text if receipt else None)


def _register(ws: Workspace, purpose: str, text: str, office_code: str | None, office_name: str | None,
              confirm: str | None, action: str, defaults: tuple[str, str] = ("", "")) -> KeyInfo:
    ws.require(Permission.OFFICE_SETTINGS)
    found = read_public_key(text)
    return _register_found(ws, purpose, found, office_code, office_name, confirm, action, defaults)


def _register_found(ws: Workspace, purpose: str, found: PublicKeyFile, office_code: str | None,
                    office_name: str | None, confirm: str | None, action: str,
                    defaults: tuple[str, str] = ("", "")) -> KeyInfo:
    if found.purpose != purpose:
        raise ServiceError("key_invalid", detail=f"这是{_WHAT[found.purpose]}的公钥，需要的是{_WHAT[purpose]}的公钥")
    code = (office_code or found.office_code or defaults[0]).strip()
    name = (office_name or found.office_name or defaults[1]).strip()
    if not (len(code) == 6 and code.isdigit()) or not name:
        raise ServiceError("peer_office_invalid", office_code=code)
    if confirm is not None and not found.fingerprint.matches(confirm):
        raise ServiceError("key_fingerprint_mismatch", actual=found.fingerprint.digits, expected=confirm)
    suite = crypto.suite()
    with ws.store.transaction():
        key_id = store_keys.insert_peer_key(
            ws.store, office_code=code, office_name=name, purpose=purpose, suite=suite.name,
            public_key=found.public_key, fingerprint=found.fingerprint.sha256, registered_by=ws.actor.user_id,
        )
        ws.audit(action, entity="peer_key", entity_id=key_id, detail={
            "office_code": code, "office_name": name, "purpose": purpose, "fingerprint": found.fingerprint.sha256,
            "confirmed_by_phone": confirm is not None,
        })
    row = store_keys.active_peer_key(ws.store, code, purpose)
    assert row is not None
    return _info_peer(row)


def import_province_key(ws: Workspace, text: str, *, office_code: str | None = None,
                        office_name: str | None = None, confirm: str | None = None) -> KeyInfo:
    """A county takes the province's public encryption key (``confirm``: the fingerprint read out)."""
    if ws.office.kind != "county":
        raise ServiceError("key_wrong_kind", what="省级加密公钥", kind="县级")
    ws.require(Permission.OFFICE_SETTINGS)
    found = read_public_key(text)
    info = _register_found(ws, ENCRYPTION, found, office_code, office_name, confirm, "key.import_province",
                           (PROVINCE_CODE, PROVINCE_NAME))
    if found.receipt_key is not None:  # the key the province's receipts are signed with
        receipt = crypto.suite().signing_public(found.receipt_key)
        existing = province_receipt_key(ws)
        if existing is None or existing.fingerprint != receipt.fingerprint:
            _register_found(ws, SIGNING, PublicKeyFile(SIGNING, receipt.text, receipt.fingerprint, None, None),
                            info.office_code, info.office_name, None, "key.import_province")
    return info


def province_receipt_key(ws: Workspace) -> PublicKey | None:
    """On a county: the registered key the province signs its receipts with (None: not registered)."""
    rows = store_keys.peer_keys(ws.store, ENCRYPTION)
    if not rows:
        return None
    row = store_keys.active_peer_key(ws.store, rows[0].office_code, SIGNING)
    return _public(row.purpose, row.suite, row.public_key) if row else None


def register_county_key(ws: Workspace, text: str, *, office_code: str | None = None,
                        office_name: str | None = None, confirm: str | None = None) -> KeyInfo:
    """The province registers a county's public signing key (a new key retires the county's old one)."""
    if ws.office.kind != "province":
        raise ServiceError("key_wrong_kind", what="县级签名公钥", kind="省级")
    return _register(ws, SIGNING, text, office_code, office_name, confirm, "key.register_county")


def province_key(ws: Workspace) -> tuple[KeyInfo, PublicKey]:
    rows = store_keys.peer_keys(ws.store, ENCRYPTION)
    if not rows:
        raise ServiceError("province_key_missing")
    row = rows[0]
    return _info_peer(row), _public(row.purpose, row.suite, row.public_key)


def peer_keys(ws: Workspace, *, include_retired: bool = False) -> list[KeyInfo]:
    return [_info_peer(r) for r in store_keys.peer_keys(ws.store, include_retired=include_retired)]


def county_signing_key(ws: Workspace, office_code: str) -> PublicKey | None:
    row = store_keys.active_peer_key(ws.store, office_code, SIGNING)
    return _public(row.purpose, row.suite, row.public_key) if row else None


def allowed_signers_text(ws: Workspace) -> str:
    """An ``allowed_signers`` file of every registered county, for ``ssh-keygen -Y verify`` by hand."""
    lines = [f"# 劳协：已登记的县级签名公钥；命名空间 {SIGNATURE_NAMESPACE}"]
    for row in store_keys.peer_keys(ws.store, SIGNING):
        lines.append(f'{row.office_code} namespaces="{SIGNATURE_NAMESPACE}" {row.public_key}')
    return "\n".join(lines) + "\n"


def export_allowed_signers(ws: Workspace, target: Path) -> Path:
    return write_verified(target, allowed_signers_text(ws).encode("utf-8"))
