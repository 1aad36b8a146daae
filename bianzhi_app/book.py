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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, exc

from bianzhi_app import settings
from bianzhi_app.accounts import store
from bianzhi_app.accounts.area import AccountsArea, AuditArea, ReviewArea
from bianzhi_app.accounts.review import ProposalRecord
from bianzhi_app.accounts.roles import Permission, describe_needed, roles_label
from bianzhi_app.accounts.store import Account, Credentials
from bianzhi_app.areas import ApprovalsArea, PostsArea, QuotasArea, RegionArea, StaffArea, UnitsArea, _Preview
from bianzhi_app.catalog import Catalog
from bianzhi_app.db.engine import WRITE, make_engine
from bianzhi_app.db.migrate import refuse_unknown_revision, upgrade
from bianzhi_app.errors import Busy, InvalidInput, NotPermitted, NotSignedIn, server_unavailable
from bianzhi_app.kernel import Op, Tx, translate_integrity_error
from bianzhi_app.ledger import LedgerHead, read_head
from bianzhi_app.opening import PreparedBook, book_is_empty, default_actor, prepare
from bianzhi_app.packages.area import PackagesArea, RegionsArea
from bianzhi_app.personal import keyring
from bianzhi_app.personal.area import PeopleArea
from bianzhi_app.personal.crypto import PersonalKeys

# On a server, every committed write transaction NOTIFYs this channel (payload: the Book's notify_token), so
# the windows of other clerks LISTENing on it refresh (issue 17).
CHANGES_CHANNEL = "bianzhi_changes"
PERSONAL_DATA_REVISION = "0005"  # the migration that seals every ID number (issue 16)
P = ParamSpec("P")
R = TypeVar("R")


class BookTx:
    """One open write transaction of a book with the typed areas bound to it (`book.batch()`)."""

    def __init__(self, book: Book, tx: Tx, *, applying: bool = False):
        self.tx = tx
        self.region = RegionArea(book, tx, applying=applying)
        self.units = UnitsArea(book, tx, applying=applying)
        self.quotas = QuotasArea(book, tx, applying=applying)
        self.posts = PostsArea(book, tx, applying=applying)
        self.approvals = ApprovalsArea(book, tx, applying=applying)
        self.staff = StaffArea(book, tx, applying=applying)
        self.regions = RegionsArea(book, tx, applying=applying)

    def savepoint(self) -> Any:
        """Part of the batch that a refusal undoes alone (import --skip-invalid, demo)."""
        return self.tx.savepoint()


class Book:
    """One open establishment book. `book.units`, `book.staff` … are the operations by area."""

    def __init__(self, engine: Engine, *, actor: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        self.engine = engine
        self.actor = actor or default_actor()
        self.notify_token = uuid.uuid4().hex  # the payload of this Book's NOTIFY: a window skips its own commits
        self.clock = clock or (lambda: dt.datetime.now().astimezone())
        self.account: Account | None = None
        with engine.connect() as conn:
            self.catalog = Catalog.load(conn)
            self.has_accounts = store.has_accounts(conn)
            # a new book's chain replaces whatever the witness remembers for its path (restore sets it too)
            self.witness_fresh = read_head(conn).seq == 0
            # A book without accounts keeps its data key in an open wrap; else the key comes with a sign-in.
            self.personal: PersonalKeys | None = None if self.has_accounts else keyring.open_keys(conn)
        self.region = RegionArea(self)
        self.units = UnitsArea(self)
        self.quotas = QuotasArea(self)
        self.posts = PostsArea(self)
        self.approvals = ApprovalsArea(self)
        self.staff = StaffArea(self)
        self.accounts = AccountsArea(self)
        self.review = ReviewArea(self)
        self.audit = AuditArea(self)
        self.people = PeopleArea(self)
        self.regions = RegionsArea(self)
        self.packages = PackagesArea(self)

    # Set by `open`; a Book built directly on an engine has none of the file-level safety.
    path: Path | None = None
    read_only: bool = False
    read_only_reason: str | None = None  # set when the file cannot be written where it is (read-only media)
    # The pinned backup made just now before migrating a book whose ID numbers were still in clear (schema
    # before 0005): it holds them in clear, so the CLI and the window tell the user where it is.
    clear_ids_backup: Path | None = None
    _lock: Any = None
    _write_guard: Callable[[], None] | None = None

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, actor: str | None = None,
             clock: Callable[[], dt.datetime] | None = None, lock: bool = False, read_only: bool = False,
             check: bool = True, allow_unsafe_location: bool | None = None,
             startup_check: str = "full", account: Credentials | None = None,
             progress: Callable[[int, int], None] | None = None, anchored: bool = True) -> Book:
        """Open (creating and migrating as needed) the book at a path or URL.

        For a SQLite file, first: refuses a network / cloud-sync / removable location (UnsafeLocation,
        unless ``allow_unsafe_location`` or BIANZHI_ALLOW_UNSAFE_LOCATION=1); with ``lock`` (the window's
        session) takes the single-writer lock file or refuses with LockedByOther naming the holder; runs
        the fast start-up check and refuses a damaged file with BookCorrupt (never writing to it).
        ``read_only`` opens without migrating and refuses every change (for a book another program holds).
        ``startup_check="fast"`` does only the header and schema check here; the caller (the window) then
        runs ``safety.startup.startup_check`` itself in the background. "full" (the default) also runs the
        bounded quick_check before opening. Refuses any other value (ValueError).
        ``account``: sign in at once (refuses with NotSignedIn, closing the book); see `sign_in`.
        ``progress``: (done, total) while a migration seals the persons' ID numbers (see `from_prepared`).
        ``anchored`` (see `from_prepared`): False only for a restore, whose chain replaces the one anchored.
        The same in two steps: ``bianzhi_app.opening.prepare(...)`` then ``.open()``.
        """
        prepared = prepare(target, actor=actor, lock=lock, read_only=read_only, check=check,
                           allow_unsafe_location=allow_unsafe_location, startup_check=startup_check)
        book = cls.from_prepared(prepared, clock=clock, progress=progress, anchored=anchored)
        if account is not None:
            try:
                book.sign_in(account.name, account.password)
            except BaseException:
                book.close()
                raise
        return book

    @classmethod
    def from_prepared(cls, prepared: PreparedBook, *, clock: Callable[[], dt.datetime] | None = None,
                      progress: Callable[[int, int], None] | None = None, anchored: bool = True) -> Book:
        """The Book on a file that passed `opening.prepare`: engine, pending migrations (after a pinned, verified
        backup; all in one transaction; ``progress`` gets (done, total) persons while 0005 seals their ID numbers,
        from the calling thread), the barrier after taking the lock. Refuses (InvalidInput, StorageError …) as
        `Book.open` does, releasing the lock; a PreparedBook opens once (ValueError the second time).
        A book whose schema was changed by another tool, or (``anchored``) whose chain is behind or different
        from a head kept outside the file (the witness, its backups' manifests), opens read-only saying why."""
        from bianzhi_app.safety import session
        from bianzhi_app.safety.storage import storage_error

        prepared.claim()
        target, plan, read_only = prepared.target, prepared.plan, prepared.read_only
        engine = make_engine(target, read_only=read_only, immutable=prepared.read_only_reason is not None)
        clear_ids_backup: Path | None = None
        try:
            if read_only:
                session.require_current_schema(engine, target)
            else:
                if plan.report is not None:  # a newer program's book is refused before the pinned backup
                    refuse_unknown_revision(plan.report.revision, os.fspath(target))
                clear_ids_backup = _backup_before_migration(engine, plan.path)
                upgrade(engine, progress)
            if plan.lock is not None:
                with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
                    pass  # barrier: a CLI write that began before our lock file existed has now finished
            book = cls(engine, actor=prepared.actor, clock=clock)
        except BaseException as error:
            engine.dispose()
            if plan.lock is not None:
                plan.lock.release()
            if isinstance(error, exc.OperationalError) and plan.path is None:
                url = engine.url
                raise server_unavailable(str(error.orig), host=url.host or "", port=url.port,
                                         user=url.username or "", database=url.database or "") from error
            if isinstance(error, exc.DatabaseError):
                mapped = storage_error(error, plan.path.parent if plan.path else None)
                if mapped is not None:
                    raise mapped from error
                raise InvalidInput(f"无法打开数据库「{os.fspath(target)}」:"
                                   f"不是有效的编制台账文件({error.orig})") from error
            raise
        book.path = plan.path
        book.read_only = read_only
        book.read_only_reason = prepared.read_only_reason
        book.clear_ids_backup = clear_ids_backup
        if not read_only:
            _read_only_if_schema_changed(book)
        if anchored and not book.read_only:
            _read_only_if_behind_an_anchor(book)
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
            self._leave_witness()
            self.engine.dispose()
            if self._lock is not None:
                self._lock.release()
                self._lock = None
        return info

    def _leave_witness(self) -> None:
        """The head as this book closes, into the witness file (safety/anchors.py); best effort: a witness
        that cannot be written is no reason to fail closing."""
        if self.path is None:
            return
        from bianzhi_app.safety.anchors import record_witness

        try:
            with self.engine.connect() as conn:
                record_witness(self.path, read_head(conn), settings.witness_file(), conn, fresh=self.witness_fresh)
        except (OSError, exc.DBAPIError):
            pass

    @property
    def holds_lock(self) -> bool:
        """True when this Book holds the single-writer lock file (opened with ``lock=True``)."""
        return self._lock is not None and bool(self._lock.held)

    def backup(self, dest: str | os.PathLike[str] | None = None, *, reason: str = "manual") -> Any:
        """A verified backup now (integrity_check, manifest with the ledger head, atomic rename) into
        ``dest`` or the backup folder (then thinned); returns its BackupInfo.  A server book's backup is a verified
        copy into a SQLite file (`copying.backup_server_book`).  Refuses with BackupFailed."""
        from bianzhi_app.safety.session import backup_book

        if self.path is None:
            from bianzhi_app.copying import backup_server_book

            return backup_server_book(self.engine, dest, reason=reason)

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

    # --- who acts ----------------------------------------------------------------------------------

    def sign_in(self, name: str, password: str) -> Account:
        """Sign in: the account becomes the actor of every ledger entry. Refuses (NotSignedIn) an unknown
        name, a wrong password, a locked or disabled account; counts failures and locks the account after
        the policy's number in a row; logs the attempt (not on a book opened read-only)."""
        now = self.clock()
        name = store.validate_name(name)  # a name no account can have is refused before it reaches the log
        with self.read() as conn:
            outcome = store.sign_in(conn, name=name, password=password, now=now)
            personal = None
            if outcome.account is not None and outcome.kek is not None:
                personal = keyring.account_keys(conn, outcome.account.id, outcome.kek)
        if not self.read_only:
            with self.transact() as tx:
                store.record_sign_in(tx.conn, outcome, now)
        if outcome.error is not None:
            raise outcome.error
        assert outcome.account is not None
        self.account = outcome.account
        self.actor = outcome.account.name
        self.personal = personal
        return outcome.account

    def require(self, permission: Permission) -> None:
        """Refuse unless the signed-in account may do this: NotSignedIn (exit 7) when no one is signed in to a
        book with accounts or the password must be changed first, NotPermitted (exit 8) naming the role
        needed. A book without accounts (from before them) lets the program that opened it act as before."""
        account = self.account
        if account is None:
            if self.has_accounts:
                raise NotSignedIn("此台账设有账户:须先登录", field="account")
            return
        if account.must_change:
            raise NotSignedIn(f"账户「{account.name}」须先修改密码(首次登录、密码被重置或已过期)", field="password")
        if not account.may(permission):
            raise NotPermitted(f"账户「{account.name}」({roles_label(account.roles)})无此权限:"
                               f"{describe_needed(permission)}")

    def review_required(self) -> bool:
        """Whether a 机构编制事项 by the signed-in account is only proposed (review on, someone signed in)."""
        if self.account is None:
            return False
        with self.read() as conn:
            return store.read_policy(conn).review

    @contextmanager
    def within(self, tx: Tx | None) -> Iterator[Tx]:
        """The open transaction ``tx``, or a new one."""
        if tx is not None:
            yield tx
        else:
            with self.transact() as new:
                yield new

    def preview(self, tx: Tx, area: str, method: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """The ledger entry an area method would write now, run in a savepoint that is then undone."""
        try:
            with tx.savepoint():
                getattr(getattr(BookTx(self, tx, applying=True), area), method)(**arguments)
                raise _Preview(dict(tx.pending_entries()[-1]))
        except _Preview as preview:
            return preview.entry

    def apply_proposal(self, tx: Tx, record: ProposalRecord) -> Any:
        """Run an approved proposal's method in ``tx`` (opened with the proposer as actor, the approver set)."""
        return getattr(getattr(BookTx(self, tx, applying=True), record.area), record.method)(**record.arguments)

    def reload_catalog_after(self, changes: list[Any]) -> None:
        if any(change.op in (Op.KIND_ADD, Op.POST_KIND_ADD) for change in changes):
            with self.read() as conn:
                self.catalog = Catalog.load(conn)

    @contextmanager
    def transact(self, *, actor: str | None = None, approver: str | None = None) -> Iterator[Tx]:
        """One write transaction; commit on success, roll everything back on any error.  Refuses with
        ReadOnlyBook on a book opened read-only, LockedByOther when another program's window holds the
        book, StorageError when the disk is full or read-only (nothing is written then)."""
        if self.read_only:
            from bianzhi_app.safety.errors import ReadOnlyBook

            if self.read_only_reason is not None:
                name = self.path.name if self.path is not None else "数据库"
                raise ReadOnlyBook(f"「{name}」{self.read_only_reason},只能以只读方式打开:可以查看、打印报表、"
                                   "导出和备份,不能修改。")
            raise ReadOnlyBook("数据库是以只读方式打开的(另一个程序正在使用它),不能修改。")
        try:
            with self.engine.connect().execution_options(**{WRITE: True}) as conn:
                with conn.begin():
                    if self._write_guard is not None:
                        self._write_guard()  # under SQLite's write lock: refuse if a window holds the book
                    tx = Tx(conn, self.catalog, actor or self.actor, self.clock, approver=approver,
                            personal=self.personal)
                    yield tx
                    tx.flush()
                    if conn.dialect.name == "postgresql":  # delivered on commit: other windows refresh (issue 17)
                        conn.exec_driver_sql(f"NOTIFY {CHANGES_CHANNEL}, '{self.notify_token}'")
        except exc.IntegrityError as error:
            raise translate_integrity_error(error) from error
        except UnicodeEncodeError as error:  # a lone surrogate that no field check named reached SQLite
            raise InvalidInput("输入中含有无法保存的字符(孤立的代理码位),未作任何改动") from error
        except exc.OperationalError as error:
            if ((isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig))
                    or getattr(error.orig, "sqlstate", None) == "55P03"):  # PostgreSQL: lock_timeout
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
        self.reload_catalog_after(tx.changes)
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


def _read_only_if_schema_changed(book: Book) -> None:
    """A book whose triggers, constraints or indexes differ from the migrations' (edited with another tool)
    no longer enforces the rules itself: it opens read-only, saying which object (db.fingerprint)."""
    from bianzhi_app.db.fingerprint import schema_problems

    with book.engine.connect() as conn:
        problems = schema_problems(conn)
    if problems:
        book.read_only = True
        more = f"等{len(problems)}处" if len(problems) > 1 else ""
        first = problems[0].removeprefix("数据库结构被改动:")
        book.read_only_reason = (f"的数据库结构被程序之外的工具改动过({first}{more});请运行 check 核查,"
                                 "并从备份恢复")


def _read_only_if_behind_an_anchor(book: Book) -> None:
    """A chain cut back or re-hashed verifies from inside the file; a head kept outside it (safety/anchors.py)
    does not agree. Writing on would bury the difference under new entries: the book opens read-only, naming
    the anchor (its seq and short head)."""
    if book.path is None:
        return
    from bianzhi_app.safety.anchors import disagreement, known_anchors

    with book.engine.connect() as conn:
        reason = disagreement(conn, known_anchors(book.path, conn))
    if reason is not None:
        book.read_only = True
        book.read_only_reason = reason


def _backup_before_migration(engine: Engine, path: Path | None) -> Path | None:
    """A pinned, verified backup of a book whose schema is about to change (e.g. the one that adds accounts),
    so the office can go back to the book exactly as it was (a server book's: a SQLite file at its revision).
    Refuses to migrate when it cannot be made. Returns the backup's path when the book's ID numbers were still
    in clear (before 0005), else None."""
    from bianzhi_app.db import SCHEMA_HEAD
    from bianzhi_app.db.migrate import current_revision

    revision = current_revision(engine)
    if revision is None or revision == SCHEMA_HEAD:
        return None
    if path is None:  # a server book: a verified copy into a SQLite file at its revision, pinned
        from bianzhi_app.copying import backup_server_before_migration

        info = backup_server_before_migration(engine)
        return info.path if info is not None and revision < PERSONAL_DATA_REVISION else None
    from bianzhi_app.safety.backup import make_backup
    from bianzhi_app.safety.session import backup_dir

    with engine.connect() as conn:
        head = read_head(conn)
    info = make_backup(path, backup_dir(), pinned=True, manifest_extra={
        "ledger_head": {"seq": head.seq, "hash": head.hash, "alg": head.alg}, "book": str(path),
        "reason": "migration",
        "schema": revision})
    return info.path if revision < PERSONAL_DATA_REVISION else None
