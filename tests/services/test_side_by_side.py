"""A window and commands on the same file at the same time never lose data (issue 11, item 1).

The window is one process with two SQLite connections (its GUI thread's and
its database worker's, which opens a fresh one for each task).  The clerk runs
`laoxie …` commands in another process meanwhile.  Before the fix, every new
connection in the window's process sniffed the file's header with Python's own
open(); closing that handle dropped all of the process's POSIX locks on the
file, so the command believed it was alone, checkpointed and deleted the WAL
under the window, and the window's next writes went to a deleted file: "disk
I/O error", lost rows, and in the end a malformed file.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop.core.enterprise import EnterpriseDraft
from desktop.core.identifiers import uscc_check_char
from desktop.services.accounts import sign_in
from desktop.services.dbcheck import check_database
from desktop.services.enterprises import add_enterprise
from desktop.store import Store
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _uscc(n: int) -> str:
    first17 = f"92222401777{n:06d}"
    return first17 + uscc_check_char(first17)


def _command(db: Path, *args: str) -> None:
    """A real `laoxie` command in its own process, as the clerk runs it beside the window."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LAOXIE_PASSWORD": PASSWORD,
           "LAOXIE_KEY_PASSPHRASE": "side-by-side-1"}
    done = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db), "--user", "admin", *args],
                          capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")


def _window_task(db: Path, name: str, n: int) -> None:
    """What the window's database worker does for one task: a connection of its own, a write, closed."""
    with sign_in(db, "admin", PASSWORD) as worker:
        add_enterprise(worker, EnterpriseDraft(name=name, uscc=_uscc(n), county_code="222401",
                                               industry="other", staff_total=30))


def test_a_window_and_commands_side_by_side_lose_nothing(office_db: Path) -> None:
    gui = sign_in(office_db, "admin", PASSWORD)  # the window's GUI-thread connection
    expected = []
    try:
        worker = sign_in(office_db, "admin", PASSWORD)  # its worker's, open at the same time
        worker.close()
        _command(office_db, "keys", "create")  # what the window tells the clerk to run
        assert Path(f"{office_db}-wal").exists(), "the command deleted the WAL under the open window"
        for n in range(1, 3):
            add_enterprise(gui, EnterpriseDraft(name=f"窗口企业{n}", uscc=_uscc(n), county_code="222401",
                                                industry="other", staff_total=30))
            _window_task(office_db, f"后台企业{n}", 100 + n)
            _command(office_db, "enterprise", "add", "--name", f"命令企业{n}", "--uscc", _uscc(200 + n),
                     "--county", "222401", "--industry", "other", "--staff", "20")
            expected += [f"窗口企业{n}", f"后台企业{n}", f"命令企业{n}"]
        # the window sees what the commands wrote, at once
        seen = {r[0] for r in gui.store.conn.execute("SELECT name FROM enterprises")}
        assert seen == set(expected)
    finally:
        gui.close()
    raw = sqlite3.connect(office_db)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = {r[0] for r in raw.execute("SELECT name FROM enterprises")}
        keys = raw.execute("SELECT count(*) FROM own_keys").fetchone()[0]
    finally:
        raw.close()
    assert names == set(expected) and keys == 1
    with Store.open(office_db, create=False) as store:
        assert check_database(store).findings == []


_WATCHED: list[Path] = []  # the live files the audit hook watches (empty: it looks at nothing)
_OPENED: list[str] = []


def _watch_opens(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _WATCHED and isinstance(args[0], (str, os.PathLike)):
        if any(os.path.abspath(args[0]) == str(p) for p in _WATCHED):
            _OPENED.append(os.fspath(args[0]))


sys.addaudithook(_watch_opens)  # stays for the process's life; costs nothing while _WATCHED is empty


def test_nothing_but_sqlite_opens_the_live_file(office_db: Path, tmp_path: Path) -> None:
    """Python's open() on the database, its -wal or -shm, anywhere in the window's usual work, is
    the bug above waiting to happen: SQLite's own opens are not Python's and are not seen here."""
    from desktop.services import backups

    second = tmp_path / "stick"
    second.mkdir()
    _WATCHED[:] = [office_db.resolve(), Path(f"{office_db.resolve()}-wal"), Path(f"{office_db.resolve()}-shm")]
    try:
        with sign_in(office_db, "admin", PASSWORD) as gui, sign_in(office_db, "admin", PASSWORD) as worker:
            backups.set_folders(worker, folder=None, second=second)
            add_enterprise(worker, EnterpriseDraft(name="甲公司", uscc=_uscc(1), county_code="222401",
                                                   industry="other", staff_total=30))
            made = backups.make_backup(gui, "manual")
            assert check_database(worker.store).findings == []
            backups.restore(gui, made.path)
            backups.backup_due(gui)
    finally:
        _WATCHED.clear()
    assert _OPENED == []

