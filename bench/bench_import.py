"""Issue 15 item 1: a roster import against its floors, alternated in one run.

    calamine   python-calamine reading the file alone (every row to Python)
    floor      the minimal import: calamine + the ID check on every row + one
               executemany of the rows into a plain SQLite table, committed
    ours       prepare_import + commit_import into a new office (the window's and
               `laoxie import`'s path: read, check, compare, stage, write, audit)
    re-import  the same file imported again into that office (nothing changed)

Each measurement runs in a fresh child process (its set-up left out of the time),
so peak memory (ru_maxrss) is that of the path alone.  The roster is made once
by our generator (tests/roster_factory.py) and kept in the temp folder.  Goals:
ours <= 2.0x calamine and <= 1.3x the floor; re-import <= 0.5x a first import;
peak memory <= 300 MB at 100,000 rows.  `--runs N` (default 3) alternated rounds.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import quick, record  # noqa: E402

WORKERS = 10_000 if quick() else 100_000
RUNS = 3
PASSWORD = "bench-import-2026!"
USCC = "91110000600037341L"
CACHE = Path(tempfile.gettempdir()) / "laoxie-bench"
MODES = ("calamine", "floor", "ours", "reimport")


def make_roster(workers: int = WORKERS) -> Path:
    """The bench roster of ``workers`` rows, made once and kept in the temp folder."""
    roster = CACHE / f"roster-{workers}-v1.xlsx"
    if roster.exists():
        return roster
    from tests.roster_factory import RosterSpec, build, write_big_xlsx

    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # The realistic mix: our template's columns, real date cells, a few problem rows.
    quirks = {i: q for i, q in ((i, ("numeric_id", "bad_check", "duplicate", "lower_x")[i % 4])
                                for i in range(50, workers, 997))}
    spec = RosterSpec(workers=workers, seed=4, quirks=quirks)  # type: ignore[arg-type]
    partial = roster.with_suffix(".part.xlsx")
    write_big_xlsx(partial, build(spec))
    partial.replace(roster)
    print(f"generated {roster} ({roster.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return roster


def read_calamine(roster: Path) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    rows = 0
    for _row in CalamineWorkbook.from_path(str(roster)).get_sheet_by_index(0).iter_rows():
        rows += 1
    assert rows > WORKERS
    return time.perf_counter() - start


def floor_import(db: Path, roster: Path) -> float:
    from python_calamine import CalamineWorkbook

    from desktop.core.identifiers import digits_check_char

    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(roster)).get_sheet_by_index(0).iter_rows()
    header = next(rows)
    id_col = header.index("公民身份号码")
    width = len(header)
    good = []
    for row in rows:
        number = row[id_col]
        if type(number) is str and len(number) == 18 and number[:17].isdigit() and \
                digits_check_char(number[:17]) == number[17].upper():
            good.append([str(v) for v in row[:width]])
    conn = sqlite3.connect(db)
    conn.execute(f"CREATE TABLE rows ({', '.join(f'c{i}' for i in range(width))})")
    with conn:
        conn.executemany(f"INSERT INTO rows VALUES ({', '.join('?' for _ in range(width))})", good)
    conn.close()
    return time.perf_counter() - start


def office(db: Path) -> int:
    """A new office with one enterprise (not timed); its id."""
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.core.office import Role
    from desktop.services.accounts import add_user, sign_in
    from desktop.services.backups import make_backup
    from desktop.services.enterprises import add_enterprise
    from desktop.services.offices import initialise_office

    initialise_office(db, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(db, "admin", PASSWORD) as ws:
        add_user(ws, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
        make_backup(ws, "manual")  # the regular backup an office has: none is due during the import
    with sign_in(db, "clerk", PASSWORD) as ws:
        return add_enterprise(ws, EnterpriseDraft(
            name="延吉市长白山食品有限公司", uscc=USCC, county_code="222401", industry="industry",
            staff_total=120_000, revenue_wan=50000.0, assets_wan=90000.0,
        )).id


def our_import(db: Path, roster: Path, enterprise_id: int) -> float:
    from desktop.services.accounts import sign_in
    from desktop.services.roster_commit import commit_import
    from desktop.services.rosters import prepare_import

    with sign_in(db, "clerk", PASSWORD) as ws:
        start = time.perf_counter()
        preview = prepare_import(ws, enterprise_id, roster)
        commit_import(ws, preview)
        return time.perf_counter() - start


def in_child(script: str, *args: object) -> str:
    """Run ``script --child ARGS`` in a fresh process; the last line it prints."""
    out = subprocess.run([sys.executable, script, "--child", *map(str, args)], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def settled() -> None:
    """The set-up's writes flushed before a timed part: another file's writeback is not the import's cost."""
    os.sync()


def child(mode: str, db: Path, roster: Path) -> dict[str, float]:
    if mode == "calamine":
        seconds = read_calamine(roster)
    elif mode == "floor":
        seconds = floor_import(db, roster)
    else:
        enterprise = office(db)
        if mode == "reimport":
            our_import(db, roster, enterprise)
        settled()
        seconds = our_import(db, roster, enterprise)
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return 0
    runs = RUNS
    if len(sys.argv) == 3 and sys.argv[1] == "--runs" and sys.argv[2].isdigit() and int(sys.argv[2]) > 0:
        runs = int(sys.argv[2])
    elif len(sys.argv) > 1:
        print(f"usage: {Path(__file__).name} [--runs N]   (default {RUNS} alternated rounds)")
        return 2
    roster = make_roster()
    found: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            for mode in MODES:
                db = Path(folder) / f"{mode}-{n}.sqlite3"
                found[mode].append(json.loads(in_child(__file__, mode, db, roster)))
    median = {mode: statistics.median(r["seconds"] for r in found[mode]) for mode in MODES}
    peak = {mode: max(r["peak_mb"] for r in found[mode]) for mode in MODES}
    for mode in MODES:
        each = ", ".join(f"{r['seconds']:.2f}" for r in found[mode])
        print(f"{mode:9} median {median[mode]:.2f} s  ({each})  peak {peak[mode]:.0f} MB")
    rows = f"{WORKERS:,}"
    results = [
        record(f"roster import {rows} rows vs python-calamine reading it", median["ours"], floor=median["calamine"],
               goal_ratio=2.0),
        record(f"roster import {rows} rows vs minimal import (calamine + ID check + executemany)", median["ours"],
               floor=median["floor"], goal_ratio=1.3),
        record(f"unchanged re-import {rows} rows vs first import", median["reimport"], floor=median["ours"],
               goal_ratio=0.5),
        record(f"roster import {rows} rows, peak memory", peak["ours"], unit="MB",
               goal_value=300.0 if WORKERS >= 100_000 else None),
    ]
    return 0 if all(r.ok is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
