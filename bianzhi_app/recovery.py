"""File-level actions on a book that also write to its ledger: break a stale lock (``unlock --stale``,
the window's 解除失效锁) and restore a backup (``restore``, the window's offer after a failed start-up
check). The safety modules do the file work and know no ledger; this module, above the Book, records it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bianzhi_app.book import Book
from bianzhi_app.errors import StateRefused
from bianzhi_app.ops.opening import record_lock_broken, record_restored
from bianzhi_app.safety.backup import BackupCorrupt, BackupInfo
from bianzhi_app.safety.check import open_readonly
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
        if book.read_only:  # behind an anchor or its schema changed: nothing more is written onto it
            return holder, None
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


def _region_of(path: Path) -> tuple[str, str] | None:
    """(code, name) of the region of the book file at ``path``, or None when it cannot be read."""
    try:
        conn = open_readonly(path, immutable=True)
        try:
            row = conn.execute("SELECT code, name FROM regions ORDER BY id LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return (str(row[0]), str(row[1])) if row else None


def other_region(db_path: str | os.PathLike[str], src: str | os.PathLike[str]
                 ) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """((code, name) of the book's region, (code, name) of the backup's) when the backup ``src`` is of another
    region than the book at ``db_path`` (a restore then needs ``other_region``); None when they agree or
    either cannot be read (the restore's own checks speak then)."""
    db = Path(db_path)
    current = _region_of(db) if db.exists() and db.stat().st_size else None
    theirs = _region_of(Path(src))
    if current is None or theirs is None or theirs[0] == current[0]:
        return None
    return current, theirs


def check_backup_contents(src: Path) -> None:
    """The full check of a restore candidate, as `check` runs it on a book: the ledger chain, every counter
    against a recount, the security log, and the schema's triggers, constraints and indexes. A backup of an
    older schema is checked on a private temporary copy brought up to date (never the backup itself).
    Refuses with BackupCorrupt naming the first problem, InvalidInput for a newer version's backup."""
    from bianzhi_app.catalog import Catalog
    from bianzhi_app.check import run_check
    from bianzhi_app.db import SCHEMA_HEAD
    from bianzhi_app.db.engine import make_engine
    from bianzhi_app.db.migrate import current_revision, refuse_unknown_revision, upgrade

    def run(path: Path, *, read_only: bool) -> list[str]:
        engine = make_engine(path, read_only=read_only, immutable=read_only)
        try:
            if not read_only:
                upgrade(engine)
            with engine.connect() as conn, conn.begin():
                return run_check(conn, Catalog.load(conn)).problems
        finally:
            engine.dispose()

    engine = make_engine(src, read_only=True, immutable=True)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    refuse_unknown_revision(revision, src.name)
    if revision == SCHEMA_HEAD:
        problems = run(src, read_only=True)
    else:
        with tempfile.TemporaryDirectory(prefix="bianzhi-restore-check-") as folder:  # 0700: personal data
            copy = Path(folder) / "candidate.db"
            shutil.copyfile(src, copy)
            os.chmod(copy, 0o600)
            problems = run(copy, read_only=False)
    if problems:
        more = f"(另有{len(problems) - 1}处问题)" if len(problems) > 1 else ""
        raise BackupCorrupt(f"备份文件「{src.name}」没有通过完整检查,恢复已取消,数据库没有改动:{problems[0]}{more}")


def restore_book(db_path: str | os.PathLike[str], src: str | os.PathLike[str], *, actor: str | None = None,
                 folder: str | os.PathLike[str] | None = None, allow_without_manifest: bool = False,
                 allow_unsafe_location: bool | None = None, record: bool = True,
                 other_region: bool = False) -> RestoreResult:
    """Replace the book at ``db_path`` with the backup ``src``.

    The caller must have closed its own Book on this file.  Refuses with LockedByOther when another
    program holds the book (a stale lock must be broken first), BackupCorrupt when ``src`` fails
    verification, BackupFailed when the current book cannot be kept first or the copy fails; in every
    refused case the book is left as it was. Before the swap the backup's contents get the full check
    (`check_backup_contents`: BackupCorrupt), and a backup of another region than the current book's is
    refused (StateRefused) unless ``other_region``."""
    db = Path(db_path).expanduser().absolute()
    guard_location(db, allow_unsafe_location)
    folder_path = Path(folder) if folder is not None else backup_dir()
    with acquire(db, user=actor):
        before = startup_check(db) if db.exists() else None
        replaced = ({"seq": before.ledger_head[0], "hash": before.ledger_head[1]}
                    if before is not None and before.ok and before.ledger_head else None)
        current = _region_of(db) if db.exists() and db.stat().st_size else None

        def verify(candidate: Path) -> None:
            theirs = _region_of(candidate)
            if current is not None and theirs is not None and theirs[0] != current[0] and not other_region:
                raise StateRefused(f"备份「{candidate.name}」属于另一个行政区域:{theirs[1]}({theirs[0]}),"
                                   f"而当前台账是{current[1]}({current[0]});恢复会用它整个替换本台账。"
                                   "确认无误请加 --other-region 再恢复;数据库没有改动。", field="region")
            check_backup_contents(candidate)

        info = restore_backup(src, db, backup_dir=folder_path, allow_without_manifest=allow_without_manifest,
                              verify_contents=verify)
        with Book.open(db, actor=actor, anchored=False) as book:  # its chain replaces the one anchored
            book.witness_fresh = True  # the restored chain replaces the witness of the book it replaced
            head = book.head()
            restored = {"seq": head.seq, "hash": head.hash}
            pre = info.pre_restore.path if info.pre_restore is not None else None
            detail = {"from": Path(src).name, "backup_created": info.created.isoformat(timespec="seconds"),
                      "restored_head": restored, "replaced_head": replaced,
                      "replaced_book_kept_as": pre.name if pre is not None else None}
            recorded = book.run(record_restored, detail=detail).seq if record and head.seq > 0 else None
    return RestoreResult(info, {**restored, "alg": head.alg}, recorded, pre, replaced)
