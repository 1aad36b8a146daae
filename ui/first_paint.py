"""Work that waits for the window's first paint, and the item roles the models answer.

A table's header labels come from a header model (no Python headerData()), so Qt does not call into
Python for every header section while it lays out the first screen. `AfterFirstPaint` starts what
must not delay the first paint (opening the Book behind it, switching on sorting). The two probes
tell bench/bench_ui.py what the first paint cost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
USER = Qt.ItemDataRole.UserRole


def qt_namespace_loaded() -> bool:
    """Whether anything has touched PySide6.QtCore.Qt yet (PySide adds it to the module when it builds it)."""
    import PySide6.QtCore

    return "Qt" in vars(PySide6.QtCore)


def widget_types_walked() -> bool:
    """Whether PySide has built every widget type yet. It does the first time it wraps a widget that
    Qt hands back as a plain QWidget* (`viewport()`, `parentWidget()`, `focusWidget()`): to find the
    most derived type it builds them all, QWizard and QFileDialog with their enums (5-10 ms)."""
    import PySide6.QtWidgets

    return "QWizard" in vars(PySide6.QtWidgets)


class AfterFirstPaint(QObject):
    """Calls `then` once, `delay` ms after `widget` was first painted (work that must not delay it).
    For a view, pass the view, not its viewport (see widget_types_walked): the view's frame is painted
    first, its viewport in the same pass, before the timer runs."""

    def __init__(self, widget: QWidget, then: Callable[[], None], delay: int = 0):
        super().__init__(widget)
        self.then, self.delay = then, delay
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(self.delay, self.then)
        return False
