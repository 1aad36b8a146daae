"""Exporting the city book (`export_book`, ~130,000 persons) with each candidate .xlsx writer, against
reading the same file back with the project's own reader. Target: export ≤ 1.5× the read.

    .venv/bin/python bench/bench_export.py [--cache DIR] [--book CITY.db] [--writers NAME ...] [--repeat N]

Each measured run is its own process, so that its peak memory (ru_maxrss) is its own:

export   export_book(city book, file) with one writer put in place of export.py's `_Writer`: the
         same queries, sheets, column formats and progress/cancel calls; only the library that
         writes the cells differs
read     read_workbook(that file): python-calamine plus the reader's checks, as `import` reads a
         workbook (the baseline); it must give back every unit and person, with no problem

Writers: rust_xlsxwriter (rvgsrust-xlsxwriter, constant-memory worksheets: export.py's own),
openpyxl (write-only mode: export.py's writer until issue 13), xlsxwriter (constant_memory) and
rustpy (rustpy-xlsxwriter, which takes whole sheets of dict records: its rows are buffered). The
writers other than export.py's live in this file only and need their package installed
(`pip install openpyxl xlsxwriter rustpy-xlsxwriter`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import ROOT, Timer, demo_book

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _kinds(headers: Sequence[str], kinds: Sequence[str | None] | None) -> list[str | None]:
    from bianzhi_app.io.export import COLUMN_FORMATS

    return list(kinds) if kinds is not None else [COLUMN_FORMATS.get(h) for h in headers]


# --------------------------------------------------------------------------------------- openpyxl


class OpenpyxlSheet:
    """export.py's sheet until issue 13: write-only cells, a format on each text and date cell."""

    def __init__(self, wb: Any, title: str, caption: str, headers: Sequence[str], widths: Sequence[int],
                 kinds: Sequence[str | None] | None):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self.cell = WriteOnlyCell
        self.text = [k == "text" for k in _kinds(headers, kinds)]
        ws = self.ws = wb.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A3"
        ws.merged_cells.add(f"A1:{get_column_letter(max(len(headers), 1))}1")
        ws.row_dimensions[1].height = 24
        title_cell = WriteOnlyCell(ws, caption)
        title_cell.font = Font(bold=True, size=14)
        ws.append([title_cell])
        head = []
        for text in headers:
            cell = WriteOnlyCell(ws, text)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            head.append(cell)
        ws.append(head)

    def append(self, row: Sequence[Any]) -> None:
        cells = []
        for is_text, value in zip(self.text, row, strict=False):
            if value is not None and (is_text or isinstance(value, dt.date)):
                cell = self.cell(self.ws, value)
                cell.number_format = TEXT_FORMAT if is_text else DATE_FORMAT
                value = cell
            cells.append(value)
        self.ws.append(cells)


class OpenpyxlWriter:
    def __init__(self, path: Path):
        from openpyxl import Workbook

        self.path = path
        self.wb = Workbook(write_only=True)
        self.sheets: list[OpenpyxlSheet] = []

    def sheet(self, title: str, caption: str, headers: Sequence[str], widths: Sequence[int],
              kinds: Sequence[str | None] | None = None) -> OpenpyxlSheet:
        self.sheets.append(OpenpyxlSheet(self.wb, title, caption, headers, widths, kinds))
        return self.sheets[-1]

    def close(self) -> None:
        self.wb.save(self.path)

    def discard(self) -> None:
        for sheet in self.sheets:
            with contextlib.suppress(Exception):
                sheet.ws.close()
                os.remove(sheet.ws._writer.out)


# ------------------------------------------------------------------------------------- xlsxwriter


class XlsxWriterSheet:
    """A format on each text and date cell (XlsxWriter does not apply a column's format to cells)."""

    def __init__(self, owner: XlsxWriterWriter, title: str, caption: str, headers: Sequence[str],
                 widths: Sequence[int], kinds: Sequence[str | None] | None):
        ws = self.ws = owner.wb.add_worksheet(title)
        self.text = [k == "text" for k in _kinds(headers, kinds)]
        self.text_format, self.date_format = owner.text_format, owner.date_format
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)
        ws.freeze_panes(2, 0)
        ws.set_row(0, 24)
        if len(headers) > 1:
            ws.merge_range(0, 0, 0, len(headers) - 1, caption, owner.title_format)
        else:
            ws.write_string(0, 0, caption, owner.title_format)
        for index, text in enumerate(headers):
            ws.write_string(1, index, text, owner.head_format)
        self.row = 2

    def append(self, row: Sequence[Any]) -> None:
        ws, r = self.ws, self.row
        for c, (is_text, value) in enumerate(zip(self.text, row, strict=False)):
            if value is None:
                continue
            if isinstance(value, str):  # write_string: write() would take "=1+1" for a formula
                ws.write_string(r, c, value, self.text_format if is_text else None)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, value, self.date_format)
            else:
                ws.write_number(r, c, value)
        self.row += 1


class XlsxWriterWriter:
    def __init__(self, path: Path):
        import xlsxwriter

        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        self.wb.set_properties({"author": "Bianzhi"})
        self.title_format = self.wb.add_format({"bold": True, "font_size": 14})
        self.head_format = self.wb.add_format({"bold": True, "align": "center", "valign": "vcenter",
                                               "text_wrap": True})
        self.text_format = self.wb.add_format({"num_format": TEXT_FORMAT})
        self.date_format = self.wb.add_format({"num_format": DATE_FORMAT})

    def sheet(self, title: str, caption: str, headers: Sequence[str], widths: Sequence[int],
              kinds: Sequence[str | None] | None = None) -> XlsxWriterSheet:
        return XlsxWriterSheet(self, title, caption, headers, widths, kinds)

    def close(self) -> None:
        self.wb.close()

    def discard(self) -> None:
        for ws in self.wb.worksheets():
            with contextlib.suppress(Exception):
                ws._opt_close()
                os.remove(ws.row_data_filename)


# --------------------------------------------------------------------------- rustpy-xlsxwriter


class RustpySheet:
    """rustpy-xlsxwriter writes whole sheets of dict records in one call at the end: the rows are
    kept in memory until close() (streaming would need the export turned into generators)."""

    def __init__(self, title: str, caption: str, headers: Sequence[str], widths: Sequence[int],
                 kinds: Sequence[str | None] | None):
        self.title, self.caption, self.headers, self.widths = title, caption, list(headers), list(widths)
        self.kinds = _kinds(headers, kinds)
        self.records: list[dict[str, Any]] = []

    def append(self, row: Sequence[Any]) -> None:
        self.records.append(dict(zip(self.headers, row, strict=False)))


class RustpyWriter:
    def __init__(self, path: Path):
        self.path = path
        self.sheets: list[RustpySheet] = []

    def sheet(self, title: str, caption: str, headers: Sequence[str], widths: Sequence[int],
              kinds: Sequence[str | None] | None = None) -> RustpySheet:
        self.sheets.append(RustpySheet(title, caption, headers, widths, kinds))
        return self.sheets[-1]

    def close(self) -> None:
        import rustpy_xlsxwriter as rp

        def fmt(kind: str) -> Any:
            return rp.Format().set_num_format(TEXT_FORMAT if kind == "text" else DATE_FORMAT)

        head = rp.Format().set_bold().set_align("center").set_text_wrap()
        title = rp.Format().set_bold().set_font_size(14)
        sheets = self.sheets
        rp.write_worksheets(
            [(s.title, s.records) for s in sheets], str(self.path),
            freeze_panes={s.title: {"row": 2, "col": 0} for s in sheets},
            column_widths={s.title: [float(w) for w in s.widths] for s in sheets},
            column_formats={s.title: {h: fmt(k) for h, k in zip(s.headers, s.kinds, strict=True) if k}
                            for s in sheets},
            header_format={s.title: head for s in sheets},
            header_row={s.title: 1 for s in sheets},
            merge_ranges={s.title: [(0, 0, 0, len(s.headers) - 1, s.caption, title)] for s in sheets},
            row_heights={s.title: {0: 24.0} for s in sheets})

    def discard(self) -> None:
        pass


OWN = "rust_xlsxwriter"  # export.py's own writer, measured as it is
WRITERS: dict[str, Any] = {OWN: None, "openpyxl": OpenpyxlWriter, "xlsxwriter": XlsxWriterWriter,
                           "rustpy": RustpyWriter}


# --------------------------------------------------------------------------------------- phases


def child(phase: str, book: Path, workbook: Path) -> None:
    sys.path.insert(0, str(ROOT))
    if phase == "read":
        from bianzhi_app.io.workbook import read_workbook

        with Timer() as timer:
            parsed = read_workbook(workbook)
        counts = {"units": len(parsed.units), "persons": len(parsed.persons), "problems": len(parsed.problems)}
    else:
        from bianzhi_app.book import Book
        from bianzhi_app.io import export

        if WRITERS[phase] is not None:
            export._Writer = WRITERS[phase]  # type: ignore[misc]
        with Book.open(book, actor="bench") as b, Timer() as timer:
            counts = export.export_book(b, workbook, progress=lambda done, total, stage: None,
                                        cancel=lambda: False)
    print(json.dumps({"seconds": timer.seconds, "peak_mb": _peak_mb(), "counts": counts,
                      "bytes": workbook.stat().st_size}))


def run(phase: str, book: Path, workbook: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--book", str(book), "--workbook",
                          str(workbook)], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bianzhi-bench")
    parser.add_argument("--book", type=Path, help="an existing city book (default: generated into --cache)")
    parser.add_argument("--writers", nargs="+", choices=list(WRITERS), default=list(WRITERS))
    parser.add_argument("--repeat", type=int, default=1, help="runs of each phase; the fastest is reported")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--workbook", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args.phase, args.book, args.workbook)
        return
    city = args.book or demo_book(args.cache, "city")

    def best(phase: str, book: Path, workbook: Path) -> dict[str, Any]:
        return min((run(phase, book, workbook) for _ in range(args.repeat)), key=lambda r: r["seconds"])

    results: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as work:
        for name in args.writers:
            workbook = Path(work) / f"{name}.xlsx"
            exported = best(name, city, workbook)
            read = best("read", city, workbook)
            counts = exported["counts"]
            assert read["counts"] == {"units": counts["units"], "persons": counts["persons"], "problems": 0}, \
                (name, read["counts"])
            results[name] = exported, read
    counts = next(iter(results.values()))[0]["counts"]
    print(f"export_book of the city book ({counts['units']:,} units, {counts['persons']:,} persons), "
          f"fastest of {args.repeat}; read = read_workbook of the same file")
    print(f"{'writer':28}{'export s':>9}{'read s':>8}{'export/read':>12}{'export MB':>10}{'read MB':>8}"
          f"{'file MB':>8}")
    for name, (exported, read) in results.items():
        label = name + (" (export.py)" if name == OWN else "")
        print(f"{label:28}{exported['seconds']:9.1f}{read['seconds']:8.1f}"
              f"{exported['seconds'] / read['seconds']:12.2f}{exported['peak_mb']:10.0f}{read['peak_mb']:8.0f}"
              f"{exported['bytes'] / 2**20:8.1f}")
    print("target: export/read ≤ 1.5. MB: peak RSS of each process (file MB: the .xlsx size)")


if __name__ == "__main__":
    main()
