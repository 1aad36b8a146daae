"""用编核准通知单: one usage approval as an official notice in the GB/T 9704-2012 layout.

The figures before and after are those the approval's own ledger entry recorded; the
发文字号 is the approval's document number; 抄送 goes to the region's 组织部, 人社 and 财政.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlalchemy import Connection

from bianzhi_app.catalog import Catalog
from bianzhi_app.errors import NotFound, UsageError
from bianzhi_app.queries import approval_rows, ledger_entries, region_info
from bianzhi_app.reports.common import NO_JOB, TITLES, Job, ReportMeta, ReportOptions, kind_name
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.page import (
    GB9704,
    RED,
    DocNumberRule,
    OfficialDocTemplate,
    Target,
    format_date_cn,
    official_styles,
)

FIGURE_FIELDS = ("approved", "used", "reserved", "vacancy")


@dataclass
class NoticeData:
    meta: ReportMeta
    number: str  # the approval's number, e.g. 2026-0003
    doc: str  # 发文字号, e.g. 杨编发〔2026〕12号
    unit: str  # 主送 (the unit's name on the approval day)
    kind: str  # code
    kind_name: str
    count: int
    method: str
    issued_on: dt.date
    valid_until: dt.date | None
    before: dict[str, int]  # approved, used, reserved, vacancy
    after: dict[str, int]
    copy_to: list[str]

    @property
    def title(self) -> str:
        return f"关于核准{self.unit}使用{self.kind_name}的通知"


def copy_to(region: str, code: str) -> list[str]:
    """抄送 organs of the region: 组织部, 人力资源和社会保障, 财政 (厅 at province level, else 局)."""
    suffix = "厅" if code.endswith("0000") else "局"
    return [f"{region}委组织部", f"{region}人力资源和社会保障{suffix}", f"{region}财政{suffix}"]


def _figures(raw: dict[str, int]) -> dict[str, int]:
    approved, used, reserved = raw.get("approved", 0), raw.get("used", 0), raw.get("reserved", 0)
    return {"approved": approved, "used": used, "reserved": reserved,
            "vacancy": max(0, approved - used - reserved)}


def build_notice(conn: Connection, catalog: Catalog, options: ReportOptions, job: Job = NO_JOB) -> NoticeData:
    """The notice of approval `options.approval`. Refuses a missing number (UsageError) and an
    unknown one (NotFound)."""
    if not options.approval:
        raise UsageError("用编核准通知单须指定核准编号:--approval 编号(如 2026-0001)")
    number = options.approval.strip()
    row = next((r for r in approval_rows(conn, catalog, status=None) if r["number"] == number), None)
    if row is None:
        raise NotFound(f"未找到编号为「{number}」的用编核准")
    job.step(1, 2, "读取用编核准")
    entry = next((e for e in ledger_entries(conn, unit=row["unit_id"], op="approval.add")
                  if e["detail"].get("number") == number), None)
    if entry is None:
        raise NotFound(f"台账中没有用编核准{number}的核准记录")
    info = region_info(conn)
    issued = dt.date.fromisoformat(row["issued_on"])
    meta = ReportMeta(TITLES["notice"], info["name"], info["office"], issued, entry["seq"], entry["hash"])
    kind = row["kind"]
    valid = dt.date.fromisoformat(row["valid_until"]) if row["valid_until"] else None
    return NoticeData(meta, number, entry["doc"] or "", entry["unit"] or row["unit"], kind, kind_name(catalog, kind),
                      row["count"], row["method"], issued, valid, _figures(entry["before"].get(kind, {})),
                      _figures(entry["after"].get(kind, {})), copy_to(info["name"], info["code"]))


def figures_sentence(kind: str, figures: dict[str, int]) -> str:
    return (f"{kind}核定{figures['approved']}名，实有{figures['used']}名，在途{figures['reserved']}名，"
            f"空编{figures['vacancy']}名。")


class IssuerMark(Flowable):
    """发文机关标志: the office's name in red, centred, as large as the text block allows."""

    def __init__(self, text: str, fonts: FontRegistry, max_size: float = 30):
        super().__init__()
        fonts.check(text, "title")
        self.text, self.fonts, self.max_size = text, fonts, max_size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.size = min(self.max_size, availWidth / max(1, len(self.text)) * 0.96)
        self.width, self.height = availWidth, self.size * 1.2
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColor(RED)
        self.fonts.draw_string(self.canv, self.width / 2, self.size * 0.25, self.text, "title", self.size, "centre")


class Imprint(Flowable):
    """版记 at the foot of the last page: 抄送 and 印发机关/印发日期 between black rules
    (first and last 0.35 mm, the middle one 0.25 mm), 4号, one character in from each side."""

    def __init__(self, copy_line: str, issuer: str, printed_on: str, fonts: FontRegistry, size: float = 14):
        super().__init__()
        self.fonts, self.size, self.pitch = fonts, size, GB9704.line_pitch
        style = fonts.paragraph_style("body", size, leading=self.pitch, align="justify", name="gb-imprint",
                                      leftIndent=size * 4, firstLineIndent=-size * 3, rightIndent=size)
        self.copy_para = fonts.paragraph(copy_line, style)
        fonts.check(issuer + printed_on, "body")
        self.issuer, self.printed_on = issuer, printed_on

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _w, self.copy_height = self.copy_para.wrap(availWidth, 1e6)
        need = self.copy_height + self.pitch + 2
        self.width = availWidth
        self.height = max(need, availHeight) if availHeight >= need else need  # sit at the foot
        return self.width, self.height

    def draw(self) -> None:
        c, size, pitch = self.canv, self.size, self.pitch
        c.saveState()
        c.setLineWidth(0.35 * mm)
        c.line(0, 0.5, self.width, 0.5)
        baseline = (pitch - size) / 2 + 0.22 * size
        self.fonts.draw_string(c, size, baseline, self.issuer, "body", size, "left")
        self.fonts.draw_string(c, self.width - size, baseline, self.printed_on + "印发", "body", size, "right")
        c.setLineWidth(0.25 * mm)
        c.line(0, pitch, self.width, pitch)
        self.copy_para.drawOn(c, 0, pitch)
        c.setLineWidth(0.35 * mm)
        top = pitch + self.copy_height
        c.line(0, top, self.width, top)
        c.restoreState()


def render_notice(data: NoticeData, target: Target, *, fonts: FontRegistry,
                  on_page: Any = None) -> int:
    st = official_styles(fonts)
    pitch = GB9704.line_pitch
    expiry = format_date_cn(data.valid_until) if data.valid_until else "核准之日起一年"
    body = (f"你单位关于使用{data.kind_name}补充工作人员的申请收悉。经审核，同意你单位以{data.method}方式"
            f"使用{data.kind_name}{data.count}名（核准编号：{data.number}），有效期至{expiry}。请严格按照核准的"
            f"编制类型、数量和补充方式办理进人手续，逾期未使用的，本核准自动失效。")
    story: list[Flowable] = [
        IssuerMark(data.meta.office, fonts), Spacer(1, pitch / 2),
        DocNumberRule(data.doc or data.number, fonts=fonts), Spacer(1, pitch),
        fonts.paragraph(data.title, st["title"]),
        fonts.paragraph(f"{data.unit}：", st["addressee"]),
        fonts.paragraph(body, st["body"]),
        fonts.paragraph("一、核准前编制情况", st["heading1"]),
        fonts.paragraph(figures_sentence(data.kind_name, data.before), st["body"]),
        fonts.paragraph("二、核准后编制情况", st["heading1"]),
        fonts.paragraph(figures_sentence(data.kind_name, data.after), st["body"]),
        fonts.paragraph(data.meta.office, st["signature"]),
        fonts.paragraph(format_date_cn(data.issued_on), st["date"]),
        Imprint("抄送：" + "，".join(data.copy_to) + "。", data.meta.office, format_date_cn(data.issued_on), fonts),
    ]
    doc = OfficialDocTemplate(target, fonts=fonts, title=f"{data.title}（{data.doc}）",
                              ledger_head=data.meta.ledger_head, on_page=on_page)
    doc.build(story)
    return int(doc.page)
