"""The window's single-writer lock against other processes, the CLI's policy, stale locks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bookhelpers import DOC, ROOT, Cli, fingerprint, person_id

from bianzhi_app.book import Book
from bianzhi_app.ops.region import set_pool
from bianzhi_app.recovery import break_stale_lock
from bianzhi_app.safety.lock import LockedByOther, lock_path_for

WINDOW = """
import sys
from bianzhi_app.book import Book
from bianzhi_app.recovery import break_stale_lock
book = Book.open(sys.argv[1], actor=sys.argv[2], lock=True)
print("ready", flush=True)
sys.stdin.readline()
book.close()
"""


@pytest.fixture
def window(region: Cli, db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the book as a window session would, as 张三."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WINDOW, str(db_path), "张三"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env, encoding="utf-8")
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_second_process_is_refused_with_the_holders_name(window: subprocess.Popen[str], region: Cli,
                                                         db_path: Path) -> None:
    before = fingerprint(db_path)
    code, _out, err = region("person", "enter", "区农业农村局", "xz", "--name", "甲", "--id", person_id(1))
    assert code == 1 and "张三" in err and str(window.pid) in err
    with pytest.raises(LockedByOther) as caught:
        Book.open(db_path, lock=True)
    assert caught.value.holder.user == "张三" and not caught.value.stale
    assert fingerprint(db_path) == before
    # read commands still work, read-only, with a note naming the holder
    code, _out, err = region("--json", "status")
    assert code == 0 and "只读" in err and "张三" in err
    assert region.json("check")["ok"]
    assert region.json("backup")["ledger_head"]["seq"] == 5


def test_a_book_opened_before_the_window_cannot_write_after_it(region: Cli, db_path: Path) -> None:
    early = Book.open(db_path)  # e.g. a long CLI import started just before the window opened
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", WINDOW, str(db_path), "张三"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env, encoding="utf-8")
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with pytest.raises(LockedByOther, match="张三"):
            early.run(set_pool, "xz", 150, doc=DOC)
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.wait(timeout=30) == 0
        assert not lock_path_for(db_path).exists()
        early.run(set_pool, "xz", 150, doc=DOC)  # the window closed: writes go through again
    finally:
        early.close()
        if proc.poll() is None:
            proc.kill()


def test_stale_lock_of_a_killed_window_is_broken_and_recorded(window: subprocess.Popen[str], region: Cli,
                                                              db_path: Path) -> None:
    os.kill(window.pid, signal.SIGKILL)
    window.wait()
    assert lock_path_for(db_path).exists()
    code, _out, err = region("quota", "set", "区农业农村局", "xz", "13", "--doc", DOC)
    assert code == 0 and "已清除过期的锁" in err and "张三" in err
    assert not lock_path_for(db_path).exists()
    entries = region.json("ledger")["entries"]
    broken = [e for e in entries if e["op"] == "lock.broken"]
    assert len(broken) == 1 and broken[0]["detail"]["holder"]["user"] == "张三"
    assert broken[0]["detail"]["holder"]["pid"] == window.pid
    assert entries[-1]["op"] == "quota.set"
    assert region.json("check")["ok"]


def test_unlock_stale_command(window: subprocess.Popen[str], region: Cli, db_path: Path) -> None:
    code, _out, err = region.admin("unlock", "--stale")  # breaking a lock is the admin's (恢复备份)
    assert code == 3 and "仍在运行" in err  # the holder is alive: refused
    os.kill(window.pid, signal.SIGKILL)
    window.wait()
    code, _out, err = region("unlock", "--stale")
    assert code == 8 and "系统管理员(admin)" in err  # a clerk may not
    done = region.admin.json("unlock", "--stale")
    assert done["holder"]["user"] == "张三" and done["recorded_seq"] == 6
    code, _out, err = region.admin("unlock", "--stale")
    assert code == 1 and "没有锁文件" in err
    with Book.open(db_path, lock=True) as book:  # the window can open it again
        assert book.holds_lock


def test_window_api_break_stale_lock(window: subprocess.Popen[str], db_path: Path) -> None:
    os.kill(window.pid, signal.SIGKILL)
    window.wait()
    with pytest.raises(LockedByOther) as caught:
        Book.open(db_path, lock=True)
    assert caught.value.stale
    holder, _seq = break_stale_lock(db_path, actor="李四")
    assert holder.user == "张三"
    with Book.open(db_path, lock=True, actor="李四") as book:
        assert book.holds_lock and book.head().seq == 6
