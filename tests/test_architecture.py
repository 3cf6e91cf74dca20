"""The doors between the rooms are one-way (DEVELOPERS.md, STYLE.md 1)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = ROOT / "desktop"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def offenders(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    for path in sorted((DESKTOP / folder).rglob("*.py")):
        hits = sorted(m for m in imported_modules(path) if m.split(".")[0] in forbidden or m in forbidden
                      or any(m.startswith(f + ".") for f in forbidden))
        if hits:
            bad[str(path.relative_to(ROOT))] = hits
    return bad


def test_core_imports_neither_qt_nor_sql_nor_outer_rooms() -> None:
    forbidden = ("PySide6", "shiboken6", "sqlite3", "sqlite_utils", "desktop.store", "desktop.ui",
                 "desktop.services", "desktop.cli", "openpyxl", "python_calamine", "reportlab", "pyrage")
    assert offenders("core", forbidden) == {}


def test_only_the_store_speaks_sql() -> None:
    for room in ("ui", "services", "core"):
        assert offenders(room, ("sqlite3", "sqlite_utils")) == {}, room


def test_services_do_not_import_qt() -> None:
    assert offenders("services", ("PySide6", "shiboken6", "desktop.ui")) == {}


def test_store_does_not_import_qt() -> None:
    assert offenders("store", ("PySide6", "shiboken6", "desktop.ui", "desktop.services")) == {}


def test_import_linter_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.fail("lint-imports is not installed: install the test extra (pip install -e '.[test]')")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
