"""Install the Windows build under Wine and use it as a clerk would (`make windows-test`).

    python packaging/windows/wine_test.py [--skip-suite | --suite core]

In a fresh Wine prefix (build/windows/wine-prefix):

1. the installer, silent (/S), per user: files, Start-menu and desktop
   shortcuts, the uninstall entry in HKCU;
2. `laoxie-cli --self-test`;
3. a command-line round trip on the default database (%LOCALAPPDATA%\\laoxie):
   demo, a new enterprise, a sample roster imported (tests/data) from a folder
   with Chinese characters and a space, the same roster refused with a clear
   message while another program holds it open (as Excel may), check,
   application, review, approval, a letter issued as PDF; and `init` plus
   `db check` on a database in a path longer than 260 characters;
4. the window: `laoxie-cli gui` signs in, paints once and quits (start-up
   time), and packaging/windows/wine/window_smoke.py saves a screenshot;
5. the test suite without Qt (-m "not gui and not slow") on the Windows Python;
6. the uninstaller, silent: the program and its shortcuts are gone, the
   office data is still there;
7. the portable zip unpacked in a folder with Chinese characters and spaces:
   its data stays beside it.

What this prefix adds to Wine 8, and why, is said where it is done (a CJK font
like a Chinese Windows has, bcryptprimitives.dll).  Wine's console programs
break when stdin or stdout is a file (WinError 6), so both are pipes here; and
Wine's console does not always deliver what a program printed to that pipe
(seen: a CLI call that printed its message came back empty).  So no check reads
the console: every laoxie-cli call writes its result with `--output FILE`, the
helper scripts write files, the test suite writes a JUnit XML file and a log,
and the registry is read with `reg export` into a file.  The console text is
kept only to show when something fails.  Nothing is retried: a step that fails
fails the run, named, with what the program wrote.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
import zipfile
from xml.etree import ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BUILD = ROOT / "build" / "windows"
PREFIX = BUILD / "wine-prefix"
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian's fonts-wqy-zenhei
SAMPLE_ROSTER = ROOT / "tests" / "data" / "roster_clean.xlsx"
PASSWORD = "laoxie-demo"
USCC = "91222401MA17YJ6X21"  # a valid code (check digit 1) no demo enterprise has

ENV = {
    **os.environ,
    "WINEPREFIX": str(PREFIX),
    "WINEDEBUG": "-all",
    "WINEDLLOVERRIDES": "mscoree,mshtml=",  # no Mono/Gecko download prompts
    "LAOXIE_PASSWORD": PASSWORD,
}
ENV.pop("DISPLAY", None)  # nothing here needs a display: Qt runs offscreen
ENV.pop("WAYLAND_DISPLAY", None)

timings: dict[str, float] = {}
OUT = BUILD / "wine-out"  # what each program wrote (--output files, the probes, the suite's log)
_serial = itertools.count(1)


class Failed(Exception):
    pass


def out_file(what: str) -> Path:
    """A fresh file for one program's result, numbered in the order the steps ran."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", what).strip("-")[:40] or "out"
    path = OUT / f"{next(_serial):02d}-{slug}.txt"
    path.unlink(missing_ok=True)
    return path


def say(text: str) -> None:
    print(f"wine-test: {text}", flush=True)


def wine(*args: str, cwd: Path | None = None, timeout: float = 600, check: bool = True,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a Windows program; stdin and stdout are pipes (files break Wine's console Python).

    Its console text is for the failure message only: Wine may not deliver it."""
    done = subprocess.run(["wine", *args], input="", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env={**ENV, **(env or {})}, cwd=cwd, timeout=timeout, encoding="utf-8",
                          errors="replace")
    if check and done.returncode != 0:
        raise Failed(f"{' '.join(args)} exited {done.returncode}; console:\n{done.stdout[-4000:]}")
    return done


def read_result(path: Path, what: str, done: subprocess.CompletedProcess[str]) -> str:
    if not path.is_file():
        raise Failed(f"{what}: the program wrote no result file {path.name} (exit {done.returncode}); "
                     f"console:\n{done.stdout[-4000:]}")
    return path.read_text(encoding="utf-8", errors="replace")


def unix_path(windows_path: str) -> Path:
    """C:\\... inside the prefix, Z:\\... from /, the way Wine maps them (no winepath: it prints)."""
    drive, _, rest = windows_path.partition(":")
    root = {"c": PREFIX / "drive_c", "z": Path("/")}.get(drive.lower())
    if root is None:
        raise Failed(f"not a path on C: or Z: {windows_path!r}")
    path = root
    for part in [p for p in rest.split("\\") if p]:
        exact = path / part
        if not exact.exists() and path.is_dir():  # Windows names ignore case; Wine's folders keep theirs
            exact = next((c for c in path.iterdir() if c.name.lower() == part.lower()), exact)
        path = exact
    return path


def windows_path(path: Path) -> str:
    """Wine's drive Z: is /; (winepath cuts paths at 260 characters)."""
    return "Z:" + str(path.resolve()).replace("/", "\\")


passed: list[str] = []


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)
    passed.append(what)
    say(f"ok  {what}")


def timed(name: str, start: float) -> None:
    timings[name] = time.monotonic() - start


# --------------------------------------------------------------------------


def fresh_prefix() -> None:
    start = time.monotonic()
    if PREFIX.exists():
        subprocess.run(["wineserver", "-k"], env=ENV, check=False)
        shutil.rmtree(PREFIX)
    PREFIX.parent.mkdir(parents=True, exist_ok=True)
    wine("wineboot", "--init", check=False)
    subprocess.run(["wineserver", "-w"], env=ENV, check=False)
    system32 = PREFIX / "drive_c" / "windows" / "system32"
    # Rust's std (cryptography, pyrage, python-calamine) needs ProcessPrng, which Wine 8 lacks.
    subprocess.run(["x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", str(system32 / "bcryptprimitives.dll"),
                    str(HERE / "wine" / "bcryptprimitives.c"), str(HERE / "wine" / "bcryptprimitives.def"),
                    "-lbcrypt"], check=True)
    # A Chinese Windows has SimSun and Microsoft YaHei; Wine has no CJK font at all.
    if not CJK_FONT.is_file():
        raise Failed(f"{CJK_FONT} is missing: apt-get install fonts-wqy-zenhei")
    shutil.copy2(CJK_FONT, PREFIX / "drive_c" / "windows" / "Fonts" / CJK_FONT.name)
    # No display here: Qt draws offscreen.  Wine does not pass QT_* variables on from
    # Linux, so they go into the user's Windows environment.
    wine("reg", "add", r"HKCU\Environment", "/v", "QT_QPA_PLATFORM", "/d", "offscreen", "/f")
    # Wine 8 says "Windows 7" unless told; the clerks have Windows 10 and 11.
    wine("reg", "add", r"HKCU\Software\Wine", "/v", "Version", "/d", "win10", "/f")
    timed("prefix", start)


def probe(app: Path) -> dict[str, str]:
    """The user's folders, as the installed Windows Python sees them (written to a file)."""
    result = out_file("probe")
    done = wine(str(app / "python" / "python.exe"), windows_path(HERE / "wine" / "probe.py"), windows_path(result))
    return json.loads(read_result(result, "probe.py (the user's folders)", done))


def uninstall_entry() -> str | None:
    """UninstallString of our HKCU entry, read with `reg export` into a file; None when there is none."""
    exported = out_file("uninstall-entry")
    done = wine("reg", "export", UNINSTALL_KEY, windows_path(exported), "/y", check=False)
    if done.returncode != 0 or not exported.is_file():
        return None
    raw = exported.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    match = re.search(r'"UninstallString"="(.*)"', text)
    return match.group(1) if match else None


UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\laoxie"


def install(setup: Path) -> Path:
    start = time.monotonic()
    wine(str(setup), "/S")
    timed("install", start)
    found = sorted((PREFIX / "drive_c" / "users").glob("*/AppData/Local/Programs/laoxie"))
    expect(len(found) == 1, "the installer made %LOCALAPPDATA%\\Programs\\laoxie")
    target = found[0]
    folders = probe(target)
    expect(unix_path(folders["LOCALAPPDATA"] + r"\Programs\laoxie") == target,
           f"installed in the user's %LOCALAPPDATA% ({folders['LOCALAPPDATA']}), no administrator rights")
    for name in ("laoxie.exe", "laoxie-cli.exe", "uninstall.exe", "python/pythonw.exe", "app/desktop/cli/__init__.py",
                 "app/resources/areas/jilin.json", "app/forms", "app/db"):
        expect((target / name).exists(), f"installed {name}")
    expect(not (target / "python" / "Lib" / "site-packages" / "pip").exists(), "pip is not shipped")
    start_menu = unix_path(folders["APPDATA"] + r"\Microsoft\Windows\Start Menu\Programs")
    expect((start_menu / "劳协.lnk").is_file(), "Start-menu shortcut 劳协.lnk")
    desktop = unix_path(folders["USERPROFILE"] + r"\Desktop")
    expect((desktop / "劳协.lnk").is_file(), "desktop shortcut 劳协.lnk")
    expect("uninstall.exe" in (uninstall_entry() or ""), "uninstall entry in HKCU")
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    timings["installed MB"] = size / 1e6
    return target


def cli_run(app: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, int, str]:
    """laoxie-cli with --output: what it says comes from that file, never from Wine's console."""
    what = "laoxie-cli " + " ".join(a for a in args if not a.startswith("Z:"))
    result = out_file(what)
    done = wine(str(app / "laoxie-cli.exe"), *args, "--output", windows_path(result), check=False, env=env)
    return what, done.returncode, read_result(result, what, done)


def cli(app: Path, *args: str, expect_code: int = 0, env: dict[str, str] | None = None) -> str:
    what, code, text = cli_run(app, *args, env=env)
    if code != expect_code:
        raise Failed(f"{what}: exit code {code}, expected {expect_code}; it wrote:\n{text[-4000:]}")
    return text


def self_test(app: Path) -> None:
    start = time.monotonic()
    out = cli(app, "--self-test")
    timed("self-test (first run)", start)
    expect("自检通过" in out and r"\app" in out, "laoxie-cli --self-test: 自检通过, data from the installed app")
    start = time.monotonic()
    out = cli(app, "--self-test")
    timed("self-test (again)", start)
    expect("自检通过" in out, "laoxie-cli --self-test again")
    start = time.monotonic()
    wine(str(app / "laoxie-cli.exe"), "--version")  # argparse prints it and exits: only the exit code is read
    timed("laoxie-cli --version", start)


def round_trip(app: Path, work: Path) -> Path:
    """The clerk's day on the default database; returns where that database is."""
    start = time.monotonic()
    out = cli(app, "demo", "--json")
    expect('"ok": true' in out, "demo on the default database")
    db = Path(re.search(r'"path": "(.*)"', out).group(1).replace("\\\\", "\\"))  # type: ignore[union-attr]
    db_unix = unix_path(str(db))
    expect(db_unix.is_file() and r"AppData\Local\laoxie" in str(db), f"default database in %LOCALAPPDATA%\\laoxie ({db})")
    roster = work / "名册 样本" / "roster_clean.xlsx"  # a Chinese folder name with a space
    roster.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(SAMPLE_ROSTER, roster)
    cli(app, "--user", "clerk", "enterprise", "add", "--name", "延吉市测试劳务有限公司", "--uscc", USCC,
        "--county", "延吉市", "--industry", "工业", "--staff", "100", "--revenue", "3000")
    out = cli(app, "--user", "clerk", "import", windows_path(roster), "--enterprise", USCC)
    expect("新增 30" in out and "已导入" in out, "roster_clean.xlsx imported: 30 new workers")
    locked_roster_is_refused_clearly(app, roster)
    cli(app, "--user", "clerk", "application", "new", USCC, "--amount", "300")
    out = cli(app, "--user", "clerk", "check", USCC)
    expect("计入" in out, "check explains who counts")
    cli(app, "--user", "clerk", "review", "submit", USCC, "--evidence", "contracts,wages")
    out = cli(app, "--user", "approver", "review", "approve", USCC)
    expect("符合认定标准" in out, "approved")
    letter = work / "确认书 输出" / "确认书.pdf"
    letter.parent.mkdir(parents=True, exist_ok=True)
    out = cli(app, "--user", "clerk", "letter", USCC, "--out", windows_path(letter))
    expect("已出具确认书" in out and letter.read_bytes().startswith(b"%PDF"), "letter issued as a PDF")
    out = cli(app, "--user", "clerk", "db", "check")
    expect("失败" not in out and "错误" not in out, "db check on the default database")
    timed("round trip", start)
    stick_pulled_out_during_backup(app, work)

    start = time.monotonic()
    # Over 260 characters in all, each folder name within Linux's 255 bytes.
    office = work.joinpath("县 人社局 数据", *["很长的文件夹名称 a long folder name " * 2] * 5, "办公 数据库.sqlite3")
    office.parent.mkdir(parents=True, exist_ok=True)
    expect(len(windows_path(office)) > 260, f"a path longer than 260 characters ({len(windows_path(office))})")
    cli(app, "--db", windows_path(office), "init", "--county", "222401", "--office", "延吉市就业服务局",
        "--prefix", "延吉人社劳协确", "--admin", "admin")
    out = cli(app, "--db", windows_path(office), "--user", "admin", "db", "check")
    expect(office.is_file() and "错误" not in out, "init and db check in a long Chinese path with spaces "
           "(Wine does not enforce MAX_PATH; Windows does unless LongPathsEnabled)")
    timed("init in a long path", start)
    return db_unix


def locked_roster_is_refused_clearly(app: Path, roster: Path) -> None:
    """A roster still open in Excel or WPS, shared with no one: a Chinese message, not a traceback.

    hold_file.py says "held" and is told to let go through files, not its console."""
    held, release = OUT / "roster-held", OUT / "roster-release"
    held.unlink(missing_ok=True)
    release.unlink(missing_ok=True)
    holder = subprocess.Popen(
        ["wine", str(app / "python" / "python.exe"), windows_path(HERE / "wine" / "hold_file.py"),
         windows_path(roster), windows_path(held), windows_path(release)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV, encoding="utf-8",
        errors="replace")
    try:
        deadline = time.monotonic() + 120  # a wait for the holder to start, not a retry of the check
        while not held.is_file():
            if holder.poll() is not None or time.monotonic() > deadline:
                raise Failed("hold_file.py could not hold the roster open: "
                             f"{holder.stdout.read() if holder.poll() is not None and holder.stdout else 'no answer in 2 minutes'}")
            time.sleep(0.2)
        out = cli(app, "--user", "clerk", "import", windows_path(roster), "--enterprise", USCC, "--dry-run",
                  expect_code=1)
    finally:
        release.touch()
        try:
            holder.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.communicate()
    # Python's open() goes through the C runtime, which turns Windows' sharing violation
    # into EACCES with no winerror: the message says 没有访问权限 and names Excel and WPS.
    expect("Excel" in out and "Traceback" not in out, f"a roster locked by another program: {out.strip()}")


def stick_pulled_out_during_backup(app: Path, work: Path) -> None:
    """`db backup --to` a USB stick that is pulled out while the copy is written.

    Wine has no removable drives to pull, so the stick is a folder that a thread here
    deletes the moment the backup's .part file appears in it.  The one honest retry: when
    the backup was done before the thread got to it (the program did nothing wrong; the
    imitation came too late), it is tried again, at most three times; a wrong message or a
    damaged database is never retried."""
    start = time.monotonic()
    stick = work / "U盘 拔出"
    gone = work / "U盘 拔出（已拔出）"
    for attempt in range(1, 4):
        for folder in (stick, gone):
            if folder.exists():
                shutil.rmtree(folder)
        stick.mkdir()
        pulled = threading.Event()
        stop = threading.Event()

        def pull_out() -> None:
            while not stop.is_set():
                try:
                    if any(entry.name.endswith(".part") for entry in os.scandir(stick)):
                        # At once, as a drive vanishes: rmtree alone empties the folder file by
                        # file first, and the program may look in the moment the folder is still
                        # there but its file is not (seen once in CI).
                        os.rename(stick, gone)
                        shutil.rmtree(gone, ignore_errors=True)
                        pulled.set()
                        return
                except FileNotFoundError:
                    return
                time.sleep(0.001)

        puller = threading.Thread(target=pull_out, daemon=True)
        puller.start()
        what, code, out = cli_run(app, "--user", "admin", "db", "backup", "--to", windows_path(stick))
        stop.set()
        puller.join()
        if pulled.is_set() and code != 0:
            break
        say(f"the stick was pulled too late on attempt {attempt} (exit {code}): again")
    else:
        raise Failed("could not pull the stick out during a backup in three attempts")
    expect(code == 1 and "U 盘被拔出" in out and "数据库本身完好" in out and "Traceback" not in out,
           f"a stick pulled out during a backup: {out.strip()}")
    expect(not stick.exists(), "the pulled stick's folder is not made again on the local disk")
    out = cli(app, "--user", "admin", "db", "check")
    expect("失败" not in out and "错误" not in out, "db check after the stick was pulled: the database is whole")
    timed("stick pulled out during a backup", start)


def window(app: Path, db: Path) -> None:
    start = time.monotonic()
    out = cli(app, "gui", env={"LAOXIE_USER": "clerk", "LAOXIE_EXIT_AFTER_PAINT": "1"})
    match = re.search(r"first-paint ([0-9.]+)", out)
    expect(match is not None, "the window signs in and paints (laoxie-cli gui)")
    timings["window first paint (in process)"] = float(match.group(1))  # type: ignore[union-attr]
    timed("window start to quit (wall)", start)
    shot = BUILD / "wine-window.png"
    shot.unlink(missing_ok=True)
    done = wine(str(app / "python" / "python.exe"), windows_path(HERE / "wine" / "window_smoke.py"),
                windows_path(db), windows_path(shot), env={"LAOXIE_USER": "clerk"})
    expect(shot.is_file() and shot.stat().st_size > 10_000,
           f"screenshot of the main window: {shot}" + ("" if shot.is_file() else f"; console:\n{done.stdout[-4000:]}"))


def suite(app: Path, scope: str) -> None:
    """The tests that need no Qt, run by the installed Windows Python on the installed program:
    every such test (scope "all", ~30 min under Wine) or the core rules alone ("core", what CI runs)."""
    start = time.monotonic()
    work = BUILD / "wine-suite"
    if work.exists():
        shutil.rmtree(work)
    (work / "site").mkdir(parents=True)
    # The checkout without desktop/: the tests import the installed program, and some
    # read the repository's own files (resources/, packaging/) to compare.
    for folder in ("tests", "resources", "forms", "db", "packaging"):
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "build_installer.spec"):
        shutil.copy2(ROOT / name, work / name)
    sys.path.insert(0, str(HERE))
    import build as windows_build  # the same hash-checked downloads as the build

    cache = windows_build.cache_dir()
    for wheel in windows_build.download_wheels(cache, HERE / "requirements-test.txt"):
        windows_build.unpack_wheel(wheel, work / "site")
    # pytest-qt loads QtTest, which the program does not ship: add it to the installed Qt
    # for the tests only (the uninstaller removes it with the rest).
    essentials = next(w for w in windows_build.download_wheels(cache, HERE / "requirements.txt")
                      if w.name.lower().startswith("pyside6_essentials"))
    with zipfile.ZipFile(essentials) as archive:
        for name in ("PySide6/QtTest.pyd", "PySide6/Qt6Test.dll"):
            (app / "python" / "Lib" / "site-packages" / name).write_bytes(archive.read(name))
    # Left out: the PyInstaller bundle and the layer contracts (Linux tools), the crash
    # trials (slow), the window (tests/ui: the window smoke test above stands for it), and
    # the bench table's own tests (bench/ is a Linux tool that this copy leaves out).
    ignore = ["tests/test_bundle.py", "tests/test_architecture.py", "tests/test_crash.py", "tests/ui",
              "tests/test_bench_results.py"]
    deselect = [
        # They read the source tree (desktop/*.py), which this copy leaves out on purpose
        # so that the tests import the installed program; Linux CI runs them.
        "tests/core/test_identifiers.py::test_every_error_code_has_a_message",
        "tests/core/test_identifiers.py::test_templates_are_single_literals_for_lupdate",
        "tests/core/test_identifiers.py::test_core_modules_import_no_ui_or_storage",
        "tests/core/test_eligibility.py::test_no_other_module_overwrites_the_engine_messages",
        "tests/services/test_audit_labels.py::test_the_scan_finds_what_the_issue_saw",
        # A shell script stands in for fc-list: Linux only.
        "tests/letters/test_fonts.py::test_fontconfig_listing",
        # The test damages files with SQLite's dbstat table, which the SQLite of
        # python.org's Windows build lacks; and it looks for a Windows path inside JSON text
        # without JSON's escaping of backslashes.
        "tests/services/test_recovery.py::test_a_file_that_does_not_open_is_restored_kept_aside_and_salvaged",
        "tests/services/test_recovery.py::test_a_damaged_file_that_still_opens_is_restored_by_the_admin_and_kept",
    ]
    # A sqlite3 connection left to the garbage collector warns on Windows (Python 3.13) and fails
    # the test that runs at that moment; the Linux suite tracks connect() itself for the same
    # (tests/conftest.py), so the warning stays an error here too.
    report, log = OUT / "suite-junit.xml", OUT / "suite-log.txt"
    report.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    args = ["-q", "-p", "no:cacheprovider", "-m", "not gui and not slow",
            f"--junitxml={windows_path(report)}",
            *(f"--ignore={p}" for p in ignore), *(f"--deselect={d}" for d in deselect),
            *(["tests/core"] if scope == "core" else [])]
    # pytest's own report goes to a file too (the console is not read).
    code = ("import sys; sys.path[:0] = [{site!r}]; log = open({log!r}, 'w', encoding='utf-8'); "
            "sys.stdout = sys.stderr = log; import pytest; code = pytest.main({args!r}); log.close(); "
            "sys.exit(code)").format(site=windows_path(work / "site"), log=windows_path(log), args=args)
    done = wine(str(app / "python" / "python.exe"), "-c", code, cwd=work, timeout=3000, check=False)
    timed("test suite on Windows Python", start)
    tail = read_result(log, "the test suite on the Windows Python (its log)", done).strip().splitlines()[-30:]
    print("\n".join(tail), flush=True)
    if not report.is_file():
        raise Failed(f"the test suite under Wine wrote no JUnit report (exit {done.returncode})")
    counts = {k: 0 for k in ("tests", "failures", "errors", "skipped")}
    for suite_element in ElementTree.parse(report).getroot().iter("testsuite"):
        for key in counts:
            counts[key] += int(suite_element.get(key, "0"))
    summary = (f"{counts['tests'] - counts['failures'] - counts['errors'] - counts['skipped']} passed, "
               f"{counts['failures']} failed, {counts['errors']} errors, {counts['skipped']} skipped")
    if done.returncode != 0 or counts["failures"] or counts["errors"] or counts["tests"] < 1000:
        raise Failed(f"the test suite under Wine did not pass (exit {done.returncode}): {summary}")
    say(f"ok  test suite on the Windows Python: {summary}")


def uninstall(app: Path, db: Path) -> None:
    start = time.monotonic()
    wine(str(app / "uninstall.exe"), "/S")
    # The uninstaller copies itself to %TEMP% and runs from there: wait for it.
    deadline = time.monotonic() + 120
    while (app / "laoxie.exe").exists() or (app / "python").exists():
        if time.monotonic() > deadline:
            raise Failed("the uninstaller did not remove the program within 2 minutes")
        time.sleep(1)
    subprocess.run(["wineserver", "-w"], env=ENV, check=False)
    timed("uninstall", start)
    expect(not (app / "python").exists() and not (app / "app").exists(), "uninstall removed the program")
    expect(not app.exists(), "uninstall removed the empty program folder")
    expect(db.is_file(), "the office database is kept")
    expect(uninstall_entry() is None, "uninstall entry removed")


def portable(zip_path: Path, work: Path) -> None:
    start = time.monotonic()
    stick = work / "U盘 便携"
    if stick.exists():
        shutil.rmtree(stick)
    stick.mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(stick)
    folder = next(stick.iterdir())
    expect((folder / "laoxie-portable.txt").is_file(), "the portable zip carries its marker")
    out = cli(folder, "demo", "--json")
    expect((folder / "data" / "laoxie.sqlite3").is_file(), "portable: the database is beside the program")
    expect(windows_path(folder / "data") in out.replace("\\\\", "\\"), "portable: demo names the database beside it")
    timed("portable", start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-suite", action="store_true", help="leave out the test suite (the longest part)")
    parser.add_argument("--suite", choices=("all", "core"), default="all",
                        help="all: every test that needs no Qt (~30 min); core: tests/core only (CI)")
    args = parser.parse_args()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    setup = ROOT / "dist" / f"laoxie-setup-{version}.exe"
    portable_zip = ROOT / "dist" / f"laoxie-portable-{version}.zip"
    if not setup.is_file():
        raise SystemExit(f"{setup} is missing: run `make windows` first")
    began = time.monotonic()
    work = BUILD / "wine-work"
    for folder in (work, OUT):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    stage = "a fresh Wine prefix"
    try:
        say(stage)
        fresh_prefix()
        stage = f"installing {setup.name} silently"
        say(stage)
        app = install(setup)
        stage = "self-test"
        self_test(app)
        stage = "command-line round trip"
        db = round_trip(app, work)
        stage = "window"
        window(app, db)
        if not args.skip_suite:
            stage = "test suite on the Windows Python"
            suite(app, args.suite)
        stage = "uninstall"
        uninstall(app, db)
        if portable_zip.is_file():
            stage = "portable zip"
            portable(portable_zip, work)
    except Failed as exc:
        print(f"wine-test: FAILED in step \"{stage}\": {exc}", file=sys.stderr, flush=True)
        print(f"wine-test: {len(passed)} passed, 1 failed (step \"{stage}\"; what each program wrote: {OUT})",
              flush=True)
        return 1
    finally:
        subprocess.run(["wineserver", "-k"], env=ENV, check=False)
    timings["total"] = time.monotonic() - began
    for name, value in timings.items():
        unit = "" if name.endswith("MB") else " s"
        say(f"{name}: {value:.1f}{unit}")
    say(f"installer {setup.stat().st_size / 1e6:.1f} MB")
    print(f"wine-test: {len(passed)} passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
