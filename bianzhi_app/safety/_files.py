"""Shared file and SQLite-copy helpers of the safety modules (private to the package)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bianzhi_app.safety.check import open_readonly

TEMP_PREFIX = ".bianzhi-tmp-"
TEMP_SUFFIX = ".tmp"
SIDECAR_SUFFIXES = ("-wal", "-journal", "-shm")

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), getattr(errno, "EFBIG", errno.ENOSPC)}
_DENIED_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


def sidecars(db: Path) -> list[Path]:
    """``book.db-wal``, ``book.db-journal``, ``book.db-shm``."""
    return [db.with_name(db.name + s) for s in SIDECAR_SUFFIXES]


def make_temp(folder: Path) -> Path:
    """An empty temp file in ``folder`` (same file system as the final name, so os.replace is atomic)."""
    import tempfile  # not at import: the window's start-up only needs fsync_dir from here

    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    os.close(fd)
    return Path(name)


def remove_quietly(*paths: Path | None) -> None:
    """Delete files (and their SQLite sidecars) ignoring every OSError; used on the failure path."""
    for p in paths:
        if p is None:
            continue
        for q in (p, *sidecars(p)):
            with contextlib.suppress(OSError):
                q.unlink()


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as f:  # Windows' FlushFileBuffers needs write access
        os.fsync(f.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened (Windows)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> tuple[str, int]:
    """(hex digest, size in bytes)."""
    import hashlib

    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = make_temp(path.parent)
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise


class SourceCorrupt(Exception):
    """The copy made from a source failed SQLite's check, so the source itself is damaged."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class CopyStats:
    tables: dict[str, int]
    page_size: int
    page_count: int
    user_version: int


def copy_database(src: Path, dst: Path, *, full_check: bool = True, immutable_source: bool = False) -> CopyStats:
    """Copy ``src`` into the (empty) file ``dst`` with SQLite's online backup API, as one consistent
    snapshot (WAL content included), switch the copy to rollback-journal mode so that it is one
    self-contained file, check it (``integrity_check`` or ``quick_check``) and count the rows of every
    table.  Raises SourceCorrupt when the check fails, sqlite3.Error / OSError on I/O trouble."""
    source = open_readonly(src, timeout=10.0, immutable=immutable_source)  # immutable: on read-only media
    try:
        target = sqlite3.connect(dst, isolation_level=None)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE").fetchall()
            pragma = "integrity_check" if full_check else "quick_check"
            rows = [str(r[0]) for r in target.execute(f"PRAGMA {pragma}(20)")]
            if rows != ["ok"]:
                raise SourceCorrupt(rows)
            stats = CopyStats(
                tables={},
                page_size=int(target.execute("PRAGMA page_size").fetchone()[0]),
                page_count=int(target.execute("PRAGMA page_count").fetchone()[0]),
                user_version=int(target.execute("PRAGMA user_version").fetchone()[0]),
            )
            names = [r[0] for r in target.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            )]
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                try:
                    stats.tables[name] = int(target.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
                except sqlite3.OperationalError:  # a virtual table whose module is not loaded
                    continue
        finally:
            target.close()
    finally:
        source.close()
    return stats


def explain(e: BaseException, folder: Path) -> str:
    """A Chinese clause saying why an OSError / sqlite3.Error happened while writing into ``folder``."""
    if isinstance(e, OSError):
        if e.errno in _FULL_ERRNOS:
            return f"文件夹「{folder}」所在的磁盘空间不足"
        if e.errno in _DENIED_ERRNOS:
            return f"不能写入文件夹「{folder}」(只读或没有权限)"
        if isinstance(e, FileNotFoundError):
            return f"找不到文件或文件夹({e.filename})"
        return f"文件读写出错({e.strerror or e})"
    if isinstance(e, sqlite3.Error):
        code = getattr(e, "sqlite_errorcode", None)
        if code is not None:
            code &= 0xFF  # the primary result code of an extended one
        if code == sqlite3.SQLITE_FULL or "disk is full" in str(e):
            return f"文件夹「{folder}」所在的磁盘空间不足"
        if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
            return f"不能写入文件夹「{folder}」(只读或没有权限)"
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return "数据库正被其他程序写入,请稍后再试"
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return f"源数据库已损坏({e})"
        return f"SQLite 报错:{e}"
    return str(e)
