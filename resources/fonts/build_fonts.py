"""Rebuild the bundled sans font ``BianzhiSansSC-Regular.ttf`` from Noto Sans CJK SC.

Why: reportlab can embed only TrueType-outline (``glyf``) fonts, while Noto Sans CJK ships
CFF (PostScript) outlines in an OpenType collection.  This script takes the "Noto Sans CJK
SC" face of that collection, keeps only what Chinese establishment reports need (Latin,
Greek/Cyrillic, punctuation and symbols, kana for the 「・」 in names, every CJK ideograph
block incl. extensions A-G and the compatibility ideographs; Hangul and the OpenType
layout tables are dropped), converts the cubic CFF outlines to quadratic TrueType outlines
with fontTools' cu2qu (the same recipe as fontTools' ``otf2ttf`` snippet), renames the
family to "Bianzhi Sans SC" (it is a Modified Version under the SIL OFL 1.1; the OFL text
and the upstream copyright are in ``OFL-NotoSansCJK.txt``) and writes it next to this file.

The result is committed; this script only documents and reproduces it.  Reproduce with::

    apt-get install -y fonts-noto-cjk          # Debian 12: fonts-noto-cjk 1:20220127 (Noto 2.004)
    .venv/bin/python resources/fonts/build_fonts.py
    # or: .venv/bin/python resources/fonts/build_fonts.py --source PATH/NotoSansCJK-Regular.ttc

Needs only fontTools (pinned in requirements.txt).  Takes about a minute.  The output is
deterministic for a given source file and fontTools version (timestamps are not updated).

``LXGWWenKai-Regular.ttf`` is bundled unmodified from Debian's fonts-lxgw-wenkai 1.250
(already TrueType; not subset, because "LXGW"/"霞鹜" are Reserved Font Names that a
Modified Version may not carry).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's path
SOURCE_FACE = "Noto Sans CJK SC"
OUT_NAME = "BianzhiSansSC-Regular.ttf"
FAMILY = "Bianzhi Sans SC"
PS_NAME = "BianzhiSansSC-Regular"
MAX_ERR_EM = 1.0 / 1000  # cu2qu tolerance as a fraction of the em: 1 unit of 1000

# Unicode blocks kept (inclusive ranges).
KEEP_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A/B (pinyin tone letters)
    (0x02B0, 0x02FF),  # spacing modifier letters (ˇ ˉ ˊ ˋ)
    (0x0370, 0x03FF),  # Greek (GB 2312 row 6)
    (0x0400, 0x04FF),  # Cyrillic (GB 2312 row 7)
    (0x2000, 0x206F),  # general punctuation (— … ‘’ “” ‧)
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x218F),  # letterlike (℃ №), number forms (Ⅰ Ⅱ)
    (0x2190, 0x22FF),  # arrows (→), mathematical operators (≤ ≥ ×)
    (0x2300, 0x23FF),  # miscellaneous technical
    (0x2460, 0x27BF),  # enclosed alphanumerics (①), box drawing, shapes, symbols, dingbats
    (0x2E80, 0x2FFF),  # CJK radicals, Kangxi radicals, ideographic description
    (0x3000, 0x30FF),  # CJK symbols and punctuation (〔〕), kana (・)
    (0x3100, 0x312F),  # bopomofo
    (0x31C0, 0x31EF),  # CJK strokes
    (0x3200, 0x33FF),  # enclosed CJK (㈠), CJK compatibility (㎡)
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE6F),  # CJK compatibility forms, small form variants
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x2A6DF),  # CJK extension B (𠮷)
    (0x2A700, 0x2EBEF),  # CJK extensions C-F
    (0x2F800, 0x2FA1F),  # CJK compatibility ideographs supplement
    (0x30000, 0x3134F),  # CJK extension G
)


def load_face(source: Path, face_name: str) -> TTFont:
    """Return the face named ``face_name`` from a .ttc, or the font itself from an .otf."""
    if source.suffix.lower() in (".ttc", ".otc"):
        collection = TTCollection(str(source), lazy=False)
        for font in collection.fonts:
            if font["name"].getDebugName(4) == face_name:
                return font
        raise SystemExit(f"{source}: no face named {face_name!r}")
    return TTFont(str(source))


def subset_font(font: TTFont) -> None:
    options = subset.Options()
    options.layout_features = []  # reportlab uses no GSUB/GPOS
    options.drop_tables += ["BASE", "VORG", "GDEF", "GSUB", "GPOS", "vhea", "vmtx", "DSIG"]
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options=options)
    wanted = [cp for lo, hi in KEEP_RANGES for cp in range(lo, hi + 1)]
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont, max_err: float) -> None:
    """Replace the CFF table by glyf/loca (quadratic outlines), as fontTools' otf2ttf does."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]  # left side bearing = xMin of the new outlines
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.maxComponentDepth = 0

    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    post.extraNames = []
    post.mapping = {}
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 1
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    name = font["name"]
    upstream_version = name.getDebugName(5) or ""
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16, 21):
            name.setName(FAMILY, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID in (3,):
            name.setName(f"{PS_NAME};derived from {SOURCE_FACE}", 3, rec.platformID, rec.platEncID,
                         rec.langID)
        elif rec.nameID in (6, 20):
            name.setName(PS_NAME, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID in (2, 17, 22):
            name.setName("Regular", rec.nameID, rec.platformID, rec.platEncID, rec.langID)
    name.setName(
        f"Derived from {SOURCE_FACE} ({upstream_version}) under the SIL Open Font License 1.1: "
        "subset and converted to TrueType outlines for PDF embedding by the Bianzhi project "
        "(resources/fonts/build_fonts.py).",
        10, 3, 1, 0x409,
    )


def build(source: Path, out: Path, max_err_em: float = MAX_ERR_EM) -> Path:
    t0 = time.perf_counter()
    font = load_face(source, SOURCE_FACE)
    font.recalcTimestamp = False
    subset_font(font)
    upm = font["head"].unitsPerEm
    cff_to_glyf(font, max_err_em * upm)
    rename(font)
    font.save(str(out))
    check = TTFont(str(out))
    cmap = check.getBestCmap()
    for ch in "𠮷堃编制〔〕—·・":
        if ord(ch) not in cmap:
            raise SystemExit(f"built font lacks {ch!r} (U+{ord(ch):04X})")
    if "glyf" not in check or "CFF " in check:
        raise SystemExit("built font is not TrueType-outline")
    size = out.stat().st_size
    print(f"{out.name}: {size / 1e6:.1f} MB, {len(cmap)} code points, "
          f"{check['maxp'].numGlyphs} glyphs, {time.perf_counter() - t0:.0f} s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="NotoSansCJK-Regular.ttc (or NotoSansCJKsc-Regular.otf)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / OUT_NAME)
    parser.add_argument("--max-err", type=float, default=MAX_ERR_EM,
                        help="cu2qu tolerance as a fraction of the em (default 0.001)")
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"{args.source} not found: apt-get install fonts-noto-cjk, or pass --source",
              file=sys.stderr)
        return 2
    build(args.source, args.out, args.max_err)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
