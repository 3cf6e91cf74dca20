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


def test_a_broken_letter_content_is_said_in_chinese() -> None:
    from desktop.core.letter import LetterContent, LetterError

    with pytest.raises(LetterError) as caught:
        LetterContent.from_dict({"schema": "laoxie.letter/1"})
    assert "缺少字段" in str(caught.value) and "KeyError" not in str(caught.value)
