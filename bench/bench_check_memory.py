"""`laoxie check` of a 1,000,000-worker enterprise (issue 15 item 5): peak memory <= 300 MB.

An office file (made by initialise_office, with a clerk) gets one enterprise with N
employments (and 20,000 at another) through the roster import's store functions
(bench_roster_filter.build), kept in the temp folder keyed by N.  Then, as fresh processes,
alternately: ours, `laoxie check USCC --json` with the output thrown away, and the floor, a
Python process that reads the same rows (employments joined to persons) with plain sqlite3
and writes each as a JSON line.  Peak memory is each child's maximum resident set
(``os.wait4``); wall time is shown beside it.  The quick size (make bench) is 100,000.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_roster_filter import bench_uscc, build  # noqa: E402
from bench.results import quick, record  # noqa: E402

WORKERS = 100_000 if quick() else 1_000_000
GOAL_MB = 300.0
RUNS = 3
PASSWORD = "bench-check-memory-1"
CACHE = Path(tempfile.gettempdir()) / "laoxie-bench"

FLOOR = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
out = sys.stdout
for row in db.execute("SELECT p.id_number, p.name, m.hukou_code, m.contract_type, m.contract_start,"
                      " m.contract_end, m.priority_group FROM employments m JOIN persons p ON p.id = m.person_id"
                      " WHERE m.enterprise_id = (SELECT min(id) FROM enterprises) ORDER BY m.id"):
    out.write(json.dumps(row, ensure_ascii=False) + "\\n")
"""


def office(workers: int) -> Path:
    from desktop.core.office import Role
    from desktop.services.accounts import add_user, sign_in
    from desktop.services.offices import initialise_office

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"check-memory-{workers}-v1.sqlite3"
    if path.exists():
        return path
    partial = path.with_name(path.name + ".building")
    for stale in path.parent.glob(partial.name + "*"):
        stale.unlink()
    started = time.perf_counter()
    initialise_office(partial, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(partial, "admin", PASSWORD) as admin:
        add_user(admin, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
    store, _ = build(partial, workers, 20_000, office_exists=True)
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    print(f"built {path} ({workers:,} + 20,000 employments) in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def peak(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(peak resident MB, wall seconds) of one child process, its output thrown away."""
    started = time.perf_counter()
    with subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as child:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        error = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{argv[2:]} failed ({child.returncode}): {error[-2000:]}")
    kilobytes = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return kilobytes / 1024, time.perf_counter() - started


def main() -> int:
    path = office(WORKERS)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LAOXIE_PASSWORD": PASSWORD}
    ours_argv = [sys.executable, "-m", "desktop", "--db", str(path), "--user", "clerk", "check", bench_uscc(0),
                 "--json"]
    floor_argv = [sys.executable, "-c", FLOOR, str(path)]
    ours, floor = [], []
    for _ in range(RUNS):
        ours.append(peak(ours_argv, env))
        floor.append(peak(floor_argv, env))
    ours_mb, floor_mb = statistics.median(m for m, _ in ours), statistics.median(m for m, _ in floor)
    print(f"check of {WORKERS:,} workers: {statistics.median(s for _, s in ours):.1f} s"
          f" (the floor {statistics.median(s for _, s in floor):.1f} s)")
    record(f"laoxie check --json, {WORKERS:,} workers (peak memory)", ours_mb, unit="MB", floor=floor_mb,
           goal_value=GOAL_MB)
    return 0 if ours_mb <= GOAL_MB else 1


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
