"""export_rows: any list as shown in the window, streamed to .xlsx (title, frozen bold header, widths,
ID numbers as text, dates as dates); cancel leaves no file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
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
    assert (2000, 5000, "导出") in seen and seen[-1][2] == "保存文件"
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
