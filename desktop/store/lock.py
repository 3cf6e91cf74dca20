"""One window per database file: an OS-level lock on ``<file>.lock``.

The operating system drops the lock when the process dies, so a crash never
leaves the file locked (unlike a lock file that is merely present).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from desktop.private_files import PRIVATE_FILE, make_private, private_folder
from desktop.store.errors import StoreError


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self.db_path = db_path
        self._handle: IO[bytes] | None = None

    def acquire(self) -> InstanceLock:
        private_folder(self.path.parent)
        # Created 0600 from its first byte, like the database beside it (not truncated: another may hold it).
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
        handle = os.fdopen(fd, "r+b")  # held for the window's lifetime
        make_private(self.path)  # the umask, or a lock file an earlier version made readable by all
        try:
            _lock(handle)
        except OSError as exc:
            handle.close()
            raise StoreError("in_use", path=self.db_path) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode("ascii"))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            try:
                _unlock(self._handle)
            finally:
                self._handle.close()
                self._handle = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
