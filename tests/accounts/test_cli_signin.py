"""Signing in on the command line: who, with which password, lockout, forced change, reuse, expiry, weak
passwords, prompts on a terminal only, bad names, and no password ever printed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from acchelpers import NEW, business, enter_args, execute, refused, scalar
from bookhelpers import ADMIN, PASSWORD, Cli, fingerprint

from bianzhi_app.cli import signin


def test_every_command_runs_as_the_account_from_user_or_the_environment(as_user: Callable[..., Cli],
                                                                        book: Path) -> None:
    cli = as_user("jingban")
    code, _out, err = cli("--user", "chaxun", *enter_args(1))  # --user wins over BIANZHI_USER
    assert code == 8 and "账户「chaxun」" in err
    cli.ok(*enter_args(1))
    assert cli.json("ledger")["entries"][-1]["actor"] == "jingban"


def test_no_account_or_no_password_without_a_terminal_exits_7(as_user: Callable[..., Cli], book: Path) -> None:
    cli = as_user("jingban")
    err = refused(cli, "status", code=7, words="BIANZHI_USER", env={"BIANZHI_USER": None})
    assert "--user" in err
    refused(cli, "status", code=7, words="BIANZHI_PASSWORD", env={"BIANZHI_PASSWORD": None})
    refused(as_user("nobody"), "status", code=7, words="账户名或密码不正确")
    refused(as_user("jingban", "Wrong-2026x"), "status", code=7, words="账户名或密码不正确",
            skip=("security_log", "accounts"))


def test_prompts_on_a_terminal_for_the_account_and_password(as_user: Callable[..., Cli],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(signin, "terminal", lambda: True)
    monkeypatch.setattr(signin, "_ask_line", lambda prompt: asked.append(prompt) or "jingban")
    monkeypatch.setattr(signin, "_ask_secret", lambda prompt: asked.append(prompt) or PASSWORD)
    cli = as_user("jingban")
    code, out, err = cli("--json", "status", env={"BIANZHI_USER": None, "BIANZHI_PASSWORD": None})
    assert code == 0, err
    assert asked == ["账户名:", "账户「jingban」的密码:"]
    assert PASSWORD not in out + err


def test_lockout_after_the_policy_attempts_even_with_the_right_password(as_user: Callable[..., Cli],
                                                                        book: Path) -> None:
    as_user(ADMIN).ok("policy", "set", "lockout-attempts", "3")
    before = business(book)
    wrong = as_user("jingban", "Wrong-2026x")
    for attempt in (1, 2):
        err = wrong("status")[2]
        assert f"已连续失败{attempt}次" in err
    code, _out, err = wrong("status")
    assert code == 7 and "锁定15分钟" in err
    code, _out, err = as_user("jingban")(*enter_args(1))  # the right password: still locked
    assert code == 7 and "已锁定" in err
    assert business(book) == before
    [locked] = [a for a in as_user(ADMIN).json("user", "list")["accounts"] if a["name"] == "jingban"]
    assert locked["locked"] is True
    events = [e["event"] for e in as_user("shenji").json("audit", "--event", "sign_in_failed")["events"]]
    assert events.count("sign_in_failed") == 4  # three wrong passwords, one attempt while locked
    assert [e["detail"]["name"] for e in as_user("shenji").json("audit", "--event", "locked")["events"]] == ["jingban"]
    as_user(ADMIN).ok("user", "unlock", "jingban")
    as_user("jingban").ok(*enter_args(1))


def test_weak_passwords_exit_4_and_are_never_echoed(as_user: Callable[..., Cli], book: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    admin = as_user(ADMIN)
    for weak in ("Short1!", "alllowercase", "abcdefgh1", "ABCDEFGH-", "Aa1\x07bbbbbb"):
        err = refused(admin, "user", "add", "xinren", "--role", "viewer", code=4, words="密码",
                      env={"BIANZHI_NEW_PASSWORD": weak})
        assert weak not in err
        err = refused(as_user("jingban"), "passwd", code=4, words="密码", env={"BIANZHI_NEW_PASSWORD": weak})
        assert weak not in err
    admin.ok("policy", "set", "password-min-length", "12")
    refused(admin, "user", "add", "xinren", "--role", "viewer", code=4, words="至少12个字符",
            env={"BIANZHI_NEW_PASSWORD": "Abcde-12345"})
    fresh = Cli(tmp_path / "new.db", capsys, setup=False)
    refused(fresh, "init", "--region", "杨陵区", "--code", "610403", code=4, words="密码太简单",
            env={"BIANZHI_PASSWORD": "abcdefghij"})
    refused(fresh, "demo", code=4, words="密码太短", env={"BIANZHI_PASSWORD": "Ab1-"})
    assert not (tmp_path / "new.db").exists()  # refused before the file was made


def test_a_new_account_changes_its_password_first_and_runs_only_passwd_until_then(as_user: Callable[..., Cli],
                                                                                   book: Path) -> None:
    admin = as_user(ADMIN)
    admin.ok("user", "add", "xinren", "--role", "clerk", env={"BIANZHI_NEW_PASSWORD": "Chushi-2026a"})
    first = as_user("xinren", "Chushi-2026a")
    for args in (("status",), enter_args(1), ("review", "list")):
        err = refused(first, *args, code=7, words="须先修改密码")
        assert "xinren passwd" in err
    refused(first, "passwd", code=4, words="最近5次", env={"BIANZHI_NEW_PASSWORD": "Chushi-2026a"})
    first.ok("passwd", env={"BIANZHI_NEW_PASSWORD": NEW})
    refused(first, "status", code=7, words="账户名或密码不正确", skip=("security_log", "accounts"))
    as_user("xinren", NEW).ok(*enter_args(1))
    admin.ok("user", "reset-password", "xinren", env={"BIANZHI_NEW_PASSWORD": "Chongzhi-2026a"})  # changed again
    refused(as_user("xinren", "Chongzhi-2026a"), "status", code=7, words="须先修改密码")
    as_user("xinren", "Chongzhi-2026a").ok("passwd", env={"BIANZHI_NEW_PASSWORD": "Zuixin-2026a"})
    as_user("xinren", "Zuixin-2026a").ok("status")


def test_passwd_refuses_the_last_five_and_allows_an_older_one(as_user: Callable[..., Cli]) -> None:
    current = PASSWORD
    chain = [f"Mima-2026-{n}a" for n in range(1, 6)]
    for i, new in enumerate(chain):
        as_user("jingban", current).ok("passwd", env={"BIANZHI_NEW_PASSWORD": new})
        current = new
        if i == 0:
            refused(as_user("jingban", current), "passwd", code=4, words="最近5次",
                    env={"BIANZHI_NEW_PASSWORD": PASSWORD})
    for reused in chain:  # the current one and the four before it
        refused(as_user("jingban", current), "passwd", code=4, words="最近5次",
                env={"BIANZHI_NEW_PASSWORD": reused})
    as_user("jingban", current).ok("passwd", env={"BIANZHI_NEW_PASSWORD": PASSWORD})  # six back: allowed
    as_user("jingban").ok("status")


def test_an_expired_password_must_be_changed_first(as_user: Callable[..., Cli], book: Path) -> None:
    execute(book, "UPDATE accounts SET password_changed_at = '2026-01-01T09:00:00+08:00' WHERE name = 'jingban'")
    as_user(ADMIN).ok("policy", "set", "password-max-days", "0")  # 0: never expires
    as_user("jingban").ok("status")
    as_user(ADMIN).ok("policy", "set", "password-max-days", "30")
    err = refused(as_user("jingban"), "status", code=7, words="已过期")
    assert "passwd" in err
    as_user("jingban").ok("passwd", env={"BIANZHI_NEW_PASSWORD": NEW})
    as_user("jingban", NEW).ok("status")
    assert str(scalar(book, "SELECT password_changed_at FROM accounts WHERE name = 'jingban'")) > "2026-01-02"


@pytest.mark.parametrize("name", ["甲\u202e乙", "a b", "tab\tname", "bell\x07", "\u2066x", "x" * 33, ""])
def test_bad_account_names_are_refused_without_a_traceback(as_user: Callable[..., Cli], name: str) -> None:
    refused(as_user(ADMIN), "user", "add", name, "--role", "viewer", code=4, words="账户名",
            env={"BIANZHI_NEW_PASSWORD": NEW})
    # a --user name no account can have is invalid input (exit 4, issue 14), refused before it is logged
    refused(as_user(name or "?"), "status", code=4 if name else 7, words="账户名" if name else "")


def test_unknown_roles_and_roles_held_alone_exit_4(as_user: Callable[..., Cli]) -> None:
    admin = as_user(ADMIN)
    env = {"BIANZHI_NEW_PASSWORD": NEW}
    refused(admin, "user", "add", "xinren", "--role", "boss", code=4, words="未知角色", env=env)
    refused(admin, "user", "add", "xinren", "--role", "admin", "--role", "clerk", code=4, words="须单独持有", env=env)
    refused(admin, "user", "roles", "jingban", "--role", "auditor", "--role", "viewer", code=4, words="须单独持有")
    refused(admin, "user", "roles", "nobody", "--role", "viewer", code=5, words="没有账户")


def test_undecodable_arguments_exit_4(as_user: Callable[..., Cli], book: Path) -> None:
    refused(as_user(ADMIN), "user", "add", "bad\udcff", "--role", "viewer", code=4, words="无法识别的字符")


def test_no_password_is_ever_printed_or_stored_in_clear(as_user: Callable[..., Cli], book: Path) -> None:
    printed = ""
    for cli, args, env in (
            (as_user(ADMIN), ("user", "add", "xinren", "--role", "viewer"), {"BIANZHI_NEW_PASSWORD": NEW}),
            (as_user("xinren", NEW), ("passwd",), {"BIANZHI_NEW_PASSWORD": "Houlai-2026a"}),
            (as_user("jingban", "Wrong-2026x"), ("status",), None),
            (as_user("shenji"), ("--json", "audit"), None),
            (as_user(ADMIN), ("--json", "user", "list"), None)):
        _code, out, err = cli(*args, env=env)
        printed += out + err
    for secret in (PASSWORD, NEW, "Houlai-2026a", "Wrong-2026x"):
        assert secret not in printed
        assert secret.encode() not in book.read_bytes()
    assert fingerprint(book)  # still a readable book
