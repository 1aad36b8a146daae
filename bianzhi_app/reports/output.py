"""Where a report may be written: checked before any work, refused in Chinese (InvalidInput, exit 4).

A report is written to a temporary file next to the target and renamed over it, so a target
that is not a regular file (a device such as /dev/full or /dev/null, a pipe, a socket) would be
*replaced* by the PDF, which must never happen; a folder cannot take a PDF either.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from bianzhi_app.errors import InvalidInput

SUFFIX = ".pdf"


def _refuse_existing(path: Path, shown: str) -> None:
    """Refuses a folder or a non-regular file at `path` (symbolic links are followed)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InvalidInput(f"无法使用输出路径「{shown}」:{exc.strerror or exc}") from exc
    if stat.S_ISDIR(mode):
        raise InvalidInput(f"输出路径「{shown}」是一个文件夹,请给出PDF文件名,如 {Path(shown) / ('报表' + SUFFIX)}")
    if not stat.S_ISREG(mode):
        raise InvalidInput(f"输出路径「{shown}」不是普通文件(设备、管道或套接字),不能写入报表;请给出PDF文件名")


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """The file a report will be written to: `path` with ".pdf" added when it has another or no
    suffix. Refuses (InvalidInput) an empty path, a folder, a device or other non-regular file,
    and a folder that exists but cannot be written (read-only place). Touches nothing."""
    text = os.fspath(path)
    if not text.strip():
        raise InvalidInput("未给出输出文件名,请用 -o 指定PDF文件")
    if text.endswith(("/", os.sep)):
        raise InvalidInput(f"输出路径「{text}」是一个文件夹,请给出PDF文件名")
    given = Path(text)
    _refuse_existing(given, text)  # before adding .pdf: "-o /dev/full" must not become /dev/full.pdf
    target = given if given.suffix.lower() == SUFFIX else given.with_name(given.name + SUFFIX)
    if target != given:
        _refuse_existing(target, str(target))
    parent = _existing_parent(target)
    if not parent.is_dir():
        raise InvalidInput(f"输出路径「{text}」的上级「{parent}」不是文件夹,不能写入报表")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InvalidInput(f"不能在「{parent}」中写入报表(只读位置或没有写权限),请换一个位置")
    return target


def _existing_parent(path: Path) -> Path:
    """The nearest ancestor of `path` that exists (the folder that must be writable)."""
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def write_error(path: Path, exc: OSError) -> InvalidInput:
    """An OSError met while writing the report, as a Chinese refusal (read-only file system,
    no permission even for root, disk full …)."""
    reason = {errno.EACCES: "没有写权限", errno.EROFS: "只读位置", errno.ENOSPC: "磁盘空间不足",
              errno.ENOENT: "路径不存在", errno.EPERM: "不允许写入"}.get(exc.errno or 0, exc.strerror or str(exc))
    return InvalidInput(f"不能写入报表「{path}」:{reason}")
