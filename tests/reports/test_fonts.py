"""Bundled fonts, font discovery, per-character fallback and MissingGlyph."""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

from bianzhi_app import resources
from bianzhi_app.reports import fonts as fontmod
from bianzhi_app.reports.fonts import ROLES, FontRegistry, MissingGlyph, build_registry

FONT_DIR = resources.resource_path("fonts")
BUNDLED_FILES = ["LXGWWenKai-Regular.ttf", "BianzhiSansSC-Regular.ttf"]


def test_resource_path_from_checkout() -> None:
    assert resources.resource_path("fonts", "LXGWWenKai-Regular.ttf").is_file()
    assert resources.resources_root() == Path(resources.__file__).resolve().parent.parent / "resources"


def test_resource_path_in_pyinstaller_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("fonts", "x.ttf") == tmp_path / "resources" / "fonts" / "x.ttf"


@pytest.mark.parametrize("name", BUNDLED_FILES)
def test_bundled_font_is_truetype_and_covers_rare_names(name: str) -> None:
    font = TTFont(str(FONT_DIR / name), lazy=True)
    assert "glyf" in font and "CFF " not in font, "reportlab can embed only TrueType outlines"
    cmap = font.getBestCmap()
    for ch in "𠮷堃〔〕—编制核定实有在途空编超编":
        assert ord(ch) in cmap, ch
    # every GB 2312 hanzi
    gb2312 = []
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312.append(bytes([b1, b2]).decode("gb2312"))
    assert len(gb2312) == 6763
    assert not [c for c in gb2312 if ord(c) not in cmap]


def test_bundled_fonts_budget_and_licences() -> None:
    total = sum(p.stat().st_size for p in FONT_DIR.iterdir() if p.suffix.lower() in (".ttf", ".ttc", ".otf"))
    assert total <= 40 * 1024 * 1024, f"bundled fonts {total / 1e6:.1f} MB > 40 MB"
    for licence in ("OFL-LXGWWenKai.txt", "OFL-NotoSansCJK.txt"):
        text = (FONT_DIR / licence).read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1" in text
    assert (FONT_DIR / "build_fonts.py").is_file()


def test_every_role_has_a_chain_of_bundled_fonts(fonts: FontRegistry) -> None:
    for role in ROLES:
        chain = fonts.chain(role)
        assert len(chain.faces) >= 2
        assert all(face.bundled for face in chain.faces)
        assert chain.runs("张𠮷王堃") and chain.covers("区农业农村局")
    with pytest.raises(ValueError):
        fonts.chain("nope")


def _fallback_char(fonts: FontRegistry, role: str) -> str:
    chain = fonts.chain(role)
    return min(c for c in chain.faces[1].chars - chain.faces[0].chars if ord(c) >= 0x20000)


def test_runs_split_by_glyph_coverage(fonts: FontRegistry) -> None:
    chain = fonts.chain("body")
    rare = _fallback_char(fonts, "body")
    first, second = chain.names[0], chain.names[1]
    assert chain.runs("") == []
    assert chain.runs("张三") == [(first, "张三")]
    assert chain.runs(f"张{rare}明") == [(first, "张"), (second, rare), (first, "明")]
    assert chain.runs(f"{rare}{rare}a") == [(second, rare + rare), (first, "a")]
    # variation selectors and zero-width characters are dropped, newlines stay in their run
    assert chain.runs("吉\U000e0100\u200b\n李") == [(first, "吉\n李")]
    assert not chain.covers(f"张{rare}")
    assert chain.font_for(rare) == second


def test_markup_wraps_only_fallback_runs_and_escapes(fonts: FontRegistry) -> None:
    chain = fonts.chain("body")
    rare = _fallback_char(fonts, "body")
    assert fonts.markup("A&B<王堃>", "body") == "A&amp;B&lt;王堃&gt;"
    assert fonts.markup(f"张{rare}", "body") == f'张<font name="{chain.names[1]}">{rare}</font>'
    assert fonts.markup("张", "body", base_font="Other") == f'<font name="{chain.names[0]}">张</font>'
    assert fonts.markup(f"一\n{rare}", "body") == f'一<br/><font name="{chain.names[1]}">{rare}</font>'


@pytest.mark.parametrize("char", ["\U0010fffd", "\U0003ffff", "\u0378", "\x07"])
def test_missing_glyph_names_the_character(fonts: FontRegistry, char: str) -> None:
    for call in (lambda: fonts.runs(f"张{char}", "table"), lambda: fonts.markup(char, "body"),
                 lambda: fonts.check(f"王{char}", "title")):
        with pytest.raises(MissingGlyph) as info:
            call()
        assert str(info.value) == f"字符“{char}”(U+{ord(char):04X})在所有可用字体中都没有字形,无法打印"
        assert info.value.codepoint == ord(char)


def test_table_role_falls_back_per_character_the_same_every_call(fonts: FontRegistry) -> None:
    """The texts a long table repeats, split the same way each time (the cost per call is
    bench/bench_report_fonts.py's to measure, not a wall-clock assertion here)."""
    chain = fonts.chain("table")
    rare = _fallback_char(fonts, "table")
    first, second = chain.names[0], chain.names[1]
    expected = {"区农业农村局": [(first, "区农业农村局")], "事业编制": [(first, "事业编制")],
                f"张{rare}": [(first, "张"), (second, rare)]}
    for _ in range(3):
        for text, runs in expected.items():
            assert chain.runs(text) == runs
        assert chain.markup(f"张{rare}") == f'张<font name="{second}">{rare}</font>'


def _cff_font(path: Path) -> None:
    """A tiny font with CFF outlines claiming 中, which reportlab cannot embed."""
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "zhong"])
    fb.setupCharacterMap({ord("中"): "zhong"})
    pen = T2CharStringPen(1000, None)
    pen.moveTo((100, 100))
    pen.lineTo((900, 100))
    pen.lineTo((900, 900))
    pen.closePath()
    box = pen.getCharString()
    fb.setupCFF("FakeSimSun", {"FullName": "FakeSimSun"}, {".notdef": box, "zhong": box}, {})
    fb.setupHorizontalMetrics({".notdef": (1000, 100), "zhong": (1000, 100)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "SimSun", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))


def test_system_fonts_preferred_and_cff_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a "黑体" (a copy of a TrueType font under simhei.ttf) and a CFF "宋体" (simsun.ttf)
    shutil.copy(FONT_DIR / "LXGWWenKai-Regular.ttf", tmp_path / "SimHei.ttf")
    _cff_font(tmp_path / "simsun.ttf")
    monkeypatch.setenv("BIANZHI_FONT_DIRS", str(tmp_path))
    registry = build_registry(use_system=True)
    heading = registry.chain("heading")
    assert heading.faces[0].path == tmp_path / "SimHei.ttf"
    assert not heading.faces[0].bundled and heading.faces[0].label.startswith("黑体")
    assert heading.faces[-1].bundled
    table = registry.chain("table")
    assert all(face.path != tmp_path / "simsun.ttf" for face in table.faces)
    assert registry.describe()["heading"][0].startswith("黑体")


def test_system_fonts_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIANZHI_SYSTEM_FONTS", "0")
    assert not fontmod.system_fonts_enabled()
    assert all(face.bundled for face in fontmod.get_fonts().faces())
