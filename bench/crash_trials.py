"""Issues 3 and 11: kill the app at random moments during writes, hundreds of times.

Usage: python bench/crash_trials.py [TRIALS] — every third trial is "side-by-side" (a window and a
command writing the same file at once, both killed), the rest go round the other operations; the
default of 300 gives 100 side-by-side trials.  Prints each failure and a summary; exits 1 if any
trial left the database broken, an operation half-done or a saved row lost.
"""

from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.crash_harness import OPERATIONS, SIDE_BY_SIDE, run_trials  # noqa: E402


def schedule(count: int) -> list[str]:
    others = list(OPERATIONS)
    return [SIDE_BY_SIDE if i % 3 == 0 else others[(i - i // 3 - 1) % len(others)] for i in range(count)]


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="laoxie-crash-") as folder:
        results = run_trials(count, seed=2026, folder=Path(folder), ops=schedule(count),
                             progress=lambda r: print("." if not r.problems else "F", end="", flush=True))
    print()
    by_op = collections.Counter(r.op for r in results)
    failed = [r for r in results if r.problems]
    for r in failed:
        print(f"FAIL {r.op} killed after {r.killed_after:.3f}s: {r.problems}")
    print(f"{len(results)} trials ({dict(by_op)}) in {time.perf_counter() - start:.0f} s: "
          f"{len(results) - len(failed)} whole, {len(failed)} broken")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
