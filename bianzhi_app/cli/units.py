"""Commands of the units area: unit add, rename, set (主要职责), abolish, merge."""

from __future__ import annotations

import argparse

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.catalog import CATEGORIES, FUNDINGS, RANKS
from bianzhi_app.cli.base import Registry, add_doc, add_on, change_out, write
from bianzhi_app.texts import FUNCTIONS_MAX

UNIT_HELP = "单位的准确名称或编号"


def cmd_unit_add(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.units.add(
        name=args.name, category=args.category, rank=args.rank, funding=args.funding, parent=args.parent,
        uscc=args.uscc, requires_approval=not args.no_approval_required, doc=args.doc, doc_title=args.doc_title,
        on=args.on))
    change_out(args, change, f"已设立 {args.name}(编号{change.result})")


def cmd_unit_rename(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.units.rename(unit=args.unit, new_name=args.new, doc=args.doc,
                                                        doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"已更名为 {args.new}")


def cmd_unit_set(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.units.set_functions(unit=args.unit, functions=args.functions, doc=args.doc,
                                                               doc_title=args.doc_title, on=args.on))
    done = "已核定" if args.functions.strip() else "已清空"
    change_out(args, change, f"{done} {args.unit} 的主要职责")


def cmd_unit_abolish(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.units.abolish(unit=args.unit, doc=args.doc, doc_title=args.doc_title,
                                                         on=args.on))
    change_out(args, change, f"已撤销 {args.unit}")


def cmd_unit_merge(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.units.merge(sources=args.units, into=args.into, doc=args.doc,
                                                       doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"已合并为 {args.into}")


def register(cli: Registry) -> None:
    unit = cli.group("unit", "机构")
    p = cli.command("add", cmd_unit_add, "设立机构", writes=True, permission=Permission.ESTABLISH, parent=unit)
    p.add_argument("name", metavar="名称", help="单位名称")
    p.add_argument("--category", required=True, metavar="类别", help="机构类别:" + "、".join(CATEGORIES))
    p.add_argument("--rank", required=True, metavar="规格", help="机构规格:" + "、".join(RANKS))
    p.add_argument("--funding", metavar="经费形式", help="经费形式(事业单位):" + "、".join(FUNDINGS))
    p.add_argument("--parent", metavar="UNIT", help="主管单位(" + UNIT_HELP + ")")
    p.add_argument("--uscc", metavar="代码", help="统一社会信用代码(18位)")
    p.add_argument("--no-approval-required", action="store_true", help="入编无需先行用编核准")
    add_doc(p)
    add_on(p)
    p = cli.command("rename", cmd_unit_rename, "机构更名", writes=True, permission=Permission.ESTABLISH, parent=unit)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    p.add_argument("new", metavar="新名称", help="新的单位名称")
    add_doc(p)
    add_on(p)
    p = cli.command("set", cmd_unit_set, "核定主要职责(依三定规定;空文本为清空)", writes=True,
                    permission=Permission.ESTABLISH, parent=unit)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    p.add_argument("--functions", required=True, metavar="文本",
                   help=f"主要职责全文(可含换行;不得含控制字符;不超过{FUNCTIONS_MAX}字)")
    add_doc(p)
    add_on(p)
    p = cli.command("abolish", cmd_unit_abolish, "撤销机构(核定编制退回编制总额;有在编人员时不能撤销)", writes=True,
                    permission=Permission.ESTABLISH, parent=unit)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    add_doc(p)
    add_on(p)
    p = cli.command("merge", cmd_unit_merge, "机构合并(编制、职数、人员随之转入)", writes=True,
                    permission=Permission.ESTABLISH, parent=unit)
    p.add_argument("units", nargs="+", metavar="UNIT", help="被合并的单位(" + UNIT_HELP + ")")
    p.add_argument("--into", required=True, metavar="名称", help="合并后的单位(新设或已有)")
    add_doc(p)
    add_on(p)
