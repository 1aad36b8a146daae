"""Shared fixtures: real SQLite books in tmp_path, the CLI run in-process."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli

from bianzhi_app.book import Book


@pytest.fixture(scope="session", autouse=True)
def _backups_never_in_the_data_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Backups a test does not direct (e.g. the pinned one before a migration) go to a temporary folder, and
    so does the witness file of ledger heads (never the user's data folder)."""
    import os

    os.environ.setdefault("BIANZHI_BACKUP_DIR", str(tmp_path_factory.mktemp("backups")))
    os.environ.setdefault("BIANZHI_WITNESS", str(tmp_path_factory.mktemp("witness") / "witness.json"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
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
