"""The fonts' survey kept between runs: the next process builds the font set without opening a font file,
and a font changed or removed since, or a broken survey file, sends it back to the search."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from functools import lru_cache
from typing import Any

import pytest

from desktop.core.letter import LetterError
from desktop.letters import LetterPrint, fontset, render_letter
from desktop.letters import font_survey
from desktop.letters import fonts as fonts_module
from desktop.letters.fonts import FontSet
from tests.letters.cases import sample_content


class Machine:
    """Three Chinese fonts listed by a fake fc-list (仿宋, 楷体 and one of no role), and a fresh process's font search each :meth:`fresh`."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        cjk = fontset().primary("fangsong").file  # whatever Chinese TrueType font this machine has
        self.monkeypatch = monkeypatch
        folder = tmp_path / "fonts"
        folder.mkdir()
        self.fang = folder / ("fangsong" + cjk.path.suffix)
        self.kai = folder / ("kaiti" + cjk.path.suffix)
        self.extra = folder / ("unifont" + cjk.path.suffix)
        for copy in self.files:
            shutil.copy(cjk.path, copy)
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        script = bin_dir / "fc-list"
        script.write_text(
            "#!/bin/sh\n"
            f"printf '%s\\n' '{self.fang}|{cjk.index}|FangSong,仿宋|TrueType' '{self.kai}|{cjk.index}|KaiTi,楷体|TrueType'"
            f" '{self.extra}|{cjk.index}|Unifont|TrueType'\n",
            encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        for name in ("WINDIR", "SystemRoot", "LOCALAPPDATA"):
            monkeypatch.delenv(name, raising=False)
        self.opened: list[str] = []  # the font files opened by the last fresh process, in order
        self._parse = fonts_module._load.__wrapped__  # type: ignore[attr-defined]
        self.survey = font_survey.default_path()

    @property
    def files(self) -> list[Path]:
        return [self.fang, self.kai, self.extra]

    def fresh(self) -> FontSet:
        """fontset() as a new process sees it (nothing found, opened or cached yet in this one)."""
        self.opened.clear()
        parsed = lru_cache(maxsize=32)(self._parse)

        def counted(path: str, index: int) -> fonts_module.LoadedFont:
            before = parsed.cache_info().misses
            try:
                return parsed(path, index)
            finally:  # opened (or tried) now, not taken from this process's cache
                if parsed.cache_info().misses > before:
                    self.opened.append(Path(path).name)

        self.monkeypatch.setattr(fonts_module, "_load", counted)
        self.monkeypatch.setattr(fonts_module, "_SYSTEM", {})
        self.monkeypatch.setattr(fonts_module, "_SETS", {})
        return fontset()


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machine:
    if shutil.which("sh") is None or os.name != "posix":
        pytest.skip("the fake fc-list is a shell script")
    return Machine(tmp_path, monkeypatch)


def _draw(fonts: FontSet) -> bytes:
    content = sample_content(3)
    return render_letter(LetterPrint(content, content.verification_code(), content.qr_payload()), fonts).pdf


def test_the_next_process_opens_only_the_fonts_a_letter_draws_with(machine: Machine) -> None:
    first = machine.fresh()
    assert sorted(machine.opened) == sorted(f.name for f in machine.files)  # surveyed: each opened
    assert machine.survey.is_file()
    again = machine.fresh()
    assert machine.opened == []  # the font set comes from the survey
    assert again.summary() == first.summary()
    assert again.primary("fangsong").file.path == machine.fang and again.fallbacks["kaiti"] == ""
    assert _draw(again).startswith(b"%PDF")
    assert machine.fang.name in machine.opened  # the body's font, opened when drawn
    assert machine.extra.name not in machine.opened  # in the fallback chains, never drawn with: never opened


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_survey_is_readable_by_its_owner_only(machine: Machine) -> None:
    machine.fresh()
    assert stat.S_IMODE(machine.survey.stat().st_mode) == 0o600
    assert stat.S_IMODE(machine.survey.parent.stat().st_mode) == 0o700
    assert not [p for p in machine.survey.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_font_changed_since_is_searched_again(machine: Machine) -> None:
    machine.fresh()
    machine.kai.write_bytes(b"no longer a font" * 100)  # same name, other content
    fonts = machine.fresh()
    assert machine.opened == [machine.kai.name]  # the changed one is opened again, the other is not
    assert fonts.primary("kaiti").file.path == machine.fang and fonts.fallbacks["kaiti"] == "fangsong"
    assert _draw(fonts).startswith(b"%PDF")
    machine.fresh()
    assert machine.opened == []  # and what it learnt (of no use) is remembered too


def test_a_font_changed_without_a_new_size_is_noticed_by_its_time(machine: Machine) -> None:
    machine.fresh()
    st = machine.kai.stat()
    os.utime(machine.kai, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    machine.fresh()
    assert machine.opened == [machine.kai.name]


def test_a_font_removed_since_is_not_used_even_when_fontconfig_still_lists_it(machine: Machine) -> None:
    machine.fresh()
    machine.fang.unlink()  # fc-list (its cache not refreshed) still names it
    fonts = machine.fresh()
    assert {fonts.primary(r).file.path for r in fonts_module.ROLES} == {machine.kai}
    assert fonts.fallbacks["fangsong"] == "kaiti"
    assert _draw(fonts).startswith(b"%PDF")
    machine.kai.unlink()
    machine.extra.unlink()
    with pytest.raises(LetterError) as caught:
        machine.fresh()
    assert caught.value.code == "letter_no_font" and "fontconfig" in str(caught.value)


@pytest.mark.parametrize("text", [
    "{not json",
    "[]",
    '{"format": 1}',
    "\udcff",
    None,  # entries of the right header with the wrong shapes
])
def test_a_broken_survey_is_ignored_and_written_afresh(machine: Machine, text: str | None) -> None:
    first = machine.fresh()
    if text is None:
        data: dict[str, Any] = json.loads(machine.survey.read_text(encoding="utf-8"))
        faces = data["faces"]
        for n, key in enumerate(faces):
            faces[key] = [{**faces[key], "face_name": 5}, {**faces[key], "ok": "yes"}, "x"][n % 3]
        faces["y#0"] = {"bogus": 1, "stamp": None}
        machine.survey.write_text(json.dumps(data), encoding="utf-8")
    else:
        machine.survey.write_bytes(text.encode("utf-8", "surrogateescape"))
    fonts = machine.fresh()
    assert sorted(machine.opened) == sorted(f.name for f in machine.files)
    assert fonts.summary() == first.summary()
    machine.fresh()
    assert machine.opened == []  # rewritten whole


def test_a_survey_of_another_version_or_other_required_characters_is_not_trusted(machine: Machine) -> None:
    machine.fresh()
    data = json.loads(machine.survey.read_text(encoding="utf-8"))
    machine.survey.write_text(json.dumps({**data, "required": data["required"] + "龘"}), encoding="utf-8")
    machine.fresh()
    assert len(machine.opened) == len(machine.files)


def test_a_survey_that_cannot_be_written_only_costs_time(machine: Machine) -> None:
    machine.survey.parent.parent.mkdir(parents=True, exist_ok=True)
    machine.survey.parent.write_text("a file where the cache folder should be", encoding="utf-8")
    fonts = machine.fresh()
    assert _draw(fonts).startswith(b"%PDF")
