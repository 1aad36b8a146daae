"""Dialogs for usage approvals (用编核准): add and cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox

from bianzhi_app import queries as q
from bianzhi_app.catalog import APPROVAL_METHODS
from bianzhi_app.rules import check_room
from ui.dialogs.base import OpDialog, Submit, figures_line, rule_says
from ui.dialogs.inputs import ChoiceCombo, DateEdit, DocEdit
from ui.fields import KindCombo, UnitPicker
from ui.i18n import tr


class AddApprovalDialog(OpDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("用编核准"))
        today = self.session.today()
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.kind = self.add(tr("编制类型"), KindCombo(self.session.catalog.kinds, self), "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.count = self.spin(tr("核准数"), "count", 1, 100_000, 1)
        self.method = self.add(tr("补充方式"), ChoiceCombo(APPROVAL_METHODS, self), "method", None)
        self.valid_until = self.add(tr("有效期至"), DateEdit(today, self, allow_future=True), "valid_until", None)
        self.valid_until.setDate(self.valid_until.date().addYears(1).addDays(-1))
        self.doc = self.add(tr("文号(必填)"), DocEdit(self), "doc", None)
        self.doc.textChanged.connect(self.refresh)
        self.on = self.add(tr("核准日期"), DateEdit(today, self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        unit_id, kind = self.unit.unit_id(), self.kind.kind()
        if unit_id is None or kind is None:
            return "", tr("请选择单位")
        figures = q.live_quota(conn, unit_id, kind.id)
        count = self.count.value()
        text = f"{self.unit.currentText()} {tr(kind.name)}:{figures_line(figures)}"
        reason = rule_says(check_room, self.unit.currentText(), kind.name, figures, count,
                           tr("核准{0}名用编").format(count))
        if reason is None and not self.doc.text().strip():
            reason = tr("须注明文件依据(文号)")
        return text, reason

    def request(self) -> Submit:
        valid_until: dt.date = self.valid_until.day()
        unit, kind, count = self.unit.unit_id(), self.kind.kind().code, self.count.value()  # type: ignore[union-attr]
        method, doc, on = self.method.value(), self.doc.text(), self.on.day()
        return lambda book: book.approvals.add(unit=unit, kind=kind, count=count, method=method, doc=doc,  # type: ignore[arg-type]
                                               valid_until=valid_until, on=on)


class CancelApprovalDialog(OpDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("撤销用编核准"))
        self.rows = {r["number"]: r for r in q.approvals_list(conn, status="active")}
        self.number = self.add(tr("核准编号"), QComboBox(self), "number", None)
        self.number.setEditable(True)
        self.number.addItems(list(self.rows))
        self.number.currentTextChanged.connect(self.refresh)
        if self.preset.get("number"):
            self.number.setCurrentText(self.preset["number"])
        self.doc = self.add(tr("文号"), DocEdit(self), "doc", None)
        self.on = self.add(tr("撤销日期"), DateEdit(self.session.today(), self), "on", None)

    def live(self, conn: Any) -> tuple[str, str | None]:
        row = self.rows.get(self.number.currentText().strip())
        if row is None:
            return "", tr("请选择有效的用编核准")
        kind = self.session.catalog.kind_by_id(row["kind_id"])
        figures = q.live_quota(conn, row["unit_id"], row["kind_id"])
        text = tr("{0} {1} 核准{2}名,已用{3}名,撤销后释放{4}名").format(
            row["unit"], kind.name, row["count"], row["used"], row["remaining"])
        return text + "\n" + figures_line(figures), None

    def request(self) -> Submit:
        number, doc, on = self.number.currentText().strip(), self.doc.text() or None, self.on.day()
        return lambda book: book.approvals.cancel(number=number, doc=doc, on=on)
