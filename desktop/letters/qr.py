"""The letter's QR code, drawn with reportlab's own encoder (no extra dependency).

reportlab's ``QrCodeWidget`` takes some 60 ms a code (its mask evaluation and
its drawing, one rectangle per module); 500 letters would spend half a minute
on QR codes alone. Here the encoder places the data for each of the eight
masks, the mask is chosen by the standard's penalty rules computed on rows as
integers, and the dark modules are drawn as one path of horizontal runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

_RUN = re.compile(r"0{5,}|1{5,}")
_DARK = re.compile(r"1+")
_FINDER_LIKE: Final = ("10111010000", "00001011101")


def matrix(payload: str, level: str = "M") -> list[list[bool]]:
    """The modules (True = dark) of the QR code of ``payload`` (UTF-8, byte mode)."""
    n = len(_matrix(payload, level))
    return [[bool(row >> (n - 1 - c) & 1) for c in range(n)] for row in _matrix(payload, level)]


_BY_VERSION: dict[int, tuple[list[tuple[int, int]], list[list[int]]]] = {}


def _rows(modules: Sequence[Sequence[bool | None]]) -> list[int]:
    return [int("".join("1" if m else "0" for m in row), 2) for row in modules]


def _version_tables(code: qrencoder.QRCode) -> tuple[list[tuple[int, int]], list[list[int]]]:
    """Where the data goes in this version, and each mask's flips there as row bits (cached)."""
    found = _BY_VERSION.get(code.version)
    if found is None:
        n = code.moduleCount
        positions = list(code.dataPosIterator())
        masks = []
        for mask in range(8):
            flip = qrencoder.QRUtil.getMask(mask)
            rows = [0] * n
            for col, row in positions:
                if flip(row, col):
                    rows[row] |= 1 << (n - 1 - col)
            masks.append(rows)
        found = _BY_VERSION[code.version] = (positions, masks)
    return found


_TYPE_INFO: dict[tuple[int, int, int], tuple[list[int], list[int]]] = {}


def _type_info(code: qrencoder.QRCode, mask: int) -> tuple[list[int], list[int]]:
    """Where the format information of ``mask`` goes and which of those modules are dark, as row bits (cached)."""
    key = (code.version, code.errorCorrectLevel, mask)
    found = _TYPE_INFO.get(key)
    if found is None:
        n = code.moduleCount
        saved = code.modules
        code.modules = [[None] * n for _ in range(n)]
        code.setupTypeInfo(False, mask)
        where = [int("".join("0" if m is None else "1" for m in row), 2) for row in code.modules]
        dark = [int("".join("1" if m else "0" for m in row), 2) for row in code.modules]
        code.modules = saved
        found = _TYPE_INFO[key] = (where, dark)
    return found


@lru_cache(maxsize=256)
def _matrix(payload: str, level: str) -> tuple[int, ...]:
    """Rows as integers (the leftmost module is the highest bit), with the mask of least penalty."""
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(False, 0)  # the function patterns and the encoded data
    n = code.moduleCount
    positions, masks = _version_tables(code)
    bits = code.dataBitIterator(code.dataCache)
    data = [0] * n
    for (col, row), dark in zip(positions, bits, strict=False):
        if dark:
            data[row] |= 1 << (n - 1 - col)
    for col, row in positions:
        code.modules[row][col] = False
    base = _rows(code.modules)
    best: tuple[int, tuple[int, ...]] | None = None
    for mask in range(8):
        where, dark = _type_info(code, mask)
        rows = tuple((b & ~w) | t | (d ^ m) for b, w, t, d, m in zip(base, where, dark, data, masks[mask], strict=True))
        score = penalty(rows, n)
        if best is None or score < best[0]:
            best = (score, rows)
    assert best is not None
    return best[1]


def penalty(rows: Sequence[int], n: int) -> int:
    """The penalty score of ISO/IEC 18004 8.8.2 (rules N1–N4) of rows given as integers."""
    lines = [format(r, f"0{n}b") for r in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    score = 0
    for line in lines:
        for run in _RUN.finditer(line):
            score += 3 + (run.end() - run.start() - 5)  # N1
        # N3 (the two patterns cannot overlap themselves, so a plain count is exact)
        score += 40 * (line.count(_FINDER_LIKE[0]) + line.count(_FINDER_LIKE[1]))
    full = (1 << (n - 1)) - 1
    for upper, lower in zip(rows, rows[1:], strict=False):
        same_v = ~(upper ^ lower)
        blocks = same_v & (same_v >> 1) & ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & full
        score += 3 * bin(blocks).count("1")  # N2
    dark = sum(bin(r).count("1") for r in rows)
    score += 10 * (abs(dark * 20 - n * n * 10) // (n * n))  # N4
    return score


def draw(canvas: Canvas, payload: str, x: float, y: float, size: float, *, quiet: int = 2) -> None:
    """The code ``size`` points square with its lower left corner at (x, y), ``quiet`` modules of margin."""
    rows = _matrix(payload, "M")
    n = len(rows)
    unit = size / (n + 2 * quiet)
    canvas.saveState()
    # module units, origin at the code's lower left corner: whole numbers format fast
    canvas.transform(unit, 0, 0, unit, x + quiet * unit, y + quiet * unit)
    path = canvas.beginPath()
    # reportlab formats every number through a slow pure-Python routine when
    # its C accelerator is missing; the operands here are small whole numbers.
    fast = hasattr(path, "_code_append")
    for r, bits in enumerate(rows):
        for run in _DARK.finditer(format(bits, f"0{n}b")):
            if fast:  # the attribute changes after the first call: look it up each time
                path._code_append(f"{run.start()} {n - 1 - r} {run.end() - run.start()} 1 re")
            else:
                path.rect(run.start(), n - 1 - r, run.end() - run.start(), 1)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
