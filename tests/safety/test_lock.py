"""The single-writer lock, with real second processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from bianzhi_app.safety import lock as lockmod
from bianzhi_app.safety.lock import (
    Holder,
    LockedByOther,
    LockError,
    LockNotStale,
    acquire,
    break_stale,
    holder_is_stale,
    lock_path_for,
    read_holder,
)

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from bianzhi_app.safety.lock import acquire
held = acquire(sys.argv[1], user=sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
held.release()
"""


@pytest.fixture
def child_holder(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A second process that holds the lock of tmp_path/book.db as 张三 until its stdin gets a line."""
    db = tmp_path / "book.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), "张三"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=env, encoding="utf-8",
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    try:
        yield db, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_second_process_is_refused_with_the_holders_name(
    child_holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    db, proc = child_holder
    with pytest.raises(LockedByOther) as caught:
        acquire(db)
    err = caught.value
    assert err.holder.user == "张三" and err.holder.pid == proc.pid
    assert not err.stale
    message = str(err)
    assert "张三" in message and socket.gethostname() in message and f"进程 {proc.pid}" in message
    assert "只读" in message
    with pytest.raises(LockNotStale):  # alive: breaking is refused
        break_stale(db)
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=10)
    assert not lock_path_for(db).exists()
    with acquire(db) as held:
        assert held.held
    assert not lock_path_for(db).exists()


def test_lock_of_a_killed_process_is_stale_and_can_be_broken(
    child_holder: tuple[Path, subprocess.Popen[str]],
) -> None:
    db, proc = child_holder
    proc.kill()  # SIGKILL: no cleanup runs in the child
    proc.wait(timeout=10)
    holder = read_holder(db)
    assert holder is not None and holder.pid == proc.pid
    assert holder_is_stale(holder)
    with pytest.raises(LockedByOther) as caught:
        acquire(db)
    assert caught.value.stale and "不在运行" in str(caught.value)
    broken = break_stale(db)
    assert broken.user == "张三"
    assert not lock_path_for(db).exists()
    assert [p.name for p in db.parent.iterdir()] == []  # the renamed-aside file is gone too
    acquire(db).release()


def _write_holder(db: Path, **fields: object) -> Holder:
    data = {"host": socket.gethostname(), "user": "李四", "pid": os.getpid(),
            "since": "2026-11-29T09:00:00+08:00", "app_version": "0.0.1", **fields}
    lock_path_for(db).write_text(json.dumps(data), encoding="utf-8")
    holder = read_holder(db)
    assert holder is not None
    return holder


def test_lock_from_another_host_is_never_stale(tmp_path: Path) -> None:
    db = tmp_path / "book.db"
    holder = _write_holder(db, host="PC-01", pid=2**22 + 12345)  # no such pid here, but another host
    assert not holder_is_stale(holder)
    with pytest.raises(LockedByOther) as caught:
        acquire(db)
    assert "李四 在 计算机 PC-01 上使用(进程 4206649,自 2026-11-29 09:00 起)" in str(caught.value)
    with pytest.raises(LockNotStale) as refused:
        break_stale(db)
    assert "PC-01" in str(refused.value) and "另一台计算机" in str(refused.value)
    assert lock_path_for(db).exists()


def test_reused_pid_makes_a_lock_stale(tmp_path: Path) -> None:
    db = tmp_path / "book.db"
    started = psutil.Process().create_time()
    # Our own pid, but the lock predates this process: the pid was reused.
    assert holder_is_stale(_write_holder(db, since="2000-01-01T00:00:00+00:00"))
    assert holder_is_stale(_write_holder(db, process_started=started - 3600))
    # Really us (same start time, or no start time and a recent since): alive.
    assert not holder_is_stale(_write_holder(db, process_started=started))
    now_iso = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    assert not holder_is_stale(_write_holder(db, since=now_iso[:-2] + ":" + now_iso[-2:]))


def test_the_lock_records_the_start_time_psutil_reports_and_stays_fresh(tmp_path: Path) -> None:
    """The holder's process_started (read from /proc on Linux, without psutil) is what the staleness
    check later compares with psutil's create_time: a live holder must never look stale."""
    db = tmp_path / "book.db"
    lock = acquire(db)
    try:
        holder = read_holder(db)
        assert holder is not None and holder.process_started is not None
        assert abs(holder.process_started - psutil.Process().create_time()) < 0.05
        assert not holder_is_stale(holder)
    finally:
        lock.release()


def test_dead_pid_on_this_host_is_stale(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    holder = _write_holder(tmp_path / "book.db", pid=proc.pid)
    assert holder_is_stale(holder) == (not psutil.pid_exists(proc.pid))


def test_reentry_in_the_same_process_is_an_error(tmp_path: Path) -> None:
    db = tmp_path / "book.db"
    held = acquire(db, user="王五", app_version="9.9")
    try:
        with pytest.raises(LockError, match="不能重复加锁"):
            acquire(db)
        data = json.loads(lock_path_for(db).read_text(encoding="utf-8"))
        assert data["user"] == "王五" and data["pid"] == os.getpid() and data["app_version"] == "9.9"
        assert data["host"] == socket.gethostname() and "T" in data["since"]
    finally:
        held.release()
    held.release()  # twice is harmless
    acquire(db).release()


def test_release_leaves_a_lock_that_is_no_longer_ours(tmp_path: Path) -> None:
    db = tmp_path / "book.db"
    held = acquire(db)
    lock_path_for(db).write_text(json.dumps({"host": "PC-09", "user": "赵六", "pid": 1, "since": "x"}),
                                 encoding="utf-8")
    held.release()
    assert lock_path_for(db).exists()
    assert not held.held


def test_unreadable_lock_file(tmp_path: Path) -> None:
    db = tmp_path / "book.db"
    lock_path_for(db).write_bytes(b"")  # a writer died between create and write
    with pytest.raises(LockedByOther) as caught:
        acquire(db)
    assert not caught.value.stale and "无法识别" in str(caught.value)
    with pytest.raises(LockNotStale):
        break_stale(db)
    old = time.time() - lockmod.UNREADABLE_GRACE - 5
    os.utime(lock_path_for(db), (old, old))
    assert break_stale(db).readable is False
    acquire(db).release()


def test_break_without_lock_and_unwritable_folder(tmp_path: Path) -> None:
    with pytest.raises(LockError, match="没有锁文件"):
        break_stale(tmp_path / "book.db")
    with pytest.raises(LockError, match="无法在文件夹"):
        acquire(tmp_path / "missing-folder" / "book.db")
