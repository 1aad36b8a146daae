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
from test_ui_dialogs_staff import confirm, open_dialog, unit_id
from uihelpers import NEW_ID, PERSONS, snapshot, type_text, wait_idle

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


# --- 4. every shortcut works wherever the focus is -----------------------------------------------
def _shortcut_cases() -> list[tuple[str, str]]:
    from ui.dialogs.registry import OPERATIONS

    cases = [(e.key, e.shortcut) for e in OPERATIONS if e.shortcut]
    return [*cases, ("reports", "Ctrl+Shift+R"), ("page_roster", "Ctrl+3"), ("refresh", "F5"), ("open", "Ctrl+O")]


def test_each_shortcut_works_with_the_focus_in_an_editor_that_claims_every_key(qtbot, window, monkeypatch):  # type: ignore[no-untyped-def]
    """Offscreen Qt binds no emacs keys, so the editor here claims every key the way a QLineEdit claims
    Ctrl+E on X11 (test below): the window's shortcuts must still win."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    class Greedy(QLineEdit):
        def event(self, event):  # type: ignore[no-untyped-def]
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            return super().event(event)

    monkeypatch.setattr(window, "open_dialog", lambda entry: None)
    edit = Greedy(window.tree)
    window.tree.layout().insertWidget(0, edit)
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: getattr(window, "shortcut_guard", "-") is not None, timeout=5000)  # after the paint
    for key, shortcut in _shortcut_cases():
        triggered: list[str] = []
        window.actions[key].triggered.connect(lambda *_a, k=key, t=triggered: t.append(k))
        window.show_page("dashboard")
        edit.setFocus()
        qtbot.waitUntil(edit.hasFocus, timeout=3000)
        combination = QKeySequence(shortcut)[0]
        QTest.keyClick(edit, combination.key(), combination.keyboardModifiers())
        assert triggered == [key], f"{shortcut} with the focus in an editor"


@pytest.fixture
def xvfb():  # type: ignore[no-untyped-def]
    from test_ui_screenshot import xvfb_display

    yield from xvfb_display.__wrapped__()


def test_each_shortcut_works_with_the_focus_in_the_unit_search_under_x11(xvfb, book_path, tmp_path):  # type: ignore[no-untyped-def]
    """On X11 a QLineEdit takes Ctrl+E as end-of-line: the real case, on a real X server (Xvfb)."""
    import json

    env = child_env(tmp_path, QT_QPA_PLATFORM="xcb", DISPLAY=xvfb)
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "ui" / "shortcut_probe.py"), str(book_path),
                             json.dumps(_shortcut_cases())], env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for key, shortcut in _shortcut_cases():
        assert found[key]["fired"], f"{shortcut} ({key}) did nothing with the focus in the search box"
        assert found[key]["text"] == "ab"


# --- 5. a full unit is refused for having no vacancy, with its figures --------------------------
FULL = "区财政局 行政编制 核定2名,实有2名,在途0名,无空编,不能"  # requires approvals, has none left, and is full


def test_enter_into_a_full_unit_says_no_vacancy_not_approval_first(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区财政局"))
    type_text(qtbot, dialog.name, "辛八")
    qtbot.keyClicks(dialog.id_edit.edit, NEW_ID)
    assert FULL + "入编" in dialog.blocked.text()
    assert "先核准后进人" not in dialog.blocked.text()
    assert not dialog.confirm.isEnabled()
    # the core says the same when asked anyway
    before = snapshot(book_path)
    errors: list[BaseException] = []
    window.session.run_op(None, lambda book: book.staff.enter(unit="区财政局", kind="行政编制", name="辛八",
                                                              id_number=NEW_ID),
                          on_success=lambda _c: None, on_failure=errors.append)
    wait_idle(qtbot, window.session)
    assert [e.message for e in errors] == [FULL + "入编"]  # type: ignore[attr-defined]
    assert snapshot(book_path) == before


def test_transfer_into_a_full_unit_says_no_vacancy(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "transfer")
    qtbot.keyClicks(dialog.id_edit.edit, PERSONS["甲一"][2])
    type_text(qtbot, dialog.unit, "区财政局")
    assert FULL + "调入" in dialog.blocked.text()
    assert "先核准后进人" not in dialog.blocked.text()
    errors: list[BaseException] = []
    window.session.run_op(None, lambda book: book.staff.transfer(id_number=PERSONS["甲一"][2], unit="区财政局"),
                          on_success=lambda _c: None, on_failure=errors.append)
    wait_idle(qtbot, window.session)
    assert [e.message for e in errors] == [FULL + "调入"]  # type: ignore[attr-defined]


# --- 6. the 核定 dialogs open on the current figures ---------------------------------------------
def test_set_quota_dialog_shows_the_current_quota_for_each_unit_and_kind(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "quota_set", unit_id=unit_id(book_path, "区农业农村局"))
    assert dialog.approved.value() == 3  # 行政编制 核定3, not 0
    type_text(qtbot, dialog.doc, "杨编发〔2026〕5号")
    assert dialog.blocked.isHidden(), dialog.blocked.text()  # no refusal on opening
    dialog.kind.set_kind(window.session.catalog.kind("事业编制").id)
    assert dialog.approved.value() == 0
    dialog.unit.setText("区教育局")
    assert dialog.approved.value() == 10
    dialog.approved.setValue(12)  # the user's figure stays while unit and kind stay
    assert dialog.approved.value() == 12 and dialog.blocked.isHidden()
    confirm(qtbot, dialog)


def test_post_limit_and_pool_dialogs_show_the_current_figures(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    dialog = open_dialog(window, "posts_set", unit_id=unit_id(book_path, "区农业农村局"))
    assert dialog.limit.value() == 1  # 正职 1
    type_text(qtbot, dialog.doc, "杨编发〔2026〕5号")
    assert dialog.confirm.isEnabled(), dialog.blocked.text()
    pool = open_dialog(window, "pool_set")
    assert pool.total.value() == 10  # 行政编制 总额10
    pool.kind.set_kind(window.session.catalog.kind("事业编制").id)
    assert pool.total.value() == 20


# --- 8. Qt's own buttons in Chinese; hints not cut ------------------------------------------------
def _labels_fit(dialog) -> list[str]:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel, QLineEdit

    cut = []
    for label in dialog.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            if label.height() < label.heightForWidth(label.width()):
                cut.append(label.text())
        elif label.width() < label.sizeHint().width():
            cut.append(label.text())
    for edit in dialog.findChildren(QLineEdit):
        hint = edit.placeholderText()
        room = edit.width() - edit.fontMetrics().horizontalAdvance(hint)
        if edit.isVisible() and hint and not edit.text() and room < 12:
            cut.append(hint)
    return cut


def test_dialog_buttons_are_chinese_and_hints_not_cut(qapp, qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from ui import settings
    from ui.i18n import install_language
    from ui.settings_dialog import SettingsDialog

    install_language(qapp, "zh_CN")
    settings.set("ui/actor", "")
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.findChild(QDialogButtonBox)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])
    assert _labels_fit(dialog) == []
    message = QMessageBox(QMessageBox.Icon.Question, "t", "x",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(message)
    assert sorted(b.text() for b in message.buttons()) == sorted(["是(&Y)", "否(&N)"])


# --- 12. where backups go, their size and retention; the folder is the user's choice ------------
def test_settings_show_the_backup_folder_and_let_the_user_choose_it(qtbot, window, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from ui import settings
    from ui.settings_dialog import SettingsDialog

    monkeypatch.setattr(settings, "_BACKUP_ENV_AT_START", None)  # no BIANZHI_BACKUP_DIR for this window
    monkeypatch.delenv("BIANZHI_BACKUP_DIR", raising=False)
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    from bianzhi_app.settings import data_dir

    assert dialog.backup_folder.text() == str(data_dir() / "backups")  # where they went so far, said
    policy = dialog.findChild(type(dialog.backup_usage), "backup_policy").text()
    assert all(part in policy for part in ("每天自动备份", "7天", "4周", "12个月"))
    chosen = tmp_path / "我的备份"
    chosen.mkdir()
    dialog._set_folder(str(chosen))
    assert "还没有备份" in dialog.backup_usage.text()
    try:
        dialog.save()
        assert settings.get("backup/folder") == str(chosen)
        assert os.environ["BIANZHI_BACKUP_DIR"] == str(chosen)
        assert window.session.is_ready
        info = window.session.book.backup()  # the window's backups now go there
        assert info.path.parent == chosen
        again = SettingsDialog(window)
        qtbot.addWidget(again)
        assert again.backup_folder.text() == str(chosen)
        assert "现有备份1份" in again.backup_usage.text() and "KB" in again.backup_usage.text()
    finally:
        settings.set("backup/folder", "")


def test_a_backup_folder_from_the_environment_wins_and_is_said(qtbot, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from ui import settings
    from ui.settings_dialog import SettingsDialog

    monkeypatch.setattr(settings, "_BACKUP_ENV_AT_START", str(tmp_path))
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert dialog.backup_folder.text() == str(tmp_path) and not dialog.choose_folder.isEnabled()


# --- 10. --demo: one overall progress, no welcome page under it ----------------------------------
def test_demo_progress_is_one_overall_progress_without_the_welcome_page(qtbot, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    import ui.launcher
    from ui.launcher import Launcher

    fractions: list[float] = []
    original = ui.launcher.attach_progress

    def watch(parent, job, title, **kw):  # type: ignore[no-untyped-def]
        job.signals.progress.connect(lambda done, total, what: fractions.append(done / total if total else 0.0))
        return original(parent, job, title, **kw)

    monkeypatch.setattr(ui.launcher, "attach_progress", watch)
    path = tmp_path / "first" / "bianzhi.db"
    launcher = Launcher()
    launcher.start(str(path), demo=True)
    assert launcher.welcome is None or not launcher.welcome.isVisible()
    assert launcher.current() is launcher.progress
    # the demo has its accounts (issue 15): the sign-in dialog names them, and signing in shows the window
    qtbot.waitUntil(lambda: launcher.admission.dialog is not None, timeout=120_000)
    dialog = launcher.admission.dialog
    assert launcher.current() is dialog and "jingban(经办人)" in dialog.intro.text()
    dialog.name.setText("shenhe")
    dialog.password.setText("Demo-2026")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    qtbot.addWidget(launcher.window)
    assert launcher.window.session.account.name == "shenhe"
    assert launcher.welcome is None
    assert fractions == sorted(fractions), f"the bar went backwards: {fractions}"
    full = fractions.index(1.0)  # full only at the very end, not at the end of each phase
    assert full >= 2 and all(f == 1.0 for f in fractions[full:]), fractions
    wait_idle(qtbot, launcher.window.session)
    launcher.window.session.close()


def test_demo_progress_maps_the_phases_onto_one_bar() -> None:
    from ui.launcher import DemoProgress

    bar = DemoProgress()
    values = [bar.permille(d, 150, "单位") for d in (0, 75, 150)]
    values += [bar.permille(d, 5557, "人员") for d in (0, 2000, 5557)]
    values += [bar.permille(d, 900, "台账历史") for d in (0, 900)]
    assert values == sorted(values) and values[2] < values[5] < values[-1] == DemoProgress.TOTAL


# --- 11. the tree's ● agrees with 概览's 满编单位 ----------------------------------------------------
def assert_marks_agree(qtbot, window) -> set[int]:  # type: ignore[no-untyped-def]
    from bianzhi_app import queries as q

    with window.session.read() as conn:
        figures = q.dashboard(conn, window.session.catalog, window.session.today(), list_limit=100_000)
        ids = [r[0] for r in conn.execute("SELECT id FROM units WHERE status = 'active'").fetchall()]
    over = {r["id"] for r in figures["over"]}
    full = {r["id"] for r in figures["at"]} - over
    marks = {unit: (window.tree.unit_text(unit) or "")[:1] for unit in ids}
    assert {u for u, m in marks.items() if m == "●"} == full
    assert {u for u, m in marks.items() if m == "▲"} == over
    window.show_page("dashboard")
    qtbot.waitUntil(lambda: window.dashboard.at.rowCount() > 0, timeout=10_000)
    shown = {window.dashboard.at.item(r, 0).text() for r in range(window.dashboard.at.rowCount())}
    assert {window.tree.unit_text(u)[2:] for u in full} <= shown
    return full


def test_a_unit_full_in_one_kind_is_marked_at_quota_like_the_dashboard(qtbot, window, book_path):  # type: ignore[no-untyped-def]
    # 区财政局: 行政 2/2 full; a 事业 quota with room must not hide that
    window.session.run_op(None, lambda book: book.quotas.set(unit="区财政局", kind="事业编制", approved=3,
                                                             doc="杨编发〔2026〕7号"),
                          on_success=lambda _c: None, on_failure=lambda e: None)
    wait_idle(qtbot, window.session)
    finance = unit_id(book_path, "区财政局")
    assert window.tree.unit_text(finance) == "● 区财政局"
    assert finance in assert_marks_agree(qtbot, window)


def test_tree_marks_agree_with_the_dashboard_on_a_demo_county(qtbot, tmp_path, demo_book):  # type: ignore[no-untyped-def]
    import shutil

    from bianzhi_app.book import Book
    from ui.main_window import MainWindow
    from ui.session import Session

    path = tmp_path / "county.db"
    shutil.copyfile(demo_book, path)
    session = Session(Book.open(path), str(path))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert assert_marks_agree(qtbot, window)
    wait_idle(qtbot, session)
    session.close()


# --- 7. lists readable ---------------------------------------------------------------------------
@pytest.fixture
def county(qtbot, tmp_path, demo_book):  # type: ignore[no-untyped-def]
    import shutil

    from bianzhi_app.book import Book
    from ui.main_window import MainWindow
    from ui.session import Session

    path = tmp_path / "county.db"
    shutil.copyfile(demo_book, path)
    session = Session(Book.open(path), str(path))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.resize(1366, 728)  # the office screen's window (the offscreen screen is 800 wide: fitted on show)
    yield window
    wait_idle(qtbot, session)
    session.close()


def _cut_columns(view, model, elastic: int | None) -> list[str]:  # type: ignore[no-untyped-def]
    """Columns (other than the elastic one) narrower than their header or a loaded cell's text."""
    cut = []
    metrics, title = view.fontMetrics(), view.horizontalHeader().fontMetrics()
    for column, (label, getter) in enumerate(model.columns):
        if column == elastic or view.isColumnHidden(column):
            continue
        texts = [label] + ["" if getter(r) is None else str(getter(r)) for r in model.rows[:40]]
        need = max(title.horizontalAdvance(label), *(metrics.horizontalAdvance(t) for t in texts[1:]))
        if view.columnWidth(column) < need:
            cut.append(label)
    return cut


def test_ledger_page_shows_names_and_local_times(qtbot, county):  # type: ignore[no-untyped-def]
    import re

    window = county
    window.show_page("ledger")
    page = window.ledger
    page.since.enabled.setChecked(False)
    page.refresh()
    model = page.model
    assert model.rows
    kinds = {k.code for k in window.session.catalog.kinds} | {k.code for k in window.session.catalog.post_kinds}
    content = [model.data(model.index(r, 4)) for r in range(len(model.rows))]
    assert any("事业编制" in c for c in content)
    assert not [c for c in content if set(c.split()) & kinds], "raw codes in 内容"
    times = {model.data(model.index(r, 7)) for r in range(len(model.rows))}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in times), times
    assert _cut_columns(page.view, model, elastic=4) == []
    header = page.view.horizontalHeader()
    assert header.sectionSize(8) < 200  # the last column (哈希) is not stretched across the view


def test_entry_text_names_what_each_operation_changed(session) -> None:  # type: ignore[no-untyped-def]
    from ui.ledger_text import Names, entry_text, local_time

    names = Names(session.catalog)

    def text(op, before=None, after=None, **detail):  # type: ignore[no-untyped-def]
        return entry_text({"op": op, "before": before or {}, "after": after or {}, "detail": detail}, names)

    assert text("quota.set", {"xz": {"approved": 12}}, {"xz": {"approved": 13}}) == "行政编制 核定12→13"
    assert text("pool.set", {"sy": {"total": 0}}, {"sy": {"total": 847}}) == "事业编制 编制总额0→847"
    assert text("posts.set", {"zz": {"limit": 1}}, {"zz": {"limit": 2}}) == "正职 职数1→2"
    assert text("person.leave", name="张三", kind="zf", reason="退休",
                post_ended="fz") == "张三 政法专项编制 退休 免去副职"
    assert text("person.change_kind", name="张三", **{"from": "xz", "to": "sy"}) == "张三 行政编制 → 事业编制"
    assert text("person.appoint", name="张三", post="nz") == "张三 内设机构正职"
    assert text("approval.add", after={"gq": {}}, number="2026-0001", count=2, method="公开招聘",
                valid_until="2026-12-31") == "2026-0001 机关工勤编制 2名 公开招聘 有效期至2026-12-31"
    assert text("unit.rename", {"name": "甲"}, {"name": "乙"}) == "甲 → 乙"
    assert local_time("2026-12-06T09:00:00+00:00").startswith("2026-12-")
    assert "T" not in local_time("2026-12-06T09:00:00+00:00")


def test_documents_page_shows_numbers_whole_and_their_own_dates(qtbot, county):  # type: ignore[no-untyped-def]
    window = county
    window.show_page("documents")
    page = window.documents
    page.search.setText("〔2019〕")
    page.refresh()
    model = page.model
    assert model.rows and all("〔2019〕" in r["number"] for r in model.rows)
    labels = [label for label, _get in model.columns]
    effective, registered = labels.index("生效日期"), labels.index("登记日期")
    for r in range(len(model.rows)):
        day = model.data(model.index(r, effective))
        assert day.startswith("2019-"), day  # the document's own (first effective) date, not today
        assert model.data(model.index(r, registered)) == window.session.today().isoformat()
    assert page.view.isColumnHidden(1) and page.view.isColumnHidden(2)  # 标题, 发文机关: none has one
    assert _cut_columns(page.view, model, elastic=4) == []
    assert page.view.horizontalHeader().sectionSize(registered) < 200  # not stretched


def test_roster_page_says_the_total(qtbot, county):  # type: ignore[no-untyped-def]
    window = county
    window.show_page("roster")
    page = window.roster
    with window.session.read() as conn:
        total = conn.execute("SELECT count(*) FROM staffing_periods WHERE end_date IS NULL").fetchone()[0]
    qtbot.waitUntil(lambda: "共" in page.status.text(), timeout=10_000)
    assert f"共 {total:,} 人" in page.status.text() and "已载入 200 人" in page.status.text()
    page.search.setText("王")
    page.apply_filter()
    qtbot.waitUntil(lambda: "共" in page.status.text(), timeout=10_000)
    with window.session.read() as conn:
        wang = conn.execute("SELECT count(*) FROM staffing_periods s JOIN persons p ON p.id = s.person_id"
                            " WHERE s.end_date IS NULL AND p.name LIKE '王%'").fetchone()[0]
    assert f"共 {wang:,} 人" in page.status.text()
    assert _cut_columns(page.view, page.model, elastic=4) == []


def test_dashboard_shows_every_kind_and_lists_without_sideways_scrolling(qtbot, county):  # type: ignore[no-untyped-def]
    window = county
    page = window.dashboard
    page.refresh()
    qtbot.waitUntil(lambda: page.at.rowCount() > 0, timeout=10_000)
    qtbot.wait(50)
    assert page.pool.rowCount() == len(window.session.catalog.kinds)
    visible = page.pool.height() - page.pool.horizontalHeader().height()
    assert visible >= sum(page.pool.rowHeight(r) for r in range(page.pool.rowCount()))
    for table in (page.over, page.at, page.expiring):
        assert table.horizontalScrollBar().maximum() == 0, table.objectName()
        if table.rowCount():
            assert table.item(0, 0).toolTip() == table.item(0, 0).text()  # an elided name, whole


# --- 13. English mode: built-in kinds, ranks, funding in English; no "cannot Enter" ----------------
def test_english_mode_names_the_builtin_vocabulary_and_reads_well(qapp, qtbot, window, book_path):  # type: ignore[no-untyped-def]
    from bianzhi_app.catalog import APPROVAL_METHODS, CATEGORIES, FUNDINGS, LEAVE_REASONS, RANKS
    from ui.i18n import install_language, tr
    from ui.ledger_text import Names, entry_text

    catalog = window.session.catalog
    try:
        assert install_language(qapp, "en")
        builtin = [k.name for k in catalog.kinds] + [k.name for k in catalog.post_kinds]
        for word in (*builtin, *RANKS, *FUNDINGS, *CATEGORIES, *APPROVAL_METHODS, *LEAVE_REASONS):
            assert tr(word) != word and not has_cjk(tr(word)), word
        assert tr("行政编制") == "Administrative establishment" and tr("全额拨款") == "Fully funded"
        # 入编 where only the approval is missing: a whole English sentence
        window.session.run_op(None, lambda book: book.quotas.set(unit="区财政局", kind="行政编制", approved=3,
                                                                 doc="杨编发〔2026〕8号"),
                              on_success=lambda _c: None, on_failure=lambda e: None)
        wait_idle(qtbot, window.session)
        dialog = open_dialog(window, "enter", unit_id=unit_id(book_path, "区财政局"))
        assert dialog.kind.currentText() == "Administrative establishment"
        type_text(qtbot, dialog.name, "辛八")
        qtbot.keyClicks(dialog.id_edit.edit, NEW_ID)
        blocked = dialog.blocked.text()
        assert "no one can be entered" in blocked and "Enter" not in blocked and "先核准" not in blocked, blocked
        # a choice shown in English still stores the Chinese word
        leave = open_dialog(window, "leave")
        qtbot.keyClicks(leave.id_edit.edit, PERSONS["戊五"][2])
        assert leave.reason.currentText() == "Retirement" and leave.reason.value() == "退休"
        confirm(qtbot, leave)
        with window.session.read() as conn:
            reason = conn.execute("SELECT end_reason FROM staffing_periods WHERE end_date IS NOT NULL").fetchone()[0]
        assert reason == "退休"
        names = Names(catalog)
        text = entry_text({"op": "quota.set", "before": {"xz": {"approved": 2}}, "after": {"xz": {"approved": 3}},
                           "detail": {}}, names)
        assert text == "Administrative establishment approved 2→3"
    finally:
        install_language(qapp, "zh_CN")


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- 17. in the window: no as-of day before the book's first entry ------------------------------
def test_report_page_offers_no_day_before_the_book_began(qtbot, window):  # type: ignore[no-untyped-def]
    from bianzhi_app import queries as q

    window.show_page("reports")
    page = window.reports
    page.refresh()  # built when first shown
    with window.session.read() as conn:
        started = q.book_started(conn)
    minimum = page.as_of.minimumDate()
    assert (minimum.year(), minimum.month(), minimum.day()) == (started.year, started.month, started.day)
