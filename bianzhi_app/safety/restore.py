"""Restore a backup over the book: verify it, keep the current book, then swap atomically.

Precondition (the caller's duty, it cannot be fully checked from here): **nobody has the book open**.
The app disposes of its own engine/connections first and holds the book's lock (``lock.acquire``) so
that no other copy of the app can open it.  A connection left open would keep using the old, replaced
file (POSIX) or make the rename fail (Windows).  What can be detected is refused: a ``-wal`` or
``-journal`` that survives our own open-checkpoint-close means another connection still has the file.

Order of work, each step safe to interrupt:

1. ``verify_backup(src)``: size, sha256 and a full integrity check, before anything is touched;
2. settle the current book: open it, let SQLite roll back a hot journal or recover the WAL, checkpoint
   (TRUNCATE) and close, so that the main file alone holds every committed transaction and the
   ``-wal``/``-shm`` are gone (a ``-wal`` left beside the new file would be replayed into it);
3. back up the current book into ``backup_dir`` (pinned, never thinned); when it is too damaged to be
   read or fails the integrity check, copy its raw bytes (and any ``-wal``/``-journal``) there as ``….damaged`` instead;
4. copy ``src`` with the backup API into a temp file next to the book, check and fsync it;
5. delete leftover sidecars of the old book, ``os.replace`` the temp file over it, fsync the folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bianzhi_app.safety import _files
from bianzhi_app.safety.backup import (
    BackupCorrupt,
    BackupFailed,
    BackupInfo,
    make_backup,
    verify_backup,
)
from bianzhi_app.safety.retention import as_local

DAMAGED_SUFFIX = ".damaged"

_IN_USE = (
    "数据库「{name}」仍被其他程序或连接打开,不能恢复。请关闭所有使用它的程序(包括本程序的其他窗口)后再试。"
)


def _settle(db: Path) -> bool:
    """Bring the book to a single self-contained file; False when it is too damaged to be opened.
    Raises BackupFailed when another connection still has it open."""
    try:
        conn = sqlite3.connect(db, timeout=5.0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # hot journal / WAL recovery
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode == "wal" and conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]:
            raise BackupFailed(_IN_USE.format(name=db.name))
    except sqlite3.DatabaseError as e:
        if getattr(e, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise BackupFailed(_IN_USE.format(name=db.name)) from e
        return False
    finally:
        conn.close()
    wal, journal, _shm = _files.sidecars(db)
    if wal.exists() or journal.exists():  # the last connection to close removes them: we were not last
        raise BackupFailed(_IN_USE.format(name=db.name))
    return True


def _damaged(cause: BaseException | None) -> bool:
    """Did a backup of the book fail because the book itself is damaged (not the target folder)?"""
    if isinstance(cause, _files.SourceCorrupt):
        return True
    code = (getattr(cause, "sqlite_errorcode", None) or 0) & 0xFF
    return isinstance(cause, sqlite3.DatabaseError) and code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _preserve_raw(db: Path, backup_dir: Path, created: dt.datetime) -> BackupInfo:
    """Copy the unreadable book byte for byte (with its -wal/-journal) into ``backup_dir``."""
    base = backup_dir / f"{db.stem}-{created.strftime('%Y%m%d-%H%M%S')}{DAMAGED_SUFFIX}"
    copies: list[Path] = []
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        for source, target in [(db, base), *[(s, Path(f"{base}{s.name[len(db.name):]}"))
                                             for s in _files.sidecars(db)[:2]]]:
            if source.exists():
                copies.append(target)
                shutil.copyfile(source, target)
                _files.fsync_file(target)
        _files.fsync_dir(backup_dir)
    except OSError as e:
        for c in copies:
            c.unlink(missing_ok=True)
        raise BackupFailed(
            f"恢复已取消:当前数据库已损坏,但无法把它另存一份({_files.explain(e, backup_dir)}),"
            "原文件没有改动。"
        ) from e
    return BackupInfo(path=base, created=created, size=base.stat().st_size,
                      extra={"reason": "damaged_before_restore"}, source=db.name)


def restore_backup(
    src: str | os.PathLike[str],
    db_path: str | os.PathLike[str],
    *,
    backup_dir: str | os.PathLike[str],
    allow_without_manifest: bool = False,
    now: dt.datetime | None = None,
    verify_contents: Callable[[Path], None] | None = None,
) -> BackupInfo:
    """Replace the book at ``db_path`` with the backup ``src``; returns the verified info of ``src``
    with ``pre_restore`` set to the backup of the replaced book (None when there was no book).

    Precondition: no connection has ``db_path`` open (see the module docstring); the caller holds the
    book's lock.  Refuses with ``BackupCorrupt`` when ``src`` fails verification (or has no manifest and
    ``allow_without_manifest`` is False), and with ``BackupFailed`` when ``src`` is the book itself, the
    book is still open elsewhere, the current book cannot be backed up first, or the copy fails; in
    every refused case the book is left as it was. ``verify_contents(src)`` (the caller's full check of what
    the backup holds: chain, counters, schema) runs after the file checks and before anything is touched;
    whatever it raises refuses the restore.
    """
    source = Path(src)
    db = Path(db_path)
    info = verify_backup(source, require_manifest=not allow_without_manifest)
    if verify_contents is not None:
        verify_contents(source)
    created = as_local(now) if now is not None else dt.datetime.now().astimezone()
    if db.exists() and os.path.samefile(source, db):
        raise BackupFailed("不能用数据库文件本身来恢复它自己。")
    pre: BackupInfo | None = None
    if db.exists():
        if _settle(db):
            extra = {"reason": "before_restore", "restored_from": source.name}
            try:
                pre = make_backup(db, backup_dir, manifest_extra=extra, now=created, pinned=True)
            except BackupFailed as e:  # opens, but fails integrity_check: keep its raw bytes instead
                if not _damaged(e.__cause__):
                    raise
                pre = _preserve_raw(db, Path(backup_dir), created)
        else:
            pre = _preserve_raw(db, Path(backup_dir), created)
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    try:
        tmp = _files.make_temp(db.parent)
        _files.copy_database(source, tmp, full_check=False)  # verified above; quick_check is enough
        if db.exists():
            shutil.copymode(db, tmp)  # keep the book's permissions (the temp file is private, 0600)
        _files.fsync_file(tmp)
        for side in _files.sidecars(db):
            side.unlink(missing_ok=True)
        os.replace(tmp, db)
        tmp = None
        _files.fsync_dir(db.parent)
    except _files.SourceCorrupt as e:
        _files.remove_quietly(tmp)
        raise BackupCorrupt(f"备份文件「{source.name}」复制后没有通过检查,恢复已取消。") from e
    except (OSError, sqlite3.Error) as e:
        _files.remove_quietly(tmp)
        raise BackupFailed(f"恢复失败:{_files.explain(e, db.parent)}。原数据库没有改动。") from e
    return dataclasses.replace(info, pre_restore=pre)
