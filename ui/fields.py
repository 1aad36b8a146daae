"""Input widgets shared by the operation dialogs: unit picker, kind/post combos, date, 文号, ID number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QStringListModel, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from bianzhi_app import ui_queries as q
from bianzhi_app.catalog import Kind
from bianzhi_app.idcodes import id_problem, normalize_code
from ui.i18n import tr


class UnitPicker(QLineEdit):
    """A unit chooser: type part of a name, pick from the units that contain it (an SQL query per
    keystroke, at most COMPLETIONS names), so it opens at once on a province of 40,000 units."""

    COMPLETIONS = 50
    unit_changed = Signal()

    def __init__(self, session: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setPlaceholderText(tr("输入单位名称"))
        self.setClearButtonEnabled(True)
        self.names = QStringListModel(self)
        self.completer_ = QCompleter(self.names, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(20)
        self.completer_.setWidget(self)
        self.completer_.activated[str].connect(self.setText)
        self.textEdited.connect(self._suggest)
        self.textChanged.connect(lambda _text: self.unit_changed.emit())

    def _suggest(self, text: str) -> None:
        with self.session.read() as conn:
            found = q.unit_completions(conn, text, self.COMPLETIONS)
        names = [name for _id, name in found]
        self.names.setStringList(names)
        if names and names != [text.strip()]:
            self.completer_.complete()
        else:
            self.completer_.popup().hide()

    # a QComboBox's names, so the dialogs and pages read it as before
    def currentText(self) -> str:
        return self.text()

    def setCurrentText(self, text: str) -> None:
        self.setText(text)

    def lineEdit(self) -> QLineEdit:
        return self

    def unit_id(self) -> int | None:
        with self.session.read() as conn:
            return q.active_unit_id(conn, self.text())

    def set_unit(self, unit_id: int | None) -> None:
        if unit_id is None:
            return
        with self.session.read() as conn:
            name = q.unit_name(conn, unit_id)
        if name:
            self.setText(name)


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


def search_edit(parent: QWidget, name: str, placeholder: str) -> QLineEdit:
    """The search box of a list: named for tests, with a hint and a clear button."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit
