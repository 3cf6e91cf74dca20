"""Citizen ID numbers (公民身份号码) and unified social credit codes.

- 公民身份号码, GB 11643-1999: 6-digit area code, 8-digit birth date, 3-digit
  sequence (odd = male), check character (ISO 7064 MOD 11-2).
  Old 15-digit numbers (2-digit year, no check character) are converted.
- 统一社会信用代码, GB 32100-2015: 18 characters from a 31-character alphabet,
  the last one a MOD 31 check character.

The area code of an ID number is deliberately *not* checked against any table:
it is where the number was first issued, and codes that no longer exist are
still real people's numbers (see ``desktop.core.areas`` for a cross-check).

Every failure raises :class:`IdentifierError` with a stable code and a Chinese
message from ``desktop.core.messages``.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from dataclasses import dataclass
from typing import Final, Literal

from desktop.core.messages import Problem, message

# --------------------------------------------------------------------------
# Errors and text normalisation


class IdentifierError(ValueError):
    """An ID number or credit code that cannot be accepted."""

    def __init__(self, code: str, **params: object) -> None:
        self.code: str = code
        self.params: dict[str, object] = dict(params)
        super().__init__(message(code, **params))

    @property
    def problem(self) -> Problem:
        return Problem(self.code, dict(self.params))


# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E.
_HALFWIDTH_TABLE: Final[dict[int, int]] = {
    code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)
}
_HALFWIDTH_TABLE[0x3000] = 0x20  # ideographic space

# Invisible characters that str.isspace() does not cover but that turn up in
# copied cells: zero-width space/joiners, word joiner, byte-order mark.
_INVISIBLE: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (U+FF01..U+FF5E) to half-width; U+3000 to a space."""
    return text.translate(_HALFWIDTH_TABLE)


def _squeeze(text: str) -> str:
    """Half-width, without any whitespace or invisible characters."""
    if text.isascii() and text.isalnum():  # the usual number: nothing to change (checked in C)
        return text
    return "".join(
        ch for ch in to_halfwidth(text) if not ch.isspace() and ch not in _INVISIBLE
    )


def _is_number(raw: object) -> bool:
    return isinstance(raw, (int, float, decimal.Decimal))  # bool is an int too


def _is_blank(raw: object) -> bool:
    """None, or an empty cell as pandas and some readers give it (NaN)."""
    return raw is None or (isinstance(raw, float) and math.isnan(raw))


def _number_text(raw: object) -> str:
    """A number as Excel would show it, for the error message."""
    if isinstance(raw, float):
        return f"{raw:.15G}"
    return str(raw)


def normalize_id_text(raw: object) -> str:
    """The text of an ID number as typed: half-width, no whitespace, upper case.

    ``None`` (and NaN) give ``""``. A number is refused with
    ``id_stored_as_number``: Excel keeps only 15 significant digits, so the
    last digits of an 18-digit number are lost, and even a 15-digit number
    stored as a number must be re-entered as text; we never guess.
    """
    if _is_blank(raw):
        return ""
    if _is_number(raw):
        raise IdentifierError("id_stored_as_number", value=_number_text(raw))
    return _squeeze(str(raw)).upper()


# --------------------------------------------------------------------------
# 公民身份号码 (GB 11643-1999)

ID_WEIGHTS: Final[tuple[int, ...]] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# Index = weighted sum mod 11.
ID_CHECK_MAP: Final[str] = "10X98765432"

_DIGITS: Final = frozenset("0123456789")
_EARLIEST_BIRTH: Final = datetime.date(1900, 1, 1)


def id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    return digits_check_char(first17)


def digits_check_char(first17: str) -> str:
    """:func:`id_check_char` without the argument check: the caller knows it has 17 ASCII digits.

    The weights are 2**17 … 2**1 mod 11 (ISO 7064 MOD 11-2), and 13 ≡ 2
    (mod 11), so the weighted sum is 2 × (the digits read in base 13) mod
    11: one ``int()`` in C instead of 17 multiplications in Python, which
    matters for a 100,000-row roster.
    """
    return ID_CHECK_MAP[2 * int(first17, 13) % 11]


def convert_15_to_18(id15: str) -> str:
    """Convert an old 15-digit number: insert "19" after the area code, add the check."""
    if len(id15) != 15 or not set(id15) <= _DIGITS:
        raise ValueError(f"expected 15 ASCII digits, got {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + id_check_char(first17)


# What a masked number shows.  The roster search of a user without the right to
# see full numbers matches only these parts or the whole number (store.rosters).
ID_SHOWN_HEAD: Final = 6
ID_SHOWN_TAIL: Final = 4
PHONE_SHOWN_HEAD: Final = 3  # of an 11-digit mobile number
PHONE_SHOWN_TAIL: Final = 4


def mask_id(number: str) -> str:
    """First 6 and last 4 characters kept, the middle starred.

    ``"222401199001011234"`` -> ``"222401********1234"``. Up to 10 characters
    are starred completely (keeping 6 + 4 of them would hide nothing).
    """
    shown = ID_SHOWN_HEAD + ID_SHOWN_TAIL
    if len(number) <= shown:
        return "*" * len(number)
    return number[:ID_SHOWN_HEAD] + "*" * (len(number) - shown) + number[-ID_SHOWN_TAIL:]


def mask_phone(phone: str) -> str:
    """An 11-digit mobile number as ``"138****1234"``; others keep the last 4."""
    text = _squeeze(phone)
    digits = text.replace("-", "")
    if len(digits) == 11 and digits[0] == "1" and set(digits) <= _DIGITS:
        return digits[:PHONE_SHOWN_HEAD] + "*" * (11 - PHONE_SHOWN_HEAD - PHONE_SHOWN_TAIL) + digits[-PHONE_SHOWN_TAIL:]
    if len(text) <= PHONE_SHOWN_TAIL:
        return text
    return "*" * (len(text) - PHONE_SHOWN_TAIL) + text[-PHONE_SHOWN_TAIL:]


# A run of 10 to 18 digits (the last may be X) standing alone in a text: an ID number, a mobile
# number, or a wrong one (a wrong ID number is still someone's, within a digit or two).
_NUMBER_IN_TEXT: Final = re.compile(r"(?<![0-9A-Za-z])\d{9,17}[\dXx](?![0-9A-Za-z])")


def mask_numbers(text: str) -> str:
    """Every ID-like or phone-like number inside a message masked as :func:`mask_id` /
    :func:`mask_phone` show it (a problem's message quotes the cell it is about)."""
    def masked(found: re.Match[str]) -> str:
        number = found.group()
        return mask_phone(number) if len(number) == 11 and number[0] == "1" else mask_id(number)
    return _NUMBER_IN_TEXT.sub(masked, text)


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character ID number and what it says."""

    number: str
    area_code: str
    birth_date: datetime.date
    sex: Literal["M", "F"]
    converted_from_15: bool

    @property
    def masked(self) -> str:
        return mask_id(self.number)


def _check_chars(text: str) -> None:
    """Digits only; an 18-character number may end in X."""
    if text.isascii() and (text.isdigit() or (len(text) == 18 and text[:17].isdigit() and text[17] == "X")):
        return  # the usual number, checked in C rather than a character at a time
    for index, ch in enumerate(text):
        if ch in _DIGITS or (ch == "X" and len(text) == 18 and index == 17):
            continue
        raise IdentifierError("id_chars", char=ch, position=index + 1)


def _birth_date(yyyymmdd: str, today: datetime.date) -> datetime.date:
    try:
        birth = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise IdentifierError("id_birth_date", birth=yyyymmdd, reason="not_a_date") from None
    if birth > today:
        raise IdentifierError("id_birth_date", birth=yyyymmdd, reason="future")
    if birth < _EARLIEST_BIRTH:
        raise IdentifierError("id_birth_date", birth=yyyymmdd, reason="before_1900")
    return birth


def parse_id_number(raw: object, *, today: datetime.date | None = None) -> IdNumber:
    """Normalise and validate an ID number (18 characters, or 15 digits converted).

    Error codes, checked in this order: ``id_stored_as_number``, ``id_empty``,
    ``id_length``, ``id_chars``, ``id_birth_date``, ``id_checksum``.
    """
    text = normalize_id_text(raw)
    if not text:
        raise IdentifierError("id_empty")
    if len(text) not in (15, 18):
        raise IdentifierError("id_length", length=len(text))
    _check_chars(text)
    if today is None:
        today = datetime.date.today()

    if len(text) == 15:
        birth = _birth_date("19" + text[6:12], today)
        number = convert_15_to_18(text)
    else:
        birth = _birth_date(text[6:14], today)
        expected = id_check_char(text[:17])
        if text[17] != expected:
            raise IdentifierError("id_checksum", expected=expected, actual=text[17])
        number = text

    return IdNumber(
        number=number,
        area_code=number[:6],
        birth_date=birth,
        sex="M" if int(number[16]) % 2 else "F",
        converted_from_15=len(text) == 15,
    )


def is_valid_id_number(raw: object) -> bool:
    try:
        parse_id_number(raw)
    except IdentifierError:
        return False
    return True


def age_on(id_number: IdNumber, on: datetime.date) -> int:
    """Age in whole years on the date ``on`` (negative before the birth date).

    Someone born on 29 February turns a year older on 1 March in other years.
    """
    birth = id_number.birth_date
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


# --------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

USCC_ALPHABET: Final[str] = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I O Z S V
USCC_WEIGHTS: Final[tuple[int, ...]] = (
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
)
_USCC_VALUE: Final[dict[str, int]] = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
USCC_LENGTH: Final = 18


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or not set(first17) <= _USCC_VALUE.keys():
        raise ValueError(f"expected 17 credit-code characters, got {first17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(raw: object) -> str:
    """Half-width, without whitespace, upper case. ``None`` gives ``""``.

    A number is refused (``uscc_stored_as_number``), like an ID number.
    """
    if _is_blank(raw):
        return ""
    if _is_number(raw):
        raise IdentifierError("uscc_stored_as_number", value=_number_text(raw))
    return _squeeze(str(raw)).upper()


def _uscc_bad_char(text: str) -> IdentifierError | None:
    for index, ch in enumerate(text):
        if ch not in _USCC_VALUE:
            return IdentifierError("uscc_chars", char=ch, position=index + 1)
    return None


def parse_uscc(raw: object) -> str:
    """The normalised 18-character code, or :class:`IdentifierError`.

    Error codes: ``uscc_stored_as_number``, ``uscc_empty``, ``uscc_length``,
    ``uscc_chars`` (params ``char``, 1-based ``position``), ``uscc_checksum``
    (``expected``, ``actual``).
    """
    text = normalize_uscc(raw)
    if not text:
        raise IdentifierError("uscc_empty")
    if len(text) != USCC_LENGTH:
        raise IdentifierError("uscc_length", length=len(text))
    bad = _uscc_bad_char(text)
    if bad is not None:
        raise bad
    expected = uscc_check_char(text[:17])
    if text[17] != expected:
        raise IdentifierError("uscc_checksum", expected=expected, actual=text[17])
    return text


def is_valid_uscc(raw: object) -> bool:
    try:
        parse_uscc(raw)
    except IdentifierError:
        return False
    return True


def uscc_partial_problem(text: str) -> str | None:
    """For as-you-type checking: the problem code, or None if still possible.

    None while the text (normalised) could still become a valid code, i.e. at
    most 18 valid characters, and when it is complete and valid.
    """
    normalized = _squeeze(text).upper()
    bad = _uscc_bad_char(normalized)
    if bad is not None:
        return bad.code
    if len(normalized) > USCC_LENGTH:
        return "uscc_length"
    if len(normalized) == USCC_LENGTH and normalized[17] != uscc_check_char(normalized[:17]):
        return "uscc_checksum"
    return None
