"""Input widgets shared by the operation dialogs: unit picker, kind/post combos, date, 文号, ID number."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from bianzhi_app.catalog import Kind
from bianzhi_app.idcodes import id_problem, normalize_code
from ui.i18n import tr


class UnitPicker(QComboBox):
    """An editable unit chooser with contains-completion; fine for 40,000 units."""

    unit_changed = Signal()

    def __init__(self, units: list[tuple[int, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.ids = {name: unit_id for unit_id, name in units}
        self.names = {unit_id: name for unit_id, name in units}
        model = QStringListModel([name for _id, name in units], self)
        self.setModel(model)
        completer = QCompleter(model, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setCurrentIndex(-1)
        self.lineEdit().setPlaceholderText(tr("输入单位名称"))
        self.currentTextChanged.connect(lambda _text: self.unit_changed.emit())

    def unit_id(self) -> int | None:
        return self.ids.get(self.currentText().strip())

    def set_unit(self, unit_id: int | None) -> None:
        if unit_id in self.names:
            self.setCurrentText(self.names[unit_id])


class KindCombo(QComboBox):
    def __init__(self, kinds: list[Kind], parent: QWidget | None = None, *, blank: str | None = None):
        super().__init__(parent)
        if blank is not None:
            self.addItem(blank, None)
        for kind in kinds:
            self.addItem(kind.name, kind.id)
        self.kinds = {k.id: k for k in kinds}

    def kind(self) -> Kind | None:
        value = self.currentData()
        return self.kinds.get(value) if value is not None else None

    def set_kind(self, kind_id: int | None) -> None:
        index = self.findData(kind_id)
        if index >= 0:
            self.setCurrentIndex(index)


class ChoiceCombo(QComboBox):
    def __init__(self, choices: tuple[str, ...] | list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.addItems(list(choices))


class DateEdit(QDateEdit):
    """A day no later than today (the core refuses future changes)."""

    def __init__(self, today: dt.date, parent: QWidget | None = None, *, allow_future: bool = False):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setDate(QDate(today.year, today.month, today.day))
        if not allow_future:
            self.setMaximumDate(QDate(today.year, today.month, today.day))

    def day(self) -> dt.date:
        d = self.date()
        return dt.date(d.year(), d.month(), d.day())


class DocEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(tr("如 杨编发〔2026〕12号"))


class IdEdit(QWidget):
    """An ID number field checked as typed (GB 11643); shows the problem or a tick beside it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setMaxLength(20)
        self.edit.setPlaceholderText(tr("18位身份证号"))
        self.hint = QLabel(self)
        self.hint.setObjectName("id_hint")
        layout.addWidget(self.edit, 2)
        layout.addWidget(self.hint, 3)
        self.edit.textChanged.connect(self._check)

    def code(self) -> str:
        return normalize_code(self.edit.text())

    def problem(self) -> str | None:
        code = self.code()
        if not code:
            return tr("请输入身份证号")
        return id_problem(code)

    def _check(self) -> None:
        problem = self.problem() if self.code() else None
        self.hint.setText(problem or ("✓" if self.code() else ""))
        self.hint.setStyleSheet("color:#b00020" if problem else "color:#1b5e20")
        self.changed.emit()
