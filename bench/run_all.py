"""`make bench`: run every bench/bench_*.py in turn and end with one table.

Each script runs as its own process with ``LAOXIE_BENCH_RESULTS`` naming a fresh results
file (bench/results.py) and ``LAOXIE_BENCH_SIZE`` set to ``quick`` (the default: smaller
cases, a few minutes in all) or ``full`` (``--full``: the sizes the goals are stated for).
A script that records nothing still gets a row (its exit status), so a failing or
unconverted script is not hidden.  The table is printed and written to ``--out``
(default .bench/results.md, with the raw lines beside it in results.jsonl).  Exits 1 when
any path misses its goal or any script fails.

    python bench/run_all.py [--full] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import RESULTS_ENV, SIZE_ENV, Result, load, table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="the sizes the goals are stated for (slow)")
    parser.add_argument("--only", nargs="*", default=[], help="scripts whose name contains one of these")
    parser.add_argument("--out", type=Path, default=ROOT / ".bench" / "results.md")
    args = parser.parse_args()
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if any(part in s.name for part in args.only)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    raw = args.out.with_suffix(".jsonl")
    raw.unlink(missing_ok=True)
    env = {**os.environ, RESULTS_ENV: str(raw), SIZE_ENV: "full" if args.full else "quick",
           "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.perf_counter()
    failed: list[Result] = []
    for script in scripts:
        print(f"== {script.relative_to(ROOT)}", flush=True)
        before = len(load(str(raw))) if raw.exists() else 0
        t0 = time.perf_counter()
        code = subprocess.run([sys.executable, str(script)], env=env, cwd=ROOT, check=False).returncode
        print(f"   ({time.perf_counter() - t0:.0f} s, exit {code})", flush=True)
        recorded = len(load(str(raw))) if raw.exists() else 0
        if recorded == before:  # still a row: a failure must show, and so must a script not converted
            failed.append(Result(f"{script.name} (nothing recorded)", float(code), "exit status",
                                 goal_value=0.0, script=script.name))
    results = (load(str(raw)) if raw.exists() else []) + failed
    size = "full" if args.full else "quick"
    heading = (f"bench ({size} size), {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
               f"{os.cpu_count()} cores, Python {platform.python_version()}; {time.perf_counter() - started:.0f} s")
    text = f"{heading}\n\n{table(results)}\n"
    args.out.write_text(text, encoding="utf-8")
    print("\n" + text)
    missed = [r for r in results if r.ok is False]
    print(f"{len(results)} paths, {len(missed)} not within goal" + (": " + "; ".join(r.path for r in missed)
                                                                    if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
