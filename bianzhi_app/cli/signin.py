"""Who runs a command (issue 15): every command runs as an account, signed in before its handler.

The account comes from ``--user`` or BIANZHI_USER, its password from BIANZHI_PASSWORD, else a prompt when
stdin is a terminal, else exit 7. Each command declares where it is registered what it needs
(`Registry.command(..., permission=…)`): a Permission, which `open_for_command` checks with
``book.require`` after signing in (the areas check again in the core), or one of the `Access` cases below.
An account whose password must be changed may run only ``passwd``. A book without accounts (made before
them) runs nothing but ``init``, ``demo`` and the bootstrap ``user add NAME --role admin``; the refusal
names that command.
"""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from bianzhi_app import settings
from bianzhi_app.accounts.roles import Permission
from bianzhi_app.errors import InvalidInput, NotSignedIn

if TYPE_CHECKING:
    from bianzhi_app.accounts.store import Credentials
    from bianzhi_app.book import Book


class Access(StrEnum):
    """What a command needs when it needs no Permission of a signed-in account."""

    NO_BOOK = "no_book"  # opens no book (template, backups)
    NEW_BOOK = "new_book"  # makes a new book; nobody signs in, the handler refuses a book with data (init, demo)
    OWN_PASSWORD = "own_password"  # any account, also one that must change its password first (passwd)
    RECOVERY_KEY = "recovery_key"  # the recovery key instead of a sign-in (user recover)


def terminal() -> bool:
    """Whether a person can be asked (stdin is a terminal)."""
    stdin = sys.stdin
    try:
        return stdin is not None and stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _ask_line(prompt: str) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    return sys.stdin.readline().strip()


def _ask_secret(prompt: str) -> str:
    return getpass.getpass(prompt, stream=sys.stderr)


def credentials(args: argparse.Namespace) -> Credentials:
    """The account and password this command signs in with (asked once per command)."""
    from bianzhi_app.accounts.store import Credentials

    cached = getattr(args, "_credentials", None)
    if cached is not None:
        return cached
    from bianzhi_app.accounts.store import validate_name

    name = (args.user or settings.user_from_environment() or "").strip()
    if name:
        name = validate_name(name)  # exit 4 naming the account field, before anything is asked or logged
    if not name:
        if not terminal():
            raise NotSignedIn("未指定账户:请用 --user 账户名 或环境变量 BIANZHI_USER 指定运行命令的账户",
                              field="account")
        name = _ask_line("账户名:")
        if not name:
            raise NotSignedIn("未输入账户名", field="account")
    password = settings.password_from_environment()
    if password is None:
        if not terminal():
            raise NotSignedIn(f"未提供账户「{name[:32]}」的密码:请设置环境变量 BIANZHI_PASSWORD,"
                              "或在终端中运行本命令以输入密码", field="password")
        password = _ask_secret(f"账户「{name[:32]}」的密码:")
    found = Credentials(name, password)
    args._credentials = found
    return found


def new_password(what: str, *, variable: str = settings.NEW_PASSWORD_ENV) -> str:
    """A new password: from the environment variable (BIANZHI_NEW_PASSWORD; BIANZHI_PASSWORD for a new book's
    first accounts), else asked twice on a terminal; else exit 4 naming the variable. The core checks its
    strength."""
    from_environment = settings.new_password_from_environment() if variable == settings.NEW_PASSWORD_ENV \
        else settings.password_from_environment()
    if from_environment is not None:
        return from_environment
    if not terminal():
        raise InvalidInput(f"未提供{what}:请设置环境变量 {variable},或在终端中运行本命令以输入", field="password")
    first = _ask_secret(f"{what}:")
    if _ask_secret(f"再次输入{what}:") != first:
        raise InvalidInput("两次输入的密码不一致,未作任何改动", field="password")
    return first


def recovery_key() -> str:
    key = settings.recovery_key_from_environment()
    if key is not None:
        return key
    if not terminal():
        raise NotSignedIn("未提供恢复密钥:请设置环境变量 BIANZHI_RECOVERY_KEY,或在终端中运行本命令以输入",
                          field="recovery_key")
    return _ask_secret("恢复密钥(建立台账时显示的那一串):")


def bootstrap_command(target: str) -> str:
    """The command that sets up the first administrator; a server URL's password shows as *** (never printed)."""
    if "://" in target:
        from sqlalchemy.engine import make_url

        target = make_url(target).render_as_string(hide_password=True)
    return f'python main.py --db "{target}" user add admin --role admin'


def without_accounts(target: str) -> NotSignedIn:
    """The refusal on a book that has no accounts yet (made before accounts): names the command to run."""
    return NotSignedIn("此台账建于启用账户之前,还没有任何账户,不能办理本命令。请先设立第一个系统管理员:\n"
                       f"  {bootstrap_command(target)}\n"
                       "(管理员密码取自环境变量 BIANZHI_NEW_PASSWORD 或在终端输入;将显示一次恢复密钥,请妥善保管)",
                       field="account")


def must_change_first(name: str) -> NotSignedIn:
    return NotSignedIn(f"账户「{name}」须先修改密码(首次登录、密码被重置或已过期),之后才能办理其他命令:\n"
                       f"  python main.py --user {name} passwd\n(新密码取自环境变量 BIANZHI_NEW_PASSWORD 或在终端输入)",
                       field="password")


def may_run_without_accounts(args: argparse.Namespace) -> bool:
    """Whether this invocation may run on a book without accounts, nobody signed in."""
    allowed = getattr(args, "without_accounts", None)
    return bool(allowed is not None and allowed(args))


def sign_in_for_command(book: Book, args: argparse.Namespace, target: str) -> None:
    """Sign in to an open book as this command's account and check what the command declared needing.
    Leaves nobody signed in only where the command may run on a book without accounts."""
    access = args.permission
    if access in (Access.NEW_BOOK, Access.NO_BOOK, Access.RECOVERY_KEY):
        return
    if not book.has_accounts:
        if may_run_without_accounts(args):
            return
        raise without_accounts(target)
    found = credentials(args)
    account = book.sign_in(found.name, found.password)
    if access == Access.OWN_PASSWORD:
        return
    if account.must_change:
        raise must_change_first(account.name)
    book.require(access)


def check_on_file(path: Path, args: argparse.Namespace, permission: Permission) -> str | None:
    """Verify this command's account against the accounts in a SQLite file without writing to it (a book a
    stale lock still guards, a backup to restore): its name, or None when the file has no accounts.
    Refuses as a sign-in does (NotSignedIn, NotPermitted naming the role)."""
    import datetime as dt

    from bianzhi_app.accounts import signin
    from bianzhi_app.accounts.roles import describe_needed, roles_label
    from bianzhi_app.errors import NotPermitted
    from bianzhi_app.safety.check import readonly_uri

    conn = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        if not signin.has_accounts(conn):
            return None
        found = credentials(args)
        outcome = signin.sign_in(conn, name=found.name, password=found.password,
                                 now=dt.datetime.now().astimezone())
    finally:
        conn.close()
    if outcome.error is not None:
        raise outcome.error
    account = outcome.account
    assert account is not None
    if account.must_change:
        raise must_change_first(account.name)
    if not account.may(permission):
        raise NotPermitted(f"账户「{account.name}」({roles_label(account.roles)})无此权限:"
                           f"{describe_needed(permission)}")
    return account.name
