"""A table view over a PagedModel with the usual settings (rows select, no editing)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from ui.models import PagedModel

SCREEN_ROWS = 40  # rows a window shows: the columns are fitted to these
# The padding of a cell (2 × (PM_FocusFrameHMargin + 1) + 2: 8 in the Fusion and Windows styles) and of
# a header section (2 × PM_HeaderMargin + PM_HeaderMarkSize: Fusion 20, Windows 24) at 96 dpi, as
# QStyle.pixelMetric gives them; asking the style would build QStyle's Python enums (4 ms) for the
# first paint.
CELL_PADDING, HEADER_PADDING = 8, 24


def paged_view(model: PagedModel, parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    # The header reads its labels from a model of its own: Qt asks a header for them before the first
    # paint, and asking the PagedModel would load PySide's `Qt` namespace for that (ui.first_paint).
    labels = QStandardItemModel(0, len(model.columns), view)
    labels.setHorizontalHeaderLabels(model.labels())
    view.horizontalHeader().setModel(labels)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view


def _display_width(text: str) -> int:
    """Roughly how wide a text is in character cells (CJK and full-width characters count two)."""
    return len(text) + sum(1 for ch in text if ord(ch) >= 0x2E80)


def fit_columns(view: QTableView, model: PagedModel, sample: int = SCREEN_ROWS, *, elastic: int | None = None) -> None:
    """Widths for the widest text of the header and of the first screenful of loaded rows: what
    resizeColumnsToContents gives, measured once per column from the row values instead of asking
    data() for eight roles of every cell (0.1 s for 200 rows of a roster on a slow PC).

    The ``elastic`` column (long texts: a ledger entry's 内容) takes what the view leaves beside the
    others, as the window is resized, instead of the last column; what does not fit is elided
    (`elide_middle`) and shown whole in its tooltip. So one long column never pushes the others out of
    sight, and a short last column (a date) is not stretched across the view."""
    scale = max(1.0, view.logicalDpiX() / 96)
    margin, header_extra = round(CELL_PADDING * scale), round((HEADER_PADDING + CELL_PADDING) * scale)
    cell, title = view.fontMetrics(), view.horizontalHeader().fontMetrics()
    rows = model.rows[:sample]
    widths = []
    for label, getter in model.columns:
        texts = ["" if value is None else str(value) for value in map(getter, rows)]
        widest = max(texts, key=_display_width, default="")
        widths.append(max(cell.horizontalAdvance(widest) + margin, title.horizontalAdvance(label) + header_extra))
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    if elastic is not None:
        from PySide6.QtWidgets import QHeaderView

        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(elastic, QHeaderView.ResizeMode.Stretch)


def elide_middle(view: QTableView) -> None:
    """Cut long texts in the middle (杨陵编发…12号 keeps its number) — after the first paint: the enum
    loads PySide's `Qt` namespace (ui.first_paint)."""
    from PySide6 import QtCore

    view.setTextElideMode(QtCore.Qt.TextElideMode.ElideMiddle)
