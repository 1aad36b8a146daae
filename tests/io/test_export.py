"""Export (format, round trip through an initial import), the blank template, and client files saved by
LibreOffice (committed fixtures, see fixtures/make_fixtures.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from bookhelpers import ROOT, Cli, fingerprint, person_id

from bianzhi_app.book import Book
from bianzhi_app.io.workbook import read_workbook
from bianzhi_app.queries import approval_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_export_format(region: Cli, tmp_path: Path) -> None:
    cli = region
    cli.ok("unit", "add", "区水利局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
           "--doc", "杨编发〔2026〕1号", "--on", "2026-01-01")
    cli.ok("quota", "set", "区水利局", "xz", "3", "--doc", "杨编发〔2026〕1号", "--on", "2026-01-01")
    cli.ok("person", "enter", "区水利局", "xz", "--name", "张三", "--id", person_id(1), "--on", "2026-01-05")
    path = tmp_path / "out.xlsx"
    assert cli.json("export", str(path)) == {"ok": True, "file": str(path), "units": 2, "persons": 1}
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["单位", "人员", "编制总额"]
    ws = wb["人员"]
    assert ws.freeze_panes == "A3"
    assert str(ws["A1"].value).startswith("杨陵区实名制在编人员")
    assert [c.value for c in ws[2]] == ["姓名", "身份证号", "性别", "出生日期", "所在单位", "编制类型", "领导职务",
                                        "入编时间"]
    assert all(c.font.b for c in ws[2])
    name, id_cell, gender, birth, unit, kind, post, entered = ws[3]
    assert id_cell.value == person_id(1) and id_cell.data_type == "s" and id_cell.number_format == "@"
    assert isinstance(entered.value, dt.datetime) and entered.value.date() == dt.date(2026, 1, 5)
    assert entered.number_format == "yyyy-mm-dd" and birth.value.date() == dt.date(1990, 1, 1)
    assert (name.value, gender.value, unit.value, kind.value, post.value) == ("张三", "男", "区水利局", "行政编制",
                                                                             None)
    assert ws.column_dimensions["B"].width >= 20
    units = wb["单位"]
    head = [c.value for c in units[2]]
    row = dict(zip(head, [c.value for c in units[4]], strict=True))
    assert row["单位名称"] == "区水利局" and row["行政编制核定数"] == 3 and row["行政编制实有人数"] == 1
    parsed = read_workbook(path)
    assert parsed.problems == [] and len(parsed.persons) == 1 and len(parsed.units) == 2
    assert parsed.ignored_sheets == ["编制总额"]


def test_round_trip_gives_the_same_figures_and_roster(demo_book: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    source = Cli(demo_book, capsys)
    with Book.open(demo_book) as book:  # open approvals (在途) are not exported: release them first
        with book.read() as conn:
            numbers = [r["number"] for r in approval_rows(conn, book.catalog)]
    for number in numbers:
        source.ok("approval", "cancel", number)
    path = tmp_path / "demo.xlsx"
    source.ok("export", str(path))
    target = Cli(tmp_path / "copy.db", capsys)
    code, out, err = target("--json", "import", str(path), "--initial")
    assert code == 0, err
    assert json.loads(out)["problems"] == []

    def figures(cli: Cli) -> tuple:
        status = cli.json("status")
        names = {u["id"]: u["name"] for u in status["units"]}
        units = {u["name"]: (u["category"], u["rank"], u["funding"], names.get(u["parent_id"]), u["quota"],
                             u["posts"]) for u in status["units"]}
        return status["region"], status["pool"], units

    assert figures(target) == figures(source)
    roster = sorted(json.dumps(p, sort_keys=True) for p in source.json("roster")["persons"])
    assert sorted(json.dumps(p, sort_keys=True) for p in target.json("roster")["persons"]) == roster
    assert target.ok("check")


def test_template_has_the_headers_and_notes(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    cli.ok("template", str(path))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["说明", "单位", "人员", "编制总额"]
    assert "身份证号" in "".join(str(r[0].value) for r in wb["说明"].iter_rows())
    parsed = read_workbook(path)
    assert parsed.unit_sheets == ["单位"] and parsed.person_sheets == ["人员"] and parsed.problems == []
    assert set(parsed.columns["单位"]) >= {"unit", "parent", "category", "rank", "funding", "uscc", "quota:xz",
                                          "quota:zf", "quota:sy", "quota:gq", "limit:zz", "limit:fz", "limit:nz",
                                          "limit:nf"}
    shipped = ROOT / "resources" / "templates" / "import_template.xlsx"
    assert shipped.is_file()
    assert read_workbook(shipped).columns == parsed.columns


@pytest.mark.parametrize("name", ["client.xlsx", "client.xls"])
def test_libreoffice_saved_client_files(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    cli = Cli(tmp_path / "book.db", capsys)
    cli.ok("init", "--region", "杨陵区", "--code", "610403")
    before = fingerprint(cli.db)
    code, out, _err = cli("--json", "import", str(path), "--initial")
    assert code == 4
    [problem] = json.loads(out)["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("花名册", 5, "C(公民身份号码)")
    assert "校验位" in problem["reason"]
    assert fingerprint(cli.db) == before
    code, out, err = cli("--json", "import", str(path), "--initial", "--skip-invalid")
    assert code == 0, err
    imported = json.loads(out)["imported"]
    assert imported["units_added"] == 2 and imported["persons_entered"] == 3 and imported["posts_appointed"] == 1
    office = cli.json("status", "--unit", "区委办公室")["units"][0]
    assert office["category"] == "党委工作机关" and office["quota"]["xz"]["approved"] == 3
    assert office["posts"]["fz"]["limit"] == 1
    assert {p["name"] for p in cli.json("roster")["persons"]} == {"张三", "李四", "王五"}
