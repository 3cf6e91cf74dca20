"""Password hashing with scrypt (memory-hard, in the standard library).

Stored form: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>``, so the cost can be
raised later and old hashes still verify (and are re-hashed on next login).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from typing import Final

from desktop.core.messages import MESSAGES, QT_TRANSLATE_NOOP

N, R, P = 2**15, 8, 1  # 32 MiB and ~0.1 s on a 2020 PC: slow for guessing, quick for a clerk
MIN_LENGTH = 8
_MAXMEM = 128 * 1024 * 1024

MESSAGES.update({
    "password_short": QT_TRANSLATE_NOOP("problems", "密码至少需要 {min} 个字符"),
    "password_mismatch": QT_TRANSLATE_NOOP("problems", "两次输入的密码不一致"),
    "username_invalid": QT_TRANSLATE_NOOP(
        "problems", "用户名“{value}”不合适：2 到 32 个字符，只用汉字、字母、数字和 _ . -"
    ),
    "password_same_as_name": QT_TRANSLATE_NOOP("problems", "密码不能与用户名相同"),
    "password_unchanged": QT_TRANSLATE_NOOP("problems", "新密码不能与原密码相同"),
    "password_is_yours": QT_TRANSLATE_NOOP("problems", "新用户的密码不能与您自己的密码相同：请另设一个"),
})

# Letters and digits that cannot be misread for one another (no 0 O o 1 l I), for passwords said aloud.
_PLAIN: Final = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(groups: int = 3, size: int = 4) -> str:
    """A temporary password to tell a user once: ``"k7Pq-3mXa-Ve9t"`` (about 70 bits)."""
    return "-".join("".join(secrets.choice(_PLAIN) for _ in range(size)) for _ in range(groups))

# A key's passphrase guards every batch the office signs: short, repeated or counted ones are refused.
WEAK, FAIR, STRONG = 0, 1, 2
_COMMON_RUNS = ("0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def passphrase_strength(text: str) -> int:
    """WEAK, FAIR or STRONG: length, the kinds of character and how many different ones.

    Weak: under MIN_LENGTH, fewer than 4 different characters, digits only and under 12,
    or a run off the keyboard or the alphabet (12345678, qwertyui). Strong: 12 or more
    with three kinds (lower, upper, digits, anything else such as 汉字 or -), or 16 or more
    with 8 different characters, where a 汉字 counts as two (it is one of thousands, not of 26).
    """
    if len(text) < MIN_LENGTH or len(set(text)) < 4:
        return WEAK
    if text.isdigit() and len(text) < 12:
        return WEAK
    lowered = text.lower()
    if any(lowered in run for run in _COMMON_RUNS):
        return WEAK
    kinds = sum((any(c.islower() and c.isascii() for c in text), any(c.isupper() for c in text),
                 any(c.isdigit() for c in text), any(not (c.isascii() and c.isalnum()) for c in text)))
    length = len(text) + sum(1 for c in text if not c.isascii())
    if (length >= 12 and kinds >= 3) or (length >= 16 and len(set(text)) >= 8):
        return STRONG
    return FAIR


def password_problem(username: str, password: str) -> str | None:
    """None when the password is acceptable, else a message code."""
    if len(password) < MIN_LENGTH:
        return "password_short"
    if password.strip().lower() == username.strip().lower():
        return "password_same_as_name"
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int | None = None, r: int | None = None, p: int | None = None) -> str:
    n, r, p = n or N, r or R, p or P
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            maxmem=_MAXMEM, dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def needs_rehash(stored: str) -> bool:
    parts = stored.split("$")
    return len(parts) != 6 or parts[0] != "scrypt" or (int(parts[1]), int(parts[2]), int(parts[3])) != (N, R, P)
