"""Data safety in the window, on real SQLite books: the lock dialog (another computer's lock → read-only;
a dead program's lock → broken and recorded), an unsafe folder (cancel / 仍然打开), a damaged book restored
from its newest backup, backups on exit and on demand, 检查数据库 on the worker."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from modalhelpers import answer, click, press, recorded
from PySide6.QtWidgets import QMessageBox
from uihelpers import NEW_ID, snapshot, wait_idle

from bianzhi_app.book import Book
from bianzhi_app.safety.lock import lock_path_for


@pytest.fixture(autouse=True)
def backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "backups"
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(folder))
    return folder


def write_holder(db: Path, host: str, pid: int, user: str = "李会计") -> None:
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lock_path_for(db).write_text(json.dumps({"host": host, "user": user, "pid": pid, "since": since,
                                             "app_version": "0.1.0"}), encoding="utf-8")


@pytest.fixture
def launched() -> Iterator[list]:
    """Launchers started by a test; their windows are closed afterwards (a replaced one is gone already)."""
    import shiboken6

    started: list = []
    yield started
    for launcher in started:
        for widget in (launcher.window, launcher.welcome):
            if widget is not None and shiboken6.isValid(widget):
                widget.close()


def launch(launched: list, path: Path):  # type: ignore[no-untyped-def]
    from ui.launcher import Launcher

    launcher = Launcher()
    launched.append(launcher)
    launcher.start(str(path))
    return launcher


def test_lock_of_another_computer_offers_read_only(qtbot, launched, book_path):  # type: ignore[no-untyped-def]
    write_holder(book_path, "PC-杨陵-02", 4242)
    before = snapshot(book_path)
    seen: dict = {}
    answers = answer(recorded(seen, click("button_read_only")))
    launcher = launch(launched, book_path)
    assert answers.done
    name, text = seen["dialogs"][0]
    assert name == "lock_dialog" and "李会计" in text and "PC-杨陵-02" in text
    assert seen["widgets"][0].findChild(object, "button_break_lock") is None  # another computer: never stale
    window = launcher.window
    assert window is not None and window.session.book.read_only
    assert window.findChild(object, "status_read_only").text() == "只读"
    assert not window.actions["enter"].isEnabled() and not window.actions["import"].isEnabled()
    assert not window.actions["restore"].isEnabled() and window.actions["export_book"].isEnabled()
    window.close()
    assert lock_path_for(book_path).exists()  # the other computer's lock stays
    assert snapshot(book_path) == before


def test_lock_of_a_dead_program_is_broken_and_recorded(qtbot, launched, book_path):  # type: ignore[no-untyped-def]
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    write_holder(book_path, socket.gethostname(), int(gone.stdout))
    seen: dict = {}
    answers = answer(recorded(seen, click("button_break_lock")))
    launcher = launch(launched, book_path)
    assert answers.done and "不在运行" in seen["dialogs"][0][1]
    window = launcher.window
    assert window is not None and window.session.book.holds_lock and not window.session.book.read_only
    with window.session.book.read() as conn:
        last = conn.exec_driver_sql("SELECT op, detail FROM ledger ORDER BY seq DESC LIMIT 1").one()
    assert last.op == "lock.broken" and "李会计" in last.detail
    wait_idle(qtbot, window.session)
    window.close()
    assert not lock_path_for(book_path).exists()


def test_unsafe_folder_explains_and_opens_only_when_told(qtbot, launched, tmp_path, book_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "OneDrive"
    folder.mkdir()
    synced = folder / "book.db"
    shutil.move(book_path, synced)
    seen: dict = {}
    answers = answer(recorded(seen, click("button_cancel")))
    launcher = launch(launched, synced)
    assert answers.done and launcher.window is None and launcher.welcome is not None
    name, text = seen["dialogs"][0]
    assert name == "unsafe_dialog" and "OneDrive" in text and "移到" in text and "--allow" not in text
    assert not lock_path_for(synced).exists()
    answers = answer(click("button_override"))
    assert launcher.open_path(str(synced))
    assert answers.done and launcher.window is not None
    assert launcher.window.session.book.holds_lock
    wait_idle(qtbot, launcher.window.session)
    launcher.window.close()


def corrupt(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(4096)
        f.write(os.urandom(size - 4096))


def test_damaged_book_is_restored_from_the_newest_backup(qtbot, launched, book_path, backups):  # type: ignore[no-untyped-def]
    from bianzhi_app.ops.region import set_pool

    with Book.open(book_path) as book:
        made = book.backup()
        backup_head = made.extra["ledger_head"]
        book.run(set_pool, "行政编制", 12, doc="杨编发〔2026〕9号")  # lost by the restore
    corrupt(book_path)
    seen: dict = {}
    answers = answer(recorded(seen, click("button_restore")), recorded(seen, press(QMessageBox.StandardButton.Yes)))
    launcher = launch(launched, book_path)
    assert answers.done
    (name, text), (confirm_name, confirm_text) = seen["dialogs"]
    table = seen["widgets"][0].table
    assert name == "restore_dialog" and "损坏" in text and table.rowCount() >= 1
    assert table.item(0, 1).text() == f"第{backup_head['seq']}条 {backup_head['hash'][:12]}"
    assert confirm_name == "confirm_box" and "替换" in confirm_text
    window = launcher.window
    assert window is not None and window.session.book.holds_lock
    with window.session.book.read() as conn:
        rows = conn.exec_driver_sql("SELECT seq, op, prev_hash FROM ledger ORDER BY seq DESC LIMIT 2").all()
    assert rows[1].seq == backup_head["seq"] and rows[0].op == "book.restore"
    assert rows[0].prev_hash == backup_head["hash"]
    wait_idle(qtbot, window.session)
    window.close()


def test_backup_now_check_and_backup_on_exit(qtbot, launched, book_path, backups):  # type: ignore[no-untyped-def]
    launcher = launch(launched, book_path)
    window = launcher.window
    wait_idle(qtbot, window.session)
    window.actions["backup"].trigger()
    qtbot.waitUntil(lambda: window.book_actions.last_box is not None, timeout=10_000)
    assert "完整性检查通过" in window.book_actions.last_box.text()
    window.actions["check"].trigger()
    qtbot.waitUntil(lambda: window.book_actions.last_box.windowTitle() == "检查数据库", timeout=10_000)
    assert "检查通过" in window.book_actions.last_box.text()
    head = window.session.head()
    assert f"台账{head.seq}条" in window.book_actions.last_box.text()
    window.session.run_op(window, lambda book: book.staff.enter(unit="区农业农村局", kind="行政编制", name="辛八",
                                                                 id_number=NEW_ID))
    wait_idle(qtbot, window.session)
    window.close()
    assert not lock_path_for(book_path).exists()
    with Book.open(book_path) as book:
        found = {c.reason: c.ledger_head["seq"] for c in book.list_restore_candidates()}
        assert found == {"manual": head.seq, "exit": book.head().seq}


def test_failed_backup_on_exit_warns_and_exits(qtbot, launched, book_path, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    launcher = launch(launched, book_path)
    window = launcher.window
    wait_idle(qtbot, window.session)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(blocked))
    seen: dict = {}
    answers = answer(recorded(seen, press(QMessageBox.StandardButton.Ok)))
    window.close()
    assert answers.done and seen["dialogs"][0][0] == "backup_failed_box"
    assert not lock_path_for(book_path).exists() and not window.isVisible()


def test_restore_from_the_menu_reopens_the_book(qtbot, launched, book_path, backups):  # type: ignore[no-untyped-def]
    launcher = launch(launched, book_path)
    window = launcher.window
    wait_idle(qtbot, window.session)
    info = window.session.book.backup()
    window.session.run_op(window, lambda book: book.region.set_pool(kind="行政编制", total=12, doc="杨编发〔2026〕9号"))
    wait_idle(qtbot, window.session)
    assert window.session.head().seq == info.extra["ledger_head"]["seq"] + 1
    answers = answer(click("button_restore"), press(QMessageBox.StandardButton.Yes))
    window.actions["restore"].trigger()
    assert answers.done
    reopened = launcher.window
    assert reopened is not window and reopened.session.book.holds_lock
    with reopened.session.book.read() as conn:
        pool = conn.exec_driver_sql("SELECT total FROM region_pools ORDER BY kind_id LIMIT 1").scalar()
    assert pool == 10 and reopened.session.head().seq == info.extra["ledger_head"]["seq"] + 1
    wait_idle(qtbot, reopened.session)
    reopened.close()


def test_quick_check_runs_after_the_first_paint(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.book_actions.startup_report is not None, timeout=10_000)
    report = window.book_actions.startup_report
    assert report.ok and report.complete  # the bounded quick_check, on the reader thread


def test_quick_check_finding_damage_says_so_and_offers_restore(qtbot, window, monkeypatch):  # type: ignore[no-untyped-def]
    from bianzhi_app.safety import startup

    damaged = startup.StartupReport(False, "数据库「book.db」已损坏:SQLite 报告 1 处问题")
    monkeypatch.setattr(startup, "startup_check", lambda *_a, **_k: damaged)
    seen: dict = {}
    answers = answer(recorded(seen, press(QMessageBox.StandardButton.Close)))
    assert window.book_actions.after_first_paint() is not None  # before the one the first paint asks for
    assert window.book_actions.after_first_paint() is None  # once per book
    qtbot.waitUntil(lambda: answers.done and window.book_actions.startup_report is damaged, timeout=10_000)
    (name, text), = seen["dialogs"]
    assert name == "damaged_box" and "已损坏" in text and "从备份恢复" in text
    assert [b.text() for b in seen["widgets"][0].buttons() if b.objectName() == "button_restore"] == ["从备份恢复…"]


def test_a_book_on_read_only_media_opens_read_only_saying_why(qtbot, launched, book_path):  # type: ignore[no-untyped-def]
    """Issue 14: a file marked read-only in a folder that cannot be written opens without a lock, read-only."""
    with Book.open(book_path):  # a clean close: no -wal or -shm beside it
        pass
    os.chmod(book_path, 0o444)
    os.chmod(book_path.parent, 0o555)
    try:
        before = snapshot(book_path)
        launcher = launch(launched, book_path)
        window = launcher.window
        assert window is not None
        qtbot.waitUntil(lambda: window.findChild(object, "status_read_only") is not None, timeout=10000)
        label = window.findChild(object, "status_read_only")
        assert label.text() == "只读" and "文件被设为只读" in label.toolTip()
        assert not window.actions["enter"].isEnabled() and window.actions["export_book"].isEnabled()
        window.close()
        assert snapshot(book_path) == before
        assert not lock_path_for(book_path).exists()
    finally:
        os.chmod(book_path.parent, 0o755)
        os.chmod(book_path, 0o644)


def test_a_book_put_back_older_than_its_witness_opens_read_only_naming_the_anchor(  # type: ignore[no-untyped-def]
        qtbot, launched, book_path, tmp_path):
    """Issue 14: the file swapped for an older copy of itself (every trigger in place): the window shows the
    book but does not write onto its chain; the read-only mark says which anchor (seq, short head) disagrees."""
    import sqlite3

    from bookhelpers import DOC

    old = tmp_path / "old.db"
    src, dst = sqlite3.connect(book_path), sqlite3.connect(old)
    src.backup(dst)
    src.close()
    dst.close()
    with Book.open(book_path) as book:
        book.units.add(name="区新设局", category="政府工作部门", rank="正科", doc=DOC)
        seq, digest = book.head().seq, book.head().hash
    for extra in ("-wal", "-shm"):
        Path(f"{book_path}{extra}").unlink(missing_ok=True)
    shutil.copyfile(old, book_path)
    before = snapshot(book_path)
    launcher = launch(launched, book_path)
    window = launcher.window
    assert window is not None
    qtbot.waitUntil(lambda: window.findChild(object, "status_read_only") is not None, timeout=10000)
    tip = window.findChild(object, "status_read_only").toolTip()
    assert "本机见证记录" in tip and f"#{seq} {digest[:12]}" in tip and "只能查看" in tip, tip
    assert not window.actions["enter"].isEnabled() and window.actions["export_book"].isEnabled()
    wait_idle(qtbot, window.session)
    window.close()
    assert snapshot(book_path) == before


def test_restoring_a_backup_of_another_region_asks_naming_both_regions(qtbot, book_path, tmp_path):  # type: ignore[no-untyped-def]
    """Issue 14 (the CLI's --other-region, in the window): a second question names both regions; No changes
    nothing, Yes restores."""
    import sqlite3

    from bianzhi_app.safety.session import list_restore_candidates
    from ui.dialogs.safety import RestoreDialog

    other = tmp_path / "other.db"
    with Book.open(other) as book:
        book.region.init(name="临渭区", code="610502")
        book.backup(tmp_path / "other-backups")
    candidates = list_restore_candidates(other, folder=tmp_path / "other-backups")
    conn = sqlite3.connect(book_path)
    code, name = conn.execute("SELECT code, name FROM regions").fetchone()
    conn.close()
    before = snapshot(book_path)
    dialog = RestoreDialog(None, book_path, candidates, actor="测试")
    qtbot.addWidget(dialog)
    seen: dict = {}
    answers = answer(press(QMessageBox.StandardButton.Yes), recorded(seen, press(QMessageBox.StandardButton.No)))
    dialog.restore_selected()
    assert answers.done and dialog.restored is None
    (box, text), = seen["dialogs"]
    assert box == "other_region_box" and "临渭区(610502)" in text and f"{name}({code})" in text, text
    assert snapshot(book_path) == before  # No: nothing changed
    answers = answer(press(QMessageBox.StandardButton.Yes), press(QMessageBox.StandardButton.Yes))
    dialog.restore_selected()
    assert answers.done and dialog.restored is not None
    conn = sqlite3.connect(book_path)
    assert conn.execute("SELECT code FROM regions").fetchone()[0] == "610502"
    conn.close()


def test_a_book_with_a_trigger_dropped_shows_read_only_in_the_window(qtbot, launched, book_path):  # type: ignore[no-untyped-def]
    """The Book learns on opening (on the worker, after the first paint) that its schema was changed by another
    tool: the window then marks 只读 saying which object, and disables every write."""
    import sqlite3

    conn = sqlite3.connect(book_path)
    conn.execute("DROP TRIGGER staffing_no_delete")
    conn.commit()
    conn.close()
    launcher = launch(launched, book_path)
    window = launcher.window
    assert window is not None
    qtbot.waitUntil(lambda: window.findChild(object, "status_read_only") is not None, timeout=10000)
    tip = window.findChild(object, "status_read_only").toolTip()
    assert "staffing_no_delete" in tip and "只能查看" in tip, tip
    assert not window.actions["enter"].isEnabled() and window.actions["export_book"].isEnabled()
    wait_idle(qtbot, window.session)
    window.close()
