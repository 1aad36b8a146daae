"""A server book opened by a newer program is migrated only after its pinned, verified backup, as a file book is:
a SQLite file at the server book's old revision (tests/fixtures/book_0004.db.xz put on the server at 0004), with
the same ledger head and rows, restorable as a file book; when that backup cannot be made, nothing is migrated."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_personal_migration import PASSWORD, old_book_on_server

from bianzhi_app.accounts.store import Credentials
from bianzhi_app.book import Book
from bianzhi_app.db import SCHEMA_HEAD
from bianzhi_app.db.engine import make_engine
from bianzhi_app.db.migrate import current_revision
from bianzhi_app.safety.backup import BackupFailed, list_backups, verify_backup


@pytest.fixture
def old_server_book(pg_server, tmp_path: Path) -> Iterator[tuple[str, tuple[int, str], list[tuple]]]:  # type: ignore[no-untyped-def]
    """The 0004 book on a fresh server database at revision 0004; its ledger head and roster."""
    path = tmp_path / "old.db"
    url, roster, _ids = old_book_on_server(pg_server, path, f"old_backup_{os.getpid()}")
    conn = sqlite3.connect(path)
    head = conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    yield url, head, roster
    pg_server.drop(url)


def _revision_and_head(url: str) -> tuple[str | None, tuple[int, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            head = conn.exec_driver_sql("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").first()
        return current_revision(engine), (int(head[0]), str(head[1]))
    finally:
        engine.dispose()


def test_an_old_server_book_gets_a_pinned_verified_file_backup_before_it_is_migrated(  # type: ignore[no-untyped-def]
        old_server_book, tmp_path, monkeypatch):
    url, head, roster = old_server_book
    folder = tmp_path / "backups"
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(folder))
    with Book.open(url, account=Credentials("jingban", PASSWORD)) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD
    backups = list_backups(folder)
    assert len(backups) == 1
    info = verify_backup(backups[0].path)  # sha256 and integrity as its manifest says
    assert info.pinned and info.extra["reason"] == "migration" and info.extra["schema"] == "0004"
    assert (info.extra["ledger_head"]["seq"], info.extra["ledger_head"]["hash"]) == head
    assert info.extra["book"].startswith("postgresql+psycopg://") and info.extra["book"].endswith(url.rsplit("/")[-1])
    conn = sqlite3.connect(info.path)  # the book exactly as it was on the server: revision 0004, clear numbers
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
    assert conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone() == head
    assert sorted(conn.execute(
        "SELECT p.name, p.id_number, u.name, s.kind_id FROM persons p JOIN staffing_periods s ON s.person_id = p.id"
        " AND s.end_date IS NULL JOIN units u ON u.id = s.unit_id").fetchall()) == roster
    conn.close()
    restored = tmp_path / "restored.db"  # usable as a file book: the newer program migrates it in turn
    shutil.copyfile(info.path, restored)
    with Book.open(restored, account=Credentials("jingban", PASSWORD)) as book:
        assert current_revision(book.engine) == SCHEMA_HEAD and book.head().seq == head[0]
        full = sorted((r["name"], r["id_number"], r["unit"], book.catalog.kind(r["kind"]).id)
                      for r in book.people.roster(full_id=True, reason="恢复核对"))
    assert full == roster
    with Book.open(url, account=Credentials("jingban", PASSWORD)):
        pass
    # at head now: no second backup of the server book (the restored file made its own, as any file book)
    assert [b.path for b in list_backups(folder) if b.path.name.startswith(url.rsplit("/")[-1])] == [info.path]


def test_no_backup_no_migration_the_server_book_stays_as_it_was(old_server_book, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    url, head, _roster = old_server_book
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(blocker / "backups"))
    with pytest.raises(BackupFailed, match=r"升级前的备份失败.*未升级,台账保持原样"):
        Book.open(url, account=Credentials("jingban", PASSWORD))
    assert _revision_and_head(url) == ("0004", head)
    assert not (blocker / "backups").exists()
