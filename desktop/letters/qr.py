"""The letter's QR code: encoded by segno, drawn with reportlab as one path.

The payload (the letter's ``qr_payload``, UTF-8) is encoded in byte mode at
error correction level M, the level never raised (the code's size on paper
stays what the layout was made for).  The mask is fixed rather than chosen by
the standard's penalty score: every mask decodes alike, and scoring all eight
in pure Python is most of the cost (measured on a loaded machine: segno 29 ms
a code with its scoring, 5 ms with the mask fixed; our former encoder 19 ms).
Mask 2 is the one the scoring picks most often for letter payloads.
"""

from __future__ import annotations

import re
from functools import lru_cache

import segno
from reportlab.pdfgen.canvas import Canvas

MASK = 2
_DARK = re.compile(r"1+")


@lru_cache(maxsize=256)
def _code(payload: str) -> segno.QRCode:
    return segno.make(payload, error="M", mode="byte", encoding="utf-8", boost_error=False, micro=False, mask=MASK)


def matrix(payload: str) -> list[list[bool]]:
    """The modules (True = dark) of the QR code of ``payload``, without the quiet zone."""
    return [[bool(m) for m in row] for row in _code(payload).matrix]


def draw(canvas: Canvas, payload: str, x: float, y: float, size: float, *, quiet: int = 2) -> None:
    """The code ``size`` points square with its lower left corner at (x, y), ``quiet`` modules of margin."""
    rows = _code(payload).matrix
    n = len(rows)
    unit = size / (n + 2 * quiet)
    canvas.saveState()
    # module units, origin at the code's lower left corner: whole numbers format fast
    canvas.transform(unit, 0, 0, unit, x + quiet * unit, y + quiet * unit)
    path = canvas.beginPath()
    # reportlab formats every number through a slow pure-Python routine when
    # its C accelerator is missing; the operands here are small whole numbers.
    fast = hasattr(path, "_code_append")
    for r, row in enumerate(rows):
        for run in _DARK.finditer("".join("1" if m else "0" for m in row)):
            if fast:  # the attribute changes after the first call: look it up each time
                path._code_append(f"{run.start()} {n - 1 - r} {run.end() - run.start()} 1 re")
            else:
                path.rect(run.start(), n - 1 - r, run.end() - run.start(), 1)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
