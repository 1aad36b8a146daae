"""Commands that read the book: status, roster, ledger, check."""

from __future__ import annotations

import argparse
import sys

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import DateArg, Registry, open_book, out, stream_json
from bianzhi_app.cli.units import UNIT_HELP
from bianzhi_app.errors import CheckFailed
from bianzhi_app.kernel import OP_LABELS

_FIGURES = ("approved", "used", "reserved", "vacancy", "overage")


def cmd_status(args: argparse.Namespace) -> None:
    from bianzhi_app.queries import check_as_of, status

    with open_book(args) as book, book.read() as conn:
        if args.as_of is not None:
            check_as_of(conn, args.as_of)  # a day before the book's first entry has no figures (exit 4)
        data = status(conn, book.catalog, as_of=args.as_of, unit=args.unit)
        kinds = book.catalog.kinds
    if args.as_of is not None:  # the head that anchors that day, as the reports print it
        data["current_ledger_head"] = data["ledger_head"]
        data["ledger_head"] = data["as_of_ledger_head"]
    if args.json:
        out(args, data)
        return
    lines = [f"{data['region']['name']}({data['region']['code']}) 截至 {data['as_of']}",
             "编制总额: " + "  ".join(f"{k.name} {data['pool'][k.code]['total']}"
                                   f"(已分配{data['pool'][k.code]['allocated']},"
                                   f"未分配{data['pool'][k.code]['unallocated']})" for k in kinds)]
    lines.append("单位\t" + "\t".join(f"{k.short}核定/实有/在途/空编/超编" for k in kinds))
    for u in data["units"]:
        cells = ["/".join(str(u["quota"][k.code][f]) for f in _FIGURES) for k in kinds]
        lines.append(u["name"] + "\t" + "\t".join(cells))
    head = data["ledger_head"]
    lines.append(f"台账 #{head['seq']} {head['hash'][:12]}" + (f"(截至 {data['as_of']})" if args.as_of else ""))
    out(args, data, "\n".join(lines))


CONFIDENTIAL = "内部资料 注意保密 含公民身份号码"
DEFAULT_REASON = "命令行 roster --full-id"


def cmd_roster(args: argparse.Namespace) -> None:
    if args.full_id:  # a reveal is written to the security log, and needs the role that may see full numbers
        args.writes, args.permission = True, Permission.REVEAL
    with open_book(args) as book:
        rows = book.people.roster(as_of=args.as_of, unit=args.unit, full_id=args.full_id,
                                  reason=args.reason or DEFAULT_REASON)
        if args.full_id:
            sys.stderr.write(f"【{CONFIDENTIAL}】完整身份证号的查看已记入安全审计日志。\n")
        if args.json:
            stream_json("persons", ({k: r[k] for k in ("name", "id_number", "unit", "kind", "post", "entered_on")}
                                    for r in rows))
            return
        names = {k.code: k.name for k in book.catalog.kinds}
        posts = {k.code: k.name for k in book.catalog.post_kinds}
        for r in rows:  # names, not codes (the JSON keeps the codes)
            sys.stdout.write(f"{r['name']}\t{r['id_number']}\t{r['unit']}\t{names.get(r['kind'], r['kind'])}\t"
                             f"{posts.get(r['post'], r['post']) if r['post'] else ''}\t{r['entered_on']}\n")


def cmd_ledger(args: argparse.Namespace) -> None:
    from bianzhi_app.queries import ledger_entries

    with open_book(args) as book, book.read() as conn:
        entries = ledger_entries(conn, since=args.since, unit=args.unit)
        if args.json:
            def item(e: dict) -> dict:  # type: ignore[type-arg]
                fields = {k: e[k] for k in ("seq", "at", "actor", "approver", "op", "unit", "doc", "hash")}
                fields.update(effective_on=e["effective_on"], before=e["before"], after=e["after"],
                              detail=e["detail"])
                return fields

            stream_json("entries", (item(e) for e in entries))
            return
        labels = {op.value: label for op, label in OP_LABELS.items()}
        for e in entries:
            sys.stdout.write(f"{e['seq']}\t{e['effective_on']}\t{labels.get(e['op'], e['op'])}\t{e['unit'] or ''}\t"
                             f"{e['doc'] or ''}\t{e['actor']}{'/' + e['approver'] if e['approver'] else ''}\t"
                             f"{e['hash'][:12]}\n")


def cmd_check(args: argparse.Namespace) -> None:
    from bianzhi_app.check import run_check

    with open_book(args) as book, book.read() as conn:
        report = run_check(conn, book.catalog, personal=book.personal)
    if not report.ok:
        if args.json:
            out(args, {"ok": False, "problems": report.problems, "entries_checked": report.entries_checked})
        raise CheckFailed(report.problems[0] + (f"(另有{len(report.problems) - 1}处问题)"
                                                if len(report.problems) > 1 else ""))
    out(args, {"ok": True, "problems": [], "entries_checked": report.entries_checked},
        f"检查通过:数据库完整,计数与重算一致,台账{report.entries_checked}条哈希链完整")


def register(cli: Registry) -> None:
    p = cli.command("status", cmd_status, "编制情况:编制总额,各单位各类编制的核定/实有/在途/空编/超编", writes=False,
                    permission=Permission.READ)
    p.add_argument("--unit", metavar="UNIT", help="只看此单位(" + UNIT_HELP + ")")
    p.add_argument("--as-of", type=DateArg, metavar="日期", help="截至日期 YYYY-MM-DD(默认今天)")
    p = cli.command("roster", cmd_roster, "实名制花名册(在编人员;身份证号脱敏显示)", writes=False,
                    permission=Permission.READ)
    p.add_argument("--full-id", action="store_true",
                   help="显示完整身份证号(须经办人或审核人角色;记入安全审计日志)")
    p.add_argument("--reason", metavar="事由", help="显示完整身份证号的事由(记入安全审计日志)")
    p.add_argument("--unit", metavar="UNIT", help="只看此单位(" + UNIT_HELP + ")")
    p.add_argument("--as-of", type=DateArg, metavar="日期", help="截至日期 YYYY-MM-DD(默认今天)")
    p = cli.command("ledger", cmd_ledger, "编制变动台账", writes=False, permission=Permission.READ)
    p.add_argument("--since", type=DateArg, metavar="日期", help="起始日期 YYYY-MM-DD")
    p.add_argument("--unit", metavar="UNIT", help="只看此单位(" + UNIT_HELP + ")")
    cli.command("check", cmd_check, "检查数据库完整性、计数与台账哈希链(有问题时退出码6)", writes=False,
                permission=Permission.READ)
