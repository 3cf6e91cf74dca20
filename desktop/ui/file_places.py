"""Where a file dialog starts: the folder last used for that kind of file, else the user's Documents.

Qt starts a dialog given no folder in the program's working folder, which on
Windows is the install folder (AppData\\Local\\Programs\\laoxie): a clerk's files
are never there.  Every file dialog of the window goes through these three
functions, which start in a folder the caller names (the backup folder, the
roster's own folder) when it still exists, else in the folder last chosen for
that ``kind`` of file, else in Documents, and remember the folder chosen.

The folders are remembered per user in ``laoxie.ini`` in the user's data
folder (beside the data on a portable stick), not in the office database:
they are the user's habit, not the office's data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import platformdirs
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.places import data_dir

SETTINGS_FILE: Final = "laoxie.ini"
_GROUP: Final = "last_folders"


def _settings() -> QSettings:
    return QSettings(str(data_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)


def documents_folder() -> Path:
    """The user's Documents folder (the home folder when it does not exist)."""
    folder = Path(platformdirs.user_documents_dir())
    return folder if folder.is_dir() else Path.home()


def last_folder(kind: str) -> Path | None:
    """The folder last chosen for this kind of file, if it still exists."""
    value = _settings().value(f"{_GROUP}/{kind}", "")
    folder = Path(str(value)) if value else None
    return folder if folder is not None and folder.is_dir() else None


def remember_folder(kind: str, folder: Path) -> None:
    settings = _settings()
    settings.setValue(f"{_GROUP}/{kind}", str(folder))
    settings.sync()


def start_folder(kind: str, preferred: str | Path | None = None) -> Path:
    """``preferred`` when it is an existing folder, else the last folder for ``kind``, else Documents."""
    if preferred:
        path = Path(preferred)
        if path.is_dir():
            return path
        if path.is_absolute() and path.parent.is_dir():  # a file's path: its folder
            return path.parent
    return last_folder(kind) or documents_folder()


def open_file(parent: QWidget, kind: str, title: str, file_filter: str, start: str | Path | None = None) -> str:
    """The file the user picked ('' when cancelled)."""
    path, _filter = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind, start)), file_filter)
    if path:
        remember_folder(kind, Path(path).parent)
    return path


def save_file(parent: QWidget, kind: str, title: str, name: str | Path, file_filter: str) -> str:
    """Where the user chose to save ('' when cancelled); ``name`` is proposed, in the start folder
    unless it names its own (existing) folder."""
    proposed = Path(name)
    folder = proposed.parent if proposed.is_absolute() and proposed.parent.is_dir() else start_folder(kind)
    path, _filter = QFileDialog.getSaveFileName(parent, title, str(folder / proposed.name), file_filter)
    if path:
        remember_folder(kind, Path(path).parent)
    return path


def choose_folder(parent: QWidget, kind: str, title: str, start: str | Path | None = None) -> str:
    """The folder the user picked ('' when cancelled)."""
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder(kind, start)))
    if folder:
        remember_folder(kind, Path(folder))
    return folder
