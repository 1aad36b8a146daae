"""Commands of persons (实名制): person enter, leave, transfer, change-kind, appoint, dismiss."""

from __future__ import annotations

import argparse

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.catalog import LEAVE_REASONS
from bianzhi_app.cli.base import Registry, add_doc, add_on, change_out, write
from bianzhi_app.cli.region import KIND_HELP, POST_HELP
from bianzhi_app.cli.units import UNIT_HELP

ID_HELP = "身份证号(18位,末位可为X;15位号码自动转换)"


def cmd_person_enter(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.staff.enter(unit=args.unit, kind=args.kind, name=args.name,
                                                       id_number=args.id, approval=args.approval, on=args.on))
    change_out(args, change, f"{args.name} 已入编(台账第{change.seq}条)")


def cmd_person_leave(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.staff.leave(id_number=args.id, reason=args.reason, doc=args.doc,
                                                       doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"已出编(台账第{change.seq}条)")


def cmd_person_transfer(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.staff.transfer(id_number=args.id, unit=args.unit, kind=args.kind,
                                                          approval=args.approval, on=args.on))
    change_out(args, change, f"已调入 {args.unit}(台账第{change.seq}条)")


def cmd_person_change_kind(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.staff.change_kind(id_number=args.id, kind=args.kind, doc=args.doc,
                                                             doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"编制类型已变更(台账第{change.seq}条)")


def cmd_person_appoint(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.posts.appoint(id_number=args.id, post=args.post, doc=args.doc,
                                                         doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"已任职(台账第{change.seq}条)")


def cmd_person_dismiss(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.posts.dismiss(id_number=args.id, doc=args.doc, doc_title=args.doc_title,
                                                         on=args.on))
    change_out(args, change, f"已免职(台账第{change.seq}条)")


def register(cli: Registry) -> None:
    person = cli.group("person", "人员")
    p = cli.command("enter", cmd_person_enter, "入编(须有空编;须先核准用编的单位还须有用编核准)", writes=True,
                    permission=Permission.STAFF, parent=person)
    p.add_argument("unit", metavar="UNIT", help=UNIT_HELP)
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    p.add_argument("--name", required=True, metavar="姓名", help="姓名")
    p.add_argument("--id", required=True, metavar="ID", help=ID_HELP)
    p.add_argument("--approval", metavar="NUMBER", help="使用的用编核准编号(默认:该单位该类型最早的有效核准)")
    add_on(p)
    p = cli.command("leave", cmd_person_leave, "出编(立即释放编制)", writes=True,
                    permission=Permission.STAFF, parent=person)
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("--reason", required=True, metavar="原因", help="出编原因:" + "、".join(LEAVE_REASONS))
    add_doc(p, required=False)
    add_on(p)
    p = cli.command("transfer", cmd_person_transfer, "调动(一步完成,原职务随之免去)", writes=True,
                    permission=Permission.STAFF, parent=person)
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("unit", metavar="UNIT", help="调入单位(" + UNIT_HELP + ")")
    p.add_argument("--kind", metavar="KIND", help="调入后的编制类型(默认不变)。" + KIND_HELP)
    p.add_argument("--approval", metavar="NUMBER", help="调入单位的用编核准编号")
    add_on(p)
    p = cli.command("change-kind", cmd_person_change_kind, "变更编制类型(本单位内)", writes=True,
                    permission=Permission.STAFF, parent=person)
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    add_doc(p, required=False)
    add_on(p)
    p = cli.command("appoint", cmd_person_appoint, "任职(本单位的领导职数之内)", writes=True,
                    permission=Permission.STAFF, parent=person)
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("post", metavar="POST", help=POST_HELP)
    add_doc(p, required=False)
    add_on(p)
    p = cli.command("dismiss", cmd_person_dismiss, "免职", writes=True,
                    permission=Permission.STAFF, parent=person)
    p.add_argument("id", metavar="ID", help=ID_HELP)
    add_doc(p, required=False)
    add_on(p)
