"""概览: the region pool per kind, use against quota as bar charts, units over or at quota,
approvals expiring within 30 days. A city's (a book with subordinate regions, issue 18) adds 各县区情况: a bar
per county (核定/实有 over all kinds, from its held package), the counties over quota, and each county's package
day, flagged when it is older than a quarter (or not yet reported)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QTableWidgetItem, QVBoxLayout, QWidget

from bianzhi_app import queries as q
from bianzhi_app.catalog import CATEGORIES
from ui.charts import BarChart
from ui.i18n import tr
from ui.pages.common import fill_table, fit_height, heading, make_table, squeeze_columns
from ui.session import Session


class DashboardPage(QScrollArea):
    unit_activated = Signal(int)
    refreshed = Signal()  # the figures on screen are the ones just read

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.loaded = False
        self.generation = 0
        self.setWidgetResizable(True)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.title = QLabel(body)
        self.title.setObjectName("dashboard_title")
        self.title.setStyleSheet("font-size:20px;font-weight:bold")
        layout.addWidget(self.title)
        layout.addWidget(heading(tr("编制总额"), body))
        self.pool = make_table(body, "pool_table")
        self.pool.horizontalHeader().setStretchLastSection(False)  # figures stay next to their kind
        layout.addWidget(self.pool)
        charts = QGridLayout()
        charts.addWidget(heading(tr("各类编制使用情况"), body), 0, 0)
        charts.addWidget(heading(tr("各类机构使用情况"), body), 0, 1)
        self.kind_chart = BarChart(body)
        self.kind_chart.setObjectName("kind_chart")
        self.category_chart = BarChart(body)
        self.category_chart.setObjectName("category_chart")
        charts.addWidget(self.kind_chart, 1, 0, QtCore.Qt.AlignmentFlag.AlignTop)
        charts.addWidget(self.category_chart, 1, 1, QtCore.Qt.AlignmentFlag.AlignTop)
        layout.addLayout(charts)
        lists = QGridLayout()
        self.over = make_table(body, "over_table")
        self.at = make_table(body, "at_table")
        self.expiring = make_table(body, "expiring_table")
        for column, (label, table) in enumerate(((tr("超编单位"), self.over), (tr("满编单位"), self.at),
                                                 (tr("30天内到期的用编核准"), self.expiring))):
            lists.addWidget(heading(label, body), 0, column)
            lists.addWidget(table, 1, column)
            table.setMinimumHeight(220)
            table.itemDoubleClicked.connect(self._activated)
        layout.addLayout(lists)
        self.regions_box = QWidget(body)  # a city's counties; hidden for a county's book
        self.regions_box.setObjectName("regions_box")
        regions = QGridLayout(self.regions_box)
        regions.setContentsMargins(0, 0, 0, 0)
        self.region_chart = BarChart(self.regions_box)
        self.region_chart.setObjectName("region_chart")
        self.region_over = make_table(self.regions_box, "region_over_table")
        self.region_packages = make_table(self.regions_box, "region_packages_table")
        for column, (label, widget) in enumerate(((tr("各县区编制使用情况"), self.region_chart),
                                                  (tr("超编县区"), self.region_over),
                                                  (tr("各县区数据包"), self.region_packages))):
            regions.addWidget(heading(label, self.regions_box), 0, column)
            regions.addWidget(widget, 1, column, QtCore.Qt.AlignmentFlag.AlignTop)
        self.regions_box.hide()
        layout.addWidget(self.regions_box)
        layout.addStretch(1)
        self.setWidget(body)

    def _activated(self, item: QTableWidgetItem) -> None:
        table = item.tableWidget()
        unit_id = table.item(item.row(), 0).data(QtCore.Qt.ItemDataRole.UserRole)
        if unit_id is not None:
            self.unit_activated.emit(unit_id)

    def refresh(self) -> None:
        """Read the figures on the reader thread (0.2 s on a province), then fill the page."""
        catalog = self.session.catalog
        today = self.session.today()
        self.generation += 1
        generation = self.generation
        if not self.loaded:
            self.title.setText(tr("正在载入…"))

        def read(conn: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
            from bianzhi_app.queries import region_info

            by_region = q.region_figures(conn, catalog) if q.has_subregions(conn) else None
            return region_info(conn), q.dashboard(conn, catalog, today), by_region

        def done(result: tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]) -> None:
            if generation == self.generation and shiboken6.isValid(self):
                self.fill(*result)

        self.session.read_later(read, done)

    def fill(self, region: dict[str, Any], figures: dict[str, Any], by_region: dict[str, Any] | None = None
             ) -> None:
        catalog = self.session.catalog
        self.title.setText(tr("{0}({1})机构编制概览").format(region["name"], region["code"]))
        kinds = {k.id: tr(k.name) for k in catalog.kinds}
        fill_table(self.pool, [tr("编制类型"), tr("编制总额"), tr("已分配"), tr("未分配"), tr("实有"), tr("在途")],
                   [[kinds[kid], total, allocated, total - allocated, figures["per_kind"][kid][1],
                     figures["per_kind"][kid][2]] for kid, (total, allocated) in figures["pool"].items()])
        self.kind_chart.set_rows([(kinds[kid], used, approved)
                                  for kid, (approved, used, _reserved) in figures["per_kind"].items()])
        order = {c: i for i, c in enumerate(CATEGORIES)}
        self.category_chart.set_rows([(tr(category), used, approved) for category, (approved, used) in
                                      sorted(figures["per_category"].items(), key=lambda kv: order.get(kv[0], 99))])
        quota_headers = [tr("单位"), tr("编制类型"), tr("核定"), tr("实有"), tr("在途")]
        for table, rows in ((self.over, figures["over"]), (self.at, figures["at"])):
            fill_table(table, quota_headers, [[r["name"], kinds[r["kind_id"]], r["approved"], r["used"], r["reserved"]]
                                              for r in rows], [r["id"] for r in rows])
        fill_table(self.expiring, [tr("单位"), tr("核准编号"), tr("编制类型"), tr("剩余"), tr("有效期至")],
                   [[r["unit"], r["number"], kinds[r["kind_id"]], r["remaining"], r["valid_until"]]
                    for r in figures["expiring"]], [r["unit_id"] for r in figures["expiring"]])
        fit_height(self.pool)  # every kind in sight
        for table in (self.over, self.at, self.expiring):
            squeeze_columns(table)
        self.fill_regions(by_region)
        self.loaded = True
        self.refreshed.emit()

    def fill_regions(self, by_region: dict[str, Any] | None) -> None:
        """A city's counties: 核定/实有 bars, the counties over quota per kind, each package's day (flagged)."""
        self.regions_box.setVisible(by_region is not None)
        if by_region is None:
            return
        names = {k.code: tr(k.name) for k in self.session.catalog.kinds}
        regions = by_region["regions"]
        self.region_chart.set_rows([(r["name"], sum(f["used"] for f in r["totals"].values()),
                                     sum(f["approved"] for f in r["totals"].values())) for r in regions])
        over = [[r["name"], names.get(kind, kind), f["approved"], f["used"], f["overage"]]
                for r in regions for kind, f in r["totals"].items() if f["overage"] > 0]
        fill_table(self.region_over, [tr("县区"), tr("编制类型"), tr("核定"), tr("实有"), tr("超编")], over)
        fill_table(self.region_packages, [tr("县区"), tr("数据包截至"), tr("状态")],
                   [[r["name"], r["as_of"] or "", package_state(r["as_of"], self.session.today())]
                    for r in regions])
        for table in (self.region_over, self.region_packages):
            fit_height(table)
            squeeze_columns(table)


STALE_AFTER = dt.timedelta(days=92)  # a quarter


def package_state(as_of: str | None, today: dt.date) -> str:
    """未报, 超过一个季度 (as of more than 92 days before today), or empty for a recent package."""
    if not as_of:
        return tr("未报")
    return tr("超过一个季度") if dt.date.fromisoformat(as_of) < today - STALE_AFTER else ""
