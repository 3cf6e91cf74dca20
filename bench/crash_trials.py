"""Issue 3: kill the app at random moments during writes, at least 200 times.

Usage: python bench/crash_trials.py [TRIALS] — prints each failure and a summary;
exits 1 if any trial left the database broken or an operation half-done.
"""

from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash_harness import run_trials  # noqa: E402


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="laoxie-crash-") as folder:
        results = run_trials(count, seed=2026, folder=Path(folder))
    by_op = collections.Counter(r.op for r in results)
    failed = [r for r in results if r.problems]
    for r in failed:
        print(f"FAIL {r.op} killed after {r.killed_after:.3f}s: {r.problems}")
    print(f"{len(results)} trials ({dict(by_op)}) in {time.perf_counter() - start:.0f} s: "
          f"{len(results) - len(failed)} whole, {len(failed)} broken")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
