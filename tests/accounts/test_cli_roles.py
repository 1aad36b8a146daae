"""Each role's part on the command line (三员分立): what every role may run, and what is refused with exit 8
naming the role it needs, leaving the book as it was."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from acchelpers import ROLE_WORDS, enter_args, refused
from bookhelpers import ADMIN, DOC, Cli

pytestmark = pytest.mark.both_backends

ROLES = {ADMIN: "admin", "shenji": "auditor", "jingban": "clerk", "shenhe": "reviewer", "chaxun": "viewer",
         "fuhe": "clerk+reviewer"}

# command → (the accounts that may run it, the role a refusal names)
MATRIX: list[tuple[tuple[str, ...], set[str], str]] = [
    (("status",), set(ROLES), ""),
    (("roster",), set(ROLES), ""),
    (("ledger",), set(ROLES), ""),
    (("check",), set(ROLES), ""),
    (("approval", "list"), set(ROLES), ""),
    (("review", "list"), set(ROLES), ""),
    (("pool", "set", "xz", "21", "--doc", DOC), {"jingban", "fuhe"}, "clerk"),
    (("quota", "set", "区农业农村局", "xz", "6", "--doc", DOC), {"jingban", "fuhe"}, "clerk"),
    (("unit", "add", "区水务局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC), {"jingban", "fuhe"},
     "clerk"),
    (enter_args(1), {"jingban", "fuhe"}, "clerk"),
    (("review", "reject", "99", "--reason", "不符合规定"), {"shenhe", "fuhe"}, "reviewer"),
    (("user", "list"), {ADMIN}, "admin"),
    (("policy", "show"), {ADMIN}, "admin"),
    (("policy", "set", "idle-minutes", "20"), {ADMIN}, "admin"),
    (("audit",), {"shenji"}, "auditor"),
]


@pytest.mark.parametrize("account", list(ROLES))
def test_each_role_runs_its_commands_and_is_refused_the_others_naming_the_role(
        account: str, as_user: Callable[..., Cli]) -> None:
    cli = as_user(account)
    for args, allowed, role in MATRIX:
        if account in allowed:
            code, _out, err = cli(*args)
            expected = 5 if args[:2] == ("review", "reject") else 0  # allowed; then there is no proposal 99
            assert code == expected, f"{account} {args}: {code} {err}"
        else:
            err = refused(cli, *args, code=8, words=ROLE_WORDS[role])
            assert f"账户「{account}」" in err and "无此权限" in err


@pytest.mark.file_only
def test_backup_is_the_admins_and_the_clerks_and_restore_the_admins_alone(as_user: Callable[..., Cli],
                                                                       book: Path, tmp_path: Path) -> None:
    for account in ("shenhe", "shenji", "chaxun"):
        refused(as_user(account), "backup", str(tmp_path / "x.bak"), code=8, words=ROLE_WORDS["admin"])
    made = as_user("jingban").json("backup", str(tmp_path / "clerk.bak"))
    assert Path(made["path"]).is_file()
    made = as_user(ADMIN).json("backup", str(tmp_path / "admin.bak"))
    for account in ("jingban", "shenhe", "shenji", "chaxun", "fuhe"):
        err = refused(as_user(account), "restore", made["path"], code=8, words=ROLE_WORDS["admin"])
        assert "恢复备份" in err
    restored = as_user(ADMIN).json("restore", made["path"])
    assert restored["ledger_head"] == made["ledger_head"]
    entries = as_user("chaxun").json("ledger")["entries"]
    assert entries[-1]["op"] == "book.restore" and entries[-1]["actor"] == ADMIN


def test_the_admin_never_changes_or_approves_establishment_data(as_user: Callable[..., Cli]) -> None:
    admin = as_user(ADMIN)
    for args in (("pool", "set", "xz", "30", "--doc", DOC),
                 ("unit", "rename", "区农业农村局", "区农业局", "--doc", DOC),
                 ("approval", "add", "区农业农村局", "xz", "1", "--method", "公开招录", "--doc", DOC),
                 enter_args(2), ("import", "x.xlsx"), ("snapshot", "2025Q4"),
                 ("review", "approve", "1"), ("kind", "add", "ts", "特殊编制", "--doc", DOC)):
        refused(admin, *args, code=8, words="无此权限")


def test_the_auditor_reads_and_verifies_and_changes_nothing(as_user: Callable[..., Cli]) -> None:
    auditor = as_user("shenji")
    assert auditor.json("check")["ok"]
    assert auditor.json("ledger")["entries"]
    assert auditor.json("audit")["events"]
    for args in (("pool", "set", "xz", "30", "--doc", DOC), enter_args(3), ("user", "add", "x", "--role", "viewer"),
                 ("backup",), ("review", "reject", "1", "--reason", "理由"), ("approval", "expire")):
        refused(auditor, *args, code=8, words="安全审计员")


def test_the_viewer_reads_figures_roster_and_reports(as_user: Callable[..., Cli], tmp_path: Path) -> None:
    viewer = as_user("chaxun")
    assert viewer.json("status")["region"]["name"] == "杨陵区"
    out = viewer.json("report", "summary", "-o", str(tmp_path / "总表.pdf"))
    assert out["pages"] >= 1
    refused(viewer, "person", "leave", "110105194912310021", "--reason", "退休", code=8, words=ROLE_WORDS["clerk"])
