"""File-level actions on a book that also write to its ledger: break a stale lock (``unlock --stale``,
the window's 解除失效锁) and restore a backup (``restore``, the window's offer after a failed start-up
check). The safety modules do the file work and know no ledger; this module, above the Book, records it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bianzhi_app.book import Book
from bianzhi_app.ops.opening import record_lock_broken, record_restored
from bianzhi_app.safety.backup import BackupInfo
from bianzhi_app.safety.lock import Holder, acquire, break_stale
from bianzhi_app.safety.restore import restore_backup
from bianzhi_app.safety.session import backup_dir, guard_location, holder_detail
from bianzhi_app.safety.startup import startup_check


def break_stale_lock(path: str | os.PathLike[str], *, actor: str | None = None) -> tuple[Holder, int | None]:
    """Remove a stale lock and record it in the book's ledger (Op.LOCK_BROKEN, the old holder in the
    detail); returns the old holder and the entry's seq (None when the book does not exist yet).
    Refuses with LockNotStale when the holder may be alive or is on another computer."""
    db = Path(path)
    holder = break_stale(db)
    if not db.exists() or db.stat().st_size == 0:
        return holder, None
    with Book.open(db, actor=actor) as book:
        change = book.run(record_lock_broken, holder=holder_detail(holder), described=holder.describe())
    return holder, change.seq


@dataclass(frozen=True)
class RestoreResult:
    """``ledger_head`` is the head of the restored backup ({"seq", "hash", "alg"}); ``recorded_seq`` the ledger
    entry (Op.BOOK_RESTORED) appended after it; ``pre_restore`` the copy of the replaced book."""

    source: BackupInfo
    ledger_head: dict[str, Any]
    recorded_seq: int | None
    pre_restore: Path | None
    replaced_head: dict[str, Any] | None


def restore_book(db_path: str | os.PathLike[str], src: str | os.PathLike[str], *, actor: str | None = None,
                 folder: str | os.PathLike[str] | None = None, allow_without_manifest: bool = False,
                 allow_unsafe_location: bool | None = None, record: bool = True) -> RestoreResult:
    """Replace the book at ``db_path`` with the backup ``src``.

    The caller must have closed its own Book on this file.  Refuses with LockedByOther when another
    program holds the book (a stale lock must be broken first), BackupCorrupt when ``src`` fails
    verification, BackupFailed when the current book cannot be kept first or the copy fails; in every
    refused case the book is left as it was."""
    db = Path(db_path).expanduser().absolute()
    guard_location(db, allow_unsafe_location)
    folder_path = Path(folder) if folder is not None else backup_dir()
    with acquire(db, user=actor):
        before = startup_check(db) if db.exists() else None
        replaced = ({"seq": before.ledger_head[0], "hash": before.ledger_head[1]}
                    if before is not None and before.ok and before.ledger_head else None)
        info = restore_backup(src, db, backup_dir=folder_path, allow_without_manifest=allow_without_manifest)
        with Book.open(db, actor=actor) as book:
            head = book.head()
            restored = {"seq": head.seq, "hash": head.hash}
            pre = info.pre_restore.path if info.pre_restore is not None else None
            detail = {"from": Path(src).name, "backup_created": info.created.isoformat(timespec="seconds"),
                      "restored_head": restored, "replaced_head": replaced,
                      "replaced_book_kept_as": pre.name if pre is not None else None}
            recorded = book.run(record_restored, detail=detail).seq if record and head.seq > 0 else None
    return RestoreResult(info, {**restored, "alg": head.alg}, recorded, pre, replaced)
