"""Find the project's data folders the same way everywhere.

The folders ``resources/``, ``forms/`` and ``db/`` live at the top of the
repository.  An installed wheel carries them in ``desktop/_data/`` and a
PyInstaller bundle unpacks them next to the executable (``sys._MEIPASS``).
Plain Python, no Qt: the core may use it to read its data tables.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

DATA_FOLDERS = ("resources", "forms", "db")


@cache
def data_root() -> Path:
    """The folder that holds resources/, forms/ and db/."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    package = Path(__file__).resolve().parent
    installed = package / "_data"
    if (installed / "resources").is_dir():
        return installed
    return package.parent


def resource_path(*parts: str) -> Path:
    """A file under resources/, e.g. ``resource_path("areas", "jilin.json")``."""
    return data_root().joinpath("resources", *parts)


def form_path(name: str) -> Path:
    """A Qt Designer file under forms/."""
    return data_root() / "forms" / name


def migrations_dir() -> Path:
    return data_root() / "db"


def missing_data_folders() -> list[str]:
    root = data_root()
    return [name for name in DATA_FOLDERS if not (root / name).is_dir()]
