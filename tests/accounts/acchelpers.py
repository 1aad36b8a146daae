"""Helpers of the command-line account tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bookhelpers import ACCOUNT_TABLES, Cli, fingerprint, is_server, person_id

ROLE_WORDS = {"admin": "系统管理员(admin)", "auditor": "安全审计员(auditor)", "clerk": "经办人(clerk)",
              "reviewer": "审核人(reviewer)"}
NEW = "Xinmima-2026b"  # a strong new password


def refused(cli: Cli, *args: str, code: int, words: str = "", env: dict[str, str | None] | None = None,
            skip: tuple[str, ...] | None = None) -> str:
    """Run a command that must be refused with ``code`` and say ``words``; the book is unchanged (by default
    but for the security log, where the attempt is recorded); returns stderr."""
    compare = (("security_log",) if skip is None else skip)
    before = fingerprint(cli.db, skip=compare) if is_server(cli.db) or Path(cli.db).exists() else None
    rc, out, err = cli(*args, env=env)
    assert rc == code, f"{args}: expected exit {code}, got {rc}: {err}"
    assert words in err, err
    assert "Traceback" not in err + out
    if before is not None:
        assert fingerprint(cli.db, skip=compare) == before, f"{args} changed the book"
    return err


def business(path: Path) -> str:
    """The establishment data only (not accounts, policy, proposals or the security log)."""
    return fingerprint(path, skip=ACCOUNT_TABLES)


def scalar(path: Path, sql: str, *params: object) -> object:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(sql, params).fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def execute(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def quota(cli: Cli, unit: str = "区农业农村局", kind: str = "xz") -> int:
    units = {u["name"]: u for u in cli.json("status")["units"]}
    return int(units[unit]["quota"][kind]["approved"])


def enter_args(n: int, unit: str = "区农业农村局") -> tuple[str, ...]:
    return ("person", "enter", unit, "xz", "--name", f"测试{n}", "--id", person_id(n))
