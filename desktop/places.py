"""Where the office data lives: in the user's folder, or beside the program on a USB stick.

Installed, laoxie keeps the database (and, beside it, the backups) in the
user's data folder (platformdirs: %LOCALAPPDATA%\\laoxie on Windows,
~/.local/share/laoxie on Linux) and its logs in the user's log folder.

Portable mode: when the file ``laoxie-portable.txt`` lies beside the program
(the portable zip carries it), everything goes into the ``data`` folder beside
it instead, so the whole folder moves between PCs on a USB stick.  "Beside the
program" is the folder of laoxie.exe: in the Windows build that is the parent
of ``python\\`` (sys.executable is python\\pythonw.exe); in the PyInstaller
bundle it is the executable's own folder.

Plain Python, no Qt: the command line, the window and the crash reports use it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

import platformdirs

APP_NAME: Final = "laoxie"
PORTABLE_MARKER: Final = "laoxie-portable.txt"
PORTABLE_DATA: Final = "data"


def program_folders() -> list[Path]:
    """The folders the portable marker may lie in: the executable's, then its parent."""
    folder = Path(sys.executable).resolve().parent
    return [folder, folder.parent]


def portable_folder() -> Path | None:
    """The folder holding the portable marker, or None when installed normally."""
    for folder in program_folders():
        if (folder / PORTABLE_MARKER).is_file():
            return folder
    return None


def data_dir() -> Path:
    """The folder of the office database (and, by default, its backups)."""
    portable = portable_folder()
    if portable is not None:
        return portable / PORTABLE_DATA
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    portable = portable_folder()
    if portable is not None:
        return portable / PORTABLE_DATA / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """What the program may forget and find again (the letter fonts' survey): the user's cache folder."""
    portable = portable_folder()
    if portable is not None:
        return portable / PORTABLE_DATA / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
