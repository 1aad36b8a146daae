"""make_backup / list_backups / verify_backup on real SQLite files, including a full disk."""

from __future__ import annotations

import datetime as dt
import json
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
    manifest_path_for,
    verify_backup,
)
from bianzhi_app.safety.check import quick_check

T0 = dt.datetime(2026, 11, 29, 9, 0, 0)


def corrupt_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for number in range(len(data) // page_size // 2, len(data) // page_size):
        if data[number * page_size] in (0x0D, 0x0A):
            data[number * page_size : number * page_size + 64] = bytes(range(7, 71))
            path.write_bytes(bytes(data))
            return
    raise AssertionError("no leaf page found")


def test_backup_verify_list_round_trip(tmp_path: Path, book: Path, books: Any) -> None:
    dest = tmp_path / "backups" / "nested"
    head = {"seq": 5, "hash": "h0005"}
    first = make_backup(book, dest, manifest_extra={"ledger_head": head}, now=T0)
    second = make_backup(book, dest, now=T0 + dt.timedelta(hours=1))
    assert first.path.name == "book-20261129-090000.bak" and first.path.exists()
    assert first.verified and first.manifest_ok
    assert first.tables == {"ledger": 5, "person": 10_000, "unit": 50} and first.total_rows == 10_055
    assert first.size == first.path.stat().st_size and first.sha256 == books.sha256(first.path)
    manifest = json.loads(manifest_path_for(first.path).read_text(encoding="utf-8"))
    assert manifest["extra"] == {"ledger_head": head} and manifest["source"] == "book.db"
    assert manifest["created"].startswith("2026-11-29T09:00:00") and manifest["sha256"] == first.sha256
    assert str(tmp_path) not in manifest_path_for(first.path).read_text(encoding="utf-8")
    header = first.path.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01"  # rollback-journal mode: one self-contained file

    listed = list_backups(dest)
    assert [b.path for b in listed] == [second.path, first.path]
    assert listed[1].extra == {"ledger_head": head} and listed[1].tables == first.tables
    assert listed[1].created == first.created and not listed[1].verified
    checked = verify_backup(first.path)
    assert checked.verified and checked.sha256 == first.sha256
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [first.path.name, second.path.name, first.manifest_path.name, second.manifest_path.name]
    )
    assert list_backups(tmp_path / "nothing-here") == []


def test_same_second_gets_a_distinct_name(tmp_path: Path, book: Path) -> None:
    a = make_backup(book, tmp_path / "b", now=T0)
    b = make_backup(book, tmp_path / "b", now=T0)
    assert a.path != b.path and b.path.name == "book-20261129-090000-2.bak"
    assert len(list_backups(tmp_path / "b")) == 2


def test_backup_of_a_live_wal_book(tmp_path: Path, books: Any) -> None:
    db = books.make(tmp_path / "book.db", rows=1000, wal=True)
    writer = sqlite3.connect(db)
    try:
        writer.execute("INSERT INTO person (name) VALUES ('已提交')")
        writer.commit()
        writer.execute("INSERT INTO person (name) VALUES ('未提交')")  # open write transaction
        info = make_backup(db, tmp_path / "bk", now=T0)
    finally:
        writer.rollback()
        writer.close()
    assert info.tables["person"] == 1001  # committed WAL content in, the open transaction out
    assert info.path.read_bytes()[18:20] == b"\x01\x01"  # the copy is not in WAL mode
    assert sorted(p.name for p in (tmp_path / "bk").iterdir()) == [info.path.name, info.manifest_path.name]


def test_verify_detects_tampering_and_corruption(tmp_path: Path, book: Path, books: Any) -> None:
    info = make_backup(book, tmp_path / "bk", now=T0)
    corrupt_middle(info.path)
    with pytest.raises(BackupCorrupt, match="与清单记录不符"):
        verify_backup(info.path)
    # Make the manifest agree with the damaged bytes: the integrity check still refuses it.
    manifest = json.loads(info.manifest_path.read_text(encoding="utf-8"))
    manifest["sha256"] = books.sha256(info.path)
    info.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupCorrupt, match="不能用于恢复"):
        verify_backup(info.path)
    assert not quick_check(info.path).ok


def test_verify_without_manifest(tmp_path: Path, book: Path) -> None:
    plain = tmp_path / "copy-20261129-090000.bak"
    shutil.copyfile(book, plain)
    with pytest.raises(BackupCorrupt, match="缺少清单"):
        verify_backup(plain)
    info = verify_backup(plain, require_manifest=False)
    assert info.verified and not info.manifest_ok and len(info.sha256) == 64
    assert list_backups(tmp_path)[0].created == dt.datetime(2026, 11, 29, 9, 0).astimezone()
    with pytest.raises(BackupCorrupt, match="找不到"):
        verify_backup(tmp_path / "gone.bak")


def test_refusals_leave_nothing_behind(tmp_path: Path, book: Path) -> None:
    dest = tmp_path / "bk"
    with pytest.raises(BackupFailed, match="找不到数据库文件"):
        make_backup(tmp_path / "missing.db", dest)
    with pytest.raises(BackupFailed, match="JSON"):
        make_backup(book, dest, manifest_extra={"bad": object()})
    corrupt_middle(book)
    with pytest.raises(BackupFailed, match=r"完整性检查|已损坏"):
        make_backup(book, dest)
    assert list(dest.iterdir()) == []


def test_disk_full_fails_cleanly(tiny_tmpfs: Path, book: Path, books: Any) -> None:
    before = books.sha256(book)
    assert book.stat().st_size > 1_000_000  # far beyond the 200 KiB tmpfs
    with pytest.raises(BackupFailed) as caught:
        make_backup(book, tiny_tmpfs, now=T0)
    assert "磁盘空间不足" in str(caught.value) and "没有改动" in str(caught.value)
    assert list(tiny_tmpfs.iterdir()) == []  # no temp file, no journal, no manifest
    assert books.sha256(book) == before and quick_check(book, full=True).ok
    assert sorted(p.name for p in book.parent.iterdir()) == ["book.db"]


def test_read_only_destination_fails_cleanly(readonly_tmpfs: Path, book: Path) -> None:
    with pytest.raises(BackupFailed, match="只读或没有权限"):
        make_backup(book, readonly_tmpfs)
    with pytest.raises(BackupFailed, match="只读或没有权限"):
        make_backup(book, readonly_tmpfs / "sub")
