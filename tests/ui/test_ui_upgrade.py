"""Opening a book made by the previous version in the window (issue 16): migration 0005 seals every person's ID
number behind a progress dialog that follows it, then the book asks for a sign-in and shows its roster masked."""

from __future__ import annotations

import json
import lzma
import sqlite3
from pathlib import Path
from typing import Any

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
    launcher.start(str(path))
    assert launcher.upgrade_progress == (persons, persons)  # the dialog followed the sealing to its end
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
