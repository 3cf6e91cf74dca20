"""In the window the passphrase work runs in a child process: the window's thread keeps running."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from desktop.batches import crypto
from desktop.services.keys import key_work_apart

pytestmark = pytest.mark.slow  # real scrypt, several seconds each


@pytest.fixture
def apart() -> Iterator[None]:
    key_work_apart(True)
    yield
    key_work_apart(False)


def test_keys_are_protected_and_unlocked_in_a_child_while_this_process_runs_on(apart: None) -> None:
    suite = crypto.suite()
    key = suite.new_signing_key()
    protected = suite.protect(key.private_text(), "Tianchi-2026-yanji")

    ticks = 0
    stop = threading.Event()

    def other_thread() -> None:  # stands for the window's event loop
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.01)

    thread = threading.Thread(target=other_thread)
    thread.start()
    started = time.perf_counter()
    unlocked = suite.unlock_signing_key(protected, "Tianchi-2026-yanji")
    took = time.perf_counter() - started
    stop.set()
    thread.join()
    assert unlocked.public.fingerprint == key.public.fingerprint
    # In this process scrypt held the lock: the other thread got about 2 turns in 4 s. Apart, it runs on.
    assert ticks >= took / 0.01 / 4, (ticks, took)

    with pytest.raises(crypto.CryptoError) as refused:
        suite.unlock_signing_key(protected, "Tianchi-2026-yanjI")
    assert refused.value.code == "passphrase_wrong"
