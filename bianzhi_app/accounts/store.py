"""Accounts, the security policy and signing in, on an open transaction (SQLAlchemy Connection).

The typed API (`bianzhi_app.accounts.area`) calls these with the permission already checked; each
change writes its security-log event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from bianzhi_app.accounts import seclog
from bianzhi_app.accounts.passwords import burn_time, check_strength, hash_secret, verify_secret
from bianzhi_app.accounts.roles import Permission, Role, allows, decode_roles, encode_roles
from bianzhi_app.accounts.seclog import Event
from bianzhi_app.db.models import accounts_t, password_history, policy_t
from bianzhi_app.errors import InvalidInput, NotFound, NotSignedIn, StateRefused

PASSWORD_HISTORY = 5  # the last five passwords are not reused
LOCKED_FOR_GOOD = "9999-12-31T23:59:59+00:00"  # locked by an admin: until an admin unlocks it


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in account of a session: its name is the actor in the ledger."""

    id: int
    name: str
    roles: frozenset[Role]
    must_change: bool = False  # first sign-in, after a reset, or the password expired: only passwd until changed

    def may(self, permission: Permission) -> bool:
        return allows(self.roles, permission)


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


@dataclass(frozen=True, slots=True)
class Policy:
    review: bool = True
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    idle_minutes: int = 10
    password_min_length: int = 8
    password_max_days: int = 90  # 0: never expires


# name on the command line → (field, lowest, highest); review takes on/off.
POLICY_RANGES: dict[str, tuple[str, int, int]] = {
    "lockout-attempts": ("lockout_attempts", 1, 20),
    "lockout-minutes": ("lockout_minutes", 1, 1440),
    "idle-minutes": ("idle_minutes", 1, 240),
    "password-min-length": ("password_min_length", 8, 64),
    "password-max-days": ("password_max_days", 0, 3650),
}
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

def read_policy(conn: Any) -> Policy:
    from bianzhi_app.db.sql import rows

    stored = dict(rows(conn, "SELECT name, value FROM policy"))
    values: dict[str, Any] = {}
    if "review" in stored:
        values["review"] = stored["review"] == "on"
    for name, (attribute, _, _) in POLICY_RANGES.items():
        if name in stored:
            values[attribute] = int(stored[name])
    return Policy(**values)


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

def has_accounts(conn: Any) -> bool:
    from bianzhi_app.db.sql import rows

    try:
        return bool(rows(conn, "SELECT 1 FROM accounts LIMIT 1"))
    except Exception:  # a book before migration 0004 has no accounts table
        return False


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


def add_account(conn: Connection, *, name: str, roles: frozenset[Role], password: str, must_change: bool,
                by: str, now: dt.datetime, detail: dict[str, Any] | None = None) -> AccountRecord:
    name = validate_name(name)
    if conn.execute(select(accounts_t.c.id).where(accounts_t.c.name == name)).first() is not None:
        raise StateRefused(f"账户「{name}」已存在", field="account")
    check_strength(password, min_length=read_policy(conn).password_min_length, account=name)
    hashed = hash_secret(password)
    account_id = conn.execute(insert(accounts_t).values(
        name=name, roles=encode_roles(roles), password_hash=hashed, password_changed_at=_stamp(now),
        must_change=must_change, failed_count=0, locked_until=None, disabled=False, created_at=_stamp(now),
    )).inserted_primary_key[0]  # type: ignore[index]
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
                 must_change: bool) -> None:
    """Set an account's password (its own change, or an admin's reset with ``must_change``); refuses a weak
    one or one of the last five."""
    row = _row(conn, name)
    check_strength(password, min_length=read_policy(conn).password_min_length, account=name)
    recent = conn.execute(select(password_history.c.password_hash).where(password_history.c.account_id == row.id)
                          .order_by(password_history.c.id.desc()).limit(PASSWORD_HISTORY)).scalars().all()
    if any(verify_secret(password, old) for old in recent):
        raise InvalidInput(f"新密码不能与最近{PASSWORD_HISTORY}次用过的密码相同", field="password")
    hashed = hash_secret(password)
    conn.execute(update(accounts_t).where(accounts_t.c.id == row.id).values(
        password_hash=hashed, password_changed_at=_stamp(now), must_change=must_change,
        failed_count=0, locked_until=None))
    conn.execute(insert(password_history).values(account_id=row.id, password_hash=hashed, changed_at=_stamp(now)))
    detail = {"name": name} if by == name else {"name": name, "reset": True}
    seclog.append(conn, account=by, event=Event.PASSWORD_CHANGED, at=now, detail=detail)


@dataclass(frozen=True, slots=True)
class SignInOutcome:
    """What checking a sign-in found: the account or the error, and what to write (counters, log events);
    `record_sign_in` writes it, unless the book is read-only or the check was only a re-check."""

    account: Account | None
    error: NotSignedIn | None
    account_id: int | None = None
    updates: dict[str, Any] | None = None
    events: tuple[tuple[str, Event, dict[str, Any]], ...] = ()


def sign_in(conn: Any, *, name: str, password: str, now: dt.datetime) -> SignInOutcome:
    """Check a name and password against the policy (lockout, expiry); changes nothing."""
    policy = read_policy(conn)
    typed = str(name or "").strip()[:64]
    row = conn.execute(select(accounts_t).where(accounts_t.c.name == typed)).first() if typed else None
    if row is None:
        burn_time(password)
        return SignInOutcome(None, NotSignedIn("账户名或密码不正确", field="account"),
                             events=((typed or "?", Event.SIGN_IN_FAILED, {"reason": "unknown"}),))
    failed_event = (typed, Event.SIGN_IN_FAILED)
    if row.disabled:
        return SignInOutcome(None, NotSignedIn(f"账户「{typed}」已停用,请联系系统管理员", field="account"),
                             events=((*failed_event, {"reason": "disabled"}),))
    if row.locked_until and dt.datetime.fromisoformat(row.locked_until) > now:
        until = "由系统管理员解锁" if row.locked_until == LOCKED_FOR_GOOD else f"至{row.locked_until[11:16]}"
        return SignInOutcome(None, NotSignedIn(f"账户「{typed}」已锁定({until});请稍后再试或联系系统管理员",
                                               field="account"), events=((*failed_event, {"reason": "locked"}),))
    if not verify_secret(password, row.password_hash):
        failed = int(row.failed_count) + 1
        events = [(*failed_event, {"reason": "password", "failures": failed})]
        message = f"账户名或密码不正确(已连续失败{failed}次,{policy.lockout_attempts}次将锁定账户)"
        updates: dict[str, Any] = {"failed_count": failed}
        if failed >= policy.lockout_attempts:
            updates = {"failed_count": 0, "locked_until": _stamp(now + dt.timedelta(minutes=policy.lockout_minutes))}
            events.append((typed, Event.LOCKED, {"name": typed, "minutes": policy.lockout_minutes,
                                                 "failures": failed}))
            message = f"账户名或密码不正确;已连续失败{failed}次,账户锁定{policy.lockout_minutes}分钟"
        return SignInOutcome(None, NotSignedIn(message, field="password"), int(row.id), updates, tuple(events))
    expired = False
    if policy.password_max_days:
        changed = dt.datetime.fromisoformat(row.password_changed_at)
        expired = now - changed > dt.timedelta(days=policy.password_max_days)
    account = Account(int(row.id), typed, decode_roles(row.roles), bool(row.must_change) or expired)
    return SignInOutcome(account, None, int(row.id), {"failed_count": 0, "locked_until": None},
                         ((typed, Event.SIGN_IN, {"expired": True} if expired else {}),))


def record_sign_in(conn: Connection, outcome: SignInOutcome, now: dt.datetime) -> None:
    if outcome.account_id is not None and outcome.updates:
        conn.execute(update(accounts_t).where(accounts_t.c.id == outcome.account_id).values(**outcome.updates))
    for account, event, detail in outcome.events:
        seclog.append(conn, account=account, event=event, at=now, detail=detail)


def account_named(conn: Connection, name: str) -> Account:
    row = _row(conn, name)
    return Account(int(row.id), row.name, decode_roles(row.roles), bool(row.must_change))
