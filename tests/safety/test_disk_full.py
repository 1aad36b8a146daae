"""Disk full and read-only media: the write or backup fails with a clear message, the book is intact."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from bookhelpers import DOC, PASSWORD, TEST_USER, Cli, fingerprint

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.ops.region import set_pool
from bianzhi_app.ops.staff import EnterRequest, enter_persons
from bianzhi_app.safety.backup import BackupFailed
from bianzhi_app.safety.errors import StorageError
from bianzhi_app.safety.storage import storage_error


def _settled_copy(source: Path, target: Path) -> Path:
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(source, target)
    return target


def _fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for chunk in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError as e:
                assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


def _bulk(n: int) -> list[EnterRequest]:
    from test_crash import crash_id

    return [EnterRequest("区农业农村局", "xz", f"满{i}", crash_id(i)) for i in range(n)]


def test_write_on_a_full_disk_fails_cleanly(region: Cli, db_path: Path, tmpfs_factory,  # type: ignore[no-untyped-def]
                                            capsys: pytest.CaptureFixture[str]) -> None:
    region.ok("quota", "set", "区农业农村局", "xz", "100", "--doc", DOC)
    folder = tmpfs_factory("small", "size=2m")
    book_path = _settled_copy(db_path, folder / "book.db")
    before = fingerprint(book_path)
    with Book.open(book_path, account=Credentials(TEST_USER, PASSWORD)) as book:  # the key that seals the IDs
        book.run(set_pool, "xz", 101, doc=DOC)  # the -wal and -shm exist now
        before = fingerprint(book_path)
        filler = _fill(folder)
        with pytest.raises(StorageError) as caught:
            with book.transact() as tx:
                enter_persons(tx, _bulk(100), initial=True)
        assert "磁盘空间不足" in caught.value.message and "没有保存" in caught.value.message
        filler.unlink()
        assert fingerprint(book_path) == before
    cli = Cli(book_path, capsys)
    filler = _fill(folder)
    code, _out, err = cli("pool", "set", "xz", "102", "--doc", DOC)
    assert code == 1 and ("磁盘空间不足" in err or "读写" in err) and "Traceback" not in err
    filler.unlink()
    assert fingerprint(book_path) == before
    cli.ok("pool", "set", "xz", "102", "--doc", DOC)  # space again: works, book whole
    assert cli.json("check")["ok"]


def test_backup_to_a_full_disk_fails_cleanly(region: Cli, db_path: Path, tiny_tmpfs: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(db_path)
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(tiny_tmpfs))
    _fill(tiny_tmpfs).unlink()  # leaves the 200 KiB tmpfs empty but known to be small
    filler = tiny_tmpfs / "other"
    filler.write_bytes(b"\0" * 120_000)
    code, _out, err = region("backup")
    assert code == 1 and "磁盘空间不足" in err and "数据库本身没有改动" in err
    assert sorted(p.name for p in tiny_tmpfs.iterdir()) == ["other"]  # no half-written backup left
    assert fingerprint(db_path) == before
    with Book.open(db_path, lock=True) as book:  # the on-exit backup: raised after closing all the same
        book.run(set_pool, "xz", 103, doc=DOC)
        with pytest.raises(BackupFailed):
            book.close(backup=True)
        assert not book.holds_lock
    assert sorted(p.name for p in tiny_tmpfs.iterdir()) == ["other"]


def test_backup_to_read_only_media_fails_cleanly(region: Cli, db_path: Path, readonly_tmpfs: Path) -> None:
    code, _out, err = region("backup", str(readonly_tmpfs))
    assert code == 1 and "只读" in err


def test_book_on_read_only_media_is_refused_clearly(region: Cli, db_path: Path, tmpfs_factory,  # type: ignore[no-untyped-def]
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmpfs_factory("media", "size=4m")
    book_path = _settled_copy(db_path, folder / "book.db")
    before = book_path.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    code, _out, err = Cli(book_path, capsys)("pool", "set", "xz", "104", "--doc", DOC)
    assert code == 1 and ("只读" in err or "读写" in err) and "Traceback" not in err, err
    assert book_path.read_bytes() == before


@pytest.mark.parametrize("error, words", [
    (sqlite3.OperationalError("database or disk is full"), "磁盘空间不足"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "只读"),
    (OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), "磁盘空间不足"),
    (OSError(errno.EROFS, os.strerror(errno.EROFS)), "只读"),
])
def test_storage_errors_are_mapped_to_chinese(error: BaseException, words: str, tmp_path: Path) -> None:
    mapped = storage_error(error, tmp_path)
    assert isinstance(mapped, StorageError) and words in mapped.message
    assert storage_error(ValueError("x"), tmp_path) is None
