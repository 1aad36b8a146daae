"""Export never writes a live formula, and import never reads an uncomputed formula as a blank (issue 14).

Names, 文号 and other text that a spreadsheet would take for a formula (= + - @, a tab) are written as text cells
with Excel's quote prefix in workbooks, list exports and the template; a formula cell without a cached value in an
imported workbook is a problem of its cell."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
from bookhelpers import DOC, Cli, fingerprint, person_id

from bianzhi_app.io.export import ExportColumn, export_rows, write_template

UNIT = "区农业农村局"
HOSTILE_UNIT = '=HYPERLINK("http://evil.example/x","点我")'
HOSTILE_PERSON = "=cmd|'/Ccalc'!A0"
HOSTILE_DOC = "@SUM(1+1)*cmd|'/Ccalc'!A0"


def formula_elements(path: Path) -> list[str]:
    """Every <f> element in any sheet of an .xlsx: a live formula."""
    with zipfile.ZipFile(path) as archive:
        return [m for name in archive.namelist() if name.startswith("xl/worksheets/")
                for m in re.findall(r"<(?:\w+:)?f[ >]", archive.read(name).decode("utf-8"))]


def risky_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@", "\t")]


def test_export_writes_formula_like_text_as_quoted_text(region: Cli, tmp_path: Path) -> None:
    region.ok("unit", "add", HOSTILE_UNIT, "--category", "政府工作部门", "--rank", "正科", "--no-approval-required",
              "--doc", HOSTILE_DOC)
    region.ok("quota", "set", HOSTILE_UNIT, "xz", "3", "--doc", DOC)
    region.ok("person", "enter", HOSTILE_UNIT, "xz", "--name", HOSTILE_PERSON, "--id", person_id(1))
    region.ok("person", "enter", HOSTILE_UNIT, "xz", "--name", "+张三", "--id", person_id(2))
    region.ok("approval", "add", UNIT, "xz", "1", "--method", "公开招录", "--doc=-杨编发〔2026〕9号")
    path = tmp_path / "out.xlsx"
    region.ok("export", str(path), "--full-id", "--reason", "测试:导出再导入")  # full numbers: it is imported back
    assert formula_elements(path) == []
    cells = risky_cells(path)
    values = {c.value for c in cells}
    assert {HOSTILE_UNIT, HOSTILE_PERSON, "+张三"} <= values
    assert any(v.startswith("-杨编发") for v in values)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells), [(c.coordinate, c.value) for c in cells
                                                                      if not c.quotePrefix]
    # read back by the importer as the same text (a dry run of an initial import finds no problem with them)
    code, out, err = Cli(tmp_path / "copy.db", region.capsys)("import", str(path), "--initial", "--dry-run")
    assert code == 0, err
    assert "公式" not in out + err


def test_list_exports_and_the_template_write_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    export_rows(path, "=标题", [ExportColumn("单位"), ExportColumn("文号", "text"), ExportColumn("数")],
                [[HOSTILE_UNIT, HOSTILE_DOC, 3], ["\t=1+1", "-1", 4], ["普通", "杨编发〔2026〕1号", 5]])
    assert formula_elements(path) == []
    cells = risky_cells(path)
    assert {c.value for c in cells} == {"=标题", HOSTILE_UNIT, HOSTILE_DOC, "\t=1+1", "-1"}
    assert all(c.quotePrefix for c in cells)
    template = tmp_path / "template.xlsx"
    write_template(template)
    assert formula_elements(template) == []
    assert all(c.quotePrefix for c in risky_cells(template))


def test_an_uncomputed_formula_in_an_import_is_a_problem_of_its_cell(region: Cli, tmp_path: Path) -> None:
    region.ok("approval", "add", UNIT, "xz", "1", "--method", "公开招录", "--doc", DOC)
    region.ok("person", "enter", UNIT, "xz", "--name", "张三", "--id", person_id(1))
    exported = tmp_path / "out.xlsx"
    region.ok("export", str(exported))
    wb = openpyxl.load_workbook(exported)
    ws = wb["人员"]
    ws["A3"] = '="李"&"四"'  # openpyxl stores no computed value: calamine would read a blank name
    ws["A4"] = "王五"
    ws["B4"] = person_id(2)
    ws["E4"] = UNIT
    ws["F4"] = "行政编制"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    before = fingerprint(region.db)
    code, out, err = region("import", str(edited))
    assert code == 4, err
    assert '人员\t3\tA(姓名)\t="李"&"四"\t单元格是公式但没有计算结果' in out + err
    assert fingerprint(region.db) == before
    data = region("--json", "import", str(edited), "--dry-run")
    assert "公式" in data[1] + data[2]
