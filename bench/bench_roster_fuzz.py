"""Target (issue 11): at least 2,000 mutated roster files imported through the real service path
(``prepare_import``, then ``commit_import`` when it reads): 0 tracebacks, 0 hangs.

Each file is made from a seed by tests/roster_mutations.py (byte flips and cuts of an .xlsx,
ZIP parts replaced, sheet XML with extreme values such as a date cell of -1e12, giant cells,
weird dates, formulas, CSV in a dozen encodings and shapes, random bytes). Worker processes
import them into an office file of their own; a file that takes longer than the timeout is a
hang (its worker is killed and a new one takes over). A file that cannot be imported must be
refused with a RosterError (Chinese message) and write nothing.

    python bench/bench_roster_fuzz.py [COUNT] [--timeout S] [--workers N]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import quick, record  # noqa: E402

PASSWORD = "yanji-2026!"


def _office(folder: Path) -> tuple[Any, int]:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.core.office import Role
    from desktop.services.accounts import add_user, sign_in
    from desktop.services.enterprises import add_enterprise
    from desktop.services.offices import initialise_office

    path = folder / "office.sqlite3"
    initialise_office(path, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(path, "admin", PASSWORD) as ws:
        add_user(ws, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
    ws = sign_in(path, "clerk", PASSWORD)
    enterprise = add_enterprise(ws, EnterpriseDraft(
        name="延吉市甲食品有限公司", uscc="91110000600037341L", county_code="222401", industry="other", staff_total=40,
    ))
    return ws, enterprise.id


def _import(ws: Any, enterprise_id: int, path: Path) -> tuple[str, str]:
    """("imported" | "refused", detail) or ("traceback", the traceback)."""
    import datetime

    from desktop.core.roster import RosterError
    from desktop.services import roster_commit
    from desktop.services import rosters as svc

    before, head = ws.store.table_counts(), ws.store.audit_chain_head()
    try:
        preview = svc.prepare_import(ws, enterprise_id, path, today=datetime.date(2026, 11, 24))
    except RosterError as exc:
        if ws.store.table_counts() != before or ws.store.audit_chain_head() != head:
            return "traceback", f"refused ({exc.code}) but something was written"
        if not exc.code.startswith("roster_") or not str(exc):
            return "traceback", f"a refusal without its message: {exc.code}"
        return "refused", exc.code
    except BaseException as exc:  # noqa: BLE001 - what the bench counts
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "traceback", "".join(traceback.format_exception(exc))[-1500:]
    try:
        for record in preview.problem_records():
            if not record["message"]:
                return "traceback", "a problem without a message"
        if preview.counts["rows"]:
            roster_commit.commit_import(ws, preview)
        else:
            preview.close()
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "traceback", "".join(traceback.format_exception(exc))[-1500:]
    return "imported", str(preview.counts.get("rows", 0))


def _worker(tasks: Any, results: Any) -> None:
    from tests.roster_mutations import mutant

    folder = Path(tempfile.mkdtemp(prefix="laoxie-fuzz-"))
    ws, enterprise_id = _office(folder)
    results.put(("ready", None, None, None))
    while True:
        seed = tasks.get()
        if seed is None:
            break
        made = mutant(seed)
        path = folder / f"m{seed}{made.suffix}"
        path.write_bytes(made.data)
        started = time.perf_counter()
        status, detail = _import(ws, enterprise_id, path)
        path.unlink()
        results.put((seed, made.kind, status, (detail, time.perf_counter() - started)))
    ws.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=200 if quick() else 2000)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--first", type=int, default=0)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    seeds = list(range(args.first, args.first + args.count))
    pending = list(reversed(seeds))
    by_kind: Counter[tuple[str, str]] = Counter()
    refusals: Counter[str] = Counter()
    failures: list[str] = []
    hangs: list[int] = []
    slowest: list[tuple[float, int, str]] = []
    started = time.perf_counter()

    class Slot:
        def __init__(self) -> None:
            self.tasks: Any = ctx.Queue()
            self.results: Any = ctx.Queue()
            self.process = ctx.Process(target=_worker, args=(self.tasks, self.results), daemon=True)
            self.process.start()
            self.results.get(timeout=120)  # ready
            self.seed: int | None = None
            self.since = 0.0

        def give(self) -> bool:
            if not pending:
                self.tasks.put(None)
                return False
            self.seed = pending.pop()
            self.since = time.perf_counter()
            self.tasks.put(self.seed)
            return True

    slots = [Slot() for _ in range(args.workers)]
    active = [s for s in slots if s.give()]
    done = 0
    while active:
        for slot in list(active):
            try:
                seed, kind, status, (detail, seconds) = slot.results.get(timeout=0.05)
            except Exception:  # noqa: BLE001 - queue.Empty: still working
                if time.perf_counter() - slot.since > args.timeout:
                    assert slot.seed is not None
                    hangs.append(slot.seed)
                    slot.process.kill()
                    active.remove(slot)
                    fresh = Slot()
                    if fresh.give():
                        active.append(fresh)
                continue
            done += 1
            by_kind[(kind, status)] += 1
            if status == "refused":
                refusals[detail] += 1
            slowest.append((seconds, seed, kind))
            if status == "traceback":
                failures.append(f"seed {seed} ({kind}): {detail}")
            if done % 200 == 0:
                print(f"  {done} files, {time.perf_counter() - started:.0f} s", flush=True)
            if not slot.give():
                active.remove(slot)
    elapsed = time.perf_counter() - started
    kinds = sorted({k for k, _ in by_kind})
    print(f"{len(seeds)} mutated roster files through prepare_import/commit_import in {elapsed:.0f} s"
          f" ({args.workers} workers, timeout {args.timeout:.0f} s a file)")
    print(f"  {'kind':<14} {'imported':>9} {'refused':>8} {'traceback':>10}")
    for kind in kinds:
        print(f"  {kind:<14} {by_kind[(kind, 'imported')]:>9} {by_kind[(kind, 'refused')]:>8}"
              f" {by_kind[(kind, 'traceback')]:>10}")
    print("refused, by message: " + ", ".join(f"{code} {n}" for code, n in refusals.most_common()))
    slowest.sort(reverse=True)
    print("slowest: " + ", ".join(f"seed {s} ({k}) {t:.1f} s" for t, s, k in slowest[:3]))
    print(f"tracebacks: {len(failures)}; hangs (> {args.timeout:.0f} s): {len(hangs)} {hangs[:10]}")
    for failure in failures[:10]:
        print("  " + failure.replace("\n", "\n    "))
    ok = not failures and not hangs and done + len(hangs) == len(seeds)
    record(f"roster fuzz: {len(seeds)} mutated files, tracebacks and hangs",
           float(len(failures) + len(seeds) - done), unit="files", goal_value=0)
    print(f"target (0 tracebacks, 0 hangs): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
