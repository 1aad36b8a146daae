"""审计 (issue 15, 安全审计员 only): the security log (book.audit.events) with a since-date and an event
filter, each event and its details in words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bianzhi_app.accounts.roles import ROLE_LABELS, decode_roles
from bianzhi_app.accounts.seclog import EVENT_LABELS, Event
from ui.i18n import tr
from ui.pages.common import fill_table, heading, make_table
from ui.pages.lists import _DateFilter
from ui.session import Session

DETAIL_WORDS = {"name": "账户", "roles": "角色", "reason": "原因", "failures": "连续失败次数", "minutes": "锁定分钟",
                "old": "原", "new": "新", "number": "待审事项", "proposer": "提出人", "seq": "台账序号",
                "expired": "密码已过期", "reset": "管理员重置", "first": "首个系统管理员", "recovery": "凭恢复密钥",
                "disabled": "停用", "what": "内容", "rows": "行数", "path": "文件", "id_number": "身份证号"}
REASON_WORDS = {"unknown": "账户名不存在", "password": "密码错误", "locked": "账户已锁定", "disabled": "账户已停用",
                "recovery_key": "恢复密钥错误"}


def detail_text(detail: dict[str, Any]) -> str:
    """{"name": "jingban", "reason": "password", "failures": 2} → 账户 jingban,原因 密码错误,连续失败次数 2"""
    parts = []
    order = list(DETAIL_WORDS)
    for key, value in sorted(detail.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)):
        if key == "reason":
            value = REASON_WORDS.get(str(value), value)
        elif key in ("roles", "old", "new") and isinstance(value, str) and value and all(
                code in {r.value for r in ROLE_LABELS} for code in value.split(",")):
            value = "、".join(tr(ROLE_LABELS[r]) for r in sorted(decode_roles(value)))
        elif value is True:
            parts.append(tr(DETAIL_WORDS.get(key, key)))
            continue
        parts.append(f"{tr(DETAIL_WORDS.get(key, key))} {value}")
    return ",".join(parts)


class AuditPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("安全审计日志"), self))
        bar = QHBoxLayout()
        today = session.today()
        self.since = _DateFilter(tr("自"), today.replace(day=1), self)
        self.since.setObjectName("audit_since")
        self.event = QComboBox(self)
        self.event.setObjectName("audit_event")
        self.event.addItem(tr("全部事件"), None)
        for event in Event:
            self.event.addItem(tr(EVENT_LABELS[event]), event.value)
        bar.addWidget(self.since)
        bar.addWidget(QLabel(tr("事件"), self))
        bar.addWidget(self.event)
        bar.addStretch(1)
        self.count = QLabel(self)
        self.count.setObjectName("audit_count")
        bar.addWidget(self.count)
        layout.addLayout(bar)
        self.table = make_table(self, "audit_table")
        layout.addWidget(self.table, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        for signal in (self.since.enabled.toggled, self.since.edit.dateChanged, self.event.currentIndexChanged):
            signal.connect(lambda *_a: self._timer.start())

    def refresh(self) -> None:
        """Read through the Book (its API checks the role): once it is open, never before the first paint."""
        self.session.when_ready(self._load)

    def _load(self) -> None:
        events = self.session.book.audit.events(since=self.since.day(), event=self.event.currentData())
        labels = {e.value: tr(label) for e, label in EVENT_LABELS.items()}
        fill_table(self.table, [tr("序号"), tr("时间"), tr("账户"), tr("事件"), tr("详情")],
                   [[e.seq, e.at.replace("T", " ")[:19], e.account, labels.get(e.event, e.event), detail_text(e.detail)]
                    for e in events], [e.seq for e in events])
        self.count.setText(tr("共{0}条").format(len(events)))
