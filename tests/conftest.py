"""Shared fixtures: real SQLite files in tmp_path, set up through the services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep user data and logs of the code under test out of the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "office.sqlite3"


@pytest.fixture
def office_db(db_path: Path) -> Path:
    from desktop.services.offices import initialise_office

    initialise_office(db_path, county_code="222401", name="延吉市就业服务局", letter_prefix="延吉人社劳协确")
    return db_path


@pytest.fixture
def workspace(office_db: Path) -> Iterator[object]:
    from desktop.services.workspace import Workspace

    ws = Workspace.open(office_db)
    yield ws
    ws.close()
