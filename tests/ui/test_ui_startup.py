"""Start-up: the window paints its first page from a plain SQLite reader, then opens the Book behind it.

The Book (SQLAlchemy, the migrations check, the lock barrier) is opened on the worker after the first
paint; everything that needs it before then waits for it or is queued, and a Book that cannot be
opened after all brings the welcome page back with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from uihelpers import PERSONS, wait_idle

ROOT = Path(__file__).resolve().parents[2]


def launch(qtbot, path: Path, *, keep: bool = True):  # type: ignore[no-untyped-def]
    from ui.launcher import Launcher

    launcher = Launcher(start_page="roster")
    launcher.start(str(path))
    assert launcher.window is not None
    if keep:  # closed after the test (a window the launcher replaces deletes itself)
        qtbot.addWidget(launcher.window)
    return launcher


def test_main_py_paints_the_roster_then_opens_the_book_behind_it(book_path, tmp_path):  # type: ignore[no-untyped-def]
    """`main.py --gui` paints its first page, then opens the Book behind it and exits cleanly: the first paint
    does not wait for SQLAlchemy (the kept start-up win), and garbage collection runs once the window is
    ready. How fast, and with which of Qt's machinery loaded, is bench/bench_ui.py's to measure."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BIANZHI_SETTINGS": str(tmp_path / "s.ini")}
    env.pop("QT_NO_GUI_THREADPOOL", None)  # set in this process by importing ui: the child starts as a user's would
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--gui", "--db", str(book_path), "--page",
                             "roster", "--exit-after-paint"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    painted, ready = result.stdout.splitlines()[:2]
    assert painted.startswith("painted") and "sqlalchemy=0" in painted, painted
    assert ready.startswith("ready") and "sqlalchemy=1" in ready and "gc=1" in ready, ready
    paint_at = float(painted.split("at=")[1].split()[0])
    ready_at = float(ready.split("at=")[1].split()[0])
    assert ready_at >= paint_at


def shown_names(view) -> list[str]:  # type: ignore[no-untyped-def]
    """Column 姓名 as the view shows it, read through Qt's model interface."""
    model = view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def ink(widget) -> int:  # type: ignore[no-untyped-def]
    """Dark pixels in the widget as it paints itself now: text drawn, not a blank frame."""
    image = widget.grab().toImage()
    step = 2
    return sum(1 for y in range(0, image.height(), step) for x in range(0, image.width(), step)
               if image.pixelColor(x, y).value() < 110)


def test_first_paint_shows_the_roster_rows_and_the_ledger_head(qtbot, book_path):  # type: ignore[no-untyped-def]
    """What the user sees first, before the Book is open: the roster with its persons drawn and the status
    bar with the file's ledger head."""
    import sqlite3

    conn = sqlite3.connect(book_path)
    seq = conn.execute("SELECT max(seq) FROM ledger").fetchone()[0]
    conn.close()
    launcher = launch(qtbot, book_path)
    window = launcher.window
    assert not window.session.is_ready
    view = window.roster.view
    window.resize(1000, 600)
    assert view.isVisible() and window.head_label.isVisible()
    names = shown_names(view)
    assert sorted(names) == sorted(PERSONS)  # everyone on establishment in the template book, one row each
    first = view.visualRect(view.model().index(0, 0))
    assert first.isValid() and view.viewport().rect().contains(first.center())  # on screen, not scrolled away
    assert ink(view.viewport()) > 200, "the roster's rows painted nothing"
    assert window.head_label.text().startswith(f"台账 #{seq} ")
    qtbot.waitUntil(lambda: window.session.is_ready, timeout=20_000)
    assert window.head_label.text().startswith(f"台账 #{seq} ")  # the same head once the Book is open
    wait_idle(qtbot, window.session)


def test_window_shows_the_roster_before_the_book_is_open_then_opens_it(qtbot, book_path):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book_path)
    window = launcher.window
    session = window.session
    assert not session.is_ready  # nothing has opened the Book yet: the window was built from the reader
    names = set(shown_names(window.roster.view))
    assert {"甲一", "乙二", "己六"} <= names and window.tree.model.rowCount() == 2
    assert window.head_label.text().startswith("台账 #")
    read: list = []
    session.read_later(lambda conn: conn.exec_driver_sql("SELECT count(*) FROM units").scalar(), read.append)
    assert read == [] and not session.reader.busy()  # queued until the Book is open
    with qtbot.waitSignal(session.ready, timeout=20_000):
        window.repaint()  # the first paint starts the opening
    qtbot.waitUntil(lambda: read == [5], timeout=10_000)
    assert session.book.holds_lock and not session.read_only
    wait_idle(qtbot, session)


def test_a_write_before_the_book_is_open_waits_for_it(qtbot, book_path):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book_path)
    session = launcher.window.session
    assert not session.is_ready
    done: list = []
    session.run_op(None, lambda book: book.quotas.set(unit="区农业农村局", kind="行政编制", approved=4,
                                                      doc="杨编发〔2026〕9号"),
                   on_success=done.append, on_failure=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    assert session.is_ready and not isinstance(done[0], BaseException), done
    with session.read() as conn:
        approved = conn.execute("SELECT q.approved FROM quotas q JOIN units u ON u.id = q.unit_id "
                                "WHERE u.name = '区农业农村局' AND q.kind_id = 1").fetchone()[0]
    assert approved == 4


def test_main_thread_that_needs_the_book_early_gets_it(qtbot, book_path):  # type: ignore[no-untyped-def]
    launcher = launch(qtbot, book_path)
    session = launcher.window.session
    assert not session.is_ready
    assert session.book.head().seq == session.head().seq > 0  # waits for the worker to open it
    assert session.is_ready


def test_a_book_that_cannot_be_opened_behind_the_window_returns_to_welcome(qtbot, book_path):  # type: ignore[no-untyped-def]
    from bianzhi_app.safety.lock import lock_path_for

    launcher = launch(qtbot, book_path, keep=False)
    session = launcher.window.session
    with book_path.open("r+b") as damaged:  # after the checks, before the Book: a header no SQLite can read
        damaged.write(b"this is not a database file at all" * 3)
    session.start_opening()
    qtbot.waitUntil(lambda: launcher.window is None, timeout=20_000)
    assert launcher.welcome is not None and launcher.welcome.isVisible()
    assert "数据库已损坏" in launcher.welcome.message.text()
    assert not lock_path_for(book_path).exists()
    launcher.welcome.close()


def test_closing_before_the_book_opened_still_makes_the_exit_backup(qtbot, book_path, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from bianzhi_app.safety.lock import lock_path_for

    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(tmp_path / "backups"))
    launcher = launch(qtbot, book_path)
    window = launcher.window
    assert not window.session.is_ready
    window.close()
    from bianzhi_app.safety.backup import list_backups

    made = list_backups(tmp_path / "backups")
    assert [info.extra.get("reason") for info in made] == ["exit"] and made[0].manifest_ok
    assert not lock_path_for(book_path).exists()


def test_tree_leaves_further_pages_to_scrolling(qtbot, book_path):  # type: ignore[no-untyped-def]
    """Qt asks canFetchMore at every layout of an expanded item: after a parent's first page the model
    says no, and the tree reads the next page only when its end comes near the bottom of the view."""
    from bianzhi_app.book import Book
    from ui import unit_tree

    with Book.open(book_path) as book:
        for i in range(30):
            book.units.add(name=f"区档案馆分馆{i:02d}", category="事业单位", rank="正股", doc="杨编发〔2026〕1号",
                           parent="区档案馆")  # under the last row of the tree: nothing below its children
    old = unit_tree.FIRST_PAGE, unit_tree.PAGE
    unit_tree.FIRST_PAGE, unit_tree.PAGE = 5, 5
    try:
        launcher = launch(qtbot, book_path)
        tree = launcher.window.tree
        model = tree.model
        archive = model.unit_index(next(u.id for u in model.loaded_units().values() if u.name == "区档案馆"))
        launcher.window.resize(900, 300)  # a short tree: the first page's end is on screen
        tree.tree.expand(archive)
        qtbot.waitUntil(lambda: model.rowCount(archive) == 5)
        assert not model.canFetchMore(archive) and model.has_more(model.node(archive))
        tree.tree.scrollTo(model.index(4, 0, archive))
        qtbot.waitUntil(lambda: model.rowCount(archive) == 10, timeout=5_000)  # the scroll read the next page
    finally:
        unit_tree.FIRST_PAGE, unit_tree.PAGE = old


def test_roster_columns_are_fitted_as_wide_as_qt_would_fit_them(qtbot, book_path):  # type: ignore[no-untyped-def]
    """fit_columns measures the row values once per column instead of Qt's eight data() calls a cell;
    every column must still show its widest text and its header with the sort mark: never narrower than
    Qt's fit, and at most a few pixels wider (the header padding is the widest of the Fusion and Windows
    styles')."""
    launcher = launch(qtbot, book_path)
    view = launcher.window.roster.view
    qtbot.waitUntil(view.isSortingEnabled)  # after the first paint: the header makes room for the mark
    header = view.horizontalHeader()
    for column in range(view.model().columnCount() - 1):  # the last one stretches
        fitted = view.columnWidth(column)
        wanted = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
        assert wanted - 1 <= fitted <= wanted + 5, (column, fitted, wanted)


def test_roster_headers_show_the_labels_and_a_click_sorts_by_name(qtbot, book_path):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    launcher = launch(qtbot, book_path)
    view = launcher.window.roster.view
    header = view.horizontalHeader()
    shown = [header.model().headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
    assert shown[0] == "姓名" and {"身份证号", "单位", "编制类型", "职务", "入编日期"} <= set(shown)
    assert header.count() == view.model().columnCount()
    qtbot.waitUntil(view.isSortingEnabled)
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # what a click on 姓名 (twice) does
    descending = sorted(PERSONS, reverse=True)
    qtbot.waitUntil(lambda: shown_names(view) == descending, timeout=10_000)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: shown_names(view) == descending[::-1], timeout=10_000)
