"""Engine setup: SQLite pragmas and BEGIN IMMEDIATE for write transactions."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from bianzhi_app.db.sql import BUSY_TIMEOUT_MS, configure

WRITE = "bianzhi_write"  # execution option that makes the begin event take the write lock


def database_url(target: str | os.PathLike[str]) -> str:
    """A URL for a path or URL; a plain path means a SQLite file."""
    text = os.fspath(target)
    if "://" in text:
        return text
    return "sqlite+pysqlite:///" + str(Path(text).expanduser().absolute())


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(target: str | os.PathLike[str], *, read_only: bool = False) -> Engine:
    url = database_url(target)
    if not is_sqlite(url):
        return create_engine(url)
    connect_args: dict[str, object] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    if read_only:
        path = make_url(url).database or ""
        url = "sqlite+pysqlite:///file:" + Path(path).as_posix() + "?mode=ro&uri=true"
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
