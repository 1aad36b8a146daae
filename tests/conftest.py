"""Shared fixtures: real SQLite books in tmp_path, the CLI run in-process; the same on a real PostgreSQL server.

A test (or module, by ``pytestmark``) marked ``both_backends`` runs twice, ``[sqlite]`` and ``[postgresql]``:
its ``db_path`` is then a file or the URL of a fresh database on the session's PostgreSQL cluster (CREATE DATABASE
from a template already at the schema's head). The cluster is started by tests/pgcluster.py (or
BIANZHI_TEST_PG names one); when it cannot start, those tests fail, they never skip.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pgcluster
import pytest
from bookhelpers import DOC, Cli

from bianzhi_app.book import Book

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run on a SQLite file and on a PostgreSQL database")
    config.addinivalue_line("markers", "file_only: a file book's behaviour (restore) in a both_backends module")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marked = metafunc.definition.get_closest_marker
    if "backend" in metafunc.fixturenames and marked("both_backends") and not marked("file_only"):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


class PgServer:
    """The session's PostgreSQL cluster and the template database every test database is copied from."""

    TEMPLATE = "bianzhi_template"

    def __init__(self, cluster: pgcluster.Cluster):
        self.cluster = cluster
        self._numbers = itertools.count(1)
        with pgcluster.admin(cluster) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.TEMPLATE}")
            conn.execute(f"CREATE DATABASE {self.TEMPLATE}")
        from bianzhi_app.db.engine import make_engine
        from bianzhi_app.db.migrate import upgrade

        engine = make_engine(cluster.url_for(self.TEMPLATE))
        upgrade(engine)
        engine.dispose()

    def new_database(self, template: str | None = None) -> str:
        """A fresh database (a copy of ``template``, by default the empty book at the schema's head); its URL."""
        import os

        name = f"book_{os.getpid()}_{next(self._numbers)}"
        with pgcluster.admin(self.cluster) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template or self.TEMPLATE}")
        return self.cluster.url_for(name)

    def drop(self, url: str) -> None:
        with pgcluster.admin(self.cluster) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    cluster = pgcluster.start()
    try:
        yield PgServer(cluster)
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL book (schema at head, no region yet), dropped after the test."""
    url = pg_server.new_database()
    yield url
    pg_server.drop(url)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite" unless the test is marked both_backends (then each of BACKENDS in turn)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session", autouse=True)
def _backups_never_in_the_data_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Backups a test does not direct (e.g. the pinned one before a migration) go to a temporary folder, and
    so does the witness file of ledger heads (never the user's data folder); the keyring is keyring's `fail`."""
    import os

    os.environ.setdefault("BIANZHI_BACKUP_DIR", str(tmp_path_factory.mktemp("backups")))
    # no test reaches the developer's own OS keyring: the keychain tests set the backend they test
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ.setdefault("BIANZHI_WITNESS", str(tmp_path_factory.mktemp("witness") / "witness.json"))


@pytest.fixture
def db_path(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's book lives: a file in tmp_path, or (backend postgresql) a fresh database's URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return tmp_path / "book.db"


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(db_path, capsys)


@pytest.fixture
def region(cli: Cli) -> Cli:
    """A region with pools and one unit 区农业农村局 (行政 12)."""
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    cli.ok("pool", "set", "xz", "100", "--doc", DOC)
    cli.ok("pool", "set", "sy", "200", "--doc", DOC)
    cli.ok("unit", "add", "区农业农村局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC)
    cli.ok("quota", "set", "区农业农村局", "xz", "12", "--doc", DOC)
    return cli


_TEMPLATES: dict[str, Path] = {}


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo county book built once per session; copy it with `demo_book`."""
    path = tmp_path_factory.mktemp("demo") / "county.db"
    with Book.open(path) as book:
        from bianzhi_app.demo import generate

        generate(book, scale="county", seed=7)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def demo_book(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path
