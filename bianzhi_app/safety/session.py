"""The book-level glue of data safety: what ``Book.open`` checks, the lock policy, the book's backups.

Lock semantics (see README 「数据安全」):

* the window (``Book.open(path, lock=True)``) holds ``book.db.lock`` for its whole session and names
  its holder (host, user, pid, since);
* a book opened without ``lock`` (the CLI's short commands, tests, scripts) takes no lock file: such
  writers queue on SQLite's own ``BEGIN IMMEDIATE`` + busy_timeout, and each write transaction, once it
  holds SQLite's write lock, refuses if a lock file of *another* process exists (``write_guard``);
* after taking the lock file the window runs one empty ``BEGIN IMMEDIATE`` (a barrier), so any CLI write
  that started before the lock file existed has finished, and every later one sees the lock file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bianzhi_app import settings
from bianzhi_app.errors import BianzhiError
from bianzhi_app.ledger import read_head
from bianzhi_app.safety.check import open_readonly
from bianzhi_app.safety.errors import BookCorrupt, NotABook, ReadOnlyBook, UnsafeLocation
from bianzhi_app.safety.locations import LocationVerdict, classify_location
from bianzhi_app.safety.lock import (
    Holder,
    Lock,
    LockedByOther,
    acquire,
    holder_is_stale,
    host_name,
    lock_path_for,
    read_holder,
)
from bianzhi_app.safety.startup import StartupReport, startup_check

if TYPE_CHECKING:  # backup (and tempfile, hashlib behind it) loads when a backup is made or listed
    from sqlalchemy import Engine

    from bianzhi_app.book import Book
    from bianzhi_app.safety.backup import BackupInfo

ALLOW_UNSAFE_ENV = settings.ALLOW_UNSAFE_ENV
DAILY = dt.timedelta(hours=24)

# Injection point for tests (a fake mounts table): the function that judges the book's folder.
location_classifier: Callable[[Path], LocationVerdict] = classify_location


def sqlite_path(target: str | os.PathLike[str]) -> Path | None:
    """The file of a SQLite book (a path or a sqlite URL); None for a server database."""
    text = os.fspath(target)
    if "://" not in text:
        return Path(text).expanduser().absolute()
    from sqlalchemy import exc
    from sqlalchemy.engine import make_url

    try:
        url = make_url(text)
    except exc.ArgumentError as error:
        from bianzhi_app.db.engine import unusable_url

        raise unusable_url(text, error) from error
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().absolute()


def backup_dir() -> Path:
    """Where automatic and default backups go (settings.backup_dir)."""
    return settings.backup_dir()


# --- opening ------------------------------------------------------------------------------------

def guard_location(path: Path, allow: bool | None = None) -> None:
    """Refuse (UnsafeLocation) a book on a network share, in a cloud-sync folder or on a removable disk,
    unless ``allow`` or the environment variable BIANZHI_ALLOW_UNSAFE_LOCATION=1 says otherwise."""
    if allow or settings.allow_unsafe_location():
        return
    verdict = location_classifier(path)
    if not verdict.safe:
        raise UnsafeLocation(
            f"不能打开「{path.name}」:{verdict.reason}如确需在此位置使用(风险自负),命令行可加选项"
            f" --allow-unsafe-location,或设置环境变量 {ALLOW_UNSAFE_ENV}=1。",
            kind=verdict.kind, detail=verdict.detail)


@dataclass(frozen=True, slots=True)
class OpenPlan:
    path: Path | None
    lock: Lock | None = None
    report: StartupReport | None = None


def prepare_open(target: str | os.PathLike[str], *, lock: bool, read_only: bool, check: bool,
                 allow_unsafe_location: bool | None, actor: str | None, quick_check: bool = True,
                 immutable: bool = False) -> OpenPlan:
    """Location, lock (when ``lock``) and start-up check, before any engine touches the file
    (``quick_check=False``: header and schema only, the caller runs the quick_check later).
    Raises UnsafeLocation, LockedByOther, BookCorrupt; on a refusal nothing is held."""
    path = sqlite_path(target)
    if path is None:
        return OpenPlan(None)
    guard_location(path, allow_unsafe_location)
    _sweep_temp_copies(path)
    held = acquire(path, user=actor) if lock and not read_only else None
    try:
        report = startup_check(path, read_only=read_only, quick_check=quick_check,
                               immutable=immutable) if check else None
        if report is not None and not report.ok:
            candidates = list_restore_candidates(path)
            error = NotABook if report.not_sqlite else BookCorrupt
            raise error(corrupt_message(path, report, candidates), problems=report.problems, candidates=candidates)
    except BaseException:
        if held is not None:
            held.release()
        raise
    return OpenPlan(path, held, report)


def _sweep_temp_copies(book: Path) -> None:
    """At each start: remove temp copies a killed backup or restore left (full copies of personal data) in
    every backup folder and beside the book."""
    from bianzhi_app.safety.backup import backup_folders, sweep_temp_copies

    sweep_temp_copies([*backup_folders(), book.parent])


def corrupt_message(path: Path, report: StartupReport, candidates: list[RestoreCandidate]) -> str:
    lines = [f"无法打开数据库「{path}」:{report.message}", "为保护数据,程序没有打开也没有改动这个文件。"]
    if report.not_sqlite and not candidates:
        return "\n".join(lines)
    if candidates:
        lines.append("最近的备份(新的在前):")
        lines += [f"  {c.describe()}" for c in candidates[:3]]
    else:
        lines.append(f"在备份文件夹「{backup_dir()}」中没有找到这个数据库的备份。")
    return "\n".join(lines)


def require_current_schema(engine: Engine, target: str | os.PathLike[str]) -> None:
    """A read-only open cannot migrate: refuse (ReadOnlyBook) a book whose schema is not current."""
    from bianzhi_app.db import SCHEMA_HEAD
    from bianzhi_app.db.migrate import current_revision, refuse_unknown_revision

    revision = current_revision(engine)
    refuse_unknown_revision(revision, os.fspath(target))
    if revision != SCHEMA_HEAD:
        raise ReadOnlyBook(f"数据库「{os.fspath(target)}」需要先升级才能使用,只读方式不能升级;"
                           "请等正在使用它的程序关闭后再打开。")


def foreign_holder(path: Path) -> Holder | None:
    """The holder of the book's lock file unless it is this very process (None when unlocked)."""
    holder = read_holder(path)
    if holder is None:
        return None
    if holder.readable and holder.pid == os.getpid() and holder.host.casefold() == host_name().casefold():
        return None
    return holder


def write_guard(path: Path) -> Callable[[], None]:
    """The check each write transaction of a lock-less book runs once it holds SQLite's write lock."""
    def guard() -> None:
        holder = foreign_holder(path)
        if holder is not None:
            raise LockedByOther(holder, lock_path_for(path), stale=holder_is_stale(holder))
    return guard


def holder_detail(holder: Holder) -> dict[str, Any]:
    data = dataclasses.asdict(holder)
    data.pop("readable", None)
    return data


# --- backups -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RestoreCandidate:
    """A backup of this book that could be restored, for the CLI message and the UI's offer."""

    path: Path
    created: dt.datetime
    ledger_head: dict[str, Any] | None
    size: int
    reason: str = ""
    pinned: bool = False
    verified: bool = False

    def describe(self) -> str:
        head = self.ledger_head
        where = f"台账第{head['seq']}条 {str(head['hash'])[:12]}" if head else "台账位置未记录"
        return f"{self.created.strftime('%Y-%m-%d %H:%M')}  {where}  {self.path}"


def _belongs(info: BackupInfo, db: Path) -> bool:
    if info.source != db.name:
        return False
    book = info.extra.get("book")
    return book is None or os.path.normcase(str(book)) == os.path.normcase(str(db))


def list_restore_candidates(db_path: str | os.PathLike[str], *, folder: str | os.PathLike[str] | None = None,
                            verify: bool = False, limit: int | None = None) -> list[RestoreCandidate]:
    """Backups of the book at ``db_path`` (newest first) whose manifest is readable and whose size matches
    it; ``verify`` also runs the full ``verify_backup`` (sha256 + integrity_check) and drops failures."""
    from bianzhi_app.safety.backup import list_backups, verify_backup

    db = Path(db_path).expanduser().absolute()
    found: list[RestoreCandidate] = []
    for info in list_backups(Path(folder) if folder is not None else backup_dir()):
        if not info.manifest_ok or not _belongs(info, db):
            continue
        try:
            if info.path.stat().st_size != info.size:
                continue
            if verify:
                info = verify_backup(info.path)
        except (OSError, BianzhiError):
            continue
        head = info.extra.get("ledger_head")
        found.append(RestoreCandidate(info.path, info.created, head if isinstance(head, dict) else None,
                                      info.size, str(info.extra.get("reason", "")), info.pinned, info.verified))
        if limit is not None and len(found) >= limit:
            break
    return found


def _head_of_file(path: Path) -> dict[str, Any] | None:
    try:
        conn = open_readonly(path, immutable=True)
        try:
            head = read_head(conn)
        finally:
            conn.close()
    except Exception:
        return None
    return {"seq": head.seq, "hash": head.hash if head.seq else "", "alg": head.alg}


def backup_book(book: Book, dest: str | os.PathLike[str] | None = None, *, reason: str = "manual",
                pinned: bool = False, now: dt.datetime | None = None) -> BackupInfo:
    """Verified backup of an open SQLite book into ``dest`` (default: ``backup_dir()``, then thinned
    7 daily / 4 weekly / 12 monthly).  The manifest's ``extra`` holds the ledger head *of the copy*.
    Refuses with BackupFailed (no file left behind, the book untouched) when the book fails the full
    integrity_check or the folder is full, read-only or unwritable."""
    from bianzhi_app.safety import _files
    from bianzhi_app.safety.backup import BackupFailed, make_backup, thin_backups

    db = book.path
    if db is None:
        raise BackupFailed("备份失败:只有本机 SQLite 数据库文件可以这样备份,服务器数据库请用其自带的备份工具。")
    folder = Path(dest).expanduser().absolute() if dest is not None else backup_dir()
    head = book.head()
    extra = {"ledger_head": {"seq": head.seq, "hash": head.hash, "alg": head.alg}, "book": str(db),
             "reason": reason}
    info = make_backup(db, folder, manifest_extra=extra, now=now, pinned=pinned,
                       immutable_source=book.read_only_reason is not None)
    copied = _head_of_file(info.path)
    if copied is not None and copied != extra["ledger_head"]:  # a write landed between head() and the copy
        extra["ledger_head"] = copied
        manifest = json.loads(info.manifest_path.read_text(encoding="utf-8"))
        manifest["extra"] = extra
        _files.write_json_atomic(info.manifest_path, manifest)
        import dataclasses

        info = dataclasses.replace(info, extra=extra)
    if dest is None:
        thin_backups(folder, now=now)
    return info


def _newest(book: Book) -> RestoreCandidate | None:
    assert book.path is not None
    found = list_restore_candidates(book.path, limit=1)
    return found[0] if found else None


def _unchanged_since(book: Book, newest: RestoreCandidate | None) -> bool:
    head = book.head()
    return head.seq == 0 or (newest is not None and newest.ledger_head is not None
                             and newest.ledger_head.get("hash") == head.hash)


def backup_if_due(book: Book, *, interval: dt.timedelta = DAILY, now: dt.datetime | None = None
                  ) -> BackupInfo | None:
    """The at-most-daily backup while the book is open: made when the newest backup of this book is
    older than ``interval`` and the ledger moved since; None when not due (or not a SQLite file)."""
    if book.path is None or book.read_only:
        return None
    newest = _newest(book)
    current = now.astimezone() if now is not None else dt.datetime.now().astimezone()
    if newest is not None and current - newest.created < interval:
        return None
    if _unchanged_since(book, newest):
        return None
    return backup_book(book, reason="daily", now=now)


def backup_on_close(book: Book, *, now: dt.datetime | None = None) -> BackupInfo | None:
    """The backup on exit: made whenever the ledger moved since the newest backup of this book."""
    if book.path is None or book.read_only or _unchanged_since(book, _newest(book)):
        return None
    return backup_book(book, reason="exit", now=now)
