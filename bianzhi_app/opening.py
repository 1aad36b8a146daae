"""Opening a book in two steps: the checks before any engine touches the file, then the Book.

`prepare()` does everything that can refuse a file — location, the window's lock, header, schema and
ledger head — with the standard library only, and returns a `PreparedBook`. `Book.from_prepared()`
then builds the `Book` (SQLAlchemy engine, migrations, the lock barrier). `Book.open` is the two in a
row; the window runs the second on its worker after the first page is painted from `reader()`, a plain
sqlite3 connection, so SQLAlchemy's import (about 0.15 s) is not in front of the first paint.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from typing import TYPE_CHECKING, Any

from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.db.sql import connect_reader, rows

if TYPE_CHECKING:
    from bianzhi_app.safety.session import OpenPlan


def book_is_empty(conn: Any) -> bool:
    """True when the book has no region yet (a new file, before `init`)."""
    return not rows(conn, "SELECT id FROM regions LIMIT 1")


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (service accounts, some containers)
        return "unknown"


class PreparedBook:
    """A book that passed the checks of opening and holds its lock (when asked for); not yet a Book.

    Open it once with `Book.from_prepared()`, or `abandon()` to release the lock without opening."""

    __slots__ = ("actor", "opened", "plan", "read_only", "read_only_reason", "target")  # plain: dataclasses cost

    def __init__(self, target: str, plan: OpenPlan, actor: str | None = None, read_only: bool = False,
                 read_only_reason: str | None = None):
        self.target, self.plan, self.actor, self.read_only = target, plan, actor, read_only
        self.read_only_reason = read_only_reason  # the file cannot be written where it is (read-only media)
        self.opened = False

    def __repr__(self) -> str:
        return f"PreparedBook({self.target!r}, read_only={self.read_only}, opened={self.opened})"

    @property
    def actor_name(self) -> str:
        """The name the ledger will record (the given actor, else the login name)."""
        return self.actor or default_actor()

    @property
    def holds_lock(self) -> bool:
        return self.plan.lock is not None and bool(self.plan.lock.held)

    @property
    def schema_current(self) -> bool:
        """True when the file is an existing book at the current schema: its tables can be read before
        opening (which would otherwise migrate or create them first)."""
        report = self.plan.report
        return self.plan.path is not None and report is not None and report.revision == SCHEMA_HEAD

    def reader(self) -> sqlite3.Connection:
        """A plain read connection to the file for the thread that calls this (needs `schema_current`)."""
        if not self.schema_current or self.plan.path is None:
            raise ValueError("reader() needs an existing SQLite book at the current schema")
        return connect_reader(self.plan.path, read_only=self.read_only)

    def claim(self) -> None:
        """Mark this book as being opened (by `Book.from_prepared`); refuses a second time."""
        if self.opened:
            raise ValueError("this PreparedBook was already opened")
        self.opened = True

    def abandon(self) -> None:
        """Release the lock of a book that will not be opened."""
        self.opened = True
        if self.plan.lock is not None:
            self.plan.lock.release()


def prepare(target: str | os.PathLike[str], *, actor: str | None = None, lock: bool = False,
            read_only: bool = False, check: bool = True, allow_unsafe_location: bool | None = None,
            startup_check: str = "full") -> PreparedBook:
    """The checks of `Book.open` (see there), without opening: refuses UnsafeLocation, LockedByOther,
    BookCorrupt / NotABook, and ValueError for an unknown ``startup_check``; on a refusal nothing is held."""
    if startup_check not in ("full", "fast"):
        raise ValueError(f"startup_check must be 'full' or 'fast', not {startup_check!r}")
    from bianzhi_app.safety import session
    from bianzhi_app.safety.storage import read_only_media

    path = session.sqlite_path(target)
    media = read_only_media(path) if path is not None else None
    if media is not None:  # a book on read-only media opens read-only: reads, reports, export and backup work
        read_only, lock = True, False
    plan = session.prepare_open(target, lock=lock, read_only=read_only, check=check,
                                allow_unsafe_location=allow_unsafe_location, actor=actor,
                                quick_check=startup_check == "full", immutable=media is not None)
    return PreparedBook(os.fspath(target), plan, actor, read_only, media)

