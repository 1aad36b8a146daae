"""The book's own commands (init, demo, pool, unit, quota, posts, approval, person, status, roster,
ledger, check, kind): thin handlers over the ops and queries; `cli.build_parser` wires them."""

from __future__ import annotations

import argparse
import json
import sys

from bianzhi_app.cli import _change_out, _out, _write, default_db, open_book
from bianzhi_app.errors import CheckFailed, StateRefused


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
    _change_out(args, change, f"已撤销 {args.unit}")


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
