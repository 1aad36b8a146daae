"""What every command of the command line shares: the parser class, how a command is registered
(its handler beside its parser, and whether it writes), dates, output, and opening the book."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bianzhi_app import settings
from bianzhi_app.accounts.roles import Permission
from bianzhi_app.cli.signin import Access
from bianzhi_app.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from bianzhi_app.book import Book
    from bianzhi_app.kernel import Change

Handler = Callable[[argparse.Namespace], None]

# argparse's own English messages, in the user's language.
_ARGPARSE_MESSAGES = {
    "usage: ": "用法:",
    "the following arguments are required: %s": "缺少必填参数:%s",
    "unrecognized arguments: %s": "无法识别的参数:%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项:%(value)r(可选:%(choices)s)",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s:%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确,可能是 %(matches)s",
    "one of the arguments %s is required": "须给出以下参数之一:%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "expected at most one argument": "最多只能有一个值",
    "ignored explicit argument %r": "多余的参数值 %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r(可选:%(choices)s)",
    "unexpected option string: %s": "意外的选项:%s",
    "invalid %(type)s value: %(value)r": "无效的值:%(value)r",
}


def _translate(text: str) -> str:
    return _ARGPARSE_MESSAGES.get(text, text)


@contextmanager
def _in_chinese() -> Iterator[None]:
    """argparse looks its messages up through gettext's ``_`` when it builds, parses and prints: swap in
    the translation for our parser's calls only, so no other argparse user in the process (pytest) changes."""
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = _translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


class ArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese messages and exit code 2 for a usage error."""

    def __init__(self, *args: Any, **kwargs: Any):
        with _in_chinese():
            super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        with _in_chinese():
            return super().add_argument(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        with _in_chinese():
            return super().parse_known_args(*args, **kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:  # "unrecognized arguments" is looked up here
        with _in_chinese():
            return super().parse_args(*args, **kwargs)

    def format_usage(self) -> str:
        with _in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _in_chinese():
            return super().format_help()

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"用法错误:{message}\n")
        raise SystemExit(2)


class Registry:
    """Adds commands to the parser. Each command declares whether it writes: the book is then opened
    for writing (a window's lock refuses it) or for reading (read-only while a window holds it); and what
    its account needs (``permission``: a Permission that `open_for_command` checks after signing in, or an
    `Access` case, see cli/signin.py). ``without_accounts(args)`` says whether this invocation may also run
    on a book that has no accounts yet, nobody signed in (the bootstrap `user add NAME --role admin`, an
    initial import into a new file)."""

    def __init__(self, subparsers: Any):
        self._root = subparsers

    def command(self, name: str, handler: Handler, help_text: str, *, writes: bool,
                permission: Permission | Access, parent: Any = None, description: str | None = None,
                without_accounts: Callable[[argparse.Namespace], bool] | None = None) -> ArgumentParser:
        parser: ArgumentParser = (parent or self._root).add_parser(
            name, help=help_text, description=description or help_text)
        parser.set_defaults(handler=handler, writes=writes, permission=permission, without_accounts=without_accounts)
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                            help="以JSON输出(也可写在命令之前)")
        return parser

    def group(self, name: str, help_text: str) -> Any:
        """A command with sub-commands (`unit add`, `unit rename` …)."""
        parser = self._root.add_parser(name, help=help_text, description=help_text)
        return parser.add_subparsers(dest="action", required=True, parser_class=ArgumentParser,
                                     title="子命令", metavar="子命令")


def add_doc(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """--doc (the 文号 the change cites, rule 8) and its optional --doc-title."""
    parser.add_argument("--doc", required=required, metavar="文号",
                        help="文件依据(文号),如 杨编发〔2026〕12号" + ("(必填)" if required else "(可选)"))
    parser.add_argument("--doc-title", metavar="标题", help="文件标题(可选)")


def add_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--on", type=DateArg, metavar="日期", help="生效日期 YYYY-MM-DD(默认今天,可补登过去日期)")


def count(text: str) -> int:
    """An argparse type for a number (N, --seed): a whole number in ASCII digits, said in Chinese when it is
    not one (``١`` or ``²`` are not numbers here). Its range is the core's to refuse (0 to 1,000,000)."""
    stripped = text.strip()
    digits = stripped[1:] if stripped[:1] in "+-" else stripped
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        raise argparse.ArgumentTypeError(f"「{text[:30]}」不是整数")
    return int(stripped)


class DateArg:
    """An argparse type that keeps the text, so a bad date exits 4 (invalid input), not 2 (usage)."""

    def __init__(self, text: str):
        self.text = text


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"日期「{text}」无效,应为 YYYY-MM-DD,如 2026-01-05") from None


def resolve_dates(args: argparse.Namespace) -> None:
    for name, value in vars(args).items():
        if isinstance(value, DateArg):
            setattr(args, name, parse_date(value.text))


def target(args: argparse.Namespace) -> str:
    """The book this command works on: --db, else BIANZHI_DB, else the default file."""
    return str(args.db or settings.default_db())


def open_book(args: argparse.Namespace, *, must_exist: bool = True) -> Book:
    """The Book for this command, opened for writing or reading as the command declared, with the command's
    account signed in and its permission checked (see cli/signin.py)."""
    from bianzhi_app.cli.opening import open_for_command

    path = target(args)
    if "://" not in path:
        if must_exist and not os.path.exists(path):
            raise NotFound(f"数据库文件不存在:{path}(先用 init 或 demo 建立)")
        if must_exist and os.path.isfile(path) and os.path.getsize(path) == 0:  # only init/demo make a book of it
            raise InvalidInput(f"数据库文件「{path}」是空文件(0字节),不是编制台账;未作任何改动"
                               "(建立台账请用 init 或 demo)")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return open_for_command(args, path)


def write(args: argparse.Namespace, operation: Callable[[Book], Change]) -> Change:
    """Open the book, close approvals that expired, then run one operation of its typed API."""
    with open_book(args) as book:
        book.approvals.expire_due()
        return operation(book)


def out(args: argparse.Namespace, payload: Any, text: str | None = None) -> None:
    """The command's result: JSON with --json, else the text (if any)."""
    if args.json:
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif text is not None:
        sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))


def change_out(args: argparse.Namespace, change: Change, text: str) -> None:
    """A change's result; a change that was only proposed (review on) prints the proposal's number instead."""
    if change.proposal is not None:
        proposal_out(args, change)
        return
    out(args, {"ok": True, "op": change.op.value, "seq": change.seq, "result": change.result}, text)


def proposal_out(args: argparse.Namespace, change: Change) -> None:
    """A 机构编制事项 kept as a proposal (待审事项): its number on stdout (or JSON), what happens next on stderr."""
    assert change.proposal is not None
    out(args, {"proposal": {"number": change.proposal, "status": "pending"}}, str(change.proposal))
    sys.stderr.write(f"编制事项审核已开启:已提交第{change.proposal}号待审事项,未作任何改动;"
                     f"须由另一位审核人审核通过(review approve {change.proposal})后生效。\n")


def stream_json(key: str, items: Any) -> None:
    """{"key": [ … ]} written item by item, so a province's roster never sits in memory as one list."""
    sys.stdout.write(f'{{"{key}": [')
    for i, item in enumerate(items):
        sys.stdout.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
    sys.stdout.write("\n]}\n")
