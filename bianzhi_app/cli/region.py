"""Commands of the region: init, demo, pool (编制总额), kind and post-kind."""

from __future__ import annotations

import argparse
import sys

from bianzhi_app.catalog import Kind
from bianzhi_app.cli.base import Registry, add_doc, add_on, change_out, count, open_book, out, target, write
from bianzhi_app.errors import StateRefused

KIND_HELP = "编制类型的名称或代码:行政编制 xz、政法专项编制 zf、事业编制 sy、机关工勤编制 gq(增设的类型见 kind list)"
POST_HELP = "职务类别的名称或代码:正职 zz、副职 fz、内设机构正职 nz、内设机构副职 nf(增设的见 post-kind list)"


def cmd_init(args: argparse.Namespace) -> None:
    with open_book(args, must_exist=False) as book:
        if not book.is_empty():
            raise StateRefused(f"数据库已有数据,不能初始化:{target(args)}")
        change = book.region.init(name=args.region, code=args.code)
    change_out(args, change, f"已建立 {args.region}({args.code})编制台账")


def cmd_demo(args: argparse.Namespace) -> None:
    from bianzhi_app.demo import generate

    def progress(done: int, total: int, what: str) -> None:
        sys.stderr.write(f"\r{what} {done}/{total}   ")
        sys.stderr.flush()

    with open_book(args, must_exist=False) as book:
        if not book.is_empty():
            raise StateRefused(f"数据库已有数据,不能生成演示数据:{target(args)}")
        summary = generate(book, scale=args.scale, seed=args.seed, progress=progress)
    sys.stderr.write("\n")
    out(args, summary, f"已生成演示区域 {summary['region']}:{summary['units']}个单位,{summary['persons']}名在编人员,"
                       f"台账{summary['ledger_seq']}条")


def cmd_pool_set(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.region.set_pool(kind=args.kind, total=args.n, doc=args.doc,
                                                           doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"编制总额已核定(台账第{change.seq}条)")


def cmd_kind_add(args: argparse.Namespace) -> None:
    if args.command == "kind":
        change = write(args, lambda book: book.region.add_kind(code=args.code, name=args.name, doc=args.doc,
                                                               doc_title=args.doc_title))
    else:
        change = write(args, lambda book: book.region.add_post_kind(code=args.code, name=args.name, doc=args.doc,
                                                                    doc_title=args.doc_title))
    change_out(args, change, f"已增设 {args.name}({args.code})")


def _kinds_out(args: argparse.Namespace, kinds: list[Kind]) -> None:
    out(args, {"kinds": [{"code": k.code, "name": k.name} for k in kinds]},
        "代码\t名称\n" + "\n".join(f"{k.code}\t{k.name}" for k in kinds))


def cmd_kind_list(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        _kinds_out(args, book.catalog.kinds if args.command == "kind" else book.catalog.post_kinds)


def register(cli: Registry) -> None:
    p = cli.command("init", cmd_init, "建立空的编制台账", writes=True)
    p.add_argument("--region", required=True, metavar="名称", help="行政区域名称,如 杨陵区")
    p.add_argument("--code", required=True, metavar="代码", help="6位行政区划代码,如 610403")
    p = cli.command("demo", cmd_demo, "向空台账生成演示区域", writes=True)
    p.add_argument("--scale", choices=("county", "city", "province"), default="county",
                   help="规模:county 区县、city 地市、province 省(默认 county)")
    p.add_argument("--seed", type=count, default=1, help="随机种子(同一种子生成相同数据)")

    pool = cli.group("pool", "编制总额")
    p = cli.command("set", cmd_pool_set, "核定编制总额", writes=True, parent=pool)
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    p.add_argument("n", type=count, metavar="N", help="编制总额(名)")
    add_doc(p)
    add_on(p)

    for name, label, code_help in (("kind", "编制类型", KIND_HELP), ("post-kind", "职务类别", POST_HELP)):
        area = cli.group(name, label)
        p = cli.command("add", cmd_kind_add, f"增设{label}", writes=True, parent=area)
        p.add_argument("code", metavar="代码", help=f"{label}代码(小写字母、数字)")
        p.add_argument("name", metavar="名称", help=f"{label}名称")
        add_doc(p)
        cli.command("list", cmd_kind_list, f"列出{label}及其代码", writes=False, parent=area,
                    description=f"列出{label}及其代码。{code_help}")
