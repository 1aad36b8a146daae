"""export_rows: any list as shown in the window, streamed to .xlsx (title, frozen bold header, widths,
ID numbers as text, dates as dates); cancel leaves no file."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from bookhelpers import person_id

from bianzhi_app.errors import Cancelled, InvalidInput
from bianzhi_app.io.export import ExportColumn, export_rows

COLUMNS = [ExportColumn("姓名"), ExportColumn("身份证号", "text"), ExportColumn("入编日期", "date"),
           ExportColumn("人数", "number"), ExportColumn("登记时间")]


def test_export_rows_writes_title_header_text_ids_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    rows = [["张三", person_id(1), dt.date(2026, 1, 5), 3, "2026-01-05T09:00:00+08:00"],
            ["李四", person_id(2), "2025-12-31", "7", None]]
    assert export_rows(path, "区农业农村局 人员名单", COLUMNS, rows) == 2
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "区农业农村局 人员名单" and ws.freeze_panes == "A3"
    assert [c.value for c in ws[2]] == ["姓名", "身份证号", "入编日期", "人数", "登记时间"]
    assert all(c.font.b for c in ws[2])
    _name, id_cell, entered, count, at = ws[3]
    assert id_cell.value == person_id(1) and id_cell.data_type == "s" and id_cell.number_format == "@"
    assert isinstance(entered.value, dt.datetime) and entered.value.date() == dt.date(2026, 1, 5)
    assert entered.number_format == "yyyy-mm-dd" and count.value == 3 and at.value.startswith("2026-01-05")
    assert ws["C4"].value.date() == dt.date(2025, 12, 31) and ws["D4"].value == 7 and ws["E4"].value is None
    assert ws.column_dimensions["B"].width >= 20 and ws.column_dimensions["A"].width >= 6


def test_export_rows_streams_a_generator_and_reports_progress(tmp_path: Path) -> None:
    def rows() -> Iterator[list[object]]:
        for i in range(5000):
            yield [f"人员{i}", person_id(i % 900 + 1), dt.date(2020, 1, 1), i, None]

    seen: list[tuple[int, int, str]] = []
    path = tmp_path / "big.xlsx"
    assert export_rows(path, "名单", COLUMNS, rows(), total=5000,
                       progress=lambda d, t, s: seen.append((d, t, s))) == 5000
    # what a progress bar needs: one total, moving while rows are written, never back, then the save at 100%
    assert {total for _d, total, _s in seen} == {5000}
    done = [d for d, _t, _s in seen]
    assert done == sorted(done) and any(stage == "导出" and 0 < d < 5000 for d, _t, stage in seen)
    assert seen[-1] == (5000, 5000, "保存文件")
    ws = openpyxl.load_workbook(path, read_only=True).active
    assert sum(1 for _ in ws.iter_rows()) == 5002


def test_export_rows_cancel_and_bad_name_leave_no_file(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    rows = ([f"人员{i}", person_id(1), None, i, None] for i in range(4000))
    with pytest.raises(Cancelled):
        export_rows(path, "名单", COLUMNS, rows, cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InvalidInput):
        export_rows(tmp_path / "list.csv", "名单", COLUMNS, [])


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_export_rows_keeps_ids_codes_and_formula_like_values_as_text(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    with_x = person_id(8)
    assert with_x.endswith("X")
    tricky = ["=1+1", "@SUM(A1:A2)", "+1", "-1", '=HYPERLINK("http://example.com")', "000123"]
    columns = [ExportColumn("身份证号", "text"), ExportColumn("备注"), ExportColumn("代码", "text")]
    rows: list[list[object]] = [[with_x, tricky[0], "000123"], *[[person_id(9), text, text] for text in tricky]]
    export_rows(path, "=标题", columns, rows)
    ws = openpyxl.load_workbook(path).active
    assert ws["A1"].value == "=标题" and ws["A1"].data_type == "s"
    id_cell, note, code = ws[3]
    assert (id_cell.value, note.value, code.value) == (with_x, "=1+1", "000123")
    assert id_cell.data_type == note.data_type == code.data_type == "s" and id_cell.number_format == "@"
    for row, text in enumerate(tricky, start=4):
        assert [c.value for c in ws[row]] == [person_id(9), text, text]
        assert all(c.data_type == "s" for c in ws[row])
    assert "<f>" not in _sheet_xml(path)  # no formula anywhere
    # The ID column stays text below the data too, for what a clerk types there.
    assert ws.column_dimensions["A"].number_format == "@"
    read = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert read[2] == [with_x, "=1+1", "000123"] and [r[1] for r in read[3:]] == tricky


def test_export_rows_writes_dates_as_dates_in_any_column(tmp_path: Path) -> None:
    path = tmp_path / "dates.xlsx"
    columns = [ExportColumn("日期", "date"), ExportColumn("时间"), ExportColumn("人数", "number")]
    rows: list[list[object]] = [[dt.date(2026, 1, 5), dt.datetime(2025, 12, 31, 9, 30), 3],
                               ["2026-02-28", dt.date(2024, 2, 29), "12"],
                               ["2026年3月", "说明文字", "几个"]]
    export_rows(path, "日期", columns, rows)
    ws = openpyxl.load_workbook(path).active
    assert ws.freeze_panes == "A3" and ws.row_dimensions[1].height == 24
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    for row, (first, second) in zip((3, 4), [(dt.date(2026, 1, 5), dt.date(2025, 12, 31)),
                                             (dt.date(2026, 2, 28), dt.date(2024, 2, 29))], strict=True):
        day, when, _count = ws[row]
        assert day.value == dt.datetime.combine(first, dt.time()) and day.number_format == "yyyy-mm-dd"
        assert when.value == dt.datetime.combine(second, dt.time()) and when.number_format == "yyyy-mm-dd"
    assert ws["C3"].value == 3 and ws["C4"].value == 12
    assert [c.value for c in ws[5]] == ["2026年3月", "说明文字", "几个"]  # not dates, not numbers: as shown
