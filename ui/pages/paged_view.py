"""A table view over a PagedModel with the usual settings (rows select, no editing)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from ui.models import PagedModel

SCREEN_ROWS = 40  # rows a window shows; more would only slow resizing to contents (8 data() calls a cell)


def paged_view(model: PagedModel, parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    # resizeColumnsToContents measures a screenful of rows, not every loaded page (0.1 s for 200 rows)
    view.horizontalHeader().setResizeContentsPrecision(SCREEN_ROWS)
    view.setWordWrap(False)
    return view
