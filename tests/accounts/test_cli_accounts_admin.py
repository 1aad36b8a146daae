"""The admin's commands (user, policy), the auditor's `audit`, the recovery key, `init` and `demo` with their
accounts, the bootstrap of a book from before accounts, and restoring a damaged book."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from acchelpers import NEW, ROLE_WORDS, business, enter_args, refused, scalar
from bookhelpers import ADMIN, DOC, PASSWORD, Cli, book_before_accounts, person_id

POLICY = {"review": "on", "lockout-attempts": "5", "lockout-minutes": "15", "idle-minutes": "10",
          "password-min-length": "8", "password-max-days": "90"}
EVENTS = {"sign_in", "sign_in_failed", "locked", "unlocked", "account_added", "roles_changed", "password_changed",
          "policy_changed", "reveal", "export", "proposal_approved", "proposal_rejected"}


# --- user and policy -------------------------------------------------------------------------------

def test_user_list_lock_unlock_disable_and_roles(as_user: Callable[..., Cli], book: Path) -> None:
    admin = as_user(ADMIN)
    listed = admin.json("user", "list")
    assert list(listed) == ["accounts"]
    rows = {a["name"]: a for a in listed["accounts"]}
    assert set(rows) == {ADMIN, "jingban", "shenhe", "shenji", "chaxun", "fuhe"}
    assert rows["fuhe"] == {"name": "fuhe", "roles": ["clerk", "reviewer"], "disabled": False, "locked": False,
                            "must_change": False}
    assert "经办人、审核人" in admin.ok("user", "list")
    admin.ok("user", "lock", "chaxun")
    refused(as_user("chaxun"), "status", code=7, words="已锁定")  # the right password, locked
    admin.ok("user", "unlock", "chaxun")
    as_user("chaxun").ok("status")
    admin.ok("user", "disable", "chaxun")
    refused(as_user("chaxun"), "status", code=7, words="已停用")
    assert {a["name"]: a for a in admin.json("user", "list")["accounts"]}["chaxun"]["disabled"] is True
    admin.ok("user", "unlock", "chaxun")
    refused(as_user("chaxun"), "pool", "set", "xz", "30", "--doc", DOC, code=8, words=ROLE_WORDS["clerk"])
    assert admin.json("user", "roles", "chaxun", "--role", "clerk")["roles"] == ["clerk"]
    assert as_user("chaxun").ok("pool", "set", "xz", "30", "--doc", DOC).strip() == "1"
    refused(admin, "user", "lock", ADMIN, code=3, words="自己")
    refused(admin, "user", "roles", ADMIN, "--role", "viewer", code=3, words="最后一个系统管理员")
    refused(admin, "user", "add", "jingban", "--role", "viewer", code=3, words="已存在",
            env={"BIANZHI_NEW_PASSWORD": NEW})
    refused(admin, "user", "add", "xinren", "--role", "viewer", code=4, words="BIANZHI_NEW_PASSWORD")
    added = admin.json("user", "add", "xinren", "--role", "查询", "--no-change-required",
                       env={"BIANZHI_NEW_PASSWORD": NEW})
    assert added["account"] == {"name": "xinren", "roles": ["viewer"], "disabled": False, "locked": False,
                                "must_change": False}
    as_user("xinren", NEW).ok("status")


def test_policy_show_and_set(as_user: Callable[..., Cli]) -> None:
    admin = as_user(ADMIN)
    assert admin.json("policy", "show") == POLICY
    assert "编制事项审核" in admin.ok("policy", "show")
    changed = admin.json("policy", "set", "idle-minutes", "20")
    assert changed["value"] == "20" and changed["policy"] == {**POLICY, "idle-minutes": "20"}
    for name, value, words in (("review", "maybe", "on 或 off"), ("lockout-attempts", "0", "1到20"),
                               ("password-min-length", "6", "8到64"), ("colour", "red", "未知的安全策略")):
        refused(admin, "policy", "set", name, value, code=4, words=words)
    assert admin.json("policy", "show")["idle-minutes"] == "20"


# --- audit and export ------------------------------------------------------------------------------

def test_audit_json_shape_filters_and_only_the_auditor_reads_it(as_user: Callable[..., Cli]) -> None:
    as_user("jingban", "Wrong-2026x")("status")
    as_user(ADMIN).ok("policy", "set", "idle-minutes", "5")
    auditor = as_user("shenji")
    data = auditor.json("audit")
    assert list(data) == ["events"]
    for event in data["events"]:
        assert list(event) == ["seq", "at", "account", "event", "detail"]
        assert event["event"] in EVENTS and isinstance(event["detail"], dict)
    assert [e["seq"] for e in data["events"]] == list(range(1, len(data["events"]) + 1))
    kinds = {e["event"] for e in data["events"]}
    assert {"account_added", "sign_in", "sign_in_failed", "policy_changed"} <= kinds
    [failed] = auditor.json("audit", "--event", "sign_in_failed")["events"]
    assert failed["account"] == "jingban" and failed["detail"]["reason"] == "password"
    [policy] = auditor.json("audit", "--event", "policy_changed")["events"]
    assert (policy["account"], policy["detail"]) == (ADMIN, {"name": "idle-minutes", "old": "10", "new": "5"})
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    assert auditor.json("audit", "--since", tomorrow) == {"events": []}
    assert "登录失败" in auditor.ok("audit", "--event", "sign_in_failed")
    refused(auditor, "audit", "--event", "coffee", code=4, words="未知的事件类型")
    refused(auditor, "audit", "--since", "2026-13-01", code=4, words="日期")
    for account in (ADMIN, "jingban", "shenhe", "chaxun", "fuhe"):
        refused(as_user(account), "audit", code=8, words=ROLE_WORDS["auditor"], skip=("security_log", "accounts"))


def test_export_is_logged_with_its_file_and_counts_and_no_id_number(as_user: Callable[..., Cli],
                                                                     tmp_path: Path) -> None:
    clerk = as_user("jingban")
    clerk.ok(*enter_args(7))
    exported = clerk.json("export", str(tmp_path / "全区.xlsx"))
    [event] = as_user("shenji").json("audit", "--event", "export")["events"]
    assert event["account"] == "jingban"
    assert event["detail"]["file"] == "全区.xlsx"
    assert event["detail"]["persons"] == exported["persons"] == 1 and event["detail"]["units"] == 1
    assert person_id(7) not in json.dumps(event) and "测试7" not in json.dumps(event, ensure_ascii=False)


# --- init and the recovery key ---------------------------------------------------------------------

def test_init_makes_the_first_admin_and_prints_the_recovery_key_once(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(tmp_path / "new.db", capsys, user="boss", setup=False)
    made = cli.json("init", "--region", "杨陵区", "--code", "610403", "--admin", "boss")
    key = made["recovery_key"]
    assert re.fullmatch(r"([2-9A-HJ-NP-Z]{5}-){5}[2-9A-HJ-NP-Z]{5}", key) and made["admin"] == "boss"
    assert made["op"] == "region.init" and made["seq"] == 1
    assert [a["name"] for a in cli.json("user", "list")["accounts"]] == ["boss"]
    assert cli.json("policy", "show")["review"] == "on"
    assert cli.json("ledger")["entries"][0]["actor"] == "boss"
    for args in (("status",), ("user", "list"), ("policy", "show")):
        assert key not in cli.ok(*args)
    for file in tmp_path.glob("new.db*"):
        assert key.encode() not in file.read_bytes()
    text_book = Cli(tmp_path / "text.db", capsys, setup=False)
    out = text_book.ok("init", "--region", "杨陵区", "--code", "610403")
    assert "系统管理员账户 admin" in out and "恢复密钥" in out
    refused(text_book, "init", "--region", "某区", "--code", "610404", code=3, words="已有数据")


def test_init_asks_for_the_admin_password_twice_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from bianzhi_app.cli import signin

    answers = iter(["Guanli-2026a", "Guanli-2026b", "Guanli-2026a", "Guanli-2026a"])
    asked: list[str] = []
    monkeypatch.setattr(signin, "terminal", lambda: True)
    monkeypatch.setattr(signin, "_ask_secret", lambda prompt: asked.append(prompt) or next(answers))
    cli = Cli(tmp_path / "new.db", capsys, setup=False)
    env = {"BIANZHI_PASSWORD": None}
    refused(cli, "init", "--region", "杨陵区", "--code", "610403", code=4, words="两次输入的密码不一致", env=env)
    assert not (tmp_path / "new.db").exists()
    code, _out, err = cli("init", "--region", "杨陵区", "--code", "610403", env=env)
    assert code == 0, err
    assert asked == ["系统管理员「admin」的密码:", "再次输入系统管理员「admin」的密码:"] * 2
    Cli(tmp_path / "new.db", capsys, user=ADMIN, password="Guanli-2026a", setup=False).ok("user", "list")


def test_user_recover_resets_an_admin_with_the_recovery_key(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(tmp_path / "book.db", capsys, user=ADMIN, setup=False)
    key = cli.json("init", "--region", "杨陵区", "--code", "610403")["recovery_key"]
    lost = cli.as_user(ADMIN, "Forgot-2026x")
    for _ in range(5):  # every admin password lost, and the admin locked out trying
        lost("status")
    refused(cli, "status", code=7, words="已锁定")
    before = business(cli.db)
    refused(cli, "user", "recover", ADMIN, code=7, words="恢复密钥不正确", skip=("security_log",),
            env={"BIANZHI_RECOVERY_KEY": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF", "BIANZHI_NEW_PASSWORD": NEW})
    refused(cli, "user", "recover", ADMIN, code=7, words="BIANZHI_RECOVERY_KEY", env={"BIANZHI_NEW_PASSWORD": NEW})
    out = cli.json("user", "recover", ADMIN, env={"BIANZHI_RECOVERY_KEY": key.lower().replace("-", " "),
                                                  "BIANZHI_NEW_PASSWORD": NEW})
    assert out["name"] == ADMIN and out["recovery_key"] != key
    recovered = cli.as_user(ADMIN, NEW)
    assert recovered.json("user", "list")["accounts"][0]["locked"] is False
    refused(cli, "user", "recover", ADMIN, code=7, words="恢复密钥不正确", skip=("security_log",),
            env={"BIANZHI_RECOVERY_KEY": key, "BIANZHI_NEW_PASSWORD": "Another-2026a"})  # the old key is spent
    assert business(cli.db) == before
    text = cli.ok("user", "recover", "admin2", env={"BIANZHI_RECOVERY_KEY": out["recovery_key"],
                                                    "BIANZHI_NEW_PASSWORD": NEW})
    assert "恢复密钥" in text
    assert {a["name"] for a in recovered.json("user", "list")["accounts"]} == {ADMIN, "admin2"}


# --- demo ------------------------------------------------------------------------------------------

def test_demo_has_an_account_of_each_role_and_says_it_is_a_demo(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(tmp_path / "demo.db", capsys, setup=False)
    made = cli.json("demo", env={"BIANZHI_PASSWORD": None})  # the documented default password
    assert "演示" in made["region"] and made["accounts"] == [ADMIN, "auditor", "jingban", "shenhe", "chaxun"]
    demo = {name: cli.as_user(name, "Demo-2026") for name in made["accounts"]}
    assert "演示" in demo["chaxun"].json("status")["region"]["name"]
    assert {a["name"]: a["roles"] for a in demo[ADMIN].json("user", "list")["accounts"]} == {
        ADMIN: ["admin"], "auditor": ["auditor"], "jingban": ["clerk"], "shenhe": ["reviewer"], "chaxun": ["viewer"]}
    assert all(not a["must_change"] for a in demo[ADMIN].json("user", "list")["accounts"])
    assert {e["actor"] for e in demo["auditor"].json("ledger")["entries"]} == {"jingban"}
    assert demo["auditor"].json("audit")["events"]
    assert demo["jingban"].ok("pool", "set", "xz", "99999", "--doc", DOC).strip() == "1"
    demo["shenhe"].ok("review", "approve", "1")
    refused(demo["chaxun"], "pool", "set", "xz", "1", "--doc", DOC, code=8, words=ROLE_WORDS["clerk"])
    own = Cli(tmp_path / "own.db", capsys, setup=False)
    own.ok("demo", "--seed", "2", env={"BIANZHI_PASSWORD": "Yanshi-2026a"})
    own.as_user("chaxun", "Yanshi-2026a").ok("status")
    refused(own.as_user("chaxun", "Demo-2026"), "status", code=7, words="账户名或密码不正确", skip=("security_log",
                                                                                                "accounts"))


# --- a book from before accounts -------------------------------------------------------------------

@pytest.fixture
def old_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A book written at schema 0003 (before accounts), with its region."""
    monkeypatch.setenv("BIANZHI_BACKUP_DIR", str(tmp_path / "backups"))
    return book_before_accounts(tmp_path / "old.db")


def test_a_book_from_before_accounts_names_the_command_for_its_first_admin(
        old_book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli = Cli(old_book, capsys, user=ADMIN, setup=False)
    command = f'python main.py --db "{old_book}" user add admin --role admin'
    for args in (("status",), ("pool", "set", "xz", "1", "--doc", DOC), ("user", "list"), ("audit",),
                 ("user", "add", "jingban", "--role", "clerk"), ("passwd",), ("backup",)):
        code, out, err = cli(*args, env={"BIANZHI_NEW_PASSWORD": NEW})
        assert code == 7 and command in err and "Traceback" not in err, (args, code, err)
        assert out == ""
    assert scalar(old_book, "SELECT count(*) FROM accounts") == 0
    assert list((old_book.parent / "backups").iterdir())  # the file as it was, kept before it was migrated
    refused(cli, "init", "--region", "某区", "--code", "610405", code=3, words="已有数据")
    refused(cli, "user", "add", "admin", "--role", "admin", code=4, words="BIANZHI_NEW_PASSWORD")
    made = cli.json("user", "add", "admin", "--role", "admin", env={"BIANZHI_NEW_PASSWORD": PASSWORD})
    assert made["account"]["roles"] == ["admin"] and made["recovery_key"]
    admin = cli.as_user(ADMIN)
    assert admin.json("status")["region"]["name"] == "旧区"
    admin.ok("user", "add", "jingban", "--role", "clerk", env={"BIANZHI_NEW_PASSWORD": NEW})
    refused(Cli(old_book, capsys, user="x", setup=False), "user", "add", "x", "--role", "admin", code=7,
            words="账户名或密码不正确", env={"BIANZHI_NEW_PASSWORD": NEW}, skip=("security_log",))


# --- restore ---------------------------------------------------------------------------------------

def test_a_damaged_book_is_restored_by_an_admin_of_the_backup(as_user: Callable[..., Cli], book: Path) -> None:
    admin = as_user(ADMIN)
    made = admin.json("backup")
    as_user("jingban").ok(*enter_args(1))
    size = book.stat().st_size
    with book.open("r+b") as f:  # damage every page after the first
        f.seek(4096)
        f.write(os.urandom(size - 4096))
    damaged = book.read_bytes()
    code, _out, err = as_user("chaxun")("status")
    assert code == 6 and "restore" in err
    for cli, code, words in ((as_user("jingban"), 8, ROLE_WORDS["admin"]),
                             (as_user(ADMIN, "Wrong-2026x"), 7, "账户名或密码不正确")):
        rc, _out, err = cli("restore", made["path"])  # checked against the backup's accounts
        assert rc == code and words in err and "Traceback" not in err
        assert book.read_bytes() == damaged
    restored = admin.json("restore", made["path"])
    assert restored["ledger_head"] == made["ledger_head"]
    assert as_user("chaxun").json("check")["ok"]
    assert as_user("chaxun").json("roster")["persons"] == []
