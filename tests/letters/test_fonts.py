"""Finding fonts: Windows names, fontconfig, the settings' choice, fallbacks, and a clear refusal."""

from __future__ import annotations

import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core.letter import LetterError
from desktop.letters import fonts as fonts_module
from desktop.letters import LetterPrint, fontset, render_letter
from desktop.letters.fonts import (
    ASCII_FALLBACK, ROLES, FontFile, build_fontset, fontconfig_candidates, parse_override, role_of_family,
    windows_candidates, windows_font_dirs,
)
from tests.letters.cases import sample_content



def cjk() -> Path:
    """Whatever Chinese TrueType font this machine has (found inside a test: its survey stays in the test's home)."""
    return fontset().primary("fangsong").file.path

LATIN_ONLY = next((p for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                               Path("C:/Windows/Fonts/arial.ttf")) if p.exists()), None)


def test_no_font_at_all_is_a_clear_chinese_error() -> None:
    with pytest.raises(LetterError) as caught:
        build_fontset([], None, searched=["C:\\Windows\\Fonts", "fontconfig (fc-list :lang=zh)"])
    assert caught.value.code == "letter_no_font"
    message = str(caught.value)
    assert "找不到可用的中文 TrueType 字体" in message and "不会打印出空白方框" in message
    assert "simfang.ttf" in message and "fonts-wqy-zenhei" in message and "C:\\Windows\\Fonts" in message


def test_unusable_candidates_are_skipped_and_an_unusable_choice_is_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "broken.ttf"
    garbage.write_bytes(b"not a font at all" * 100)
    with pytest.raises(LetterError) as caught:
        build_fontset([FontFile(garbage, role="fangsong")], None)
    assert caught.value.code == "letter_no_font"  # a broken file found on disk is passed over
    with pytest.raises(LetterError) as caught:
        build_fontset([FontFile(cjk())], {"fangsong": str(garbage)})
    assert caught.value.code == "letter_font_unusable" and str(garbage) in str(caught.value)


@pytest.mark.skipif(LATIN_ONLY is None, reason="no Latin-only TrueType font on this machine")
def test_a_font_without_chinese_characters_is_refused() -> None:
    assert LATIN_ONLY is not None
    with pytest.raises(LetterError) as caught:
        build_fontset([], {"all": str(LATIN_ONLY)})
    assert caught.value.code == "letter_font_unusable" and "不是中文字体" in str(caught.value)


def test_roles_fall_back_and_say_so() -> None:
    only = build_fontset([FontFile(cjk(), role="heiti", source="fontconfig")], None)
    assert all(only.primary(role).file.path == cjk() for role in ROLES)
    assert only.fallbacks["heiti"] == "" and only.fallbacks["fangsong"] == "heiti"
    assert "仿宋：未找到" in "；".join(only.notes)
    assert "（代替仿宋）" in only.summary()["仿宋"]
    assert only.font_for("fangsong", "延") == only.primary("fangsong").name


def test_windows_fonts_are_found_by_their_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    shutil.copy(cjk(), fonts / "SIMFANG.TTF")  # any Chinese TrueType file stands in for 仿宋
    shutil.copy(cjk(), fonts / "simhei.ttf")
    (fonts / "arial.ttf").write_bytes(b"x")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    dirs = windows_font_dirs()
    assert dirs == [fonts]
    found = windows_candidates(dirs)
    assert sorted((f.path.name, f.role) for f in found) == [("SIMFANG.TTF", "fangsong"), ("simhei.ttf", "heiti")]
    chosen = build_fontset(found)
    assert chosen.primary("fangsong").file.path.name == "SIMFANG.TTF" and chosen.fallbacks["fangsong"] == ""
    assert chosen.primary("heiti").file.path.name == "simhei.ttf"
    assert chosen.fallbacks["kaiti"] == "fangsong"  # 楷体 → 仿宋


def test_a_windows_without_the_usual_names_is_searched_by_characters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    shutil.copy(cjk(), fonts / ("wqy-zenhei" + cjk().suffix))  # Wine, a trimmed image: no SimSun & co
    (fonts / "tahoma.ttf").write_bytes(b"not a font")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setattr("desktop.letters.fonts.sys.platform", "win32")
    found = fonts_module.system_candidates()
    assert sorted(f.path.name for f in found) == sorted(["tahoma.ttf", "wqy-zenhei" + cjk().suffix])
    chosen = build_fontset(found)  # the broken file is skipped, the Chinese one is used for every role
    assert {chosen.primary(r).file.path.name for r in ROLES} == {"wqy-zenhei" + cjk().suffix}


def test_the_settings_choice_comes_first(tmp_path: Path) -> None:
    copy = tmp_path / "my-kai.ttf"
    shutil.copy(cjk(), copy)
    chosen = build_fontset([FontFile(cjk(), role="heiti", source="fontconfig")], {"kaiti": str(copy)})
    assert chosen.primary("kaiti").file.path == copy and chosen.fallbacks["kaiti"] == ""
    every = build_fontset([FontFile(cjk(), role="heiti")], {"all": str(copy)})
    assert {every.primary(r).file.path for r in ROLES} == {copy}


def test_fontconfig_listing(tmp_path: Path) -> None:
    script = tmp_path / "fc-list"
    script.write_text(
        "#!/bin/sh\n"
        "printf '%s\\n' '/fonts/NotoSansCJK-Regular.ttc|0|Noto Sans CJK SC|CFF'"
        " '/fonts/wqy-zenhei.ttc|1|WenQuanYi Zen Hei Mono,文泉驿等宽正黑|TrueType'"
        " '/fonts/wqy-zenhei.ttc|0|WenQuanYi Zen Hei,文泉驿正黑|TrueType'"
        " '/fonts/simfang.ttf|0|FangSong,仿宋|TrueType' '/fonts/x.pcf|0|Fixed|PCF'\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    found = fontconfig_candidates(str(script))
    assert [(f.path.name, f.index, f.role) for f in found] == [
        ("simfang.ttf", 0, "fangsong"), ("wqy-zenhei.ttc", 0, "heiti"), ("wqy-zenhei.ttc", 1, "heiti"),
    ]  # CFF and bitmap fonts left out; the regular face before the monospaced one


@pytest.mark.parametrize(("family", "role"), [
    ("FangSong", "fangsong"), ("仿宋_GB2312", "fangsong"), ("KaiTi", "kaiti"), ("AR PL UKai CN", "kaiti"),
    ("SimHei", "heiti"), ("WenQuanYi Zen Hei", "heiti"), ("SimSun", "songti"), ("AR PL UMing CN", "songti"),
    ("方正小标宋简体", "xiaobiaosong"), ("FZXiaoBiaoSong-B05S", "xiaobiaosong"), ("Unifont", "any"),
    # 统信UOS / 麒麟: the CESI fonts, by family name and by file name
    ("CESI仿宋-GB2312", "fangsong"), ("CESI_FS_GB2312", "fangsong"), ("CESI_KT_GB2312", "kaiti"),
    ("CESI_HT_GB2312", "heiti"), ("CESI_SS_GB2312", "songti"), ("CESI_XBS_GB2312", "xiaobiaosong"),
    ("CESI小标宋-GB2312", "xiaobiaosong"), ("CESI_FS_GB18030", "fangsong"),
])
def test_roles_from_family_names(family: str, role: str) -> None:
    assert role_of_family(family) == role


def test_face_index_in_a_setting() -> None:
    assert parse_override("C:\\Windows\\Fonts\\simsun.ttc#1") == ("C:\\Windows\\Fonts\\simsun.ttc", 1)
    assert parse_override("/x/simfang.ttf") == ("/x/simfang.ttf", 0)


def test_a_character_no_font_has_is_refused_not_printed_as_a_box() -> None:
    rare = "\U0002A6A5"  # 𪚥, CJK extension B: not in the usual fonts
    if fontset().font_for("fangsong", rare) is not None:
        pytest.skip("this machine's font has even that character")
    names = ["金" + rare + "花"] + [f"职工{i}" for i in range(1, 5)]
    content = sample_content(5, names=names)
    with pytest.raises(LetterError) as caught:
        render_letter(LetterPrint(content, content.verification_code(), content.qr_payload()), fontset())
    assert caught.value.code == "letter_missing_glyph"
    assert rare in str(caught.value) and "U+2A6A5" in str(caught.value) and "金" in str(caught.value)


def test_ascii_falls_back_to_a_base_font_only_when_no_chinese_font_has_it() -> None:
    assert fontset().font_for("fangsong", "7") != ASCII_FALLBACK  # the Chinese font has digits
    narrowed = replace(fontset(), chains={role: tuple(
        replace(font, chars=frozenset(c for c in fonts_module.opened(font) if c >= 0x2000)) for font in chain)
        for role, chain in fontset().chains.items()})
    assert narrowed.font_for("fangsong", "7") == ASCII_FALLBACK
    assert narrowed.font_for("fangsong", "\u00e9") is None  # é: not ASCII, no font → refused


def test_the_fonts_of_this_machine_are_found_once() -> None:
    assert fontset() is fontset()
    assert fontset({"all": str(cjk())}) is fontset({"all": str(cjk())})


def test_a_font_table_is_copied_out_of_the_file_once_not_per_letter() -> None:
    """reportlab subsets every font once a PDF; the glyph table (megabytes for a Chinese
    font) is read from the file's bytes the first time, then the same copy serves."""
    from reportlab.pdfbase import pdfmetrics

    letter = sample_content(2)
    for _ in range(2):
        render_letter(LetterPrint(letter, letter.verification_code(), letter.qr_payload()), fontset())
    face = pdfmetrics.getFont(fontset().primary("fangsong").name).face
    assert face.get_table("glyf") is face.get_table("glyf")


def test_reportlab_formats_numbers_with_its_c_accelerator() -> None:
    """rl_accel is a dependency: without it a fifth of drawing a letter is pure-Python number formatting."""
    from reportlab.lib.rl_accel import fp_str

    assert type(fp_str).__name__ == "builtin_function_or_method"
    assert fp_str(1.5, 2.0, 0.25) == "1.5 2 .25"
