"""Commands of the safety area: backup, backups, restore, unlock."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import Registry, open_book, out, target
from bianzhi_app.cli.opening import allow_unsafe, break_stale
from bianzhi_app.cli.signin import Access, check_on_file, sign_in_for_command, without_accounts
from bianzhi_app.errors import InvalidInput, NotFound


def _head_text(head: dict[str, Any] | None) -> str:
    return f"台账第{head['seq']}条 {str(head['hash'])[:12]}" if head else "台账位置未记录"


def _as_file(dest: str | None) -> Path | None:
    if dest is None:
        return None
    p = Path(dest).expanduser().absolute()
    return p if p.suffix.lower() in (".bak", ".db") and not p.is_dir() else None


def cmd_backup(args: argparse.Namespace) -> None:
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
    out(args, {"ok": True, "path": str(path), "created": info.created.isoformat(timespec="seconds"),
                "size": info.size, "sha256": info.sha256, "ledger_head": head, "tables": info.tables},
         f"已备份到 {path}({_head_text(head)},{info.size} 字节,完整性检查通过)")


def cmd_backups(args: argparse.Namespace) -> None:
    from bianzhi_app.safety.session import list_restore_candidates, sqlite_path

    path = sqlite_path(target(args))
    found = list_restore_candidates(path, verify=args.verify) if path is not None else []
    out(args, {"backups": [{"path": str(c.path), "created": c.created.isoformat(timespec="seconds"),
                             "ledger_head": c.ledger_head, "size": c.size, "reason": c.reason,
                             "pinned": c.pinned, "verified": c.verified} for c in found]},
         "\n".join(c.describe() for c in found) or "没有找到这个数据库的备份")


def cmd_restore(args: argparse.Namespace) -> None:
    from bianzhi_app.recovery import restore_book
    from bianzhi_app.safety.lock import LockedByOther, holder_is_stale, lock_path_for
    from bianzhi_app.safety.session import foreign_holder, guard_location, sqlite_path

    path = sqlite_path(target(args))
    if path is None:
        raise InvalidInput("restore 只适用于本机 SQLite 数据库文件;服务器数据库请用其自带的恢复工具。")
    src = Path(args.src).expanduser().absolute()
    if not src.is_file():
        raise NotFound(f"找不到备份文件「{args.src}」")
    guard_location(path, allow_unsafe(args))
    holder = foreign_holder(path)
    if holder is not None and not holder_is_stale(holder):
        raise LockedByOther(holder, lock_path_for(path))
    args.user = _sign_in_to_restore(args, path, src, stale_lock=holder is not None)
    if holder is not None:
        break_stale(path, args)
    result = restore_book(path, src, actor=args.user, allow_without_manifest=args.allow_without_manifest,
                          allow_unsafe_location=allow_unsafe(args), record=not args.no_record,
                          other_region=args.other_region)
    kept = str(result.pre_restore) if result.pre_restore is not None else None
    created = result.source.created.isoformat(timespec="seconds")
    text = (f"已从备份「{src.name}」(创建于 {created[:16].replace('T', ' ')})恢复:{_head_text(result.ledger_head)}。"
            + (f"恢复操作已记入台账第{result.recorded_seq}条。" if result.recorded_seq else "")
            + (f"恢复前的数据库已另存为 {kept}。" if kept else ""))
    out(args, {"ok": True, "restored_from": str(src), "backup_created": created, "ledger_head": result.ledger_head,
                "recorded_seq": result.recorded_seq, "pre_restore_backup": kept,
                "replaced_head": result.replaced_head}, text)


def _sign_in_to_restore(args: argparse.Namespace, path: Path, src: Path, *, stale_lock: bool) -> str | None:
    """Who restores: an account that may restore, signed in to the current book when it opens (failures
    counted there), else checked against the backup being restored (a damaged book stays restorable by an
    admin of its backup). Returns the account's name (the restore's actor), or None when neither the book
    nor the backup has accounts (a damaged book from before accounts, restored from a backup as old)."""
    from bianzhi_app.book import Book
    from bianzhi_app.safety.errors import BookCorrupt, NotABook, StorageError

    if path.exists() and path.stat().st_size > 0:
        try:
            if stale_lock:  # the lock keeps the book from being written: check on the file
                name = check_on_file(path, args, Permission.RESTORE)
                if name is None:
                    raise without_accounts(target(args))
                return name
            book = Book.open(path, allow_unsafe_location=allow_unsafe(args))
        except (BookCorrupt, NotABook, InvalidInput, StorageError, sqlite3.DatabaseError) as error:
            sys.stderr.write(f"当前数据库无法打开({str(error).splitlines()[0]}),改用备份中的账户核对身份。\n")
        else:
            with book:
                sign_in_for_command(book, args, target(args))  # a book without accounts: names the bootstrap
                assert book.account is not None
                return book.account.name
    try:
        name = check_on_file(src, args, Permission.RESTORE)
    except sqlite3.DatabaseError as error:
        raise InvalidInput(f"备份文件「{src.name}」不是有效的编制台账文件({error})") from error
    if name is None:
        sys.stderr.write("注意:备份建于启用账户之前,恢复后须先设立系统管理员(user add 账户名 --role admin)。\n")
    return name


def cmd_unlock(args: argparse.Namespace) -> None:
    from bianzhi_app.recovery import break_stale_lock
    from bianzhi_app.safety.lock import holder_is_stale, read_holder
    from bianzhi_app.safety.session import holder_detail, sqlite_path

    path = sqlite_path(target(args))
    if path is None:
        raise InvalidInput("unlock 只适用于本机 SQLite 数据库文件。")
    holder = read_holder(path)  # no lock, or a live one: break_stale_lock refuses before anyone signs in
    if holder is not None and holder_is_stale(holder) and path.exists() and path.stat().st_size > 0:
        # the lock keeps the book from being written: the account is checked on the file, then the
        # ledger entry that records the broken lock names it
        args.user = check_on_file(path, args, Permission.RESTORE)
        if args.user is None:
            raise without_accounts(target(args))
    holder, seq = break_stale_lock(path, actor=args.user)
    where = f",已记入台账第{seq}条" if seq else ""
    out(args, {"ok": True, "holder": holder_detail(holder), "recorded_seq": seq},
         f"已清除过期的锁:{holder.describe()}{where}")


def cmd_copy(args: argparse.Namespace) -> None:
    from bianzhi_app.copying import copy_book, describe

    args.db = args.src  # the source (not --db) is the book this command opens and signs in to
    with open_book(args) as book:
        result = copy_book(book.engine, args.dest)
    head = result.ledger_head
    assert head is not None
    dest = describe(args.dest)
    out(args, {"ok": True, "source": describe(args.src), "dest": dest, "rows": result.rows,
                "ledger_head": {"seq": head.seq, "hash": head.hash, "alg": head.alg},
                "security_log_head": ({"seq": result.security_head[0], "hash": result.security_head[1]}
                                      if result.security_head else None)},
         f"已复制到 {dest}:{sum(result.rows.values())} 行,检查通过,两边台账均为第{head.seq}条 {head.hash[:12]}")


def register(cli: Registry) -> None:
    p = cli.command("copy", cmd_copy, "把整个台账复制到另一处(文件⇄服务器),复制后检查并核对两边的台账位置",
                    writes=False, permission=Permission.BACKUP)
    p.add_argument("src", metavar="SRC", help="源:数据库文件路径或 postgresql+psycopg://… URL")
    p.add_argument("dest", metavar="DEST", help="目标:一个新文件,或服务器上的空数据库的 URL")
    p = cli.command("backup", cmd_backup, "备份数据库(在线备份、完整性检查、原子改名)", writes=False,
                    permission=Permission.BACKUP)
    p.add_argument("dest", nargs="?", metavar="目标",
                   help="备份文件夹,或以 .bak 结尾的文件名(默认:用户数据目录下的 backups)")
    p = cli.command("backups", cmd_backups, "列出这个数据库的备份(新的在前)", writes=False,
                    permission=Access.NO_BOOK)
    p.add_argument("--verify", action="store_true", help="逐个校验(较慢)")
    p = cli.command("restore", cmd_restore, "从备份恢复(先校验备份,并先备份当前数据库)", writes=True,
                    permission=Permission.RESTORE)
    p.add_argument("src", metavar="备份文件", help="备份文件(.bak)")
    p.add_argument("--allow-without-manifest", action="store_true", help="允许使用没有清单文件的数据库副本")
    p.add_argument("--no-record", action="store_true", help="不在台账中记录这次恢复(台账停在备份时的位置)")
    p.add_argument("--other-region", action="store_true",
                   help="确认用另一个行政区域的备份替换当前台账(否则拒绝)")
    p = cli.command("unlock", cmd_unlock, "清除已退出程序留下的过期锁(记入台账)", writes=True,
                    permission=Permission.RESTORE)
    p.add_argument("--stale", action="store_true", required=True, help="只清除持有者已不在运行的锁")
