"""The office server in the window (issue 17), on a real PostgreSQL (tests/pgcluster.py): 文件 → 连接服务器…,
文件 → 迁移到服务器…, and other clerks' commits refreshing the window (LISTEN/NOTIFY)."""

from __future__ import annotations

from typing import Any

from uihelpers import make_id, wait_idle


def _server_book(pg_url: str, template_book: Any) -> str:
    """The UI template's small region, copied onto the server database ``pg_url`` (empty, schema at head)."""
    from bianzhi_app.copying import copy_book
    from bianzhi_app.db.engine import make_engine

    engine = make_engine(template_book)
    try:
        copy_book(engine, pg_url)
    finally:
        engine.dispose()
    return pg_url


def _fill(dialog: Any, url: str, *, password: str = "secret-pw") -> None:
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    dialog.host.setText(parts.host)
    dialog.port.setValue(parts.port)
    dialog.database.setText(parts.database)
    dialog.user.setText(parts.username or "")
    dialog.password.setText(password)
    dialog.sslmode.setCurrentIndex(dialog.sslmode.findData("disable"))


def _launcher(qtbot: Any, monkeypatch: Any) -> Any:
    from ui.launcher import Launcher

    monkeypatch.delenv("BIANZHI_USER", raising=False)
    monkeypatch.delenv("BIANZHI_PASSWORD", raising=False)
    return Launcher()


def _close(qtbot: Any, launcher: Any) -> None:
    """Close the window and its session before the test's database is dropped."""
    window = launcher.window
    if window is not None:
        wait_idle(qtbot, window.session)
        window.close()
        window.session.close()
        gone: list[bool] = []
        window.destroyed.connect(lambda *_args: gone.append(True))
        window.deleteLater()
        qtbot.waitUntil(lambda: bool(gone), timeout=10_000)


def test_the_connection_dialog_builds_the_url_and_opens_the_server_book(qtbot, monkeypatch, pg_url, template_book):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    from ui import settings
    from ui.server import ServerDialog, server_url

    url = _server_book(pg_url, template_book)
    built = server_url("db.example", 5433, "bianzhi", "clerk", "p@ss/word", "verify-full")
    assert built.startswith("postgresql+psycopg://clerk:p%40ss%2Fword@db.example:5433/bianzhi")
    assert built.endswith("sslmode=verify-full")
    launcher = _launcher(qtbot, monkeypatch)
    launcher.show_welcome()
    seen: dict[str, Any] = {}

    def answer() -> None:
        dialog = launcher.server_dialog
        assert isinstance(dialog, ServerDialog)
        _fill(dialog, url)
        dialog.port.setValue(1)  # nothing listens there: a Chinese sentence in the dialog, no traceback
        assert not dialog.try_connect()
        seen["refused"] = dialog.message.text()
        seen["still_open"] = dialog.isVisible()
        _fill(dialog, url)
        dialog.try_connect()

    QTimer.singleShot(0, answer)
    assert launcher.connect_server()
    assert "无法连接服务器" in seen["refused"] and "Traceback" not in seen["refused"] and seen["still_open"]
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    window = launcher.window
    assert window.session.path.startswith("postgresql+psycopg://")
    assert "secret-pw" not in window.windowTitle() and "secret-pw" not in window.path_label.text()
    window.show_page("roster")
    qtbot.waitUntil(lambda: len(window.roster.model.rows) == 7, timeout=10_000)
    stored = settings.qsettings()
    everything = " ".join(str(stored.value(key)) for key in stored.allKeys())
    assert "secret-pw" not in everything  # the password is never written to the settings
    port = window.session.book.engine.url.port
    assert stored.value("server/port") in (port, str(port))
    assert all(not p.endswith("secret-pw") and "secret-pw" not in p for p in settings.get("db/recent"))
    _close(qtbot, launcher)


def test_other_clerks_commits_refresh_the_window(qtbot, monkeypatch, pg_url, template_book):  # type: ignore[no-untyped-def]
    from bianzhi_app.book import Book

    url = _server_book(pg_url, template_book)
    launcher = _launcher(qtbot, monkeypatch)
    launcher.open_path(url)
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    window = launcher.window
    assert window.listener is not None and window.listener.conn is not None
    window.show_page("roster")
    qtbot.waitUntil(lambda: len(window.roster.model.rows) == 7, timeout=10_000)
    wait_idle(qtbot, window.session)
    before = window.head_label.text()
    with Book.open(url, actor="另一位经办人") as other:  # another clerk's program on the same server database
        other.staff.enter(unit="区农业农村局", kind="行政编制", name="戊五", id_number=make_id(90))
    qtbot.waitUntil(lambda: window.head_label.text() != before, timeout=5_000)
    qtbot.waitUntil(lambda: any(row.name == "戊五" for row in window.roster.model.rows), timeout=5_000)
    # the window's own op is not counted twice: its NOTIFY carries its own token
    assert window.listener.own_token() == window.session.book.notify_token
    _close(qtbot, launcher)


def test_migrate_to_server_copies_verifies_and_offers_to_open(qtbot, monkeypatch, window, pg_url):  # type: ignore[no-untyped-def]
    from bianzhi_app.book import Book

    assert "migrate_server" in window.actions
    job = window.book_actions.migrate_to_server(pg_url)
    assert job is not None
    qtbot.waitUntil(lambda: getattr(window.book_actions.last_box, "objectName", lambda: "")() == "migrate_done_box",
                    timeout=30_000)
    box = window.book_actions.last_box
    assert "核对通过" in box.text()
    opened: list[str] = []
    window.request_open_path.connect(opened.append)
    from PySide6.QtWidgets import QMessageBox

    box.button(QMessageBox.StandardButton.Open).click()
    assert opened == [pg_url]
    with Book.open(pg_url) as server, server.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM persons").scalar() == 7


def test_a_dialog_whose_figures_moved_shows_the_new_figures_before_it_confirms(qtbot, monkeypatch, pg_url,  # type: ignore[no-untyped-def]
                                                                               template_book):
    from PySide6.QtCore import Qt

    from bianzhi_app.book import Book
    from ui.dialogs.registry import OPERATIONS

    url = _server_book(pg_url, template_book)
    launcher = _launcher(qtbot, monkeypatch)
    launcher.open_path(url)
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    window = launcher.window
    wait_idle(qtbot, window.session)
    with Book.open(url) as reader, reader.read() as conn:
        unit = conn.exec_driver_sql("SELECT id FROM units WHERE name = '区农业农村局'").scalar()
    entry = next(e for e in OPERATIONS if e.key == "enter")
    dialog = entry.dialog(window.session, window, unit_id=unit)
    dialog.show()
    assert "核定3 实有2 在途0 空编1" in dialog.figures.text()
    # the listener refreshes an open dialog when another clerk commits
    with Book.open(url, actor="另一位经办人") as other:
        other.quotas.set(unit="区农业农村局", kind="行政编制", approved=4, doc="杨编发〔2026〕2号")
    qtbot.waitUntil(lambda: "核定4 实有2 在途0 空编2" in dialog.figures.text(), timeout=5_000)
    # a commit the listener has not delivered yet: the confirm reads again and shows the new figures instead
    window.listener.timer.stop()
    dialog.name.setText("辛八")
    qtbot.keyClicks(dialog.id_edit.edit, make_id(91))
    assert dialog.confirm.isEnabled(), dialog.blocked.text()
    with Book.open(url, actor="另一位经办人") as other:
        other.staff.enter(unit="区农业农村局", kind="行政编制", name="戊五", id_number=make_id(90))
    assert "核定4 实有2 在途0 空编2" in dialog.figures.text()  # nothing read since
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert "核定4 实有3 在途0 空编1" in dialog.figures.text()
    assert "最新数字" in dialog.refusal.text() and dialog.isVisible()
    wait_idle(qtbot, window.session)
    with Book.open(url) as reader, reader.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM persons").scalar() == 8  # nothing entered yet
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)  # confirmed on the figures it now shows
    wait_idle(qtbot, window.session)
    assert dialog.result() == dialog.DialogCode.Accepted
    _close(qtbot, launcher)


def test_a_remembered_server_book_asks_its_password_in_the_dialog_filled_in(qtbot, monkeypatch, pg_url,  # type: ignore[no-untyped-def]
                                                                            template_book):
    from PySide6.QtCore import QTimer
    from sqlalchemy.engine import make_url

    import ui.server
    from ui.server import needs_password, without_password

    url = _server_book(pg_url, template_book)
    assert not needs_password(url)  # the test cluster trusts 127.0.0.1: nothing to ask
    remembered = without_password(url + "?sslmode=disable")
    assert make_url(remembered).password is None
    # as a server with password logins: a URL without a password is refused
    monkeypatch.setattr(ui.server, "needs_password", lambda given: make_url(given).password is None)
    launcher = _launcher(qtbot, monkeypatch)
    seen: dict[str, Any] = {}

    def answer() -> None:
        dialog = launcher.server_dialog
        parts = make_url(url)
        seen["filled"] = (dialog.host.text(), dialog.port.value(), dialog.database.text(), dialog.user.text(),
                          dialog.sslmode.currentData(), dialog.password.text())
        seen["expected"] = (parts.host, parts.port, parts.database, parts.username or "", "disable", "")
        dialog.password.setText("secret-pw")
        dialog.try_connect()

    QTimer.singleShot(0, answer)
    assert launcher.open_path(remembered)
    assert seen["filled"] == seen["expected"]
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    _close(qtbot, launcher)


def test_a_wrong_password_keeps_the_dialog_open_with_a_chinese_message_and_the_right_one_opens(  # type: ignore[no-untyped-def]
        qtbot, monkeypatch, pg_server, pg_url, template_book):
    """On a role the server asks for its password (scram-sha-256, tests/pgcluster.py): no monkeypatching."""
    import pgcluster
    from PySide6.QtCore import QTimer

    from ui import settings
    from ui.server import ServerDialog, needs_password, without_password

    _server_book(pg_url, template_book)
    url = pg_server.cluster.password_url_for(pg_url.rsplit("/", 1)[1])
    remembered = without_password(url + "?sslmode=disable")
    assert needs_password(remembered)  # the server itself refuses it without a password
    launcher = _launcher(qtbot, monkeypatch)
    seen: dict[str, Any] = {}

    def answer() -> None:
        dialog = launcher.server_dialog
        assert isinstance(dialog, ServerDialog)
        assert dialog.user.text() == pgcluster.PASSWORD_ROLE and dialog.password.text() == ""
        dialog.password.setText("WRONG-pw-zz9")
        seen["wrong"] = dialog.try_connect()
        seen["message"] = dialog.message.text()
        seen["still_open"] = dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
        dialog.password.setText(pgcluster.PASSWORD)
        seen["right"] = dialog.try_connect()

    QTimer.singleShot(0, answer)
    assert launcher.open_path(remembered)
    assert seen["wrong"] is False and seen["still_open"] and seen["right"] is True
    assert "用户名或密码不正确" in seen["message"] and "WRONG-pw-zz9" not in seen["message"]
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=20_000)
    window = launcher.window
    window.show_page("roster")
    qtbot.waitUntil(lambda: len(window.roster.model.rows) == 7, timeout=10_000)
    stored = settings.qsettings()
    everything = " ".join(str(stored.value(key)) for key in stored.allKeys())
    assert pgcluster.PASSWORD not in everything and "WRONG-pw-zz9" not in everything
    assert pgcluster.PASSWORD not in window.windowTitle() and pgcluster.PASSWORD not in window.path_label.text()
    _close(qtbot, launcher)
