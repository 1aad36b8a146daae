"""Answering modal dialogs (QDialog.exec) in UI tests: a timer finds each new modal window in turn and
hands it to the next handler, which clicks a button as a user would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget

Handler = Callable[[QWidget], None]


class ModalAnswers:
    def __init__(self, *handlers: Handler):
        self.pending = list(handlers)
        self.seen: list[QWidget] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible() or any(widget is w for w in self.seen) or not self.pending:
            return
        self.seen.append(widget)
        handler = self.pending.pop(0)
        QTimer.singleShot(0, lambda: handler(widget))
        if not self.pending:
            self.timer.stop()

    @property
    def done(self) -> bool:
        return not self.pending


def answer(*handlers: Handler) -> ModalAnswers:
    return ModalAnswers(*handlers)


def click(name: str) -> Handler:
    """Click the child button `name` of the modal dialog."""
    def handler(dialog: QWidget) -> None:
        button = dialog.findChild(QAbstractButton, name)
        assert button is not None, f"{dialog.objectName()} has no {name}"
        button.click()
    return handler


def recorded(store: dict[str, Any], then: Handler) -> Handler:
    """Remember what the dialog said (its object name and text) before answering it."""
    def handler(dialog: QWidget) -> None:
        from PySide6.QtWidgets import QLabel

        texts = [label.text() for label in dialog.findChildren(QLabel)]
        store.setdefault("dialogs", []).append((dialog.objectName(), "\n".join(texts)))
        store.setdefault("widgets", []).append(dialog)
        then(dialog)
    return handler


def press(button: QMessageBox.StandardButton) -> Handler:
    def handler(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox), type(dialog)
        dialog.button(button).click()
    return handler


def escape(dialog: QWidget) -> None:
    dialog.close() if not hasattr(dialog, "reject") else dialog.reject()  # type: ignore[attr-defined]


__all__ = ["Qt", "answer", "click", "escape", "press", "recorded"]
