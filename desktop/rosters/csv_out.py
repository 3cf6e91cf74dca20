"""A roster written as the CSV an office's Excel saves ("CSV UTF-8"): for the demo's enterprises,
whose monthly rosters reach the office as files and go through the same importer as real ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path


def write_roster_csv(out: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """Write ``header`` and ``rows`` (None as an empty cell) to ``out``, UTF-8 with its mark, CRLF lines."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    out.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return out
