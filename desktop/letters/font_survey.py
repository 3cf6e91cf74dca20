"""What each font file of this machine offers a letter, remembered between runs.

Choosing the letter's fonts means opening every Chinese font the search finds:
reportlab reads a face's whole character map and widths (0.1–0.2 s for a CJK
face here, more on an old office PC, and a trimmed Windows image has every
file of ``C:\\Windows\\Fonts`` tried).  What that opening learns — usable or
not, the face's name, whether it has Latin letters and digits, its ascent
and descent — is kept here, in the user's cache folder, readable by the owner
only, so the next process builds the font set without opening a file, and
opens a font only when a letter draws with it.

Each face's entry is keyed by its file's path, face index, size and
modification time, checked with one ``stat`` on use: a font changed or
replaced is opened again, a font removed is no longer among the candidates
(the search itself, fc-list or a folder listing, runs every time: it is
cheap).  A cache written by another version, for other required characters,
or unreadable is ignored and rewritten, never an error: losing it costs one
slow first letter.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from reportlab import Version as REPORTLAB_VERSION

from desktop.places import cache_dir
from desktop.private_files import PRIVATE_FILE, private_folder

FILE_NAME: Final = "letter-fonts.json"
FORMAT: Final = 1
MAX_ENTRIES: Final = 4000  # a portable copy moving between PCs keeps each PC's faces, up to this


@dataclass(frozen=True)
class Face:
    """What opening one face taught: usable for a letter or not (and why)."""

    ok: bool
    detail: str = ""  # why it is of no use (ok False)
    face_name: str = ""
    latin: bool = False  # has the digits and Latin letters too
    ascent: float = 0.0
    descent: float = 0.0


def default_path() -> Path:
    return cache_dir() / FILE_NAME


def file_stamp(path: Path) -> list[int] | None:
    """What says a font file is the one seen before: its size and modification time (None: not there)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


class Survey:
    """The faces surveyed so far; :meth:`save` writes what changed."""

    def __init__(self, path: Path | None, required: str) -> None:
        self.path = path
        self._header = {"format": FORMAT, "reportlab": REPORTLAB_VERSION, "required": required}
        self._entries: dict[str, dict[str, Any]] = self._read() if path is not None else {}
        self._changed = False

    def _read(self) -> dict[str, dict[str, Any]]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: surveyed afresh
        if not isinstance(data, dict) or any(data.get(k) != v for k, v in self._header.items()):
            return {}
        entries = data.get("faces")
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, dict)}

    def get(self, path: Path, index: int) -> Face | None:
        """The face's survey when its file is the one surveyed (same size and time), else None."""
        entry = self._entries.get(f"{path}#{index}")
        if entry is None or entry.get("stamp") != file_stamp(path):
            return None
        try:
            face = Face(**{k: v for k, v in entry.items() if k != "stamp"})
        except TypeError:
            return None
        if not (isinstance(face.ok, bool) and isinstance(face.face_name, str) and isinstance(face.latin, bool)
                and isinstance(face.ascent, (int, float)) and isinstance(face.descent, (int, float))):
            return None
        return face

    def put(self, path: Path, index: int, face: Face) -> None:
        stamp = file_stamp(path)
        if stamp is None:
            return
        self._entries[f"{path}#{index}"] = {**asdict(face), "stamp": stamp}
        self._changed = True

    def save(self, keep: set[str]) -> None:
        """Write the survey (owner-only) when it learnt something; a failure to write is only a slower next run."""
        if self.path is None or not self._changed:
            return
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            entries = {k: v for k, v in entries.items() if k in keep}
        text = json.dumps({**self._header, "faces": entries}, ensure_ascii=False, indent=0)
        if write_private(self.path, text.encode("utf-8")):
            self._changed = False


def write_private(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` at once, readable by the owner only; False when it cannot be written."""
    try:
        private_folder(path.parent)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:  # mkstemp makes it 0600
                out.write(data)
            if os.name == "posix":
                os.chmod(temp, PRIVATE_FILE)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
