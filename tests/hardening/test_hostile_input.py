"""Hostile input (issue 14): one cleaning place in the core (bianzhi_app/texts.py) refuses control and format
characters (bidi overrides, zero-width, NUL), lone surrogates and non-characters in every name, 文号 and text
field with exit 4 naming the field, and the book stays as it was; lengths are bounded so that every report prints
the longest accepted value; all-digit unit names are refused, only ASCII digits are a unit id, counts stay within
0…1,000,000, and the --user name is checked like any name."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from bookhelpers import DOC, Cli, fingerprint, person_id

from bianzhi_app.book import Book
from bianzhi_app.errors import InvalidInput
from bianzhi_app.reports.common import ReportOptions
from bianzhi_app.reports.render import render_report
from bianzhi_app.texts import (
    COUNT_MAX,
    DOC_NUMBER_MAX,
    DOC_TITLE_MAX,
    PERSON_NAME_MAX,
    POOL_MAX,
    REGION_NAME_MAX,
    UNIT_NAME_MAX,
)

UNIT = "区农业农村局"
# Each one hides a character no field may hold: bidi override, zero-width space, NUL, a non-character, BOM,
# a bidi isolate, a C1 control.
HOSTILE = {"rlo": "\u202e乙丙", "zwsp": "乙\u200b丙", "nul": "乙\x00丙", "nonchar": "乙\ufffe丙",
           "bom": "\ufeff乙丙", "isolate": "乙\u2066丙", "c1": "乙\x85\x9b丙", "private": "乙\ue000丙"}


def refused(cli: Cli, *args: str, code: int = 4, words: str = "") -> str:
    before = fingerprint(cli.db)
    rc, out, err = cli(*args)
    assert rc == code, f"{args}: exit {rc}: {err}"
    assert words in err, err
    assert "Traceback" not in out + err
    assert fingerprint(cli.db) == before, f"{args} changed the book"
    return err


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
def test_hidden_characters_are_refused_in_every_field(region: Cli, bad: str) -> None:
    region.ok("approval", "add", UNIT, "xz", "2", "--method", "公开招录", "--doc", DOC)
    cases = [
        (("unit", "add", bad, "--category", "政府工作部门", "--rank", "正科", "--doc", DOC), "单位名称"),
        (("unit", "rename", UNIT, bad, "--doc", DOC), "单位名称"),
        (("unit", "merge", UNIT, "--into", bad, "--doc", DOC), "单位名称"),
        (("person", "enter", UNIT, "xz", "--name", bad, "--id", person_id(1)), "姓名"),
        (("quota", "set", UNIT, "xz", "5", "--doc", "杨编发" + bad), "文号"),
        (("quota", "set", UNIT, "xz", "5", "--doc", DOC + "补", "--doc-title", bad), "文件标题"),
        (("pool", "set", "xz", "120", "--doc", bad + "〔2026〕1号"), "文号"),
        (("kind", "add", "tx", bad, "--doc", DOC), "名称"),
        (("unit", "set", UNIT, "--functions", "负责" + bad, "--doc", DOC), "主要职责"),
    ]
    for args, words in cases:
        refused(region, *args, words=words)
    # the 出编 document is optional, and checked all the same
    region.ok("person", "enter", UNIT, "xz", "--name", "张三", "--id", person_id(1))
    refused(region, "person", "leave", person_id(1), "--reason", "退休", "--doc", "杨人社发" + bad, words="文号")


@pytest.mark.parametrize("bad", [HOSTILE["rlo"], HOSTILE["nul"], HOSTILE["zwsp"]])
def test_init_refuses_a_hidden_character_in_the_region_name(cli: Cli, bad: str) -> None:
    code, _out, err = cli("init", "--region", bad, "--code", "610403")
    assert code == 4 and "行政区域名称" in err
    with Book.open(cli.db) as book:
        assert book.is_empty()


def test_the_user_name_is_checked_like_any_name(region: Cli) -> None:
    before = fingerprint(region.db, skip=())
    for bad in (HOSTILE["rlo"], HOSTILE["nul"], "ad\u200bmin", "x" * 40):
        code, out, err = region("--user", bad, "status")
        assert code == 4 and "账户名" in err and "Traceback" not in out + err, (bad, code, err)
    assert fingerprint(region.db, skip=()) == before  # not even a failed sign-in logged under such a name


def test_lone_surrogates_are_refused_by_the_core(tmp_path: Path) -> None:
    with Book.open(tmp_path / "b.db") as book:
        book.region.init(name="杨陵区", code="610403")
        with pytest.raises(InvalidInput, match="单位名称") as caught:
            book.units.add(name="乙\udc80丙", category="政府工作部门", rank="正科", doc=DOC)
        assert caught.value.field == "name"
        with pytest.raises(InvalidInput, match="文号"):
            book.region.set_pool(kind="xz", total=5, doc="杨编发\ud800〔2026〕1号")


def test_the_command_line_refuses_undecodable_arguments(region: Cli) -> None:
    refused(region, "unit", "add", "乙\udc80丙", "--category", "政府工作部门", "--rank", "正科", "--doc", DOC)


def test_review_reject_reason_refuses_hidden_characters(tmp_path: Path) -> None:
    from bookhelpers import signed_in, with_accounts

    path = tmp_path / "r.db"
    with Book.open(path) as book:
        book.region.init(name="杨陵区", code="610403")
    with_accounts(path, review=True)
    with signed_in(path) as book:
        proposal = book.region.set_pool(kind="xz", total=5, doc=DOC).proposal
    assert proposal is not None
    with signed_in(path) as book, pytest.raises(InvalidInput, match="退回理由"):
        book.review.reject(number=proposal, reason="不\u202e同意")


def test_lengths_are_bounded_and_named(region: Cli) -> None:
    refused(region, "unit", "add", "局" * (UNIT_NAME_MAX + 1), "--category", "政府工作部门", "--rank", "正科",
            "--doc", DOC, words=f"不超过{UNIT_NAME_MAX}字")
    refused(region, "quota", "set", UNIT, "xz", "5", "--doc", "杨编发〔2026〕" + "1" * DOC_NUMBER_MAX + "号",
            words=f"不超过{DOC_NUMBER_MAX}字")
    refused(region, "quota", "set", UNIT, "xz", "5", "--doc", DOC, "--doc-title", "题" * (DOC_TITLE_MAX + 1),
            words=f"不超过{DOC_TITLE_MAX}字")
    refused(region, "person", "enter", UNIT, "xz", "--name", "名" * (PERSON_NAME_MAX + 1), "--id", person_id(1),
            words=f"不超过{PERSON_NAME_MAX}字")


@pytest.mark.parametrize("name", ["123", "٣٤", "１２３", "²"])
def test_all_digit_unit_names_are_refused(region: Cli, name: str) -> None:
    refused(region, "unit", "add", name, "--category", "政府工作部门", "--rank", "正科", "--doc", DOC,
            words="单位名称")
    refused(region, "unit", "rename", UNIT, name, "--doc", DOC, words="单位名称")


@pytest.mark.parametrize("ref", ["١", "²", "¹", "①", "9" * 30])
def test_only_ascii_digits_are_read_as_a_unit_id(region: Cli, ref: str) -> None:
    refused(region, "quota", "set", ref, "xz", "5", "--doc", DOC, code=5, words="未找到单位")
    code, _out, err = region("status", "--unit", ref)
    assert code == 5 and "Traceback" not in err


def test_an_ascii_id_still_names_a_unit(region: Cli) -> None:
    region.ok("quota", "set", "1", "xz", "5", "--doc", DOC)
    units = {u["id"]: u for u in region.json("status")["units"]}
    assert units[1]["quota"]["xz"]["approved"] == 5


@pytest.mark.parametrize(("args", "code", "words"), [
    (("pool", "set", "xz", "100000000000000000000", "--doc", DOC), 4, f"不超过{POOL_MAX:,}"),
    (("pool", "set", "xz", str(POOL_MAX + 1), "--doc", DOC), 4, f"编制总额过大({POOL_MAX + 1}),不超过{POOL_MAX:,}"),
    (("quota", "set", UNIT, "xz", str(COUNT_MAX + 1), "--doc", DOC), 4, f"不超过{COUNT_MAX:,}"),
    (("quota", "set", UNIT, "xz", "99999999999999999999999", "--doc", DOC), 4, "核定编制数过大"),
    (("posts", "set", UNIT, "zz", "10000000", "--doc", DOC), 4, "领导职数过大"),
    (("approval", "add", UNIT, "xz", "18446744073709551616", "--method", "公开招录", "--doc", DOC), 4, "过大"),
    (("quota", "set", UNIT, "xz", "١", "--doc", DOC), 2, "不是整数"),
    (("pool", "set", "xz", "²", "--doc", DOC), 2, "不是整数"),
    (("pool", "set", "xz", "1" * 400, "--doc", DOC), 2, "不是整数"),
])
def test_counts_outside_the_range_get_a_chinese_message(region: Cli, args: tuple[str, ...], code: int,
                                                        words: str) -> None:
    refused(region, *args, code=code, words=words)


def test_the_largest_counts_are_accepted(region: Cli) -> None:
    region.ok("pool", "set", "xz", str(POOL_MAX), "--doc", DOC)  # a province's pool of one kind passes 1,000,000
    region.ok("quota", "set", UNIT, "xz", str(COUNT_MAX), "--doc", DOC)
    status = region.json("status")
    assert status["pool"]["xz"]["total"] == POOL_MAX and status["units"][0]["quota"]["xz"]["approved"] == COUNT_MAX


# --- the longest accepted values print in every report ----------------------------------------------------


def flat(text: str) -> str:
    return "".join(text.split())


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        cells = [c or "" for page in pdf.pages for table in page.extract_tables() for row in table for c in row]
        return flat("".join(page.extract_text() or "" for page in pdf.pages)) + "|" + "|".join(map(flat, cells))


def test_the_longest_accepted_values_print_in_every_report(tmp_path: Path) -> None:
    region = "杨" * REGION_NAME_MAX
    unit = ("农业农村局" * 40)[:UNIT_NAME_MAX]
    name = ("欧阳" * 20)[:PERSON_NAME_MAX]
    doc = ("杨编发〔2026〕" + "1" * DOC_NUMBER_MAX)[:DOC_NUMBER_MAX - 1] + "号"
    title = ("关于核定编制的通知" * 20)[:DOC_TITLE_MAX]
    with Book.open(tmp_path / "long.db") as book:
        book.region.init(name=region, code="610403")
        book.region.set_pool(kind="xz", total=COUNT_MAX, doc=doc, doc_title=title)
        book.units.add(name=unit, category="政府工作部门", rank="正科", doc=doc)
        book.quotas.set(unit=unit, kind="xz", approved=COUNT_MAX, doc=doc)
        number = book.approvals.add(unit=unit, kind="xz", count=2, method="公开招录", doc=doc).result
        book.staff.enter(unit=unit, kind="xz", name=name, id_number=person_id(1))
        book.units.set_functions(unit=unit, functions="负责" + unit + "的工作。", doc=doc)
        printed = {}
        for kind, options in (("ledger", ReportOptions()), ("notice", ReportOptions(approval=str(number))),
                              ("roster", ReportOptions()), ("disclosure", ReportOptions()),
                              ("summary", ReportOptions())):
            result = render_report(book, kind, tmp_path / f"{kind}.pdf", options=options)
            assert result.pages >= 1
            printed[kind] = pdf_text(result.path)
    assert doc in printed["ledger"] and name in printed["ledger"]
    assert flat(unit) in printed["ledger"]
    assert doc in printed["notice"] and unit in printed["notice"]
    assert name in printed["roster"] and unit in printed["roster"]
    assert unit in printed["disclosure"]
    assert unit in printed["summary"]


def test_import_refuses_hidden_characters_in_its_cells(region: Cli, tmp_path: Path) -> None:
    import openpyxl

    region.ok("approval", "add", UNIT, "xz", "2", "--method", "公开招录", "--doc", DOC)
    region.ok("person", "enter", UNIT, "xz", "--name", "张三", "--id", person_id(1))
    exported = tmp_path / "out.xlsx"
    region.ok("export", str(exported))
    wb = openpyxl.load_workbook(exported)
    ws = wb["人员"]
    ws["A4"], ws["B4"], ws["E4"], ws["F4"] = "\u202e乙丙", person_id(2), UNIT, "行政编制"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    before = fingerprint(region.db)
    code, out, err = region("import", str(edited), "--doc", DOC)
    assert code == 4, err
    assert "姓名第1字处含不可见的控制字符或非法字符(U+202E)" in out + err
    assert fingerprint(region.db) == before
