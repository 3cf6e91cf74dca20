"""Kill a process at random moments while it writes, then prove nothing was half-done.

A child process signs in and repeats one operation (each in its own
transaction, as the app does it) until it is killed with SIGKILL — the same
as a power cut for the database file, short of the OS cache.  Afterwards the
database must open, pass integrity_check, foreign-key and audit-chain
checks, and hold every operation whole or not at all.

Used by tests/test_crash.py (a few dozen trials) and bench/crash_trials.py
(hundreds).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "crash-test-pw"

CHILD = r'''
import sys, json, itertools
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from tests.crash_harness import OPERATIONS
from desktop.services.accounts import sign_in
db, op = Path(sys.argv[2]), sys.argv[3]
with sign_in(db, "admin", sys.argv[4]) as ws:
    print("ready", flush=True)
    for n in itertools.count():
        OPERATIONS[op].run(ws, n)
'''


@dataclass(frozen=True)
class Operation:
    run: Callable[[object, int], None]
    check: Callable[[Path], list[str]]  # problems found in the database after the kill


def _uscc(n: int) -> str:
    from desktop.core.identifiers import uscc_check_char

    first17 = f"9122240{os.getpid() % 10}{n:09d}"
    return first17 + uscc_check_char(first17)


def _op_enterprise(ws: object, n: int) -> None:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.enterprises import add_enterprise

    add_enterprise(ws, EnterpriseDraft(  # type: ignore[arg-type]
        name=f"崩溃测试企业{os.getpid()}-{n}", uscc=_uscc(n), county_code="222401", industry="other",
        staff_total=20 + n))


def _check_enterprise(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT count(*) FROM enterprises").fetchone()[0]
        logged = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'enterprise.create'").fetchone()[0]
    finally:
        conn.close()
    return [] if rows == logged else [f"{rows} enterprises but {logged} audit entries"]


def _op_roster(ws: object, n: int) -> None:
    """A bulk write of 400 workers in one transaction (the shape of a roster import)."""
    import random as rnd

    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.demo import _add_workers
    from desktop.services.enterprises import add_enterprise

    enterprise = add_enterprise(ws, EnterpriseDraft(  # type: ignore[arg-type]
        name=f"名册企业{os.getpid()}-{n}", uscc=_uscc(n), county_code="222401", industry="other",
        staff_total=500))
    _add_workers(ws, rnd.Random(n * 7919 + os.getpid()), enterprise.id, 400)  # type: ignore[arg-type]


def _check_roster(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT count(*) FROM employments").fetchone()[0]
        logged = sum(json.loads(d)["workers"] for (d,) in conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'roster.demo'"))
    finally:
        conn.close()
    return [] if rows == logged else [f"{rows} employments but the audit log says {logged}"]


def _op_backup(ws: object, n: int) -> None:
    from desktop.services.backups import make_backup

    make_backup(ws, "auto")  # type: ignore[arg-type]
    time.sleep(1.05)  # backups are named to the second


def _check_backup(db: Path) -> list[str]:
    from desktop.store.backup import verify_copy
    from desktop.store.errors import StoreError

    problems = []
    folder = db.parent / f"{db.stem}-backups"
    for path in folder.glob("*.sqlite3") if folder.is_dir() else []:
        try:
            verify_copy(path)
        except StoreError as exc:
            problems.append(f"a file that looks like a backup is not one: {path.name}: {exc}")
    return problems


def _op_restore(ws: object, n: int) -> None:
    from desktop.services.backups import backup_folder, list_backups, restore

    found = list_backups(backup_folder(ws))  # type: ignore[arg-type]
    seed = [b for b in found if b.reason == "manual"]
    restore(ws, seed[-1].path)  # type: ignore[arg-type]
    for b in list_backups(backup_folder(ws)):  # type: ignore[arg-type]
        if b.reason == "before-restore":
            b.path.unlink()


def _check_restore(db: Path) -> list[str]:
    return []  # the common checks (integrity, chain) are the point here


OPERATIONS: dict[str, Operation] = {
    "enterprise": Operation(_op_enterprise, _check_enterprise),
    "roster": Operation(_op_roster, _check_roster),
    "backup": Operation(_op_backup, _check_backup),
    "restore": Operation(_op_restore, _check_restore),
}


def prepare_base(folder: Path) -> Path:
    """An office with one enterprise and a manual backup (the restore trials need one)."""
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.accounts import sign_in
    from desktop.services.backups import make_backup
    from desktop.services.enterprises import add_enterprise
    from desktop.services.offices import initialise_office

    base = folder / "base.sqlite3"
    initialise_office(base, county_code="222401", name="崩溃测试局", letter_prefix="崩测",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(base, "admin", PASSWORD) as ws:
        add_enterprise(ws, EnterpriseDraft(name="基准企业", uscc="91110000600037341L", county_code="222401",
                                           industry="other", staff_total=30))
        make_backup(ws, "manual")
    return base


@dataclass
class TrialResult:
    op: str
    killed_after: float
    problems: list[str] = field(default_factory=list)


def run_trial(base: Path, work: Path, op: str, rng: random.Random) -> TrialResult:
    from desktop.services.dbcheck import check_database
    from desktop.store import Store

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    db = work / "base.sqlite3"
    shutil.copy(base, db)
    shutil.copytree(base.parent / "base-backups", work / "base-backups")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(db), op, PASSWORD],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    delay = rng.uniform(0.0, 0.6)
    with child:
        assert child.stdout is not None and child.stderr is not None
        ready = child.stdout.readline()
        if ready.strip() != b"ready":
            child.kill()
            child.wait()
            err = child.stderr.read().decode("utf-8", "replace")
            return TrialResult(op, 0.0, [f"child did not start: {ready!r} {err[-800:]}"])
        time.sleep(delay)
        if child.poll() is not None:
            err = child.stderr.read().decode("utf-8", "replace")
            return TrialResult(op, delay, [f"child ended by itself: {err[-800:]}"])
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    result = TrialResult(op, delay)
    try:
        with Store.open(db, create=False) as store:
            report = check_database(store)
            result.problems += [f.text() for f in report.findings]
    except Exception as exc:  # noqa: BLE001 - any failure to open is what we are looking for
        result.problems.append(f"database does not open: {exc!r}")
        return result
    result.problems += OPERATIONS[op].check(db)
    return result


def run_trials(count: int, seed: int, folder: Path, ops: list[str] | None = None,
               progress: Callable[[TrialResult], None] | None = None) -> list[TrialResult]:
    rng = random.Random(seed)
    ops = ops or list(OPERATIONS)
    base = prepare_base(folder)
    results = []
    for i in range(count):
        result = run_trial(base, folder / "trial", ops[i % len(ops)], rng)
        results.append(result)
        if progress:
            progress(result)
    return results
