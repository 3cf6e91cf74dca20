"""Finding Chinese fonts for the letter, and refusing to print empty boxes.

GB/T 9704 asks for 仿宋 (body), 黑体 (一、 headings), 楷体 (（一） headings)
and 小标宋 (the title). Where they are:

1. the files chosen in the settings (one per role, or one for all);
2. Windows: ``%WINDIR%\\Fonts`` and the user's own font folder
   (simfang.ttf, simhei.ttf, simkai.ttf, simsun.ttc, 方正小标宋 when installed);
   when none of those names is there (a trimmed image), every TrueType file
   in those folders, tried by its characters;
3. fontconfig (``fc-list :lang=zh``) on Linux, and the usual font folders when
   fc-list is not there.  统信UOS and 麒麟 ship the CESI fonts
   (CESI_FS_GB2312 仿宋, CESI_KT_GB2312 楷体, CESI_HT_GB2312 黑体,
   CESI_SS_GB2312 宋体, CESI_XBS_GB2312 小标宋) under /usr/share/fonts, and
   fontconfig lists them; their family and file names both give the role.

reportlab embeds TrueType outlines only (``glyf``; CFF/OTF fonts such as Noto
Sans CJK are refused), so each candidate is loaded and must have the common
characters of a letter. A role with no font of its own falls back along
:data:`FALLBACK` (仿宋 → 宋体 → 楷体 → 黑体 → any), and each character is
drawn with the first font of the chain that has it; ASCII falls back to the
PDF base font Times-Roman. A character no font has raises
:class:`~desktop.core.letter.LetterError` naming it, and no font at all raises
``letter_no_font``: never a page of empty boxes.

Loaded fonts are cached for the life of the process (a CJK TrueType file is
tens of megabytes; parsing it once matters when 500 letters are printed).
What the search learnt about each face is remembered between processes
(:mod:`desktop.letters.font_survey`): the machine's font set is then built
without opening a file, and a face is opened when a letter first draws with it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from desktop.core.letter import LetterError
from desktop.letters import face_cache
from desktop.letters.font_survey import Face, Survey
from desktop.letters.font_survey import default_path as survey_path

ROLES: Final = ("fangsong", "heiti", "kaiti", "songti", "xiaobiaosong")
ROLE_LABELS: Final = {"fangsong": "仿宋", "heiti": "黑体", "kaiti": "楷体", "songti": "宋体",
                      "xiaobiaosong": "小标宋"}
FALLBACK: Final[dict[str, tuple[str, ...]]] = {
    "fangsong": ("fangsong", "songti", "kaiti", "heiti", "xiaobiaosong", "any"),
    "heiti": ("heiti", "xiaobiaosong", "songti", "fangsong", "kaiti", "any"),
    "kaiti": ("kaiti", "fangsong", "songti", "heiti", "xiaobiaosong", "any"),
    "songti": ("songti", "fangsong", "kaiti", "heiti", "xiaobiaosong", "any"),
    "xiaobiaosong": ("xiaobiaosong", "heiti", "songti", "fangsong", "kaiti", "any"),
}
ASCII_FALLBACK: Final = "Times-Roman"
#: A font without these is no use for a letter (it would print boxes in every paragraph).
REQUIRED_CHARS: Final = "确认书劳务协作企业吉林延边人数占比审核结论附件名册〔〕（）：，。、；"

WINDOWS_FILES: Final[dict[str, tuple[str, ...]]] = {
    "fangsong": ("simfang.ttf", "仿宋_GB2312.ttf", "FS_GB2312.ttf", "STFANGSO.TTF"),
    "heiti": ("simhei.ttf", "STHEITI.TTF", "msyh.ttc"),
    "kaiti": ("simkai.ttf", "楷体_GB2312.ttf", "KAITI_GB2312.TTF", "STKAITI.TTF"),
    "songti": ("simsun.ttc", "STSONG.TTF", "simsunb.ttf"),
    "xiaobiaosong": ("FZXBSJW.TTF", "方正小标宋简体.ttf", "方正小标宋_GBK.ttf", "FZXBSK.TTF"),
}
_CESI: Final = r"(?:^|[\s_,-])(?:CESI[_-]?)?{}(?:[_-]GB2312|[_-]GB18030|$)"  # CESI_FS_GB2312 and the like
_FAMILY_ROLES: Final = (
    ("xiaobiaosong", re.compile(r"xiaobiaosong|小标宋|" + _CESI.format("XBS"), re.I)),
    ("fangsong", re.compile(r"fangsong|仿宋|" + _CESI.format("FS"), re.I)),
    ("kaiti", re.compile(r"kai|楷|" + _CESI.format("KT"), re.I)),
    ("heiti", re.compile(r"hei|黑|sans|gothic|" + _CESI.format("HT"), re.I)),
    ("songti", re.compile(r"song|sun|宋|ming|明|serif|" + _CESI.format("SS"), re.I)),
)


@dataclass(frozen=True)
class FontFile:
    """A font face on disk: ``index`` is the face inside a .ttc collection."""

    path: Path
    index: int = 0
    family: str = ""
    role: str = "any"  # the role its family name suggests
    source: str = ""  # settings / windows / fontconfig / folder

    @property
    def key(self) -> str:
        return f"{self.path}#{self.index}"


def role_of_family(family: str) -> str:
    for role, pattern in _FAMILY_ROLES:
        if pattern.search(family):
            return role
    return "any"


# --------------------------------------------------------------------------
# Where fonts are


def windows_font_dirs(environ: Mapping[str, str] = os.environ) -> list[Path]:
    dirs = []
    windir = environ.get("WINDIR") or environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    local = environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def windows_candidates(dirs: Iterable[Path]) -> list[FontFile]:
    found = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        present = {p.name.lower(): p for p in folder.iterdir()}
        for role, names in WINDOWS_FILES.items():
            for name in names:
                path = present.get(name.lower())
                if path is not None:
                    found.append(FontFile(path, 0, name, role, "windows"))
    return found


def fontconfig_candidates(fc_list: str | None = None) -> list[FontFile]:
    """Chinese TrueType faces fontconfig knows (none when fc-list is not installed)."""
    fc_list = fc_list or shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        done = subprocess.run(
            [fc_list, ":lang=zh", "-f", "%{file}|%{index}|%{family}|%{fontformat}\n"],
            capture_output=True, text=True, timeout=20, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in sorted(done.stdout.splitlines()):
        parts = line.split("|")
        if len(parts) < 4 or parts[3].strip() not in ("TrueType", ""):
            continue  # CFF: reportlab cannot embed it
        path = Path(parts[0])
        if path.suffix.lower() not in (".ttf", ".ttc"):
            continue
        family = parts[2].split(",")[0]
        index = int(parts[1]) if parts[1].isdigit() else 0
        found.append(FontFile(path, index, family, role_of_family(parts[2]), "fontconfig"))
    # Regular faces first: "Sharp"/"Mono" variants of the same family are less suitable.
    found.sort(key=lambda f: (("sharp" in f.family.lower()) + ("mono" in f.family.lower()), f.index))
    return found


def folder_candidates(dirs: Iterable[Path]) -> list[FontFile]:
    """Every .ttf/.ttc under these folders (when fontconfig is missing)."""
    found = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in (".ttf", ".ttc"):
                found.append(FontFile(path, 0, path.stem, role_of_family(path.stem), "folder"))
    return found


def system_candidates() -> list[FontFile]:
    """Windows fonts, then fontconfig, then the usual folders."""
    found = windows_candidates(windows_font_dirs())
    if sys.platform == "win32" and not found:
        found += folder_candidates(windows_font_dirs())
    if sys.platform != "win32":
        found += fontconfig_candidates()
        if not found:
            home = Path.home()
            found += folder_candidates([home / ".fonts", home / ".local" / "share" / "fonts",
                                        Path("/usr/share/fonts"), Path("/usr/local/share/fonts")])
    return found


# --------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class LoadedFont:
    file: FontFile
    name: str  # as registered with reportlab
    face_name: str
    chars: frozenset[int] | None  # None: known from the survey, the file not opened yet
    ascent: float  # per unit of font size
    descent: float  # negative


def _font_name(path: str, index: int) -> str:
    return "LX-" + hashlib.sha1(f"{path}#{index}".encode()).hexdigest()[:10]


@lru_cache(maxsize=32)
def _load(path: str, index: int) -> LoadedFont:
    name = _font_name(path, index)
    try:
        font = face_cache.restore(name, path, index) or TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError, IndexError, AssertionError) as exc:
        raise LetterError("letter_font_unusable", path=path, detail=_why(exc)) from exc
    chars = frozenset(font.face.charToGlyph)
    missing = [c for c in REQUIRED_CHARS if ord(c) not in chars]
    if missing:
        raise LetterError("letter_font_unusable", path=path,
                          detail=f"缺少常用汉字（如“{''.join(missing[:5])}”），不是中文字体")
    _tables_read_once(font.face)
    pdfmetrics.registerFont(font)
    face_name = font.face.name.decode("latin-1") if isinstance(font.face.name, bytes) else str(font.face.name)
    units = 1000.0
    return LoadedFont(FontFile(Path(path), index), name, face_name, chars,
                      font.face.ascent / units, font.face.descent / units)


def _tables_read_once(face: Any) -> None:
    """Each table of the font file copied out once a process, not once per subset.

    reportlab copies a table out of the whole file each time it asks for one, and it makes
    a subset of every font a PDF uses: for a Chinese font that is the glyph table, many
    megabytes, copied for every letter drawn. The tables are the file's bytes and never
    change, so each face keeps the copies it has made.
    """
    read = face.get_table
    tables: dict[str, bytes] = {}

    def get_table(tag: str) -> bytes:
        table = tables.get(tag)
        if table is None:
            table = tables[tag] = read(tag)
        return table

    face.get_table = get_table


def _why(exc: BaseException) -> str:
    text = str(exc)
    if "postscript" in text.lower() or "cff" in text.lower():
        return "这是 OpenType/CFF 字体，无法嵌入 PDF，请选用 TrueType（.ttf/.ttc）字体"
    return text or type(exc).__name__


def load(file: FontFile) -> LoadedFont:
    loaded = _load(str(file.path), file.index)
    return LoadedFont(file, loaded.name, loaded.face_name, loaded.chars, loaded.ascent, loaded.descent)


def opened(font: LoadedFont) -> frozenset[int]:
    """The font's characters, its file opened (and registered with reportlab) when not yet."""
    if font.chars is not None:
        return font.chars
    chars = _load(str(font.file.path), font.file.index).chars
    assert chars is not None
    return chars


def _drawn(font: LoadedFont) -> None:
    """A face a letter draws with: its parsed tables are kept for the next process (once)."""
    face_cache.remember(pdfmetrics.getFont(font.name), str(font.file.path), font.file.index)


def surveyed(file: FontFile, survey: Survey | None) -> tuple[LoadedFont, bool] | None:
    """(the face, whether it has Latin letters), or None when it is of no use for a letter.

    Known from the survey: not opened.  Not known (or changed since): opened and surveyed.
    """
    face = survey.get(file.path, file.index) if survey is not None else None
    if face is not None:
        if not face.ok:
            return None
        name = _font_name(str(file.path), file.index)
        return LoadedFont(file, name, face.face_name, None, face.ascent, face.descent), face.latin
    try:
        loaded = load(file)
    except LetterError as exc:
        if survey is not None and not isinstance(exc.__cause__, OSError):  # unreadable now is not for ever
            survey.put(file.path, file.index, Face(False, detail=str(exc.params.get("detail", ""))))
        return None
    latin = _has_latin(loaded)
    if survey is not None:
        survey.put(file.path, file.index,
                   Face(True, "", loaded.face_name, latin, loaded.ascent, loaded.descent))
    return loaded, latin


# --------------------------------------------------------------------------
# The fonts of one letter


@dataclass(frozen=True)
class FontSet:
    """The font of each role, with the fallback chain each character follows."""

    chains: Mapping[str, tuple[LoadedFont, ...]]
    chosen: Mapping[str, LoadedFont]  # the first font of each role's chain
    fallbacks: Mapping[str, str]  # role → the role whose font stands in for it ("" when its own)
    notes: tuple[str, ...] = field(default=())

    def font_for(self, role: str, char: str) -> str | None:
        """The registered font name that draws ``char`` in ``role``, or None."""
        code = ord(char)
        for font in self.chains[role]:
            if code in opened(font):
                _drawn(font)
                return font.name
        if code < 128:
            return ASCII_FALLBACK
        return None

    def primary(self, role: str) -> LoadedFont:
        """The role's own font, opened: its name is ready for a canvas."""
        font = self.chosen[role]
        opened(font)
        _drawn(font)
        return font

    def check(self, text: str, role: str, context: str = "") -> None:
        """Refuse text with a character no font can draw."""
        for char in set(text):
            if char.isspace() or char.isprintable() is False:
                continue
            if self.font_for(role, char) is None:
                raise LetterError("letter_missing_glyph", char=char, codepoint=f"{ord(char):04X}",
                                  context=context or text[:20])

    def summary(self) -> dict[str, str]:
        """role label → the face used (and what it stands in for): kept in the PDF and the letter record."""
        out = {}
        for role in ROLES:
            font = self.chosen[role]
            stand_in = self.fallbacks[role]
            note = f"（代替{ROLE_LABELS[role]}）" if stand_in else ""
            out[ROLE_LABELS[role]] = f"{font.face_name}{note} {font.file.path.name}"
        return out


def build_fontset(candidates: Sequence[FontFile], overrides: Mapping[str, str] | None = None,
                  searched: Sequence[str] = (), survey: Survey | None = None) -> FontSet:
    """Choose a font per role from the settings' files and the candidates found.

    ``overrides``: role → path ("all" for every role). A chosen file that
    cannot be used is an error (the clerk asked for it); a found one is skipped.
    ``survey``: what earlier runs learnt about the candidates (they are opened when not in it).
    """
    by_role: dict[str, list[LoadedFont]] = {role: [] for role in (*ROLES, "any")}
    latin: dict[str, bool] = {}
    seen: set[str] = set()
    for role, value in (overrides or {}).items():
        if not value:
            continue
        path, index = parse_override(value)
        loaded = load(FontFile(Path(path), index, Path(path).stem, role, "settings"))
        latin[loaded.name] = _has_latin(loaded)
        for target in (ROLES if role == "all" else (role,)):
            by_role[target].insert(0, loaded)
    for file in candidates:
        if file.key in seen:
            continue
        seen.add(file.key)
        found = surveyed(file, survey)
        if found is None:
            continue
        loaded, latin[found[0].name] = found
        by_role[file.role if file.role in by_role else "any"].append(loaded)
    for role in (*ROLES, "any"):  # within a role, fonts that also have Latin letters and digits first
        by_role[role].sort(key=lambda f: (f.file.source != "settings", not latin[f.name]))
    everything = [f for role in (*ROLES, "any") for f in by_role[role]]
    if not everything:
        raise LetterError("letter_no_font", searched="；".join(searched) or "（无）")
    chains: dict[str, tuple[LoadedFont, ...]] = {}
    fallbacks: dict[str, str] = {}
    for role in ROLES:
        chain: list[LoadedFont] = []
        stand_in = ""
        for step in FALLBACK[role]:
            fonts = by_role[step] if step != "any" else everything
            for font in fonts:
                if font.name not in {f.name for f in chain}:
                    if not chain and step != role:
                        stand_in = step
                    chain.append(font)
        chains[role] = tuple(chain)
        fallbacks[role] = stand_in
    chosen = {role: chains[role][0] for role in ROLES}
    notes = tuple(f"{ROLE_LABELS[r]}：未找到，用{chosen[r].face_name}代替" for r in ROLES if fallbacks[r])
    return FontSet(chains, chosen, fallbacks, notes)


def _has_latin(font: LoadedFont) -> bool:
    return all(ord(c) in opened(font) for c in "0123456789ABCXYZabcxyz")


def parse_override(text: str) -> tuple[str, int]:
    """A settings value ``C:\\Fonts\\simsun.ttc#1`` → (path, face index)."""
    match = re.match(r"^(.*?)(?:#(\d+))?$", text.strip())
    assert match is not None
    return match.group(1), int(match.group(2) or 0)


_SYSTEM: dict[str, tuple[list[FontFile], list[str]]] = {}


def system_fonts(refresh: bool = False) -> tuple[list[FontFile], list[str]]:
    """The candidates on this machine (found once per process) and where we looked."""
    if refresh or "found" not in _SYSTEM:
        searched = [str(d) for d in windows_font_dirs()]
        if sys.platform != "win32":
            searched.append("fontconfig (fc-list :lang=zh)" if shutil.which("fc-list") else "fc-list 未安装")
        _SYSTEM["found"] = (system_candidates(), searched)
    return _SYSTEM["found"]


_SETS: dict[tuple[tuple[str, str], ...], FontSet] = {}


def fontset(overrides: Mapping[str, str] | None = None) -> FontSet:
    """The letter fonts of this machine with the settings' choices (cached)."""
    key = tuple(sorted((k, v) for k, v in (overrides or {}).items() if v))
    if key not in _SETS:
        found, searched = system_fonts()
        survey = Survey(survey_path(), REQUIRED_CHARS)
        _SETS[key] = build_fontset(found, dict(key), searched, survey)
        survey.save(keep={f"{f.path}#{f.index}" for f in found})
    return _SETS[key]
