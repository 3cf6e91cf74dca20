"""Why a file could not be read or written, in Chinese, without the system's own (English) words.

``exc.strerror`` is English on most systems; a Chinese message carries the
phrase from :func:`os_reason` instead and the original goes to the log.
"""

from __future__ import annotations

import errno
import logging
from typing import Final

from desktop.core.messages import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

_REASONS: Final[dict[int, str]] = {
    errno.ENOENT: QT_TRANSLATE_NOOP("problems", "文件或文件夹不存在"),
    errno.EACCES: QT_TRANSLATE_NOOP("problems", "没有访问权限"),
    errno.EPERM: QT_TRANSLATE_NOOP("problems", "没有访问权限"),
    errno.ENOSPC: QT_TRANSLATE_NOOP("problems", "磁盘空间已满"),
    errno.EROFS: QT_TRANSLATE_NOOP("problems", "磁盘或 U 盘是只读的"),
    errno.EIO: QT_TRANSLATE_NOOP("problems", "读写出错（U 盘可能已拔出或已损坏）"),
    errno.EBUSY: QT_TRANSLATE_NOOP("problems", "文件正被其他程序使用"),
    errno.EISDIR: QT_TRANSLATE_NOOP("problems", "这是一个文件夹，不是文件"),
    errno.ENOTDIR: QT_TRANSLATE_NOOP("problems", "路径中有一部分不是文件夹"),
    errno.EEXIST: QT_TRANSLATE_NOOP("problems", "文件已存在"),
    errno.ENAMETOOLONG: QT_TRANSLATE_NOOP("problems", "文件名太长"),
    errno.EFBIG: QT_TRANSLATE_NOOP("problems", "文件太大"),
    errno.ENODEV: QT_TRANSLATE_NOOP("problems", "设备不存在（U 盘可能已拔出）"),
    errno.ENXIO: QT_TRANSLATE_NOOP("problems", "设备不存在（U 盘可能已拔出）"),
}
# Windows says more than the errno Python derives from it: a pulled USB stick comes as
# EINVAL (no errno of its own), a file another program holds as EACCES, a path over
# Windows' 260 characters as ENOENT (see winerror_to_errno in CPython's PC/errmap.h).
# Only errors from Win32 calls carry a winerror (os.replace, os.stat, os.remove, ...):
# open() goes through the C runtime and gives the errno alone (seen under Wine).
_UNPLUGGED: Final = _REASONS[errno.ENODEV]
_TOO_LONG: Final = QT_TRANSLATE_NOOP(
    "problems", "路径太长（{length} 个字符，超过 Windows 的 260 个字符限制）：请换一个较短的文件夹")
_WINDOWS_REASONS: Final[dict[int, str]] = {
    21: _UNPLUGGED,  # ERROR_NOT_READY
    55: _UNPLUGGED,  # ERROR_DEV_NOT_EXIST
    1006: _UNPLUGGED,  # ERROR_FILE_INVALID: the volume of an open file went away
    1167: _UNPLUGGED,  # ERROR_DEVICE_NOT_CONNECTED
    32: _REASONS[errno.EBUSY],  # ERROR_SHARING_VIOLATION: open in Excel or WPS, say
    33: _REASONS[errno.EBUSY],  # ERROR_LOCK_VIOLATION
}
ERROR_FILENAME_EXCED_RANGE: Final = 206
MAX_PATH: Final = 260
_OTHER: Final = QT_TRANSLATE_NOOP("problems", "系统错误（错误号 {errno}）")
_UNKNOWN: Final = QT_TRANSLATE_NOOP("problems", "系统错误")


def os_reason(exc: BaseException) -> str:
    """A short Chinese phrase for an OSError; the original is logged."""
    code = getattr(exc, "errno", None)
    log.warning("%s: %s", type(exc).__name__, exc)
    windows = getattr(exc, "winerror", None)  # set on Windows only
    if isinstance(windows, int):
        longest = max((len(str(n)) for n in (getattr(exc, "filename", None), getattr(exc, "filename2", None))
                       if n is not None), default=0)
        if windows == ERROR_FILENAME_EXCED_RANGE or (windows in (2, 3) and longest >= MAX_PATH):
            return _TOO_LONG.format(length=longest)
        if windows in _WINDOWS_REASONS:
            return _WINDOWS_REASONS[windows]
    if isinstance(code, int):
        return _REASONS.get(code) or _OTHER.format(errno=code)
    return _UNKNOWN
