"""Issue 12, "The window": what a new user hit — opening the window, its size, typing, shortcuts,
refusal texts, readable lists, Qt's own buttons in Chinese, no display, the demo, marks, backups and
English mode. Each test failed before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray
from test_ui_dialogs_staff import unit_id
from uihelpers import type_text, wait_idle

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def child_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BIANZHI_SETTINGS": str(tmp_path / "s.ini"),
           "BIANZHI_BACKUP_DIR": str(tmp_path / "backups")}
    env.pop("QT_NO_GUI_THREADPOOL", None)
    env.update(extra)
    return env


# --- 1. `main.py --db PATH` opens the window; BIANZHI_DB is honoured ------------------------------
def test_main_py_decides_window_or_command_line_by_the_arguments() -> None:
    from main import wants_window

    for argv in ([], ["--db", "a.db"], ["--db=a.db"], ["--demo"], ["--db", "a.db", "--demo"], ["--gui", "--db", "a"],
                 ["--db", "a.db", "--page", "roster", "--lang", "en"]):
        assert wants_window(argv), argv
    for argv in (["status"], ["--db", "a.db", "status"], ["--json", "status"], ["--db", "a.db", "demo"],
                 ["--help"], ["--version"], ["--user", "x"], ["--db", "a.db", "--bogus"]):
        assert not wants_window(argv), argv


def test_main_py_db_path_opens_the_window(book_path, tmp_path):  # type: ignore[no-untyped-def]
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(book_path), "--exit-after-paint"],
                            env=child_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("painted"), result.stdout


def test_the_window_opens_the_book_bianzhi_db_names(qtbot, book_path, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    import shutil

    from ui import settings
    from ui.launcher import Launcher

    other = tmp_path / "other.db"
    shutil.copyfile(book_path, other)
    settings.remember_db(str(other))  # the last book opened
    monkeypatch.setenv("BIANZHI_DB", str(book_path))
    launcher = Launcher()
    launcher.start()
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    assert launcher.window.session.path == str(book_path)
    wait_idle(qtbot, launcher.window.session)
    launcher.window.session.when_ready(lambda: None)
    qtbot.waitUntil(lambda: launcher.window.session.is_ready, timeout=20_000)


# --- 2. the window fits the screen it opens on ----------------------------------------------------
def _inside(window) -> bool:  # type: ignore[no-untyped-def]
    area = window.screen().availableGeometry()
    return area.contains(window.frameGeometry())


def test_default_and_saved_geometry_fit_the_screen(qtbot, session):  # type: ignore[no-untyped-def]
    from ui import settings
    from ui.main_window import MainWindow

    area = qtbot_screen_area()
    assert area.width() < 1360  # the offscreen screen is smaller than the window's default size
    settings.set("window/geometry", QByteArray())
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert _inside(window), (window.frameGeometry(), area)
    # a layout saved on a larger monitor
    window.setGeometry(area.x() + 300, area.y() + 200, area.width() + 800, area.height() + 500)
    settings.set("window/geometry", window.saveGeometry())
    again = MainWindow(session)
    qtbot.addWidget(again)
    again.show()
    assert _inside(again), (again.frameGeometry(), area)


def qtbot_screen_area():  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.primaryScreen().availableGeometry()


# --- 3. the unit search never erases what the user types ------------------------------------------
@pytest.mark.parametrize("typed", ["财政", "zz"])
def test_unit_search_keeps_the_text_after_a_unit_was_selected(qtbot, window, book_path, typed):  # type: ignore[no-untyped-def]
    window.select_unit(unit_id(book_path, "区农业农村局"))  # a unit the search will not list
    type_text(qtbot, window.tree.search, typed)  # an input method's commit, or key clicks
    qtbot.waitUntil(lambda: window.tree.model.term == typed, timeout=3000)
    qtbot.wait(400)  # the reload and the re-selection after it are long done
    assert window.tree.search.text() == typed
    assert window.tree.model.term == typed
    type_text(qtbot, window.tree.search, "局")  # typing on goes on from there
    qtbot.wait(400)
    assert window.tree.search.text() == typed + "局"


def test_unit_search_keeps_the_selected_unit_it_lists(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    finance = unit_id(book_path, "区财政局")
    window.select_unit(finance)
    type_text(qtbot, window.tree.search, "财政")
    qtbot.waitUntil(lambda: window.tree.model.term == "财政", timeout=3000)
    assert window.tree.current_unit() == finance and window.tree.search.text() == "财政"


# --- 9. no display: a clear Chinese message and exit 2, not Qt's abort ---------------------------
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland only")
def test_no_display_says_so_in_chinese_and_exits_2(book_path, tmp_path):  # type: ignore[no-untyped-def]
    env = child_env(tmp_path)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(book_path)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "没有可用的图形显示" in result.stderr and "xvfb-run" in result.stderr
    assert "libxcb" not in result.stderr and "Aborted" not in result.stderr


def test_display_problem_knows_headless_platforms() -> None:
    from ui.app import display_problem

    if not sys.platform.startswith("linux"):
        assert display_problem({}) is None
        return
    assert display_problem({}) is not None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}) is not None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "minimal"}) is None
    assert display_problem({"DISPLAY": ":0"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}) is not None
