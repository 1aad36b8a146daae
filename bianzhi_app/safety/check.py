"""A read-only health check of an SQLite file that never raises and never writes to it.

First the 100-byte header (magic string, page size, the page count against the file size), then SQLite's
own ``PRAGMA quick_check`` (or the slower ``integrity_check``) on a read-only connection.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

HEADER_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100

CheckKind = Literal["ok", "missing", "not_sqlite", "truncated", "corrupt", "busy", "unreadable"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """``ok`` and a Chinese ``message`` for the user; ``kind`` for the caller; ``problems`` lists what
    SQLite reported (at most ``max_problems`` lines)."""

    ok: bool
    kind: CheckKind
    message: str
    problems: tuple[str, ...] = ()
    page_size: int | None = None
    page_count: int | None = None
    wal: bool = False


def readonly_uri(path: str | os.PathLike[str], *, immutable: bool = False) -> str:
    """``file:`` URI that opens ``path`` read-only (``mode=ro``) and never creates it."""
    p = Path(path).absolute().as_posix()
    if not p.startswith("/"):
        p = "/" + p  # Windows: file:/C:/…
    scheme = "file://" if p.startswith("//") else "file:"  # a UNC //server/share needs an empty authority
    return scheme + urllib.parse.quote(p, safe="/:") + "?mode=ro" + ("&immutable=1" if immutable else "")


def open_readonly(path: str | os.PathLike[str], *, timeout: float = 5.0, immutable: bool = False
                  ) -> sqlite3.Connection:
    """A read-only connection; raises sqlite3.Error when the file is missing or cannot be opened."""
    return sqlite3.connect(readonly_uri(path, immutable=immutable), uri=True, timeout=timeout,
                           isolation_level=None)


def page_size_from_header(header: bytes) -> int | None:
    """The page size in bytes 16-17 (1 means 65536), or None when it is not a power of two in 512..65536."""
    raw = int.from_bytes(header[16:18], "big")
    size = 65536 if raw == 1 else raw
    if size < 512 or size > 65536 or size & (size - 1):
        return None
    return size


def quick_check(db_path: str | os.PathLike[str], *, full: bool = False, max_problems: int = 20
                ) -> CheckResult:
    """Check the file at ``db_path`` without writing to it; ``full`` runs ``integrity_check`` (also
    compares every index with its table) instead of ``quick_check``.

    Never raises: a missing file, a file that is not SQLite, a truncated or corrupted one, or one locked
    by another program all come back as ``ok=False`` with a Chinese message.  A WAL-mode file without a
    ``-wal`` beside it is opened ``immutable`` so that no ``-wal``/``-shm`` files are left behind; call it
    before the app opens the book (or while holding the book's lock) so nobody writes meanwhile.
    """
    path = Path(db_path)
    name = path.name
    try:
        return _check(path, name, full, max_problems)
    except Exception as e:  # the contract is "never raises"
        return CheckResult(False, "unreadable", f"无法检查数据库「{name}」:{e}")


def _check(path: Path, name: str, full: bool, max_problems: int) -> CheckResult:
    try:
        size = path.stat().st_size
        if not path.is_file():
            return CheckResult(False, "missing", f"「{name}」不是文件。")
        with path.open("rb") as f:
            header = f.read(HEADER_SIZE)
    except FileNotFoundError:
        return CheckResult(False, "missing", f"找不到数据库文件「{name}」。")
    except OSError as e:
        return CheckResult(False, "unreadable", f"无法读取数据库文件「{name}」({e.strerror})。")
    restore_hint = "请从备份恢复。"
    if size == 0:
        return CheckResult(False, "not_sqlite", f"数据库文件「{name}」是空的(0 字节),{restore_hint}")
    if len(header) < HEADER_SIZE or not header.startswith(HEADER_MAGIC):
        return CheckResult(
            False, "not_sqlite",
            f"「{name}」不是有效的数据库文件(文件头不对),可能已损坏或被覆盖,{restore_hint}",
        )
    page_size = page_size_from_header(header)
    if page_size is None:
        return CheckResult(False, "corrupt", f"数据库文件「{name}」的文件头已损坏(页大小无效),{restore_hint}")
    wal = header[18] == 2 or header[19] == 2
    has_wal = Path(f"{path}-wal").exists()
    in_flux = has_wal or Path(f"{path}-journal").exists()  # the main file alone is not the whole story
    page_count = int.from_bytes(header[28:32], "big")
    header_count_valid = header[24:28] == header[92:96] and page_count > 0
    if not in_flux and (size % page_size or (header_count_valid and size < page_count * page_size)):
        expected = page_count * page_size if header_count_valid else (size // page_size + 1) * page_size
        return CheckResult(
            False, "truncated",
            f"数据库文件「{name}」不完整:应有 {expected} 字节,实际只有 {size} 字节(可能复制中断或磁盘故障),"
            f"{restore_hint}", page_size=page_size, page_count=page_count, wal=wal,
        )
    pragma = "integrity_check" if full else "quick_check"
    try:
        conn = open_readonly(path, timeout=2.0, immutable=wal and not has_wal)
        try:
            rows = conn.execute(f"PRAGMA {pragma}({int(max_problems)})").fetchall()
            page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        code = getattr(e, "sqlite_errorcode", None)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return CheckResult(False, "busy", f"数据库「{name}」正被其他程序写入,暂时无法检查,请稍后再试。")
        if code == sqlite3.SQLITE_CANTOPEN:
            return CheckResult(False, "unreadable", f"无法以只读方式打开数据库「{name}」({e})。")
        return CheckResult(False, "corrupt", f"数据库「{name}」已损坏({e}),{restore_hint}",
                           problems=(str(e),), page_size=page_size, wal=wal)
    problems = tuple(str(r[0]) for r in rows)
    if problems == ("ok",):
        what = "完整检查" if full else "快速检查"
        return CheckResult(True, "ok", f"数据库「{name}」{what}通过。", page_size=page_size,
                           page_count=page_count, wal=wal)
    count = f"{len(problems)}+" if len(problems) >= max_problems else str(len(problems))
    return CheckResult(
        False, "corrupt",
        f"数据库「{name}」已损坏:SQLite 报告 {count} 处问题(第一处:{problems[0]}),{restore_hint}",
        problems=problems, page_size=page_size, page_count=page_count, wal=wal,
    )
