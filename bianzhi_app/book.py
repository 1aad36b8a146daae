"""The establishment book: one facade over the open database.

`book.units`, `book.staff`, `book.quotas`, `book.posts`, `book.approvals` and `book.region` are the
typed operations (`bianzhi_app.areas`); each call is one write transaction (BEGIN IMMEDIATE on
SQLite, through `Book.transact()`) in which the op checks the rules, writes and appends its ledger
entry, or rolls all of it back. `book.batch()` opens one transaction with the same areas bound to
it, so an import or the demo runs many operations through exactly the same code.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, exc

from bianzhi_app.areas import ApprovalsArea, PostsArea, QuotasArea, RegionArea, StaffArea, UnitsArea
from bianzhi_app.catalog import Catalog
from bianzhi_app.db.engine import WRITE, make_engine
from bianzhi_app.db.migrate import upgrade
from bianzhi_app.errors import Busy, InvalidInput
from bianzhi_app.kernel import Op, Tx, translate_integrity_error
from bianzhi_app.ledger import LedgerHead, read_head
from bianzhi_app.opening import PreparedBook, book_is_empty, default_actor, prepare

P = ParamSpec("P")
R = TypeVar("R")


class BookTx:
    """One open write transaction of a book with the typed areas bound to it (`book.batch()`)."""

    def __init__(self, book: Book, tx: Tx):
        self.tx = tx
        self.region = RegionArea(book, tx)
        self.units = UnitsArea(book, tx)
        self.quotas = QuotasArea(book, tx)
        self.posts = PostsArea(book, tx)
        self.approvals = ApprovalsArea(book, tx)
        self.staff = StaffArea(book, tx)

    def savepoint(self) -> Any:
        """Part of the batch that a refusal undoes alone (import --skip-invalid, demo)."""
        return self.tx.savepoint()


class Book:
    """One open establishment book. `book.units`, `book.staff` … are the operations by area."""

    def __init__(self, engine: Engine, *, actor: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        self.engine = engine
        self.actor = actor or default_actor()
        self.clock = clock or (lambda: dt.datetime.now().astimezone())
        with engine.connect() as conn:
            self.catalog = Catalog.load(conn)
        self.region = RegionArea(self)
        self.units = UnitsArea(self)
        self.quotas = QuotasArea(self)
        self.posts = PostsArea(self)
        self.approvals = ApprovalsArea(self)
        self.staff = StaffArea(self)

    # Set by `open`; a Book built directly on an engine has none of the file-level safety.
    path: Path | None = None
    read_only: bool = False
    _lock: Any = None
    _write_guard: Callable[[], None] | None = None

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, actor: str | None = None,
             clock: Callable[[], dt.datetime] | None = None, lock: bool = False, read_only: bool = False,
             check: bool = True, allow_unsafe_location: bool | None = None,
             startup_check: str = "full") -> Book:
        """Open (creating and migrating as needed) the book at a path or URL.

        For a SQLite file, first: refuses a network / cloud-sync / removable location (UnsafeLocation,
        unless ``allow_unsafe_location`` or BIANZHI_ALLOW_UNSAFE_LOCATION=1); with ``lock`` (the window's
        session) takes the single-writer lock file or refuses with LockedByOther naming the holder; runs
        the fast start-up check and refuses a damaged file with BookCorrupt (never writing to it).
        ``read_only`` opens without migrating and refuses every change (for a book another program holds).
        ``startup_check="fast"`` does only the header and schema check here; the caller (the window) then
        runs ``safety.startup.startup_check`` itself in the background. "full" (the default) also runs the
        bounded quick_check before opening. Refuses any other value (ValueError).
        The same in two steps: ``bianzhi_app.opening.prepare(...)`` then ``.open()``.
        """
        prepared = prepare(target, actor=actor, lock=lock, read_only=read_only, check=check,
                           allow_unsafe_location=allow_unsafe_location, startup_check=startup_check)
        return cls.from_prepared(prepared, clock=clock)

    @classmethod
    def from_prepared(cls, prepared: PreparedBook, *, clock: Callable[[], dt.datetime] | None = None) -> Book:
        """The Book on a file that passed `opening.prepare`: engine, pending migrations, the barrier after
        taking the lock. Refuses (InvalidInput, StorageError …) as `Book.open` does, releasing the lock;
        a PreparedBook opens once (ValueError the second time)."""
        from bianzhi_app.safety import session
        from bianzhi_app.safety.storage import storage_error

        prepared.claim()
        target, plan, read_only = prepared.target, prepared.plan, prepared.read_only
        engine = make_engine(target, read_only=read_only)
        try:
            if read_only:
                session.require_current_schema(engine, target)
            else:
                upgrade(engine)
            if plan.lock is not None:
                with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
                    pass  # barrier: a CLI write that began before our lock file existed has now finished
            book = cls(engine, actor=prepared.actor, clock=clock)
        except BaseException as error:
            engine.dispose()
            if plan.lock is not None:
                plan.lock.release()
            if isinstance(error, exc.DatabaseError):
                mapped = storage_error(error, plan.path.parent if plan.path else None)
                if mapped is not None:
                    raise mapped from error
                raise InvalidInput(f"无法打开数据库「{os.fspath(target)}」:"
                                   f"不是有效的编制台账文件({error.orig})") from error
            raise
        book.path = plan.path
        book.read_only = read_only
        book._lock = plan.lock
        if plan.path is not None and plan.lock is None and not read_only:
            book._write_guard = session.write_guard(plan.path)
        return book

    def close(self, *, backup: bool = False) -> Any:
        """Close the book and release its lock; with ``backup`` first make the on-exit backup when the
        ledger moved since the newest backup (returns its BackupInfo, else None).  A failed backup
        (BackupFailed) is raised after the book has been closed all the same."""
        info = None
        try:
            if backup and self.path is not None and not self.read_only:
                from bianzhi_app.safety.session import backup_on_close

                info = backup_on_close(self)
        finally:
            self.engine.dispose()
            if self._lock is not None:
                self._lock.release()
                self._lock = None
        return info

    @property
    def holds_lock(self) -> bool:
        """True when this Book holds the single-writer lock file (opened with ``lock=True``)."""
        return self._lock is not None and bool(self._lock.held)

    def backup(self, dest: str | os.PathLike[str] | None = None, *, reason: str = "manual") -> Any:
        """A verified backup now (integrity_check, manifest with the ledger head, atomic rename) into
        ``dest`` or the backup folder (then thinned); returns its BackupInfo.  Refuses with BackupFailed."""
        from bianzhi_app.safety.session import backup_book

        return backup_book(self, dest, reason=reason)

    def backup_if_due(self) -> Any:
        """The at-most-daily backup while open: a BackupInfo when one was made, else None."""
        from bianzhi_app.safety.session import backup_if_due

        return backup_if_due(self)

    def list_restore_candidates(self, *, verify: bool = False) -> list[Any]:
        """Backups of this book, newest first (see safety.session.list_restore_candidates)."""
        from bianzhi_app.safety.session import list_restore_candidates

        return [] if self.path is None else list_restore_candidates(self.path, verify=verify)

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transact(self) -> Iterator[Tx]:
        """One write transaction; commit on success, roll everything back on any error.  Refuses with
        ReadOnlyBook on a book opened read-only, LockedByOther when another program's window holds the
        book, StorageError when the disk is full or read-only (nothing is written then)."""
        if self.read_only:
            from bianzhi_app.safety.errors import ReadOnlyBook

            raise ReadOnlyBook("数据库是以只读方式打开的(另一个程序正在使用它),不能修改。")
        try:
            with self.engine.connect().execution_options(**{WRITE: True}) as conn:
                with conn.begin():
                    if self._write_guard is not None:
                        self._write_guard()  # under SQLite's write lock: refuse if a window holds the book
                    tx = Tx(conn, self.catalog, self.actor, self.clock)
                    yield tx
                    tx.flush()
        except exc.IntegrityError as error:
            raise translate_integrity_error(error) from error
        except exc.OperationalError as error:
            if isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig):
                raise Busy("数据库正被其他程序写入,等待超时;请稍后重试") from error
            self._raise_storage_error(error)
            raise
        except exc.DatabaseError as error:
            self._raise_storage_error(error)
            raise

    def _raise_storage_error(self, error: BaseException) -> None:
        from bianzhi_app.safety.storage import storage_error

        mapped = storage_error(error, self.path.parent if self.path is not None else None)
        if mapped is not None:
            raise mapped from error

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent read snapshot."""
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def run(self, op_function: Callable[Concatenate[Tx, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run one op function in its own transaction and return what it returns (its Change)."""
        with self.transact() as tx:
            result = op_function(tx, *args, **kwargs)
        if any(change.op in (Op.KIND_ADD, Op.POST_KIND_ADD) for change in tx.changes):
            with self.read() as conn:
                self.catalog = Catalog.load(conn)
        return result

    @contextmanager
    def batch(self) -> Iterator[BookTx]:
        """One write transaction for many operations (import, demo): the typed areas bound to it."""
        with self.transact() as tx:
            yield BookTx(self, tx)

    def is_empty(self) -> bool:
        with self.read() as conn:
            return book_is_empty(conn)

    def head(self) -> LedgerHead:
        with self.read() as conn:
            return read_head(conn)
