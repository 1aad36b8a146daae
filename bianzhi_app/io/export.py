"""Write the book (or a blank template) as an .xlsx workbook that Bianzhi imports back as it is.

The cells are written by rust_xlsxwriter (through rvgsrust-xlsxwriter) with constant-memory
worksheets: each row goes to a temporary file as it is appended, so a province (1,500,000
persons) is written without holding the roster in memory, and the city book is written in about
the time it takes to read it back (bench/bench_export.py). Every sheet has a title row, a bold
header that stays in view (frozen), column widths for Chinese text, ID numbers stored as text and
dates as dates. A string is always written as text, never as a formula ("=1+1" stays "=1+1").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import numbers
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

import rvgsrust_xlsxwriter as xlsx
from sqlalchemy import func, select

from bianzhi_app import errors, queries
from bianzhi_app.db.models import approvals, documents, staffing
from bianzhi_app.db.models import units as unit_table
from bianzhi_app.errors import Cancelled
from bianzhi_app.io import layout as L

Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 2000

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
NOTES_WIDTH = 120
TITLE_HEIGHT_PX = 32  # 24 points
# Bianzhi's own columns kept as text (typed or edited codes stay as they are) or dates.
COLUMN_FORMATS = {"统一社会信用代码": "text", "身份证号": "text", "行政区划代码": "text", "核准编号": "text",
                  "出生日期": "date", "入编时间": "date", "核准日期": "date", "有效期至": "date"}


class _Sheet:
    """One constant-memory sheet: title row (merged over the columns), frozen bold header, widths;
    then plain rows. A column of kind "text" or "date" carries that number format, and a value
    appended to it without a format of its own takes it (so does whatever a clerk types there)."""

    def __init__(self, writer: _Writer, title: str, caption: str, headers: Sequence[str],
                 widths: Sequence[int], kinds: Sequence[str | None]):
        ws = writer.wb.add_worksheet(title, constant_memory=True)
        self.ws = ws
        for index, width in enumerate(widths):
            ws.set_column_width(index, width)
        for index, kind in enumerate(kinds):
            if kind is not None:
                ws.set_column_format(index, writer.formats[kind])
        ws.freeze_panes(2, 0)
        # Before the row is written: set_row_height() (points) takes the sheet out of constant memory.
        ws.set_row_height_pixels(0, TITLE_HEIGHT_PX)
        if len(headers) > 1:
            ws.merge_range(0, 0, 0, len(headers) - 1, caption, writer.formats["title"])
        else:
            ws.write(0, 0, caption, writer.formats["title"])
        ws.write_row(1, 0, list(headers), writer.formats["head"])
        self.row = 2

    def append(self, row: Sequence[Any]) -> None:
        """One row of str, int, float, datetime.date or None (an empty cell). A str is written as
        text whatever it looks like; a date gets the date format in any column."""
        self.ws.write_row(self.row, 0, row if isinstance(row, list) else list(row))
        self.row += 1


class _Writer:
    """One workbook written to ``path`` when closed: sheets are added and filled in order."""

    def __init__(self, path: Path):
        self.path = path
        self.wb = xlsx.Workbook()
        self.wb.set_properties(author="Bianzhi")
        self.formats = {
            "title": xlsx.Format().set_bold().set_font_size(14),
            "head": xlsx.Format().set_bold().set_align("center").set_vertical_align("vcenter").set_text_wrap(),
            "text": xlsx.Format().set_num_format(TEXT_FORMAT),
            "date": xlsx.Format().set_num_format(DATE_FORMAT),
        }

    def sheet(self, title: str, caption: str, headers: Sequence[str], widths: Sequence[int],
              kinds: Sequence[str | None] | None = None) -> _Sheet:
        """A new sheet; ``kinds`` ("text", "date" or None per column) default to the kinds of
        Bianzhi's own columns (ID numbers and codes text, dates date), found by their headers."""
        if kinds is None:
            kinds = [COLUMN_FORMATS.get(header) for header in headers]
        return _Sheet(self, title, caption, headers, widths, kinds)

    def notes(self, title: str, lines: Sequence[str], width: int) -> None:
        """A sheet of notes, one line a row in column A (wrapped), the first as a title."""
        ws = self.wb.add_worksheet(title)
        ws.set_column_width(0, width)
        ws.write(0, 0, lines[0], self.formats["title"])
        body = xlsx.Format().set_text_wrap().set_vertical_align("top")
        for index, line in enumerate(lines[1:], start=1):
            ws.write(index, 0, line, body)

    def close(self) -> None:
        self.wb.close(str(self.path))

    def discard(self) -> None:
        """Nothing to undo: the rows' temporary files are anonymous and go with the workbook."""


def _check_target(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise errors.InvalidInput(f"导出文件须为.xlsx格式:「{target.name}」")
    if not target.parent.is_dir():
        raise errors.NotFound(f"导出目录不存在:「{target.parent}」")
    return target


@contextlib.contextmanager
def _writing(path: str | os.PathLike[str]) -> Iterator[_Writer]:
    """A writer to a temporary file next to ``path``, renamed to ``path`` when the block ends
    normally: a failed or cancelled export leaves no file, not even half of one."""
    target = _check_target(path)
    temp = target.with_name(f".{target.name}.part")
    writer: _Writer | None = None
    try:
        temp.touch()  # an unwritable folder is refused here, before any work
        writer = _Writer(temp)
        yield writer
        writer.close()
        os.replace(temp, target)
    except PermissionError:
        temp.unlink(missing_ok=True)
        raise errors.InvalidInput(f"无法写入「{target.name}」:文件可能正在Excel/WPS中打开,请关闭后重试") from None
    except BaseException:
        if writer is not None:
            writer.discard()
        temp.unlink(missing_ok=True)
        raise


def _reveal_for_export(book: Any, path: str | os.PathLike[str], reason: str | None) -> Any:
    """Check and log an export with full ID numbers; the session's keys that open them."""
    from bianzhi_app.accounts.roles import Permission
    from bianzhi_app.accounts.seclog import Event
    from bianzhi_app.personal.area import clean_reason

    book.require(Permission.REVEAL)
    keys = book.people.keys()
    text = clean_reason(reason)
    with book.read() as conn:
        count = conn.execute(select(func.count()).select_from(staffing).where(staffing.c.end_date.is_(None))
                             ).scalar_one()
    book.people.record_reveal(event=Event.EXPORT, what="export", count=count, reason=text,
                              scope={"full_id": True, "file": Path(path).name})
    return keys


def _day(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


CONFIDENTIAL = "【内部资料 注意保密 含公民身份号码】"


def export_book(book: Any, path: str | os.PathLike[str], *, progress: Progress | None = None,
                cancel: Callable[[], bool] | None = None, full_id: bool = False,
                reason: str | None = None) -> dict[str, int]:
    """Export units (quotas, post limits), persons on establishment, the region pool and the open
    usage approvals (在途) to ``path``.

    ``book`` is an open :class:`bianzhi_app.book.Book`; everything is read in one snapshot.
    ``progress(done, total, stage)`` is called every few thousand rows, ``cancel()`` as often
    (True → :class:`Cancelled`, no file written). Returns {"units": n, "persons": n, "approvals": n}.
    ID numbers are masked and birth dates left out, unless ``full_id``: then the account must be allowed to
    reveal (NotPermitted), a ``reason`` is needed (InvalidInput), the export is logged (who, how many, why)
    before the file is written, and the persons sheet's title carries the confidentiality marking. A masked
    export does not import back as persons (the numbers are incomplete): an export for re-import is full.
    """
    catalog = book.catalog
    keys = _reveal_for_export(book, path, reason) if full_id else None
    kinds = [k.code for k in catalog.kinds]
    post_codes = [p.code for p in catalog.post_kinds]
    with _writing(path) as writer, book.read() as conn:
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
                   *(L.used_header(k) for k in kinds), L.UNIT_FUNCTIONS]
        widths = [*L.UNIT_WIDTHS, *[L.FIGURE_WIDTH] * (len(headers) - len(L.UNIT_WIDTHS) - 1), L.FUNCTIONS_WIDTH]
        units = writer.sheet(L.UNITS_SHEET, f"{region['name']}机构编制情况(截至{today})", headers, widths)
        names = {u["id"]: u["name"] for u in data["units"]}
        for u in data["units"]:
            row = extra[u["id"]]
            parent = names.get(u["parent_id"]) if u["parent_id"] else None
            units.append([u["name"], parent, u["category"], u["rank"], u["funding"], row.uscc,
                          *(u["quota"][k]["approved"] for k in kinds),
                          *(u["posts"][p]["limit"] for p in post_codes),
                          *(u["quota"][k]["used"] for k in kinds), row.functions])
            done += 1
            tick("导出单位")
        marking = CONFIDENTIAL if keys is not None else ""
        persons = writer.sheet(L.PERSONS_SHEET, f"{marking}{region['name']}实名制在编人员(截至{today})",
                               L.PERSON_COLUMNS, L.PERSON_WIDTHS)
        kind_names = {k.code: k.name for k in catalog.kinds}
        post_names = {p.code: p.name for p in catalog.post_kinds}
        for r in queries.roster(conn, catalog, keys=keys, full_id=keys is not None):
            persons.append([r["name"], r["id_number"], r["gender"], _day(r.get("birth_date")), r["unit"],
                            kind_names[r["kind"]], post_names[r["post"]] if r["post"] else None,
                            _day(r["entered_on"])])
            done += 1
            tick("导出人员")
        pool = writer.sheet(L.POOL_SHEET, f"{region['name']}编制总额(截至{today})", L.POOL_COLUMNS,
                            L.POOL_WIDTHS)
        for k in catalog.kinds:
            figures = data["pool"][k.code]
            pool.append([region["name"], region["code"], k.name, figures["total"], figures["allocated"],
                         figures["unallocated"]])
        sheet = writer.sheet(L.APPROVALS_SHEET, f"{region['name']}在途用编核准(截至{today})", L.APPROVAL_COLUMNS,
                             L.APPROVAL_WIDTHS)
        open_approvals = 0
        for a in conn.execute(select(approvals, unit_table.c.name.label("unit"),
                                     documents.c.number.label("doc"))
                              .join(unit_table, unit_table.c.id == approvals.c.unit_id)
                              .join(documents, documents.c.id == approvals.c.document_id)
                              .where(approvals.c.status == "active").order_by(approvals.c.id)):
            sheet.append([a.number, a.unit, catalog.kind_by_id(a.kind_id).name, a.count, a.used_count, a.method,
                          _day(a.issued_on), _day(a.valid_until), a.doc])
            open_approvals += 1
        tick("保存文件", force=True)
    if progress is not None:
        progress(total, total, "完成")
    return {"units": len(data["units"]), "persons": total_persons, "approvals": open_approvals}


def write_template(path: str | os.PathLike[str]) -> None:
    """A blank workbook with the expected headers and a 说明 (notes) sheet."""
    kinds, posts = list(L.KIND_NAMES), list(L.POST_NAMES)
    headers = [*L.UNIT_FIXED, *(L.quota_header(k) for k in kinds), *(L.limit_header(p) for p in posts),
               L.UNIT_FUNCTIONS]
    widths = [*L.UNIT_WIDTHS, *[L.FIGURE_WIDTH] * (len(headers) - len(L.UNIT_WIDTHS) - 1), L.FUNCTIONS_WIDTH]
    with _writing(path) as writer:
        writer.notes(L.NOTES_SHEET, L.NOTES, NOTES_WIDTH)
        writer.sheet(L.UNITS_SHEET, "机构编制情况", headers, widths)
        # The 身份证号 column is formatted as text: typed ID numbers stay text, not rounded numbers.
        writer.sheet(L.PERSONS_SHEET, "实名制在编人员", L.PERSON_COLUMNS, L.PERSON_WIDTHS)
        writer.sheet(L.POOL_SHEET, "编制总额", L.POOL_COLUMNS, L.POOL_WIDTHS)
        writer.sheet(L.APPROVALS_SHEET, "在途用编核准", L.APPROVAL_COLUMNS, L.APPROVAL_WIDTHS)


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


def _cell(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "text":
        return str(value)
    if kind == "date" or (kind == "auto" and isinstance(value, dt.date)):
        if isinstance(value, dt.datetime):
            value = value.date()
        try:
            return _day(value)
        except (TypeError, ValueError):  # not an ISO date after all: keep what was shown
            return str(value)
    if kind == "number" and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    if isinstance(value, (str, int, float)):
        return value
    if isinstance(value, numbers.Real):  # Decimal, numpy numbers …
        return float(value)
    return str(value)


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
    done = 0
    with _writing(path) as writer:
        kinds = [c.kind if c.kind in ("text", "date") else None for c in cols]
        out = writer.sheet(sheet, title, [c.header for c in cols], widths, kinds)
        for row in chain(sample, iterator):
            out.append([_cell(column.kind, value) for column, value in zip(cols, row, strict=False)])
            done += 1
            if done % PROGRESS_EVERY == 0:
                if cancel is not None and cancel():
                    raise Cancelled("已取消导出,未写入文件")
                if progress is not None:
                    progress(done, total, "导出")
        if cancel is not None and cancel():
            raise Cancelled("已取消导出,未写入文件")
        if progress is not None:
            progress(done, total, "保存文件")
    return done
