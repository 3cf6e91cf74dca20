"""Shared fixtures: real SQLite files in tmp_path, set up through the services."""

from __future__ import annotations

import gc
import os
import sqlite3
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The machine that runs CI is shared and often loaded: Hypothesis's timing checks (the per-example deadline,
# "input generation is slow") then fail tests whose rules are right.  The properties are checked by their
# examples, not by how fast they come; each test's own @settings still sets its number of examples.
settings.register_profile("laoxie", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("laoxie")

DATA = Path(__file__).resolve().parent / "data"  # the sample rosters and expected.json, kept in the repository


def _home_in(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user folders (platformdirs: data, laoxie.log and crash reports, settings) under ``home``."""
    for name, folder in (("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"),
                         ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(name, str(home / folder))


class _TrackedConnection(sqlite3.Connection):
    """A connection that remembers where it was opened and says so if it is dropped unclosed.

    Python 3.13 (the Windows build's) warns of a sqlite3 connection left to the garbage collector,
    and on Windows such a connection keeps its file open (a file that cannot then be moved or
    deleted) until the collector runs.  This interpreter (3.11) does not warn, so the tests track it
    themselves (`pytest_sessionfinish` below)."""

    _closed = True  # until it opens: a connect() that raises leaves nothing open

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._opened_at = [f for f in traceback.extract_stack(limit=12)[:-2]
                           if f.filename.startswith(_REPO) and "site-packages" not in f.filename]
        self._closed = False

    def close(self) -> None:
        self._closed = True
        super().close()

    def __del__(self) -> None:
        if not self._closed:
            UNCLOSED.append("".join(traceback.format_list(self._opened_at)))


UNCLOSED: list[str] = []  # where each connection dropped unclosed was opened
_REPO = str(Path(__file__).resolve().parents[1])
_connect = sqlite3.connect


def _tracked_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
    kwargs.setdefault("factory", _TrackedConnection)
    return _connect(*args, **kwargs)


sqlite3.connect = _tracked_connect  # type: ignore[assignment]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails when any connection was dropped unclosed, naming where each was opened.  Checked
    once at the end, after a full collection: most such connections sit in a reference cycle (a
    cursor and its connection) and are freed whenever the collector runs, in whichever test."""
    gc.collect()
    if UNCLOSED:
        places = list(dict.fromkeys(UNCLOSED))
        UNCLOSED.clear()
        say = session.config.pluginmanager.get_plugin("terminalreporter")
        text = (f"{len(places)} place(s) opened a sqlite3 connection that was dropped without close():\n"
                + "\n".join(places))
        if say is not None:
            say.write_sep("=", "unclosed sqlite3 connections", red=True)
            say.write_line(text)
        else:
            print(text, flush=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _isolated_session_dirs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Module- and session-scoped fixtures (set up before a test's own) and what they start stay out of
    the real home too: the process-wide log (setup_logging, once a process) always lands in tmp."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _home_in(tmp_path_factory.mktemp("session-home"), monkeypatch)
        yield


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep user data and logs of the code under test out of the real home, a fresh one for each test."""
    _home_in(tmp_path_factory.mktemp("home"), monkeypatch)


@pytest.fixture(autouse=True)
def _quick_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt at full cost takes ~0.1 s a hash; tests use a small cost unless marked real_scrypt."""
    if "real_scrypt" not in request.keywords:
        monkeypatch.setattr("desktop.core.passwords.N", 2**8)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "office.sqlite3"


PASSWORD = "yanji-2026!"  # every test user's password


@pytest.fixture
def office_db(db_path: Path) -> Path:
    """An initialised office with users admin, clerk and approver (all PASSWORD)."""
    from desktop.core.office import Role
    from desktop.services.accounts import add_user, sign_in
    from desktop.services.offices import initialise_office

    initialise_office(db_path, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确",
                      admin_username="admin", admin_password=PASSWORD)
    with sign_in(db_path, "admin", PASSWORD) as ws:
        add_user(ws, "clerk", Role.CLERK, PASSWORD, "金经办", temporary=False)
        add_user(ws, "approver", Role.APPROVER, PASSWORD, "朴科长", temporary=False)
    return db_path


def _signed_in(path: Path, user: str) -> Iterator[Any]:
    from desktop.services.accounts import sign_in

    ws = sign_in(path, user, PASSWORD)
    yield ws
    ws.close()


@pytest.fixture
def workspace(office_db: Path) -> Iterator[Any]:
    """Signed in as the clerk (经办人)."""
    yield from _signed_in(office_db, "clerk")


@pytest.fixture
def admin_ws(office_db: Path) -> Iterator[Any]:
    yield from _signed_in(office_db, "admin")


@pytest.fixture
def approver_ws(office_db: Path) -> Iterator[Any]:
    yield from _signed_in(office_db, "approver")


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line signs in as the clerk with PASSWORD from the environment."""
    monkeypatch.setenv("LAOXIE_PASSWORD", PASSWORD)
    monkeypatch.setenv("LAOXIE_USER", "clerk")
