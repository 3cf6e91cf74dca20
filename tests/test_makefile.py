"""`make run` keeps the demo database a person has worked in; `make demo-reset` rebuilds it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _planned(target: str, tmp_path: Path, *, demo_exists: bool) -> str:
    """The commands `make -n TARGET` would run, with the venv and the demo file faked in tmp."""
    stamp = tmp_path / "stamp"
    stamp.touch()
    demo = tmp_path / "demo.sqlite3"
    if demo_exists:
        demo.write_bytes(b"")
    done = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"DEMO={demo}", f"STAMP={stamp}", "PY=python",
         "LAOXIE_EXTRA_PACKAGES="],
        capture_output=True, text=True, check=True,
    )
    return "\n".join(line for line in done.stdout.splitlines() if "-m desktop" in line)


def test_run_keeps_an_existing_demo_database(tmp_path: Path) -> None:
    planned = _planned("run", tmp_path, demo_exists=True)
    assert " gui" in planned
    assert " demo" not in planned


def test_run_builds_the_demo_database_when_there_is_none(tmp_path: Path) -> None:
    planned = _planned("run", tmp_path, demo_exists=False)
    assert " demo" in planned and "--replace" not in planned


def test_demo_reset_rebuilds_it(tmp_path: Path) -> None:
    planned = _planned("demo-reset", tmp_path, demo_exists=True)
    assert "demo --replace" in planned
