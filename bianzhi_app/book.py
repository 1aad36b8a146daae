"""The establishment book: one facade over the open database.

Every change runs through `Book.transact()`: one write transaction (BEGIN IMMEDIATE on
SQLite) in which the operation checks the rules, writes, and appends its ledger entry; on
any error everything is rolled back. Operations live in `bianzhi_app.ops` and take the
`Tx` as their first argument, so a batch (import, demo) runs many operations in one
transaction through exactly the same code.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, exc, insert, inspect, select, update

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.engine import WRITE, make_engine
from bianzhi_app.db.migrate import upgrade
from bianzhi_app.db.models import documents, ledger, regions
from bianzhi_app.errors import BianzhiError, Busy, DocumentRequired, InvalidInput, QuotaExceeded, RefusedError
from bianzhi_app.ledger import LedgerHead, canonical_json, entry_hash, read_head


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


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (service accounts, some containers)
        return "unknown"


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
        number = normalize_doc_number(number)
        if not number:
            raise DocumentRequired("此项变动必须注明文件依据(文号),如 杨编发〔2026〕12号")
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

    @classmethod
    def open(cls, target: str | os.PathLike[str], *, actor: str | None = None,
             clock: Callable[[], dt.datetime] | None = None) -> Book:
        """Open (creating and migrating as needed) the book at a path or URL."""
        engine = make_engine(target)
        try:
            upgrade(engine)
        except exc.DatabaseError as error:
            engine.dispose()
            raise InvalidInput(f"无法打开数据库「{os.fspath(target)}」:不是有效的编制台账文件({error.orig})") from error
        return cls(engine, actor=actor, clock=clock)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transact(self) -> Iterator[Tx]:
        """One write transaction; commit on success, roll everything back on any error."""
        try:
            with self.engine.connect().execution_options(**{WRITE: True}) as conn:
                with conn.begin():
                    tx = Tx(conn, self.catalog, self.actor, self.clock)
                    yield tx
                    tx.flush()
        except exc.IntegrityError as error:
            raise translate_integrity_error(error) from error
        except exc.OperationalError as error:
            if isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig):
                raise Busy("数据库正被其他程序写入,等待超时;请稍后重试") from error
            raise

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
            return conn.execute(select(regions.c.id).limit(1)).first() is None

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


def table_exists(engine: Engine, name: str) -> bool:
    with engine.connect() as conn:
        return inspect(conn).has_table(name)
