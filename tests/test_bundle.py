"""The shipped forms of the program find their data: PyInstaller bundle and wheel.

Fast tests read build_installer.spec and check desktop.resources against a fake
``sys._MEIPASS``.  The slow ones build the real thing (PyInstaller one-folder
bundle, wheel) into tmp_path and run it from a folder that is not the checkout.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import resources
from desktop.resources import DATA_FOLDERS

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build_installer.spec"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
# On Windows laoxie.exe is the windowed build (no stdout); laoxie-cli.exe is the console one.
CLI_NAME = "laoxie-cli" if sys.platform == "win32" else "laoxie"


@pytest.fixture
def fresh_data_root() -> Iterator[None]:
    """data_root() is cached for the life of the process; start and end each test uncached."""
    resources.data_root.cache_clear()
    yield
    resources.data_root.cache_clear()


def spec_assignments() -> dict[str, ast.expr]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    return {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


# -- fast: the spec and the lookup rules ---------------------------------------
def test_spec_carries_every_data_folder_as_a_top_level_folder() -> None:
    folders = ast.literal_eval(spec_assignments()["DATA_FOLDERS"])
    assert sorted(folders) == sorted(DATA_FOLDERS) == ["db", "forms", "resources"]
    text = SPEC.read_text(encoding="utf-8")
    assert "datas.append((str(source), folder))" in text  # each lands as <bundle>/<folder>
    assert "datas=datas" in text


def test_spec_is_one_folder_named_laoxie_with_lazy_imports_and_lean_qt() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert "COLLECT(" in text and 'name="laoxie"' in text  # one folder: dist/laoxie/
    assert 'collect_submodules("desktop")' in text  # desktop.ui.app, desktop.selftest, ...
    assert '_exe("laoxie", console=False), _exe("laoxie-cli", console=True)' in text
    unused = ast.literal_eval(spec_assignments()["QT_UNUSED"])
    assert {"QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtMultimedia"} <= set(unused)
    assert not {"QtCore", "QtGui", "QtWidgets", "QtUiTools", "QtPrintSupport", "QtPdf", "QtSvg"} & set(unused)


def test_data_root_is_meipass_in_a_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          fresh_data_root: None) -> None:
    for folder in DATA_FOLDERS:
        (tmp_path / folder).mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.data_root() == tmp_path
    assert resources.missing_data_folders() == []
    assert resources.resource_path("areas", "jilin.json") == tmp_path / "resources" / "areas" / "jilin.json"
    assert resources.form_path("main_window.ui") == tmp_path / "forms" / "main_window.ui"
    assert resources.migrations_dir() == tmp_path / "db"


def test_a_bundle_missing_a_folder_says_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              fresh_data_root: None) -> None:
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.missing_data_folders() == ["forms", "db"]


def test_data_root_is_the_checkout_when_not_frozen(monkeypatch: pytest.MonkeyPatch,
                                                   fresh_data_root: None) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    if (ROOT / "desktop" / "_data" / "resources").is_dir():
        pytest.skip("desktop/_data exists in this checkout")
    assert resources.data_root() == ROOT
    assert resources.missing_data_folders() == []


def test_windowed_bundle_without_a_command_opens_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop.cli
    from desktop.cli import office

    opened: list[object] = []
    monkeypatch.setattr(office, "cmd_gui", lambda args: opened.append(args.db) or 0)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "stdout", None)  # what Windows gives a console=False executable
    assert desktop.cli.main([]) == 0
    assert opened == [None]


def test_console_bundle_without_a_command_prints_help(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import desktop.cli
    from desktop.cli import office

    monkeypatch.setattr(office, "cmd_gui", lambda args: pytest.fail("console build must not open a window"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert desktop.cli.main([]) == desktop.cli.EXIT_USAGE
    assert "laoxie" in capsys.readouterr().out


# -- the wheel (a couple of seconds: pip builds it with hatchling) -------------
def test_wheel_carries_the_data_folders_inside_the_package(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-build-isolation")  # offline when the backend is already here
    done = subprocess.run([*command, str(ROOT)], capture_output=True, text=True, check=False)
    if done.returncode != 0 and "hatchling" in done.stderr and (
        "No matching distribution" in done.stderr or "Could not find a version" in done.stderr
    ):
        pytest.skip("the build backend (hatchling) is not installed and cannot be downloaded")
    assert done.returncode == 0, done.stderr
    wheel, = tmp_path.glob("laoxie-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        unpacked = tmp_path / "unpacked"
        archive.extractall(unpacked)
    for folder in DATA_FOLDERS:
        assert any(n.startswith(f"desktop/_data/{folder}/") for n in names), folder
        assert not any(n.startswith(f"{folder}/") for n in names), f"{folder}/ outside the package"
    for path in (ROOT / "resources").rglob("*.json"):
        assert f"desktop/_data/{path.relative_to(ROOT).as_posix()}" in names
    for path in [*(ROOT / "forms").glob("*.ui"), *(ROOT / "db").glob("*.sql")]:
        assert f"desktop/_data/{path.relative_to(ROOT).as_posix()}" in names
    # The unpacked wheel resolves its data inside itself (a fresh interpreter, not this checkout).
    probe = "from desktop.resources import data_root, missing_data_folders as m; print(data_root()); print(m())"
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                           env=env, check=True).stdout.splitlines()
    assert found == [str(unpacked / "desktop" / "_data"), "[]"]


# -- slow: the PyInstaller bundle, built once for the module -------------------
@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[bundle]')")
    base = tmp_path_factory.mktemp("bundle")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(base / "dist"), "--workpath", str(base / "work"), str(SPEC)],
        cwd=ROOT, check=True,
    )
    folder = base / "dist" / "laoxie"
    assert (folder / f"laoxie{EXE_SUFFIX}").is_file()
    return folder


def run_bundle(bundle: Path, cwd: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(bundle / f"{CLI_NAME}{EXE_SUFFIX}"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    result: dict[str, object] = json.loads(done.stdout)
    assert result["ok"] is True
    return result


@pytest.mark.slow
def test_bundle_self_test_from_another_folder(bundle: Path, tmp_path: Path) -> None:
    report = run_bundle(bundle, tmp_path, "--self-test", "--json")["self_test"]
    assert isinstance(report, dict)
    assert Path(report["data_root"]).resolve() == (bundle / "_internal").resolve()
    assert report["forms"] == len(list((ROOT / "forms").glob("*.ui")))
    assert report["migrations"] == len(list((ROOT / "db").glob("*.sql")))
    assert str(report["store"]).startswith("ok")


@pytest.mark.slow
def test_bundle_builds_the_demo_from_another_folder(bundle: Path, tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    demo = run_bundle(bundle, tmp_path, "--db", str(db), "demo", "--json")["demo"]
    assert isinstance(demo, dict)
    assert Path(demo["path"]) == db and db.is_file()
    assert demo["enterprises"] > 0 and demo["workers"] > 0


@pytest.mark.slow
def test_bundle_carries_data_folders_and_qt_plugins_but_not_qml(bundle: Path) -> None:
    internal = bundle / "_internal"
    for folder in DATA_FOLDERS:
        assert (internal / folder).is_dir(), folder
    plugins = internal / "PySide6" / "Qt" / "plugins"
    if not plugins.is_dir():
        plugins = internal / "PySide6" / "plugins"  # Windows wheels keep plugins one level up
    names = {p.name for p in plugins.rglob("*") if p.is_file()}
    wanted = {"win32": ["qwindows.dll", "qoffscreen.dll"], "linux": ["libqxcb.so", "libqoffscreen.so"]}
    for name in wanted.get(sys.platform, []):
        assert name in names, name
    assert any("qsvg" in n for n in (p.name for p in (plugins / "imageformats").iterdir()))
    assert not list(internal.rglob("*Qt6Quick*")) and not list(internal.rglob("*Qt6Qml*"))
