"""Commands of usage approvals (用编核准): approval add, cancel, expire, list."""

from __future__ import annotations

import argparse
import sys

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.catalog import APPROVAL_METHODS
from bianzhi_app.cli.base import (
    DateArg,
    Registry,
    add_doc,
    add_on,
    change_out,
    count,
    open_book,
    out,
    proposal_out,
    write,
)
from bianzhi_app.cli.region import KIND_HELP
from bianzhi_app.cli.units import UNIT_HELP


def cmd_approval_add(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.approvals.add(
        unit=args.unit, kind=args.kind, count=args.n, method=args.method, valid_until=args.valid_until,
        doc=args.doc, doc_title=args.doc_title, on=args.on))
    if change.proposal is not None:  # review on: a proposal, numbered; the approval's number comes on approval
        proposal_out(args, change)
        return
    if args.json:
        out(args, {"ok": True, "op": change.op.value, "seq": change.seq, "number": change.result})
    else:
        sys.stdout.write(f"{change.result}\n")


def cmd_approval_cancel(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.approvals.cancel(number=args.number, on=args.on))
    change_out(args, change, f"已撤销用编核准 {args.number}")


def cmd_approval_expire(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        changes = book.approvals.expire_due()
    out(args, {"ok": True, "expired": [c.seq for c in changes]}, f"已关闭到期用编核准{len(changes)}项")


def cmd_approval_list(args: argparse.Namespace) -> None:
    from bianzhi_app.queries import approval_rows

    with open_book(args) as book, book.read() as conn:
        rows = approval_rows(conn, book.catalog, status=None if args.all else "active")
    out(args, {"approvals": rows}, "\n".join(
        f"{r['number']}\t{r['unit']}\t{r['kind']}\t{r['remaining']}/{r['count']}\t{r['method']}\t"
        f"{r['status']}\t{r['valid_until']}" for r in rows))


def register(cli: Registry) -> None:
    approval = cli.group("approval", "用编核准")
    p = cli.command("add", cmd_approval_add, "核准用编(输出核准编号)", writes=True, permission=Permission.ESTABLISH,
                    parent=approval)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    p.add_argument("n", type=count, metavar="N", help="核准用编数(名)")
    p.add_argument("--method", required=True, metavar="方式", help="补充方式:" + "、".join(APPROVAL_METHODS))
    p.add_argument("--valid-until", type=DateArg, metavar="日期", help="有效期至 YYYY-MM-DD(默认不限)")
    add_doc(p)
    add_on(p)
    p = cli.command("cancel", cmd_approval_cancel, "撤销用编核准(释放未使用的名额)", writes=True,
                    permission=Permission.STAFF, parent=approval)
    p.add_argument("number", metavar="NUMBER", help="核准编号,如 2026-0001")
    add_on(p)
    cli.command("expire", cmd_approval_expire, "关闭已到期的用编核准", writes=True, permission=Permission.STAFF,
                parent=approval)
    p = cli.command("list", cmd_approval_list, "列出用编核准", writes=False, permission=Permission.READ,
                    parent=approval)
    p.add_argument("--all", action="store_true", help="含已用完、撤销和到期的核准")
