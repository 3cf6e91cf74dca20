"""Work-arounds for bugs in the Qt bindings we ship with; each says when it can go."""

from __future__ import annotations

import ctypes
import sys
from typing import Final

import PySide6

_IMMORTAL: Final = 1 << 40


def keep_none_alive() -> bool:
    """Give ``None``, ``True`` and ``False`` reference counts that cannot run out; True when that was needed.

    PySide6/shiboken6 6.12.0 (abi3 wheels) return ``None`` without adding a
    reference, as is right only where ``None`` is immortal (Python 3.12+,
    PEP 683).  On Python 3.11 every Qt call that answers ``None`` -
    ``findChild()`` finding nothing, ``currentData()`` of an empty combo box,
    ``parent()`` of a window - takes one reference away, and after a few
    thousand the interpreter aborts ("Fatal Python error: none_dealloc"),
    possibly in the middle of a clerk's work.  ``SignalInstance.emit()`` does
    the same with the ``True`` it returns: every signal emitted from Python
    (a progress report, a model's dataChanged) takes a reference from
    ``True`` ("bool_dealloc" at the latest when the interpreter exits).
    6.11.2 does not do this.  Remove once we require Python 3.12 or a fixed
    PySide6.
    """
    if sys.version_info >= (3, 12) or PySide6.__version_info__ < (6, 12):
        return False
    if sys.implementation.name != "cpython" or hasattr(sys, "gettotalrefcount"):
        return False  # ob_refcnt is the first field only in a release CPython build
    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < _IMMORTAL:
            refcount.value += _IMMORTAL
    return True
