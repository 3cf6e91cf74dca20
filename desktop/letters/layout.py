"""Setting Chinese text in lines: widths, line breaks by the rules of Chinese type, justification.

A paragraph is a list of runs in roles (仿宋 body, 黑体 heading, 楷体
subheading). Each character is measured in the font that will draw it (see
:class:`~desktop.letters.fonts.FontSet`), plus the letter-spacing that puts 28
characters of 16 pt into 156 mm. Lines break anywhere between Chinese
characters, except that closing punctuation never starts a line and opening
punctuation never ends one (避头尾), and a short run of Latin letters or digits
(a date, a credit code) is kept whole. Every line but a paragraph's last is
justified to the full measure, as Word does on a character grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.core.letter import LetterError
from desktop.core.letter_words import Run
from desktop.letters.fonts import FontSet

NO_LINE_START: Final = frozenset("，。、；：？！）》」』”’〕】〉…—%‰·．,.;:?!)]}％")
NO_LINE_END: Final = frozenset("（《「『“‘〔【〈([{≈")
_KEEP: Final = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.@#+-/_×")
_KEEP_MAX: Final = 20  # a longer Latin run may be broken (a rule-set version string)
EPSILON: Final = 0.01
_TYPESETTERS: dict[int, Typesetter] = {}


@dataclass(frozen=True)
class Glyph:
    char: str
    font: str
    size: float
    advance: float  # width + letter-spacing


@dataclass(frozen=True)
class Piece:
    """Text drawn in one font at one spacing, starting ``x`` points from the line start."""

    x: float
    text: str
    font: str
    size: float
    char_space: float


@dataclass(frozen=True)
class SetLine:
    pieces: tuple[Piece, ...]
    width: float  # as set (the full measure when justified)
    text: str

    @property
    def chars(self) -> int:
        return len(self.text)


def typesetter(fonts: FontSet) -> Typesetter:
    """The typesetter of these fonts, kept between documents so its measurements are reused."""
    key = id(fonts)
    found = _TYPESETTERS.get(key)
    if found is None or found.fonts is not fonts:
        if len(_TYPESETTERS) >= 8:
            _TYPESETTERS.pop(next(iter(_TYPESETTERS)))
        found = _TYPESETTERS[key] = Typesetter(fonts)
    return found


class Typesetter:
    """Measures and breaks text with one :class:`FontSet`; widths are cached."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self._widths: dict[tuple[str, str, float], float] = {}
        self._font: dict[tuple[str, str], str] = {}
        self._measured: dict[tuple[str, str, float], tuple[str, float]] = {}

    def font_of(self, role: str, char: str, context: str = "") -> str:
        key = (role, char)
        name = self._font.get(key)
        if name is None:
            found = self.fonts.font_for(role, char)
            if found is None:
                raise LetterError("letter_missing_glyph", char=char, codepoint=f"{ord(char):04X}",
                                  context=context[:24] or char)
            name = self._font[key] = found
        return name

    def width(self, char: str, font: str, size: float) -> float:
        key = (char, font, size)
        w = self._widths.get(key)
        if w is None:
            w = self._widths[key] = stringWidth(char, font, size)
        return w

    def measure(self, char: str, role: str, size: float, context: str = "") -> tuple[str, float]:
        """(font, width) of ``char`` in ``role`` at ``size``: one cached lookup per character."""
        key = (char, role, size)
        found = self._measured.get(key)
        if found is None:
            font = self.font_of(role, char, context)
            found = self._measured[key] = (font, self.width(char, font, size))
        return found

    def glyphs(self, runs: Sequence[Run], roles: dict[str, str], size: float, spacing: float) -> list[Glyph]:
        out = []
        for run in runs:
            role = roles[run.style]
            for char in run.text:
                font, width = self.measure(char, role, size, run.text)
                out.append(Glyph(char, font, size, width + spacing))
        return out

    def text_width(self, text: str, role: str, size: float, spacing: float = 0.0) -> float:
        return sum(self.measure(c, role, size, text)[1] + spacing for c in text)

    def set_runs(self, runs: Sequence[Run], roles: dict[str, str], size: float, spacing: float,
                 first: float, rest: float, *, justify: bool = True) -> list[SetLine]:
        """Break the runs into lines ``first`` points wide, then ``rest`` points wide."""
        glyphs = self.glyphs(runs, roles, size, spacing)
        lines: list[list[Glyph]] = []
        start = 0
        while start < len(glyphs):
            measure = first if not lines else rest
            end = _fit(glyphs, start, measure)
            end = _adjust_break(glyphs, start, end, measure)
            lines.append(glyphs[start:end])
            start = end
        out = []
        for i, line in enumerate(lines):
            measure = first if i == 0 else rest
            last = i == len(lines) - 1
            squeezed = sum(g.advance for g in line) > measure + EPSILON
            out.append(_pieces(line, spacing, measure if (justify and not last) or squeezed else None))
        return out

    def set_text(self, text: str, role: str, size: float, spacing: float, measure: float) -> list[SetLine]:
        """Plain text in one role, not justified (titles, table cells, dates)."""
        if text:  # the common case, a short text in one font that fits: no per-glyph objects
            measured = [self.measure(c, role, size, text) for c in text]
            font = measured[0][0]
            if all(m[0] == font for m in measured):
                width = sum(m[1] for m in measured) + spacing * len(text)
                if width <= measure + EPSILON:
                    return [SetLine((Piece(0.0, text, font, size, spacing),), width, text)]
        return self.set_runs([Run("x", text)], {"x": role}, size, spacing, measure, measure, justify=False)


def _fit(glyphs: Sequence[Glyph], start: int, measure: float) -> int:
    """The end of the longest line from ``start`` within ``measure`` (at least one glyph).

    A glyph takes its advance (width + letter-spacing): 28 characters of a
    16 pt font with -0.21 pt spacing fill 156 mm exactly, as on Word's grid.
    """
    used = 0.0
    end = start
    while end < len(glyphs):
        if used + glyphs[end].advance > measure + EPSILON and end > start:
            break
        used += glyphs[end].advance
        end += 1
    return end


def _adjust_break(glyphs: Sequence[Glyph], start: int, end: int, measure: float) -> int:
    """Where the line really ends: closing punctuation that would start the next line is
    squeezed into this one when it takes no more than a character's width (as typesetters
    do, rather than stretch the line); otherwise the break moves back so no line starts
    with closing or ends with opening punctuation, and a short Latin/digit run stays whole."""
    if end >= len(glyphs):
        return end
    closing = end
    while closing < len(glyphs) and closing - end < 2 and glyphs[closing].char in NO_LINE_START:
        closing += 1
    if closing > end and (closing == len(glyphs) or glyphs[closing].char not in NO_LINE_START):
        over = sum(g.advance for g in glyphs[start:closing]) - measure
        if over <= glyphs[end].size + EPSILON:
            return closing
    original = end
    # closing punctuation may not start the next line: carry the character before it down too
    while end - start > 1 and glyphs[end].char in NO_LINE_START:
        end -= 1
    # opening punctuation may not end this line
    while end - start > 1 and glyphs[end - 1].char in NO_LINE_END:
        end -= 1
    # keep "2026", "91222401RWG3G6CBGX" whole
    if glyphs[end].char in _KEEP and glyphs[end - 1].char in _KEEP:
        run_start = end
        while run_start > start and glyphs[run_start - 1].char in _KEEP:
            run_start -= 1
        run_end = end
        while run_end < len(glyphs) and glyphs[run_end].char in _KEEP:
            run_end += 1
        if run_end - run_start <= _KEEP_MAX and run_start > start:
            end = run_start
            while end - start > 1 and glyphs[end - 1].char in NO_LINE_END:
                end -= 1
        else:  # a long run (a rule-set version): break after its last + or @ on this line
            for k in range(end - 1, max(run_start, start), -1):
                if glyphs[k].char in "+@" and k + 1 > start + 1:
                    end = k + 1
                    break
    return end if end > start else original


def _pieces(line: Sequence[Glyph], spacing: float, justify_to: float | None) -> SetLine:
    natural = sum(g.advance for g in line)
    extra = 0.0
    if justify_to is not None and len(line) > 1 and natural != justify_to:  # stretched, or squeezed
        extra = (justify_to - natural) / (len(line) - 1)
    pieces: list[Piece] = []
    x = 0.0
    text: list[str] = []
    font = None
    size = 0.0
    start_x = 0.0
    for g in line:
        if g.font != font:
            if text and font is not None:
                pieces.append(Piece(start_x, "".join(text), font, size, spacing + extra))
            text, font, size, start_x = [], g.font, g.size, x
        text.append(g.char)
        x += g.advance + extra
    if text and font is not None:
        pieces.append(Piece(start_x, "".join(text), font, size, spacing + extra))
    width = natural + extra * (len(line) - 1) if line else 0.0
    return SetLine(tuple(pieces), width, "".join(g.char for g in line))
