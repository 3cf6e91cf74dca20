"""An age passphrase file opened here, with a work limit we fix rather than one measured by timing.

rage (behind pyrage) refuses a passphrase file whose scrypt work factor is more than 4 above what it
measures this PC does in a second, and it measures by timing a tiny scrypt each time: on a busy or
old PC it can refuse a key we protected ourselves, and pyrage lets nobody set that limit. When rage
keeps refusing, :func:`decrypt` reads the file itself, per the age format (age-encryption.org/v1):
the scrypt stanza unwraps the file key, the header MAC is checked, the payload is decrypted chunk by
chunk (ChaCha20-Poly1305, STREAM). Only ``crypto`` calls it; ``crypto`` chooses the limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION_LINE: Final = b"age-encryption.org/v1\n"
_SCRYPT_LABEL: Final = b"age-encryption.org/v1/scrypt"
_SCRYPT_STANZA: Final = re.compile(rb"^-> scrypt ([A-Za-z0-9+/]{22}) ([1-9][0-9]?)$")
_CHUNK: Final = 64 * 1024
_TAG: Final = 16
_MAXMEM: Final = (1 << 31) - 1  # hashlib's own ceiling: work factors up to 20 (1 GiB)


class AgeFileError(Exception):
    """``kind``: "wrong" (the passphrase does not open the file key), "memory" (scrypt cannot get the
    memory the work factor needs, here and now) or "damaged" (not a usable age passphrase file)."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        super().__init__(detail)


def binary(protected: bytes) -> bytes:
    """The binary age file from its armored (``-----BEGIN AGE ENCRYPTED FILE-----``) or binary form."""
    if protected.startswith(_VERSION_LINE):
        return protected
    lines = [line.strip() for line in protected.strip().splitlines()]
    if len(lines) < 2 or not lines[0].startswith(b"-----BEGIN") or not lines[-1].startswith(b"-----END"):
        raise AgeFileError("damaged", "not an age file")
    try:
        return base64.b64decode(b"".join(lines[1:-1]), validate=True)
    except ValueError as exc:
        raise AgeFileError("damaged", "armor is not base64") from exc


def work_factor(protected: bytes) -> int:
    """log2 of scrypt's N that the file's passphrase stanza asks for."""
    return _stanza(binary(protected))[1]


def decrypt(protected: bytes, passphrase: str, max_work_factor: int) -> bytes:
    data = binary(protected)
    salt, log_n, body, header, mac, payload = _stanza(data)
    if log_n > max_work_factor:
        raise AgeFileError("damaged", f"work factor {log_n} above {max_work_factor}")
    n = 1 << log_n
    try:
        key = hashlib.scrypt(passphrase.encode("utf-8"), salt=_SCRYPT_LABEL + salt, n=n, r=8, p=1,
                             maxmem=min(256 * 8 * n + (1 << 20), _MAXMEM), dklen=32)
    except (ValueError, MemoryError) as exc:
        raise AgeFileError("memory", f"scrypt: {exc}") from exc
    try:
        file_key = ChaCha20Poly1305(key).decrypt(bytes(12), body, None)
    except InvalidTag as exc:
        raise AgeFileError("wrong", "passphrase does not open the file key") from exc
    if not hmac.compare_digest(hmac.new(_hkdf(file_key, b"", b"header"), header, "sha256").digest(), mac):
        raise AgeFileError("damaged", "header MAC does not match")
    return _payload(file_key, payload)


def _stanza(data: bytes) -> tuple[bytes, int, bytes, bytes, bytes, bytes]:
    """salt, log_n, wrapped file key, the header the MAC covers, the MAC, the payload."""
    end = data.find(b"\n--- ")
    line_end = data.find(b"\n", end + 1) if end >= 0 else -1
    if not data.startswith(_VERSION_LINE) or line_end < 0:
        raise AgeFileError("damaged", "no age header")
    lines = data[len(_VERSION_LINE):end].split(b"\n")
    found = _SCRYPT_STANZA.match(lines[0]) if len(lines) == 2 else None  # one stanza, its body one line
    if found is None or len(lines[1]) != 43:
        raise AgeFileError("damaged", "not one scrypt stanza")
    try:
        salt, body = (base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
                      for text in (found.group(1), lines[1]))
        mac = base64.b64decode(data[end + 5:line_end] + b"=", validate=True)
    except ValueError as exc:
        raise AgeFileError("damaged", "header is not base64") from exc
    return salt, int(found.group(2)), body, data[:end + 4], mac, data[line_end + 1:]


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _payload(file_key: bytes, payload: bytes) -> bytes:
    if len(payload) < 16 + _TAG:
        raise AgeFileError("damaged", "payload truncated")
    aead = ChaCha20Poly1305(_hkdf(file_key, payload[:16], b"payload"))
    sealed = payload[16:]
    chunks = [sealed[i:i + _CHUNK + _TAG] for i in range(0, len(sealed), _CHUNK + _TAG)]
    out = []
    for counter, chunk in enumerate(chunks):
        last = counter == len(chunks) - 1
        try:
            out.append(aead.decrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), chunk, None))
        except InvalidTag as exc:
            raise AgeFileError("damaged", "payload damaged or truncated") from exc
    return b"".join(out)
