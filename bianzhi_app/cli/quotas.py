"""Commands of quotas and post limits: quota set, quota transfer, posts set."""

from __future__ import annotations

import argparse

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import Registry, add_doc, add_on, change_out, count, write
from bianzhi_app.cli.region import KIND_HELP, POST_HELP
from bianzhi_app.cli.units import UNIT_HELP


def cmd_quota_set(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.quotas.set(unit=args.unit, kind=args.kind, approved=args.n, doc=args.doc,
                                                      doc_title=args.doc_title, on=args.on,
                                                      as_allowance=args.as_allowance))
    change_out(args, change, f"已核定(台账第{change.seq}条)")


def cmd_quota_transfer(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.quotas.transfer(source=args.source, target=args.target, kind=args.kind,
                                                           count=args.n, doc=args.doc, doc_title=args.doc_title,
                                                           on=args.on))
    change_out(args, change, f"已划转(台账第{change.seq}条)")


def cmd_posts_set(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.posts.set_limit(unit=args.unit, post=args.post, limit=args.n,
                                                           doc=args.doc, doc_title=args.doc_title, on=args.on,
                                                           as_allowance=args.as_allowance))
    change_out(args, change, f"领导职数已核定(台账第{change.seq}条)")


def register(cli: Registry) -> None:
    quota = cli.group("quota", "核定编制")
    p = cli.command("set", cmd_quota_set, "核定单位编制", writes=True, permission=Permission.ESTABLISH, parent=quota)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    p.add_argument("n", type=count, metavar="N", help="核定编制数(名)")
    add_doc(p)
    p.add_argument("--as-allowance", action="store_true", help="核减后超出部分记为超编只出不进")
    add_on(p)
    p = cli.command("transfer", cmd_quota_transfer, "编制划转(编制总额不变)", writes=True,
                    permission=Permission.ESTABLISH, parent=quota)
    p.add_argument("source", metavar="FROM", help="划出单位(" + UNIT_HELP + ")")
    p.add_argument("target", metavar="TO", help="划入单位(" + UNIT_HELP + ")")
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    p.add_argument("n", type=count, metavar="N", help="划转编制数(名)")
    add_doc(p)
    add_on(p)

    posts = cli.group("posts", "领导职数")
    p = cli.command("set", cmd_posts_set, "核定领导职数", writes=True, permission=Permission.ESTABLISH, parent=posts)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    p.add_argument("post", metavar="POST", help=POST_HELP)
    p.add_argument("n", type=count, metavar="N", help="领导职数(名)")
    add_doc(p)
    p.add_argument("--as-allowance", action="store_true", help="核减后超出的已配职数记为只出不进")
    add_on(p)
