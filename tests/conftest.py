"""Shared fixtures: real SQLite books in tmp_path, the CLI run in-process, a database fingerprint."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bianzhi_app.book import Book  # noqa: E402
from bianzhi_app.cli import main as cli_main  # noqa: E402

DOC = "杨编发〔2026〕1号"


def fingerprint(path: Path | str) -> str:
    """A hash of every row of every table (and the schema): equal means the book is unchanged."""
    conn = sqlite3.connect(str(path))
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()


class Cli:
    """Runs `main.py --db BOOK ...` in-process; returns (exit code, stdout, stderr)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]):
        self.db = db
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        try:
            code = cli_main(["--db", str(self.db), "--user", "测试员", *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def json(self, *args: str) -> dict:
        code, out, err = self("--json", *args)
        assert code == 0, err
        return json.loads(out)

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, f"{args} exited {code}: {err}"
        return out


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


def valid_id(first17: str) -> str:
    from bianzhi_app.idcodes import id_check_digit

    return first17 + id_check_digit(first17)


def person_id(n: int, year: int = 1990) -> str:
    """A distinct valid ID number for test person n."""
    return valid_id(f"610403{year}0101{n:03d}")
