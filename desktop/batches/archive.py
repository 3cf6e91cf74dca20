"""The ZIP inside a batch: written in a fixed order, read back with limits.

Reading an archive someone else made refuses what could hurt the reader:
too many members, names that climb out of a folder or repeat, sizes that
unpack to far more than they occupy (a "zip bomb"), encrypted members,
unknown compression. Each refusal is a :class:`~desktop.core.batch_reasons.BatchRefused`
with reason ``bad_archive``.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
from collections.abc import Sequence

from desktop.core.batch import MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_BYTES, member_name_problem
from desktop.core.batch_reasons import BatchRefused, refuse

log = logging.getLogger(__name__)

_EOCD = b"PK\x05\x06"
_STORED_SUFFIXES = (".pdf",)  # already compressed: storing them saves time and nothing else


def build(members: Sequence[tuple[str, bytes]], *, date_time: tuple[int, int, int, int, int, int],
          pad_to: int = 1, compresslevel: int = 6) -> bytes:
    """The archive of ``members`` in the order given, every entry dated ``date_time``.

    ``pad_to``: an archive comment of spaces makes the length a multiple of it
    (the encryption then has whole chunks only; see docs/batch-format.md).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 0  # MS-DOS: no Unix permission bits to carry over
            info.external_attr = 0
            if name.lower().endswith(_STORED_SUFFIXES):
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=compresslevel)
    data = buffer.getvalue()
    pad = (-len(data)) % pad_to
    if pad:
        if pad > 0xFFFF or data[-22:-18] != _EOCD:
            raise RuntimeError("cannot pad this archive")
        data = data[:-2] + struct.pack("<H", pad) + b" " * pad
    return data


def read(data: bytes) -> dict[str, bytes]:
    """Every member's bytes by name, or BatchRefused("bad_archive")."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - zipfile fails many ways on a crafted directory
        log.warning("not a readable ZIP: %s: %s", type(exc).__name__, exc)
        raise refuse("bad_archive", detail="无法读取 ZIP：不是 ZIP 文件，或其目录已损坏") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise refuse("bad_archive", detail=f"文件数 {len(infos)} 超过上限 {MAX_MEMBERS}")
        seen: set[str] = set()
        total = 0
        for info in infos:
            problem = member_name_problem(info.filename)
            if problem:
                raise refuse("bad_archive", detail=problem)
            if info.filename in seen:
                raise refuse("bad_archive", detail=f"文件名 {info.filename} 重复")
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise refuse("bad_archive", detail=f"{info.filename} 被加密")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise refuse("bad_archive", detail=f"{info.filename} 的压缩方式 {info.compress_type} 不受支持")
            if info.file_size > MAX_MEMBER_BYTES:
                raise refuse("bad_archive", detail=f"{info.filename} 解压后 {info.file_size} 字节，超过上限")
            if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > 1 << 20:
                raise refuse("bad_archive", detail=f"{info.filename} 的压缩比异常（疑似压缩炸弹）")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise refuse("bad_archive", detail="解压后总大小超过上限")
        members: dict[str, bytes] = {}
        for info in infos:
            members[info.filename] = _read_member(archive, info)
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as handle:
            data = handle.read(info.file_size + 1)  # never more than declared (+1 to notice a lie)
    except Exception as exc:  # noqa: BLE001 - zlib.error, BadZipFile (CRC), EOFError, …
        log.warning("member %s does not unpack: %s: %s", info.filename, type(exc).__name__, exc)
        raise refuse("bad_archive", detail=f"{info.filename} 无法解压（数据已损坏）") from exc
    if len(data) != info.file_size:
        raise refuse("bad_archive", detail=f"{info.filename} 的大小与目录不符")
    return data


__all__ = ["BatchRefused", "build", "read"]
