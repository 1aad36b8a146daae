"""Map a failed write (disk full, read-only media, I/O error, damaged file) to a clear Chinese error."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from bianzhi_app.errors import BianzhiError, CheckFailed
from bianzhi_app.safety import _files
from bianzhi_app.safety.errors import StorageError

_KEPT = "这次变动没有保存,数据库保持原样。"
_OS_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
              getattr(errno, "EDQUOT", errno.ENOSPC), getattr(errno, "EFBIG", errno.ENOSPC)}


def storage_error(error: BaseException, folder: Path | None) -> BianzhiError | None:
    """The BianzhiError for a write that failed on storage, or None when ``error`` is something else.

    ``error`` may be a SQLAlchemy DBAPIError (its ``orig`` is looked at), a sqlite3.Error or an OSError:
    SQLITE_FULL / ENOSPC -> StorageError (磁盘空间不足), SQLITE_READONLY / EROFS / EACCES -> StorageError
    (只读或没有权限), SQLITE_IOERR / EIO -> StorageError (读写出错), SQLITE_CORRUPT -> CheckFailed."""
    orig = getattr(error, "orig", None) or error
    where = folder or Path(".")
    if isinstance(orig, OSError):
        if orig.errno in _OS_ERRNOS:
            return StorageError(f"写入失败:{_files.explain(orig, where)}。{_KEPT}")
        return None
    if not isinstance(orig, sqlite3.Error):
        return None
    code = (getattr(orig, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(orig)
    if code == sqlite3.SQLITE_FULL or "disk is full" in text:
        return StorageError(f"写入失败:文件夹「{where}」所在的磁盘空间不足。{_KEPT}请腾出空间后重试。")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM) or "readonly database" in text:
        return StorageError(f"写入失败:不能写入文件夹「{where}」(只读介质或没有权限)。{_KEPT}"
                            "请把数据库放在可写的本机磁盘上。")
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN) or "disk I/O error" in text:
        return StorageError(f"写入失败:读写文件夹「{where}」时出错({text},可能是磁盘已满、只读或故障)。{_KEPT}")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text:
        return CheckFailed(f"数据库已损坏({text})。{_KEPT}请关闭程序,运行数据库检查(check),必要时从备份恢复。")
    return None


def read_only_media(db: Path) -> str | None:
    """Why the book at ``db`` cannot be written where it is (a read-only mount, a file marked read-only, a
    folder that cannot be written), in Chinese; None when it can. Looks at the permission bits as well as
    access(), so a file marked read-only stays read-only for an administrator too."""
    import os
    import stat

    if not db.is_file():
        return None
    folder = db.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "位于只读的磁盘或介质上(如光盘、写保护的U盘或只读挂载;请复制到可写入的文件夹后再办理)"
    except (AttributeError, OSError):  # no statvfs (Windows): the bits below still tell
        pass
    try:
        if not db.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(db, os.W_OK):
            return "文件被设为只读(请取消只读属性,或复制到可写入的文件夹后再办理)"
        if not folder.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(folder, os.W_OK):
            return "所在文件夹不能写入(写入时需要在同一文件夹建立日志文件;请复制到可写入的文件夹后再办理)"
    except OSError:
        return None
    return None
