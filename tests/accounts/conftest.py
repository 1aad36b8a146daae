"""Fixtures of the command-line account tests (issue 15, docs/CLI.md "Accounts, roles and review"): a book
with review on (the default) and one account of each role, built once through the core and copied per test;
the CLI runs in-process as any of them."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bookhelpers import ADMIN, DOC, PASSWORD, Cli, cheap_hashes

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book

# name → roles; every account's password is PASSWORD, none must change it
ACCOUNTS = {"jingban": ["clerk"], "shenhe": ["reviewer"], "shenji": ["auditor"], "chaxun": ["viewer"],
            "fuhe": ["clerk", "reviewer"]}
UNIT = "区农业农村局"


@pytest.fixture(scope="session")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """杨陵区: pool 行政 20, 区农业农村局 with 行政 5 (no usage approval needed), the admin and ACCOUNTS."""
    path = tmp_path_factory.mktemp("accounts") / "book.db"
    with cheap_hashes():
        with Book.open(path, actor="jingban") as book:  # built before accounts exist: nobody signs in
            book.region.init(name="杨陵区", code="610403")
            book.region.set_pool(kind="xz", total=20, doc=DOC)
            book.units.add(name=UNIT, category="政府工作部门", rank="正科", doc=DOC, quotas={"xz": 5},
                           requires_approval=False)
            book.accounts.create_first(name=ADMIN, password=PASSWORD)
        with Book.open(path, account=Credentials(ADMIN, PASSWORD)) as book:
            for name, roles in ACCOUNTS.items():
                book.accounts.add(name=name, roles=roles, password=PASSWORD, must_change=False)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture(scope="session")
def accounts_pg_template(accounts_template: Path, pg_server: Any) -> str:
    """The same book on the session's PostgreSQL cluster (by `copy`), the template of each server test's book."""
    from bianzhi_app.copying import copy_book
    from bianzhi_app.db.engine import make_engine

    url = pg_server.new_database()
    engine = make_engine(accounts_template)
    copy_book(engine, url)
    engine.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def book(accounts_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str,
         request: pytest.FixtureRequest) -> Path | str:
    """The accounts book: a copy of the template, as a file or (backend postgresql) a server database."""
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(tmp_path / "backups"))
    if backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        url: str = server.new_database(template=request.getfixturevalue("accounts_pg_template"))
        request.addfinalizer(lambda: server.drop(url))
        return url
    path = tmp_path / "book.db"
    shutil.copy(accounts_template, path)
    return path


@pytest.fixture
def as_user(book: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Cli]:
    """as_user("jingban") → the CLI on the book, run as that account."""
    def make(name: str, password: str = PASSWORD) -> Cli:
        return Cli(book, capsys, user=name, password=password, setup=False)

    return make
