"""Checking a sign-in, in plain SQL on any reader: the stdlib sqlite3 connection the window paints its first
page from, or a SQLAlchemy Connection (the Book's). This module imports nothing but the standard library and
the project's stdlib-only modules, so the window can check a password from BIANZHI_USER/BIANZHI_PASSWORD
while it builds its first page, before SQLAlchemy loads; `Book.sign_in` runs the same check and writes what
it found (failure counter, lockout, the security log) — the one place the rules of signing in live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bianzhi_app.accounts.passwords import burn_time, unlock_secret
from bianzhi_app.accounts.roles import Permission, Role, allows, decode_roles
from bianzhi_app.accounts.seclog import Event
from bianzhi_app.db.sql import rows
from bianzhi_app.errors import NotSignedIn

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


def _stamp(now: dt.datetime) -> str:
    return now.isoformat(timespec="seconds")


def read_policy(conn: Any) -> Policy:
    stored = dict(rows(conn, "SELECT name, value FROM policy"))
    values: dict[str, Any] = {}
    if "review" in stored:
        values["review"] = stored["review"] == "on"
    for name, (attribute, _, _) in POLICY_RANGES.items():
        if name in stored:
            values[attribute] = int(stored[name])
    return Policy(**values)


def has_accounts(conn: Any) -> bool:
    try:
        return bool(rows(conn, "SELECT 1 FROM accounts LIMIT 1"))
    except Exception:  # a book before migration 0004 has no accounts table
        return False


def locked_out(conn: Any, name: str, now: dt.datetime) -> bool:
    """Whether ``name`` is disabled or locked now (a sign-in would be refused whatever the password)."""
    found = rows(conn, "SELECT disabled, locked_until FROM accounts WHERE name = :name", {"name": name})
    if not found:
        return False
    disabled, until = found[0]
    return bool(disabled) or bool(until and dt.datetime.fromisoformat(until) > now)


@dataclass(frozen=True, slots=True)
class SignInOutcome:
    """What checking a sign-in found: the account or the error, and what to write (counters, log events);
    `record_sign_in` writes it, unless the book is read-only or the check was only a re-check."""

    account: Account | None
    error: NotSignedIn | None
    account_id: int | None = None
    updates: dict[str, Any] | None = None
    events: tuple[tuple[str, Event, dict[str, Any]], ...] = ()
    kek: bytes | None = field(default=None, repr=False)  # unwraps the book's data key (signed in only)


_COLUMNS = "id, roles, password_hash, disabled, locked_until, failed_count, must_change, password_changed_at"


def sign_in(conn: Any, *, name: str, password: str, now: dt.datetime) -> SignInOutcome:
    """Check a name and password against the policy (lockout, expiry); changes nothing."""
    policy = read_policy(conn)
    typed = str(name or "").strip()[:64]
    found = rows(conn, f"SELECT {_COLUMNS} FROM accounts WHERE name = :name", {"name": typed}) if typed else []
    if not found:
        burn_time(password)
        return SignInOutcome(None, NotSignedIn("账户名或密码不正确", field="account"),
                             events=((typed or "?", Event.SIGN_IN_FAILED, {"reason": "unknown"}),))
    row_id, roles, password_hash, disabled, locked_until, failed_count, must_change, changed_at = found[0]
    failed_event = (typed, Event.SIGN_IN_FAILED)
    if disabled:
        return SignInOutcome(None, NotSignedIn(f"账户「{typed}」已停用,请联系系统管理员", field="account"),
                             events=((*failed_event, {"reason": "disabled"}),))
    if locked_until and dt.datetime.fromisoformat(locked_until) > now:
        until = "由系统管理员解锁" if locked_until == LOCKED_FOR_GOOD else f"至{locked_until[11:16]}"
        return SignInOutcome(None, NotSignedIn(f"账户「{typed}」已锁定({until});请稍后再试或联系系统管理员",
                                               field="account"), events=((*failed_event, {"reason": "locked"}),))
    kek = unlock_secret(password, password_hash)
    if kek is None:
        failed = int(failed_count) + 1
        events = [(*failed_event, {"reason": "password", "failures": failed})]
        message = f"账户名或密码不正确(已连续失败{failed}次,{policy.lockout_attempts}次将锁定账户)"
        updates: dict[str, Any] = {"failed_count": failed}
        if failed >= policy.lockout_attempts:
            updates = {"failed_count": 0, "locked_until": _stamp(now + dt.timedelta(minutes=policy.lockout_minutes))}
            events.append((typed, Event.LOCKED, {"name": typed, "minutes": policy.lockout_minutes,
                                                 "failures": failed}))
            message = f"账户名或密码不正确;已连续失败{failed}次,账户锁定{policy.lockout_minutes}分钟"
        return SignInOutcome(None, NotSignedIn(message, field="password"), int(row_id), updates, tuple(events))
    expired = False
    if policy.password_max_days:
        expired = now - dt.datetime.fromisoformat(changed_at) > dt.timedelta(days=policy.password_max_days)
    account = Account(int(row_id), typed, decode_roles(roles), bool(must_change) or expired)
    return SignInOutcome(account, None, int(row_id), {"failed_count": 0, "locked_until": None},
                         ((typed, Event.SIGN_IN, {"expired": True} if expired else {}),), kek)
