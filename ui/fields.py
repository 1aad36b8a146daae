"""Input widgets shared by the operation dialogs: unit picker, kind/post combos, date, 文号, ID number."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPushButton, QWidget

from bianzhi_app import queries as q
from bianzhi_app.catalog import Kind
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
            self.addItem(tr(kind.name), kind.id)  # display only: an English name in English mode
        self.kinds = {k.id: k for k in kinds}

    def kind(self) -> Kind | None:
        value = self.currentData()
        return self.kinds.get(value) if value is not None else None

    def set_kind(self, kind_id: int | None) -> None:
        index = self.findData(kind_id)
        if index >= 0:
            self.setCurrentIndex(index)


def search_edit(parent: QWidget, name: str, placeholder: str) -> QLineEdit:
    """The search box of a list: named for tests, with a hint and a clear button."""
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def export_button(parent: QWidget, source: Callable[[], Any], session: Any, name: str) -> QPushButton:
    """导出Excel for a list: `source()` gives its ExportSource when clicked (ui.dialogs.export, and
    what it needs, loads then, not with the page)."""
    button = QPushButton(tr("导出Excel"), parent)
    button.setObjectName(name)
    button.setToolTip(tr("把当前列表(按当前筛选)导出为Excel工作簿"))

    def clicked(_checked: bool = False) -> None:
        from ui.dialogs.export import export_list

        export_list(parent, session, source())

    button.clicked.connect(clicked)
    return button
