"""The command line of shared/CLI.md: thin functions over the same ops and queries as the window."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from bianzhi_app import __version__
from bianzhi_app.errors import BianzhiError, InvalidInput, NotFound

Handler = Callable[[argparse.Namespace], Any]


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"用法错误:{message}\n")
        raise SystemExit(2)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"日期「{text}」无效,应为 YYYY-MM-DD,如 2026-01-05") from None


def default_db() -> str:
    if os.environ.get("BIANZHI_DB"):
        return os.environ["BIANZHI_DB"]
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("Bianzhi", appauthor=False), "bianzhi.db")


def open_book(args: argparse.Namespace, *, must_exist: bool = True):  # type: ignore[no-untyped-def]
    from bianzhi_app.cli_safety import open_for_command

    target = args.db or default_db()
    if "://" not in target:
        if must_exist and not os.path.exists(target):
            raise NotFound(f"数据库文件不存在:{target}(先用 init 或 demo 建立)")
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    return open_for_command(args, target)


def _out(args: argparse.Namespace, payload: Any, text: str | None = None) -> None:
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif text is not None:
        sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))


def _change_out(args: argparse.Namespace, change: Any, text: str) -> None:
    _out(args, {"ok": True, "op": change.op.value, "seq": change.seq, "result": change.result}, text)


def _write(args: argparse.Namespace, function: Any, *fargs: Any, **kwargs: Any) -> Any:
    """Run one operation (after closing expired approvals) and return its Change."""
    title = getattr(args, "doc_title", None)
    with open_book(args) as book:
        book.approvals.expire_due()
        if title and kwargs.get("doc"):
            def titled(tx: Any, *a: Any, **k: Any) -> Any:
                tx.document(k["doc"], title)  # registers the title with the document
                return function(tx, *a, **k)
            return book.run(titled, *fargs, **kwargs)
        return book.run(function, *fargs, **kwargs)


# --- parser --------------------------------------------------------------------------------

def build_parser() -> ArgumentParser:
    from bianzhi_app import cli_commands as commands

    parser = ArgumentParser(prog="bianzhi", description="机构编制实名制管理(编办)")
    parser.add_argument("--db", help="数据库文件路径或数据库URL(默认:用户数据目录中的 bianzhi.db;环境变量 BIANZHI_DB)")
    parser.add_argument("--user", help="记入台账的操作人(默认:系统登录名)")
    parser.add_argument("--json", action="store_true", help="以JSON输出")
    parser.add_argument("--allow-unsafe-location", action="store_true",
                        help="允许打开网络共享盘或同步文件夹中的数据库(有损坏风险)")
    parser.add_argument("--version", action="version", version=f"bianzhi {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)

    def command(name: str, handler: Handler, helptext: str, parent: Any = sub) -> ArgumentParser:
        p = parent.add_parser(name, help=helptext)
        p.set_defaults(handler=handler)
        original = p.add_argument

        def add_argument(*names: str, **kwargs: Any) -> Any:
            action = original(*names, **kwargs)
            if names == ("--doc",):  # every command citing a document may also give its title
                original("--doc-title", help="文件标题(可选)")
            return action

        p.add_argument = add_argument  # type: ignore[method-assign]
        return p

    def group(name: str, helptext: str) -> Any:
        """A command with sub-commands (`unit add`, `unit rename` …)."""
        return command(name, lambda a: None, helptext).add_subparsers(dest="action", required=True,
                                                                      parser_class=ArgumentParser)

    def dated(p: ArgumentParser) -> None:
        p.add_argument("--on", type=parse_date_arg, help="生效日期 YYYY-MM-DD(默认今天,可补登过去日期)")

    p = command("init", commands.cmd_init, "建立空的编制台账")
    p.add_argument("--region", required=True)
    p.add_argument("--code", required=True)
    p = command("demo", commands.cmd_demo, "生成演示区域")
    p.add_argument("--scale", choices=("county", "city", "province"), default="county")
    p.add_argument("--seed", type=int, default=1)

    pool = group("pool", "编制总额")
    p = command("set", commands.cmd_pool_set, "核定编制总额", pool)
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    dated(p)

    unit = group("unit", "机构")
    p = command("add", commands.cmd_unit_add, "设立机构", unit)
    p.add_argument("name")
    p.add_argument("--category", required=True)
    p.add_argument("--rank", required=True)
    p.add_argument("--funding")
    p.add_argument("--parent")
    p.add_argument("--uscc")
    p.add_argument("--no-approval-required", action="store_true", help="入编无需先行用编核准")
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("rename", commands.cmd_unit_rename, "机构更名", unit)
    p.add_argument("unit")
    p.add_argument("new")
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("abolish", commands.cmd_unit_abolish, "撤销机构", unit)
    p.add_argument("unit")
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("merge", commands.cmd_unit_merge, "机构合并", unit)
    p.add_argument("units", nargs="+")
    p.add_argument("--into", required=True)
    p.add_argument("--doc", required=True)
    dated(p)

    quota = group("quota", "核定编制")
    p = command("set", commands.cmd_quota_set, "核定单位编制", quota)
    p.add_argument("unit")
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    p.add_argument("--as-allowance", action="store_true", help="核减后超出部分记为超编只出不进")
    dated(p)
    p = command("transfer", commands.cmd_quota_transfer, "编制划转", quota)
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    dated(p)

    posts = group("posts", "领导职数")
    p = command("set", commands.cmd_posts_set, "核定领导职数", posts)
    p.add_argument("unit")
    p.add_argument("post")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    p.add_argument("--as-allowance", action="store_true")
    dated(p)

    approval = group("approval", "用编核准")
    p = command("add", commands.cmd_approval_add, "核准用编", approval)
    p.add_argument("unit")
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--method", required=True)
    p.add_argument("--valid-until", type=parse_date_arg)
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("cancel", commands.cmd_approval_cancel, "撤销用编核准", approval)
    p.add_argument("number")
    dated(p)
    command("expire", commands.cmd_approval_expire, "关闭已到期的用编核准", approval)
    p = command("list", commands.cmd_approval_list, "列出用编核准", approval)
    p.add_argument("--all", action="store_true")

    person = group("person", "人员")
    p = command("enter", commands.cmd_person_enter, "入编", person)
    p.add_argument("unit")
    p.add_argument("kind")
    p.add_argument("--name", required=True)
    p.add_argument("--id", required=True)
    p.add_argument("--approval")
    dated(p)
    p = command("leave", commands.cmd_person_leave, "出编", person)
    p.add_argument("id")
    p.add_argument("--reason", required=True)
    dated(p)
    p = command("transfer", commands.cmd_person_transfer, "调动", person)
    p.add_argument("id")
    p.add_argument("unit")
    p.add_argument("--kind")
    p.add_argument("--approval")
    dated(p)
    p = command("change-kind", commands.cmd_person_change_kind, "变更编制类型", person)
    p.add_argument("id")
    p.add_argument("kind")
    p.add_argument("--doc")
    dated(p)
    p = command("appoint", commands.cmd_person_appoint, "任职", person)
    p.add_argument("id")
    p.add_argument("post")
    p.add_argument("--doc")
    dated(p)
    p = command("dismiss", commands.cmd_person_dismiss, "免职", person)
    p.add_argument("id")
    p.add_argument("--doc")
    dated(p)

    p = command("status", commands.cmd_status, "编制情况")
    p.add_argument("--unit")
    p.add_argument("--as-of", type=parse_date_arg)
    p = command("roster", commands.cmd_roster, "实名制花名册")
    p.add_argument("--unit")
    p.add_argument("--as-of", type=parse_date_arg)
    p = command("ledger", commands.cmd_ledger, "编制变动台账")
    p.add_argument("--since", type=parse_date_arg)
    p.add_argument("--unit")
    command("check", commands.cmd_check, "检查数据库、计数与台账哈希链")
    for name, label in (("kind", "编制类型"), ("post-kind", "职务类别")):
        area = group(name, label)
        p = command("add", commands.cmd_kind_add, f"增设{label}", area)
        p.add_argument("code")
        p.add_argument("name")
        p.add_argument("--doc", required=True)
    # Commands of the other areas (reports, Excel, backups) register themselves the same way.
    from bianzhi_app import cli_io, cli_reports, cli_safety

    for module in (cli_reports, cli_io, cli_safety):
        module.register(sub, command)
    return parser


class _DateArg:
    """argparse type that defers the error so it exits 4 (invalid input), not 2."""

    def __init__(self, text: str):
        self.text = text


def parse_date_arg(text: str) -> _DateArg:
    return _DateArg(text)


def _resolve_dates(args: argparse.Namespace) -> None:
    for name, value in vars(args).items():
        if isinstance(value, _DateArg):
            setattr(args, name, parse_date(value.text))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _resolve_dates(args)
        args.handler(args)
    except BianzhiError as error:
        sys.stderr.write(f"{error.message}\n")
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("已中断\n")
        return 1
    except Exception as error:  # never a traceback for a user; the message still says what happened
        from sqlalchemy.exc import DatabaseError

        if isinstance(error, DatabaseError):
            sys.stderr.write(f"数据库错误:{error.orig}\n")
            return 1
        raise
    return 0
