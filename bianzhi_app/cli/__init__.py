"""The command line of shared/CLI.md: one module per area, each command a thin function over the
Book's typed API (calibre's db/cli/cmd_*.py). `main(argv)` parses, runs, and maps errors to exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bianzhi_app import __version__
from bianzhi_app.cli import approvals, documents, io, quotas, region, reports, safety, staff, units, views
from bianzhi_app.cli.base import ArgumentParser, Registry, resolve_dates
from bianzhi_app.errors import BianzhiError

AREAS = (region, units, quotas, approvals, staff, views, documents, reports, io, safety)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="bianzhi", description="机构编制实名制管理(编办):命令行")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="数据库文件路径或数据库URL(默认:用户数据目录中的 bianzhi.db;环境变量 BIANZHI_DB)")
    parser.add_argument("--user", metavar="NAME", help="记入台账的操作人(默认:系统登录名)")
    parser.add_argument("--json", action="store_true", help="以JSON输出")
    parser.add_argument("--allow-unsafe-location", action="store_true",
                        help="允许打开网络共享盘或同步文件夹中的数据库(有损坏风险)")
    parser.add_argument("--version", action="version", version=f"bianzhi {__version__}", help="显示版本号并退出")
    registry = Registry(parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser,
                                              title="命令", metavar="命令"))
    for area in AREAS:
        area.register(registry)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        resolve_dates(args)
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


__all__ = ["build_parser", "main"]
