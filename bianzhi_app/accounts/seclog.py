"""The security log (安全审计日志): sign-ins, failures, locks, account, role, password and policy changes,
reviews, reveals of full ID numbers and exports. Append-only (triggers) and hash-chained like the ledger,
so `check` finds an entry edited, removed or re-hashed out of order; only the auditor reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bianzhi_app.db.sql import rows
from bianzhi_app.ledger import DEFAULT_HASH_ALG, GENESIS_HASH, HASH_ALGS, canonical_json, hexdigest, read_hash_alg

if TYPE_CHECKING:  # SQLAlchemy only to write: reading events and the sign-in check run before it loads
    from sqlalchemy import Connection


class Event(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    ACCOUNT_ADDED = "account_added"
    ROLES_CHANGED = "roles_changed"
    PASSWORD_CHANGED = "password_changed"
    POLICY_CHANGED = "policy_changed"
    REVEAL = "reveal"
    EXPORT = "export"
    PROPOSAL_APPROVED = "proposal_approved"
    PROPOSAL_REJECTED = "proposal_rejected"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    Event.SIGN_IN: "登录", Event.SIGN_IN_FAILED: "登录失败", Event.LOCKED: "锁定账户", Event.UNLOCKED: "解锁账户",
    Event.ACCOUNT_ADDED: "新增账户", Event.ROLES_CHANGED: "变更角色", Event.PASSWORD_CHANGED: "修改密码",
    Event.POLICY_CHANGED: "变更安全策略", Event.REVEAL: "查看完整身份证号", Event.EXPORT: "导出数据",
    Event.PROPOSAL_APPROVED: "审核通过", Event.PROPOSAL_REJECTED: "审核退回",
}


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    seq: int
    at: str
    account: str
    event: str
    detail: dict[str, Any]


def event_hash(row: Mapping[str, Any], alg: str = DEFAULT_HASH_ALG) -> str:
    """The event's hash under the book's chain algorithm (the ledger's: SHA-256, or SM3 for `init --hash sm3`)."""
    scalars = canonical_json([row["seq"], row["at"], row["account"], row["event"], row["prev_hash"]])
    text = scalars + "\n" + row["detail"]
    return hexdigest(alg, text.encode("utf-8"))


def append(conn: Connection, *, account: str, event: Event, at: dt.datetime, detail: Mapping[str, Any] | None = None
           ) -> int:
    """Append one event in the caller's transaction; returns its seq."""
    from sqlalchemy import insert

    from bianzhi_app.db.models import security_log

    last = rows(conn, "SELECT seq, hash FROM security_log ORDER BY seq DESC LIMIT 1")
    seq, prev = (int(last[0][0]) + 1, str(last[0][1])) if last else (1, GENESIS_HASH)
    row: dict[str, Any] = {"seq": seq, "at": at.isoformat(timespec="seconds"), "account": account[:64],
                           "event": event.value, "detail": canonical_json(dict(detail or {})), "prev_hash": prev}
    alg = read_hash_alg(conn)
    row["hash"] = event_hash(row, alg if alg in HASH_ALGS else DEFAULT_HASH_ALG)
    conn.execute(insert(security_log).values(**row))
    return seq


def events(conn: Any, *, since: dt.date | None = None, event: str | None = None) -> list[SecurityEvent]:
    import json

    sql = "SELECT seq, at, account, event, detail FROM security_log WHERE 1 = 1"
    params: dict[str, Any] = {}
    if since is not None:
        sql += " AND at >= :since"
        params["since"] = since.isoformat()
    if event is not None:
        sql += " AND event = :event"
        params["event"] = event
    found = rows(conn, sql + " ORDER BY seq", params)
    return [SecurityEvent(int(r[0]), str(r[1]), str(r[2]), str(r[3]), json.loads(r[4])) for r in found]


def verify(entries: Iterable[Mapping[str, Any]], alg: str = DEFAULT_HASH_ALG) -> str | None:
    """The first problem of the chain (a Chinese message), or None."""
    expected, prev = 1, GENESIS_HASH
    for row in entries:
        if row["seq"] != expected:
            return f"安全审计日志缺少第{expected}条(下一条为第{row['seq']}条)"
        if row["prev_hash"] != prev or event_hash(row, alg) != row["hash"]:
            return f"安全审计日志第{row['seq']}条被改动(哈希不符)"
        prev, expected = row["hash"], expected + 1
    return None


def verify_log(conn: Any) -> str | None:
    names = ("seq", "at", "account", "event", "detail", "prev_hash", "hash")
    found = rows(conn, f"SELECT {', '.join(names)} FROM security_log ORDER BY seq")
    alg = read_hash_alg(conn)
    if alg not in HASH_ALGS:
        return f"台账第1条记载的哈希算法「{alg}」无法识别,安全审计日志无法核验"
    return verify((dict(zip(names, r, strict=True)) for r in found), alg)
