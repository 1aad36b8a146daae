"""Accounts, the security policy and signing in, on an open transaction (SQLAlchemy Connection).

The typed API (`bianzhi_app.accounts.area`) calls these with the permission already checked; each
change writes its security-log event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from bianzhi_app.accounts import seclog
from bianzhi_app.accounts.passwords import check_strength, make_secret, verify_secret
from bianzhi_app.accounts.roles import Role, decode_roles, encode_roles
from bianzhi_app.accounts.seclog import Event
from bianzhi_app.accounts.signin import (  # the sign-in check in plain SQL (the window runs it before SQLAlchemy)
    LOCKED_FOR_GOOD,
    POLICY_RANGES,
    Account,
    Policy,
    SignInOutcome,
    read_policy,
)
from bianzhi_app.accounts.signin import has_accounts as has_accounts
from bianzhi_app.accounts.signin import sign_in as sign_in
from bianzhi_app.db.models import accounts_t, password_history, policy_t
from bianzhi_app.errors import InvalidInput, NotFound, StateRefused

if TYPE_CHECKING:
    from bianzhi_app.personal.crypto import PersonalKeys

PASSWORD_HISTORY = 5  # the last five passwords are not reused


@dataclass(frozen=True, slots=True)
class Credentials:
    """A name and password to sign in with (``Book.open(path, account=Credentials(…))``); never printed."""

    name: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """One account as the admin sees it (never its hash)."""

    name: str
    roles: frozenset[Role]
    disabled: bool
    locked_until: str | None
    must_change: bool
    failed_count: int
    created_at: str
    password_changed_at: str


POLICY_LABELS = {"review": "编制事项审核", "lockout-attempts": "连续登录失败锁定次数",
                 "lockout-minutes": "锁定时长(分钟)", "idle-minutes": "无操作自动锁屏(分钟)",
                 "password-min-length": "密码最短长度", "password-max-days": "密码有效期(天,0为不过期)"}


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def validate_name(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    if not text:
        raise InvalidInput("账户名不能为空", field="account")
    if len(text) > 32:
        raise InvalidInput("账户名太长:最多32个字符", field="account")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in text):
        raise InvalidInput("账户名不能含空格、控制字符或方向控制符", field="account")
    return text


# --- policy ----------------------------------------------------------------------------------------

def policy_items(policy: Policy) -> dict[str, str]:
    """The policy as the command line names and shows it."""
    items = {"review": "on" if policy.review else "off"}
    items.update({name: str(getattr(policy, attribute)) for name, (attribute, _, _) in POLICY_RANGES.items()})
    return items


def set_policy(conn: Connection, *, name: str, value: str, by: str, now: dt.datetime) -> Policy:
    old = read_policy(conn)
    text = str(value).strip().lower()
    if name == "review":
        if text not in ("on", "off"):
            raise InvalidInput("review 的值须为 on 或 off", field="policy")
        new = replace(old, review=text == "on")
    elif name in POLICY_RANGES:
        attribute, low, high = POLICY_RANGES[name]
        if not text.isdigit() or not low <= int(text) <= high:
            raise InvalidInput(f"{name}({POLICY_LABELS[name]})须为{low}到{high}之间的整数", field="policy")
        new = replace(old, **{attribute: int(text)})  # type: ignore[arg-type]
    else:
        known = "、".join(("review", *POLICY_RANGES))
        raise InvalidInput(f"未知的安全策略「{str(name)[:30]}」;可设:{known}", field="policy")
    stored = policy_items(new)[name]
    conn.execute(delete(policy_t).where(policy_t.c.name == name))
    conn.execute(insert(policy_t).values(name=name, value=stored))
    seclog.append(conn, account=by, event=Event.POLICY_CHANGED, at=now,
                  detail={"name": name, "old": policy_items(old)[name], "new": stored})
    return new


# --- accounts --------------------------------------------------------------------------------------

def _row(conn: Connection, name: str) -> Any:
    row = conn.execute(select(accounts_t).where(accounts_t.c.name == name)).first()
    if row is None:
        raise NotFound(f"没有账户「{name[:32]}」", field="account")
    return row


def list_accounts(conn: Connection) -> list[AccountRecord]:
    return [AccountRecord(r.name, decode_roles(r.roles), bool(r.disabled), r.locked_until, bool(r.must_change),
                          int(r.failed_count), r.created_at, r.password_changed_at)
            for r in conn.execute(select(accounts_t).order_by(accounts_t.c.id))]


def _admins_left(conn: Connection, *, without: str) -> int:
    return int(conn.execute(select(func.count()).select_from(accounts_t).where(
        accounts_t.c.roles == Role.ADMIN.value, accounts_t.c.disabled.is_(False),
        accounts_t.c.name != without)).scalar_one())


def _wrap(conn: Connection, keys: PersonalKeys | None, kek: bytes, account_id: int, now: dt.datetime) -> None:
    """Wrap the book's data key for the account with the KEK of its new password (the one place it is done)."""
    from bianzhi_app.personal import keyring

    if keys is None:
        raise StateRefused("本次登录未解开个人信息密钥,不能为账户设置密码", field="account")
    keyring.wrap(conn, keys, kek, now, account_id=account_id)


def add_account(conn: Connection, *, name: str, roles: frozenset[Role], password: str, must_change: bool,
                by: str, now: dt.datetime, keys: PersonalKeys | None, detail: dict[str, Any] | None = None
                ) -> AccountRecord:
    """Add an account and wrap the book's data key (``keys``, held by the session) for its password."""
    name = validate_name(name)
    if conn.execute(select(accounts_t.c.id).where(accounts_t.c.name == name)).first() is not None:
        raise StateRefused(f"账户「{name}」已存在", field="account")
    check_strength(password, min_length=read_policy(conn).password_min_length)
    hashed, kek = make_secret(password)
    account_id = conn.execute(insert(accounts_t).values(
        name=name, roles=encode_roles(roles), password_hash=hashed, password_changed_at=_stamp(now),
        must_change=must_change, failed_count=0, locked_until=None, disabled=False, created_at=_stamp(now),
    )).inserted_primary_key[0]  # type: ignore[index]
    _wrap(conn, keys, kek, int(account_id), now)
    conn.execute(insert(password_history).values(account_id=account_id, password_hash=hashed,
                                                 changed_at=_stamp(now)))
    seclog.append(conn, account=by, event=Event.ACCOUNT_ADDED, at=now,
                  detail={"name": name, "roles": encode_roles(roles), **(detail or {})})
    return next(a for a in list_accounts(conn) if a.name == name)


def set_roles(conn: Connection, *, name: str, roles: frozenset[Role], by: str, now: dt.datetime) -> None:
    row = _row(conn, name)
    old = decode_roles(row.roles)
    if Role.ADMIN in old and Role.ADMIN not in roles and _admins_left(conn, without=name) == 0:
        raise StateRefused("不能取消最后一个系统管理员的角色", field="role")
    conn.execute(update(accounts_t).where(accounts_t.c.id == row.id).values(roles=encode_roles(roles)))
    seclog.append(conn, account=by, event=Event.ROLES_CHANGED, at=now,
                  detail={"name": name, "old": encode_roles(old), "new": encode_roles(roles)})


def lock(conn: Connection, *, name: str, by: str, now: dt.datetime, disable: bool = False) -> None:
    """Lock an account until an admin unlocks it (``disable``: for good, e.g. someone who left)."""
    row = _row(conn, name)
    if name == by:
        raise StateRefused("不能锁定或停用自己的账户", field="account")
    if row.roles == Role.ADMIN.value and _admins_left(conn, without=name) == 0:
        raise StateRefused("不能锁定或停用最后一个系统管理员", field="account")
    values: dict[str, Any] = {"disabled": True} if disable else {"locked_until": LOCKED_FOR_GOOD}
    conn.execute(update(accounts_t).where(accounts_t.c.id == row.id).values(**values))
    seclog.append(conn, account=by, event=Event.LOCKED, at=now,
                  detail={"name": name, "disabled": True} if disable else {"name": name})


def unlock(conn: Connection, *, name: str, by: str, now: dt.datetime) -> None:
    row = _row(conn, name)
    conn.execute(update(accounts_t).where(accounts_t.c.id == row.id).values(
        locked_until=None, failed_count=0, disabled=False))
    seclog.append(conn, account=by, event=Event.UNLOCKED, at=now, detail={"name": name})


def set_password(conn: Connection, *, name: str, password: str, by: str, now: dt.datetime,
                 must_change: bool, keys: PersonalKeys | None) -> None:
    """Set an account's password (its own change, or an admin's reset with ``must_change``) and re-wrap the
    book's data key (``keys``, held by the session) for it; refuses a weak one or one of the last five."""
    row = _row(conn, name)
    check_strength(password, min_length=read_policy(conn).password_min_length)
    recent = conn.execute(select(password_history.c.password_hash).where(password_history.c.account_id == row.id)
                          .order_by(password_history.c.id.desc()).limit(PASSWORD_HISTORY)).scalars().all()
    if any(verify_secret(password, old) for old in recent):
        raise InvalidInput(f"新密码不能与最近{PASSWORD_HISTORY}次用过的密码相同", field="password")
    hashed, kek = make_secret(password)
    conn.execute(update(accounts_t).where(accounts_t.c.id == row.id).values(
        password_hash=hashed, password_changed_at=_stamp(now), must_change=must_change,
        failed_count=0, locked_until=None))
    _wrap(conn, keys, kek, int(row.id), now)
    conn.execute(insert(password_history).values(account_id=row.id, password_hash=hashed, changed_at=_stamp(now)))
    detail = {"name": name} if by == name else {"name": name, "reset": True}
    seclog.append(conn, account=by, event=Event.PASSWORD_CHANGED, at=now, detail=detail)


def record_sign_in(conn: Connection, outcome: SignInOutcome, now: dt.datetime) -> None:
    if outcome.account_id is not None and outcome.updates:
        conn.execute(update(accounts_t).where(accounts_t.c.id == outcome.account_id).values(**outcome.updates))
    for account, event, detail in outcome.events:
        seclog.append(conn, account=account, event=event, at=now, detail=detail)


def account_named(conn: Connection, name: str) -> Account:
    row = _row(conn, name)
    return Account(int(row.id), row.name, decode_roles(row.roles), bool(row.must_change))
