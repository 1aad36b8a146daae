"""用编核准通知单: one usage approval as an official letter (GB/T 9704-2012 信函格式, see `letter`).

The figures before and after are those the approval's own ledger entry recorded; the
发文字号 is the approval's document number; 抄送 goes to the region's 组织部, 人社 and 财政. The 附注
under the date names that entry's 经办人 and, when the approval was a reviewed proposal, its 审核人.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from bianzhi_app.catalog import Catalog
from bianzhi_app.errors import NotFound, UsageError
from bianzhi_app.ledger import read_hash_alg
from bianzhi_app.queries import approval_rows, ledger_entries, region_info
from bianzhi_app.reports.common import NO_JOB, TITLES, Job, ReportMeta, ReportOptions, kind_name
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.letter import Letter, font_statement, render_letter, split_name
from bianzhi_app.reports.page import Target, format_date_cn

FIGURE_FIELDS = ("approved", "used", "reserved", "vacancy")
LEVELS = "省市州盟县区旗"  # the last character of a region's name that names its level


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
    actor: str = ""  # 经办人 of the approval's ledger entry (who proposed it, when it was reviewed)
    approver: str = ""  # 审核人: the reviewer who approved it ("" unless it was a reviewed proposal)

    @property
    def note(self) -> str:
        """The 附注 naming who handled it: 经办人 and, for a reviewed approval, 审核人."""
        names = [f"经办人：{self.actor}"] if self.actor else []
        names += [f"审核人：{self.approver}"] if self.approver else []
        return "；".join(names)

    @property
    def title(self) -> str:
        return f"关于核准{self.unit}使用{self.kind_name}的通知"


def copy_to(region: str, code: str) -> list[str]:
    """抄送 organs of the region: 组织部, 人力资源和社会保障, 财政 (厅 at province level, else 局),
    named as the region's own documents name them: 区委组织部 in 杨陵区 (one line of 4号 text)."""
    suffix = "厅" if code.endswith("0000") else "局"
    region = re.sub(r"\s*[（(][^（）()]*[)）]$", "", region)  # a note after the name: 杨陵区(演示) is a 区
    level = region[-1] if region[-1:] in LEVELS else region
    return [f"{level}委组织部", f"{level}人力资源和社会保障{suffix}", f"{level}财政{suffix}"]


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
    meta = ReportMeta(TITLES["notice"], info["name"], info["office"], issued, entry["seq"], entry["hash"],
                      read_hash_alg(conn))
    kind = row["kind"]
    valid = dt.date.fromisoformat(row["valid_until"]) if row["valid_until"] else None
    return NoticeData(meta, number, entry["doc"] or "", entry["unit"] or row["unit"], kind, kind_name(catalog, kind),
                      row["count"], row["method"], issued, valid, _figures(entry["before"].get(kind, {})),
                      _figures(entry["after"].get(kind, {})), copy_to(info["name"], info["code"]),
                      entry.get("actor") or "", entry.get("approver") or "")


def figures_sentence(kind: str, figures: dict[str, int]) -> str:
    return (f"{kind}核定{figures['approved']}名，实有{figures['used']}名，在途{figures['reserved']}名，"
            f"空编{figures['vacancy']}名。")


def title_words(data: NoticeData) -> tuple[list[str], frozenset[int]]:
    """The title as words for line breaking, and the cuts that fall inside the unit's name."""
    name = split_name(data.unit)
    words = ["关于核准", *name, "使用", data.kind_name, "的通知"]
    return words, frozenset(range(2, 1 + len(name)))


def notice_paragraphs(data: NoticeData) -> list[tuple[str, str]]:
    """The body, worded to fit one page with the letterhead, a two-line title, the seal and the
    抄送 (four paragraph lines, two or three of figures, 特此通知)."""
    expiry = format_date_cn(data.valid_until) if data.valid_until else "核准之日起一年"
    after = figures_sentence(data.kind_name, data.after).removeprefix(data.kind_name)
    return [
        ("body", f"你单位关于使用{data.kind_name}补充工作人员的申请收悉。经研究，同意你单位以{data.method}方式"
                 f"使用{data.kind_name}{data.count}名（核准编号：{data.number}），有效期至{expiry}，逾期未使用的"
                 "自动失效。请严格按照核准的编制类型、数量和方式办理进人手续。"),
        ("body", f"核准前，你单位{figures_sentence(data.kind_name, data.before)[:-1]}；核准后，{after}"),
        ("body", "特此通知。"),
    ]


def render_notice(data: NoticeData, target: Target, *, fonts: FontRegistry, on_page: Any = None) -> int:
    """The notice as a letter (信函格式, GB/T 9704-2012 10.1): a 编办 notifies one unit of its
    approval, which is what the letter format is for (函 and notices to a unit); the 文件格式
    with its 版头 and 版记 rules is for documents issued to the region at large."""
    words, soft = title_words(data)
    letter = Letter(
        office=data.meta.office, doc_number=data.doc or data.number, title_words=words, title_soft=soft,
        addressee=data.unit, paragraphs=notice_paragraphs(data), date_text=format_date_cn(data.issued_on),
        note=data.note, copy_to="抄送：" + "，".join(data.copy_to) + "。", footer=data.meta.ledger_head,
        metadata={"title": f"{data.title}（{data.doc or data.number}）", "author": data.meta.office,
                  "subject": "用编核准通知单（信函格式，GB/T 9704-2012 第10.1条）",
                  "keywords": font_statement(fonts), "creator": "Bianzhi"})
    return render_letter(letter, target, fonts, on_page)
