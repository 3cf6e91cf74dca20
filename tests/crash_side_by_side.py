"""The crash trial "window and command side by side" (issue 11).

Two processes write the same file at once, as a clerk does with the window
open and a `laoxie` command in a terminal:

* the *window*: one process holding its GUI connection for its whole life and
  opening a worker connection for each task (`desktop/ui/tasks.py` `opener`),
  writing through both in turn;
* the *command*: another process that signs in, writes and closes again and
  again (each round is one command: its close is when SQLite checkpoints and,
  when it believes it is alone, deletes the WAL).

Both are killed with SIGKILL at random moments, in random order.  Afterwards
the file must pass the common checks (opens, integrity, foreign keys, audit
chain), hold every enterprise either process reported as saved, and hold each
with its audit entry.  The data-loss bug of issue 11 (Python's open() on the
live file dropping the window's locks) fails this trial: the command deletes
the WAL under the window, and the window's saved rows vanish.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

WINDOW = r'''
import sys, itertools, random
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from desktop.core.enterprise import EnterpriseDraft
from desktop.services.accounts import sign_in
from desktop.services.enterprises import add_enterprise
from desktop.services.workspace import Workspace
from tests.crash_side_by_side import draft
db = Path(sys.argv[2])
gui = sign_in(db, "admin", sys.argv[3])           # the GUI thread's connection, open throughout
print("ready", flush=True)
rng = random.Random()
for n in itertools.count():
    name = f"窗口企业-{n}"
    if n % 2:
        add_enterprise(gui, draft(name, 100000 + n))
    else:
        with Workspace.open(db, gui.actor) as worker:  # the database worker's, one per task
            add_enterprise(worker, draft(name, 100000 + n))
    gui.store.conn.execute("SELECT count(*) FROM enterprises").fetchone()  # the page refreshes
    print("saved", name, flush=True)
    if rng.random() < 0.3:
        import time; time.sleep(rng.uniform(0.0, 0.05))
'''

COMMAND = r'''
import sys, itertools
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from desktop.services.accounts import sign_in
from desktop.services.enterprises import add_enterprise
from tests.crash_side_by_side import draft
db = Path(sys.argv[2])
print("ready", flush=True)
for n in itertools.count():
    name = f"命令企业-{n}"
    with sign_in(db, "admin", sys.argv[3]) as ws:     # `laoxie --user admin enterprise add …`
        add_enterprise(ws, draft(name, 500000 + n))
    print("saved", name, flush=True)
'''


def draft(name: str, n: int) -> object:
    from desktop.core.enterprise import EnterpriseDraft
    from desktop.core.identifiers import uscc_check_char

    first17 = f"93222401{n:09d}"  # apart from the other trials' and the base's codes
    return EnterpriseDraft(name=name, uscc=first17 + uscc_check_char(first17), county_code="222401",
                           industry="other", staff_total=25)


def _start(script: str, root: Path, db: Path, password: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", script, str(root), str(db), password],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(root)})


def run_side_by_side(root: Path, db: Path, password: str, rng: random.Random) -> tuple[float, list[str]]:
    """Run the two processes, kill both at random moments; (seconds before the first kill, problems)."""
    children = {"window": _start(WINDOW, root, db, password), "command": _start(COMMAND, root, db, password)}
    problems: list[str] = []
    saved: set[str] = set()
    delay = rng.uniform(0.2, 2.5)
    try:
        for who, child in children.items():
            assert child.stdout is not None
            if child.stdout.readline().strip() != b"ready":
                problems.append(f"{who} did not start")
        if not problems:
            time.sleep(delay)
            order = list(children)
            rng.shuffle(order)
            for who in order:
                if children[who].poll() is not None:
                    problems.append(f"{who} ended by itself")
                children[who].kill()  # SIGKILL
                time.sleep(rng.uniform(0.0, 0.4))  # the other goes on alone for a moment
    finally:
        for who, child in children.items():
            if child.poll() is None:
                child.kill()
            out, err = child.communicate()
            saved |= {line.split(" ", 1)[1] for line in out.decode("utf-8").splitlines() if line.startswith("saved ")}
            if child.returncode != -signal.SIGKILL:
                problems.append(f"{who}: {err.decode('utf-8', 'replace')[-800:]}")
    return delay, problems + _check(db, saved)


def _check(db: Path, saved: set[str]) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM enterprises")}
        logged = {r[0] for r in conn.execute(
            "SELECT json_extract(detail, '$.name') FROM audit_log WHERE action = 'enterprise.create'")}
    except sqlite3.DatabaseError as exc:
        return [f"cannot read the enterprises: {exc}"]
    finally:
        conn.close()
    problems = []
    lost = sorted(saved - names)
    if lost:
        problems.append(f"{len(lost)} of {len(saved)} saved enterprises lost, e.g. {lost[:3]}")
    ours = {n for n in names if n.startswith(("窗口企业-", "命令企业-"))}
    if ours - logged:
        problems.append(f"{len(ours - logged)} enterprises without their audit entry")
    return problems
