"""The one cryptography module: SSHSIG as ssh-keygen writes it, age as the age tool reads it, keys at rest."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest
from pyrage import passphrase as age_passphrase

from desktop.batches import crypto
from desktop.batches.crypto import CryptoError
from desktop.core.batch import SIGNATURE_NAMESPACE
from tests.batches import factory

SUITE = crypto.suite()
MESSAGE = '{"office":{"code":"222401","name":"延吉市就业服务局"}}'.encode()
needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None,
                                      reason="ssh-keygen is not installed (Debian package openssh-client)")
needs_age = pytest.mark.skipif(shutil.which("age") is None, reason="age is not installed (Debian package age)")


@pytest.fixture(autouse=True)
def _unlock_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", factory.UNLOCKED)


@pytest.fixture(scope="module")
def signing_key() -> crypto.SigningKey:
    return SUITE.new_signing_key()


@pytest.fixture(scope="module")
def decryption_key() -> crypto.DecryptionKey:
    return SUITE.new_decryption_key()


def run(*argv: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=60, cwd=cwd, check=False)


# -- SSHSIG --------------------------------------------------------------------------


def test_signature_round_trip_and_failures(signing_key: crypto.SigningKey) -> None:
    signature = signing_key.sign(MESSAGE, SIGNATURE_NAMESPACE)
    text = signature.decode("ascii")
    assert text.startswith("-----BEGIN SSH SIGNATURE-----\n") and text.endswith("-----END SSH SIGNATURE-----\n")
    assert max(len(line) for line in text.splitlines()) == 70
    SUITE.verify(signing_key.public, MESSAGE, signature, SIGNATURE_NAMESPACE)
    assert SUITE.signer_of(signature) == signing_key.public
    for message, namespace, code in ((MESSAGE + b" ", SIGNATURE_NAMESPACE, "bad_signature"),
                                     (MESSAGE, "file", "bad_signature")):
        with pytest.raises(CryptoError) as caught:
            SUITE.verify(signing_key.public, message, signature, namespace)
        assert caught.value.code == code
    other = SUITE.new_signing_key()
    with pytest.raises(CryptoError) as caught:
        SUITE.verify(other.public, MESSAGE, signature, SIGNATURE_NAMESPACE)
    assert caught.value.code == "signer_mismatch"
    for garbage in (b"not armored", signature.replace(b"U1NIU0lH", b"AAAAAAAA"), "签名".encode()):
        with pytest.raises(CryptoError) as caught:
            SUITE.signer_of(garbage)
        assert caught.value.code == "signature_invalid"


@needs_ssh_keygen
def test_ssh_keygen_verifies_our_signature_and_writes_the_same_bytes(
    signing_key: crypto.SigningKey, tmp_path: Path,
) -> None:
    signature = signing_key.sign(MESSAGE, SIGNATURE_NAMESPACE)
    (tmp_path / "manifest.json.sig").write_bytes(signature)
    (tmp_path / "allowed_signers").write_text(f"222401 {signing_key.public.text}\n", encoding="ascii")
    done = run("ssh-keygen", "-Y", "verify", "-f", "allowed_signers", "-I", "222401", "-n", SIGNATURE_NAMESPACE,
               "-s", "manifest.json.sig", stdin=MESSAGE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"Good \"laoxie-batch@jilin\" signature for 222401" in done.stdout
    bad = run("ssh-keygen", "-Y", "verify", "-f", "allowed_signers", "-I", "222401", "-n", SIGNATURE_NAMESPACE,
              "-s", "manifest.json.sig", stdin=MESSAGE + b"x", cwd=tmp_path)
    assert bad.returncode != 0
    # ssh-keygen signing with the same key (Ed25519 is deterministic): the very same bytes
    key_file = tmp_path / "id_ed25519"
    key_file.write_text(signing_key.private_text(), encoding="ascii")
    key_file.chmod(0o600)
    made = run("ssh-keygen", "-Y", "sign", "-f", str(key_file), "-n", SIGNATURE_NAMESPACE, stdin=MESSAGE)
    assert made.returncode == 0, made.stderr
    assert made.stdout == signature
    # and the fingerprint is the one ssh-keygen prints
    (tmp_path / "key.pub").write_text(signing_key.public.text + "\n", encoding="ascii")
    listed = run("ssh-keygen", "-l", "-f", str(tmp_path / "key.pub"))
    assert signing_key.public.fingerprint.sha256.encode() in listed.stdout


def test_public_key_lines() -> None:
    key = SUITE.new_signing_key()
    assert SUITE.signing_public(key.public.text + " laoxie:222401:延吉市就业服务局") == key.public
    for bad in ("ssh-rsa AAAAB3NzaC1yc2E", "ssh-ed25519 !!!", "", "age1qqqq"):
        with pytest.raises(CryptoError):
            SUITE.signing_public(bad)
    with pytest.raises(CryptoError):
        SUITE.encryption_public("age1notbech32")


# -- age ---------------------------------------------------------------------------


@needs_age
def test_the_age_tool_decrypts_what_we_encrypt(decryption_key: crypto.DecryptionKey, tmp_path: Path) -> None:
    data = os.urandom(200_000)
    (tmp_path / "batch.age").write_bytes(SUITE.encrypt(data, decryption_key.public))
    (tmp_path / "key.txt").write_text(decryption_key.private_text(), encoding="ascii")
    done = run("age", "-d", "-i", "key.txt", "-o", "batch.zip", "batch.age", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "batch.zip").read_bytes() == data
    # and the other way: what the age tool encrypts to our recipient, we decrypt
    made = run("age", "-r", decryption_key.public.text, stdin=b"from the age tool")
    assert decryption_key.decrypt(made.stdout) == b"from the age tool"


def aligned(n: int) -> bytes:
    return os.urandom(n * SUITE.plaintext_block())


def header_end(data: bytes) -> int:
    return data.index(b"\n", data.index(b"\n--- ") + 1) + 1


@pytest.mark.parametrize(("damage", "code"), [
    (lambda d: d[: header_end(d) + 16 + 65552], "truncated"),  # exactly one whole chunk of three
    (lambda d: d[: header_end(d) + 16 + 65552 + 100], "truncated"),  # in the middle of a chunk
    (lambda d: d[:-1], "truncated"),
    (lambda d: d[:40], "truncated"),  # inside the header
    (lambda d: d[: header_end(d) + 30] + bytes([d[header_end(d) + 30] ^ 1]) + d[header_end(d) + 31:], "corrupt"),
    (lambda d: d[:-1] + bytes([d[-1] ^ 1]), "corrupt"),  # the last byte of the last chunk
    (lambda d: b"PK\x03\x04" + d[4:], "not_encrypted"),
])
def test_damage_is_told_apart(decryption_key: crypto.DecryptionKey, damage: object, code: str) -> None:
    data = SUITE.encrypt(aligned(3), decryption_key.public)
    with pytest.raises(CryptoError) as caught:
        decryption_key.decrypt(damage(data))  # type: ignore[operator]
    assert caught.value.code == code


def test_another_recipient(decryption_key: crypto.DecryptionKey) -> None:
    data = SUITE.encrypt(b"x", SUITE.new_decryption_key().public)
    with pytest.raises(CryptoError) as caught:
        decryption_key.decrypt(data)
    assert caught.value.code == "wrong_recipient"


# -- keys at rest ---------------------------------------------------------------------


def test_keys_are_kept_under_a_passphrase() -> None:
    material = factory.key_material("county")
    assert material.protected.startswith("-----BEGIN AGE ENCRYPTED FILE-----")
    key = SUITE.unlock_signing_key(material.protected, factory.PASSPHRASE)
    assert key.public.fingerprint.sha256 == material.fingerprint
    # the protected form is a plain age passphrase file holding an OpenSSH private key
    inner = age_passphrase.decrypt(material.protected.encode(), factory.PASSPHRASE).decode()
    assert inner.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    province = SUITE.unlock_decryption_key(factory.key_material("province").protected, factory.PASSPHRASE)
    assert "AGE-SECRET-KEY-1" in province.private_text()
    with pytest.raises(CryptoError) as caught:
        SUITE.unlock_decryption_key(material.protected, factory.PASSPHRASE)  # a signing key is not an identity
    assert caught.value.code == "key_kind"


def test_wrong_and_short_passphrases() -> None:
    with pytest.raises(CryptoError) as caught:
        SUITE.unlock_signing_key(factory.key_material("county").protected, "wrong passphrase")
    assert caught.value.code == "passphrase_wrong"
    with pytest.raises(CryptoError) as caught:
        SUITE.protect("secret", "short")
    assert caught.value.code == "passphrase_short"
    with pytest.raises(CryptoError) as caught:
        SUITE.unlock_signing_key("-----BEGIN AGE ENCRYPTED FILE-----\nnot base64\n", "whatever passphrase")
    assert caught.value.code in ("key_invalid", "passphrase_wrong")


def test_an_unknown_suite() -> None:
    with pytest.raises(CryptoError) as caught:
        crypto.suite("sm2-sm4")
    assert caught.value.code == "suite_unknown"


# -- rage's work-factor limit: a busy PC must never hear "wrong passphrase" ------------------


def _with_work_factor(protected: str, work: int) -> str:
    """The same protected key, its scrypt stanza asking for ``work`` (the header MAC no longer
    matches, but rage weighs the work factor before anything else)."""
    body = base64.b64decode("".join(line for line in protected.splitlines() if not line.startswith("-----")))
    changed = re.sub(rb"^(-> scrypt \S+) \d+$", rb"\1 " + str(work).encode(), body, count=1, flags=re.MULTILINE)
    assert changed != body
    b64 = base64.b64encode(changed).decode("ascii")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "\n".join(["-----BEGIN AGE ENCRYPTED FILE-----", *lines, "-----END AGE ENCRYPTED FILE-----"]) + "\n"


def _rage_refusal(protected: str) -> pyrage.DecryptError:
    """rage's own words when it refuses a work factor (from rage itself, not copied here)."""
    with pytest.raises(pyrage.DecryptError) as refused:
        age_passphrase.decrypt(_with_work_factor(protected, 40).encode(), factory.PASSPHRASE)
    return refused.value


class _BusyRage:
    """pyrage's passphrase module on a PC that rage times as too slow ``refusals`` times running."""

    def __init__(self, refusal: pyrage.DecryptError, refusals: int, plain: bytes) -> None:
        self.refusal, self.refusals, self.plain, self.calls = refusal, refusals, plain, 0

    def decrypt(self, data: bytes, passphrase: str) -> bytes:
        self.calls += 1
        if self.calls <= self.refusals:
            raise self.refusal
        assert passphrase == factory.PASSPHRASE
        return self.plain


def test_a_work_factor_no_key_of_ours_has_is_not_a_wrong_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", None)
    protected = factory.key_material("county").protected
    assert crypto._work_factor(protected) is not None
    crafted = _with_work_factor(protected, 40)
    assert crypto._work_factor(crafted) == 40
    with pytest.raises(CryptoError) as caught:  # refused by rage at once, on any PC: no scrypt is run
        SUITE.unlock_signing_key(crafted, factory.PASSPHRASE)
    assert caught.value.code == "key_invalid"


@pytest.mark.parametrize("refusals", [1, len(crypto.BUSY_PAUSES)])
def test_a_busy_pc_measures_again_and_unlocks(monkeypatch: pytest.MonkeyPatch, refusals: int) -> None:
    protected = factory.key_material("county").protected
    expected = SUITE.unlock_signing_key(protected, factory.PASSPHRASE)  # the real unlock (cached)
    busy = _BusyRage(_rage_refusal(protected), refusals, expected.private_text().encode())
    pauses: list[float] = []
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", None)
    monkeypatch.setattr(crypto, "age_passphrase", busy)
    monkeypatch.setattr(crypto.time, "sleep", pauses.append)
    key = SUITE.unlock_signing_key(protected, factory.PASSPHRASE)
    assert key.public.fingerprint == expected.public.fingerprint
    assert busy.calls == refusals + 1 and pauses == list(crypto.BUSY_PAUSES[:refusals])


def test_a_pc_rage_refuses_throughout_opens_the_key_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    protected = factory.key_material("county").protected
    expected = SUITE.unlock_signing_key(protected, factory.PASSPHRASE)  # through rage (cached)
    busy = _BusyRage(_rage_refusal(protected), 1000, b"")
    monkeypatch.setattr(crypto, "UNLOCK_CACHE", None)
    monkeypatch.setattr(crypto, "age_passphrase", busy)
    monkeypatch.setattr(crypto, "BUSY_PAUSES", (0.0,))
    key = SUITE.unlock_signing_key(protected, factory.PASSPHRASE)  # real scrypt, in Python
    assert key.public.fingerprint == expected.public.fingerprint and busy.calls == 2
    with pytest.raises(CryptoError) as caught:
        SUITE.unlock_signing_key(protected, factory.PASSPHRASE + "x")
    assert caught.value.code == "passphrase_wrong"
    # scrypt cannot get its memory here either: the clerk hears "busy", never "wrong"
    monkeypatch.setattr(crypto.age_scrypt, "_MAXMEM", 1024)
    with pytest.raises(CryptoError) as caught:
        SUITE.unlock_signing_key(protected, factory.PASSPHRASE)
    assert caught.value.code == "passphrase_busy"


def test_our_age_reading_matches_rage() -> None:
    """The fallback reads what pyrage writes, several chunks too, and refuses what it must."""
    plain = os.urandom(2 * 64 * 1024 + 5)
    sealed = age_passphrase.encrypt(plain, factory.PASSPHRASE, armored=True)
    assert crypto.age_scrypt.decrypt(sealed, factory.PASSPHRASE, crypto.MAX_WORK_FACTOR) == plain
    binary = crypto.age_scrypt.binary(sealed)
    for damaged in (binary[:-1], binary[:-20] + bytes(20), binary.replace(b"\n--- ", b"\n--- A", 1)):
        with pytest.raises(crypto.age_scrypt.AgeFileError) as caught:
            crypto.age_scrypt.decrypt(damaged, factory.PASSPHRASE, crypto.MAX_WORK_FACTOR)
        assert caught.value.kind == "damaged"
    with pytest.raises(crypto.age_scrypt.AgeFileError) as caught:
        crypto.age_scrypt.decrypt(sealed, factory.PASSPHRASE, crypto.age_scrypt.work_factor(sealed) - 1)
    assert caught.value.kind == "damaged"
