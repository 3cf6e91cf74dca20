"""Shared fixtures: real SQLite files in tmp_path, set up through the services."""

from __future__ import annotations

import os
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
