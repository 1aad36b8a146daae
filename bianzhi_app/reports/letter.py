"""A typesetter for official letters on the GB/T 9704-2012 grid (信函格式, section 10.1).

reportlab's Paragraph has no character spacing, so a 3号 line holds 27 characters and a gap;
this lays the text out itself, one grid line at a time:

* body lines: 16 pt, a line pitch of 225 mm / 22, 28 characters filling the 156 mm text block
  exactly (a character spacing of (156 mm − 28 em) / 27 ≈ −0.21 pt); every line of a paragraph
  but its last is justified to the block's right edge; runs of Latin letters and digits never
  break, closing punctuation never starts a line and opening punctuation never ends one;
* a title broken only between words, into a 梯形 (each line at least as long as the one above)
  or 菱形 (longest in the middle), centred;
* the first page's letterhead: the issuing office in red 30 mm from the page top, a red double
  line (thick over thin) 4 mm below it and another (thin over thick) 20 mm above the page's
  bottom edge, both 170 mm long; 发文字号 flush right 7/8 of a 3号 character below the upper
  line; the title two blank lines below it; no page number on the first page;
* the closing: 署名 centred over the 成文日期, the date four characters in from the right, two
  blank lines above them for the seal (印章 top within a line of the text, 署名 and date below
  its centre); a 附注 in brackets two characters in on the line under the date (7.3.7);
  版记 (信函格式: 抄送 only, no 印发 line or rules) at the foot of the last page.
  The last body lines, the closing and the 版记 stay on one page: never a page of 署名 or 版记
  alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from bianzhi_app.reports.fonts import SYSTEM_PREFERENCES, FontRegistry
from bianzhi_app.reports.page import GB9704, RED, Target, page_number_text

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
BLOCK_LEFT = GB9704.left
BLOCK_W = GB9704.block_width
BLOCK_TOP = GB9704.top  # from the page top
BLOCK_BOTTOM = GB9704.top + GB9704.block_height  # from the page top
PITCH = GB9704.line_pitch
BODY = GB9704.body_size  # 3号
NOTE = 14.0  # 4号: 抄送
TITLE = GB9704.title_size  # 2号
CHARS = GB9704.chars_per_line
BASE_SPACE = (BLOCK_W - CHARS * BODY) / (CHARS - 1)  # ≈ −0.21 pt: 28 characters fill the line
EIGHTH_7 = BODY * 7 / 8  # 3号汉字高度的7/8

MARK_TOP = 30 * mm  # 发文机关标志: top edge from the page top
MARK_MAX = 30.0  # a long name is set smaller to fit the block; 30 pt leaves page one 19 lines
RULE_GAP = 4 * mm  # mark bottom to the upper double line
RULE_LENGTH = 170 * mm
RULE_BOTTOM = 20 * mm  # lower double line: its top edge from the page's bottom edge
THICK, THIN, BETWEEN = 0.8 * mm, 0.3 * mm, 0.6 * mm  # the double line: 上粗下细 / 上细下粗
SEAL_LINES = 2  # blank lines between the text and 署名: the seal's upper half

# 避头尾: characters that may not start a line, and ones that may not end one
NO_START = frozenset("，。、；：？！）》」』〕】”’…—·%,.;:?!)]}")
NO_END = frozenset("（《「『〔【“‘([{")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.\-/:][A-Za-z0-9]+)*%?")
# where a unit's name may break in a title: after the word that ends an organ's or a place's name
_NAME_BOUNDARY = re.compile(r"(?:委员会|办公室|中心|大队|支队|学校|医院"
                            r"|[区县市省州旗镇乡局委办院所站队校馆园部厅处科室])")


@dataclass
class Line:
    """One typeset line: glyphs (character, font, advance) drawn from ``x`` (points from the
    block's left edge) with character spacing ``space``; ``top`` is set at pagination (points
    from the page top, the em box's top edge)."""

    glyphs: list[tuple[str, str, float]]
    size: float
    x: float = 0.0
    space: float = 0.0
    role: str = "body"
    colour: Any = None
    kind: str = "text"  # text, blank, title, closing, imprint
    top: float = 0.0

    @property
    def text(self) -> str:
        return "".join(g[0] for g in self.glyphs)

    @property
    def width(self) -> float:
        n = len(self.glyphs)
        return sum(g[2] for g in self.glyphs) + max(0, n - 1) * self.space


def blank() -> Line:
    return Line([], BODY, kind="blank")


class Typesetter:
    """Measures text in the registry's fonts (per-character fallback) and makes lines."""

    def __init__(self, fonts: FontRegistry):
        self.fonts = fonts

    def glyphs(self, text: str, role: str, size: float) -> list[tuple[str, str, float]]:
        out = []
        for font, run in self.fonts.runs(text, role):
            for ch in run:
                out.append((ch, font, float(pdfmetrics.stringWidth(ch, font, size))))
        return out

    def width(self, text: str, role: str, size: float, space: float = 0.0) -> float:
        g = self.glyphs(text, role, size)
        return sum(w for _c, _f, w in g) + max(0, len(g) - 1) * space

    # ------------------------------------------------------------------ paragraphs

    def paragraph(self, text: str, *, role: str = "body", size: float = BODY, indent: int = 2,
                  hang: float = 0.0, left: float = 0.0, right: float = 0.0, kind: str = "text") -> list[Line]:
        """Lines of a paragraph on the grid: the first indented ``indent`` characters, later ones
        ``hang`` points in (抄送 aligns its second line after the colon); justified but the last."""
        pitch = size + BASE_SPACE
        tokens = self._tokens(self.glyphs(text, role, size))
        lines: list[Line] = []
        first = True
        while tokens:
            x = left + (indent * pitch if first else hang)
            room = BLOCK_W - x - right
            n = self._fit(tokens, room)
            lines.append(Line([g for t in tokens[:n] for g in t], size, x, BASE_SPACE, role, kind=kind))
            tokens = tokens[n:]
            if tokens:  # justified: the line reaches the right edge
                line = lines[-1]
                gaps = len(line.glyphs) - 1
                if gaps > 0:
                    line.space = (room - sum(g[2] for g in line.glyphs)) / gaps
            first = False
        return lines

    @staticmethod
    def _tokens(glyphs: list[tuple[str, str, float]]) -> list[list[tuple[str, str, float]]]:
        """Unbreakable pieces: a run of Latin letters and digits (2026-0001, 12, GB/T), else one character."""
        text = "".join(g[0] for g in glyphs)
        tokens: list[list[tuple[str, str, float]]] = []
        i = 0
        while i < len(glyphs):
            m = _WORD.match(text, i)
            j = m.end() if m else i + 1
            tokens.append(glyphs[i:j])
            i = j
        return tokens

    @staticmethod
    def _fit(tokens: list[list[tuple[str, str, float]]], room: float) -> int:
        """How many tokens the line takes at the base spacing, then 避头尾."""
        used, count, n = 0.0, 0, 0
        for t in tokens:
            w = sum(g[2] for g in t) + len(t) * BASE_SPACE
            if n and used + w - BASE_SPACE > room + 0.01:
                break
            used += w
            count += len(t)
            n += 1
        n = max(1, n)
        if n < len(tokens):
            # closing punctuation may not start the next line, opening may not end this one
            while n > 1 and (tokens[n][0][0] in NO_START or tokens[n - 1][-1][0] in NO_END):
                n -= 1
        return n

    def single(self, text: str, *, role: str = "body", size: float = BODY, align: str = "left",
               x: float = 0.0, space: float = BASE_SPACE, colour: Any = None, kind: str = "text") -> Line:
        """One line; ``x`` is the left edge, the right edge (align right) or the centre (centre)."""
        line = Line(self.glyphs(text, role, size), size, 0.0, space, role, colour, kind)
        if align == "right":
            line.x = x - line.width
        elif align == "centre":
            line.x = x - line.width / 2
        else:
            line.x = x
        return line

    # ------------------------------------------------------------------ title

    def title(self, words: Sequence[str], *, soft: frozenset[int] = frozenset(), role: str = "title",
              size: float = TITLE) -> list[Line]:
        """The title centred, broken only between ``words`` into a 梯形 or 菱形 (see `title_breaks`)."""
        widths = [self.width(w, role, size) for w in words]
        lines = []
        for start, stop in title_breaks(widths, BLOCK_W, soft):
            text = "".join(words[start:stop])
            lines.append(self.single(text, role=role, size=size, align="centre", x=BLOCK_W / 2, space=0.0,
                                     kind="title"))
        return lines


def title_breaks(widths: Sequence[float], limit: float, soft: frozenset[int] = frozenset()
                 ) -> list[tuple[int, int]]:
    """Word ranges of the title's lines: the fewest lines no wider than ``limit`` that make a
    梯形 (every line at least as wide as the one above) or a 菱形 (rising to the widest line and
    falling, the widest neither first nor last); among those the fewest cuts before a word in
    ``soft`` (inside a name), then the most even. Without any such shape, the fewest lines. A
    word wider than ``limit`` is a line of its own (the caller splits such words)."""
    n = len(widths)
    fallback: list[tuple[int, int]] | None = None
    for k in range(1, n + 1):
        best: tuple[tuple[float, ...], list[tuple[int, int]]] | None = None
        for cuts in combinations(range(1, n), k - 1):
            bounds = [0, *cuts, n]
            spans = list(pairwise(bounds))
            lens = [sum(widths[a:b]) for a, b in spans]
            if any(w > limit + 0.01 for (a, b), w in zip(spans, lens, strict=True) if b - a > 1):
                continue
            fallback = fallback or spans
            if _shape_penalty(lens):
                continue
            score = (sum(1 for c in cuts if c in soft), max(lens) - min(lens))
            if best is None or score < best[0]:
                best = (score, spans)
        if best is not None:
            return best[1]
    return fallback or [(0, n)]


def _shape_penalty(lens: Sequence[float]) -> int:
    if len(lens) == 1:
        return 0
    tol = 0.5
    rising = all(b >= a - tol for a, b in pairwise(lens))
    if rising:
        return 0  # 梯形 (正梯形: short over long)
    peak = max(range(len(lens)), key=lambda i: lens[i])
    diamond = (0 < peak < len(lens) - 1
               and all(b >= a - tol for a, b in pairwise(lens[:peak + 1]))
               and all(b <= a + tol for a, b in pairwise(lens[peak:])))
    return 0 if diamond else 1


def split_name(name: str, limit_chars: int = 8) -> list[str]:
    """A unit name as words for title breaking: cut after a 区/县/局/中心 … boundary, so that
    杨陵区现代农业示范园区综合服务中心 may break as 杨陵区现代农业示范园区 | 综合服务中心 but never
    mid-word. Short names stay whole."""
    if len(name) <= limit_chars:
        return [name]
    # a cut needs a word after it: not before another boundary character (园|区, 区|委办公室)
    cuts = [m.end() for m in _NAME_BOUNDARY.finditer(name)
            if 2 <= m.end() <= len(name) - 2 and not _NAME_BOUNDARY.match(name, m.end())]
    words, start = [], 0
    for cut in cuts:
        if cut - start >= 2:
            words.append(name[start:cut])
            start = cut
    words.append(name[start:])
    return [w for w in words if w]


# ====================================================================== pages


@dataclass
class Letter:
    """What a letter holds, already worded; `render_letter` typesets it."""

    office: str  # 发文机关标志 and 署名
    doc_number: str  # 发文字号
    title_words: list[str]
    title_soft: frozenset[int]  # cuts before these words fall inside a name: used only when needed
    addressee: str  # 主送, without the colon
    paragraphs: list[tuple[str, str]]  # (role, text): "body" paragraphs, "heading" 一、 headings
    date_text: str  # 成文日期, e.g. 2026年3月31日
    copy_to: str  # 抄送 line, e.g. 抄送：…。
    note: str = ""  # 附注, printed in brackets on the line under the 成文日期, e.g. 经办人：张三；审核人：李四
    footer: str = ""  # small print in the bottom margin of every page (the ledger head)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class _Page:
    lines: list[Line]


def _letterhead_bottom(ts: Typesetter, office: str) -> tuple[float, float, float]:
    """(mark size, the upper double line's top edge, the 发文字号's top edge), from the page top."""
    size = min(MARK_MAX, BLOCK_W * 0.95 / max(1, len(office)))
    rule_top = MARK_TOP + size + RULE_GAP
    number_top = rule_top + THICK + BETWEEN + THIN + EIGHTH_7
    return size, rule_top, number_top


def compose(letter: Letter, fonts: FontRegistry) -> tuple[list[_Page], float]:
    """Lines placed on pages; returns the pages and the mark's size."""
    ts = Typesetter(fonts)
    mark_size, _rule_top, number_top = _letterhead_bottom(ts, letter.office)
    head: list[Line] = [*ts.title(letter.title_words, soft=letter.title_soft), blank(),
                        ts.single(letter.addressee + "：", kind="text")]
    body: list[Line] = []
    for role, text in letter.paragraphs:
        body += ts.paragraph(text, role=role)
    date = ts.single(letter.date_text, align="right", x=BLOCK_W - 4 * (BODY + BASE_SPACE), kind="closing")
    centre = date.x + date.width / 2
    office = ts.single(letter.office, align="centre", x=centre, kind="closing")
    if office.x + office.width > BLOCK_W:  # a long name keeps inside the block, still over the date
        office.x = BLOCK_W - office.width
    closing = [*(blank() for _ in range(SEAL_LINES)), office, date]
    if letter.note:  # 附注 (GB/T 9704 7.3.7): 居左空二字, in brackets, on the line under the date
        closing += ts.paragraph(f"（{letter.note}）", indent=2, kind="closing")
    # 4号, one character in from each side; a second line starts under the first word after the colon
    imprint = ts.paragraph(letter.copy_to, size=NOTE, indent=0, left=NOTE, right=NOTE,
                           hang=ts.width("抄送：", "body", NOTE, BASE_SPACE) + BASE_SPACE, kind="imprint")
    first_top = number_top + 3 * PITCH  # 发文字号's line, then 空二行
    first_bottom = PAGE_H - RULE_BOTTOM - EIGHTH_7  # text above the lower double line: 7/8 of 3号 clear
    return paginate(head + body, closing, imprint, first_top, first_bottom), mark_size


def paginate(lines: list[Line], closing: list[Line], imprint: list[Line], first_top: float,
             first_bottom: float) -> list[_Page]:
    """Lines onto pages; the last two text lines, the closing and the imprint (after a line for
    the seal's lower half) share the last page, the imprint at its foot."""
    def slots(top: float, bottom: float) -> int:
        return int((bottom - top - BODY) // PITCH) + 1

    keep = min(2, sum(1 for ln in lines if ln.kind == "text"))
    tail = lines[len(lines) - keep:] if keep else []
    lines = lines[:len(lines) - keep] if keep else lines
    group = tail + closing
    need = len(group) + 1 + len(imprint)  # one free line under the date: the seal's lower part
    pages: list[_Page] = []
    top, capacity = first_top, slots(first_top, first_bottom)
    bottom = first_bottom
    current: list[Line] = []

    def new_page() -> None:
        nonlocal top, capacity, bottom, current
        pages.append(_Page(current))
        current, top, bottom = [], BLOCK_TOP, BLOCK_BOTTOM
        capacity = slots(top, bottom)

    for line in lines:
        if len(current) >= capacity:
            new_page()
        if line.kind == "blank" and not current and pages:
            continue  # no blank line at the top of a page
        line.top = top + len(current) * PITCH
        current.append(line)
    if capacity - len(current) < need:
        new_page()
    for line in group:
        line.top = top + len(current) * PITCH
        current.append(line)
    for i, line in enumerate(imprint):  # at the foot: its last line in the page's last slot
        line.top = top + (capacity - len(imprint) + i) * PITCH
        current.append(line)
    pages.append(_Page(current))
    return pages


def _double_line(canvas: Canvas, top: float, thick_first: bool) -> None:
    """A red double line whose top edge is ``top`` points from the page top, 170 mm long,
    centred on the text block."""
    x0 = BLOCK_LEFT + BLOCK_W / 2 - RULE_LENGTH / 2
    first, second = (THICK, THIN) if thick_first else (THIN, THICK)
    canvas.saveState()
    canvas.setStrokeColor(RED)
    y = PAGE_H - top - first / 2
    canvas.setLineWidth(first)
    canvas.line(x0, y, x0 + RULE_LENGTH, y)
    y = PAGE_H - top - first - BETWEEN - second / 2
    canvas.setLineWidth(second)
    canvas.line(x0, y, x0 + RULE_LENGTH, y)
    canvas.restoreState()


def _draw_line(canvas: Canvas, line: Line, fonts: FontRegistry) -> None:
    if not line.glyphs:
        return
    descent = float(pdfmetrics.getDescent(line.glyphs[0][1], line.size))
    baseline = PAGE_H - line.top - line.size - descent  # the em box's top at `top`
    canvas.saveState()  # a colour set in a text object outlives it
    text = canvas.beginText(BLOCK_LEFT + line.x, baseline)
    text.setCharSpace(line.space)
    if line.colour is not None:
        text.setFillColor(line.colour)
    font, run = line.glyphs[0][1], list[str]()
    for ch, f, _w in line.glyphs:
        if f != font and run:
            text.setFont(font, line.size)
            text.textOut("".join(run))
            run = []
        font = f
        run.append(ch)
    if run:
        text.setFont(font, line.size)
        text.textOut("".join(run))
    canvas.drawText(text)
    canvas.restoreState()


def render_letter(letter: Letter, target: Target, fonts: FontRegistry,
                  on_page: Callable[[int], None] | None = None) -> int:
    """Write the letter as a PDF; returns the page count."""
    pages, mark_size = compose(letter, fonts)
    ts = Typesetter(fonts)
    canvas = Canvas(str(target) if not hasattr(target, "write") else target, pagesize=A4,
                    initialFontName=fonts.primary("body"), lang="zh-CN")
    for key, setter in (("title", canvas.setTitle), ("author", canvas.setAuthor), ("subject", canvas.setSubject),
                        ("keywords", canvas.setKeywords), ("creator", canvas.setCreator)):
        if key in letter.metadata:
            setter(letter.metadata[key])
    _size, rule_top, number_top = _letterhead_bottom(ts, letter.office)
    for n, page in enumerate(pages, start=1):
        if n == 1:
            mark = ts.single(letter.office, role="title", size=mark_size, align="centre", x=BLOCK_W / 2, space=0.0,
                             colour=RED)
            mark.top = MARK_TOP
            _draw_line(canvas, mark, fonts)
            _double_line(canvas, rule_top, thick_first=True)
            _double_line(canvas, PAGE_H - RULE_BOTTOM, thick_first=False)
            number = ts.single(letter.doc_number, align="right", x=BLOCK_W)
            number.top = number_top
            _draw_line(canvas, number, fonts)
        else:  # 4号 「— N —」 7 mm below the block, one character in: odd pages right, even left
            size = GB9704.page_number_size
            font = fonts.primary("table")
            baseline = GB9704.bottom - GB9704.page_number_gap - size - float(pdfmetrics.getDescent(font, size))
            label = page_number_text(n)
            if n % 2:
                fonts.draw_string(canvas, BLOCK_LEFT + BLOCK_W - size, baseline, label, "table", size, "right")
            else:
                fonts.draw_string(canvas, BLOCK_LEFT + size, baseline, label, "table", size, "left")
        for line in page.lines:
            _draw_line(canvas, line, fonts)
        if letter.footer:
            canvas.setFillGray(0.35)
            fonts.draw_string(canvas, BLOCK_LEFT + BLOCK_W / 2, 8 * mm, letter.footer, "table", 7, "centre")
            canvas.setFillColor(colors.black)
        canvas.showPage()
        if on_page is not None:
            on_page(n)
    canvas.save()
    return len(pages)


def font_statement(fonts: FontRegistry) -> str:
    """Which fonts set the letter, and which stood in for the official ones (for the PDF's metadata)."""
    parts = []
    for role, what in (("title", "发文机关标志和标题"), ("body", "正文"), ("heading", "一级标题"),
                       ("table", "页码")):
        face = fonts.chain(role).faces[0]
        wanted = SYSTEM_PREFERENCES[role][0].label  # type: ignore[index]
        name = face.label.replace(" (bundled)", "")
        if face.label.startswith(wanted):
            parts.append(f"{what}：{wanted}")
        else:
            parts.append(f"{what}：{name}（{'内置字体' if face.bundled else '系统字体'}，代替未安装的{wanted}）")
    return "；".join(parts)
