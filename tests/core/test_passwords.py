"""Password hashes: scrypt, salted, verifiable, upgradeable."""

from __future__ import annotations

import time

import pytest

from desktop.core import passwords
from desktop.core.passwords import hash_password, needs_rehash, password_problem, verify_password


@pytest.mark.real_scrypt
def test_full_cost_hash_is_memory_hard_and_verifies() -> None:
    start = time.perf_counter()
    stored = hash_password("延吉 2026 secret")
    assert time.perf_counter() - start < 1.0  # login target: <= 1 s after the password
    scheme, n, r, p, _, _ = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**15, 8, 1)
    assert int(n) * int(r) * 128 >= 32 * 1024 * 1024  # at least 32 MiB per guess
    assert verify_password("延吉 2026 secret", stored)
    assert not verify_password("延吉 2026 secreT", stored)
    assert not needs_rehash(stored)


def test_same_password_gets_different_salts() -> None:
    assert hash_password("password-1") != hash_password("password-1")


def test_weaker_old_hash_is_flagged_for_rehash() -> None:
    assert needs_rehash(hash_password("password-1", n=2**4))


@pytest.mark.parametrize("stored", [None, "", "md5$abc", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16$8$1$!!$!!"])
def test_garbage_never_verifies(stored: str | None) -> None:
    assert not verify_password("anything", stored)


@pytest.mark.parametrize(
    ("user", "password", "code"),
    [("clerk", "short", "password_short"), ("clerk12345", "CLERK12345", "password_same_as_name"),
     ("clerk", "long enough", None)],
)
def test_password_rules(user: str, password: str, code: str | None) -> None:
    assert password_problem(user, password) == code
    assert passwords.MIN_LENGTH == 8
