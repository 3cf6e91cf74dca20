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
_OTHER: Final = QT_TRANSLATE_NOOP("problems", "系统错误（错误号 {errno}）")
_UNKNOWN: Final = QT_TRANSLATE_NOOP("problems", "系统错误")


def os_reason(exc: BaseException) -> str:
    """A short Chinese phrase for an OSError; the original is logged."""
    code = getattr(exc, "errno", None)
    log.warning("%s: %s", type(exc).__name__, exc)
    if isinstance(code, int):
        return _REASONS.get(code) or _OTHER.format(errno=code)
    return _UNKNOWN
