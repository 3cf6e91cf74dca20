"""The one error of the exchange's cryptography (``desktop.batches.crypto`` and its SSHSIG
format, ``desktop.batches.sshsig``)."""

from __future__ import annotations


class CryptoError(Exception):
    """A key, signature or encrypted file that cannot be used.

    ``code`` is stable: passphrase_wrong, passphrase_busy, passphrase_short, key_invalid,
    key_kind, not_encrypted, wrong_recipient, truncated, corrupt,
    signature_invalid, signer_mismatch, bad_signature, suite_unknown.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)
