"""Small helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6 import QtCore
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QWidget


def fill_table(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               data: Sequence[Any] | None = None) -> None:
    """Replace a small table's contents; `data` (one per row) is kept in column 0's UserRole."""
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, int):
                item.setData(QtCore.Qt.ItemDataRole.DisplayRole, value)
                item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter)
            if c == 0 and data is not None:
                item.setData(QtCore.Qt.ItemDataRole.UserRole, data[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def make_table(parent: QWidget, name: str) -> QTableWidget:
    table = QTableWidget(parent)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet("font-size:15px;font-weight:bold;margin-top:8px")
    return label


def fit_height(table: QTableWidget) -> None:
    """As tall as its header and every row and no wider than its columns (a short table such as the pool
    per kind: no inner scrolling, no empty band beside the figures)."""
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2)
    table.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setMaximumWidth(sum(table.columnWidth(c) for c in range(table.columnCount())) + 2 * table.frameWidth() + 2)


def squeeze_columns(table: QTableWidget, stretch: int = 0) -> None:
    """Fit a narrow table to its width without a horizontal scroll bar: the `stretch` column (a unit's
    name) takes what the others, sized to their contents, leave, and elides in the middle (its tooltip
    has it whole)."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for column in range(table.columnCount()):
        mode = QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)
    table.setTextElideMode(QtCore.Qt.TextElideMode.ElideMiddle)
    table.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for row in range(table.rowCount()):
        item = table.item(row, stretch)
        if item is not None:
            item.setToolTip(item.text())
