"""Run in a subprocess by test_ui_refcount.py: a large model whose data() returns None for most
roles, scrolled end to end and repainted many times. PySide6 6.12.0 on Python 3.11 loses a
reference to None on each such return until the interpreter crashes; 6.11.x does not."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QTableView

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000


class NoneModel(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # type: ignore[no-untyped-def]  # noqa: B008
        return 0 if parent.isValid() else ROWS

    def columnCount(self, parent=QModelIndex()):  # type: ignore[no-untyped-def]  # noqa: B008
        return 0 if parent.isValid() else 6

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return str(index.row())
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        return None


def main() -> int:
    app = QApplication([])
    view = QTableView()
    view.setModel(NoneModel())
    view.resize(800, 600)
    view.show()
    app.processEvents()
    start = sys.getrefcount(None)
    bar = view.verticalScrollBar()
    steps = 60
    for step in range(steps + 1):
        bar.setValue(bar.maximum() * step // steps)
        for _ in range(5):
            view.viewport().repaint()
        app.processEvents()
    for _ in range(steps):
        bar.setValue(0 if bar.value() else bar.maximum())
        view.viewport().repaint()
    end = sys.getrefcount(None)
    print(f"start={start} end={end}", flush=True)
    return 0 if end >= start - 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
