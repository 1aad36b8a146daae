"""How a command opens the book (the CLI's open policy).

The CLI never takes the lock file itself, so short commands from several processes queue on SQLite's
own write lock. When a window holds the book: a command that reads opens it read-only (with a note on
stderr), a command that writes is refused with the holder's name (exit 1). A stale lock (a dead process
on this computer) is broken by a write command, with a note on stderr and a ledger entry
(Op.LOCK_BROKEN); ``unlock --stale`` does the same on its own. Each command declares whether it
writes where it is registered (`Registry.command(..., writes=…)`), and what its account needs
(``permission=…``): the book opens with that account signed in (cli/signin.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.book import Book
from bianzhi_app.cli.signin import check_on_file, may_run_without_accounts, sign_in_for_command, without_accounts
from bianzhi_app.errors import BianzhiError
from bianzhi_app.recovery import break_stale_lock
from bianzhi_app.safety.errors import BookCorrupt, NotABook
from bianzhi_app.safety.lock import LockedByOther, LockError, LockNotStale, holder_is_stale, lock_path_for, read_holder
from bianzhi_app.safety.session import foreign_holder, guard_location, sqlite_path


def allow_unsafe(args: argparse.Namespace) -> bool | None:
    return bool(getattr(args, "allow_unsafe_location", False)) or None


def _note(text: str) -> None:
    sys.stderr.write(text + "\n")


def break_stale(path: Path, args: argparse.Namespace) -> None:
    """Break a stale lock before a write, saying so on stderr."""
    before = read_holder(path)
    try:
        holder, seq = break_stale_lock(path, actor=args.user)
    except (LockNotStale, LockedByOther):
        raise
    except LockError:  # another process cleared it meanwhile
        return
    except BianzhiError as error:  # cleared, but the book could not record it (e.g. it is damaged)
        if before is None or read_holder(path) is not None:
            raise
        _note(f"已清除过期的锁({before.describe()}),但未能记入台账:{error.message}")
        return
    where = f",已记入台账第{seq}条" if seq else ""
    _note(f"已清除过期的锁:{holder.describe()},该程序已不在运行{where}。")


def clear_ids_backup_notice(backup: Path) -> str:
    """Said once, when a book from before issue 16 was just migrated: its pinned backup holds the clear numbers."""
    return (f"注意:台账已升级,身份证号已加密保存;升级前的备份「{backup.name}」(在 {backup.parent})仍含明文身份证号。"
            "请核对升级后的台账(check)无误后删除该备份,或将其加密、锁存保管。")


def open_for_command(args: argparse.Namespace, target: str) -> Book:
    """The Book for one CLI command (see the module docstring for the lock policy), with the command's
    account signed in and the permission it declared checked (cli/signin.py); a refused sign-in closes the
    book again. A damaged book is refused with BookCorrupt (exit 6) whose message names the newest backups
    and the restore command."""
    path = sqlite_path(target)
    read = not args.writes
    read_only = False
    if path is not None:
        guard_location(path, allow_unsafe(args))
        holder = foreign_holder(path)
        if holder is not None:
            stale = holder_is_stale(holder)
            if read and not stale:
                read_only = True
                _note(f"注意:数据库正在被 {holder.describe()},本命令以只读方式打开。")
            elif not read and stale:
                _verify_before_breaking(path, args, target)
                break_stale(path, args)
            elif not read:
                raise LockedByOther(holder, lock_path_for(path))
    try:
        book = Book.open(target, actor=args.user, read_only=read_only, allow_unsafe_location=allow_unsafe(args))
    except (BookCorrupt, NotABook) as error:
        if isinstance(error, NotABook) and not error.candidates:
            raise
        raise type(error)(error.message + "\n" + _restore_hint(target, error), problems=error.problems,
                          candidates=error.candidates) from error
    if book.clear_ids_backup is not None:
        _note(clear_ids_backup_notice(book.clear_ids_backup))
    try:
        sign_in_for_command(book, args, target)
    except BaseException:
        book.close()
        raise
    if book.account is not None:
        args.user = book.account.name
    if book.read_only_reason is not None and not read_only:
        _note(f"注意:数据库{book.read_only_reason},本命令以只读方式打开。")
    return book


def _verify_before_breaking(path: Path, args: argparse.Namespace, target: str) -> None:
    """Before a write command breaks a stale lock (a ledger entry): the account must be one of the book's and
    may run the command (checked on the file, which the stale lock keeps from being written yet)."""
    permission = args.permission
    if not isinstance(permission, Permission) or not path.exists() or path.stat().st_size == 0:
        return
    name = check_on_file(path, args, permission)
    if name is None:
        if not may_run_without_accounts(args):
            raise without_accounts(target)
        return
    args.user = name


def _restore_hint(target: str, error: BookCorrupt | NotABook) -> str:
    if error.candidates:
        newest = error.candidates[0].path
        return ("恢复方法:关闭所有使用该数据库的程序后运行\n"
                f"  python main.py --db \"{target}\" restore \"{newest}\"\n"
                "恢复前会先把当前文件另存到备份文件夹;恢复后可用 check 复查。")
    return (f"如有其他备份(例如 U 盘上的 .bak 文件),可运行 python main.py --db \"{target}\" restore 备份文件 恢复;"
            "备份文件夹可用环境变量 BIANZHI_BACKUP_DIR 指定。")
