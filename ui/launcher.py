"""Which window is on screen: the welcome page or the main window of one open book.

Every path out of here ends in a working window: a book that cannot be opened brings the
welcome page back with the reason, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from bianzhi_app.errors import BianzhiError, Cancelled
from bianzhi_app.opening import book_is_empty
from ui import settings
from ui.i18n import tr
from ui.main_window import MainWindow
from ui.progress import attach_progress
from ui.session import Session, error_text
from ui.worker import Job

if TYPE_CHECKING:
    from bianzhi_app.book import Book
    from bianzhi_app.opening import PreparedBook
    from ui.welcome import WelcomePage


def default_db() -> str:
    from bianzhi_app.settings import default_db as cli_default

    return cli_default()


def _exists(path: str) -> bool:
    return "://" in path or os.path.exists(path)


def _remove_book_files(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.remove(path + suffix)


class DemoProgress:
    """One progress for the whole demo, from the phases generate() reports one after the other (each from
    0 to its own total): 单位 the first tenth, 人员 up to 70 %, 台账历史 the rest; never backwards."""

    TOTAL = 1000
    PHASES: ClassVar[dict[str, tuple[int, int]]] = {"单位": (0, 100), "人员": (100, 700), "台账历史": (700, 1000)}

    def __init__(self) -> None:
        self.value = 0

    def permille(self, done: int, total: int, what: str) -> int:
        start, end = self.PHASES.get(what, (self.value, self.value))
        value = start + (end - start) * min(done, total) // total if total > 0 else start
        self.value = max(self.value, value)
        return self.value


class Launcher(QObject):
    def __init__(self, start_page: str | None = None):
        super().__init__()
        self.window: MainWindow | None = None
        self.welcome: WelcomePage | None = None
        self.start_page = start_page
        self.upgrade_progress: tuple[int, int] | None = None  # the last (done, total) a migration showed
        self.busy_session: Session | None = None
        self.progress: QWidget | None = None  # a demo's progress dialog while it is made
        from ui.admission import Admission

        self.admission = Admission(self)  # who may see a book: sign-in, first admin (issue 15)

    # --- entry ----------------------------------------------------------------------------
    def start(self, db: str | None = None, *, demo: bool = False) -> QWidget:
        """Open the book (the given one, else the one BIANZHI_DB names, else the last one, else the
        default); with no book, the welcome page — or, with ``demo``, a demo county generated straight
        into that path."""
        from bianzhi_app.settings import db_from_environment

        path = db or db_from_environment() or settings.get("db/last") or default_db()
        if _exists(path):
            self.open_path(path)
        elif demo:  # straight to the demo's progress: no welcome page under it
            self.demo(path, "county")
        else:
            self.show_welcome(path)
        return self.current()

    def current(self) -> QWidget:
        """The window on screen: the main window, else the welcome page, else a demo's progress."""
        if self.window is not None:
            return self.window
        if self.admission.dialog is not None and self.admission.dialog.isVisible():
            return self.admission.dialog
        if self.welcome is not None and self.welcome.isVisible():
            return self.welcome
        return self.progress if self.progress is not None else self.welcome  # type: ignore[return-value]

    def actor(self) -> str | None:
        return settings.get("ui/actor") or None

    # --- welcome --------------------------------------------------------------------------
    def show_welcome(self, path: str | None = None, message: str = "") -> WelcomePage:
        if self.welcome is None:
            from ui.welcome import WelcomePage  # not needed when a book opens straight away

            self.welcome = WelcomePage(path or default_db(), message)
            self.welcome.create_requested.connect(self.create)
            self.welcome.open_requested.connect(self.open_path)
            self.welcome.demo_requested.connect(self.demo)
            self.welcome.server_requested.connect(lambda: self.connect_server())
        else:
            if path:
                self.welcome.path.setText(path)
            self.welcome.show_message(message)
        self.welcome.show()
        self.welcome.raise_()
        return self.welcome

    def _fail(self, path: str, message: str) -> None:
        from ui.server import without_password

        self.show_welcome(without_password(path) if self.window is None else None, message)

    # --- opening --------------------------------------------------------------------------
    def open_path(self, path: str) -> bool:
        from ui.opening import open_book
        from ui.server import needs_password

        if needs_password(path):  # a server book from the recent list: the keyring's password, else asked
            return self._open_with_remembered_password(path)

        try:  # lock=True, asking the user about a held lock, an unsafe folder or a damaged file
            prepared = open_book(self.current(), path, self.actor())
            if prepared is None:  # the user cancelled
                if self.window is None:
                    self.show_welcome(path)
                return False
            session = self._session(prepared, path)
        except BianzhiError as error:
            self._fail(path, error.message)
            return False
        except Exception as error:  # an unreadable file must still end on a working window
            self._fail(path, tr("无法打开「{0}」:{1}").format(path, error))
            return False
        if session is None:
            self._fail(path, tr("「{0}」中还没有编制台账,请先新建").format(path))
            return False
        self.admission.admit(session)  # signs in first when the book has accounts
        return True

    def _session(self, prepared: PreparedBook, path: str) -> Session | None:
        """The session of a checked book (None, with its lock released, when it has no region yet).
        A book at the current schema is shown at once and opened on the worker; a new or older one is
        opened (migrated) here first."""
        book = None
        try:
            book = prepared if prepared.schema_current else self._upgrade(prepared)  # refused: lock released
            session = Session(book, path)
        except BaseException:
            if book is not None and book is not prepared:
                book.close()
            prepared.abandon()
            raise
        with session.read() as conn:
            empty = book_is_empty(conn)
        if empty:
            session.close()
            return None
        session.open_failed.connect(lambda error: self._open_failed(session, error))
        return session

    def _upgrade(self, prepared: PreparedBook) -> Book:
        """Open a book whose schema is older, migrating it behind a progress dialog: the pinned backup first, then
        (0005) every person's ID number sealed in one transaction — minutes on a province. The work runs on a
        thread; the dialog follows the (done, total) it reports and cannot be cancelled (the migration is one
        transaction: stopping it half-way would only throw the work away)."""
        import threading

        from PySide6.QtCore import QEventLoop, Qt, QTimer
        from PySide6.QtWidgets import QProgressDialog

        from bianzhi_app.book import Book

        state: dict[str, object] = {"done": 0, "total": 0}

        def work() -> None:
            try:
                state["book"] = Book.from_prepared(prepared, progress=lambda done, total: state.update(
                    done=done, total=total))
            except BaseException as error:  # handed to the main thread below
                state["error"] = error

        title = tr("升级台账")
        dialog = QProgressDialog(tr("正在升级台账(先备份,再加密身份证号),请稍候…"), "", 0, 0, self.current())
        dialog.setWindowTitle(title)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(300)
        dialog.setMinimumWidth(420)
        thread = threading.Thread(target=work, name="bianzhi-upgrade", daemon=True)
        loop = QEventLoop()

        def tick() -> None:
            done, total = int(state["done"]), int(state["total"])  # type: ignore[call-overload]
            if total:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))
                dialog.setLabelText(tr("正在加密身份证号:{0}/{1}人").format(f"{done:,}", f"{total:,}"))
                self.upgrade_progress = (done, total)
            if not thread.is_alive():
                loop.quit()

        timer = QTimer()
        timer.timeout.connect(tick)
        thread.start()
        timer.start(100)
        loop.exec()
        timer.stop()
        tick()
        dialog.close()
        dialog.deleteLater()
        if "error" in state:
            raise state["error"]  # type: ignore[misc]
        book: Book = state["book"]  # type: ignore[assignment]
        if book.clear_ids_backup is not None:
            self._say_clear_ids_backup(book.clear_ids_backup)
        return book

    def _say_clear_ids_backup(self, backup: Path) -> None:
        """The book's ID numbers are sealed now, but the pinned backup made before holds them in clear: say
        where it is, once, so that the office deletes it after checking or keeps it under lock."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, tr("升级台账"), tr(
            "台账已升级,身份证号已加密保存。\n\n升级前的备份「{0}」(在 {1})仍含明文身份证号。请核对升级后的台账无误后"
            "删除该备份,或将其加密、锁存保管。").format(backup.name, backup.parent),
            QMessageBox.StandardButton.Ok, self.current())
        box.setObjectName("clear_ids_backup")
        box.exec()

    def _open_failed(self, session: Session, error: BaseException) -> None:
        """The worker could not open a book already on screen: back to the welcome page with the reason."""
        window = self.window
        if window is None or window.session is not session:
            return
        self.window = None
        window.book_actions.close_book()  # no exit backup: the Book never opened
        window.close()
        window.deleteLater()
        self._fail(session.path, error_text(error))

    def close_window(self, window: MainWindow, message: str = "") -> None:
        """Close the window of a book (with its on-exit backup) and go back to the welcome page."""
        if self.window is window:
            self.window = None
        window.close()
        window.deleteLater()
        self._fail(window.session.path, message)

    def show_book(self, session: Session) -> MainWindow:
        return self.present(self.build_window(session))

    def build_window(self, session: Session) -> MainWindow:
        """The main window of a session, not yet shown (a sign-in may still refuse it)."""
        return MainWindow(session, start_page=self.start_page)

    def present(self, window: MainWindow) -> MainWindow:
        """Show a built window in place of the one on screen."""
        session = window.session
        old = self.window
        window.apply_account()
        window.request_open.connect(self.choose_file)
        window.request_open_path.connect(self.open_path)
        window.request_new.connect(lambda: self.show_welcome())
        window.request_demo.connect(lambda: self.show_welcome())
        window.request_settings.connect(lambda: self._settings(window))
        window.request_server.connect(lambda: self.connect_server())
        window.destroyed.connect(session.close)
        self.window = window
        window.show()
        if old is not None:
            old.save_layout()
            old.close()
            old.deleteLater()
            old.session.close()
        if self.welcome is not None:
            self.welcome.hide()
        from ui.server import without_password

        settings.remember_db(without_password(session.path))  # never a server's password
        session.when_ready(session.expire_due)
        session.when_ready(window.update_pending)
        return window

    @staticmethod
    def _settings(window: QWidget) -> None:
        from ui.settings_dialog import SettingsDialog

        SettingsDialog(window).exec()

    def _open_with_remembered_password(self, path: str) -> bool:
        """A server book whose password the OS keyring remembers opens without asking; one the server now refuses
        is removed from the keyring and asked in the dialog (as is any book without one)."""
        from bianzhi_app.errors import server_problem
        from ui import keychain
        from ui.server import connect

        stored = keychain.remembered(path)
        if stored is None:
            return self.connect_server(path)
        candidate = keychain.with_password(path, stored)
        try:
            connect(candidate).close()
        except Exception as error:
            if server_problem(str(error)) != "login":
                return self.connect_server(path)
            keychain.forget(path)
            return self.connect_server(path, message=tr("服务器拒绝了系统钥匙串中记住的密码(密码可能已更改),"
                                                        "已将其从钥匙串中删除;请重新输入密码。"))
        return self.open_path(candidate)

    def connect_server(self, preset: str = "", *, message: str = "") -> bool:
        """文件 → 连接服务器…: the connection dialog, then the server book opens as a file does (sign-in follows).
        ``preset``: a remembered server URL (without its password) that fills the dialog in; ``message``: shown in
        it first."""
        from ui.server import ServerDialog

        dialog = ServerDialog(self.current(), preset=preset)
        if message:
            dialog.show_message(message)
        self.server_dialog = dialog
        if dialog.exec() != ServerDialog.DialogCode.Accepted:
            return False
        return self.open_path(dialog.url)

    def choose_file(self) -> None:
        parent = self.current()
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(parent, tr("打开台账"), settings.get("db/last"),
                                                    tr("编制台账 (*.db);;所有文件 (*)"))
        if path:
            self.open_path(path)

    # --- creating -------------------------------------------------------------------------
    def _new_book(self, path: str) -> Book | None:
        if not path:
            self._fail(path, tr("请指定数据库文件"))
            return None
        from bianzhi_app.book import Book

        try:
            if "://" not in path:
                Path(path).expanduser().absolute().parent.mkdir(parents=True, exist_ok=True)
            book = Book.open(path, actor=self.actor(), lock=True)
        except (BianzhiError, OSError) as error:
            self._fail(path, error_text(error))
            return None
        if not book.is_empty():
            book.close()
            self._fail(path, tr("「{0}」已有编制台账;请换一个文件名,或直接打开它").format(path))
            return None
        return book

    def create(self, path: str, name: str, code: str) -> None:
        """Create a region book (ops.region.init_region) and open it."""

        book = self._new_book(path)
        if book is None:
            return
        session = Session(book, path)

        def failed(error: BaseException) -> None:
            session.close()
            self._fail(path, error_text(error))

        session.run_op(self.welcome, lambda book: book.region.init(name=name, code=code),
                       on_success=lambda _change: self.admission.admit(session), on_failure=failed)

    def demo(self, path: str, scale: str) -> Job | None:
        """Generate a demo region on the worker thread with a (delayed, cancellable) progress dialog."""
        from bianzhi_app.demo import generate
        from bianzhi_app.demo.accounts import DEMO_PASSWORD, create_demo_accounts
        from bianzhi_app.settings import password_from_environment

        book = self._new_book(path)
        if book is None:
            return None
        session = Session(book, path)
        self.busy_session = session
        overall = DemoProgress()

        def work(job: Job) -> object:
            def progress(done: int, total: int, what: str) -> None:
                if job.cancelled():  # generate() has no cancel flag; stopping at a progress call is as good
                    raise Cancelled(tr("已取消生成演示区域"))
                job.progress(overall.permille(done, total, what), DemoProgress.TOTAL,
                             f"{tr(what)} {done:,}/{total:,}")

            summary = generate(book, scale=scale, seed=1, progress=progress)
            create_demo_accounts(book, password_from_environment() or DEMO_PASSWORD)
            session.has_accounts = True
            return summary

        def done(_summary: object) -> None:
            self.busy_session = None
            self.progress = None
            self.admission.admit(session, hint=tr("演示账户:admin(系统管理员)、auditor(安全审计员)、jingban(经办人)、"
                                                  "shenhe(审核人)、chaxun(查询),密码见生成时的设置(默认 {0})")
                                 .format(DEMO_PASSWORD))

        def failed(error: BaseException) -> None:
            self.busy_session = None
            self.progress = None
            session.close()
            if "://" not in path:
                _remove_book_files(path)  # a half-made demo is no use to anyone
            self._fail(path, error_text(error))

        job = session.run_job(work, done, failed)
        parent = self.window or (self.welcome if self.welcome is not None and self.welcome.isVisible() else None)
        # with nothing on screen yet (main.py --demo) the progress is the window, shown at once
        self.progress = attach_progress(parent, job, tr("正在生成演示区域"), counts_in_label=False,
                                        show_after_ms=None if parent is not None else 0)
        return job
