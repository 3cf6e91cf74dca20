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
PASSWORD = "yanji-2026!"  # the same as tests/batches/factory.py, whose helpers set up the base

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

    first17 = f"92222401{os.getpid() % 1000:03d}{n:06d}"  # apart from tests/batches/factory.py's codes
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
    """A roster of 400 workers imported (one transaction), as the demo imports its enterprises' rosters."""
    import datetime
    import random as rnd
    import tempfile

    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.demo import _add_workers
    from desktop.services.enterprises import add_enterprise

    enterprise = add_enterprise(ws, EnterpriseDraft(  # type: ignore[arg-type]
        name=f"名册企业{os.getpid()}-{n}", uscc=_uscc(n), county_code="222401", industry="other",
        staff_total=500))
    with tempfile.TemporaryDirectory() as folder:
        _add_workers(ws, rnd.Random(n * 7919 + os.getpid()), enterprise.id, 400,  # type: ignore[arg-type]
                     datetime.date.today(), Path(folder))


def _check_roster(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT count(*) FROM employments WHERE enterprise_id IN"
            " (SELECT id FROM enterprises WHERE name LIKE '名册企业%')").fetchone()[0]
        logged = sum(json.loads(d)["counts"]["new"] for (d,) in conn.execute(
            "SELECT detail FROM audit_log WHERE action = 'roster.import'"))
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


SAMPLE_ROSTER = ROOT / "tests" / "data" / "roster_clean.xlsx"


def _op_import(ws: object, n: int) -> None:
    """The real roster import: preview, then commit (with its backup) into a new enterprise."""
    import datetime

    from desktop.core.enterprise import EnterpriseDraft
    from desktop.services.enterprises import add_enterprise
    from desktop.services.roster_commit import commit_import
    from desktop.services.rosters import prepare_import

    enterprise = add_enterprise(ws, EnterpriseDraft(  # type: ignore[arg-type]
        name=f"导入企业{os.getpid()}-{n}", uscc=_uscc(n), county_code="222401", industry="other",
        staff_total=200))
    preview = prepare_import(ws, enterprise.id, SAMPLE_ROSTER, today=datetime.date(2026, 11, 1))  # type: ignore[arg-type]
    commit_import(ws, preview)  # type: ignore[arg-type]


def _check_import(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        imports = conn.execute("SELECT enterprise_id, counts FROM roster_imports").fetchall()
        logged = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'roster.import'").fetchone()[0]
        problems = [] if len(imports) == logged else [f"{len(imports)} imports but {logged} audit entries"]
        for enterprise_id, counts in imports:
            rows = conn.execute("SELECT count(*) FROM employments WHERE enterprise_id = ?",
                                (enterprise_id,)).fetchone()[0]
            if rows != json.loads(counts)["new"]:
                problems.append(f"enterprise {enterprise_id}: {rows} workers, the import recorded {counts}")
        orphans = conn.execute(
            "SELECT count(DISTINCT m.enterprise_id) FROM employments m WHERE m.roster_import_id IS NULL"
            " AND m.enterprise_id IN (SELECT id FROM enterprises WHERE name LIKE '导入企业%')").fetchone()[0]
        if orphans:
            problems.append(f"{orphans} enterprises hold workers without their import record")
    finally:
        conn.close()
    return problems


def _op_approval(ws: object, n: int) -> None:
    """The approver (admin here; the clerk submitted) approves the next submitted case."""
    from desktop.services import reviews

    row = ws.store.conn.execute(  # type: ignore[attr-defined]
        "SELECT min(id) FROM applications WHERE status = 'submitted'").fetchone()
    if row[0] is None:
        time.sleep(10)  # nothing left: wait to be killed
        return
    reviews.approve(ws, int(row[0]))  # type: ignore[arg-type]


def _check_approval(db: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        approved = conn.execute("SELECT count(*) FROM applications WHERE status = 'approved'").fetchone()[0]
        incomplete = conn.execute(
            "SELECT count(*) FROM applications WHERE status = 'approved'"
            " AND (approved_by IS NULL OR approved_decision_id IS NULL OR approved_at IS NULL)").fetchone()[0]
        logged = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'review.approve'").fetchone()[0]
    finally:
        conn.close()
    problems = [] if approved == logged else [f"{approved} approved but {logged} audit entries"]
    return problems + ([f"{incomplete} approvals half recorded"] if incomplete else [])


def _op_export(ws: object, n: int) -> None:
    """A signed, encrypted batch written to the 'stick' (.part, read back, renamed), then recorded."""
    from desktop.services.batch_export import export_batch
    from tests.batches.factory import PASSPHRASE, letters_with_fake_pdfs

    stick = ws.store.path.parent / "stick"  # type: ignore[attr-defined]
    export_batch(ws, stick, PASSPHRASE, include_unreceived=True, letters=letters_with_fake_pdfs)  # type: ignore[arg-type]


def _check_export(db: Path) -> list[str]:
    import hashlib
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        recorded = {r[0] for r in conn.execute(
            "SELECT file_sha256 FROM batches WHERE direction = 'outgoing'")}
    finally:
        conn.close()
    problems = []
    for path in sorted((db.parent / "stick").iterdir()):
        if path.name.endswith(".part"):
            continue  # never looks complete: the next export or the clerk removes it
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in recorded:
            problems.append(f"{path.name} on the stick looks complete but is not a recorded batch")
    return problems


OPERATIONS: dict[str, Operation] = {
    "enterprise": Operation(_op_enterprise, _check_enterprise),
    "roster": Operation(_op_roster, _check_roster),
    "import": Operation(_op_import, _check_import),
    "approval": Operation(_op_approval, _check_approval),
    "backup": Operation(_op_backup, _check_backup),
    "export": Operation(_op_export, _check_export),
    "restore": Operation(_op_restore, _check_restore),
}


def prepare_base(folder: Path) -> Path:
    """A county office with: an enterprise and a manual backup (for restores), cases the clerk
    has submitted (for approvals), approved cases with letters and keys exchanged with a
    province (for exports), and an empty 'stick' folder."""
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.core.office import Role
    from desktop.services import reviews
    from desktop.services.accounts import add_user, sign_in
    from desktop.services.backups import make_backup
    from desktop.services.enterprises import add_enterprise
    from desktop.services.offices import initialise_office
    from tests.batches import factory

    base = folder / "base" / "base.sqlite3"
    base.parent.mkdir(parents=True)
    (base.parent / "stick").mkdir()
    initialise_office(base, county_code="222401", name="崩溃测试局", letter_prefix="崩测",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(base, "admin", PASSWORD) as ws:
        add_user(ws, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
        add_user(ws, "approver", Role.APPROVER, PASSWORD, "朴科长", temporary=False)
        add_enterprise(ws, EnterpriseDraft(name="基准企业", uscc="91110000600037341L", county_code="222401",
                                           industry="other", staff_total=30))
        make_backup(ws, "manual")
    rng = random.Random(5)
    with sign_in(base, "clerk", PASSWORD) as ws:
        factory.approved_applications(ws, 3, 12)  # letters numbered 1-3, approved by "approver"
        for e in range(200, 240):
            factory.enterprise_with_roster(ws, e, 12, rng)
            case = reviews.new_application(ws, factory.uscc(e, ws.office.code), amount_wan=300.0)
            reviews.submit(ws, case.id, evidence=("contracts", "wages"), review_date=factory.REVIEW)
    province = folder / "province" / "province.sqlite3"
    province.parent.mkdir(parents=True)
    factory.province_db(province)
    factory.exchange_keys(base, province, folder, county_key="county", province_key="province")
    return base


SIDE_BY_SIDE = "side-by-side"  # a window and a command writing at once: tests/crash_side_by_side.py
ALL_OPS = [*OPERATIONS, SIDE_BY_SIDE]

SLOW_OPS = {"import": 1.5, "approval": 1.0, "export": 1.5}  # kill windows long enough to land inside them


@dataclass
class TrialResult:
    op: str
    killed_after: float
    problems: list[str] = field(default_factory=list)


def run_trial(base: Path, work: Path, op: str, rng: random.Random) -> TrialResult:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(base.parent, work)
    db = work / base.name
    if op == SIDE_BY_SIDE:
        from tests.crash_side_by_side import run_side_by_side

        delay, problems = run_side_by_side(ROOT, db, PASSWORD, rng)
        return _common_checks(db, TrialResult(op, delay, problems))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ROOT), str(db), op, PASSWORD],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    delay = rng.uniform(0.0, SLOW_OPS.get(op, 0.6))
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
    result = _common_checks(db, TrialResult(op, delay))
    if not any(p.startswith("database does not open") for p in result.problems):
        result.problems += OPERATIONS[op].check(db)
    return result


def _common_checks(db: Path, result: TrialResult) -> TrialResult:
    """The file opens and passes 检查数据库 (integrity, foreign keys, audit chain, invariants)."""
    from desktop.services.dbcheck import check_database
    from desktop.store import Store

    try:
        with Store.open(db, create=False) as store:
            report = check_database(store)
            result.problems += [f.text() for f in report.findings]
    except Exception as exc:  # noqa: BLE001 - any failure to open is what we are looking for
        result.problems.append(f"database does not open: {exc!r}")
    return result


def run_trials(count: int, seed: int, folder: Path, ops: list[str] | None = None,
               progress: Callable[[TrialResult], None] | None = None) -> list[TrialResult]:
    rng = random.Random(seed)
    ops = ops or ALL_OPS
    base = prepare_base(folder)
    results = []
    for i in range(count):
        result = run_trial(base, folder / "trial", ops[i % len(ops)], rng)  # a schedule: the ops in turn
        results.append(result)
        if progress:
            progress(result)
    return results
