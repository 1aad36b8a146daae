"""Review on the command line (决策、执行、监督分离): while review is on, a clerk's 机构编制事项 only propose;
another account holding `reviewer` approves (rules checked then, one ledger entry naming proposer and approver)
or rejects with a reason; nobody decides their own proposal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from acchelpers import business, enter_args, quota, refused
from bookhelpers import ADMIN, DOC, Cli

pytestmark = pytest.mark.both_backends

UNIT = "区农业农村局"
FUNCTIONS = "负责全区农业农村工作。"

# Every reviewed command, on the template book (pool 行政 20, 区农业农村局 行政 5).
REVIEWED = [
    ("pool", "set", "xz", "30", "--doc", DOC),
    ("unit", "add", "区水务局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC),
    ("unit", "rename", UNIT, "区农业局", "--doc", DOC),
    ("unit", "set", UNIT, "--functions", FUNCTIONS, "--doc", DOC),
    ("unit", "abolish", UNIT, "--doc", DOC),
    ("unit", "merge", UNIT, "--into", "区农业服务中心", "--doc", DOC),
    ("quota", "set", UNIT, "xz", "8", "--doc", DOC),
    ("posts", "set", UNIT, "zz", "1", "--doc", DOC),
    ("approval", "add", UNIT, "xz", "1", "--method", "公开招录", "--doc", DOC),
    ("kind", "add", "ts", "特殊编制", "--doc", DOC),
]


@pytest.mark.parametrize("args", REVIEWED, ids=lambda a: " ".join(a[:2]))
def test_a_clerks_establishment_change_only_proposes(args: tuple[str, ...], as_user: Callable[..., Cli],
                                                     book: Path) -> None:
    before = business(book)
    clerk = as_user("jingban")
    code, out, err = clerk(*args)
    assert code == 0, err
    assert out.strip() == "1" and "待审事项" in err and "未作任何改动" in err  # the proposal's number
    assert clerk.json(*args) == {"proposal": {"number": 2, "status": "pending"}}
    assert business(book) == before
    [first, second] = as_user("shenhe").json("review", "list")["proposals"]
    assert (first["number"], first["status"], first["proposer"]) == (1, "pending", "jingban")
    assert first["summary"] and second["number"] == 2


def test_person_operations_apply_at_once_while_review_is_on(as_user: Callable[..., Cli]) -> None:
    clerk = as_user("jingban")
    entered = clerk.json(*enter_args(1))
    assert entered["seq"] > 0 and "proposal" not in entered
    assert as_user("shenhe").json("review", "list")["proposals"] == []


def test_the_reviewer_sees_the_figures_and_approving_applies_them_naming_both(as_user: Callable[..., Cli],
                                                                             book: Path) -> None:
    clerk, reviewer = as_user("jingban"), as_user("shenhe")
    assert clerk.ok("quota", "set", UNIT, "xz", "8", "--doc", DOC).strip() == "1"
    assert quota(clerk) == 5
    before = business(book)
    text = reviewer.ok("review", "show", "1")  # shown with today's figures: a preview, undone
    assert business(book) == before
    assert "第1号待审事项(待审)" in text and "提出人:jingban" in text
    assert "变动前:行政 核定5" in text and "变动后:行政 核定8" in text
    shown = reviewer.json("review", "show", "1")
    assert shown["moved"] is False and shown["current"] is None and shown["refusal"] is None
    assert shown["proposal"]["before"]["xz"]["approved"] == 5 and shown["proposal"]["after"]["xz"]["approved"] == 8
    assert "核定8" in shown["proposal"]["after_text"]
    approved = reviewer.json("review", "approve", "1")
    assert approved["proposal"] == {"number": 1, "status": "approved"} and approved["op"] == "quota.set"
    assert quota(clerk) == 8
    entry = clerk.json("ledger")["entries"][-1]
    assert (entry["seq"], entry["op"], entry["actor"], entry["approver"]) == (approved["seq"], "quota.set",
                                                                              "jingban", "shenhe")
    assert clerk.json("ledger")["entries"][0]["approver"] is None
    [decided] = reviewer.json("review", "list", "--all")["proposals"]
    assert (decided["status"], decided["decided_by"], decided["ledger_seq"]) == ("approved", "shenhe", entry["seq"])
    assert reviewer.json("review", "list")["proposals"] == []
    assert clerk.json("check")["ok"]
    refused(reviewer, "review", "approve", "1", code=3, words="已通过")  # decided once


def test_an_approved_usage_approval_prints_its_number(as_user: Callable[..., Cli]) -> None:
    as_user("jingban").ok("approval", "add", UNIT, "xz", "1", "--method", "公开招录", "--doc", DOC)
    out = as_user("shenhe").ok("review", "approve", "1")
    assert "用编核准编号" in out
    [approval] = as_user("chaxun").json("approval", "list")["approvals"]
    assert approval["number"] in out


def test_nobody_approves_or_rejects_their_own_proposal(as_user: Callable[..., Cli], book: Path) -> None:
    both = as_user("fuhe")  # clerk and reviewer
    assert both.ok("pool", "set", "xz", "30", "--doc", DOC).strip() == "1"
    refused(both, "review", "approve", "1", code=8, words="本人提出")
    refused(both, "review", "reject", "1", "--reason", "撤回", code=8, words="本人提出")
    assert as_user("shenhe").json("review", "show", "1")["proposal"]["status"] == "pending"
    as_user("shenhe").ok("review", "approve", "1")


def test_a_rule_refusal_on_approval_exits_3_and_leaves_it_pending(as_user: Callable[..., Cli], book: Path) -> None:
    clerk, reviewer = as_user("jingban"), as_user("shenhe")
    clerk.ok("quota", "set", UNIT, "xz", "15", "--doc", DOC)  # 1: within the pool of 20 now
    clerk.ok("pool", "set", "xz", "10", "--doc", DOC)  # 2: the pool still holds the 5 allocated
    reviewer.ok("review", "approve", "2")
    shown = reviewer.json("review", "show", "1")
    assert shown["refusal"] and "编制总额" in shown["refusal"]
    assert "规则不允许" in reviewer.ok("review", "show", "1")
    before = business(book)
    refused(reviewer, "review", "approve", "1", code=3, words="编制总额", skip=("security_log",))
    assert business(book) == before
    assert reviewer.json("review", "show", "1")["proposal"]["status"] == "pending"
    assert quota(clerk) == 5


def test_a_proposal_whose_figures_moved_shows_the_current_ones(as_user: Callable[..., Cli]) -> None:
    clerk, reviewer = as_user("jingban"), as_user("shenhe")
    clerk.ok("quota", "set", UNIT, "xz", "8", "--doc", DOC)  # 1
    clerk.ok("quota", "set", UNIT, "xz", "6", "--doc", DOC)  # 2
    reviewer.ok("review", "approve", "2")
    shown = reviewer.json("review", "show", "1")
    assert shown["moved"] is True
    assert shown["proposal"]["before"]["xz"]["approved"] == 5
    assert shown["current"]["before"]["xz"]["approved"] == 6 and shown["current"]["after"]["xz"]["approved"] == 8
    assert "此后数字已有变动" in reviewer.ok("review", "show", "1")


def test_reject_needs_a_reason_and_keeps_it(as_user: Callable[..., Cli], book: Path) -> None:
    clerk, reviewer = as_user("jingban"), as_user("shenhe")
    clerk.ok("unit", "rename", UNIT, "区农业局", "--doc", DOC)
    refused(reviewer, "review", "reject", "1", "--reason", "  ", code=4, words="理由")
    code, _out, _err = reviewer("review", "reject", "1")
    assert code == 2  # --reason is required
    out = reviewer.json("review", "reject", "1", "--reason", "文件依据不足")
    assert out["proposal"] == {"number": 1, "status": "rejected", "reason": "文件依据不足"}
    [p] = clerk.json("review", "list", "--all", "--mine")["proposals"]
    assert (p["status"], p["reason"], p["decided_by"]) == ("rejected", "文件依据不足", "shenhe")
    assert "已退回" in reviewer.ok("review", "show", "1")
    refused(reviewer, "review", "approve", "1", code=3, words="已退回")
    assert [u["name"] for u in clerk.json("status")["units"]] == [UNIT]
    refused(reviewer, "review", "show", "9", code=5, words="没有第9号")


def test_review_off_applies_at_once(as_user: Callable[..., Cli]) -> None:
    admin, clerk = as_user(ADMIN), as_user("jingban")
    assert admin.json("policy", "set", "review", "off")["value"] == "off"
    change = clerk.json("quota", "set", UNIT, "xz", "7", "--doc", DOC)
    assert change["seq"] > 0 and quota(clerk) == 7
    assert clerk.json("ledger")["entries"][-1]["approver"] is None


def test_the_security_log_records_approvals_and_rejections(as_user: Callable[..., Cli]) -> None:
    clerk, reviewer = as_user("jingban"), as_user("shenhe")
    clerk.ok("quota", "set", UNIT, "xz", "8", "--doc", DOC)
    clerk.ok("quota", "set", UNIT, "xz", "9", "--doc", DOC)
    reviewer.ok("review", "approve", "1")
    reviewer.ok("review", "reject", "2", "--reason", "重复")
    events = as_user("shenji").json("audit")["events"]
    decided = [(e["event"], e["account"], e["detail"]["number"]) for e in events
               if e["event"] in ("proposal_approved", "proposal_rejected")]
    assert decided == [("proposal_approved", "shenhe", 1), ("proposal_rejected", "shenhe", 2)]
    assert json.dumps(events, ensure_ascii=False).count("重复") == 1
