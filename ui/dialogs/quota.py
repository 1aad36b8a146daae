"""Dialogs for figures fixed by documents: 核定编制, 编制划转, 核定领导职数, 核定编制总额."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox

from bianzhi_app import queries as q
from bianzhi_app.rules import check_pool, check_pool_total, check_post_cut, check_quota_cut
from ui.dialogs.base import DocumentedDialog, Submit, figures_line, rule_says
from ui.fields import KindCombo, UnitPicker
from ui.i18n import tr


def pool_line(kind_name: str, total: int, allocated: int) -> str:
    return tr("{0} 编制总额{1} 已分配{2} 未分配{3}").format(kind_name, total, allocated, total - allocated)


def preset(dialog: Any, box: Any, key: tuple[Any, ...], value: int) -> None:
    """Show the current figure in `box` whenever the unit or kind it is for changes (`key`): the form
    opens on what the document changes, not on 0 (which would read as a cut below the staff)."""
    if getattr(dialog, "_preset_key", None) != key:
        dialog._preset_key = key
        box.blockSignals(True)  # inside refresh(): no second refresh
        box.setValue(value)
        box.blockSignals(False)


class SetQuotaDialog(DocumentedDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("核定编制"))
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.kind = self.add(tr("编制类型"), KindCombo(self.session.catalog.kinds, self), "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.approved = self.spin(tr("核定编制数"), "approved")
        self.as_allowance = self.add("", QCheckBox(tr("低于实有人数的部分记为超编(只出不进)"), self), "as_allowance",
                                     None)
        self.as_allowance.toggled.connect(self.refresh)
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        unit_id, kind = self.unit.unit_id(), self.kind.kind()
        if unit_id is None or kind is None:
            return "", tr("请选择单位")
        name = self.unit.currentText()
        figures = q.live_quota(conn, unit_id, kind.id)
        preset(self, self.approved, (unit_id, kind.id), figures.approved)
        pool = q.live_pool(conn, kind.id)
        total, allocated = pool.total, pool.allocated
        text = f"{name} {tr(kind.name)}:{figures_line(figures)}\n{pool_line(tr(kind.name), total, allocated)}"
        new = self.approved.value()
        reason = rule_says(check_pool, kind.name, total, allocated, new - figures.approved, name)
        if reason is None and not self.as_allowance.isChecked():
            reason = rule_says(check_quota_cut, name, kind.name, figures, new)
        return text, reason or self.doc_missing()

    def request(self) -> Submit:
        unit, kind, approved = self.unit.unit_id(), self.kind.kind().code, self.approved.value()  # type: ignore[union-attr]
        doc, on, as_allowance = self.doc.text(), self.on.day(), self.as_allowance.isChecked()
        return lambda book: book.quotas.set(unit=unit, kind=kind, approved=approved, doc=doc, on=on,  # type: ignore[arg-type]
                                            as_allowance=as_allowance)


class TransferQuotaDialog(DocumentedDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("编制划转"))
        self.source = self.add(tr("划出单位"), UnitPicker(self.session, self), "source", None)
        self.source.unit_changed.connect(self.refresh)
        self.source.set_unit(self.preset.get("unit_id"))
        self.target = self.add(tr("划入单位"), UnitPicker(self.session, self), "target", None)
        self.target.unit_changed.connect(self.refresh)
        self.kind = self.add(tr("编制类型"), KindCombo(self.session.catalog.kinds, self), "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.count = self.spin(tr("划转编制数"), "count", 1, 1_000_000, 1)
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        src, dst, kind = self.source.unit_id(), self.target.unit_id(), self.kind.kind()
        if src is None or dst is None or kind is None:
            return "", tr("请选择划出单位和划入单位")
        src_fig, dst_fig = q.live_quota(conn, src, kind.id), q.live_quota(conn, dst, kind.id)
        text = (f"{self.source.currentText()} {tr(kind.name)}:{figures_line(src_fig)}\n"
                f"{self.target.currentText()} {tr(kind.name)}:{figures_line(dst_fig)}")
        if src == dst:
            return text, tr("划出单位与划入单位不能相同")
        count = self.count.value()
        if count > src_fig.approved:
            return text, tr("{0} {1} 核定{2}名,不能划出{3}名").format(self.source.currentText(), kind.name,
                                                                 src_fig.approved, count)
        reason = rule_says(check_quota_cut, self.source.currentText(), kind.name, src_fig, src_fig.approved - count)
        return text, reason or self.doc_missing()

    def request(self) -> Submit:
        source, target, kind = self.source.unit_id(), self.target.unit_id(), self.kind.kind().code  # type: ignore[union-attr]
        count, doc, on = self.count.value(), self.doc.text(), self.on.day()
        return lambda book: book.quotas.transfer(source=source, target=target, kind=kind, count=count,  # type: ignore[arg-type]
                                                 doc=doc, on=on)


class SetPostLimitDialog(DocumentedDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("核定领导职数"))
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.post = self.add(tr("职务"), KindCombo(self.session.catalog.post_kinds, self), "post", None)
        self.post.currentIndexChanged.connect(self.refresh)
        self.limit = self.spin(tr("领导职数"), "limit")
        self.as_allowance = self.add("", QCheckBox(tr("超出的已配职数记为只出不进"), self), "as_allowance", None)
        self.as_allowance.toggled.connect(self.refresh)
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        unit_id, post = self.unit.unit_id(), self.post.kind()
        if unit_id is None or post is None:
            return "", tr("请选择单位")
        figures = q.live_post(conn, unit_id, post.id)
        limit, used, allowance = figures.limit, figures.used, figures.allowance
        preset(self, self.limit, (unit_id, post.id), limit)
        text = tr("{0} {1} 职数{2} 已配{3}").format(self.unit.currentText(), tr(post.name), limit, used)
        reason = None
        if not self.as_allowance.isChecked():
            reason = rule_says(check_post_cut, self.unit.currentText(), post.name, used, allowance, self.limit.value())
        return text, reason or self.doc_missing()

    def request(self) -> Submit:
        unit, post, limit = self.unit.unit_id(), self.post.kind().code, self.limit.value()  # type: ignore[union-attr]
        doc, on, as_allowance = self.doc.text(), self.on.day(), self.as_allowance.isChecked()
        return lambda book: book.posts.set_limit(unit=unit, post=post, limit=limit, doc=doc, on=on,  # type: ignore[arg-type]
                                                 as_allowance=as_allowance)


class SetPoolDialog(DocumentedDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("核定编制总额"))
        self.kind = self.add(tr("编制类型"), KindCombo(self.session.catalog.kinds, self), "kind", None)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.total = self.spin(tr("编制总额"), "total")
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        kind = self.kind.kind()
        assert kind is not None
        pool = q.live_pool(conn, kind.id)
        total, allocated = pool.total, pool.allocated
        preset(self, self.total, (kind.id,), total)
        reason = rule_says(check_pool_total, kind.name, self.total.value(), allocated)
        return pool_line(tr(kind.name), total, allocated), reason or self.doc_missing()

    def request(self) -> Submit:
        kind, total, doc, on = self.kind.kind().code, self.total.value(), self.doc.text(), self.on.day()  # type: ignore[union-attr]
        return lambda book: book.region.set_pool(kind=kind, total=total, doc=doc, on=on)
