"""Commands of the io area: import, export, template."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.base import Registry, open_book, out
from bianzhi_app.cli.signin import Access
from bianzhi_app.errors import InvalidInput

_LABELS = {"units_added": "新设单位", "quota_set": "核定编制", "quotas_set": "核定编制", "post_limits_set": "核定职数",
           "functions_set": "核定主要职责",
           "pools_set": "编制总额", "persons_entered": "入编", "posts_appointed": "任职",
           "persons_unchanged": "无变化人员", "approvals_added": "用编核准", "rows_refused": "未导入的行"}


def _progress(args: argparse.Namespace) -> Any:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, stage: str) -> None:
        sys.stderr.write(f"\r{stage} {done}/{total}      ")
        sys.stderr.flush()

    return show


def problems_table(problems: list[Any]) -> str:
    lines = ["工作表\t行\t列\t内容\t原因"]
    lines += [f"{p.sheet}\t{p.row}\t{p.column}\t{p.value}\t{p.reason}" for p in problems]
    return "\n".join(lines) + "\n"


def cmd_import(args: argparse.Namespace) -> None:
    from bianzhi_app.io.importer import import_workbook

    progress = _progress(args)
    with open_book(args, must_exist=not args.initial) as book:  # an initial import may create the book
        result = import_workbook(book, args.file, initial=args.initial, dry_run=args.dry_run,
                                 skip_invalid=args.skip_invalid, doc=args.doc, progress=progress)
    if progress is not None:
        sys.stderr.write("\n")
    if result.problems:
        sys.stderr.write(problems_table(result.problems))
    counts = ",".join(f"{_LABELS.get(k, k)}{n}" for k, n in result.imported.items() if n)
    if result.committed:
        out(args, result.as_json(), f"已导入:{counts or '无变动'}(文件依据:{result.document or '无'})")
        return
    if result.problems:
        out(args, result.as_json())
        what = "试导入发现" if args.dry_run else "文件中有"
        raise InvalidInput(f"{what}{len(result.problems)}处问题(见上表),未导入任何数据")
    out(args, result.as_json(), f"试导入通过,未改动数据;正式导入将:{counts or '无变动'}")


def cmd_export(args: argparse.Namespace) -> None:
    from pathlib import Path

    from bianzhi_app.accounts.seclog import Event
    from bianzhi_app.io.export import export_book

    progress = _progress(args)
    if args.full_id:
        args.permission = Permission.REVEAL
    with open_book(args) as book:
        # with --full-id the export is logged (who, how many, why) before the file is written
        counts = export_book(book, args.file, progress=progress, full_id=args.full_id,
                             reason=args.reason or "命令行 export --full-id")
        if not args.full_id:
            # the security log keeps who took the data out: the file's name and row counts, never an ID number
            book.audit.record(event=Event.EXPORT, detail={"file": Path(args.file).name, **counts})
    if progress is not None:
        sys.stderr.write("\n")
    out(args, {"ok": True, "file": args.file, **counts},
         f"已导出 {counts['units']} 个单位、{counts['persons']} 名在编人员、"
         f"{counts['approvals']} 件在途用编核准到 {args.file}")


def _initial_into_new_book(args: argparse.Namespace) -> bool:
    """An initial import may make a new book (nobody to sign in yet); it refuses a book with data itself."""
    return bool(args.initial)


def cmd_template(args: argparse.Namespace) -> None:
    from bianzhi_app.io.export import write_template

    write_template(args.file)
    out(args, {"ok": True, "file": args.file}, f"已生成导入模板 {args.file}")


def register(cli: Registry) -> None:
    p = cli.command("import", cmd_import, "从Excel工作簿导入单位、核定编制、领导职数和人员", writes=True,
                    permission=Permission.STAFF, without_accounts=_initial_into_new_book)
    p.add_argument("file", metavar="文件", help=".xlsx 或 .xls 工作簿")
    p.add_argument("--dry-run", action="store_true", help="试导入:逐条报告问题,不改动数据")
    p.add_argument("--initial", action="store_true", help="首次导入(建账):向空台账载入现有机构编制和在编人员")
    p.add_argument("--skip-invalid", action="store_true", help="跳过有误的行,只导入无误的行")
    p.add_argument("--doc", metavar="文号", help="文件依据(文号);日常导入调整编制、职数或设立单位时必填")
    p = cli.command("export", cmd_export,
                    "导出单位、编制、职数、在编人员和在途用编核准为Excel(.xlsx)(记入安全审计日志)",
                    writes=True, permission=Permission.READ)
    p.add_argument("file", metavar="文件", help=".xlsx 文件路径")
    p.add_argument("--full-id", action="store_true",
                   help="导出完整身份证号和出生日期(须经办人或审核人角色;记入安全审计日志;标注保密);"
                        "不加时身份证号脱敏,不能作为人员重新导入")
    p.add_argument("--reason", metavar="事由", help="导出完整身份证号的事由(记入安全审计日志)")
    p = cli.command("template", cmd_template, "生成空白导入模板(.xlsx)", writes=False, permission=Access.NO_BOOK)
    p.add_argument("file", metavar="文件", help=".xlsx 文件路径")
