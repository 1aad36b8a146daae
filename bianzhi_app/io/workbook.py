"""Read units, quotas, post limits and persons from an .xlsx/.xls workbook, without the database.

``read_workbook`` finds the units sheet(s) and the persons sheet(s) by their headers, reads them
row by row with python-calamine, and returns typed rows plus every row-level problem found in the
file itself (bad ID numbers, impossible dates, duplicates, unknown vocabulary, bad figures …).
Checks that need the book (unknown unit, quota exceeded) belong to the importer; ``unknown_units``
checks the persons' units against the workbook's units sheet and names the caller knows.

A row whose required fields are unusable is left out of ``units``/``persons``; a row with a
problem in an optional field is kept with that field empty. Either way the problem is listed:
an importer should treat any problem as a reason not to import the file as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from os import PathLike
from pathlib import Path

import python_calamine

from bianzhi_app import errors
from bianzhi_app.errors import InvalidInput
from bianzhi_app.idcodes import id_birth_date, id_gender, mask_id, normalize_code, uscc_problem
from bianzhi_app.io import values as v
from bianzhi_app.io.files import load_sheet, open_workbook
from bianzhi_app.io.headers import FIELD_NAMES, SCAN_ROWS, Layout, Row, detect, repeats_header
from bianzhi_app.io.values import CellError
from bianzhi_app.texts import functions_problem

PROGRESS_EVERY = 500  # rows between two progress/cancel calls


@dataclass(frozen=True)
class Problem:
    """One problem of one row (or of a whole sheet when column is ""), shown to a clerk."""

    sheet: str
    row: int          # row number as Excel shows it (1-based)
    column: str       # e.g. "C(身份证号)", or "" when it concerns the whole row or sheet
    value: str
    reason: str


@dataclass
class UnitRow:
    sheet: str
    row: int
    name: str
    category: str | None
    rank: str | None
    funding: str | None
    parent: str | None
    uscc: str | None
    quotas: dict[str, int] = field(default_factory=dict)       # kind code -> approved (non-empty cells)
    post_limits: dict[str, int] = field(default_factory=dict)  # post code -> limit (non-empty cells)
    used: dict[str, int] = field(default_factory=dict)         # kind code -> 实有, when the sheet has it
    functions: str | None = None                               # 主要职责 as written (the op normalises it)


@dataclass
class PersonRow:
    sheet: str
    row: int
    name: str
    id_number: str            # 18 characters, upper-case X (15-digit numbers converted)
    gender: str | None        # from the ID number
    birth_date: date | None   # from the ID number
    unit: str
    kind: str                 # kind code
    post: str | None          # post code
    entered_on: date | None   # a year-month alone gives the 1st of that month


@dataclass
class ParsedWorkbook:
    units: list[UnitRow]
    persons: list[PersonRow]
    problems: list[Problem]
    unit_sheets: list[str] = field(default_factory=list)
    person_sheets: list[str] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> field -> "C(身份证号)"


class Cancelled(errors.Cancelled):
    """The clerk cancelled reading the workbook."""

    def __init__(self, message: str = "已取消读取工作簿,没有导入任何数据"):
        super().__init__(message)


@dataclass
class _Pending:
    name: str
    layout: Layout
    rows: Iterator[Row]
    count: int


# ---------------------------------------------------------------- reading


def read_workbook(path: str | PathLike[str], *, progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> ParsedWorkbook:
    """Read a workbook; ``progress(done, total)`` is called every few hundred rows and at the end,
    ``cancel()`` as often — when it returns True, :class:`Cancelled` is raised.

    Raises NotFound for a missing file and InvalidInput for one that is not a readable workbook
    or holds neither a persons sheet (姓名 + 身份证号) nor a units sheet (单位名称 + 编制数).
    """
    file = Path(path)
    book = open_workbook(file)
    result = ParsedWorkbook([], [], [])
    pending: list[_Pending] = []
    try:
        sheet_type = python_calamine.SheetTypeEnum.WorkSheet
        worksheets = [m.name for m in book.sheets_metadata if m.typ == sheet_type]
    except Exception:
        worksheets = list(book.sheet_names)
    for sheet_name in worksheets:
        if cancel and cancel():
            raise Cancelled()
        sheet = load_sheet(book, sheet_name, file.name)
        rows = sheet.iter_rows()
        head = list(islice(rows, SCAN_ROWS + 1))
        try:
            merged = sheet.merged_cell_ranges
        except Exception:
            merged = None
        start = sheet.start
        layout = detect(head, start[1] if start else 0, merged)
        if layout is None:
            result.ignored_sheets.append(sheet_name)
            continue
        end = sheet.end
        count = max(0, (end[0] + 1 if end else 0) - layout.data_start)
        pending.append(_Pending(sheet_name, layout, chain(head[layout.data_start:], rows), count))
        result.columns[sheet_name] = dict(layout.labels)
    if not pending:
        raise InvalidInput(f"文件「{file.name}」中没有可识别的人员表或单位表:"
                           "人员表须有「姓名」「身份证号」列,单位表须有「单位名称」和核定编制数列")
    reader = _SheetReader(result, progress, cancel, sum(p.count for p in pending))
    for item in sorted(pending, key=lambda p: p.layout.role != "units"):
        if item.layout.role == "units":
            result.unit_sheets.append(item.name)
            reader.read_units(item)
        else:
            result.person_sheets.append(item.name)
            reader.read_persons(item)
    reader.report(force=True)
    return result


# Subtotal words anywhere in a text cell, or signature lines at the start of one (cells joined by \0).
_SKIP_ROW = re.compile(r"合\s*计|小\s*计|总\s*计|(?:^|\0)\s*(?:填表人|制表人|审核人|填报人|单位负责人|负责人"
                       r"|填表日期|制表日期|填报日期|注\s*[:：]|说明\s*[:：])")
_NUMBERING = set("甲乙丙丁戊己庚辛壬癸")
_NOTE_ONLY = re.compile(r"[(\[【].*[)\]】]|必填项?|选填项?")


def _skipped(row: Row, used: list[int]) -> bool:
    """Blank rows, subtotal rows (合计/小计/总计) and the signature lines under a table."""
    for i in used:
        cell = row[i]
        if cell != "" and not (type(cell) is str and cell.isspace()):
            break
    else:
        return True
    return _SKIP_ROW.search("\0".join([c for c in row if type(c) is str and c])) is not None


def _is_annotation(row: Row) -> bool:
    """The line some forms put right under the header: 「1 2 3 …」, 「甲 乙 1 2 …」 or 「(必填) (选填) …」."""
    numbers: list[int] = []
    notes = 0
    for cell in row:
        if v.is_blank(cell):
            continue
        text = v.fold(v.display(cell))
        if text in _NUMBERING or _NOTE_ONLY.fullmatch(text):
            notes += 1
        elif text.isdigit():
            numbers.append(int(text))
        else:
            return False
    if numbers:
        return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    return notes > 0


class _SheetReader:
    def __init__(self, result: ParsedWorkbook, progress: Callable[[int, int], None] | None,
                 cancel: Callable[[], bool] | None, total: int):
        self.result = result
        self.progress = progress
        self.cancel = cancel
        self.total = total
        self.done = 0
        self.seen_ids: dict[str, tuple[str, int, str]] = {}
        self.today = date.today()
        self.seen_units: dict[str, tuple[str, int]] = {}

    def report(self, force: bool = False) -> None:
        if self.cancel and self.cancel():
            raise Cancelled()
        if self.progress:
            self.progress(self.total if force else self.done, self.total)

    def _rows(self, item: _Pending) -> Iterator[tuple[int, Row]]:
        used = list(item.layout.columns.values())
        for index, row in enumerate(item.rows, start=item.layout.data_start):
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                self.report()
            if _skipped(row, used) or repeats_header(row) or (
                    index == item.layout.data_start and _is_annotation(row)):
                continue
            yield index + 1, row

    # ------------------------------------------------------------ units

    def read_units(self, item: _Pending) -> None:
        sheet, layout = item.name, item.layout
        cols, labels = layout.columns, layout.labels
        problems = self.result.problems
        figures = [(f, i) for f, i in cols.items() if ":" in f]
        for excel_row, row in self._rows(item):
            def problem(fld: str, reason: str, row: Row = row, excel_row: int = excel_row) -> None:
                value = v.display(row[cols[fld]]) if fld in cols else ""
                problems.append(Problem(sheet, excel_row, labels.get(fld, ""), value, reason))

            def get(fld: str, parse: Callable[[object], str | None], row: Row = row) -> str | None:
                if fld not in cols:
                    return None
                try:
                    return parse(row[cols[fld]])
                except CellError as exc:
                    problem(fld, exc.reason)
                    return None

            name = v.unit_name(row[cols["unit"]])
            unit = UnitRow(sheet, excel_row, name, get("category", v.category), get("rank", v.rank),
                           get("funding", v.funding), get("parent", lambda c: v.unit_name(c) or None),
                           get("uscc", _uscc))
            if "functions" in cols:
                unit.functions = _functions(row[cols["functions"]], problems, sheet, excel_row, labels["functions"])
            for fld, index in figures:
                what, code = fld.split(":")
                try:
                    number = v.parse_count(row[index], _FIGURE_NAMES[what])
                except CellError as exc:
                    problem(fld, exc.reason)
                    continue
                if number is not None:
                    {"quota": unit.quotas, "limit": unit.post_limits, "used": unit.used}[what][code] = number
            if not name:
                problem("unit", "单位名称不能为空")
                continue
            earlier = self.seen_units.get(name)
            if earlier:
                where = _where(earlier[0], earlier[1], sheet)
                problem("unit", f"单位名称与{where}重复")
                continue
            self.seen_units[name] = (sheet, excel_row)
            self.result.units.append(unit)

    # ------------------------------------------------------------ persons

    def read_persons(self, item: _Pending) -> None:
        sheet, layout = item.name, item.layout
        cols, labels = layout.columns, layout.labels
        problems = self.result.problems
        header_row = layout.header_rows[-1] + 1
        for fld in ("unit", "kind"):
            if fld not in cols:
                problems.append(Problem(sheet, header_row, "", "",
                                        f"缺少「{FIELD_NAMES[fld]}」列,本表人员无法导入"))
        for excel_row, row in self._rows(item):
            def problem(fld: str, reason: str, row: Row = row, excel_row: int = excel_row) -> None:
                value = v.display(row[cols[fld]]) if fld in cols else ""
                if fld == "id":  # a problem report never repeats a full ID number
                    value = mask_id(normalize_code(value))
                problems.append(Problem(sheet, excel_row, labels.get(fld, ""), value, reason))

            def cell(fld: str, row: Row = row) -> object:
                return row[cols[fld]] if fld in cols else None

            complete = True
            name = v.person_name(cell("name"))
            if not name:
                problem("name", "姓名不能为空")
                complete = False
            id_number: str | None = None
            try:
                id_number = v.parse_id(cell("id"), self.today)
                if id_number is None:
                    problem("id", "身份证号不能为空")
            except CellError as exc:
                problem("id", exc.reason)
            unit = v.unit_name(cell("unit"))
            if not unit and "unit" in cols:
                problem("unit", "所在单位不能为空")
            kind: str | None = None
            try:
                kind = v.kind_code(cell("kind"))
                if kind is None and "kind" in cols:
                    problem("kind", "编制类型不能为空")
            except CellError as exc:
                problem("kind", exc.reason)
            birth = id_birth_date(id_number) if id_number else None
            sex = id_gender(id_number) if id_number else None
            try:
                stated = v.gender(cell("gender"))
                if stated and sex and stated != sex:
                    problem("gender", f"性别与身份证号不符(身份证号为{sex}性)")
            except CellError as exc:
                problem("gender", exc.reason)
            try:
                given = v.parse_date(cell("birth"), "出生日期")
                if given and birth:
                    stated_birth, month_only = given
                    if month_only:
                        same = (stated_birth.year, stated_birth.month) == (birth.year, birth.month)
                    else:
                        same = stated_birth == birth
                    if not same:
                        problem("birth", f"出生日期与身份证号不符(身份证号为{birth.isoformat()})")
            except CellError as exc:
                problem("birth", exc.reason)
            post: str | None = None
            try:
                post = v.post_code(cell("post"))
            except CellError as exc:
                problem("post", exc.reason)
            entered: date | None = None
            try:
                entered_value = v.parse_date(cell("entered"), "入编时间")
                entered = entered_value[0] if entered_value else None
            except CellError as exc:
                problem("entered", exc.reason)
            if id_number:
                earlier = self.seen_ids.get(id_number)
                if earlier:
                    where = _where(earlier[0], earlier[1], sheet)
                    problem("id", f"身份证号与{where}({earlier[2]})重复")
                    continue
                self.seen_ids[id_number] = (sheet, excel_row, name)
            if complete and id_number and unit and kind:
                self.result.persons.append(
                    PersonRow(sheet, excel_row, name, id_number, sex, birth, unit, kind, post, entered))


_FIGURE_NAMES = {"quota": "编制数", "limit": "领导职数", "used": "实有人数"}


def _where(sheet: str, row: int, here: str) -> str:
    return f"第{row}行" if sheet == here else f"「{sheet}」表第{row}行"


def _uscc(value: object) -> str | None:
    if v.is_blank(value):
        return None
    code = normalize_code(v.fold(v.display(value)))
    reason = uscc_problem(code)
    if reason:
        raise CellError(reason)
    return code


def _functions(value: object, problems: list[Problem], sheet: str, row: int, column: str) -> str | None:
    """A 主要职责 cell: its text (None when blank), or a problem (with the text's beginning) and None."""
    if v.is_blank(value):
        return None
    text = v.display(value)
    reason = functions_problem(text)
    if reason:
        shown = text if len(text) <= 30 else f"{text[:30]}…"
        problems.append(Problem(sheet, row, column, shown, reason))
        return None
    return text


# ---------------------------------------------------------------- cross-checks


def unknown_units(parsed: ParsedWorkbook, known_names: set[str]) -> list[Problem]:
    """Persons whose unit, and units whose parent, is neither in the workbook's units sheet nor known.

    ``known_names`` are the book's active unit names (may be empty). With no units sheet in the
    workbook and no known names there is nothing to compare with, and nothing is reported.
    """
    if not parsed.unit_sheets and not known_names:
        return []
    names = {u.name for u in parsed.units} | {v.unit_name(n) for n in known_names}
    loose = {v.loose_unit_key(n): n for n in names}
    where = "单位表中" if not known_names else ("单位表和系统中" if parsed.unit_sheets else "系统中")

    def reason(what: str, name: str) -> str:
        near = loose.get(v.loose_unit_key(name))
        hint = f";是否应为「{near}」(全角/半角字符不同)?" if near else ""
        return f"{what}「{name}」不在{where}{hint}"

    problems: list[Problem] = []
    for unit in parsed.units:
        if unit.parent and unit.parent not in names:
            column = parsed.columns.get(unit.sheet, {}).get("parent", "")
            problems.append(Problem(unit.sheet, unit.row, column, unit.parent,
                                    reason("上级单位", unit.parent)))
    for person in parsed.persons:
        if person.unit not in names:
            column = parsed.columns.get(person.sheet, {}).get("unit", "")
            problems.append(Problem(person.sheet, person.row, column, person.unit,
                                    reason("所在单位", person.unit)))
    return problems
