"""单位: one unit's details, quota per kind, post limits and holders, staff, ledger and 主要职责."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTabWidget, QVBoxLayout, QWidget

from bianzhi_app import queries as q
from ui.dialogs.export import ExportSource, dated, ledger_source, roster_source, table_source
from ui.fields import export_button
from ui.i18n import tr
from ui.models import LedgerModel, RosterModel
from ui.pages.common import fill_table, make_table
from ui.pages.paged_view import elide_middle, fit_columns, paged_view
from ui.session import Session

FUNCTIONS_TAB = 4  # the 主要职责 tab, after 编制, 领导职数, 人员, 台账


class UnitPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.unit_id: int | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel(tr("在左侧选择单位"), self)
        self.title.setObjectName("unit_title")
        self.title.setStyleSheet("font-size:18px;font-weight:bold")
        self.info = QLabel(self)
        self.info.setObjectName("unit_info")
        self.info.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.info)
        self.tabs = QTabWidget(self)
        self.quota = make_table(self, "unit_quota")
        self.posts = make_table(self, "unit_posts")
        self.staff_model = RosterModel(session, self)
        self.staff = paged_view(self.staff_model, self, "unit_staff")
        self.ledger_model = LedgerModel(session, self)
        self.ledger = paged_view(self.ledger_model, self, "unit_ledger")
        self._elided = False
        self.tabs.addTab(self.quota, tr("编制"))
        self.tabs.addTab(self.posts, tr("领导职数"))
        self.tabs.addTab(self.staff, tr("人员"))
        self.tabs.addTab(self.ledger, tr("台账"))
        self.functions = QPlainTextEdit(self)  # 主要职责 as kept: read here, set with 机构 → 核定主要职责…
        self.functions.setObjectName("unit_functions")
        self.functions.setReadOnly(True)
        self.functions.setPlaceholderText(tr("未填写主要职责(机构 → 核定主要职责…)"))
        self.tabs.addTab(self.functions, tr("主要职责"))
        export = export_button(self, self.export_source, session, "unit_export")
        self.tabs.setCornerWidget(export)
        self.tabs.currentChanged.connect(lambda index: export.setVisible(index != FUNCTIONS_TAB))  # a text, no list
        layout.addWidget(self.tabs, 1)

    def export_source(self) -> ExportSource:
        """The tab on screen: 编制, 领导职数, 人员 (every page, not only those loaded) or 台账."""
        index = self.tabs.currentIndex()
        name = self.title.text() if self.unit_id is not None else ""
        title = dated(f"{name} {self.tabs.tabText(index)}".strip(), self.session.today())
        if index == 2 and self.unit_id is not None:
            return roster_source(self.staff_model, title)
        if index == 3 and self.unit_id is not None:
            return ledger_source(self.ledger_model, title)
        return table_source(self.quota if index == 0 else self.posts, title)

    def show_unit(self, unit_id: int | None) -> None:
        self.unit_id = unit_id
        self.refresh()

    def refresh(self) -> None:
        if self.unit_id is None:
            return
        with self.session.read() as conn:
            detail = q.unit_detail(conn, self.session.catalog, self.unit_id)
        if detail is None:
            return
        status = "" if detail["status"] == "active" else tr("(已撤销)")
        self.title.setText(detail["name"] + status)
        parts = [tr("类别:") + tr(detail["category"]), tr("规格:") + tr(detail["rank"]),
                 tr("经费:") + (tr(detail["funding"]) if detail["funding"] else "—"),
                 tr("上级:") + (detail["parent"] or "—"), tr("设立:") + str(detail["created_on"]),
                 tr("文件依据:") + (detail["document"] or "—"),
                 tr("统一社会信用代码:") + (detail["uscc"] or "—"),
                 tr("进人须先核准") if detail["requires_approval"] else tr("进人无须核准")]
        self.info.setText("  ".join(parts))
        self.functions.setPlainText(detail["functions"] or "")
        fill_table(self.quota, [tr("编制类型"), tr("核定"), tr("实有"), tr("在途"), tr("空编"), tr("超编"),
                                tr("只出不进")],
                   [[tr(k.name), f.approved, f.used, f.reserved, f.vacancy, f.overage, f.allowance]
                    for k, f in detail["kinds"]])
        fill_table(self.posts, [tr("职务"), tr("职数"), tr("已配"), tr("空缺"), tr("超配"), tr("任职人员")],
                   [[tr(p["kind"].name), p["limit"], p["used"], max(0, p["limit"] - p["used"]),
                     max(0, p["used"] - p["limit"]), "、".join(p["holders"])] for p in detail["posts"]])
        self.staff_model.set_filter(replace(self.staff_model.filter, unit_id=self.unit_id))
        self.ledger_model.set_filter(q.LedgerFilter(unit_id=self.unit_id))
        fit_columns(self.staff, self.staff_model, elastic=4)  # 单位
        fit_columns(self.ledger, self.ledger_model, elastic=4)  # 内容
        if not self._elided:
            self._elided = True
            elide_middle(self.staff)
            elide_middle(self.ledger)
