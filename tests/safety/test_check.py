"""quick_check: header checks, SQLite's checks, never raising, never writing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bianzhi_app.safety.check import quick_check


def corrupt_btree_page(path: Path) -> int:
    """Overwrite the header and cell pointers of a b-tree leaf page in the middle of the file."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    assert pages > 20, "the test file must span many pages"
    for number in range(pages // 2, pages):
        offset = number * page_size  # page number + 1, 0-based here; never page 1
        if data[offset] in (0x0D, 0x0A):  # table leaf / index leaf
            data[offset : offset + 64] = bytes(range(7, 71))
            path.write_bytes(bytes(data))
            return number + 1
    raise AssertionError("no leaf page found")


def _snapshot(path: Path) -> tuple[bytes, float, list[str]]:
    return path.read_bytes(), path.stat().st_mtime, sorted(p.name for p in path.parent.iterdir())


def test_a_good_book_passes_both_checks(book: Path) -> None:
    before = _snapshot(book)
    quick = quick_check(book)
    full = quick_check(book, full=True)
    assert quick.ok and full.ok and quick.kind == "ok"
    assert "快速检查" in quick.message and "完整检查" in full.message
    assert quick.page_size == 4096 and (quick.page_count or 0) > 100
    assert _snapshot(book) == before


def test_a_corrupted_btree_page_is_detected_without_writing(book: Path) -> None:
    corrupt_btree_page(book)
    before = _snapshot(book)
    for full in (False, True):
        result = quick_check(book, full=full)
        assert not result.ok and result.kind == "corrupt", result
        assert "已损坏" in result.message and "从备份恢复" in result.message and result.problems
    assert _snapshot(book) == before


@pytest.mark.parametrize(
    ("content", "kind", "words"),
    [
        (b"", "not_sqlite", "空的"),
        (b"hello, this is not a database" * 10, "not_sqlite", "文件头"),
        (b"SQLite format 3\x00" + b"\x00\x03" + b"\x00" * 82, "corrupt", "页大小"),
    ],
)
def test_files_that_are_not_books(tmp_path: Path, content: bytes, kind: str, words: str) -> None:
    path = tmp_path / "book.db"
    path.write_bytes(content)
    result = quick_check(path)
    assert (result.ok, result.kind) == (False, kind) and words in result.message


def test_missing_directory_and_truncated(tmp_path: Path, book: Path) -> None:
    assert quick_check(tmp_path / "nope.db").kind == "missing"
    assert quick_check(tmp_path).kind in ("missing", "unreadable")
    cut = tmp_path / "cut.db"
    cut.write_bytes(book.read_bytes()[: 4096 * 30])
    result = quick_check(cut)
    assert result.kind == "truncated" and "不完整" in result.message
    odd = tmp_path / "odd.db"
    odd.write_bytes(book.read_bytes()[:-100])
    assert quick_check(odd).kind == "truncated"


def test_wal_book_leaves_no_sidecars_and_sees_the_wal(tmp_path: Path, books: Any) -> None:
    db = books.make(tmp_path / "wal.db", rows=2000, wal=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.db"]
    assert quick_check(db).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.db"]  # immutable: no -wal/-shm created
    writer = sqlite3.connect(db)
    try:
        writer.execute("INSERT INTO person (name) VALUES ('新人')")
        writer.commit()
        assert (tmp_path / "wal.db-wal").stat().st_size > 0
        assert quick_check(db, full=True).ok  # reads through the live WAL
    finally:
        writer.close()


def test_corrupted_copy_of_a_wal_book(tmp_path: Path, books: Any) -> None:
    db = books.make(tmp_path / "wal.db", rows=10_000, wal=True)
    copy = tmp_path / "copy.db"
    shutil.copyfile(db, copy)
    corrupt_btree_page(copy)
    assert quick_check(copy).kind == "corrupt"


def test_run_check_reports_a_damaged_file_alone_while_the_chain_walk_overlaps_it(tmp_path: Path) -> None:
    """`check`'s integrity_check runs in a thread beside the chain walk: a damaged page is still what it
    reports (alone, whatever the walk found or raised reading the damage), and a sound file reports nothing."""
    from bianzhi_app.book import Book
    from bianzhi_app.catalog import Catalog
    from bianzhi_app.check import run_check
    from bianzhi_app.db.engine import make_engine
    from bianzhi_app.demo import generate

    book = tmp_path / "demo.db"
    with Book.open(book) as opened:
        generate(opened, scale="county", seed=3)
    conn = sqlite3.connect(book)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()

    def checked() -> list[str]:
        engine = make_engine(book, read_only=True)
        try:
            with engine.connect() as conn:
                return run_check(conn, Catalog.load(conn)).problems
        finally:
            engine.dispose()

    assert checked() == []
    corrupt_btree_page(book)
    problems = checked()
    assert len(problems) == 1 and problems[0].startswith("数据库文件损坏"), problems
