"""The single-writer lock file next to the book, in the manner of GnuCash's ``.LCK``.

``book.db`` is locked by ``book.db.lock``, created atomically (``O_CREAT | O_EXCL``) and holding JSON
that names the holder: host, user, pid, the process's start time, since when, and the app version.  A
second program is refused with a message naming the holder and can still open the book read-only.  A
lock whose process is gone (same host, pid dead, or the pid now belongs to a younger process) is stale
and may be broken; a lock taken on another computer is never judged stale from here.

The lock is advisory: SQLite's own file locks still guard each transaction.  It exists so that two
people never edit the same book at once and so that restore can be sure nobody else has the file open.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import getpass
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from bianzhi_app import __version__
from bianzhi_app.errors import BianzhiError, Busy, RefusedError
from bianzhi_app.safety._files import fsync_dir

LOCK_SUFFIX = ".lock"
# A recorded process start time within this many seconds of the live process's is the same process.
START_TIME_TOLERANCE = 1.0
# Without a recorded start time: a process started this long after ``since`` cannot be the holder.
SINCE_TOLERANCE = 5.0
# An unreadable lock file (a writer died between create and write) is stale after this many seconds.
UNREADABLE_GRACE = 30.0


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a lock; ``readable`` is False when the lock file could not be parsed (``since`` is then
    the file's modification time and the other fields are placeholders)."""

    host: str
    user: str
    pid: int
    since: str
    app_version: str
    process_started: float | None = None
    readable: bool = True

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        del data["readable"]
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Holder:
        """Parse lock-file content; raises ValueError (or KeyError/TypeError) on anything malformed."""
        data = json.loads(text)
        started = data.get("process_started")
        return cls(
            host=str(data["host"]),
            user=str(data["user"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            app_version=str(data.get("app_version", "")),
            process_started=float(started) if started is not None else None,
        )

    def since_datetime(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(self.since)
        except ValueError:
            return None

    def describe(self) -> str:
        """「张三 在 计算机 PC-01 上使用(进程 1234,自 2026-11-29 09:00 起)」."""
        when = self.since_datetime()
        since = when.strftime("%Y-%m-%d %H:%M") if when else self.since
        if not self.readable:
            return f"另一个程序使用(锁文件内容无法识别,创建于 {since})"
        return f"{self.user} 在 计算机 {self.host} 上使用(进程 {self.pid},自 {since} 起)"


class LockError(BianzhiError):
    """The lock cannot be taken or broken for a reason other than another holder."""


class LockedByOther(Busy):
    """Another program holds the lock; ``holder`` says who, ``stale`` whether it looks dead."""

    def __init__(self, holder: Holder, lock_path: Path, *, stale: bool = False):
        message = f"数据库正在被 {holder.describe()}。"
        if stale:
            message += (
                "看起来这个程序已经不在运行(可能是异常退出或断电),"
                "确认后可以清除这把过期的锁再打开;也可以只读方式打开查看。"
            )
        else:
            message += "请等对方关闭程序后再打开;需要查看数据时,可以只读方式打开。"
        super().__init__(message)
        self.holder = holder
        self.lock_path = lock_path
        self.stale = stale


class LockNotStale(RefusedError):
    """``break_stale`` refused: the holder may still be alive."""

    def __init__(self, holder: Holder, lock_path: Path, *, local_host: str):
        if holder.host.casefold() != local_host.casefold() and holder.readable:
            message = (
                f"不能清除锁:数据库正在被 {holder.describe()}。这把锁是另一台计算机加的,本机无法判断它是否"
                f"仍在使用。请到计算机 {holder.host} 上关闭程序;确认对方已关闭后,再手动删除锁文件"
                f"「{lock_path.name}」。"
            )
        else:
            message = f"不能清除锁:数据库正在被 {holder.describe()},该程序仍在运行。请先关闭它。"
        super().__init__(message)
        self.holder = holder
        self.lock_path = lock_path


def lock_path_for(db_path: str | os.PathLike[str]) -> Path:
    """``book.db`` -> ``book.db.lock`` in the same folder."""
    p = Path(db_path)
    return p.with_name(p.name + LOCK_SUFFIX)


def _key(lock_path: Path) -> str:
    return os.path.normcase(os.path.realpath(lock_path))


_held: dict[str, Lock] = {}
_guard = threading.Lock()


class Lock:
    """A held lock; ``release()`` (or leaving a ``with`` block) removes the lock file."""

    def __init__(self, db_path: Path, path: Path, holder: Holder, content: bytes):
        self.db_path = db_path
        self.path = path
        self.holder = holder
        self._content = content
        self._key = _key(path)

    @property
    def held(self) -> bool:
        return _held.get(self._key) is self

    def release(self) -> None:
        """Remove the lock file if it is still ours; a second call, or a call in a forked child, does
        nothing, and a lock file that now names someone else (it was broken) is left alone."""
        with _guard:
            if _held.get(self._key) is not self:
                return
            del _held[self._key]
        if os.getpid() != self.holder.pid:
            return
        try:
            if self.path.read_bytes() == self._content:
                self.path.unlink()
        except FileNotFoundError:
            pass

    close = release

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lock({self.path.name!r}, held={self.held})"


def _own_start_time() -> float | None:
    """This process's start (epoch seconds, as psutil's create_time gives it). On Linux read from /proc as
    psutil does, without importing psutil: the window takes its lock before its first paint."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/stat", "rb") as stat:
                data = stat.read()
            with open("/proc/stat", "rb") as system:
                boot = next(int(line.split()[1]) for line in system if line.startswith(b"btime"))
            ticks = int(data[data.rfind(b")") + 2:].split()[19])  # field 22, starttime, in clock ticks
            return ticks / os.sysconf("SC_CLK_TCK") + boot
        except (OSError, ValueError, IndexError, StopIteration):
            pass
    import psutil

    try:
        return float(psutil.Process().create_time())
    except psutil.Error:
        return None


def host_name() -> str:
    """This computer's name as socket.gethostname() gives it; on POSIX from uname(), without importing
    socket (2 ms of the window's start)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def _current_holder(user: str | None, app_version: str | None) -> Holder:
    if user is None:
        try:
            user = getpass.getuser()
        except Exception:
            user = "未知用户"
    started = _own_start_time()
    return Holder(
        host=host_name(),
        user=user,
        pid=os.getpid(),
        since=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        app_version=__version__ if app_version is None else app_version,
        process_started=started,
    )


def read_holder(db_path: str | os.PathLike[str]) -> Holder | None:
    """The holder named in the lock file of ``db_path``, or None when there is no lock file.  Never
    raises on bad content: an unparsable file gives a Holder with ``readable=False``."""
    path = lock_path_for(db_path)
    try:
        raw = path.read_bytes()
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return _parse(raw, mtime)


def _parse(raw: bytes, mtime: float) -> Holder:
    try:
        return Holder.from_json(raw.decode("utf-8"))
    except (ValueError, KeyError, TypeError, AttributeError):
        since = dt.datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")
        return Holder(host="?", user="?", pid=0, since=since, app_version="?", readable=False)


def acquire(
    db_path: str | os.PathLike[str], *, user: str | None = None, app_version: str | None = None
) -> Lock:
    """Take the single-writer lock of ``db_path`` (the book need not exist yet).

    Refuses with ``LockedByOther`` (naming the holder, with ``stale`` set when it looks dead) when a lock
    file exists, and with ``LockError`` when this process already holds it (no re-entry) or the folder
    is not writable.  ``user`` is the name shown to others (default: the login name).
    """
    db = Path(db_path)
    path = lock_path_for(db)
    key = _key(path)
    with _guard:
        if key in _held:
            raise LockError(f"本程序已经打开了数据库「{db.name}」并持有它的锁,不能重复加锁。")
        holder = _current_holder(user, app_version)
        content = holder.to_json().encode("utf-8")
        for _attempt in range(3):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
                break
            except FileExistsError:
                other = read_holder(db)
                if other is not None:
                    raise LockedByOther(other, path, stale=holder_is_stale(other)) from None
            except OSError as e:
                raise LockError(
                    f"无法在文件夹「{path.parent}」中创建锁文件({e.strerror}),请检查该文件夹是否可写。"
                ) from e
        else:
            raise LockError(
                f"锁文件「{path.name}」反复出现又消失,可能有其他程序正在打开数据库,请稍后再试。"
            )
        try:
            try:
                os.write(fd, content)
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_dir(path.parent)
        except OSError as e:
            path.unlink(missing_ok=True)
            raise LockError(f"无法写入锁文件「{path.name}」({e.strerror}),请检查磁盘空间和权限。") from e
        lock = Lock(db, path, holder, content)
        _held[key] = lock
        return lock


def _process_started(pid: int) -> float | None:
    """Start time of a live, non-zombie process; None when it is gone."""
    import psutil

    proc = psutil.Process(pid)
    if proc.status() == psutil.STATUS_ZOMBIE:
        return None
    return proc.create_time()


def holder_is_stale(holder: Holder, *, hostname: str | None = None) -> bool:
    """True only when we can tell the holder is gone: same host and its pid is dead (or a zombie, or
    reused by a process started after the lock was taken), or the lock file has been unreadable for
    longer than ``UNREADABLE_GRACE``.  A lock from another host is never stale."""
    if not holder.readable:
        when = holder.since_datetime()
        return when is not None and time.time() - when.timestamp() > UNREADABLE_GRACE
    local = host_name() if hostname is None else hostname
    if holder.host.casefold() != local.casefold() or holder.pid <= 0:
        return False
    import psutil  # only here and in _process_started: most opens find no lock to judge

    if not psutil.pid_exists(holder.pid):
        return True
    try:
        started = _process_started(holder.pid)
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:  # AccessDenied: some process lives with that pid; do not guess
        return False
    if started is None:
        return True
    if holder.process_started is not None:
        return abs(started - holder.process_started) > START_TIME_TOLERANCE
    when = holder.since_datetime()
    return when is not None and started > when.timestamp() + SINCE_TOLERANCE


def break_stale(db_path: str | os.PathLike[str]) -> Holder:
    """Remove the lock of ``db_path`` if and only if its holder is stale, and return that holder (the
    caller records it, e.g. in the ledger).  Refuses with ``LockNotStale`` when the holder may be alive
    or is on another host, ``LockError`` when there is no lock file, and ``LockedByOther`` when someone
    took a fresh lock in between.  The file is first renamed aside, so a racing fresh lock is not lost.
    """
    path = lock_path_for(db_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LockError(f"数据库「{Path(db_path).name}」没有锁文件,不需要清除。") from None
    holder = read_holder(db_path)
    if holder is None:
        raise LockError(f"数据库「{Path(db_path).name}」没有锁文件,不需要清除。")
    if not holder_is_stale(holder):
        raise LockNotStale(holder, path, local_host=host_name())
    aside = path.with_name(f"{path.name}.broken-{os.getpid()}-{os.urandom(4).hex()}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        raise LockError("锁文件已被其他程序清除。") from None
    except OSError as e:
        raise LockError(f"无法清除锁文件「{path.name}」({e.strerror})。") from e
    taken = aside.read_bytes()
    if taken != raw:  # a fresh lock slipped in between our read and the rename: give it back
        fresh = _parse(taken, time.time())
        _put_back(aside, path)
        raise LockedByOther(fresh, path)
    aside.unlink()
    fsync_dir(path.parent)
    return holder


def _put_back(aside: Path, path: Path) -> None:
    try:
        os.link(aside, path)  # atomic "rename unless the target exists"
    except FileExistsError:
        pass  # yet another lock is in place; ours was already superseded
    except OSError:  # no hard links on this file system (FAT, exFAT)
        if not path.exists():
            os.replace(aside, path)
    aside.unlink(missing_ok=True)


@atexit.register
def _release_all() -> None:
    for lock in list(_held.values()):
        lock.release()
