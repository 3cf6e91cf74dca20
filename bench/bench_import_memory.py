"""Issue 15 item 1: the peak memory of a 1,000,000-row roster import (goal <= 600 MB).

    ours      prepare_import + commit_import into a new office (bench_import's child), in a
              fresh child process: its peak resident set (ru_maxrss) is the import's alone
    floor     python-calamine reading the same file alone, every row to Python (its whole-sheet
              load is what a big sheet no longer goes through: desktop/rosters/xlsx_stream.py)

The roster is bench_import's generator at 1,000,000 rows (kept in the temp folder, ~82 MB; made
once in a few minutes).  One run each (an import of that size takes a minute or two).  The quick
size (make bench) measures 100,000 rows against bench_import's goal there, 300 MB.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_import import child, in_child, make_roster  # noqa: E402
from bench.results import quick, record  # noqa: E402

WORKERS = 100_000 if quick() else 1_000_000
GOAL_MB = 300.0 if quick() else 600.0


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return 0
    roster = make_roster(WORKERS)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ours = json.loads(in_child(__file__, "ours", Path(folder) / "ours.sqlite3", roster))
        floor = json.loads(in_child(__file__, "calamine", Path(folder) / "floor.sqlite3", roster))
    print(f"import {ours['seconds']:.1f} s, peak {ours['peak_mb']:.0f} MB; python-calamine reading it"
          f" {floor['seconds']:.1f} s, peak {floor['peak_mb']:.0f} MB ({time.perf_counter() - started:.0f} s in all)")
    result = record(f"roster import {WORKERS:,} rows, peak memory (floor: python-calamine reading it)",
                    ours["peak_mb"], unit="MB", floor=floor["peak_mb"], goal_value=GOAL_MB)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
