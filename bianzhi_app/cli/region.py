"""Commands of the region: init, demo, pool (编制总额), kind and post-kind."""

from __future__ import annotations

import argparse
import sys

from bianzhi_app.accounts.roles import Permission
from bianzhi_app.catalog import Kind
from bianzhi_app.cli.base import Registry, add_doc, add_on, change_out, count, open_book, out, target, write
from bianzhi_app.cli.signin import Access, new_password
from bianzhi_app.errors import StateRefused
from bianzhi_app.ledger import HASH_ALGS

KIND_HELP = "编制类型的名称或代码:行政编制 xz、政法专项编制 zf、事业编制 sy、机关工勤编制 gq(增设的类型见 kind list)"
POST_HELP = "职务类别的名称或代码:正职 zz、副职 fz、内设机构正职 nz、内设机构副职 nf(增设的见 post-kind list)"


def _new_book_password(what: str) -> str:
    """The first password of a new book (init's admin, the demo's accounts): BIANZHI_PASSWORD, else asked
    twice on a terminal; checked against the default policy before anything is written."""
    from bianzhi_app import settings
    from bianzhi_app.accounts.passwords import check_strength
    from bianzhi_app.accounts.store import Policy

    password = new_password(what, variable=settings.PASSWORD_ENV)
    check_strength(password, min_length=Policy().password_min_length)
    return password


def recovery_key_text(key: str) -> str:
    return ("恢复密钥(只显示这一次,请抄写后妥善保管;所有系统管理员的密码都遗失时,"
            f"用 user recover 凭它重设管理员):\n  {key}")


def cmd_init(args: argparse.Namespace) -> None:
    from bianzhi_app.accounts.store import validate_name

    admin = validate_name(args.admin)
    password = _new_book_password(f"系统管理员「{admin}」的密码")
    args.user = admin  # the book's first ledger entry names the admin who made it
    with open_book(args, must_exist=False) as book:
        if not book.is_empty() or book.has_accounts:
            raise StateRefused(f"数据库已有数据,不能初始化:{target(args)}")
        change = book.region.init(name=args.region, code=args.code, hash_alg=args.hash)
        key = book.accounts.create_first(name=admin, password=password)
    if args.json:
        out(args, {"ok": True, "op": change.op.value, "seq": change.seq, "result": change.result,
                   "admin": admin, "recovery_key": key, "hash": args.hash})
        return
    out(args, None, f"已建立 {args.region}({args.code})编制台账(台账以{HASH_ALGS[args.hash]}链接)\n"
                    f"已设立系统管理员账户 {admin}\n"
                    + recovery_key_text(key))


def cmd_demo(args: argparse.Namespace) -> None:
    from bianzhi_app import settings
    from bianzhi_app.accounts.passwords import check_strength
    from bianzhi_app.accounts.store import Policy
    from bianzhi_app.demo import generate
    from bianzhi_app.demo.accounts import DEMO_ACCOUNTS, DEMO_ADMIN, DEMO_PASSWORD, create_demo_accounts

    def progress(done: int, total: int, what: str) -> None:
        sys.stderr.write(f"\r{what} {done}/{total}   ")
        sys.stderr.flush()

    # the demo's accounts all take BIANZHI_PASSWORD (else the documented demo password), checked first
    password = settings.password_from_environment() or DEMO_PASSWORD
    check_strength(password, min_length=Policy().password_min_length)
    with open_book(args, must_exist=False) as book:
        if not book.is_empty() or book.has_accounts:
            raise StateRefused(f"数据库已有数据,不能生成演示数据:{target(args)}")
        book.actor = "jingban"  # the demo's history is the demo clerk's work
        summary = generate(book, scale=args.scale, seed=args.seed, progress=progress, hash_alg=args.hash)
        key = create_demo_accounts(book, password)
    sys.stderr.write("\n")
    names = [DEMO_ADMIN, *DEMO_ACCOUNTS]
    summary = {**summary, "accounts": names, "recovery_key": key}
    where = "环境变量 BIANZHI_PASSWORD 的值" if settings.password_from_environment() else "演示默认密码(见 docs/CLI.md)"
    out(args, summary, f"已生成演示区域 {summary['region']}:{summary['units']}个单位,{summary['persons']}名在编人员,"
                       f"台账{summary['ledger_seq']}条\n"
                       f"演示账户:admin(系统管理员)、auditor(安全审计员)、jingban(经办人)、shenhe(审核人)、"
                       f"chaxun(查询),密码均为{where}\n" + recovery_key_text(key))


def cmd_pool_set(args: argparse.Namespace) -> None:
    change = write(args, lambda book: book.region.set_pool(kind=args.kind, total=args.n, doc=args.doc,
                                                           doc_title=args.doc_title, on=args.on))
    change_out(args, change, f"编制总额已核定(台账第{change.seq}条)")


def cmd_kind_add(args: argparse.Namespace) -> None:
    if args.command == "kind":
        change = write(args, lambda book: book.region.add_kind(code=args.code, name=args.name, doc=args.doc,
                                                               doc_title=args.doc_title))
    else:
        change = write(args, lambda book: book.region.add_post_kind(code=args.code, name=args.name, doc=args.doc,
                                                                    doc_title=args.doc_title))
    change_out(args, change, f"已增设 {args.name}({args.code})")


def _kinds_out(args: argparse.Namespace, kinds: list[Kind]) -> None:
    out(args, {"kinds": [{"code": k.code, "name": k.name} for k in kinds]},
        "代码\t名称\n" + "\n".join(f"{k.code}\t{k.name}" for k in kinds))


def cmd_kind_list(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        _kinds_out(args, book.catalog.kinds if args.command == "kind" else book.catalog.post_kinds)


def register(cli: Registry) -> None:
    p = cli.command("init", cmd_init, "建立空的编制台账,并设立第一个系统管理员账户", writes=True,
                    permission=Access.NEW_BOOK,
                    description="建立空的编制台账,并设立第一个系统管理员账户(密码取自环境变量 BIANZHI_PASSWORD,"
                                "或在终端输入两次);显示一次恢复密钥。")
    p.add_argument("--region", required=True, metavar="名称", help="行政区域名称,如 杨陵区")
    p.add_argument("--code", required=True, metavar="代码", help="6位行政区划代码,如 610403")
    p.add_argument("--admin", default="admin", metavar="账户名", help="系统管理员的账户名(默认 admin)")
    p.add_argument("--hash", choices=tuple(HASH_ALGS), default="sha256",
                   help="台账与安全审计日志的哈希链算法:sha256(默认)或 sm3(商用密码)"),
    p = cli.command("demo", cmd_demo, "向空台账生成演示区域(含各角色的演示账户)", writes=True,
                    permission=Access.NEW_BOOK)
    p.add_argument("--scale", choices=("county", "city", "province"), default="county",
                   help="规模:county 区县、city 地市、province 省(默认 county)")
    p.add_argument("--seed", type=count, default=1, help="随机种子(同一种子生成相同数据)")
    p.add_argument("--hash", choices=tuple(HASH_ALGS), default="sha256",
                   help="台账与安全审计日志的哈希链算法:sha256(默认)或 sm3")

    pool = cli.group("pool", "编制总额")
    p = cli.command("set", cmd_pool_set, "核定编制总额", writes=True, permission=Permission.ESTABLISH, parent=pool)
    p.add_argument("kind", metavar="KIND", help=KIND_HELP)
    p.add_argument("n", type=count, metavar="N", help="编制总额(名)")
    add_doc(p)
    add_on(p)

    for name, label, code_help in (("kind", "编制类型", KIND_HELP), ("post-kind", "职务类别", POST_HELP)):
        area = cli.group(name, label)
        p = cli.command("add", cmd_kind_add, f"增设{label}", writes=True, permission=Permission.ESTABLISH,
                        parent=area)
        p.add_argument("code", metavar="代码", help=f"{label}代码(小写字母、数字)")
        p.add_argument("name", metavar="名称", help=f"{label}名称")
        add_doc(p)
        cli.command("list", cmd_kind_list, f"列出{label}及其代码", writes=False, permission=Permission.READ,
                    parent=area,
                    description=f"列出{label}及其代码。{code_help}")
