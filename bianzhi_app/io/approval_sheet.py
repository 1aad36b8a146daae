"""The optional 「用编核准」 sheet: the open usage approvals (在途) of an exported book.

Used by an initial import to re-create each approval with the slots it still reserves (核准数 −
已使用), its number, method, dates and document. Recognised by a header row holding 「核准编号」
or 「核准数」 together with 「单位名称」 and 「编制类型」. Regular imports do not use it.
"""

from __future__ import annotations

import datetime as dt
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

_FIELDS = {"核准编号": "number", "编号": "number", "单位名称": "unit", "单位": "unit", "所在单位": "unit",
           "编制类型": "kind", "核准数": "count", "核准人数": "count", "已使用": "used", "已用": "used",
           "补充方式": "method", "核准日期": "issued", "有效期至": "valid", "有效期": "valid",
           "文件依据": "doc", "文号": "doc"}
NAMES = {"number": "核准编号", "unit": "单位名称", "kind": "编制类型", "count": "核准数", "used": "已使用",
         "method": "补充方式", "issued": "核准日期", "valid": "有效期至", "doc": "文件依据"}


@dataclass
class ApprovalRow:
    sheet: str
    row: int
    number: str | None
    unit: str
    kind: str
    remaining: int            # 核准数 − 已使用: the slots the approval still reserves
    method: str | None
    issued_on: dt.date | None
    valid_until: dt.date | None
    doc: str | None
    cells: dict[str, str]     # field → the cell as shown, for a problem report


@dataclass
class ApprovalSheet:
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # field → "C(编制类型)"
    rows: list[ApprovalRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_approval_sheet(path: str | PathLike[str], sheets: list[str] | None = None) -> ApprovalSheet:
    """The first sheet with a 核准编号/核准数 + 单位名称 + 编制类型 header; an empty ApprovalSheet when
    there is none. ``sheets`` limits the search (e.g. to the sheets ``read_workbook`` ignored)."""
    file = Path(path)
    book = open_workbook(file)
    result = ApprovalSheet()
    for name in book.sheet_names if sheets is None else sheets:
        iterator = load_sheet(book, name, file.name).iter_rows()
        head = list(islice(iterator, SCAN_ROWS))
        for index, row in enumerate(head):
            columns: dict[str, int] = {}
            for col, value in enumerate(row):
                fld = _FIELDS.get(header_key(value))
                if fld and fld not in columns:
                    columns[fld] = col
            if {"unit", "kind"} <= set(columns) and ("number" in columns or "count" in columns):
                result.sheet = name
                result.columns = {fld: f"{column_letter(col)}({NAMES[fld]})" for fld, col in columns.items()}
                _read(result, name, chain(head[index + 1:], iterator), index + 2, columns)
                return result
    return result


def _read(result: ApprovalSheet, sheet: str, rows: Iterable[list[Any]], first_row: int,
          columns: dict[str, int]) -> None:
    def cell(row: list[Any], fld: str) -> object:
        index = columns.get(fld)
        return row[index] if index is not None and index < len(row) else None

    def problem(excel_row: int, fld: str, value: object, reason: str) -> None:
        result.problems.append(Problem(sheet, excel_row, result.columns.get(fld, ""), v.display(value), reason))

    seen: dict[str, int] = {}
    for excel_row, row in enumerate(rows, start=first_row):
        if all(v.is_blank(c) for c in row):
            continue
        cells = {fld: v.display(cell(row, fld)) for fld in columns}
        try:
            fld = "unit"
            unit = v.unit_name(cell(row, "unit"))
            if not unit:
                raise CellError("单位名称不能为空")
            fld = "kind"
            kind = v.kind_code(cell(row, "kind"))
            if kind is None:
                raise CellError("编制类型不能为空")
            fld = "count"
            count = v.parse_count(cell(row, "count"), "核准数")
            if not count:
                raise CellError("核准数应为正整数")
            fld = "used"
            used = v.parse_count(cell(row, "used"), "已使用") or 0
            if used > count:
                raise CellError(f"已使用{used}名超过核准数{count}名")
            fld = "issued"
            issued = v.parse_date(cell(row, "issued"), "核准日期")
            fld = "valid"
            valid = v.parse_date(cell(row, "valid"), "有效期至")
        except CellError as exc:
            problem(excel_row, fld, cell(row, fld), exc.reason)
            continue
        number = v.compact(cell(row, "number")) or None
        if number is not None:
            if number in seen:
                problem(excel_row, "number", number, f"核准编号与第{seen[number]}行重复")
                continue
            seen[number] = excel_row
        if used == count:  # used up: reserves nothing, nothing to re-create
            continue
        method = v.display(cell(row, "method")).strip() or None
        doc = v.display(cell(row, "doc")).strip() or None
        result.rows.append(ApprovalRow(sheet, excel_row, number, unit, kind, count - used, method,
                                       issued[0] if issued else None, valid[0] if valid else None, doc, cells))
