"""A face's parsed tables kept between runs: restored, it is the very font reportlab parses (same
attributes, same subset bytes); stale, foreign or broken entries are parsed afresh, never an error."""

from __future__ import annotations

import os
import shutil
import stat
from functools import lru_cache
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from desktop.letters import LetterPrint, fontset, render_letter
from desktop.letters import face_cache
from desktop.letters import fonts as fonts_module
from tests.letters.cases import sample_content

SAMPLE = [*range(32, 127), *(ord(c) for c in "确认书劳务协作企业吉林延边人数占比审核结论附件名册〔〕（）：，。、；金花")]


@pytest.fixture
def face(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """A copy of this machine's Chinese font (its own path: nothing of it is cached in this process yet)."""
    monkeypatch.setattr(face_cache, "_KEPT", set())
    cjk = fontset().primary("fangsong").file
    copy = tmp_path / ("face" + cjk.path.suffix)
    shutil.copy(cjk.path, copy)
    return str(copy), cjk.index


def _kept(path: str, index: int) -> Path:
    face_cache._KEPT.discard(f"{path}#{index}")
    face_cache.remember(TTFont("LX-test-parsed", path, subfontIndex=index), path, index)
    entry = face_cache._entry(path, index)
    assert entry.is_file()
    face_cache._KEPT.discard(f"{path}#{index}")
    return entry


def test_a_restored_font_is_the_font_reportlab_parses(face: tuple[str, int]) -> None:
    path, index = face
    _kept(path, index)
    restored = face_cache.restore("LX-test-restored", path, index)
    parsed = TTFont("LX-test-restored", path, subfontIndex=index)
    assert restored is not None
    assert set(vars(restored)) == set(vars(parsed))
    assert (restored.fontName, restored._asciiReadable, restored.shapable) == (
        parsed.fontName, parsed._asciiReadable, parsed.shapable)
    mine, theirs = vars(restored.face), vars(parsed.face)
    assert set(mine) == set(theirs)
    for name, value in theirs.items():
        if name == "_pdfScale":
            assert [mine[name](v) for v in (0, 7, 1000, 2048)] == [value(v) for v in (0, 7, 1000, 2048)]
        else:
            assert type(mine[name]) is type(value) and mine[name] == value, name
    assert restored.face.name.ustr == parsed.face.name.ustr
    assert restored.face.makeSubset(SAMPLE) == parsed.face.makeSubset(SAMPLE)
    assert restored.stringWidth("确认书 No.7", 16) == parsed.stringWidth("确认书 No.7", 16)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_kept_face_is_readable_by_its_owner_only(face: tuple[str, int]) -> None:
    entry = _kept(*face)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(entry.parent.stat().st_mode) == 0o700


def test_a_font_file_changed_since_is_parsed_again(face: tuple[str, int]) -> None:
    path, index = face
    _kept(path, index)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert face_cache.restore("LX-test-stale", path, index) is None
    Path(path).unlink()
    assert face_cache.restore("LX-test-stale", path, index) is None


def test_a_font_file_replaced_behind_the_same_size_and_time_is_not_trusted(face: tuple[str, int]) -> None:
    path, index = face
    _kept(path, index)
    st = os.stat(path)
    Path(path).write_bytes(b"\0" * st.st_size)  # same size...
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # ...and time: the entry's key matches
    assert face_cache.restore("LX-test-replaced", path, index) is None  # reportlab's parse of it fails: no entry used
    face_cache.remember(TTFont("LX-test-parsed-b", fontset().primary("fangsong").file.path), path, index)  # no error


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "header", "trailing", "kind"])
def test_a_broken_entry_is_parsed_afresh(face: tuple[str, int], damage: str) -> None:
    path, index = face
    entry = _kept(path, index)
    data = entry.read_bytes()
    line, _, rest = data.partition(b"\n")
    broken = {
        "truncated": data[: len(data) - 1000],
        "garbage": os.urandom(5000),
        "empty": b"",
        "header": line.replace(b'"format": 1', b'"format": 99') + b"\n" + rest,
        "trailing": data + b"\0\0\0\0",
        "kind": line.replace(b'{"v":', b'{"w":', 1) + b"\n" + rest,
    }[damage]
    assert broken != data
    entry.write_bytes(broken)
    assert face_cache.restore("LX-test-broken", path, index) is None
    loaded = fonts_module._load.__wrapped__(path, index)  # type: ignore[attr-defined]
    assert ord("确") in loaded.chars  # parsed as before


def test_the_next_process_restores_the_faces_a_letter_drew_with(
        face: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    path, index = face
    parse = fonts_module._load.__wrapped__  # type: ignore[attr-defined]
    parsed: list[str] = []

    def counting(name: str, file: str, subfontIndex: int = 0) -> TTFont:
        parsed.append(file)
        return TTFont(name, file, subfontIndex=subfontIndex)

    monkeypatch.setattr(fonts_module, "TTFont", counting)
    content = sample_content(3)
    item = LetterPrint(content, content.verification_code(), content.qr_payload())
    pdfs = []
    for _ in range(2):  # two "processes": nothing parsed or kept in memory between them
        monkeypatch.setattr(face_cache, "_KEPT", set())
        monkeypatch.setattr(fonts_module, "_load", lru_cache(maxsize=32)(parse))
        fonts = fonts_module.build_fontset([], {"all": f"{path}#{index}"})
        pdfs.append(render_letter(item, fonts))
    assert parsed == [path]  # the first parsed it, the second restored it
    assert pdfs[0].pages == pdfs[1].pages and pdfs[0].layouts == pdfs[1].layouts
