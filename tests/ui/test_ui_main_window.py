"""The main window on a real book: tree, pages, refresh from the op's Change, menus, settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from test_ui_dialogs_staff import confirm, open_dialog, unit_id
from uihelpers import NEW_ID, PERSONS, scalar, type_text, wait_idle

ROOT = Path(__file__).resolve().parents[2]


def tree_rows(window, parent=None):  # type: ignore[no-untyped-def]
    """The texts the tree shows under `parent` (the top level by default), as loaded."""
    model = window.tree.model
    parent = parent if parent is not None else QModelIndex()
    return [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]


def test_tree_starts_with_categories_and_marks_units_at_quota(qtbot, window):  # type: ignore[no-untyped-def]
    model = window.tree.model
    assert tree_rows(window) == ["政府工作部门 (4)", "事业单位 (1)"]
    departments = tree_rows(window, model.index(0, 0))
    assert departments == ["区农业农村局", "● 区财政局", "● 区统计局", "区教育局"]
    tip = model.index(2, 0, model.index(0, 0)).data(Qt.ItemDataRole.ToolTipRole)
    assert "满编" in tip
    assert model.index(1, 0, model.index(0, 0)).data(Qt.ItemDataRole.ForegroundRole).name() == "#b26a00"
    assert model.index(0, 0, model.index(0, 0)).data(Qt.ItemDataRole.ForegroundRole) is None
    with qtbot.assertNotEmitted(window.tree.unit_selected):  # a category is no unit
        window.tree.tree.setCurrentIndex(model.index(0, 0))
    assert window.tree.current_unit() is None
    with qtbot.waitSignal(window.tree.unit_selected) as selected:
        window.tree.tree.setCurrentIndex(model.index(1, 0, model.index(0, 0)))
    assert window.tree.current_unit() == selected.args[0]


def test_tree_search_is_a_flat_list_from_sql(qtbot, window):  # type: ignore[no-untyped-def]
    type_text(qtbot, window.tree.search, "统计")
    qtbot.waitUntil(lambda: window.tree.model.term == "统计")
    assert tree_rows(window) == ["● 区统计局"]
    window.tree.search.clear()
    qtbot.waitUntil(lambda: window.tree.model.term == "")
    assert len(tree_rows(window)) == 2


def test_tree_loads_children_on_expand_and_selects_deep_units(qtbot, book_path):  # type: ignore[no-untyped-def]
    from bianzhi_app.book import Book
    from ui import unit_tree
    from ui.main_window import MainWindow
    from ui.session import Session

    with Book.open(book_path) as book:
        for i in range(7):
            book.units.add(name=f"区教育局下属学校{i}", category="事业单位", rank="正股", doc="杨编发〔2026〕1号",
                           parent="区教育局")
    session = Session(Book.open(book_path), str(book_path))
    old_page, unit_tree.PAGE = unit_tree.PAGE, 3  # pages of 3 units, to see paging on a small book
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        model = window.tree.model
        education = unit_id(book_path, "区教育局")
        assert window.tree.contains(education)
        index = model.unit_index(education)
        assert model.hasChildren(index) and model.rowCount(index) == 0  # children not read yet
        window.tree.tree.expand(index)
        qtbot.waitUntil(lambda: model.rowCount(index) >= 3)
        deep = unit_id(book_path, "区教育局下属学校6")
        with qtbot.waitSignal(window.tree.unit_selected) as selected:
            window.tree.select_unit(deep)
        assert selected.args == [deep] and window.tree.current_unit() == deep
        assert model.rowCount(index) == 7
    finally:
        unit_tree.PAGE = old_page
        window.close()


def test_dashboard_shows_pool_and_lists(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("dashboard")
    qtbot.waitUntil(lambda: window.dashboard.loaded)  # read on the reader thread
    assert "杨陵区" in window.dashboard.title.text()
    pool = window.dashboard.pool
    assert pool.rowCount() == 4
    assert [pool.item(0, c).text() for c in range(4)] == ["行政编制", "10", "6", "4"]
    at_units = {window.dashboard.at.item(r, 0).text() for r in range(window.dashboard.at.rowCount())}
    assert {"区统计局", "区财政局"} <= at_units
    assert window.dashboard.kind_chart.rows[0] == ("行政编制", 5, 6)


def test_unit_page_refreshes_from_the_change(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    agri = unit_id(book_path, "区农业农村局")
    window.select_unit(agri)
    assert window.page_key() == "unit"
    assert window.unit_page.title.text() == "区农业农村局"
    assert window.unit_page.quota.item(0, 2).text() == "2"
    dialog = open_dialog(window, "enter", unit_id=agri)
    type_text(qtbot, dialog.name, "辛八")
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID)
    confirm(qtbot, dialog)
    assert window.unit_page.quota.item(0, 2).text() == "3"  # used
    assert window.tree.unit_text(agri) == "● 区农业农村局"  # now at quota
    assert window.head_label.text().endswith(window.session.head().short)


def test_roster_pages_searches_and_sorts(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("roster")
    model = window.roster.model
    assert len(model.rows) == 7 and model.exhausted
    type_text(qtbot, window.roster.search, "丙")
    qtbot.waitUntil(lambda: len(model.rows) == 1)
    assert model.rows[0].name == "丙三"
    window.roster.search.clear()
    qtbot.keyClicks(window.roster.search, "610403")  # a region code's start (the middle digits are sealed)
    qtbot.waitUntil(lambda: len(model.rows) == 7)
    window.roster.search.clear()
    qtbot.keyClicks(window.roster.search, PERSONS["丙三"][2].lower())  # a full number: its keyed hash, exact
    qtbot.waitUntil(lambda: [r.name for r in model.rows] == ["丙三"])
    window.roster.search.clear()
    qtbot.waitUntil(lambda: model.filter.search == "")
    window.roster.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert model.filter.sort == "name" and model.filter.descending
    names = [r.name for r in model.rows]
    assert names == sorted(names, reverse=True)
    assert model.data(model.index(0, 0)) == names[0]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DecorationRole) is None


def test_roster_model_fetches_by_page(qtbot, demo_book):  # type: ignore[no-untyped-def]
    from bianzhi_app.book import Book
    from ui.models import RosterModel
    from ui.session import Session

    session = Session(Book.open(demo_book), str(demo_book))
    try:
        model = RosterModel(session)
        model.reload()
        assert len(model.rows) == model.page and model.canFetchMore(QModelIndex())
        model.fetch_all()
        total = scalar(demo_book, "SELECT COUNT(*) FROM staffing_periods WHERE end_date IS NULL")
        assert len(model.rows) == total
        assert len({r.person_id for r in model.rows}) == total
    finally:
        session.close()


def test_ledger_page_shows_chain_head_and_filters(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("ledger")
    head = window.session.head()
    assert f"第{head.seq}条" in window.ledger.head.text() and head.hash in window.ledger.head.text()
    assert window.ledger.model.rows[0]["seq"] == head.seq
    window.ledger.op.setCurrentIndex(window.ledger.op.findData("person.enter"))
    qtbot.waitUntil(lambda: window.ledger.model.filter.op == "person.enter")
    assert len(window.ledger.model.rows) == 7


def test_documents_and_approvals_pages(qtbot, window):  # type: ignore[no-untyped-def]
    window.show_page("documents")
    assert window.documents.model.rows[0]["number"] == "杨编发〔2026〕1号"
    window.show_page("approvals")
    assert window.approvals.table.rowCount() == 1  # the others are used up
    window.approvals.status.setCurrentIndex(0)
    assert window.approvals.table.rowCount() == 3


def test_menus_have_every_operation_with_shortcuts(window):  # type: ignore[no-untyped-def]
    from ui.dialogs.registry import OPERATIONS

    assert all(f"action_{e.key}" == window.actions[e.key].objectName() for e in OPERATIONS)
    assert window.actions["enter"].shortcut().toString() == "Ctrl+E"
    assert window.actions["page_roster"].shortcut().toString() == "Ctrl+3"


def test_geometry_saved_in_settings(window):  # type: ignore[no-untyped-def]
    from ui import settings

    window.resize(1000, 700)
    window.close()
    assert not settings.get("window/geometry").isEmpty()


def test_welcome_creates_a_region_book(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from ui import settings
    from ui.launcher import Launcher

    path = tmp_path / "new" / "region.db"
    launcher = Launcher()
    launcher.start(str(path))
    welcome = launcher.welcome
    qtbot.addWidget(welcome)
    assert welcome is not None and launcher.window is None
    type_text(qtbot, welcome.region, "杨陵区")
    qtbot.keyClicks(welcome.code, "61040x3")  # the x is not accepted
    assert welcome.code.text() == "610403"
    qtbot.mouseClick(welcome.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=10_000)
    qtbot.addWidget(launcher.window)
    assert scalar(path, "SELECT name FROM regions") == "杨陵区"
    assert settings.get("db/recent")[0] == str(path)
    wait_idle(qtbot, launcher.window.session)
    launcher.window.session.close()


def test_opening_a_bad_file_returns_to_welcome(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from ui.launcher import Launcher

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    launcher = Launcher()
    launcher.start(str(bad))
    qtbot.addWidget(launcher.welcome)
    assert launcher.window is None
    assert "无法打开" in launcher.welcome.message.text()


def test_cancelled_demo_leaves_no_file(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from ui.launcher import Launcher

    path = tmp_path / "demo.db"
    launcher = Launcher()
    launcher.show_welcome(str(path))
    qtbot.addWidget(launcher.welcome)
    job = launcher.demo(str(path), "county")
    job.cancel()
    qtbot.waitUntil(lambda: launcher.busy_session is None, timeout=20_000)
    assert "已取消" in launcher.welcome.message.text()
    assert not path.exists()


def test_main_py_opens_a_window_and_paints(book_path, tmp_path):  # type: ignore[no-untyped-def]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BIANZHI_SETTINGS": str(tmp_path / "s.ini")}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--gui", "--db", str(book_path), "--page",
                             "roster", "--exit-after-paint"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("painted")


def test_demo_flag_builds_a_demo_county_when_there_is_no_book(qtbot, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The README's quick start (`main.py --demo`): no book yet → a demo county with the demo accounts (issue 15),
    then the main window, signed in as BIANZHI_USER (here the clerk jingban) with BIANZHI_PASSWORD."""
    from ui.launcher import Launcher

    monkeypatch.setenv("BIANZHI_USER", "jingban")
    monkeypatch.setenv("BIANZHI_PASSWORD", "Demo-2026")
    path = tmp_path / "first" / "bianzhi.db"
    launcher = Launcher()
    launcher.start(str(path), demo=True)
    assert launcher.welcome is None  # the demo's progress alone, no welcome page under it
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=120_000)
    qtbot.addWidget(launcher.window)
    assert scalar(path, "SELECT name FROM regions").startswith("杨陵区")  # a demo book may say so in its name
    assert scalar(path, "SELECT COUNT(*) FROM units") > 100
    assert scalar(path, "SELECT group_concat(name || ':' || roles, ' ') FROM accounts ORDER BY id") == (
        "admin:admin auditor:auditor jingban:clerk shenhe:reviewer chaxun:viewer")
    assert launcher.window.session.account.name == "jingban"
    assert launcher.window.actor_label.text() == "账户:jingban(经办人)"
    wait_idle(qtbot, launcher.window.session)
    launcher.window.session.close()


def test_demo_flag_opens_an_existing_book_unchanged(qtbot, book_path):  # type: ignore[no-untyped-def]
    from ui.launcher import Launcher

    before = scalar(book_path, "SELECT MAX(seq) FROM ledger")
    launcher = Launcher()
    launcher.start(str(book_path), demo=True)
    assert launcher.window is not None
    qtbot.addWidget(launcher.window)
    wait_idle(qtbot, launcher.window.session)
    assert scalar(book_path, "SELECT MAX(seq) FROM ledger") == before
    launcher.window.session.close()
