"""The password of BIANZHI_USER / BIANZHI_PASSWORD checked on a thread of its own (issue 15).

The core's sign-in check (bianzhi_app.accounts.signin: plain SQL and hashlib.scrypt, nothing written) runs
beside the window's start-up, so the first page can paint before SQLAlchemy loads and without waiting the
whole hash (~0.1 s on an office PC); ui.admission shows the window only when it passed. main.py starts it
before Qt is even imported when the book's path is on the command line or in BIANZHI_DB. This module imports
no Qt.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Sequence
from typing import Any

from bianzhi_app.accounts.signin import SignInOutcome, has_accounts, sign_in
from bianzhi_app.db.sql import connect_reader
from bianzhi_app.settings import credentials_from_environment, db_from_environment


class PasswordCheck:
    """The core's sign-in check (nothing written) of a name and password on the book's file, on a thread."""

    def __init__(self, path: Any, name: str, password: str, *, read_only: bool = False):
        self.outcome: SignInOutcome | None = None
        self.path, self.name = os.path.realpath(path), name
        self._args = (path, name, password, read_only)
        self._thread = threading.Thread(target=self._run, name="password-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:  # no import here: PySide hooks every import, and this runs beside Qt's start
        path, name, password, read_only = self._args
        try:
            conn = connect_reader(path, read_only=read_only)
            try:
                if has_accounts(conn):  # else nothing to check (and no hash burnt for an unknown name)
                    self.outcome = sign_in(conn, name=name, password=password, now=dt.datetime.now().astimezone())
            finally:
                conn.close()
        except Exception:  # an unreadable file: the Book's own sign-in says why
            self.outcome = None

    def result(self) -> SignInOutcome | None:
        self._thread.join()
        return self.outcome

    def matches(self, path: Any, name: str, password: str) -> bool:
        return self.path == os.path.realpath(path) and self._args[1:3] == (name, password)


_early: list[PasswordCheck] = []


def check_early(path: str) -> None:
    """Start checking BIANZHI_USER/BIANZHI_PASSWORD against the book at `path` as the process starts (ui.app,
    before Qt's application and fonts): the hash then runs beside everything before the first paint. Only for
    an existing file: nothing is created or written; `admit` uses the result when it opens that same book."""
    credentials = credentials_from_environment()
    if credentials is None or "://" in path or not os.path.isfile(path):
        return
    if not any(check.matches(path, *credentials) for check in _early):
        _early.append(PasswordCheck(path, *credentials, read_only=False))


def check_early_from_argv(argv: Sequence[str]) -> None:
    """main.py, before importing Qt: the book named by ``--db PATH`` / ``--db=PATH`` or BIANZHI_DB."""
    path = db_from_environment()
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--db="):
            path = arg[len("--db="):]
    if path:
        check_early(path)


def check_for(path: Any, name: str, password: str, read_only: bool) -> PasswordCheck:
    """The check started early for this book and these credentials, else a new one (the rest are dropped)."""
    early = next((check for check in _early if check.matches(path, name, password)), None)
    _early.clear()
    return early or PasswordCheck(path, name, password, read_only=read_only)
