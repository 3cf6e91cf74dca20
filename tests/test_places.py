"""Portable mode: the marker beside the program keeps the office data beside it."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from desktop import crash, places
from desktop.services.workspace import default_db_path


def _program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> Path:
    """A fake program folder; sys.executable points into it as in the real build."""
    root = tmp_path / "U盘 便携" / "laoxie-0.1.0"
    if layout == "windows":  # laoxie.exe beside python\pythonw.exe
        executable = root / "python" / "pythonw.exe"
    else:  # PyInstaller one-folder bundle: the executable in the folder itself
        executable = root / "laoxie"
    executable.parent.mkdir(parents=True)
    executable.write_bytes(b"")
    monkeypatch.setattr(sys, "executable", str(executable))
    return root


@pytest.mark.parametrize("layout", ["windows", "bundle"])
def test_the_marker_keeps_database_backups_and_logs_beside_the_program(tmp_path, monkeypatch, layout):
    root = _program(tmp_path, monkeypatch, layout)
    (root / places.PORTABLE_MARKER).write_text("便携版", encoding="utf-8")

    assert places.portable_folder() == root.resolve()
    assert default_db_path() == root.resolve() / "data" / "laoxie.sqlite3"
    assert crash.log_dir() == root.resolve() / "data" / "logs"
    assert places.cache_dir() == root.resolve() / "data" / "cache"  # the letter fonts' survey


@pytest.mark.parametrize("layout", ["windows", "bundle"])
def test_without_the_marker_the_data_is_in_the_users_folder(tmp_path, monkeypatch, layout):
    root = _program(tmp_path, monkeypatch, layout)
    (root / "data").mkdir()  # a data folder alone does not make it portable

    assert places.portable_folder() is None
    assert default_db_path() == Path(platformdirs.user_data_dir("laoxie", appauthor=False)) / "laoxie.sqlite3"
    assert crash.log_dir() == Path(platformdirs.user_log_dir("laoxie", appauthor=False))
    assert places.cache_dir() == Path(platformdirs.user_cache_dir("laoxie", appauthor=False))


def test_a_folder_named_like_the_marker_is_not_the_marker(tmp_path, monkeypatch):
    root = _program(tmp_path, monkeypatch, "windows")
    (root / places.PORTABLE_MARKER).mkdir()

    assert places.portable_folder() is None


def test_the_portable_zip_carries_the_marker_the_program_looks_for():
    marker = Path(__file__).resolve().parents[1] / "packaging" / "windows" / places.PORTABLE_MARKER
    assert marker.is_file()
    assert "data" in marker.read_text(encoding="utf-8")
