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
