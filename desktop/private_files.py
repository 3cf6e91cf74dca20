"""The office's files are its owner's alone: 0600 files and 0700 folders on POSIX (issue 11).

The database, its backups, salvaged and kept-aside copies, batches, receipts,
exported keys and workbooks hold personal data (names, ID numbers, wages).
Each is created private from its first byte, not made private afterwards.
On Windows the folder's ACL (the user's profile) does this job; these are no-ops.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(folder: Path) -> Path:
    """Create `folder` (and any missing parents) readable by the owner only; an existing one is left as it is."""
    missing: list[Path] = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by another process
        os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is filtered by the umask
    if not folder.is_dir():
        folder.mkdir()  # raises FileExistsError / NotADirectoryError as mkdir does
    return folder


def new_private_file(path: Path) -> Path:
    """Create `path` empty with mode 0600 (truncating it if it exists) for another writer to fill."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.close(fd)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """0600 on POSIX (chmod opens nothing: safe on a database another connection has open)."""
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)
