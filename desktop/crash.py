"""Bug reports: what slipped through is written down, not shown as a traceback."""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from desktop import __version__
from desktop.places import log_dir

__all__ = ["log_dir", "write_crash_report"]


def write_crash_report(exc: BaseException) -> Path:
    """Save the traceback with version information; return the file's path."""
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path.cwd()
    path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S-%f}.txt"
    text = (
        f"laoxie {__version__}\nPython {sys.version}\n{platform.platform()}\n\n"
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError:
        return Path("-")
    return path


LOG_NAME = "laoxie.log"


def setup_logging() -> Path | None:
    """The program's log: ``laoxie.log`` in the log folder (what a library said in English, kept
    beside the Chinese message the clerk saw). Once a process; None when it cannot be written."""
    logger = logging.getLogger("desktop")
    for existing in logger.handlers:
        if getattr(existing, "laoxie", False):
            return Path(existing.baseFilename)  # type: ignore[attr-defined]
    path = log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2 << 20, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.laoxie = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
