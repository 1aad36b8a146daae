"""Fixtures for the data-safety tests: real SQLite books and a tiny tmpfs for disk-full cases."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # let `pytest tests/safety` import bianzhi_app without an install
    sys.path.insert(0, str(ROOT))


def _make_book(path: Path, *, rows: int = 10_000, wal: bool = False) -> Path:
    """A book-like SQLite file: a few tables, ``rows`` people, ~1.5 MB (hundreds of pages)."""
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(
        """
        CREATE TABLE unit (id INTEGER PRIMARY KEY, name TEXT NOT NULL, quota INTEGER NOT NULL);
        CREATE TABLE person (id INTEGER PRIMARY KEY, unit_id INTEGER REFERENCES unit(id),
                             name TEXT NOT NULL, id_code TEXT, note TEXT);
        CREATE INDEX person_unit ON person(unit_id);
        CREATE TABLE ledger (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL);
        """
    )
    conn.executemany("INSERT INTO unit VALUES (?, ?, ?)", [(i, f"单位{i}", 10 + i) for i in range(1, 51)])
    conn.executemany(
        "INSERT INTO person VALUES (?, ?, ?, ?, ?)",
        [(i, i % 50 + 1, f"人员{i}", f"{110101199001010000 + i}", "备注" * 20) for i in range(1, rows + 1)],
    )
    conn.executemany("INSERT INTO ledger VALUES (?, ?)", [(i, f"h{i:04d}") for i in range(1, 6)])
    conn.commit()
    conn.close()
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path: Path, table: str = "person") -> int:
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


class Books:
    """Helpers handed to tests as the ``books`` fixture (conftest is not importable as a module)."""

    make = staticmethod(_make_book)
    sha256 = staticmethod(sha256)
    count = staticmethod(count)


@pytest.fixture
def books() -> type[Books]:
    return Books


@pytest.fixture(scope="session")
def _template_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_book(tmp_path_factory.mktemp("template") / "book.db")


@pytest.fixture
def book(tmp_path: Path, _template_book: Path) -> Path:
    """A fresh copy of a 10 000-person book at tmp_path/data/book.db (rollback-journal mode)."""
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "book.db"
    shutil.copyfile(_template_book, target)
    return target


def _mount_tmpfs(target: Path, options: str) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 200 KiB tmpfs (skipped where mounting is not possible)."""
    target = tmp_path / "tiny"
    if not _mount_tmpfs(target, "size=200k"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True, check=False)


@pytest.fixture
def readonly_tmpfs(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "ro"
    if not _mount_tmpfs(target, "ro,size=200k"):
        pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
    try:
        yield target
    finally:
        subprocess.run(["umount", str(target)], capture_output=True, check=False)


@pytest.fixture(autouse=True)
def _backups_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Book-level backups go to tmp_path/backups, never into the user's data folder."""
    folder = tmp_path / "backups"
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(folder))
    return folder


@pytest.fixture
def tmpfs_factory(tmp_path: Path) -> Iterator[object]:
    """``tmpfs_factory(name, options)`` mounts a tmpfs under tmp_path (skips where impossible)."""
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        target = tmp_path / name
        if not _mount_tmpfs(target, options):
            pytest.skip("cannot mount a tmpfs here (needs root on Linux)")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)
