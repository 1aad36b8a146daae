"""The establishment book: one facade over the open database.

Every change runs through `Book.transact()`: one write transaction (BEGIN IMMEDIATE on
SQLite) in which the operation checks the rules, writes, and appends its ledger entry; on
any error everything is rolled back. Operations live in `bianzhi_app.ops` and take the
`Tx` as their first argument, so a batch (import, demo) runs many operations in one
transaction through exactly the same code.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, exc, insert, select, update

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.engine import WRITE, make_engine
from bianzhi_app.db.migrate import upgrade
from bianzhi_app.db.models import documents, ledger
from bianzhi_app.errors import BianzhiError, Busy, DocumentRequired, InvalidInput, QuotaExceeded, RefusedError
from bianzhi_app.ledger import LedgerHead, canonical_json, entry_hash, read_head
from bianzhi_app.opening import PreparedBook, book_is_empty, default_actor, prepare


class Op(StrEnum):
    """Each user-visible mutation; the value is its ledger label."""

    REGION_INIT = "region.init"
    POOL_SET = "pool.set"
    UNIT_ADD = "unit.add"
    UNIT_RENAME = "unit.rename"
    UNIT_ABOLISH = "unit.abolish"
    UNIT_MERGE = "unit.merge"
    QUOTA_SET = "quota.set"
    QUOTA_TRANSFER = "quota.transfer"
    POSTS_SET = "posts.set"
    APPROVAL_ADD = "approval.add"
    APPROVAL_CANCEL = "approval.cancel"
    APPROVAL_EXPIRE = "approval.expire"
    PERSON_ENTER = "person.enter"
    PERSON_LEAVE = "person.leave"
    PERSON_TRANSFER = "person.transfer"
    PERSON_CHANGE_KIND = "person.change_kind"
    PERSON_APPOINT = "person.appoint"
    PERSON_DISMISS = "person.dismiss"
    KIND_ADD = "kind.add"
    POST_KIND_ADD = "post_kind.add"
    SNAPSHOT = "snapshot"
    LOCK_BROKEN = "lock.broken"
    BOOK_RESTORED = "book.restore"

    @property
    def label(self) -> str:
        return OP_LABELS[self]


OP_LABELS = {
    Op.REGION_INIT: "建立编制台账", Op.POOL_SET: "核定编制总额", Op.UNIT_ADD: "设立机构",
    Op.UNIT_RENAME: "机构更名", Op.UNIT_ABOLISH: "撤销机构", Op.UNIT_MERGE: "机构合并",
    Op.QUOTA_SET: "核定编制", Op.QUOTA_TRANSFER: "编制划转", Op.POSTS_SET: "核定领导职数",
    Op.APPROVAL_ADD: "用编核准", Op.APPROVAL_CANCEL: "撤销用编核准", Op.APPROVAL_EXPIRE: "用编核准到期",
    Op.PERSON_ENTER: "入编", Op.PERSON_LEAVE: "出编", Op.PERSON_TRANSFER: "调动",
    Op.PERSON_CHANGE_KIND: "变更编制类型", Op.PERSON_APPOINT: "任职", Op.PERSON_DISMISS: "免职",
    Op.KIND_ADD: "增设编制类型", Op.POST_KIND_ADD: "增设职务类别", Op.SNAPSHOT: "季度数据封存",
    Op.LOCK_BROKEN: "解除失效锁", Op.BOOK_RESTORED: "从备份恢复",
}


@dataclass
class Change:
    """What one operation changed, for the caller and for views that refresh from it."""

    op: Op
    seq: int
    unit_ids: set[int] = field(default_factory=set)
    person_ids: set[int] = field(default_factory=set)
    result: Any = None


class Tx:
    """One open write transaction: the connection, the actor and the ledger writer."""

    def __init__(self, conn: Connection, catalog: Catalog, actor: str, clock: Callable[[], dt.datetime]):
        self.conn = conn
        self.catalog = catalog
        self.actor = actor
        self.clock = clock
        self.today = clock().date()
        self.head: LedgerHead = read_head(conn)
        self.changes: list[Change] = []
        self._pending: list[dict[str, Any]] = []
        self._documents: dict[str, int] = {}

    def effective(self, on: dt.date | None) -> dt.date:
        """The date an operation takes effect: today, or a past date; never the future."""
        if on is None:
            return self.today
        if on > self.today:
            raise InvalidInput(f"日期{on.isoformat()}晚于今天({self.today.isoformat()}),不能登记未来的变动")
        return on

    def document(self, number: str | None, title: str | None = None, issued_on: dt.date | None = None) -> int:
        """The id of document `number`, created on first use. Refuses a missing number (rule 8)."""
        number = require_document(number)
        if number in self._documents and not title:
            return self._documents[number]
        row = self.conn.execute(select(documents.c.id, documents.c.title).where(documents.c.number == number)).first()
        doc_id = row.id if row else None
        if row is not None and title and not row.title:
            self.conn.execute(update(documents).where(documents.c.id == row.id).values(title=title))
        if doc_id is None:
            doc_id = new_id(self.conn.execute(insert(documents).values(
                number=number, title=title, issuer=None, issued_on=issued_on or self.today)))
        self._documents[number] = doc_id
        return doc_id

    def record(self, op: Op, *, unit_id: int | None, unit_name: str | None, effective_on: dt.date,
               document_number: str | None = None, before: Any = None, after: Any = None,
               detail: Any = None, person_ids: set[int] | None = None, result: Any = None,
               extra_units: set[int] | None = None) -> Change:
        """Append the ledger entry of one operation (written at commit, in order)."""
        seq = self.head.seq + 1
        row: dict[str, Any] = {
            "seq": seq, "at": self.clock().isoformat(timespec="seconds"), "effective_on": effective_on,
            "actor": self.actor, "op": op.value, "unit_id": unit_id, "unit_name": unit_name,
            "document_number": normalize_doc_number(document_number) or None,
            "before": canonical_json(before or {}), "after": canonical_json(after or {}),
            "detail": canonical_json(detail or {}), "prev_hash": self.head.hash,
        }
        row["hash"] = entry_hash(row)
        self._pending.append(row)
        self.head = LedgerHead(seq, row["hash"])
        units = set(extra_units or ())
        if unit_id is not None:
            units.add(unit_id)
        change = Change(op, seq, units, set(person_ids or ()), result)
        self.changes.append(change)
        return change

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Run part of a batch so that a refusal undoes only that part (import --skip-invalid, demo)."""
        head, pending, changes = self.head, len(self._pending), len(self.changes)
        nested = self.conn.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            self.head = head
            del self._pending[pending:]
            del self.changes[changes:]
            self._documents.clear()
            raise
        nested.commit()

    def flush(self) -> None:
        if self._pending:
            self.conn.execute(insert(ledger), self._pending)
            self._pending.clear()


def new_id(result: Any) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def require_document(number: str | None) -> str:
    """The normalised document number; refuses a missing one (rule 8) without writing anything."""
    number = normalize_doc_number(number)
    if not number:
        raise DocumentRequired("此项变动必须注明文件依据(文号),如 杨编发〔2026〕12号")
    return number


def normalize_doc_number(number: str | None) -> str:
    """Trim and use the 〔〕 brackets a 文号 requires, whatever brackets were typed."""
    if number is None:
        return ""
    text = "".join(str(number).split())
    for wrong_open, wrong_close in (("[", "]"), ("【", "】"), ("(", ")"), ("（", "）"), ("［", "］")):
        start = text.find(wrong_open)
        if start >= 0 and text[start + 1:start + 5].isdigit() and text[start + 5:start + 6] == wrong_close:
            text = text[:start] + "〔" + text[start + 1:start + 5] + "〕" + text[start + 6:]
    return text


class Book:
    """One open establishment book. `book.units`, `book.staff` … are the operations by area."""

    def __init__(self, engine: Engine, *, actor: str | None = None,
                 clock: Callable[[], dt.datetime] | None = None):
        self.engine = engine
        self.actor = actor or default_actor()
        self.clock = clock or (lambda: dt.datetime.now().astimezone())
        with engine.connect() as conn:
            self.catalog = Catalog.load(conn)
        from bianzhi_app import managers  # the areas import the ops, which import this module

        self.region = managers.RegionArea(self)
        self.units = managers.UnitsArea(self)
        self.quotas = managers.QuotasArea(self)
        self.approvals = managers.ApprovalsArea(self)
        self.staff = managers.StaffArea(self)

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
        return prepared.open(clock=clock)

    @classmethod
    def from_prepared(cls, prepared: PreparedBook, *, clock: Callable[[], dt.datetime] | None = None) -> Book:
        """The Book on a file that passed `opening.prepare` (use `PreparedBook.open()`): engine, pending
        migrations, the barrier after taking the lock. Releases the lock on any refusal."""
        from bianzhi_app.safety import session
        from bianzhi_app.safety.storage import storage_error

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

    @classmethod
    def break_stale_lock(cls, target: str | os.PathLike[str], *, actor: str | None = None) -> Any:
        """Remove the lock left by a program that is no longer running (same computer, dead process) and
        record it in the ledger (Op.LOCK_BROKEN, the old holder in the detail); returns the old Holder.
        Refuses with LockNotStale when the holder may be alive or is on another computer."""
        from bianzhi_app.safety.session import break_stale_lock

        return break_stale_lock(target, actor=actor)[0]

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

    def run(self, op_function: Callable[..., Change], /, *args: Any, **kwargs: Any) -> Change:
        """Run one operation in its own transaction and return what it changed."""
        with self.transact() as tx:
            change = op_function(tx, *args, **kwargs)
        if change.op in (Op.KIND_ADD, Op.POST_KIND_ADD):
            with self.read() as conn:
                self.catalog = Catalog.load(conn)
        return change

    def is_empty(self) -> bool:
        with self.read() as conn:
            return book_is_empty(conn)

    def head(self) -> LedgerHead:
        with self.read() as conn:
            return read_head(conn)


def translate_integrity_error(error: exc.IntegrityError) -> BianzhiError:
    """The database backstop fired: give the same kind of error the ops layer would have."""
    text = str(error.orig)
    if "quota_within_limit" in text or "posts_within_limit" in text or "pool_within_total" in text:
        return QuotaExceeded(f"数据库约束拒绝了此项变动(超出核定数):{text}")
    if "ix_staffing_one_open" in text or "staffing_periods.person_id" in text:
        return RefusedError("数据库约束拒绝了此项变动(一人一编):该人员已占用编制")
    return RefusedError(f"数据库约束拒绝了此项变动:{text}")

