"""The transaction kernel: what every operation is built from, and nothing that is an operation.

`Op` names each user-visible mutation (its value is the ledger label); a `Tx` is one open write
transaction that the ops check and write through and that appends their ledger entries; a `Change`
is what one op changed. The ops depend on this module; it depends on no op and on no `Book`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, exc, insert, select, update

from bianzhi_app.catalog import Catalog
from bianzhi_app.db.models import documents, ledger
from bianzhi_app.errors import (
    BianzhiError,
    DocumentRequired,
    InvalidInput,
    LedgerTampered,
    OnePersonOneSlot,
    PoolExceeded,
    PostLimitExceeded,
    QuotaExceeded,
    RefusedError,
)
from bianzhi_app.ledger import HASH_ALGS, HASHED_FIELDS, LedgerHead, canonical_json, entry_hash, read_head
from bianzhi_app.texts import DOC_NUMBER_MAX, DOC_TITLE_MAX, clean_line

if TYPE_CHECKING:
    from bianzhi_app.personal.crypto import PersonalKeys


class Op(StrEnum):
    """Each user-visible mutation; the value is its ledger label."""

    REGION_INIT = "region.init"
    POOL_SET = "pool.set"
    UNIT_ADD = "unit.add"
    UNIT_ESTABLISH = "unit.establish"
    UNIT_RENAME = "unit.rename"
    UNIT_ABOLISH = "unit.abolish"
    UNIT_MERGE = "unit.merge"
    UNIT_FUNCTIONS = "unit.functions"
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
    REGION_REGISTER = "region.register"
    REGION_PACKAGE = "region.package"

    @property
    def label(self) -> str:
        return OP_LABELS[self]


OP_LABELS = {
    Op.REGION_INIT: "建立编制台账", Op.POOL_SET: "核定编制总额", Op.UNIT_ADD: "设立机构", Op.UNIT_ESTABLISH: "建账",
    Op.UNIT_RENAME: "机构更名", Op.UNIT_ABOLISH: "撤销机构", Op.UNIT_MERGE: "机构合并",
    Op.UNIT_FUNCTIONS: "核定主要职责",
    Op.QUOTA_SET: "核定编制", Op.QUOTA_TRANSFER: "编制划转", Op.POSTS_SET: "核定领导职数",
    Op.APPROVAL_ADD: "用编核准", Op.APPROVAL_CANCEL: "撤销用编核准", Op.APPROVAL_EXPIRE: "用编核准到期",
    Op.PERSON_ENTER: "入编", Op.PERSON_LEAVE: "出编", Op.PERSON_TRANSFER: "调动",
    Op.PERSON_CHANGE_KIND: "变更编制类型", Op.PERSON_APPOINT: "任职", Op.PERSON_DISMISS: "免职",
    Op.KIND_ADD: "增设编制类型", Op.POST_KIND_ADD: "增设职务类别", Op.SNAPSHOT: "季度数据封存",
    Op.LOCK_BROKEN: "解除失效锁", Op.BOOK_RESTORED: "从备份恢复",
    Op.REGION_REGISTER: "登记下级地区", Op.REGION_PACKAGE: "接收下级数据包",
}


@dataclass(frozen=True, slots=True)
class Change:
    """What one operation changed, for the caller and for views that refresh from it.

    ``result`` is what the op made, where it made something: the new unit's or kind's id, the
    person's id, the approval number, the quarter label of a snapshot. ``proposal`` is the number of the
    proposal (待审事项) kept instead, while review is on; nothing changed then."""

    op: Op
    seq: int
    unit_ids: frozenset[int] = frozenset()
    person_ids: frozenset[int] = frozenset()
    result: int | str | None = None
    proposal: int | None = None  # set instead of a ledger entry (seq 0) when a clerk only proposed the change


class Tx:
    """One open write transaction: the connection, the actor and the ledger writer."""

    def __init__(self, conn: Connection, catalog: Catalog, actor: str, clock: Callable[[], dt.datetime],
                 approver: str | None = None, personal: PersonalKeys | None = None):
        self.conn = conn
        self.personal = personal  # the book's unwrapped keys: sealing and hashing ID numbers
        self.catalog = catalog
        self.actor = actor
        self.approver = approver  # the reviewer who approved the change this transaction applies
        self.clock = clock
        self.today = clock().date()
        self.head: LedgerHead = read_head(conn)
        self.hash_alg = self.head.alg  # an empty book's first op (region.init) may choose "sm3"
        self._head_verified = False
        self.changes: list[Change] = []
        self._pending: list[dict[str, Any]] = []
        self._documents: dict[str, int] = {}

    def keys(self) -> PersonalKeys:
        """The keys that seal and hash ID numbers; refuses (NotSignedIn) when nobody who holds them signed in."""
        if self.personal is None:
            from bianzhi_app.errors import NotSignedIn

            raise NotSignedIn("须先登录才能处理身份证号(个人信息的密钥随登录解开)", field="account")
        return self.personal

    def effective(self, on: dt.date | None) -> dt.date:
        """The date an operation takes effect: today, or a past date; never the future."""
        if on is None:
            return self.today
        if on > self.today:
            raise InvalidInput(f"日期{on.isoformat()}晚于今天({self.today.isoformat()}),不能登记未来的变动",
                               field="date")
        return on

    def document(self, number: str | None, title: str | None = None, issued_on: dt.date | None = None) -> int:
        """The id of document `number`, created on first use. Refuses a missing number (rule 8), and a number or
        title holding an invisible character or too long to print."""
        number = require_document(number)
        if title is not None:
            try:
                title = clean_line(title, "文件标题", DOC_TITLE_MAX, required=False) or None
            except ValueError as problem:
                raise InvalidInput(str(problem), field="doc") from None
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
               detail: Any = None, person_ids: set[int] | None = None, result: int | str | None = None,
               extra_units: set[int] | None = None) -> Change:
        """Append the ledger entry of one operation (written at commit, in order). Refuses (LedgerTampered)
        when the newest entry in the book no longer matches its hash."""
        if not self._head_verified:
            self.verify_head()
        seq = self.head.seq + 1
        row: dict[str, Any] = {
            "seq": seq, "at": self.clock().isoformat(timespec="seconds"), "effective_on": effective_on,
            "actor": self.actor, "op": op.value, "unit_id": unit_id, "unit_name": unit_name,
            "document_number": normalize_doc_number(document_number) or None,
            "before": canonical_json(before or {}), "after": canonical_json(after or {}),
            "detail": canonical_json(detail or {}), "prev_hash": self.head.hash, "approver": self.approver,
        }
        row["hash"] = entry_hash(row, self.hash_alg)
        self._pending.append(row)
        self.head = LedgerHead(seq, row["hash"], self.hash_alg)
        units = set(extra_units or ())
        if unit_id is not None:
            units.add(unit_id)
        change = Change(op, seq, frozenset(units), frozenset(person_ids or ()), result)
        self.changes.append(change)
        return change

    def verify_head(self) -> None:
        """Recompute the newest entry's hash (one row, O(1)) before anything is chained onto it; refuses
        with LedgerTampered naming the entry when it was edited (or its algorithm is unknown). Marked verified
        only once it passed: a refusal caught by a savepoint (import --skip-invalid) refuses the next op too."""
        if self.head.seq == 0:
            if self.hash_alg not in HASH_ALGS:
                raise InvalidInput(f"未知的哈希算法「{self.hash_alg}」", field="code")
            self._head_verified = True
            return
        seq = self.head.seq
        if self.hash_alg not in HASH_ALGS:
            raise LedgerTampered(f"台账第1条记载的哈希算法「{self.hash_alg}」无法识别(记录被改动),已拒绝写入;"
                                 f"请运行 check 核查,并从备份恢复")
        columns = [ledger.c[name] for name in (*HASHED_FIELDS, "approver", "hash")]
        last = self.conn.execute(select(*columns).where(ledger.c.seq == seq)).first()
        if last is None or entry_hash(dict(last._mapping), self.hash_alg) != last.hash:
            raise LedgerTampered(f"台账第{seq}条(最新一条)的内容与其哈希不符,台账在程序之外被改动过,已拒绝写入;"
                                 f"请运行 check 核查,并从备份恢复")
        self._head_verified = True

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

    def pending_entries(self) -> list[dict[str, Any]]:
        """The ledger entries this transaction will write at commit, oldest first."""
        return self._pending

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
        raise DocumentRequired("此项变动必须注明文件依据(文号),如 杨编发〔2026〕12号", field="doc")
    return number


def normalize_doc_number(number: str | None) -> str:
    """Trim and use the 〔〕 brackets a 文号 requires, whatever brackets were typed. Refuses (InvalidInput) a
    number holding a control, bidi or other invisible character, or longer than texts.DOC_NUMBER_MAX."""
    if number is None:
        return ""
    try:
        text = clean_line(number, "文号", DOC_NUMBER_MAX, required=False)
    except ValueError as problem:
        raise InvalidInput(str(problem), field="doc") from None
    for wrong_open, wrong_close in (("[", "]"), ("【", "】"), ("(", ")"), ("（", "）"), ("［", "］")):
        start = text.find(wrong_open)
        if start >= 0 and text[start + 1:start + 5].isdigit() and text[start + 5:start + 6] == wrong_close:
            text = text[:start] + "〔" + text[start + 1:start + 5] + "〕" + text[start + 6:]
    return text


# Each backstop of the schema (0001_initial) → the error class, field and words of the op's own check of
# that rule: a refusal reads the same whether the op, SQLite or PostgreSQL caught it (names as each reports them:
# SQLite "CHECK constraint failed: quota_within_limit", "UNIQUE constraint failed: persons.id_hash"; PostgreSQL
# 'violates check constraint "quota_within_limit"', 'violates unique constraint "ix_persons_id_hash"').
_BACKSTOPS: tuple[tuple[tuple[str, ...], type[RefusedError], str, str], ...] = (
    (("quota_within_limit",), QuotaExceeded, "count", "实有与在途超出核定编制数"),
    (("pool_within_total",), PoolExceeded, "count", "各单位核定编制超出编制总额"),
    (("posts_within_limit",), PostLimitExceeded, "post", "实配超出领导职数"),
    (("ix_staffing_one_open", "staffing_periods.person_id"), OnePersonOneSlot, "id_number",
     "一人一编:该人员已占用编制"),
    (("persons.id_hash", "ix_persons_id_hash"), OnePersonOneSlot, "id_number", "一人一编:该身份证号已登记为他人"),
)


def translate_integrity_error(error: exc.IntegrityError) -> BianzhiError:
    """The database backstop fired: give the same error class (and field) the op's own check raises."""
    text = str(error.orig).strip()
    diag = getattr(error.orig, "diag", None)  # psycopg: the constraint's name, also when the message is translated
    constraint = getattr(diag, "constraint_name", None) or ""
    for names, error_class, field, what in _BACKSTOPS:
        if any(name in text or name == constraint for name in names):
            return error_class(f"数据库约束拒绝了此项变动({what}):{text}", field=field)
    return RefusedError(f"数据库约束拒绝了此项变动:{text}")

