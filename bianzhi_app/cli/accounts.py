"""Commands of accounts, review and the security log (issue 15; docs/CLI.md "Accounts, roles and review"):
user add|list|lock|unlock|disable|roles|reset-password|recover, passwd, policy show|set,
review list|show|approve|reject, audit."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from bianzhi_app.accounts.roles import Permission, Role, parse_roles, roles_label
from bianzhi_app.cli.base import DateArg, Registry, count, open_book, out
from bianzhi_app.cli.signin import Access, credentials, new_password, recovery_key, without_accounts
from bianzhi_app.errors import InvalidInput

if TYPE_CHECKING:
    from bianzhi_app.accounts.area import ProposalView
    from bianzhi_app.accounts.review import ProposalRecord
    from bianzhi_app.accounts.store import AccountRecord
    from bianzhi_app.book import Book

ROLE_HELP = ("角色:" + "、".join(f"{role.value}({role.label})" for role in Role)
             + ";可重复给出,如 --role clerk --role reviewer")


def _recovery_key_text(key: str) -> str:
    from bianzhi_app.cli.region import recovery_key_text

    return recovery_key_text(key)


def _locked(record: AccountRecord, now: dt.datetime) -> bool:
    return bool(record.locked_until and dt.datetime.fromisoformat(record.locked_until) > now)


def _account_json(record: AccountRecord, now: dt.datetime) -> dict[str, Any]:
    return {"name": record.name, "roles": sorted(role.value for role in record.roles), "disabled": record.disabled,
            "locked": _locked(record, now), "must_change": record.must_change}


def _state(record: AccountRecord, now: dt.datetime) -> str:
    if record.disabled:
        return "已停用"
    if _locked(record, now):
        return "已锁定"
    return "须改密码" if record.must_change else "正常"


# --- user ------------------------------------------------------------------------------------------

def _bootstrap(args: argparse.Namespace) -> bool:
    """`user add NAME --role admin` may make the first admin of a book without accounts."""
    try:
        return parse_roles(args.role) == {Role.ADMIN}
    except InvalidInput:
        return False


def cmd_user_add(args: argparse.Namespace) -> None:
    roles = parse_roles(args.role)  # an unknown role or admin/auditor with another: exit 4 before any prompt
    with open_book(args) as book:
        if not book.has_accounts:  # the bootstrap (open_for_command let only `--role admin` through)
            password = new_password(f"系统管理员「{args.name[:32]}」的密码")
            key = book.accounts.create_first(name=args.name, password=password)
            name = args.name.strip()
            out(args, {"ok": True, "account": {"name": name, "roles": [Role.ADMIN.value], "disabled": False,
                                               "locked": False, "must_change": False}, "recovery_key": key},
                f"已为此台账设立第一个系统管理员账户 {name}\n" + _recovery_key_text(key))
            return
        password = new_password(f"账户「{args.name[:32]}」的密码")
        record = book.accounts.add(name=args.name, roles=roles, password=password,
                                   must_change=not args.no_change_required)
        now = book.clock()
    change = "" if args.no_change_required else ";首次登录须修改密码"
    out(args, {"ok": True, "account": _account_json(record, now)},
        f"已新增账户 {record.name}({roles_label(record.roles)}){change}")


def cmd_user_list(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        records = book.accounts.list()
        now = book.clock()
    out(args, {"accounts": [_account_json(r, now) for r in records]},
        "账户\t角色\t状态\t密码修改于\n" + "\n".join(
            f"{r.name}\t{roles_label(r.roles)}\t{_state(r, now)}\t{r.password_changed_at[:10]}" for r in records))


def cmd_user_state(args: argparse.Namespace) -> None:
    action = args.action
    with open_book(args) as book:
        getattr(book.accounts, action)(name=args.name)
    words = {"lock": "已锁定账户「{}」(须由系统管理员解锁)", "unlock": "已解锁账户「{}」",
             "disable": "已停用账户「{}」"}
    out(args, {"ok": True, "name": args.name, "action": action}, words[action].format(args.name))


def cmd_user_roles(args: argparse.Namespace) -> None:
    roles = parse_roles(args.role)
    with open_book(args) as book:
        book.accounts.set_roles(name=args.name, roles=roles)
    out(args, {"ok": True, "name": args.name, "roles": sorted(r.value for r in roles)},
        f"账户「{args.name}」的角色已改为:{roles_label(roles)}")


def cmd_user_reset_password(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        book.accounts.reset_password(name=args.name, password=new_password(f"账户「{args.name[:32]}」的新密码"))
    out(args, {"ok": True, "name": args.name, "must_change": True},
        f"已重设账户「{args.name}」的密码;该账户下次登录须先修改密码")


def cmd_user_recover(args: argparse.Namespace) -> None:
    from bianzhi_app.cli.base import target

    with open_book(args) as book:
        if not book.has_accounts:
            raise without_accounts(target(args))
        key = recovery_key()
        password = new_password(f"系统管理员「{args.name[:32]}」的新密码")
        new_key = book.accounts.recover_admin(recovery_key=key, name=args.name, password=password)
    out(args, {"ok": True, "name": args.name, "recovery_key": new_key},
        f"已凭恢复密钥重设系统管理员账户 {args.name}(已解锁);原恢复密钥作废。\n" + _recovery_key_text(new_key))


def cmd_passwd(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        assert book.account is not None
        name = book.account.name
        book.accounts.change_password(current=credentials(args).password, new=new_password("新密码"))
    out(args, {"ok": True, "name": name}, f"账户「{name}」的密码已修改")


# --- policy ----------------------------------------------------------------------------------------

def cmd_policy_show(args: argparse.Namespace) -> None:
    from bianzhi_app.accounts.store import POLICY_LABELS, policy_items

    with open_book(args) as book:
        items = policy_items(book.accounts.policy())
    out(args, items, "\n".join(f"{name}\t{value}\t{POLICY_LABELS.get(name, '')}" for name, value in items.items()))


def cmd_policy_set(args: argparse.Namespace) -> None:
    from bianzhi_app.accounts.store import POLICY_LABELS, policy_items

    with open_book(args) as book:
        items = policy_items(book.accounts.set_policy(name=args.name, value=args.value))
    out(args, {"ok": True, "name": args.name, "value": items[args.name], "policy": items},
        f"安全策略 {args.name}({POLICY_LABELS[args.name]})已设为 {items[args.name]}")


# --- review ----------------------------------------------------------------------------------------

def _proposal_json(p: ProposalRecord) -> dict[str, Any]:
    return {"number": p.number, "status": p.status, "op": p.op, "unit": p.unit, "doc": p.doc, "summary": p.summary,
            "proposer": p.proposer, "proposed_at": p.proposed_at, "decided_by": p.decided_by,
            "decided_at": p.decided_at, "reason": p.reason, "ledger_seq": p.ledger_seq}


def cmd_review_list(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        found = book.review.list(status=None if args.all else "pending", mine=args.mine)
    out(args, {"proposals": [_proposal_json(p) for p in found]},
        "\n".join(f"{p.number}\t{p.status_label}\t{p.summary}\t{p.doc or ''}\t{p.proposer}\t{p.proposed_at[:16]}"
                  for p in found) or ("没有待审事项" if not args.all else "没有审核事项"))


def _figures(book: Book, before: Any, after: Any) -> dict[str, Any]:
    from bianzhi_app.reports.describe import describe_figures

    return {"before": before, "after": after, "before_text": describe_figures(before, book.catalog),
            "after_text": describe_figures(after, book.catalog)}


def _show_text(view: ProposalView, shown: dict[str, Any]) -> str:
    p = view.proposal
    lines = [f"第{p.number}号待审事项({p.status_label}):{p.summary}",
             f"文号:{p.doc or '无'}    提出人:{p.proposer}    提出于:{p.proposed_at[:16].replace('T', ' ')}",
             "提出时的数字:", "  变动前:" + _indent(shown["proposal"]["before_text"]),
             "  变动后:" + _indent(shown["proposal"]["after_text"])]
    if shown["current"] is not None:
        lines += ["此后数字已有变动,按现在的数字:", "  变动前:" + _indent(shown["current"]["before_text"]),
                  "  变动后:" + _indent(shown["current"]["after_text"])]
    if view.refusal:
        lines.append(f"按现在的数字,规则不允许:{view.refusal}")
    if p.status != "pending":
        lines.append(f"{p.status_label}:{p.decided_by} 于 {str(p.decided_at)[:16].replace('T', ' ')}"
                     + (f",理由:{p.reason}" if p.reason else "") + (f",台账第{p.ledger_seq}条" if p.ledger_seq else ""))
    return "\n".join(lines)


def _indent(text: str) -> str:
    return (text or "无").replace("\n", "\n          ")


def cmd_review_show(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        view = book.review.show(number=args.number)
        p = view.proposal
        shown = {"proposal": {**_proposal_json(p), **_figures(book, p.before, p.after)}, "moved": view.moved,
                 "current": _figures(book, view.current_before, view.current_after) if view.moved else None,
                 "refusal": view.refusal}
    out(args, shown, _show_text(view, shown))


def cmd_review_approve(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        change = book.review.approve(number=args.number)
    made = f";用编核准编号 {change.result}" if change.op.value == "approval.add" and change.result else ""
    out(args, {"ok": True, "proposal": {"number": args.number, "status": "approved"}, "op": change.op.value,
               "seq": change.seq, "result": change.result},
        f"第{args.number}号待审事项已审核通过,已记入台账第{change.seq}条{made}")


def cmd_review_reject(args: argparse.Namespace) -> None:
    with open_book(args) as book:
        book.review.reject(number=args.number, reason=args.reason)
    out(args, {"ok": True, "proposal": {"number": args.number, "status": "rejected", "reason": args.reason}},
        f"第{args.number}号待审事项已退回")


# --- audit -----------------------------------------------------------------------------------------

def cmd_audit(args: argparse.Namespace) -> None:
    import json

    from bianzhi_app.accounts.seclog import EVENT_LABELS, Event

    with open_book(args) as book:
        events = book.audit.events(since=args.since, event=args.event)
    labels = {event.value: label for event, label in EVENT_LABELS.items() if isinstance(event, Event)}
    out(args, {"events": [{"seq": e.seq, "at": e.at, "account": e.account, "event": e.event, "detail": e.detail}
                          for e in events]},
        "\n".join(f"{e.seq}\t{e.at[:19].replace('T', ' ')}\t{e.account}\t{labels.get(e.event, e.event)}\t"
                  f"{json.dumps(e.detail, ensure_ascii=False) if e.detail else ''}" for e in events)
        or "没有符合条件的安全审计记录")


def register(cli: Registry) -> None:
    user = cli.group("user", "账户(系统管理员)")
    p = cli.command("add", cmd_user_add, "新增账户(新密码取自 BIANZHI_NEW_PASSWORD 或在终端输入)", writes=True,
                    permission=Permission.ACCOUNTS, parent=user, without_accounts=_bootstrap,
                    description="新增账户,新密码取自环境变量 BIANZHI_NEW_PASSWORD 或在终端输入两次;首次登录须修改密码,"
                                "除非 --no-change-required。尚无账户的台账(建于启用账户之前):"
                                "user add 账户名 --role admin 设立第一个系统管理员,无须登录,并显示一次恢复密钥。")
    p.add_argument("name", metavar="账户名", help="账户名(不含空格、控制字符;最多32个字符)")
    p.add_argument("--role", action="append", required=True, metavar="ROLE", help=ROLE_HELP)
    p.add_argument("--no-change-required", action="store_true", help="首次登录无须修改密码")
    cli.command("list", cmd_user_list, "列出账户", writes=False, permission=Permission.ACCOUNTS, parent=user)
    for action, text in (("lock", "锁定账户(至系统管理员解锁)"), ("unlock", "解锁账户(含停用的账户)"),
                         ("disable", "停用账户(如人员离岗)")):
        p = cli.command(action, cmd_user_state, text, writes=True, permission=Permission.ACCOUNTS, parent=user)
        p.add_argument("name", metavar="账户名", help="账户名")
    p = cli.command("roles", cmd_user_roles, "变更账户的角色", writes=True, permission=Permission.ACCOUNTS,
                    parent=user)
    p.add_argument("name", metavar="账户名", help="账户名")
    p.add_argument("--role", action="append", required=True, metavar="ROLE", help=ROLE_HELP)
    p = cli.command("reset-password", cmd_user_reset_password,
                    "重设账户密码(新密码取自 BIANZHI_NEW_PASSWORD 或在终端输入;下次登录须修改)", writes=True,
                    permission=Permission.ACCOUNTS, parent=user)
    p.add_argument("name", metavar="账户名", help="账户名")
    p = cli.command("recover", cmd_user_recover,
                    "所有系统管理员密码都遗失时,凭恢复密钥重设系统管理员"
                    "(恢复密钥取自 BIANZHI_RECOVERY_KEY 或在终端输入)",
                    writes=True, permission=Access.RECOVERY_KEY, parent=user)
    p.add_argument("name", metavar="账户名", help="要重设(或新设)的系统管理员账户名")

    cli.command("passwd", cmd_passwd, "修改本人密码(新密码取自 BIANZHI_NEW_PASSWORD 或在终端输入)", writes=True,
                permission=Access.OWN_PASSWORD)

    policy = cli.group("policy", "安全策略(系统管理员)")
    cli.command("show", cmd_policy_show, "显示安全策略", writes=False, permission=Permission.ACCOUNTS, parent=policy)
    p = cli.command("set", cmd_policy_set, "设置安全策略", writes=True, permission=Permission.ACCOUNTS, parent=policy,
                    description="设置安全策略。NAME:review(on/off,编制事项审核)、lockout-attempts、lockout-minutes、"
                                "idle-minutes、password-min-length、password-max-days(0为不过期)")
    p.add_argument("name", metavar="NAME", help="策略名称")
    p.add_argument("value", metavar="VALUE", help="值")

    review = cli.group("review", "待审事项(编制事项审核)")
    p = cli.command("list", cmd_review_list, "列出待审事项", writes=False, permission=Permission.READ, parent=review)
    p.add_argument("--all", action="store_true", help="含已通过和已退回的事项")
    p.add_argument("--mine", action="store_true", help="只列本人提出的事项")
    p = cli.command("show", cmd_review_show, "显示待审事项:提出时和现在的数字", writes=False,
                    permission=Permission.READ, parent=review)
    p.add_argument("number", type=count, metavar="N", help="待审事项编号")
    p = cli.command("approve", cmd_review_approve, "审核通过(按现在的数字检查规则后生效,记入台账)", writes=True,
                    permission=Permission.REVIEW, parent=review)
    p.add_argument("number", type=count, metavar="N", help="待审事项编号")
    p = cli.command("reject", cmd_review_reject, "退回待审事项(须写明理由)", writes=True,
                    permission=Permission.REVIEW, parent=review)
    p.add_argument("number", type=count, metavar="N", help="待审事项编号")
    p.add_argument("--reason", required=True, metavar="理由", help="退回理由")

    p = cli.command("audit", cmd_audit, "安全审计日志(安全审计员)", writes=False, permission=Permission.AUDIT)
    p.add_argument("--since", type=DateArg, metavar="日期", help="起始日期 YYYY-MM-DD")
    p.add_argument("--event", metavar="事件", help="只看此类事件:sign_in、sign_in_failed、locked、unlocked、"
                   "account_added、roles_changed、password_changed、policy_changed、reveal、export、"
                   "proposal_approved、proposal_rejected")
