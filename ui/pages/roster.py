"""人员: the real-name roster, searched by name or ID number, filtered by unit/kind/post,
sorted on indexed columns, paged from SQL as the user scrolls."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from bianzhi_app import queries as q
from ui.fields import KindCombo, UnitPicker, export_button, search_edit
from ui.first_paint import AfterFirstPaint
from ui.i18n import tr
from ui.models import RosterModel
from ui.pages.paged_view import fit_columns, paged_view
from ui.session import Session

if TYPE_CHECKING:
    from bianzhi_app.ops.common import PersonRef
    from ui.dialogs.export import ExportSource


class RosterPage(QWidget):
    person_activated = Signal(str)  # ID number
    ELASTIC = 4  # 单位: takes what the other columns leave

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = search_edit(self, "roster_search", tr("姓名或身份证号(前几位)"))
        self.unit = UnitPicker(session, self)
        self.unit.setObjectName("roster_unit")
        self.unit.lineEdit().setPlaceholderText(tr("全部单位"))
        self.kind = KindCombo(session.catalog.kinds, self, blank=tr("全部编制类型"))
        self.kind.setObjectName("roster_kind")
        self.post = KindCombo(session.catalog.post_kinds, self, blank=tr("全部职务"))
        self.post.setObjectName("roster_post")
        for widget, stretch in ((self.search, 3), (self.unit, 3), (self.kind, 1), (self.post, 1)):
            bar.addWidget(widget, stretch)
        bar.addWidget(export_button(self, self.export_source, session, "roster_export"))
        self.reveal_button = QPushButton(tr("显示完整号码…"), self)
        self.reveal_button.setObjectName("roster_reveal")
        self.reveal_button.clicked.connect(lambda _c=False: self.reveal_selected())
        layout.addLayout(bar)
        self.model = RosterModel(session, self)
        self.view = paged_view(self.model, self, "roster_view")
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # reveal several at once
        # Sorting (Qt.SortOrder and the sort the view asks for at once) can wait for the first paint.
        self._sorting = AfterFirstPaint(self.view, self.enable_sorting)  # not viewport(): ui.first_paint
        self.view.doubleClicked.connect(self._activated)
        layout.addWidget(self.view)
        self.status = QLabel(self)
        self.status.setObjectName("roster_status")
        foot = QHBoxLayout()  # the count, and what can be done with the selected rows
        foot.addWidget(self.status, 1)
        foot.addWidget(self.reveal_button)
        layout.addLayout(foot)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.unit.unit_changed.connect(self._timer.start)
        self.kind.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.post.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.total: int | None = None
        self._count_generation = 0
        self.model.modelReset.connect(self._count)  # a new filter (or a reload after a change)
        self.model.modelReset.connect(self._update_status)
        self.model.rowsInserted.connect(self._update_status)
        self.loaded = False
        self.apply_access()

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.model.reload()
            fit_columns(self.view, self.model, elastic=self.ELASTIC)

    def apply_filter(self) -> None:
        kind, post = self.kind.kind(), self.post.kind()
        unit_text = self.unit.currentText().strip()
        flt = replace(self.model.filter, search=self.search.text(), id_hash=None,
                      unit_id=self.unit.unit_id() if unit_text else None,
                      kind_id=kind.id if kind else None, post_kind_id=post.id if post else None)
        self.model.set_filter(flt.with_keys(self.session.personal_keys))
        self.loaded = True

    def enable_sorting(self) -> None:
        if not self.view.isSortingEnabled():
            header = self.view.horizontalHeader()
            header.setSortIndicator(-1, QtCore.Qt.SortOrder.AscendingOrder)  # the order of the rows as loaded
            self.view.setSortingEnabled(True)
            header.sortIndicatorChanged.connect(self._sort_changed)

    def _sort_changed(self, column: int, order: QtCore.Qt.SortOrder) -> None:
        if not self.model.sortable(column):
            self.view.horizontalHeader().blockSignals(True)
            self.view.horizontalHeader().setSortIndicator(-1, order)
            self.view.horizontalHeader().blockSignals(False)

    def _count(self, *_args: object) -> None:
        """The total the filter matches, read behind the page (never before the first paint; a common
        surname on a province is ~100,000 persons to count)."""
        flt = self.model.filter
        self.total = None
        self._count_generation += 1
        generation = self._count_generation

        def done(total: int) -> None:
            if generation == self._count_generation and shiboken6.isValid(self):
                self.total = total
                self._update_status()

        self.session.read_later(lambda conn: q.roster_count(conn, flt), done, lambda _error: None)

    def _update_status(self, *_args: object) -> None:
        loaded = len(self.model.rows)
        if self.total is None:
            text = tr("已载入{0}人").format(f"{loaded:,}")
        elif self.model.exhausted or loaded >= self.total:
            text = tr("共 {0} 人").format(f"{self.total:,}")
        else:
            text = tr("共 {0} 人,已载入 {1} 人,向下滚动载入更多").format(f"{self.total:,}", f"{loaded:,}")
        self.status.setText(text)

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.person_activated.emit(row.id_number)

    def export_source(self) -> ExportSource:
        from ui.dialogs.export import roster_export_source

        return roster_export_source(self)

    def selected_rows(self) -> list[q.RosterRow]:
        """The rows selected in the list (in list order)."""
        selection = self.view.selectionModel()
        indexes = sorted({i.row() for i in selection.selectedRows()}) if selection is not None else []
        found = [self.model.row_at(i) for i in indexes]
        return [row for row in found if row is not None]

    def selected_person(self) -> PersonRef | None:
        """The one selected person for an operation dialog's preset (出编, 调动, 任职 …): by their id in the book,
        so the dialog needs no full number (it shows the mask and the name)."""
        from bianzhi_app.ops.common import PersonRef  # not before the first paint: it loads SQLAlchemy

        rows = self.selected_rows()
        return PersonRef(rows[0].person_id) if len(rows) == 1 else None

    # --- 显示完整号码 (issue 16) -------------------------------------------------------------------
    def apply_access(self) -> None:
        """显示完整号码 only for a role that may see full ID numbers (the tooltip names the role otherwise); never
        on a book opened read-only (the reveal could not be logged)."""
        from bianzhi_app.accounts.roles import Permission
        from ui.access import gate

        gate(self.reveal_button, Permission.REVEAL, self.session.account, read_only=self.session.read_only,
             label=tr("选中人员后显示其完整身份证号;须写明事由,记入安全审计日志"))

    def reveal_selected(self) -> Any:
        """Ask the 事由, then reveal the selected rows' full numbers on the worker: they show in the list until
        it is read again (a new filter, a change). The dialog is returned (open) for the caller."""
        rows = self.selected_rows()
        if not rows:
            self.status.setText(tr("请先在名单中选中要显示完整身份证号的人员"))
            return None
        from ui.dialogs.reveal import RevealReasonDialog

        person_ids = [row.person_id for row in rows]
        what = tr("显示{0}人的完整身份证号").format(len(person_ids)) if len(rows) > 1 else \
            tr("显示{0}的完整身份证号").format(rows[0].name)
        dialog = RevealReasonDialog(
            self.session, self, what,
            lambda reason: lambda book: book.people.reveal(person_ids=person_ids, reason=reason, what="window"))
        dialog.done_callbacks.append(self._revealed)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _revealed(self, found: dict[int, str]) -> None:
        if shiboken6.isValid(self):
            self.model.show_full(found)

    def refresh_persons_all(self) -> None:
        """Reload the loaded pages (called when an operation changed persons or units)."""
        if self.loaded:
            self.model.reload()
