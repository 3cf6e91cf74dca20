"""The ZIP inside a batch and writing to a stick."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from desktop.batches import archive, files
from desktop.core import batch as b
from desktop.core.batch_reasons import BatchRefused

STAMP = (2026, 7, 1, 10, 0, 0)


def test_build_is_ordered_dated_and_padded() -> None:
    members = [("manifest.json", b"{}"), ("b.json", b"[1]" * 1000), ("letters/a.pdf", b"%PDF-1.4 x")]
    data = archive.build(members, date_time=STAMP, pad_to=65536)
    assert len(data) % 65536 == 0
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == ["manifest.json", "b.json", "letters/a.pdf"]
        assert z.testzip() is None
        assert {i.date_time for i in z.infolist()} == {STAMP}
        assert z.getinfo("letters/a.pdf").compress_type == zipfile.ZIP_STORED
        assert z.getinfo("b.json").compress_type == zipfile.ZIP_DEFLATED
    assert archive.read(data) == dict(members)
    assert archive.build(members, date_time=STAMP) == archive.build(members, date_time=STAMP)  # deterministic


def zipped(*entries: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as z:
        for name, body in entries:
            z.writestr(name, body)
    return buffer.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(BatchRefused) as caught:
        archive.read(data)
    assert caught.value.code == "bad_archive"
    return str(caught.value)


@pytest.mark.parametrize("name", [
    "../evil.bat", "/abs.txt", "a/../../b", "dir/",
    # Python's zipfile on Windows turns "\\" into "/" when it writes a name, so there the
    # test cannot make the archive it means to refuse (reading turns it into "/" too).
    pytest.param("dir\\x.txt", marks=pytest.mark.skipif(sys.platform == "win32", reason="zipfile maps \\ to /")),
])
def test_names_that_could_escape_are_refused(name: str) -> None:
    assert "文件名" in refused(zipped(("ok.json", b"{}"), (name, b"x")))


def test_duplicates_bombs_and_garbage_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = zipped(("a.json", b"1"), ("a.json", b"2"))
    assert "重复" in refused(twice)
    assert "压缩炸弹" in refused(zipped(("bomb.json", b"0" * (8 << 20))))
    assert "无法读取" in refused(b"not a zip at all")
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    assert "文件数" in refused(zipped(("a", b""), ("b", b""), ("c", b"")))
    monkeypatch.setattr(archive, "MAX_MEMBERS", b.MAX_MEMBERS)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 10)
    assert "总大小" in refused(zipped(("a", b"0123456"), ("b", b"0123456")))


def test_a_member_damaged_inside_is_refused() -> None:
    data = bytearray(zipped(("a.json", b"hello world " * 50), method=zipfile.ZIP_STORED))
    at = data.index(b"hello world")
    data[at] ^= 1  # the CRC no longer matches
    assert "无法解压" in refused(bytes(data))


def test_writing_to_a_stick(tmp_path: Path) -> None:
    target = tmp_path / "batch.age"
    files.write_verified(target, b"abc" * 1000)
    assert target.read_bytes() == b"abc" * 1000 and not files.part_path(target).exists()
    assert files.file_digest(target)[0] == 3000


def test_a_read_back_that_differs_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "batch.age"
    monkeypatch.setattr(files, "file_digest", lambda path: (0, ""))
    with pytest.raises(files.WriteCheckFailed):
        files.write_part(target, b"data")
    assert list(tmp_path.iterdir()) == []
