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
from bianzhi_app.errors import BianzhiError, CheckFailed, InvalidInput, NotFound, StateRefused

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


# --- commands ------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.region import init_region

    with open_book(args, must_exist=False) as book:
        if not book.is_empty():
            raise StateRefused(f"数据库已有数据,不能初始化:{args.db or default_db()}")
        change = book.run(init_region, name=args.region, code=args.code)
    _change_out(args, change, f"已建立 {args.region}({args.code})编制台账")


def cmd_demo(args: argparse.Namespace) -> None:
    from bianzhi_app.demo import generate

    def progress(done: int, total: int, what: str) -> None:
        sys.stderr.write(f"\r{what} {done}/{total}   ")
        sys.stderr.flush()

    with open_book(args, must_exist=False) as book:
        if not book.is_empty():
            raise StateRefused(f"数据库已有数据,不能生成演示数据:{args.db or default_db()}")
        summary = generate(book, scale=args.scale, seed=args.seed, progress=progress)
    sys.stderr.write("\n")
    _out(args, summary, f"已生成演示区域 {summary['region']}:{summary['units']}个单位,{summary['persons']}名在编人员,"
                        f"台账{summary['ledger_seq']}条")


def cmd_pool_set(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.region import set_pool

    change = _write(args, set_pool, args.kind, args.n, doc=args.doc, on=args.on)
    _change_out(args, change, f"编制总额已核定(台账第{change.seq}条)")


def cmd_unit_add(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.units import add_unit

    change = _write(args, add_unit, args.name, category=args.category, rank=args.rank, funding=args.funding,
                    parent=args.parent, uscc=args.uscc, doc=args.doc, on=args.on,
                    requires_approval=not args.no_approval_required)
    _change_out(args, change, f"已设立 {args.name}(编号{change.result})")


def cmd_unit_rename(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.units import rename_unit

    change = _write(args, rename_unit, args.unit, args.new, doc=args.doc, on=args.on)
    _change_out(args, change, f"已更名为 {args.new}")


def cmd_unit_abolish(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.units import abolish_unit

    change = _write(args, abolish_unit, args.unit, doc=args.doc, on=args.on)
    _change_out(args, change, f"已撤销 {change.seq and args.unit}")


def cmd_unit_merge(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.units import merge_units

    change = _write(args, merge_units, args.units, args.into, doc=args.doc, on=args.on)
    _change_out(args, change, f"已合并为 {args.into}")


def cmd_quota_set(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.quotas import set_quota

    change = _write(args, set_quota, args.unit, args.kind, args.n, doc=args.doc, on=args.on,
                    as_allowance=args.as_allowance)
    _change_out(args, change, f"已核定(台账第{change.seq}条)")


def cmd_quota_transfer(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.quotas import transfer_quota

    change = _write(args, transfer_quota, args.source, args.target, args.kind, args.n, doc=args.doc, on=args.on)
    _change_out(args, change, f"已划转(台账第{change.seq}条)")


def cmd_posts_set(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.quotas import set_post_limit

    change = _write(args, set_post_limit, args.unit, args.post, args.n, doc=args.doc, on=args.on,
                    as_allowance=args.as_allowance)
    _change_out(args, change, f"领导职数已核定(台账第{change.seq}条)")


def cmd_approval_add(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.approvals import add_approval

    change = _write(args, add_approval, args.unit, args.kind, args.n, method=args.method,
                    valid_until=args.valid_until, doc=args.doc, on=args.on)
    if args.json:
        _out(args, {"ok": True, "op": change.op.value, "seq": change.seq, "number": change.result})
    else:
        sys.stdout.write(f"{change.result}\n")


def cmd_approval_cancel(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.approvals import cancel_approval

    change = _write(args, cancel_approval, args.number, on=args.on)
    _change_out(args, change, f"已撤销用编核准 {args.number}")


def cmd_approval_list(args: argparse.Namespace) -> None:
    from bianzhi_app.queries import approval_rows

    with open_book(args) as book, book.read() as conn:
        rows = approval_rows(conn, book.catalog, status=None if args.all else "active")
    _out(args, {"approvals": rows}, "\n".join(
        f"{r['number']}\t{r['unit']}\t{r['kind']}\t{r['remaining']}/{r['count']}\t{r['method']}\t"
        f"{r['status']}\t{r['valid_until']}" for r in rows))


def cmd_person_enter(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.staff import enter_person

    change = _write(args, enter_person, args.unit, args.kind, name=args.name, id_number=args.id,
                    approval=args.approval, on=args.on)
    _change_out(args, change, f"{args.name} 已入编(台账第{change.seq}条)")


def cmd_person_leave(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.staff import leave_person

    change = _write(args, leave_person, args.id, reason=args.reason, on=args.on)
    _change_out(args, change, f"已出编(台账第{change.seq}条)")


def cmd_person_transfer(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.staff import transfer_person

    change = _write(args, transfer_person, args.id, args.unit, kind=args.kind, approval=args.approval, on=args.on)
    _change_out(args, change, f"已调入 {args.unit}(台账第{change.seq}条)")


def cmd_person_change_kind(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.staff import change_kind

    change = _write(args, change_kind, args.id, args.kind, on=args.on, doc=args.doc)
    _change_out(args, change, f"编制类型已变更(台账第{change.seq}条)")


def cmd_person_appoint(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.posts import appoint

    change = _write(args, appoint, args.id, args.post, on=args.on, doc=args.doc)
    _change_out(args, change, f"已任职(台账第{change.seq}条)")


def cmd_person_dismiss(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.posts import dismiss

    change = _write(args, dismiss, args.id, on=args.on, doc=args.doc)
    _change_out(args, change, f"已免职(台账第{change.seq}条)")


def cmd_status(args: argparse.Namespace) -> None:
    from bianzhi_app.queries import status

    with open_book(args) as book, book.read() as conn:
        data = status(conn, book.catalog, as_of=args.as_of, unit=args.unit)
        kinds = book.catalog.kinds
    if args.json:
        _out(args, data)
        return
    lines = [f"{data['region']['name']}({data['region']['code']}) 截至 {data['as_of']}",
             "编制总额: " + "  ".join(f"{k.name} {data['pool'][k.code]['total']}"
                                   f"(已分配{data['pool'][k.code]['allocated']},"
                                   f"未分配{data['pool'][k.code]['unallocated']})" for k in kinds)]
    lines.append("单位\t" + "\t".join(f"{k.short}核定/实有/在途/空编/超编" for k in kinds))
    for u in data["units"]:
        cells = ["/".join(str(u["quota"][k.code][f]) for f in ("approved", "used", "reserved", "vacancy", "overage"))
                 for k in kinds]
        lines.append(u["name"] + "\t" + "\t".join(cells))
    head = data["ledger_head"]
    lines.append(f"台账 #{head['seq']} {head['hash'][:12]}")
    _out(args, data, "\n".join(lines))


def cmd_roster(args: argparse.Namespace) -> None:
    from bianzhi_app.queries import roster

    with open_book(args) as book, book.read() as conn:
        rows = roster(conn, book.catalog, as_of=args.as_of, unit=args.unit)
        if args.json:
            sys.stdout.write('{"persons": [')
            for i, r in enumerate(rows):
                item = {k: r[k] for k in ("name", "id_number", "unit", "kind", "post", "entered_on")}
                sys.stdout.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
            sys.stdout.write("\n]}\n")
            return
        for r in rows:
            sys.stdout.write(f"{r['name']}\t{r['id_number']}\t{r['unit']}\t{r['kind']}\t{r['post'] or ''}\t"
                             f"{r['entered_on']}\n")


def cmd_ledger(args: argparse.Namespace) -> None:
    from bianzhi_app.book import Op
    from bianzhi_app.queries import ledger_entries

    with open_book(args) as book, book.read() as conn:
        entries = ledger_entries(conn, since=args.since, unit=args.unit)
        if args.json:
            sys.stdout.write('{"entries": [')
            for i, e in enumerate(entries):
                item = {k: e[k] for k in ("seq", "at", "actor", "op", "unit", "doc", "hash")}
                item.update(effective_on=e["effective_on"], before=e["before"], after=e["after"], detail=e["detail"])
                sys.stdout.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
            sys.stdout.write("\n]}\n")
            return
        labels = {op.value: op.label for op in Op}
        for e in entries:
            sys.stdout.write(f"{e['seq']}\t{e['effective_on']}\t{labels.get(e['op'], e['op'])}\t{e['unit'] or ''}\t"
                             f"{e['doc'] or ''}\t{e['actor']}\t{e['hash'][:12]}\n")


def cmd_kind_add(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.catalog_ops import add_kind, add_post_kind

    function = add_kind if args.command == "kind" else add_post_kind
    change = _write(args, function, args.code, args.name, doc=args.doc)
    _change_out(args, change, f"已增设 {args.name}({args.code})")


def cmd_approval_expire(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.approvals import expire_approvals

    with open_book(args) as book, book.transact() as tx:
        changes = expire_approvals(tx)
    _out(args, {"ok": True, "expired": [c.seq for c in changes]}, f"已关闭到期用编核准{len(changes)}项")


def cmd_check(args: argparse.Namespace) -> None:
    from bianzhi_app.check import run_check

    with open_book(args) as book, book.read() as conn:
        report = run_check(conn, book.catalog)
    if not report.ok:
        if args.json:
            _out(args, {"ok": False, "problems": report.problems, "entries_checked": report.entries_checked})
        raise CheckFailed(report.problems[0] + (f"(另有{len(report.problems) - 1}处问题)"
                                                if len(report.problems) > 1 else ""))
    _out(args, {"ok": True, "problems": [], "entries_checked": report.entries_checked},
         f"检查通过:数据库完整,计数与重算一致,台账{report.entries_checked}条哈希链完整")


# --- parser --------------------------------------------------------------------------------

def build_parser() -> ArgumentParser:
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

    def dated(p: ArgumentParser) -> None:
        p.add_argument("--on", type=parse_date_arg, help="生效日期 YYYY-MM-DD(默认今天,可补登过去日期)")

    p = command("init", cmd_init, "建立空的编制台账")
    p.add_argument("--region", required=True)
    p.add_argument("--code", required=True)
    p = command("demo", cmd_demo, "生成演示区域")
    p.add_argument("--scale", choices=("county", "city", "province"), default="county")
    p.add_argument("--seed", type=int, default=1)

    pool = command("pool", lambda a: None, "编制总额").add_subparsers(dest="action", required=True,
                                                                  parser_class=ArgumentParser)
    p = command("set", cmd_pool_set, "核定编制总额", pool)
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    dated(p)

    unit = command("unit", lambda a: None, "机构").add_subparsers(dest="action", required=True,
                                                                parser_class=ArgumentParser)
    p = command("add", cmd_unit_add, "设立机构", unit)
    p.add_argument("name")
    p.add_argument("--category", required=True)
    p.add_argument("--rank", required=True)
    p.add_argument("--funding")
    p.add_argument("--parent")
    p.add_argument("--uscc")
    p.add_argument("--no-approval-required", action="store_true", help="入编无需先行用编核准")
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("rename", cmd_unit_rename, "机构更名", unit)
    p.add_argument("unit")
    p.add_argument("new")
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("abolish", cmd_unit_abolish, "撤销机构", unit)
    p.add_argument("unit")
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("merge", cmd_unit_merge, "机构合并", unit)
    p.add_argument("units", nargs="+")
    p.add_argument("--into", required=True)
    p.add_argument("--doc", required=True)
    dated(p)

    quota = command("quota", lambda a: None, "核定编制").add_subparsers(dest="action", required=True,
                                                                    parser_class=ArgumentParser)
    p = command("set", cmd_quota_set, "核定单位编制", quota)
    p.add_argument("unit")
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    p.add_argument("--as-allowance", action="store_true", help="核减后超出部分记为超编只出不进")
    dated(p)
    p = command("transfer", cmd_quota_transfer, "编制划转", quota)
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    dated(p)

    posts = command("posts", lambda a: None, "领导职数").add_subparsers(dest="action", required=True,
                                                                    parser_class=ArgumentParser)
    p = command("set", cmd_posts_set, "核定领导职数", posts)
    p.add_argument("unit")
    p.add_argument("post")
    p.add_argument("n", type=int)
    p.add_argument("--doc", required=True)
    p.add_argument("--as-allowance", action="store_true")
    dated(p)

    approval = command("approval", lambda a: None, "用编核准").add_subparsers(dest="action", required=True,
                                                                         parser_class=ArgumentParser)
    p = command("add", cmd_approval_add, "核准用编", approval)
    p.add_argument("unit")
    p.add_argument("kind")
    p.add_argument("n", type=int)
    p.add_argument("--method", required=True)
    p.add_argument("--valid-until", type=parse_date_arg)
    p.add_argument("--doc", required=True)
    dated(p)
    p = command("cancel", cmd_approval_cancel, "撤销用编核准", approval)
    p.add_argument("number")
    dated(p)
    command("expire", cmd_approval_expire, "关闭已到期的用编核准", approval)
    p = command("list", cmd_approval_list, "列出用编核准", approval)
    p.add_argument("--all", action="store_true")

    person = command("person", lambda a: None, "人员").add_subparsers(dest="action", required=True,
                                                                   parser_class=ArgumentParser)
    p = command("enter", cmd_person_enter, "入编", person)
    p.add_argument("unit")
    p.add_argument("kind")
    p.add_argument("--name", required=True)
    p.add_argument("--id", required=True)
    p.add_argument("--approval")
    dated(p)
    p = command("leave", cmd_person_leave, "出编", person)
    p.add_argument("id")
    p.add_argument("--reason", required=True)
    dated(p)
    p = command("transfer", cmd_person_transfer, "调动", person)
    p.add_argument("id")
    p.add_argument("unit")
    p.add_argument("--kind")
    p.add_argument("--approval")
    dated(p)
    p = command("change-kind", cmd_person_change_kind, "变更编制类型", person)
    p.add_argument("id")
    p.add_argument("kind")
    p.add_argument("--doc")
    dated(p)
    p = command("appoint", cmd_person_appoint, "任职", person)
    p.add_argument("id")
    p.add_argument("post")
    p.add_argument("--doc")
    dated(p)
    p = command("dismiss", cmd_person_dismiss, "免职", person)
    p.add_argument("id")
    p.add_argument("--doc")
    dated(p)

    p = command("status", cmd_status, "编制情况")
    p.add_argument("--unit")
    p.add_argument("--as-of", type=parse_date_arg)
    p = command("roster", cmd_roster, "实名制花名册")
    p.add_argument("--unit")
    p.add_argument("--as-of", type=parse_date_arg)
    p = command("ledger", cmd_ledger, "编制变动台账")
    p.add_argument("--since", type=parse_date_arg)
    p.add_argument("--unit")
    command("check", cmd_check, "检查数据库、计数与台账哈希链")
    for name, label in (("kind", "编制类型"), ("post-kind", "职务类别")):
        area = command(name, lambda a: None, label).add_subparsers(dest="action", required=True,
                                                                   parser_class=ArgumentParser)
        p = command("add", cmd_kind_add, f"增设{label}", area)
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
