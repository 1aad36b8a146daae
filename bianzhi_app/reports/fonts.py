"""Fonts of the official PDF reports: choice by role, registration, per-character fallback.

Roles (GB/T 9704 usage in brackets):

* ``body``    – running text [仿宋_GB2312 3号]
* ``title``   – document and report titles [方正小标宋]
* ``heading`` – 一、 headings and table heads [黑体]
* ``kaiti``   – (一) sub-headings [楷体]
* ``table``   – table cells and page numbers [宋体]

For each role the official Windows fonts are preferred when the machine has them (searched
by file name in the usual font folders and by family name through ``fc-list``), followed by
the fonts bundled in ``resources/fonts`` (LXGW WenKai, and "Bianzhi Sans SC" derived from
Noto Sans CJK SC; both TrueType outlines, both cover CJK extension B names such as 𠮷).
Every font is a reportlab ``TTFont``: embedded as a subset in the PDF.  The non-embedded
CID font STSong-Light is never used.

A role's fonts form a *chain*.  Text is split into runs by the first font of the chain that
has a glyph for each character; a character no font has raises :class:`MissingGlyph`
instead of printing a blank or a box ("tofu").  Variation selectors and zero-width
characters are dropped (the base character is printed).

Set ``BIANZHI_SYSTEM_FONTS=0`` to use only the bundled fonts (tests, reproducible output);
``BIANZHI_FONT_DIRS`` (``os.pathsep``-separated) adds folders searched first.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from bianzhi_app import settings
from bianzhi_app.errors import InvalidInput
from bianzhi_app.resources import resource_path

log = logging.getLogger(__name__)

Role = Literal["body", "title", "heading", "kaiti", "table"]
ROLES: tuple[Role, ...] = ("body", "title", "heading", "kaiti", "table")
Align = Literal["left", "centre", "center", "right", "justify"]


class MissingGlyph(InvalidInput):
    """A character that no available font can print (invalid input: exit code 4 in the CLI)."""

    def __init__(self, char: str, text: str | None = None):
        self.char = char
        self.codepoint = ord(char)
        self.text = text
        super().__init__(f"字符“{char}”(U+{ord(char):04X})在所有可用字体中都没有字形,无法打印")


# --------------------------------------------------------------------------- ToUnicode fix


def _utf16_hex(codepoint: int) -> str:
    if codepoint > 0xFFFF:
        codepoint -= 0x10000
        return f"{0xD800 + (codepoint >> 10):04X}{0xDC00 + (codepoint & 0x3FF):04X}"
    return f"{codepoint:04X}"


def _make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap, but with characters beyond the BMP written as UTF-16
    surrogate pairs: reportlab 5.1 writes ``<20BB7>``, an odd-length hex string that PDF
    readers reject, so 𠮷 could not be copied or searched (it extracted as U+20BB)."""
    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *[f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)],
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


ttfonts.makeToUnicodeCMap = _make_to_unicode_cmap  # looked up by name when a PDF is written


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class SystemFont:
    """An official font that may be installed: its family names and usual file names."""

    label: str
    families: tuple[str, ...]
    files: tuple[str, ...]
    subfont: int = 0


_FANGSONG_GB2312 = SystemFont("仿宋_GB2312", ("仿宋_GB2312", "FangSong_GB2312"),
                              ("仿宋_gb2312.ttf", "fs_gb2312.ttf", "fangsong_gb2312.ttf"))
_FANGSONG = SystemFont("仿宋", ("仿宋", "FangSong"), ("simfang.ttf",))
_FZ_FANGSONG = SystemFont("方正仿宋_GBK", ("方正仿宋_GBK", "FZFangSong-Z02"), ("fzfsk.ttf",))
_ST_FANGSONG = SystemFont("华文仿宋", ("华文仿宋", "STFangsong"), ("stfangso.ttf",))
_FZ_XBS = SystemFont("方正小标宋简体", ("方正小标宋简体", "FZXiaoBiaoSong-B05S"),
                     ("fzxbsjw.ttf", "方正小标宋简体.ttf"))
_FZ_XBS_GBK = SystemFont("方正小标宋_GBK", ("方正小标宋_GBK", "FZXiaoBiaoSong-B05"), ("fzxbsk.ttf",))
_ST_ZHONGSONG = SystemFont("华文中宋", ("华文中宋", "STZhongsong"), ("stzhongs.ttf",))
_SIMSUN = SystemFont("宋体", ("宋体", "SimSun"), ("simsun.ttc", "simsun.ttf"))
_SIMHEI = SystemFont("黑体", ("黑体", "SimHei"), ("simhei.ttf",))
_FZ_HEI = SystemFont("方正黑体_GBK", ("方正黑体_GBK", "FZHei-B01"), ("fzhtk.ttf",))
_KAITI_GB2312 = SystemFont("楷体_GB2312", ("楷体_GB2312", "KaiTi_GB2312"),
                           ("楷体_gb2312.ttf", "kaiti_gb2312.ttf"))
_KAITI = SystemFont("楷体", ("楷体", "KaiTi"), ("simkai.ttf",))
_FZ_KAI = SystemFont("方正楷体_GBK", ("方正楷体_GBK", "FZKai-Z03"), ("fzktk.ttf",))
_ST_KAITI = SystemFont("华文楷体", ("华文楷体", "STKaiti"), ("stkaiti.ttf",))

SYSTEM_PREFERENCES: dict[Role, tuple[SystemFont, ...]] = {
    "body": (_FANGSONG_GB2312, _FANGSONG, _FZ_FANGSONG, _ST_FANGSONG),
    "title": (_FZ_XBS, _FZ_XBS_GBK, _ST_ZHONGSONG, _SIMSUN),
    "heading": (_SIMHEI, _FZ_HEI),
    "kaiti": (_KAITI_GB2312, _KAITI, _FZ_KAI, _ST_KAITI),
    "table": (_SIMSUN, _FANGSONG, _FANGSONG_GB2312),
}

# Bundled fonts (resources/fonts): key -> (file name, reportlab name).
BUNDLED: dict[str, tuple[str, str]] = {
    "kai": ("LXGWWenKai-Regular.ttf", "BZ-LXGWWenKai"),
    "sans": ("BianzhiSansSC-Regular.ttf", "BZ-BianzhiSansSC"),
}
BUNDLED_ORDER: dict[Role, tuple[str, ...]] = {
    "body": ("kai", "sans"),
    "kaiti": ("kai", "sans"),
    "title": ("sans", "kai"),
    "heading": ("sans", "kai"),
    "table": ("sans", "kai"),
}

# Characters dropped before printing: variation selectors, zero-width (non-)joiners, BOM.
_DROPPED = frozenset(
    [chr(c) for c in range(0xFE00, 0xFE10)]
    + [chr(c) for c in range(0xE0100, 0xE01F0)]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
)
# Characters that take the font of the run they are in (no glyph needed).
_NEUTRAL = frozenset("\n\r\t")
_DROP = -1
_KEEP = -2


# --------------------------------------------------------------------------- faces


@dataclass(frozen=True, eq=False)
class FontFace:
    """A registered reportlab TTFont and the characters it has glyphs for."""

    name: str
    path: Path
    subfont: int
    label: str
    bundled: bool
    chars: frozenset[str]

    def __repr__(self) -> str:
        return f"FontFace({self.name!r}, {self.label!r}, {len(self.chars)} chars)"


_NAMES_BY_FILE: dict[tuple[str, int], str] = {}


@cache
def load_face(path: Path, subfont: int = 0, name: str | None = None, label: str = "",
              bundled: bool = False) -> FontFace:
    """Register ``path`` with reportlab (once) and read its cmap.

    Raises reportlab's ``TTFError`` for CFF outlines or fonts whose licence forbids embedding.
    """
    key = (str(path), subfont)
    if name is None:
        name = _NAMES_BY_FILE.get(key)
    if name is None:
        base = "BZ-" + "".join(c if c.isascii() and c.isalnum() else "_" for c in path.stem)
        if subfont:
            base += f"-{subfont}"
        name, n = base, 1
        taken = set(_NAMES_BY_FILE.values())
        while name in taken:
            n += 1
            name = f"{base}-{n}"
    font = TTFont(name, str(path), subfontIndex=subfont)
    pdfmetrics.registerFont(font)
    _NAMES_BY_FILE[key] = name
    cmap: dict[int, int] = font.face.charToGlyph
    chars = {chr(cp) for cp, gid in cmap.items() if gid}
    if " " in chars:
        chars.add("\u00a0")  # reportlab prints NBSP as a space
    return FontFace(name, path, subfont, label or path.name, bundled, frozenset(chars))


def bundled_face(key: str) -> FontFace:
    file_name, rl_name = BUNDLED[key]
    path = resource_path("fonts", file_name)
    return load_face(path, 0, rl_name, f"{file_name} (bundled)", True)


# --------------------------------------------------------------------------- discovery


def font_dirs() -> list[Path]:
    """Folders searched for installed fonts, most specific first."""
    dirs: list[Path] = settings.extra_font_dirs()
    home = Path.home()
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or "C:\\Windows"
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        dirs.append(Path(windir) / "Fonts")
    elif sys.platform == "darwin":
        dirs += [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
                 Path("/System/Library/Fonts/Supplemental")]
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        if xdg:
            dirs.append(Path(xdg) / "fonts")
        dirs += [home / ".local" / "share" / "fonts", home / ".fonts", Path("/usr/local/share/fonts"),
                 Path("/usr/share/fonts")]
    return dirs


def _index_files(dirs: Iterable[Path]) -> dict[str, Path]:
    """Lower-case file name -> path, first folder wins (sub-folders searched too)."""
    found: dict[str, Path] = {}
    for top in dirs:
        if not top.is_dir():
            continue
        for root, _subdirs, files in os.walk(top):
            for f in files:
                if f.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(f.lower(), Path(root) / f)
    return found


def _fc_list() -> dict[str, tuple[Path, int]]:
    """Family name (lower-case) -> (file, index), from fontconfig when it is installed."""
    exe = shutil.which("fc-list")
    if not exe:
        return {}
    try:
        out = subprocess.run([exe, "-f", "%{family}\t%{file}\t%{index}\n"], capture_output=True,
                             text=True, timeout=15, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    result: dict[str, tuple[Path, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].lower().endswith((".ttf", ".ttc")):
            continue
        index = int(parts[2]) if parts[2].isdigit() else 0
        for family in parts[0].split(","):
            result.setdefault(family.strip().lower(), (Path(parts[1]), index))
    return result


def find_system_fonts(candidates: Sequence[SystemFont], file_index: dict[str, Path],
                      families: dict[str, tuple[Path, int]]) -> list[FontFace]:
    """The candidates present on this machine and usable (TrueType outlines, embeddable)."""
    faces: list[FontFace] = []
    for cand in candidates:
        located: tuple[Path, int] | None = None
        for f in cand.files:
            if f.lower() in file_index:
                located = (file_index[f.lower()], cand.subfont)
                break
        if located is None:
            for fam in cand.families:
                if fam.lower() in families:
                    located = families[fam.lower()]
                    break
        if located is None:
            continue
        try:
            face = load_face(located[0], located[1], label=f"{cand.label} ({located[0].name})")
        except Exception as exc:
            log.info("字体 %s 不能嵌入,已跳过: %s", located[0], exc)
            continue
        if "中" in face.chars:
            faces.append(face)
    return faces


# --------------------------------------------------------------------------- chains


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class FontChain:
    """The fonts of one role, in order of preference, and the per-character split."""

    def __init__(self, role: str, faces: Sequence[FontFace]):
        if not faces:
            raise ValueError(f"no font for role {role}")
        self.role = role
        self.faces: tuple[FontFace, ...] = tuple(faces)
        self.names: tuple[str, ...] = tuple(f.name for f in faces)
        self.primary: str = self.names[0]
        self._primary_chars = self.faces[0].chars
        self._choice: dict[str, int] = {}

    def _index(self, ch: str, text: str) -> int:
        idx = self._choice.get(ch)
        if idx is not None:
            return idx
        if ch in _DROPPED:
            idx = _DROP
        elif ch in _NEUTRAL:
            idx = _KEEP
        else:
            for i, face in enumerate(self.faces):
                if ch in face.chars:
                    idx = i
                    break
            else:
                raise MissingGlyph(ch, text)
        self._choice[ch] = idx
        return idx

    def covers(self, text: str) -> bool:
        """True when the first font has every character (the text needs no fallback)."""
        return self._primary_chars.issuperset(text)

    def check(self, text: str) -> None:
        """Raise :class:`MissingGlyph` if some character of ``text`` cannot be printed."""
        if not self._primary_chars.issuperset(text):
            for ch in text:
                self._index(ch, text)

    def font_for(self, ch: str) -> str:
        idx = self._index(ch, ch)
        return self.names[idx if idx >= 0 else 0]

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split ``text`` into ``(font name, text)`` runs; dropped characters are removed."""
        if self._primary_chars.issuperset(text):
            return [(self.primary, text)] if text else []
        result: list[tuple[str, str]] = []
        cur = -1
        buf: list[str] = []
        for ch in text:
            idx = self._index(ch, text)
            if idx < 0:
                if idx == _DROP:
                    continue
                idx = cur if cur >= 0 else 0
            if idx != cur:
                if buf:
                    result.append((self.names[cur], "".join(buf)))
                    buf = []
                cur = idx
            buf.append(ch)
        if buf:
            result.append((self.names[cur], "".join(buf)))
        return result

    def markup(self, text: str, base_font: str | None = None) -> str:
        """Paragraph markup of ``text`` (escaped) with ``<font name=…>`` around fallback runs.

        Runs in ``base_font`` (default: the chain's first font, which ``paragraph_style``
        sets as the style's font) are not wrapped.  Newlines become ``<br/>``.
        """
        base = base_font or self.primary
        if self._primary_chars.issuperset(text):  # a font may map "\n" too: it still breaks the line
            esc = _escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")
            return esc if base == self.primary else f'<font name="{self.primary}">{esc}</font>'
        parts = []
        for font, run in self.runs(text):
            esc = _escape(run).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")
            parts.append(esc if font == base else f'<font name="{font}">{esc}</font>')
        return "".join(parts)


@dataclass(frozen=True, eq=False)
class FontRegistry:
    """The font chains of all roles."""

    chains: dict[str, FontChain]

    def chain(self, role: str) -> FontChain:
        try:
            return self.chains[role]
        except KeyError:
            raise ValueError(f"unknown font role {role!r}; roles are {ROLES}") from None

    def primary(self, role: str) -> str:
        return self.chain(role).primary

    def runs(self, text: str, role: str = "body") -> list[tuple[str, str]]:
        return self.chain(role).runs(text)

    def markup(self, text: str, role: str = "body", base_font: str | None = None) -> str:
        return self.chain(role).markup(text, base_font)

    def check(self, text: str, role: str = "body") -> None:
        self.chain(role).check(text)

    def string_width(self, text: str, role: str, size: float) -> float:
        return float(sum(pdfmetrics.stringWidth(run.replace("\n", " "), font, size)
                         for font, run in self.chain(role).runs(text)))

    def draw_string(self, canvas: Any, x: float, y: float, text: str, role: str = "body",
                    size: float = 12, align: Align = "left") -> float:
        """Draw one line at baseline ``y``; ``x`` is the left edge, centre or right edge per
        ``align``.  Returns the width.  Leaves the canvas font set to the last run's font."""
        runs = [(font, run.replace("\r", " ").replace("\n", " ").replace("\t", " "))
                for font, run in self.chain(role).runs(text)]
        widths = [pdfmetrics.stringWidth(run, font, size) for font, run in runs]
        total = float(sum(widths))
        if align in ("centre", "center"):
            x -= total / 2
        elif align == "right":
            x -= total
        for (font, run), width in zip(runs, widths, strict=True):
            canvas.setFont(font, size)
            canvas.drawString(x, y, run)
            x += width
        return total

    def paragraph_style(self, role: str, size: float, *, leading: float | None = None,
                        align: Align = "left", name: str | None = None, **kw: Any) -> ParagraphStyle:
        """A ParagraphStyle in the role's first font with CJK line breaking."""
        alignment = {"left": TA_LEFT, "centre": TA_CENTER, "center": TA_CENTER, "right": TA_RIGHT,
                     "justify": TA_JUSTIFY}[align]
        return ParagraphStyle(name or f"{role}-{size}", fontName=self.primary(role), fontSize=size,
                              leading=leading if leading is not None else size * 1.3,
                              alignment=alignment, wordWrap="CJK", **kw)

    def paragraph(self, text: str, style: ParagraphStyle, role: str | None = None) -> Paragraph:
        """A Paragraph of plain ``text`` with per-character fallback (``role`` defaults to the
        role whose first font is the style's font, else ``body``)."""
        if role is None:
            role = next((r for r, c in self.chains.items() if c.primary == style.fontName), "body")
        return Paragraph(self.markup(text, role, style.fontName), style)

    def faces(self) -> list[FontFace]:
        seen: dict[str, FontFace] = {}
        for chain in self.chains.values():
            for face in chain.faces:
                seen.setdefault(face.name, face)
        return list(seen.values())

    def describe(self) -> dict[str, list[str]]:
        """Role -> labels of its fonts in order (for the log and the about dialog)."""
        return {role: [f.label for f in chain.faces] for role, chain in self.chains.items()}


def build_registry(use_system: bool = True, extra_dirs: Sequence[Path] = ()) -> FontRegistry:
    """Find, register and order the fonts of every role."""
    system: dict[str, list[FontFace]] = {role: [] for role in ROLES}
    if use_system:
        file_index = _index_files([*extra_dirs, *font_dirs()])
        families: dict[str, tuple[Path, int]] = {}
        all_found = all(any(f.lower() in file_index for f in c.files)
                        for cands in SYSTEM_PREFERENCES.values() for c in cands)
        if not all_found:  # some may be installed under another file name
            families = _fc_list()
        for role in ROLES:
            system[role] = find_system_fonts(SYSTEM_PREFERENCES[role], file_index, families)
    bundled = {key: bundled_face(key) for key in BUNDLED}
    chains: dict[str, FontChain] = {}
    for role in ROLES:
        faces = system[role] + [bundled[k] for k in BUNDLED_ORDER[role]]
        chains[role] = FontChain(role, faces)
    registry = FontRegistry(chains)
    log.info("报表字体: %s", registry.describe())
    return registry


_REGISTRIES: dict[bool, FontRegistry] = {}


def system_fonts_enabled() -> bool:
    return settings.system_fonts_enabled()


def get_fonts(use_system: bool | None = None) -> FontRegistry:
    """The process-wide registry (built once per ``use_system`` value)."""
    if use_system is None:
        use_system = system_fonts_enabled()
    registry = _REGISTRIES.get(use_system)
    if registry is None:
        registry = _REGISTRIES[use_system] = build_registry(use_system)
    return registry


# --------------------------------------------------------------------------- shortcuts


def font_runs(text: str, role: str = "body") -> list[tuple[str, str]]:
    return get_fonts().runs(text, role)


def para_markup(text: str, role: str = "body", base_font: str | None = None) -> str:
    return get_fonts().markup(text, role, base_font)


def check_printable(text: str, role: str = "body") -> None:
    get_fonts().check(text, role)


def draw_string(canvas: Any, x: float, y: float, text: str, role: str = "body", size: float = 12,
                align: Align = "left") -> float:
    return get_fonts().draw_string(canvas, x, y, text, role, size, align)


def string_width(text: str, role: str = "body", size: float = 12) -> float:
    return get_fonts().string_width(text, role, size)
