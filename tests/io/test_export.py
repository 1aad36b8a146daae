"""Export (format, round trip through an initial import), the blank template, and client files saved by
LibreOffice (committed fixtures, see fixtures/make_fixtures.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from bookhelpers import ROOT, Cli, fingerprint, person_id, with_accounts
from sqlalchemy import select

from bianzhi_app.book import Book
from bianzhi_app.db.models import approvals, documents
from bianzhi_app.errors import Cancelled, InvalidInput
from bianzhi_app.io.approval_sheet import read_approval_sheet
from bianzhi_app.io.export import export_book
from bianzhi_app.io.workbook import read_workbook
from bianzhi_app.queries import approval_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_export_format(region: Cli, tmp_path: Path) -> None:
    cli = region
    cli.ok("unit", "add", "区水利局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
           "--doc", "杨编发〔2026〕1号", "--on", "2026-01-01")
    cli.ok("quota", "set", "区水利局", "xz", "3", "--doc", "杨编发〔2026〕1号", "--on", "2026-01-01")
    cli.ok("person", "enter", "区水利局", "xz", "--name", "张三", "--id", person_id(1), "--on", "2026-01-05")
    number = cli.json("approval", "add", "区水利局", "xz", "2", "--method", "公开招录", "--valid-until", "2026-12-31",
                      "--doc", "杨编发〔2026〕2号", "--on", "2026-01-10")["number"]
    cancelled = cli.json("approval", "add", "区农业农村局", "xz", "1", "--method", "调任", "--doc", "杨编发〔2026〕3号",
                         "--on", "2026-01-11")["number"]
    cli.ok("approval", "cancel", cancelled)
    plain = tmp_path / "plain.xlsx"
    assert cli.json("export", str(plain)) == {"ok": True, "file": str(plain), "units": 2, "persons": 1,
                                              "approvals": 1}
    ws = openpyxl.load_workbook(plain)["人员"]
    assert str(ws["A1"].value).startswith("杨陵区实名制在编人员")  # no marking: nothing confidential in it
    assert ws["B3"].value == person_id(1)[:6] + "********" + person_id(1)[-4:] and ws["D3"].value is None
    path = tmp_path / "out.xlsx"  # for re-import: the full numbers, on record
    assert cli.json("export", str(path), "--full-id", "--reason", "上报核对") == {
        "ok": True, "file": str(path), "units": 2, "persons": 1, "approvals": 1}
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["单位", "人员", "编制总额", "用编核准"]
    ws = wb["人员"]
    assert ws.freeze_panes == "A3"
    assert str(ws["A1"].value).startswith("【内部资料 注意保密 含公民身份号码】杨陵区实名制在编人员")
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
    sheet = wb["用编核准"]
    assert str(sheet["A1"].value).startswith("杨陵区在途用编核准") and sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]] == ["核准编号", "单位名称", "编制类型", "核准数", "已使用", "补充方式",
                                           "核准日期", "有效期至", "文件依据"]
    [row] = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]  # only the active approval
    assert row == [number, "区水利局", "行政编制", 2, 0, "公开招录", dt.datetime(2026, 1, 10),
                   dt.datetime(2026, 12, 31), "杨编发〔2026〕2号"]
    assert sheet["A3"].data_type == "s" and sheet["G3"].number_format == "yyyy-mm-dd"
    parsed = read_workbook(path)
    assert parsed.problems == [] and len(parsed.persons) == 1 and len(parsed.units) == 2
    assert parsed.ignored_sheets == ["编制总额", "用编核准"]
    [approval] = read_approval_sheet(path, parsed.ignored_sheets).rows
    assert (approval.number, approval.unit, approval.kind, approval.remaining, approval.method) == \
        (number, "区水利局", "xz", 2, "公开招录")
    assert (approval.issued_on, approval.valid_until, approval.doc) == \
        (dt.date(2026, 1, 10), dt.date(2026, 12, 31), "杨编发〔2026〕2号")


def test_round_trip_gives_the_same_figures_and_roster(demo_book: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    source = Cli(with_accounts(demo_book), capsys)
    assert open_approvals(demo_book), "the demo book should have open approvals (在途)"
    path = tmp_path / "demo.xlsx"
    source.ok("export", str(path), "--full-id")  # a plain export masks the numbers: it does not import back
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
    assert any(q["reserved"] for u in target.json("status")["units"] for q in u["quota"].values())
    roster = sorted(json.dumps(p, sort_keys=True) for p in source.json("roster", "--full-id")["persons"])
    assert sorted(json.dumps(p, sort_keys=True) for p in target.json("roster", "--full-id")["persons"]) == roster
    assert open_approvals(tmp_path / "copy.db") == open_approvals(demo_book)
    assert target.ok("check")


def open_approvals(path: Path) -> list[tuple]:
    """The active approvals as they matter after a round trip: the slots still reserved (核准数 − 已使用),
    number, unit, kind, method, dates and document."""
    with Book.open(path) as book, book.read() as conn:
        docs = dict(conn.execute(select(approvals.c.number, documents.c.number)
                                 .join(documents, documents.c.id == approvals.c.document_id)).all())
        return [(r["number"], r["unit"], r["kind"], r["remaining"], r["method"], r["status"], r["issued_on"],
                 r["valid_until"], docs[r["number"]]) for r in approval_rows(conn, book.catalog)]


def test_template_has_the_headers_and_notes(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    cli.ok("template", str(path))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["说明", "单位", "人员", "编制总额", "用编核准"]
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


def test_template_keeps_typed_id_numbers_as_text(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    cli.ok("template", str(path))
    wb = openpyxl.load_workbook(path)
    ws = wb["人员"]
    assert ws.freeze_panes == "A3" and all(c.font.b for c in ws[2]) and ws["A1"].font.b
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:H1"]
    assert ws.column_dimensions["B"].number_format == "@"  # the whole 身份证号 column, not only some rows
    assert ws.column_dimensions["H"].number_format == "yyyy-mm-dd"
    assert ws.max_row == 2  # no data rows: the reader finds nothing to import
    assert wb["说明"].column_dimensions["A"].width >= 100 and wb["说明"]["A1"].font.b


def test_export_cancelled_or_refused_leaves_no_file(region: Cli, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    region.ok("unit", "add", "区水利局", "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", "杨编发〔2026〕1号", "--on", "2026-01-01")
    path = tmp_path / "out" / "book.xlsx"
    path.parent.mkdir()
    with Book.open(region.db) as book:
        with pytest.raises(Cancelled):  # asked at the latest just before the file is written
            export_book(book, path, cancel=lambda: True)
        assert list(path.parent.iterdir()) == []

        def locked(src: object, dst: object) -> None:
            raise PermissionError(13, "the file is open in Excel")

        monkeypatch.setattr("bianzhi_app.io.export.os.replace", locked)
        with pytest.raises(InvalidInput, match="正在Excel/WPS中打开"):
            export_book(book, path)
        assert list(path.parent.iterdir()) == []
        monkeypatch.undo()
        assert export_book(book, path)["units"] == 2 and [p.name for p in path.parent.iterdir()] == ["book.xlsx"]
