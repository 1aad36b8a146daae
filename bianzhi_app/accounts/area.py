"""The typed API of accounts, review and the security log: `book.accounts`, `book.review`, `book.audit`.

Every method checks the signed-in account's role here (`Book.require`), as the areas of operations do;
each change writes its security-log event in the same transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from bianzhi_app.accounts import review, seclog, store
from bianzhi_app.accounts.passwords import make_secret, new_recovery_key, normalize_recovery_key, unlock_secret
from bianzhi_app.accounts.roles import Permission, Role, parse_roles
from bianzhi_app.accounts.seclog import Event
from bianzhi_app.db.models import recovery_keys
from bianzhi_app.errors import InvalidInput, NotPermitted, NotSignedIn, StateRefused
from bianzhi_app.kernel import Change
from bianzhi_app.personal import keyring

if TYPE_CHECKING:
    from bianzhi_app.book import Book
    from bianzhi_app.personal.crypto import PersonalKeys


class AccountsArea:
    """Accounts, roles and the security policy (系统管理员), one's own password, the first admin."""

    def __init__(self, book: Book):
        self._book = book

    def _now(self) -> dt.datetime:
        return self._book.clock()

    def _by(self) -> str:
        account = self._book.account
        return account.name if account is not None else self._book.actor

    def create_first(self, *, name: str, password: str) -> str:
        """The first admin of a book without accounts (a new book, or one from before accounts); returns
        the recovery key, to be shown once. The book's data key moves from its open wrap to the admin's and the
        recovery key's. Refuses a book that has accounts."""
        with self._book.transact() as tx:
            if store.has_accounts(tx.conn):
                raise StateRefused("此台账已设有账户;新增账户须由系统管理员登录后办理", field="account")
            keys = keyring.open_keys(tx.conn)
            store.add_account(tx.conn, name=name, roles=frozenset({Role.ADMIN}), password=password,
                              must_change=False, by=name.strip(), now=self._now(), keys=keys, detail={"first": True})
            key = _new_recovery_key(tx.conn, self._now(), keys)
            keyring.drop_open(tx.conn)
        self._book.has_accounts = True
        self._book.personal = None  # from now on the key comes with a sign-in
        return key

    def recover_admin(self, *, recovery_key: str, name: str, password: str) -> str:
        """With the recovery key printed at `init`: (re)create admin ``name`` with a new password and unlock it,
        when every admin password is lost. Returns the new recovery key (the old one no longer works)."""
        with self._book.transact() as tx:
            stored = tx.conn.execute(select(recovery_keys.c.key_hash).order_by(recovery_keys.c.id.desc())).first()
            kek = None if stored is None else unlock_secret(normalize_recovery_key(recovery_key), stored.key_hash)
            if kek is None:
                seclog.append(tx.conn, account=name[:64] or "?", event=Event.SIGN_IN_FAILED, at=self._now(),
                              detail={"reason": "recovery_key"})
                failed = NotSignedIn("恢复密钥不正确", field="recovery_key")
            else:
                failed = None
                keys = keyring.recovery_keys(tx.conn, kek)
                existing = {a.name: a for a in store.list_accounts(tx.conn)}
                if name in existing:
                    if existing[name].roles != frozenset({Role.ADMIN}):
                        raise StateRefused(f"账户「{name}」不是系统管理员;请另起一个账户名", field="account")
                    store.set_password(tx.conn, name=name, password=password, by=name, now=self._now(),
                                       must_change=False, keys=keys)
                    store.unlock(tx.conn, name=name, by=name, now=self._now())
                else:
                    store.add_account(tx.conn, name=name, roles=frozenset({Role.ADMIN}), password=password,
                                      must_change=False, by=name, now=self._now(), keys=keys,
                                      detail={"recovery": True})
                key = _new_recovery_key(tx.conn, self._now(), keys)
        if failed is not None:
            raise failed
        return key

    def add(self, *, name: str, roles: Iterable[str | Role], password: str, must_change: bool = True
            ) -> store.AccountRecord:
        self._book.require(Permission.ACCOUNTS)
        parsed = parse_roles(roles)
        with self._book.transact() as tx:
            return store.add_account(tx.conn, name=name, roles=parsed, password=password, must_change=must_change,
                                     by=self._by(), now=self._now(), keys=self._book.personal)

    def list(self) -> list[store.AccountRecord]:
        self._book.require(Permission.ACCOUNTS)
        with self._book.read() as conn:
            return store.list_accounts(conn)

    def lock(self, *, name: str) -> None:
        self._admin_change(store.lock, name=name)

    def disable(self, *, name: str) -> None:
        self._admin_change(store.lock, name=name, disable=True)

    def unlock(self, *, name: str) -> None:
        self._admin_change(store.unlock, name=name)

    def set_roles(self, *, name: str, roles: Iterable[str | Role]) -> None:
        parsed = parse_roles(roles)
        self._admin_change(store.set_roles, name=name, roles=parsed)

    def reset_password(self, *, name: str, password: str) -> None:
        """Set a new password that the account must change at its next sign-in (the data key is re-wrapped for it
        with the admin session's key; the admin still may not reveal ID numbers)."""
        self._admin_change(store.set_password, name=name, password=password, must_change=True,
                           keys=self._book.personal)

    def _admin_change(self, function: Any, **kwargs: Any) -> None:
        self._book.require(Permission.ACCOUNTS)
        with self._book.transact() as tx:
            function(tx.conn, by=self._by(), now=self._now(), **kwargs)

    def change_password(self, *, current: str, new: str) -> None:
        """Change one's own password (also when the change is forced); refuses a wrong current password."""
        account = self._book.account
        if account is None:
            raise NotSignedIn("须先登录才能修改密码", field="account")
        with self._book.transact() as tx:
            if not store.sign_in(tx.conn, name=account.name, password=current, now=self._now()).account:
                failed = True
            else:
                failed = False
                store.set_password(tx.conn, name=account.name, password=new, by=account.name, now=self._now(),
                                   must_change=False, keys=self._book.personal)
        if failed:
            raise NotSignedIn("当前密码不正确", field="password")
        self._book.account = store.Account(account.id, account.name, account.roles, must_change=False)

    def policy(self) -> store.Policy:
        """The policy as it stands (any signed-in account: the window needs its idle time)."""
        with self._book.read() as conn:
            return store.read_policy(conn)

    def set_policy(self, *, name: str, value: str) -> store.Policy:
        self._book.require(Permission.ACCOUNTS)
        with self._book.transact() as tx:
            return store.set_policy(tx.conn, name=name, value=value, by=self._by(), now=self._now())


def _new_recovery_key(conn: Any, now: dt.datetime, keys: PersonalKeys | None) -> str:
    """A new recovery key (its verifier stored) with the data key wrapped for it, replacing the old wrap."""
    key = new_recovery_key()
    verifier, kek = make_secret(key)
    conn.execute(insert(recovery_keys).values(key_hash=verifier, created_at=now.isoformat(timespec="seconds")))
    if keys is None:
        raise StateRefused("个人信息密钥未解开,不能生成恢复密钥", field="recovery_key")
    keyring.wrap(conn, keys, kek, now, account_id=None)
    return key


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposal as the reviewer sees it: as proposed, and its figures now when they have moved since."""

    proposal: review.ProposalRecord
    current_before: dict[str, Any] | None = None  # None: unchanged since proposed (or decided)
    current_after: dict[str, Any] | None = None
    refusal: str | None = None  # what the rules would say now, when they would refuse it

    @property
    def moved(self) -> bool:
        return self.current_before is not None


class ReviewArea:
    """Proposals (待审事项): list, show with today's figures, approve (applies it), reject with a reason."""

    def __init__(self, book: Book):
        self._book = book

    def list(self, *, status: str | None = "pending", mine: bool = False) -> list[review.ProposalRecord]:
        self._book.require(Permission.READ)
        account = self._book.account
        with self._book.read() as conn:
            return review.listing(conn, status=status, proposer=account.name if mine and account else None)

    def pending_count(self) -> int:
        with self._book.read() as conn:
            return review.pending_count(conn)

    def show(self, *, number: int) -> ProposalView:
        self._book.require(Permission.READ)
        with self._book.read() as conn:
            record = review.get(conn, number)
        if record.status != "pending" or self._book.read_only:
            return ProposalView(record)
        try:
            with self._book.transact() as tx:
                entry = self._book.preview(tx, record.area, record.method, record.arguments)
        except Exception as error:  # the rules refuse it now: say so, the reviewer decides
            from bianzhi_app.errors import BianzhiError

            if not isinstance(error, BianzhiError):
                raise
            return ProposalView(record, refusal=error.message)
        import json

        before, after = json.loads(entry["before"]), json.loads(entry["after"])
        if before == record.before and after == record.after:
            return ProposalView(record)
        return ProposalView(record, before, after)

    def approve(self, *, number: int) -> Change:
        """Apply a proposal as one operation and one ledger entry naming proposer and approver; the rules are
        checked now (a refusal leaves it pending). Refuses one's own proposal."""
        book = self._book
        book.require(Permission.REVIEW)
        me = _signed_in(book)
        with book.read() as conn:
            record = review.get(conn, number)
        _may_decide(record, me)
        with book.transact(actor=record.proposer, approver=me) as tx:
            change = book.apply_proposal(tx, record)
            review.decide(tx.conn, number=number, status="approved", by=me, now=book.clock(), ledger_seq=change.seq)
            seclog.append(tx.conn, account=me, event=Event.PROPOSAL_APPROVED, at=book.clock(),
                          detail={"number": number, "proposer": record.proposer, "seq": change.seq})
        book.reload_catalog_after([change])
        return change

    def reject(self, *, number: int, reason: str) -> None:
        book = self._book
        book.require(Permission.REVIEW)
        me = _signed_in(book)
        text = " ".join(str(reason or "").split())
        if not text:
            raise InvalidInput("退回须写明理由", field="reason")
        if len(text) > 500:
            raise InvalidInput("退回理由太长:最多500个字", field="reason")
        with book.transact() as tx:
            record = review.get(tx.conn, number)
            _may_decide(record, me)
            review.decide(tx.conn, number=number, status="rejected", by=me, now=book.clock(), reason=text)
            seclog.append(tx.conn, account=me, event=Event.PROPOSAL_REJECTED, at=book.clock(),
                          detail={"number": number, "proposer": record.proposer, "reason": text})


def _signed_in(book: Book) -> str:
    if book.account is None:
        raise NotSignedIn("须先登录", field="account")
    return book.account.name


def _may_decide(record: review.ProposalRecord, me: str) -> None:
    if record.status != "pending":
        raise StateRefused(f"第{record.number}号待审事项已{record.status_label},不能再审核", field="proposal")
    if record.proposer == me:
        raise NotPermitted(f"第{record.number}号待审事项是您本人提出的,须由另一位审核人审核(不能审核自己的事项)")


class AuditArea:
    """The security log, for the auditor (安全审计员)."""

    def __init__(self, book: Book):
        self._book = book

    def events(self, *, since: dt.date | None = None, event: str | None = None) -> list[seclog.SecurityEvent]:
        self._book.require(Permission.AUDIT)
        if event is not None and event not in {e.value for e in Event}:
            known = "、".join(e.value for e in Event)
            raise InvalidInput(f"未知的事件类型「{event[:30]}」;可选:{known}", field="policy")
        with self._book.read() as conn:
            return seclog.events(conn, since=since, event=event)

    def record(self, *, event: Event, detail: dict[str, Any]) -> None:
        """Log a reveal or an export by the signed-in account (called by the code that does it)."""
        with self._book.transact() as tx:
            seclog.append(tx.conn, account=_signed_in(self._book), event=event, at=self._book.clock(), detail=detail)
