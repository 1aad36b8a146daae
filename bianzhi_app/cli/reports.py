"""Commands of the reports area: report, snapshot.

    report KIND -o FILE.pdf [--unit UNIT] [--as-of DATE] [--quarter 2026Q3] [--approval NUMBER]
                            [--full-id] [--since DATE] [--until DATE]
    report audit -o FILE.pdf [--since DATE]      (安全审计报告: the auditor only, checked by book.audit)
    snapshot QUARTER
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import DateArg, Registry, change_out, open_book, out, write
from bianzhi_app.cli.units import UNIT_HELP
from bianzhi_app.reports.kinds import ALL_KINDS, TITLES


def cmd_report(args: argparse.Namespace) -> None:
    from bianzhi_app.reports.common import ReportOptions
    from bianzhi_app.reports.render import render_report

    full_id = args.full_id and args.kind == "roster"
    if full_id:  # a reveal is written to the security log, and needs the role that may see full numbers
        args.writes, args.permission = True, Permission.REVEAL
    options = ReportOptions(unit=args.unit, as_of=args.as_of, quarter=args.quarter, approval=args.approval,
                            full_id=full_id, reason=args.reason or "命令行 report roster --full-id",
                            since=args.since, until=args.until)
    shown = {"at": 0}

    def progress(done: int, total: int, what: str) -> None:
        if sys.stderr.isatty() and done - shown["at"] >= 10:
            shown["at"] = done
            sys.stderr.write(f"\r{what} {done}{f'/{total}' if total else ''}   ")
            sys.stderr.flush()

    with open_book(args) as book:
        if args.as_of is not None:
            from bianzhi_app.queries import check_as_of

            with book.read() as conn:
                check_as_of(conn, args.as_of)  # no figures before the book's first entry (exit 4), as status
        result = render_report(book, args.kind, args.output, options=options, progress=progress)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    meta = result.meta
    payload = {"ok": True, "kind": args.kind, "path": str(result.path), "pages": result.pages,
               "as_of": meta.as_of.isoformat(), "ledger_head": {"seq": meta.ledger_seq, "hash": meta.ledger_hash}}
    head = meta.ledger_head
    log = getattr(result.data, "head", None)  # the 安全审计报告: the security log as verified
    if args.kind == "audit" and log is not None:
        payload["security_log_head"] = {"seq": log.seq, "hash": log.hash}
        payload["security_log_ok"] = log.problem is None
        head = f"{log.text},{'哈希链完整' if log.problem is None else '哈希链校验未通过:' + log.problem}"
    out(args, payload, f"已生成{TITLES[args.kind]} {result.path}(共{result.pages}页,{head})")


def cmd_snapshot(args: argparse.Namespace) -> None:
    from bianzhi_app.ops.snapshots import get_snapshot, parse_quarter

    change = write(args, lambda book: book.region.snapshot(quarter=args.quarter))
    after: dict[str, Any] = {}
    if change.result:
        with open_book(args) as book, book.read() as conn:
            record = get_snapshot(conn, parse_quarter(str(change.result)))
        if record is not None:
            after = {"quarter": record.quarter.label, "period_end": record.period_end.isoformat(),
                     "ledger_head": {"seq": record.ledger_seq, "hash": record.ledger_hash}}
    if args.json:
        change_out(args, change, "")
        return
    head = after.get("ledger_head", {})
    change_out(args, change, f"已封存{change.result}季末({after.get('period_end', '')})数据,"
                              f"季末台账 #{head.get('seq', '')} {str(head.get('hash', ''))[:12]}(台账第{change.seq}条)")


def register(cli: Registry) -> None:
    p = cli.command("report", cmd_report, "生成PDF报表", writes=False, permission=Permission.READ)
    p.add_argument("kind", choices=ALL_KINDS, metavar="KIND",
                   help="报表:" + "、".join(f"{k} {TITLES[k]}" for k in ALL_KINDS) + "(audit 仅限安全审计员)")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="PDF文件路径")
    p.add_argument("--unit", metavar="UNIT", help="只含此单位(" + UNIT_HELP + ")")
    p.add_argument("--as-of", type=DateArg, metavar="日期", help="截至日期 YYYY-MM-DD(默认今天)")
    p.add_argument("--quarter", metavar="季度", help="季度,如 2026Q3(quarterly;ledger 的期间)")
    p.add_argument("--approval", metavar="NUMBER", help="用编核准编号(notice)")
    p.add_argument("--full-id", action="store_true",
                   help="花名册显示完整身份证号(须经办人或审核人角色;记入安全审计日志;每页标注保密)")
    p.add_argument("--reason", metavar="事由", help="打印完整身份证号的事由(记入安全审计日志)")
    p.add_argument("--since", type=DateArg, metavar="日期", help="起始日期(ledger 台账;audit 安全审计日志)")
    p.add_argument("--until", type=DateArg, metavar="日期", help="台账截止日期(ledger)")
    p = cli.command("snapshot", cmd_snapshot, "封存季末编制数据(每季度一次)", writes=True, permission=Permission.STAFF)
    p.add_argument("quarter", metavar="季度", help="已结束的季度,如 2026Q3")
