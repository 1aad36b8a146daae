"""What the window's start needs of PySide's `Qt` namespace, without loading it.

PySide builds the Python enums of a Qt type the first time any of them is touched; for `Qt` itself
(~150 enums) that is 12 ms, more than the rest of the window's tree and roster. So the models and
views painted first compare roles with the plain ints Qt passes to data(), and a table's header
labels come from a header model, so that Qt never calls a Python headerData() with a Qt.Orientation
before the first paint. Everything after the first paint uses `Qt` freely. tests/ui check that these
are Qt's values and that the first paint leaves `Qt` unloaded.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

# Qt.ItemDataRole
DISPLAY, TOOLTIP, FOREGROUND, USER = 0, 3, 9, 256


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
