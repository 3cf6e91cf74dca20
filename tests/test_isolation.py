"""The tests' own logs and data stay in pytest's tmp folder, never in the real home folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop import crash, places

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="conftest moves the XDG folders, which platformdirs reads on Linux")


@pytest.fixture(scope="module")
def seen_early() -> tuple[Path, Path, Path]:
    """The folders as a module-scoped fixture sees them (set up before any test's own fixtures)."""
    return places.log_dir(), places.data_dir(), places.cache_dir()


def test_fixtures_of_every_scope_and_the_log_are_in_tmp(seen_early: tuple[Path, Path, Path],
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    base = tmp_path_factory.getbasetemp().resolve()
    log = crash.setup_logging()  # once a process: where every in-process CLI run of the session logs
    assert log is not None
    for folder in (*seen_early, places.log_dir(), places.data_dir(), places.cache_dir(), log):
        assert folder.resolve().is_relative_to(base), folder
