"""Page primitives shared by every report.

* :class:`ReportDocTemplate` – A4 portrait or landscape; every page carries the title,
  制表单位, the as-of date, 「第 x 页 共 y 页」, the ledger head and, for a report with
  personal data, a confidentiality marking.
* :func:`data_table` – a table whose header repeats on every page, numbers right-aligned,
  CJK text with per-character font fallback.  It returns a :class:`ChunkedTable`, which
  hands the frame one page-sized reportlab ``Table`` at a time, so a 40,000-row table costs
  linear time (reportlab's own split of one giant ``Table`` is quadratic).
* :class:`OfficialDocTemplate` – the GB/T 9704-2012 page of an official notice (版心
  156 × 225 mm at 37 mm from the top and 28 mm from the left, 4号 page number 「— 1 —」
  7 mm below the text block, odd pages right, even pages left), :func:`official_styles`,
  :class:`DocNumberRule` / :func:`draw_red_rule` for the 发文字号 and its red rule.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import IO, Any, Literal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from bianzhi_app.reports.fonts import FontRegistry, get_fonts

Target = str | Path | IO[bytes]
ColumnAlign = Literal["left", "center", "right"]

A4_PORTRAIT: tuple[float, float] = A4
A4_LANDSCAPE: tuple[float, float] = landscape(A4)
RED = colors.CMYKColor(0, 1, 1, 0)  # 公文红
HEADER_GREY = colors.Color(0.9, 0.9, 0.9)


def format_date_cn(value: dt.date | str) -> str:
    """2026-03-31 -> 2026年3月31日 (strings are returned unchanged)."""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return value


def page_number_text(n: int) -> str:
    """The 「— N —」 form of a page number (em dashes, as GB/T 9704 prescribes)."""
    return f"— {n} —"


PAGE_COUNT_FORM = "bz-page-count"


class PageCountCanvas(Canvas):
    """A canvas that knows the page count only at the end: pages draw the form
    ``PAGE_COUNT_FORM`` (「共 y 页」), defined once when the document is saved. One form for all
    pages keeps a 1,000-page roster single-pass (no second layout, no per-page state kept)."""

    count_text: Callable[[int], str] = staticmethod(lambda n: f"共 {n} 页")
    count_role = "table"
    count_size = 10.5
    fonts: FontRegistry | None = None

    def save(self) -> None:
        pages = self.getPageNumber() - (0 if self._code else 1)
        fonts = self.fonts or get_fonts()
        self.beginForm(PAGE_COUNT_FORM, lowerx=0, lowery=-self.count_size, upperx=self.count_size * 20,
                       uppery=self.count_size * 2)
        fonts.draw_string(self, 0, 0, self.count_text(max(1, pages)), self.count_role, self.count_size)
        self.endForm()
        super().save()


def _target(target: Target) -> Any:
    return str(target) if isinstance(target, Path) else target


# =========================================================================== reports


@dataclass(frozen=True)
class ReportHeader:
    """What every page of a report repeats."""

    title: str
    unit: str  # 制表单位
    as_of: dt.date | str  # 数据截至
    ledger_head: str  # e.g. "台账 #1234 ab12cd34ef56"
    note: str = ""  # optional, centred on the info line, e.g. "单位：名"
    marking: str = ""  # confidentiality marking printed on every page, e.g. "内部资料 注意保密"


@dataclass(frozen=True)
class ReportLayout:
    """Margins and bands of report pages (points)."""

    left: float = 18 * mm
    right: float = 15 * mm
    top: float = 27 * mm  # page edge to the frame: title and info line live here
    bottom: float = 16 * mm  # frame to page edge: page number and ledger head live here
    title_baseline: float = 13 * mm  # from the top edge
    title_size: float = 16
    info_baseline: float = 22 * mm  # from the top edge
    info_size: float = 9
    footer_baseline: float = 9 * mm  # from the bottom edge
    page_number_size: float = 10.5  # 5号
    ledger_size: float = 7
    marking_size: float = 10.5


class ReportDocTemplate(BaseDocTemplate):
    """A4 report document; ``build(flowables)`` writes the PDF.

    The header texts are checked for printability at construction, so a name no font can
    print fails before any page is laid out.
    """

    def __init__(self, target: Target, header: ReportHeader, *, landscape: bool = False,
                 fonts: FontRegistry | None = None, layout: ReportLayout | None = None,
                 on_page: Callable[[int], None] | None = None, **kw: Any):
        self.header = header
        self.on_page = on_page  # called after each page with its number (progress, cancel)
        self.fonts = fonts or get_fonts()
        self.layout = lay = layout or ReportLayout()
        self.as_of_text = "数据截至" + format_date_cn(header.as_of)
        for text, role in ((header.title, "title"), (header.unit, "table"), (self.as_of_text, "table"),
                           (header.note, "table"), (header.ledger_head, "table"), (header.marking, "heading")):
            self.fonts.check(text, role)
        pagesize = A4_LANDSCAPE if landscape else A4_PORTRAIT
        kw.setdefault("title", header.title)
        kw.setdefault("author", header.unit)
        if header.marking:
            kw.setdefault("subject", header.marking)
        kw.setdefault("creator", "Bianzhi")
        kw.setdefault("lang", "zh-CN")
        kw.setdefault("initialFontName", self.fonts.primary("table"))
        super().__init__(_target(target), pagesize=pagesize, leftMargin=lay.left, rightMargin=lay.right,
                         topMargin=lay.top, bottomMargin=lay.bottom, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="report", frames=[frame], onPage=self.decorate,
                                            pagesize=pagesize)])

    @property
    def frame_size(self) -> tuple[float, float]:
        """Width and height available to the flowables of a page."""
        return self.width, self.height

    def build(self, flowables: list[Any], filename: Any = None, canvasmaker: Any = None) -> None:
        fonts, size = self.fonts, self.layout.page_number_size

        class Counting(PageCountCanvas):
            pass

        Counting.fonts, Counting.count_size = fonts, size
        super().build(flowables, filename, canvasmaker or Counting)

    def decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Draw the repeated page furniture (the PageTemplate's onPage)."""
        lay, fonts, h = self.layout, self.fonts, self.header
        page_w, page_h = self.pagesize
        left, right = self.leftMargin, page_w - self.rightMargin
        centre = (left + right) / 2
        canvas.saveState()
        fonts.draw_string(canvas, centre, page_h - lay.title_baseline, h.title, "title", lay.title_size,
                          "centre")
        y = page_h - lay.info_baseline
        fonts.draw_string(canvas, left, y, "制表单位：" + h.unit, "table", lay.info_size)
        if h.note:
            fonts.draw_string(canvas, centre, y, h.note, "table", lay.info_size, "centre")
        fonts.draw_string(canvas, right, y, self.as_of_text, "table", lay.info_size, "right")
        if h.marking:  # top left on the title line, where a 密级 mark sits
            fonts.draw_string(canvas, left, page_h - lay.title_baseline, h.marking, "heading", lay.marking_size)
        y = lay.footer_baseline
        # 「第 x 页」 ends just left of the centre, 「共 y 页」 (a form filled in at the end) starts just right
        gap = lay.page_number_size / 2
        fonts.draw_string(canvas, centre - gap / 2, y, f"第 {canvas.getPageNumber()} 页", "table",
                          lay.page_number_size, "right")
        canvas.saveState()
        canvas.translate(centre + gap / 2, y)
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()
        canvas.setFillGray(0.35)
        fonts.draw_string(canvas, right, y, h.ledger_head, "table", lay.ledger_size, "right")
        canvas.restoreState()
        if self.on_page is not None:
            self.on_page(canvas.getPageNumber())


# =========================================================================== tables


@dataclass(frozen=True)
class Column:
    """One table column: header text, width in points, alignment, formatter.

    ``align=None`` right-aligns a column whose first non-empty value is a number and
    left-aligns the rest.  Long text wraps inside the cell (CJK line breaking).
    """

    title: str
    width: float
    align: ColumnAlign | None = None
    fmt: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class TableLook:
    """Sizes and colours of a data table."""

    font_size: float = 9
    header_size: float = 9
    leading: float | None = None  # default 1.25 × font size
    padding: float = 2.5
    grid_width: float = 0.5
    header_background: colors.Color | None = HEADER_GREY
    zebra: colors.Color | None = None  # background of every other body row
    min_row_height: float = 0
    body_role: str = "table"
    header_role: str = "heading"


def format_cell(value: Any) -> str:
    """Default text of a cell value: numbers plain, dates ISO, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


_TA = {"left": 0, "center": 1, "right": 2}


@dataclass(eq=False)
class _TableData:
    header: list[list[Any]]
    header_heights: list[float]
    body: list[list[Any]]
    col_widths: list[float]
    commands: list[tuple[Any, ...]]
    look: TableLook
    row_styles: Mapping[int, Sequence[tuple[Any, ...]]]
    heights: list[float] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)  # cum[i] = height of body rows [0, i)

    def ensure_heights(self) -> None:
        if self.cum:
            return
        look = self.look
        pad = 2 * look.padding
        leading = look.leading or look.font_size * 1.25
        one_line = max(leading + pad, look.min_row_height)
        widths = [w - pad for w in self.col_widths]
        heights = self.heights = []
        for row in self.body:
            h = one_line
            for cell, w in zip(row, widths, strict=False):
                if isinstance(cell, str):
                    if "\n" in cell:
                        h = max(h, leading * (cell.count("\n") + 1) + pad)
                elif isinstance(cell, Flowable):
                    h = max(h, cell.wrap(w, 1e9)[1] + pad)
            heights.append(h)
        self.cum = list(accumulate(heights, initial=0.0))

    def table(self, start: int, stop: int) -> Table:
        n_head = len(self.header)
        cmds = list(self.commands)
        zebra = self.look.zebra
        if zebra is not None and stop > start:
            pair = [colors.white, zebra] if start % 2 == 0 else [zebra, colors.white]
            cmds.append(("ROWBACKGROUNDS", (0, n_head), (-1, -1), pair))
        if self.row_styles:
            for i in range(start, stop):
                for cmd in self.row_styles.get(i, ()):
                    r = n_head + i - start
                    cmds.append((cmd[0], (0, r), (-1, r), *cmd[1:]))
        return Table(self.header + self.body[start:stop], colWidths=self.col_widths,
                     rowHeights=self.header_heights + self.heights[start:stop],
                     style=TableStyle(cmds), repeatRows=n_head)


class ChunkedTable(Flowable):
    """A long table laid out one page-sized ``Table`` at a time.

    ``split`` cuts exactly at the rows that fit the space the frame offers (row heights are
    computed once, in linear time), returns a ``Table`` of the header plus those rows and a
    ChunkedTable of the rest, so each page costs time in proportion to its own rows.
    A single row taller than a whole frame cannot be laid out (LayoutError).
    """

    def __init__(self, data: _TableData, start: int = 0):
        super().__init__()
        self._data = data
        self._start = start
        self._width = sum(data.col_widths)

    @property
    def row_count(self) -> int:
        return len(self._data.body) - self._start

    def as_table(self) -> Table:
        """All remaining rows as one reportlab ``Table`` (header repeated by ``repeatRows``),
        for short tables that must nest in another flowable.  Do not use it for long ones."""
        self._data.ensure_heights()
        return self._data.table(self._start, len(self._data.body))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        d = self._data
        d.ensure_heights()
        height = sum(d.header_heights) + d.cum[-1] - d.cum[self._start]
        self.width, self.height = self._width, height
        return self._width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        d = self._data
        d.ensure_heights()
        n, start = len(d.body), self._start
        room = availHeight - sum(d.header_heights)
        stop = bisect_right(d.cum, d.cum[start] + room + 1e-6, lo=start) - 1
        if stop <= start:
            return []
        if stop >= n:
            return [d.table(start, n)]
        return [d.table(start, stop), ChunkedTable(d, stop)]

    def draw(self) -> None:
        table = self._data.table(self._start, len(self._data.body))
        table.wrapOn(self.canv, self._width, 1e9)
        table.drawOn(self.canv, 0, 0)


def fit_columns(columns: Sequence[Column], rows: Sequence[Sequence[Any]], width: float, *,
                fonts: FontRegistry | None = None, look: TableLook | None = None,
                flexible: Sequence[int] = (), min_flexible: float = 14 * mm,
                min_size: float = 5.5) -> tuple[list[Column], TableLook]:
    """Widths from the figures: every right-aligned (numeric) column as wide as its widest value
    and at least two header characters, so "119537" never wraps to "11953/7" in a city's totals;
    the ``flexible`` text columns share what is left (each at least ``min_flexible``), and any
    width beyond their nominal sum goes to the numeric columns. When even that does not fit
    ``width`` the font shrinks in half points down to ``min_size``.
    """
    fonts = fonts or get_fonts()
    look = look or TableLook()
    numeric = [i for i, c in enumerate(columns) if c.align == "right"]
    flex = [i for i in flexible if i not in numeric]
    fixed = sum(c.width for i, c in enumerate(columns) if i not in numeric and i not in flex)
    nominal_flex = sum(columns[i].width for i in flex)
    widest: dict[int, str] = {}
    for i in numeric:
        fmt = columns[i].fmt or format_cell
        values = [r[i] for r in rows if i < len(r) and r[i] is not None]
        ints = [v for v in values if type(v) is int]
        # integers: only the largest and the smallest can be the widest (a province has 40,000 rows)
        candidates = [fmt(v) for v in values if type(v) is not int]
        if ints:
            candidates += [fmt(max(ints)), fmt(min(ints))]
        widest[i] = max(candidates, key=len, default="")
    size = look.font_size
    while True:
        pad = 2 * look.padding
        need = {i: max(fonts.string_width(widest[i], look.body_role, size) if widest[i] else 0.0,
                       2 * min(size, look.header_size)) + pad + 0.5 for i in numeric}
        rest = width - fixed - sum(need.values())
        if rest >= len(flex) * min_flexible or size - 0.5 < min_size:
            break
        size -= 0.5
    out = list(columns)
    if rest >= nominal_flex or not flex:
        extra = (rest - nominal_flex) / len(numeric) if numeric and flex else 0.0
        if not flex and numeric:
            extra = rest / len(numeric)
        for i in numeric:
            out[i] = replace(columns[i], width=need[i] + max(0.0, extra))
    else:
        shrink = [columns[i].width for i in flex]
        room = max(rest, len(flex) * min_flexible)
        for i, w in zip(flex, _scale_down(shrink, room, min_flexible), strict=True):
            out[i] = replace(columns[i], width=w)
        for i in numeric:
            out[i] = replace(columns[i], width=need[i])
    if size != look.font_size:
        look = replace(look, font_size=size, header_size=min(look.header_size, size + 0.5))
    return out, look


def _scale_down(widths: Sequence[float], total: float, floor: float) -> list[float]:
    """Widths scaled to sum to ``total``, none below ``floor`` (the others take the cut)."""
    result = list(widths)
    for _ in range(len(result) + 1):
        free = [i for i, w in enumerate(result) if w > floor]
        over = sum(result) - total
        if over <= 1e-6 or not free:
            break
        base = sum(result[i] for i in free)
        for i in free:
            result[i] = max(floor, result[i] - over * result[i] / base)
    return result


def data_table(columns: Sequence[Column], rows: Sequence[Sequence[Any]], *,
               fonts: FontRegistry | None = None, look: TableLook | None = None,
               header_rows: Sequence[Sequence[str | None]] | None = None,
               header_spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
               row_styles: Mapping[int, Sequence[tuple[Any, ...]]] | None = None) -> ChunkedTable:
    """Build a table flowable whose header repeats on every page.

    ``rows`` hold raw values (str, int, Decimal, date, None …); text that the body font
    cannot print entirely, or that is wider than its column, becomes a Paragraph with
    per-character fallback; other cells stay plain strings (fast).  ``header_rows`` (default:
    one row of the column titles) may have several rows, with ``header_spans`` as reportlab
    SPAN corners ((col0, row0), (col1, row1)).  ``row_styles`` maps a body row index to
    TableStyle commands without coordinates, e.g. ``{5: [("BACKGROUND", colors.pink)]}``.
    Raises MissingGlyph for a character no font has.
    """
    fonts = fonts or get_fonts()
    look = look or TableLook()
    body_chain = fonts.chain(look.body_role)
    body_font = body_chain.primary
    head_font = fonts.primary(look.header_role)
    leading = look.leading or look.font_size * 1.25
    pad = look.padding

    aligns: list[ColumnAlign] = []
    for c, col in enumerate(columns):
        if col.align is not None:
            aligns.append(col.align)
            continue
        first = next((r[c] for r in rows if c < len(r) and r[c] not in (None, "")), None)
        aligns.append("right" if _is_number(first) else "left")
    styles = [ParagraphStyle(f"cell-{a}", fontName=body_font, fontSize=look.font_size, leading=leading,
                             alignment=_TA[a], wordWrap="CJK") for a in aligns]
    inner = [col.width - 2 * pad for col in columns]
    fmts = [col.fmt or format_cell for col in columns]
    size = look.font_size
    string_width = pdfmetrics.stringWidth
    covers, markup = body_chain.covers, body_chain.markup

    body: list[list[Any]] = []
    for row in rows:
        cells: list[Any] = []
        for c, value in enumerate(row):
            text = value if isinstance(value, str) else fmts[c](value)
            if not covers(text) or (len(text) * size > inner[c]
                                    and string_width(text, body_font, size) > inner[c]):
                cells.append(Paragraph(markup(text), styles[c]))
            else:
                cells.append(text)
        body.append(cells)

    head_style = ParagraphStyle("head", fontName=head_font, fontSize=look.header_size,
                                leading=look.header_size * 1.25, alignment=1, wordWrap="CJK")
    head_text = header_rows if header_rows is not None else [[col.title for col in columns]]
    header = [[Paragraph(fonts.markup(t, look.header_role, head_font), head_style) if t else ""
               for t in hr] for hr in head_text]
    n_head = len(header)
    header_heights = []
    for hr in header:
        h = look.header_size * 1.25 + 2 * pad
        for cell, w in zip(hr, inner, strict=False):
            if isinstance(cell, Paragraph):
                h = max(h, cell.wrap(w, 1e9)[1] + 2 * pad)
        header_heights.append(h)
    # a spanned header cell may need more room than one row gives: grow the span's last row
    for (c0, r0), (c1, r1) in header_spans:
        cell = header[r0][c0]
        if isinstance(cell, Paragraph):
            w = sum(col.width for col in columns[c0:c1 + 1]) - 2 * pad
            need = cell.wrap(w, 1e9)[1] + 2 * pad
            have = sum(header_heights[r0:r1 + 1])
            if need > have:
                header_heights[r1] += need - have

    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), body_font),
        ("FONTSIZE", (0, 0), (-1, -1), look.font_size),
        ("LEADING", (0, 0), (-1, -1), leading),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("GRID", (0, 0), (-1, -1), look.grid_width, colors.black),
        ("ALIGN", (0, 0), (-1, n_head - 1), "CENTER"),
    ]
    if look.header_background is not None:
        cmds.append(("BACKGROUND", (0, 0), (-1, n_head - 1), look.header_background))
    start = 0
    for c in range(1, len(aligns) + 1):  # one command per run of equally aligned columns
        if c == len(aligns) or aligns[c] != aligns[start]:
            cmds.append(("ALIGN", (start, n_head), (c - 1, -1), aligns[start].upper()))
            start = c
    for (c0, r0), (c1, r1) in header_spans:
        cmds.append(("SPAN", (c0, r0), (c1, r1)))
    data = _TableData(header, header_heights, body, [col.width for col in columns], cmds, look,
                      row_styles or {})
    return ChunkedTable(data)


# =========================================================================== GB/T 9704


@dataclass(frozen=True)
class OfficialLayout:
    """GB/T 9704-2012 numbers (points)."""

    top: float = 37 * mm  # page top to text block
    left: float = 28 * mm  # binding side
    block_width: float = 156 * mm
    block_height: float = 225 * mm
    page_number_gap: float = 7 * mm  # text block bottom to the top of the page number line
    page_number_size: float = 14  # 4号
    page_number_indent: float = 14  # 空一字 (one 4号 character)
    body_size: float = 16  # 3号
    lines_per_page: int = 22
    chars_per_line: int = 28
    title_size: float = 22  # 2号

    @property
    def bottom(self) -> float:
        return float(A4[1]) - self.top - self.block_height

    @property
    def line_pitch(self) -> float:
        # a hair under 225 mm / 22, so 22 lines always fit the frame despite rounding
        return round(self.block_height / self.lines_per_page, 3) - 0.001


GB9704 = OfficialLayout()


class OfficialDocTemplate(BaseDocTemplate):
    """The GB/T 9704-2012 page for official notices (用编核准通知单 …).

    The frame is exactly the text block; the page number 「— N —」 (4号) sits with its top
    7 mm below the block, right-aligned one character in from the block's right edge on
    odd pages and left-aligned one character in from its left edge on even pages.  An
    optional ``ledger_head`` is printed small in the bottom margin.
    """

    def __init__(self, target: Target, *, fonts: FontRegistry | None = None, title: str = "",
                 ledger_head: str | None = None, page_numbers: bool = True,
                 layout: OfficialLayout = GB9704, on_page: Callable[[int], None] | None = None, **kw: Any):
        self.fonts = fonts or get_fonts()
        self.on_page = on_page
        self.gb = layout
        self.ledger_head = ledger_head
        self.page_numbers = page_numbers
        if ledger_head:
            self.fonts.check(ledger_head, "table")
        kw.setdefault("title", title)
        kw.setdefault("creator", "Bianzhi")
        kw.setdefault("lang", "zh-CN")
        kw.setdefault("initialFontName", self.fonts.primary("body"))
        right = A4[0] - layout.left - layout.block_width
        super().__init__(_target(target), pagesize=A4, leftMargin=layout.left, rightMargin=right,
                         topMargin=layout.top, bottomMargin=layout.bottom, **kw)
        frame = Frame(layout.left, layout.bottom, layout.block_width, layout.block_height, id="text-block",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="gb9704", frames=[frame], onPage=self.decorate,
                                            pagesize=A4)])

    def page_number_baseline(self, font: str) -> float:
        """Baseline that puts the top of the number's em box ``page_number_gap`` below the block."""
        gb = self.gb
        top = gb.bottom - gb.page_number_gap
        descent = float(pdfmetrics.getDescent(font, gb.page_number_size))  # negative
        return top - gb.page_number_size - descent

    def decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        gb, fonts = self.gb, self.fonts
        canvas.saveState()
        if self.page_numbers:
            n = canvas.getPageNumber()
            y = self.page_number_baseline(fonts.primary("table"))
            if n % 2:
                fonts.draw_string(canvas, gb.left + gb.block_width - gb.page_number_indent, y,
                                  page_number_text(n), "table", gb.page_number_size, "right")
            else:
                fonts.draw_string(canvas, gb.left + gb.page_number_indent, y, page_number_text(n),
                                  "table", gb.page_number_size, "left")
        if self.ledger_head:
            canvas.setFillGray(0.35)
            fonts.draw_string(canvas, gb.left + gb.block_width / 2, 8 * mm, self.ledger_head, "table", 7,
                              "centre")
        canvas.restoreState()
        if self.on_page is not None:
            self.on_page(canvas.getPageNumber())


def official_styles(fonts: FontRegistry | None = None, layout: OfficialLayout = GB9704
                    ) -> dict[str, ParagraphStyle]:
    """Paragraph styles of an official document.

    ``title`` 2号 (小标宋) centred; ``addressee`` 主送 flush left; ``body`` 3号 (仿宋) with a
    two-character indent on the 22-line grid; ``heading1`` 一、 (黑体); ``heading2`` (一)
    (楷体); ``signature`` / ``date`` right-aligned four characters in; ``note`` 4号 for 抄送.
    reportlab has no letter-spacing, so a 16 pt line holds 27 characters, not 28.
    """
    fonts = fonts or get_fonts()
    size, pitch = layout.body_size, layout.line_pitch
    body = fonts.paragraph_style("body", size, leading=pitch, align="justify", name="gb-body",
                                 firstLineIndent=2 * size)
    return {
        "title": fonts.paragraph_style("title", layout.title_size, leading=pitch * 1.25, align="centre",
                                       name="gb-title", spaceAfter=pitch),
        "addressee": fonts.paragraph_style("body", size, leading=pitch, align="justify",
                                           name="gb-addressee"),
        "body": body,
        "heading1": fonts.paragraph_style("heading", size, leading=pitch, align="justify",
                                          name="gb-heading1", firstLineIndent=2 * size),
        "heading2": fonts.paragraph_style("kaiti", size, leading=pitch, align="justify",
                                          name="gb-heading2", firstLineIndent=2 * size),
        "signature": fonts.paragraph_style("body", size, leading=pitch, align="right",
                                           name="gb-signature", rightIndent=4 * size),
        "date": fonts.paragraph_style("body", size, leading=pitch, align="right", name="gb-date",
                                      rightIndent=4 * size),
        "note": fonts.paragraph_style("body", 14, leading=pitch, align="justify", name="gb-note",
                                      leftIndent=14, firstLineIndent=0),
    }


def draw_red_rule(canvas: Canvas, y: float, *, x: float = GB9704.left, width: float = GB9704.block_width,
                  thickness: float = 1.0, color: colors.Color = RED) -> None:
    """Draw the red separator rule (版头分隔线) as wide as the text block at height ``y``."""
    canvas.saveState()
    canvas.setStrokeColor(color)
    canvas.setLineWidth(thickness)
    canvas.line(x, y, x + width, y)
    canvas.restoreState()


class DocNumberRule(Flowable):
    """发文字号 centred (3号 body font), and the red rule 4 mm below it, as wide as the frame.

    E.g. ``DocNumberRule("杨编发〔2026〕12号")``.  GB/T 9704 fixes the rule's position (4 mm
    under the number) and width (the text block), not its thickness; 1 pt by default.
    """

    def __init__(self, doc_number: str, *, fonts: FontRegistry | None = None, size: float = 16,
                 gap: float = 4 * mm, thickness: float = 1.0, color: colors.Color = RED):
        super().__init__()
        self.fonts = fonts or get_fonts()
        self.fonts.check(doc_number, "body")
        self.doc_number = doc_number
        self.size, self.gap, self.thickness, self.color = size, gap, thickness, color

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = self.size + self.gap + self.thickness / 2
        return self.width, self.height

    def draw(self) -> None:
        font = self.fonts.primary("body")
        descent = -pdfmetrics.getDescent(font, self.size)
        baseline = self.height - self.size + descent
        self.fonts.draw_string(self.canv, self.width / 2, baseline, self.doc_number, "body", self.size,
                               "centre")
        rule_y = baseline - descent - self.gap
        draw_red_rule(self.canv, rule_y, x=0, width=self.width, thickness=self.thickness, color=self.color)
