"""restore_backup: verify first, keep the current book, swap atomically, refuse while the book is open."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bianzhi_app.safety.backup import (
    BackupCorrupt,
    BackupFailed,
    list_backups,
    make_backup,
    thin_backups,
)
from bianzhi_app.safety.check import quick_check
from bianzhi_app.safety.restore import restore_backup

T0 = dt.datetime(2026, 11, 29, 9, 0)


def _mutate(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM person WHERE id > 100")
    conn.execute("INSERT INTO unit VALUES (999, '误建单位', 1)")
    conn.commit()
    conn.close()


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_restore_brings_the_data_back_and_keeps_the_current_book(
    tmp_path: Path, book: Path, books: Any
) -> None:
    backups = tmp_path / "backups"
    good = make_backup(book, backups, now=T0)
    _mutate(book)
    assert books.count(book) == 100
    result = restore_backup(good.path, book, backup_dir=backups, now=T0 + dt.timedelta(hours=2))
    assert books.count(book) == 10_000 and books.count(book, "unit") == 50
    assert quick_check(book, full=True).ok
    assert _names(book.parent) == ["book.db"]  # no temp file, no -wal/-shm/-journal
    assert result.verified and result.path == good.path
    pre = result.pre_restore
    assert pre is not None and pre.pinned and pre.tables["person"] == 100
    assert pre.extra == {"reason": "before_restore", "restored_from": good.path.name}
    assert [b.path for b in list_backups(backups)] == [pre.path, good.path]
    # The pre-restore backup survives thinning even when nothing else would.
    thin_backups(backups, keep_daily=0, keep_weekly=0, keep_monthly=0, keep_within=dt.timedelta(0),
                 now=T0 + dt.timedelta(days=400))
    assert pre.path.exists()
    # …and can itself be restored: undoing the restore.
    restore_backup(pre.path, book, backup_dir=backups)
    assert books.count(book) == 100


def test_restore_over_a_crashed_wal_book(tmp_path: Path, books: Any) -> None:
    live = books.make(tmp_path / "live.db", rows=500, wal=True)
    backups = tmp_path / "backups"
    good = make_backup(live, backups, now=T0)
    writer = sqlite3.connect(live)
    writer.execute("INSERT INTO person (name) VALUES ('只在WAL里')")
    writer.commit()
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for name in ("live.db", "live.db-wal"):  # what a power cut leaves: the main file plus a hot -wal
        shutil.copyfile(tmp_path / name, crashed / name.replace("live", "book"))
    writer.close()
    db = crashed / "book.db"
    result = restore_backup(good.path, db, backup_dir=backups)
    assert result.pre_restore is not None and result.pre_restore.tables["person"] == 501  # WAL kept
    assert books.count(db) == 500
    assert _names(crashed) == ["book.db"]


def test_restore_is_refused_while_the_book_is_open(tmp_path: Path, books: Any) -> None:
    db = books.make(tmp_path / "book.db", rows=300, wal=True)
    backups = tmp_path / "backups"
    good = make_backup(db, backups, now=T0)
    other = sqlite3.connect(db)
    try:
        other.execute("SELECT count(*) FROM person").fetchone()
        before = books.count(db)
        with pytest.raises(BackupFailed, match="仍被其他程序或连接打开"):
            restore_backup(good.path, db, backup_dir=backups)
        assert books.count(db) == before and len(list_backups(backups)) == 1
    finally:
        other.close()


def test_a_corrupt_backup_is_refused_before_anything_changes(tmp_path: Path, book: Path, books: Any) -> None:
    backups = tmp_path / "backups"
    good = make_backup(book, backups, now=T0)
    data = bytearray(good.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    good.path.write_bytes(bytes(data))
    before = books.sha256(book)
    with pytest.raises(BackupCorrupt):
        restore_backup(good.path, book, backup_dir=backups)
    assert books.sha256(book) == before and len(list_backups(backups)) == 1
    with pytest.raises(BackupFailed, match="本身"):
        restore_backup(book, book, backup_dir=backups, allow_without_manifest=True)


def test_restore_over_a_damaged_book_keeps_its_raw_bytes(tmp_path: Path, book: Path, books: Any) -> None:
    backups = tmp_path / "backups"
    good = make_backup(book, backups, now=T0)
    book.write_bytes(b"garbage, not a database" * 100)
    damaged = book.read_bytes()
    result = restore_backup(good.path, book, backup_dir=backups, now=T0 + dt.timedelta(hours=1))
    assert books.count(book) == 10_000
    assert result.pre_restore is not None and result.pre_restore.path.name == "book-20261129-100000.damaged"
    assert result.pre_restore.path.read_bytes() == damaged


def test_restore_into_an_empty_place(tmp_path: Path, book: Path, books: Any) -> None:
    good = make_backup(book, tmp_path / "backups", now=T0)
    target = tmp_path / "new" / "book.db"
    result = restore_backup(good.path, target, backup_dir=tmp_path / "backups")
    assert result.pre_restore is None and books.count(target) == 10_000
