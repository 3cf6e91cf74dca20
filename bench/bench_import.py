"""Issue 15 item 1: a roster import against its floors, alternated in one run.

    calamine   python-calamine reading the file alone (every row to Python)
    floor      the minimal import: calamine + the ID check on every row + one
               executemany of the rows into a plain SQLite table, committed
    ours       prepare_import + commit_import into a new office (the window's and
               `laoxie import`'s path: read, check, compare, stage, write, audit)
    re-import  the same file imported again into that office (nothing changed)
    readcheck  (apart) ours up to the first write: the file opened and hashed, the header
               found and every row checked (``read_sheet``), nothing staged or written
    floorread  (apart) the floor up to its write: calamine + the ID check, no SQLite
    schemawrite (apart) the checked rows written into our schema and nothing else: persons and
               employments by two INSERT ... SELECT from a staging table, with the indexes
               the roster view's filters need (bench_roster_filter.py), committed; no row
               seals, no undo record, no audit entry (the rows staged first, not timed)
    barewrite  (apart) the same with every index dropped first but the keys' own (persons'
               ID numbers, one employment per enterprise and person): the least any import
               that keeps persons apart from employments writes

The three apart show what the goals leave for writing: 1.3x the floor minus ``readcheck`` is
the time ours has to write persons and employments with their indexes, row seals and audit
entry, against the floor's write (floor - floorread) into one table without an index, and
``schemawrite`` and ``barewrite`` the least that writing into our schema takes.

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
MODES = ("calamine", "floor", "ours", "reimport", "readcheck", "floorread", "schemawrite", "barewrite")


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


def floor_import(db: Path, roster: Path, *, write: bool = True) -> float:
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
    if not write:
        assert len(good) > WORKERS * 0.99
        return time.perf_counter() - start
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


def read_and_check(db: Path, roster: Path, enterprise_id: int) -> float:
    """Ours up to its first write: what the preview does before it stages the new rows."""
    import datetime

    from desktop.rosters.reader import RosterFile
    from desktop.services.accounts import sign_in
    from desktop.services.rosters import read_sheet

    with sign_in(db, "clerk", PASSWORD) as ws:
        enterprise = ws.store.enterprise(enterprise_id)
        start = time.perf_counter()
        rf = RosterFile.open(roster)
        try:
            read = read_sheet(ws, enterprise, rf, today=datetime.date.today())
        finally:
            rf.close()
        seconds = time.perf_counter() - start
    assert len(read.check.rows) > WORKERS * 0.99
    return seconds


def schema_write(db: Path, roster: Path, enterprise_id: int, *, indexes: bool = True) -> float:
    """The preview's staged rows written into persons and employments by two INSERT ... SELECT on a
    plain connection (no TEMP seal triggers), as the import's write without seals, undo or audit."""
    from desktop.services.accounts import sign_in
    from desktop.services.rosters import prepare_import
    from desktop.store import rosters as roster_store

    with sign_in(db, "clerk", PASSWORD) as ws:
        preview = prepare_import(ws, enterprise_id, roster)
        staged = list(roster_store.staged_rows(ws.store, preview.stage_token))
        preview.close()
    columns = roster_store.STAGE_COLUMNS
    values = roster_store.VALUE_COLUMNS
    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "cache_size = -65536",
                   "wal_autocheckpoint = 0"):  # as the store's connection in Store.bulk_write
        conn.execute(f"PRAGMA {pragma}")
    if not indexes:  # the UNIQUE constraints' own indexes (sql IS NULL) stay
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                    " AND tbl_name IN ('persons', 'employments')").fetchall():
            conn.execute(f'DROP INDEX "{name}"')
    conn.execute(f"CREATE TEMP TABLE stage ({', '.join(columns)})")
    with conn:
        conn.executemany(f"INSERT INTO stage VALUES ({', '.join('?' for _ in columns)})", staged)
    now = "2026-12-05T00:00:00"
    settled()
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO persons (id_number, name, sex, birth_date, created_at, updated_at, name_key)"
                 " SELECT id_number, name, sex, birth_date, ?, ?, name_key FROM stage", (now, now))
    conn.execute(f"INSERT INTO employments (enterprise_id, created_at, updated_at, person_id, source_row,"
                 f" {', '.join(values)}) SELECT ?, ?, ?, p.id, s.source_row, {', '.join('s.' + v for v in values)}"
                 " FROM stage s JOIN persons p ON p.id_number = s.id_number ORDER BY s.rowid", (enterprise_id, now, now))
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    assert conn.execute("SELECT count(*) FROM employments").fetchone()[0] > WORKERS * 0.99
    conn.close()
    return seconds


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
    elif mode == "floorread":
        seconds = floor_import(db, roster, write=False)
    elif mode == "readcheck":
        enterprise = office(db)
        settled()
        seconds = read_and_check(db, roster, enterprise)
    elif mode == "schemawrite":
        seconds = schema_write(db, roster, office(db))
    elif mode == "barewrite":
        seconds = schema_write(db, roster, office(db), indexes=False)
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
    floor_write = max(median["floor"] - median["floorread"], 0.0)  # two medians: noise could make it negative
    results = [
        record(f"roster import {rows} rows vs python-calamine reading it", median["ours"], floor=median["calamine"],
               goal_ratio=2.0),
        record(f"roster import {rows} rows vs minimal import (calamine + ID check + executemany)", median["ours"],
               floor=median["floor"], goal_ratio=1.3),
        record(f"unchanged re-import {rows} rows vs first import", median["reimport"], floor=median["ours"],
               goal_ratio=0.5),
        record(f"roster import {rows} rows, peak memory", peak["ours"], unit="MB",
               goal_value=300.0 if WORKERS >= 100_000 else None),
        # Apart: what the 1.3x goal leaves for writing (the module's docstring).
        record(f"roster import {rows} rows: reading and checks alone, nothing written, vs minimal import",
               median["readcheck"], floor=median["floor"]),
        record(f"minimal import {rows} rows: its write alone (floor less calamine and the ID check)", floor_write),
        record(f"our schema's write alone, {rows} rows (persons and employments with their indexes;"
               " no seals, undo or audit)", median["schemawrite"], floor=floor_write or None),
        record(f"our schema's write alone, {rows} rows, no index but the keys' (the least any import of ours writes)",
               median["barewrite"], floor=floor_write or None),
    ]
    return 0 if all(r.ok is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
