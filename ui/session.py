"""The open book as the window sees it: reads on the main thread, writes on the one worker.

`Session.run_op(parent, fn, ...)` is the op factory of Anki's `CollectionOp`: it runs one
core operation (`book.run(fn, ...)`) on the worker thread, then on the main thread emits
`op_executed(changes, initiator)` so every view refreshes from what the op says it changed,
and calls `on_success(change)`, or `on_failure(error)` with the core's refusal.

A session can start from a `PreparedBook` (checked and locked, not yet open): the window paints
its first page from a plain sqlite3 reader, then calls `start_opening()`, and the worker opens the
Book (SQLAlchemy, migrations check, lock barrier); `ready` says when that is done. Not before the
paint: a thread importing SQLAlchemy holds the GIL that the first page's reads wait for between rows.
Whatever needs the Book earlier opens it then (on a worker thread) or waits for the worker.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QApplication, QWidget

from bianzhi_app.accounts.signin import Account, Policy, has_accounts, read_policy
from bianzhi_app.catalog import Catalog
from bianzhi_app.errors import BianzhiError
from bianzhi_app.ledger import LedgerHead, read_head
from bianzhi_app.opening import PreparedBook
from ui.i18n import tr
from ui.worker import Job, Worker

if TYPE_CHECKING:
    from bianzhi_app.book import Book
    from bianzhi_app.kernel import Change


def error_text(error: BaseException) -> str:
    """What a user reads: the core's Chinese message, or a short line for anything unexpected."""
    if isinstance(error, BianzhiError):
        return error.message
    return tr("内部错误:") + f"{type(error).__name__}: {error}"


def _warn(parent: QWidget | None, title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox  # loads with the first message, not with the window

    QMessageBox.warning(parent, title, text)


class Session(QObject):
    op_executed = Signal(object, object)  # list[Change], initiator (or None)
    head_changed = Signal(object)  # LedgerHead
    ready = Signal()  # the Book is open (a session made from a Book is ready at once)
    open_failed = Signal(object)  # the error that stopped the Book from opening

    def __init__(self, book: Book | PreparedBook, path: str, parent: QObject | None = None):
        super().__init__(parent)
        self.path = path
        self.worker = Worker(self)
        self.reader = Worker(self)  # reads that take long on a province (dashboard, start-up check)
        self._book: Book | None = None
        self._opened = threading.Event()
        self._open_lock = threading.Lock()
        self._open_started = False
        self._open_error: BaseException | None = None
        self._closed = False
        self._lists: sqlite3.Connection | None = None  # the main thread's plain reader
        self._depth = 0
        self._when_ready: list[Callable[[], None]] = []
        self.account: Account | None = None  # who signed in (None: a book without accounts, or not yet)
        self._sign_in_on_open: tuple[str, str] | None = None  # checked already; the Book records it on opening
        self.ready.connect(self._run_when_ready)  # emitted on the worker, run here on the main thread
        # why the book cannot be written where it is (read-only media, an edited schema), for the status bar
        self.read_only_reason: str | None = book.read_only_reason
        if isinstance(book, PreparedBook):
            self.prepared: PreparedBook | None = book
            self.file: Path | None = book.plan.path
            self.actor, self.read_only = book.actor_name, book.read_only
            self._lists = book.reader()
            self._catalog = Catalog.load(self._lists)
            self.has_accounts = has_accounts(self._lists)
        else:
            self.prepared = None
            self.file, self.actor, self.read_only = book.path, book.actor, book.read_only
            self._set_book(book)
            if book.path is not None:
                from bianzhi_app.db.sql import connect_reader

                self._lists = connect_reader(book.path, read_only=book.read_only)
            self._catalog = book.catalog
            self.has_accounts = book.has_accounts

    @property
    def book_name(self) -> str:
        """The book's file name for short texts (a dialog line would wrap a whole path; the title has it)."""
        if "://" in self.path:  # a server book: its database's name (never the URL, which may hold a password)
            from sqlalchemy.engine import make_url

            return make_url(self.path).database or self.path.split("@")[-1]
        return Path(self.path).name or self.path

    # --- the Book ---------------------------------------------------------------------------
    def _set_book(self, book: Book) -> None:
        self._book = book
        self._opened.set()

    def start_opening(self) -> None:
        """Open the Book on the worker (its first job from now on); `ready` or `open_failed` follow."""
        if not self._open_started and not self._opened.is_set():
            self._open_started = True
            self.worker.submit(lambda _job: self._open_here(), lambda _none: None, lambda _error: None)

    def _open_here(self) -> None:
        """Open the Book on this (background) thread unless it is open already; signals go to the main thread."""
        assert self.prepared is not None
        with self._open_lock:
            if self._opened.is_set():
                return
            try:
                from bianzhi_app.book import Book  # here: SQLAlchemy loads on the worker, after the first paint

                book = Book.from_prepared(self.prepared)
                self._record_sign_in(book)
            except BaseException as error:
                self._open_error = error
                self._opened.set()
                self.open_failed.emit(error)
                return
            self._set_book(book)
        self.ready.emit()

    def sign_in_on_open(self, name: str, password: str, account: Account) -> None:
        """Show the book as ``account`` now (its password was checked on the plain reader) and sign in to the
        Book as it opens behind the window: that records the sign-in (the security log, the failure counter)
        and makes the account the actor of every change. If it refuses after all, the Book does not open."""
        self.account = account
        self._sign_in_on_open = (name, password)

    def _record_sign_in(self, book: Book) -> None:
        if self._sign_in_on_open is None:
            return
        name, password = self._sign_in_on_open
        self._sign_in_on_open = None
        try:
            self.account = book.sign_in(name, password)
        except BaseException:
            book.close()
            raise

    def policy(self) -> Policy:
        """The book's security policy (idle minutes, review …), read on the main thread."""
        with self.read() as conn:
            return read_policy(conn)

    @property
    def is_ready(self) -> bool:
        return self._book is not None

    def when_ready(self, fn: Callable[[], None]) -> None:
        """Call `fn` on the main thread once the Book is open (at once when it is)."""
        if self._book is not None:
            fn()
        else:
            self._when_ready.append(fn)

    def _run_when_ready(self) -> None:
        pending, self._when_ready = self._when_ready, []
        for fn in pending:
            fn()

    def today(self) -> dt.date:
        """Today by the Book's clock (the same local clock before it is open)."""
        if self._book is not None:
            return self._book.clock().date()
        return dt.datetime.now().astimezone().date()

    @property
    def personal_keys(self) -> Any:
        """The signed-in Book's keys (PersonalKeys) once it is open, else None: a search by a full ID number
        is then exact (its keyed hash); before, it matches the region code and last four."""
        return self._book.personal if self._book is not None else None

    @property
    def book(self) -> Book:
        """The open Book. Right after start, the main thread waits (a fraction of a second) for the worker
        to open it; a background thread opens it itself. Raises the error that stopped it from opening."""
        if not self._opened.is_set():
            if QThread.currentThread() is not self.thread():
                self._open_here()
            else:
                self.start_opening()
                QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
                try:
                    self._opened.wait()
                finally:
                    QApplication.restoreOverrideCursor()
        if self._book is None:
            raise self._open_error or BianzhiError(tr("数据库未能打开"))
        return self._book

    @property
    def catalog(self) -> Catalog:
        return self._book.catalog if self._book is not None else self._catalog

    @property
    def holds_lock(self) -> bool:
        if self._book is not None:
            return self._book.holds_lock
        return self.prepared is not None and self.prepared.holds_lock

    # --- reads ------------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Any]:
        """A consistent read snapshot for the main thread: the plain sqlite3 reader of the book's file
        (ready from the first paint), else the Book's SQLAlchemy connection. Background work reads
        through `read_later` or `book.read()`."""
        if self._lists is None:
            with self.book.read() as conn:
                yield conn
            return
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("Session.read() is for the main thread; use read_later()")
        conn = self._lists
        if self._depth == 0:
            conn.execute("BEGIN")
        self._depth += 1
        try:
            yield conn
        finally:
            self._depth -= 1
            if self._depth == 0:
                conn.execute("COMMIT")

    def head(self) -> LedgerHead:
        with self.read() as conn:
            return read_head(conn)

    def read_later(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
                   on_failed: Callable[[BaseException], None] | None = None) -> None:
        """Run a read-only `fn(conn)` on the reader thread (never blocks the writes of the worker),
        then `on_done(result)` on the main thread; queued until the Book is open."""
        def work(_job: Job) -> Any:
            with self.book.read() as conn:
                return fn(conn)

        def failed(error: BaseException) -> None:
            if on_failed is not None:
                on_failed(error)
            else:
                _warn(None, tr("读取失败"), error_text(error))

        def submit() -> None:
            self.reader.submit(work, on_done, failed)

        self.when_ready(submit)

    # --- writes -----------------------------------------------------------------------------
    def run_op(self, parent: QWidget | None, operation: Callable[[Book], Change], /, *,
               on_success: Callable[[Change], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None,
               initiator: object = None) -> Job:
        """Run ``operation(book)`` (one call of the Book's typed API, e.g.
        ``lambda book: book.staff.leave(id_number=…, reason=…)``) on the worker."""
        def work(_job: Job) -> Change:
            return operation(self.book)

        def done(change: Change) -> None:
            self.op_executed.emit([change], initiator)
            self.head_changed.emit(self.head())
            if on_success is not None:
                on_success(change)

        def failed(error: BaseException) -> None:
            if on_failure is not None:
                on_failure(error)
            else:
                _warn(parent, tr("操作未完成"), error_text(error))

        return self.worker.submit(work, done, failed)

    def run_job(self, work: Callable[[Job], Any], on_done: Callable[[Any], None],
                on_failed: Callable[[BaseException], None]) -> Job:
        """Any other background work that writes (expiring approvals, demo generation)."""
        return self.worker.submit(work, on_done, on_failed)

    def expire_due(self) -> None:
        """Close approvals whose validity ended (the CLI does this before each operation)."""
        def done(changes: list[Change]) -> None:
            if changes:
                self.op_executed.emit(changes, None)
                self.head_changed.emit(self.head())

        self.run_job(lambda _job: self.book.approvals.expire_due(), done, lambda _error: None)

    def close(self, *, backup: bool = False) -> Any:
        """Finish the background jobs, close the plain reader and the Book (releasing its lock); with
        ``backup`` first the on-exit backup (Book.close). Only the first call does anything."""
        if self._closed:
            return None
        self._closed = True
        self.reader.wait()
        self.worker.wait()
        if backup and self._book is None and self.prepared is not None and self._open_error is None:
            self._when_ready.clear()  # nothing waiting for it may start now: the Book closes right after
            self._open_here()  # the on-exit backup needs the Book, even if nothing asked for it yet
        if self._lists is not None:
            self._lists.close()
            self._lists = None
        if self._book is not None:
            return self._book.close(backup=backup)
        if self.prepared is not None:
            self.prepared.abandon()
        return None
