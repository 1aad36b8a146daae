"""Replay of the accounts and the security policy (issue 14): every change to them writes a security-log event
carrying the new state (an account added with its roles, roles changed, disabled or enabled again, a policy value
set), so walking the log rebuilds which accounts exist, their roles, whether each is disabled, and every policy
value; `check` compares the tables with it. A row edited behind the program's back (an account's roles raised to
admin, an account inserted, a disabled one enabled, the lockout or review switched off) no longer matches the
event that last wrote it. Password hashes, lock times and failure counts are not in the log (secret or
transient): the personal-data key wrapped for each password (keyring) is what a forged password hash lacks."""

from __future__ import annotations

import json
from typing import Any

from bianzhi_app.accounts.signin import Policy
from bianzhi_app.accounts.store import policy_items
from bianzhi_app.db.sql import rows

_WHERE = "数据与安全审计日志不符:"


def _roles_text(encoded: str) -> str:
    """The role codes in one order (raw, so that an unknown code written by hand still compares)."""
    return ",".join(sorted({code.strip() for code in encoded.split(",") if code.strip()}))


def account_problems(conn: Any) -> list[str]:
    """Each accounts / policy row that differs from the security-log event that last wrote it (the log's own
    chain is verified first, by seclog.verify_log)."""
    accounts: dict[str, dict[str, Any]] = {}  # name → roles, disabled, seq
    policy: dict[str, tuple[str, int]] = {}
    for seq, event, detail in rows(conn, "SELECT seq, event, detail FROM security_log ORDER BY seq"):
        data = json.loads(detail or "{}")
        name = data.get("name")
        if not isinstance(name, str):
            continue
        if event == "account_added":
            accounts[name] = {"roles": _roles_text(str(data.get("roles") or "")), "disabled": False, "seq": seq}
        elif event == "roles_changed" and name in accounts:
            accounts[name].update(roles=_roles_text(str(data.get("new") or "")), seq=seq)
        elif event == "locked" and data.get("disabled") and name in accounts:
            accounts[name].update(disabled=True, seq=seq)
        elif event == "unlocked" and name in accounts:
            accounts[name].update(disabled=False, seq=seq)
        elif event == "policy_changed":
            policy[name] = (str(data.get("new")), seq)
    found: list[str] = []
    seen: set[str] = set()
    for name, roles, disabled in rows(conn, "SELECT name, roles, disabled FROM accounts ORDER BY id"):
        seen.add(name)
        known = accounts.get(name)
        if known is None:
            found.append(f"{_WHERE}表accounts中的账户「{name}」在安全审计日志中没有新增记录")
            continue
        if _roles_text(str(roles)) != known["roles"]:
            found.append(f"{_WHERE}表accounts中账户「{name}」的角色为{_roles_text(str(roles)) or '无'},"
                         f"安全审计日志第{known['seq']}条(最后写入它的记录)为{known['roles'] or '无'}")
        if bool(disabled) != known["disabled"]:
            state = "停用" if known["disabled"] else "启用"
            found.append(f"{_WHERE}表accounts中账户「{name}」的停用状态与安全审计日志第{known['seq']}条({state})不符")
    found.extend(f"{_WHERE}表accounts中没有账户「{name}」,安全审计日志第{known['seq']}条新增了它"
                 for name, known in accounts.items() if name not in seen)
    defaults = policy_items(Policy())
    stored = rows(conn, "SELECT name, value FROM policy ORDER BY name")
    stored_names = {row[0] for row in stored}
    found.extend(f"{_WHERE}表policy中没有安全策略{name}(即默认值{defaults[name]}),安全审计日志第{seq}条将其设为{value}"
                 for name, (value, seq) in policy.items()
                 if name in defaults and value != defaults[name] and name not in stored_names)
    for name, value in stored:
        expected, seq = policy.get(name, (defaults.get(name, value), 0))
        if str(value) != expected:
            source = f"安全审计日志第{seq}条(最后写入它的记录)" if seq else "安全审计日志未记载其变更,默认值"
            found.append(f"{_WHERE}表policy中安全策略{name}为{value},{source}为{expected}")
    return found
