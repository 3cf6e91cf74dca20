"""OpenSSH's wire format and its SSHSIG signatures (openssh-portable ``PROTOCOL.sshsig``), so
``ssh-keygen -Y verify`` checks what a county signs: an Ed25519 public key line and blob, the
signed data, an armored signature made and parsed. Used by ``desktop.batches.crypto`` only."""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from desktop.batches.crypto_error import CryptoError

_SSHSIG_MAGIC: Final = b"SSHSIG"
_SSHSIG_VERSION: Final = 1
_SSHSIG_HASH: Final = b"sha512"
_ARMOR_BEGIN: Final = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END: Final = "-----END SSH SIGNATURE-----"
ED25519: Final = b"ssh-ed25519"


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise CryptoError("signature_invalid", "short")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def uint32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def string(self) -> bytes:
        return self.take(self.uint32())

    def done(self) -> bool:
        return self.pos == len(self.data)


def openssh_public(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode("ascii")


def ed25519_blob_from_line(text: str) -> bytes:
    parts = text.strip().split()
    if len(parts) < 2 or parts[0] != ED25519.decode():
        raise CryptoError("key_invalid", "expected an ssh-ed25519 public key line")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError as exc:
        raise CryptoError("key_invalid", str(exc)) from exc
    ed25519_raw(blob)
    return blob


def ed25519_raw(blob: bytes) -> bytes:
    reader = _Reader(blob)
    try:
        kind, raw = reader.string(), reader.string()
    except CryptoError as exc:
        raise CryptoError("key_invalid", "truncated key blob") from exc
    if kind != ED25519 or len(raw) != 32 or not reader.done():
        raise CryptoError("key_invalid", "not an Ed25519 key")
    return raw


def signed_data(namespace: bytes, hash_alg: bytes, message: bytes) -> bytes:
    digest = hashlib.sha512(message).digest() if hash_alg == b"sha512" else hashlib.sha256(message).digest()
    return _SSHSIG_MAGIC + _string(namespace) + _string(b"") + _string(hash_alg) + _string(digest)


def sign(private: Ed25519PrivateKey, message: bytes, namespace: str) -> bytes:
    ns = namespace.encode("utf-8")
    blob = ed25519_blob_from_line(openssh_public(private.public_key()))
    raw = private.sign(signed_data(ns, _SSHSIG_HASH, message))
    sig = (
        _SSHSIG_MAGIC + struct.pack(">I", _SSHSIG_VERSION) + _string(blob) + _string(ns) + _string(b"")
        + _string(_SSHSIG_HASH) + _string(_string(ED25519) + _string(raw))
    )
    b64 = base64.b64encode(sig).decode("ascii")
    lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
    return ("\n".join([_ARMOR_BEGIN, *lines, _ARMOR_END]) + "\n").encode("ascii")


@dataclass(frozen=True)
class ParsedSignature:
    public_blob: bytes
    namespace: bytes
    hash_alg: bytes
    raw_signature: bytes


def parse(armored: bytes) -> ParsedSignature:
    try:
        text = armored.decode("ascii")
    except UnicodeDecodeError as exc:
        raise CryptoError("signature_invalid", "not ASCII") from exc
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise CryptoError("signature_invalid", "armor")
    try:
        sig = base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError as exc:
        raise CryptoError("signature_invalid", "base64") from exc
    reader = _Reader(sig)
    if reader.take(6) != _SSHSIG_MAGIC or reader.uint32() != _SSHSIG_VERSION:
        raise CryptoError("signature_invalid", "magic or version")
    public_blob, namespace, _reserved, hash_alg, signature = (
        reader.string(), reader.string(), reader.string(), reader.string(), reader.string()
    )
    if not reader.done() or hash_alg not in (b"sha512", b"sha256"):
        raise CryptoError("signature_invalid", "layout")
    inner = _Reader(signature)
    kind, raw = inner.string(), inner.string()
    if kind != ED25519 or len(raw) != 64 or not inner.done():
        raise CryptoError("signature_invalid", "not an Ed25519 signature")
    try:
        ed25519_raw(public_blob)
    except CryptoError as exc:
        raise CryptoError("signature_invalid", "public key") from exc
    return ParsedSignature(public_blob, namespace, hash_alg, raw)
