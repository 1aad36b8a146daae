"""Book.open refuses unsafe places and damaged files, and `restore` brings the last backup back."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, fingerprint, person_id, with_accounts

from bianzhi_app.book import Book
from bianzhi_app.ops.region import set_pool
from bianzhi_app.safety import session
from bianzhi_app.safety.errors import BookCorrupt, UnsafeLocation
from bianzhi_app.safety.locations import classify_location
from bianzhi_app.safety.startup import startup_check


def _mounts(monkeypatch: pytest.MonkeyPatch, folder: Path, fstype: str) -> None:
    """Inject a mount table in which ``folder`` is a mount of ``fstype``."""
    table = [("/", "ext4"), (str(folder), fstype)]
    monkeypatch.setattr(session, "location_classifier", functools.partial(classify_location, mounts=table))


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "fuse.sshfs"])
def test_open_refuses_a_network_mount_with_reason_and_override(
    fstype: str, region: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _mounts(monkeypatch, db_path.parent, fstype)
    with pytest.raises(UnsafeLocation) as caught:
        Book.open(db_path)
    assert fstype in caught.value.message and "网络" in caught.value.message
    before = fingerprint(db_path)
    code, _out, err = region("person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", person_id(1))
    assert code == 1 and "网络位置" in err and "--allow-unsafe-location" in err and "本机磁盘" in err
    assert fingerprint(db_path) == before
    region.ok("--allow-unsafe-location", "status")
    monkeypatch.setenv("BIANZHI_ALLOW_UNSAFE_LOCATION", "1")
    with Book.open(db_path) as book:
        assert book.head().seq == 5


def test_open_refuses_a_cloud_sync_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "OneDrive - 杨陵区编办"
    folder.mkdir()
    with pytest.raises(UnsafeLocation) as caught:
        Book.open(folder / "book.db")
    assert "OneDrive" in caught.value.message and not (folder / "book.db").exists()
    code, _out, err = Cli(folder / "book.db", capsys)("init", "--region", "杨陵区", "--code", "610403")
    assert code == 1 and "同步" in err


def test_a_real_tmpfs_is_a_safe_place(tmpfs_factory, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    folder = tmpfs_factory("ram", "size=16m")
    assert classify_location(folder / "book.db").safe
    cli = Cli(folder / "book.db", capsys)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    assert cli.json("check")["ok"]


def _corrupt_middle(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(os.urandom(4096 * 3))


def test_corrupted_book_is_caught_at_start_and_restore_brings_back_the_backup(
    demo_book: Path, capsys: pytest.CaptureFixture[str], _backups_in_tmp: Path
) -> None:
    cli = Cli(with_accounts(demo_book), capsys)
    made = cli.json("backup")
    cli.ok("pool", "set", "xz", "99999", "--doc", DOC)  # a change after the backup, lost by the restore
    _corrupt_middle(demo_book)
    damaged = demo_book.read_bytes()
    for command in (["status"], ["check"], ["pool", "set", "xz", "1", "--doc", DOC]):
        code, _out, err = cli(*command)
        assert code == 6, err
        assert "没有改动这个文件" in err and made["path"] in err and f"台账第{made['ledger_head']['seq']}条" in err
        assert "restore" in err and "Traceback" not in err
    assert demo_book.read_bytes() == damaged  # never written to
    with pytest.raises(BookCorrupt) as caught:
        Book.open(demo_book)
    assert caught.value.candidates and caught.value.candidates[0].path == Path(made["path"])
    restored = cli.admin.json("restore", made["path"])  # signed in against the backup: the book is damaged
    assert restored["ledger_head"] == made["ledger_head"]
    assert restored["recorded_seq"] == made["ledger_head"]["seq"] + 1
    assert Path(restored["pre_restore_backup"]).read_bytes() == damaged  # the damaged file is kept aside
    assert cli.json("check")["ok"]
    entries = cli.json("ledger")["entries"]
    assert entries[made["ledger_head"]["seq"] - 1]["hash"] == made["ledger_head"]["hash"]
    assert entries[-1]["op"] == "book.restore"


@pytest.mark.parametrize("record", [True, False])
def test_backup_restore_round_trip_gives_the_same_status(region: Cli, record: bool) -> None:
    before = region.json("status")
    made = region.json("backup")
    assert made["ledger_head"] == before["ledger_head"]
    region.ok("quota", "set", "区农业农村局", "xz", "13", "--doc", DOC)
    assert region.json("status") != before
    restored = region.admin.json("restore", made["path"], *([] if record else ["--no-record"]))
    after = region.json("status")
    if record:  # the restore itself is the next ledger entry, chained onto the restored head
        assert restored["recorded_seq"] == before["ledger_head"]["seq"] + 1
        assert after["ledger_head"]["seq"] == restored["recorded_seq"]
        assert {k: v for k, v in after.items() if k != "ledger_head"} == \
            {k: v for k, v in before.items() if k != "ledger_head"}
    else:
        assert after == before
    assert region.json("check")["ok"]


def test_restore_refuses_a_damaged_backup_and_keeps_the_book(region: Cli, db_path: Path) -> None:
    made = region.json("backup")
    with open(made["path"], "r+b") as f:
        f.seek(8192)
        f.write(b"\xff" * 100)
    before = fingerprint(db_path)
    code, _out, err = region.admin("restore", made["path"])
    assert code == 6 and "不符" in err
    assert fingerprint(db_path) == before
    code, _out, err = region.admin("restore", str(db_path.parent / "nope.bak"))
    assert code == 5


def test_check_reports_a_foreign_key_violation(region: Cli, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("UPDATE units SET parent_id = 9999 WHERE name = '区农业农村局'")
    conn.commit()
    conn.close()
    code, _out, err = region("check")
    assert code == 6 and "外键不符" in err


def test_startup_check_is_fast_and_complete_on_a_demo_book(demo_book: Path) -> None:
    report = startup_check(demo_book)
    assert report.ok and report.complete and report.ledger_head is not None
    assert report.seconds < 1.0


def test_backup_on_close_and_daily(region: Cli, db_path: Path, _backups_in_tmp: Path) -> None:
    import datetime as dt

    with Book.open(db_path, lock=True) as book:
        assert book.holds_lock
        first = book.backup_if_due()
        assert first is not None and first.extra["ledger_head"]["seq"] == book.head().seq
        assert book.backup_if_due() is None  # at most daily
        assert book.close(backup=True) is None  # nothing changed since
    with Book.open(db_path) as book:
        book.run(set_pool, "xz", 101, doc=DOC)
        info = book.close(backup=True)
        assert info is not None and info.extra["reason"] == "exit"
    manifests = [json.loads(p.read_text()) for p in _backups_in_tmp.glob("*.bak.json")]
    assert sorted(m["extra"]["ledger_head"]["seq"] for m in manifests) == [5, 6]
    with Book.open(db_path) as book:
        later = dt.datetime.now().astimezone() + dt.timedelta(days=2)
        book.run(set_pool, "xz", 102, doc=DOC)
        assert session.backup_if_due(book, now=later) is not None
        assert book.list_restore_candidates()[0].ledger_head == {"seq": 7, "hash": book.head().hash, "alg": "sha256"}


def test_not_a_book_keeps_exit_4_and_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "notes.db"
    shutil.copyfile(__file__, bogus)
    code, _out, err = Cli(bogus, capsys)("status")
    assert code == 4 and "不是有效的编制台账文件" in err
    assert bogus.read_bytes() == Path(__file__).read_bytes()


def test_fast_startup_check_skips_only_the_quick_check(demo_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = startup_check(demo_book, quick_check=False)
    assert fast.ok and not fast.complete and fast.ledger_head is not None and "稍后" in fast.message
    seen: list[bool] = []
    real = session.startup_check

    def spy(path, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw["quick_check"])
        return real(path, **kw)

    monkeypatch.setattr(session, "startup_check", spy)
    with Book.open(demo_book, startup_check="fast"):
        pass
    with Book.open(demo_book):
        pass
    assert seen == [False, True]  # the window's open, then the CLI's (the default: "full")
    with pytest.raises(ValueError):
        Book.open(demo_book, startup_check="none")
