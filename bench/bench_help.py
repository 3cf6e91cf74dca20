"""`laoxie --help` against its floor: a bare `python -c pass` in the same venv.

Goal (issue 15): `laoxie --help` ≤ 0.15 s.  Both commands run as fresh
processes, alternated (ours, floor, ours, floor …) so that load on a shared
machine falls on both alike; the figures are medians.  Prints ours, floor,
ratio and goal; exits 1 when our median misses the goal.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import record  # noqa: E402

RUNS = 15
GOAL_SECONDS = 0.15


def _seconds(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    # An installed laoxie runs from compiled .pyc files: let the warm-up write them even where
    # the shell says not to (PYTHONDONTWRITEBYTECODE would make every run compile the sources).
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    ours_argv = [sys.executable, "-m", "desktop", "--help"]
    floor_argv = [sys.executable, "-c", "pass"]
    _seconds(ours_argv, env)  # warm the file cache and the .pyc files
    ours, floor = [], []
    for _ in range(RUNS):
        ours.append(_seconds(ours_argv, env))
        floor.append(_seconds(floor_argv, env))
    ours_median, floor_median = statistics.median(ours), statistics.median(floor)
    record("laoxie --help", ours_median, floor=floor_median, goal_value=GOAL_SECONDS)
    print(f"({RUNS} alternated runs each, medians; ours min {min(ours):.3f} s, floor min {min(floor):.3f} s)")
    return 0 if ours_median <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
