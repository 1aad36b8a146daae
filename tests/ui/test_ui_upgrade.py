"""Opening a book made by the previous version in the window (issue 16): migration 0005 seals every person's ID
number behind a progress dialog that follows it, then the book asks for a sign-in and shows its roster masked."""

from __future__ import annotations

import json
import lzma
import re
import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from uihelpers import wait_idle

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_an_old_book_is_upgraded_behind_a_progress_dialog_then_signed_in(qtbot: Any, tmp_path: Path,
                                                                         monkeypatch: Any) -> None:
    from bianzhi_app.db import SCHEMA_HEAD
    from ui.launcher import Launcher

    demo = json.loads((FIXTURES / "book_0004.json").read_text())
    path = tmp_path / "old.db"
    path.write_bytes(lzma.decompress((FIXTURES / "book_0004.db.xz").read_bytes()))
    conn = sqlite3.connect(path)
    persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
    conn.close()
    monkeypatch.setenv("BIANZHI_USER", "jingban")
    monkeypatch.setenv("BIANZHI_PASSWORD", demo["password"])
    launcher = Launcher(start_page="roster")
    said: list[str] = []

    def answer_the_notice() -> None:  # the progress dialog is modal too: wait for the notice by its name
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "clear_ids_backup" and box.isVisible():
            said.append("\n".join(label.text() for label in box.findChildren(QLabel)))
            box.button(QMessageBox.StandardButton.Ok).click()

    timer = QTimer()
    timer.timeout.connect(answer_the_notice)
    timer.start(20)
    launcher.start(str(path))
    timer.stop()
    assert launcher.upgrade_progress == (persons, persons)  # the dialog followed the sealing to its end
    # then it said, once, that the pinned backup made before holds the numbers in clear, and where it is
    assert len(said) == 1
    text = said[0]
    assert "仍含明文身份证号" in text
    from bianzhi_app.safety.session import backup_dir

    named = re.search(r"「([^」]+)」", text)
    assert named is not None and (backup_dir() / named.group(1)).is_file()  # the pinned backup itself
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=30_000)  # signs in on the worker, then shows
    window = launcher.window
    qtbot.addWidget(window)
    wait_idle(qtbot, window.session)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    assert "id_number" not in {r[1] for r in conn.execute("PRAGMA table_info(persons)")}
    conn.close()
    assert window.session.account is not None and window.session.account.name == "jingban"
    window.close()
