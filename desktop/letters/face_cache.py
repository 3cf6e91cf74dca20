"""A font face's parsed tables kept between runs, so a new process draws its first letter sooner.

Opening a Chinese TrueType face, reportlab turns its whole character map, widths
and glyph offsets into Python dicts and lists (``TTFontFile.extractInfo``: 0.1 s
for a CJK face here, several times that on an old office PC, once per face a
letter uses).  Those are pure functions of the file's bytes: after a face is
first drawn with, what ``extractInfo`` set is written to the user's cache folder
(``faces/<hash>.bin``, owner-only) as a JSON header and flat typed arrays (no
pickle: nothing in it is executed), keyed by the file's size and modification
time and by the reportlab version.  A later process reads the file's bytes as
reportlab does (the subsets are cut from them) and restores those attributes
instead of parsing them again.

Any doubt means the ordinary parse: a missing, stale, foreign or broken entry,
or a value of a type this module does not know how to keep (then nothing is
kept).  tests/letters/test_face_cache.py checks that a restored face and font
equal the parsed ones attribute by attribute and cut the same subset bytes.
"""

from __future__ import annotations

import gc
import hashlib
import json
import struct
import sys
from array import array
from fnmatch import fnmatch
from itertools import accumulate
from pathlib import Path
from typing import Any, Final
from weakref import WeakKeyDictionary

from reportlab import Version as REPORTLAB_VERSION
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFNameBytes, TTFont, TTFontFace, TTFontParser

from desktop.letters.font_survey import file_stamp, write_private
from desktop.places import cache_dir

FORMAT: Final = 1
FOLDER: Final = "faces"
OURS: Final = frozenset({"get_table"})  # set on the face by desktop.letters.fonts, not by reportlab
_KEPT: set[str] = set()  # faces whose entry is known to be current in this process
#: what reading a font file or an entry can raise (reportlab's parser raises more than TTFError on a bad file)
UNREADABLE: Final = (TTFError, OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError,
                     EOFError, OverflowError, struct.error)


def _entry(path: str, index: int) -> Path:
    return cache_dir() / FOLDER / (hashlib.sha1(f"{path}#{index}".encode()).hexdigest()[:20] + ".bin")


def _stamp(path: str) -> list[int]:
    stamp = file_stamp(Path(path))
    if stamp is None:
        raise FileNotFoundError(path)
    return stamp


def _header(path: str, index: int) -> dict[str, Any]:
    return {"format": FORMAT, "reportlab": REPORTLAB_VERSION, "byteorder": sys.byteorder,
            "path": path, "index": index, "stamp": _stamp(path)}


def _bare_face(path: str, index: int) -> TTFontFace:
    """A face with the file read and its table directory, as reportlab has it before extractInfo."""
    face = TTFontFace.__new__(TTFontFace)
    pdfmetrics.TypeFace.__init__(face, None)
    TTFontParser.__init__(face, path, validate=0, subfontIndex=index)
    return face


# --------------------------------------------------------------------------
# Keeping


def _ints(values: Any) -> array:
    return array("i", values)  # OverflowError/TypeError: not kept


def _encode(name: str, value: Any, blobs: list[array]) -> Any:
    """One attribute as a JSON value (big ones as arrays in ``blobs``); ValueError when not kept."""
    def blob(values: array) -> int:
        blobs.append(values)
        return len(blobs) - 1

    if value is None or isinstance(value, (bool, int, float, str)) and type(value) in (bool, int, float, str):
        return {"v": value}
    if type(value) is TTFNameBytes:
        return {"name": value.ustr}
    if type(value) is bytes:
        return {"bytes": value.decode("latin-1")}
    if type(value) in (tuple, list) and len(value) <= 16 and all(type(v) in (int, float) for v in value):
        return {type(value).__name__: list(value)}
    if type(value) is list and all(type(v) is int for v in value):
        return {"ints": blob(_ints(value))}
    if type(value) is list and all(type(v) is tuple and len(v) == 2 for v in value):
        # hmetrics: (advance, lsb); the advance is a float past the last full metric
        firsts, seconds = [v[0] for v in value], [v[1] for v in value]
        if all(type(v) in (int, float) for v in firsts) and all(type(v) is int for v in seconds):
            return {"pairs": blob(array("d", firsts)), "floats": blob(array("b", (type(v) is float for v in firsts))),
                    "seconds": blob(_ints(seconds))}
    if type(value) is dict and all(type(k) is int for k in value):
        values = list(value.values())
        keys = blob(_ints(value))
        if all(type(v) is int for v in values):
            return {"int_ints": keys, "values": blob(_ints(values))}
        if all(type(v) is float for v in values):
            return {"int_floats": keys, "values": blob(array("d", values))}
        if all(type(v) is list and all(type(x) is int for x in v) for v in values):
            return {"int_lists": keys, "counts": blob(_ints(len(v) for v in values)),
                    "values": blob(_ints(x for v in values for x in v))}
    if name == "_pdfScale" and callable(value):
        return {"pdfscale": True}  # extractInfo's lambda x: x * 1000 / unitsPerEm
    raise ValueError(f"{name}: {type(value).__name__} is not kept")


def remember(font: TTFont, path: str, index: int) -> None:
    """Keep what extractInfo set on this freshly parsed face (quietly nothing when it cannot)."""
    key = f"{path}#{index}"
    if key in _KEPT:
        return
    _KEPT.add(key)
    try:
        bare = _bare_face(path, index).__dict__
        attrs: dict[str, Any] = {}
        blobs: list[array] = []
        for name, value in font.face.__dict__.items():
            if name in OURS or (name in bare and (bare[name] is value or type(bare[name]) is type(value)
                                                  and bare[name] == value)):
                continue
            attrs[name] = _encode(name, value, blobs)
        header = {**_header(path, index), "attrs": attrs,
                  "arrays": [[values.typecode, len(values)] for values in blobs]}
    except UNREADABLE:  # the file changed under us, or a value not kept: only the next run is slower
        return
    data = json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(b.tobytes() for b in blobs)
    write_private(_entry(path, index), data)


# --------------------------------------------------------------------------
# Restoring


def _decode(spec: dict[str, Any], arrays: list[array], units: int) -> Any:
    (kind, ref), *rest = spec.items()
    extra = dict(rest)
    if kind == "v":
        return ref
    if kind == "name":
        return TTFNameBytes(ref.encode("utf-8"), "utf8")
    if kind == "bytes":
        return ref.encode("latin-1")
    if kind == "tuple":
        return tuple(ref)
    if kind == "list":
        return list(ref)
    if kind == "ints":
        return arrays[ref].tolist()
    if kind == "pairs":
        numbers, floats = arrays[ref].tolist(), arrays[extra["floats"]].tolist()
        firsts = [v if is_float else int(v) for v, is_float in zip(numbers, floats, strict=True)]
        return list(zip(firsts, arrays[extra["seconds"]].tolist(), strict=True))
    if kind in ("int_ints", "int_floats"):
        return dict(zip(arrays[ref].tolist(), arrays[extra["values"]].tolist(), strict=True))
    if kind == "int_lists":
        keys, counts, flat = arrays[ref].tolist(), arrays[extra["counts"]].tolist(), arrays[extra["values"]].tolist()
        if sum(counts) != len(flat) or len(counts) != len(keys):
            raise ValueError("int_lists: counts do not add up")
        starts = accumulate(counts, initial=0)
        return {key: flat[start:start + count] for key, start, count in zip(keys, starts, counts)}
    if kind == "pdfscale":
        if units == 1000:
            return lambda x: x
        scale = 1000 / units
        return lambda x: x * scale
    raise ValueError(f"unknown kind {kind}")


def restore(name: str, path: str, index: int) -> TTFont | None:
    """The font as ``TTFont(name, path, subfontIndex=index)`` would make it, or None (parse it then)."""
    entry = _entry(path, index)
    try:
        data = entry.read_bytes()
        line, _, rest = data.partition(b"\n")
        header = json.loads(line.decode("utf-8"))
        if not isinstance(header, dict) or any(header.get(k) != v for k, v in _header(path, index).items()):
            return None
        arrays: list[array] = []
        at = 0
        for typecode, count in header["arrays"]:
            values = array(typecode)
            size = values.itemsize * count
            values.frombytes(rest[at:at + size])
            if len(values) != count:
                raise ValueError("short array")
            arrays.append(values)
            at += size
        if at != len(rest):
            raise ValueError("trailing bytes")
        specs: dict[str, Any] = header["attrs"]
        units = specs["unitsPerEm"]["v"]
        face = _bare_face(path, index)
        collecting = gc.isenabled()
        gc.disable()  # some 200,000 new ints, lists and tuples, none of them garbage: half the time went to the collector
        try:
            face.__dict__.update({attr: _decode(spec, arrays, units) for attr, spec in specs.items()})
        finally:
            if collecting:
                gc.enable()
    except UNREADABLE:
        return None
    font = TTFont.__new__(TTFont)  # what TTFont.__init__ sets, with this face
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    _KEPT.add(f"{path}#{index}")
    return font
