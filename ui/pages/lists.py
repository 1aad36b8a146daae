"""用编, 台账 and 文件 pages."""

from __future__ import annotations

import datetime as dt

from PySide6 import QtCore
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bianzhi_app import queries as q
from bianzhi_app.kernel import OP_LABELS, Op
from ui.dialogs.export import ExportSource, dated, documents_source, ledger_source, table_source
from ui.fields import UnitPicker, export_button, search_edit
from ui.i18n import tr
from ui.models import DocumentsModel, LedgerModel
from ui.pages.common import fill_table, make_table
from ui.pages.paged_view import elide_middle, fit_columns, paged_view
from ui.session import Session

STATUSES = {"active": "有效", "used": "已用完", "cancelled": "已撤销", "expired": "已过期"}


class ApprovalsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.status = QComboBox(self)
        self.status.setObjectName("approval_status")
        self.status.addItem(tr("全部"), None)
        for code, label in STATUSES.items():
            self.status.addItem(tr(label), code)
        self.status.setCurrentIndex(1)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        bar.addWidget(QLabel(tr("状态"), self))
        bar.addWidget(self.status)
        bar.addStretch(1)
        bar.addWidget(export_button(self, self.export_source, session, "approvals_export"))
        layout.addLayout(bar)
        self.table = make_table(self, "approvals_table")
        layout.addWidget(self.table)

    def refresh(self) -> None:
        kinds = {k.id: tr(k.name) for k in self.session.catalog.kinds}
        with self.session.read() as conn:
            rows = q.approvals_list(conn, status=self.status.currentData())
        fill_table(self.table, [tr("核准编号"), tr("单位"), tr("编制类型"), tr("核准数"), tr("已用"), tr("剩余"),
                                tr("补充方式"), tr("状态"), tr("核准日期"), tr("有效期至"), tr("文号")],
                   [[r["number"], r["unit"], kinds[r["kind_id"]], r["count"], r["used"], r["remaining"],
                     tr(str(r["method"])), tr(STATUSES.get(r["status"], r["status"])), r["issued_on"], r["valid_until"],
                     r["doc"]] for r in rows], [r["number"] for r in rows])

    def export_source(self) -> ExportSource:
        title = tr("用编核准") + (f"({self.status.currentText()})" if self.status.currentData() else "")
        return table_source(self.table, dated(title, self.session.today()),
                            {0: "text", 3: "number", 4: "number", 5: "number", 8: "date", 9: "date", 10: "text"})

    def selected_number(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(QtCore.Qt.ItemDataRole.UserRole) if item else None


class _DateFilter(QWidget):
    def __init__(self, label: str, day: dt.date, parent: QWidget):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(label, self)
        self.edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit)

    def day(self) -> dt.date | None:
        if not self.enabled.isChecked():
            return None
        d = self.edit.date()
        return dt.date(d.year(), d.month(), d.day())


class LedgerPage(QWidget):
    ELASTIC = 4  # 内容: takes what the other columns leave
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        today = session.today()
        self.since = _DateFilter(tr("自"), today.replace(day=1), self)
        self.until = _DateFilter(tr("至"), today, self)
        self.unit = UnitPicker(session, self)
        self.unit.setObjectName("ledger_unit")
        self.unit.lineEdit().setPlaceholderText(tr("全部单位"))
        self.op = QComboBox(self)
        self.op.setObjectName("ledger_op")
        self.op.addItem(tr("全部变动"), None)
        for op in Op:
            self.op.addItem(tr(OP_LABELS[op]), op.value)
        for widget in (self.since, self.until, self.unit, self.op):
            bar.addWidget(widget)
        bar.addWidget(export_button(self, self.export_source, session, "ledger_export"))
        layout.addLayout(bar)
        self.head = QLabel(self)
        self.head.setObjectName("ledger_head")
        self.head.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.head)
        self.model = LedgerModel(session, self)
        self.view = paged_view(self.model, self, "ledger_view")
        self.fitted = False
        layout.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        for signal in (self.since.enabled.toggled, self.since.edit.dateChanged, self.until.enabled.toggled,
                       self.until.edit.dateChanged, self.op.currentIndexChanged):
            signal.connect(lambda *_a: self._timer.start())
        self.unit.unit_changed.connect(self._timer.start)

    def export_source(self) -> ExportSource:
        unit = self.unit.currentText().strip()
        title = tr("台账") + (f" — {unit}" if unit else "")
        return ledger_source(self.model, dated(title, self.session.today()))

    def refresh(self) -> None:
        head = self.session.head()
        self.head.setText(tr("台账链头:第{0}条 哈希 {1}").format(head.seq, head.hash))
        unit_text = self.unit.currentText().strip()
        self.model.set_filter(q.LedgerFilter(since=self.since.day(), until=self.until.day(),
                                             unit_id=self.unit.unit_id() if unit_text else None,
                                             op=self.op.currentData()))
        if not self.fitted:  # once: later the user's own widths stay
            self.fitted = True
            fit_columns(self.view, self.model, elastic=self.ELASTIC)
            elide_middle(self.view)


class DocumentsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = search_edit(self, "documents_search", tr("文号或标题中的文字"))
        bar.addWidget(self.search, 1)
        bar.addWidget(export_button(self, self.export_source, session, "documents_export"))
        layout.addLayout(bar)
        self.model = DocumentsModel(session, self)
        self.view = paged_view(self.model, self, "documents_view")
        self.fitted = False
        layout.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())

    def refresh(self) -> None:
        self.model.set_search(self.search.text())
        for column in (1, 2):  # 标题, 发文机关: hidden while no document listed has one
            getter = self.model.columns[column][1]
            self.view.setColumnHidden(column, not any(getter(row) for row in self.model.rows))
        if not self.fitted:
            self.fitted = True
            fit_columns(self.view, self.model, elastic=4)  # 依据的变动
            elide_middle(self.view)

    def export_source(self) -> ExportSource:
        return documents_source(self.model, dated(tr("文件依据"), self.session.today()))
