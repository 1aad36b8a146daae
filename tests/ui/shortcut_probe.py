"""Run under a real X server (xcb): press every shortcut of the window with the focus in a search box
and print, as JSON, which actions fired and what the box then held. Used by test_ui_usability."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main(book: str, cases: list[tuple[str, str]]) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(["probe"])
    from bianzhi_app.book import Book
    from ui.main_window import MainWindow
    from ui.session import Session

    session = Session(Book.open(book), book)
    window = MainWindow(session)
    window.show()
    window.activateWindow()
    results: dict[str, object] = {}

    def run() -> None:
        if getattr(window, "shortcut_guard", "-") is None or not window.isActiveWindow():
            QTimer.singleShot(50, run)
            return
        window.open_dialog = lambda entry: None  # type: ignore[method-assign]
        for key, shortcut in cases:
            fired: list[str] = []
            action = window.actions[key]
            action.triggered.connect(lambda *_a, k=key, f=fired: f.append(k))
            window.show_page("dashboard")
            edit = window.tree.search
            edit.setFocus()
            app.processEvents()
            edit.setText("ab")
            edit.setCursorPosition(0)
            combination = QKeySequence(shortcut)[0]
            QTest.keyClick(edit, combination.key(), combination.keyboardModifiers())
            app.processEvents()
            results[key] = {"fired": fired == [key], "text": edit.text(), "focus": edit.hasFocus()}
        print(json.dumps(results), flush=True)
        app.quit()

    QTimer.singleShot(100, run)
    app.exec()
    session.close()


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
