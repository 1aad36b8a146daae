"""安全审计报告: the security log (安全审计日志) printed for the auditor (issue 15).

The events are read through `book.audit.events`, so the core checks the role (安全审计员 only; NotSignedIn or
NotPermitted otherwise) exactly as for `audit` on the command line. The report lists each event (序号, 时间,
账户, 事件, 详情 in words), counts them per kind, shades failed sign-ins and locks, states whether the log's
hash chain verifies (`seclog.verify_log`) and prints its head (last seq, first characters of its hash) in the
text and on every page, beside the ledger head, and ends with the office's signature lines.

No password is ever in the log; a detail that looks like an ID number is masked, and a key that names a
secret (password, hash, key) is left out, whatever a later event may carry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from bianzhi_app.accounts.roles import Role, decode_roles, roles_label
from bianzhi_app.accounts.seclog import EVENT_LABELS, Event, SecurityEvent, verify_log
from bianzhi_app.accounts.store import POLICY_LABELS
from bianzhi_app.db.sql import rows
from bianzhi_app.errors import NotPermitted
from bianzhi_app.idcodes import mask_id
from bianzhi_app.ledger import read_head as read_ledger_head
from bianzhi_app.queries import region_info
from bianzhi_app.reports.common import TITLES, ReportMeta, ReportOptions
from bianzhi_app.reports.fonts import FontRegistry
from bianzhi_app.reports.page import Column, ReportDocTemplate, ReportHeader, TableLook, Target, data_table
from bianzhi_app.reports.render_tables import frame_width, printed_title

if TYPE_CHECKING:
    from bianzhi_app.book import Book

HASH_CHARS = 12  # of the log's head hash, as the ledger head is printed
ALERT = colors.Color(1.0, 0.86, 0.86)  # failed sign-ins and locks: a light red row
ALERT_EVENTS = frozenset({Event.SIGN_IN_FAILED.value, Event.LOCKED.value})
LOOK = TableLook(font_size=8, header_size=8, padding=2)
SIGNATURE = (("安全审计员：", "", "日期：", "年　　月　　日"), ("单位负责人：", "", "日期：", "年　　月　　日"))

FAILURE_WORDS = {"unknown": "账户不存在", "disabled": "账户已停用", "locked": "账户已锁定",
                 "recovery_key": "恢复密钥不正确"}
SECRET_KEY = re.compile(r"password|passwd|secret|hash|key|口令|密码", re.IGNORECASE)
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
DETAIL_WORDS = {"name": "账户", "id_number": "身份证号", "unit": "单位", "file": "文件", "path": "文件",
                "report": "报表", "format": "格式", "kind": "类别", "units": "单位数", "persons": "人数",
                "approvals": "用编核准数", "count": "数量", "rows": "行数", "number": "编号", "reason": "原因",
                "proposer": "提出人", "seq": "台账序号",
                "what": "内容", "full_id": "完整身份证号", "as_of": "截至"}


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str  # 2026-12-06 09:00:00 (the book's local time as recorded)
    account: str
    event: str  # code (Event value)
    label: str  # 登录失败 …
    detail: str  # in words

    @property
    def alert(self) -> bool:
        return self.event in ALERT_EVENTS


@dataclass(frozen=True)
class LogHead:
    """The security log as verified when the report was made."""

    seq: int  # 0: the log is empty
    hash: str
    total: int
    problem: str | None  # None: the chain verifies

    @property
    def text(self) -> str:
        return f"安全审计日志 #{self.seq} {self.hash[:HASH_CHARS]}" if self.seq else "安全审计日志 #0（空）"


@dataclass
class AuditReport:
    meta: ReportMeta
    since: dt.date | None
    rows: list[AuditRow]
    counts: list[tuple[str, str, int]]  # (event code, label, count) for every kind, in the log's order
    head: LogHead


def _mask(text: str) -> str:
    return ID_LIKE.sub(lambda m: mask_id(m.group(1)), text)


def _roles(codes: Any) -> str:
    try:
        return roles_label(decode_roles(str(codes or "")))
    except ValueError:
        return _mask(str(codes))


def _generic(detail: dict[str, Any]) -> str:
    """Any other detail (reveal, export, a kind of event added later): key: value, secrets left out."""
    parts = []
    order = list(DETAIL_WORDS)  # the log keeps keys sorted: print them in the table's order, unknown ones last
    for key, value in sorted(detail.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)):
        if SECRET_KEY.search(str(key)) or isinstance(value, (dict, list)):
            continue
        text = "是" if value is True else "否" if value is False else str(value)
        parts.append(f"{DETAIL_WORDS.get(str(key), str(key))}：{_mask(text)}")
    return "；".join(parts)


def describe_event(event: SecurityEvent) -> str:
    """The detail of one event in words, e.g. 「密码错误(连续第3次)」, 「账户 jingban:经办人 → 经办人、审核人」."""
    d, kind = event.detail, event.event
    name = _mask(str(d.get("name", "")))
    if kind == Event.SIGN_IN:
        return "密码已过期，须修改密码" if d.get("expired") else ""
    if kind == Event.SIGN_IN_FAILED:
        reason = d.get("reason")
        if reason == "password":
            return f"密码错误（连续第{d['failures']}次）" if d.get("failures") else "密码错误"
        return FAILURE_WORDS.get(str(reason), _generic(d))
    if kind == Event.LOCKED:
        if d.get("disabled"):
            return f"停用账户 {name}"
        if d.get("minutes"):
            return f"账户 {name} 连续登录失败{d.get('failures', '')}次，锁定{d['minutes']}分钟"
        return f"锁定账户 {name}（至系统管理员解锁）"
    if kind == Event.UNLOCKED:
        return f"解锁账户 {name}"
    if kind == Event.ACCOUNT_ADDED:
        text = f"新增账户 {name}（{_roles(d.get('roles'))}）"
        if d.get("first"):
            text += "，首个系统管理员"
        if d.get("recovery"):
            text += "，以恢复密钥重建"
        return text
    if kind == Event.ROLES_CHANGED:
        return f"账户 {name}：{_roles(d.get('old'))} → {_roles(d.get('new'))}"
    if kind == Event.PASSWORD_CHANGED:
        if d.get("reset"):
            return f"重置账户 {name} 的密码（下次登录须修改）"
        return "修改本人密码" if name in ("", event.account) else f"修改账户 {name} 的密码"
    if kind == Event.POLICY_CHANGED:
        label = POLICY_LABELS.get(str(d.get("name")), str(d.get("name", "")))
        words = {"on": "开启", "off": "关闭"}
        old, new = (words.get(str(d.get(k)), str(d.get(k, ""))) for k in ("old", "new"))
        return f"{label}：{old} → {new}"
    if kind in (Event.PROPOSAL_APPROVED, Event.PROPOSAL_REJECTED):
        text = f"第{d.get('number', '')}号待审事项（提出人 {_mask(str(d.get('proposer', '')))}）"
        if kind == Event.PROPOSAL_APPROVED:
            return text + (f"，记入台账第{d['seq']}条" if d.get("seq") else "")
        return text + (f"，理由：{_mask(str(d['reason']))}" if d.get("reason") else "")
    return _generic(d)


def _label(code: str) -> str:
    try:
        return Event(code).label
    except ValueError:
        return code


def _time(at: str) -> str:
    return at[:19].replace("T", " ")


def read_head(conn: Any) -> LogHead:
    """The log verified now: its problem (None when the chain holds), last seq and hash, and length."""
    problem = verify_log(conn)
    last = rows(conn, "SELECT seq, hash FROM security_log ORDER BY seq DESC LIMIT 1")
    total = int(rows(conn, "SELECT count(*) FROM security_log")[0][0])
    seq, hash_ = (int(last[0][0]), str(last[0][1])) if last else (0, "")
    return LogHead(seq, hash_, total, problem)


def build_audit(book: Book, options: ReportOptions) -> AuditReport:
    """The report's data. `book.audit.events` refuses anyone but the auditor (NotSignedIn / NotPermitted)."""
    events = book.audit.events(since=options.since)
    today = book.clock().date()
    with book.read() as conn:
        head = read_head(conn)
        info = region_info(conn)
        ledger = read_ledger_head(conn)
    events = [e for e in events if e.seq <= head.seq]  # the head anchors what is listed
    listed = [AuditRow(e.seq, _time(e.at), e.account, e.event, _label(e.event), describe_event(e)) for e in events]
    per_kind = Counter(e.event for e in events)
    counts = [(kind.value, EVENT_LABELS[kind], per_kind.pop(kind.value, 0)) for kind in Event]
    counts += [(code, code, n) for code, n in sorted(per_kind.items())]  # a kind this code does not know
    meta = ReportMeta(TITLES["audit"], info["name"], info["office"], today, ledger.seq, ledger.hash)
    return AuditReport(meta, options.since, listed, counts, head)


def build_audit_from(book_or_conn: Any, options: ReportOptions) -> AuditReport:
    if not hasattr(book_or_conn, "audit"):
        raise NotPermitted(f"安全审计报告须由{Role.AUDITOR.label}登录后生成（只有打开的台账能核对登录账户的角色）")
    return build_audit(book_or_conn, options)


def chain_sentence(data: AuditReport) -> str:
    head = data.head
    if head.problem is not None:
        return f"哈希链校验未通过：{head.problem}。日志可能被改动，请立即核查并报告。"
    if not head.seq:
        return "安全审计日志尚无记录。"
    return (f"哈希链校验通过：日志共{head.total}条，末条为第{head.seq}条"
            f"（页脚「{head.text}」为其哈希的前{HASH_CHARS}位）。")


def period_text(data: AuditReport) -> str:
    start = f"{data.since.isoformat()}起" if data.since else "全部记录"
    return f"期间：{start}至{data.meta.as_of.isoformat()}，共{len(data.rows)}条"


def _heading(fonts: FontRegistry, text: str) -> Flowable:
    return fonts.paragraph(text, fonts.paragraph_style("heading", 11, leading=16, name="a-heading",
                                                       spaceBefore=8, spaceAfter=4, keepWithNext=1))


def _para(fonts: FontRegistry, text: str, role: str = "table") -> Flowable:
    return fonts.paragraph(text, fonts.paragraph_style(role, 9, leading=14, name=f"a-text-{role}"))


def render_audit(data: AuditReport, target: Target, *, fonts: FontRegistry, on_page: Any = None) -> int:
    from bianzhi_app.reports.quarterly_pdf import signature_block

    width = frame_width(False)
    failed = sum(1 for r in data.rows if r.event == Event.SIGN_IN_FAILED)
    locked = sum(1 for r in data.rows if r.event == Event.LOCKED)
    story: list[Flowable] = [
        _para(fonts, f"{data.meta.region}{data.meta.title}（{period_text(data)}）。本报告列出安全审计日志中的登录、"
                     "登录失败、锁定与解锁、账户与角色变更、密码与安全策略变更、待审事项审核、查看完整身份证号和"
                     "导出数据等事件；日志只可追加，逐条哈希链接。"),
        _para(fonts, chain_sentence(data), "heading" if data.head.problem else "table"),
        *([_para(fonts, f"末条哈希：{data.head.hash}")] if data.head.seq else []),
        _heading(fonts, "一、事件统计"),
        _para(fonts, f"登录失败{failed}次，锁定账户{locked}次（下表及明细中以底色标出）。"),
    ]
    counts = [[label, n] for _code, label, n in data.counts]
    styles = {i: [("BACKGROUND", ALERT)] for i, (code, _l, n) in enumerate(data.counts) if code in ALERT_EVENTS and n}
    story.append(data_table([Column("事件", 60 * mm), Column("次数", 25 * mm, align="right")], counts, fonts=fonts,
                            look=LOOK, row_styles=styles).as_table())
    story.append(_heading(fonts, f"二、事件明细（共{len(data.rows)}条）"))
    if data.rows:
        columns = [Column("序号", 12 * mm, align="right"), Column("时间", 31 * mm), Column("账户", 24 * mm),
                   Column("事件", 26 * mm)]
        columns.append(Column("详情", width - sum(c.width for c in columns)))
        body = [[r.seq, r.at, r.account, r.label, r.detail] for r in data.rows]
        alerts = {i: [("BACKGROUND", ALERT)] for i, r in enumerate(data.rows) if r.alert}
        story.append(data_table(columns, body, fonts=fonts, look=LOOK, row_styles=alerts))
    else:
        story.append(_para(fonts, "本期间无事件。"))
    story += [Spacer(1, 4), signature_block(fonts, width, heading="审计意见", cells=SIGNATURE, label_width=26 * mm)]
    header = ReportHeader(printed_title(data.meta), data.meta.office, data.meta.as_of,
                          f"{data.head.text} · {data.meta.ledger_head}", note=period_text(data))
    doc = ReportDocTemplate(target, header, fonts=fonts, on_page=on_page)
    doc.build(story)
    return int(doc.page)
