"""The optional 「编制总额」 sheet: the region (name, code) and its pool per kind.

Used by an initial import to create the region of an empty book and state its pool exactly as
the exporting book had it. Recognised by a header row holding 「编制类型」 and 「编制总额」.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, islice
from os import PathLike
from pathlib import Path
from typing import Any

from bianzhi_app.io import values as v
from bianzhi_app.io.files import load_sheet, open_workbook
from bianzhi_app.io.headers import SCAN_ROWS, column_letter, header_key
from bianzhi_app.io.values import CellError
from bianzhi_app.io.workbook import Problem

_FIELDS = {"行政区域": "region", "区域": "region", "行政区划代码": "code", "区划代码": "code",
           "编制类型": "kind", "编制总额": "total"}


@dataclass
class PoolRow:
    sheet: str
    row: int
    kind: str
    total: int
    column: str  # label of the 编制总额 column, for a problem report


@dataclass
class PoolSheet:
    region_name: str | None = None
    region_code: str | None = None
    sheet: str | None = None
    row: int = 0                       # Excel row of the first region cell, for a problem report
    pools: list[PoolRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_pool_sheet(path: str | PathLike[str], sheets: list[str] | None = None) -> PoolSheet:
    """The first sheet with a 编制类型 + 编制总额 header; an empty PoolSheet when there is none.

    ``sheets`` limits the search (e.g. to the sheets ``read_workbook`` ignored)."""
    file = Path(path)
    book = open_workbook(file)
    result = PoolSheet()
    for name in book.sheet_names if sheets is None else sheets:
        iterator = load_sheet(book, name, file.name).iter_rows()
        head = list(islice(iterator, SCAN_ROWS))
        for index, row in enumerate(head):
            columns = {}
            for col, value in enumerate(row):
                fld = _FIELDS.get(header_key(value))
                if fld and fld not in columns:
                    columns[fld] = col
            if "kind" in columns and "total" in columns:
                result.sheet = name
                _read(result, name, chain(head[index + 1:], iterator), index + 2, columns)
                return result
    return result


def _read(result: PoolSheet, sheet: str, rows: Iterable[list[Any]], first_row: int, columns: dict[str, int]) -> None:
    def label(fld: str) -> str:
        names = {"region": "行政区域", "code": "行政区划代码", "kind": "编制类型", "total": "编制总额"}
        return f"{column_letter(columns[fld])}({names[fld]})"

    def cell(row: list[Any], fld: str) -> object:
        index = columns.get(fld)
        return row[index] if index is not None and index < len(row) else None

    seen: dict[str, int] = {}
    for excel_row, row in enumerate(rows, start=first_row):
        if all(v.is_blank(c) for c in row):
            continue
        name, code = v.unit_name(cell(row, "region")), v.compact(cell(row, "code"))
        if name and result.region_name is None:
            result.region_name, result.row = name, excel_row
        if code and result.region_code is None:
            if not re.fullmatch(r"[0-9]{6}", code):
                result.problems.append(Problem(sheet, excel_row, label("code"), code,
                                               "行政区划代码应为6位数字(GB/T 2260)"))
            else:
                result.region_code = code
                result.row = result.row or excel_row
        try:
            kind = v.kind_code(cell(row, "kind"))
            total = v.parse_count(cell(row, "total"), "编制总额")
        except CellError as exc:
            fld = "kind" if "编制类型" in exc.reason else "total"
            result.problems.append(Problem(sheet, excel_row, label(fld), v.display(cell(row, fld)), exc.reason))
            continue
        if kind is None or total is None:
            continue
        if kind in seen:
            result.problems.append(Problem(sheet, excel_row, label("kind"), v.display(cell(row, "kind")),
                                           f"编制类型与第{seen[kind]}行重复"))
            continue
        seen[kind] = excel_row
        result.pools.append(PoolRow(sheet, excel_row, kind, total, label("total")))
