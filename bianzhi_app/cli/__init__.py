"""The command line of shared/CLI.md: one module per area, each command a thin function over the
Book's typed API (calibre's db/cli/cmd_*.py). `main(argv)` parses, runs, and maps errors to exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bianzhi_app import __version__
from bianzhi_app.cli import (
    accounts,
    approvals,
    documents,
    io,
    packages,
    quotas,
    region,
    reports,
    safety,
    staff,
    units,
    views,
)
from bianzhi_app.cli.base import ArgumentParser, Registry, resolve_dates
from bianzhi_app.errors import BianzhiError

AREAS = (region, units, quotas, approvals, staff, views, documents, reports, io, safety, accounts, packages)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="bianzhi", description="机构编制实名制管理(编办):命令行")
    parser.add_argument("--db", metavar="PATH|URL",
                        help="数据库文件路径或数据库URL(默认:用户数据目录中的 bianzhi.db;环境变量 BIANZHI_DB)")
    parser.add_argument("--user", metavar="NAME",
                        help="运行本命令的账户(环境变量 BIANZHI_USER;密码取自 BIANZHI_PASSWORD 或在终端输入)")
    parser.add_argument("--json", action="store_true", help="以JSON输出")
    parser.add_argument("--allow-unsafe-location", action="store_true",
                        help="允许打开网络共享盘或同步文件夹中的数据库(有损坏风险)")
    parser.add_argument("--version", action="version", version=f"bianzhi {__version__}", help="显示版本号并退出")
    registry = Registry(parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser,
                                              title="命令", metavar="命令"))
    for area in AREAS:
        area.register(registry)
    return parser


def _undecodable(argv: Sequence[str]) -> bool:
    """An argument the system could not decode (bytes kept as surrogates): it can be neither stored nor shown."""
    return any("\ud800" <= ch <= "\udfff" for arg in argv for ch in arg)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _undecodable(argv):
        sys.stderr.write("参数中有无法识别的字符(编码不是 UTF-8),未作任何改动\n")
        return 4
    args = build_parser().parse_args(argv)
    try:
        resolve_dates(args)
        args.handler(args)
    except BianzhiError as error:
        sys.stderr.write(f"{error.message}\n")
        return error.exit_code
    except (KeyboardInterrupt, EOFError):
        sys.stderr.write("\n已中断\n")
        return 1
    except Exception as error:  # never a traceback for a user; the message still says what happened
        from sqlalchemy.exc import DatabaseError

        if isinstance(error, DatabaseError):
            sys.stderr.write(f"数据库错误:{error.orig}\n")
            return 1
        raise
    return 0


__all__ = ["build_parser", "main"]
