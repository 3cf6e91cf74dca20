"""The order a Chinese reader expects a list of names in: by pinyin, as a dictionary orders words.

Code-point order (what SQLite's ``ORDER BY name`` gives) puts 赵 before 李
and scatters a surname's people. :func:`sort_key` turns a name into text
that sorts by pinyin: character by character, the syllable, then its tone
(1–4, the neutral tone last), then the character itself, so that one
surname's people stay together and 李 comes before 里. The store keeps
this key in a column beside the name and sorts in the database.

Readings come from pypinyin. Two things it gets wrong for our lists:

* A surname's reading differs from the character's common one (单 shàn,
  not dān; 朴 piáo, the Korean surname frequent in 延边, not pǔ).
  :data:`SURNAME_READINGS` holds these, for the start of a person's name.
* Its phrase matching reads across an administrative suffix: in
  延吉市长白山… it finds 市长 (mayor) and reads 长 as zhǎng. Enterprise
  names are read piece by piece, split after 省 / 市 / 县 / 州.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Final


# Surnames whose reading differs from the character's most common one, as
# 《现代汉语词典》(第7版, 商务印书馆 2016) marks them “姓” (single characters)
# and as 《中国姓氏大辞典》(袁义达、邱家儒, 江西人民出版社 2010) reads the
# compound ones. Syllable with tone number (5 = neutral).
SURNAME_READINGS: Final[dict[str, tuple[str, ...]]] = {
    "单": ("shan4",), "曾": ("zeng1",), "解": ("xie4",), "仇": ("qiu2",), "区": ("ou1",), "查": ("zha1",),
    "朴": ("piao2",), "盖": ("ge3",), "乐": ("yue4",), "覃": ("qin2",), "缪": ("miao4",), "召": ("shao4",),
    "冼": ("xian3",), "种": ("chong2",), "繁": ("po2",), "折": ("she2",), "员": ("yun4",), "秘": ("bi4",),
    "句": ("gou1",), "隗": ("wei3",), "郇": ("huan2",), "眭": ("sui1",), "那": ("na1",), "纪": ("ji3",),
    "翟": ("zhai2",), "燕": ("yan1",), "任": ("ren2",), "华": ("hua4",), "过": ("guo1",), "黑": ("he4",),
    "尉迟": ("yu4", "chi2"), "万俟": ("mo4", "qi2"), "长孙": ("zhang3", "sun1"), "单于": ("chan2", "yu2"),
    "澹台": ("tan2", "tai2"), "令狐": ("ling2", "hu2"), "宰父": ("zai3", "fu3"), "亓官": ("qi2", "guan1"),
}
_LONGEST_SURNAME: Final = max(len(s) for s in SURNAME_READINGS)
_SURNAME_LENGTHS: Final = tuple(range(_LONGEST_SURNAME, 0, -1))
_PIECE_END: Final = re.compile(r"(?<=[省市县州])(?=.)")
_HAN: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ALL_HAN: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_SEP: Final = " "  # below every letter and digit: a shorter syllable comes first (li < lin)


def _reading_key(char: str, reading: str) -> str:
    """li3 + 李: the syllable, its tone, then the character to keep a character's names together."""
    if not _HAN.fullmatch(char):
        return char.lower()
    if not reading[-1:].isdigit():  # a character without a reading: after every syllable
        return "~" + char
    return reading + char


def _load_pypinyin(phrases: bool) -> None:
    """pypinyin, loaded on first use rather than at import; its phrase dictionary (0.25 s of its 0.3 s
    start) only when a reading needs phrases.  A person's name is read character by character, and
    pypinyin holds no one-character phrase, so an import of 100,000 workers never waits for them."""
    global _phrases_loaded
    if "pypinyin" not in sys.modules:
        saved = os.environ.get(_NO_PHRASES)
        os.environ[_NO_PHRASES] = "1"  # read once, by pypinyin.constants
        try:
            import pypinyin  # noqa: F401
        finally:
            if saved is None:
                del os.environ[_NO_PHRASES]
            else:
                os.environ[_NO_PHRASES] = saved
    if phrases and not _phrases_loaded:
        from pypinyin import load_phrases_dict
        from pypinyin.constants import PHRASES_DICT

        if not PHRASES_DICT:  # loaded without them above: the same table a plain import copies in
            from pypinyin.phrases_dict import phrases_dict

            load_phrases_dict(phrases_dict)  # also retrains the segmenter on them
        _phrases_loaded = True


_NO_PHRASES: Final = "PYPINYIN_NO_PHRASES"
_phrases_loaded = False


def _readings(text: str, *, phrases: bool = True) -> list[str]:
    """pypinyin's readings with tone numbers (``phrases=False``: one character, read alone)."""
    _load_pypinyin(phrases)
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")


class _CharKeys(dict[str, str]):
    """One character's key by its most common reading, kept: a roster of 100,000 names reads a few
    thousand distinct characters, and a seen one costs a dict lookup in C."""

    def __missing__(self, char: str) -> str:
        key = _reading_key(char, _readings(char, phrases=False)[0])
        if len(self) < 30000:
            self[char] = key
        return key


_char_key = _CharKeys().__getitem__


def _join(keys: list[str]) -> str:
    """Keys of characters, a separator between them; a run of letters or digits stays one word (abc, 123)."""
    out: list[str] = []
    run = False
    for key in keys:
        if not key.strip():
            run = False
            continue
        plain = len(key) == 1  # a letter, digit or sign; a Chinese character's key is its reading and itself
        if plain and run:
            out[-1] += key
        else:
            out.append(key)
        run = plain
    return _SEP.join(out)


def person_sort_key(name: str) -> str:
    """A person's name: the surname as a surname is read, each other character by its common reading."""
    name = name.strip()
    if not _ALL_HAN.fullmatch(name):
        return _person_key_by_parts(name)
    # Nearly every name: Chinese characters only, each a word of its own in _join, so the key is
    # their keys joined by the separator (an import's 100,000 names in a third of the time).
    for length in _SURNAME_LENGTHS:
        readings = SURNAME_READINGS.get(name[:length])
        if readings is not None:
            return _SEP.join([*map(_reading_key, name[:length], readings), *map(_char_key, name[length:])])
    return _SEP.join(map(_char_key, name))


def _person_key_by_parts(name: str) -> str:
    """:func:`person_sort_key` of any (stripped) name: letters and digits in it join into words."""
    for length in _SURNAME_LENGTHS:
        readings = SURNAME_READINGS.get(name[:length])
        if readings is not None:
            surname = [_reading_key(c, r) for c, r in zip(name[:length], readings, strict=True)]
            return _join(surname + [_char_key(c) for c in name[length:]])
    return _join([_char_key(c) for c in name])


def enterprise_sort_key(name: str) -> str:
    """An enterprise's name, read a piece at a time so that words are read as words (银行 háng, 重庆 chóng)."""
    parts: list[str] = []
    for piece in _PIECE_END.split(name.strip()):
        readings = _readings(piece)
        chars = list(piece)
        if len(readings) == len(chars):
            parts += [_reading_key(c, r) for c, r in zip(chars, readings, strict=True)]
        else:  # pypinyin joined a run of non-Chinese characters: read those one by one
            parts += [_char_key(c) for c in chars]
    return _join(parts)


__all__ = ["SURNAME_READINGS", "enterprise_sort_key", "person_sort_key"]
