"""The input fields of the operation dialogs: dates, document numbers, ID numbers checked as typed,
fixed choices (the fields the pages share, unit and kind pickers, are in ui.fields)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from bianzhi_app.idcodes import id_problem, normalize_code
from ui.i18n import tr


class ChoiceCombo(QComboBox):
    """A fixed choice of the core's vocabulary (出编原因, 补充方式, 机构类别 …): shown in the window's
    language, `value()` the stored Chinese word."""

    def __init__(self, choices: tuple[str, ...] | list[str], parent: QWidget | None = None):
        super().__init__(parent)
        for choice in choices:
            self.addItem(tr(choice) if choice else "", choice)

    def value(self) -> str:
        return str(self.currentData() or "")


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
