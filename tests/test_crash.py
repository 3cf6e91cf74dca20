"""Crash safety: processes killed mid-write leave the database whole (issue 3).

bench/crash_trials.py runs the same trials by the hundred."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.crash_harness import ALL_OPS, run_trials

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name == "nt", reason="uses SIGKILL")]


@pytest.mark.parametrize("op", sorted(ALL_OPS))
def test_killed_mid_operation_leaves_the_database_whole(op: str, tmp_path: Path) -> None:
    results = run_trials(int(os.environ.get("LAOXIE_CRASH_TRIALS", "8")), seed=sorted(ALL_OPS).index(op),
                         folder=tmp_path, ops=[op])
    failures = [(r.killed_after, r.problems) for r in results if r.problems]
    assert failures == []
