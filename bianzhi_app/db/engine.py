"""Engine setup: SQLite pragmas and BEGIN IMMEDIATE for write transactions; on PostgreSQL the same one-writer rule
by a transaction-level advisory lock taken as a write transaction begins."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from bianzhi_app.db.sql import BUSY_TIMEOUT_MS, configure
from bianzhi_app.errors import InvalidInput

WRITE = "bianzhi_write"  # execution option that makes the begin event take the write lock
# The key of the book's write lock on PostgreSQL (pg_advisory_xact_lock): one number per database, any value
# no other program on the server uses. "编制" in UTF-8, as an integer.
PG_WRITE_LOCK = 0xE7BC96E588B6


def database_url(target: str | os.PathLike[str]) -> str:
    """A URL for a path or URL; a plain path means a SQLite file."""
    text = os.fspath(target)
    if "://" in text:
        return text
    return "sqlite+pysqlite:///" + str(Path(text).expanduser().absolute())


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def unusable_url(target: str, error: BaseException) -> InvalidInput:
    """The Chinese refusal of a database URL that names no known database, or whose driver is missing."""
    shown = target.split("@")[-1] if "@" in target else target  # never the password of a server URL
    if isinstance(error, ImportError):
        return InvalidInput(f"无法连接数据库「…{shown}」:本机没有安装该数据库的驱动程序({error.name or error});"
                            "本程序支持本机 SQLite 文件和 postgresql+psycopg:// 服务器")
    return InvalidInput(f"数据库地址「…{shown}」无法识别:应为本机文件路径,"
                        "或如 postgresql+psycopg://用户:密码@主机:端口/库名 的服务器地址")


def make_engine(target: str | os.PathLike[str], *, read_only: bool = False, immutable: bool = False) -> Engine:
    """The engine of a book; refuses (InvalidInput) a URL of an unknown kind or whose driver is missing.
    ``immutable`` (with ``read_only``): a file on read-only media, which no one can be writing, opened without
    the shared-memory file SQLite would otherwise have to create beside it."""
    try:
        url = database_url(target)
        if not is_sqlite(url):
            return _server_engine(url)
    except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
        raise unusable_url(os.fspath(target), error) from error
    connect_args: dict[str, object] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    if read_only:
        path = make_url(url).database or ""
        url = "sqlite+pysqlite:///file:" + Path(path).as_posix() + "?mode=ro" + ("&immutable=1" if immutable else "") \
            + "&uri=true"
        connect_args["uri"] = True
    engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # isolation_level=None there: SQLAlchemy's begin event, not pysqlite, starts transactions.
        configure(dbapi_connection, read_only=read_only)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        # Every write takes the write lock up front, so no check can read a counter that another
        # writer is about to change (the "last vacancy" race).
        immediate = connection.get_execution_options().get(WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _server_engine(url: str) -> Engine:
    """A PostgreSQL engine whose write transactions queue on the book's write lock.

    As SQLite's BEGIN IMMEDIATE: a write transaction first waits for the lock (held to its commit or rollback),
    so every check it then reads (counters, the ledger head) is the committed state no other writer can move
    before it commits; at READ COMMITTED each statement after the lock sees what the previous holder committed.
    The ledger chain therefore never forks and a lost race is the op's own refusal with fresh figures."""
    engine = create_engine(url, pool_pre_ping=True)
    # One round trip: the wait is bounded as SQLite's busy_timeout (then Busy, exit 1), then the lock.
    take_lock = (f"SELECT set_config('lock_timeout', '{BUSY_TIMEOUT_MS}', true), "
                 f"pg_advisory_xact_lock({PG_WRITE_LOCK})")

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        if connection.get_execution_options().get(WRITE):
            connection.exec_driver_sql(take_lock)  # READ COMMITTED: each statement after it sees the latest commit
        else:
            # A read is one snapshot, as a SQLite read transaction is: `check`, `status` and `copy` see no commit
            # land between their statements (a read-only transaction at REPEATABLE READ never has to retry).
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return engine
