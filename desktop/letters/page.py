"""The A4 page our printed letters and forms share, after GB/T 9704-2012 (党政机关公文格式) 5.2:
top margin 37 mm, left margin 28 mm, a text block of 156 × 225 mm holding 22 lines of 28
characters of 3号 (16 pt) type, the type sizes, the annex table's columns, and the baseline of
each grid line. The letter (``desktop.letters.pdf``), the loan forms and the tracking report
are laid out on it."""

from __future__ import annotations

from typing import Final

from reportlab import rl_config
from reportlab.lib.pagesizes import A4

# Binary streams: ASCII85 makes the file a quarter larger and, without reportlab's C
# accelerator, costs a fifth of the time of a letter. Every PDF viewer reads binary.
rl_config.useA85 = 0

MM: Final = 72 / 25.4
PAGE_W, PAGE_H = A4
TOP_MARGIN: Final = 37 * MM
LEFT_MARGIN: Final = 28 * MM
BLOCK_W: Final = 156 * MM
BLOCK_H: Final = 225 * MM
LINES: Final = 22
CHARS: Final = 28
LINE_PITCH: Final = BLOCK_H / LINES
CHAR_PITCH: Final = BLOCK_W / CHARS
BODY_SIZE: Final = 16.0  # 3号
TITLE_SIZE: Final = 22.0  # 2号
PAGE_NUMBER_SIZE: Final = 14.0  # 4号
TABLE_SIZE: Final = 10.5  # 5号
SPACING: Final = CHAR_PITCH - BODY_SIZE
ASCENT: Final = 0.88  # the ideographic em box above the baseline, whatever the font's own metrics
BLOCK_TOP: Final = PAGE_H - TOP_MARGIN  # y of the text block's top edge (PDF y grows upwards)
BLOCK_BOTTOM: Final = BLOCK_TOP - BLOCK_H
BLOCK_RIGHT: Final = LEFT_MARGIN + BLOCK_W
QR_SIZE: Final = 22 * MM
SIGNATURE_GAP: Final = 2  # blank lines between the text and the office's name (the seal's top within reach)
KEEP_BEFORE_SEAL: Final = 2  # lines of text kept on the page of the seal

ROLES: Final = {"body": "fangsong", "heading": "heiti", "subheading": "kaiti"}
TABLE_WIDTHS_MM: Final = (10.0, 18.0, 37.0, 23.0, 26.0, 42.0)  # 序号 姓名 身份证号码 户籍地 重点群体 合同期限
#: Columns whose type shrinks (down to the size given) so that no cell wraps: ID numbers and contract periods.
TABLE_SHRINK: Final = {2: 7.0, 5: 8.5}
TABLE_PAD: Final = 1.2 * MM
TABLE_LEADING: Final = TABLE_SIZE * 1.3
TABLE_MIN_ROW: Final = 7.5 * MM
RED: Final = (0.8, 0.05, 0.05)


def row_baseline(row: int, size: float = BODY_SIZE) -> float:
    """The baseline of grid line ``row`` (0 = the first line of the text block) for text of ``size``."""
    top = BLOCK_TOP - row * LINE_PITCH
    return top - (LINE_PITCH - size) / 2 - ASCENT * size
