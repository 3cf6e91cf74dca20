"""Issue 15 item 2: no import cost that grows with the office.

The same 100,000-row roster (10,000 at the quick size) is imported into a new
enterprise of a new office and of an office that already holds 500,000
employments (50,000 quick), alternately, each in a fresh child process.  Both
offices have their regular verified backup, as an office in use does; the
import no longer copies the whole office first (desktop/services/roster_undo.py).
Goal: big office <= 1.2x new office.

The big office is built once (five enterprises, each importing a 100,000-row
roster of other people) and kept in the temp folder; each run works on a copy.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_import import PASSWORD, in_child, office, our_import, settled  # noqa: E402
from bench.results import quick, record  # noqa: E402

WORKERS = 10_000 if quick() else 100_000
FILL = 5  # enterprises filling the big office
RUNS = 3
CACHE = Path(tempfile.gettempdir()) / "laoxie-bench"


def roster(seed: int) -> Path:
    path = CACHE / f"roster-{WORKERS}-seed{seed}.xlsx"
    if path.exists():
        return path
    from tests.roster_factory import RosterSpec, build, write_big_xlsx

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.xlsx")
    write_big_xlsx(partial, build(RosterSpec(workers=WORKERS, seed=seed)))
    partial.replace(path)
    return path


def big_office() -> Path:
    path = CACHE / f"office-{FILL * WORKERS}.sqlite3"
    if path.exists():
        return path
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.core.identifiers import uscc_check_char
    from desktop.services.accounts import sign_in
    from desktop.services.enterprises import add_enterprise

    started = time.perf_counter()
    building = path.with_suffix(".part.sqlite3")
    for leftover in CACHE.glob(building.name + "*"):
        leftover.unlink()
    office(building)
    for n in range(FILL):
        with sign_in(building, "clerk", PASSWORD) as ws:
            first17 = f"91222401{n + 1:09d}"
            enterprise = add_enterprise(ws, EnterpriseDraft(
                name=f"填充企业{n}", uscc=first17 + uscc_check_char(first17), county_code="222401",
                industry="industry", staff_total=120_000, revenue_wan=50000.0, assets_wan=90000.0)).id
        our_import(building, roster(100 + n), enterprise)
    conn = sqlite3.connect(building)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = conn.execute("SELECT count(*) FROM employments").fetchone()[0]
    conn.close()
    building.replace(path)
    shutil.rmtree(CACHE / f"{building.stem}-backups", ignore_errors=True)  # the building copy's own backups
    print(f"built {path} ({count:,} employments) in {time.perf_counter() - started:.0f} s")
    return path


def child(kind: str, db: Path, file: Path) -> float:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.accounts import sign_in
    from desktop.services.backups import make_backup
    from desktop.services.enterprises import add_enterprise

    if kind == "new":
        office(db)
    else:
        shutil.copyfile(big_office(), db)
        with sign_in(db, "admin", PASSWORD) as ws:
            make_backup(ws, "manual")  # its regular backup, as in an office in use (not timed)
    with sign_in(db, "clerk", PASSWORD) as ws:
        enterprise = add_enterprise(ws, EnterpriseDraft(
            name="延吉市新来企业有限公司", uscc="91222401000000099A", county_code="222401", industry="industry",
            staff_total=120_000, revenue_wan=50000.0, assets_wan=90000.0)).id
    settled()
    return our_import(db, file, enterprise)


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
        return 0
    file = roster(7)
    big_office()
    times: dict[str, list[float]] = {"new": [], "big": []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(RUNS):
            for kind in times:
                db = Path(folder) / f"{kind}-{n}.sqlite3"
                times[kind].append(float(in_child(__file__, kind, db, file)))
                for made in Path(folder).glob("*"):
                    made.unlink() if made.is_file() else shutil.rmtree(made)
    for kind, values in times.items():
        print(f"{kind:4} median {statistics.median(values):.2f} s  ({', '.join(f'{v:.2f}' for v in values)})")
    result = record(f"roster import {WORKERS:,} rows into an office of {FILL * WORKERS:,} employments vs a new office",
                    statistics.median(times["big"]), floor=statistics.median(times["new"]), goal_ratio=1.2)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
