"""reportlab renderers of the tabular reports (总表, 职数表, 花名册, 台账, 信息公开表).

Each takes the plain data of `builders`, lays it out with `page.data_table` (header repeated
on every page, numbers right-aligned, subtotal rows shaded) and returns the page count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm

from bianzhi_app.reports.builders import (
    DisclosureReport,
    FigureRow,
    LedgerReport,
    PostsReport,
    RosterReport,
    SummaryReport,
)
from bianzhi_app.reports.common import POST_FIELDS, POST_LABELS, QUOTA_FIELDS, QUOTA_LABELS, ReportMeta
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.page import (
    A4_LANDSCAPE,
    A4_PORTRAIT,
    Column,
    ReportDocTemplate,
    ReportHeader,
    ReportLayout,
    TableLook,
    Target,
    data_table,
    fit_columns,
)

PageHook = Callable[[int], None] | None
SUBTOTAL = colors.Color(0.93, 0.93, 0.93)
TOTAL = colors.Color(0.85, 0.85, 0.85)
_LAYOUT = ReportLayout()


def frame_width(landscape: bool) -> float:
    page = A4_LANDSCAPE if landscape else A4_PORTRAIT
    return float(page[0]) - _LAYOUT.left - _LAYOUT.right


def printed_title(meta: ReportMeta) -> str:
    """The title as printed: the region first (杨陵区机构编制情况总表), so a filed page says whose it is."""
    return meta.title if not meta.region or meta.title.startswith(meta.region) else meta.region + meta.title


def header_of(meta: ReportMeta, note: str = "", marking: str = "") -> ReportHeader:
    return ReportHeader(printed_title(meta), meta.office, meta.as_of, meta.ledger_head, note=note, marking=marking)


def _build(target: Target, meta: ReportMeta, story: list[Any], *, landscape: bool, fonts: FontRegistry,
           on_page: PageHook, note: str = "", marking: str = "") -> int:
    doc = ReportDocTemplate(target, header_of(meta, note, marking), landscape=landscape, fonts=fonts,
                            on_page=on_page)
    doc.build(story)
    return int(doc.page)


def _row_styles(rows: Sequence[FigureRow]) -> dict[int, list[tuple[Any, ...]]]:
    shade = {"subtotal": SUBTOTAL, "total": TOTAL, "pool": TOTAL, "unallocated": TOTAL}
    return {i: [("BACKGROUND", shade[r.role])] for i, r in enumerate(rows) if r.role in shade}


def _figure_table(rows: Sequence[FigureRow], groups: Sequence[tuple[str, str]], fields: Sequence[str],
                  labels: dict[str, str], lead: Sequence[tuple[str, float]], width: float,
                  fonts: FontRegistry, look: TableLook) -> Any:
    """Lead text columns, then one group of numeric columns per kind (two header rows)."""
    per = (width - sum(w for _t, w in lead)) / (len(groups) * len(fields))
    columns = [Column(t, w, align="center" if t == "序号" else "left") for t, w in lead]
    columns += [Column(labels[f], per, align="right") for _c, _n in groups for f in fields]
    n_lead = len(lead)
    top: list[str | None] = [t for t, _w in lead]
    second: list[str | None] = [None] * n_lead
    spans = [((c, 0), (c, 1)) for c in range(n_lead)]
    for g, (_code, name) in enumerate(groups):
        start = n_lead + g * len(fields)
        top += [name] + [None] * (len(fields) - 1)
        second += [labels[f] for f in fields]
        spans.append(((start, 0), (start + len(fields) - 1, 0)))
    body = []
    seq = 0
    for r in rows:
        if r.role == "unit":
            seq += 1
        lead_cells: list[Any] = [seq if r.role == "unit" else "", r.name, r.category if r.role == "unit" else "",
                                 r.rank, r.funding][:n_lead]
        cells = [r.figures.get(code, {}).get(f) for code, _n in groups for f in fields]
        body.append(lead_cells + cells)
    # the unit name gives way so that a city's or a province's totals fit their cells
    columns, look = fit_columns(columns, body, width, fonts=fonts, look=look, flexible=[1], min_flexible=24 * mm)
    return data_table(columns, body, fonts=fonts, look=look, header_rows=[top, second], header_spans=spans,
                      row_styles=_row_styles(rows))


def render_summary(data: SummaryReport, target: Target, *, fonts: FontRegistry, on_page: PageHook = None) -> int:
    width = frame_width(True)
    lead = [("序号", 9 * mm), ("单位名称", 38 * mm), ("机构类别", 19 * mm), ("规格", 10 * mm), ("经费形式", 13 * mm)]
    look = TableLook(font_size=7, header_size=7.5, padding=1.5)
    table = _figure_table(data.rows, data.kinds, QUOTA_FIELDS, QUOTA_LABELS, lead, width, fonts, look)
    return _build(target, data.meta, [table], landscape=True, fonts=fonts, on_page=on_page, note="单位：名")


def render_posts(data: PostsReport, target: Target, *, fonts: FontRegistry, on_page: PageHook = None) -> int:
    width = frame_width(True)
    lead = [("序号", 9 * mm), ("单位名称", 48 * mm), ("机构类别", 19 * mm), ("规格", 10 * mm)]
    look = TableLook(font_size=7.5, header_size=7.5, padding=1.5)
    table = _figure_table(data.rows, data.post_kinds, POST_FIELDS, POST_LABELS, lead, width, fonts, look)
    return _build(target, data.meta, [table], landscape=True, fonts=fonts, on_page=on_page, note="单位：名")


CONFIDENTIAL = "内部资料 注意保密 含公民身份号码"


def render_roster(data: RosterReport, target: Target, *, fonts: FontRegistry, on_page: PageHook = None) -> int:
    """The masked roster has no birth-date column: the date is exactly what the ID mask hides.
    A roster with full ID numbers carries the confidentiality marking on every page."""
    if data.full_id:
        widths = [("序号", 11), ("单位", 33), ("姓名", 18), ("性别", 8), ("出生日期", 18), ("编制类型", 20),
                  ("职务", 19), ("入编日期", 18), ("身份证号", 32)]
        body = [[i, r.unit, r.name, r.gender, r.birth_date, r.kind, r.post, r.entered_on, r.id_number]
                for i, r in enumerate(data.rows, start=1)]
    else:
        widths = [("序号", 11), ("单位", 45), ("姓名", 22), ("性别", 8), ("编制类型", 20), ("职务", 21),
                  ("入编日期", 18), ("身份证号", 32)]
        body = [[i, r.unit, r.name, r.gender, r.kind, r.post, r.entered_on, r.id_number]
                for i, r in enumerate(data.rows, start=1)]
    columns = [Column(t, w * mm, align="center" if t in ("序号", "性别") else "left") for t, w in widths]
    look = TableLook(font_size=8, header_size=8, padding=2)
    note = f"共{len(data.rows)}人" + ("，含个人敏感信息" if data.full_id else "(身份证号中间八位已隐去)")
    return _build(target, data.meta, [data_table(columns, body, fonts=fonts, look=look)], landscape=False,
                  fonts=fonts, on_page=on_page, note=note, marking=CONFIDENTIAL if data.full_id else "")


HASH_CHARS = 8  # of an entry's hash in the 台账 table: enough to find it, short enough for a column


def render_ledger(data: LedgerReport, target: Target, *, fonts: FontRegistry, on_page: PageHook = None) -> int:
    """Each entry with its short hash (to find it in the chain), its 经办人 and, for a change approved as a
    proposal, its 审核人; the 文号 of any entry that cites one, 出编 included."""
    widths = [("台账序号", 14), ("生效日期", 17), ("单位", 33), ("变动事项", 41), ("变动前", 42), ("变动后", 42),
              ("文号", 31), ("经办人", 15), ("审核人", 15), ("哈希", 14)]
    columns = [Column(t, w * mm, align="right" if t == "台账序号" else "left") for t, w in widths]
    body = [[r.seq, r.date, r.unit, r.change, r.before, r.after, r.doc, r.actor, r.approver, r.hash[:HASH_CHARS]]
            for r in data.rows]
    look = TableLook(font_size=7, header_size=7.5, padding=1.5)
    note = f"期间：{data.since.isoformat()}至{data.until.isoformat()}，共{len(data.rows)}条"
    story = [data_table(columns, body, fonts=fonts, look=look)]
    return _build(target, data.meta, story, landscape=True, fonts=fonts, on_page=on_page, note=note)


def _continued(body: list[list[Any]], width: float, fonts: FontRegistry, look: TableLook) -> list[list[Any]]:
    """Rows of the 信息公开表 with a long 主要职责 (column 4) split into the unit's row and its 「(续)」 rows."""
    out: list[list[Any]] = []
    for row in body:
        pieces = text_pieces(row[4], width, fonts, look.body_role, look.font_size) if row[4] else [row[4]]
        out.append([*row[:4], pieces[0], *row[5:]])
        out += [["", f"{row[1]}(续)", "", "", piece] + [""] * (len(row) - 5) for piece in pieces[1:]]
    return out


def wrap_items(items: Sequence[str], sep: str, width: float, fonts: FontRegistry, role: str, size: float) -> str:
    """Items joined by ``sep``, broken into lines only between items (「内设机构正职2名」 never
    splits mid-word); an item wider than ``width`` gets a line of its own."""
    lines: list[str] = []
    line = ""
    for item in items:
        candidate = f"{line}{sep}{item}" if line else item
        if line and fonts.string_width(candidate + sep, role, size) > width:  # room for a trailing 、
            lines.append(line + sep)
            line = item
        else:
            line = candidate
    if line:
        lines.append(line)
    return "\n".join(lines)


# Lines of 主要职责 in one row of the 信息公开表: a row never breaks across pages, so a longer text goes on in
# 「(续)」 rows (a landscape page holds about 45 lines at the table's size).
FUNCTIONS_ROW_LINES = 30


def text_pieces(text: str, width: float, fonts: FontRegistry, role: str, size: float,
                max_lines: int = FUNCTIONS_ROW_LINES) -> list[str]:
    """``text`` cut into pieces of at most ``max_lines`` lines of ``width`` (each piece one row's cell): its
    own line breaks kept, a line too long for one piece cut between characters."""
    per_line = max(1, int(width // size))  # a line holds at least this many characters (none is wider than 1 em)
    paragraphs = text.split("\n")
    if sum(-(-max(1, len(p)) // per_line) for p in paragraphs) <= max_lines:
        return [text]  # surely fits: no measuring (a province has 40,000 rows)
    widths: dict[str, float] = {}
    pieces: list[str] = []
    piece: list[str] = []  # the piece's lines, "\n" ending those that end a paragraph
    lines = 0
    for paragraph in paragraphs:
        line, used = "", 0.0
        wrapped: list[str] = []
        for ch in paragraph:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = fonts.string_width(ch, role, size)
            if line and used + w > width:
                wrapped.append(line)
                line, used = "", 0.0
            line, used = line + ch, used + w
        wrapped.append(line)
        wrapped[-1] += "\n"
        for part in wrapped:
            if lines == max_lines:
                pieces.append("".join(piece))
                piece, lines = [], 0
            piece.append(part)
            lines += 1
    pieces.append("".join(piece))
    return [p.rstrip("\n") for p in pieces]


def render_disclosure(data: DisclosureReport, target: Target, *, fonts: FontRegistry,
                      on_page: PageHook = None) -> int:
    width = frame_width(True)
    lead = [("序号", 9), ("单位名称", 44), ("机构类别", 19), ("规格", 11), ("主要职责", 72)]
    posts_w = 52 * mm  # the four post kinds in two lines, broken only between them
    per = (width - sum(w for _t, w in lead) * mm - posts_w) / (len(data.kinds) + 1)
    columns = [Column(t, w * mm, align="center" if t == "序号" else "left") for t, w in lead]
    columns += [Column(name.removesuffix("编制"), per, align="right") for _c, name in data.kinds]
    columns += [Column("合计", per, align="right"), Column("领导职数", posts_w, align="left")]
    n_lead, n_kind = len(lead), len(data.kinds) + 1
    top: list[str | None] = [t for t, _w in lead] + ["核定编制"] + [None] * (n_kind - 1) + ["领导职数"]
    second: list[str | None] = [None] * n_lead + [c.title for c in columns[n_lead:n_lead + n_kind]] + [None]
    spans = [((c, 0), (c, 1)) for c in range(n_lead)]
    spans += [((n_lead, 0), (n_lead + n_kind - 1, 0)), ((n_lead + n_kind, 0), (n_lead + n_kind, 1))]
    body: list[list[Any]] = []
    totals = dict.fromkeys([c for c, _n in data.kinds], 0)
    post_items: list[list[str]] = []
    for i, r in enumerate(data.rows, start=1):
        post_items.append([f"{name}{r.posts[code]}名" for code, name in data.post_kinds if r.posts.get(code)])
        quota = [r.quota[c] for c, _n in data.kinds]
        for c, _n in data.kinds:
            totals[c] += r.quota[c]
        body.append([i, r.name, r.category, r.rank, r.functions or "—", *quota, sum(quota), ""])
    body.append(["", "合计", "", "", "", *totals.values(), sum(totals.values()), ""])
    look = TableLook(font_size=7.5, header_size=7.5, padding=1.5)
    columns, look = fit_columns(columns, body, width, fonts=fonts, look=look, flexible=[1, 4])
    room = columns[-1].width - 2 * look.padding - 1  # a point to spare: the cell must not re-wrap a line
    for row, items in zip(body, post_items, strict=False):
        row[-1] = wrap_items(items, "、", room, fonts, look.body_role, look.font_size) or "—"
    body = _continued(body, columns[4].width - 2 * look.padding - 1, fonts, look)
    table = data_table(columns, body, fonts=fonts, look=look, header_rows=[top, second], header_spans=spans,
                       row_styles={len(body) - 1: [("BACKGROUND", TOTAL)]})
    return _build(target, data.meta, [table], landscape=True, fonts=fonts, on_page=on_page, note="单位：名")
