"""Every cryptographic operation of the exchange, behind one small interface.

The rest of the program knows a :class:`Suite` by its name and calls it to
make keys, protect them with a passphrase, sign, verify, encrypt and decrypt;
nothing else imports ``cryptography`` or ``pyrage`` (but ``age_scrypt``, which
opens a passphrase file when rage will not: see MAX_WORK_FACTOR, and ``sshsig``, the
signature format this module signs and verifies with). The one suite today,
``ed25519-sshsig+age-x25519``, uses formats that standard tools read:

* a county signs the manifest with Ed25519 in OpenSSH's SSHSIG format
  (openssh-portable ``PROTOCOL.sshsig``, written and read in ``desktop.batches.sshsig``),
  so ``ssh-keygen -Y verify`` checks it; the signing key is an OpenSSH private key;
* the batch is encrypted to the province's X25519 key with age (pyrage), so
  ``age -d -i key.txt`` opens it; the province's identity is a standard
  ``AGE-SECRET-KEY-1…`` file;
* a private key at rest (in the database, or exported for safe keeping) is
  that text encrypted with an age passphrase (scrypt): ``age -d`` opens it
  with the passphrase.

A national-algorithm suite (SM2 signatures, SM4 encryption) would be a second
:class:`Suite` registered in :data:`SUITES`; the manifest names the suite.
"""

from __future__ import annotations

import base64
import hashlib
import io
import multiprocessing
import time
from collections.abc import MutableMapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Final

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from desktop.batches import age_scrypt, sshsig
from desktop.batches.crypto_error import CryptoError
from desktop.core.batch import Fingerprint

SIGNING: Final = "signing"
ENCRYPTION: Final = "encryption"
DEFAULT_SUITE: Final = "ed25519-sshsig+age-x25519"

# Unlocking a key costs a deliberate second or so (scrypt).  Tests set this to
# a dict to pay it once per key and passphrase; the program leaves it None.
UNLOCK_CACHE: MutableMapping[tuple[str, str], str] | None = None

# pyrage's scrypt holds Python's lock for the whole second (several on a busy PC): in a window
# nothing repaints meanwhile. The window sets this, and the passphrase work runs in a child
# process; the command line and the tests run it here.
SCRYPT_IN_CHILD: bool = False

_AGE_MAGIC: Final = b"age-encryption.org/v1\n"
# age (rage) refuses to unlock a passphrase file whose scrypt work factor is more than 4 above what
# it measures this PC does in a second, and measures that by timing a tiny scrypt each time: on a
# busy or old PC one slow measurement refuses the right passphrase. The refusal costs only that
# measurement, so it is tried again after a pause, and then the file is opened by age_scrypt under
# this fixed cap. A work factor above it is never one rage chose for a key we protected (about a
# second on the fastest PC), so that file is not ours.
MAX_WORK_FACTOR: Final = 22
_EXCESSIVE_WORK: Final = "Excessive work"
# Keys are protected with this fixed work factor (2^18, 256 MiB, about a second; the age tool's own
# choice), not the one rage would pick by timing this PC: on a fast idle PC rage picks 20 or more,
# which a busy or old PC then refuses (and Python's scrypt above cannot reach past 20).
PROTECT_WORK_FACTOR: Final = 18
BUSY_PAUSES: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 4.0)  # seconds between tries (tests shorten)
_AGE_CHUNK: Final = 64 * 1024
_AGE_TAG: Final = 16
_RECEIPT_KEY_LABEL: Final = b"laoxie receipt signing key v1\n"


@dataclass(frozen=True)
class PublicKey:
    """A public key in the one-line form the other side is given."""

    suite: str
    purpose: str  # SIGNING or ENCRYPTION
    text: str  # "ssh-ed25519 AAAA…" (no comment) or "age1…"
    fingerprint: Fingerprint


class SigningKey:
    """An unlocked private signing key (a county's)."""

    def __init__(self, suite: Suite, private: Ed25519PrivateKey) -> None:
        self._suite = suite
        self._private = private
        self.public = suite.signing_public(sshsig.openssh_public(private.public_key()))

    def sign(self, message: bytes, namespace: str) -> bytes:
        """An armored SSHSIG signature of ``message`` (what ``ssh-keygen -Y sign`` writes)."""
        return sshsig.sign(self._private, message, namespace)

    def private_text(self) -> str:
        """The unprotected OpenSSH private key: only ever handed to :meth:`Suite.protect`."""
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        ).decode("ascii")


class DecryptionKey:
    """An unlocked age identity (the province's)."""

    def __init__(self, suite: Suite, identity: x25519.Identity) -> None:
        self._suite = suite
        self._identity = identity
        self.public = suite.encryption_public(str(identity.to_public()))

    def decrypt(self, data: bytes) -> bytes:
        """The plaintext, or CryptoError saying why not (wrong recipient, truncated, corrupt)."""
        return _age_decrypt(data, self._identity)

    def private_text(self) -> str:
        """A standard age identity file: ``age -d -i`` reads it."""
        return (f"# laoxie province key\n# public key: {self.public.text}\n{self._identity}\n")

    def receipt_signing_key(self) -> SigningKey:
        """The Ed25519 key the province signs its receipts with, derived from this identity
        (SHA-256 of a label and the identity's text as the seed): the one protected file keeps
        both, so restoring the decryption key restores the receipt key too."""
        seed = hashlib.sha256(_RECEIPT_KEY_LABEL + str(self._identity).encode("ascii")).digest()
        return SigningKey(self._suite, Ed25519PrivateKey.from_private_bytes(seed))


class Suite:
    """Ed25519 signatures in SSHSIG format, age X25519 encryption, age passphrase at rest."""

    name = DEFAULT_SUITE

    # -- keys ----------------------------------------------------------------
    def new_signing_key(self) -> SigningKey:
        return SigningKey(self, Ed25519PrivateKey.generate())

    def new_decryption_key(self) -> DecryptionKey:
        return DecryptionKey(self, x25519.Identity.generate())

    def signing_public(self, text: str) -> PublicKey:
        """The county's public key from an OpenSSH line ``ssh-ed25519 AAAA… [comment]``."""
        blob = sshsig.ed25519_blob_from_line(text)
        line = f"{sshsig.ED25519.decode()} {base64.b64encode(blob).decode('ascii')}"
        return PublicKey(self.name, SIGNING, line, Fingerprint.of(blob))

    def encryption_public(self, text: str) -> PublicKey:
        """The province's public key from its ``age1…`` recipient text."""
        text = text.strip()
        try:
            x25519.Recipient.from_str(text)
        except pyrage.RecipientError as exc:
            raise CryptoError("key_invalid", str(exc)) from exc
        return PublicKey(self.name, ENCRYPTION, text, Fingerprint.of(text.encode("ascii")))

    # -- keys at rest ----------------------------------------------------------
    def protect(self, private_text: str, passphrase: str) -> str:
        """The private key encrypted with the passphrase (age, scrypt, armored)."""
        if len(passphrase) < MIN_PASSPHRASE:
            raise CryptoError("passphrase_short", str(MIN_PASSPHRASE))
        ok, result = _with_passphrase("encrypt", private_text.encode("utf-8"), passphrase)
        if not ok:
            raise CryptoError("key_invalid", result.decode("utf-8", "replace"))
        return result.decode("ascii")

    def unlock_signing_key(self, protected: str, passphrase: str) -> SigningKey:
        text = _unlock(protected, passphrase)
        try:
            private = serialization.load_ssh_private_key(text.encode("ascii"), None)
        except (ValueError, TypeError) as exc:
            raise CryptoError("key_invalid", str(exc)) from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise CryptoError("key_kind", type(private).__name__)
        return SigningKey(self, private)

    def unlock_decryption_key(self, protected: str, passphrase: str) -> DecryptionKey:
        text = _unlock(protected, passphrase)
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
        if len(lines) != 1:
            raise CryptoError("key_kind", "not one age identity")
        try:
            identity = x25519.Identity.from_str(lines[0])
        except pyrage.IdentityError as exc:
            raise CryptoError("key_kind", str(exc)) from exc
        return DecryptionKey(self, identity)

    # -- signatures ------------------------------------------------------------
    def signer_of(self, signature: bytes) -> PublicKey:
        """The public key a signature says it was made with (not yet verified)."""
        parsed = sshsig.parse(signature)
        return PublicKey(self.name, SIGNING,
                         f"{sshsig.ED25519.decode()} {base64.b64encode(parsed.public_blob).decode('ascii')}",
                         Fingerprint.of(parsed.public_blob))

    def verify(self, public: PublicKey, message: bytes, signature: bytes, namespace: str) -> None:
        """Nothing when ``signature`` is ``public``'s signature of ``message`` in ``namespace``."""
        parsed = sshsig.parse(signature)
        expected = sshsig.ed25519_blob_from_line(public.text)
        if parsed.public_blob != expected:
            raise CryptoError("signer_mismatch")
        if parsed.namespace != namespace.encode("utf-8"):
            raise CryptoError("bad_signature", "namespace")
        key = Ed25519PublicKey.from_public_bytes(sshsig.ed25519_raw(expected))
        try:
            key.verify(parsed.raw_signature, sshsig.signed_data(parsed.namespace, parsed.hash_alg, message))
        except InvalidSignature as exc:
            raise CryptoError("bad_signature") from exc

    # -- encryption ------------------------------------------------------------
    def encrypt(self, data: bytes, recipient: PublicKey) -> bytes:
        if recipient.purpose != ENCRYPTION or recipient.suite != self.name:
            raise CryptoError("key_kind", recipient.purpose)
        return pyrage.encrypt(data, [x25519.Recipient.from_str(recipient.text)])

    def plaintext_block(self) -> int:
        """Pad the plaintext to a multiple of this, so a truncated file is told from an altered one."""
        return _AGE_CHUNK


MIN_PASSPHRASE: Final = 8
SUITES: Final[dict[str, Suite]] = {DEFAULT_SUITE: Suite()}


def suite(name: str = DEFAULT_SUITE) -> Suite:
    try:
        return SUITES[name]
    except KeyError:
        raise CryptoError("suite_unknown", name) from None


def looks_encrypted(head: bytes) -> bool:
    """Whether a file starts like an age file (binary form)."""
    return head.startswith(_AGE_MAGIC)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------
# Keys at rest


def _unlock(protected: str, passphrase: str) -> str:
    cache_key = (hashlib.sha256(protected.encode("utf-8")).hexdigest(),
                 hashlib.sha256(passphrase.encode("utf-8")).hexdigest())
    if UNLOCK_CACHE is not None and cache_key in UNLOCK_CACHE:
        return UNLOCK_CACHE[cache_key]
    try:
        ok, result = _with_passphrase("decrypt", protected.encode("ascii"), passphrase)
        if not ok:
            message = result.decode("utf-8", "replace")
            if message.startswith(_EXCESSIVE_WORK):
                # never "wrong passphrase": the passphrase was not even tried
                work = _work_factor(protected)
                if work is not None and work <= MAX_WORK_FACTOR:
                    raise CryptoError("passphrase_busy", message)
                raise CryptoError("key_invalid", message)
            if "Decryption failed" in message:
                raise CryptoError("passphrase_wrong")
            raise CryptoError("key_invalid", message)
        text = result.decode("utf-8")
    except (UnicodeError, ValueError) as exc:
        raise CryptoError("key_invalid", str(exc)) from exc
    if UNLOCK_CACHE is not None:
        UNLOCK_CACHE[cache_key] = text
    return text


def passphrase_work(op: str, data: bytes, passphrase: str) -> tuple[bool, bytes]:
    """age with a passphrase: (True, the result) or (False, pyrage's message). Module-level and
    plain in what it returns, so a child process can run it and send the answer back."""
    pauses = iter(BUSY_PAUSES)
    while True:
        try:
            if op == "encrypt":
                return True, age_scrypt.encrypt(data, passphrase, PROTECT_WORK_FACTOR)
            return True, age_passphrase.decrypt(data, passphrase)
        except age_scrypt.AgeFileError as exc:  # scrypt could not get its 256 MiB
            return False, str(exc).encode("utf-8")
        except (pyrage.DecryptError, pyrage.EncryptError) as exc:
            message = str(exc)
            pause = next(pauses, None)
            work = _work_factor(data.decode("ascii", "replace"))
            if not message.startswith(_EXCESSIVE_WORK) or work is None or work > MAX_WORK_FACTOR:
                return False, message.encode("utf-8")
            if pause is None:  # still refused: open it here, under our own fixed limit
                return _own_decrypt(data, passphrase, message)
            time.sleep(pause)  # the PC was busy when rage timed it: measure again after a pause


def _own_decrypt(data: bytes, passphrase: str, refusal: str) -> tuple[bool, bytes]:
    try:
        return True, age_scrypt.decrypt(data, passphrase, MAX_WORK_FACTOR)
    except age_scrypt.AgeFileError as exc:
        if exc.kind == "wrong":
            return False, b"Decryption failed"
        if exc.kind == "memory":  # still the work this PC cannot do now: say busy, not wrong
            return False, f"{refusal}\n{exc}".encode("utf-8")
        return False, f"damaged: {exc}".encode("utf-8")


def _work_factor(protected: str) -> int | None:
    """The scrypt work factor (log2 N) a protected key's age header asks for, or None if unreadable."""
    try:
        return age_scrypt.work_factor(protected.encode("ascii", "replace"))
    except age_scrypt.AgeFileError:
        return None


def _with_passphrase(op: str, data: bytes, passphrase: str) -> tuple[bool, bytes]:
    if not SCRYPT_IN_CHILD:
        return passphrase_work(op, data, passphrase)
    try:
        # A child for each piece of work ("spawn": a fresh interpreter, never a fork of a threaded
        # Qt process). Starting it costs a fraction of the scrypt, and none is left behind idle
        # when the window is killed.
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as child:
            return child.submit(passphrase_work, op, data, passphrase).result()
    except (BrokenProcessPool, OSError, RuntimeError):  # no child process here: slower, but done
        return passphrase_work(op, data, passphrase)


# --------------------------------------------------------------------------
# age


def _age_payload_length(data: bytes) -> int | None:
    """Bytes after the header and the 16-byte payload nonce, or None when no header end is found."""
    mac_line = data.find(b"\n--- ")
    if mac_line < 0:
        return None
    end = data.find(b"\n", mac_line + 1)
    if end < 0:
        return None
    return len(data) - (end + 1) - 16


def _age_decrypt(data: bytes, identity: x25519.Identity) -> bytes:
    if not looks_encrypted(data[:len(_AGE_MAGIC)]):
        raise CryptoError("not_encrypted")
    out = io.BytesIO()
    try:
        pyrage.decrypt_io(io.BytesIO(data), out, [identity])
    except (pyrage.DecryptError, OSError) as exc:  # a damaged stream surfaces as OSError
        raise _decrypt_failure(str(exc), data) from exc
    return out.getvalue()


def _decrypt_failure(message: str, data: bytes) -> CryptoError:
    if _age_payload_length(data) is None:  # it starts like an age file but its header never ends
        return CryptoError("truncated", message)
    if "No matching keys" in message:
        return CryptoError("wrong_recipient", message)
    if "truncated" in message:
        return CryptoError("truncated", message)
    if message.strip() == "decryption error":
        # Our writer pads the plaintext to whole 64 KiB chunks, so a sound file
        # holds whole encrypted chunks: anything else lost its end.
        payload = _age_payload_length(data)
        if payload is not None and payload % (_AGE_CHUNK + _AGE_TAG) != 0:
            return CryptoError("truncated", message)
        return CryptoError("corrupt", message)
    if "fill whole buffer" in message:
        return CryptoError("truncated", message)
    return CryptoError("corrupt", message)
