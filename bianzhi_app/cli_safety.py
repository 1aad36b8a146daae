"""CLI commands of the safety area (backup, backups, restore, unlock) and the CLI's open policy.

Open policy (``open_for_command``, used by cli.open_book): the CLI never takes the lock file itself, so
short commands from several processes queue on SQLite's own write lock.  When a window holds the book:
a read command opens it read-only (with a note on stderr), a write command is refused with the holder's
name (exit 1).  A stale lock (dead process on this computer) is broken by a write command, with a note
on stderr and a ledger entry (Op.LOCK_BROKEN); ``unlock --stale`` does the same on its own.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from bianzhi_app.errors import InvalidInput, NotFound
from bianzhi_app.safety.errors import BookCorrupt, NotABook

READ_COMMANDS = frozenset({"status", "roster", "ledger", "check", "report", "export", "backup", "backups"})
READ_ACTIONS = frozenset({("approval", "list")})


def _is_read_command(args: argparse.Namespace) -> bool:
    command = getattr(args, "command", None)
    return command in READ_COMMANDS or (command, getattr(args, "action", None)) in READ_ACTIONS


def _allow(args: argparse.Namespace) -> bool | None:
    return bool(getattr(args, "allow_unsafe_location", False)) or None


def _note(text: str) -> None:
    sys.stderr.write(text + "\n")


def _break_stale(path: Path, args: argparse.Namespace) -> None:
    from bianzhi_app.errors import BianzhiError
    from bianzhi_app.safety.lock import LockedByOther, LockError, LockNotStale, read_holder
    from bianzhi_app.safety.session import break_stale_lock

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


def open_for_command(args: argparse.Namespace, target: str) -> Any:
    """The Book for one CLI command (see the module docstring for the lock policy).  A damaged book is
    refused with BookCorrupt (exit 6) whose message names the newest backups and the restore command."""
    from bianzhi_app.book import Book
    from bianzhi_app.safety.lock import LockedByOther, holder_is_stale, lock_path_for
    from bianzhi_app.safety.session import foreign_holder, guard_location, sqlite_path

    path = sqlite_path(target)
    read = _is_read_command(args)
    read_only = False
    if path is not None:
        guard_location(path, _allow(args))
        holder = foreign_holder(path)
        if holder is not None:
            stale = holder_is_stale(holder)
            if read and not stale:
                read_only = True
                _note(f"注意:数据库正在被 {holder.describe()},本命令以只读方式打开。")
            elif not read and stale:
                _break_stale(path, args)
            elif not read:
                raise LockedByOther(holder, lock_path_for(path))
    try:
        return Book.open(target, actor=args.user, read_only=read_only, allow_unsafe_location=_allow(args))
    except (BookCorrupt, NotABook) as error:
        if isinstance(error, NotABook) and not error.candidates:
            raise
        raise type(error)(error.message + "\n" + _restore_hint(target, error), problems=error.problems,
                          candidates=error.candidates) from error


def _restore_hint(target: str, error: BookCorrupt | NotABook) -> str:
    if error.candidates:
        newest = error.candidates[0].path
        return ("恢复方法:关闭所有使用该数据库的程序后运行\n"
                f"  python main.py --db \"{target}\" restore \"{newest}\"\n"
                "恢复前会先把当前文件另存到备份文件夹;恢复后可用 check 复查。")
    return (f"如有其他备份(例如 U 盘上的 .bak 文件),可运行 python main.py --db \"{target}\" restore 备份文件 恢复;"
            "备份文件夹可用环境变量 BIANZHI_BACKUP_DIR 指定。")


def _out(args: argparse.Namespace, payload: Any, text: str) -> None:
    from bianzhi_app.cli import _out as out

    out(args, payload, text)


def _head_text(head: dict[str, Any] | None) -> str:
    return f"台账第{head['seq']}条 {str(head['hash'])[:12]}" if head else "台账位置未记录"


def _as_file(dest: str | None) -> Path | None:
    if dest is None:
        return None
    p = Path(dest).expanduser().absolute()
    return p if p.suffix.lower() in (".bak", ".db") and not p.is_dir() else None


def cmd_backup(args: argparse.Namespace) -> None:
    from bianzhi_app.cli import open_book
    from bianzhi_app.safety.backup import manifest_path_for

    file_dest = _as_file(args.dest)
    if file_dest is not None and (file_dest.exists() or manifest_path_for(file_dest).exists()):
        raise InvalidInput(f"备份目标「{file_dest}」已存在,不会覆盖;请换一个文件名或指定文件夹。")
    with open_book(args) as book:
        info = book.backup(file_dest.parent if file_dest is not None else args.dest)
    path = info.path
    if file_dest is not None:
        os.replace(manifest_path_for(path), manifest_path_for(file_dest))
        os.replace(path, file_dest)
        path = file_dest
    head = info.extra.get("ledger_head")
    _out(args, {"ok": True, "path": str(path), "created": info.created.isoformat(timespec="seconds"),
                "size": info.size, "sha256": info.sha256, "ledger_head": head, "tables": info.tables},
         f"已备份到 {path}({_head_text(head)},{info.size} 字节,完整性检查通过)")


def cmd_backups(args: argparse.Namespace) -> None:
    from bianzhi_app.cli import default_db
    from bianzhi_app.safety.session import list_restore_candidates, sqlite_path

    path = sqlite_path(args.db or default_db())
    found = list_restore_candidates(path, verify=args.verify) if path is not None else []
    _out(args, {"backups": [{"path": str(c.path), "created": c.created.isoformat(timespec="seconds"),
                             "ledger_head": c.ledger_head, "size": c.size, "reason": c.reason,
                             "pinned": c.pinned, "verified": c.verified} for c in found]},
         "\n".join(c.describe() for c in found) or "没有找到这个数据库的备份")


def cmd_restore(args: argparse.Namespace) -> None:
    from bianzhi_app.cli import default_db
    from bianzhi_app.safety.lock import LockedByOther, holder_is_stale, lock_path_for
    from bianzhi_app.safety.recovery import restore_book
    from bianzhi_app.safety.session import foreign_holder, guard_location, sqlite_path

    target = args.db or default_db()
    path = sqlite_path(target)
    if path is None:
        raise InvalidInput("restore 只适用于本机 SQLite 数据库文件;服务器数据库请用其自带的恢复工具。")
    src = Path(args.src).expanduser().absolute()
    if not src.is_file():
        raise NotFound(f"找不到备份文件「{args.src}」")
    guard_location(path, _allow(args))
    holder = foreign_holder(path)
    if holder is not None:
        if not holder_is_stale(holder):
            raise LockedByOther(holder, lock_path_for(path))
        _break_stale(path, args)
    result = restore_book(path, src, actor=args.user, allow_without_manifest=args.allow_without_manifest,
                          allow_unsafe_location=_allow(args), record=not args.no_record)
    kept = str(result.pre_restore) if result.pre_restore is not None else None
    created = result.source.created.isoformat(timespec="seconds")
    text = (f"已从备份「{src.name}」(创建于 {created[:16].replace('T', ' ')})恢复:{_head_text(result.ledger_head)}。"
            + (f"恢复操作已记入台账第{result.recorded_seq}条。" if result.recorded_seq else "")
            + (f"恢复前的数据库已另存为 {kept}。" if kept else ""))
    _out(args, {"ok": True, "restored_from": str(src), "backup_created": created, "ledger_head": result.ledger_head,
                "recorded_seq": result.recorded_seq, "pre_restore_backup": kept,
                "replaced_head": result.replaced_head}, text)


def cmd_unlock(args: argparse.Namespace) -> None:
    from bianzhi_app.cli import default_db
    from bianzhi_app.safety.session import break_stale_lock, holder_detail, sqlite_path

    path = sqlite_path(args.db or default_db())
    if path is None:
        raise InvalidInput("unlock 只适用于本机 SQLite 数据库文件。")
    holder, seq = break_stale_lock(path, actor=args.user)
    where = f",已记入台账第{seq}条" if seq else ""
    _out(args, {"ok": True, "holder": holder_detail(holder), "recorded_seq": seq},
         f"已清除过期的锁:{holder.describe()}{where}")


def register(sub: Any, command: Any) -> None:
    """Add this area's commands: `command(name, handler, help, parent=sub)` returns the subparser."""
    p = command("backup", cmd_backup, "备份数据库(在线备份、完整性检查、原子改名)")
    p.add_argument("dest", nargs="?", help="备份文件夹,或以 .bak 结尾的文件名(默认:用户数据目录下的 backups)")
    p = command("backups", cmd_backups, "列出这个数据库的备份(新的在前)")
    p.add_argument("--verify", action="store_true", help="逐个校验(较慢)")
    p = command("restore", cmd_restore, "从备份恢复(先校验备份,并先备份当前数据库)")
    p.add_argument("src", help="备份文件(.bak)")
    p.add_argument("--allow-without-manifest", action="store_true", help="允许使用没有清单文件的数据库副本")
    p.add_argument("--no-record", action="store_true", help="不在台账中记录这次恢复(台账停在备份时的位置)")
    p = command("unlock", cmd_unlock, "清除已退出程序留下的过期锁(记入台账)")
    p.add_argument("--stale", action="store_true", required=True, help="只清除持有者已不在运行的锁")
