"""Writing a file to a USB stick so that a stick pulled out early never holds
a file that looks complete.

The bytes go to ``<name>.part`` beside the target, are flushed to the device
(fsync), read back and compared (size and SHA-256) with what was produced;
only then is the part renamed to its final name (an atomic rename on the same
folder). A failure removes the part. Reading back may be served from the
operating system's cache rather than the stick itself; the rename after an
fsync is what makes a half-written file impossible under the final name.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from desktop.private_files import PRIVATE_FILE, make_private

PART_SUFFIX = ".part"
_READ_BLOCK = 1 << 20


class WriteCheckFailed(OSError):
    """What was read back differs from what was written."""


def part_path(target: Path) -> Path:
    return target.with_name(target.name + PART_SUFFIX)


def write_part(target: Path, data: bytes) -> Path:
    """Write, flush and verify ``<target>.part``; return it (rename with :func:`commit`)."""
    part = part_path(target)
    expected = hashlib.sha256(data).hexdigest()
    try:
        # created 0600: batches, receipts and exported keys are the office's alone
        with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "wb") as handle:
            make_private(part)  # an old .part keeps its mode through O_TRUNC
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        size, digest = file_digest(part)
        if size != len(data) or digest != expected:
            raise WriteCheckFailed(f"{part}: read back {size} bytes, sha256 {digest[:12]}…; wrote {len(data)} bytes")
    except BaseException:
        discard(part)
        raise
    return part


def commit(part: Path, target: Path) -> Path:
    """Give the verified part its final name, and make the rename itself durable."""
    os.replace(part, target)
    _fsync_folder(target.parent)
    return target


def discard(part: Path) -> None:
    try:
        part.unlink(missing_ok=True)
    except OSError:
        pass  # a stick already pulled out: nothing left to tidy


def write_verified(target: Path, data: bytes) -> Path:
    """:func:`write_part` then :func:`commit`."""
    return commit(write_part(target, data), target)


def file_digest(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(_READ_BLOCK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":  # Windows has no directory handles to flush; the rename is already durable
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
