"""Issue 12, "The command line" (items 14-17) and the CLI side of item 5: what a new user hit running
the commands. Each test failed before its fix."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from bookhelpers import DOC, Cli, person_id, with_accounts

from bianzhi_app.cli import build_parser


def _units_full(region: Cli) -> Cli:
    """区农业农村局 行政 12/12 (entered without approvals), then approvals required again."""
    cli = region
    cli.ok("unit", "add", "区统计局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC)
    cli.ok("quota", "set", "区统计局", "xz", "2", "--doc", DOC)
    cli.ok("approval", "add", "区统计局", "xz", "2", "--method", "公开招录", "--doc", DOC)
    for i in range(2):
        cli.ok("person", "enter", "区统计局", "xz", "--name", f"人员{i}", "--id", person_id(i))
    return cli


# --- 5. a full unit is refused for having no vacancy, with its figures --------------------------
def test_enter_into_a_full_unit_says_no_vacancy_with_the_figures(region: Cli) -> None:
    cli = _units_full(region)
    code, out, err = cli("person", "enter", "区统计局", "xz", "--name", "新人", "--id", person_id(50))
    assert code == 3 and out == ""
    assert err.strip() == "区统计局 行政编制 核定2名,实有2名,在途0名,无空编,不能入编"
    code, _out, err = cli("person", "transfer", person_id(0), "区农业农村局")  # room there, no approval
    assert code == 3 and "先核准后进人" in err  # the approval rule speaks when there is a vacancy
    cli.ok("unit", "add", "区审计局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC)
    cli.ok("quota", "set", "区审计局", "xz", "1", "--doc", DOC)
    cli.ok("approval", "add", "区审计局", "xz", "1", "--method", "公开招录", "--doc", DOC)
    cli.ok("person", "enter", "区审计局", "xz", "--name", "审一", "--id", person_id(60))
    code, _out, err = cli("person", "transfer", person_id(0), "区审计局")
    assert code == 3 and err.strip() == "区审计局 行政编制 核定1名,实有1名,在途0名,无空编,不能调入"


# --- 14. --json after the command ---------------------------------------------------------------
@pytest.mark.parametrize("args", [("status",), ("roster",), ("ledger",), ("check",), ("kind", "list"),
                                  ("post-kind", "list"), ("approval", "list")])
def test_json_is_accepted_after_the_command(region: Cli, args: tuple[str, ...]) -> None:
    code, out, err = region(*args, "--json")
    assert code == 0, err
    assert json.loads(out) == json.loads(region(*("--json", *args))[1])


def test_json_after_a_writing_command(region: Cli) -> None:
    code, out, err = region("quota", "set", "区农业农村局", "xz", "13", "--doc", DOC, "--json")
    assert code == 0, err
    assert json.loads(out)["ok"] is True


# --- 15. every --help in Chinese, every argument described; kind list and post-kind list --------
ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help",
           "show program's", "the following arguments", "expected one argument", "invalid choice",
           "unrecognized arguments", "error:")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    found = []

    def walk(name: str, parser: argparse.ArgumentParser) -> None:
        found.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    walk(f"{name} {sub}".strip(), child)

    walk("", build_parser())
    return found


def test_every_command_and_argument_has_chinese_help_without_english_fragments() -> None:
    parsers = _parsers()
    names = {name for name, _parser in parsers}
    assert {"kind list", "post-kind list", "status", "person enter", "report"} <= names
    problems = []
    for name, parser in parsers:
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help or not CJK.search(action.help):
                problems.append(f"{name or 'bianzhi'}: {action.option_strings or action.dest} has no Chinese help")
        text = parser.format_help()
        problems += [f"{name or 'bianzhi'}: {fragment!r} in --help" for fragment in ENGLISH if fragment in text]
        if not CJK.search(parser.description or ""):
            problems.append(f"{name}: no Chinese description")
    assert problems == []


def test_kind_and_post_arguments_list_the_kinds_with_their_codes() -> None:
    for name, parser in _parsers():
        for action in parser._actions:
            if name != "report" and (action.metavar == "KIND" or action.dest == "kind"):  # report KIND: a report
                assert all(part in action.help for part in ("行政编制 xz", "政法专项编制 zf", "事业编制 sy",
                                                            "机关工勤编制 gq")), name
            if action.metavar == "POST":
                assert all(part in action.help for part in ("正职 zz", "副职 fz", "内设机构正职 nz",
                                                            "内设机构副职 nf")), name


def test_kind_list_and_post_kind_list(region: Cli) -> None:
    text = region.ok("kind", "list")
    assert "xz\t行政编制" in text and "gq\t机关工勤编制" in text
    kinds = region.json("kind", "list")["kinds"]
    assert {"code": "zf", "name": "政法专项编制"} in kinds
    assert "nz\t内设机构正职" in region.ok("post-kind", "list")
    region.ok("kind", "add", "jy", "教育专项编制", "--doc", DOC)
    assert "jy\t教育专项编制" in region.ok("kind", "list")


@pytest.mark.parametrize(("args", "fragment"), [
    (("quota", "set", "区农业农村局"), "缺少必填参数"),
    (("quota", "set", "区农业农村局", "xz", "十二", "--doc", DOC), "「十二」不是整数"),
    (("report", "frobnicate", "-o", "x.pdf"), "无效的选项"),
    (("status", "--bogus"), "无法识别的参数"),
    (("frobnicate",), "无效的选项"),
])
def test_usage_errors_are_chinese(region: Cli, args: tuple[str, ...], fragment: str) -> None:
    code, _out, err = region(*args)
    assert code == 2 and fragment in err, err
    assert not [f for f in ENGLISH if f in err], err


def test_version_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    assert "显示版本号并退出" in capsys.readouterr().out


# --- 16. roster prints names, the JSON keeps codes ------------------------------------------------
def test_roster_text_has_kind_and_post_names_and_json_codes(region: Cli) -> None:
    cli = region
    cli.ok("unit", "add", "区统计局", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC,
           "--no-approval-required")
    cli.ok("quota", "set", "区统计局", "xz", "2", "--doc", DOC)
    cli.ok("posts", "set", "区统计局", "zz", "1", "--doc", DOC)
    cli.ok("person", "enter", "区统计局", "xz", "--name", "甲", "--id", person_id(1))
    cli.ok("person", "appoint", person_id(1), "zz")
    line = cli.ok("roster").strip()
    assert line.split("\t")[3:5] == ["行政编制", "正职"], line
    [person] = cli.json("roster")["persons"]
    assert (person["kind"], person["post"]) == ("xz", "zz")


# --- 17. --as-of before the book existed; the as-of ledger head everywhere -----------------------
def test_status_as_of_before_the_book_existed_says_so(region: Cli, tmp_path: Path) -> None:
    before = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    pdf = tmp_path / "总表.pdf"
    for args in (("status",), ("roster",), ("report", "summary", "-o", str(pdf))):
        code, out, err = region(*args, "--as-of", before)
        assert code == 4 and out == "", (args, code, out)
        assert "早于本台账的第一笔记录" in err and "还没有编制数据" in err
    assert not pdf.exists()


def test_status_as_of_gives_the_ledger_head_of_that_day_like_the_report(demo_book: Path, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cli = Cli(with_accounts(demo_book), capsys)
    head_now = cli.json("status")["ledger_head"]
    day = "2025-06-30"
    data = cli.json("status", "--as-of", day)
    assert data["ledger_head"] == data["as_of_ledger_head"] != head_now
    assert data["current_ledger_head"] == head_now
    text = cli.ok("status", "--as-of", day)
    assert f"台账 #{data['ledger_head']['seq']} {data['ledger_head']['hash'][:12]}" in text
    report = cli.json("report", "summary", "-o", str(tmp_path / "总表.pdf"), "--as-of", day)
    assert report["ledger_head"] == data["ledger_head"]
