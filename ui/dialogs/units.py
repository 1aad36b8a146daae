"""Dialogs for units (机构): 设立, 更名, 核定主要职责, 撤销, 合并."""

from __future__ import annotations

from typing import Any

from PySide6 import QtCore
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton

from bianzhi_app import queries as q
from bianzhi_app.catalog import CATEGORIES, FUNDINGS, RANKS
from bianzhi_app.idcodes import normalize_code, uscc_problem
from bianzhi_app.texts import FUNCTIONS_MAX, functions_problem, normalize_text
from ui.dialogs.base import DocumentedDialog, Submit, figures_line
from ui.dialogs.inputs import ChoiceCombo
from ui.fields import UnitPicker
from ui.i18n import tr


class _UnitDialog(DocumentedDialog):
    def unit_figures(self, conn: Any, unit_id: int) -> str:
        lines = []
        for kind in self.session.catalog.kinds:
            figures = q.live_quota(conn, unit_id, kind.id)
            if figures.approved or figures.used or figures.reserved:
                lines.append(f"{tr(kind.name)}:{figures_line(figures)}")
        return "\n".join(lines) or tr("未核定编制")


class AddUnitDialog(_UnitDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("设立机构"))
        self.name = self.line(tr("单位名称"), "name")
        self.category = self.add(tr("机构类别"), ChoiceCombo(CATEGORIES, self), "category", None)
        self.rank = self.add(tr("机构规格"), ChoiceCombo(RANKS, self), "rank", None)
        self.funding = self.add(tr("经费形式"), ChoiceCombo(["", *FUNDINGS], self), "funding", None)
        self.parent_unit = self.add(tr("上级单位"), UnitPicker(self.session, self), "parent", None)
        self.parent_unit.set_unit(self.preset.get("unit_id"))
        self.uscc = self.line(tr("统一社会信用代码"), "uscc", tr("可不填"))
        self.requires = self.add("", QCheckBox(tr("进人须先办理用编核准"), self), "requires_approval", None)
        self.requires.setChecked(True)
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        if not self.name.text().strip():
            return "", tr("请输入单位名称")
        code = normalize_code(self.uscc.text())
        if code:
            problem = uscc_problem(code)
            if problem:
                return "", problem
        if self.parent_unit.currentText().strip() and self.parent_unit.unit_id() is None:
            return "", tr("未找到上级单位「{0}」").format(self.parent_unit.currentText())
        return "", self.doc_missing()

    def request(self) -> Submit:
        name, category, rank = self.name.text(), self.category.value(), self.rank.value()
        funding, parent = self.funding.value() or None, self.parent_unit.unit_id()
        uscc, requires_approval = normalize_code(self.uscc.text()) or None, self.requires.isChecked()
        doc, on = self.doc.text(), self.on.day()
        return lambda book: book.units.add(name=name, category=category, rank=rank, funding=funding, parent=parent,
                                           uscc=uscc, requires_approval=requires_approval, doc=doc, on=on)


class RenameUnitDialog(_UnitDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("机构更名"))
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.name = self.line(tr("新名称"), "new_name")
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        if self.unit.unit_id() is None:
            return "", tr("请选择单位")
        if not self.name.text().strip():
            return "", tr("请输入新名称")
        return "", self.doc_missing()

    def request(self) -> Submit:
        unit, new_name, doc, on = self.unit.unit_id(), self.name.text(), self.doc.text(), self.on.day()
        return lambda book: book.units.rename(unit=unit, new_name=new_name, doc=doc, on=on)  # type: ignore[arg-type]


class SetFunctionsDialog(_UnitDialog):
    """核定主要职责: the unit's current text to edit (its 三定 provisions), with the 文号 that sets it."""

    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("核定主要职责"))
        self._loaded: tuple[int | None, str] = (None, "")  # the unit whose text the box was filled with, its text
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.functions = QPlainTextEdit(self)
        self.functions.setPlaceholderText(tr("按三定规定填写主要职责,每项一行;留空为清空"))
        self.functions.setMinimumHeight(180)
        self.functions.setTabChangesFocus(True)  # Tab goes on to the 文号, as in every other field
        self.add(tr("主要职责"), self.functions, "functions", self.functions.textChanged)
        self.unit.unit_changed.connect(self._load)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.add_doc_and_date()
        self._load()

    def _load(self) -> None:
        """Fill the box with the chosen unit's text, unless the clerk has already edited it."""
        unit_id = self.unit.unit_id()
        if unit_id == self._loaded[0]:
            return
        current = ""
        if unit_id is not None:
            with self.session.read() as conn:
                current = q.unit_functions(conn, unit_id) or ""
        if self.functions.toPlainText() == self._loaded[1]:
            self.functions.setPlainText(current)
        self._loaded = (unit_id, current)
        self.refresh()

    def live(self, conn: Any) -> tuple[str, str | None]:
        if self.unit.unit_id() is None:
            return "", tr("请选择单位")
        text = self.functions.toPlainText()
        count = tr("共{0}字(不超过{1}字)").format(len(normalize_text(text)), FUNCTIONS_MAX)
        problem = functions_problem(text)
        if problem:
            return count, problem
        if normalize_text(text) == normalize_text(self._loaded[1]):
            return count, tr("主要职责未改动")
        return count, self.doc_missing()

    def request(self) -> Submit:
        unit, functions = self.unit.unit_id(), self.functions.toPlainText()
        doc, on = self.doc.text(), self.on.day()
        return lambda book: book.units.set_functions(unit=unit, functions=functions, doc=doc,  # type: ignore[arg-type]
                                                     on=on)


class AbolishUnitDialog(_UnitDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("撤销机构"))
        self.unit = self.add(tr("单位"), UnitPicker(self.session, self), "unit", None)
        self.unit.unit_changed.connect(self.refresh)
        self.unit.set_unit(self.preset.get("unit_id"))
        self.add_doc_and_date()

    def live(self, conn: Any) -> tuple[str, str | None]:
        unit_id = self.unit.unit_id()
        if unit_id is None:
            return "", tr("请选择单位")
        return self.unit_figures(conn, unit_id) + "\n" + tr("撤销后其核定编制收回编制总额"), self.doc_missing()

    def request(self) -> Submit:
        unit, doc, on = self.unit.unit_id(), self.doc.text(), self.on.day()
        return lambda book: book.units.abolish(unit=unit, doc=doc, on=on)  # type: ignore[arg-type]


class MergeUnitsDialog(_UnitDialog):
    def build(self, conn: Any) -> None:
        self.setWindowTitle(tr("机构合并"))
        # Only the chosen units are listed: a province has 40,000, far too many for one list.
        self.sources = QListWidget(self)
        self.sources.setObjectName("sources")
        self.sources.setMaximumHeight(120)
        self.sources.itemChanged.connect(self.refresh)
        self.pick = UnitPicker(self.session, self)
        self.pick.setObjectName("source_pick")
        self.add_source = QPushButton(tr("加入"), self)
        self.add_source.setObjectName("add_source")
        self.add_source.clicked.connect(self._add_picked)
        row = QHBoxLayout()
        row.addWidget(self.pick, 1)
        row.addWidget(self.add_source)
        self.form.addRow(tr("被合并单位"), row)
        self.form.addRow("", self.sources)
        preset = self.preset.get("unit_id")
        if preset is not None:
            name = q.unit_name(conn, preset)
            if name:
                self._add_source(preset, name)
        self.into = self.line(tr("合并后的单位(已有或新设)"), "into")
        self.add_doc_and_date()

    def _add_source(self, unit_id: int, name: str) -> None:
        items = (self.sources.item(i) for i in range(self.sources.count()))
        if any(it.data(QtCore.Qt.ItemDataRole.UserRole) == unit_id for it in items):
            return
        item = QListWidgetItem(name, self.sources)
        item.setData(QtCore.Qt.ItemDataRole.UserRole, unit_id)
        item.setFlags(item.flags() | QtCore.Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(QtCore.Qt.CheckState.Checked)

    def _add_picked(self) -> None:
        unit_id = self.pick.unit_id()
        if unit_id is not None:
            self._add_source(unit_id, self.pick.text().strip())
            self.pick.clear()
            self.refresh()

    def checked(self) -> list[tuple[int, str]]:
        items = (self.sources.item(i) for i in range(self.sources.count()))
        return [(it.data(QtCore.Qt.ItemDataRole.UserRole), it.text()) for it in items
                if it.checkState() == QtCore.Qt.CheckState.Checked]

    def live(self, conn: Any) -> tuple[str, str | None]:
        chosen = self.checked()
        if not chosen:
            return "", tr("请勾选被合并的单位")
        text = "\n".join(f"{name}:" + self.unit_figures(conn, unit_id).replace("\n", ";") for unit_id, name in chosen)
        if not self.into.text().strip():
            return text, tr("请输入合并后的单位名称")
        return text, self.doc_missing()

    def request(self) -> Submit:
        sources, into = [unit_id for unit_id, _name in self.checked()], self.into.text()
        doc, on = self.doc.text(), self.on.day()
        return lambda book: book.units.merge(sources=sources, into=into, doc=doc, on=on)
