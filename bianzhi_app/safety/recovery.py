"""Restore a backup over the book (the ``restore`` command and the UI's offer after a failed start-up
check): take the book's lock, verify the backup, keep the current book, swap, record it in the ledger."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bianzhi_app.safety.backup import BackupInfo, restore_backup
from bianzhi_app.safety.lock import acquire
from bianzhi_app.safety.session import backup_dir, guard_location, record_restored
from bianzhi_app.safety.startup import startup_check


@dataclass(frozen=True)
class RestoreResult:
    """``ledger_head`` is the head of the restored backup ({"seq", "hash"}); ``recorded_seq`` the ledger
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
    from bianzhi_app.book import Book

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
            recorded = book.run(record_restored, detail).seq if record and head.seq > 0 else None
    return RestoreResult(info, restored, recorded, pre, replaced)
