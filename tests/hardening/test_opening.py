"""Books that cannot be opened as they are (issue 14): a newer version's book, an unknown --db URL, a missing
database driver and a 0-byte file get a Chinese message (exit 4) and are left as they were, never a traceback;
only init/demo turn an empty file into a book. A book on read-only media (a 0444 file in a 0555 folder) opens
read-only: status, check, reports, export and backup work, and a write says why it cannot."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from bookhelpers import DOC, PASSWORD, TEST_USER, Cli, fingerprint

from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput
from bianzhi_app.safety.errors import ReadOnlyBook


def no_traceback(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err and "Error:" not in err, err


def test_a_book_from_a_newer_version_is_refused_untouched(region: Cli) -> None:
    conn = sqlite3.connect(region.db)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    before = fingerprint(region.db, skip=())
    for command in (["status"], ["check"], ["pool", "set", "xz", "5", "--doc", DOC]):
        code, out, err = region(*command)
        assert code == 4, err
        assert "更新版本" in err and "0099" in err
        no_traceback(code, out, err)
    assert fingerprint(region.db, skip=()) == before
    with pytest.raises(InvalidInput, match="更新版本"):
        Book.open(region.db)
    with pytest.raises(InvalidInput, match="更新版本"):
        Book.open(region.db, read_only=True)


@pytest.mark.parametrize(("url", "words"), [
    ("foo://x/y", "无法识别"),
    ("://", "无法识别"),
    ("mysql://u:secret@h/db", "驱动程序"),
    ("postgresql+pg8000://u:secret@localhost/db", "驱动程序"),
])
def test_an_unknown_url_or_a_missing_driver_is_a_chinese_message(cli: Cli, url: str, words: str) -> None:
    code, out, err = cli("--db", url, "status")
    assert code == 4 and words in err, err
    assert "secret" not in err  # a server URL's password is never echoed
    no_traceback(code, out, err)


@pytest.mark.parametrize("command", [["status"], ["check"], ["roster"], ["ledger"],
                                     ["pool", "set", "xz", "5", "--doc", DOC]])
def test_an_empty_file_is_not_turned_into_a_book_by_a_command(cli: Cli, command: list[str]) -> None:
    cli.db.write_bytes(b"")
    code, out, err = cli(*command)
    assert code == 4 and "空文件" in err, err
    no_traceback(code, out, err)
    assert cli.db.stat().st_size == 0


def test_init_makes_a_book_of_an_empty_file(cli: Cli) -> None:
    cli.db.write_bytes(b"")
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    assert cli.json("status")["region"]["code"] == "610403"


@pytest.fixture
def read_only_book(region: Cli) -> Cli:
    region.ok("approval", "add", "区农业农村局", "xz", "1", "--method", "公开招录", "--doc", DOC)
    with Book.open(region.db):  # a clean close leaves no -wal or -shm beside it
        pass
    folder = region.db.parent
    os.chmod(region.db, 0o444)
    os.chmod(folder, 0o555)
    yield region
    os.chmod(folder, 0o755)
    os.chmod(region.db, 0o644)


def test_a_book_on_read_only_media_reads_reports_exports_and_backs_up(read_only_book: Cli, tmp_path_factory
                                                                      : pytest.TempPathFactory) -> None:
    cli = read_only_book
    before = fingerprint(cli.db, skip=())
    out_dir = tmp_path_factory.mktemp("out")
    assert cli.json("status")["ledger_head"]["seq"] >= 5
    assert cli.json("check")["ok"]
    cli.ok("report", "summary", "-o", str(out_dir / "总表.pdf"))
    code, out, err = cli("export", str(out_dir / "导出.xlsx"))
    assert code == 0 and (out_dir / "导出.xlsx").stat().st_size > 0
    assert "无法记入安全审计日志" in err
    made = cli.json("backup", str(out_dir))
    assert Path(made["path"]).is_file()
    code, out, err = cli("pool", "set", "xz", "5", "--doc", DOC)
    assert code != 0 and "文件被设为只读" in err and "只读方式" in err
    no_traceback(code, out, err)
    assert fingerprint(cli.db, skip=()) == before
    assert sorted(p.name for p in cli.db.parent.iterdir()) == [cli.db.name]  # no -wal, -shm or journal made


def test_the_core_opens_a_read_only_file_read_only(read_only_book: Cli) -> None:
    with Book.open(read_only_book.db) as book:
        assert book.read_only and book.read_only_reason
        with pytest.raises(ReadOnlyBook, match="只读"):
            book.sign_in(TEST_USER, PASSWORD)
            book.region.set_pool(kind="xz", total=3, doc=DOC)
