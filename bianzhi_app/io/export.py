"""Write the book (or a blank template) as an .xlsx workbook that Bianzhi imports back as it is.

openpyxl's write-only mode streams rows to the file, so a province (1,500,000 persons) is written
without holding the roster in memory. Every sheet has a title row, a bold header that stays in
view (frozen), column widths for Chinese text, ID numbers stored as text and dates as dates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func, select

from bianzhi_app import errors, queries
from bianzhi_app.db.models import approvals, documents, staffing
from bianzhi_app.db.models import units as unit_table
from bianzhi_app.errors import Cancelled
from bianzhi_app.io import layout as L

Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 2000

_TITLE_FONT = Font(bold=True, size=14)
_HEAD_FONT = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
DATE_FORMAT = "yyyy-mm-dd"
TEMPLATE_TEXT_ROWS = 1000
TEXT_FORMAT = "@"


class _Sheet:
    """One write-only sheet: title row, frozen bold header, widths; then plain rows."""

    def __init__(self, wb: Workbook, title: str, caption: str, headers: Sequence[str], widths: Sequence[int]):
        ws = wb.create_sheet(title)
        assert isinstance(ws, WriteOnlyWorksheet)
        self.ws = ws
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A3"
        last = get_column_letter(max(len(headers), 1))
        ws.merged_cells.add(f"A1:{last}1")
        ws.row_dimensions[1].height = 24
        title_cell = WriteOnlyCell(ws, caption)
        title_cell.font = _TITLE_FONT
        ws.append([title_cell])
        head = []
        for text in headers:
            cell = WriteOnlyCell(ws, text)
            cell.font, cell.alignment = _HEAD_FONT, _CENTER
            head.append(cell)
        ws.append(head)
        self.text_columns: set[int] = set()

    def text(self, value: str | None) -> Any:
        """A cell Excel keeps as text when edited (ID numbers, codes)."""
        if value is None:
            return None
        cell = WriteOnlyCell(self.ws, value)
        cell.number_format = TEXT_FORMAT
        return cell

    def date(self, value: dt.date | str | None) -> Any:
        if value is None:
            return None
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        cell = WriteOnlyCell(self.ws, day)
        cell.number_format = DATE_FORMAT
        return cell

    def append(self, row: Sequence[Any]) -> None:
        self.ws.append(row)


def _new_workbook() -> Workbook:
    wb = Workbook(write_only=True)
    wb.properties.creator = "Bianzhi"
    return wb


def _check_target(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise errors.InvalidInput(f"导出文件须为.xlsx格式:「{target.name}」")
    if not target.parent.is_dir():
        raise errors.NotFound(f"导出目录不存在:「{target.parent}」")
    return target


def _save(wb: Workbook, path: str | os.PathLike[str]) -> None:
    """Write to a temporary file next to the target and rename: a failed export leaves no half file."""
    target = _check_target(path)
    temp = target.with_name(f".{target.name}.part")
    try:
        wb.save(temp)
        os.replace(temp, target)
    except PermissionError:
        temp.unlink(missing_ok=True)
        raise errors.InvalidInput(f"无法写入「{target.name}」:文件可能正在Excel/WPS中打开,请关闭后重试") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def export_book(book: Any, path: str | os.PathLike[str], *, progress: Progress | None = None,
                cancel: Callable[[], bool] | None = None) -> dict[str, int]:
    """Export units (quotas, post limits), persons on establishment, the region pool and the open
    usage approvals (在途) to ``path``.

    ``book`` is an open :class:`bianzhi_app.book.Book`; everything is read in one snapshot.
    ``progress(done, total, stage)`` is called every few thousand rows, ``cancel()`` as often
    (True → :class:`Cancelled`, no file written). Returns {"units": n, "persons": n, "approvals": n}.
    """
    catalog = book.catalog
    kinds = [k.code for k in catalog.kinds]
    post_codes = [p.code for p in catalog.post_kinds]
    wb = _new_workbook()
    with book.read() as conn:
        data = queries.status(conn, catalog)
        extra = {r.id: r for r in queries.unit_rows(conn)}
        total_persons = conn.execute(select(func.count()).select_from(staffing)
                                     .where(staffing.c.end_date.is_(None))).scalar_one()
        region = data["region"]
        today = dt.date.today().isoformat()
        total = len(data["units"]) + total_persons
        done = 0

        def tick(stage: str, force: bool = False) -> None:
            if force or done % PROGRESS_EVERY == 0:
                if cancel is not None and cancel():
                    raise Cancelled("已取消导出,未写入文件")
                if progress is not None:
                    progress(done, total, stage)

        headers = [*L.UNIT_FIXED, *(L.quota_header(k) for k in kinds), *(L.limit_header(p) for p in post_codes),
                   *(L.used_header(k) for k in kinds)]
        widths = [*L.UNIT_WIDTHS, *[L.FIGURE_WIDTH] * (len(headers) - len(L.UNIT_WIDTHS))]
        units = _Sheet(wb, L.UNITS_SHEET, f"{region['name']}机构编制情况(截至{today})", headers, widths)
        names = {u["id"]: u["name"] for u in data["units"]}
        for u in data["units"]:
            row = extra[u["id"]]
            parent = names.get(u["parent_id"]) if u["parent_id"] else None
            units.append([u["name"], parent, u["category"], u["rank"], u["funding"], units.text(row.uscc),
                          *(u["quota"][k]["approved"] for k in kinds),
                          *(u["posts"][p]["limit"] for p in post_codes),
                          *(u["quota"][k]["used"] for k in kinds)])
            done += 1
            tick("导出单位")
        persons = _Sheet(wb, L.PERSONS_SHEET, f"{region['name']}实名制在编人员(截至{today})",
                         L.PERSON_COLUMNS, L.PERSON_WIDTHS)
        kind_names = {k.code: k.name for k in catalog.kinds}
        post_names = {p.code: p.name for p in catalog.post_kinds}
        for r in queries.roster(conn, catalog):
            persons.append([r["name"], persons.text(r["id_number"]), r["gender"], persons.date(r["birth_date"]),
                            r["unit"], kind_names[r["kind"]], post_names[r["post"]] if r["post"] else None,
                            persons.date(r["entered_on"])])
            done += 1
            tick("导出人员")
        pool = _Sheet(wb, L.POOL_SHEET, f"{region['name']}编制总额(截至{today})", L.POOL_COLUMNS, L.POOL_WIDTHS)
        for k in catalog.kinds:
            figures = data["pool"][k.code]
            pool.append([region["name"], pool.text(region["code"]), k.name, figures["total"], figures["allocated"],
                         figures["unallocated"]])
        sheet = _Sheet(wb, L.APPROVALS_SHEET, f"{region['name']}在途用编核准(截至{today})", L.APPROVAL_COLUMNS,
                       L.APPROVAL_WIDTHS)
        open_approvals = 0
        for a in conn.execute(select(approvals, unit_table.c.name.label("unit"),
                                     documents.c.number.label("doc"))
                              .join(unit_table, unit_table.c.id == approvals.c.unit_id)
                              .join(documents, documents.c.id == approvals.c.document_id)
                              .where(approvals.c.status == "active").order_by(approvals.c.id)):
            sheet.append([sheet.text(a.number), a.unit, catalog.kind_by_id(a.kind_id).name, a.count,
                          a.used_count, a.method, sheet.date(a.issued_on), sheet.date(a.valid_until), a.doc])
            open_approvals += 1
    tick("保存文件", force=True)
    _save(wb, path)
    if progress is not None:
        progress(total, total, "完成")
    return {"units": len(data["units"]), "persons": total_persons, "approvals": open_approvals}


def write_template(path: str | os.PathLike[str]) -> None:
    """A blank workbook with the expected headers and a 说明 (notes) sheet."""
    kinds, posts = list(L.KIND_NAMES), list(L.POST_NAMES)
    wb = _new_workbook()
    notes = wb.create_sheet(L.NOTES_SHEET)
    assert isinstance(notes, WriteOnlyWorksheet)
    notes.column_dimensions["A"].width = 120
    for index, line in enumerate(L.NOTES):
        cell = WriteOnlyCell(notes, line)
        cell.font = _TITLE_FONT if index == 0 else Font()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        notes.append([cell])
    headers = [*L.UNIT_FIXED, *(L.quota_header(k) for k in kinds), *(L.limit_header(p) for p in posts)]
    widths = [*L.UNIT_WIDTHS, *[L.FIGURE_WIDTH] * (len(headers) - len(L.UNIT_WIDTHS))]
    _Sheet(wb, L.UNITS_SHEET, "机构编制情况", headers, widths)
    persons = _Sheet(wb, L.PERSONS_SHEET, "实名制在编人员", L.PERSON_COLUMNS, L.PERSON_WIDTHS)
    id_column = L.PERSON_COLUMNS.index("身份证号")
    for _ in range(TEMPLATE_TEXT_ROWS):  # typed ID numbers stay text, not rounded numbers
        blank = WriteOnlyCell(persons.ws, None)
        blank.number_format = TEXT_FORMAT
        persons.append([None] * id_column + [blank])
    _Sheet(wb, L.POOL_SHEET, "编制总额", L.POOL_COLUMNS, L.POOL_WIDTHS)
    _Sheet(wb, L.APPROVALS_SHEET, "在途用编核准", L.APPROVAL_COLUMNS, L.APPROVAL_WIDTHS)
    _save(wb, path)


# --- any list as shown in the window -------------------------------------------------------------

COLUMN_KINDS = ("auto", "text", "date", "number")
WIDTH_SAMPLE = 200  # rows looked at to size the columns (the rest is streamed)
MAX_WIDTH = 60


@dataclass(frozen=True)
class ExportColumn:
    """One column of a list export. ``kind``: "text" keeps the value as text (ID numbers, codes),
    "date" writes a date cell, "number" a number, "auto" decides by the value's type."""

    header: str
    kind: str = "auto"
    width: int | None = None


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _cell(sheet: _Sheet, kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "text":
        return sheet.text(str(value))
    if kind == "date" or (kind == "auto" and isinstance(value, dt.date)):
        if isinstance(value, dt.datetime):
            value = value.date()
        try:
            return sheet.date(value)
        except ValueError:  # not an ISO date after all: keep what was shown
            return str(value)
    if kind == "number" and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def export_rows(path: str | os.PathLike[str], title: str, columns: Sequence[ExportColumn | str],
                rows: Iterable[Sequence[Any]], *, progress: Progress | None = None,
                cancel: Callable[[], bool] | None = None, total: int = 0, sheet: str = "列表") -> int:
    """Write one list to an .xlsx file: a title row, a frozen bold header, widths sized from the first
    rows, text columns (ID numbers) as text, dates as dates. ``rows`` is consumed once and streamed
    (a generator over keyset pages exports a province's roster without holding it). ``progress(done,
    total, stage)`` and ``cancel()`` are called every few thousand rows. Returns the number of rows.

    Refuses with InvalidInput for a non-.xlsx name or a file open in Excel, NotFound for a missing
    folder, Cancelled when ``cancel()`` returns True (no file is written then)."""
    _check_target(path)
    cols = [c if isinstance(c, ExportColumn) else ExportColumn(c) for c in columns]
    for column in cols:
        if column.kind not in COLUMN_KINDS:
            raise ValueError(column.kind)
    iterator = iter(rows)
    sample = list(islice(iterator, WIDTH_SAMPLE))
    widths = []
    for index, column in enumerate(cols):
        if column.width is not None:
            widths.append(column.width)
            continue
        seen = [_display_width(row[index]) for row in sample if index < len(row)]
        widths.append(min(MAX_WIDTH, max([_display_width(column.header), *seen, 4]) + 2))
    wb = _new_workbook()
    out = _Sheet(wb, sheet, title, [c.header for c in cols], widths)
    done = 0
    try:
        for row in chain(sample, iterator):
            out.append([_cell(out, column.kind, value) for column, value in zip(cols, row, strict=False)])
            done += 1
            if done % PROGRESS_EVERY == 0:
                if cancel is not None and cancel():
                    raise Cancelled("已取消导出,未写入文件")
                if progress is not None:
                    progress(done, total, "导出")
        if cancel is not None and cancel():
            raise Cancelled("已取消导出,未写入文件")
    except BaseException:
        _abandon(out)
        raise
    if progress is not None:
        progress(done, total, "保存文件")
    _save(wb, path)
    return done


def _abandon(sheet: _Sheet) -> None:
    """Finish and delete the half-written temporary sheet of a cancelled export."""
    with contextlib.suppress(Exception):
        sheet.ws.close()
        os.remove(sheet.ws._writer.out)
