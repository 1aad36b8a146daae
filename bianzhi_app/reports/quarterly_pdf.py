"""Renderer of the 季度编制审核报告: comparison tables, bar charts (reportlab graphics), the
units over or at quota, expiring approvals, the quarter's changes and a signature block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from bianzhi_app.reports.fonts import FontRegistry, MissingGlyph
from bianzhi_app.reports.page import (
    Column,
    ReportDocTemplate,
    TableLook,
    Target,
    data_table,
    fit_columns,
    format_date_cn,
)
from bianzhi_app.reports.quarterly import QuarterlyReport, Totals
from bianzhi_app.reports.render_tables import TOTAL, frame_width, header_of

APPROVED_COLOUR = colors.Color(0.35, 0.5, 0.75)
USED_COLOUR = colors.Color(0.9, 0.55, 0.2)
RESERVED_COLOUR = colors.Color(0.55, 0.7, 0.4)
LOOK = TableLook(font_size=8, header_size=8, padding=2)
MIN_SIZE = 7  # no text of the review, charts included, is printed smaller than this


def chart_font(fonts: FontRegistry, labels: Sequence[str]) -> str:
    """A font of the table role that has every character of the labels (charts cannot switch
    fonts inside one string); raises MissingGlyph naming a character none has."""
    text = "".join(labels)
    fonts.check(text, "table")
    for face in fonts.chain("table").faces:
        if face.chars.issuperset(text):
            return face.name
    missing = next(ch for ch in text if not fonts.chain("table").faces[0].chars.issuperset(ch))
    raise MissingGlyph(missing, text)


def bar_chart(fonts: FontRegistry, title: str, labels: list[str], series: list[tuple[str, list[int], Any]],
              width: float, height: float = 62 * mm) -> Drawing:
    """Grouped vertical bars, one group per label, one bar per series, with a legend."""
    font = chart_font(fonts, [title, *labels, *(name for name, _v, _c in series)])
    d = Drawing(width, height)
    # the drawing's initial font is Helvetica unless told: declared, never embedded
    d.initialFontName, d.initialFontSize = font, MIN_SIZE
    d.add(String(width / 2, height - 10, title, fontName=font, fontSize=9, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 28
    chart.width, chart.height = width - 40, height - 80  # room above for the bar labels and the legend
    chart.data = [values for _n, values, _c in series] or [[0]]
    for i, (_n, _v, colour) in enumerate(series):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = MIN_SIZE
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = MIN_SIZE
    chart.valueAxis.valueMin = 0
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = MIN_SIZE
    chart.barLabelFormat = "%d"
    chart.barLabels.nudge = 5
    chart.groupSpacing = 6
    d.add(chart)
    legend = Legend()
    legend.fontName, legend.fontSize = font, MIN_SIZE
    legend.x, legend.y = width - 10 - 60 * len(series), height - 24
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.dx = legend.dy = 7
    legend.deltax = 60
    legend.colorNamePairs = [(colour, name) for name, _v, colour in series]
    d.add(legend)
    return d


def _change(value: int | None) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


def _totals_table(fonts: FontRegistry, first: str, rows: list[Totals], total: Totals | None, width: float,
                  with_pool: bool) -> Flowable:
    titles = [first, *(["总额"] if with_pool else []), "单位数", "核定", "实有", "在途", "空编", "超编",
              "上季核定", "上季实有", "核定增减", "实有增减"]
    first_w = 30 * mm
    per = (width - first_w) / (len(titles) - 1)
    columns = [Column(titles[0], first_w, align="left"), *[Column(t, per, align="right") for t in titles[1:]]]
    look = LOOK

    def cells(t: Totals) -> list[Any]:
        return [t.label, *([t.pool if t.pool is not None else ""] if with_pool else []), t.units, t.approved, t.used,
                t.reserved, t.vacancy, t.overage, "—" if t.prev_approved is None else t.prev_approved,
                "—" if t.prev_used is None else t.prev_used, _change(t.approved_change), _change(t.used_change)]

    body = [cells(t) for t in rows] + ([cells(total)] if total else [])
    styles = {len(body) - 1: [("BACKGROUND", TOTAL)]} if total else {}
    columns, look = fit_columns(columns, body, width, fonts=fonts, look=look, flexible=[0], min_flexible=20 * mm,
                                min_size=MIN_SIZE)
    return data_table(columns, body, fonts=fonts, look=look, row_styles=styles).as_table()


def _heading(fonts: FontRegistry, text: str) -> Flowable:
    return fonts.paragraph(text, fonts.paragraph_style("heading", 11, leading=16, name="q-heading",
                                                       spaceBefore=8, spaceAfter=4, keepWithNext=1))


def _para(fonts: FontRegistry, text: str) -> Flowable:
    return fonts.paragraph(text, fonts.paragraph_style("table", 9, leading=14, name="q-text"))


SIGNATURE_CELLS = (("审核人：", "", "日期：", "年　　月　　日"), ("制表人：", "", "复核人：", ""))


def signature_block(fonts: FontRegistry, width: float, *, heading: str = "审核意见",
                    cells: Sequence[Sequence[str]] = SIGNATURE_CELLS, label_width: float = 20 * mm) -> Flowable:
    """The office's signature lines under a heading: two pairs of 「label：____」 per row (a blank value is a
    line to sign on; 「年　　月　　日」 is filled in by hand), kept on one page with room for the opinion."""
    font = fonts.primary("table")
    rows = [list(row) for row in cells]
    for row in rows:
        for text in row:
            fonts.check(text, "table")
    table = Table(rows, colWidths=[label_width, 75 * mm - label_width, label_width, width - 75 * mm - label_width],
                  rowHeights=12 * mm)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 10),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               *[("LINEBELOW", (c, r), (c, r), 0.5, colors.black)
                                 for r, row in enumerate(rows) for c in (1, 3) if not row[c]]]))
    return KeepTogether([_heading(fonts, heading), Spacer(1, 18 * mm), table])


def _signature(fonts: FontRegistry, width: float) -> Flowable:
    return signature_block(fonts, width)


STATUS_WORDS = {"active": "有效", "expired": "已到期", "used": "已用完", "cancelled": "已撤销"}


def anchor_text(data: QuarterlyReport) -> str:
    """What the printed head anchors: entries 1..N that took effect by the quarter end."""
    end = format_date_cn(data.quarter.end)
    text = (f"季末状态以台账#{data.meta.ledger_seq} {data.meta.ledger_hash[:12]}为锚：即台账第1至"
            f"{data.meta.ledger_seq}条中生效日期不晚于{end}的记录")
    if data.later_in_anchor:
        text += f"（其中另有{data.later_in_anchor}条生效于季末之后、登记在补登记录之前，不计入季末状态）"
    text += "。"
    if data.after_snapshot:
        text += f"封存之后又补登了{data.after_snapshot}条生效于本季的记录，未计入封存数，见本季编制变动。"
    return text


def render_quarterly(data: QuarterlyReport, target: Target, *, fonts: FontRegistry, on_page: Any = None) -> int:
    width = frame_width(False)
    q = data.quarter
    story: list[Flowable] = []
    frozen = (f"本季数据已于{data.frozen.taken_at[:10]}封存（台账#{data.frozen.entry_seq}），以封存数为准。"
              if data.frozen else "本季尚未封存，数据按季末日由台账历史重算。")
    compare = (f"对比基准：{data.previous.quarter.label}季末封存数据（截至{format_date_cn(data.previous.period_end)}，"
               f"台账#{data.previous.ledger_seq} {data.previous.ledger_hash[:12]}）。"
               if data.previous else "无上季封存数据，本报告不作环比。")
    story += [_para(fonts, f"{data.meta.region}{q.chinese}（{q.start.isoformat()}至{q.end.isoformat()}）"
                           f"编制审核报告。{frozen}{compare}"), _para(fonts, anchor_text(data))]
    story += [_heading(fonts, "一、编制总体情况（按编制类型）"),
              _totals_table(fonts, "编制类型", data.by_kind, data.total, width, with_pool=True)]
    kinds = [t for t in data.by_kind if t.approved or t.used]
    if kinds:
        story += [Spacer(1, 4), bar_chart(fonts, "各类编制核定、实有与在途", [t.label for t in kinds],
                                          [("核定", [t.approved for t in kinds], APPROVED_COLOUR),
                                           ("实有", [t.used for t in kinds], USED_COLOUR),
                                           ("在途", [t.reserved for t in kinds], RESERVED_COLOUR)], width)]
    story += [_heading(fonts, "二、分机构类别情况"),
              _totals_table(fonts, "机构类别", data.by_category, data.total, width, with_pool=False)]
    if data.by_category:
        story += [Spacer(1, 4), bar_chart(fonts, "各类别机构核定编制与实有人数", [t.label for t in data.by_category],
                                          [("核定", [t.approved for t in data.by_category], APPROVED_COLOUR),
                                           ("实有", [t.used for t in data.by_category], USED_COLOUR)], width)]
    if data.by_region:  # a city: its counties as their newest packages give them, then the whole city
        whole = Totals("全市合计", units=data.total.units + sum(t.units for t in data.by_region))
        for f in ("approved", "used", "reserved", "vacancy", "overage"):
            setattr(whole, f, getattr(data.total, f) + sum(getattr(t, f) for t in data.by_region))
        story += [_para(fonts, "分县区情况（各县区按其最新上报的数据包，括号内为数据截至日；本级见上表合计）："),
                  _totals_table(fonts, "县区", data.by_region, whole, width, with_pool=False)]
    story.append(_heading(fonts, f"三、超编及满编单位（共{len(data.alerts)}项）"))
    if data.alerts:
        per = (width - 88 * mm) / 6
        cols = [Column("单位", 62 * mm), Column("编制类型", 26 * mm),
                *[Column(t, per, align="right") for t in ("核定", "实有", "在途", "超编", "只出不进")],
                Column("情况", per, align="center")]
        body = [[a.unit, a.kind, a.approved, a.used, a.reserved, a.overage, a.allowance, a.state]
                for a in data.alerts]
        story.append(data_table(cols, body, fonts=fonts, look=LOOK))
    else:
        story.append(_para(fonts, "季末无超编或满编单位。"))
    story.append(_heading(fonts, f"四、季末有效、30日内到期的用编核准（共{len(data.expiring)}项）"))
    if data.expiring:  # as they stood on the quarter's last day; 现状 says what became of them
        cols = [Column("核准编号", 24 * mm), Column("单位", 58 * mm), Column("编制类型", 24 * mm),
                Column("核准数", 15 * mm, align="right"), Column("季末剩余", 18 * mm, align="right"),
                Column("有效期至", 22 * mm), Column("现状", width - 161 * mm, align="center")]
        body = [[a.number, a.unit, a.kind, a.count, a.remaining, a.valid_until, STATUS_WORDS.get(a.status, a.status)]
                for a in data.expiring]
        story.append(data_table(cols, body, fonts=fonts, look=LOOK))
    else:
        story.append(_para(fonts, "无。"))
    story.append(_heading(fonts, f"五、本季编制变动（台账{len(data.rows)}条）"))
    if data.changes_by_op:
        story.append(_para(fonts, "；".join(f"{op}{n}条" for op, n in data.changes_by_op) + "。"))
        cols = [Column("台账序号", 13 * mm, align="right"), Column("日期", 17 * mm), Column("单位", 30 * mm),
                Column("变动事项", 35 * mm), Column("变动前", 30 * mm), Column("变动后", 30 * mm),
                Column("文号", width - 155 * mm)]
        body = [[r.seq, r.date, r.unit, r.change, r.before, r.after, r.doc] for r in data.rows]
        look = TableLook(font_size=MIN_SIZE, header_size=MIN_SIZE, padding=1.5)
        story.append(data_table(cols, body, fonts=fonts, look=look))
    story.append(_signature(fonts, width))
    doc = ReportDocTemplate(target, header_of(data.meta, note=q.chinese), fonts=fonts, on_page=on_page)
    doc.build(story)
    return int(doc.page)
