"""Plain SQL for reads that must not wait for SQLAlchemy, and the SQLite set-up every connection shares.

The window paints its first page before SQLAlchemy is imported (about 0.15 s of a start-up): the lists
it shows first (roster, unit tree, catalog, ledger head) are plain SQL with ``:named`` parameters, which
``rows()`` runs on a stdlib ``sqlite3`` connection or on a SQLAlchemy ``Connection`` alike. This module
imports nothing but the standard library.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bianzhi_app import settings
from bianzhi_app.safety.check import readonly_uri

BUSY_TIMEOUT_MS = settings.busy_timeout_ms()
Params = Mapping[str, Any]


def rows(conn: Any, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
    """All rows of one statement on a sqlite3 connection or a SQLAlchemy Connection (values as stored:
    dates come back as ISO text; use ``day()``)."""
    if isinstance(conn, sqlite3.Connection):
        return conn.execute(sql, params or {}).fetchall()
    from sqlalchemy import text

    return [tuple(r) for r in conn.execute(text(sql), dict(params or {}))]


def on_server(conn: Any) -> bool:
    """Whether ``conn`` (a sqlite3 connection or a SQLAlchemy Connection) is to a PostgreSQL book."""
    return not isinstance(conn, sqlite3.Connection) and conn.dialect.name == "postgresql"


def code_point_order(conn: Any, column: str) -> str:
    """``column`` compared in code-point order, as SQLite's BINARY collation does, whatever collation the server
    database was created with (zh_CN.UTF-8 sorts by pinyin, and ``>= t AND < t || U+10FFFF`` is then no prefix)."""
    return f'{column} COLLATE "C"' if on_server(conn) else column


def contains(conn: Any, column: str, param: str) -> str:
    """The condition "``column`` contains the text of ``:param``" (exact, case-sensitive; no LIKE wildcards):
    SQLite's instr, PostgreSQL's strpos."""
    return f"{'strpos' if on_server(conn) else 'instr'}({column}, :{param}) > 0"


def day(value: Any) -> dt.date | None:
    """A stored date (ISO text, or already a date) as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def configure(dbapi_connection: sqlite3.Connection, *, read_only: bool = False) -> None:
    """The pragmas of every connection to a book (SQLAlchemy's and the window's plain reader)."""
    # Transactions are begun explicitly (BEGIN / BEGIN IMMEDIATE), never by the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    if not read_only:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted personal data must not linger in free pages
    # A province book is over 1 GB: keep the upper index levels of every table in memory.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def connect_reader(path: str | os.PathLike[str], *, read_only: bool = False) -> sqlite3.Connection:
    """A plain connection for reads on the thread that opens it (``read_only``: ``mode=ro``, for a book
    another program holds). It never writes: every change goes through the Book's operations."""
    if read_only:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(Path(path), timeout=BUSY_TIMEOUT_MS / 1000)
    configure(conn, read_only=True)  # the journal mode is the Book's business, not a reader's
    return conn


def mappings(conn: Any, sql: str, params: Params | None = None) -> list[dict[str, Any]]:
    """Like ``rows()``, each row as a dict by column name."""
    if isinstance(conn, sqlite3.Connection):
        cursor = conn.execute(sql, params or {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    from sqlalchemy import text

    return [dict(r) for r in conn.execute(text(sql), dict(params or {})).mappings()]


def in_list(prefix: str, values: list[Any]) -> tuple[str, dict[str, Any]]:
    """``(:p0, :p1, …)`` and its parameters, for ``column IN …``."""
    params = {f"{prefix}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{name}" for name in params) + ")", params
