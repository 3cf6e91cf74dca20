"""Chinese messages carry no English library text; the original goes to the log (issue 11)."""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest

from desktop.core.oserrors import os_reason
from desktop.store.db import translate_error


@pytest.mark.parametrize(("text", "opening", "expected"), [
    ("unable to open database file", True, "文件无法打开"),
    ("disk I/O error", False, "磁盘读写出错"),
    ("no such table: enterprises", False, "缺少应有的表"),
    ("something SQLite says one day", False, "详细原因已写入日志"),
])
def test_sqlite_errors_become_chinese(caplog: pytest.LogCaptureFixture, text: str, opening: bool,
                                      expected: str) -> None:
    with caplog.at_level(logging.WARNING):
        error = translate_error(sqlite3.OperationalError(text), "/data/office.sqlite3", opening=opening)
    assert expected in str(error) and text not in str(error)
    assert text in caplog.text  # the original, for the maintainers


def test_os_errors_become_chinese(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "没有访问权限"
        assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间已满"
        assert os_reason(OSError(999, "Strange")) == "系统错误（错误号 999）"
    assert "Permission denied" in caplog.text


def windows_error(errno_: int, winerror: int, filename: str) -> OSError:
    """An OSError as Windows raises it: the winerror and the errno Python derives from it."""
    exc = OSError(errno_, "The system said something in English", filename)
    if getattr(exc, "winerror", None) != winerror:  # off Windows the attribute is not set by OSError
        exc.winerror = winerror  # type: ignore[misc]
    return exc


@pytest.mark.parametrize(("errno_", "winerror", "expected"), [
    (errno.EINVAL, 1167, "U 盘可能已拔出"),  # ERROR_DEVICE_NOT_CONNECTED: Python knows no errno for it
    (errno.EINVAL, 21, "U 盘可能已拔出"),  # ERROR_NOT_READY
    (errno.EINVAL, 1006, "U 盘可能已拔出"),  # ERROR_FILE_INVALID
    (errno.EACCES, 32, "文件正被其他程序使用"),  # ERROR_SHARING_VIOLATION, not "no permission"
    (errno.EACCES, 5, "没有访问权限"),  # ERROR_ACCESS_DENIED stays what it is
    (errno.ENOENT, 206, "路径太长（40 个字符"),  # ERROR_FILENAME_EXCED_RANGE
])
def test_windows_errors_say_what_windows_meant(errno_: int, winerror: int, expected: str) -> None:
    assert expected in os_reason(windows_error(errno_, winerror, "E:\\U盘\\备份\\office.sqlite3.part" + "x" * 12))


def test_a_missing_path_over_windows_260_characters_is_said_to_be_too_long() -> None:
    short = "C:\\数据\\" + "长" * 239  # 245 characters: really not there
    assert os_reason(windows_error(errno.ENOENT, 3, short)) == "文件或文件夹不存在"
    long = short + "\\" + "名" * 15  # 261 characters: Windows refuses it unless long paths are enabled
    assert os_reason(windows_error(errno.ENOENT, 3, long)).startswith("路径太长（261 个字符")


def test_a_broken_letter_content_is_said_in_chinese() -> None:
    from desktop.core.letter import LetterContent, LetterError

    with pytest.raises(LetterError) as caught:
        LetterContent.from_dict({"schema": "laoxie.letter/1"})
    assert "缺少字段" in str(caught.value) and "KeyError" not in str(caught.value)
