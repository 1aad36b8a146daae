"""The open book as the window sees it: reads on the main thread, writes on the one worker.

`Session.run_op(parent, fn, ...)` is the op factory of Anki's `CollectionOp`: it runs one
core operation (`book.run(fn, ...)`) on the worker thread, then on the main thread emits
`op_executed(changes, initiator)` so every view refreshes from what the op says it changed,
and calls `on_success(change)`, or `on_failure(error)` with the core's refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import Connection

from bianzhi_app.book import Book, Change
from bianzhi_app.errors import BianzhiError
from bianzhi_app.ledger import LedgerHead
from ui.i18n import tr
from ui.worker import Job, Worker


def error_text(error: BaseException) -> str:
    """What a user reads: the core's Chinese message, or a short line for anything unexpected."""
    if isinstance(error, BianzhiError):
        return error.message
    return tr("内部错误:") + f"{type(error).__name__}: {error}"


class Session(QObject):
    op_executed = Signal(object, object)  # list[Change], initiator (or None)
    head_changed = Signal(object)  # LedgerHead

    def __init__(self, book: Book, path: str, parent: QObject | None = None):
        super().__init__(parent)
        self.book = book
        self.path = path
        self.worker = Worker(self)
        self.reader = Worker(self)  # reads that take long on a province (dashboard, start-up check)

    @property
    def catalog(self):  # type: ignore[no-untyped-def]
        return self.book.catalog

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.book.read() as conn:
            yield conn

    def head(self) -> LedgerHead:
        return self.book.head()

    def run_op(self, parent: QWidget | None, fn: Callable[..., Change], /, *args: Any,
               on_success: Callable[[Change], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None,
               initiator: object = None, **kwargs: Any) -> Job:
        def work(_job: Job) -> Change:
            return self.book.run(fn, *args, **kwargs)

        def done(change: Change) -> None:
            self.op_executed.emit([change], initiator)
            self.head_changed.emit(self.head())
            if on_success is not None:
                on_success(change)

        def failed(error: BaseException) -> None:
            if on_failure is not None:
                on_failure(error)
            else:
                QMessageBox.warning(parent, tr("操作未完成"), error_text(error))

        return self.worker.submit(work, done, failed)

    def run_job(self, work: Callable[[Job], Any], on_done: Callable[[Any], None],
                on_failed: Callable[[BaseException], None]) -> Job:
        """Any other background work that writes (expiring approvals, demo generation)."""
        return self.worker.submit(work, on_done, on_failed)

    def read_later(self, fn: Callable[[Connection], Any], on_done: Callable[[Any], None],
                   on_failed: Callable[[BaseException], None] | None = None) -> Job:
        """Run a read-only `fn(conn)` on the reader thread (never blocks the writes of the worker),
        then `on_done(result)` on the main thread."""
        def work(_job: Job) -> Any:
            with self.book.read() as conn:
                return fn(conn)

        def failed(error: BaseException) -> None:
            if on_failed is not None:
                on_failed(error)
            else:
                QMessageBox.warning(None, tr("读取失败"), error_text(error))

        return self.reader.submit(work, on_done, failed)

    def expire_due(self) -> None:
        """Close approvals whose validity ended (the CLI does this before each operation)."""
        def done(changes: list[Change]) -> None:
            if changes:
                self.op_executed.emit(changes, None)
                self.head_changed.emit(self.head())

        self.run_job(lambda _job: self.book.approvals.expire_due(), done, lambda _error: None)

    def close(self) -> None:
        self.reader.wait()
        self.worker.wait()
        self.book.close()
