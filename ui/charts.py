"""A horizontal bar chart drawn with QPainter: used against approved, one row per label."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.i18n import tr

APPROVED = QColor("#c9d6e8")
USED = QColor("#2f6db5")
OVER = QColor("#c62828")
ROW = 26


class BarChart(QWidget):
    """Each row: a light bar for approved, a dark bar for used over it (red when over)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, int, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_rows(self, rows: list[tuple[str, int, int]]) -> None:
        """rows of (label, used, approved)."""
        self.rows = rows
        self.setFixedHeight(max(1, len(rows)) * ROW + 24)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, max(1, len(self.rows)) * ROW + 24)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        label_width = max([metrics.horizontalAdvance(label) for label, _u, _a in self.rows] + [40]) + 12
        number_width = metrics.horizontalAdvance("000000/000000") + 12
        bar_width = max(40, self.width() - label_width - number_width - 8)
        top = max([max(used, approved) for _l, used, approved in self.rows] + [1])
        align, no_pen = QtCore.Qt.AlignmentFlag, QtCore.Qt.PenStyle.NoPen
        for row, (label, used, approved) in enumerate(self.rows):
            y = row * ROW + 4
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, y, label_width - 8, ROW - 6),
                             int(align.AlignRight | align.AlignVCenter), label)
            painter.setPen(no_pen)
            painter.setBrush(APPROVED)
            painter.drawRect(QRectF(label_width, y + 3, bar_width * approved / top, ROW - 12))
            painter.setBrush(OVER if used > approved else USED)
            painter.drawRect(QRectF(label_width, y + 7, bar_width * used / top, ROW - 20))
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(label_width + bar_width + 6, y, number_width, ROW - 6),
                             int(align.AlignLeft | align.AlignVCenter), f"{used}/{approved}")
        legend_y = len(self.rows) * ROW + 4
        painter.setPen(no_pen)
        painter.setBrush(USED)
        painter.drawRect(QRectF(label_width, legend_y + 4, 12, 10))
        painter.setBrush(APPROVED)
        painter.drawRect(QRectF(label_width + 90, legend_y + 4, 12, 10))
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(label_width + 16, legend_y, 70, 18), int(align.AlignVCenter), tr("实有"))
        painter.drawText(QRectF(label_width + 106, legend_y, 70, 18), int(align.AlignVCenter), tr("核定"))
        painter.end()
