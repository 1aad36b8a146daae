"""Helpers shared by the core tests: the CLI run in-process (signed in), a database fingerprint, test ID numbers.

Every command runs as an account (issue 15). The Cli runs as 测试员 (经办人 and 审核人) with BIANZHI_USER and
BIANZHI_PASSWORD set for the call; after it makes a book (`init`, or an initial import into a new file) it
gives the book, through the core, the accounts the old tests assume: review off and 测试员 beside the admin.
Books built by core code stay without accounts until a test calls `with_accounts` on them."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bianzhi_app.cli import main as cli_main

if TYPE_CHECKING:
    from bianzhi_app.book import Book

ROOT = Path(__file__).resolve().parents[1]
DOC = "杨编发〔2026〕1号"
TEST_USER = "测试员"  # 经办人 and 审核人: every old test's actor
ADMIN = "admin"  # the first admin that `init` makes
PASSWORD = "Ceshi-2026a"  # every account the helpers make, and the Cli's sign-in password
_ENV = ("BIANZHI_USER", "BIANZHI_PASSWORD", "BIANZHI_NEW_PASSWORD", "BIANZHI_RECOVERY_KEY")


def book_before_accounts(path: Path) -> Path:
    """A book written at schema 0003 (as the program left it before accounts), with its region."""
    from sqlalchemy import create_engine

    from bianzhi_app.db.migrate import migrate_to

    engine = create_engine(f"sqlite:///{path}")
    migrate_to(engine, "0003")
    engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO regions (id, name, code, office_name, created_on) "
                 "VALUES (1, '旧区', '610404', '旧区编办', '2020-01-01')")
    conn.commit()
    conn.close()
    return path


@contextmanager
def cheap_hashes() -> Iterator[None]:
    """scrypt at n=2**10 instead of 2**15 for the passwords set meanwhile (each hash stores its n, so they verify
    at that cost later too): the suite signs in for every CLI call, and 0.2 s each would add minutes. The real
    cost is kept where a test sets passwords without the helpers (test_accounts_core checks it)."""
    from bianzhi_app.accounts import passwords

    saved = passwords._N
    passwords._N = 2**10
    try:
        yield
    finally:
        passwords._N = saved


@contextmanager
def environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for a block, then put them back."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def is_server(target: Any) -> bool:
    """True for a PostgreSQL book (its URL); False for a SQLite file (a path or a sqlite URL)."""
    return str(target).startswith("postgresql")


def target_of(target: Any) -> Any:
    """A book's path or URL: a Book gives its engine's URL (with the password), anything else is itself."""
    engine = getattr(target, "engine", None)
    if engine is not None:
        return engine.url.render_as_string(hide_password=False)
    return target


def _sqlite_file(target: Any) -> str:
    text = str(target)
    if "://" in text:
        from sqlalchemy.engine import make_url

        return make_url(text).database or ""
    return text


def raw_sql(path: Path | str, *statements: str) -> None:
    """Run statements on the book file with plain sqlite3, as someone holding the file would (the triggers stay)."""
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


class Raw:
    """A raw autocommit connection past the book's code (sqlite3 or psycopg): ``execute`` takes ``?`` placeholders
    on both, ``IntegrityError`` is the driver's, ``drop_trigger`` removes a backstop to tamper with the book."""

    def __init__(self, target: Any):
        target = target_of(target)
        self.server = is_server(target)
        if self.server:
            import psycopg

            self.conn: Any = psycopg.connect(str(target).replace("postgresql+psycopg://", "postgresql://"),
                                             autocommit=True)
            self.IntegrityError: type[Exception] = psycopg.IntegrityError
        else:
            self.conn = sqlite3.connect(_sqlite_file(target), isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.IntegrityError = sqlite3.IntegrityError

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.server:
            return self.conn.execute(sql.replace("?", "%s"), params or None)
        return self.conn.execute(sql, params)

    def drop_trigger(self, name: str, table: str) -> None:
        self.conn.execute(f"DROP TRIGGER {name} ON {table}" if self.server else f"DROP TRIGGER {name}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def has_accounts(path: Path | str) -> bool:
    if is_server(path):
        with Raw(path) as raw:
            return bool(raw.execute("SELECT to_regclass('accounts') IS NOT NULL").fetchone()[0]
                        and raw.execute("SELECT 1 FROM accounts").fetchone())
    if not Path(path).is_file() or Path(path).stat().st_size == 0:
        return False
    conn = sqlite3.connect(path)
    try:
        return bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'accounts'").fetchone()
                    and conn.execute("SELECT 1 FROM accounts").fetchone())
    finally:
        conn.close()


def with_accounts(path: Path, *, review: bool = False) -> Path:
    """Give a book the helpers' accounts through the core: its first admin (when it has none yet, as a book
    built by core code), 测试员 (经办人, 审核人) with no change required, and review off unless ``review``."""
    from bianzhi_app.accounts.store import Credentials
    from bianzhi_app.book import Book

    with cheap_hashes():
        with Book.open(path) as book:
            if not book.has_accounts:
                book.accounts.create_first(name=ADMIN, password=PASSWORD)
        with Book.open(path, account=Credentials(ADMIN, PASSWORD)) as book:
            if not review:
                book.accounts.set_policy(name="review", value="off")
            if TEST_USER not in {a.name for a in book.accounts.list()}:
                book.accounts.add(name=TEST_USER, roles=["clerk", "reviewer"], password=PASSWORD, must_change=False)
    return path


# What signing in writes (each command signs in, and the security log records it): not the book's data.
SIGN_IN_LOG = ("security_log",)
# The accounts, the policy and the proposals besides: what a proposal or an account change may write.
ACCOUNT_TABLES = (*SIGN_IN_LOG, "accounts", "password_history", "policy", "recovery_keys", "proposals", "key_wraps")


def fingerprint(path: Any, *, skip: tuple[str, ...] = SIGN_IN_LOG) -> str:
    """A hash of every row of every table (and the schema) but those in ``skip``: equal means the book is
    unchanged. By default the security log is left out (every command's sign-in is logged there);
    ``skip=ACCOUNT_TABLES`` compares the establishment data only, ``skip=()`` everything. ``path``: a file, a
    URL (SQLite or PostgreSQL) or a Book."""
    path = target_of(path)
    if is_server(path):
        return _server_fingerprint(str(path), skip)
    conn = sqlite3.connect(_sqlite_file(path))
    try:
        digest = hashlib.sha256()
        skipped = tuple(f'INSERT INTO "{table}" ' for table in skip)
        # sorted: the same rows and schema in another physical order (a copy, a VACUUM) are the same book
        for line in sorted(line for line in conn.iterdump() if not line.startswith(skipped)):
            digest.update(line.encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()


def _server_fingerprint(url: str, skip: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    with Raw(url) as raw:
        tables = [r[0] for r in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "ORDER BY tablename").fetchall()]
        for (line,) in raw.execute("SELECT tgname || ':' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal "
                                   "ORDER BY tgname").fetchall():
            digest.update(line.encode("utf-8"))
        for table in tables:
            digest.update(table.encode("utf-8"))
            if table in skip:
                continue
            for line in sorted(repr(row) for row in raw.execute(f'SELECT * FROM "{table}"').fetchall()):
                digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def signed_in(path: Path | str, user: str = TEST_USER, **options: Any) -> Book:
    """Book.open with ``user`` signed in (a book the Cli made has accounts: its operations need someone)."""
    from bianzhi_app.accounts.store import Credentials
    from bianzhi_app.book import Book

    return Book.open(path, account=Credentials(user, PASSWORD), **options)


def _command(args: tuple[str, ...]) -> str | None:
    return next((a for a in args if not a.startswith("-")), None)


class Cli:
    """Runs `main.py --db BOOK ...` in-process as an account (BIANZHI_USER/BIANZHI_PASSWORD set for the call,
    BIANZHI_NEW_PASSWORD and BIANZHI_RECOVERY_KEY unset unless ``env`` gives them); returns (exit code,
    stdout, stderr). With ``setup``, a book it makes gets the helpers' accounts (`with_accounts`)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str], *, user: str = TEST_USER,
                 password: str = PASSWORD, setup: bool = True):
        self.db = db
        self.capsys = capsys
        self.user = user
        self.password = password
        self.setup = setup

    def as_user(self, user: str, password: str = PASSWORD) -> Cli:
        """The same book, run as another account."""
        return Cli(self.db, self.capsys, user=user, password=password, setup=False)

    @property
    def admin(self) -> Cli:
        """The same book, run as its admin (restore, unlock --stale, user, policy)."""
        return self.as_user(ADMIN)

    def __call__(self, *args: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
        self.capsys.readouterr()
        making = self.setup and _command(args) in ("init", "import") and not has_accounts(self.db)
        values: dict[str, str | None] = {name: None for name in _ENV}
        values.update(BIANZHI_USER=self.user, BIANZHI_PASSWORD=self.password)
        values.update(env or {})
        with cheap_hashes(), environment(values):
            try:
                code = cli_main(["--db", str(self.db), *args])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        out = self.capsys.readouterr()
        if code == 0 and making and (is_server(self.db) or Path(self.db).is_file()):
            with_accounts(self.db)
        return code, out.out, out.err

    def json(self, *args: str, env: dict[str, str | None] | None = None) -> dict:
        code, out, err = self("--json", *args, env=env)
        assert code == 0, err
        return json.loads(out)

    def ok(self, *args: str, env: dict[str, str | None] | None = None) -> str:
        code, out, err = self(*args, env=env)
        assert code == 0, f"{args} exited {code}: {err}"
        return out


def valid_id(first17: str) -> str:
    from bianzhi_app.idcodes import id_check_digit

    return first17 + id_check_digit(first17)


def person_id(n: int, year: int = 1990) -> str:
    """A distinct valid ID number for test person n."""
    return valid_id(f"610403{year}0101{n:03d}")


RAW_PERSON = ("INSERT INTO persons (name, id_region, id_tail, gender, birth_year, id_cipher, id_hash) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)")


def raw_person(name: str, id_number: str, keys: Any = None) -> tuple[str, tuple[Any, ...]]:
    """A person row written by raw SQL past the ops (for the backstop tests): the statement and its parameters.
    With ``keys`` (the book's) the sealed number and the keyed hash are the real ones, else stand-ins."""
    import os

    sealed = keys.encrypt_id(id_number) if keys is not None else os.urandom(46)
    hashed = keys.id_hash(id_number) if keys is not None else os.urandom(32)
    return RAW_PERSON, (name, id_number[:6], id_number[-4:], "男", int(id_number[6:10]), sealed, hashed)
