"""The window's shortcuts win over a focused editor's own use of the same keys.

Qt first offers a key to the focused widget (a ShortcutOverride event): a QLineEdit claims Ctrl+E
(end of line on X11), Ctrl+K (delete to the end) and others, so Ctrl+E 入编 did nothing while the
focus was in a search box — where the window starts. The guard filters those offers out of every
editor of the window that takes the focus, for the keys the window's actions use; the key then
goes to the action. It starts after the first paint: following the focus hands back plain QWidget*
pointers, and wrapping one makes PySide build every widget type (ui.first_paint).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget


def _combined(sequence: Any) -> int | None:
    """A one-key sequence as Qt's combined int (key | modifiers); None for an empty or longer one."""
    if sequence.count() != 1:
        return None
    return int(sequence[0].toCombined())


class ShortcutGuard(QObject):
    def __init__(self, window: QWidget, actions: Iterable[QAction]):
        super().__init__(window)
        self.window = window
        self.actions = list(actions)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        self._focus_changed(None, QApplication.focusWidget())

    def keys(self) -> set[int]:
        """The keys of the window's enabled actions (read each time: actions are enabled and disabled)."""
        found = set()
        for action in self.actions:
            if action.isEnabled():
                for sequence in action.shortcuts():
                    combined = _combined(sequence)
                    if combined is not None:
                        found.add(combined)
        return found

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is self.window:
            new.removeEventFilter(self)  # installed once, whatever the focus does
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            combination = event.keyCombination()
            key = int(combination.toCombined()) & ~int(KEYPAD)
            if key in self.keys():
                event.ignore()
                return True  # not offered to the editor: the shortcut map gives the key to the action
        return False


KEYPAD = 0x20000000  # Qt.KeyboardModifier.KeypadModifier (a key on the number pad is the same key)
